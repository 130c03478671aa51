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

A busy site has hundreds of cases waiting and the page shows 25: each suggester gives its kind as a `SuggestedKind`,
which counts its cases (and the urgent ones) and builds only the run of them asked for, in its own order. The page
reads the counts and builds the one page it shows (`AgendaSuggestions`), in the same order as building them all.
"""

from __future__ import annotations

import abc
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import date, timedelta
from functools import cached_property
from typing import Any, overload

from django.db.models import QuerySet
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


class SuggestedKind(abc.ABC):
    """One kind of case suggested (one stage): how many there are, how many are urgent, and any run of them in the
    kind's own order, built only when asked for."""

    stage: str

    @abc.abstractmethod
    def count(self) -> int: ...

    @abc.abstractmethod
    def urgent(self) -> int:
        """How many of them `build` would mark urgent."""

    @abc.abstractmethod
    def build(self, start: int, stop: int) -> list[Suggestion]:
        """The suggestions at positions start to stop (not included) of the kind's order."""

    @abc.abstractmethod
    def position(self, referral_id: int) -> int | None:
        """Where the case is in the kind's order (None when it is not suggested)."""


class OrderedKind(SuggestedKind):
    """A kind the database puts in order (`rows` is ordered to the last column): counted, and cut, in SQL."""

    def __init__(
        self,
        stage: str,
        rows: QuerySet,
        make: Callable[[list[Any]], list[Suggestion]],
        *,
        referral: str,
        all_urgent: bool = False,
    ) -> None:
        self.stage = stage
        self.rows = rows
        self.make = make  # the rows of a run, in order -> their suggestions (one each)
        self.referral = referral  # the path from a row to its referral's id
        self.all_urgent = all_urgent

    @cached_property
    def _count(self) -> int:
        return self.rows.count()

    def count(self) -> int:
        return self._count

    def urgent(self) -> int:
        return self.count() if self.all_urgent else 0

    def build(self, start: int, stop: int) -> list[Suggestion]:
        return self.make(list(self.rows[start:stop])) if start < stop else []

    def position(self, referral_id: int) -> int | None:
        ids = list(self.rows.values_list(self.referral, flat=True))
        return ids.index(referral_id) if referral_id in ids else None


# (meeting, referral ids already on its agenda, today) -> one kind of suggestion, read only when asked.
Suggester = Callable[[Meeting, set[int], date], SuggestedKind]
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


class AgendaSuggestions:
    """The suggestions for a sitting, most pressing kind first: counted kind by kind, and built only for the positions
    asked for (`items[25:50]`), each with where else its case is listed and the chair rule. Iterating builds them all.
    What each kind counts is read once, when first asked."""

    def __init__(self, meeting: Meeting, kinds: list[SuggestedKind]) -> None:
        self.meeting = meeting
        self.kinds = sorted(kinds, key=lambda k: _KIND_ORDER.get(k.stage, len(_KIND_ORDER)))

    def __len__(self) -> int:
        return sum(kind.count() for kind in self.kinds)

    @cached_property
    def urgent(self) -> int:
        """How many are urgent, all kinds together."""
        return sum(kind.urgent() for kind in self.kinds)

    @overload
    def __getitem__(self, index: int) -> Suggestion: ...

    @overload
    def __getitem__(self, index: slice) -> list[Suggestion]: ...

    def __getitem__(self, index: int | slice) -> Suggestion | list[Suggestion]:
        if isinstance(index, slice):
            start, stop, step = index.indices(len(self))
            return self._build(start, stop) if step == 1 else self._build(0, len(self))[index]
        at = index + len(self) if index < 0 else index
        found = self._build(at, at + 1) if at >= 0 else []
        if not found:
            raise IndexError(index)
        return found[0]

    def __iter__(self) -> Iterator[Suggestion]:
        return iter(self._build(0, len(self)))

    def position(self, key: str) -> int | None:
        """Where the suggestion with this `Suggestion.key` is, all kinds together (None when it is not suggested)."""
        referral_id, _, stage = key.partition("-")
        if not referral_id.isdigit():
            return None
        offset = 0
        for kind in self.kinds:
            if kind.stage == stage and (at := kind.position(int(referral_id))) is not None:
                return offset + at
            offset += kind.count()
        return None

    def _build(self, start: int, stop: int) -> list[Suggestion]:
        built: list[Suggestion] = []
        offset = 0
        for kind in self.kinds:
            if offset >= stop:
                break
            count = kind.count()
            low, high = max(start - offset, 0), min(stop - offset, count)
            if low < high:
                built += kind.build(low, high)
            offset += count
        self._add_sitting_notes(built)
        return built

    def _add_sitting_notes(self, built: list[Suggestion]) -> None:
        """Where else each case is listed, and the chair rule: for the cases built only."""
        if not built:
            return
        meeting = self.meeting
        elsewhere: dict[int, list[Meeting]] = {}
        items = (
            AgendaItem.objects.filter(
                referral_id__in={s.referral.pk for s in built},
                meeting__status__in=(MeetingStatus.SCHEDULED, MeetingStatus.OPEN),
            )
            .exclude(meeting=meeting)
            .select_related("meeting")
        )
        for item in items:
            elsewhere.setdefault(item.referral_id, []).append(item.meeting)
        lead_of = children_led_by(meeting.chair) if meeting.chair_id else set()
        for s in built:
            s.listed_elsewhere = elsewhere.get(s.referral.pk, [])
            if s.referral.child_id in lead_of:
                s.reasons.append(
                    gettext("The chair of this meeting is this child's lead social worker and may not chair this case")
                )


def agenda_suggestions(meeting: Meeting, *, today: date | None = None) -> AgendaSuggestions:
    """Cases the panel should consider at this sitting, most pressing kind first, each with its reasons: counted at
    once, built a page at a time."""
    today = today or timezone.localdate()
    on_agenda = set(meeting.agenda_items.values_list("referral_id", flat=True))
    return AgendaSuggestions(meeting, [suggest(meeting, on_agenda, today) for suggest in SUGGESTERS])
