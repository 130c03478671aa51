"""Scoped reads of meetings, agendas and case papers.

Two bases reach a meeting: running the site's panel (PANEL_MANAGE: every meeting of the site), or
being invited to it (an attendee, or its chair). An attendee reaches the case papers of its agenda
only while the meeting is scheduled or in session; once it is closed or cancelled they answer 404
unless the user sees every case of the site (CHILD_VIEW_SITE, the coordinator).

A meeting keeps its agenda when a case moves to another site, but the case no longer belongs to the
meeting's site: its agenda item is reached only while the case is still held there (`held_items`), so
the sending site's coordinator, chair, members, adviser and guardian lose the papers, and anything the
receiving site adds, at the moment of transfer. An attendee who declared a conflict of interest on a
case does not read its papers either (`papers_closed_by_conflict`: the papers say so, 403, rather than 404).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import datetime, time
from typing import Any

from django.db.models import Exists, F, OuterRef, Q, QuerySet
from django.http import Http404
from django.utils import timezone

from childnrm.access.policy import Perm, may_run_sitting, sites_where
from childnrm.accounts.access_loss import SittingOutcome
from childnrm.panels import rules
from childnrm.panels.models import (
    AgendaItem,
    AgendaStage,
    AttendanceEnded,
    ConflictDeclaration,
    Meeting,
    MeetingAttendee,
    MeetingStatus,
    PanelMember,
)
from childnrm.referrals.models import Referral

LIVE_STATUSES = (MeetingStatus.SCHEDULED, MeetingStatus.OPEN)

# What agencies have shared about a case, for its papers: (referral) -> answers, oldest first. The information
# app sits above panels, so it registers its selector here when ready (panels may not import it).
PAPER_ANSWERS: list[Callable[[Referral], Iterable[Any]]] = []


def paper_answers(referral: Referral) -> list[Any]:
    """Everything shared about the case that its papers show (the caller has reached `referral` already)."""
    return [answer for answers_for in PAPER_ANSWERS for answer in answers_for(referral)]


def _attended_q(user) -> Q:
    attendance = MeetingAttendee.objects.filter(meeting=OuterRef("pk"), user=user)
    return Q(Exists(attendance)) | Q(chair=user)


def meetings_attended_by(user) -> QuerySet[Meeting]:
    """Meetings the user is invited to (or chairs) at sites where they may attend meetings."""
    sites = sites_where(user, Perm.MEETING_ATTEND)
    if not sites:
        return Meeting.objects.none()
    return Meeting.objects.filter(_attended_q(user), site_id__in=sites)


def meetings_managed_by(user) -> QuerySet[Meeting]:
    return Meeting.objects.filter(site_id__in=sites_where(user, Perm.PANEL_MANAGE))


def meetings_visible_to(user) -> QuerySet[Meeting]:
    manage = sites_where(user, Perm.PANEL_MANAGE)
    attend = sites_where(user, Perm.MEETING_ATTEND)
    if not manage and not attend:
        return Meeting.objects.none()
    return Meeting.objects.filter(Q(site_id__in=manage) | (_attended_q(user) & Q(site_id__in=attend)))


def meeting_get(user, meeting_id: int) -> Meeting:
    """A meeting of a site the user runs the panel for, or one they are invited to; otherwise 404."""
    meeting = meetings_visible_to(user).select_related("site", "chair", "created_by").filter(pk=meeting_id).first()
    if meeting is None:
        raise Http404
    return meeting


def meeting_get_managed(user, meeting_id: int) -> Meeting:
    meeting = meetings_managed_by(user).select_related("site", "chair").filter(pk=meeting_id).first()
    if meeting is None:
        raise Http404
    return meeting


def can_manage(user, meeting: Meeting) -> bool:
    return meeting.site_id in sites_where(user, Perm.PANEL_MANAGE)


def meetings_run_by(user) -> QuerySet[Meeting]:
    """Sittings the user may open, take attendance at and close: every sitting of a site whose panel they run,
    and the sittings they chair themselves (access.policy.may_run_sitting says the same of one sitting)."""
    manage = sites_where(user, Perm.PANEL_MANAGE)
    own = sites_where(user, Perm.SITTING_RUN)
    if not manage and not own:
        return Meeting.objects.none()
    return Meeting.objects.filter(Q(site_id__in=manage) | Q(site_id__in=own, chair=user))


def meeting_get_run(user, meeting_id: int) -> Meeting:
    """A sitting the user runs (see `meetings_run_by`); otherwise 404."""
    meeting = meetings_run_by(user).select_related("site", "chair").filter(pk=meeting_id).first()
    if meeting is None:
        raise Http404
    return meeting


def can_run(user, meeting: Meeting) -> bool:
    return may_run_sitting(user, site_id=meeting.site_id, chair_id=meeting.chair_id)


def papers_open_to(user, meeting: Meeting) -> bool:
    """Whether the user may read the case papers of this meeting's agenda now."""
    if meeting.site_id in sites_where(user, Perm.CHILD_VIEW_SITE):
        return True
    if meeting.status not in LIVE_STATUSES or meeting.site_id not in sites_where(user, Perm.MEETING_ATTEND):
        return False
    return meeting.chair_id == user.pk or meeting.attendees.filter(user=user).exists()


