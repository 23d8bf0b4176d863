"""The typed intermediate structure a decree is parsed into. Plain Python, no Django.

Every item keeps the source line it came from, so findings and the UI can point at it.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

# -- messages that follow the reader's language -----------------------------------------------


def gettext_noop(message: str) -> str:
    """Mark ``message`` (Indonesian, with ``%(name)s`` placeholders) for the catalog.

    Django's ``makemessages`` passes ``--keyword=gettext_noop`` to xgettext, so the message
    is extracted from this Django-free library; the function itself returns it unchanged.
    The translation happens when a finding is shown (``render_message(..., gettext)``).
    """
    return message


@dataclass(frozen=True)
class Message:
    """A message template and its values; ``str()`` gives the Indonesian text.

    A value may itself be a ``Message`` (a fixed phrase such as ``area perubahan``), so that
    it is translated with the sentence around it.
    """

    template: str
    params: Mapping[str, Any] = field(default_factory=dict)

    def as_params(self) -> dict[str, Any]:
        """The values as plain JSON: a nested message is ``{"msgid": …, "params": …}``."""
        return {key: _json_value(value) for key, value in self.params.items()}

    def __str__(self) -> str:
        return render_message(self.template, self.as_params())


def message(template: str, **params: Any) -> Message:
    return Message(template, params)


def join_messages(items: list[Message | str]) -> Message | str:
    """``a, b, c`` with each item translated: nested ``%(first)s, %(rest)s`` messages."""
    if not items:
        return ""
    if len(items) == 1:
        return items[0]
    return message(
        gettext_noop("%(first)s, %(rest)s"), first=items[0], rest=join_messages(items[1:])
    )


def _json_value(value: Any) -> Any:
    if isinstance(value, Message):
        return {"msgid": value.template, "params": value.as_params()}
    if isinstance(value, str | int | float | bool) or value is None:
        return value
    return str(value)


def render_message(
    template: str, params: Mapping[str, Any], translate: Callable[[str], str] = str
) -> str:
    """``translate(template) % params``, nested messages rendered the same way first.

    Without params a template without placeholders is used as it is (no ``%`` formatting);
    one with a placeholder and no values raises ``KeyError``.
    """
    text = translate(template)
    if not params and "%(" not in text:
        return text
    values = {}
    for key, value in params.items():
        if isinstance(value, Mapping) and "msgid" in value:
            value = render_message(value["msgid"], value.get("params") or {}, translate)
        values[key] = value
    return text % values


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
    # The Indonesian text. Given as a ``Message``, it is rendered here and its template and
    # values are kept in ``template`` and ``params`` so the finding can be shown translated.
    message: str | Message
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
    template: str = ""  # the message's template (an Indonesian msgid), "" if given as text
    params: dict[str, Any] = field(default_factory=dict)  # its values, plain JSON

    def __post_init__(self) -> None:
        if isinstance(self.message, Message):
            object.__setattr__(self, "template", self.message.template)
            object.__setattr__(self, "params", self.message.as_params())
            object.__setattr__(self, "message", str(self.message))

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
