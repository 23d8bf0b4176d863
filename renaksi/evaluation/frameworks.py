"""Evaluation frameworks as data files: parse, validate, load (docs/frameworks.md).

A framework's data file (``renaksi/evaluation/data/frameworks/*.yaml``) is read in three
steps, as the STYLE guide's importer habit says:

1. ``parse_file`` / ``parse_text``: YAML → ``FrameworkSpec`` (plain dataclasses keeping the YAML
   line of every node), with the structural problems (unknown keys, wrong types, duplicate
   keys) collected as ``Finding`` rows, not raised one at a time;
2. ``validate``: the rules (weights of weighted children add up to their parent's weight as
   exact fractions, every item has an answer type that fits its options/formula/inputs, codes
   unique, categories contiguous and ordered, codes stable across the versions of a family);
   an ``error`` blocks loading and publishing, a ``warning`` is reported (a gap the sources
   leave, marked ``incomplete``);
3. ``load``: one transaction writes the ``Framework`` and its ``Node`` rows (pre-order
   ``sequence``, ``depth``). Loading is idempotent: the same file (SHA-256) changes nothing. A
   changed file updates the framework in place while no unit has an assessment on it; once one
   has, only texts may change (titles, notes, guidance, option labels): a change to anything
   that scores (weights, answer types, options and their values, formulas, the tree, the
   rules) is refused with a message telling to ship it as a new version (a new ``code`` and
   ``version``) or to copy the framework into a new version on the framework pages.

The same ``validate`` checks a framework edited on the pages (``spec_from_db``).
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from fractions import Fraction
from pathlib import Path
from typing import Any

import yaml
from django.db import transaction
from django.db.models import F
from django.utils.translation import gettext as _

from .models import (
    FORMULA_INPUTS,
    NUMBER_SCALE,
    OPTION_CODES,
    AnswerType,
    AssessorKind,
    Formula,
    Framework,
    Node,
    ZeroDenominator,
)

DATA_DIR = Path(__file__).resolve().parent / "data" / "frameworks"

ERROR = "error"
WARNING = "warning"

KIND_RANK = {
    Node.Kind.COMPONENT: 0,
    Node.Kind.ASPECT: 1,
    Node.Kind.AREA: 2,
    Node.Kind.SUB_COMPONENT: 3,
    Node.Kind.ITEM: 4,
}
FRAMEWORK_KEYS = {
    "code",
    "family",
    "year",
    "version",
    "title",
    "legal_basis",
    "source_note",
    "complete",
    "incomplete_note",
    "state",
    "option_values",
    "value_decimals",
    "zero_denominator",
    "categories",
    "reference_tables",
    "nodes",
}
REQUIRED_FRAMEWORK_KEYS = ("code", "family", "year", "title", "nodes")
NODE_KEYS = {
    "code",
    "label",
    "kind",
    "title",
    "weight",
    "incomplete",
    "change_area",
    "note",
    "answer_type",
    "options",
    "formula",
    "count_inputs",
    "assessor_kind",
    "guidance",
    "children",
}
CATEGORY_KEYS = {"code", "label", "above", "up_to"}
SLUG = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
NODE_CODE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]*$")


# -- findings -----------------------------------------------------------------------------


@dataclass(frozen=True)
class Finding:
    """One problem: ``level`` error (blocks loading/publishing) or warning (reported)."""

    level: str
    message: str
    code: str = ""
    line: int | None = None
    file: str = ""

    @property
    def is_error(self) -> bool:
        return self.level == ERROR

    @property
    def where(self) -> str:
        parts = []
        if self.file:
            parts.append(self.file)
        if self.line:
            parts.append(_("baris %(line)s") % {"line": self.line})
        if self.code:
            parts.append(_("kode %(code)s") % {"code": self.code})
        return ", ".join(parts)

    def __str__(self) -> str:
        return f"{self.where}: {self.message}" if self.where else self.message


class FrameworkError(Exception):
    """A data file (or an edited framework) that may not be loaded or published."""

    def __init__(self, message: str, findings: Sequence[Finding] = ()):
        self.message = message
        self.findings = list(findings)
        super().__init__(message)

    def __str__(self) -> str:
        return self.message


# -- the intermediate structure -----------------------------------------------------------


@dataclass
class NodeSpec:
    code: str
    kind: str
    title: str
    label: str = ""
    weight: str = ""
    incomplete: bool = False
    change_area: int | None = None
    note: str = ""
    answer_type: str = ""
    options: list[dict[str, str]] = field(default_factory=list)
    formula: str = ""
    count_inputs: list[dict[str, str]] = field(default_factory=list)
    assessor_kind: str = AssessorKind.SELF
    guidance: str = ""
    children: list[NodeSpec] = field(default_factory=list)
    line: int | None = None
    parent: NodeSpec | None = field(default=None, repr=False)

    @property
    def is_item(self) -> bool:
        return self.kind == Node.Kind.ITEM

    @property
    def weight_fraction(self) -> Fraction | None:
        return parse_weight(self.weight) if self.weight else None

    def walk(self) -> Iterable[NodeSpec]:
        yield self
        for child in self.children:
            yield from child.walk()


@dataclass
class FrameworkSpec:
    code: str = ""
    family: str = ""
    year: int = 0
    version: int = 1
    title: str = ""
    legal_basis: str = ""
    source_note: str = ""
    complete: bool = True
    incomplete_note: str = ""
    state: str = Framework.State.PUBLISHED
    option_values: dict[str, dict[str, str]] = field(default_factory=dict)
    value_decimals: int | None = None
    zero_denominator: str = ZeroDenominator.FULL
    categories: list[dict[str, str]] = field(default_factory=list)
    nodes: list[NodeSpec] = field(default_factory=list)
    file: str = ""
    sha256: str = ""
    lines: dict[str, int] = field(default_factory=dict)  # framework key → YAML line

    def walk(self) -> Iterable[NodeSpec]:
        for root in self.nodes:
            yield from root.walk()

    @property
    def key(self) -> tuple[int, int]:
        return (self.year, self.version)


def parse_weight(text: Any) -> Fraction:
    """A weight as written ("0.40", "1/3", 2) → Fraction; ValueError when it is none."""
    if isinstance(text, bool):
        raise ValueError(text)
    return Fraction(str(text).strip())


def weight_text(value: Any) -> str:
    """A weight from YAML as the text stored on the node (strings stay as written)."""
    if value is None or value == "":
        return ""
    if isinstance(value, float):
        return repr(value)
    return str(value).strip()


def fraction_text(value: Fraction) -> str:
    return (
        str(value.numerator) if value.denominator == 1 else f"{value.numerator}/{value.denominator}"
    )


def decimal_text(value: Fraction, decimals: int = 2) -> str:
    from .scoring import display

    return str(display(value, decimals))


# -- parsing ------------------------------------------------------------------------------


class _Map(dict):
    """A YAML mapping that remembers its line, its keys' lines and duplicate keys."""

    line: int = 0
    key_lines: dict[str, int]
    duplicates: list[tuple[str, int]]


