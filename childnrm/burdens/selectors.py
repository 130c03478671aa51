"""New burdens: who may log time on which case, and the time and cost figures (issue 10, ADR 0026).

Scoped reads (the views' only way in):
- `cases_worked_on(user)`: the cases a user works on at a site where they log time (TIME_LOG): every case of
  the site for its coordinator; otherwise a case whose sitting they chaired or were invited to (not where they
  declared a conflict on it, nor at a sitting that has happened where they were never marked present), whose child
  they are the lead social worker or guardian of, whose plan has an action they own, whose information
  request was addressed to their organisation, or whose decision they second-reviewed; never a case retention
  anonymised (`referrals.anonymised`: kept for the figures, its time stays in them; nothing more is recorded).
  `case_worked_on` and `plan_case_worked_on` (a page's "Log time" link) answer for a coordinator without the
  scope's subqueries. `case_for_logging` (a case's time and its "Log time" page) reads an anonymised case too: its
  time is still shown, and the page says why no more is logged.
- the held sittings whose length the coordinator records (PANEL_MANAGE), the sites whose costs a user sees
  (COSTS_VIEW: the coordinator their own site, the analyst every site they hold the role at).

The figures (stable names, read by the statistics app's pilot evaluation; true values: the caller applies
disclosure control):
- `costs_by_quarter(site_ids, start, end) -> list[QuarterCost]`: per site and calendar quarter;
- `costs_by_site(site_ids, start, end) -> list[SiteCost]`: per site (panel) over the period;
- `cost_per_case(site_ids, start, end) -> list[CaseCost]`: per case over the period;
- `time_by_role(site_ids, start, end) -> list[RoleTime]`: per site and role over the period;
- `time_on_case(referral) -> list[PersonTime]`: per person on one case, all time;
- `site_rates(site_ids) -> dict[site_id, dict[role, pence an hour]]`.

How time is counted: a held sitting (closed, or with its length recorded) gives each person marked present its
length divided by the number of cases on its agenda, for each case; logged time counts as logged. Time falls in
the quarter (and period) of the sitting's day or the day worked. A case's cost is each person's time at their
role's hourly rate at the site. The database does the grouping (time entries by site, case, role and quarter;
attendance by sitting and role); Python only combines those rows with the durations and rates.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from django.db.models import Case, CharField, Count, Exists, F, OuterRef, Q, QuerySet, Sum, Value, When
from django.db.models.functions import TruncQuarter
from django.http import Http404
from django.utils import timezone, translation
from django.utils.translation import gettext

from childnrm.access.policy import Perm, sites_where
from childnrm.access.roles import Role
from childnrm.accounts.models import Site
from childnrm.burdens.models import (
    COSTED_ROLES,
    HourlyRate,
    TimeEntry,
    TimeSubject,
    default_rate_pence,
)
from childnrm.decisions.models import Decision, DecisionStatus
from childnrm.information.models import InformationRequest
from childnrm.kit import prepared
from childnrm.kit.dates import ENGLISH_MONTHS, WELSH_MONTHS, long_date
from childnrm.kit.welsh_mutation import welsh_format
from childnrm.panels.models import (
    AgendaItem,
    AttendsAs,
    ConflictDeclaration,
    Meeting,
    MeetingAttendee,
    MeetingStatus,
)
from childnrm.people.models import AssociationKind, ChildAssociation
from childnrm.referrals.anonymised import case_anonymised, live
from childnrm.referrals.models import Referral, ReferralStatus
from childnrm.safeguarding.models import PlanAction, SafeguardingPlan

# A sitting's opening-to-closing time longer than this was not all sitting (closed the next day): not counted
# until the coordinator records how long it lasted.
MAX_DERIVED_MINUTES = 8 * 60

# Associations with the child that make someone work on the case (a referrer's part ends with the referral).
WORKER_KINDS = (AssociationKind.LEAD_SOCIAL_WORKER, AssociationKind.ICTG)

# How an attendee's seat is costed: the chair at the chair's rate, everyone else at their seat's role.
ATTENDS_AS_ROLE = {AttendsAs.MEMBER: Role.PANEL_MEMBER, AttendsAs.ICTG: Role.ICTG, AttendsAs.ADVISER: Role.ADVISER}


# --- Quarters --------------------------------------------------------------------------------------------


def quarter_start(day: date) -> date:
    """The first day of the calendar quarter `day` falls in (the Home Office publishes by calendar quarter)."""
    return date(day.year, 3 * ((day.month - 1) // 3) + 1, 1)


def quarter_end(start: date) -> date:
    month = start.month + 3
    return (date(start.year + (month > 12), (month - 1) % 12 + 1, 1)) - timedelta(days=1)


def quarters_between(start: date, end: date) -> list[date]:
    """The first days of the quarters that overlap [start, end]."""
    found, current = [], quarter_start(start)
    while current <= end:
        found.append(current)
        current = quarter_end(current) + timedelta(days=1)
    return found


def quarter_label(start: date) -> str:
    """'January to March 2026'; in Welsh 'Ionawr i Fawrth 2026' (the month after "i" takes a soft mutation)."""
    first, last = start.month - 1, quarter_end(start).month - 1
    if translation.get_language() == "cy":
        names = (WELSH_MONTHS[first], _WELSH_AFTER_I.get(WELSH_MONTHS[last], WELSH_MONTHS[last]))
    else:
        names = (ENGLISH_MONTHS[first], ENGLISH_MONTHS[last])
    return gettext("%(first)s to %(last)s %(year)s") % {"first": names[0], "last": names[1], "year": start.year}


# The months a quarter ends in, soft-mutated as they are after "i" (to).
_WELSH_AFTER_I = {"Mawrth": "Fawrth", "Mehefin": "Fehefin", "Medi": "Fedi", "Rhagfyr": "Ragfyr"}


# --- Who may log time on which case -----------------------------------------------------------------------


def cases_worked_on(user) -> QuerySet[Referral]:
    """The cases the user may log time on: those they work on at a site where they hold TIME_LOG, but an
    anonymised case (nothing more is recorded about it)."""
    return _worked_on(user).filter(live())


def _worked_on(user) -> QuerySet[Referral]:
    """The cases the user works on at a site where they hold TIME_LOG, anonymised or not."""
    if not getattr(user, "is_authenticated", False):
        return Referral.objects.none()
    sites = sites_where(user, Perm.TIME_LOG)
    if not sites:
        return Referral.objects.none()
    every_case = set(sites_where(user, Perm.CHILD_VIEW_SITE))
    sat = _sat_on(user)
    associated = ChildAssociation.objects.filter(
        child=OuterRef("child_id"), user=user, kind__in=WORKER_KINDS, ends_at__isnull=True
    )
    owns_action = PlanAction.objects.filter(plan__child=OuterRef("child_id"), owner=user)
    reviewed = Decision.objects.filter(referral=OuterRef("pk"), second_reviewed_by=user)
    scope = (
        Q(site_id__in=[s for s in sites if s in every_case])
        | sat
        | Exists(associated)
        | Exists(owns_action)
        | Exists(reviewed)
    )
    review_sites = sites_where(user, Perm.DECISION_SECOND_REVIEW)
    if review_sites:
        waiting = Decision.objects.filter(referral=OuterRef("pk"), status=DecisionStatus.SECOND_REVIEW)
        scope |= Q(Exists(waiting), site_id__in=review_sites)
    organisation_id = getattr(user, "organisation_id", None)
    respond_sites = sites_where(user, Perm.INFORMATION_RESPOND)
    if organisation_id is not None and respond_sites:
        asked = InformationRequest.objects.filter(referral=OuterRef("pk"), organisation_id=organisation_id)
        scope |= Q(Exists(asked), site_id__in=respond_sites)
    return (
        Referral.objects.filter(site_id__in=sites, child__isnull=False)
        .exclude(status=ReferralStatus.DRAFT)
        .filter(scope)
    )


def _sat_on(user) -> Exists:
    """The case was on the agenda of a sitting (not cancelled) the user chaired or attends, and they may have its
    papers there: not where they declared a conflict on it (panels.selectors refuses them the papers), nor, at a
    sitting that has happened (closed), where they were never marked present. A sitting still to come or in
    session counts its invited attendees. Kept after the decision for those who sat on it (ADR 0026)."""
    attended = MeetingAttendee.objects.filter(meeting=OuterRef("meeting_id"), user=user).filter(
        Q(present=True) | ~Q(meeting__status=MeetingStatus.CLOSED)
    )
    conflicted = ConflictDeclaration.objects.filter(agenda_item=OuterRef("pk"), attendee__user=user, has_conflict=True)
    items = AgendaItem.objects.filter(referral=OuterRef("pk")).exclude(meeting__status=MeetingStatus.CANCELLED)
    return Exists(items.filter(Q(meeting__chair=user) | Exists(attended)).exclude(Exists(conflicted)))


def may_log_time(user, referral: Referral) -> bool:
    return cases_worked_on(user).filter(pk=referral.pk).exists()


def works_on(user, referral: Referral) -> bool:
    """Whether the case is one the user works on, anonymised or not (the service then says why an anonymised
    case takes no more time, rather than refusing as if the user had no part in it)."""
    return _worked_on(user).filter(pk=referral.pk).exists()


def case_worked_on(user, referral: Referral) -> Referral | None:
    """The case if it is one of `cases_worked_on(user)`, for a page offering to log time on it (the service asks
    the database again when time is logged). Where the user sees every case of its site and logs time there (its
    coordinator), every case of the site but a draft, one without a child or an anonymised one is: answered from
    the row as read, without building the scope's subqueries; otherwise read through the scope."""
    if sees_every_case(user, referral):
        workable = referral.child_id is not None and referral.status != ReferralStatus.DRAFT
        return referral if workable and not case_anonymised(referral) else None
    return cases_worked_on(user).filter(pk=referral.pk).first()


