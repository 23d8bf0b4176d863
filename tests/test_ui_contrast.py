"""``button--quiet`` is white text on a transparent background: made for the dark site header
only. On the white page it is invisible (the plan page's "Unduh dokumen" and the unit page's
"Kirim ulang undangan" once were)."""

from pathlib import Path

from django.conf import settings

TEMPLATES = Path(settings.BASE_DIR) / "renaksi" / "templates"


def test_the_quiet_button_is_used_in_the_site_header_only():
    users = sorted(
        str(path.relative_to(TEMPLATES))
        for path in TEMPLATES.rglob("*.html")
        if "button--quiet" in path.read_text(encoding="utf-8")
    )
    assert users == ["base.html"]
    header = (TEMPLATES / "base.html").read_text(encoding="utf-8")
    start, end = header.index("<header"), header.index("</header>")
    assert header.count("button--quiet") == header[start:end].count("button--quiet")
