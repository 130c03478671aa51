"""The agenda the service suggests for a sitting, each case with the reason it is suggested.

The kinds of case come from the stages above panels, which panels may not import (.importlinter): each
registers a suggester in `SUGGESTERS` when its app is ready, as `services.AGENDA_CHECKS` is filled.

1. Reconsideration requests received and not yet listed (reviews: `reviews.agenda`).
2. Accepted referrals with no final reasonable grounds (RG) decision, by RG due date; flagged when
   the decision falls due before the next regular sitting after this one, or is already overdue
   (decisions: `decisions.agenda`).
3. Positive final RG decisions with no final conclusive grounds (CG) decision whose recovery period
   (decided_on + site.recovery_period_days) has ended by the meeting's date, or every such case when
   the site takes RG and CG at one sitting (decisions: `decisions.agenda`).

Cases already on this meeting's agenda are left out; cases listed at another live sitting say so.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, timedelta

from django.utils import timezone
from django.utils.translation import gettext

from childnrm.kit.dates import long_date
from childnrm.panels.models import AgendaItem, AgendaStage, Meeting, MeetingKind, MeetingStatus
from childnrm.people.selectors import children_led_by
from childnrm.referrals.models import Referral

# What a suggestion shows and checks of its referral (the page lists hundreds at a busy site; a referral's answers
# are large): the suggesters read these alone.
SUGGESTED_REFERRAL_FIELDS = ("id", "reference", "given_names", "family_name", "child_id", "site_id", "submitted_at")

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

    @property
    def stage_label(self) -> str:
        return AgendaStage(self.stage).label

    @property
    def key(self) -> str:
        return f"{self.referral.pk}-{self.stage}"


# (meeting, referral ids already on its agenda, today) -> the suggestions of one kind, in their own order.
Suggester = Callable[[Meeting, set[int], date], list[Suggestion]]
SUGGESTERS: list[Suggester] = []

# The most pressing kind first; within a kind, the order its suggester gives (the RG clock: soonest due first).
_KIND_ORDER = {
    AgendaStage.RECONSIDERATION: 0,
    AgendaStage.REASONABLE_GROUNDS: 1,
    AgendaStage.BOTH: 1,
    AgendaStage.CONCLUSIVE_GROUNDS: 2,
}


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


def long_day(day: date) -> str:
    return long_date(day)


def agenda_suggestions(meeting: Meeting, *, today: date | None = None) -> list[Suggestion]:
    """Cases the panel should consider at this sitting, most pressing kind first, each with its reasons."""
    today = today or timezone.localdate()
    on_agenda = set(meeting.agenda_items.values_list("referral_id", flat=True))
    suggestions = sorted(
        (s for suggest in SUGGESTERS for s in suggest(meeting, on_agenda, today)),
        key=lambda s: _KIND_ORDER.get(s.stage, len(_KIND_ORDER)),
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
        lead_of = children_led_by(meeting.chair) if meeting.chair_id else set()
        for s in suggestions:
            s.listed_elsewhere = elsewhere.get(s.referral.pk, [])
            if s.referral.child_id in lead_of:
                s.reasons.append(
                    gettext("The chair of this meeting is this child's lead social worker and may not chair this case")
                )
    return suggestions