def plan_case_worked_on(user, plan: SafeguardingPlan) -> Referral | None:
    """The case a plan's "Log time" link is for, if the user works on it: the case of the decision the plan was
    agreed with, else the child's latest case the user works on. `plan.decision` is read with the plan.

    Where the user sees every case at every site where they log time (a coordinator), `cases_worked_on` is every
    case of those sites but a draft or one without a child: the case is read by a statement compiled once for those
    sites, not through the scope's subqueries, and `case_worked_on` answers from it. Anyone else goes through the
    scope. Only the link's reference and what `case_worked_on` asks are read."""
    sites = _sites_of_every_case(user)
    if sites is None:
        scope = cases_worked_on(user)
        case = scope.filter(pk=plan.decision.referral_id) if plan.decision_id else scope.filter(child_id=plan.child_id)
        return case.order_by("-submitted_at", "-pk").first()
    if plan.decision_id:
        found = prepared.first(Referral, ("burdens:plan-case", sites), _case_at(sites), plan.decision.referral_id)
    else:
        found = prepared.first(Referral, ("burdens:plan-latest-case", sites), _latest_case_at(sites), plan.child_id)
    return case_worked_on(user, found) if found is not None else None


# The columns the link (its reference) and `case_worked_on` (site, child, status, anonymised) read of a case.
_LINK_FIELDS = ("reference", "site", "child", "status", "anonymised_at")


