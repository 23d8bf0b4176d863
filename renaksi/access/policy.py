"""The one access layer: who may see and do what, for views, API, exports and commands.

Everything a person may do follows from two kinds of data:

* ``UnitRole`` rows: administrator of a unit; reviewer or viewer of a unit and every unit
  below it (KPU RI → KPU Provinsi → KPU Kabupaten/Kota);
* ``TeamMember`` rows of the unit's Tim RB for a year: Tim Pengarah, Tim Pelaksana of an
  area, Agen Perubahan, Tim Asesor. An activity or sub-activity may also name a PIC.

``grants_for(user)`` reads both once per request (three queries, cached on the user object).
Object checks are registered with django-rules (``user.has_perm(PERM, obj)``, see rules.py);
lists come from the ``*_visible_to(user)`` querysets below, and single objects from
``get_for_user()``: an object the user may not see is a 404, an action they may not take a 403.
Templates only hide buttons; they never decide.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from django.core.exceptions import PermissionDenied
from django.db.models import Q, QuerySet
from django.http import Http404

from renaksi.units.models import Unit

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser, User

# Permission names, checked with user.has_perm(name, obj).
VIEW_UNIT = "units.view_unit"
MANAGE_UNIT = "units.manage_unit"  # its users, roles, team and plan
VIEW_PLAN = "plans.view_actionplan"
CHANGE_PLAN = "plans.change_actionplan"
APPROVE_PLAN = "plans.approve_actionplan"
REVIEW_PLAN = "plans.review_actionplan"
FILL_EVALUATION = "plans.fill_evaluation"
VERIFY_EVIDENCE = "plans.verify_evidence"
EDIT_REALISATION = "plans.edit_realisation"  # obj: SubActivity or ChangeAgentAction
ADD_EVIDENCE = "plans.add_evidence"  # obj: SubActivity or ChangeAgentAction
# The year's work (renaksi/work). obj: a Realisation, SchedulePeriod, Evidence (unit_id, year)
# or a plan; an assessor of the unit and year verifies.
VERIFY_REALISATION = "work.verify_realisation"
VIEW_EVIDENCE = "work.view_evidence"  # obj: Evidence (or Realisation): who may read the unit
MANAGE_AGENT_PLAN = "work.change_changeagentplan"  # obj: ChangeAgentPlan: its agent, the admin
# Quarterly monitoring (renaksi/monitoring). obj: a plan, QuarterReport or FollowUp (unit_id,
# year): the unit's administrator and its Tim Pengarah write the narrative and follow-ups; a
# follow-up's owner also updates its progress (UPDATE_FOLLOW_UP).
EDIT_MONITORING = "monitoring.change_quarterreport"
UPDATE_FOLLOW_UP = "monitoring.change_followup"
# Evaluation (renaksi/evaluation). obj: an Assessment (unit_id, year, unit.parent_id).
FILL_ASSESSMENT = "evaluation.change_assessment"  # the unit's own answers (tier self)
SCORE_AS_UNIT_ASSESSOR = "evaluation.score_unit_assessor"  # the unit's Tim Asesor
SCORE_AS_PROVINCE = "evaluation.score_province"  # a reviewer of the unit's KPU Provinsi
SCORE_AS_NATIONAL = "evaluation.score_national"  # a reviewer at KPU RI
MANAGE_FRAMEWORK = "evaluation.change_framework"  # no obj: a national administrator
# The submission chain (renaksi/submissions). SUBMIT_PERIOD obj: a plan or Submission (the
# unit's administrator); DECIDE_SUBMISSION obj: a Submission (a reviewer of its at_unit);
# REOPEN_SUBMISSION obj: a Submission (a reviewer of its at_unit or of any unit above it).
SUBMIT_PERIOD = "submissions.add_submission"
DECIDE_SUBMISSION = "submissions.decide_submission"
REOPEN_SUBMISSION = "submissions.reopen_submission"
# The public RB column (renaksi/publication). obj: a plan or Publication (unit_id, year): the
# unit's administrator publishes, changes what is published, and withdraws it.
PUBLISH_PLAN = "publication.change_publication"
VIEW_TEAM = "teams.view_reformteam"
CHANGE_TEAM = "teams.change_reformteam"

_CACHE_ATTRIBUTE = "_renaksi_grants"


@dataclass(frozen=True)
class Grants:
    """What one user holds, read once. Unit ids; team entries per (unit id, year)."""

    active: bool = False
    superuser: bool = False
    read_all: bool = False
    read_units: frozenset[int] = frozenset()
    review_all_below: frozenset[int] = frozenset()  # reviewer at KPU RI: reviews all below
    review_units: frozenset[int] = frozenset()
    review_roots: frozenset[int] = frozenset()  # units where the user holds the reviewer role
    national_admin: bool = False  # administrator of a KPU RI (pusat) unit
    admin_units: frozenset[int] = frozenset()
    role_units: frozenset[int] = frozenset()  # any role held in the unit itself
    steering: frozenset[tuple[int, int]] = frozenset()
    implementer_areas: frozenset[tuple[int, int, int]] = frozenset()  # (unit, year, area)
    change_agent: frozenset[tuple[int, int]] = frozenset()
    assessor: frozenset[tuple[int, int]] = frozenset()
    member_units: frozenset[int] = frozenset()

    # -- units -------------------------------------------------------------------------
    def can_read_unit(self, unit_id: int) -> bool:
        if not self.active:
            return False
        return (
            self.superuser
            or self.read_all
            or unit_id in self.read_units
            or unit_id in self.admin_units
            or unit_id in self.member_units
        )

    def can_review_unit(self, unit_id: int) -> bool:
        if not self.active:
            return False
        if self.superuser or unit_id in self.review_units:
            return True
        return bool(self.review_all_below) and unit_id not in self.review_all_below

    def reviews_at(self, unit_id: int) -> bool:
        """A reviewer in that very unit (the level a submission waits at), or a superuser."""
        return self.active and (self.superuser or unit_id in self.review_roots)

    def can_manage_frameworks(self) -> bool:
        return self.active and (self.superuser or self.national_admin)

    def can_manage_unit(self, unit_id: int) -> bool:
        return self.active and (self.superuser or unit_id in self.admin_units)

    # -- the reform team of a unit and year ----------------------------------------------
    def is_steering(self, unit_id: int, year: int) -> bool:
        return self.active and (unit_id, year) in self.steering

    def implements(self, unit_id: int, year: int, area_number: int) -> bool:
        return self.active and (unit_id, year, area_number) in self.implementer_areas

    def is_change_agent(self, unit_id: int, year: int) -> bool:
        return self.active and (unit_id, year) in self.change_agent

    def is_assessor(self, unit_id: int, year: int) -> bool:
        return self.active and (unit_id, year) in self.assessor

    def belongs_to_unit(self, unit_id: int) -> bool:
        """A role in the unit itself or a place in one of its teams (plans.services.unit_people).

        Being PIC counts only while this holds: a PIC who left the unit reports on nothing.
        """
        return self.active and (unit_id in self.role_units or unit_id in self.member_units)

    def lacks(self, other: Grants) -> set[str]:
        """What ``other`` gives that these grants do not: "read", "review", "manage".

        Used before granting a role: a granter may not hand out more than they hold.
        """
        if self.superuser:
            return set()
        missing = set()
        if other.read_all and not self.read_all:
            missing.add("read")
        if not all(
            self.can_read_unit(unit_id)
            for unit_id in other.read_units | other.admin_units | other.member_units
        ):
            missing.add("read")
        if other.review_all_below and not self.review_all_below:
            missing.add("review")
        if not all(self.can_review_unit(unit_id) for unit_id in other.review_units):
            missing.add("review")
        if not all(self.can_manage_unit(unit_id) for unit_id in other.admin_units):
            missing.add("manage")
        return missing

    def readable_unit_filter(self, field: str) -> Q | None:
        """A filter on ``field`` (a unit id path) for what this user may read; None = all."""
        if self.superuser or self.read_all:
            return None
        ids = self.read_units | self.admin_units | self.member_units
        return Q(**{f"{field}__in": sorted(ids)})


def grants_for(user: User | AnonymousUser) -> Grants:
    """The user's grants, read from the database once and kept on the user object."""
    cached = getattr(user, _CACHE_ATTRIBUTE, None)
    if cached is not None:
        return cached
    grants = _read_grants(user)
    if user.is_authenticated:
        setattr(user, _CACHE_ATTRIBUTE, grants)
    return grants


