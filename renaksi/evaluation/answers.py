"""An assessment's answers as the scorer reads them (one query)."""

from __future__ import annotations

from .models import Answer, Tier
from .scoring import RawAnswer


def answers_of(assessment, tier: str = Tier.SELF) -> dict[str, RawAnswer]:
    """{item code: RawAnswer} of one tier of an assessment."""
    rows = Answer.objects.filter(assessment=assessment, tier=tier).values_list(
        "item__code", "option", "number", "counts"
    )
    return {
        code: RawAnswer(option=option or "", number=number, counts=counts or {})
        for code, option, number, counts in rows
    }
