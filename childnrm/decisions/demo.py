"""The decisions app's part of the demo: its reference data, which a database emptied and loaded again
(the demo reset, the tests' flush after a browser journey) would otherwise lack.

Also decisions made the way a panel makes them: a sitting, the record, the votes and the chair's sign-off,
all through the services. The demo cases (`core.demo_cases`) and the tests (`decisions.tests.factories`)
use them. A positive reasonable grounds decision needs the child's safeguarding plan, which this app cannot
make (safeguarding sits above it): the caller passes `agree_plan` (e.g. `safeguarding.demo.plan_at_sitting`).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from datetime import date, datetime, time, timedelta
from typing import Any

from django.utils import timezone
from django.utils.text import capfirst

from childnrm.accounts import nations
from childnrm.accounts.models import Membership, Role, Site, User
from childnrm.decisions import services
from childnrm.decisions.models import (
    Act,
    ActFinding,
    Decision,
    DecisionStatus,
    Outcome,
    PurposeFinding,
    Stage,
    Vote,
)
from childnrm.decisions.negative_reasons import negative_reasons_ensure
from childnrm.decisions.selectors import latest_final
from childnrm.panels import rules
from childnrm.panels import services as panel_services
from childnrm.panels.demo import accept, accepted_referral, scheduled_meeting
from childnrm.panels.models import Agency, AgendaItem, AgendaStage, Meeting
from childnrm.people.demo import DEMO_EMAIL_DOMAIN, demo_account, demo_email
from childnrm.referrals.models import Referral
from childnrm.referrals.vocab import ExploitationType, Indicator

# Agrees the child's plan at the decision's sitting (or records the plan already in place): (decision, user).
AgreePlan = Callable[[Decision, User], Decision]

AGENDA_STAGE: dict[str, str] = {
    Stage.REASONABLE_GROUNDS: AgendaStage.REASONABLE_GROUNDS,
    Stage.CONCLUSIVE_GROUNDS: AgendaStage.CONCLUSIVE_GROUNDS,
}


def load_demo(*, site, site_users, organisations) -> None:
    negative_reasons_ensure()


def _demo(role: str, site_slug: str) -> User:
    return User.objects.get(email=demo_email(role, site_slug))


def second_reviewer(site_slug: str) -> User:
    """A second chair of the site (with the second review permission) who sat on none of the demo sittings."""
    site = Site.objects.get(slug=site_slug)
    organisation = _demo(Role.CHAIR, site_slug).organisation
    assert organisation is not None  # every demo user works for an organisation
    user = demo_account(
        f"second-reviewer.{site_slug}@{DEMO_EMAIL_DOMAIN}",
        f"Second reviewer ({site.name.split()[0]} test)",
        organisation,
    )
    Membership.objects.get_or_create(user=user, site=site, role=Role.CHAIR)
    return user


def sitting(
    site_slug: str,
    *,
    referrals: Iterable[Referral] = (),
    stage: str = AgendaStage.REASONABLE_GROUNDS,
    on: date | None = None,
    chair: User | None = None,
) -> Meeting:
    """A sitting in session (held `on` a day, default now): every panel member present, the referrals on its
    agenda and every attendee having declared no conflict on each. Like panels' meeting_in_session, dated."""
    # A sitting held today has started by now (its decisions are finalised after it opens), whatever the hour.
    starts_at = min(timezone.make_aware(datetime.combine(on, time(9, 30))), timezone.now()) if on else timezone.now()
    meeting = scheduled_meeting(site_slug, starts_at=starts_at, chair=chair)
    return open_sitting(meeting, referrals=referrals, stage=stage)


def open_sitting(
    meeting: Meeting, *, referrals: Iterable[Referral] = (), stage: str = AgendaStage.REASONABLE_GROUNDS
) -> Meeting:
    """Open a scheduled sitting as `sitting` does: everyone present, `referrals` added to its agenda, and no
    conflict declared on every case on the agenda (those carried to it included)."""
    coordinator = _demo(Role.COORDINATOR, meeting.site.slug)
    panel_services.attendance_mark(
        meeting=meeting, user=coordinator, present_ids=set(meeting.attendees.values_list("pk", flat=True))
    )
    for referral in referrals:
        panel_services.agenda_item_add(meeting=meeting, user=coordinator, referral=accept(referral), stage=stage)
    for item in meeting.agenda_items.all():
        for attendee in meeting.attendees.filter(present=True):
            if not item.conflict_declarations.filter(attendee=attendee).exists():
                panel_services.conflict_declare(
                    item=item, attendee=attendee, user=coordinator, has_conflict=False, details=""
                )
    meeting = panel_services.meeting_open(meeting=meeting, user=coordinator, move_to_today=True)
    meeting.refresh_from_db()
    return meeting


COMPLETE_RECORD: dict[str, Any] = {
    "act_finding": ActFinding.FOUND,
    "act_found": [Act.RECRUITMENT, Act.TRANSPORT],
    "act_reasoning": "Recruited through social media by older men and driven to another town to sell drugs.",
    "purpose_finding": PurposeFinding.FOUND,
    "purpose_found": [ExploitationType.CRIMINAL],
    "purpose_reasoning": "Moved to supply drugs for the group's profit: criminal exploitation (county lines).",
    "exploitation_types": [ExploitationType.CRIMINAL],
    "indicators": [Indicator.GOING_MISSING, Indicator.DEBT_BONDAGE],
    "credibility_reasoning": "The account is consistent in its core; gaps in dates are expected after trauma.",
    "wishes_gathered": True,
    "wishes_and_feelings": "Wants to stay with his aunt and not to go back to the town.",
    "wishes_how_gathered": "Conversation at the aunt's home, with the guardian present.",
    "wishes_gathered_by": "Independent Child Trafficking Guardian",
    "best_interests": "Keeps him safe with his aunt, away from the group, with a school place and support.",
}
# A negative decision says which element was not met, with its coded reason and the support that goes on.
NEGATIVE_RECORD: dict[str, Any] = {
    "purpose_finding": PurposeFinding.NOT_FOUND,
    "purpose_found": [],
    "purpose_reasoning": "No evidence that the moves were for anyone's profit: he was visiting family.",
    "negative_reason": "purpose-not-met",
    "support_after_negative": "Children's social care keeps him on a child in need plan; youth worker weekly.",
}


