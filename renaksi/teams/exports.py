"""The SK Tim RB's appendix (Lampiran), built once and rendered for the page, print and XLSX.

``TeamAppendix(team)`` reads the members (one query) and the change areas (one query) and lays
them out as the SK lists them: Tim Pengarah, Tim Pelaksana per area 1–8 (coordinator first),
Tim Agen Perubahan, Tim Asesor. Within a position, members keep the order they were entered
in, which is the order the SK names them. ``rows`` is the appendix as a flat list (a section
row per part and area, then its members, numbered per section); ``to_xlsx()`` renders it. A
future API or command uses the same object.
"""

from __future__ import annotations

import io
from dataclasses import dataclass, field
from functools import cached_property

from django.template.defaultfilters import date as format_date
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from openpyxl import Workbook
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from renaksi.core.validators import printable_text
from renaksi.plans.models import ChangeArea

from .models import POSITION_ORDER, Part, Position, ReformTeam, TeamMember

XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"

COLUMNS = [
    gettext_lazy("NO"),
    gettext_lazy("NAMA"),
    gettext_lazy("NIP"),
    gettext_lazy("JABATAN"),
    gettext_lazy("KEDUDUKAN DALAM TIM"),
]
PART_ORDER = {part: index for index, part in enumerate(Part)}
# A member's place within its section, as the appendix's last column says it.
ROLE_IN_SECTION = {
    Position.PENGARAH_KETUA: gettext_lazy("Ketua"),
    Position.PENGARAH_SEKRETARIS: gettext_lazy("Sekretaris"),
    Position.PENGARAH_ANGGOTA: gettext_lazy("Anggota"),
    Position.PELAKSANA_KOORDINATOR: gettext_lazy("Koordinator"),
    Position.PELAKSANA_ANGGOTA: gettext_lazy("Anggota"),
    Position.AGEN_PERUBAHAN: gettext_lazy("Agen Perubahan"),
    Position.ASESOR_KETUA: gettext_lazy("Ketua"),
    Position.ASESOR_ANGGOTA: gettext_lazy("Anggota"),
}

# Per part: (the head's position or None, a member's position).
NEXT_POSITIONS = {
    Part.PENGARAH: (Position.PENGARAH_KETUA, Position.PENGARAH_ANGGOTA),
    Part.PELAKSANA: (Position.PELAKSANA_KOORDINATOR, Position.PELAKSANA_ANGGOTA),
    Part.AGEN: (None, Position.AGEN_PERUBAHAN),
    Part.ASESOR: (Position.ASESOR_KETUA, Position.ASESOR_ANGGOTA),
}


def unit_long_name(unit) -> str:
    """The unit's name as a decree spells it: 'Komisi Pemilihan Umum Kabupaten Bengkayang'."""
    name = unit.name
    if name.startswith("KPU "):
        return _("Komisi Pemilihan Umum") + name[3:]
    return name


def role_in_section(member: TeamMember) -> str:
    return str(ROLE_IN_SECTION[Position(member.position)])


def member_sort_key(member: TeamMember) -> tuple:
    return (
        PART_ORDER[member.part],
        member.change_area.number if member.change_area_id else 0,
        POSITION_ORDER[Position(member.position)],
        member.pk or 0,
    )


@dataclass
class Section:
    """A part of the team, or one area of Tim Pelaksana, with its members in SK order."""

    part: Part
    title: str
    area: ChangeArea | None = None
    members: list[TeamMember] = field(default_factory=list)
    areas: list[Section] = field(default_factory=list)  # Tim Pelaksana: one per area

    @property
    def member_count(self) -> int:
        return len(self.members) + sum(len(area.members) for area in self.areas)

    @property
    def next_position(self) -> str:
        """The position a new member of this section most likely takes: the head while the
        section has none, else a member."""
        head, member = NEXT_POSITIONS[self.part]
        if head and not any(m.position == head for m in self.members):
            return head
        return member


@dataclass(frozen=True)
class AppendixRow:
    """One row of the appendix table. ``kind``: "part", "area" or "member"."""

    kind: str
    title: str = ""
    number: int | None = None
    member: TeamMember | None = None

    @property
    def role(self) -> str:
        return role_in_section(self.member) if self.member is not None else ""

    def cells(self) -> list[str]:
        """The five columns (NO, NAMA, NIP, JABATAN, KEDUDUKAN DALAM TIM) as text."""
        if self.member is None:
            return [self.title, "", "", "", ""]
        member = self.member
        return [
            str(self.number),
            member.name,
            member.employee_number,
            member.office_title,
            self.role,
        ]


