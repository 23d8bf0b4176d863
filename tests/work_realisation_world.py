"""A small world for the realisation tests (tests/test_work_realisation*.py).

KPU Kabupaten Bengkayang (Asia/Pontianak) with a 2026 monthly plan: area 1, one activity,
one sub-activity scheduled in March, June and December, with three indicators (a
percentage with target 100, a count with target 3 that expects an SK and a daftar hadir, a
document). Its Tim RB 2026: an implementer of area 1, two assessors, a steering member, a
change agent; an implementer of Sambas (another unit), and a reader of the province.
"""

from dataclasses import dataclass, field
from decimal import Decimal

from django.contrib.auth.models import User
from django.core.files.uploadedfile import SimpleUploadedFile

from renaksi.access.models import UnitRole
from renaksi.plans.models import ActionPlan, Activity, ChangeArea, Indicator, PlanArea, SubActivity
from renaksi.teams.models import Position, ReformTeam, TeamMember
from renaksi.units.models import Unit
from renaksi.work.models import SchedulePeriod
from renaksi.work.periods import sync_plan_periods
from renaksi.work.realisations import periods_qs

YEAR = 2026
MARCH, JUNE, DECEMBER = 3, 6, 12


@dataclass
class RWorld:
    unit: Unit
    plan: ActionPlan
    sub: SubActivity
    percent: Indicator
    count: Indicator
    document: Indicator
    users: dict[str, User] = field(default_factory=dict)

    def period(self, month: int = MARCH) -> SchedulePeriod:
        return periods_qs().get(sub_activity=self.sub, period=month)


def build_rworld() -> RWorld:
    root = Unit.objects.create(code="00", name="KPU Republik Indonesia", level="pusat")
    province = Unit.objects.create(
        code="61", name="KPU Provinsi Kalimantan Barat", level="provinsi", parent=root
    )
    unit = Unit.objects.create(
        code="6107",
        name="KPU Kabupaten Bengkayang",
        level="kabupaten_kota",
        parent=province,
        time_zone="Asia/Pontianak",
    )
    sambas = Unit.objects.create(
        code="6101", name="KPU Kabupaten Sambas", level="kabupaten_kota", parent=province
    )
    area_ref = ChangeArea.objects.get(number=1)
    plan = ActionPlan.objects.create(
        unit=unit, year=YEAR, status=ActionPlan.Status.DITETAPKAN, decree_number="RB-2026"
    )
    area = PlanArea.objects.create(plan=plan, change_area=area_ref, number=1, name=area_ref.name)
    activity = Activity.objects.create(area=area, number=1, position=1, name="Penguatan budaya")
    sub = SubActivity.objects.create(
        activity=activity,
        number=1,
        position=1,
        name="Sosialisasi nilai dasar",
        schedule=(1 << (MARCH - 1)) | (1 << (JUNE - 1)) | (1 << (DECEMBER - 1)),
    )
    percent = Indicator.objects.create(
        sub_activity=sub,
        position=1,
        text="Persentase pegawai tersosialisasi",
        kind=Indicator.Kind.PERSENTASE,
        target_value=Decimal("100"),
        expected_evidence=["daftar_hadir", "foto"],
    )
    count = Indicator.objects.create(
        sub_activity=sub,
        position=2,
        text="Jumlah kegiatan sosialisasi",
        kind=Indicator.Kind.JUMLAH,
        target_value=Decimal("3"),
        unit_of_measure="kegiatan",
        expected_evidence=["sk", "daftar_hadir"],
    )
    document = Indicator.objects.create(
        sub_activity=sub, position=3, text="Laporan sosialisasi", kind=Indicator.Kind.DOKUMEN
    )
    sync_plan_periods(plan)

    team = ReformTeam.objects.create(unit=unit, year=YEAR)
    sambas_team = ReformTeam.objects.create(unit=sambas, year=YEAR)
    world = RWorld(unit, plan, sub, percent, count, document)

    def member(name, position, area=None, on=team):
        user = User.objects.create_user(name, f"{name}@example.test", "rahasia-1")
        TeamMember.objects.create(
            team=on, user=user, name=name, position=position, change_area=area
        )
        world.users[name] = user

    member("implementer", Position.PELAKSANA_KOORDINATOR, area_ref)
    member("implementer2", Position.PELAKSANA_ANGGOTA, area_ref)
    member("assessor", Position.ASESOR_KETUA)
    member("assessor2", Position.ASESOR_ANGGOTA)
    member("steering", Position.PENGARAH_KETUA)
    member("agent", Position.AGEN_PERUBAHAN)
    member("outsider", Position.PELAKSANA_KOORDINATOR, area_ref, on=sambas_team)
    reader = User.objects.create_user("reader", "reader@example.test", "rahasia-1")
    UnitRole.objects.create(user=reader, unit=province, role=UnitRole.Role.VIEWER)
    world.users["reader"] = reader
    admin = User.objects.create_user("unit_admin", "admin@example.test", "rahasia-1")
    UnitRole.objects.create(user=admin, unit=unit, role=UnitRole.Role.ADMIN)
    world.users["unit_admin"] = admin
    # An implementer who is also an assessor (to test the separation of duties).
    both = User.objects.create_user("both", "both@example.test", "rahasia-1")
    TeamMember.objects.create(
        team=team,
        user=both,
        name="both",
        position=Position.PELAKSANA_ANGGOTA,
        change_area=area_ref,
    )
    TeamMember.objects.create(team=team, user=both, name="both", position=Position.ASESOR_ANGGOTA)
    world.users["both"] = both
    return world


PDF = b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n%%EOF\n"


def pdf_file(name: str = "notulen.pdf", salt: bytes = b"") -> SimpleUploadedFile:
    """A small valid PDF; ``salt`` makes its content (and SHA-256) differ."""
    return SimpleUploadedFile(name, _minimal_pdf(salt), content_type="application/pdf")


def _minimal_pdf(salt: bytes) -> bytes:
    body = (
        b"%PDF-1.4\n"
        b"1 0 obj\n<< /Type /Catalog /Pages 2 0 R >>\nendobj\n"
        b"2 0 obj\n<< /Type /Pages /Kids [3 0 R] /Count 1 >>\nendobj\n"
        b"3 0 obj\n<< /Type /Page /Parent 2 0 R /MediaBox [0 0 200 200] >>\nendobj\n"
    )
    body += b"% " + salt.hex().encode() + b"\n"
    xref_at = len(body)
    body += b"xref\n0 4\n0000000000 65535 f \n"
    offsets = [body.index(f"{n} 0 obj".encode()) for n in (1, 2, 3)]
    for offset in offsets:
        body += f"{offset:010d} 00000 n \n".encode()
    body += b"trailer\n<< /Size 4 /Root 1 0 R >>\nstartxref\n"
    body += str(xref_at).encode() + b"\n%%EOF\n"
    return body


def png_file(name: str = "foto.png", color=(200, 30, 30)) -> SimpleUploadedFile:
    import io

    from PIL import Image

    buffer = io.BytesIO()
    Image.new("RGB", (40, 30), color).save(buffer, "PNG")
    return SimpleUploadedFile(name, buffer.getvalue(), content_type="image/png")


def good_data(**overrides) -> dict:
    data = {
        "status": "dalam_proses",
        "progress": "40",
        "narrative": "Sosialisasi tahap pertama di aula.",
        "reason": "",
        "postponed_to": "",
        "values": {},
    }
    data.update(overrides)
    return data
