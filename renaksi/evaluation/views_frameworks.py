"""The framework pages: the list, one framework's tree, and the national administrator's
flow (copy into a new version, edit a node, add and delete items, publish).

Reading: every signed-in user reads the frameworks in force or retired (they are the
regulations' content, the same for every unit); drafts only those who may manage
frameworks (``MANAGE_FRAMEWORK``: a national administrator), for everyone else a draft is a
404. Changing: the services in framework_editing.py check the permission (403) and the
state (a message, nothing saved). Constant query counts: the tree is one query for the nodes
plus the validator's one or two.
"""

from __future__ import annotations

from decimal import Decimal

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Count, Q
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from renaksi.access.policy import MANAGE_FRAMEWORK, grants_for

from . import framework_editing as editing
from .frameworks import FrameworkError, node_weight_display, parse_weight
from .models import (
    DEFAULT_OPTION_VALUES,
    FORMULA_INPUTS,
    OPTION_CODES,
    AnswerType,
    Formula,
    Framework,
    Node,
)

ALL_OPTION_CODES = ("ya", "tidak", "a", "b", "c", "d", "e")
ALL_INPUTS = ("numerator", "denominator", "previous", "current")
INPUT_LABELS = {
    "numerator": gettext_lazy("Pembilang"),
    "denominator": gettext_lazy("Penyebut"),
    "previous": gettext_lazy("Jumlah tahun lalu"),
    "current": gettext_lazy("Jumlah tahun ini"),
}


def _manages(request: HttpRequest) -> bool:
    return grants_for(request.user).can_manage_frameworks()


def frameworks_visible_to(request: HttpRequest):
    queryset = Framework.objects.all()
    if not _manages(request):
        queryset = queryset.exclude(state=Framework.State.DRAFT)
    return queryset


def _framework(request: HttpRequest, pk: int) -> Framework:
    try:
        return frameworks_visible_to(request).select_related("based_on").get(pk=pk)
    except Framework.DoesNotExist as exc:
        raise Http404 from exc


def _node(framework: Framework, pk: int) -> Node:
    try:
        return framework.nodes.select_related("parent", "framework").get(pk=pk)
    except Node.DoesNotExist as exc:
        raise Http404 from exc


def _require_manager(request: HttpRequest) -> None:
    if not request.user.has_perm(MANAGE_FRAMEWORK):
        raise PermissionDenied


def _detail_url(framework: Framework, node: Node | None = None) -> str:
    url = reverse("evaluation:framework_detail", args=[framework.pk])
    return f"{url}#n{node.pk}" if node is not None else url


# -- reading ---------------------------------------------------------------------------------


@login_required
def framework_list(request: HttpRequest) -> HttpResponse:
    frameworks = (
        frameworks_visible_to(request)
        .annotate(
            item_count=Count("nodes", filter=Q(nodes__kind=Node.Kind.ITEM)),
            incomplete_count=Count("nodes", filter=Q(nodes__incomplete=True)),
        )
        .order_by("family", "-year", "-version")
    )
    return render(
        request,
        "evaluation/framework_list.html",
        {"frameworks": frameworks, "may_manage": _manages(request)},
    )


def _value_display(text: str) -> tuple[Decimal | None, str]:
    try:
        value = parse_weight(text)
    except (ValueError, ZeroDivisionError):
        return None, text
    short, full = node_weight_display(text)
    return Decimal(short), full or str(value)