# An agenda item whose case is still held by the meeting's site (not transferred away since).
HELD_HERE = Q(referral__site_id=F("meeting__site_id"))


def held_items(meeting: Meeting) -> QuerySet[AgendaItem]:
    """The meeting's agenda items whose cases the meeting's site still holds."""
    return meeting.agenda_items.filter(HELD_HERE).select_related("referral", "referral__child", "carried_from__meeting")


def transferred_item_count(meeting: Meeting) -> int:
    """How many cases on the agenda have moved to another site since (shown as a number, nothing more)."""
    return meeting.agenda_items.exclude(HELD_HERE).count()


def declared_conflict(user, agenda_item: str = "pk") -> Exists:
    """Whether the user declared a conflict of interest on the agenda item that the outer query's `agenda_item` names
    (an agenda item's own pk, or a decision's `agenda_item_id`). The papers' rule (`papers_closed_by_conflict`) as a
    subquery: the case papers and the decision record reached through a sitting read it (decisions.selectors)."""
    return Exists(
        ConflictDeclaration.objects.filter(agenda_item=OuterRef(agenda_item), attendee__user=user, has_conflict=True)
    )


def case_paper_referrals_for(user) -> QuerySet[Referral]:
    """Referrals on the agenda of a scheduled or in-session meeting the user is invited to, while the
    meeting's site holds the case and the user has declared no conflict on it."""
    live = meetings_attended_by(user).filter(status__in=LIVE_STATUSES)
    items = AgendaItem.objects.filter(referral=OuterRef("pk"), meeting__in=live, meeting__site_id=OuterRef("site_id"))
    items = items.exclude(declared_conflict(user))
    return Referral.objects.filter(Exists(items))


class PapersClosedByConflict(Exception):
    """The user would read these papers but declared a conflict of interest on the case: the page says so, naming
    nothing of the case, and leads back to `meeting` (whose page already shows them the case is closed to them)."""

    def __init__(self, meeting: Meeting) -> None:
        super().__init__("papers closed by the reader's own conflict of interest")
        self.meeting = meeting


def agenda_item_get(user, meeting_id: int, item_id: int) -> AgendaItem:
    """An agenda item of a meeting whose papers the user may read now (see `papers_open_to`), of a case
    the meeting's site still holds; otherwise 404. Where the user declared a conflict on it (and does not see
    every case of the site), `PapersClosedByConflict` instead (`papers_closed_by_conflict`)."""
    meeting = meeting_get(user, meeting_id)
    if not papers_open_to(user, meeting):
        raise Http404
    items = meeting.agenda_items.filter(HELD_HERE, pk=item_id)
    item = items.select_related("referral", "referral__child", "referral__site", "meeting").first()
    if item is None:
        raise Http404
    if item.pk in papers_closed_by_conflict(user, meeting):
        raise PapersClosedByConflict(meeting)
    item.meeting = meeting
    return item


def papers_open_despite_conflict(user, meeting: Meeting) -> bool:
    """Whether the user reads the meeting's papers on another basis than attending (the coordinator)."""
    return meeting.site_id in sites_where(user, Perm.CHILD_VIEW_SITE)


