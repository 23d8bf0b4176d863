"""The typed intermediate structure a decree is parsed into. Plain Python, no Django.

Every item keeps the source line it came from, so findings and the UI can point at it.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field


class DecreeError(Exception):
    """The input cannot be read as a decree at all. The message is in Indonesian."""

    def __init__(self, message: str, line: int | None = None):
        self.message = message
        self.line = line
        super().__init__(f"baris {line}: {message}" if line else message)


@dataclass(frozen=True)
class Finding:
    """A choice the importer made or a problem it noticed, for a person to confirm."""

    line: int | None
    kind: str
    message: str
    severity: str = "warning"  # "info", "warning" or "error"

    def as_dict(self) -> dict:
        return {
            "line": self.line,
            "kind": self.kind,
            "message": self.message,
            "severity": self.severity,
        }


@dataclass
class ListItem:
    """One item of a numbered list in the body (Menimbang, Mengingat, dictum …)."""

    label: str
    text: str
    line: int

    def as_dict(self) -> dict:
        return {"label": self.label, "text": self.text, "line": self.line}


@dataclass
class IndicatorData:
    text: str
    line: int
    label: str = ""


@dataclass
class SubActivityData:
    number: int | None
    name: str
    line: int
    months: set[int] = field(default_factory=set)
    indicators: list[IndicatorData] = field(default_factory=list)


@dataclass
class ActivityData:
    number: int | None
    name: str
    line: int
    sub_activities: list[SubActivityData] = field(default_factory=list)


@dataclass
class AreaData:
    number: int
    name: str
    line: int
    inferred: bool = False
    activities: list[ActivityData] = field(default_factory=list)


@dataclass
class DecreeHeader:
    institution: str = ""
    unit_name: str = ""
    number: str = ""
    year: int | None = None
    title: str = ""
    subject: str = ""
    issuer: str = ""
    considerations: list[ListItem] = field(default_factory=list)
    legal_bases: list[ListItem] = field(default_factory=list)
    notes_considered: list[ListItem] = field(default_factory=list)
    decides: str = ""
    dictums: list[ListItem] = field(default_factory=list)
    budget_reference: str = ""
    place: str = ""
    place_line: int | None = None
    date: datetime.date | None = None
    date_line: int | None = None
    signer_name: str = ""
    signer_title: str = ""
    certifier_name: str = ""
    certifier_title: str = ""
    # The closing block after the appendix repeats place, date and signer.
    closing_place: str = ""
    closing_place_line: int | None = None
    closing_date: datetime.date | None = None
    closing_date_line: int | None = None
    closing_signer_name: str = ""
    lines: dict[str, int] = field(default_factory=dict)


@dataclass
class ParsedDecree:
    header: DecreeHeader
    areas: list[AreaData]
    findings: list[Finding] = field(default_factory=list)

    def counts(self) -> dict[str, int]:
        activities = [a for area in self.areas for a in area.activities]
        subs = [s for a in activities for s in a.sub_activities]
        return {
            "areas": len(self.areas),
            "activities": len(activities),
            "sub_activities": len(subs),
            "indicators": sum(len(s.indicators) for s in subs),
        }

    def as_dict(self) -> dict:
        """The JSON shape of ``import_decree --dry-run --json``."""
        h = self.header
        return {
            "decree": {
                "number": h.number,
                "year": h.year,
                "unit": h.unit_name,
                "title": h.subject,
                "full_title": h.title,
                "place": h.place,
                "date": h.date.isoformat() if h.date else None,
                "signer": h.signer_name,
                "signer_title": h.signer_title,
                "certifier": h.certifier_name,
                "certifier_title": h.certifier_title,
                "considerations": [i.as_dict() for i in h.considerations],
                "legal_bases": [i.as_dict() for i in h.legal_bases],
                "notes_considered": [i.as_dict() for i in h.notes_considered],
                "dictums": [i.as_dict() for i in h.dictums],
                "budget_reference": h.budget_reference,
            },
            "areas": [
                {
                    "number": area.number,
                    "name": area.name,
                    "line": area.line,
                    "inferred": area.inferred,
                    "activities": [
                        {
                            "number": act.number,
                            "name": act.name,
                            "line": act.line,
                            "sub_activities": [
                                {
                                    "number": sub.number,
                                    "name": sub.name,
                                    "line": sub.line,
                                    "indicators": [ind.text for ind in sub.indicators],
                                    "months": sorted(sub.months),
                                }
                                for sub in act.sub_activities
                            ],
                        }
                        for act in area.activities
                    ],
                }
                for area in self.areas
            ],
            "counts": self.counts(),
            "anomalies": [f.as_dict() for f in self.findings],
        }
