"""The dashboards' precomputed figures: one ``PlanSummary`` per plan, and the log of plans
whose summary is out of date (``SummaryChange``).

A summary holds, for each period of the plan's schedule (a month 1–12, or a quarter 1–4 of a
quarterly plan), the counts of its scheduled sub-activity cells (see renaksi/dashboards/summary.py
for what each count means). "To date" figures are sums over the periods at read time, so the
summary does not depend on the day it is read.

Database triggers (summary_triggers.py) add a ``SummaryChange`` row whenever a schedule
period, a realisation or an evidence item of a plan is written, by any path (services, bulk
writers, raw SQL); the dashboards recompute the summaries of those plans before they read them
(summary.ensure_fresh). A plan without a summary is computed the first time it is read.
"""

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from renaksi.plans.models import ActionPlan


class PlanSummary(models.Model):
    """The per-period counts of one plan's scheduled cells (see summary.FIELDS)."""

    plan = models.OneToOneField(
        ActionPlan,
        verbose_name=_("rencana aksi"),
        on_delete=models.CASCADE,
        primary_key=True,
        related_name="summary",
    )
    # [[period, count, count, …], …] in the order of summary.FIELDS (periods with cells only).
    periods = models.JSONField(_("hitungan per periode"), default=list, blank=True)
    computed_at = models.DateTimeField(_("dihitung"), default=timezone.now)

    class Meta:
        verbose_name = _("ringkasan rencana aksi")
        verbose_name_plural = _("ringkasan rencana aksi")

    def __str__(self) -> str:
        return f"{self.plan_id} ({self.computed_at:%Y-%m-%d %H:%M})"


class SummaryChange(models.Model):
    """A plan whose summary must be recomputed (written by the database triggers). A plain
    number, not a foreign key: the trigger also fires while a plan is being deleted."""

    plan_id = models.BigIntegerField(_("rencana aksi"), db_index=True)

    class Meta:
        verbose_name = _("perubahan untuk ringkasan")
        verbose_name_plural = _("perubahan untuk ringkasan")

    def __str__(self) -> str:
        return str(self.plan_id)