def _sites_of_every_case(user) -> tuple[int, ...] | None:
    """The sites where the user logs time, when they see every case at each of them (else None: the scope's
    subqueries decide, or no case does)."""
    if not getattr(user, "is_authenticated", False):
        return None
    sites = sites_where(user, Perm.TIME_LOG)
    if not sites or not set(sites) <= set(sites_where(user, Perm.CHILD_VIEW_SITE)):
        return None
    return tuple(sites)


def _case_at(sites: tuple[int, ...]) -> Callable[[int], QuerySet[Referral]]:
    """The case by id, if it is at one of `sites`."""

    def build(referral_id: int) -> QuerySet[Referral]:
        return Referral.objects.filter(pk=referral_id, site_id__in=sites).only(*_LINK_FIELDS)[:1]

    return build


def _latest_case_at(sites: tuple[int, ...]) -> Callable[[int], QuerySet[Referral]]:
    """The child's latest case at `sites` but a draft or an anonymised one."""

    def build(child_id: int) -> QuerySet[Referral]:
        cases = Referral.objects.filter(live(), child_id=child_id, site_id__in=sites).exclude(
            status=ReferralStatus.DRAFT
        )
        return cases.order_by("-submitted_at", "-pk").only(*_LINK_FIELDS)[:1]

    return build


