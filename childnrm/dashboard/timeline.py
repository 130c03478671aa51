"""One timeline of a child's case across its stages, newest first.

Referrals received, triage, sittings (agenda items), decisions (versions made final), plans agreed,
letters produced, reconsideration requests and transfers. The dashboard sits above every stage in the
layers (.importlinter), so it can read them all; the child's page (people, below) shows it through the
template function in dashboard/templating.py.

A fixed number of queries whatever the number of events (one per kind of event); each event links to
its page only where the viewer's permissions at the record's site open that page, so a link never
leads to a 403 or a 404.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time

from django.urls import reverse
from django.utils import timezone

from childnrm.access.policy import Perm, has_perm
from childnrm.decisions.models import Decision, DecisionStatus
from childnrm.decisions.wording import outcome_words
from childnrm.handovers.models import CaseTransfer
from childnrm.kit.dates import long_date
from childnrm.letters.models import Letter
from childnrm.panels.models import AgendaItem, MeetingStatus
from childnrm.people.models import Child
from childnrm.referrals.models import Referral, ReferralStatus, TriageAssessment, TriageOutcome
from childnrm.reviews.models import ReconsiderationRequest
from childnrm.safeguarding.models import SafeguardingPlan


@dataclass(frozen=True)
class TimelineEvent:
    at: datetime  # for ordering
    on: date  # the day shown
    stage: str  # "Referral", "Triage", "Sitting", ...
    title: str
    href: str = ""

    @property
    def when(self) -> str:
        return long_date(self.on)


def _day(moment: datetime) -> date:
    return timezone.localtime(moment).date()


def _start_of(day: date) -> datetime:
    return timezone.make_aware(datetime.combine(day, time.min))


class _Links:
    """Whether the viewer may open each kind of page for a site: the page's own permission checks."""

    def __init__(self, user) -> None:
        self.user = user

    def may(self, site_id: int | None, *perms: Perm) -> bool:
        return site_id is not None and all(has_perm(self.user, perm, site_id) for perm in perms)

    def url(self, ok: bool, name: str, *args) -> str:
        return reverse(name, args=args) if ok else ""


def _triage_words(assessment: TriageAssessment) -> str:
    if assessment.final_outcome == TriageOutcome.PANEL:
        return f"Accepted by {assessment.final_site.name}"
    if assessment.final_outcome == TriageOutcome.OTHER_SITE:
        return f"Transferred to {assessment.final_site.name} for triage there"
    return "Handed off to the Single Competent Authority"


def case_timeline(child: Child, user) -> list[TimelineEvent]:
    """Every stage's events for the child, newest first."""
    links = _Links(user)
    events: list[TimelineEvent] = []

    referrals = list(
        Referral.objects.filter(child=child)
        .exclude(status=ReferralStatus.DRAFT)
        .exclude(submitted_at__isnull=True)
        .select_related("referrer_organisation")
    )
    for referral in referrals:
        events.append(
            TimelineEvent(
                referral.submitted_at,
                _day(referral.submitted_at),
                "Referral",
                f"Referral {referral.reference} received from {referral.referrer_organisation}",
                links.url(links.may(referral.site_id, Perm.REFERRAL_TRIAGE), "referrals:triage", referral.reference),
            )
        )

    for assessment in TriageAssessment.objects.filter(referral__child=child, confirmed_at__isnull=False).select_related(
        "referral", "final_site"
    ):
        referral = assessment.referral
        events.append(
            TimelineEvent(
                assessment.confirmed_at,
                _day(assessment.confirmed_at),
                "Triage",
                f"{_triage_words(assessment)} (referral {referral.reference})",
                # The referral's triage page is reached at the site that holds it now.
                links.url(links.may(referral.site_id, Perm.REFERRAL_TRIAGE), "referrals:triage", referral.reference),
            )
        )

    for item in AgendaItem.objects.filter(referral__child=child).select_related("meeting"):
        meeting = item.meeting
        cancelled = " (sitting cancelled)" if meeting.status == MeetingStatus.CANCELLED else ""
        events.append(
            TimelineEvent(
                # Ordered no earlier than the case was put on the agenda (a sitting may be booked before).
                max(meeting.starts_at, item.added_at),
                _day(meeting.starts_at),
                "Sitting",
                f"{item.get_stage_display()} on the agenda of the panel sitting{cancelled}",
                links.url(links.may(meeting.site_id, Perm.PANEL_MANAGE), "panels:meeting", meeting.pk),
            )
        )

    for decision in Decision.objects.filter(
        referral__child=child,
        status__in=(DecisionStatus.FINAL, DecisionStatus.SUPERSEDED),
        finalised_at__isnull=False,
    ).select_related("referral"):
        later = " (since replaced by a later version)" if decision.status == DecisionStatus.SUPERSEDED else ""
        # Site-wide readers of decisions: those who record them and see every case of the site.
        may = links.may(decision.referral.site_id, Perm.DECISION_RECORD, Perm.CHILD_VIEW_SITE)
        events.append(
            TimelineEvent(
                decision.finalised_at,
                decision.decided_on or _day(decision.finalised_at),
                "Decision",
                f"{outcome_words(decision.stage, decision.outcome)}{later}",
                links.url(may, "decisions:detail", decision.pk),
            )
        )

    for plan in SafeguardingPlan.objects.filter(child=child):
        events.append(
            TimelineEvent(
                plan.created_at,
                _day(plan.created_at),
                "Plan",
                "Safeguarding plan agreed" + (" (since closed)" if plan.closed_at else ""),
                links.url(links.may(child.site_id, Perm.PLAN_MANAGE), "safeguarding:plan", plan.pk),
            )
        )

    for letter in Letter.objects.filter(decision__referral__child=child).select_related("decision__referral"):
        may = links.may(letter.decision.referral.site_id, Perm.LETTER_PRODUCE)
        events.append(
            TimelineEvent(
                letter.produced_at,
                _day(letter.produced_at),
                "Letter",
                f"{letter.get_kind_display()} produced",
                links.url(may, "letters:decision", letter.decision_id),
            )
        )

    for asked in ReconsiderationRequest.objects.filter(decision__referral__child=child).select_related(
        "decision__referral"
    ):
        may = links.may(asked.decision.referral.site_id, Perm.RECONSIDERATION_RECORD)
        events.append(
            TimelineEvent(
                _start_of(asked.received_on),
                asked.received_on,
                "Reconsideration",
                f"Request to reconsider the {asked.decision.get_stage_display().lower()} decision received "
                f"({asked.get_status_display().lower()})",
                links.url(may, "reviews:reconsideration", asked.pk),
            )
        )

    for transfer in CaseTransfer.objects.filter(referral__child=child).select_related("to_site"):
        to = transfer.to_site.name if transfer.to_site else "the Single Competent Authority"
        may = links.may(transfer.from_site_id, Perm.CASE_TRANSFER) or links.may(transfer.to_site_id, Perm.CASE_TRANSFER)
        events.append(
            TimelineEvent(
                transfer.transferred_at,
                _day(transfer.transferred_at),
                "Transfer",
                f"Case transferred to {to}",
                links.url(may, "handovers:transfer", transfer.pk),
            )
        )

    return sorted(events, key=lambda e: e.at, reverse=True)