def forget_grants(user: User | AnonymousUser) -> None:
    """Drop the cached grants (after roles or team membership changed)."""
    if hasattr(user, _CACHE_ATTRIBUTE):
        delattr(user, _CACHE_ATTRIBUTE)


def _read_grants(user: User | AnonymousUser) -> Grants:
    from renaksi.access.models import UnitRole
    from renaksi.teams.models import POSITION_PART, Part, TeamMember

    if not user.is_authenticated or not user.is_active:
        return Grants()
    if user.is_superuser:
        return Grants(active=True, superuser=True)

    role_rows = UnitRole.objects.filter(user=user).values_list("unit_id", "unit__level", "role")
    role_sets = _role_sets(list(role_rows))

    steering, implementer, agents, assessors, members = set(), set(), set(), set(), set()
    for unit_id, year, position, area in TeamMember.objects.filter(user=user).values_list(
        "team__unit_id", "team__year", "position", "change_area__number"
    ):
        members.add(unit_id)
        part = POSITION_PART.get(position)
        if part == Part.PENGARAH:
            steering.add((unit_id, year))
        elif part == Part.PELAKSANA and area is not None:
            implementer.add((unit_id, year, area))
        elif part == Part.AGEN:
            agents.add((unit_id, year))
        elif part == Part.ASESOR:
            assessors.add((unit_id, year))

    return Grants(
        active=True,
        **role_sets,
        steering=frozenset(steering),
        implementer_areas=frozenset(implementer),
        change_agent=frozenset(agents),
        assessor=frozenset(assessors),
        member_units=frozenset(members),
    )