def case_for_logging(user, reference: str) -> Referral:
    """A case the user works on, anonymised or not: its time is shown, and its "Log time" page says why no more is
    logged on an anonymised one."""
    referral = _worked_on(user).select_related("site", "child").filter(reference=reference).first()
    if referral is None:
        raise Http404
    return referral


def sees_every_case(user, referral: Referral) -> bool:
    """The site's coordinator: sees everyone's time on the case, not only their own."""
    return referral.site_id in sites_where(user, Perm.CHILD_VIEW_SITE) and referral.site_id in sites_where(
        user, Perm.TIME_LOG
    )


@dataclass(frozen=True)
class Subject:
    """Something on a case time can be logged against: `key` as the form sends it ("decision-12")."""

    key: str
    kind: str  # TimeSubject
    pk: int
    label: str


def _decision_label(decision: Decision) -> str:
    """'Reasonable grounds decision, version 2 of 3 May 2026': one whole message for each shape, as Welsh orders
    the words differently."""
    words = {"stage": decision.get_stage_display(), "version": decision.version}
    later = decision.version > 1
    if decision.status == DecisionStatus.DRAFT:
        if later:
            return gettext("%(stage)s decision, version %(version)s (draft)") % words
        return gettext("%(stage)s decision (draft)") % words
    if decision.decided_on:
        words["day"] = long_date(decision.decided_on)
        if later:
            return gettext("%(stage)s decision, version %(version)s of %(day)s") % words
        return gettext("%(stage)s decision of %(day)s") % words
    if later:
        return gettext("%(stage)s decision, version %(version)s") % words
    return gettext("%(stage)s decision") % words


def subjects_for(user, referral: Referral) -> list[Subject]:
    """What the user may log time against on the case: its decisions, the child's safeguarding plans, and its
    information requests (all of them for the coordinator; those to their organisation for an agency)."""
    found: list[Subject] = []
    for decision in Decision.objects.filter(referral=referral).order_by("stage", "version", "pk"):
        found.append(Subject(f"decision-{decision.pk}", TimeSubject.DECISION, decision.pk, _decision_label(decision)))
    if referral.child_id is not None:
        for plan in SafeguardingPlan.objects.filter(child_id=referral.child_id).order_by("created_at", "pk"):
            agreed = {"day": long_date(plan.created_at)}
            if plan.closed_at:
                label = gettext("Safeguarding plan agreed on %(day)s (closed)") % agreed
            else:
                label = gettext("Safeguarding plan agreed on %(day)s") % agreed
            found.append(Subject(f"plan-{plan.pk}", TimeSubject.PLAN, plan.pk, label))
    requests = InformationRequest.objects.filter(referral=referral).select_related("organisation")
    if referral.site_id not in sites_where(user, Perm.INFORMATION_REQUEST):
        requests = requests.filter(organisation_id=getattr(user, "organisation_id", None))
    for asked in requests.order_by("pk"):
        label = welsh_format(
            gettext("Information request %(reference)s to %(organisation)s"),
            {"reference": asked.reference, "organisation": asked.organisation.display_name},
        )
        found.append(Subject(f"information-{asked.pk}", TimeSubject.INFORMATION, asked.pk, label))
    return found


