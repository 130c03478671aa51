"""What stands is changed only the way the law allows, wherever a later version sits in the chain of versions:

- a correction keeps the outcome of the decision that stands, also once the second reviewer has returned it (its new
  draft then supersedes the returned version, not the final one); only a reconsideration changes an outcome;
- the chair who signed a decision off never gives its second review, whoever chairs the sitting since;
- a conclusive grounds decision is never dated before the reasonable grounds decision it rests on, on any site, and a
  correction of the reasonable grounds decision cannot date it after the conclusive grounds decision that stands;
- a draft moved to a later sitting is dated at that sitting, not the earlier one.
"""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone, translation

from childnrm.accounts.models import Role, Site
from childnrm.accounts.policy import policy_change
from childnrm.decisions import guidance, services, tasks
from childnrm.decisions.models import Decision, DecisionKind, DecisionStatus, Outcome, Stage, Vote
from childnrm.decisions.selectors import latest_final
from childnrm.decisions.tests.factories import (
    COMPLETE_RECORD,
    demo,
    draft_decision,
    final_decision,
    open_sitting,
    plan_at_sitting,
    record_complete,
    second_reviewer,
    sitting,
)
from childnrm.kit.dates import long_date
from childnrm.panels import rules
from childnrm.panels import services as panel_services
from childnrm.panels.demo import accepted_referral, scheduled_meeting
from childnrm.panels.models import AgendaItem, AgendaStage

SITE = "northbridge"
pytestmark = pytest.mark.django_db


def coordinator():
    return demo(Role.COORDINATOR, SITE)


def site_admin():
    return demo(Role.SITE_ADMIN, SITE)


def codes(decision: Decision) -> list[str]:
    return [p.code for p in services.decision_completeness(Decision.objects.get(pk=decision.pk))]


def negative_final() -> Decision:
    """A negative reasonable grounds decision, signed off and agreed by the second reviewer: it stands."""
    decision = record_complete(draft_decision(SITE), outcome=Outcome.NEGATIVE, decided_on=timezone.localdate())
    decision = services.decision_finalise(decision=decision, user=decision.meeting.chair)
    decision = services.decision_second_review(decision=decision, user=second_reviewer(SITE), agrees=True)
    assert decision.status == DecisionStatus.FINAL
    return decision


def returned_correction(original: Decision) -> Decision:
    """A correction of `original` signed off, then returned by the second reviewer: its new draft, at no sitting."""
    correction = services.decision_correct(decision=original, user=coordinator(), reason="Wrong agency named")
    correction = services.decision_finalise(decision=correction, user=correction.meeting.chair)
    assert correction.status == DecisionStatus.SECOND_REVIEW
    draft = services.decision_second_review(
        decision=correction, user=second_reviewer(SITE), agrees=False, reasons="The reasons are still unclear"
    )
    assert (draft.kind, draft.status, draft.supersedes_id) == (
        DecisionKind.CORRECTION,
        DecisionStatus.DRAFT,
        correction.pk,
    )
    return draft


# --- 1. A correction keeps the outcome of the decision that stands ---


def test_a_returned_correction_cannot_turn_the_negative_decision_that_stands_positive(demo):
    original = negative_final()
    draft = returned_correction(original)
    with pytest.raises(services.DecisionInvalid, match="cannot change the outcome") as refused:
        services.decision_save(decision=draft, user=coordinator(), data={"outcome": Outcome.POSITIVE})
    assert refused.value.field == "outcome"
    # The outcome of the decision that stands is accepted, as on any correction.
    saved = services.decision_save(decision=draft, user=coordinator(), data={"outcome": Outcome.NEGATIVE})
    assert saved.outcome == Outcome.NEGATIVE


