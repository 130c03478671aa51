"""Decisions made the way a panel makes them: a sitting, the record, the votes and the chair's sign-off,
all through the services.

The makers live in `decisions.demo` (the demo cases use them too); here a positive reasonable grounds
decision always gets its plan (`safeguarding.demo.plan_at_sitting`), and the tests' own samples are added.
"""

from __future__ import annotations

from datetime import date

from childnrm.accounts.models import Role, User
from childnrm.decisions import demo as decisions_demo
from childnrm.decisions import services
from childnrm.decisions.demo import AGENDA_STAGE as AGENDA_STAGE
from childnrm.decisions.demo import COMPLETE_RECORD as COMPLETE_RECORD
from childnrm.decisions.demo import NEGATIVE_RECORD as NEGATIVE_RECORD
from childnrm.decisions.demo import draft_decision
from childnrm.decisions.demo import open_sitting as open_sitting
from childnrm.decisions.demo import second_reviewer as second_reviewer
from childnrm.decisions.demo import sitting as sitting
from childnrm.decisions.models import Decision, Outcome, Stage, Vote
from childnrm.panels import rules
from childnrm.panels.models import Agency
from childnrm.people.demo import demo_email
from childnrm.referrals.models import Referral
from childnrm.safeguarding.demo import plan_at_sitting as plan_at_sitting


def demo(role: str, site_slug: str = "northbridge") -> User:
    return User.objects.get(email=demo_email(role, site_slug))


def record_complete(decision: Decision, *, outcome: str, decided_on: date, user: User | None = None) -> Decision:
    """Evidence, the full record, the plan a positive reasonable grounds decision needs and every eligible
    member's vote (for the outcome)."""
    return decisions_demo.record_complete(
        decision, outcome=outcome, decided_on=decided_on, user=user, agree_plan=plan_at_sitting
    )


def final_decision(
    site_slug: str,
    *,
    stage: str = Stage.REASONABLE_GROUNDS,
    outcome: str = Outcome.POSITIVE,
    decided_on: date | None = None,
    referral: Referral | None = None,
) -> Decision:
    """A FINAL decision for an accepted referral, made at its own sitting (see `decisions.demo.final_decision`)."""
    return decisions_demo.final_decision(
        site_slug, stage=stage, outcome=outcome, decided_on=decided_on, referral=referral, agree_plan=plan_at_sitting
    )


def sample_decision(site_slug: str) -> Decision:
    """A draft at a sitting in session (the demo chair's), with one piece of evidence, health's nil return and
    one vote."""
    decision = draft_decision(site_slug)
    coordinator = demo(Role.COORDINATOR, site_slug)
    services.evidence_add(decision=decision, user=coordinator, description="Police report", agency=Agency.POLICE)
    services.nil_return_record(
        decision=decision, user=coordinator, agency=Agency.HEALTH, statement="Confirmed by the designated nurse"
    )
    voter = rules.eligible_voters(decision.agenda_item)[0].user
    services.vote_record(decision=decision, voter=voter, vote=Vote.POSITIVE, user=coordinator)
    return decision