def papers_closed_by_conflict(user, meeting: Meeting) -> set[int]:
    """The meeting's agenda items whose papers are closed to the user because they declared a conflict of interest
    on the case (none for someone who reads them on another basis, the coordinator). The one rule for the papers
    themselves, the meeting page's links and the papers' list of other cases."""
    if papers_open_despite_conflict(user, meeting):
        return set()
    return set(
        ConflictDeclaration.objects.filter(
            agenda_item__meeting=meeting, attendee__user=user, has_conflict=True
        ).values_list("agenda_item_id", flat=True)
    )


def managed_item_get(user, meeting_id: int, item_id: int) -> AgendaItem:
    """An agenda item of a meeting the user runs, of a case the meeting's site still holds; otherwise 404."""
    meeting = meeting_get_managed(user, meeting_id)
    item = held_items(meeting).filter(pk=item_id).first()
    if item is None:
        raise Http404
    item.meeting = meeting
    return item


def own_attendance(user, meeting: Meeting) -> MeetingAttendee | None:
    return meeting.attendees.filter(user=user).first()


def panel_members_of(user) -> QuerySet[PanelMember]:
    return PanelMember.objects.filter(site_id__in=sites_where(user, Perm.PANEL_MANAGE))


def panel_member_get(user, member_id: int) -> PanelMember:
    member = panel_members_of(user).select_related("user", "site").filter(pk=member_id).first()
    if member is None:
        raise Http404
    return member


# --- Closing a sitting --------------------------------------------------------------------------

# Which decision stages an agenda stage asks for. A plan review asks for no decision, so it is never
# "undecided" (the plan's own review date brings it back).
_STAGES_ASKED = {
    "reasonable_grounds": ("reasonable_grounds",),
    "conclusive_grounds": ("conclusive_grounds",),
    "both": ("reasonable_grounds", "conclusive_grounds"),
    "reconsideration": None,  # settled by a reconsideration signed off since the case was listed
}
# The agenda stage that asks for exactly these decision stages (what a case still waiting is carried for).
_AGENDA_STAGE_FOR: dict[tuple[str, ...], str] = {
    asked: stage for stage, asked in _STAGES_ASKED.items() if asked is not None
}


# Decision statuses that settle a stage at the sitting (decisions.models.DecisionStatus values; a test in
# panels/tests/test_sittings.py checks they are the decisions app's own).
SETTLED_DECISION_STATUSES = ("final", "second_review", "superseded")
_DRAFT, _RECONSIDERATION = "draft", "reconsideration"  # a DecisionStatus and a DecisionKind, likewise


@dataclass(frozen=True, slots=True)
class _Version:
    """What settling a stage reads of one version of a case's decision."""

    stage: str
    status: str
    agenda_item_id: int | None
    kind: str
    finalised_at: datetime | None


def _versions_of(referral_ids: Iterable[int]) -> dict[int, list[_Version]]:
    """Every version of every decision on the cases, by referral: one read through the reverse relation (panels sits
    below decisions and does not import it, ADR 0014)."""
    found: dict[int, list[_Version]] = {}
    rows = Referral.objects.filter(pk__in=list(referral_ids), decisions__isnull=False).values_list(
        "pk",
        "decisions__stage",
        "decisions__status",
        "decisions__agenda_item_id",
        "decisions__kind",
        "decisions__finalised_at",
    )
    for referral_id, stage, status, agenda_item_id, kind, finalised_at in rows:
        found.setdefault(referral_id, []).append(_Version(stage, status, agenda_item_id, kind, finalised_at))
    return found


def _stage_settled_for(item: AgendaItem, stage: str, versions: list[_Version]) -> bool:
    """Whether the decision of `stage` the item asks for is settled: signed off (or with the second reviewer) for the
    case, at this sitting or any other, since a stage is decided once per case, not per listing. A draft being
    worked on this item (a returned correction brought here) keeps it undecided unless this item has it settled."""
    settled = [v for v in versions if v.stage == stage and v.status in SETTLED_DECISION_STATUSES]
    if any(v.agenda_item_id == item.pk for v in settled):
        return True
    drafted_here = any(v.stage == stage and v.status == _DRAFT and v.agenda_item_id == item.pk for v in versions)
    return bool(settled) and not drafted_here