class _Loader(getattr(yaml, "CSafeLoader", yaml.SafeLoader)):  # the C parser when built
    pass


def _construct_mapping(loader: _Loader, node: yaml.MappingNode) -> _Map:
    loader.flatten_mapping(node)
    result = _Map()
    result.line = node.start_mark.line + 1
    result.key_lines = {}
    result.duplicates = []
    for key_node, value_node in node.value:
        key = loader.construct_object(key_node, deep=True)
        line = key_node.start_mark.line + 1
        if key in result:
            result.duplicates.append((key, line))
        result[key] = loader.construct_object(value_node, deep=True)
        result.key_lines[key] = line
    return result


_Loader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _construct_mapping)


class _Parser:
    def __init__(self, file: str):
        self.file = file
        self.findings: list[Finding] = []

    def error(self, message: str, *, line: int | None = None, code: str = "") -> None:
        self.findings.append(Finding(ERROR, message, code=code, line=line, file=self.file))

    def text(self, data: _Map, key: str, *, code: str = "", required: bool = False) -> str:
        value = data.get(key)
        if value is None or value == "":
            if required:
                self.error(
                    _("“%(key)s” wajib diisi.") % {"key": key},
                    line=data.key_lines.get(key, data.line),
                    code=code,
                )
            return ""
        if isinstance(value, bool) or not isinstance(value, str | int | float):
            self.error(
                _("“%(key)s” harus teks, bukan %(value)r.") % {"key": key, "value": value},
                line=data.key_lines.get(key, data.line),
                code=code,
            )
            return ""
        return str(value).strip()

    def integer(self, data: _Map, key: str, *, code: str = "", default=None):
        value = data.get(key, default)
        if value is None:
            return None
        if isinstance(value, bool) or not isinstance(value, int):
            self.error(
                _("“%(key)s” harus bilangan bulat, bukan %(value)r.")
                % {"key": key, "value": value},
                line=data.key_lines.get(key, data.line),
                code=code,
            )
            return None
        return value

    def boolean(self, data: _Map, key: str, *, code: str = "", default: bool = False) -> bool:
        value = data.get(key, default)
        if not isinstance(value, bool):
            self.error(
                _("“%(key)s” harus true atau false, bukan %(value)r.")
                % {"key": key, "value": value},
                line=data.key_lines.get(key, data.line),
                code=code,
            )
            return default
        return value

    def check_keys(self, data: _Map, allowed: set[str], *, code: str = "") -> None:
        for key, line in data.duplicates:
            self.error(_("kunci “%(key)s” ditulis dua kali.") % {"key": key}, line=line, code=code)
        for key in data:
            if key not in allowed:
                self.error(
                    _("kunci “%(key)s” tidak dikenal (yang boleh: %(allowed)s).")
                    % {"key": key, "allowed": ", ".join(sorted(allowed))},
                    line=data.key_lines.get(key, data.line),
                    code=code,
                )

    def mapping_list(self, data: _Map, key: str, *, code: str = "") -> list[_Map]:
        value = data.get(key)
        if value is None:
            return []
        line = data.key_lines.get(key, data.line)
        if not isinstance(value, list) or not all(isinstance(v, _Map) for v in value):
            self.error(
                _("“%(key)s” harus daftar berisi pasangan kunci–nilai.") % {"key": key},
                line=line,
                code=code,
            )
            return []
        return value

    # -- the framework and its nodes --------------------------------------------------

    def framework(self, data: Any) -> FrameworkSpec:
        spec = FrameworkSpec(file=self.file)
        if not isinstance(data, _Map):
            self.error(_("berkas harus berisi pasangan kunci–nilai (code, title, nodes, …)."))
            return spec
        self.check_keys(data, FRAMEWORK_KEYS)
        spec.lines = dict(data.key_lines)
        for key in REQUIRED_FRAMEWORK_KEYS:
            if key not in data:
                self.error(_("kunci “%(key)s” wajib ada.") % {"key": key}, line=1)
        spec.code = self.text(data, "code")
        spec.family = self.text(data, "family")
        spec.year = self.integer(data, "year") or 0
        spec.version = self.integer(data, "version", default=1) or 1
        spec.title = self.text(data, "title", required=True)
        spec.legal_basis = self.text(data, "legal_basis")
        spec.source_note = self.text(data, "source_note")
        spec.complete = self.boolean(data, "complete", default=True)
        spec.incomplete_note = self.text(data, "incomplete_note")
        spec.state = self.text(data, "state") or Framework.State.PUBLISHED
        spec.value_decimals = self.integer(data, "value_decimals")
        spec.zero_denominator = self.text(data, "zero_denominator") or ZeroDenominator.FULL
        spec.option_values = self.option_values(data)
        spec.categories = self.categories(data)
        if "reference_tables" in data and not isinstance(data["reference_tables"], dict):
            self.error(
                _("“reference_tables” harus pasangan kunci–nilai (hanya dokumentasi)."),
                line=data.key_lines.get("reference_tables"),
            )
        seen: set[int] = set()
        for raw in self.mapping_list(data, "nodes"):
            node = self.node(raw, None, seen)
            if node is not None:
                spec.nodes.append(node)
        return spec

    def option_values(self, data: _Map) -> dict[str, dict[str, str]]:
        raw = data.get("option_values")
        if raw is None:
            return {}
        line = data.key_lines.get("option_values", data.line)
        if not isinstance(raw, _Map):
            self.error(_("“option_values” harus pasangan jenis jawaban → nilai."), line=line)
            return {}
        result = {}
        for answer_type, values in raw.items():
            at_line = raw.key_lines.get(answer_type, line)
            if not isinstance(values, _Map):
                self.error(
                    _("option_values “%(type)s” harus pasangan pilihan → nilai.")
                    % {"type": answer_type},
                    line=at_line,
                )
                continue
            result[str(answer_type)] = {
                str(code): weight_text(value) for code, value in values.items()
            }
        return result

    def categories(self, data: _Map) -> list[dict[str, str]]:
        rows = []
        for raw in self.mapping_list(data, "categories"):
            self.check_keys(raw, CATEGORY_KEYS)
            row = {key: weight_text(raw.get(key)) for key in ("code", "label", "above", "up_to")}
            row["_line"] = raw.line
            rows.append(row)
        return rows

    def node(self, data: _Map, parent: NodeSpec | None, seen: set[int]) -> NodeSpec | None:
        label = self.text(data, "label")
        explicit = self.text(data, "code")
        code = explicit or (f"{parent.code}.{label}" if parent and label else label)
        if not code:
            self.error(_("simpul tanpa “label” dan tanpa “code”."), line=data.line)
            return None
        self.check_keys(data, NODE_KEYS, code=code)
        kind = self.text(data, "kind", code=code)
        if not kind and data.get("answer_type"):
            kind = Node.Kind.ITEM
        node = NodeSpec(
            code=code,
            kind=kind,
            label=label,
            title=self.text(data, "title", code=code, required=True),
            weight=weight_text(data.get("weight")),
            incomplete=self.boolean(data, "incomplete", code=code),
            change_area=self.integer(data, "change_area", code=code),
            note=self.text(data, "note", code=code),
            answer_type=self.text(data, "answer_type", code=code),
            formula=self.text(data, "formula", code=code),
            assessor_kind=self.text(data, "assessor_kind", code=code) or AssessorKind.SELF,
            guidance=self.text(data, "guidance", code=code),
            line=data.line,
            parent=parent,
        )
        for raw in self.mapping_list(data, "options", code=code):
            self.check_keys(raw, {"code", "label", "value"}, code=code)
            node.options.append(
                {
                    "code": str(raw.get("code", "")).strip().lower(),
                    "label": str(raw.get("label", "") or "").strip(),
                    "value": weight_text(raw.get("value")),
                }
            )
        for raw in self.mapping_list(data, "count_inputs", code=code):
            self.check_keys(raw, {"name", "label"}, code=code)
            node.count_inputs.append(
                {
                    "name": str(raw.get("name", "")).strip(),
                    "label": str(raw.get("label", "") or "").strip(),
                }
            )
        if "children" in data and not isinstance(data["children"], list):
            self.error(_("“children” harus daftar simpul."), line=data.line, code=code)
        for raw in self.mapping_list(data, "children", code=code):
            child = self.node(raw, node, seen)
            if child is not None:
                node.children.append(child)
        return node


