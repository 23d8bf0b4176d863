"""The demo plan's year of work (seed_demo): January–September 2022 of the whole Bengkayang plan.

``seed_demo_work(plan, people, stored, clock)`` records, through the realisation services (so
with their checks, audit entries, stored files and late flags), every scheduled month of
January–September 2022 of the eight areas that the story below reports, at the moment of the
story (``renaksi.core.demo_clock``): each area's coordinator reports (``pelaksana1`` areas 1–4,
``pelaksana5`` area 5, ``pelaksana6`` areas 6–8) and the Ketua Tim Asesor (``asesor``)
reviews. The story, month by month:

* by default a month is **done**, reported on time (before the plan's due day, the 5th of the
  next month) and **verified** a few days after; September's reports were sent on 3 October
  and **wait for verification**;
* **late**: area 4's January (reported 14 February), area 7's April (18 May) and area 8's July
  (22 August) — accepted, flagged late by the services because the clock was past the due day;
* **not done, with a reason**: area 3's FGD in January, area 8's public involvement in May,
  area 3's questionnaire in August; **postponed to a later month**: area 1's FGD (February →
  March), area 6's Renstra (May → July), area 1's reward instrument (August → October);
  **in progress**: area 6's budget (February 60 %, August 75 %), area 4's business process map
  (April 50 %), area 4's SPBE items in September (drafts, not submitted yet);
* **returned with a comment**: area 5's meeting minutes of February were returned (a refused
  file), replaced and verified; those of August are returned and not revised yet;
* **left unreported**: area 2's JDIH in March and June, area 3's organisation chart in June,
  all of area 2 and area 3 in September;
* indicator values for the measurable indicators (persentase, jumlah, indeks), among them the
  two with a target: LHKPN filers 45 → 80 → 100 % and LHKASN filers 30 → 70 → 95 % in Q1;
* each done or in-progress month has one small real PDF (a hand-written A4 page, about 1 KB,
  different for every item and month, so no file is "reused elsewhere"), some a PNG photo too.

``STORY`` and ``outcome()`` are the single source of these facts; tests/test_demo_work.py
checks the recorded rows against hand-counted figures, not against this table. A period that
already has a realisation is left as it is, so a second run adds nothing (an earlier demo's
rows stay as they were). Call it inside seed_demo's transaction, within ``with StoredFiles()
as stored, transaction.atomic():`` and a ``DemoClock``.
"""

from __future__ import annotations

import datetime
import io
from dataclasses import dataclass

from django.core.files.uploadedfile import SimpleUploadedFile
from django.db.models import Max
from PIL import Image, ImageDraw

from renaksi.core.demo_clock import DemoClock, Event, at, run_events
from renaksi.plans.models import ActionPlan, Indicator, SubActivity

from . import realisations as services
from .files import StoredFiles
from .models import EvidenceFile, EvidenceKind, Realisation, SchedulePeriod
from .periods import sync_plan_periods

YEAR = 2022
MONTHS = {
    1: "Januari",
    2: "Februari",
    3: "Maret",
    4: "April",
    5: "Mei",
    6: "Juni",
    7: "Juli",
    8: "Agustus",
    9: "September",
    10: "Oktober",
    11: "November",
    12: "Desember",
}
LAST_MONTH = 9
# Who reports each area (username); the Ketua Tim Asesor reviews all.
REPORTERS = {1: "pelaksana1", 2: "pelaksana1", 3: "pelaksana1", 4: "pelaksana1"}
REPORTERS.update({5: "pelaksana5", 6: "pelaksana6", 7: "pelaksana6", 8: "pelaksana6"})

Status = Realisation.Status
DONE, IN_PROGRESS, NOT_DONE, POSTPONED = (
    Status.DONE,
    Status.IN_PROGRESS,
    Status.NOT_DONE,
    (Status.POSTPONED),
)

RETURN_COMMENT = (
    "Notulen belum ditandatangani pimpinan rapat; unggah ulang yang sudah bertanda tangan."
)
REFUSED_NOTE = "Tanda tangan pimpinan rapat belum ada."
VERIFY_COMMENT = "Bukti dukung lengkap dan sesuai."