def entries_by(user) -> QuerySet[TimeEntry]:
    """The time the user has logged, newest first."""
    return TimeEntry.objects.filter(user=user).select_related("referral", "site")


def entries_on_case(user, referral: Referral) -> QuerySet[TimeEntry]:
    """The time logged on the case that the user sees: everyone's for the coordinator, else their own."""
    entries = TimeEntry.objects.filter(referral=referral).select_related(
        "user", "decision", "plan", "information_request"
    )
    if not sees_every_case(user, referral):
        entries = entries.filter(user=user)
    return entries


# --- Sittings' lengths --------------------------------------------------------------------------------------


def held_sittings_for(user) -> QuerySet[Meeting]:
    """Sittings that were opened (held, or in session) at sites where the user runs the panel."""
    return (
        Meeting.objects.filter(site_id__in=sites_where(user, Perm.PANEL_MANAGE), opened_at__isnull=False)
        .exclude(status=MeetingStatus.CANCELLED)
        .select_related("site", "chair", "burden_duration")
    )


def sitting_for_duration(user, meeting_id: int) -> Meeting:
    meeting = held_sittings_for(user).filter(pk=meeting_id).first()
    if meeting is None:
        raise Http404
    return meeting


def derived_minutes(meeting: Meeting) -> int | None:
    """The sitting's length from opening to closing it in the service, if it looks like a sitting's length."""
    if meeting.opened_at is None or meeting.closed_at is None:
        return None
    minutes = round((meeting.closed_at - meeting.opened_at).total_seconds() / 60)
    return minutes if 1 <= minutes <= MAX_DERIVED_MINUTES else None


def recorded_minutes(meeting: Meeting) -> int | None:
    try:
        return meeting.burden_duration.minutes
    except Meeting.burden_duration.RelatedObjectDoesNotExist:
        return None


def sitting_minutes(meeting: Meeting) -> int | None:
    """How long the sitting counts for: the length recorded, else the opening-to-closing time, else unknown."""
    recorded = recorded_minutes(meeting)
    return recorded if recorded is not None else derived_minutes(meeting)


# --- Sites whose costs the user sees ------------------------------------------------------------------------


def cost_sites_for(user) -> list[Site]:
    return list(Site.objects.filter(pk__in=sites_where(user, Perm.COSTS_VIEW)).order_by("name"))


# --- Rates --------------------------------------------------------------------------------------------------


def site_rates(site_ids: Iterable[int]) -> dict[int, dict[str, int]]:
    """Each site's hourly rate per costed role, in pence: the site's own where set, else the default."""
    ids = list(site_ids)
    rates = {site_id: {role: default_rate_pence(role) for role in COSTED_ROLES} for site_id in ids}
    for site_id, role, pence in HourlyRate.objects.filter(site_id__in=ids).values_list("site_id", "role", "pence"):
        rates[site_id][role] = pence
    return rates


# --- The figures --------------------------------------------------------------------------------------------


class _Minutes:
    """Time from sittings and from time entries, added up."""

    sitting_minutes: float
    logged_minutes: int

    @property
    def minutes(self) -> float:
        return self.sitting_minutes + self.logged_minutes


@dataclass(frozen=True)
class QuarterCost(_Minutes):
    site_id: int
    quarter: date  # the quarter's first day
    cases: int  # cases with any time in the quarter
    sitting_minutes: float  # person-minutes at sittings
    logged_minutes: int  # person-minutes logged
    cost_pence: int


@dataclass(frozen=True)
class SiteCost(_Minutes):
    site_id: int
    cases: int  # cases with any time in the period
    sittings: int  # sittings held in the period that count (a length known)
    sittings_without_length: int  # held in the period, but how long they lasted is not known: not counted
    sitting_minutes: float
    logged_minutes: int
    cost_pence: int


@dataclass(frozen=True)
class CaseCost(_Minutes):
    referral_id: int
    site_id: int
    sitting_minutes: float
    logged_minutes: int
    cost_pence: int