def parse_text(text: str, file: str = "") -> tuple[FrameworkSpec | None, list[Finding]]:
    """YAML text → (spec or None when the YAML itself is broken, structural findings)."""
    try:
        data = yaml.load(text, Loader=_Loader)  # noqa: S506 (a SafeLoader subclass)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        problem = getattr(exc, "problem", None) or str(exc)
        return None, [
            Finding(
                ERROR,
                _("YAML tidak dapat dibaca: %(problem)s") % {"problem": problem},
                line=mark.line + 1 if mark else None,
                file=file,
            )
        ]
    parser = _Parser(file)
    spec = parser.framework(data)
    spec.sha256 = hashlib.sha256(text.encode()).hexdigest()
    return spec, parser.findings


def parse_file(path: Path | str) -> tuple[FrameworkSpec | None, list[Finding]]:
    path = Path(path)
    try:
        raw = path.read_bytes()
    except OSError as exc:
        return None, [
            Finding(ERROR, _("berkas tidak dapat dibaca: %(error)s") % {"error": exc.strerror})
        ]
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError:
        return None, [Finding(ERROR, _("berkas bukan teks UTF-8."), file=path.name)]
    spec, findings = parse_text(text, file=path.name)
    if spec is not None:
        spec.sha256 = hashlib.sha256(raw).hexdigest()
    return spec, findings


# -- validation ---------------------------------------------------------------------------


