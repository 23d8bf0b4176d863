"""The reform team (Tim Reformasi Birokrasi) of a unit and year, as set by its SK.

Parts (GLOSSARY, DOMAIN §3.3): Tim Pengarah (steering), Tim Pelaksana per change area
(implementers), Tim Agen Perubahan (change agents) and Tim Asesor (assessors). Teams are
re-set every year, so a team belongs to one unit and one year; people's roles in Renaksi are
derived from their membership (see renaksi/access/policy.py).
"""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from renaksi.plans.models import ChangeArea
from renaksi.units.models import Unit


class ReformTeam(models.Model):
    """The SK Tim RB of a unit for one year."""

    unit = models.ForeignKey(
        Unit, verbose_name=_("satuan kerja"), on_delete=models.PROTECT, related_name="teams"
    )
    year = models.PositiveSmallIntegerField(_("tahun"))
    decree_number = models.CharField(_("nomor SK"), max_length=150, blank=True)
    decree_date = models.DateField(_("tanggal SK"), null=True, blank=True)
    decree_title = models.TextField(_("judul SK"), blank=True)
    created_at = models.DateTimeField(_("dibuat"), auto_now_add=True)
    updated_at = models.DateTimeField(_("diubah"), auto_now=True)

    class Meta:
        verbose_name = _("tim reformasi birokrasi")
        verbose_name_plural = _("tim reformasi birokrasi")
        ordering = ["-year", "unit__code"]
        constraints = [
            models.UniqueConstraint(
                fields=["unit", "year"],
                name="one_team_per_unit_year",
                violation_error_message=_("Satker ini sudah memiliki Tim RB untuk tahun itu."),
            ),
        ]

    def __str__(self) -> str:
        return _("Tim RB %(unit)s Tahun %(year)s") % {"unit": self.unit.name, "year": self.year}


class Part(models.TextChoices):
    """The four parts of the team, in the order the SK lists them."""

    PENGARAH = "pengarah", _("Tim Pengarah")
    PELAKSANA = "pelaksana", _("Tim Pelaksana")
    AGEN = "agen", _("Tim Agen Perubahan")
    ASESOR = "asesor", _("Tim Asesor")


class Position(models.TextChoices):
    PENGARAH_KETUA = "pengarah_ketua", _("Ketua Tim Pengarah")
    PENGARAH_SEKRETARIS = "pengarah_sekretaris", _("Sekretaris Tim Pengarah")
    PENGARAH_ANGGOTA = "pengarah_anggota", _("Anggota Tim Pengarah")
    PELAKSANA_KOORDINATOR = "pelaksana_koordinator", _("Koordinator Tim Pelaksana")
    PELAKSANA_ANGGOTA = "pelaksana_anggota", _("Anggota Tim Pelaksana")
    AGEN_PERUBAHAN = "agen_perubahan", _("Agen Perubahan")
    ASESOR_KETUA = "asesor_ketua", _("Ketua Tim Asesor")
    ASESOR_ANGGOTA = "asesor_anggota", _("Anggota Tim Asesor")


POSITION_PART = {
    Position.PENGARAH_KETUA: Part.PENGARAH,
    Position.PENGARAH_SEKRETARIS: Part.PENGARAH,
    Position.PENGARAH_ANGGOTA: Part.PENGARAH,
    Position.PELAKSANA_KOORDINATOR: Part.PELAKSANA,
    Position.PELAKSANA_ANGGOTA: Part.PELAKSANA,
    Position.AGEN_PERUBAHAN: Part.AGEN,
    Position.ASESOR_KETUA: Part.ASESOR,
    Position.ASESOR_ANGGOTA: Part.ASESOR,
}
PELAKSANA_POSITIONS = [p for p, part in POSITION_PART.items() if part == Part.PELAKSANA]
# Positions one person holds at a time (in a team; the coordinator per area).
SINGLE_HOLDER_POSITIONS = [
    Position.PENGARAH_KETUA,
    Position.PENGARAH_SEKRETARIS,
    Position.PELAKSANA_KOORDINATOR,
    Position.ASESOR_KETUA,
]
POSITION_ORDER = {position: index for index, position in enumerate(Position)}


class TeamMember(models.Model):
    """One person in one position of a team. Implementers belong to one change area."""

    team = models.ForeignKey(
        ReformTeam, verbose_name=_("tim"), on_delete=models.CASCADE, related_name="members"
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("akun"),
        on_delete=models.PROTECT,
        related_name="team_memberships",
        null=True,
        blank=True,
        help_text=_("Tanpa akun, anggota hanya tercatat di SK dan tidak mendapat hak akses."),
    )
    name = models.CharField(_("nama"), max_length=200)
    employee_number = models.CharField(_("NIP"), max_length=30, blank=True)
    office_title = models.CharField(_("jabatan dinas"), max_length=200, blank=True)
    position = models.CharField(_("kedudukan dalam tim"), max_length=30, choices=Position.choices)
    change_area = models.ForeignKey(
        ChangeArea,
        verbose_name=_("area perubahan"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
    )

    class Meta:
        verbose_name = _("anggota tim")
        verbose_name_plural = _("anggota tim")
        ordering = ["team", "position", "change_area__number", "name"]
        constraints = [
            models.CheckConstraint(
                condition=(
                    models.Q(position__in=PELAKSANA_POSITIONS, change_area__isnull=False)
                    | (~models.Q(position__in=PELAKSANA_POSITIONS) & models.Q(change_area=None))
                ),
                name="member_area_only_for_implementers",
                violation_error_message=_(
                    "Area perubahan wajib diisi untuk Tim Pelaksana, dan hanya untuk Tim Pelaksana."
                ),
            ),
            models.UniqueConstraint(
                fields=["team", "user", "position", "change_area"],
                name="member_area_position_once",
                condition=models.Q(user__isnull=False, change_area__isnull=False),
                violation_error_message=_("Orang ini sudah memegang kedudukan itu di tim."),
            ),
            models.UniqueConstraint(
                fields=["team", "position"],
                name="one_holder_of_a_team_position",
                condition=models.Q(
                    position__in=[
                        Position.PENGARAH_KETUA,
                        Position.PENGARAH_SEKRETARIS,
                        Position.ASESOR_KETUA,
                    ]
                ),
                violation_error_message=_("Kedudukan ini hanya dipegang satu orang."),
            ),
            models.UniqueConstraint(
                fields=["team", "change_area"],
                name="one_coordinator_per_area",
                condition=models.Q(position=Position.PELAKSANA_KOORDINATOR),
                violation_error_message=_("Area ini sudah memiliki koordinator."),
            ),
            models.UniqueConstraint(
                fields=["team", "user", "position"],
                name="member_position_once",
                condition=models.Q(user__isnull=False, change_area__isnull=True),
                violation_error_message=_("Orang ini sudah memegang kedudukan itu di tim."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.name} — {self.position_label}"

    @property
    def part(self) -> str:
        return POSITION_PART[Position(self.position)]

    @property
    def position_label(self) -> str:
        label = str(Position(self.position).label)
        if self.change_area_id:
            return _("%(position)s Area %(number)s") % {
                "position": label,
                "number": self.change_area.number,
            }
        return label