@dataclass(frozen=True)
class RoleTime(_Minutes):
    site_id: int
    role: str
    sitting_minutes: float
    logged_minutes: int
    cost_pence: int


@dataclass(frozen=True)
class PersonTime(_Minutes):
    user_id: int
    name: str
    role: str
    sitting_minutes: float
    logged_minutes: int
    cost_pence: int


@dataclass(frozen=True)
class _Work:
    """Time at the grain every figure is added up from: one site, quarter and role, from one source, shared
    equally by the cases in `referral_ids` (a sitting's agenda; one case for logged time)."""

    site_id: int
    referral_ids: tuple[int, ...]
    quarter: date
    role: str
    minutes: float  # all of it, before sharing
    sitting: bool


def _day_bounds(start: date, end: date) -> tuple[datetime, datetime]:
    return (
        timezone.make_aware(datetime.combine(start, time.min)),
        timezone.make_aware(datetime.combine(end + timedelta(days=1), time.min)),
    )


def _held_sittings(site_ids: Sequence[int], start: date, end: date) -> QuerySet[Meeting]:
    """Sittings of the sites on days in [start, end] that were held: closed, or with their length recorded."""
    since, before = _day_bounds(start, end)
    return (
        Meeting.objects.filter(site_id__in=site_ids, starts_at__gte=since, starts_at__lt=before)
        .exclude(status=MeetingStatus.CANCELLED)
        .filter(Q(status=MeetingStatus.CLOSED) | Q(burden_duration__isnull=False))
    )


def _attendee_role() -> Case:
    """An attendee's costed role, in SQL: the sitting's chair at the chair's rate, everyone else at their seat's."""
    return Case(
        When(user_id=F("meeting__chair_id"), then=Value(Role.CHAIR)),
        *(When(attends_as=seat, then=Value(role)) for seat, role in ATTENDS_AS_ROLE.items()),
        default=Value(Role.PANEL_MEMBER),
        output_field=CharField(),
    )


def _sitting_work(
    site_ids: Sequence[int], start: date, end: date
) -> tuple[list[_Work], dict[int, int], dict[int, int]]:
    """Time at held sittings, shared between the cases on each agenda; also, per site, how many held sittings
    count (their length known) and how many do not (no length)."""
    meetings = list(
        _held_sittings(site_ids, start, end)
        .select_related("burden_duration")
        .only("pk", "site_id", "starts_at", "opened_at", "closed_at", "burden_duration__minutes")
    )
    lengths: dict[int, int] = {}
    counted: dict[int, int] = defaultdict(int)
    without: dict[int, int] = defaultdict(int)
    for meeting in meetings:
        minutes = sitting_minutes(meeting)
        if minutes is None:
            without[meeting.site_id] += 1
        else:
            lengths[meeting.pk] = minutes
            counted[meeting.site_id] += 1
    if not lengths:
        return [], dict(counted), dict(without)
    present: dict[int, dict[str, int]] = defaultdict(dict)
    for meeting_id, role, n in (
        MeetingAttendee.objects.filter(meeting_id__in=lengths, present=True)
        .annotate(costed_as=_attendee_role())
        .values("meeting_id", "costed_as")
        .annotate(n=Count("pk"))
        .values_list("meeting_id", "costed_as", "n")
    ):
        present[meeting_id][role] = n
    items: dict[int, list[int]] = defaultdict(list)
    for meeting_id, referral_id in AgendaItem.objects.filter(meeting_id__in=lengths).values_list(
        "meeting_id", "referral_id"
    ):
        items[meeting_id].append(referral_id)
    work: list[_Work] = []
    for meeting in meetings:
        if meeting.pk not in lengths:
            continue
        cases = items.get(meeting.pk, [])
        if not cases:
            continue
        quarter = quarter_start(timezone.localtime(meeting.starts_at).date())
        for role, n in present.get(meeting.pk, {}).items():
            work.append(_Work(meeting.site_id, tuple(cases), quarter, role, lengths[meeting.pk] * n, True))
    return work, dict(counted), dict(without)