class _Checker:
    def __init__(self, spec: FrameworkSpec):
        self.spec = spec
        self.findings: list[Finding] = []

    def add(self, level: str, message: str, node: NodeSpec | None = None, *, line=None) -> None:
        self.findings.append(
            Finding(
                level,
                message,
                code=node.code if node else "",
                line=node.line if node else line,
                file=self.spec.file,
            )
        )

    def error(self, message: str, node: NodeSpec | None = None, *, line=None) -> None:
        self.add(ERROR, message, node, line=line)

    def warning(self, message: str, node: NodeSpec | None = None, *, line=None) -> None:
        self.add(WARNING, message, node, line=line)

    def fraction(self, text: str, what: str, node=None, *, line=None) -> Fraction | None:
        try:
            return parse_weight(text)
        except (ValueError, ZeroDivisionError):
            self.error(
                _("%(what)s “%(text)s” bukan angka atau pecahan (mis. 0.40 atau 1/3).")
                % {"what": what, "text": text},
                node,
                line=line,
            )
            return None

    # -- the framework ---------------------------------------------------------------

    def framework(self) -> None:
        spec, line = self.spec, self.spec.lines.get
        if spec.code and (not SLUG.match(spec.code) or len(spec.code) > 60):
            self.error(
                _("kode kerangka “%(code)s” hanya boleh huruf kecil, angka dan tanda hubung.")
                % {"code": spec.code},
                line=line("code"),
            )
        if spec.family and (not SLUG.match(spec.family) or len(spec.family) > 40):
            self.error(
                _("keluarga “%(family)s” hanya boleh huruf kecil, angka dan tanda hubung.")
                % {"family": spec.family},
                line=line("family"),
            )
        if spec.year and not 1990 <= spec.year <= 2100:
            self.error(_("tahun %(year)s di luar akal.") % {"year": spec.year}, line=line("year"))
        if spec.version < 1:
            self.error(_("versi harus 1 atau lebih."), line=line("version"))
        if spec.state not in Framework.State.values:
            self.error(
                _("status “%(state)s” tidak dikenal (%(allowed)s).")
                % {"state": spec.state, "allowed": ", ".join(Framework.State.values)},
                line=line("state"),
            )
        if spec.value_decimals is not None and not 0 <= spec.value_decimals <= 6:
            self.error(_("value_decimals harus 0 sampai 6."), line=line("value_decimals"))
        if spec.zero_denominator not in ZeroDenominator.values:
            self.error(
                _("zero_denominator “%(value)s” tidak dikenal (%(allowed)s).")
                % {"value": spec.zero_denominator, "allowed": ", ".join(ZeroDenominator.values)},
                line=line("zero_denominator"),
            )
        if not spec.complete and not spec.incomplete_note:
            self.error(
                _(
                    "kerangka ditandai belum lengkap: tulis bagian yang belum lengkap di "
                    "“incomplete_note”."
                ),
                line=line("complete"),
            )
        for answer_type, values in spec.option_values.items():
            codes = OPTION_CODES.get(answer_type)
            if codes is None:
                self.error(
                    _("option_values: “%(type)s” bukan jenis jawaban berpilihan (%(allowed)s).")
                    % {"type": answer_type, "allowed": ", ".join(OPTION_CODES)},
                    line=line("option_values"),
                )
                continue
            if tuple(values) != codes:
                self.error(
                    _("option_values “%(type)s”: pilihannya harus %(codes)s, bukan %(given)s.")
                    % {"type": answer_type, "codes": ", ".join(codes), "given": ", ".join(values)},
                    line=line("option_values"),
                )
            for code, text in values.items():
                self.value(text, f"option_values {answer_type}.{code}", line=line("option_values"))
        self.categories()
        if not spec.nodes:
            self.error(_("kerangka tidak punya simpul (“nodes” kosong)."), line=line("nodes"))

    def value(self, text: str, what: str, node=None, *, line=None) -> None:
        value = self.fraction(text, what, node, line=line)
        if value is not None and not 0 <= value <= 1:
            self.error(
                _("%(what)s = %(text)s: nilai pilihan harus antara 0 dan 1.")
                % {"what": what, "text": text},
                node,
                line=line,
            )

    def categories(self) -> None:
        rows = self.spec.categories
        codes: set[str] = set()
        previous = None
        for row in rows:
            line = row.get("_line")
            if not row["code"] or not row["label"]:
                self.error(_("kategori tanpa kode atau label."), line=line)
            if row["code"] in codes:
                self.error(
                    _("kode kategori “%(code)s” ditulis dua kali.") % {"code": row["code"]},
                    line=line,
                )
            codes.add(row["code"])
            above = self.fraction(row["above"], _("batas bawah kategori"), line=line)
            up_to = self.fraction(row["up_to"], _("batas atas kategori"), line=line)
            if above is None or up_to is None:
                previous = None
                continue
            if not above < up_to:
                self.error(
                    _(
                        "kategori %(code)s: batas bawah %(above)s harus lebih kecil dari batas "
                        "atas %(up_to)s."
                    )
                    % {"code": row["code"], "above": row["above"], "up_to": row["up_to"]},
                    line=line,
                )
            if previous is not None and previous[0] != up_to:
                self.error(
                    _(
                        "kategori %(code)s: batas atasnya %(up_to)s harus sama dengan batas bawah "
                        "kategori di atasnya (%(prev)s %(above)s): urutkan dari tertinggi, tanpa "
                        "celah atau tumpang tindih."
                    )
                    % {
                        "code": row["code"],
                        "up_to": row["up_to"],
                        "prev": previous[1],
                        "above": fraction_text(previous[0]),
                    },
                    line=line,
                )
            previous = (above, row["code"])
        if rows and previous is not None and previous[0] != 0:
            self.warning(
                _("kategori terendah dimulai di atas %(above)s, bukan 0.")
                % {"above": fraction_text(previous[0])},
                line=rows[-1].get("_line"),
            )
        top = rows and self.fraction(rows[0]["up_to"], _("batas atas kategori"))
        total = [root.weight_fraction for root in self.spec.nodes if root.weight]
        if top and total and len(total) == len(self.spec.nodes):
            try:
                total_weight = sum(parse_weight(root.weight) for root in self.spec.nodes)
            except ValueError:
                return
            if total_weight != top:
                self.warning(
                    _(
                        "batas atas kategori tertinggi %(top)s tidak sama dengan jumlah bobot "
                        "komponen %(total)s."
                    )
                    % {"top": fraction_text(top), "total": fraction_text(total_weight)},
                    line=rows[0].get("_line"),
                )

    # -- nodes -------------------------------------------------------------------------

    def nodes(self) -> None:
        seen: dict[str, NodeSpec] = {}
        incomplete = 0
        for node in self.spec.walk():
            if node.code in seen:
                first = seen[node.code]
                self.error(
                    _("kode “%(code)s” dipakai dua kali (juga di baris %(line)s).")
                    % {"code": node.code, "line": first.line or "?"},
                    node,
                )
            else:
                seen[node.code] = node
            if node.incomplete:
                incomplete += 1
            self.node(node)
        if self.spec.complete and incomplete:
            self.warning(
                _(
                    "kerangka ditandai lengkap, tetapi %(count)s simpul ditandai belum lengkap "
                    "(lihat incomplete_note)."
                )
                % {"count": incomplete},
                line=self.spec.lines.get("complete"),
            )

    def node(self, node: NodeSpec) -> None:
        if not NODE_CODE.match(node.code) or len(node.code) > 60:
            self.error(
                _(
                    "kode “%(code)s” hanya boleh huruf, angka, titik, garis bawah dan tanda "
                    "hubung (paling panjang 60)."
                )
                % {"code": node.code},
                node,
            )
        if len(node.label) > 20:
            self.error(_("nomor (label) paling panjang 20 karakter."), node)
        if node.kind not in KIND_RANK:
            self.error(
                _("jenis simpul “%(kind)s” tidak dikenal (%(allowed)s).")
                % {"kind": node.kind or "—", "allowed": ", ".join(KIND_RANK)},
                node,
            )
            return
        parent = node.parent
        if parent is not None and KIND_RANK.get(parent.kind, -1) > KIND_RANK[node.kind]:
            self.error(
                _("simpul berjenis %(kind)s tidak boleh berada di bawah %(parent)s.")
                % {"kind": node.kind, "parent": parent.kind},
                node,
            )
        if node.parent is None and node.is_item:
            self.error(_("butir tidak boleh berada di puncak pohon."), node)
        if node.change_area is not None and not 1 <= node.change_area <= 8:
            self.error(_("change_area harus nomor area perubahan 1 sampai 8."), node)
        if node.assessor_kind not in AssessorKind.values:
            self.error(
                _("assessor_kind “%(kind)s” tidak dikenal (%(allowed)s).")
                % {"kind": node.assessor_kind, "allowed": ", ".join(AssessorKind.values)},
                node,
            )
        weight = None
        if node.weight:
            weight = self.fraction(node.weight, _("bobot"), node)
            if weight is not None and weight <= 0:
                self.error(_("bobot harus lebih besar dari 0."), node)
        if node.is_item:
            self.item(node)
        else:
            self.inner(node, weight)

    def item(self, node: NodeSpec) -> None:
        if node.children:
            self.error(_("butir tidak boleh punya anak (butir adalah daun pohon)."), node)
        kind = node.answer_type
        if not kind:
            if node.incomplete:
                self.warning(_("butir belum lengkap: jenis jawabannya tidak ada di sumber."), node)
            else:
                self.error(_("butir tanpa jenis jawaban (answer_type)."), node)
            return
        if kind not in AnswerType.values:
            self.error(
                _("jenis jawaban “%(type)s” tidak dikenal (%(allowed)s).")
                % {"type": kind, "allowed": ", ".join(AnswerType.values)},
                node,
            )
            return
        codes = OPTION_CODES.get(kind)
        if codes is not None:
            given = tuple(option["code"] for option in node.options)
            if node.options and given != codes:
                self.error(
                    _("pilihan butir berjenis %(type)s harus %(codes)s, bukan %(given)s.")
                    % {
                        "type": kind,
                        "codes": ", ".join(codes),
                        "given": ", ".join(given) or "—",
                    },
                    node,
                )
            for option in node.options:
                if option["value"]:
                    self.value(option["value"], _("nilai pilihan %s") % option["code"], node)
        elif node.options:
            self.error(
                _("butir berjenis %(type)s tidak memakai pilihan jawaban.") % {"type": kind},
                node,
            )
        if kind == AnswerType.PERCENT:
            if node.formula not in FORMULA_INPUTS:
                self.error(
                    _("butir persentase perlu rumus (formula: %(allowed)s).")
                    % {"allowed": ", ".join(Formula.values)},
                    node,
                )
            else:
                names = [entry["name"] for entry in node.count_inputs]
                wanted = FORMULA_INPUTS[node.formula]
                if sorted(names) != sorted(wanted):
                    self.error(
                        _("masukan jumlah rumus %(formula)s harus %(wanted)s, bukan %(given)s.")
                        % {
                            "formula": node.formula,
                            "wanted": ", ".join(wanted),
                            "given": ", ".join(names) or "—",
                        },
                        node,
                    )
                for entry in node.count_inputs:
                    if not entry["label"]:
                        self.error(
                            _("masukan jumlah “%(name)s” tanpa label.") % {"name": entry["name"]},
                            node,
                        )
        elif node.formula or node.count_inputs:
            self.error(_("hanya butir persentase yang memakai rumus dan masukan jumlah."), node)
        if kind in NUMBER_SCALE and node.weight == "" and node.parent and not node.parent.weight:
            self.error(_("butir bernilai angka perlu bobot sendiri atau bobot induk."), node)

    def inner(self, node: NodeSpec, weight: Fraction | None) -> None:
        if node.answer_type or node.options or node.formula or node.count_inputs:
            self.error(
                _("hanya butir (kind: item) yang punya jenis jawaban, pilihan atau rumus."), node
            )
        if not node.children:
            if not node.incomplete:
                self.error(
                    _(
                        "simpul %(kind)s tanpa isi: tambahkan anaknya atau tandai "
                        "“incomplete: true” bila sumbernya tidak memuatnya."
                    )
                    % {"kind": node.kind},
                    node,
                )
            return
        if not node.weight:
            if not node.incomplete:
                self.error(
                    _(
                        "simpul %(kind)s tanpa bobot: isi bobotnya atau tandai “incomplete: true” "
                        "bila sumbernya tidak memuatnya."
                    )
                    % {"kind": node.kind},
                    node,
                )
            return
        if weight is None:
            return
        mean_items = [c for c in node.children if c.is_item and not c.weight]
        weighted = [c for c in node.children if c.weight]
        unknown = [c for c in node.children if not c.weight and c not in mean_items]
        if mean_items and (weighted or unknown):
            self.error(
                _(
                    "anak simpul ini campuran butir tanpa bobot (dinilai rata-rata) dan simpul "
                    "berbobot: beri semua butir bobot, atau tidak satu pun."
                ),
                node,
            )
            return
        if mean_items:
            return
        try:
            total = sum((parse_weight(c.weight) for c in weighted), Fraction(0))
        except (ValueError, ZeroDivisionError):
            return  # reported on the child
        values = {
            "total": fraction_text(total),
            "total_dec": decimal_text(total),
            "weight": fraction_text(weight),
            "weight_dec": decimal_text(weight),
        }
        if total > weight:
            self.error(
                _(
                    "bobot anak berjumlah %(total)s (%(total_dec)s), lebih dari bobot simpul ini "
                    "%(weight)s (%(weight_dec)s)."
                )
                % values,
                node,
            )
        elif unknown:
            self.warning(
                _(
                    "bobot anak yang diketahui berjumlah %(total_dec)s dari %(weight_dec)s; bobot "
                    "%(count)s anak lain tidak ada di sumber."
                )
                % {**values, "count": len(unknown)},
                node,
            )
        elif total != weight:
            if node.incomplete:
                self.warning(
                    _(
                        "bobot anak berjumlah %(total)s (%(total_dec)s), bukan %(weight)s "
                        "(%(weight_dec)s): celah sumber, simpul ditandai belum lengkap."
                    )
                    % values,
                    node,
                )
            else:
                self.error(
                    _(
                        "bobot anak berjumlah %(total)s (%(total_dec)s), tidak sama dengan bobot "
                        "simpul ini %(weight)s (%(weight_dec)s)."
                    )
                    % values,
                    node,
                )