@dataclass(frozen=True)
class Outcome:
    """How one scheduled month ends in the story."""

    status: str = DONE
    review: str = "verified"  # verified, waiting, returned, revised (returned, fixed, verified),
    # draft (saved, not submitted)
    progress: int | None = None
    reason: str = ""
    postponed_to: int | None = None
    late: bool = False


# (area, activity position, sub-activity position, month) → its outcome; "skip": unreported.
STORY: dict[tuple[int, int, int, int], Outcome | str] = {
    # -- TW I
    (1, 1, 3, 2): Outcome(
        POSTPONED,
        postponed_to=3,
        reason="Menunggu petunjuk teknis penyusunan rencana aksi dari KPU RI.",
    ),
    (3, 1, 1, 1): Outcome(
        NOT_DONE,
        reason=(
            "Narasumber dari KPU Provinsi Kalimantan Barat berhalangan hadir; FGD evaluasi "
            "organisasi dilaksanakan pada jadwal berikutnya (Juli)."
        ),
    ),
    (6, 1, 4, 2): Outcome(IN_PROGRESS, progress=60),
    (5, 1, 4, 2): Outcome(review="revised"),
    (2, 5, 1, 3): "skip",
    # -- TW II
    (4, 1, 2, 4): Outcome(IN_PROGRESS, progress=50),
    (8, 4, 2, 5): Outcome(
        NOT_DONE,
        reason=(
            "Tahapan Pemilu 2024 belum dimulai sehingga kegiatan pelibatan masyarakat belum "
            "dapat dilaksanakan; dialihkan ke sosialisasi bersama mitra pada Juni."
        ),
    ),
    (6, 1, 1, 5): Outcome(
        POSTPONED,
        postponed_to=7,
        reason="Menunggu penetapan Renstra KPU 2020–2024 hasil reviu sebagai acuan.",
    ),
    (2, 5, 1, 6): "skip",
    (3, 2, 2, 6): "skip",
    # -- TW III
    (3, 1, 2, 8): Outcome(
        NOT_DONE,
        reason="Kuesioner evaluasi organisasi dari KemenPANRB belum dibuka untuk satker.",
    ),
    (1, 2, 5, 8): Outcome(
        POSTPONED,
        postponed_to=10,
        reason="Rancangan instrumen reward dan punishment masih dibahas bersama Tim Pengarah.",
    ),
    (6, 1, 4, 8): Outcome(IN_PROGRESS, progress=75),
    (5, 1, 4, 8): Outcome(review="returned"),
    (4, 3, 1, 9): Outcome(IN_PROGRESS, review="draft", progress=40),
    (4, 3, 2, 9): Outcome(IN_PROGRESS, review="draft", progress=60),
    (4, 3, 3, 9): Outcome(IN_PROGRESS, review="draft", progress=30),
}
# (area, month) reported after the due day.
LATE_MONTHS = {(4, 1): 14, (7, 4): 18, (8, 7): 22}  # → day of the next month it was reported
# Areas that sent nothing for September yet.
UNREPORTED_SEPTEMBER = {2, 3}

# The two indicators with a target (area 7, activity 3): LHKPN and LHKASN filers, per month.
FILERS = {
    (7, 3, 1): {1: "45", 2: "80", 3: "100"},
    (7, 3, 2): {1: "30", 2: "70", 3: "95"},
}


def outcome(area: int, activity: int, sub: int, month: int) -> Outcome | None:
    """The story's outcome of one scheduled month; None when it is left unreported."""
    told = STORY.get((area, activity, sub, month))
    if told == "skip" or month > LAST_MONTH:
        return None
    if told is None:
        if month == LAST_MONTH and area in UNREPORTED_SEPTEMBER:
            return None
        told = Outcome(review="waiting" if month == LAST_MONTH else "verified")
    if (area, month) in LATE_MONTHS:
        told = Outcome(**{**told.__dict__, "late": True})
    return told


# -- moments ------------------------------------------------------------------------------------


