"""The plan editor's pages: the tree with its schedule grid, a form per row, the decree form,
and the small POST endpoints (move, delete, schedule, confirm a finding).

Views parse input, call a service of ``editing`` and render; the services check permission,
state, values and versions themselves. An unknown row is a 404; a GET on a POST-only address
goes back to the editor page.
"""

from __future__ import annotations

from functools import wraps

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _

from renaksi.access.policy import get_plan_for_user

from . import editing
from .editor_forms import DecreeForm, make_row_form
from .lampiran import load_plan_tree, period_headers
from .models import ActionPlan, Activity, ChangeArea, ImportFinding, PlanArea, SubActivity
from .services import PlanError, confirm_finding

# The level as it appears in addresses, and back.
LEVEL_SLUGS = {
    "area": "area",
    "activity": "kegiatan",
    "sub_activity": "sub-kegiatan",
    "indicator": "indikator",
}
SLUG_LEVELS = {slug: level for level, slug in LEVEL_SLUGS.items()}
DIRECTIONS = {"naik": "up", "turun": "down"}
# The editor shows one area at a time (``?area=<id>``), or every area (``?area=semua``).
AREA_PARAMETER = "area"
ALL_AREAS = "semua"


def post_only(view):
    """A POST endpoint: a GET (a reload, a bookmarked address) goes back to the editor."""

    @wraps(view)
    def wrapper(request: HttpRequest, pk: int, *args, **kwargs):
        if request.method != "POST":
            return redirect("plans:editor", pk=pk)
        return view(request, pk, *args, **kwargs)

    return wrapper


def _level(slug: str) -> str:
    try:
        return SLUG_LEVELS[slug]
    except KeyError as exc:
        raise Http404 from exc


def _load_row(plan: ActionPlan, level: str, row_id: int):
    """The row ``row_id`` of ``level`` in ``plan`` (404 otherwise), with its plan path."""
    model = editing.LEVEL_MODELS[level]
    path = editing.PLAN_PATH[level]
    select = {
        "area": ["plan__unit", "change_area"],
        "activity": ["area__plan__unit"],
        "sub_activity": ["activity__area__plan__unit"],
        "indicator": ["sub_activity__activity__area__plan__unit"],
    }[level]
    return get_object_or_404(model.objects.select_related(*select), pk=row_id, **{path: plan})


def anchor(obj) -> str:
    """The HTML id of a row on the editor page."""
    return f"{LEVEL_SLUGS[editing.level_of(obj)]}-{obj.pk}"


def _area_of(obj) -> PlanArea:
    level = editing.level_of(obj)
    if level == "area":
        return obj
    if level == "activity":
        return obj.area
    if level == "sub_activity":
        return obj.activity.area
    return obj.sub_activity.activity.area


def _back(plan: ActionPlan, obj=None) -> str:
    """The editor page showing ``obj``'s area, scrolled to ``obj``."""
    url = reverse("plans:editor", args=[plan.pk])
    if obj is None:
        return url
    return f"{url}?{AREA_PARAMETER}={_area_of(obj).pk}#{anchor(obj)}"


def _describe(obj) -> str:
    """Where a row sits, for headings: "1.2.3 Nama…"."""
    level = editing.level_of(obj)
    if level == "area":
        return f"{obj.number}. {obj.name}"
    if level == "activity":
        return f"{obj.area.number}.{obj.number} {obj.name}"
    if level == "sub_activity":
        return f"{obj.activity.area.number}.{obj.activity.number}.{obj.number} {obj.name}"
    sub = obj.sub_activity
    prefix = f"{sub.activity.area.number}.{sub.activity.number}.{sub.number}"
    return f"{prefix} {obj.label} {obj.text}".replace("  ", " ")


# -- the editor page --------------------------------------------------------------------------


def _row_findings(findings) -> dict[tuple[str, int], list[ImportFinding]]:
    """Open findings by the most specific row they point at: (level, id) → findings."""
    rows: dict[tuple[str, int], list[ImportFinding]] = {}
    for finding in findings:
        if finding.confirmed_at is not None:
            continue
        for level in reversed(editing.LEVELS):
            row_id = getattr(finding, f"{level}_id")
            if row_id is not None:
                rows.setdefault((level, row_id), []).append(finding)
                break
    return rows


