"""The agenda the service suggests for a sitting, each case with the reason it is suggested.

1. Accepted referrals with no final reasonable grounds (RG) decision, by RG due date; flagged when
   the decision falls due before the next regular sitting after this one, or is already overdue.
2. Positive final RG decisions with no final conclusive grounds (CG) decision whose recovery period
   (decided_on + site.recovery_period_days) has ended by the meeting's date, or every such case when
   the site takes RG and CG at one sitting.
3. Reconsideration requests received and not yet listed.

Cases already on this meeting's agenda are left out; cases listed at another live sitting say so.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta

from django.db.models import Exists, OuterRef
from django.utils import timezone

from childnrm.decisions.models import Decision, DecisionStatus, DecisionVote, Outcome, Stage
from childnrm.panels.models import AgendaItem, AgendaStage, Meeting, MeetingKind, MeetingStatus
from childnrm.people.models import AssociationKind, ChildAssociation
from childnrm.referrals import clocks
from childnrm.referrals.models import Referral, ReferralStatus
from childnrm.reviews.models import ReconsiderationRequest, ReconsiderationStatus

# A decision no longer waiting for the panel: signed off, or with the second reviewer.
SETTLED = (DecisionStatus.FINAL, DecisionStatus.SECOND_REVIEW, DecisionStatus.SUPERSEDED)
# When no later regular sitting is scheduled, assume the next one is four weeks on.
DEFAULT_INTERVAL = timedelta(days=28)


@dataclass
class Suggestion:
    referral: Referral
    stage: str
    reasons: list[str]
    urgent: bool = False
    due_on: date | None = None
    listed_elsewhere: list[Meeting] = field(default_factory=list)
    reconsideration: ReconsiderationRequest | None = None

    @property
    def stage_label(self) -> str:
        return AgendaStage(self.stage).label

    @property
    def key(self) -> str:
        return f"{self.referral.pk}-{self.stage}"


def meeting_day(meeting: Meeting) -> date:
    return timezone.localtime(meeting.starts_at).date()


def next_regular_sitting(meeting: Meeting) -> Meeting | None:
    return (
        Meeting.objects.filter(
            site_id=meeting.site_id,
            kind=MeetingKind.REGULAR,
            status__in=(MeetingStatus.SCHEDULED, MeetingStatus.OPEN),
            starts_at__gt=meeting.starts_at,
        )
        .exclude(pk=meeting.pk)
        .order_by("starts_at")
        .first()
    )


def _long(day: date) -> str:
    return f"{day.day} {day:%B %Y}"


def _rg_suggestions(meeting: Meeting, on_agenda: set[int], today: date) -> list[Suggestion]:
    site = meeting.site
    settled_rg = Decision.objects.filter(referral=OuterRef("pk"), stage=Stage.REASONABLE_GROUNDS, status__in=SETTLED)
    referrals = (
        Referral.objects.filter(site_id=meeting.site_id, status=ReferralStatus.ACCEPTED)
        .exclude(Exists(settled_rg))
        .exclude(pk__in=on_agenda)
        .select_related("child")
        .order_by("submitted_at", "pk")
    )
    nxt = next_regular_sitting(meeting)
    day = meeting_day(meeting)
    horizon = meeting_day(nxt) if nxt else day + DEFAULT_INTERVAL
    stage = AgendaStage.BOTH if site.rg_and_cg_at_one_sitting else AgendaStage.REASONABLE_GROUNDS
    result = []
    for referral in referrals:
        due = clocks.rg_due_date(clocks.submitted_on(referral.submitted_at), site)
        reasons = [f"Reasonable grounds decision due by {_long(due)}"]
        urgent = False
        if due < today:
            urgent = True
            reasons.append(f"Overdue by {(today - due).days} day{'s' if (today - due).days != 1 else ''}")
        elif due < horizon:
            urgent = True
            if nxt:
                reasons.append(f"Due before the next regular sitting on {_long(horizon)}")
            else:
                reasons.append(
                    f"Due before {_long(horizon)}, four weeks after this sitting "
                    "(no later regular sitting is scheduled)"
                )
        result.append(Suggestion(referral=referral, stage=stage, reasons=reasons, urgent=urgent, due_on=due))
    # The clock decides the order: the soonest due first.
    result.sort(key=lambda s: (s.due_on, s.referral.pk))
    return result


def _cg_suggestions(meeting: Meeting, on_agenda: set[int]) -> list[Suggestion]:
    site = meeting.site
    day = meeting_day(meeting)
    settled_cg = Decision.objects.filter(
        referral=OuterRef("referral_id"), stage=Stage.CONCLUSIVE_GROUNDS, status__in=SETTLED
    )
    positives = (
        Decision.objects.filter(
            referral__site_id=meeting.site_id,
            referral__status=ReferralStatus.ACCEPTED,
            stage=Stage.REASONABLE_GROUNDS,
            status=DecisionStatus.FINAL,
            outcome=Outcome.POSITIVE,
            decided_on__isnull=False,
        )
        .exclude(Exists(settled_cg))
        .exclude(referral_id__in=on_agenda)
        .select_related("referral", "referral__child")
        .order_by("decided_on", "pk")
    )
    result = []
    for decision in positives:
        ends = decision.decided_on + timedelta(days=site.recovery_period_days)
        reasons = [f"Positive reasonable grounds decision on {_long(decision.decided_on)}"]
        if ends <= day:
            reasons.append(f"Recovery period of {site.recovery_period_days} days ended on {_long(ends)}")
        elif site.rg_and_cg_at_one_sitting:
            reasons.append(
                f"Recovery period ends on {_long(ends)}; this site may take the conclusive grounds decision sooner"
            )
        else:
            continue
        result.append(
            Suggestion(referral=decision.referral, stage=AgendaStage.CONCLUSIVE_GROUNDS, reasons=reasons, due_on=ends)
        )
    return result


def _reconsideration_suggestions(meeting: Meeting, on_agenda: set[int]) -> list[Suggestion]:
    requests = list(
        ReconsiderationRequest.objects.filter(
            decision__referral__site_id=meeting.site_id, status=ReconsiderationStatus.RECEIVED
        )
        .exclude(decision__referral_id__in=on_agenda)
        .select_related("decision", "decision__referral", "decision__referral__child")
        .order_by("received_on", "pk")
    )
    invited = dict(meeting.attendees.values_list("user_id", "user__full_name"))
    voted: dict[int, set[int]] = {}
    for decision_id, voter_id in DecisionVote.objects.filter(
        decision_id__in={r.decision_id for r in requests}
    ).values_list("decision_id", "voter_id"):
        voted.setdefault(decision_id, set()).add(voter_id)
    result = []
    for request in requests:
        decision = request.decision
        reasons = [
            f"Reconsideration of the {decision.outcome.lower()} "
            f"{decision.get_stage_display().lower()} decision requested on {_long(request.received_on)}",
        ]
        again = sorted(invited[u] for u in voted.get(decision.pk, set()) if u in invited)
        if again:
            reasons.append(
                "A differently constituted panel should reconsider. Invited to this meeting and voted on the "
                f"original decision: {', '.join(again)}"
            )
        else:
            reasons.append("A differently constituted panel should reconsider: no one invited voted on the original")
        result.append(
            Suggestion(
                referral=decision.referral,
                stage=AgendaStage.RECONSIDERATION,
                reasons=reasons,
                urgent=True,
                reconsideration=request,
            )
        )
    return result


def agenda_suggestions(meeting: Meeting, *, today: date | None = None) -> list[Suggestion]:
    """Cases the panel should consider at this sitting, most pressing kind first, each with its reasons."""
    today = today or timezone.localdate()
    on_agenda = set(meeting.agenda_items.values_list("referral_id", flat=True))
    suggestions = (
        _reconsideration_suggestions(meeting, on_agenda)
        + _rg_suggestions(meeting, on_agenda, today)
        + _cg_suggestions(meeting, on_agenda)
    )
    if suggestions:
        elsewhere: dict[int, list[Meeting]] = {}
        items = (
            AgendaItem.objects.filter(
                referral_id__in={s.referral.pk for s in suggestions},
                meeting__status__in=(MeetingStatus.SCHEDULED, MeetingStatus.OPEN),
            )
            .exclude(meeting=meeting)
            .select_related("meeting")
        )
        for item in items:
            elsewhere.setdefault(item.referral_id, []).append(item.meeting)
        lead_of = _children_led_by_chair(meeting)
        for s in suggestions:
            s.listed_elsewhere = elsewhere.get(s.referral.pk, [])
            if s.referral.child_id in lead_of:
                s.reasons.append(
                    "The chair of this meeting is this child's lead social worker and may not chair this case"
                )
    return suggestions


def _children_led_by_chair(meeting: Meeting) -> set[int]:
    if meeting.chair_id is None:
        return set()
    return set(
        ChildAssociation.objects.filter(
            user_id=meeting.chair_id, kind=AssociationKind.LEAD_SOCIAL_WORKER, ends_at__isnull=True
        ).values_list("child_id", flat=True)
    )