def test_a_correction_whose_outcome_differs_from_the_decision_that_stands_is_not_signed_off(demo):
    """The same rule at sign-off: a returned correction turned positive (as the pages allowed before this rule), taken
    to the next sitting and voted positive there, is refused, and the negative decision still stands."""
    original = negative_final()
    draft = returned_correction(original)
    meeting = sitting(SITE, referrals=[original.referral])
    item = AgendaItem.objects.get(meeting=meeting, referral=original.referral)
    draft = services.decision_start(agenda_item=item, stage=Stage.REASONABLE_GROUNDS, user=coordinator())
    draft = record_complete(draft, outcome=Outcome.NEGATIVE, decided_on=timezone.localdate())
    # Every element found, with no negative reason, and the outcome turned positive as the pages allowed before.
    services.decision_save(
        decision=draft,
        user=coordinator(),
        data={**COMPLETE_RECORD, "negative_reason": None, "support_after_negative": ""},
    )
    Decision.objects.filter(pk=draft.pk).update(outcome=Outcome.POSITIVE)
    for attendee in rules.eligible_voters(item):
        services.vote_record(decision=draft, voter=attendee.user, vote=Vote.POSITIVE, user=coordinator())
    plan_at_sitting(Decision.objects.get(pk=draft.pk), coordinator())

    problems = services.decision_completeness(Decision.objects.get(pk=draft.pk))
    assert [(p.message, p.field) for p in problems] == [
        (
            "A correction cannot change the outcome of the decision that stands. Select that outcome, or the panel "
            "reconsiders the decision",
            "outcome",
        )
    ]
    with pytest.raises(services.DecisionIncomplete):
        services.decision_finalise(decision=Decision.objects.get(pk=draft.pk), user=meeting.chair)
    assert latest_final(original.referral, Stage.REASONABLE_GROUNDS) == original
    assert Decision.objects.get(pk=draft.pk).status == DecisionStatus.DRAFT


# --- 2. The signer does not review their own decision ---


def test_the_chair_who_signed_off_cannot_give_its_second_review_once_another_chairs_the_sitting(demo):
    decision = record_complete(draft_decision(SITE), outcome=Outcome.NEGATIVE, decided_on=timezone.localdate())
    signer = decision.meeting.chair
    decision = services.decision_finalise(decision=decision, user=signer)
    meeting = decision.meeting
    panel_services.meeting_change(
        meeting=meeting,
        user=coordinator(),
        kind=meeting.kind,
        starts_at=meeting.starts_at,
        location=meeting.location,
        chair=second_reviewer(SITE),
    )
    decision = Decision.objects.get(pk=decision.pk)
    # Nobody asks the signer for the review they may not give...
    assert signer not in tasks.second_reviewers(decision)
    # ...and they cannot give it.
    with pytest.raises(services.DecisionStateError, match="You signed this decision off"):
        services.decision_second_review(decision=decision, user=signer, agrees=True)
    with translation.override("cy"), pytest.raises(services.DecisionStateError) as in_welsh:
        services.decision_second_review(decision=decision, user=signer, agrees=True)
    assert str(in_welsh.value) == (
        "Chi a gymeradwyodd y penderfyniad hwn, felly rhaid i rywun arall roi’r ail adolygiad."
    )
    assert Decision.objects.get(pk=decision.pk).status == DecisionStatus.SECOND_REVIEW


# --- 3. Conclusive grounds never before reasonable grounds ---


def test_a_correction_cannot_date_the_rg_decision_after_the_cg_decision_that_stands(demo):
    today = timezone.localdate()
    cg = final_decision(SITE, stage=Stage.CONCLUSIVE_GROUNDS, decided_on=today - timedelta(days=5))
    rg = latest_final(cg.referral, Stage.REASONABLE_GROUNDS)
    correction = services.decision_correct(decision=rg, user=coordinator(), reason="Wrong date recorded")
    with pytest.raises(services.DecisionInvalid) as refused:
        services.decision_save(decision=correction, user=coordinator(), data={"decided_on": today})
    assert refused.value.field == "decided_on"
    assert str(refused.value) == (
        "The date of the reasonable grounds decision cannot be after the conclusive grounds decision on "
        f"{long_date(today - timedelta(days=5))}"
    )
    # The day of the conclusive grounds decision itself is accepted.
    saved = services.decision_save(decision=correction, user=coordinator(), data={"decided_on": cg.decided_on})
    assert saved.decided_on == cg.decided_on


def test_an_rg_correction_dated_after_a_cg_decision_signed_off_meanwhile_is_not_signed_off(demo):
    """The date was accepted while no conclusive grounds decision stood; one signed off since, dated earlier, stops
    the correction at sign-off."""
    today = timezone.localdate()
    referral = accepted_referral(SITE)
    rg = final_decision(SITE, decided_on=today - timedelta(days=40), referral=referral)
    correction = services.decision_correct(decision=rg, user=coordinator(), reason="Wrong date recorded")
    services.decision_save(decision=correction, user=coordinator(), data={"decided_on": today})
    cg = final_decision(SITE, stage=Stage.CONCLUSIVE_GROUNDS, decided_on=today - timedelta(days=5), referral=referral)
    assert cg.status == DecisionStatus.FINAL
    assert "rg-after-cg" in codes(correction)
    with pytest.raises(services.DecisionIncomplete):
        services.decision_finalise(decision=Decision.objects.get(pk=correction.pk), user=correction.meeting.chair)
    assert latest_final(referral, Stage.REASONABLE_GROUNDS) == rg


