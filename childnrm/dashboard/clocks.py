"""Clocks and alerts for one site: what is due and what is overdue, computed by the database.

Every alert is a filter on indexed columns with bounds worked out once per site from its policy,
never a Python loop over rows: a date "N days after X" is at or before today exactly when X is at
or before "today minus N days". Lists are limited; counts are the database's.

The alerts (domain.md steps 4, 5, 9, 11, 13):

- reasonable grounds due: referrals whose RG clock runs (`referrals.clocks.rg_running`: with the
  site's panel, submitted or accepted, and no final RG decision), due on
  `referrals.clocks.rg_due_date` (calendar or working days by site policy): overdue, or due
  within `DUE_SOON_DAYS` (today included). The coordinator's queue uses the same definitions;
- the recovery period: a positive final RG without a final CG; the CG can be decided from
  `referrals.clocks.earliest_cg_date` (at once where the site takes both at one sitting);
- reconsideration: a negative final decision communicated to the referrer has its window open until
  the last day recorded when it was communicated (`reviews.ReconsiderationWindow.last_day`, that day
  included; it runs from when the decision was final and communicated, not from the sitting);
- turning 18: children of the site whose 18th birthday is within `site.turning_18_warning_days`
  (not yet 18); those within `CUT_OFF_DAYS` of it can no longer be decided by the panel;
- consent at 18: accepted referrals without a final conclusive grounds decision whose young person is
  18 or over today (on the rules' working date of birth: the date of birth, else the estimated age
  read as in `triage.eligibility`) and whose latest answer is not consent to remain in the NRM. The
  CG decision cannot be signed off until it is (`eligibility.adult_consent_problems`);
- overdue safeguarding plan actions and overdue information requests (due before today, still open);
- sittings left in session past their day (opened, never closed, starting before today);
- information-sharing protocols whose review date is within REVIEW_DUE_DAYS, or past (lapsed);
- communicating the outcome (step 10): final decisions whose letters have not been produced, and final
  decisions nobody has yet recorded explaining to the child;
- children of the site whose case the panel accepted, not yet 18, with no guardian (ICTG) allocated.

Each kind has one source (`SOURCES`: its queryset and how a row reads as an `Alert`), so the dashboard's
few rows, the full list's pages and the daily digest all list the same cases.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

from django.core.paginator import Page, Paginator
from django.db import connections
from django.db.models import Exists, OuterRef, Q, QuerySet, Subquery
from django.utils import timezone
from django.utils.text import format_lazy
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from childnrm.accounts import nations
from childnrm.accounts.models import Site
from childnrm.decisions.models import Decision, DecisionStatus, Outcome, Stage
from childnrm.handovers.selectors import CUT_OFF_DAYS, turning_18_children, turning_18_cut_off
from childnrm.information.models import InformationRequest, RequestStatus, SharingProtocol
from childnrm.information.services_protocols import REVIEW_DUE_DAYS
from childnrm.information.services_protocols import due_for_review as protocols_due_for_review
from childnrm.kit.dates import long_date
from childnrm.letters.models import DecisionExplanation, Letter, LetterKind
from childnrm.panels.models import Meeting, MeetingStatus
from childnrm.people.models import AssociationKind, Child, ChildAssociation
from childnrm.referrals import clocks as referral_clocks
from childnrm.referrals.models import AdultConsent, ConsentAnswer, Referral, ReferralStatus, consent_words
from childnrm.reviews.models import ReconsiderationRequest
from childnrm.safeguarding.models import OPEN_ACTION_STATUSES, PlanAction, PlanStatus
from childnrm.triage.eligibility import (
    birth_date_from_estimated_age,
    eighteenth_birthday,
    latest_birth_date_18_by,
    working_birth_date,
)

DUE_SOON_DAYS = 7
LIST_LIMIT = 50

# A decision that was final at some point: the current one, or one a later version replaced.
DECIDED_STATUSES = (DecisionStatus.FINAL, DecisionStatus.SUPERSEDED)


class Kind:
    """Alert kinds (also the `kind` of a dashboard.Reminder)."""

    RG_OVERDUE = "rg_overdue"
    RG_DUE_SOON = "rg_due_soon"
    CG_RECOVERY = "cg_recovery_period"
    CG_READY = "cg_can_be_decided"
    RECONSIDERATION_OPEN = "reconsideration_window_open"
    TURNING_18 = "turning_18"
    TURNING_18_CUT_OFF = "turning_18_cut_off"
    ADULT_CONSENT = "adult_consent_awaited"
    ACTION_OVERDUE = "plan_action_overdue"
    INFORMATION_OVERDUE = "information_request_overdue"
    PROTOCOL_REVIEW = "sharing_protocol_review_due"
    SITTING_STALE = "sitting_left_in_session"
    LETTERS_NOT_PRODUCED = "letters_not_produced"
    NOT_EXPLAINED = "decision_not_explained"
    WITHOUT_GUARDIAN = "child_without_guardian"


# Lazy, so each page (and each email) reads them in its own language.
KIND_LABELS = {
    Kind.RG_OVERDUE: _("Reasonable grounds decisions overdue"),
    Kind.RG_DUE_SOON: format_lazy(_("Reasonable grounds decisions due within {days} days"), days=DUE_SOON_DAYS),
    Kind.CG_RECOVERY: _("In the recovery period before conclusive grounds"),
    Kind.CG_READY: _("Conclusive grounds can now be decided"),
    Kind.RECONSIDERATION_OPEN: _("Reconsideration windows open"),
    Kind.TURNING_18: _("Turning 18 soon"),
    Kind.TURNING_18_CUT_OFF: format_lazy(
        _("Within {days} days of 18: the panel can no longer decide"), days=CUT_OFF_DAYS
    ),
    Kind.ADULT_CONSENT: _("Turned 18: waiting on consent to remain in the NRM"),
    Kind.ACTION_OVERDUE: _("Safeguarding plan actions overdue"),
    Kind.INFORMATION_OVERDUE: _("Information requests overdue"),
    Kind.PROTOCOL_REVIEW: format_lazy(
        _("Information-sharing protocols due for review within {days} days"), days=REVIEW_DUE_DAYS
    ),
    Kind.SITTING_STALE: _("Sittings left in session past their day"),
    Kind.LETTERS_NOT_PRODUCED: _("Final decisions without their letters"),
    Kind.NOT_EXPLAINED: _("Decisions not yet explained to the child"),
    Kind.WITHOUT_GUARDIAN: _("Children without an allocated guardian"),
}

# The clocks: what falls due on a date. The daily digest (reminders.py) reminds coordinators of these only: the
# letters, explanations and guardians still to do are on the dashboard, and a digest of every decision made
# without an explanation recorded would bury the clocks.
CLOCK_KINDS = (
    Kind.RG_OVERDUE,
    Kind.RG_DUE_SOON,
    Kind.CG_RECOVERY,
    Kind.CG_READY,
    Kind.RECONSIDERATION_OPEN,
    Kind.TURNING_18,
    Kind.TURNING_18_CUT_OFF,
    Kind.ADULT_CONSENT,
    Kind.ACTION_OVERDUE,
    Kind.INFORMATION_OVERDUE,
    Kind.PROTOCOL_REVIEW,
    Kind.SITTING_STALE,
)


# Date bounds ------------------------------------------------------------------------------------


last_submission_day_due_by = referral_clocks.last_submission_day_due_by


_submitted_by = referral_clocks.submitted_by


# Querysets --------------------------------------------------------------------------------------


def rg_pending(site: Site) -> QuerySet[Referral]:
    """Referrals of the site whose reasonable grounds clock runs (`referrals.clocks.rg_running`)."""
    referrals = referral_clocks.rg_running(Referral.objects.filter(site=site))
    return referrals.select_related("child").order_by("submitted_at", "id")


def rg_overdue(site: Site, today: date) -> QuerySet[Referral]:
    """The queue's "Only overdue" for this site: the same definition (`referrals.clocks.rg_overdue`)."""
    return referral_clocks.rg_overdue(rg_pending(site), [site], today)