def _role_sets(rows: list[tuple[int, str, str]]) -> dict[str, Any]:
    """The Grants fields that unit roles give: ``rows`` of (unit id, unit level, role).

    One query at most (the children of provinces where the user reads or reviews).
    """
    from renaksi.access.models import UnitRole

    read_all = False
    read_roots: set[int] = set()
    province_roots: set[int] = set()
    review_units: set[int] = set()
    review_all_below: set[int] = set()
    review_provinces: set[int] = set()
    admin_units: set[int] = set()
    role_units: set[int] = set()
    review_roots: set[int] = set()
    national_admin = False
    for unit_id, level, role in rows:
        role_units.add(unit_id)
        if role == UnitRole.Role.ADMIN:
            admin_units.add(unit_id)
            national_admin = national_admin or level == Unit.Level.PUSAT
            continue
        if role == UnitRole.Role.REVIEWER:
            review_roots.add(unit_id)
        read_roots.add(unit_id)
        if level == Unit.Level.PUSAT:
            read_all = True
            if role == UnitRole.Role.REVIEWER:
                review_all_below.add(unit_id)
        elif level == Unit.Level.PROVINSI:
            province_roots.add(unit_id)
            if role == UnitRole.Role.REVIEWER:
                review_provinces.add(unit_id)

    read_units = set(read_roots)
    if province_roots:
        for child_id, parent_id in Unit.objects.filter(parent_id__in=province_roots).values_list(
            "id", "parent_id"
        ):
            read_units.add(child_id)
            if parent_id in review_provinces:
                review_units.add(child_id)
    return {
        "read_all": read_all,
        "read_units": frozenset(read_units),
        "review_all_below": frozenset(review_all_below),
        "review_units": frozenset(review_units),
        "review_roots": frozenset(review_roots),
        "national_admin": national_admin,
        "admin_units": frozenset(admin_units),
        "role_units": frozenset(role_units),
    }


