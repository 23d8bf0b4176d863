"""Where the secret key comes from, and how manage.py reports a configuration error (issue 6).

The rule (renaksi/settings.py, read_secret_key): SECRET_KEY from the environment first; in
production (RENAKSI_PRODUCTION=true) nothing else; otherwise the key bin/start keeps in
$RENAKSI_DATA_DIR/secret_key; otherwise, with DEBUG=true, a fixed development key.
"""

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
CLEARED = {
    "SECRET_KEY",
    "DEBUG",
    "RENAKSI_PRODUCTION",
    "RENAKSI_INSECURE_DEV_KEY",
    "DATABASE_URL",
    "DJANGO_SETTINGS_MODULE",
}


def environment(data_dir: Path, **env) -> dict:
    clean = {k: v for k, v in os.environ.items() if k not in CLEARED}
    clean["RENAKSI_DATA_DIR"] = str(data_dir)
    clean.update(env)
    return clean


def secret_key(data_dir: Path, **env):
    return subprocess.run(
        [sys.executable, "-c", "import renaksi.settings as s; print(s.SECRET_KEY)"],
        cwd=ROOT,
        env=environment(data_dir, **env),
        capture_output=True,
        text=True,
        check=False,
    )


def manage(data_dir: Path, *args, **env):
    return subprocess.run(  # noqa: S603 (our own manage.py, arguments from the tests)
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env=environment(data_dir, **env),
        capture_output=True,
        text=True,
        check=False,
    )


@pytest.fixture
def data_dir(tmp_path):
    """A data folder as bin/start leaves it: a key file (with its trailing newline)."""
    (tmp_path / "secret_key").write_text("key-written-by-bin-start\n")
    return tmp_path


def test_in_development_the_key_file_is_used(data_dir):
    result = secret_key(data_dir)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "key-written-by-bin-start"


def test_the_environment_comes_first(data_dir):
    result = secret_key(data_dir, SECRET_KEY="from-the-environment")
    assert result.stdout.strip() == "from-the-environment"
    result = secret_key(data_dir, SECRET_KEY="from-the-environment", RENAKSI_PRODUCTION="true")
    assert result.stdout.strip() == "from-the-environment"


def test_production_ignores_the_key_file(data_dir):
    result = secret_key(data_dir, RENAKSI_PRODUCTION="true")
    assert result.returncode != 0
    assert "SECRET_KEY is not set" in result.stderr
    assert "read only from the environment" in result.stderr
    assert "key-written-by-bin-start" not in result.stdout + result.stderr


def test_production_refuses_debug(data_dir):
    result = secret_key(data_dir, SECRET_KEY="x", RENAKSI_PRODUCTION="true", DEBUG="true")
    assert result.returncode != 0
    assert "DEBUG must be false when RENAKSI_PRODUCTION is true" in result.stderr


def test_production_refuses_the_development_key(tmp_path):
    result = secret_key(tmp_path, RENAKSI_PRODUCTION="true", RENAKSI_INSECURE_DEV_KEY="true")
    assert result.returncode != 0
    assert "SECRET_KEY is not set" in result.stderr


def test_an_empty_or_unreadable_key_file_is_an_error(tmp_path):
    (tmp_path / "secret_key").write_text("\n")
    result = secret_key(tmp_path)
    assert result.returncode != 0
    assert "secret_key is empty" in result.stderr
    (tmp_path / "secret_key").unlink()
    (tmp_path / "secret_key").mkdir()  # not a file
    result = secret_key(tmp_path)
    assert result.returncode != 0
    assert "cannot be read" in result.stderr


def test_without_key_or_file_it_says_what_to_do(tmp_path):
    result = secret_key(tmp_path)
    assert result.returncode != 0
    assert f"there is no {tmp_path / 'secret_key'}" in result.stderr
    assert "run bin/start" in result.stderr
    result = secret_key(tmp_path, DEBUG="true")
    assert result.stdout.strip() == "insecure-development-key-not-for-production"


def test_after_bin_start_manage_py_works_without_exporting_the_key(data_dir):
    result = manage(data_dir, "check")
    assert result.returncode == 0, result.stderr
    assert "System check identified no issues" in result.stdout


@pytest.mark.parametrize(
    ("env", "args", "expected"),
    [
        ({}, ["check"], "configuration error: SECRET_KEY is not set"),
        ({"SECRET_KEY": "x", "DEBUG": "maybe"}, ["check"], "DEBUG must be true or false"),
        (
            {"SECRET_KEY": "x", "DATABASE_URL": "nonsense://"},
            ["check"],
            "configuration error: DATABASE_URL",
        ),
        (
            {"SECRET_KEY": "x", "AXES_FAILURE_LIMIT": "lima"},
            ["migrate"],
            "AXES_FAILURE_LIMIT must be a whole number",
        ),
        (
            {"SECRET_KEY": "x", "DATABASE_URL": "postgres://postgres@127.0.0.1:1/none"},
            ["migrate", "--noinput"],
            "database error: connection failed",
        ),
    ],
    ids=["no-key", "bad-debug", "bad-database-url", "bad-number", "no-database"],
)
def test_a_configuration_failure_is_one_clear_line(tmp_path, env, args, expected):
    result = manage(tmp_path, *args, **env)
    assert result.returncode == 1
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith("manage.py: ")
    assert expected in lines[0]
    assert "Traceback" not in result.stderr


def test_traceback_on_request(tmp_path):
    result = manage(tmp_path, "check", "--traceback")
    assert result.returncode == 1
    assert "Traceback" in result.stderr
    assert "SECRET_KEY is not set" in result.stderr