def rg_due_soon(site: Site, today: date) -> QuerySet[Referral]:
    """Due today or within the next DUE_SOON_DAYS days (not yet overdue)."""
    not_overdue = ~_submitted_by(referral_clocks.last_overdue_submission_day(site, today))
    return (
        rg_pending(site)
        .filter(not_overdue)
        .filter(_submitted_by(last_submission_day_due_by(site, today + timedelta(days=DUE_SOON_DAYS))))
    )


def _current_final(site: Site) -> QuerySet[Decision]:
    return Decision.objects.filter(referral__site=site, status=DecisionStatus.FINAL, decided_on__isnull=False)


recovery_days = referral_clocks.recovery_days


def cg_awaiting(site: Site) -> QuerySet[Decision]:
    """Positive final RG decisions of accepted referrals without a final CG decision."""
    return (
        _current_final(site)
        .filter(stage=Stage.REASONABLE_GROUNDS, outcome=Outcome.POSITIVE, referral__status=ReferralStatus.ACCEPTED)
        .filter(~referral_clocks.decided(referral_clocks.CG_STAGE, referral="referral"))
        .select_related("referral", "referral__child")
        .order_by("decided_on", "id")
    )


def cg_in_recovery(site: Site, today: date) -> QuerySet[Decision]:
    """The CG cannot be decided yet: `referrals.clocks.earliest_cg_date` is after today."""
    return cg_awaiting(site).filter(decided_on__gt=referral_clocks.last_rg_day_cg_due(site, today))


