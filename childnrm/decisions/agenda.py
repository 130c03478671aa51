"""What the decisions app suggests for a sitting's agenda: reasonable grounds decisions due, and conclusive
grounds decisions whose recovery period has ended (see `panels.suggestions`, which lists them).

Each kind is counted at once and built only for the cases the page shows (a busy site has hundreds waiting)."""

from __future__ import annotations

from datetime import date, timedelta
from functools import cached_property

from django.db.models import Exists, OuterRef
from django.utils import timezone
from django.utils.translation import gettext, ngettext

from childnrm.decisions.models import Decision, DecisionStatus, Outcome, Stage
from childnrm.panels.models import AgendaStage, Meeting
from childnrm.panels.suggestions import (
    DEFAULT_INTERVAL,
    SUGGESTED_REFERRAL_FIELDS,
    OrderedKind,
    SuggestedKind,
    Suggestion,
    long_day,
    meeting_day,
    next_regular_sitting,
)
from childnrm.referrals import clocks
from childnrm.referrals.anonymised import case_anonymised, case_anonymised_message, live
from childnrm.referrals.models import Referral, ReferralStatus

# A decision no longer waiting for the panel: signed off, or with the second reviewer.
SETTLED = (DecisionStatus.FINAL, DecisionStatus.SECOND_REVIEW, DecisionStatus.SUPERSEDED)


class ReasonableGroundsDue(SuggestedKind):
    """Accepted referrals with no settled RG decision, soonest due first; urgent when due before the next regular
    sitting (or four weeks on, when none is scheduled) or overdue.

    The due date comes from the site's clock (working days skip its nation's bank holidays), which SQL cannot order
    by: every case's id and time of referral are read in one light query and put in order here; the rest of a case is
    read only when it is shown."""

    def __init__(self, meeting: Meeting, on_agenda: set[int], today: date) -> None:
        self.meeting = meeting
        self.site = meeting.site
        self.today = today
        self.stage = AgendaStage.BOTH if self.site.rg_and_cg_at_one_sitting else AgendaStage.REASONABLE_GROUNDS
        settled_rg = Decision.objects.filter(
            referral=OuterRef("pk"), stage=Stage.REASONABLE_GROUNDS, status__in=SETTLED
        )
        self.referrals = (
            # An accepted referral was submitted: no clock runs otherwise.
            Referral.objects.filter(site_id=meeting.site_id, status=ReferralStatus.ACCEPTED, submitted_at__isnull=False)
            .filter(live())  # an anonymised case is kept for the figures: never offered (`referrals.anonymised`)
            .exclude(Exists(settled_rg))
            .exclude(pk__in=on_agenda)
            .only(*SUGGESTED_REFERRAL_FIELDS)
        )

    @cached_property
    def _due(self) -> list[tuple[date, int]]:
        """(due date, referral id) of every case, in the order shown: the clock decides, the soonest due first."""
        due_by_day: dict[date, date] = {}  # many cases share a day of referral
        due = []
        zone = timezone.get_current_timezone()  # `clocks.submitted_on`, the zone looked up once for hundreds
        for pk, submitted_at in self.referrals.order_by().values_list("pk", "submitted_at"):
            if submitted_at is None:  # excluded by the query; for the type checker
                continue
            day = submitted_at.astimezone(zone).date()
            if day not in due_by_day:
                due_by_day[day] = clocks.rg_due_date(day, self.site)
            due.append((due_by_day[day], pk))
        due.sort()
        return due

    @cached_property
    def _next_sitting(self) -> tuple[Meeting | None, date]:
        """The next regular sitting after this one, and the day a decision must be due before not to be urgent."""
        nxt = next_regular_sitting(self.meeting)
        return nxt, meeting_day(nxt) if nxt else meeting_day(self.meeting) + DEFAULT_INTERVAL

    def count(self) -> int:
        return len(self._due)

    def urgent(self) -> int:
        _, horizon = self._next_sitting
        return sum(1 for due, _ in self._due if due < self.today or due < horizon)

    def position(self, referral_id: int) -> int | None:
        return next((at for at, (_, pk) in enumerate(self._due) if pk == referral_id), None)

    def build(self, start: int, stop: int) -> list[Suggestion]:
        shown = self._due[start:stop]
        if not shown:
            return []
        # Read again with every rule: a case settled since it was counted is left out.
        referrals = self.referrals.in_bulk([pk for _, pk in shown])
        return [self._suggestion(referrals[pk], due) for due, pk in shown if pk in referrals]

    def _suggestion(self, referral: Referral, due: date) -> Suggestion:
        nxt, horizon = self._next_sitting
        today = self.today
        reasons = [gettext("Reasonable grounds decision due by %(date)s") % {"date": long_day(due)}]
        urgent = False
        if due < today:
            urgent = True
            late = (today - due).days
            reasons.append(ngettext("Overdue by %(days)s day", "Overdue by %(days)s days", late) % {"days": late})
        elif due < horizon:
            urgent = True
            if nxt:
                reasons.append(gettext("Due before the next regular sitting on %(date)s") % {"date": long_day(horizon)})
            else:
                reasons.append(
                    gettext(
                        "Due before %(date)s, four weeks after this sitting (no later regular sitting is scheduled)"
                    )
                    % {"date": long_day(horizon)}
                )
        return Suggestion(referral=referral, stage=self.stage, reasons=reasons, urgent=urgent, due_on=due)