@login_required
def editor_page(request: HttpRequest, pk: int) -> HttpResponse:
    plan = load_plan_tree(get_plan_for_user(request.user, pk, write=True))
    findings = list(plan.findings.all())
    by_row = _row_findings(findings)
    headers = [str(label) for label in period_headers(plan)]
    count = len(headers)
    for area in plan.areas.all():
        area.open_findings = by_row.get(("area", area.pk), [])
        area.open_count = len(area.open_findings)
        for activity in area.activities.all():
            activity.open_findings = by_row.get(("activity", activity.pk), [])
            area.open_count += len(activity.open_findings)
            for sub in activity.sub_activities.all():
                sub.open_findings = by_row.get(("sub_activity", sub.pk), [])
                area.open_count += len(sub.open_findings)
                sub.cells = [
                    (index + 1, headers[index], bool(sub.schedule & (1 << index)))
                    for index in range(count)
                ]
                for indicator in sub.indicators.all():
                    indicator.open_findings = by_row.get(("indicator", indicator.pk), [])
                    area.open_count += len(indicator.open_findings)
    linked = sum(len(items) for items in by_row.values())
    open_count = sum(1 for finding in findings if finding.confirmed_at is None)
    areas = list(plan.areas.all())
    for index, area in enumerate(areas):
        area.is_first, area.is_last = index == 0, index == len(areas) - 1
    choice = request.GET.get(AREA_PARAMETER, "")
    shown = [area for area in areas if str(area.pk) == choice]
    if choice == ALL_AREAS:
        shown = areas
    elif not shown:
        shown = areas[:1]
    return render(
        request,
        "plans/editor/editor.html",
        {
            "plan": plan,
            "areas": areas,
            "shown": shown,
            "all_areas": shown is areas and len(areas) > 1,
            "area_choice": ALL_AREAS if shown is areas else (shown[0].pk if shown else ""),
            "editable": plan.is_editable,
            "not_editable_message": "" if plan.is_editable else editing.not_editable_message(plan),
            "period_headers": headers,
            "unlinked_finding_count": open_count - linked,
            "can_add_area": len(plan.areas.all()) < 8,
        },
    )


# -- a row: edit, add -------------------------------------------------------------------------


def _parents(plan: ActionPlan, level: str) -> list[tuple[int, str]]:
    """(id, label) of every row ``level`` may sit under, in the plan's order."""
    if level == "activity":
        rows = PlanArea.objects.filter(plan=plan).order_by("number")
        return [(row.pk, f"{row.number}. {row.name}"[:120]) for row in rows]
    if level == "sub_activity":
        rows = (
            Activity.objects.filter(area__plan=plan)
            .select_related("area")
            .order_by("area__number", "position")
        )
        return [(row.pk, f"{row.area.number}.{row.number} {row.name}"[:120]) for row in rows]
    rows = (
        SubActivity.objects.filter(activity__area__plan=plan)
        .select_related("activity__area")
        .order_by("activity__area__number", "activity__position", "position")
    )
    return [
        (row.pk, f"{row.activity.area.number}.{row.activity.number}.{row.number} {row.name}"[:120])
        for row in rows
    ]


def _open_findings(obj, level: str) -> list[ImportFinding]:
    return list(
        ImportFinding.objects.filter(confirmed_at__isnull=True, **{level: obj}).order_by(
            "line", "id"
        )
    )


def _current_values(form, current) -> list[tuple[str, str, str]]:
    """(label, the person's value, the value saved now) of the fields that differ."""
    rows = []
    for name in editing.EDIT_FIELDS[editing.level_of(current)]:
        if name not in form.fields:
            continue
        saved = getattr(current, name)
        typed = form.data.get(name, "")
        if isinstance(saved, list):  # expected_evidence: the chosen kinds
            saved = ", ".join(saved)
            typed = ", ".join(form.data.getlist(name)) if hasattr(form.data, "getlist") else ""
        if name == "change_area":
            if str(current.change_area_id) != str(typed):
                chosen = (
                    ChangeArea.objects.filter(pk=typed).first() if str(typed).isdigit() else None
                )
                rows.append((form.fields[name].label, str(chosen or "—"), str(saved)))
            continue
        if str(saved if saved is not None else "") != str(typed):
            display = saved if saved not in (None, "") else "—"
            rows.append((form.fields[name].label, typed or "—", str(display)))
    return rows