def cg_ready(site: Site, today: date) -> QuerySet[Decision]:
    return cg_awaiting(site).filter(decided_on__lte=referral_clocks.last_rg_day_cg_due(site, today))


def reconsideration_open(site: Site, today: date) -> QuerySet[Decision]:
    """Negative final decisions whose reconsideration window has not ended (its last day included)."""
    requested = ReconsiderationRequest.objects.filter(decision=OuterRef("pk"))
    return (
        _current_final(site)
        .filter(outcome=Outcome.NEGATIVE, reconsideration_window__last_day__gte=today)
        .annotate(reconsideration_requested=Exists(requested))
        .select_related("referral", "referral__child", "reconsideration_window")
        .order_by("reconsideration_window__last_day", "id")
    )


MAX_ESTIMATED_AGE = 25  # as the referral form allows


def _last_referral_day_estimated_18_by(years: int, day: date) -> date:
    """The latest day of referral on which an estimated age of `years` makes the child 18 by `day`."""
    latest_born = latest_birth_date_18_by(day)
    try:
        candidate = latest_born.replace(year=latest_born.year + years)
    except ValueError:  # 29 February
        candidate = date(latest_born.year + years, 2, 28)
    # Born-on dates never go backwards as the referral day moves forward: walk to the exact edge.
    while birth_date_from_estimated_age(years, candidate) > latest_born:
        candidate -= timedelta(days=1)
    while birth_date_from_estimated_age(years, candidate + timedelta(days=1)) <= latest_born:
        candidate += timedelta(days=1)
    return candidate


def _eighteen_by(day: date) -> Q:
    """Referrals whose young person is 18 or over on `day`, on the date of birth or the estimated age."""
    condition = Q(date_of_birth__isnull=False, date_of_birth__lte=latest_birth_date_18_by(day))
    for years in range(MAX_ESTIMATED_AGE + 1):
        condition |= Q(date_of_birth__isnull=True, estimated_age_years=years) & _submitted_by(
            _last_referral_day_estimated_18_by(years, day)
        )
    return condition


def adult_consent_awaited(site: Site, today: date) -> QuerySet[Referral]:
    """Accepted referrals, not yet decided at conclusive grounds, of young people now 18 without consent."""
    cg_decided = Decision.objects.filter(
        referral=OuterRef("pk"), stage=Stage.CONCLUSIVE_GROUNDS, status__in=DECIDED_STATUSES
    )
    latest_answer = AdultConsent.objects.filter(referral=OuterRef("pk"), given_on__lte=today).order_by(
        "-given_on", "-recorded_at", "-id"
    )
    return (
        Referral.objects.filter(site=site, status=ReferralStatus.ACCEPTED, submitted_at__isnull=False)
        .filter(_eighteen_by(today))
        .filter(~Exists(cg_decided))
        .annotate(
            consent_answer=Subquery(latest_answer.values("answer")[:1]),
            consent_given_on=Subquery(latest_answer.values("given_on")[:1]),
        )
        # No answer yet (NULL: never "not equal" in SQL) or a refusal.
        .filter(Q(consent_answer__isnull=True) | ~Q(consent_answer=ConsentAnswer.GIVEN))
        .select_related("child")
        .order_by("submitted_at", "id")
    )


