"""Filters of the rollup dashboards' tables: a percentage or an index written in the reader's
number format, cheaply (hundreds of cells a page; floatformat's Decimal work would cost more
than the rest of the row)."""

from django import template
from django.utils.formats import get_format

register = template.Library()


def _fixed(value, places: int) -> str | None:
    """``value`` with ``places`` decimals, None when it is no number (None, "" for a missing
    attribute in the template)."""
    if value is None or value == "":
        return None
    try:
        number = float(value)
    except (TypeError, ValueError):
        return None
    return f"{number:.{places}f}".replace(".", get_format("DECIMAL_SEPARATOR"))


@register.filter
def pct(value) -> str:
    """25.0 → "25,0 %" (Indonesian) / "25.0 %" (English); nothing → "—"."""
    text = _fixed(value, 1)
    return "—" if text is None else text + " %"


@register.filter
def index2(value) -> str:
    """An LKE index with two decimals; nothing → "—"."""
    text = _fixed(value, 2)
    return "—" if text is None else text