def grants_of_role(unit: Unit, role: str) -> Grants:
    """What one role in one unit would give, alone: to compare with what a granter holds."""
    return Grants(active=True, **_role_sets([(unit.pk, unit.level, role)]))


# -- querysets: what a user may list ----------------------------------------------------


def _restrict(queryset: QuerySet, user, field: str) -> QuerySet:
    grants = grants_for(user)
    if not grants.active:
        return queryset.none()
    condition = grants.readable_unit_filter(field)
    return queryset if condition is None else queryset.filter(condition)


def units_visible_to(user) -> QuerySet:
    return _restrict(Unit.objects.all(), user, "id")


def plans_visible_to(user) -> QuerySet:
    from renaksi.plans.models import ActionPlan

    return _restrict(ActionPlan.objects.all(), user, "unit_id")


def teams_visible_to(user) -> QuerySet:
    from renaksi.teams.models import ReformTeam

    return _restrict(ReformTeam.objects.all(), user, "unit_id")


def agent_plans_visible_to(user) -> QuerySet:
    """Change agents' own plans (renaksi/work/agents.py): readers of the unit see them."""
    from renaksi.work.models import ChangeAgentPlan

    return _restrict(ChangeAgentPlan.objects.all(), user, "plan__unit_id")


def realisations_visible_to(user) -> QuerySet:
    """Realisations (renaksi/work) of the units the user may read."""
    from renaksi.work.models import Realisation

    return _restrict(Realisation.objects.all(), user, "unit_id")


def evidence_visible_to(user) -> QuerySet:
    """Evidence items (renaksi/work, views_files.py) of the units the user may read."""
    from renaksi.work.models import Evidence

    return _restrict(Evidence.objects.all(), user, "unit_id")


def schedule_periods_visible_to(user) -> QuerySet:
    """Schedule periods (renaksi/work) of the units the user may read."""
    from renaksi.work.models import SchedulePeriod

    return _restrict(SchedulePeriod.objects.all(), user, "unit_id")


def quarter_reports_visible_to(user) -> QuerySet:
    """Quarterly monitoring narratives (renaksi/monitoring) of the units the user may read."""
    from renaksi.monitoring.models import QuarterReport

    return _restrict(QuarterReport.objects.all(), user, "unit_id")


def follow_ups_visible_to(user) -> QuerySet:
    """Follow-up actions (renaksi/monitoring) of the units the user may read."""
    from renaksi.monitoring.models import FollowUp

    return _restrict(FollowUp.objects.all(), user, "unit_id")


def assessments_visible_to(user) -> QuerySet:
    """LKE self-assessments (renaksi/evaluation) of the units the user may read."""
    from renaksi.evaluation.models import Assessment

    return _restrict(Assessment.objects.all(), user, "unit_id")


def submissions_visible_to(user) -> QuerySet:
    """Quarterly submissions (renaksi/submissions) of the units the user may read."""
    from renaksi.submissions.models import Submission

    return _restrict(Submission.objects.all(), user, "unit_id")


def submissions_waiting_for(user) -> QuerySet:
    """Sent submissions waiting at a unit where the user is a reviewer (all for a superuser)."""
    from renaksi.submissions.models import Submission

    grants = grants_for(user)
    waiting = Submission.objects.filter(state=Submission.State.SUBMITTED)
    if grants.superuser:
        return waiting
    if not grants.active or not grants.review_roots:
        return waiting.none()
    return waiting.filter(at_unit_id__in=sorted(grants.review_roots))