def actions_overdue(site: Site, today: date) -> QuerySet[PlanAction]:
    return (
        PlanAction.objects.filter(
            plan__child__site=site,
            plan__status=PlanStatus.ACTIVE,
            status__in=OPEN_ACTION_STATUSES,
            due_on__lt=today,
        )
        .select_related("plan__child", "owner")
        .order_by("due_on", "id")
    )


def information_overdue(site: Site, today: date) -> QuerySet[InformationRequest]:
    return (
        InformationRequest.objects.filter(referral__site=site, status=RequestStatus.OPEN, due_on__lt=today)
        .select_related("referral", "referral__child", "organisation")
        .order_by("due_on", "id")
    )


def sittings_stale(site: Site, today: date) -> QuerySet[Meeting]:
    """Sittings of the site still in session after the day they met (the site/status/starts_at index)."""
    return Meeting.objects.filter(
        site=site, status=MeetingStatus.OPEN, starts_at__lt=referral_clocks.start_of_day(today)
    ).order_by("starts_at", "id")


def letters_not_produced(site: Site, today: date | None = None) -> QuerySet[Decision]:
    """Final decisions of the site with no letter produced: the referrer's and the child's are produced together
    (letters.services.letters_produce), so any letter means both. Longest waiting first."""
    produced = Letter.objects.filter(decision=OuterRef("pk"))
    return (
        _current_final(site)
        .filter(~Exists(produced))
        .select_related("referral", "referral__child")
        .order_by("decided_on", "id")
    )


def not_explained(site: Site, today: date | None = None) -> QuerySet[Decision]:
    """Final decisions of the site with no record of who explained them to the child, longest waiting first.

    `child_letter` says whether the letter for the child (which the explanation usually goes through) exists yet.
    """
    explained = DecisionExplanation.objects.filter(decision=OuterRef("pk"))
    child_letter = Letter.objects.filter(decision=OuterRef("pk"), kind=LetterKind.CHILD_FRIENDLY)
    return (
        _current_final(site)
        .filter(~Exists(explained))
        .annotate(child_letter=Exists(child_letter))
        .select_related("referral", "referral__child")
        .order_by("decided_on", "id")
    )


def children_without_guardian(site: Site, today: date) -> QuerySet[Child]:
    """Children of the site with a referral its panel accepted, not yet 18 (an unknown date of birth counts as
    a child), and no guardian (ICTG) allocated now. `referred_at` and `referral_reference` are their earliest
    accepted referral's: longest waiting first."""
    accepted = Referral.objects.filter(child=OuterRef("pk"), site=site, status=ReferralStatus.ACCEPTED).order_by(
        "submitted_at", "id"
    )
    guardian = ChildAssociation.objects.filter(child=OuterRef("pk"), kind=AssociationKind.ICTG, ends_at__isnull=True)
    return (
        Child.objects.filter(site=site)
        .filter(Q(date_of_birth__isnull=True) | Q(date_of_birth__gt=latest_birth_date_18_by(today)))
        .filter(Exists(accepted), ~Exists(guardian))
        .annotate(
            referred_at=Subquery(accepted.values("submitted_at")[:1]),
            referral_reference=Subquery(accepted.values("reference")[:1]),
        )
        .order_by("referred_at", "id")
    )


# Information-sharing protocols: `information.services_protocols.due_for_review` (review date within
# REVIEW_DUE_DAYS or past: a range on the site/review_on index).


def _protocol_alert(protocol: SharingProtocol, today: date) -> Alert:
    return Alert(
        kind=Kind.PROTOCOL_REVIEW,
        object_type=SharingProtocol._meta.label_lower,
        object_id=protocol.reference,
        referral_reference="",
        child_reference="",
        child_name="",
        date=protocol.review_on,
        days=(protocol.review_on - today).days,
        note=protocol.organisation.name,
    )


# Alerts -----------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Alert:
    """One thing due or overdue, as a list, an email digest and a reminder row describe it."""

    kind: str
    object_type: str  # app_label.model, as in the audit trail
    object_id: str
    referral_reference: str  # "" for a child with no referral here
    child_reference: str
    child_name: str  # for pages only; never in an email
    date: date  # the due date, the date from which something can happen, or a window's end
    days: int  # calendar days from today to `date`: negative once past
    note: str = ""

    @property
    def overdue_by(self) -> int:
        return max(0, -self.days)