def _reconsideration_settled_for(item: AgendaItem, versions: list[_Version]) -> bool:
    """Whether the reconsideration the item asks for is settled: a decision signed off on this item, or a
    reconsideration signed off at another sitting since the case was listed here."""
    settled = [v for v in versions if v.status in SETTLED_DECISION_STATUSES]
    return any(v.agenda_item_id == item.pk for v in settled) or any(
        v.kind == _RECONSIDERATION and v.finalised_at is not None and v.finalised_at >= item.added_at for v in settled
    )


def _still_asked(item: AgendaItem, versions: list[_Version]) -> str | None:
    """The agenda stage of what the item asked for and is not settled yet (`_stage_settled_for`), or None."""
    asked = _STAGES_ASKED[item.stage]
    if asked is None:
        return None if _reconsideration_settled_for(item, versions) else item.stage
    remaining = tuple(stage for stage in asked if not _stage_settled_for(item, stage, versions))
    return _AGENDA_STAGE_FOR[remaining] if remaining else None


def still_asked(item: AgendaItem) -> str | None:
    """What an agenda item of a sitting that did not decide it is carried to the next sitting for: its own stage, or
    conclusive grounds alone where it asked for both and reasonable grounds are settled (the agenda would not take
    them again); None once everything it asked for is settled."""
    if item.stage not in _STAGES_ASKED:
        return None
    return _still_asked(item, _versions_of([item.referral_id]).get(item.referral_id, []))


def undecided_items(meeting: Meeting) -> list[AgendaItem]:
    """The cases the sitting was asked to decide and did not: still accepted and held here, with a stage asked that
    is not settled for the case (`_stage_settled_for`: a decision signed off at another sitting settles it too)."""
    from childnrm.referrals.models import ReferralStatus

    items = list(
        held_items(meeting)
        .filter(stage__in=_STAGES_ASKED.keys(), referral__status=ReferralStatus.ACCEPTED)
        .order_by("position", "id")
    )
    versions = _versions_of({i.referral_id for i in items}) if items else {}
    return [item for item in items if _still_asked(item, versions.get(item.referral_id, [])) is not None]


def decided_stages(referral: Referral) -> set[str]:
    """The decision stages settled for the case (signed off, or with the second reviewer) with no draft of them open:
    the agenda does not ask a panel for them again. A draft (a correction, or a decision the second reviewer
    returned) goes to a sitting to be finished, so its stage may be listed; a reconsideration is its own stage, and
    its draft is finished only where the case is listed for reconsideration."""
    versions = _versions_of([referral.pk]).get(referral.pk, [])
    drafted = {v.stage for v in versions if v.status == _DRAFT and v.kind != _RECONSIDERATION}
    return {v.stage for v in versions if v.status in SETTLED_DECISION_STATUSES} - drafted


def later_sittings(meeting: Meeting) -> QuerySet[Meeting]:
    """The site's scheduled sittings still to come, soonest first: where undecided cases can be carried."""
    from django.utils import timezone

    return (
        Meeting.objects.filter(site_id=meeting.site_id, status=MeetingStatus.SCHEDULED, starts_at__gt=timezone.now())
        .exclude(pk=meeting.pk)
        .select_related("chair")
        .order_by("starts_at", "id")
    )


def carried_items(meeting: Meeting) -> QuerySet[AgendaItem]:
    """The items this sitting carried to later sittings when it closed (the record shown on its page)."""
    return (
        AgendaItem.objects.filter(carried_from__meeting=meeting)
        .select_related("meeting", "referral", "carried_from")
        .order_by("carried_from__position", "id")
    )


# --- The next sitting, from triage ---------------------------------------------------------------


def next_scheduled_sitting(site_id: int) -> Meeting | None:
    """The site's next scheduled sitting: the soonest not yet opened, from today on (one left scheduled on an
    earlier day is stale, not "next")."""
    today = timezone.make_aware(datetime.combine(timezone.localdate(), time.min))
    return (
        Meeting.objects.filter(site_id=site_id, status=MeetingStatus.SCHEDULED, starts_at__gte=today)
        .select_related("chair")
        .order_by("starts_at", "id")
        .first()
    )


def live_agenda_items_of(referral: Referral) -> QuerySet[AgendaItem]:
    """Where the case is listed already: agenda items of its site's scheduled or in-session sittings."""
    return (
        AgendaItem.objects.filter(
            referral=referral, meeting__site_id=referral.site_id, meeting__status__in=LIVE_STATUSES
        )
        .select_related("meeting")
        .order_by("meeting__starts_at", "meeting_id")
    )