def _next_month(month: int, day: int, hour: int = 9, minute: int = 0) -> datetime.datetime:
    return at(YEAR + month // 12, month % 12 + 1, day, hour, minute)


def reported_at(area: int, month: int, told: Outcome, index: int) -> datetime.datetime:
    """When the month's report is saved (and submitted ten minutes later)."""
    minute = (7 * index) % 50
    if told.late:
        return _next_month(month, LATE_MONTHS[(area, month)], 10, minute)
    if month == LAST_MONTH:
        return _next_month(month, 3, 10, minute)
    return _next_month(month, 1 + area % 4, 14, minute)  # the 1st–4th: before the 5th


def reviewed_at(area: int, month: int, told: Outcome, index: int) -> datetime.datetime:
    minute = (7 * index) % 50
    if told.late:
        return _next_month(month, LATE_MONTHS[(area, month)] + 2, 13, minute)
    return _next_month(month, 6 + area % 2, 8, minute)


# -- files ---------------------------------------------------------------------------------------


def _pdf_text(value: str) -> str:
    text = value.replace("—", "-").replace("–", "-").replace("’", "'")
    text = text.encode("latin-1", "replace").decode("latin-1")
    return text.replace("\\", "\\\\").replace("(", "\\(").replace(")", "\\)")


def _wrap(text: str, width: int) -> list[str]:
    lines, line = [], ""
    for word in text.split():
        if line and len(line) + 1 + len(word) > width:
            lines.append(line)
            line = word
        else:
            line = f"{line} {word}".strip()
    return [*lines, line] if line else lines


def demo_pdf(title: str, lines: list[str]) -> bytes:
    """A one-page A4 PDF with a red KPU header, a title and text lines (Helvetica), ~1 KB."""
    ops = [
        "0.784 0.063 0.180 rg 40 770 515 40 re f",
        "BT /F1 14 Tf 1 1 1 rg 52 784 Td (KPU Kabupaten Bengkayang) Tj ET",
        f"BT /F1 13 Tf 0 0 0 rg 52 730 Td ({_pdf_text(title)}) Tj ET",
    ]
    y = 700
    for line in lines:
        ops.append(f"BT /F1 10 Tf 0.25 0.25 0.25 rg 52 {y} Td ({_pdf_text(line)}) Tj ET")
        y -= 16
    content = "\n".join(ops).encode("latin-1")
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] "
        b"/Resources << /Font << /F1 4 0 R >> >> /Contents 5 0 R >>",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>",
        b"<< /Length %d >>\nstream\n" % len(content) + content + b"\nendstream",
    ]
    body = b"%PDF-1.4\n"
    offsets = []
    for number, obj in enumerate(objects, start=1):
        offsets.append(len(body))
        body += b"%d 0 obj\n" % number + obj + b"\nendobj\n"
    xref_at = len(body)
    body += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    for offset in offsets:
        body += b"%010d 00000 n \n" % offset
    body += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (
        len(objects) + 1,
        xref_at,
    )
    return body


def demo_png(title: str, lines: list[str]) -> bytes:
    """A small photo-like PNG (480×320) with the same header; a few KB."""
    image = Image.new("RGB", (480, 320), (236, 240, 244))
    draw = ImageDraw.Draw(image)
    draw.rectangle((16, 16, 464, 56), fill=(200, 16, 46))
    draw.text((28, 30), "KPU Kabupaten Bengkayang", fill="white")
    draw.text((28, 80), title, fill="black")
    for number, line in enumerate(lines[:6]):
        draw.text((28, 110 + 20 * number), line, fill=(60, 60, 60))
    draw.ellipse((330, 190, 450, 300), outline=(0, 90, 160), width=5)
    buffer = io.BytesIO()
    image.save(buffer, format="PNG")
    return buffer.getvalue()


def demo_file(kind: str, file_type: str, sub: SubActivity, month: int) -> SimpleUploadedFile:
    """A small real PDF or PNG for the demo: the same bytes for the same item and month."""
    label = dict(EvidenceKind.choices)[kind]
    area = sub.activity.area.number
    title = f"{label} - {MONTHS[month]} {YEAR}"
    lines = _wrap(sub.name, 80)[:6]
    lines += [
        "",
        f"Area {area}, kegiatan {sub.activity.position}, sub kegiatan {sub.position}.",
        "Dokumen contoh untuk demo Renaksi.",
    ]
    if file_type == "pdf":
        data, content_type = demo_pdf(title, lines), "application/pdf"
    else:
        data, content_type = demo_png(title, lines), "image/png"
    name = (
        f"{kind.replace('_', '-')}-a{area}-{sub.activity.position}-{sub.position}-"
        f"{MONTHS[month].lower()}-{YEAR}.{file_type}"
    )
    return SimpleUploadedFile(name, data, content_type=content_type)