def validate(spec: FrameworkSpec, previous: FrameworkSpec | None = None) -> list[Finding]:
    """Every rule over one framework; with ``previous`` (the version before it in the same
    family) also the stability of codes. Errors first, then warnings, each in file order."""
    checker = _Checker(spec)
    checker.framework()
    checker.nodes()
    if previous is not None:
        checker.findings.extend(compare_versions(previous, spec))
    return sorted(checker.findings, key=lambda f: (not f.is_error,))


def compare_versions(previous: FrameworkSpec, current: FrameworkSpec) -> list[Finding]:
    """Codes are stable across versions: the same code must be the same kind of node (an
    error otherwise); removed codes and probable renames (same title, new code) are warnings."""
    old = {node.code: node for node in previous.walk()}
    new = {node.code: node for node in current.walk()}
    findings = []
    for code, node in new.items():
        before = old.get(code)
        if before is None:
            continue
        if before.kind != node.kind:
            findings.append(
                Finding(
                    ERROR,
                    _(
                        "kode “%(code)s” di versi sebelumnya (%(previous)s) berjenis %(old)s, di "
                        "sini %(new)s: kode yang sama harus tetap jenis yang sama; pakai kode baru."
                    )
                    % {
                        "code": code,
                        "previous": previous.code,
                        "old": before.kind,
                        "new": node.kind,
                    },
                    code=code,
                    line=node.line,
                    file=current.file,
                )
            )
        elif node.is_item and before.answer_type != node.answer_type:
            findings.append(
                Finding(
                    WARNING,
                    _(
                        "butir “%(code)s” berganti jenis jawaban dari %(old)s menjadi %(new)s: "
                        "jawaban tahun lalu tidak sebanding."
                    )
                    % {"code": code, "old": before.answer_type or "—", "new": node.answer_type},
                    code=code,
                    line=node.line,
                    file=current.file,
                )
            )
    added_by_title = {}
    for code, node in new.items():
        if code not in old:
            added_by_title.setdefault(node.title.strip().lower(), code)
    for code, node in old.items():
        if code in new:
            continue
        renamed = added_by_title.get(node.title.strip().lower())
        if renamed:
            message = _(
                "kode “%(code)s” dari %(previous)s tampaknya diganti menjadi “%(new)s” (judul "
                "sama): jawaban tahun lalu tidak akan tersambung."
            ) % {"code": code, "previous": previous.code, "new": renamed}
            line = new[renamed].line
        else:
            message = _("kode “%(code)s” (%(title)s) dari %(previous)s dihapus di versi ini.") % {
                "code": code,
                "title": node.title[:80],
                "previous": previous.code,
            }
            line = None
        findings.append(Finding(WARNING, message, code=code, line=line, file=current.file))
    return findings


