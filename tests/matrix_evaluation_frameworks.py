"""Permission-matrix rows of the framework pages (part "frameworks",
renaksi/evaluation/views_frameworks.py), joined through tests/matrix_evaluation.py."""

from itertools import count

from django.urls import reverse

from .matrix_common import ALL, SIGNED_IN, Row
from .permission_world import World

ROWS: dict[str, Row] = {}

# -- part "frameworks": the framework pages (renaksi/evaluation/views_frameworks.py) ----------
# Frameworks are the same for every unit, so a row's answer does not depend on the unit: every
# signed-in user reads a framework in force; drafts and every change are for those who may
# manage frameworks (KPU RI's administrator, the superuser); a draft is a 404 for the others,
# a change to a published framework a 403.
FRAMEWORK_MANAGERS = {"national_admin": ALL, "superuser": ALL}
TINY_FRAMEWORK = """
code: {code}
family: matrix
year: 2024
version: {version}
title: "Kerangka uji matriks"
state: {state}
categories:
  - {{code: A, label: "Baik", above: "0", up_to: "10"}}
nodes:
  - label: A
    kind: component
    title: "Komponen"
    weight: "10"
    children:
      - {{label: a, kind: item, title: "Butir a", answer_type: abc}}
      - {{label: b, kind: item, title: "Butir b", answer_type: yes_no}}
"""
_serial = count(1)


def tiny_framework(state: str = "published", code: str | None = None):
    """A small valid framework (loaded through the real loader); a fresh one unless ``code``
    names one that exists."""
    from renaksi.evaluation.frameworks import load, parse_text, validate
    from renaksi.evaluation.models import Framework

    if code is not None:
        existing = Framework.objects.filter(code=code).first()
        if existing is not None:
            return existing
    serial = next(_serial)
    code = code or f"matrix-{state}-{serial}"
    spec, findings = parse_text(
        TINY_FRAMEWORK.format(code=code, version=serial, state=state), f"{code}.yaml"
    )
    return load(spec, findings=findings + validate(spec)).framework


def published(world: World):
    return tiny_framework(code="matrix-published")


def _url(name: str, framework, node: str | None = None) -> str:
    args = [framework.pk]
    if node is not None:
        args.append(framework.nodes.get(code=node).pk)
    return reverse(f"evaluation:{name}", args=args)


ROWS.update(
    {
        "evaluation:framework_list": Row(
            path=lambda world, code: reverse("evaluation:framework_list"), allowed=SIGNED_IN
        ),
        "evaluation:framework_detail": Row(
            path=lambda world, code: _url("framework_detail", published(world)),
            allowed=SIGNED_IN,
        ),
        "evaluation:framework_copy": Row(
            path=lambda world, code: _url("framework_copy", published(world)),
            allowed=FRAMEWORK_MANAGERS,
            method="post",
            data={"year": "2031"},
        ),
        "evaluation:framework_publish": Row(
            path=lambda world, code: _url("framework_publish", tiny_framework("draft")),
            allowed=FRAMEWORK_MANAGERS,
            method="post",
        ),
        "evaluation:framework_retire": Row(
            path=lambda world, code: _url("framework_retire", tiny_framework()),
            allowed=FRAMEWORK_MANAGERS,
            method="post",
        ),
        "evaluation:framework_node_edit": Row(
            path=lambda world, code: _url(
                "framework_node_edit", tiny_framework("draft", "matrix-draft"), "A.a"
            ),
            allowed=FRAMEWORK_MANAGERS,
        ),
        "evaluation:framework_item_add": Row(
            path=lambda world, code: _url(
                "framework_item_add", tiny_framework("draft", "matrix-draft"), "A"
            ),
            allowed=FRAMEWORK_MANAGERS,
        ),
        "evaluation:framework_node_delete": Row(
            path=lambda world, code: _url("framework_node_delete", tiny_framework("draft"), "A.b"),
            allowed=FRAMEWORK_MANAGERS,
            method="post",
        ),
    }
)
# -- end of part "frameworks" ---------------------------------------------------------------
