"""Template helpers of the unit dashboard (renaksi/dashboards/unit.py)."""

from decimal import ROUND_HALF_UP, Decimal

from django import template
from django.utils.formats import number_format
from django.utils.http import urlencode

register = template.Library()
TENTH = Decimal("0.1")


def _one_place(value) -> Decimal:
    """Rounded half up to one place (number_format alone cuts the digits off: 66.67 → 66.6)."""
    return Decimal(value).quantize(TENTH, rounding=ROUND_HALF_UP)


@register.filter
def pct(value) -> str:
    """A percentage in the reader's number format ("87,5 %"), "—" when there is none."""
    if value is None:
        return "—"
    return f"{number_format(_one_place(value), 1)} %"


@register.filter
def points(value) -> str:
    """A deviation in percentage points with its sign ("−12,5"), "—" when there is none."""
    if value is None:
        return "—"
    value = _one_place(value)
    text = number_format(abs(value), 1)
    return f"+{text}" if value > 0 else (f"−{text}" if value < 0 else text)


@register.simple_tag
def with_query(url: str, query: str, **params) -> str:
    """``url`` with ``query`` (the chosen day, "per=…") and ``params`` added."""
    parts = [part for part in (query, urlencode({k: v for k, v in params.items() if v})) if part]
    if not parts:
        return url
    return url + ("&" if "?" in url else "?") + "&".join(parts)
