"""The demo plan's first quarter of work (seed_demo): realisations with small real evidence files.

``seed_demo_work(plan, reporter, assessor, stored)`` records, through the realisation services
(so with their checks, audit entries and stored files), January–March 2022 of three
sub-activities of area 5 of the Bengkayang demo plan, reported by the area's coordinator
(``pelaksana5``) and reviewed by the Ketua Tim Asesor (``asesor``):

* four realisations verified, one returned with a comment and a note on its evidence, one
  waiting for verification (March);
* each with one or two small real files made here (an A4 PDF page and a PNG picture drawn with
  Pillow, a few KB each), passed through ``validate_upload`` and stored like any upload.

A period that already has a realisation is left as it is, so a second run adds nothing. The
dates are those of the run: the 2022 plan's months are long past, so the entries are flagged
late, as they would be for anyone recording them today. Call it inside seed_demo's transaction,
within ``with StoredFiles() as stored, transaction.atomic():``; the files it writes are
registered in ``stored``, so that a failure of the seed leaves no file behind.
"""

from __future__ import annotations

import io
from dataclasses import dataclass

from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image, ImageDraw

from renaksi.plans.models import ActionPlan, SubActivity

from . import realisations as services
from .files import StoredFiles
from .models import EvidenceFile, EvidenceKind, Realisation, SchedulePeriod
from .periods import sync_plan_periods

MONTHS = {1: "Januari", 2: "Februari", 3: "Maret"}
AREA = 5


@dataclass(frozen=True)
class DemoMonth:
    sub_position: tuple[int, int]  # (activity position, sub-activity position) in area 5
    month: int
    outcome: str  # verified, returned, waiting
    files: tuple[tuple[str, str], ...]  # (kind, file type: pdf or png)


DEMO_MONTHS = [
    DemoMonth((1, 1), 1, "verified", (("laporan", "pdf"), ("foto", "png"))),
    DemoMonth((1, 1), 2, "verified", (("laporan", "pdf"),)),
    DemoMonth((1, 1), 3, "waiting", (("laporan", "pdf"), ("daftar_hadir", "pdf"))),
    DemoMonth((1, 4), 1, "verified", (("notulen", "pdf"),)),
    DemoMonth((1, 4), 2, "returned", (("notulen", "pdf"), ("foto", "png"))),
    DemoMonth((1, 5), 1, "verified", (("daftar_hadir", "pdf"), ("foto", "png"))),
]
RETURN_COMMENT = (
    "Notulen belum ditandatangani pimpinan rapat; unggah ulang yang sudah bertanda tangan."
)
REFUSED_NOTE = "Tanda tangan pimpinan rapat belum ada."


def _picture(title: str, lines: list[str], size: tuple[int, int]) -> Image.Image:
    image = Image.new("RGB", size, "white")
    draw = ImageDraw.Draw(image)
    draw.rectangle((20, 20, size[0] - 20, 70), fill=(200, 16, 46))  # the KPU's red
    draw.text((32, 36), "KPU Kabupaten Bengkayang", fill="white")
    draw.text((32, 100), title, fill="black")
    for number, line in enumerate(lines):
        draw.text((32, 140 + 22 * number), line, fill=(60, 60, 60))
    return image


def demo_file(kind: str, file_type: str, sub: SubActivity, month: int) -> SimpleUploadedFile:
    """A small real PDF or PNG for the demo: the same bytes for the same item and month."""
    label = dict(EvidenceKind.choices)[kind]
    title = f"{label} — {MONTHS[month]} 2022"
    lines = [sub.name[i : i + 70] for i in range(0, min(len(sub.name), 280), 70)]
    lines += ["", f"Sub kegiatan {sub.number}, area {AREA}.", "Dokumen contoh untuk demo Renaksi."]
    buffer = io.BytesIO()
    if file_type == "pdf":
        _picture(title, lines, (595, 842)).save(buffer, format="PDF", resolution=72)
        content_type = "application/pdf"
    else:
        image = _picture(title, lines, (640, 480))
        ImageDraw.Draw(image).ellipse((420, 260, 600, 440), outline=(0, 90, 160), width=6)
        image.save(buffer, format="PNG", optimize=True)
        content_type = "image/png"
    name = f"{kind.replace('_', '-')}-{MONTHS[month].lower()}-2022.{file_type}"
    return SimpleUploadedFile(name, buffer.getvalue(), content_type=content_type)


def seed_demo_work(plan: ActionPlan | None, reporter, assessor, stored: StoredFiles) -> int:
    """Record the demo months that are not recorded yet; returns how many were added."""
    if plan is None:
        return 0
    sync_plan_periods(plan)  # the importer makes them too; this only fills what is missing
    subs = {
        (sub.activity.position, sub.position): sub
        for sub in SubActivity.objects.filter(
            activity__area__plan=plan, activity__area__number=AREA
        )
        .select_related("activity")
        .prefetch_related("indicators")
    }
    added = 0
    for demo in DEMO_MONTHS:
        sub = subs.get(demo.sub_position)
        if sub is None:
            continue  # the demo decree was replaced by another one
        period = SchedulePeriod.objects.filter(sub_activity=sub, period=demo.month).first()
        if period is None or Realisation.objects.filter(period=period).exists():
            continue
        _record(demo, sub, period, reporter, assessor, stored)
        added += 1
    return added


def _record(demo: DemoMonth, sub: SubActivity, period, reporter, assessor, stored) -> None:
    before = set(EvidenceFile.objects.values_list("pk", flat=True))
    month = MONTHS[demo.month]
    values = {
        indicator.pk: "1" for indicator in sub.indicators.all() if services.is_measurable(indicator)
    }
    files = [demo_file(kind, file_type, sub, demo.month) for kind, file_type in demo.files]
    meta = {
        f"file:{index}": {
            "title": f"{dict(EvidenceKind.choices)[kind]} {month} 2022",
            "kind": kind,
            "as_of": f"2022-{demo.month:02d}-{20 + index:02d}",
            "indicators": [indicator.pk for indicator in sub.indicators.all()][:1],
        }
        for index, (kind, _type) in enumerate(demo.files)
    }
    realisation = services.save_realisation(
        reporter,
        period,
        data={
            "status": Realisation.Status.DONE,
            "progress": "100",
            "narrative": f"Kegiatan bulan {month} 2022 telah dilaksanakan dan didokumentasikan.",
            "values": values,
        },
        expected_version=None,
        files=files,
        evidence_meta=meta,
    )
    for row in EvidenceFile.objects.exclude(pk__in=before):
        stored.register(row.file.name)
        if row.thumbnail:
            stored.register(row.thumbnail.name)
    realisation = services.submit(reporter, realisation, realisation.version)
    if demo.outcome == "verified":
        services.verify(assessor, realisation, "Bukti dukung lengkap dan sesuai.")
    elif demo.outcome == "returned":
        evidence = list(realisation.evidence.filter(is_current=True).order_by("pk"))
        notes = {item.pk: (item is not evidence[0], "") for item in evidence}
        notes[evidence[0].pk] = (False, REFUSED_NOTE)
        services.return_(assessor, realisation, RETURN_COMMENT, notes)