def _referral_alert(kind: str, referral: Referral, due: date, today: date, note: str = "") -> Alert:
    child = referral.child
    return Alert(
        kind=kind,
        object_type=Referral._meta.label_lower,
        object_id=str(referral.pk),
        referral_reference=referral.reference,
        child_reference=child.reference if child else "",
        child_name=child.display_name if child else referral.child_display_name,
        date=due,
        days=(due - today).days,
        note=note,
    )


def _decision_alert(kind: str, decision: Decision, when: date, today: date, note: str = "") -> Alert:
    referral = decision.referral
    child = referral.child
    return Alert(
        kind=kind,
        object_type=Decision._meta.label_lower,
        object_id=str(decision.pk),
        referral_reference=referral.reference,
        child_reference=child.reference if child else "",
        child_name=child.display_name if child else referral.child_display_name,
        date=when,
        days=(when - today).days,
        note=note,
    )


def _child_alert(kind: str, child: Child, today: date) -> Alert:
    birthday = eighteenth_birthday(child.date_of_birth)
    transition = getattr(child, "adult_transition", None)
    note = gettext("Hand-over complete") if transition and transition.completed_on else ""
    if not note:
        note = consent_words(getattr(child, "consent_answer", None))  # annotated by the turning-18 selectors
    return Alert(
        kind=kind,
        object_type=Child._meta.label_lower,
        object_id=str(child.pk),
        referral_reference="",
        child_reference=child.reference,
        child_name=child.display_name,
        date=birthday,
        days=(birthday - today).days,
        note=note,
    )


def _consent_alert(referral: Referral, today: date) -> Alert:
    born, _ = working_birth_date(referral)
    refused = referral.consent_answer == ConsentAnswer.REFUSED
    if refused:
        note = gettext("Refused on %(day)s") % {"day": long_date(referral.consent_given_on)}
    else:
        note = gettext("No answer recorded")
    return _referral_alert(Kind.ADULT_CONSENT, referral, eighteenth_birthday(born), today, note=note)


def _action_alert(action: PlanAction, today: date) -> Alert:
    child = action.plan.child
    return Alert(
        kind=Kind.ACTION_OVERDUE,
        object_type=PlanAction._meta.label_lower,
        object_id=str(action.pk),
        referral_reference="",
        child_reference=child.reference,
        child_name=child.display_name,
        date=action.due_on,
        days=(action.due_on - today).days,
        # The guardian service as the child's site's nation names it (read only for the guardian's actions).
        note=action.get_agency_display()
        if action.agency != nations.GUARDIAN_AGENCY
        else nations.agency_label(action.agency, action.get_agency_display(), child.site),
    )


def _information_alert(request: InformationRequest, today: date) -> Alert:
    referral = request.referral
    child = referral.child
    return Alert(
        kind=Kind.INFORMATION_OVERDUE,
        object_type=InformationRequest._meta.label_lower,
        object_id=str(request.pk),
        referral_reference=referral.reference,
        child_reference=child.reference if child else "",
        child_name=child.display_name if child else referral.child_display_name,
        date=request.due_on,
        days=(request.due_on - today).days,
        note=gettext("%(reference)s to %(organisation)s")
        % {"reference": request.reference, "organisation": request.organisation.name},
    )


def _sitting_alert(meeting: Meeting, today: date) -> Alert:
    day = timezone.localtime(meeting.starts_at).date()
    return Alert(
        kind=Kind.SITTING_STALE,
        object_type=Meeting._meta.label_lower,
        object_id=str(meeting.pk),
        referral_reference="",
        child_reference="",
        child_name="",
        date=day,
        days=(day - today).days,
        note=gettext("%(kind)s: still in session, close it to carry undecided cases on")
        % {"kind": meeting.get_kind_display()},
    )


def _decided_note(decision: Decision) -> str:
    stage = decision.get_stage_display()
    if decision.outcome == Outcome.POSITIVE:
        return gettext("%(stage)s: positive") % {"stage": stage}
    return gettext("%(stage)s: negative") % {"stage": stage}


def _letters_alert(decision: Decision, site: Site, today: date) -> Alert:
    return _decision_alert(
        Kind.LETTERS_NOT_PRODUCED, decision, decision.decided_on, today, note=_decided_note(decision)
    )


