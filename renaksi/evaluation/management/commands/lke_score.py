"""python manage.py lke_score --framework CODE --answers FILE.json [--json]"""

from __future__ import annotations

import json
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.utils.formats import number_format
from django.utils.translation import gettext as _

from renaksi.evaluation.scoring import ScoringError, load_tree, parse_answers, score
from renaksi.evaluation.worksheet import KIND_LABELS, weight_text

from ._lke import framework_of


def _number(value):
    """A score for JSON: a number rounded to two decimals (None stays null)."""
    from renaksi.evaluation.scoring import display

    shown = display(value)
    return None if shown is None else float(shown)


def _text(value, suffix=""):
    from renaksi.evaluation.scoring import display

    shown = display(value)
    return "–" if shown is None else number_format(shown, 2) + suffix


def scored_json(framework, tree, result) -> dict:
    nodes = []
    for node in tree.walk():
        scored = result.by_code[node.code]
        entry = {
            "code": node.code,
            "kind": node.kind,
            "label": node.label,
            "title": node.title,
            "depth": len(node.path()),
            "weight": weight_text(node.weight),
            "score": _number(scored.score),
            "maximum": _number(scored.maximum),
            "percent": _number(scored.percent),
            "score_exact": None if scored.score is None else str(scored.score),
        }
        if node.is_item:
            entry["value"] = _number(scored.value)
            entry["value_exact"] = None if scored.value is None else str(scored.value)
            entry["answered"] = scored.value is not None
        nodes.append(entry)
    category = result.category
    return {
        "framework": {"code": framework.code, "title": framework.title},
        "index": _number(result.index),
        "index_exact": str(result.index),
        "maximum": _number(result.maximum),
        "category": None
        if category is None
        else {"code": category.get("code"), "label": category.get("label", "")},
        "answered": len(tree.items) - len(result.unanswered),
        "items": len(tree.items),
        "unanswered": [node.code for node in result.unanswered],
        "incomplete": [node.code for node in result.incomplete],
        "nodes": nodes,
    }


def read_answers(path_text: str) -> dict:
    path = Path(path_text)
    try:
        text = path.read_text(encoding="utf-8-sig")
    except FileNotFoundError:
        raise CommandError(_("Berkas jawaban %(path)s tidak ada.") % {"path": path}) from None
    except (OSError, UnicodeDecodeError) as error:
        raise CommandError(
            _("Berkas jawaban %(path)s tidak dapat dibaca (%(reason)s).")
            % {"path": path, "reason": getattr(error, "strerror", None) or error}
        ) from None
    try:
        data = json.loads(text)
    except json.JSONDecodeError as error:
        raise CommandError(
            _("Berkas jawaban %(path)s bukan JSON yang sah: baris %(line)s, kolom %(column)s.")
            % {"path": path, "line": error.lineno, "column": error.colno}
        ) from None
    if not isinstance(data, dict):
        raise CommandError(
            _(
                'Berkas jawaban %(path)s harus berisi satu objek {"<kode butir>": <jawaban>}, '
                'mis. {"A.I.1.i.a": "ya", "A.I.1.ii.b": "c"}.'
            )
            % {"path": path}
        )
    return data


class Command(BaseCommand):
    help = (
        "Hitung nilai LKE dari berkas jawaban JSON tanpa menyimpan apa pun: "
        '{"<kode butir>": <jawaban>} dengan jawaban berupa huruf pilihan ("a"), "ya"/"tidak", '
        "sebuah angka (nilai survei 0-4, 0-100, 0-5), atau jumlah butir persentase "
        '{"numerator": n, "denominator": d} (rumus penurunan: {"previous": n, "current": m}). '
        "Mencetak pohon yang dinilai: nilai, nilai maksimum dan persentase setiap bagian, indeks "
        "dan kategorinya. Kode yang tidak dikenal atau jawaban yang tidak sesuai jenisnya "
        "ditolak dengan menyebut kode butirnya."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--framework", required=True, help=_("Kode kerangka evaluasi, mis. zi-2021.")
        )
        parser.add_argument(
            "--answers", required=True, help=_("Berkas JSON jawaban per kode butir.")
        )
        parser.add_argument("--json", action="store_true", help=_("Cetak hasilnya sebagai JSON."))

    def handle(self, *args, **options):
        framework = framework_of(options["framework"])
        raw = read_answers(options["answers"])
        tree = load_tree(framework)
        try:
            result = score(tree, parse_answers(tree, raw))
        except ScoringError as error:
            raise CommandError(error.message) from None
        if options["json"]:
            self.stdout.write(
                json.dumps(scored_json(framework, tree, result), ensure_ascii=False, indent=2)
            )
            return
        self.stdout.write(f"{framework.title} ({framework.code})")
        width = max((len(n.code) + 2 * len(n.path()) for n in tree.walk()), default=4) + 1
        for node in tree.walk():
            scored = result.by_code[node.code]
            indent = "  " * len(node.path())
            name = f"{indent}{node.code}".ljust(width)
            title = node.title if len(node.title) <= 60 else node.title[:59] + "…"
            if node.is_item:
                value = (
                    _("belum dijawab")
                    if scored.value is None
                    else _("nilai %(value)s") % {"value": _text(scored.value)}
                )
                line = f"{name} {title} — {value}"
                if scored.score is not None:
                    line += f" · {_text(scored.score)} / {_text(scored.maximum)}"
            elif scored.score is None:
                line = f"{name} {KIND_LABELS.get(node.kind, '')}: {title} — " + _(
                    "belum lengkap (bobot tidak diketahui)"
                )
            else:
                line = (
                    f"{name} {KIND_LABELS.get(node.kind, '')}: {title} — "
                    f"{_text(scored.score)} / {_text(scored.maximum)} "
                    f"({_text(scored.percent, ' %')})"
                )
            self.stdout.write(line)
        category = result.category
        self.stdout.write(
            _("Indeks: %(index)s dari %(maximum)s · Kategori: %(category)s")
            % {
                "index": _text(result.index),
                "maximum": _text(result.maximum),
                "category": "–"
                if category is None
                else f"{category.get('code')} ({category.get('label', '')})",
            }
        )
        self.stdout.write(
            _("Butir terjawab: %(answered)s dari %(items)s.")
            % {"answered": len(tree.items) - len(result.unanswered), "items": len(tree.items)}
        )
        if result.incomplete:
            self.stdout.write(
                _("Bagian belum lengkap (tidak dihitung): %(codes)s.")
                % {"codes": ", ".join(n.code for n in result.incomplete)}
            )
