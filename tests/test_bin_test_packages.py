"""bin/test installs what the suite needs from the system (bin/_common.sh, issue 6).

``ensure_test_packages`` runs in bash with a PATH of stand-ins: ``id`` says who we are,
``apt-get`` records what it was asked and "installs" chromium, ``fc-list`` lists a font or not.
"""

import os
import stat
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
BASH = "/bin/bash"


def script(path: Path, text: str) -> None:
    path.write_text("#!/bin/bash\n" + text)
    path.chmod(path.stat().st_mode | stat.S_IXUSR)


@pytest.fixture
def fake_bin(tmp_path):
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    for tool in ("dirname", "cat", "head"):
        (bin_dir / tool).symlink_to(f"/usr/bin/{tool}")
    script(bin_dir / "fc-list", 'echo "/usr/share/fonts/x.ttf: X:style=Book"\n')
    script(bin_dir / "xgettext", "exit 0\n")
    script(bin_dir / "pdftotext", "exit 0\n")
    script(bin_dir / "soffice", "exit 0\n")
    script(
        bin_dir / "apt-get",
        f'echo "$*" >> "{tmp_path}/apt.log"\n'
        f'if [ "$1" = install ]; then printf "#!/bin/bash\\n" > "{bin_dir}/chromium"; '
        f'/bin/chmod +x "{bin_dir}/chromium"; fi\n',
    )
    return bin_dir


def run(fake_bin, uid: int, **env):
    script(fake_bin / "id", f"echo {uid}\n")
    clean = {"PATH": str(fake_bin), "HOME": str(fake_bin.parent), **env}
    result = subprocess.run(  # noqa: S603 (our own script, fixed arguments)
        [BASH, "-c", f'source "{ROOT}/bin/_common.sh"; ensure_test_packages'],
        env=clean,
        capture_output=True,
        text=True,
        check=False,
    )
    log = fake_bin.parent / "apt.log"
    return result, log.read_text() if log.exists() else ""


def test_as_root_it_installs_chromium_with_apt_get(fake_bin):
    result, apt = run(fake_bin, 0)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "Installing chromium with apt-get" in result.stdout
    assert "update -q" in apt
    assert "install -y -q chromium" in apt
    assert (fake_bin / "chromium").exists()


def test_without_root_it_says_how(fake_bin):
    result, apt = run(fake_bin, 1000)
    assert result.returncode == 1
    assert "sudo apt-get install -y chromium" in result.stdout
    assert "RENAKSI_CHROMIUM" in result.stdout
    assert apt == ""


def test_nothing_to_do_when_chromium_is_there(fake_bin):
    script(fake_bin / "chromium", "")
    result, apt = run(fake_bin, 0)
    assert result.returncode == 0
    assert apt == ""


def test_a_chromium_named_by_renaksi_chromium_is_used(fake_bin, tmp_path):
    browser = tmp_path / "my-chromium"
    script(browser, "")
    result, apt = run(fake_bin, 0, RENAKSI_CHROMIUM=str(browser))
    assert result.returncode == 0 and apt == ""
    result, apt = run(fake_bin, 0, RENAKSI_CHROMIUM=str(tmp_path / "absent"))
    assert result.returncode == 1
    assert "is not an executable file" in result.stdout
    assert apt == ""


def test_a_machine_without_fonts_gets_one(fake_bin):
    script(fake_bin / "chromium", "")
    script(fake_bin / "fc-list", "")
    _, apt = run(fake_bin, 0)
    assert "install -y -q fonts-dejavu-core" in apt


def test_failed_apt_get_fails_the_step(fake_bin):
    script(fake_bin / "apt-get", "exit 100\n")
    result, _ = run(fake_bin, 0)
    assert result.returncode == 1
    assert "apt-get install -y chromium failed" in result.stdout


def test_bin_test_runs_it_as_a_step():
    text = (ROOT / "bin" / "test").read_text()
    assert 'run "System packages for the tests" ensure_test_packages' in text
    assert text.index("ensure_test_packages") < text.index('run "pytest (SQLite)"')
    assert os.access(ROOT / "bin" / "test", os.X_OK)


def test_as_root_it_installs_gettext_when_xgettext_is_missing(fake_bin):
    (fake_bin / "xgettext").unlink()
    _, apt = run(fake_bin, 0)
    assert "gettext" in apt.split("install -y -q", 1)[1]


def test_as_root_it_installs_poppler_and_libreoffice_calc_when_missing(fake_bin):
    script(fake_bin / "chromium", "")
    (fake_bin / "pdftotext").unlink()
    (fake_bin / "soffice").unlink()
    _, apt = run(fake_bin, 0)
    installed = apt.split("install -y -q", 1)[1].split()
    assert installed == ["poppler-utils", "libreoffice-calc-nogui"]