@login_required
def row_edit(request: HttpRequest, pk: int, level: str, row: int) -> HttpResponse:
    plan = get_plan_for_user(request.user, pk, write=True)
    level = _level(level)
    obj = _load_row(plan, level, row)
    parents = _parents(plan, level) if level != "area" else None
    findings = _open_findings(obj, level)
    form = make_row_form(
        level,
        data=request.POST if request.method == "POST" else None,
        obj=obj,
        plan=plan,
        parents=parents,
        findings=findings,
    )
    conflict_rows = None
    if request.method == "POST" and form.is_valid():
        parent = None
        if "parent" in form.cleaned_data:
            parent_level = editing.LEVELS[editing.LEVELS.index(level) - 1]
            parent = _load_row(plan, parent_level, form.cleaned_data["parent"])
        try:
            result = editing.save_row(
                request.user,
                obj,
                form.values(),
                expected_version=form.cleaned_data["version"],
                parent=parent,
                resolve_findings=form.cleaned_data.get("resolve", []),
            )
        except ValidationError as error:
            _add_errors(form, error)
        except editing.EditConflict as conflict:
            messages.error(request, conflict.message)
            if conflict.current is None:
                return redirect(_back(plan))
            data = request.POST.copy()
            data["version"] = str(conflict.current.version)
            form = make_row_form(
                level,
                data=data,
                obj=conflict.current,
                plan=plan,
                parents=parents,
                findings=findings,
            )
            form.is_valid()
            conflict_rows = _current_values(form, conflict.current)
        except PlanError as error:
            messages.error(request, error.message)
            return redirect(_back(plan))
        else:
            _saved_message(request, result)
            return redirect(_back(plan, result.obj))
    return render(
        request,
        "plans/editor/row_form.html",
        {
            "plan": plan,
            "level": level,
            "level_slug": LEVEL_SLUGS[level],
            "level_name": editing.LEVEL_NAMES[level],
            "obj": obj,
            "title": _describe(obj),
            "form": form,
            "conflict_rows": conflict_rows,
            "back": _back(plan, obj),
            "child_slug": LEVEL_SLUGS.get(editing.CHILD_LEVEL.get(level, ""), ""),
            "child_name": editing.LEVEL_NAMES.get(editing.CHILD_LEVEL.get(level, ""), ""),
            "editable": plan.is_editable,
        },
    )


def _saved_message(request: HttpRequest, result: editing.RowResult) -> None:
    if not result.changed and not result.resolved:
        messages.info(request, _("Tidak ada yang berubah."))
        return
    text = _("Perubahan disimpan.")
    if result.resolved:
        text += " " + _("%(count)d temuan ditandai selesai.") % {"count": result.resolved}
    messages.success(request, text)


def _add_errors(form, error: ValidationError) -> None:
    """Put the service's errors at their fields (those the form lacks go on top)."""
    if not hasattr(error, "error_dict"):
        form.add_error(None, error)
        return
    for name, errors in error.message_dict.items():
        form.add_error(name if name in form.fields else None, errors)


@login_required
def row_add(
    request: HttpRequest, pk: int, level: str | None = None, row: int | None = None
) -> HttpResponse:
    """Add a row under ``row`` (of ``level``), or an area when no row is given."""
    plan = get_plan_for_user(request.user, pk, write=True)
    if row is None:
        parent, child_level = plan, "area"
    else:
        parent_level = _level(level)
        if parent_level not in editing.CHILD_LEVEL:
            raise Http404
        parent = _load_row(plan, parent_level, row)
        child_level = editing.CHILD_LEVEL[parent_level]
    form = make_row_form(
        child_level, data=request.POST if request.method == "POST" else None, plan=plan
    )
    if request.method == "POST" and form.is_valid():
        try:
            obj = editing.add_row(request.user, child_level, parent, form.values())
        except ValidationError as error:
            _add_errors(form, error)
        except PlanError as error:
            messages.error(request, error.message)
            return redirect(_back(plan))
        else:
            messages.success(
                request,
                _("%(level)s ditambahkan.")
                % {"level": str(editing.LEVEL_NAMES[child_level]).capitalize()},
            )
            return redirect(_back(plan, obj))
    return render(
        request,
        "plans/editor/row_form.html",
        {
            "plan": plan,
            "level": child_level,
            "level_slug": LEVEL_SLUGS[child_level],
            "level_name": editing.LEVEL_NAMES[child_level],
            "obj": None,
            "parent_title": _describe(parent) if row is not None else "",
            "form": form,
            "back": _back(plan, parent if row is not None else None),
            "editable": plan.is_editable,
        },
    )


