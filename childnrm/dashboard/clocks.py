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
  the last day recorded when it was communicated (`reviews.selectors.window_last_day`: a correction's is the
  window of the decision it corrects; that day
  included; it runs from when the decision was final and communicated, not from the sitting);
- turning 18: children of the site whose 18th birthday is within `site.turning_18_warning_days`
  (not yet 18); those within `CUT_OFF_DAYS` of it can no longer be decided by the panel. Both leave out a
  hand-over recorded as completed: it is done, and is not chased (the Turning 18 page lists it as completed);
- consent at 18: accepted referrals without a final conclusive grounds decision whose young person is
  18 or over today (on the rules' working date of birth, stored as `Referral.turns_18_on`: the date of
  birth, else the estimated age read as in `triage.eligibility`) and whose latest answer is not consent
  to remain in the NRM. The CG decision cannot be signed off until it is
  (`eligibility.adult_consent_problems`);
- overdue safeguarding plan actions and overdue information requests (due before today, still open);
- sittings left in session past their day (opened, never closed, starting before today);
- information-sharing protocols whose review date is within REVIEW_DUE_DAYS, or past (lapsed);
- communicating the outcome (step 10): final decisions whose letters have not been produced, and final
  decisions nobody has yet recorded explaining to the child;
- children of the site whose case the panel accepted, not yet 18, with no guardian (ICTG) allocated;
- missing episodes (step 15): return home interviews awaited (the young person back, the interview answered "not
  yet"), due within 72 hours of the return (`outcomes.services.interview_due_by`), and children missing now (an
  episode with no return recorded), longest missing first. Their owners record them (`outcomes`); the coordinator
  sees who is missing and which interview is late.

Each kind has one source (`SOURCES`: its queryset and how a row reads as an `Alert`), so the dashboard's
few rows, the full list's pages and the daily digest all list the same cases.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

from django.core.exceptions import EmptyResultSet
from django.core.paginator import Page, Paginator
from django.db import connections
from django.db.models import Exists, OuterRef, Q, QuerySet, Subquery
from django.utils import timezone
from django.utils.text import format_lazy
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from childnrm.accounts import nations
from childnrm.accounts.models import Site, name_shown, name_shown_later
from childnrm.decisions.models import Decision, DecisionStatus, Outcome, Stage
from childnrm.handovers.selectors import CUT_OFF_DAYS, turning_18_cut_off, turning_18_hand_overs_to_do
from childnrm.information.models import InformationRequest, RequestStatus, SharingProtocol
from childnrm.information.selectors import with_asking_panel
from childnrm.information.services_protocols import REVIEW_DUE_DAYS
from childnrm.information.services_protocols import due_for_review as protocols_due_for_review
from childnrm.kit.dates import long_date
from childnrm.kit.prepared import fixed_statement
from childnrm.kit.welsh_mutation import welsh_format
from childnrm.letters.models import DecisionExplanation, Letter, LetterKind
from childnrm.outcomes.models import MissingEpisode
from childnrm.outcomes.selectors import INTERVIEW_AWAITED, MISSING_NOW
from childnrm.outcomes.services import interview_due_by
from childnrm.panels.models import Meeting, MeetingStatus
from childnrm.people.models import AssociationKind, Child, ChildAssociation
from childnrm.people.selectors import associations_in_force
from childnrm.referrals import clocks as referral_clocks
from childnrm.referrals.anonymised import children_anonymised, live
from childnrm.referrals.models import AdultConsent, ConsentAnswer, Referral, ReferralStatus, consent_words
from childnrm.reviews import selectors as review_selectors
from childnrm.safeguarding.models import OPEN_ACTION_STATUSES, PlanAction, PlanStatus
from childnrm.triage.eligibility import eighteenth_birthday, latest_birth_date_18_by

DUE_SOON_DAYS = 7
LIST_LIMIT = 50


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
    RETURN_INTERVIEW = "return_interview_awaited"
    MISSING_NOW = "child_missing_now"


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
    Kind.RETURN_INTERVIEW: _("Return home interviews not yet held"),
    Kind.MISSING_NOW: _("Children missing now"),
}

