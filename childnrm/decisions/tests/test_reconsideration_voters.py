"""A reconsideration is decided by a differently constituted panel: no one who voted on the decision
being reconsidered may vote on it, and neither may its chair, who also may not chair the sitting that
finalises it nor have it put on the agenda of a meeting they chair (decisions.reconsideration)."""

from __future__ import annotations

import pytest

from childnrm.accounts.models import Role
from childnrm.decisions import reconsideration, services
from childnrm.decisions.models import Decision, DecisionKind, DecisionVote, Outcome, Stage, Vote
from childnrm.decisions.tests.factories import demo as staff
from childnrm.decisions.tests.factories import draft_decision, final_decision, sitting
from childnrm.panels import services as panel_services
from childnrm.panels.models import AgendaItem, AgendaStage, Meeting
from childnrm.panels.tests.factories import scheduled_meeting
from childnrm.reviews.tests.factories import other_chair


def missing(decision) -> list[str]:
    """What the completeness check lists, in the words the chair reads."""
    return [p.message for p in services.decision_completeness(decision)]


def reconsideration_draft(original: Decision, *, chair) -> Decision:
    """The reconsideration's draft at a sitting in session chaired by `chair` (the whole demo panel attends)."""
    meeting = sitting("northbridge", referrals=[original.referral], stage=AgendaStage.RECONSIDERATION, chair=chair)
    item = AgendaItem.objects.get(meeting=meeting, referral=original.referral)
    return services.decision_start(agenda_item=item, stage=original.stage, user=demo_coordinator())


def test_members_who_voted_on_the_original_cannot_vote_on_its_reconsideration(demo):
    original = final_decision("northbridge", outcome=Outcome.NEGATIVE)
    original_voters = set(original.votes.values_list("voter_id", flat=True))
    assert len(original_voters) == 3

    # The same panel sits again, under another chair (the listing check in `reviews` normally prevents this).
    reconsidered = reconsideration_draft(original, chair=other_chair())
    assert reconsidered.kind == DecisionKind.RECONSIDERATION and reconsidered.supersedes_id == original.pk
    assert services.decision_voters(reconsidered) == []

    voter = original.votes.first().voter
    with pytest.raises(services.DecisionInvalid, match="voted on or chaired the decision being reconsidered"):
        services.vote_record(decision=reconsidered, voter=voter, vote=Vote.POSITIVE, user=demo_coordinator())
    problems = missing(reconsidered)
    assert "No member present may vote on this case" in problems
    assert not any(p.startswith("Record the vote of") for p in problems)


def test_the_original_chair_may_not_vote_on_the_reconsideration(demo):
    original = final_decision("northbridge", outcome=Outcome.NEGATIVE)
    # One voting member chaired the original sitting and did not vote on it.
    chair_vote = original.votes.select_related("voter").first()
    chaired_by = chair_vote.voter
    DecisionVote.objects.filter(pk=chair_vote.pk).delete()
    Meeting.objects.filter(pk=original.meeting_id).update(chair=chaired_by)
    Decision.objects.filter(pk=original.pk).update(finalised_by=chaired_by)

    reconsidered = reconsideration_draft(original, chair=other_chair())
    assert chaired_by.pk in services.earlier_voter_ids(reconsidered)
    assert chaired_by.pk not in {a.user_id for a in services.decision_voters(reconsidered)}
    with pytest.raises(services.DecisionInvalid, match="voted on or chaired the decision being reconsidered"):
        services.vote_record(decision=reconsidered, voter=chaired_by, vote=Vote.POSITIVE, user=demo_coordinator())
    assert not reconsidered.votes.exists()


def test_a_reconsideration_cannot_be_finalised_at_a_sitting_chaired_by_the_original_chair(demo):
    original = final_decision("northbridge", outcome=Outcome.NEGATIVE)
    original_chair = original.meeting.chair
    reconsidered = reconsideration_draft(original, chair=other_chair())
    assert reconsideration.panel_problems(reconsidered) == []

    # After the listing, the sitting's chair is changed to the original decision's chair.
    meeting = reconsidered.meeting
    panel_services.meeting_change(
        meeting=meeting,
        user=demo_coordinator(),
        kind=meeting.kind,
        starts_at=meeting.starts_at,
        location=meeting.location,
        chair=original_chair,
    )
    reconsidered.refresh_from_db()
    problems = missing(reconsidered)
    assert any(p.startswith(f"{original_chair.full_name} chaired the decision being reconsidered") for p in problems)
    with pytest.raises(services.DecisionIncomplete) as refused:
        services.decision_finalise(decision=reconsidered, user=original_chair)
    assert any("a differently constituted panel must reconsider" in p.message for p in refused.value.problems)


def test_a_meeting_chaired_by_the_original_chair_cannot_take_the_reconsideration_onto_its_agenda(demo):
    original = final_decision("northbridge", outcome=Outcome.NEGATIVE)
    coordinator = demo_coordinator()
    chaired_by_original = scheduled_meeting("northbridge", chair=original.meeting.chair)
    with pytest.raises(panel_services.PanelError) as refused:
        panel_services.agenda_item_add(
            meeting=chaired_by_original, user=coordinator, referral=original.referral, stage=AgendaStage.RECONSIDERATION
        )
    assert str(refused.value).startswith(f"{original.meeting.chair.full_name} chaired the decision being reconsidered")
    assert refused.value.field == "referral"
    assert not AgendaItem.objects.filter(meeting=chaired_by_original).exists()

    another = scheduled_meeting("northbridge", chair=other_chair())
    item = panel_services.agenda_item_add(
        meeting=another, user=coordinator, referral=original.referral, stage=AgendaStage.RECONSIDERATION
    )
    assert item.stage == AgendaStage.RECONSIDERATION


def test_a_positive_decision_is_not_reconsidered_and_its_chair_is_not_refused_other_stages(demo):
    """Reconsideration is of a negative decision (domain: "within 30 days of a negative RG or CG"): a case whose
    decision is positive may not be put on an agenda to reconsider, which would let a sitting re-decide it as
    negative with no request. Its chair is not refused the case's other stages."""
    original = final_decision("northbridge", outcome=Outcome.POSITIVE)
    meeting = scheduled_meeting("northbridge", chair=original.meeting.chair)
    refusal = "This case has no negative decision standing to reconsider"
    assert reconsideration.agenda_refusal(meeting, original.referral, AgendaStage.RECONSIDERATION) == refusal
    another = scheduled_meeting("northbridge", chair=other_chair())
    with pytest.raises(panel_services.PanelError, match=refusal):
        panel_services.agenda_item_add(
            meeting=another, user=demo_coordinator(), referral=original.referral, stage=AgendaStage.RECONSIDERATION
        )
    assert reconsideration.agenda_refusal(meeting, original.referral, AgendaStage.CONCLUSIVE_GROUNDS) is None


def test_an_ordinary_decision_has_no_earlier_voters(demo):
    decision = draft_decision("northbridge")
    assert services.earlier_voter_ids(decision) == set()
    assert reconsideration.original_chair_ids(decision) == set()
    assert len(services.decision_voters(decision)) == 3


def test_an_original_decision_has_no_reconsideration_problems(demo):
    decision = draft_decision("northbridge", stage=Stage.REASONABLE_GROUNDS)
    assert reconsideration.panel_problems(decision) == []


def demo_coordinator():
    return staff(Role.COORDINATOR, "northbridge")