# -- move, delete -----------------------------------------------------------------------------


def _version(request: HttpRequest) -> int | None:
    try:
        return int(request.POST.get("version", ""))
    except ValueError:
        return None


@login_required
@post_only
def row_move(request: HttpRequest, pk: int, level: str, row: int, direction: str):
    plan = get_plan_for_user(request.user, pk, write=True)
    level = _level(level)
    if direction not in DIRECTIONS:
        raise Http404
    obj = _load_row(plan, level, row)
    version = _version(request)
    if version is None:
        messages.error(request, _("Permintaan tidak lengkap; muat ulang halaman editor."))
        return redirect(_back(plan, obj))
    try:
        obj = editing.move_row(request.user, obj, DIRECTIONS[direction], expected_version=version)
    except (PlanError, ValidationError) as error:
        messages.error(request, _message(error))
    return redirect(_back(plan, obj))


def _message(error) -> str:
    if isinstance(error, PlanError):
        return error.message
    return " ".join(error.messages)


@login_required
def row_delete(request: HttpRequest, pk: int, level: str, row: int) -> HttpResponse:
    """GET: what would go, and a button to confirm. POST: delete (a row with rows below it only
    with ``confirmed``; otherwise the confirmation page)."""
    plan = get_plan_for_user(request.user, pk, write=True)
    level = _level(level)
    obj = _load_row(plan, level, row)
    counts = editing.subtree_counts(obj)
    if request.method == "POST":
        version = _version(request)
        if version is None:
            messages.error(request, _("Permintaan tidak lengkap; muat ulang halaman editor."))
            return redirect(_back(plan, obj))
        try:
            editing.delete_row(
                request.user,
                obj,
                expected_version=version,
                confirmed=request.POST.get("confirmed") == "1",
            )
        except editing.NeedsConfirmation as needed:
            counts = needed.counts
        except editing.EditConflict as conflict:
            messages.error(request, conflict.message)
            return redirect(_back(plan, conflict.current))
        except PlanError as error:
            messages.error(request, error.message)
            return redirect(_back(plan))
        else:
            messages.success(
                request,
                _("%(level)s dihapus: %(name)s")
                % {
                    "level": str(editing.LEVEL_NAMES[level]).capitalize(),
                    "name": _describe(obj)[:120],
                },
            )
            return redirect(_back(plan, _parent_row(obj, level)))
    return render(
        request,
        "plans/editor/delete_confirm.html",
        {
            "plan": plan,
            "obj": obj,
            "level_name": editing.LEVEL_NAMES[level],
            "level_slug": LEVEL_SLUGS[level],
            "title": _describe(obj),
            "what_goes": editing.confirmation_counts_text(counts),
            "back": _back(plan, obj),
            "editable": plan.is_editable,
            "held_message": _held_message(obj, level),
        },
    )


def _held_message(obj, level: str) -> str:
    """Why the row may not be deleted (recorded work holds it), or ''."""
    held = editing.work_holding(obj)
    return editing.work_holding_message(level, held) if held else ""


def _parent_row(obj, level: str):
    return None if level == "area" else getattr(obj, editing.PARENT_FIELD[level])


# -- the schedule grid ------------------------------------------------------------------------


