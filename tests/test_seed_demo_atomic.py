"""seed_demo writes all or nothing: a failure forced in the middle of its write (while the Tim
RB members are written, after the units, the imported plan, the users and their roles) leaves
nothing of a first run, and a re-run that fails leaves the demo as it was: no rows, no decree
file, no audit entry.
"""

from io import StringIO

import pytest
from django.contrib.auth.models import User
from django.core.management import call_command
from django.db.models import QuerySet

from renaksi.access.models import UnitRole
from renaksi.audit.models import LogEntry
from renaksi.plans.models import ActionPlan, Activity, Indicator, PlanArea, SubActivity
from renaksi.teams.models import Position, ReformTeam, TeamMember
from renaksi.units.models import Unit

pytestmark = pytest.mark.django_db

WRITTEN = (Unit, ActionPlan, PlanArea, Activity, SubActivity, Indicator, User, UnitRole)


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


def files_in(media) -> list[str]:
    return sorted(str(p.relative_to(media)) for p in media.rglob("*") if p.is_file())


def counts() -> dict[str, int]:
    models = (*WRITTEN, ReformTeam, TeamMember, LogEntry)
    return {model.__name__: model.objects.count() for model in models}


def snapshot() -> dict[str, list[tuple]]:
    return {
        "units": list(Unit.objects.order_by("code").values_list("pk", "code", "name", "parent")),
        "users": list(
            User.objects.order_by("username").values_list(
                "pk", "username", "password", "first_name", "email", "is_active", "is_superuser"
            )
        ),
        "roles": list(UnitRole.objects.order_by("pk").values_list("pk", "user", "unit", "role")),
        "members": list(
            TeamMember.objects.order_by("pk").values_list("pk", "team", "user", "position", "name")
        ),
        "plan": list(
            ActionPlan.objects.values_list("pk", "source_sha256", "source_file", "status")
        ),
        "counts": [counts()],
    }


@pytest.fixture
def fail_at_the_last_member(monkeypatch):
    """get_or_create of the last demo member (the change agent) writes it, then fails. What
    had been written when it failed is kept in the returned list, to show it was not empty."""
    real = QuerySet.get_or_create
    seen = []

    def get_or_create(self, defaults=None, **kwargs):
        result = real(self, defaults, **kwargs)
        if self.model is TeamMember and kwargs.get("position") == Position.AGEN_PERUBAHAN:
            seen.append(counts())
            raise RuntimeError("the database went away in the middle of the write")
        return result

    monkeypatch.setattr(QuerySet, "get_or_create", get_or_create)
    return seen


def test_a_failed_first_run_writes_nothing(
    media, fail_at_the_last_member, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True), pytest.raises(RuntimeError):
        call_command("seed_demo", stdout=StringIO())
    # When it failed, everything else had been written: units, plan, users, roles, members.
    [at_failure] = fail_at_the_last_member
    assert all(at_failure[model.__name__] > 0 for model in WRITTEN)
    assert at_failure["TeamMember"] == 4 and at_failure["LogEntry"] > 0
    assert set(counts().values()) == {0}
    assert files_in(media) == []


def test_a_failed_rerun_leaves_the_demo_as_it_was(
    media, monkeypatch, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        call_command("seed_demo", stdout=StringIO())
    stored = files_in(media)
    assert len(stored) == 1
    # Changes a re-run would undo: a password, a unit's name, a role and a team place.
    sekretariat = User.objects.get(username="sekretariat")
    sekretariat.set_password("dipilih-sendiri")
    sekretariat.save()
    Unit.objects.filter(code="6107").update(name="Nama Lama")
    UnitRole.objects.filter(user__username="kpuri").delete()
    TeamMember.objects.filter(position=Position.AGEN_PERUBAHAN).delete()
    before = snapshot()

    real = QuerySet.get_or_create
    restored = []

    def get_or_create(self, defaults=None, **kwargs):
        obj, created = real(self, defaults, **kwargs)
        if self.model is TeamMember and kwargs.get("position") == Position.AGEN_PERUBAHAN:
            restored.append(
                (
                    created,
                    Unit.objects.get(code="6107").name,
                    UnitRole.objects.filter(user__username="kpuri").exists(),
                    User.objects.get(username="sekretariat").check_password("renaksi-sekretariat"),
                )
            )
            raise RuntimeError("the database went away in the middle of the write")
        return obj, created

    monkeypatch.setattr(QuerySet, "get_or_create", get_or_create)
    with django_capture_on_commit_callbacks(execute=True), pytest.raises(RuntimeError):
        call_command("seed_demo", stdout=StringIO())
    # The re-run had restored all four before it failed; all four are undone.
    assert restored == [(True, "KPU Kabupaten Bengkayang", True, True)]
    assert snapshot() == before
    assert User.objects.get(username="sekretariat").check_password("dipilih-sendiri")
    assert files_in(media) == stored
