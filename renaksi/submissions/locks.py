"""Whether a period is locked by its submission (see models.Submission).

* A quarter is locked from the moment its package is sent until it is returned or reopened
  (``Submission.locked``; an accepted quarter stays locked). Realisations of its months, its
  monitoring narrative and its follow-ups cannot change then.
* The year's LKE cannot change while a package of that unit and year waits for a reviewer
  (state submitted); between quarters it goes on.

Every writer of those data asks here (one query) and refuses with ``LOCKED_MESSAGE``.
"""

from __future__ import annotations

from django.utils.translation import gettext as _

from .models import Submission


def quarter_of_month(month: int) -> int:
    return (month - 1) // 3 + 1


def locked_quarters(unit_id: int, year: int) -> set[int]:
    return set(
        Submission.objects.filter(unit_id=unit_id, year=year, locked=True).values_list(
            "quarter", flat=True
        )
    )


def quarter_locked(unit_id: int, year: int, quarter: int) -> bool:
    return Submission.objects.filter(
        unit_id=unit_id, year=year, quarter=quarter, locked=True
    ).exists()


def period_locked(plan, period: int) -> bool:
    """A schedule period of the plan (a month of a monthly plan, a quarter of a quarterly
    one) inside a locked quarter."""
    quarterly = getattr(plan, "schedule_kind", "") == "quarter"
    quarter = period if quarterly else quarter_of_month(period)
    return quarter_locked(plan.unit_id, plan.year, quarter)


def schedule_period_quarter(period) -> int:
    """The quarter of a ``work.SchedulePeriod`` (a change agent's action is always monthly)."""
    quarterly = not period.agent_action_id and (
        getattr(period.plan, "schedule_kind", "") == "quarter"
    )
    return period.period if quarterly else quarter_of_month(period.period)


def schedule_period_locked(period) -> int | None:
    """The locked quarter a ``work.SchedulePeriod`` falls in, or None (one query)."""
    quarter = schedule_period_quarter(period)
    return quarter if quarter_locked(period.unit_id, period.year, quarter) else None


def lke_locked(unit_id: int, year: int) -> bool:
    return Submission.objects.filter(
        unit_id=unit_id, year=year, state=Submission.State.SUBMITTED
    ).exists()


def locked_message(quarter: int | None = None) -> str:
    if quarter is None:
        return _(
            "Lembar kerja evaluasi sedang ditinjau tingkat di atas (laporan triwulan sudah "
            "dikirim); perubahan ditolak sampai laporan dikembalikan atau dibuka kembali."
        )
    return _(
        "Triwulan %(quarter)s sudah dikirim dan dikunci; perubahan ditolak sampai laporannya "
        "dikembalikan atau dibuka kembali dengan alasan tercatat."
    ) % {"quarter": quarter}