class TeamAppendix:
    """The appendix of one team's SK; the data read once, every rendering from it."""

    def __init__(
        self,
        team: ReformTeam,
        members: list[TeamMember] | None = None,
        areas: list[ChangeArea] | None = None,
    ):
        self.team = team
        if members is None:
            members = list(team.members.select_related("user", "change_area"))
        self.members = sorted(members, key=member_sort_key)
        for member in self.members:
            member.role_label = role_in_section(member)  # for the page's tables
        self.change_areas = list(ChangeArea.objects.order_by("number")) if areas is None else areas

    # -- the document's wording -----------------------------------------------------------
    @property
    def unit_name(self) -> str:
        return unit_long_name(self.team.unit)

    @property
    def subject(self) -> str:
        """What the SK is about (after TENTANG)."""
        if self.team.decree_title:
            return " ".join(self.team.decree_title.split())
        return _("Tim Reformasi Birokrasi %(unit)s Tahun %(year)s") % {
            "unit": self.unit_name,
            "year": self.team.year,
        }

    @property
    def decree_date_text(self) -> str:
        return format_date(self.team.decree_date, "j F Y") if self.team.decree_date else ""

    @property
    def heading(self) -> str:
        return _("Susunan Tim Reformasi Birokrasi %(unit)s Tahun %(year)s") % {
            "unit": self.unit_name,
            "year": self.team.year,
        }

    def title_lines(self) -> list[str]:
        """The appendix's caption, as printed at the top of its first page."""
        lines = [_("LAMPIRAN"), _("KEPUTUSAN %(unit)s") % {"unit": self.unit_name.upper()}]
        lines.append(_("NOMOR %(number)s") % {"number": self.team.decree_number or "…"})
        if self.team.decree_date:
            lines.append(_("TANGGAL %(date)s") % {"date": self.decree_date_text.upper()})
        lines += [_("TENTANG"), self.subject.upper()]
        return lines

    @property
    def filename(self) -> str:
        code = "".join(ch for ch in self.team.unit.code if ch.isalnum()) or "satker"
        return f"tim-rb-{code}-{self.team.year}.xlsx"

    # -- the layout -----------------------------------------------------------------------
    @cached_property
    def sections(self) -> list[Section]:
        """All four parts; Tim Pelaksana with every area 1–8, also those still empty."""
        by_part: dict[Part, list[TeamMember]] = {part: [] for part in Part}
        by_area: dict[int, list[TeamMember]] = {}
        for member in self.members:
            if member.part == Part.PELAKSANA:
                by_area.setdefault(member.change_area.number, []).append(member)
            else:
                by_part[member.part].append(member)
        sections = []
        for part in Part:
            section = Section(part=part, title=str(part.label), members=by_part[part])
            if part == Part.PELAKSANA:
                section.areas = [
                    Section(
                        part=part,
                        title=_("Area %(number)s. %(name)s")
                        % {"number": area.number, "name": area.name},
                        area=area,
                        members=by_area.get(area.number, []),
                    )
                    for area in self.change_areas
                ]
            sections.append(section)
        return sections

    @cached_property
    def document_sections(self) -> list[Section]:
        """The sections as the SK prints them: only parts and areas that have members,
        lettered A, B, C … in order."""
        printed = []
        for section in self.sections:
            if not section.member_count:
                continue
            letter = chr(ord("A") + len(printed))
            printed.append(
                Section(
                    part=section.part,
                    title=f"{letter}. {section.title.upper()}",
                    members=section.members,
                    areas=[area for area in section.areas if area.members],
                )
            )
        return printed

    @cached_property
    def rows(self) -> list[AppendixRow]:
        """The appendix table below its header row, built once for every rendering."""
        rows: list[AppendixRow] = []
        for section in self.document_sections:
            rows.append(AppendixRow("part", section.title))
            rows += self._member_rows(section.members)
            for area in section.areas:
                rows.append(AppendixRow("area", area.title))
                rows += self._member_rows(area.members)
        return rows

    @staticmethod
    def _member_rows(members: list[TeamMember]) -> list[AppendixRow]:
        return [
            AppendixRow("member", number=index, member=member)
            for index, member in enumerate(members, start=1)
        ]

    @property
    def columns(self) -> list[str]:
        return [str(column) for column in COLUMNS]

    # -- XLSX -----------------------------------------------------------------------------
    def to_xlsx(self) -> bytes:
        return XlsxAppendix(self).render()