AREA_KINDS = {1: "laporan", 2: "sk", 3: "notulen", 4: "laporan", 5: "notulen", 6: "laporan"}
AREA_KINDS.update({7: "laporan", 8: "laporan"})


def files_for(area: int, activity: int, sub: int, month: int) -> tuple[tuple[str, str], ...]:
    """(kind, file type) of a month's evidence: a document, and a photo for one in five."""
    document = (AREA_KINDS[area], "pdf")
    if (activity + sub + month + area) % 5 == 0:
        return document, ("foto", "png")
    return (document,)


# -- values ---------------------------------------------------------------------------------------


def value_for(indicator: Indicator, key: tuple[int, int, int], month: int, told: Outcome) -> str:
    """The achieved value of a measurable indicator in a done or in-progress month."""
    filers = FILERS.get(key)
    if filers is not None:
        return filers[month]
    if indicator.kind == Indicator.Kind.PERSENTASE:
        return "100" if told.status == DONE else str(told.progress or 0)
    if indicator.kind == Indicator.Kind.INDEKS:
        return f"8{month % 5},{(month * 7) % 10}0"
    text = indicator.text.lower()
    if "sengketa" in text or "pelanggaran" in text:
        return "0"
    return str(1 + (month + indicator.position) % 4)


# -- recording ------------------------------------------------------------------------------------


