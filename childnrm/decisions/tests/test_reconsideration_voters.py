"""A reconsideration is decided by a differently constituted panel: no one who voted on the decision
being reconsidered may vote on it, and the completeness check does not wait for their votes."""

from __future__ import annotations

import pytest

from childnrm.accounts.models import Role
from childnrm.decisions import services
from childnrm.decisions.models import DecisionKind, Outcome, Stage, Vote
from childnrm.decisions.tests.factories import demo as staff
from childnrm.decisions.tests.factories import draft_decision, final_decision
from childnrm.panels.models import AgendaStage


def test_members_who_voted_on_the_original_cannot_vote_on_its_reconsideration(demo):
    original = final_decision("northbridge", outcome=Outcome.NEGATIVE)
    original_voters = set(original.votes.values_list("voter_id", flat=True))
    assert len(original_voters) == 3

    # The same panel sits again (the listing check in `reviews` normally prevents this; here it is forced).
    reconsidered = draft_decision(
        "northbridge",
        stage=Stage.REASONABLE_GROUNDS,
        referral=original.referral,
        agenda_stage=AgendaStage.RECONSIDERATION,
    )
    assert reconsidered.kind == DecisionKind.RECONSIDERATION and reconsidered.supersedes_id == original.pk
    assert services.decision_voters(reconsidered) == []

    voter = original.votes.first().voter
    with pytest.raises(services.DecisionInvalid, match="voted on the decision being reconsidered"):
        services.vote_record(decision=reconsidered, voter=voter, vote=Vote.POSITIVE, user=demo_coordinator())
    problems = services.decision_completeness(reconsidered)
    assert "No member present may vote on this case" in problems
    assert not any(p.startswith("Record the vote of") for p in problems)


def test_an_ordinary_decision_has_no_earlier_voters(demo):
    decision = draft_decision("northbridge")
    assert services.earlier_voter_ids(decision) == set()
    assert len(services.decision_voters(decision)) == 3


def demo_coordinator():
    return staff(Role.COORDINATOR, "northbridge")