# -- specs from the database --------------------------------------------------------------


def spec_from_db(framework: Framework) -> FrameworkSpec:
    """A framework row and its nodes as a spec (two queries at most), to validate an edited
    framework or to compare versions."""
    spec = FrameworkSpec(
        code=framework.code,
        family=framework.family,
        year=framework.year,
        version=framework.version,
        title=framework.title,
        legal_basis=framework.legal_basis,
        source_note=framework.source_note,
        complete=framework.complete,
        incomplete_note=framework.incomplete_note,
        state=framework.state,
        option_values=framework.option_values or {},
        value_decimals=framework.value_decimals,
        zero_denominator=framework.zero_denominator,
        categories=[dict(row) for row in framework.categories or []],
        file=framework.source_file,
        sha256=framework.source_sha256,
    )
    by_pk: dict[int, NodeSpec] = {}
    rows = framework.nodes.order_by("sequence").values(
        "pk",
        "parent_id",
        "code",
        "kind",
        "label",
        "title",
        "weight",
        "incomplete",
        "change_area__number",
        "note",
        "answer_type",
        "options",
        "formula",
        "count_inputs",
        "assessor_kind",
        "guidance",
    )
    for row in rows:
        parent = by_pk.get(row["parent_id"])
        node = NodeSpec(
            code=row["code"],
            kind=row["kind"],
            title=row["title"],
            label=row["label"],
            weight=row["weight"],
            incomplete=row["incomplete"],
            change_area=row["change_area__number"],
            note=row["note"],
            answer_type=row["answer_type"],
            options=[
                {
                    "code": str(o.get("code", "")),
                    "label": str(o.get("label", "")),
                    "value": str(o.get("value", "") or ""),
                }
                for o in row["options"] or []
            ],
            formula=row["formula"],
            count_inputs=[
                {"name": str(i.get("name", "")), "label": str(i.get("label", ""))}
                for i in row["count_inputs"] or []
            ],
            assessor_kind=row["assessor_kind"],
            guidance=row["guidance"],
            parent=parent,
        )
        by_pk[row["pk"]] = node
        if parent is None:
            spec.nodes.append(node)
        else:
            parent.children.append(node)
    return spec


