"""An uploaded decree waiting for its uploader to review and save it (the browser import).

A staging holds the file's bytes, not a path: nothing reaches the media folder before the
plan is saved by ``import_decree()``, so an abandoned or failed upload leaves no file behind.
Each person has at most one staging per unit; a new upload replaces it, and stagings older
than ``STAGING_LIFETIME`` are deleted on the next upload.
"""

import datetime
import uuid

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from renaksi.units.models import Unit

STAGING_LIFETIME = datetime.timedelta(days=1)


class ImportStagingQuerySet(models.QuerySet):
    def stale(self, now: datetime.datetime | None = None):
        return self.filter(created_at__lt=(now or timezone.now()) - STAGING_LIFETIME)


class ImportStaging(models.Model):
    """One uploaded decree file, private to its uploader, until it is saved or discarded."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    unit = models.ForeignKey(
        Unit, verbose_name=_("satuan kerja"), on_delete=models.CASCADE, related_name="+"
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("pengunggah"),
        on_delete=models.CASCADE,
        related_name="+",
    )
    data = models.BinaryField(_("isi berkas"))
    sha256 = models.CharField(_("SHA-256"), max_length=64)
    original_name = models.CharField(_("nama berkas asli"), max_length=255)
    # The reading the uploader chose where the parser offered options: {choice_key: value}.
    choices = models.JSONField(_("pilihan bacaan"), default=dict, blank=True)
    # Findings the uploader has accepted so far (their keys, see importer/preview.py).
    accepted = models.JSONField(_("temuan yang diterima"), default=list, blank=True)
    created_at = models.DateTimeField(_("diunggah"), default=timezone.now)

    objects = ImportStagingQuerySet.as_manager()

    class Meta:
        verbose_name = _("unggahan keputusan")
        verbose_name_plural = _("unggahan keputusan")
        constraints = [
            models.UniqueConstraint(fields=["user", "unit"], name="one_staging_per_user_unit"),
        ]
        indexes = [models.Index(fields=["created_at"], name="staging_created_at")]

    def __str__(self) -> str:
        return f"{self.original_name} ({self.unit})"

    @property
    def content(self) -> bytes:
        """The file's bytes (PostgreSQL hands a binary field back as a memoryview)."""
        return bytes(self.data)
