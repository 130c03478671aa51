"""One timeline of a child's case across its stages, newest first.

Referrals received, triage, sittings (agenda items), decisions (versions made final), plans agreed,
letters produced, reconsideration requests and transfers. The dashboard sits above every stage in the
layers (.importlinter), so it can read them all; the child's page (people, below) shows it through the
template function in dashboard/templating.py.

A fixed number of queries whatever the number of events (at most one per kind of event, none for a kind the
case cannot have yet; only the columns shown, no joins to find the child's rows); each event links to
its page only where the viewer's permissions at the record's site open that page, so a link never
leads to a 403 or a 404.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time
from functools import cache

from django.db.models import Model
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext

from childnrm.access.policy import Perm, site_permissions
from childnrm.decisions.models import Decision, DecisionStatus
from childnrm.decisions.wording import outcome_words
from childnrm.handovers.models import CaseTransfer, ScaReportedDecision
from childnrm.kit.dates import long_date
from childnrm.letters.models import Letter
from childnrm.panels.models import AgendaItem, MeetingStatus
from childnrm.people.models import Child
from childnrm.referrals.models import Referral, ReferralStatus
from childnrm.reviews.models import ReconsiderationRequest
from childnrm.safeguarding.models import SafeguardingPlan
from childnrm.triage.models import TriageAssessment, TriageOutcome


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
        self.held = site_permissions(user)  # the policy's permissions per site, read once (as has_perm reads them)

    def may(self, site_id: int | None, *perms: Perm) -> bool:
        held = self.held.get(site_id) if site_id is not None else None
        return held is not None and all(perm in held for perm in perms)

    def url(self, ok: bool, name: str, *args) -> str:
        return reverse(name, args=args) if ok else ""


def _triage_words(final_outcome: str, final_site: str | None) -> str:
    if final_outcome == TriageOutcome.PANEL:
        return gettext("Accepted by %(site)s") % {"site": final_site}
    if final_outcome == TriageOutcome.OTHER_SITE:
        return gettext("Transferred to %(site)s for triage there") % {"site": final_site}
    return gettext("Handed off to the Single Competent Authority")


@cache
def _labels(model: type[Model], field: str) -> dict:
    return dict(model._meta.get_field(field).flatchoices)


def _label(model: type[Model], field: str, value: str) -> str:
    """What `get_<field>_display()` reads, from a value read without its row."""
    return str(_labels(model, field).get(value, value))


def case_timeline(child: Child, user) -> list[TimelineEvent]:
    """Every stage's events for the child, newest first.

    The child's referrals (every status) and decisions (every version) are read first, so each other kind of
    event is found by their ids without joins, and a kind that cannot exist (no decisions: no letters) is not
    asked for. Only the columns shown are read (no model rows: a referral alone has some sixty columns).
    """
    links = _Links(user)
    events: list[TimelineEvent] = []

    # Default orderings are kept throughout: events at the same moment stay in the order they always had.
    referrals: dict[int, tuple[str, int]] = {}  # every referral of the child (any status): reference, site
    for pk, reference, site_id, status, submitted_at, organisation in Referral.objects.filter(
        child_id=child.pk
    ).values_list("pk", "reference", "site_id", "status", "submitted_at", "referrer_organisation__name"):
        referrals[pk] = (reference, site_id)
        if status == ReferralStatus.DRAFT or submitted_at is None:
            continue
        events.append(
            TimelineEvent(
                submitted_at,
                _day(submitted_at),
                gettext("Referral"),
                gettext("Referral %(reference)s received from %(organisation)s")
                % {"reference": reference, "organisation": organisation},
                links.url(links.may(site_id, Perm.REFERRAL_TRIAGE), "triage:triage", reference),
            )
        )
    if not referrals:  # nothing else of a case exists without a referral, but a plan is the child's
        return _newest_first(events + _plans(child, links))
    referral_ids = list(referrals)

    for referral_id, confirmed_at, final_outcome, final_site in TriageAssessment.objects.filter(
        referral_id__in=referral_ids, confirmed_at__isnull=False
    ).values_list("referral_id", "confirmed_at", "final_outcome", "final_site__name"):
        reference, site_id = referrals[referral_id]
        events.append(
            TimelineEvent(
                confirmed_at,
                _day(confirmed_at),
                gettext("Triage"),
                gettext("%(outcome)s (referral %(reference)s)")
                % {"outcome": _triage_words(final_outcome, final_site), "reference": reference},
                # The referral's triage page is reached at the site that holds it now.
                links.url(links.may(site_id, Perm.REFERRAL_TRIAGE), "triage:triage", reference),
            )
        )

    for stage, added_at, meeting_id, site_id, starts_at, status in AgendaItem.objects.filter(
        referral_id__in=referral_ids
    ).values_list("stage", "added_at", "meeting_id", "meeting__site_id", "meeting__starts_at", "meeting__status"):
        stage_label = _label(AgendaItem, "stage", stage)
        events.append(
            TimelineEvent(
                # Ordered no earlier than the case was put on the agenda (a sitting may be booked before).
                max(starts_at, added_at),
                _day(starts_at),
                gettext("Sitting"),
                (
                    gettext("%(stage)s on the agenda of the panel sitting (sitting cancelled)")
                    if status == MeetingStatus.CANCELLED
                    else gettext("%(stage)s on the agenda of the panel sitting")
                )
                % {"stage": stage_label},
                links.url(links.may(site_id, Perm.PANEL_MANAGE), "panels:meeting", meeting_id),
            )
        )

    # Every version of every decision (letters and reconsiderations are of any); the timeline shows those made final.
    decisions = {}
    for pk, referral_id, stage, status, outcome, decided_on, finalised_at in Decision.objects.filter(
        referral_id__in=referral_ids
    ).values_list("pk", "referral_id", "stage", "status", "outcome", "decided_on", "finalised_at"):
        site_id = referrals[referral_id][1]
        decisions[pk] = (stage, site_id)
        if status not in (DecisionStatus.FINAL, DecisionStatus.SUPERSEDED) or finalised_at is None:
            continue
        words = outcome_words(stage, outcome)
        if status == DecisionStatus.SUPERSEDED:
            words = gettext("%(outcome)s (since replaced by a later version)") % {"outcome": words}
        # Site-wide readers of decisions: those who record them and see every case of the site.
        may = links.may(site_id, Perm.DECISION_RECORD, Perm.CHILD_VIEW_SITE)
        events.append(
            TimelineEvent(
                finalised_at,
                decided_on or _day(finalised_at),
                gettext("Decision"),
                words,
                links.url(may, "decisions:detail", pk),
            )
        )

    events.extend(_plans(child, links))

    if decisions:
        decision_ids = list(decisions)
        for decision_id, kind, produced_at in Letter.objects.filter(decision_id__in=decision_ids).values_list(
            "decision_id", "kind", "produced_at"
        ):
            may = links.may(decisions[decision_id][1], Perm.LETTER_PRODUCE)
            events.append(
                TimelineEvent(
                    produced_at,
                    _day(produced_at),
                    gettext("Letter"),
                    gettext("%(letter)s produced") % {"letter": _label(Letter, "kind", kind)},
                    links.url(may, "letters:decision", decision_id),
                )
            )

        for pk, decision_id, received_on, status in ReconsiderationRequest.objects.filter(
            decision_id__in=decision_ids
        ).values_list("pk", "decision_id", "received_on", "status"):
            stage, site_id = decisions[decision_id]
            may = links.may(site_id, Perm.RECONSIDERATION_RECORD)
            events.append(
                TimelineEvent(
                    _start_of(received_on),
                    received_on,
                    gettext("Reconsideration"),
                    gettext("Request to reconsider the %(stage)s decision received (%(status)s)")
                    % {
                        "stage": _label(Decision, "stage", stage).lower(),
                        "status": _label(ReconsiderationRequest, "status", status).lower(),
                    },
                    links.url(may, "reviews:reconsideration", pk),
                )
            )

    for pk, transferred_at, from_site_id, to_site_id, to_site in CaseTransfer.objects.filter(
        referral_id__in=referral_ids
    ).values_list("pk", "transferred_at", "from_site_id", "to_site_id", "to_site__name"):
        if to_site_id is not None:
            moved = gettext("Case transferred to %(site)s") % {"site": to_site}
        else:
            moved = gettext("Case transferred to the Single Competent Authority")
        may = links.may(from_site_id, Perm.CASE_TRANSFER) or links.may(to_site_id, Perm.CASE_TRANSFER)
        events.append(
            TimelineEvent(
                transferred_at,
                _day(transferred_at),
                gettext("Transfer"),
                moved,
                links.url(may, "handovers:transfer", pk),
            )
        )

    # The SCA's own decisions on a case handed to it, as the sending site recorded them (corrections applied).
    for referral_id, site_id, stage, outcome, decided_on in ScaReportedDecision.objects.filter(
        referral_id__in=referral_ids, replaced_at__isnull=True
    ).values_list("referral_id", "site_id", "stage", "outcome", "decided_on"):
        may = links.may(site_id, Perm.SCA_OUTCOME_RECORD)
        events.append(
            TimelineEvent(
                _start_of(decided_on),
                decided_on,
                gettext("SCA decision"),
                gettext("%(outcome)s (the Single Competent Authority's %(stage)s decision)")
                % {
                    "outcome": outcome_words(stage, outcome),
                    "stage": _label(ScaReportedDecision, "stage", stage).lower(),
                },
                links.url(may, "handovers:sca-decision", referrals[referral_id][0]),
            )
        )

    return _newest_first(events)


def _plans(child: Child, links: _Links) -> list[TimelineEvent]:
    may = links.may(child.site_id, Perm.PLAN_MANAGE)
    return [
        TimelineEvent(
            created_at,
            _day(created_at),
            gettext("Plan"),
            gettext("Safeguarding plan agreed (since closed)") if closed_at else gettext("Safeguarding plan agreed"),
            links.url(may, "safeguarding:plan", pk),
        )
        for pk, created_at, closed_at in SafeguardingPlan.objects.filter(child_id=child.pk).values_list(
            "pk", "created_at", "closed_at"
        )
    ]


def _newest_first(events: list[TimelineEvent]) -> list[TimelineEvent]:
    return sorted(events, key=lambda e: e.at, reverse=True)