def _logged_work(site_ids: Sequence[int], start: date, end: date) -> list[_Work]:
    rows = (
        TimeEntry.objects.filter(site_id__in=site_ids, worked_on__gte=start, worked_on__lte=end)
        .annotate(quarter=TruncQuarter("worked_on"))
        .values("site_id", "referral_id", "quarter", "role")
        .annotate(total=Sum("minutes"))
        .values_list("site_id", "referral_id", "quarter", "role", "total")
    )
    return [_Work(site, (case,), quarter, role, total, False) for site, case, quarter, role, total in rows]


def _all_work(site_ids: Sequence[int], start: date, end: date) -> tuple[list[_Work], dict[int, int], dict[int, int]]:
    sittings, counted, without = _sitting_work(site_ids, start, end)
    return sittings + _logged_work(site_ids, start, end), counted, without


def _rate(rates: dict[int, dict[str, int]], site_id: int, role: str) -> int:
    rate = rates.get(site_id, {}).get(role)
    if rate is None:
        rate = default_rate_pence(role) if role in COSTED_ROLES else 0
    return rate


class _Sums:
    """Time and cost added up under one key: cases, person-minutes at sittings and logged, and pence."""

    def __init__(self) -> None:
        self.cases: set[int] = set()
        self.sitting_minutes = 0.0
        self.logged_minutes = 0
        self.pence = 0.0

    def add(self, referral_ids: Iterable[int], minutes: float, sitting: bool, rate: int) -> None:
        self.cases.update(referral_ids)
        if sitting:
            self.sitting_minutes += minutes
        else:
            self.logged_minutes += int(minutes)
        self.pence += minutes * rate / 60


def _add_up(work: list[_Work], rates: dict[int, dict[str, int]], key) -> dict:
    """The work added up under `key(work)`: each piece once, with all the cases it was shared by."""
    sums: dict = defaultdict(_Sums)
    for w in work:
        sums[key(w)].add(w.referral_ids, w.minutes, w.sitting, _rate(rates, w.site_id, w.role))
    return sums


def _add_up_by_case(work: list[_Work], rates: dict[int, dict[str, int]]) -> dict:
    """The work added up per (site, case): a sitting's time shared equally by the cases on its agenda."""
    sums: dict = defaultdict(_Sums)
    for w in work:
        share, rate = w.minutes / len(w.referral_ids), _rate(rates, w.site_id, w.role)
        for referral_id in w.referral_ids:
            sums[(w.site_id, referral_id)].add((referral_id,), share, w.sitting, rate)
    return sums


def costs_by_quarter(site_ids: Sequence[int], start: date, end: date) -> list[QuarterCost]:
    """Per site and calendar quarter overlapping [start, end] (every one, zeros included), by site and then
    oldest first: the cases with time in the quarter, person-minutes at sittings and logged, and cost in pence."""
    ids = sorted(set(site_ids))
    work, _, _ = _all_work(ids, start, end)
    sums = _add_up(work, site_rates(ids), lambda w: (w.site_id, w.quarter))
    rows = []
    for site_id in ids:
        for quarter in quarters_between(start, end):
            s = sums.get((site_id, quarter)) or _Sums()
            rows.append(
                QuarterCost(site_id, quarter, len(s.cases), s.sitting_minutes, s.logged_minutes, round(s.pence))
            )
    return rows


def costs_by_site(site_ids: Sequence[int], start: date, end: date) -> list[SiteCost]:
    """Per site (panel) over [start, end]: cases with any time, sittings counted and those held without a known
    length (not counted), person-minutes at sittings and logged, and cost in pence."""
    ids = sorted(set(site_ids))
    work, counted, without = _all_work(ids, start, end)
    sums = _add_up(work, site_rates(ids), lambda w: w.site_id)
    rows = []
    for site_id in ids:
        s = sums.get(site_id) or _Sums()
        rows.append(
            SiteCost(
                site_id,
                len(s.cases),
                counted.get(site_id, 0),
                without.get(site_id, 0),
                s.sitting_minutes,
                s.logged_minutes,
                round(s.pence),
            )
        )
    return rows