def _not_explained_alert(decision: Decision, site: Site, today: date) -> Alert:
    note = _decided_note(decision)
    if not decision.child_letter:
        note = gettext("%(decision)s – letter for the child not produced yet") % {"decision": note}
    return _decision_alert(Kind.NOT_EXPLAINED, decision, decision.decided_on, today, note=note)


def _guardian_alert(child: Child, site: Site, today: date) -> Alert:
    referred = referral_clocks.submitted_on(child.referred_at)
    return Alert(
        kind=Kind.WITHOUT_GUARDIAN,
        object_type=Child._meta.label_lower,
        object_id=str(child.pk),
        referral_reference=child.referral_reference,
        child_reference=child.reference,
        child_name=child.display_name,
        date=referred,
        days=(referred - today).days,
        note="",
    )


@dataclass
class AlertList:
    kind: str
    count: int
    items: list[Alert] = field(default_factory=list)
    # True when there are more than `count` (the count stopped at a cap; the full list counts them all).
    capped: bool = False

    @property
    def label(self) -> str:
        return KIND_LABELS[self.kind]

    @property
    def more(self) -> int:
        return max(0, self.count - len(self.items))


@dataclass
class SiteAlerts:
    site: Site
    today: date
    lists: dict[str, AlertList]

    def __getitem__(self, kind: str) -> AlertList:
        return self.lists[kind]

    def all_items(self) -> list[Alert]:
        return [item for alert_list in self.lists.values() for item in alert_list.items]


@dataclass(frozen=True)
class Source:
    """One kind of alert: the site's rows in the order they are listed, and how one row reads as an Alert."""

    rows: Callable[[Site, date], QuerySet]
    alert: Callable[[Any, Site, date], Alert]


def _rg_source(kind: str) -> Callable[[Any, Site, date], Alert]:
    def alert(referral: Referral, site: Site, today: date) -> Alert:
        due = referral_clocks.rg_due_date(referral_clocks.submitted_on(referral.submitted_at), site)
        return _referral_alert(kind, referral, due, today)

    return alert


def _cg_source(kind: str) -> Callable[[Any, Site, date], Alert]:
    def alert(decision: Decision, site: Site, today: date) -> Alert:
        return _decision_alert(kind, decision, referral_clocks.earliest_cg_date(decision.decided_on, site), today)

    return alert


def _reconsideration_alert(decision: Decision, site: Site, today: date) -> Alert:
    requested = " – request received" if decision.reconsideration_requested else ""
    return _decision_alert(
        Kind.RECONSIDERATION_OPEN,
        decision,
        decision.reconsideration_window.last_day,
        today,
        note=f"{decision.get_stage_display()}{requested}",
    )


def _child_source(kind: str) -> Callable[[Any, Site, date], Alert]:
    return lambda child, site, today: _child_alert(kind, child, today)


def _today_only(build: Callable[[Any, date], Alert]) -> Callable[[Any, Site, date], Alert]:
    return lambda row, site, today: build(row, today)


SOURCES: dict[str, Source] = {
    Kind.RG_OVERDUE: Source(rg_overdue, _rg_source(Kind.RG_OVERDUE)),
    Kind.RG_DUE_SOON: Source(rg_due_soon, _rg_source(Kind.RG_DUE_SOON)),
    Kind.CG_RECOVERY: Source(cg_in_recovery, _cg_source(Kind.CG_RECOVERY)),
    Kind.CG_READY: Source(cg_ready, _cg_source(Kind.CG_READY)),
    Kind.RECONSIDERATION_OPEN: Source(reconsideration_open, _reconsideration_alert),
    Kind.TURNING_18_CUT_OFF: Source(turning_18_cut_off, _child_source(Kind.TURNING_18_CUT_OFF)),
    Kind.TURNING_18: Source(turning_18_children, _child_source(Kind.TURNING_18)),
    Kind.ADULT_CONSENT: Source(adult_consent_awaited, _today_only(_consent_alert)),
    Kind.ACTION_OVERDUE: Source(actions_overdue, _today_only(_action_alert)),
    Kind.INFORMATION_OVERDUE: Source(information_overdue, _today_only(_information_alert)),
    Kind.SITTING_STALE: Source(sittings_stale, _today_only(_sitting_alert)),
    Kind.PROTOCOL_REVIEW: Source(protocols_due_for_review, _today_only(_protocol_alert)),
    Kind.LETTERS_NOT_PRODUCED: Source(letters_not_produced, _letters_alert),
    Kind.NOT_EXPLAINED: Source(not_explained, _not_explained_alert),
    Kind.WITHOUT_GUARDIAN: Source(children_without_guardian, _guardian_alert),
}