def record_complete(
    decision: Decision,
    *,
    outcome: str,
    decided_on: date,
    user: User | None = None,
    agree_plan: AgreePlan | None = None,
) -> Decision:
    """Evidence, the full record and every eligible member's vote (for the outcome); for a positive reasonable
    grounds decision, the plan through `agree_plan`."""
    site = decision.referral.site
    item = decision.agenda_item
    assert site is not None and item is not None  # a decision is taken at a site's sitting
    user = user or _demo(Role.COORDINATOR, site.slug)
    if not decision.evidence.exists():
        services.evidence_add(
            decision=decision,
            user=user,
            description="Police intelligence report on the group and the child's arrest.",
            agency=Agency.POLICE,
            supplied_by="Police",
            weight="Significant: independent and specific.",
        )
    # Multi-agency input: evidence from each statutory partner, or its recorded nil return.
    if not decision.evidence.filter(agency=Agency.SOCIAL_CARE).exists():
        services.evidence_add(
            decision=decision,
            user=user,
            description="Children's social care chronology: missing episodes and the strategy discussion.",
            agency=Agency.SOCIAL_CARE,
            supplied_by="Children's social care",
            weight="Consistent with the police report.",
        )
    if not (
        decision.evidence.filter(agency=Agency.HEALTH).exists()
        or decision.nil_returns.filter(agency=Agency.HEALTH).exists()
    ):
        services.nil_return_record(
            decision=decision,
            user=user,
            agency=Agency.HEALTH,
            statement="The designated nurse checked the health records: nothing relevant held.",
        )
    negative = NEGATIVE_RECORD if outcome == Outcome.NEGATIVE else {}
    law = nations.rules(site)  # in Scotland and Northern Ireland, their own guardian service and child care law
    local = {} if law.english_law else {"wishes_gathered_by": capfirst(str(law.guardian_title))}
    if negative and not law.english_law:
        local["support_after_negative"] = "Children's social care keeps supporting him; youth worker weekly."
    decision = services.decision_save(
        decision=decision,
        user=user,
        data={**COMPLETE_RECORD, **negative, **local, "outcome": outcome, "decided_on": decided_on},
    )
    if outcome == Outcome.POSITIVE and decision.stage == Stage.REASONABLE_GROUNDS and agree_plan is not None:
        decision = agree_plan(decision, user)
    vote = Vote.POSITIVE if outcome == Outcome.POSITIVE else Vote.NEGATIVE
    for attendee in rules.eligible_voters(item):
        services.vote_record(decision=decision, voter=attendee.user, vote=vote, reasons="", user=user)
    return decision


def draft_decision(
    site_slug: str = "northbridge",
    *,
    stage: str = Stage.REASONABLE_GROUNDS,
    referral: Referral | None = None,
    on: date | None = None,
    agenda_stage: str | None = None,
) -> Decision:
    """A new empty draft for a case on the agenda of a sitting in session."""
    referral = referral or accepted_referral(site_slug)
    meeting = sitting(site_slug, referrals=[referral], stage=agenda_stage or AGENDA_STAGE[stage], on=on)
    item = AgendaItem.objects.get(meeting=meeting, referral=referral)
    return services.decision_start(agenda_item=item, stage=stage, user=_demo(Role.COORDINATOR, site_slug))


def final_decision(
    site_slug: str,
    *,
    stage: str = Stage.REASONABLE_GROUNDS,
    outcome: str = Outcome.POSITIVE,
    decided_on: date | None = None,
    referral: Referral | None = None,
    agree_plan: AgreePlan | None = None,
) -> Decision:
    """A FINAL decision for an accepted referral, made at its own sitting on `decided_on` (default today).

    A conclusive grounds decision first gets a final positive reasonable grounds decision (the recovery
    period before it) if the case has none. A negative decision that the site sends for second review is
    agreed by a second reviewer, so the result is always FINAL.
    """
    decided_on = decided_on or timezone.localdate()
    referral = referral or accepted_referral(site_slug)
    site = Site.objects.get(slug=site_slug)
    if stage == Stage.CONCLUSIVE_GROUNDS and latest_final(referral, Stage.REASONABLE_GROUNDS) is None:
        final_decision(
            site_slug,
            stage=Stage.REASONABLE_GROUNDS,
            outcome=Outcome.POSITIVE,
            decided_on=decided_on - timedelta(days=site.recovery_period_days),
            referral=referral,
            agree_plan=agree_plan,
        )
    decision = draft_decision(site_slug, stage=stage, referral=referral, on=decided_on)
    decision = record_complete(decision, outcome=outcome, decided_on=decided_on, agree_plan=agree_plan)
    assert decision.meeting is not None  # drafted at `draft_decision`'s sitting
    decision = services.decision_finalise(decision=decision, user=decision.meeting.chair)
    if decision.status == DecisionStatus.SECOND_REVIEW:
        decision = services.decision_second_review(decision=decision, user=second_reviewer(site_slug), agrees=True)
    return decision
