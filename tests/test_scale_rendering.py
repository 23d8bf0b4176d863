"""The rows that pages build in Python instead of templates (for speed at national scale,
docs/performance.md) write the HTML the templates wrote: the Lampiran table's body
(``lampiran_body``) and the task entries of "Pekerjaan saya" (``attach_task_html``), each
compared with the template code it replaced, for every branch (inferred areas, empty areas and
activities, source lines, open findings, markup in texts, quarterly plans; every task state)."""

import datetime
from types import SimpleNamespace

import pytest
from django.db import connection
from django.template import engines
from django.test.utils import CaptureQueriesContext
from django.utils import translation

from renaksi.plans.lampiran import (
    attach_findings,
    lampiran_body,
    lampiran_rows,
    load_plan_tree,
    read_lampiran_tree,
)
from renaksi.plans.models import ActionPlan, Activity, ImportFinding, PlanArea, SubActivity
from renaksi.plans.views import attach_task_html
from renaksi.plans.work import WorkItem, my_work
from renaksi.units.models import Unit
from renaksi.work.board import LATE, RETURNED, STATE_LABELS, WAITING

from .test_views import build_plan

pytestmark = pytest.mark.django_db

# The template loop that lampiran_body replaced (plans/plan_detail.html before the change).
LAMPIRAN_TEMPLATE = """{% load i18n %}{% translate "Indikator keberhasilan" as indicators_label %}{% for row in rows %}<tr id="{{ row.anchor }}"{% if row.area and row.open_findings %} class="area-start has-findings"{% elif row.area %} class="area-start"{% elif row.open_findings %} class="has-findings"{% endif %}>
{% if row.area %}<td rowspan="{{ row.area_rowspan }}" class="col-no"><div class="stick">{{ row.area.number }}</div></td><th scope="rowgroup" rowspan="{{ row.area_rowspan }}" class="col-area{% if row.area.inferred %} is-inferred{% endif %}"{% if row.area.source_line %} title="{% blocktranslate with line=row.area.source_line %}baris {{ line }}{% endblocktranslate %}"{% endif %}><div class="stick">{{ row.area.name }}{% if row.area.inferred %} <span class="badge badge--inferred" title="{% translate 'Baris area tidak ada di sumber; area disimpulkan oleh pengimpor.' %}">{% translate "disimpulkan" %}</span>{% endif %}</div></th>
{% endif %}{% if row.activity_cell %}<td rowspan="{{ row.activity_rowspan }}" class="col-activity"{% if row.activity.source_line %} title="{% blocktranslate with line=row.activity.source_line %}baris {{ line }}{% endblocktranslate %}"{% endif %}>{% if row.activity %}<div class="stick"><b>{{ row.activity.number }}</b> {{ row.activity.name }}</div>{% endif %}</td>
{% endif %}<td class="col-sub"{% if row.sub_activity.source_line %} title="{% blocktranslate with line=row.sub_activity.source_line %}baris {{ line }}{% endblocktranslate %}"{% endif %}>{% if row.sub_activity %}<b>{{ row.sub_activity.number }}</b> {{ row.sub_activity.name }}{% endif %}{% if row.open_findings %}{% with first=row.open_findings.0 count=row.open_findings|length %} <a href="#temuan-{{ first.pk }}">{% blocktranslate count counter=count %}{{ counter }} temuan perlu ditinjau{% plural %}{{ counter }} temuan perlu ditinjau{% endblocktranslate %}</a>{% endwith %}{% endif %}</td>
<td class="col-indicator" data-label="{{ indicators_label }}">{% if row.sub_activity %}{% with indicators=row.sub_activity.indicators.all %}{% if indicators %}<ul>{% for indicator in indicators %}<li{% if not indicator.label %} class="plain"{% endif %}>{% if indicator.label %}<b>{{ indicator.label }}</b> {% endif %}{{ indicator.text }}</li>{% endfor %}</ul>{% endif %}{% endwith %}{% endif %}</td>
{{ row.months_html }}</tr>
{% endfor %}"""  # noqa: E501 (the template as it was, one line per template line)