def previous_version(
    spec: FrameworkSpec, others: Iterable[FrameworkSpec] = ()
) -> FrameworkSpec | None:
    """The version before ``spec`` in its family: among ``others`` (e.g. files loaded at the
    same time) and the frameworks in the database, the highest (year, version) below it."""
    candidates: list[tuple[tuple[int, int], Any]] = [
        (other.key, other) for other in others if other.family == spec.family
    ]
    for pk, year, version in (
        Framework.objects.filter(family=spec.family)
        .exclude(code=spec.code)
        .values_list("pk", "year", "version")
    ):
        candidates.append(((year, version), pk))
    below = [c for c in candidates if c[0] < spec.key]
    if not below:
        return None
    _key, best = max(below, key=lambda c: c[0])
    if isinstance(best, FrameworkSpec):
        return best
    return spec_from_db(Framework.objects.get(pk=best))


# -- loading ------------------------------------------------------------------------------


STATUS_LABELS = {
    "created": "dimuat",
    "updated": "diperbarui",
    "texts_updated": "teksnya diperbarui",
    "unchanged": "tidak berubah",
}


@dataclass
class LoadResult:
    framework: Framework
    status: str  # created | updated | texts_updated | unchanged
    findings: list[Finding] = field(default_factory=list)

    @property
    def status_label(self) -> str:
        return _(STATUS_LABELS[self.status])


def shipped_files() -> list[Path]:
    return sorted(DATA_DIR.glob("*.yaml"))


def check_files(paths: Sequence[Path | str]) -> list[tuple[FrameworkSpec | None, list[Finding]]]:
    """Parse and validate several files together (each one's previous version may be one of
    the others or a framework in the database)."""
    parsed = [parse_file(path) for path in paths]
    specs = [spec for spec, _findings in parsed if spec is not None]
    results = []
    for spec, findings in parsed:
        if spec is None or any(f.is_error for f in findings):
            results.append((spec, findings))
            continue
        previous = previous_version(spec, [s for s in specs if s is not spec])
        results.append((spec, findings + validate(spec, previous)))
    codes: dict[str, str] = {}
    for spec, findings in results:
        if spec is None:
            continue
        if spec.code in codes:
            findings.append(
                Finding(
                    ERROR,
                    _("kode kerangka “%(code)s” juga dipakai oleh %(other)s.")
                    % {"code": spec.code, "other": codes[spec.code]},
                    line=spec.lines.get("code"),
                    file=spec.file,
                )
            )
        codes[spec.code] = spec.file
    return results


def _node_fields(node: NodeSpec, change_areas: dict[int, int]) -> dict[str, Any]:
    return {
        "kind": node.kind,
        "label": node.label,
        "title": node.title,
        "weight": node.weight,
        "incomplete": node.incomplete,
        "change_area_id": change_areas.get(node.change_area) if node.change_area else None,
        "note": node.note,
        "answer_type": node.answer_type if node.is_item else "",
        "options": [
            {k: v for k, v in option.items() if k != "value" or v} for option in node.options
        ],
        "formula": node.formula,
        "count_inputs": list(node.count_inputs),
        "assessor_kind": node.assessor_kind,
        "guidance": node.guidance,
    }


def _framework_fields(spec: FrameworkSpec) -> dict[str, Any]:
    return {
        "family": spec.family,
        "year": spec.year,
        "version": spec.version,
        "title": spec.title,
        "legal_basis": spec.legal_basis,
        "source_note": spec.source_note,
        "complete": spec.complete,
        "incomplete_note": spec.incomplete_note,
        "state": spec.state,
        "option_values": spec.option_values,
        "value_decimals": spec.value_decimals,
        "zero_denominator": spec.zero_denominator,
        "categories": [
            {k: v for k, v in row.items() if not k.startswith("_")} for row in spec.categories
        ],
    }


def scoring_signature(spec: FrameworkSpec) -> tuple:
    """Everything that changes a score: the rules and, per node in order, its place, kind,
    weight, answer type, option codes and values, formula and inputs. Texts are left out."""

    def weight(text: str) -> str:
        try:
            return fraction_text(parse_weight(text)) if text else ""
        except (ValueError, ZeroDivisionError):
            return text

    rules = (
        tuple(
            (t, tuple((c, weight(v)) for c, v in values.items()))
            for t, values in sorted(spec.option_values.items())
        ),
        spec.value_decimals,
        spec.zero_denominator,
        tuple((row["code"], weight(row["above"]), weight(row["up_to"])) for row in spec.categories),
    )
    nodes = tuple(
        (
            node.code,
            node.parent.code if node.parent else None,
            node.kind,
            weight(node.weight),
            node.answer_type,
            tuple((o["code"], weight(o.get("value", ""))) for o in node.options),
            node.formula,
            tuple(sorted(i["name"] for i in node.count_inputs)),
        )
        for node in spec.walk()
    )
    return rules, nodes