def next_agenda_stage(referral: Referral) -> str | None:
    """What the panel is next asked to decide on the case: reasonable grounds first (with conclusive grounds too
    where the site takes both at one sitting, as the agenda suggests), then conclusive grounds; None once both
    are settled. Read through the reverse relation: panels sits below decisions (ADR 0014)."""
    settled = set(
        Referral.objects.filter(pk=referral.pk, decisions__status__in=SETTLED_DECISION_STATUSES).values_list(
            "decisions__stage", flat=True
        )
    )
    if "reasonable_grounds" not in settled:
        return AgendaStage.BOTH if referral.site.rg_and_cg_at_one_sitting else AgendaStage.REASONABLE_GROUNDS
    if "conclusive_grounds" not in settled:
        return AgendaStage.CONCLUSIVE_GROUNDS
    return None


def referral_for_agenda(user, reference: str) -> Referral:
    """A referral of a site whose panel the user runs (any status: the agenda's rules say what may be listed)."""
    referral = (
        Referral.objects.filter(site_id__in=sites_where(user, Perm.PANEL_MANAGE), reference=reference)
        .select_related("site", "child")
        .first()
    )
    if referral is None:
        raise Http404
    return referral


# Decisions signed off at the sitting: their statuses, named here because panels sits below decisions (layers).
_SIGNED_OFF = ("final", "second_review")


def signed_off_at_sitting(item: AgendaItem) -> list:
    """The decisions signed off on this case at its sitting (the latest version of each stage), with their votes and
    voters: the case papers show attendees what was recorded, so a member can check their own vote and any dissent
    while the papers are open, and tell the coordinator if it is wrong (read through the agenda item's own relation)."""
    decisions = (
        item.decisions.filter(status__in=_SIGNED_OFF).prefetch_related("votes__voter").order_by("stage", "-version")
    )
    latest: dict[str, object] = {}
    for decision in decisions:
        latest.setdefault(decision.stage, decision)
    return list(latest.values())


# --- Places at sittings lost with roles (accounts.access_loss) -----------------------------------


def place_lost_at(meeting: Meeting, attendee: MeetingAttendee, roles_after: Iterable[str]) -> str | None:
    """What becomes of `attendee`'s place at a live sitting when a site administrator leaves them with `roles_after`
    at its site, a role taken away (a `SittingOutcome`), or None when they keep it. Its chair who may no longer chair
    (`rules.may_chair`: the panel chair role gone, whatever else they keep) stays named as its chair, which its chair
    rule then refuses, until the coordinator chooses another. Anyone else who loses every role, or the panel member
    role they attend with, leaves the attendance list; where a decision has been started at the sitting they stay on
    its record, marked absent, as `services.attendee_remove` asks of the coordinator. The confirmation page and the
    change itself both ask here."""
    roles = set(roles_after)
    if meeting.chair_id == attendee.user_id:
        # A chair who still may chair keeps their place as chair, with or without the role their seat needs.
        return None if rules.may_chair(roles) else SittingOutcome.CHAIRS
    if rules.seat_sits(attendee.attends_as, roles):
        return None  # they still hold what they attend with (a guardian's or an adviser's role)
    if meeting.decisions.exists():  # through the reverse relation: panels sits below decisions
        return SittingOutcome.MARKED_ABSENT
    return SittingOutcome.TAKEN_OFF


def places_lost(site_id: int, user, roles_after: Iterable[str]) -> list[tuple[MeetingAttendee, str]]:
    """Each place `user` holds at the site's live sittings that `place_lost_at` takes or changes, soonest first."""
    listed = (
        MeetingAttendee.objects.filter(user=user, meeting__site_id=site_id, meeting__status__in=LIVE_STATUSES)
        .select_related("meeting")
        .order_by("meeting__starts_at", "meeting_id")
    )
    roles = set(roles_after)
    return [(a, outcome) for a in listed if (outcome := place_lost_at(a.meeting, a, roles)) is not None]


def attendance_ended_at(meeting: Meeting) -> QuerySet[AttendanceEnded]:
    """Who a site administrator's change took off (or marked absent at) this sitting, and why, first taken first."""
    return meeting.attendance_ended.select_related("user", "by").order_by("at", "id")
