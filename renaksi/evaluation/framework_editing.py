"""A national administrator prepares a framework for a new year (docs/frameworks.md).

The flow: copy a framework into a new version (a *draft*: a new code, the same node codes),
edit its nodes (title, weight, answer type, options and their values, guidance), add and
delete items, look at the validator's findings, and publish it: publishing is refused while
the validator finds an error (the same rules as the data files, plus the stability of codes
against the version it was copied from). Only drafts change; a published framework, which
units may be answering, never does (retiring it only stops new LKE from starting on it).

Every function checks the actor's permission (``MANAGE_FRAMEWORK``) itself and writes one
audit entry in the same transaction. Bad input raises ``ValidationError`` with Indonesian
messages per field; a state that does not allow the change raises ``FrameworkError``.
"""

from __future__ import annotations

from fractions import Fraction
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import F, Max
from django.utils.translation import gettext as _

from renaksi.access.policy import MANAGE_FRAMEWORK
from renaksi.audit.services import record

from .frameworks import (
    Finding,
    FrameworkError,
    parse_weight,
    previous_version,
    spec_from_db,
    validate,
)
from .models import (
    FORMULA_INPUTS,
    NUMBER_SCALE,
    OPTION_CODES,
    AnswerType,
    Formula,
    Framework,
    Node,
)

LABEL_MAX = 20


def _check(actor) -> None:
    if actor is None or not actor.has_perm(MANAGE_FRAMEWORK):
        raise PermissionDenied


def _check_draft(framework: Framework) -> None:
    if framework.state != Framework.State.DRAFT:
        raise FrameworkError(
            _(
                "Kerangka “%(code)s” sudah %(state)s; hanya draf yang dapat diubah. Salin ke "
                "versi baru untuk mengubahnya."
            )
            % {"code": framework.code, "state": framework.get_state_display()}
        )


def findings_of(framework: Framework) -> list[Finding]:
    """The validator's findings for a framework as it is in the database (a few queries)."""
    spec = spec_from_db(framework)
    based_on = None
    if framework.based_on_id:
        based_on = spec_from_db(Framework.objects.get(pk=framework.based_on_id))
    return validate(spec, based_on or previous_version(spec))


# -- copy ----------------------------------------------------------------------------------


def copy_framework(actor, source: Framework, *, year: int) -> Framework:
    """A draft copy of ``source`` for ``year``: code "<family>-<year>" (with "-v2"… when
    taken), the next version number of that family and year, every node with the same code."""
    _check(actor)
    if not isinstance(year, int) or not 1990 <= year <= 2100:
        raise ValidationError({"year": _("Tahun harus antara 1990 dan 2100.")})
    with transaction.atomic():
        version = (
            Framework.objects.filter(family=source.family, year=year).aggregate(v=Max("version"))[
                "v"
            ]
            or 0
        ) + 1
        code = f"{source.family}-{year}" if version == 1 else f"{source.family}-{year}-v{version}"
        while Framework.objects.filter(code=code).exists():
            version += 1
            code = f"{source.family}-{year}-v{version}"
        copy = Framework.objects.create(
            code=code,
            family=source.family,
            year=year,
            version=version,
            title=source.title,
            legal_basis=source.legal_basis,
            source_note=source.source_note,
            complete=source.complete,
            incomplete_note=source.incomplete_note,
            state=Framework.State.DRAFT,
            option_values=source.option_values,
            value_decimals=source.value_decimals,
            zero_denominator=source.zero_denominator,
            categories=source.categories,
            based_on=source,
        )
        rows = list(source.nodes.order_by("sequence"))
        new_by_old: dict[int, Node] = {}
        for depth in sorted({row.depth for row in rows}):
            level = []
            for row in rows:
                if row.depth != depth:
                    continue
                old_pk = row.pk
                row.pk = None
                row.framework = copy
                row.parent = new_by_old[row.parent_id] if row.parent_id else None
                level.append((old_pk, row))
            Node.objects.bulk_create([row for _old, row in level])
            new_by_old.update(level)
        record(actor, "evaluation.framework_copied", obj=copy, source=source.code, year=year)
    return copy


# -- nodes ---------------------------------------------------------------------------------


def _clean_weight(text: str, errors: dict[str, list[str]]) -> str:
    text = (text or "").strip().replace(",", ".")
    if not text:
        return ""
    try:
        value = parse_weight(text)
    except (ValueError, ZeroDivisionError):
        errors.setdefault("weight", []).append(
            _("Bobot “%(text)s” bukan angka atau pecahan (mis. 0.40 atau 1/3).") % {"text": text}
        )
        return ""
    if value <= 0:
        errors.setdefault("weight", []).append(_("Bobot harus lebih besar dari 0."))
    return text