def load(spec: FrameworkSpec, *, actor=None, findings: Sequence[Finding] = ()) -> LoadResult:
    """Write one validated spec (see the module docstring for what happens to an existing
    framework). Raises ``FrameworkError`` when the spec has errors or may not be applied."""
    from renaksi.audit.services import record
    from renaksi.plans.models import ChangeArea

    errors = [f for f in findings if f.is_error]
    if errors:
        raise FrameworkError(
            _("%(file)s tidak dimuat: %(count)s kesalahan; yang pertama: %(first)s")
            % {"file": spec.file or spec.code, "count": len(errors), "first": errors[0]},
            findings,
        )
    change_areas = dict(ChangeArea.objects.values_list("number", "pk"))
    with transaction.atomic():
        existing = Framework.objects.select_for_update().filter(code=spec.code).first()
        clash = (
            Framework.objects.filter(family=spec.family, year=spec.year, version=spec.version)
            .exclude(code=spec.code)
            .first()
        )
        if clash is not None:
            raise FrameworkError(
                _(
                    "%(file)s: keluarga %(family)s tahun %(year)s versi %(version)s sudah dipakai "
                    "kerangka “%(other)s”; naikkan “version”."
                )
                % {
                    "file": spec.file,
                    "family": spec.family,
                    "year": spec.year,
                    "version": spec.version,
                    "other": clash.code,
                }
            )
        if existing is None:
            framework = Framework.objects.create(
                code=spec.code,
                source_file=spec.file,
                source_sha256=spec.sha256,
                **_framework_fields(spec),
            )
            _write_nodes(framework, spec, change_areas, existing={})
            record(
                actor,
                "evaluation.framework_loaded",
                obj=framework,
                file=spec.file,
                sha256=spec.sha256,
                nodes=sum(1 for _node in spec.walk()),
            )
            return LoadResult(framework, "created", list(findings))
        if not existing.source_file:
            raise FrameworkError(
                _(
                    "%(file)s: kode “%(code)s” sudah dipakai kerangka yang disusun lewat halaman "
                    "kerangka evaluasi; pakai kode lain di berkas."
                )
                % {"file": spec.file, "code": spec.code}
            )
        if existing.source_sha256 == spec.sha256:
            return LoadResult(existing, "unchanged", list(findings))
        current = spec_from_db(existing)
        texts_only = scoring_signature(current) == scoring_signature(spec)
        used = existing.assessments.count()
        if used and not texts_only:
            raise FrameworkError(
                _(
                    "%(file)s berubah pada bobot, jenis jawaban, pilihan atau susunan butir, "
                    "padahal kerangka “%(code)s” sudah dipakai %(count)s lembar kerja: jawaban "
                    "yang ada tidak ditimpa. Simpan perubahan sebagai versi baru (kode dan "
                    "“version” baru di berkas), atau salin kerangka ini ke versi baru di halaman "
                    "kerangka evaluasi."
                )
                % {"file": spec.file, "code": spec.code, "count": used}
            )
        for name, value in _framework_fields(spec).items():
            # The file's state applies when the framework is first loaded; afterwards it is
            # managed on the framework pages (a retired framework stays retired).
            if name != "state":
                setattr(existing, name, value)
        existing.source_file = spec.file
        existing.source_sha256 = spec.sha256
        existing.save()
        nodes = {node.code: node for node in existing.nodes.all()}
        _write_nodes(existing, spec, change_areas, existing=nodes)
        status = "texts_updated" if texts_only else "updated"
        record(
            actor,
            "evaluation.framework_reloaded",
            obj=existing,
            file=spec.file,
            sha256=spec.sha256,
            texts_only=texts_only,
        )
        return LoadResult(existing, status, list(findings))


def _write_nodes(
    framework: Framework,
    spec: FrameworkSpec,
    change_areas: dict[int, int],
    existing: dict[str, Node],
) -> None:
    """Create, update and delete the framework's nodes so that they are the spec's tree, in
    pre-order (``sequence`` 1…n) with their ``depth``. Node rows keep their id by code, so
    answers and indicator links stay attached."""
    if existing:
        # Move the current sequences out of the way of the unique (framework, sequence).
        framework.nodes.update(sequence=F("sequence") + 1_000_000)
    wanted = {node.code for node in spec.walk()}
    stale = [node.pk for code, node in existing.items() if code not in wanted]
    if stale:
        Node.objects.filter(pk__in=stale).delete()
    rows: dict[str, Node] = {}
    by_depth: dict[int, list[tuple[Node, NodeSpec]]] = {}
    sequence = 0

    def visit(node: NodeSpec, depth: int) -> None:
        nonlocal sequence
        sequence += 1
        row = existing.get(node.code) or Node(framework=framework, code=node.code)
        for name, value in _node_fields(node, change_areas).items():
            setattr(row, name, value)
        row.sequence = sequence
        row.depth = depth
        by_depth.setdefault(depth, []).append((row, node))
        for child in node.children:
            visit(child, depth + 1)

    for root in spec.nodes:
        visit(root, 0)
    fields = ["parent", "sequence", "depth", *_node_fields(spec.nodes[0], {}).keys()]
    fields = [f if f != "change_area_id" else "change_area" for f in fields]
    for depth in sorted(by_depth):
        new, old = [], []
        for row, node in by_depth[depth]:
            row.parent = rows[node.parent.code] if node.parent else None
            (old if row.pk else new).append(row)
        Node.objects.bulk_create(new)
        if old:
            Node.objects.bulk_update(old, fields, batch_size=200)
        for row, node in by_depth[depth]:
            rows[node.code] = row


def load_files(
    paths: Sequence[Path | str] | None = None, *, actor=None, check_only: bool = False
) -> list[LoadResult | tuple[FrameworkSpec | None, list[Finding]]]:
    """Check (and unless ``check_only``, load) the given files, default: the shipped ones.
    All or nothing: the first file with an error raises ``FrameworkError`` before anything is
    written, and the writes share one transaction."""
    paths = list(paths) if paths else shipped_files()
    checked = check_files(paths)
    for path, (_spec, findings) in zip(paths, checked, strict=True):
        errors = [f for f in findings if f.is_error]
        if errors:
            raise FrameworkError(
                _("%(file)s tidak dimuat: %(count)s kesalahan; yang pertama: %(first)s")
                % {"file": Path(path).name, "count": len(errors), "first": errors[0]},
                findings,
            )
    if check_only:
        return checked
    with transaction.atomic():
        return [load(spec, actor=actor, findings=findings) for spec, findings in checked]


def load_shipped(*, actor=None) -> list[LoadResult]:
    """Load every shipped framework file (seed_demo, tests). Idempotent."""
    return load_files(None, actor=actor)  # type: ignore[return-value]


def node_weight_display(weight: str) -> tuple[str, str]:
    """(two decimals, full precision) for a weight text; ("", "") when empty."""
    if not weight:
        return "", ""
    try:
        value = parse_weight(weight)
    except (ValueError, ZeroDivisionError):
        return weight, weight
    exact = fraction_text(value)
    decimal = Decimal(value.numerator) / Decimal(value.denominator)
    if value.denominator == 1:
        full = exact
    elif (value * 10**6).denominator == 1:
        full = f"{exact} = {decimal.normalize():f}"
    else:
        full = f"{exact} ≈ {decimal:.6f}"
    return decimal_text(value), full
