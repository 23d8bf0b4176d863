"""The unit trail of a breadcrumb: KPU RI › KPU Provinsi … › the unit.

A unit in the trail is a link only if the reader may open it (``units.view_unit``): an
administrator of a regency sees its province as plain text, since its page would be a 404.
The check reads the reader's cached grants, so it costs no query; the parents come with the
unit (``select_related(*TRAIL_RELATED)``), or, if they were not loaded, in one query for the
whole chain.
"""

from __future__ import annotations

from dataclasses import dataclass

from renaksi.access.policy import VIEW_UNIT

from .models import Unit

# The levels are KPU RI → KPU Provinsi → KPU Kabupaten/Kota: at most two parents.
TRAIL_RELATED = ("parent__parent",)
_PARENT = Unit._meta.get_field("parent")


@dataclass(frozen=True)
class Crumb:
    unit: Unit
    linked: bool


def ancestors(unit: Unit) -> list[Unit]:
    """The unit's parents, the top one first."""
    chain: list[Unit] = []
    current = unit
    while current.parent_id is not None:
        if not _PARENT.is_cached(current):
            # Not loaded with the unit: the rest of the chain in one query.
            current.parent = Unit.objects.select_related(*TRAIL_RELATED).get(pk=current.parent_id)
        current = current.parent
        chain.append(current)
    chain.reverse()
    return chain


def unit_trail(user, unit: Unit, *, include_unit: bool = False) -> list[Crumb]:
    """The crumbs for ``unit``'s parents (and the unit itself if ``include_unit``)."""
    units = ancestors(unit) + ([unit] if include_unit else [])
    return [Crumb(unit=item, linked=user.has_perm(VIEW_UNIT, item)) for item in units]