def _clean_options(
    answer_type: str, options: list[dict[str, str]], errors: dict[str, list[str]]
) -> list[dict[str, str]]:
    codes = OPTION_CODES.get(answer_type)
    if codes is None:
        return []
    by_code = {str(o.get("code", "")).lower(): o for o in options}
    cleaned = []
    for code in codes:
        option = by_code.get(code, {})
        label = str(option.get("label", "") or "").strip()
        value = str(option.get("value", "") or "").strip().replace(",", ".")
        entry = {"code": code, "label": label}
        if value:
            try:
                number = Fraction(value)
            except (ValueError, ZeroDivisionError):
                number = None
            if number is None or not 0 <= number <= 1:
                errors.setdefault(f"option_{code}", []).append(
                    _("Nilai pilihan %(code)s harus angka antara 0 dan 1, bukan “%(value)s”.")
                    % {"code": code.upper(), "value": value}
                )
            entry["value"] = value
        cleaned.append(entry)
    return cleaned


def change_node(actor, node: Node, **changes: Any) -> Node:
    """Change a node of a draft. ``changes``: title, weight, incomplete, guidance, note and,
    for an item, answer_type, options ([{code, label, value}]), formula and count_inputs
    ([{name, label}]). The whole tree is checked when publishing."""
    _check(actor)
    errors: dict[str, list[str]] = {}
    with transaction.atomic():
        node = Node.objects.select_for_update().select_related("framework").get(pk=node.pk)
        _check_draft(node.framework)
        before = _snapshot(node)
        if "title" in changes:
            title = (changes["title"] or "").strip()
            if not title:
                errors.setdefault("title", []).append(_("Uraian wajib diisi."))
            node.title = title
        if "weight" in changes:
            node.weight = _clean_weight(changes["weight"], errors)
        for name in ("guidance", "note"):
            if name in changes:
                setattr(node, name, (changes[name] or "").strip())
        if "incomplete" in changes:
            node.incomplete = bool(changes["incomplete"])
        if node.is_item:
            _change_item(node, changes, errors)
        if errors:
            raise ValidationError(errors)
        node.save()
        after = _snapshot(node)
        changed = {key: [before[key], after[key]] for key in after if before[key] != after[key]}
        if changed:
            record(
                actor,
                "evaluation.framework_node_changed",
                obj=node.framework,
                node=node.code,
                changes=changed,
            )
    return node


def _change_item(node: Node, changes: dict[str, Any], errors: dict[str, list[str]]) -> None:
    if "answer_type" in changes:
        answer_type = changes["answer_type"] or ""
        if answer_type and answer_type not in AnswerType.values:
            errors.setdefault("answer_type", []).append(_("Jenis jawaban tidak dikenal."))
            return
        node.answer_type = answer_type
    kind = node.answer_type
    if kind in OPTION_CODES:
        node.options = _clean_options(kind, changes.get("options", node.options), errors)
    else:
        node.options = []
    if kind == AnswerType.PERCENT:
        formula = changes.get("formula", node.formula) or ""
        if formula not in FORMULA_INPUTS:
            errors.setdefault("formula", []).append(
                _("Butir persentase perlu rumus: %(allowed)s.")
                % {"allowed": ", ".join(str(label) for label in Formula.labels)}
            )
            return
        node.formula = formula
        given = {
            entry.get("name"): str(entry.get("label", "") or "").strip()
            for entry in changes.get("count_inputs", node.count_inputs)
        }
        inputs = []
        for name in FORMULA_INPUTS[formula]:
            label = given.get(name, "")
            if not label:
                errors.setdefault(f"input_{name}", []).append(
                    _("Label masukan “%(name)s” wajib diisi.") % {"name": name}
                )
            inputs.append({"name": name, "label": label})
        node.count_inputs = inputs
    else:
        node.formula = ""
        node.count_inputs = []
    if kind in NUMBER_SCALE and not node.weight and not (node.parent and node.parent.weight):
        errors.setdefault("weight", []).append(
            _("Butir bernilai angka perlu bobot sendiri atau bobot induk.")
        )


def _snapshot(node: Node) -> dict[str, Any]:
    return {
        "title": node.title,
        "weight": node.weight,
        "incomplete": node.incomplete,
        "guidance": node.guidance,
        "note": node.note,
        "answer_type": node.answer_type,
        "options": node.options,
        "formula": node.formula,
        "count_inputs": node.count_inputs,
    }