def cost_per_case(site_ids: Sequence[int], start: date, end: date) -> list[CaseCost]:
    """Per case with any time at the sites in [start, end], by site and case: person-minutes at sittings and
    logged, and cost in pence (for averages, medians and distributions)."""
    ids = sorted(set(site_ids))
    work, _, _ = _all_work(ids, start, end)
    sums = _add_up_by_case(work, site_rates(ids))
    return [
        CaseCost(case, site, s.sitting_minutes, s.logged_minutes, round(s.pence))
        for (site, case), s in sorted(sums.items())
    ]


def time_by_role(site_ids: Sequence[int], start: date, end: date) -> list[RoleTime]:
    """Per site and costed role with any time over [start, end], by site and then role (the most senior first):
    person-minutes at sittings and logged, and cost in pence."""
    ids = sorted(set(site_ids))
    work, _, _ = _all_work(ids, start, end)
    sums = _add_up(work, site_rates(ids), lambda w: (w.site_id, w.role))
    order = {role: i for i, role in enumerate(COSTED_ROLES)}
    keys = sorted(sums, key=lambda k: (k[0], order.get(k[1], len(order)), k[1]))
    return [
        RoleTime(
            site,
            role,
            sums[(site, role)].sitting_minutes,
            sums[(site, role)].logged_minutes,
            round(sums[(site, role)].pence),
        )
        for site, role in keys
    ]


def time_on_case(referral: Referral) -> list[PersonTime]:
    """Everyone's time on one case, all time: their share of each held sitting that had the case on its agenda,
    and what they logged, each costed at their role's rate at the site where they did it. Most time first."""
    meetings = {
        m.pk: m
        for m in Meeting.objects.filter(pk__in=AgendaItem.objects.filter(referral=referral).values("meeting_id"))
        .exclude(status=MeetingStatus.CANCELLED)
        .filter(Q(status=MeetingStatus.CLOSED) | Q(burden_duration__isnull=False))
        .select_related("burden_duration")
    }
    agenda_sizes = dict(
        AgendaItem.objects.filter(meeting_id__in=meetings)
        .values("meeting_id")
        .annotate(n=Count("pk"))
        .values_list("meeting_id", "n")
    )
    entries = list(
        TimeEntry.objects.filter(referral=referral)
        .values("user_id", "user__full_name", "role", "site_id")
        .annotate(total=Sum("minutes"))
        .values_list("user_id", "user__full_name", "role", "site_id", "total")
    )
    rates = site_rates({m.site_id for m in meetings.values()} | {site for _, _, _, site, _ in entries})
    names: dict[int, str] = {}
    sums: dict[tuple[int, str], _Sums] = defaultdict(_Sums)
    attendees = (
        MeetingAttendee.objects.filter(meeting_id__in=meetings, present=True)
        .annotate(costed_as=_attendee_role())
        .values_list("meeting_id", "user_id", "user__full_name", "costed_as")
    )
    for meeting_id, user_id, name, role in attendees:
        meeting = meetings[meeting_id]
        minutes = sitting_minutes(meeting)
        if minutes is None:
            continue
        names[user_id] = name
        share = minutes / agenda_sizes[meeting_id]
        sums[(user_id, role)].add((referral.pk,), share, True, _rate(rates, meeting.site_id, role))
    for user_id, name, role, site_id, total in entries:
        names[user_id] = name
        sums[(user_id, role)].add((referral.pk,), total, False, _rate(rates, site_id, role))
    rows = [
        PersonTime(user_id, names[user_id], role, s.sitting_minutes, s.logged_minutes, round(s.pence))
        for (user_id, role), s in sums.items()
    ]
    return sorted(rows, key=lambda r: (-r.minutes, r.name))