# The clocks: what falls due on a date. The letters, explanations and guardians still to do are on the dashboard
# only: a digest of every decision made without an explanation recorded would bury the clocks.
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
# What the daily digest (reminders.py) reminds coordinators of: the clocks, and the children missing now and the
# return home interviews not yet held (due within 72 hours of the return), which their owners follow up but which
# must not wait for someone to open the dashboard.
DIGEST_KINDS = (*CLOCK_KINDS, Kind.MISSING_NOW, Kind.RETURN_INTERVIEW)


# Date bounds ------------------------------------------------------------------------------------


last_submission_day_due_by = referral_clocks.last_submission_day_due_by


_submitted_by = referral_clocks.submitted_by


# Querysets --------------------------------------------------------------------------------------


def rg_pending(site: Site) -> QuerySet[Referral]:
    """Referrals of the site whose reasonable grounds clock runs (`referrals.clocks.rg_running`): with the site's
    panel, referred, and no RG decision final, read from the date of the RG decision the referral keeps
    (`standing_rg_decided_on`, empty until one is final) on its partial index, instead of an anti-join over every
    RG decision."""
    return (
        Referral.objects.filter(
            site=site,
            status__in=referral_clocks.CLOCK_STATUSES,
            submitted_at__isnull=False,
            standing_rg_decided_on__isnull=True,
        )
        .select_related("child")
        .order_by("submitted_at", "id")
    )


def rg_overdue(site: Site, today: date) -> QuerySet[Referral]:
    """The queue's "Only overdue" for this site: the same definition (`referrals.clocks.rg_overdue`)."""
    return rg_pending(site).filter(_submitted_by(referral_clocks.last_overdue_submission_day(site, today)))


def rg_due_soon(site: Site, today: date) -> QuerySet[Referral]:
    """Due today or within the next DUE_SOON_DAYS days (not yet overdue)."""
    not_overdue = ~_submitted_by(referral_clocks.last_overdue_submission_day(site, today))
    return (
        rg_pending(site)
        .filter(not_overdue)
        .filter(_submitted_by(last_submission_day_due_by(site, today + timedelta(days=DUE_SOON_DAYS))))
    )


def _current_final(site: Site) -> QuerySet[Decision]:
    """Final decisions of the site's cases still kept for work: an anonymised case's letters, explanation and
    reconsideration are nobody's work any more (`referrals.anonymised`)."""
    return Decision.objects.filter(
        live("referral__"), referral__site=site, status=DecisionStatus.FINAL, decided_on__isnull=False
    )


recovery_days = referral_clocks.recovery_days


def cg_awaiting(site: Site) -> QuerySet[Decision]:
    """Positive final RG decisions of accepted referrals without a final CG decision, by the day of the RG.

    Found from the standing decisions their referrals keep (`decisions.standing`) on their partial index, then each
    one's final RG decision, instead of an anti-join over every CG decision."""
    return (
        Decision.objects.filter(
            referral__site=site,
            referral__status=ReferralStatus.ACCEPTED,
            referral__standing_rg_outcome=Outcome.POSITIVE,
            referral__standing_cg_decided_on__isnull=True,
            stage=Stage.REASONABLE_GROUNDS,
            status=DecisionStatus.FINAL,
        )
        .select_related("referral", "referral__child")
        # The referral's copy of the decision's date, then the referral (one final RG each), so the database reads
        # them in their whole order from the index.
        .order_by("referral__standing_rg_decided_on", "referral_id")
    )


def cg_in_recovery(site: Site, today: date) -> QuerySet[Decision]:
    """The CG cannot be decided yet: `referrals.clocks.earliest_cg_date` is after today."""
    return cg_awaiting(site).filter(
        referral__standing_rg_decided_on__gt=referral_clocks.last_rg_day_cg_due(site, today)
    )


def cg_ready(site: Site, today: date) -> QuerySet[Decision]:
    return cg_awaiting(site).filter(
        referral__standing_rg_decided_on__lte=referral_clocks.last_rg_day_cg_due(site, today)
    )


def cg_ready_counted(site: Site, today: date) -> QuerySet[Referral]:
    """The rows of `cg_ready`, to count: their referrals, each with its final RG decision (one at most:
    `decision_one_final_per_stage`) looked up, instead of the database joining every final RG decision of every site
    to the few referrals (issue 16), from the same partial index."""
    final_rg = Decision.objects.filter(
        referral=OuterRef("pk"), stage=Stage.REASONABLE_GROUNDS, status=DecisionStatus.FINAL
    )
    return (
        Referral.objects.filter(
            site=site,
            status=ReferralStatus.ACCEPTED,
            standing_rg_outcome=Outcome.POSITIVE,
            standing_cg_decided_on__isnull=True,
            standing_rg_decided_on__lte=referral_clocks.last_rg_day_cg_due(site, today),
        )
        .filter(Exists(final_rg))
        .order_by("standing_rg_decided_on", "id")
    )