def sub_activities_assigned_to(user) -> QuerySet:
    """The sub-activities a user reports on: their Tim Pelaksana areas, or where they are PIC
    (of the sub-activity or its activity) in a unit they still belong to."""
    from renaksi.plans.models import SubActivity

    grants = grants_for(user)
    if not grants.active or not user.is_authenticated:
        return SubActivity.objects.none()
    # A PIC reports only while they still belong to the plan's unit.
    condition = (Q(pic=user) | Q(activity__pic=user)) & Q(
        activity__area__plan__unit_id__in=sorted(grants.role_units | grants.member_units)
    )
    for unit_id, year, area in grants.implementer_areas:
        condition |= Q(
            activity__area__plan__unit_id=unit_id,
            activity__area__plan__year=year,
            activity__area__number=area,
        )
    return SubActivity.objects.filter(condition)


def realisations_to_verify(user) -> QuerySet:
    """Submitted realisations the user may verify: those of the units and years where they
    are in the Tim Asesor (every one for a superuser). The year's work, pages part."""
    from renaksi.work.models import Realisation

    grants = grants_for(user)
    submitted = Realisation.objects.filter(state=Realisation.State.SUBMITTED)
    if grants.superuser:
        return submitted
    if not grants.active or not grants.assessor:
        return submitted.none()
    condition = Q()
    for unit_id, year in sorted(grants.assessor):
        condition |= Q(unit_id=unit_id, year=year)
    return submitted.filter(condition)


def publications_public() -> QuerySet:
    """The public RB columns anyone may read without signing in (renaksi/publication): the
    published ones of a plan that is set (ditetapkan) or archived; a withdrawn one is not."""
    from renaksi.plans.models import ActionPlan
    from renaksi.publication.models import Publication

    return Publication.objects.filter(
        published=True,
        plan__status__in=[ActionPlan.Status.DITETAPKAN, ActionPlan.Status.ARSIP],
    )


def evidence_public(publication) -> QuerySet:
    """The evidence a publication shows: chosen by the unit, current, a stored file, and its
    realisation verified (evidence returned or reopened since is no longer public)."""
    from renaksi.work.models import Evidence, Realisation

    return Evidence.objects.filter(
        pk__in=publication.evidence.through.objects.filter(publication_id=publication.pk).values(
            "evidence_id"
        ),
        plan_id=publication.plan_id,
        is_current=True,
        file__isnull=False,
        realisation__state=Realisation.State.VERIFIED,
    )


def quarters_public(publication) -> list[int]:
    """The quarters whose monitoring report a publication shows: chosen by the unit and
    accepted at KPU RI (a package reopened or returned since is no longer public)."""
    from renaksi.submissions.models import Submission

    chosen = {q for q in publication.monev_quarters if q in (1, 2, 3, 4)}
    if not chosen:
        return []
    accepted = Submission.objects.filter(
        plan_id=publication.plan_id, state=Submission.State.ACCEPTED, quarter__in=sorted(chosen)
    ).values_list("quarter", flat=True)
    return sorted(set(accepted))


# -- single objects ----------------------------------------------------------------------


def get_for_user(user, queryset: QuerySet, *, perm: str | None = None, **lookup) -> Any:
    """Load one object from a ``*_visible_to(user)`` queryset.

    404 if the user may not see it (or it does not exist), 403 if they may see it but not
    take the action named by ``perm``.
    """
    try:
        obj = queryset.get(**lookup)
    except queryset.model.DoesNotExist as exc:
        raise Http404 from exc
    if perm is not None and not user.has_perm(perm, obj):
        raise PermissionDenied
    return obj


def get_plan_for_user(user, pk: int, *, write: bool = False, perm: str | None = None):
    """One plan: 404 if not visible; 403 if ``write`` (or ``perm``) is not allowed."""
    return get_for_user(
        user,
        plans_visible_to(user).select_related("unit"),
        perm=perm or (CHANGE_PLAN if write else None),
        pk=pk,
    )
