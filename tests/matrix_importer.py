"""Permission-matrix rows for the browser import and the source-file download (renaksi/importer).

The preview, save and discard rows give every signed-in persona an upload of their own in the
target unit first, so a denial is the access layer's and not a missing upload.
"""

import hashlib

from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.urls import reverse

from renaksi.importer.models import ImportStaging

from .decree_samples import decree_text, row
from .matrix_common import MANAGE, READ, Row
from .permission_world import World

STAGED = decree_text(
    row("1", "Manajemen Perubahan", "1 Kegiatan;", "1 Sub kegiatan;", "Indikator;", months=(1,)),
    unit="KABUPATEN BENGKAYANG",
    year=2022,
).encode()


def unit_url(name: str):
    return lambda world, code: reverse(name, args=[world.units[code].pk])


def staged_url(name: str):
    """The URL for the target unit, with an upload staged there by every signed-in persona."""

    def path(world: World, code: str) -> str:
        unit = world.units[code]
        for user in world.users.values():
            if user is not None:
                ImportStaging.objects.get_or_create(
                    user=user,
                    unit=unit,
                    defaults={
                        "data": STAGED,
                        "sha256": hashlib.sha256(STAGED).hexdigest(),
                        "original_name": "keputusan.txt",
                    },
                )
        return reverse(name, args=[unit.pk])

    return path


def source_url(world: World, code: str) -> str:
    """The target unit's plan, with a stored source file."""
    plan = world.plans[code]
    if not plan.source_file:
        name = f"decrees/matrix/{code}.txt"
        if not default_storage.exists(name):
            name = default_storage.save(name, ContentFile(STAGED))
        plan.source_file.name = name
        plan.source_name = f"keputusan-{code}.txt"
        plan.save(update_fields=["source_file", "source_name"])
    return reverse("importer:source_file", args=[plan.pk])


ROWS: dict[str, Row] = {
    "importer:start": Row(
        path=lambda world, code: reverse("importer:start") + f"?satker={world.units[code].pk}",
        allowed=MANAGE,
    ),
    "importer:upload": Row(path=unit_url("importer:upload"), allowed=MANAGE),
    "importer:preview": Row(path=staged_url("importer:preview"), allowed=MANAGE),
    "importer:save": Row(path=staged_url("importer:save"), allowed=MANAGE, method="post"),
    "importer:discard": Row(path=staged_url("importer:discard"), allowed=MANAGE, method="post"),
    "importer:source_file": Row(path=source_url, allowed=READ),
}
