"""Figures of the monitoring pages in the reader's number format (Indonesian: 25,00)."""

from __future__ import annotations

from decimal import Decimal

from django import template
from django.utils.formats import number_format
from django.utils.translation import pgettext

register = template.Library()

MINUS = "\u2212"


@register.filter
def pct(value: Decimal | None) -> str:
    """A percentage with two decimals and "%", or a dash when it is not computed."""
    if value is None:
        return "—"
    text = number_format(abs(value), 2)
    return f"{MINUS if value < 0 else ''}{text}%"


@register.filter
def points(value: Decimal | None) -> str:
    """A deviation in percentage points, with its sign (+3,50 / −40,00), or a dash."""
    if value is None:
        return "—"
    sign = MINUS if value < 0 else "+" if value > 0 else ""
    return f"{sign}{number_format(abs(value), 2)}"


@register.filter
def number(value: Decimal | None) -> str:
    """A realised value or a target: two decimals dropped when whole (95, 12,5)."""
    if value is None:
        return "—"
    value = Decimal(value)
    if value == value.to_integral_value():
        return number_format(value, 0)
    return number_format(value.normalize(), abs(value.normalize().as_tuple().exponent))


@register.filter
def bar(value: Decimal | None) -> int:
    """A width 0–100 for a bar (percentages above 100 drawn full)."""
    if value is None:
        return 0
    return max(0, min(100, int(value)))


@register.filter
def tw(quarter: int | None) -> str:
    """1 → "TW I"."""
    from renaksi.monitoring.figures import QUARTER_NAMES

    name = QUARTER_NAMES.get(quarter)
    return pgettext("singkatan triwulan", name) if name else ""
