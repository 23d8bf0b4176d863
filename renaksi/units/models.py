from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _

# Indonesia's three time zones, by the IANA names Django understands.
TIME_ZONES = [
    ("Asia/Jakarta", _("WIB (Asia/Jakarta)")),
    ("Asia/Pontianak", _("WIB (Asia/Pontianak)")),
    ("Asia/Makassar", _("WITA (Asia/Makassar)")),
    ("Asia/Jayapura", _("WIT (Asia/Jayapura)")),
]
ZONE_ABBREVIATIONS = {
    "Asia/Jakarta": "WIB",
    "Asia/Pontianak": "WIB",
    "Asia/Makassar": "WITA",
    "Asia/Jayapura": "WIT",
}


class Unit(models.Model):
    """A satuan kerja: KPU RI, a KPU Provinsi or a KPU Kabupaten/Kota."""

    class Level(models.TextChoices):
        PUSAT = "pusat", _("Pusat")
        PROVINSI = "provinsi", _("Provinsi")
        KABUPATEN_KOTA = "kabupaten_kota", _("Kabupaten/Kota")

    # The official region code (Kemendagri): "61" Kalimantan Barat, "6107" Bengkayang.
    code = models.CharField(_("kode"), max_length=16, unique=True)
    name = models.CharField(_("nama"), max_length=200)
    level = models.CharField(_("tingkat"), max_length=20, choices=Level.choices)
    parent = models.ForeignKey(
        "self",
        verbose_name=_("satker induk"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="children",
    )
    time_zone = models.CharField(
        _("zona waktu"), max_length=40, choices=TIME_ZONES, default="Asia/Jakarta"
    )

    class Meta:
        verbose_name = _("satuan kerja")
        verbose_name_plural = _("satuan kerja")
        ordering = ["code"]
        constraints = [
            models.CheckConstraint(
                condition=(models.Q(level="pusat", parent__isnull=True))
                | (~models.Q(level="pusat") & models.Q(parent__isnull=False)),
                name="unit_parent_matches_level",
                violation_error_message=_(
                    "Hanya satker tingkat pusat yang tidak memiliki satker induk."
                ),
            ),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def zone_abbreviation(self) -> str:
        return ZONE_ABBREVIATIONS.get(self.time_zone, self.time_zone)

    def clean(self) -> None:
        expected_parent_level = {
            self.Level.PROVINSI: self.Level.PUSAT,
            self.Level.KABUPATEN_KOTA: self.Level.PROVINSI,
        }.get(self.level)
        if expected_parent_level and self.parent and self.parent.level != expected_parent_level:
            raise ValidationError(
                {
                    "parent": _("Satker induk harus bertingkat %(level)s.")
                    % {"level": self.Level(expected_parent_level).label}
                }
            )
