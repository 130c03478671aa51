"""Scoped reads of decisions.

Who reaches a decision:
- the site's coordinator (all cases of the site): every decision of the site's referrals;
- a chair: decisions taken at meetings they chair, and at open meetings they attend;
- a second reviewer: the site's negative decisions waiting for second review, and those they reviewed.
Another site's decision is 404, as if it did not exist.
"""

from __future__ import annotations

from django.db.models import Q, QuerySet
from django.http import Http404

from childnrm.access.policy import Perm, sites_where
from childnrm.access.scoped import get_in_scope
from childnrm.decisions.models import Decision, DecisionStatus, Stage
from childnrm.panels.models import AgendaItem, AgendaStage, Meeting, MeetingAttendee, MeetingStatus
from childnrm.panels.selectors import HELD_HERE
from childnrm.referrals.models import Referral

DECIDING_STAGES = (
    AgendaStage.REASONABLE_GROUNDS,
    AgendaStage.CONCLUSIVE_GROUNDS,
    AgendaStage.BOTH,
    AgendaStage.RECONSIDERATION,
)
LIVE_MEETING = (MeetingStatus.SCHEDULED, MeetingStatus.OPEN)


def _site_wide(user, perm: Perm) -> list[int]:
    """Sites where the user holds `perm` and sees every case of the site."""
    every_case = set(sites_where(user, Perm.CHILD_VIEW_SITE))
    return [s for s in sites_where(user, perm) if s in every_case]


def _meetings_reached(user, perm: Perm) -> QuerySet[Meeting]:
    """Meetings of sites where the user holds `perm` that they chair, or attend while not closed."""
    sites = sites_where(user, perm)
    attending = MeetingAttendee.objects.filter(user=user).values("meeting_id")
    return Meeting.objects.filter(site_id__in=sites).filter(
        Q(chair=user) | (Q(pk__in=attending) & Q(status__in=LIVE_MEETING))
    )


def decisions_visible_to(user) -> QuerySet[Decision]:
    scope = Q(pk__in=[])
    record_sites = _site_wide(user, Perm.DECISION_RECORD)
    if record_sites:
        scope |= Q(referral__site_id__in=record_sites)
    panel_sites = sites_where(user, Perm.DECISION_RECORD) + sites_where(user, Perm.DECISION_FINALISE)
    review_sites = sites_where(user, Perm.DECISION_SECOND_REVIEW)
    if record_sites and set(panel_sites + review_sites) <= set(record_sites):
        # Every other reach below is of decisions of these sites' referrals, already in scope: the same decisions
        # without building (and the database without weighing) the meetings' subqueries. A site's coordinator.
        return Decision.objects.filter(referral__site_id__in=record_sites)
    if panel_sites:
        meetings = _meetings_reached(user, Perm.DECISION_RECORD) | _meetings_reached(user, Perm.DECISION_FINALISE)
        scope |= Q(meeting_id__in=meetings.values("pk"), referral__site_id__in=panel_sites)
        scope |= Q(finalised_by=user, referral__site_id__in=panel_sites)
    if review_sites:
        scope |= Q(referral__site_id__in=review_sites) & (
            Q(status=DecisionStatus.SECOND_REVIEW) | Q(second_reviewed_by=user)
        )
    return Decision.objects.filter(scope)


_DECISION_RELATED = ("referral", "referral__site", "referral__child", "meeting", "meeting__chair", "agenda_item")


def decision_get(user, decision_id: int) -> Decision:
    # A decision of a site where the user records decisions and sees every case is in scope whatever else
    # `decisions_visible_to` says: found without building (and the database without weighing) its subqueries.
    decision = get_in_scope(
        Decision,
        lambda: decisions_visible_to(user),
        sites=_site_wide(user, Perm.DECISION_RECORD),
        site_field="referral__site_id",
        related=_DECISION_RELATED,
        pk=decision_id,
    )
    _share_related(decision)
    return decision


def _share_related(decision: Decision) -> None:
    """The agenda item's sitting and case are the decision's own, already read: the checks that start from the
    agenda item (voters, chair, quorum) use those instead of reading them again."""
    item = decision.agenda_item
    if item is None:
        return
    meeting = decision.meeting if decision.meeting_id is not None else None
    if meeting is not None and item.meeting_id == meeting.pk:
        item.meeting = meeting
    if item.referral_id == decision.referral_id:
        item.referral = decision.referral


def agenda_items_for(user) -> QuerySet[AgendaItem]:
    """Agenda items of scheduled or open sittings on which the user may record a decision."""
    site_wide = _site_wide(user, Perm.DECISION_RECORD)
    meetings = Meeting.objects.filter(site_id__in=site_wide)
    if not set(sites_where(user, Perm.DECISION_RECORD)) <= set(site_wide):
        # Meetings reached as chair or attendee are of these sites: only needed where the user sees only some cases.
        meetings |= _meetings_reached(user, Perm.DECISION_RECORD)
    return (
        AgendaItem.objects.filter(
            meeting_id__in=meetings.filter(status__in=LIVE_MEETING).values("pk"), stage__in=DECIDING_STAGES
        )
        .filter(HELD_HERE)
        .select_related("meeting", "referral", "referral__child")
        .order_by("meeting__starts_at", "meeting_id", "position", "pk")
    )


def agenda_item_get(user, agenda_item_id: int) -> AgendaItem:
    item = agenda_items_for(user).filter(pk=agenda_item_id).first()
    if item is None:
        raise Http404
    return item


def versions_of(decision: Decision) -> QuerySet[Decision]:
    return (
        Decision.objects.filter(referral_id=decision.referral_id, stage=decision.stage)
        .select_related("finalised_by", "created_by", "meeting")
        .order_by("-version")
    )


def latest_final(referral: Referral, stage: str) -> Decision | None:
    """The decision that stands for this stage: the newest final version (never a draft or one under review)."""
    return (
        Decision.objects.filter(referral=referral, stage=stage, status=DecisionStatus.FINAL)
        .order_by("-version")
        .first()
    )


def final_outcome_for(referral: Referral) -> Decision | None:
    """Where the case stands: the final conclusive grounds decision if there is one, else reasonable grounds."""
    return latest_final(referral, Stage.CONCLUSIVE_GROUNDS) or latest_final(referral, Stage.REASONABLE_GROUNDS)


def open_version(referral: Referral, stage: str) -> Decision | None:
    """A version not yet final (a draft, or one waiting for second review), if there is one."""
    return (
        Decision.objects.filter(
            referral=referral, stage=stage, status__in=(DecisionStatus.DRAFT, DecisionStatus.SECOND_REVIEW)
        )
        .order_by("-version")
        .first()
    )