def _rows(framework: Framework, nodes: list[Node]) -> list[dict]:
    """What the tree shows per node: weights at two decimals and at full precision, and
    every option with the value it is scored with (its own, the framework's, the default)."""
    table = framework.option_values or {}
    rows = []
    for node in nodes:
        short, full = node_weight_display(node.weight)
        options = []
        if node.is_item and node.answer_type in OPTION_CODES:
            defaults = {
                **DEFAULT_OPTION_VALUES[node.answer_type],
                **table.get(node.answer_type, {}),
            }
            given = {str(o.get("code", "")).lower(): o for o in node.options}
            for code in OPTION_CODES[node.answer_type]:
                option = given.get(code, {})
                own = str(option.get("value", "") or "")
                value, value_full = _value_display(own or defaults.get(code, ""))
                options.append(
                    {
                        "code": code,
                        "letter": code.upper() if len(code) == 1 else code.capitalize(),
                        "label": option.get("label", ""),
                        "value": value,
                        "value_full": value_full,
                        "own": bool(own),
                    }
                )
        rows.append(
            {
                "node": node,
                "weight": Decimal(short) if short else None,
                "weight_full": full,
                "options": options,
                "inputs": node.count_inputs or [],
                "indent": min(node.depth, 6),
            }
        )
    return rows


@login_required
def framework_detail(request: HttpRequest, pk: int) -> HttpResponse:
    framework = _framework(request, pk)
    nodes = list(framework.nodes.select_related("change_area").order_by("sequence"))
    findings = editing.findings_of(framework)
    may_edit = _manages(request) and framework.state == Framework.State.DRAFT
    roots_weight = sum(
        (parse_weight(n.weight) for n in nodes if n.parent_id is None and n.weight), start=0
    )
    return render(
        request,
        "evaluation/framework_detail.html",
        {
            "framework": framework,
            "rows": _rows(framework, nodes),
            "item_count": sum(1 for n in nodes if n.is_item),
            "total_weight": Decimal(node_weight_display(str(roots_weight))[0] or "0"),
            "errors": [f for f in findings if f.is_error],
            "warnings": [f for f in findings if not f.is_error],
            "may_manage": _manages(request),
            "may_edit": may_edit,
            "next_year": framework.year + 1,
            "option_tables": _option_tables(framework),
        },
    )


def _option_tables(framework: Framework) -> list[dict]:
    table = framework.option_values or {}
    result = []
    for answer_type, codes in OPTION_CODES.items():
        values = {**DEFAULT_OPTION_VALUES[answer_type], **table.get(answer_type, {})}
        result.append(
            {
                "type": AnswerType(answer_type).label,
                "values": [
                    (
                        code.upper() if len(code) == 1 else code.capitalize(),
                        *_value_display(values[code]),
                    )
                    for code in codes
                ],
            }
        )
    return result


# -- the administrator's flow ---------------------------------------------------------------


@require_POST
@login_required
def framework_copy(request: HttpRequest, pk: int) -> HttpResponse:
    source = _framework(request, pk)
    _require_manager(request)
    try:
        year = int(request.POST.get("year", ""))
    except ValueError:
        year = None
    try:
        copy = editing.copy_framework(request.user, source, year=year)
    except ValidationError as exc:
        for message in exc.messages:
            messages.error(request, message)
        return redirect(_detail_url(source))
    messages.success(
        request,
        _("Draf %(code)s dibuat dari %(source)s. Ubah butirnya, lalu berlakukan.")
        % {"code": copy.code, "source": source.code},
    )
    return redirect(_detail_url(copy))


@require_POST
@login_required
def framework_publish(request: HttpRequest, pk: int) -> HttpResponse:
    framework = _framework(request, pk)
    _require_manager(request)
    try:
        editing.publish(request.user, framework)
    except FrameworkError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("Kerangka %(code)s berlaku.") % {"code": framework.code})
    return redirect(_detail_url(framework))


@require_POST
@login_required
def framework_retire(request: HttpRequest, pk: int) -> HttpResponse:
    framework = _framework(request, pk)
    _require_manager(request)
    try:
        editing.retire(request.user, framework)
    except FrameworkError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(
            request,
            _("Kerangka %(code)s tidak dipakai lagi untuk LKE baru.") % {"code": framework.code},
        )
    return redirect(_detail_url(framework))


