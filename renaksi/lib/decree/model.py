"""The typed intermediate structure a decree is parsed into. Plain Python, no Django.

Every item keeps the source line it came from, so findings and the UI can point at it.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field


@dataclass(frozen=True)
class Position:
    """Where something is in the source file, in the terms of its format.

    text: ``line``; XLSX: ``sheet``, ``row``, ``column`` (a letter); DOCX: ``table``, ``row``,
    ``cell`` (or ``paragraph`` for the body); PDF: ``page`` (and ``row`` within the page's
    table). All numbers are 1-based, as a person counts them.
    """

    line: int | None = None
    sheet: str | None = None
    table: int | None = None
    paragraph: int | None = None
    page: int | None = None
    row: int | None = None
    column: str | None = None
    cell: int | None = None

    def as_dict(self) -> dict:
        return {k: v for k, v in self.__dict__.items() if v is not None}

    def describe(self) -> str:
        """In Indonesian, as a person would say it: ``lembar 'Lampiran' baris 5 kolom C``."""
        parts = []
        if self.page is not None:
            parts.append(f"halaman {self.page}")
        if self.sheet is not None:
            parts.append(f"lembar '{self.sheet}'")
        if self.table is not None:
            parts.append(f"tabel {self.table}")
        if self.paragraph is not None:
            parts.append(f"paragraf {self.paragraph}")
        if self.line is not None:
            parts.append(f"baris {self.line}")
        if self.row is not None:
            parts.append(f"baris {self.row}")
        if self.column is not None:
            parts.append(f"kolom {self.column}")
        if self.cell is not None:
            parts.append(f"sel {self.cell}")
        return " ".join(parts)


class DecreeError(Exception):
    """The input cannot be read as a decree at all. The message is in Indonesian.

    ``line`` is the source line (text) or the reader's row ordinal; ``position`` says where
    in the terms of the file's format, when known.
    """

    def __init__(self, message: str, line: int | None = None, position: Position | None = None):
        self.message = message
        self.line = line
        self.position = position or (Position(line=line) if line else None)
        super().__init__(message)

    def __str__(self) -> str:
        return f"{self.where}: {self.message}" if self.where else self.message

    @property
    def where(self) -> str:
        return self.position.describe() if self.position else ""


@dataclass(frozen=True)
class Finding:
    """A choice the importer made or a problem it noticed, for a person to confirm."""

    line: int | None
    kind: str
    message: str
    severity: str = "warning"  # "info", "warning" or "error"
    # Where in the source (filled by the parser from ``line`` when the reader knows it) and
    # the source text around it, for showing the finding next to what it came from.
    position: Position | None = None
    excerpt: str = ""
    # A choice the reader made: a stable key, the options it could have taken (value,
    # Indonesian label) and the one it took. ``parse_decree(..., choices={key: value})``
    # reads the document again taking another option.
    choice_key: str = ""
    options: tuple[tuple[str, str], ...] = ()
    chosen: str = ""

    def as_dict(self) -> dict:
        data = {
            "line": self.line,
            "kind": self.kind,
            "message": self.message,
            "severity": self.severity,
            "position": self.position.as_dict() if self.position else None,
            "where": self.position.describe() if self.position else "",
        }
        if self.choice_key:
            data["choice"] = {
                "key": self.choice_key,
                "options": [{"value": v, "label": label} for v, label in self.options],
                "chosen": self.chosen,
            }
        return data


EXTRA_FIELDS = ("pic", "target", "output", "budget", "note")


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
    # The schedule: months 1-12 for a monthly plan, quarters 1-4 (TW I-IV) for a quarterly
    # one (``ParsedDecree.schedule``); the other set stays empty.
    months: set[int] = field(default_factory=set)
    quarters: set[int] = field(default_factory=set)
    indicators: list[IndicatorData] = field(default_factory=list)
    # Extra columns some decrees have (PENANGGUNG JAWAB/PIC, TARGET, OUTPUT, ANGGARAN,
    # KETERANGAN), as printed.
    pic: str = ""
    target: str = ""
    output: str = ""
    budget: str = ""
    note: str = ""


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
    schedule: str = "month"  # "month" (JAN-DES) or "quarter" (TW I-IV)
    source_format: str = "text"  # "text", "xlsx", "docx" or "pdf"
    # Where each item's ``line`` (the reader's ordinal) is in the source, in the format's terms.
    positions: dict[int, Position] = field(default_factory=dict)

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
                                    **(
                                        {"quarters": sorted(sub.quarters)}
                                        if self.schedule == "quarter"
                                        else {}
                                    ),
                                    **{
                                        name: getattr(sub, name)
                                        for name in EXTRA_FIELDS
                                        if getattr(sub, name)
                                    },
                                }
                                for sub in act.sub_activities
                            ],
                        }
                        for act in area.activities
                    ],
                }
                for area in self.areas
            ],
            "schedule": self.schedule,
            "format": self.source_format,
            "counts": self.counts(),
            "anomalies": [f.as_dict() for f in self.findings],
        }
