"""Permission-matrix rows of the monitoring pages (renaksi/monitoring/views.py).

Readers of a unit see its monitoring pages; the unit's administrator and its Tim Pengarah
(``steering``) write the narrative and open follow-ups (EDIT_MONITORING); a follow-up's owner
(here ``implementer5`` in Bengkayang) updates it too (UPDATE_FOLLOW_UP); only the unit's
administrator sets the monitoring months (CHANGE_PLAN). The POSTs carry the current version,
so that each allowed persona's save is accepted after the previous one.
"""

from django.urls import reverse

from renaksi.monitoring.models import AreaNote, FollowUp, QuarterReport

from .matrix_common import ALL, BENGKAYANG, MANAGE, READ, Row
from .permission_world import World

EDIT = {
    "unit_admin": BENGKAYANG,
    "steering": BENGKAYANG,
    "national_admin": frozenset({"00"}),
    "superuser": ALL,
}
UPDATE = {**EDIT, "implementer5": BENGKAYANG}


def _report_version(world: World, code: str) -> str:
    report = QuarterReport.objects.filter(plan=world.plans[code], quarter=1).first()
    return str(report.version) if report else ""


def _area(world: World, code: str):
    return world.plans[code].areas.order_by("number").first()


def _note_data(world: World, code: str) -> dict:
    area = _area(world, code)
    note = AreaNote.objects.filter(report__plan=world.plans[code], area=area).first()
    prefix = f"area-{area.pk}"
    return {f"{prefix}-obstacles": "Kendala", f"{prefix}-version": note.version if note else ""}


def follow_up(world: World, code: str) -> FollowUp:
    plan = world.plans[code]
    owner = world.users["implementer5"] if code == "6107" else None
    found, _created = FollowUp.objects.get_or_create(
        plan=plan,
        defaults={
            "unit": plan.unit,
            "year": plan.year,
            "opened_in": 1,
            "action": f"Tindak lanjut {code}",
            "owner": owner,
        },
    )
    return found


def _quarter_url(name: str):
    return lambda world, code: reverse(name, args=[world.plans[code].pk, 1])


ROWS: dict[str, Row] = {
    "monitoring:index": Row(
        path=lambda world, code: reverse("monitoring:index", args=[world.plans[code].pk]),
        allowed=READ,
    ),
    "monitoring:quarter": Row(path=_quarter_url("monitoring:quarter"), allowed=READ),
    "monitoring:save_report": Row(
        path=_quarter_url("monitoring:save_report"),
        allowed=EDIT,
        method="post",
        data=lambda world, code: {"obstacles": "Kendala", "version": _report_version(world, code)},
    ),
    "monitoring:save_area_note": Row(
        path=lambda world, code: reverse(
            "monitoring:save_area_note", args=[world.plans[code].pk, 1, _area(world, code).pk]
        ),
        allowed=EDIT,
        method="post",
        data=_note_data,
    ),
    "monitoring:add_follow_up": Row(
        path=_quarter_url("monitoring:add_follow_up"),
        allowed=EDIT,
        method="post",
        data={"action": "Rapat koordinasi"},
    ),
    "monitoring:update_follow_up": Row(
        path=lambda world, code: reverse(
            "monitoring:update_follow_up",
            args=[world.plans[code].pk, 1, follow_up(world, code).pk],
        ),
        allowed=UPDATE,
        method="post",
        data=lambda world, code: {
            f"fu-{follow_up(world, code).pk}-state": "in_progress",
            f"fu-{follow_up(world, code).pk}-progress_note": "Sedang disusun",
            f"fu-{follow_up(world, code).pk}-version": follow_up(world, code).version,
        },
    ),
    "monitoring:follow_ups": Row(
        path=lambda world, code: reverse("monitoring:follow_ups", args=[world.plans[code].pk]),
        allowed=READ,
    ),
    "monitoring:settings": Row(
        path=lambda world, code: reverse("monitoring:settings", args=[world.plans[code].pk]),
        allowed=MANAGE,
    ),
}
