"""What a page under our Content-Security-Policy (script-src and style-src 'self') may hold."""

import re

_SCRIPT = re.compile(r"<script\b([^>]*)>(.*?)</script>", flags=re.DOTALL)


def assert_no_inline_code(html: str) -> None:
    """No style attribute, no <style>, and scripts only from our own static files (htmx is on
    every page), never inline."""
    assert "style=" not in html
    assert "<style" not in html
    for attributes, body in _SCRIPT.findall(html):
        assert re.search(r'\bsrc="/static/', attributes), attributes
        assert not body.strip(), body[:200]
    # A <script> without its end tag would slip past the pattern above.
    assert html.count("<script") == len(_SCRIPT.findall(html))