# The template partial that attach_task_html replaced (plans/my_work.html before the change),
# its indentation and line breaks written as the single spaces they render as.
TASK_TEMPLATE = """{% load i18n %}{% for item in items %}<li class="task task--{{ item.state }}" data-period="{{ item.period.pk }}"><p class="task__title"><span class="task__number">{{ item.number }}</span> {{ item.name }}</p><p class="task__meta"><span class="state state--{{ item.state }}">{{ item.state_label }}</span> <span>{{ item.period_label }}</span> <span>{% blocktranslate with when=item.period.due_on|date:"j F Y" %}batas laporan {{ when }}{% endblocktranslate %}</span>{% if item.realisation.late %} <span>{% translate "dilaporkan terlambat" %}</span>{% endif %}{% if many_plans %} <span>{{ item.plan.unit.name }}</span>{% endif %}</p>{% if item.state == "returned" and item.return_comment %}<p class="task__comment"><strong>{% blocktranslate with who=item.returned_by %}Catatan {{ who }}:{% endblocktranslate %}</strong> {{ item.return_comment }}</p>{% endif %}{% url 'work:realisation' period=item.period.pk as realisation_url %}{% if realisation_url %}<a class="button task__action{% if item.state != 'waiting' %} button--primary{% endif %}" href="{{ realisation_url }}">{% if item.state == "returned" %}{% translate "Perbaiki dan ajukan ulang" %}{% elif item.state == "waiting" %}{% translate "Lihat laporan" %}{% elif item.realisation %}{% translate "Lanjutkan laporan" %}{% else %}{% translate "Laporkan" %}{% endif %}</a>{% endif %}</li>{% endfor %}"""  # noqa: E501


# The partial that sub_activity_html replaced (plans/my_work.html's sub-row), spaces as above.
SUB_TEMPLATE = """{% load i18n %}{% for sub in subs %}<li class="work-item"><p class="work-item__title"><span class="work-item__number">{{ sub.activity.area.number }}.{{ sub.activity.number }}.{{ sub.number }}</span> {{ sub.name }}</p><p class="muted small">{% translate "Area" %} {{ sub.activity.area.number }} · {{ sub.activity.name }}</p><p class="work-item__months">{{ sub.period_chips }}</p>{% if sub.indicators.all %}<ul class="work-item__indicators">{% for indicator in sub.indicators.all %}<li>{{ indicator.text }}</li>{% endfor %}</ul>{% endif %}</li>{% endfor %}"""  # noqa: E501


def render(source: str, context: dict) -> str:
    return engines["django"].from_string(source).render(context)


TREE = [
    (
        'Manajemen <Perubahan> & "komitmen"',
        True,  # inferred
        [
            (
                "Perencanaan & <b>pembangunan</b>",
                [
                    ("Menetapkan Tim RB", [1], ["Adanya SK Tim RB"]),
                    ("Komitmen 'bersama'", list(range(1, 13)), ["Kick off <i>", "Pakta & janji"]),
                ],
            ),
            ("Kegiatan tanpa sub kegiatan", []),
        ],
    ),
    ("Area tanpa kegiatan", False, []),
    ("Penataan Tatalaksana", False, [("SOP", [("Menyusun SOP", [3, 6, 9], [])])]),
]


@pytest.fixture
def plan():
    ri = Unit.objects.create(code="00", name="KPU RI", level=Unit.Level.PUSAT)
    province = Unit.objects.create(
        code="61", name="KPU Provinsi Kalimantan Barat", level=Unit.Level.PROVINSI, parent=ri
    )
    unit = Unit.objects.create(
        code="6107", name="KPU <Bengkayang>", level=Unit.Level.KABUPATEN_KOTA, parent=province
    )
    plan = build_plan(unit, 2022, TREE)
    PlanArea.objects.filter(plan=plan, number=1).update(source_line=1234)
    Activity.objects.filter(area__plan=plan, position=1, area__number=1).update(source_line=15)
    sub = plan.areas.get(number=1).activities.get(position=1).sub_activities.get(position=2)
    sub.source_line = 17
    sub.save()
    ImportFinding.objects.create(plan=plan, line=17, kind="area_inferred", message="a")
    ImportFinding.objects.create(plan=plan, sub_activity=sub, kind="area_inferred", message="b")
    ImportFinding.objects.create(plan=plan, area=plan.areas.get(number=3), kind="x", message="c")
    return plan


@pytest.mark.parametrize("language", ["id", "en"])
@pytest.mark.parametrize("kind", [ActionPlan.Schedule.MONTH, ActionPlan.Schedule.QUARTER])
def test_lampiran_body_is_what_the_template_wrote(plan, language, kind):
    ActionPlan.objects.filter(pk=plan.pk).update(schedule_kind=kind)
    plan = ActionPlan.objects.get(pk=plan.pk)
    findings = list(plan.findings.order_by("line", "id"))
    with translation.override(language):
        load_plan_tree(plan, findings=False)
        rows = lampiran_rows(plan)
        attach_findings(rows, findings)
        expected = render(LAMPIRAN_TEMPLATE, {"rows": rows})
        body = lampiran_body(rows)
    assert body == expected
    # The branches were there to compare.
    for part in ("is-inferred", 'title="', "has-findings", 'href="#temuan-', "&lt;Perubahan&gt;"):
        assert part in body
    assert 'class="plain"' in body and "<b>1</b> Kick off &lt;i&gt;" in body
    assert body.count("<tr ") == 5  # 2 subs, an empty activity, an empty area, 1 sub