def seed_demo_work(
    plan: ActionPlan | None, people: dict, stored: StoredFiles, clock: DemoClock
) -> int:
    """Record the story's months that are not recorded yet; returns how many were added."""
    events = work_events(plan, people, stored) if plan is not None else []
    run_events(events, clock)
    return len({event.order // 10 for event in events})


def work_events(plan: ActionPlan, people: dict, stored: StoredFiles) -> list[Event]:
    """The steps that record the story's months not recorded yet (``run_events`` runs them).

    ``people``: username → User (the reporters of ``REPORTERS`` and ``asesor``)."""
    sync_plan_periods(plan)  # the importer makes them too; this only fills what is missing
    periods = {
        (p.sub_activity_id, p.period): p
        for p in SchedulePeriod.objects.filter(
            plan=plan, sub_activity__isnull=False, period__lte=LAST_MONTH, planned=True
        )
        .filter(realisation__isnull=True)
        .select_related(*services.PERIOD_RELATED)
    }
    subs = (
        SubActivity.objects.filter(activity__area__plan=plan)
        .select_related("activity__area")
        .prefetch_related("indicators")
        .order_by("activity__area__number", "activity__position", "position")
    )
    events: list[Event] = []
    index = 0
    for sub in subs:
        area = sub.activity.area.number
        key = (area, sub.activity.position, sub.position)
        for month in range(1, LAST_MONTH + 1):
            period = periods.get((sub.pk, month))
            told = outcome(*key, month) if period is not None else None
            if told is None:
                continue
            index += 1
            events += _events(plan, sub, key, month, period, told, people, stored, index)
    return events


def _events(plan, sub, key, month, period, told: Outcome, people, stored, index) -> list[Event]:
    area = key[0]
    reporter = people[REPORTERS[area]]
    assessor = people["asesor"]
    saved = reported_at(area, month, told, index)
    reviewed = reviewed_at(area, month, told, index)
    state: dict = {}

    def record() -> None:
        state["realisation"] = _save(reporter, sub, key, month, period, told, stored)

    def submit() -> None:
        r = state["realisation"]
        state["realisation"] = services.submit(reporter, r, r.version)

    def review() -> None:
        r = state["realisation"]
        if told.review in ("returned", "revised"):
            evidence = list(r.evidence.filter(is_current=True).order_by("pk"))
            notes = {item.pk: (True, "") for item in evidence}
            notes[evidence[0].pk] = (False, REFUSED_NOTE)
            state["realisation"] = services.return_(assessor, r, RETURN_COMMENT, notes)
        else:
            state["realisation"] = services.verify(assessor, r, VERIFY_COMMENT)

    def revise() -> None:
        r = Realisation.objects.get(pk=state["realisation"].pk)
        refused = r.evidence.filter(is_current=True).order_by("pk").first()
        signed = SimpleUploadedFile(
            demo_file(AREA_KINDS[area], "pdf", sub, month).name.replace(".pdf", "-ttd.pdf"),
            demo_pdf(
                f"{dict(EvidenceKind.choices)[AREA_KINDS[area]]} - {MONTHS[month]} {YEAR}",
                ["Notulen rapat, ditandatangani pimpinan rapat.", sub.name[:80]],
            ),
            content_type="application/pdf",
        )
        r = _save_files(
            reporter,
            period,
            r,
            [signed],
            {"file:0": {"replaces": refused.pk, "kind": refused.kind, "title": refused.title}},
            stored,
        )
        state["realisation"] = services.submit(reporter, r, r.version)

    def verify_again() -> None:
        r = state["realisation"]
        state["realisation"] = services.verify(assessor, r, VERIFY_COMMENT)

    base = index * 10
    events = [Event(saved, base, record)]
    if told.review == "draft":
        return events
    events.append(Event(saved + datetime.timedelta(minutes=10), base + 1, submit))
    if told.review == "waiting":
        return events
    events.append(Event(reviewed, base + 2, review))
    if told.review == "revised":
        fixed = reviewed + datetime.timedelta(days=2)
        events.append(Event(fixed, base + 3, revise))
        events.append(Event(fixed + datetime.timedelta(days=2), base + 4, verify_again))
    return events


def _save(reporter, sub, key, month, period, told: Outcome, stored) -> Realisation:
    month_name = MONTHS[month]
    values = {}
    files = []
    meta = {}
    if told.status in (DONE, IN_PROGRESS):
        values = {
            indicator.pk: value_for(indicator, key, month, told)
            for indicator in sub.indicators.all()
            if services.is_measurable(indicator)
        }
        kinds = files_for(*key, month)
        files = [demo_file(kind, file_type, sub, month) for kind, file_type in kinds]
        indicator_ids = [indicator.pk for indicator in sub.indicators.all()][:1]
        meta = {
            f"file:{number}": {
                "title": f"{dict(EvidenceKind.choices)[kind]} {month_name} {YEAR}",
                "kind": kind,
                "as_of": datetime.date(YEAR, month, 20 + number).isoformat(),
                "indicators": indicator_ids,
            }
            for number, (kind, _type) in enumerate(kinds)
        }
    narrative = {
        DONE: f"Kegiatan bulan {month_name} {YEAR} telah dilaksanakan dan didokumentasikan.",
        IN_PROGRESS: f"Kegiatan bulan {month_name} {YEAR} masih berjalan ({told.progress}%).",
        NOT_DONE: f"Kegiatan bulan {month_name} {YEAR} tidak terlaksana.",
        POSTPONED: (
            f"Kegiatan bulan {month_name} {YEAR} ditunda ke bulan "
            f"{MONTHS.get(told.postponed_to or 0, '')}."
        ),
    }[told.status]
    data = {
        "status": told.status,
        "progress": "" if told.progress is None else str(told.progress),
        "narrative": narrative,
        "reason": told.reason,
        "postponed_to": told.postponed_to or "",
        "values": values,
    }
    return _save_files(reporter, period, None, files, meta, stored, data=data)


def _save_files(reporter, period, current, files, meta, stored, *, data=None) -> Realisation:
    before = EvidenceFile.objects.aggregate(last=Max("pk"))["last"] or 0 if files else 0
    realisation = services.save_realisation(
        reporter,
        period,
        data=data,
        expected_version=current.version if current is not None else None,
        files=files,
        evidence_meta=meta,
    )
    if files:
        for row in EvidenceFile.objects.filter(pk__gt=before):
            stored.register(row.file.name)
            if row.thumbnail:
                stored.register(row.thumbnail.name)
    return realisation