def reconsideration_open(site: Site, today: date) -> QuerySet[Decision]:
    """Negative final decisions whose reconsideration window has not ended (its last day included)."""
    # The window the decision is judged by: a correction's is the one of the decision it corrects (ADR 0015).
    return (
        _current_final(site)
        .filter(outcome=Outcome.NEGATIVE)
        .annotate(
            window_last_day=review_selectors.window_last_day(),
            reconsideration_requested=review_selectors.requested_in_window(),
        )
        .filter(window_last_day__gte=today)
        .select_related("referral", "referral__child")
        .order_by("window_last_day", "id")
    )


def adult_consent_awaited(site: Site, today: date) -> QuerySet[Referral]:
    """Accepted referrals, not yet decided at conclusive grounds (no standing CG decision), of young people now 18
    without consent."""
    latest_answer = AdultConsent.objects.filter(referral=OuterRef("pk"), given_on__lte=today).order_by(
        "-given_on", "-recorded_at", "-id"
    )
    return (
        # 18 or over today on the stored working 18th birthday (`Referral.turns_18_on`): a range on its index.
        Referral.objects.filter(
            site=site,
            status=ReferralStatus.ACCEPTED,
            submitted_at__isnull=False,
            turns_18_on__lte=today,
            standing_cg_decided_on__isnull=True,
        )
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
        # Nobody is chased about a child whose record retention anonymised: a plan left active from before
        # anonymisation closed it (`retention.anonymise.child_anonymise`) waits for no one.
        .exclude(plan__child__in=Child.objects.filter(children_anonymised()).values("pk"))
        .select_related("plan__child", "owner")
        .order_by("due_on", "id")
    )


