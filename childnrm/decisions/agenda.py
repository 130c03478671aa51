"""What the decisions app suggests for a sitting's agenda: reasonable grounds decisions due, and conclusive
grounds decisions whose recovery period has ended (see `panels.suggestions`, which lists them)."""

from __future__ import annotations

from datetime import date, timedelta

from django.db.models import Exists, OuterRef
from django.utils.translation import gettext, ngettext

from childnrm.decisions.models import Decision, DecisionStatus, Outcome, Stage
from childnrm.panels.models import AgendaStage, Meeting
from childnrm.panels.suggestions import (
    DEFAULT_INTERVAL,
    SUGGESTED_REFERRAL_FIELDS,
    Suggestion,
    long_day,
    meeting_day,
    next_regular_sitting,
)
from childnrm.referrals import clocks
from childnrm.referrals.models import Referral, ReferralStatus

# A decision no longer waiting for the panel: signed off, or with the second reviewer.
SETTLED = (DecisionStatus.FINAL, DecisionStatus.SECOND_REVIEW, DecisionStatus.SUPERSEDED)


def reasonable_grounds_due(meeting: Meeting, on_agenda: set[int], today: date) -> list[Suggestion]:
    """Accepted referrals with no settled RG decision, soonest due first; urgent when due before the next
    regular sitting (or four weeks on, when none is scheduled) or overdue."""
    site = meeting.site
    settled_rg = Decision.objects.filter(referral=OuterRef("pk"), stage=Stage.REASONABLE_GROUNDS, status__in=SETTLED)
    referrals = (
        Referral.objects.filter(site_id=meeting.site_id, status=ReferralStatus.ACCEPTED)
        .exclude(Exists(settled_rg))
        .exclude(pk__in=on_agenda)
        .only(*SUGGESTED_REFERRAL_FIELDS)
        .order_by("submitted_at", "pk")
    )
    nxt = next_regular_sitting(meeting)
    day = meeting_day(meeting)
    horizon = meeting_day(nxt) if nxt else day + DEFAULT_INTERVAL
    stage = AgendaStage.BOTH if site.rg_and_cg_at_one_sitting else AgendaStage.REASONABLE_GROUNDS
    result = []
    for referral in referrals:
        if referral.submitted_at is None:  # an accepted referral was submitted: no clock runs otherwise
            continue
        due = clocks.rg_due_date(clocks.submitted_on(referral.submitted_at), site)
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
        result.append(Suggestion(referral=referral, stage=stage, reasons=reasons, urgent=urgent, due_on=due))
    # The clock decides the order: the soonest due first.
    result.sort(key=lambda s: (s.due_on, s.referral.pk))
    return result


def conclusive_grounds_ready(meeting: Meeting, on_agenda: set[int], today: date) -> list[Suggestion]:
    """Positive final RG decisions with no settled CG decision whose recovery period has ended by the
    sitting (any of them, where the site takes RG and CG at one sitting)."""
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
        .select_related("referral")
        .only("id", "decided_on", "referral_id", *(f"referral__{name}" for name in SUGGESTED_REFERRAL_FIELDS))
        .order_by("decided_on", "pk")
    )
    if not site.rg_and_cg_at_one_sitting:  # only those whose recovery period has ended by the sitting
        positives = positives.filter(decided_on__lte=day - timedelta(days=site.recovery_period_days))
    result = []
    for decision in positives:
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
        elif site.rg_and_cg_at_one_sitting:
            reasons.append(
                gettext("Recovery period ends on %(date)s; this site may take the conclusive grounds decision sooner")
                % {"date": long_day(ends)}
            )
        else:  # still in its recovery period: the query leaves these out already
            continue
        result.append(
            Suggestion(referral=decision.referral, stage=AgendaStage.CONCLUSIVE_GROUNDS, reasons=reasons, due_on=ends)
        )
    return result