@login_required
@post_only
def schedule_save(request: HttpRequest, pk: int) -> HttpResponse:
    """Save the grid: for each sub-activity in the form (``v-<id>`` its version, ``m-<id>`` its
    checked months or quarters) whose schedule changed. With ``Accept: application/json`` (the
    page's script, one sub-activity per click) the answer is JSON."""
    plan = get_plan_for_user(request.user, pk, write=True)
    wants_json = "application/json" in request.headers.get("Accept", "")
    versions = {}
    for key, value in request.POST.items():
        if key.startswith("v-") and key[2:].isdigit():
            try:
                versions[int(key[2:])] = int(value)
            except ValueError:
                continue
    subs = {
        sub.pk: sub
        for sub in SubActivity.objects.filter(
            activity__area__plan=plan, pk__in=list(versions)
        ).select_related("activity__area__plan__unit")
    }
    saved, problems, result_versions = 0, [], {}
    for sub_id, version in versions.items():
        sub = subs.get(sub_id)
        if sub is None:
            problems.append(_("Sub kegiatan itu tidak ada lagi di rencana aksi ini."))
            continue
        periods = request.POST.getlist(f"m-{sub_id}")
        before = sub.schedule
        try:
            if editing.schedule_mask(periods, plan.schedule_kind) == before:
                result_versions[sub_id] = {"version": sub.version, "periods": sub.months}
                continue  # unchanged: the service is not called (the whole grid comes in)
            sub = editing.set_schedule(request.user, sub, periods, expected_version=version)
        except ValidationError as error:
            problems.append(f"{_describe(sub)[:60]}: {' '.join(error.messages)}")
        except PlanError as error:
            problems.append(f"{_describe(sub)[:60]}: {error.message}")
            if isinstance(error, editing.EditConflict) and error.current is not None:
                sub = error.current
        else:
            saved += sub.schedule != before
        result_versions[sub_id] = {
            "version": sub.version,
            "periods": [i + 1 for i in range(12) if sub.schedule & (1 << i)],
        }
    if wants_json:
        return JsonResponse(
            {"saved": saved, "problems": problems, "rows": result_versions},
            status=409 if problems else 200,
        )
    for problem in problems:
        messages.error(request, problem)
    if saved:
        messages.success(request, _("Jadwal %(count)d sub kegiatan disimpan.") % {"count": saved})
    elif not problems:
        messages.info(request, _("Jadwal tidak berubah."))
    area = request.POST.get(AREA_PARAMETER, "")
    query = f"?{AREA_PARAMETER}={area}" if area.isdigit() or area == ALL_AREAS else ""
    return redirect(reverse("plans:editor", args=[plan.pk]) + query + "#jadwal")


# -- the decree -------------------------------------------------------------------------------


@login_required
def decree_edit(request: HttpRequest, pk: int) -> HttpResponse:
    plan = get_plan_for_user(request.user, pk, write=True)
    form = DecreeForm(request.POST if request.method == "POST" else None, plan=plan)
    conflict_rows = None
    if request.method == "POST" and form.is_valid():
        try:
            editing.update_decree(
                request.user, plan, form.values(), expected_version=form.cleaned_data["version"]
            )
        except ValidationError as error:
            _add_errors(form, error)
        except editing.EditConflict as conflict:
            messages.error(request, conflict.message)
            current = conflict.current
            data = request.POST.copy()
            data["version"] = str(current.version)
            form = DecreeForm(data, plan=current)
            form.is_valid()
            conflict_rows = _decree_differences(form, current)
        except PlanError as error:
            messages.error(request, error.message)
            return redirect(_back(plan))
        else:
            messages.success(request, _("Data keputusan disimpan."))
            return redirect(reverse("plans:editor", args=[plan.pk]) + "#keputusan")
    return render(
        request,
        "plans/editor/decree_form.html",
        {
            "plan": plan,
            "form": form,
            "conflict_rows": conflict_rows,
            "editable": plan.is_editable,
        },
    )


def _decree_differences(form, current: ActionPlan) -> list[tuple[str, str, str]]:
    rows = []
    for name in editing.DECREE_FIELDS:
        saved = getattr(current, name)
        if name in editing.CLAUSE_FIELDS:
            saved = editing.clauses_as_text(saved)
        saved = "" if saved is None else str(saved)
        typed = form.data.get(name, "")
        if saved.replace("\r\n", "\n").strip() != typed.replace("\r\n", "\n").strip():
            rows.append((form.fields[name].label, typed or "—", saved or "—"))
    return rows


# -- findings ---------------------------------------------------------------------------------


@login_required
@post_only
def finding_confirm(request: HttpRequest, pk: int, finding_pk: int) -> HttpResponse:
    """Confirm the reading of a finding (``services.confirm_finding``), back to its row."""
    plan = get_plan_for_user(request.user, pk, write=True)
    finding = get_object_or_404(plan.findings.select_related("plan"), pk=finding_pk)
    try:
        confirm_finding(request.user, finding)
    except PlanError as error:
        messages.info(request, error.message)
    else:
        messages.success(
            request, _("Bacaan dikonfirmasi: %(kind)s.") % {"kind": finding.kind_label}
        )
    row = None
    for level in reversed(editing.LEVELS):
        row = getattr(finding, level)
        if row is not None:
            break
    return redirect(_back(plan, row))
