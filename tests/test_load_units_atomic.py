"""load_units writes all or nothing: a failure in the middle of the write leaves nothing
written (issue 6). The failure is forced inside Django's bulk writes, after real rows went in.
"""

import pytest
from django.db.models import QuerySet

from renaksi.units.models import Unit
from renaksi.units.services import load_units

pytestmark = pytest.mark.django_db


def snapshot() -> list[tuple]:
    return list(
        Unit.objects.order_by("code").values_list("pk", "code", "name", "level", "parent_id")
    )


@pytest.fixture
def fail_at_the_regencies(monkeypatch):
    """bulk_create writes the first levels, then half of the regencies, then fails."""
    real = QuerySet.bulk_create
    calls = []

    def bulk_create(self, objs, *args, **kwargs):
        objs = list(objs)
        calls.append(len(objs))
        if self.model is Unit and any(unit.level == Unit.Level.KABUPATEN_KOTA for unit in objs):
            real(self, objs[: len(objs) // 2], *args, **kwargs)
            raise RuntimeError("the database went away in the middle of the write")
        return real(self, objs, *args, **kwargs)

    monkeypatch.setattr(QuerySet, "bulk_create", bulk_create)
    return calls


def test_a_failed_first_load_writes_nothing(fail_at_the_regencies):
    with pytest.raises(RuntimeError):
        load_units()
    # KPU RI and the provinces had been inserted, and some regencies: all rolled back.
    assert fail_at_the_regencies[:2] == [1, 38]
    assert Unit.objects.count() == 0


def test_a_failed_update_changes_nothing(monkeypatch):
    load_units()
    Unit.objects.filter(code__in=["6107", "6101", "6201"]).update(name="Nama Lama")
    Unit.objects.filter(code__in=["61", "62"]).update(name="Provinsi Lama")
    before = snapshot()
    real = QuerySet.bulk_update

    def bulk_update(self, objs, fields, *args, **kwargs):
        objs = list(objs)
        if any(unit.level == Unit.Level.KABUPATEN_KOTA for unit in objs):
            real(self, objs[:1], fields, *args, **kwargs)
            raise RuntimeError("the database went away in the middle of the update")
        return real(self, objs, fields, *args, **kwargs)

    monkeypatch.setattr(QuerySet, "bulk_update", bulk_update)
    with pytest.raises(RuntimeError):
        load_units()
    assert snapshot() == before
    assert Unit.objects.get(code="61").name == "Provinsi Lama"  # updated, then rolled back
