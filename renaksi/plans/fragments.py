"""The plan page's decree and Lampiran sections, rendered once per state of the plan and cached.

The two sections are most of the plan page (about 70 KB of HTML for a plan of the Bengkayang
plan's size) and were most of its time: reading the tree (four queries, some 300 rows made
into objects) and rendering ~100 rows of cells. What they show depends on the plan row, its
tree, the import findings still open on each row, the plan's unit and the language, so the
rendered HTML is kept under a key made of

* the plan's id, ``version`` and ``updated_at``: every service that changes the decree, the
  tree or the schedule changes the plan row as well (the editor's services raise ``version``
  and ``updated_at`` for every row added, changed, moved or deleted and every month clicked;
  an import and the admin's plan form save the plan; the admin's tree pages touch it, see
  ``admin.py``);
* the state of the plan's findings (each one's id, whether it is still open and where it
  points), which a confirmation changes without touching the plan row;
* the unit's name, code and time zone (shown in the decree's facts);
* the active language.

Nothing in them depends on the reader (no link or button that a permission decides), so one
rendering serves every reader. A key is never deleted: a changed plan gets a new key, and the
old entry ages out of the cache. With the sections cached the page reads no tree table.
"""

from __future__ import annotations

import hashlib

from django.core.cache import cache
from django.template.loader import render_to_string
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import get_language

from .lampiran import (
    LampiranRow,
    attach_findings,
    lampiran_body,
    lampiran_rows,
    period_headers,
    read_lampiran_tree,
)
from .models import ActionPlan, ImportFinding

CONTENT_TEMPLATE = "plans/plan_detail.html#content"
CACHE_SECONDS = 24 * 60 * 60


def content_cache_key(plan: ActionPlan, findings: list[ImportFinding], language: str) -> str:
    state = repr(
        (
            plan.unit.name,
            plan.unit.code,
            plan.unit.time_zone,
            [
                (
                    finding.pk,
                    finding.confirmed_at is None,
                    finding.line,
                    finding.area_id,
                    finding.activity_id,
                    finding.sub_activity_id,
                    finding.indicator_id,
                )
                for finding in findings
            ],
        )
    )
    digest = hashlib.sha256(state.encode()).hexdigest()[:24]
    changed = plan.updated_at.isoformat() if plan.updated_at else ""
    return f"plan-content:{plan.pk}:{plan.version}:{changed}:{language}:{digest}"


def plan_content_html(
    plan: ActionPlan, findings: list[ImportFinding]
) -> tuple[SafeString, list[LampiranRow] | None]:
    """The decree and Lampiran sections of ``plan``'s page; sets ``row_anchor`` on every finding.

    ``findings`` are the plan's findings in the page's order. On a miss the tree is read
    (``read_lampiran_tree``), the sections rendered and kept with the row each finding links to;
    the Lampiran rows built are returned too (``None`` when the sections came from the cache).
    """
    key = content_cache_key(plan, findings, get_language() or "")
    cached = cache.get(key)
    rows = None
    if cached is None:
        read_lampiran_tree(plan)
        rows = lampiran_rows(plan)
        attach_findings(rows, findings)
        html = render_to_string(
            CONTENT_TEMPLATE,
            {
                "plan": plan,
                "rows": rows,
                "month_headers": period_headers(plan),
                "body": lampiran_body(rows),
            },
        )
        cached = (str(html), {finding.pk: finding.row_anchor for finding in findings})
        cache.set(key, cached, timeout=CACHE_SECONDS)
    else:
        for finding in findings:
            finding.row_anchor = cached[1].get(finding.pk, "")
    return mark_safe(cached[0]), rows  # noqa: S308 (rendered by the template engine)