# The SQL of each kind's count, compiled once per site policy, day and viewer in each process: building and
# compiling these querysets cost more CPU than running them, and the dashboard counts most kinds on every view.
# The SQL depends only on the key (the site's policy fields, today, whose sittings), never on the rows, so a
# cached statement counts exactly what `qs.count()` would. Bounded: emptied when full.
_COUNT_SQL: dict[tuple, tuple[str, tuple]] = {}
_COUNT_SQL_MAX = 512


def _site_key(site: Site) -> tuple:
    return tuple(getattr(site, f.attname) for f in Site._meta.concrete_fields)


def _count(qs: QuerySet, key: tuple, cap: int | None = None) -> int:
    """The rows of `qs`; with a cap, at most cap + 1 of them (the database stops looking there)."""
    key = (qs.db, cap, *key)
    compiled = _COUNT_SQL.get(key)
    if compiled is None:
        pks = qs.order_by().values("pk")
        sql, params = (pks if cap is None else pks[: cap + 1]).query.sql_with_params()
        # The inner SQL is the ORM's own, its values passed as parameters: nothing here comes from a request.
        compiled = (f"SELECT COUNT(*) FROM ({sql}) AS counted", tuple(params))  # noqa: S608
        if len(_COUNT_SQL) >= _COUNT_SQL_MAX:
            _COUNT_SQL.clear()
        _COUNT_SQL[key] = compiled
    with connections[qs.db].cursor() as cursor:
        cursor.execute(*compiled)
        return cursor.fetchone()[0]


def _rows(site: Site, kind: str, today: date, chaired_by: int | None) -> QuerySet:
    qs = SOURCES[kind].rows(site, today)
    if chaired_by is not None and kind == Kind.SITTING_STALE:
        qs = qs.filter(chair_id=chaired_by)
    return qs


def alert_list(
    site: Site,
    kind: str,
    today: date,
    *,
    limit: int = LIST_LIMIT,
    chaired_by: int | None = None,
    count_cap: int | None = None,
) -> AlertList:
    """One kind's count and first `limit` alerts, in at most two queries: the count only when the list is full.
    `chaired_by` (a user's id) keeps only the sittings that user chairs. `count_cap` stops counting past that
    many: at national scale an exact count of a long list (tens of thousands of decided cases) costs more than
    the rest of the dashboard, and "more than 1,000" says what the coordinator needs; the full list counts all."""
    qs = _rows(site, kind, today, chaired_by)
    rows = list(qs[:limit])
    count = len(rows) if len(rows) < limit else _count(qs, (kind, today, _site_key(site), chaired_by), count_cap)
    capped = count_cap is not None and count > count_cap
    shown = min(count, count_cap) if count_cap is not None else count
    alert = SOURCES[kind].alert
    return AlertList(kind, shown, [alert(row, site, today) for row in rows], capped)


def alert_page(
    site: Site, kind: str, today: date, *, number: Any, per_page: int, chaired_by: int | None = None
) -> tuple[Page, list[Alert]]:
    """One page of one kind's full list (a count and one slice in SQL), with its rows as alerts."""
    page = Paginator(_rows(site, kind, today, chaired_by), per_page).get_page(number)
    alert = SOURCES[kind].alert
    return page, [alert(row, site, today) for row in page.object_list]


def site_alerts(
    site: Site, *, today: date | None = None, limit: int = LIST_LIMIT, kinds: Iterable[str] | None = None
) -> SiteAlerts:
    """The site's alerts of `kinds` (every kind by default): a count and up to `limit` items each, in at most two
    queries per kind however many rows there are."""
    today = today or timezone.localdate()
    lists = {kind: alert_list(site, kind, today, limit=limit) for kind in (kinds or SOURCES)}
    return SiteAlerts(site=site, today=today, lists=lists)