def test_lampiran_body_sees_a_confirmed_finding_go(plan):
    findings = list(plan.findings.order_by("line", "id"))
    for finding in findings:
        finding.confirmed_at = datetime.datetime(2022, 1, 1, tzinfo=datetime.UTC)
    load_plan_tree(plan, findings=False)
    rows = lampiran_rows(plan)
    attach_findings(rows, findings)
    body = lampiran_body(rows)
    assert body == render(LAMPIRAN_TEMPLATE, {"rows": rows})
    assert "has-findings" not in body and "#temuan-" not in body


@pytest.mark.parametrize("kind", [ActionPlan.Schedule.MONTH, ActionPlan.Schedule.QUARTER])
def test_the_lampiran_tree_read_without_prefetch_gives_the_same_table(plan, kind):
    """read_lampiran_tree (the plan page's) gives the rows, finding links and HTML that the
    prefetched tree gives, in four queries, and the table is then built without a query."""
    ActionPlan.objects.filter(pk=plan.pk).update(schedule_kind=kind)

    def table(read):
        fresh = ActionPlan.objects.get(pk=plan.pk)
        findings = list(fresh.findings.order_by("line", "id"))
        with CaptureQueriesContext(connection) as reading:
            read(fresh)
        with CaptureQueriesContext(connection) as building:
            rows = lampiran_rows(fresh)
            attach_findings(rows, findings)
            body = lampiran_body(rows)
        links = [(finding.pk, finding.row_anchor) for finding in findings]
        return body, links, len(reading), len(building)

    prefetched = table(lambda fresh: load_plan_tree(fresh, findings=False))
    read = table(read_lampiran_tree)
    assert read[:2] == prefetched[:2]
    assert read[2] == 4 and read[3] == 0
    assert all(anchor for _pk, anchor in read[1])  # every finding found its row


def items():
    unit = SimpleNamespace(name="KPU <Bengkayang> & co")
    plan = SimpleNamespace(pk=1, unit=unit)

    def item(pk, state, realisation, **extra):
        period = SimpleNamespace(pk=pk, due_on=datetime.date(2022, 4, 5))
        return WorkItem(
            period=period,
            realisation=realisation,
            state=state,
            state_label=str(STATE_LABELS[state]),
            plan=plan,
            number="1.2.3",
            name="Menyusun <SOP> & 'laporan'",
            period_label="Maret 2022",
            **extra,
        )

    return [
        item(
            1,
            RETURNED,
            SimpleNamespace(late=False),
            return_comment="Kurang <bukti>",
            returned_by="Asesor & Co",
        ),
        item(2, RETURNED, SimpleNamespace(late=True)),  # returned, no comment
        item(3, WAITING, SimpleNamespace(late=True)),
        item(4, LATE, None),
        item(5, LATE, SimpleNamespace(late=False)),  # a draft
        item(6, "due", None),
    ]


@pytest.mark.parametrize("language", ["id", "en"])
@pytest.mark.parametrize("many_plans", [False, True])
def test_task_entries_are_what_the_template_wrote(language, many_plans):
    tasks = items()
    with translation.override(language):
        expected = render(TASK_TEMPLATE, {"items": tasks, "many_plans": many_plans})
        attach_task_html(tasks, many_plans)
    assert "".join(task.html for task in tasks) == expected
    html = "".join(task.html for task in tasks)
    assert "Kurang &lt;bukti&gt;" in html and "Asesor &amp; Co" in html
    assert ("KPU &lt;Bengkayang&gt; &amp; co" in html) is many_plans


@pytest.mark.parametrize("language", ["id", "en"])
def test_the_years_tasks_are_what_the_template_wrote(plan, language):
    from django.contrib.auth.models import User

    from renaksi.access.models import UnitRole

    pic = User.objects.create_user("pic")
    UnitRole.objects.create(user=pic, unit=plan.unit, role=UnitRole.Role.VIEWER)
    SubActivity.objects.filter(activity__area__plan=plan).update(pic=pic)
    with translation.override(language):
        work = my_work(pic, 2022, 3)
        subs = [sub for item in work for sub in item.due + item.not_due]
        expected = render(SUB_TEMPLATE, {"subs": subs})
    assert len(subs) == 3
    assert "".join(sub.html for sub in subs) == expected
    assert "Perencanaan &amp; &lt;b&gt;" in expected and "<li>Kick off &lt;i&gt;</li>" in expected