def test_a_site_taking_both_decisions_at_one_sitting_cannot_date_the_cg_before_the_rg(demo):
    site = Site.objects.get(slug=SITE)
    policy_change(site, site_admin(), {"rg_and_cg_at_one_sitting": True}, "Both at one sitting")
    today = timezone.localdate()
    rg = draft_decision(SITE, agenda_stage=AgendaStage.BOTH, on=today - timedelta(days=3))
    rg = record_complete(rg, outcome=Outcome.POSITIVE, decided_on=today)  # the sitting went on for three days
    rg = services.decision_finalise(decision=rg, user=rg.meeting.chair)
    cg = services.decision_start(agenda_item=rg.agenda_item, stage=Stage.CONCLUSIVE_GROUNDS, user=coordinator())
    cg = record_complete(cg, outcome=Outcome.POSITIVE, decided_on=today - timedelta(days=3))
    problems = services.decision_completeness(Decision.objects.get(pk=cg.pk))
    assert [(p.code, p.field) for p in problems] == [("cg-before-rg", "decided_on")]
    assert problems[0].message == (
        f"The conclusive grounds decision cannot be dated before the reasonable grounds decision on {long_date(today)}"
    )
    with translation.override("cy"):
        in_welsh = services.decision_completeness(Decision.objects.get(pk=cg.pk))[0].message
    assert in_welsh.startswith("Ni ellir dyddio’r penderfyniad sail derfynol cyn y penderfyniad sail resymol ar ")
    # Dated the same day as the reasonable grounds decision, it is complete: both at one sitting.
    services.decision_save(decision=cg, user=coordinator(), data={"decided_on": today})
    assert codes(cg) == []


# --- 4. A draft moved to a later sitting is dated there ---


def test_a_draft_moved_to_a_later_sitting_loses_the_earlier_date_and_takes_that_sittings_guidance(demo):
    today = timezone.localdate()
    referral = accepted_referral(SITE)
    first = sitting(SITE, referrals=[referral], on=today - timedelta(days=20))
    draft = services.decision_start(
        agenda_item=AgendaItem.objects.get(meeting=first, referral=referral),
        stage=Stage.REASONABLE_GROUNDS,
        user=coordinator(),
    )
    draft = record_complete(draft, outcome=Outcome.POSITIVE, decided_on=today - timedelta(days=20))
    Decision.objects.filter(pk=draft.pk).update(guidance_version="sg-2023-01")  # as if begun under older guidance
    second = scheduled_meeting(SITE, starts_at=timezone.now())
    panel_services.meeting_close(meeting=first, user=coordinator(), carry_to=second)
    second = open_sitting(second)
    item = AgendaItem.objects.get(meeting=second, referral=referral)
    moved = services.decision_start(agenda_item=item, stage=Stage.REASONABLE_GROUNDS, user=coordinator())

    assert moved.pk == draft.pk and moved.decided_on is None
    assert Decision.objects.get(pk=draft.pk).decided_on is None
    in_force = guidance.version_on(today, Site.objects.get(slug=SITE).nation)
    assert (moved.guidance_version, moved.test_applied) == (in_force.code, in_force.test_for(Stage.REASONABLE_GROUNDS))
    for attendee in rules.eligible_voters(item):
        services.vote_record(decision=moved, voter=attendee.user, vote=Vote.POSITIVE, user=coordinator())
    plan_at_sitting(Decision.objects.get(pk=moved.pk), coordinator())
    with pytest.raises(services.DecisionIncomplete) as refused:
        services.decision_finalise(decision=Decision.objects.get(pk=moved.pk), user=second.chair)
    assert [p.code for p in refused.value.problems] == ["decided-on-missing"]


def test_a_draft_dated_before_its_sitting_is_not_signed_off(demo):
    """A draft moved before drafts lost their date on moving keeps the earlier sitting's date: sign-off says so."""
    decision = record_complete(draft_decision(SITE), outcome=Outcome.POSITIVE, decided_on=timezone.localdate())
    Decision.objects.filter(pk=decision.pk).update(decided_on=timezone.localdate() - timedelta(days=20))
    problems = services.decision_completeness(Decision.objects.get(pk=decision.pk))
    assert [(p.code, p.message, p.field) for p in problems] == [
        ("decided-before-sitting", "The date of the decision cannot be before the sitting", "decided_on")
    ]