def add_item(actor, parent: Node, *, label: str, title: str, answer_type: str, **changes) -> Node:
    """A new item as the last child of ``parent`` (not an item) in a draft. Its code is the
    parent's code + "." + label and must be new in the framework."""
    _check(actor)
    errors: dict[str, list[str]] = {}
    label = (label or "").strip()
    with transaction.atomic():
        parent = Node.objects.select_for_update().select_related("framework").get(pk=parent.pk)
        framework = parent.framework
        _check_draft(framework)
        if parent.is_item:
            raise FrameworkError(_("Butir tidak dapat punya anak; pilih simpul di atasnya."))
        if not label:
            errors.setdefault("label", []).append(_("Nomor wajib diisi (mis. “f”)."))
        elif len(label) > LABEL_MAX or not all(ch.isalnum() or ch in "-_" for ch in label):
            errors.setdefault("label", []).append(
                _("Nomor hanya huruf, angka, “-” atau “_”, paling panjang %(max)s.")
                % {"max": LABEL_MAX}
            )
        code = f"{parent.code}.{label}"
        if label and framework.nodes.filter(code=code).exists():
            errors.setdefault("label", []).append(
                _("Kode “%(code)s” sudah ada di kerangka ini.") % {"code": code}
            )
        if not (title or "").strip():
            errors.setdefault("title", []).append(_("Uraian wajib diisi."))
        if answer_type not in AnswerType.values:
            errors.setdefault("answer_type", []).append(_("Pilih jenis jawaban."))
        if errors:
            raise ValidationError(errors)
        last = framework.nodes.aggregate(m=Max("sequence"))["m"] or 0
        item = Node(
            framework=framework,
            parent=parent,
            kind=Node.Kind.ITEM,
            code=code,
            label=label,
            title=title.strip(),
            sequence=last + 1,
            depth=parent.depth + 1,
            answer_type=answer_type,
            change_area_id=parent.change_area_id,
        )
        item.parent = parent
        _change_item(item, {"answer_type": answer_type, **changes}, errors)
        if "weight" in changes:
            item.weight = _clean_weight(changes["weight"], errors)
        item.guidance = (changes.get("guidance") or "").strip()
        if errors:
            raise ValidationError(errors)
        item.save()
        _resequence(framework)
        record(
            actor,
            "evaluation.framework_item_added",
            obj=framework,
            node=code,
            title=item.title,
            answer_type=answer_type,
        )
    return item


def delete_node(actor, node: Node) -> None:
    """Delete an item of a draft (nobody can have answered it: drafts are not assessed)."""
    _check(actor)
    with transaction.atomic():
        node = Node.objects.select_for_update().select_related("framework").get(pk=node.pk)
        framework = node.framework
        _check_draft(framework)
        if not node.is_item:
            raise FrameworkError(
                _("Hanya butir yang dapat dihapus; “%(code)s” adalah %(kind)s.")
                % {"code": node.code, "kind": node.get_kind_display()}
            )
        if node.answers.exists():
            raise FrameworkError(
                _("Butir %(code)s sudah dijawab; tidak dapat dihapus.") % {"code": node.code}
            )
        code, title = node.code, node.title
        node.delete()
        _resequence(framework)
        record(actor, "evaluation.framework_node_deleted", obj=framework, node=code, title=title)


def _resequence(framework: Framework) -> None:
    """Number the nodes 1…n in pre-order again (siblings keep their order)."""
    rows = list(framework.nodes.order_by("sequence").values_list("pk", "parent_id", "sequence"))
    children: dict[int | None, list[int]] = {}
    for pk, parent_id, _sequence in rows:
        children.setdefault(parent_id, []).append(pk)
    order: list[int] = []
    stack = list(reversed(children.get(None, [])))
    while stack:
        pk = stack.pop()
        order.append(pk)
        stack.extend(reversed(children.get(pk, [])))
    current = {pk: sequence for pk, _parent, sequence in rows}
    wanted = {pk: index for index, pk in enumerate(order, 1)}
    if all(current[pk] == wanted[pk] for pk in order):
        return
    framework.nodes.update(sequence=F("sequence") + 1_000_000)
    Node.objects.bulk_update(
        [Node(pk=pk, sequence=sequence) for pk, sequence in wanted.items()],
        ["sequence"],
        batch_size=500,
    )


# -- publishing ----------------------------------------------------------------------------


def publish(actor, framework: Framework) -> Framework:
    """Put a draft into force; refused while the validator finds an error."""
    _check(actor)
    with transaction.atomic():
        framework = Framework.objects.select_for_update().get(pk=framework.pk)
        _check_draft(framework)
        findings = findings_of(framework)
        errors = [f for f in findings if f.is_error]
        if errors:
            raise FrameworkError(
                _(
                    "Kerangka “%(code)s” belum dapat diberlakukan: %(count)s kesalahan; yang "
                    "pertama: %(first)s"
                )
                % {"code": framework.code, "count": len(errors), "first": errors[0]},
                findings,
            )
        framework.state = Framework.State.PUBLISHED
        framework.save(update_fields=["state", "updated_at"])
        record(
            actor,
            "evaluation.framework_published",
            obj=framework,
            warnings=len(findings),
        )
    return framework


def retire(actor, framework: Framework) -> Framework:
    """A published framework is no longer used for new LKE (existing ones stay)."""
    _check(actor)
    with transaction.atomic():
        framework = Framework.objects.select_for_update().get(pk=framework.pk)
        if framework.state != Framework.State.PUBLISHED:
            raise FrameworkError(
                _("Hanya kerangka yang berlaku yang dapat dihentikan pemakaiannya.")
            )
        framework.state = Framework.State.RETIRED
        framework.save(update_fields=["state", "updated_at"])
        record(actor, "evaluation.framework_retired", obj=framework)
    return framework