class XlsxAppendix:
    """Writes a ``TeamAppendix`` as one worksheet, ready to print on A4 landscape."""

    WIDTHS = [6, 36, 24, 46, 24]  # characters, per column of COLUMNS
    FONT = "Arial"
    thin = Side(style="thin", color="000000")
    border = Border(left=thin, right=thin, top=thin, bottom=thin)

    def __init__(self, appendix: TeamAppendix):
        self.appendix = appendix

    def render(self) -> bytes:
        workbook = Workbook()
        sheet = workbook.active
        sheet.title = _("Tim RB")
        workbook.properties.title = printable_text(self.appendix.heading)
        workbook.properties.creator = "Renaksi"
        self._write(sheet)
        buffer = io.BytesIO()
        workbook.save(buffer)
        return buffer.getvalue()

    def _write(self, sheet: Worksheet) -> None:
        last = get_column_letter(len(COLUMNS))
        for index, width in enumerate(self.WIDTHS, start=1):
            sheet.column_dimensions[get_column_letter(index)].width = width

        # The caption, in the right half of the page, as an SK's appendix has it.
        row = 1
        caption_width = sum(self.WIDTHS[3:])
        for line in self.appendix.title_lines():
            sheet.merge_cells(f"D{row}:{last}{row}")
            cell = sheet.cell(row=row, column=4)
            self._text(cell, line, Font(name=self.FONT, size=10))
            cell.alignment = Alignment(wrap_text=True, vertical="top")
            sheet.row_dimensions[row].height = self._height(line, caption_width, 10)
            row += 1
        row += 1
        sheet.merge_cells(f"A{row}:{last}{row}")
        cell = sheet.cell(row=row, column=1)
        heading = self.appendix.heading.upper()
        self._text(cell, heading, Font(name=self.FONT, size=12, bold=True))
        cell.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
        sheet.row_dimensions[row].height = self._height(heading, sum(self.WIDTHS), 12)
        row += 2

        header_row = row
        for column, title in enumerate(self.appendix.columns, start=1):
            cell = sheet.cell(row=row, column=column)
            self._text(cell, title, Font(name=self.FONT, size=10, bold=True))
            cell.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
            cell.fill = PatternFill("solid", fgColor="D9D9D9")
            cell.border = self.border
        sheet.row_dimensions[row].height = 28
        row += 1

        part_fill = PatternFill("solid", fgColor="EDEDED")
        for item in self.appendix.rows:
            if item.kind in ("part", "area"):
                sheet.merge_cells(f"A{row}:{last}{row}")
                cell = sheet.cell(row=row, column=1)
                self._text(cell, item.title, Font(name=self.FONT, size=10, bold=True))
                cell.alignment = Alignment(
                    vertical="center", wrap_text=True, indent=0 if item.kind == "part" else 1
                )
                for column in range(1, len(COLUMNS) + 1):
                    sheet.cell(row=row, column=column).border = self.border
                    if item.kind == "part":
                        sheet.cell(row=row, column=column).fill = part_fill
                sheet.row_dimensions[row].height = 20
            else:
                values = item.cells()
                lines = 1
                for column, value in enumerate(values, start=1):
                    cell = sheet.cell(row=row, column=column)
                    self._text(cell, value, Font(name=self.FONT, size=10))
                    cell.alignment = Alignment(
                        vertical="center",
                        wrap_text=True,
                        horizontal="center" if column == 1 else "left",
                    )
                    cell.border = self.border
                    if column == 3:
                        cell.number_format = "@"  # a NIP is text: 18 digits, leading zeros
                    lines = max(lines, self._lines(value, self.WIDTHS[column - 1]))
                sheet.row_dimensions[row].height = 13 * lines + 6
            row += 1
        if not self.appendix.rows:
            sheet.merge_cells(f"A{row}:{last}{row}")
            self._text(
                sheet.cell(row=row, column=1),
                _("Belum ada anggota."),
                Font(name=self.FONT, size=10, italic=True),
            )

        sheet.freeze_panes = sheet.cell(row=header_row + 1, column=1)
        sheet.print_title_rows = f"{header_row}:{header_row}"
        sheet.print_area = f"A1:{last}{max(row - 1, header_row)}"
        setup = sheet.page_setup
        setup.orientation = sheet.ORIENTATION_LANDSCAPE
        setup.paperSize = sheet.PAPERSIZE_A4
        setup.fitToWidth = 1
        setup.fitToHeight = 0
        sheet.sheet_properties.pageSetUpPr.fitToPage = True
        sheet.print_options.horizontalCentered = True
        sheet.page_margins.left = sheet.page_margins.right = 0.5
        sheet.page_margins.top = sheet.page_margins.bottom = 0.6
        sheet.oddFooter.center.text = _("Halaman &P dari &N")
        sheet.oddFooter.center.size = 8

    @staticmethod
    def _text(cell, value: str, font: Font) -> None:
        """Write ``value`` as text, never as a formula (a name may start with '='), without the
        control characters XLSX forbids (stored before forms refused them)."""
        if isinstance(value, str):
            value = printable_text(value)
        cell.value = value
        if isinstance(value, str) and value:
            cell.data_type = "s"
        cell.font = font

    @staticmethod
    def _lines(text: str, width: float) -> int:
        """Roughly how many lines ``text`` wraps to in a column ``width`` characters wide."""
        if not text:
            return 1
        per_line = max(int(width * 1.1) - 2, 1)
        return sum(max(1, -(-len(part) // per_line)) for part in text.split("\n"))

    @classmethod
    def _height(cls, text: str, width: float, size: int) -> float:
        return (size * 1.4) * cls._lines(text, width * 10 / size) + 2
