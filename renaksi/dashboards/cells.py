"""The state of one cell of the schedule (a SchedulePeriod and its Realisation, if any), the
one classification the schedule view, the unit dashboard and the public page share.

    verified   done (status selesai) and verified by an assessor
    done       done, not (yet) verified
    not_done   reported as not carried out (tidak terlaksana)
    postponed  reported as postponed (ditunda)
    late       nothing done yet and the report's due date (SchedulePeriod.due_on, the unit's
               calendar) has passed
    planned    scheduled, not done yet, not yet late (nothing reported, not started or in
               progress)

A realisation reported after its due date keeps its own state (done, verified …); its
``late`` flag is a separate mark, shown beside the state.
"""

from __future__ import annotations

import datetime

from django.db import models
from django.utils.translation import gettext_lazy as _

from renaksi.work.models import Realisation

Status = Realisation.Status
State = Realisation.State


class CellState(models.TextChoices):
    PLANNED = "planned", _("Terjadwal")
    DONE = "done", _("Selesai")
    VERIFIED = "verified", _("Terverifikasi")
    LATE = "late", _("Terlambat")
    NOT_DONE = "not_done", _("Tidak terlaksana")
    POSTPONED = "postponed", _("Ditunda")


def cell_state(
    status: str | None, state: str | None, due_on: datetime.date, today: datetime.date
) -> CellState:
    """The state of a cell whose realisation has ``status`` and ``state`` (None: none yet)."""
    if status == Status.DONE:
        return CellState.VERIFIED if state == State.VERIFIED else CellState.DONE
    if status == Status.NOT_DONE:
        return CellState.NOT_DONE
    if status == Status.POSTPONED:
        return CellState.POSTPONED
    return CellState.LATE if today > due_on else CellState.PLANNED