def information_overdue(site: Site, today: date) -> QuerySet[InformationRequest]:
    return (
        InformationRequest.objects.filter(referral__site=site, status=RequestStatus.OPEN, due_on__lt=today)
        .filter(with_asking_panel())  # a request that ended with its case is not overdue (ADR 0006 amendment)
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


def _guardian_now(child: OuterRef) -> QuerySet[ChildAssociation]:
    """The child's guardian (ICTG) allocated now, on its partial index, while they hold the guardian's role at the
    child's site (`people.selectors.associations_in_force`): one whose role ended leaves the child without one."""
    return ChildAssociation.objects.filter(associations_in_force((AssociationKind.ICTG,)), child=child)


def children_without_guardian(site: Site, today: date) -> QuerySet[Child]:
    """Children of the site with a referral its panel accepted, not yet 18 (an unknown date of birth counts as
    a child), and no guardian (ICTG) allocated now, each with their earliest accepted referral here: longest waiting
    first.

    Read from the children in the order of when that referral was made (`Child.accepted_here_since`, which the
    database keeps; ADR 0033) on their partial index, with each child's age in it: the database walks the index and
    stops at the rows it shows (issue 16). The referral shown is looked up for those rows only."""
    earliest = Referral.objects.filter(
        child=OuterRef("pk"), site=site, status=ReferralStatus.ACCEPTED, submitted_at__isnull=False
    ).order_by("submitted_at", "id")
    return (
        Child.objects.filter(site=site, accepted_here_since__isnull=False)
        .filter(Q(date_of_birth__isnull=True) | Q(date_of_birth__gt=latest_birth_date_18_by(today)))
        .filter(~Exists(_guardian_now(OuterRef("pk"))))
        .annotate(referral_reference=Subquery(earliest.values("reference")[:1]))
        .order_by("accepted_here_since", "id")
    )


def _missing_episodes(site: Site, which: Q) -> QuerySet[MissingEpisode]:
    """The site's children's missing episodes of `which` (on its partial index), not of a child whose record
    retention anonymised (nobody is chased about a record kept only for the figures)."""
    return MissingEpisode.objects.filter(which, child__site=site).exclude(
        child__in=Child.objects.filter(children_anonymised()).values("pk")
    )


def return_interviews_awaited(site: Site, today: date | None = None) -> QuerySet[MissingEpisode]:
    """Return home interviews not yet held, soonest due first (due within 72 hours of the return: the same order as
    the return)."""
    return _missing_episodes(site, INTERVIEW_AWAITED).order_by("ended_on", "id")


def children_missing_now(site: Site, today: date | None = None) -> QuerySet[MissingEpisode]:
    """Episodes with no return recorded: the children missing now, longest missing first."""
    return _missing_episodes(site, MISSING_NOW).order_by("started_on", "id")


# Information-sharing protocols: `information.services_protocols.due_for_review` (review date within
# REVIEW_DUE_DAYS or past: a range on the site/review_on index).


def _protocol_alert(row: Row, today: date) -> Alert:
    # The organisation is said in the language of the page or the reminder's email that shows it.
    note = name_shown_later(row["organisation__name"], row["organisation__name_cy"])
    return _alert(
        Kind.PROTOCOL_REVIEW, SharingProtocol._meta.label_lower, row["reference"], row["review_on"], today, note=note
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


# The lists read only the columns an alert shows (`QuerySet.values`): no model instances, no related rows with
# their JSON answers. A case's columns, from the referral at `prefix` ("" for a referral, "referral__" for a row
# that belongs to one).
Row = dict[str, Any]


def _case_columns(prefix: str) -> tuple[str, ...]:
    return tuple(
        prefix + name
        for name in (
            "reference",
            "given_names",
            "family_name",
            "child_id",
            "child__reference",
            "child__given_names",
            "child__family_name",
        )
    )


_REFERRAL_COLUMNS = ("pk", "submitted_at", *_case_columns(""))
DECISION_COLUMNS = ("pk", "stage", "outcome", "decided_on", *_case_columns("referral__"))
_CHILD_COLUMNS = ("pk", "reference", "given_names", "family_name")

STAGE_LABELS = dict(Stage.choices)
AGENCY_LABELS = dict(PlanAction._meta.get_field("agency").flatchoices)
MEETING_KIND_LABELS = dict(Meeting._meta.get_field("kind").flatchoices)


def _names(given: str, family: str) -> str:
    return " ".join(p for p in (given, family) if p)  # as Child.display_name


def _child_of(row: Row, prefix: str) -> tuple[str, str]:
    """The reference and name of the child whose columns are under `prefix` ("" in a child's own row)."""
    return row[prefix + "reference"], _names(row[prefix + "given_names"], row[prefix + "family_name"])


def _alert(
    kind: str,
    object_type: str,
    object_id: object,
    when: date,
    today: date,
    *,
    child: tuple[str, str] = ("", ""),
    referral_reference: str = "",
    note: str = "",
) -> Alert:
    """Every kind's alert is made here: `child` is the child's reference and name (`_child_of`; none for an alert
    about no child), and `days` is counted from `today` to `when`."""
    child_reference, child_name = child
    return Alert(
        kind=kind,
        object_type=object_type,
        object_id=str(object_id),
        referral_reference=referral_reference,
        child_reference=child_reference,
        child_name=child_name,
        date=when,
        days=(when - today).days,
        note=note,
    )


def _case_alert(kind: str, object_type: str, row: Row, prefix: str, when: date, today: date, note: str = "") -> Alert:
    if row[prefix + "child_id"] is not None:
        child = _child_of(row, prefix + "child__")
    else:  # as Referral.child_display_name
        child = ("", _names(row[prefix + "given_names"], row[prefix + "family_name"]) or gettext("Name not given"))
    return _alert(
        kind, object_type, row["pk"], when, today, child=child, referral_reference=row[prefix + "reference"], note=note
    )


_REFERRAL_TYPE = Referral._meta.label_lower
_DECISION_TYPE = Decision._meta.label_lower
_CHILD_TYPE = Child._meta.label_lower


def _referral_alert(kind: str, row: Row, due: date, today: date, note: str = "") -> Alert:
    return _case_alert(kind, _REFERRAL_TYPE, row, "", due, today, note)


def _decision_alert(kind: str, row: Row, when: date, today: date, note: str = "") -> Alert:
    return _case_alert(kind, _DECISION_TYPE, row, "referral__", when, today, note)


def _child_alert(kind: str, row: Row, today: date) -> Alert:
    birthday = eighteenth_birthday(row["date_of_birth"])
    note = consent_words(row["consent_answer"])  # annotated by the turning-18 selectors
    return _alert(kind, _CHILD_TYPE, row["pk"], birthday, today, child=_child_of(row, ""), note=note)


def _consent_alert(row: Row, today: date) -> Alert:
    if row["consent_answer"] == ConsentAnswer.REFUSED:
        note = gettext("Refused on %(day)s") % {"day": long_date(row["consent_given_on"])}
    else:
        note = gettext("No answer recorded")
    # The stored working 18th birthday: the date of birth, else the estimated age on the day of referral.
    return _referral_alert(Kind.ADULT_CONSENT, row, row["turns_18_on"], today, note=note)


def _action_alert(row: Row, site: Site, today: date) -> Alert:
    agency = row["agency"]
    label = str(AGENCY_LABELS.get(agency, agency))
    # The guardian service as the child's site's nation names it (the child is of this site).
    note = label if agency != nations.GUARDIAN_AGENCY else nations.agency_label(agency, label, site)
    child = _child_of(row, "plan__child__")
    return _alert(
        Kind.ACTION_OVERDUE, PlanAction._meta.label_lower, row["pk"], row["due_on"], today, child=child, note=note
    )


def _information_alert(row: Row, today: date) -> Alert:
    return _case_alert(
        Kind.INFORMATION_OVERDUE,
        InformationRequest._meta.label_lower,
        row,
        "referral__",
        row["due_on"],
        today,
        note=welsh_format(
            gettext("%(reference)s to %(organisation)s"),
            {
                "reference": row["reference"],
                "organisation": name_shown(row["organisation__name"], row["organisation__name_cy"]),
            },
        ),
    )


def _sitting_alert(row: Row, today: date) -> Alert:
    day = timezone.localtime(row["starts_at"]).date()
    kind = row["kind"]
    note = gettext("%(kind)s: still in session, close it to carry undecided cases on") % {
        "kind": MEETING_KIND_LABELS.get(kind, kind)
    }
    return _alert(Kind.SITTING_STALE, Meeting._meta.label_lower, row["pk"], day, today, note=note)


def decided_note(row: Row) -> str:
    stage = STAGE_LABELS.get(row["stage"], row["stage"])
    if row["outcome"] == Outcome.POSITIVE:
        return gettext("%(stage)s: positive") % {"stage": stage}
    return gettext("%(stage)s: negative") % {"stage": stage}


def _letters_alert(row: Row, site: Site, today: date) -> Alert:
    return _decision_alert(Kind.LETTERS_NOT_PRODUCED, row, row["decided_on"], today, note=decided_note(row))


def _not_explained_alert(row: Row, site: Site, today: date) -> Alert:
    note = decided_note(row)
    if not row["child_letter"]:
        note = gettext("%(decision)s – letter for the child not produced yet") % {"decision": note}
    return _decision_alert(Kind.NOT_EXPLAINED, row, row["decided_on"], today, note=note)


def _guardian_alert(row: Row, site: Site, today: date) -> Alert:
    referred = referral_clocks.submitted_on(row["accepted_here_since"])
    child, reference = _child_of(row, ""), row["referral_reference"]
    return _alert(
        Kind.WITHOUT_GUARDIAN, _CHILD_TYPE, row["pk"], referred, today, child=child, referral_reference=reference
    )


_EPISODE_COLUMNS = ("pk", "started_on", "ended_on", "child__reference", "child__given_names", "child__family_name")
_EPISODE_TYPE = MissingEpisode._meta.label_lower


def _interview_alert(row: Row, site: Site, today: date) -> Alert:
    due = interview_due_by(MissingEpisode(ended_on=row["ended_on"]))
    assert due is not None  # awaited only once they are back
    note = gettext("Came back on %(day)s") % {"day": long_date(row["ended_on"])}
    return _alert(
        Kind.RETURN_INTERVIEW, _EPISODE_TYPE, row["pk"], due, today, child=_child_of(row, "child__"), note=note
    )


def _missing_alert(row: Row, site: Site, today: date) -> Alert:
    return _alert(Kind.MISSING_NOW, _EPISODE_TYPE, row["pk"], row["started_on"], today, child=_child_of(row, "child__"))


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
    """One kind of alert: the site's rows in the order they are listed, the columns an alert is made from, and how
    one row (a dict of those columns) reads as an Alert."""

    rows: Callable[[Site, date], QuerySet]
    columns: tuple[str, ...]
    alert: Callable[[Row, Site, date], Alert]
    # The same rows found another way, for counting them all (one per row of `rows`): where the list's query is made
    # to find its first rows early, and counting them all that way reads far more than the count needs. A count up to
    # a cap reads the list's own rows, in order (`alert_lists`).
    counted: Callable[[Site, date], QuerySet] | None = None


def _rg_source(kind: str) -> Callable[[Row, Site, date], Alert]:
    def alert(row: Row, site: Site, today: date) -> Alert:
        due = referral_clocks.rg_due_date(referral_clocks.submitted_on(row["submitted_at"]), site)
        return _referral_alert(kind, row, due, today)

    return alert


def _cg_source(kind: str) -> Callable[[Row, Site, date], Alert]:
    def alert(row: Row, site: Site, today: date) -> Alert:
        return _decision_alert(kind, row, referral_clocks.earliest_cg_date(row["decided_on"], site), today)

    return alert


def _reconsideration_alert(row: Row, site: Site, today: date) -> Alert:
    stage = STAGE_LABELS.get(row["stage"], row["stage"])
    note = gettext("%(stage)s – request received") % {"stage": stage} if row["reconsideration_requested"] else stage
    return _decision_alert(Kind.RECONSIDERATION_OPEN, row, row["window_last_day"], today, note=note)


def _child_source(kind: str) -> Callable[[Row, Site, date], Alert]:
    return lambda row, site, today: _child_alert(kind, row, today)


def _today_only(build: Callable[[Row, date], Alert]) -> Callable[[Row, Site, date], Alert]:
    return lambda row, site, today: build(row, today)


_TURNING_18_COLUMNS = (*_CHILD_COLUMNS, "date_of_birth", "consent_answer")

SOURCES: dict[str, Source] = {
    Kind.RG_OVERDUE: Source(rg_overdue, _REFERRAL_COLUMNS, _rg_source(Kind.RG_OVERDUE)),
    Kind.RG_DUE_SOON: Source(rg_due_soon, _REFERRAL_COLUMNS, _rg_source(Kind.RG_DUE_SOON)),
    Kind.CG_RECOVERY: Source(cg_in_recovery, DECISION_COLUMNS, _cg_source(Kind.CG_RECOVERY)),
    Kind.CG_READY: Source(cg_ready, DECISION_COLUMNS, _cg_source(Kind.CG_READY), counted=cg_ready_counted),
    Kind.RECONSIDERATION_OPEN: Source(
        reconsideration_open,
        (*DECISION_COLUMNS, "window_last_day", "reconsideration_requested"),
        _reconsideration_alert,
    ),
    Kind.TURNING_18_CUT_OFF: Source(turning_18_cut_off, _TURNING_18_COLUMNS, _child_source(Kind.TURNING_18_CUT_OFF)),
    Kind.TURNING_18: Source(turning_18_hand_overs_to_do, _TURNING_18_COLUMNS, _child_source(Kind.TURNING_18)),
    Kind.ADULT_CONSENT: Source(
        adult_consent_awaited,
        (*_REFERRAL_COLUMNS, "turns_18_on", "consent_answer", "consent_given_on"),
        _today_only(_consent_alert),
    ),
    Kind.ACTION_OVERDUE: Source(
        actions_overdue,
        ("pk", "due_on", "agency", "plan__child__reference", "plan__child__given_names", "plan__child__family_name"),
        _action_alert,
    ),
    Kind.INFORMATION_OVERDUE: Source(
        information_overdue,
        ("pk", "due_on", "reference", "organisation__name", "organisation__name_cy", *_case_columns("referral__")),
        _today_only(_information_alert),
    ),
    Kind.SITTING_STALE: Source(sittings_stale, ("pk", "starts_at", "kind"), _today_only(_sitting_alert)),
    Kind.PROTOCOL_REVIEW: Source(
        protocols_due_for_review,
        ("reference", "review_on", "organisation__name", "organisation__name_cy"),
        _today_only(_protocol_alert),
    ),
    Kind.LETTERS_NOT_PRODUCED: Source(letters_not_produced, DECISION_COLUMNS, _letters_alert),
    Kind.NOT_EXPLAINED: Source(not_explained, (*DECISION_COLUMNS, "child_letter"), _not_explained_alert),
    Kind.WITHOUT_GUARDIAN: Source(
        children_without_guardian,
        (*_CHILD_COLUMNS, "accepted_here_since", "referral_reference"),
        _guardian_alert,
    ),
    Kind.RETURN_INTERVIEW: Source(return_interviews_awaited, _EPISODE_COLUMNS, _interview_alert),
    Kind.MISSING_NOW: Source(children_missing_now, _EPISODE_COLUMNS, _missing_alert),
}


# The SQL of each kind's rows and count, compiled once per site policy, day and viewer in each process: building
# and compiling these querysets cost more CPU than running them, and the dashboard reads every kind on every view.
# The SQL depends only on the key (the kind, the site's fields, today, whose sittings, how many rows), never on the
# rows themselves, so a cached statement returns exactly what the queryset would. Bounded: emptied when full.
@dataclass(frozen=True)
class _Statement:
    db: str
    sql: str
    params: tuple
    names: tuple[str, ...]  # the row's columns, as `values()` names them
    # (position, converters, expression): what Django's compiler does to each value of those columns.
    converters: tuple[tuple[int, tuple[Callable, ...], Any], ...]
    empty: bool = False  # the query can match nothing (Django raises EmptyResultSet instead of sending it)


_STATEMENTS: dict[tuple, _Statement] = {}
_STATEMENTS_MAX = 1024


def _site_key(site: Site) -> tuple:
    return tuple(getattr(site, f.attname) for f in Site._meta.concrete_fields)


def _compile(qs: QuerySet) -> _Statement:
    compiler = qs.query.get_compiler(qs.db)
    try:
        # Every value of these statements is fixed by their key: written into the SQL, PostgreSQL plans each once.
        sql, params = fixed_statement(*compiler.as_sql(), qs.db)
    except EmptyResultSet:
        return _Statement(qs.db, "", (), (), (), empty=True)
    columns = compiler.select[: compiler.col_count]
    converters = compiler.get_converters([expression for expression, _, _ in columns])
    return _Statement(
        db=qs.db,
        sql=sql,
        params=tuple(params),
        names=tuple(alias for _, _, alias in columns),
        converters=tuple((i, tuple(funcs), expression) for i, (funcs, expression) in converters.items()),
    )


def _statement(key: tuple, build: Callable[[], QuerySet]) -> _Statement:
    statement = _STATEMENTS.get(key)
    if statement is None:
        statement = _compile(build())
        if len(_STATEMENTS) >= _STATEMENTS_MAX:
            _STATEMENTS.clear()
        _STATEMENTS[key] = statement
    return statement


def _fetch(key: tuple, build: Callable[[], QuerySet], keep: int | None = None) -> tuple[list[Row], int]:
    """The rows of the `values()` queryset `build()` makes, as it would return them, from the statement cached at
    `key` (compiled on first use), and how many it found: only the first `keep` are made into rows (all by
    default), the rest only counted."""
    statement = _statement(("rows", *key), build)
    if statement.empty:
        return [], 0
    connection = connections[statement.db]
    with connection.cursor() as cursor:
        cursor.execute(statement.sql, statement.params)
        fetched = cursor.fetchall() if keep is None else cursor.fetchmany(keep)
        found = cursor.rowcount  # all the statement found, on PostgreSQL; -1 on SQLite, which fetches as it goes
        if found < 0:
            found = len(fetched) + (len(cursor.fetchall()) if keep is not None else 0)
    names = statement.names
    rows = []
    for values in fetched:
        row = list(values)
        for i, funcs, expression in statement.converters:
            value = row[i]
            for convert in funcs:
                value = convert(value, expression, connection)
            row[i] = value
        rows.append(dict(zip(names, row, strict=True)))
    return rows, found


def _counts(wanted: list[tuple[tuple, Callable[[], QuerySet]]]) -> list[int]:
    """All the rows of each `build()` (at `key`), counted in one statement."""
    statements = [
        _statement(("count", *key), lambda build=build: build().order_by().values("pk")) for key, build in wanted
    ]
    sent = [s for s in statements if not s.empty]
    found: list[int] = []
    if sent:
        # The inner SQL is the ORM's own, its values passed as parameters: nothing here comes from a request.
        sql = "SELECT " + ", ".join(f"(SELECT COUNT(*) FROM ({s.sql}) AS counted)" for s in sent)  # noqa: S608
        with connections[sent[0].db].cursor() as cursor:
            cursor.execute(sql, tuple(p for s in sent for p in s.params))
            found = list(cursor.fetchone())
    return [0 if s.empty else found.pop(0) for s in statements]


# The kinds whose rows a chair sees only of the sittings they chair.
_CHAIRED_KINDS = frozenset({Kind.SITTING_STALE})


def _rows(site: Site, kind: str, today: date, chaired_by: int | None) -> QuerySet:
    source = SOURCES[kind]
    qs = source.rows(site, today)
    if chaired_by is not None and kind in _CHAIRED_KINDS:
        qs = qs.filter(chair_id=chaired_by)
    return qs.values(*source.columns)


def _counted(site: Site, kind: str, today: date, chaired_by: int | None) -> QuerySet:
    """What counts a kind's rows: its `Source.counted` where it has one, else the rows themselves. A chair's own
    rows are always counted from the rows (`counted` knows nothing of the chair)."""
    counted = SOURCES[kind].counted
    if counted is None or (chaired_by is not None and kind in _CHAIRED_KINDS):
        return _rows(site, kind, today, chaired_by)
    return counted(site, today)


def alert_lists(
    site: Site,
    kinds: Iterable[str],
    today: date,
    *,
    limit: int = LIST_LIMIT,
    chaired_by: int | None = None,
    count_cap: int | None = None,
) -> dict[str, AlertList]:
    """Each kind's count and first `limit` alerts: one query per kind for its rows, and one more for the counts of
    the lists that fill their rows (the others count what they show). `chaired_by` (a user's id) keeps only the
    sittings that user chairs. `count_cap` stops counting past that many, and then each kind's own query counts
    (no more statements): at national scale an exact count of a long list (tens of thousands of decided cases) costs
    more than the rest of the dashboard, and "more than 100" says what the coordinator needs; the full list counts
    all."""
    site_key = _site_key(site)
    fetched: dict[str, list[Row]] = {}
    counted: dict[str, int] = {}
    full: list[tuple[str, tuple, Callable[[], QuerySet]]] = []
    # With a cap, each list's statement reads up to one row past it, in its order, and the rows past `limit` are
    # counted, not made: the count costs the walk it would cost on its own, without a statement of its own
    # (counting the dashboard's sections in one more statement cost as much again, most of it planning; issue 16).
    reach = limit if count_cap is None else max(limit, count_cap + 1)
    for kind in kinds:
        key = (kind, today, site_key, chaired_by)

        def build(kind: str = kind) -> QuerySet:
            return _rows(site, kind, today, chaired_by)

        def to_count(kind: str = kind) -> QuerySet:
            return _counted(site, kind, today, chaired_by)

        fetched[kind], found = _fetch((reach, *key), lambda build=build: build()[:reach], keep=limit)
        if count_cap is not None or found < limit:
            counted[kind] = found
        else:
            full.append((kind, key, to_count))
    counted |= dict(zip((kind for kind, _, _ in full), _counts([(key, build) for _, key, build in full]), strict=True))
    lists = {}
    for kind, rows in fetched.items():
        count = counted[kind]
        capped = count_cap is not None and count > count_cap
        shown = min(count, count_cap) if count_cap is not None else count
        alert = SOURCES[kind].alert
        lists[kind] = AlertList(kind, shown, [alert(row, site, today) for row in rows], capped)
    return lists


def alert_list(
    site: Site,
    kind: str,
    today: date,
    *,
    limit: int = LIST_LIMIT,
    chaired_by: int | None = None,
    count_cap: int | None = None,
) -> AlertList:
    """One kind's count and first `limit` alerts, in at most two queries: the count only when the list is full."""
    return alert_lists(site, [kind], today, limit=limit, chaired_by=chaired_by, count_cap=count_cap)[kind]


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
    """The site's alerts of `kinds` (every kind by default): a count and up to `limit` items each, in one query per
    kind and one for the counts, however many rows there are."""
    today = today or timezone.localdate()
    return SiteAlerts(site=site, today=today, lists=alert_lists(site, kinds or SOURCES, today, limit=limit))