class NodeForm(forms.Form):
    title = forms.CharField(label=gettext_lazy("Uraian"), widget=forms.Textarea(attrs={"rows": 3}))
    weight = forms.CharField(
        label=gettext_lazy("Bobot"),
        required=False,
        max_length=30,
        help_text=gettext_lazy("Pecahan tepat, mis. 0.40 atau 1/3; kosong bila tidak diketahui."),
    )
    incomplete = forms.BooleanField(label=gettext_lazy("Belum lengkap di sumber"), required=False)
    guidance = forms.CharField(
        label=gettext_lazy("Petunjuk / bukti yang diharapkan"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    note = forms.CharField(
        label=gettext_lazy("Catatan sumber"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )

    def __init__(self, *args, item: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        self.item = item
        if item:
            self.fields["answer_type"] = forms.ChoiceField(
                label=gettext_lazy("Jenis jawaban"),
                choices=[("", "—"), *AnswerType.choices],
                required=False,
            )
            self.fields["formula"] = forms.ChoiceField(
                label=gettext_lazy("Rumus persentase"),
                choices=[("", "—"), *Formula.choices],
                required=False,
            )
            for code in ALL_OPTION_CODES:
                self.fields[f"opt_label_{code}"] = forms.CharField(
                    label=_("Kriteria %(code)s") % {"code": code.upper()},
                    required=False,
                    max_length=2000,
                    widget=forms.Textarea(attrs={"rows": 2}),
                )
                self.fields[f"opt_value_{code}"] = forms.CharField(
                    label=_("Nilai %(code)s") % {"code": code.upper()},
                    required=False,
                    max_length=30,
                )
            for name in ALL_INPUTS:
                self.fields[f"input_{name}"] = forms.CharField(
                    label=INPUT_LABELS[name], required=False, max_length=300
                )

    @classmethod
    def initial_for(cls, node: Node) -> dict:
        initial = {
            "title": node.title,
            "weight": node.weight,
            "incomplete": node.incomplete,
            "guidance": node.guidance,
            "note": node.note,
            "answer_type": node.answer_type,
            "formula": node.formula,
        }
        for option in node.options or []:
            code = str(option.get("code", "")).lower()
            initial[f"opt_label_{code}"] = option.get("label", "")
            initial[f"opt_value_{code}"] = option.get("value", "")
        for entry in node.count_inputs or []:
            initial[f"input_{entry.get('name')}"] = entry.get("label", "")
        return initial

    def changes(self) -> dict:
        data = self.cleaned_data
        changes = {key: data[key] for key in ("title", "weight", "incomplete", "guidance", "note")}
        if self.item:
            changes["answer_type"] = data["answer_type"]
            changes["formula"] = data["formula"]
            changes["options"] = [
                {
                    "code": code,
                    "label": data[f"opt_label_{code}"],
                    "value": data[f"opt_value_{code}"],
                }
                for code in ALL_OPTION_CODES
            ]
            changes["count_inputs"] = [
                {"name": name, "label": data[f"input_{name}"]} for name in ALL_INPUTS
            ]
        return changes

    def add_service_errors(self, error: ValidationError) -> None:
        for key, messages_ in error.message_dict.items():
            if key.startswith("option_"):
                field = f"opt_value_{key.removeprefix('option_')}"
            elif key in self.fields:
                field = key
            else:
                field = None
            for message in messages_:
                self.add_error(field, message)

    def shown_type(self, node: Node) -> str:
        if self.is_bound:
            value = self.data.get("answer_type", "")
            return value if value in AnswerType.values else node.answer_type
        return node.answer_type

    def option_rows(self, answer_type: str) -> list[tuple]:
        return [
            (code, self[f"opt_label_{code}"], self[f"opt_value_{code}"])
            for code in OPTION_CODES.get(answer_type, ())
        ]

    def input_rows(self, formula: str) -> list:
        return [self[f"input_{name}"] for name in FORMULA_INPUTS.get(formula, ())]


@login_required
def node_edit(request: HttpRequest, pk: int, node: int) -> HttpResponse:
    framework = _framework(request, pk)
    _require_manager(request)
    target = _node(framework, node)
    if framework.state != Framework.State.DRAFT:
        messages.error(request, _("Hanya draf yang dapat diubah. Salin ke versi baru dulu."))
        return redirect(_detail_url(framework, target))
    form = NodeForm(request.POST or None, item=target.is_item, initial=NodeForm.initial_for(target))
    if request.method == "POST" and form.is_valid():
        try:
            editing.change_node(request.user, target, **form.changes())
        except ValidationError as exc:
            form.add_service_errors(exc)
        except FrameworkError as exc:
            messages.error(request, exc.message)
            return redirect(_detail_url(framework, target))
        else:
            messages.success(request, _("%(code)s disimpan.") % {"code": target.code})
            return redirect(_detail_url(framework, target))
    shown = form.shown_type(target) if target.is_item else ""
    formula = (form.data.get("formula") if form.is_bound else target.formula) or ""
    if shown == AnswerType.PERCENT and formula not in FORMULA_INPUTS:
        formula = Formula.RATIO
    return render(
        request,
        "evaluation/framework_node_form.html",
        {
            "framework": framework,
            "node": target,
            "form": form,
            "option_rows": form.option_rows(shown) if target.is_item else [],
            "input_rows": form.input_rows(formula) if shown == AnswerType.PERCENT else [],
            "shown_type": shown,
        },
        status=400 if form.is_bound and form.errors else 200,
    )


class ItemForm(forms.Form):
    label = forms.CharField(
        label=gettext_lazy("Nomor"),
        max_length=20,
        help_text=gettext_lazy(
            "Huruf atau angka butir, mis. “f”; kodenya menjadi kode induk + nomor."
        ),
    )
    title = forms.CharField(label=gettext_lazy("Uraian"), widget=forms.Textarea(attrs={"rows": 3}))
    answer_type = forms.ChoiceField(label=gettext_lazy("Jenis jawaban"), choices=AnswerType.choices)
    weight = forms.CharField(
        label=gettext_lazy("Bobot butir (bila butir berbobot sendiri)"),
        required=False,
        max_length=30,
    )
    guidance = forms.CharField(
        label=gettext_lazy("Petunjuk / bukti yang diharapkan"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )


@login_required
def item_add(request: HttpRequest, pk: int, node: int) -> HttpResponse:
    framework = _framework(request, pk)
    _require_manager(request)
    parent = _node(framework, node)
    if framework.state != Framework.State.DRAFT:
        messages.error(request, _("Hanya draf yang dapat diubah. Salin ke versi baru dulu."))
        return redirect(_detail_url(framework, parent))
    form = ItemForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            item = editing.add_item(
                request.user,
                parent,
                label=data["label"],
                title=data["title"],
                answer_type=data["answer_type"],
                weight=data["weight"],
                guidance=data["guidance"],
                formula=Formula.RATIO if data["answer_type"] == AnswerType.PERCENT else "",
                count_inputs=[
                    {"name": "numerator", "label": str(INPUT_LABELS["numerator"])},
                    {"name": "denominator", "label": str(INPUT_LABELS["denominator"])},
                ],
            )
        except ValidationError as exc:
            for key, messages_ in exc.message_dict.items():
                for message in messages_:
                    form.add_error(key if key in form.fields else None, message)
        except FrameworkError as exc:
            messages.error(request, exc.message)
            return redirect(_detail_url(framework, parent))
        else:
            messages.success(
                request,
                _("Butir %(code)s ditambahkan; lengkapi pilihan jawabannya.") % {"code": item.code},
            )
            return redirect("evaluation:framework_node_edit", framework.pk, item.pk)
    return render(
        request,
        "evaluation/framework_item_form.html",
        {"framework": framework, "parent": parent, "form": form},
        status=400 if form.is_bound and form.errors else 200,
    )


@require_POST
@login_required
def node_delete(request: HttpRequest, pk: int, node: int) -> HttpResponse:
    framework = _framework(request, pk)
    _require_manager(request)
    target = _node(framework, node)
    try:
        editing.delete_node(request.user, target)
    except FrameworkError as exc:
        messages.error(request, exc.message)
        return redirect(_detail_url(framework, target))
    messages.success(request, _("Butir %(code)s dihapus.") % {"code": target.code})
    return redirect(_detail_url(framework))