def reasonable_grounds_due(meeting: Meeting, on_agenda: set[int], today: date) -> SuggestedKind:
    return ReasonableGroundsDue(meeting, on_agenda, today)


def conclusive_grounds_ready(meeting: Meeting, on_agenda: set[int], today: date) -> SuggestedKind:
    """Positive final RG decisions with no settled CG decision whose recovery period has ended by the
    sitting (any of them, where the site takes RG and CG at one sitting), the earliest decided first."""
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
        .filter(live("referral__"))
        .exclude(Exists(settled_cg))
        .exclude(referral_id__in=on_agenda)
        .select_related("referral")
        .only("id", "decided_on", "referral_id", *(f"referral__{name}" for name in SUGGESTED_REFERRAL_FIELDS))
        .order_by("decided_on", "pk")
    )
    if not site.rg_and_cg_at_one_sitting:  # only those whose recovery period has ended by the sitting
        positives = positives.filter(decided_on__lte=day - timedelta(days=site.recovery_period_days))

    def make(decisions: list[Decision]) -> list[Suggestion]:
        result = []
        for decision in decisions:
            decided_on = decision.decided_on
            if decided_on is None:  # excluded by the query; for the type checker
                continue
            ends = decided_on + timedelta(days=site.recovery_period_days)
            reasons = [gettext("Positive reasonable grounds decision on %(date)s") % {"date": long_day(decided_on)}]
            if ends <= day:
                reasons.append(
                    gettext("Recovery period of %(days)s days ended on %(date)s")
                    % {"days": site.recovery_period_days, "date": long_day(ends)}
                )
            else:  # the site takes RG and CG at one sitting (the query leaves out the others still recovering)
                reasons.append(
                    gettext(
                        "Recovery period ends on %(date)s; this site may take the conclusive grounds decision sooner"
                    )
                    % {"date": long_day(ends)}
                )
            result.append(
                Suggestion(
                    referral=decision.referral, stage=AgendaStage.CONCLUSIVE_GROUNDS, reasons=reasons, due_on=ends
                )
            )
        return result

    # Every positive the query finds is suggested (so the database counts them, and cuts the page).
    return OrderedKind(AgendaStage.CONCLUSIVE_GROUNDS, positives, make, referral="referral_id")


def anonymised_refusal(meeting: Meeting, referral: Referral, stage: str) -> str | None:
    """An agenda check (`panels.services.AGENDA_CHECKS`): a case retention anonymised is kept for the figures, and
    no panel is asked to decide anything more about it (`referrals.anonymised`). Read afresh: the case as the page
    found it may have been anonymised since."""
    case = Referral.objects.only("reference", "anonymised_at").get(pk=referral.pk)
    return case_anonymised_message(case) if case_anonymised(case) else None
