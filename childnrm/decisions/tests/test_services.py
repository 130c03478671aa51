"""The decision's rules, through the services: guidance, completeness, sitting rules, finalise, corrections,
second review and sequencing."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from django.core.exceptions import PermissionDenied
from django.utils import timezone

from childnrm.accounts.models import Membership, Role, Site
from childnrm.decisions import guidance, services
from childnrm.decisions.models import Decision, DecisionKind, DecisionStatus, Outcome, Stage, Vote
from childnrm.decisions.selectors import final_outcome_for, latest_final
from childnrm.decisions.tests.factories import (
    COMPLETE_RECORD,
    demo,
    draft_decision,
    final_decision,
    record_complete,
    second_reviewer,
    sitting,
)
from childnrm.panels import services as panel_services
from childnrm.panels.models import Agency, AgendaItem, AgendaStage
from childnrm.panels.tests.factories import accepted_referral

SITE = "northbridge"


def missing(decision) -> list[str]:
    """What the completeness check lists, in the words the chair reads."""
    return [p.message for p in services.decision_completeness(decision)]


def coordinator():
    return demo(Role.COORDINATOR, SITE)


def attendee(decision: Decision, agency: str):
    return decision.meeting.attendees.select_related("user").get(agency=agency)


def finalise(decision: Decision) -> Decision:
    return services.decision_finalise(decision=decision, user=decision.meeting.chair)


def test_guidance_in_force_on_each_day():
    assert guidance.version_on(date(2022, 12, 1)).code == "sg-2021"
    assert guidance.version_on(date(2023, 1, 30)).code == "sg-2023-01"
    assert guidance.version_on(date(2023, 7, 9)).code == "sg-2023-01"
    assert guidance.version_on(date(2023, 7, 10)).code == "sg-2023-07"
    assert guidance.version_on(date(2026, 1, 1)) == guidance.CURRENT
    objective = guidance.version_on(date(2023, 3, 1)).test_for(Stage.REASONABLE_GROUNDS)
    assert "objective" in objective
    current_rg = guidance.CURRENT.test_for(Stage.REASONABLE_GROUNDS)
    assert "based on all available general and specific evidence but falling short of conclusive proof" in current_rg
    assert "balance of probabilities" in guidance.CURRENT.test_for(Stage.CONCLUSIVE_GROUNDS)


def test_a_new_decision_records_the_guidance_in_force_on_its_date(demo):
    decision = draft_decision(SITE)
    assert decision.status == DecisionStatus.DRAFT and decision.version == 1
    assert decision.guidance_version == guidance.CURRENT.code
    assert decision.test_applied == guidance.CURRENT.test_for(Stage.REASONABLE_GROUNDS)

    older = draft_decision(SITE, on=date(2023, 3, 1))
    older = services.decision_save(decision=older, user=coordinator(), data={"decided_on": date(2023, 3, 1)})
    assert older.guidance_version == "sg-2023-01"
    assert "objective" in older.test_applied


def test_starting_twice_gives_the_same_draft_and_refuses_the_wrong_stage(demo):
    decision = draft_decision(SITE)
    again = services.decision_start(
        agenda_item=decision.agenda_item, stage=Stage.REASONABLE_GROUNDS, user=coordinator()
    )
    assert again.pk == decision.pk
    with pytest.raises(services.DecisionInvalid, match="on the agenda for reasonable grounds"):
        services.decision_start(agenda_item=decision.agenda_item, stage=Stage.CONCLUSIVE_GROUNDS, user=coordinator())


def test_completeness_lists_everything_missing_and_blocks_finalise(demo):
    decision = draft_decision(SITE)
    problems = missing(decision)
    for expected in (
        "Add at least one piece of evidence the panel weighed",
        "Record whether the panel found an act of trafficking",
        "Record whether the panel found an exploitative purpose",
        "Record how the decision and the plan serve the child's best interests",
        "Enter the credibility reasoning",
        "Record whether the child's wishes and feelings were gathered",
        "Select the outcome",
        "Enter the date of the decision",
    ):
        assert expected in problems
    assert any(p.startswith("Record the vote of") for p in problems)
    with pytest.raises(services.DecisionIncomplete) as refused:
        finalise(decision)
    assert [p.message for p in refused.value.problems] == problems
    # The refusal carries each problem's code, for the page that puts it right.
    assert {p.code for p in refused.value.problems} >= {
        "evidence-missing",
        "act-finding",
        "purpose-finding",
        "best-interests",
        "credibility-reasoning",
        "wishes-gathered",
        "outcome-missing",
        "decided-on-missing",
        "vote-missing",
    }
    decision.refresh_from_db()
    assert decision.status == DecisionStatus.DRAFT

    decision = record_complete(decision, outcome=Outcome.POSITIVE, decided_on=timezone.localdate())
    assert missing(decision) == []
    final = finalise(decision)
    assert final.status == DecisionStatus.FINAL and final.finalised_by == decision.meeting.chair
    assert latest_final(final.referral, Stage.REASONABLE_GROUNDS) == final
    assert final_outcome_for(final.referral) == final


def test_wishes_and_feelings_need_how_and_by_whom_or_why_not(demo):
    decision = draft_decision(SITE)
    decision = services.decision_save(decision=decision, user=coordinator(), data={"wishes_gathered": True})
    assert "Record the child's wishes and feelings, how they were gathered and by whom" in missing(decision)
    decision = services.decision_save(decision=decision, user=coordinator(), data={"wishes_gathered": False})
    assert "Record why the child's wishes and feelings could not be gathered" in missing(decision)
    decision = services.decision_save(
        decision=decision, user=coordinator(), data={"wishes_not_gathered_reason": "Too unwell to be seen"}
    )
    assert not [p for p in missing(decision) if "wishes" in p]


def test_bad_answers_are_refused_with_the_field_named(demo):
    decision = draft_decision(SITE)
    with pytest.raises(services.DecisionInvalid) as bad:
        services.decision_save(decision=decision, user=coordinator(), data={"act_found": ["kidnap"]})
    assert bad.value.field == "act_found"
    with pytest.raises(services.DecisionInvalid, match="today or in the past"):
        services.decision_save(
            decision=decision, user=coordinator(), data={"decided_on": timezone.localdate() + timedelta(days=1)}
        )


def test_quorum_needs_a_voting_member_of_each_statutory_partner(demo):
    decision = draft_decision(SITE)
    decision = record_complete(decision, outcome=Outcome.POSITIVE, decided_on=timezone.localdate())
    police = attendee(decision, Agency.POLICE)
    present = set(decision.meeting.attendees.filter(present=True).exclude(pk=police.pk).values_list("pk", flat=True))
    panel_services.attendance_mark(meeting=decision.meeting, user=coordinator(), present_ids=present)
    problems = missing(decision)
    assert "No voting member from police is present and free of conflict on this case" in problems
    assert any(p.startswith(f"Remove the vote of {police.user.full_name}") for p in problems)
    with pytest.raises(services.DecisionIncomplete):
        finalise(decision)


def test_a_conflicted_member_cannot_vote_and_their_agency_is_then_missing(demo):
    decision = draft_decision(SITE)
    health = attendee(decision, Agency.HEALTH)
    panel_services.conflict_declare(
        item=decision.agenda_item, attendee=health, user=coordinator(), has_conflict=True, details="Treats the child"
    )
    with pytest.raises(services.DecisionInvalid, match="declared a conflict of interest on this case"):
        services.vote_record(decision=decision, voter=health.user, vote=Vote.POSITIVE, user=coordinator())
    assert not decision.votes.exists()
    assert "No voting member from health is present and free of conflict on this case" in missing(decision)


def test_guardians_and_advisers_are_refused_a_vote(demo):
    decision = draft_decision(SITE)
    guardian = attendee(decision, Agency.ICTG)
    adviser = attendee(decision, Agency.EDUCATION)
    with pytest.raises(services.DecisionInvalid, match="Independent Child Trafficking Guardian, without a vote"):
        services.vote_record(decision=decision, voter=guardian.user, vote=Vote.POSITIVE, user=coordinator())
    with pytest.raises(services.DecisionInvalid, match="adviser, without a vote"):
        services.vote_record(decision=decision, voter=adviser.user, vote=Vote.POSITIVE, user=coordinator())
    assert not decision.votes.exists()


def test_undeclared_conflicts_block_sign_off(demo):
    referral = accepted_referral(SITE)
    meeting = sitting(SITE)
    item = panel_services.agenda_item_add(
        meeting=meeting, user=coordinator(), referral=referral, stage=AgendaStage.REASONABLE_GROUNDS
    )
    decision = services.decision_start(agenda_item=item, stage=Stage.REASONABLE_GROUNDS, user=coordinator())
    problems = missing(decision)
    assert any(p.startswith("Conflicts of interest not yet declared by:") for p in problems)
    police = meeting.attendees.select_related("user").get(agency=Agency.POLICE)
    with pytest.raises(services.DecisionInvalid, match="has not yet declared"):
        services.vote_record(decision=decision, voter=police.user, vote=Vote.POSITIVE, user=coordinator())


def test_a_vote_can_be_changed_while_a_draft(demo):
    decision = draft_decision(SITE)
    police = attendee(decision, Agency.POLICE)
    services.vote_record(decision=decision, voter=police.user, vote=Vote.NEGATIVE, user=coordinator())
    services.vote_record(
        decision=decision, voter=police.user, vote=Vote.POSITIVE, reasons="On reflection", user=coordinator()
    )
    assert list(decision.votes.values_list("vote", "reasons")) == [(Vote.POSITIVE, "On reflection")]


def test_only_the_chair_of_that_meeting_finalises(demo):
    decision = record_complete(draft_decision(SITE), outcome=Outcome.POSITIVE, decided_on=timezone.localdate())
    with pytest.raises(PermissionDenied):
        services.decision_finalise(decision=decision, user=coordinator())
    other_chair = second_reviewer(SITE)
    with pytest.raises(services.DecisionStateError, match="Only the chair of the meeting"):
        services.decision_finalise(decision=decision, user=other_chair)
    assert finalise(decision).status == DecisionStatus.FINAL


def test_a_final_decision_is_never_edited(demo):
    decision = final_decision(SITE)
    user = coordinator()
    police = decision.meeting.attendees.get(agency=Agency.POLICE)
    for attempt in (
        lambda: services.decision_save(decision=decision, user=user, data={"dissent": "Changed afterwards"}),
        lambda: services.evidence_add(decision=decision, user=user, description="Late", agency=Agency.POLICE),
        lambda: services.evidence_remove(evidence=decision.evidence.first(), user=user),
        lambda: services.vote_record(decision=decision, voter=police.user, vote=Vote.NEGATIVE, user=user),
        lambda: services.vote_remove(vote=decision.votes.first(), user=user),
    ):
        with pytest.raises(services.DecisionStateError, match="finalised by"):
            attempt()
    with pytest.raises(services.DecisionStateError, match="finalised by"):
        finalise(decision)
    decision.refresh_from_db()
    assert decision.dissent == "" and decision.evidence.count() == 2  # police and social care (factories)


def test_a_correction_is_a_new_version_that_supersedes_once_final(demo):
    original = final_decision(SITE)
    with pytest.raises(services.DecisionInvalid):
        services.decision_correct(decision=original, user=coordinator(), reason=" ")
    correction = services.decision_correct(decision=original, user=coordinator(), reason="Wrong agency named")
    assert (correction.version, correction.kind, correction.status) == (
        2,
        DecisionKind.CORRECTION,
        DecisionStatus.DRAFT,
    )
    assert correction.supersedes == original and correction.correction_reason == "Wrong agency named"
    assert correction.evidence.count() == original.evidence.count()
    assert correction.votes.count() == original.votes.count()
    original.refresh_from_db()
    assert original.status == DecisionStatus.FINAL  # the original stands until the correction is final
    assert latest_final(original.referral, Stage.REASONABLE_GROUNDS) == original
    with pytest.raises(services.DecisionStateError, match="already been started"):
        services.decision_correct(decision=original, user=coordinator(), reason="Again")
    with pytest.raises(services.DecisionInvalid, match="cannot change the outcome"):
        services.decision_save(decision=correction, user=coordinator(), data={"outcome": Outcome.NEGATIVE})

    correction = services.decision_save(
        decision=correction, user=coordinator(), data={"credibility_reasoning": "Corrected reasoning"}
    )
    final = finalise(correction)
    original.refresh_from_db()
    assert final.status == DecisionStatus.FINAL and original.status == DecisionStatus.SUPERSEDED
    assert latest_final(original.referral, Stage.REASONABLE_GROUNDS) == final
    with pytest.raises(services.DecisionStateError, match="currently stands"):
        services.decision_correct(decision=original, user=coordinator(), reason="Old version")


def test_negative_decisions_go_to_second_review_then_final(demo):
    decision = record_complete(draft_decision(SITE), outcome=Outcome.NEGATIVE, decided_on=timezone.localdate())
    decision = finalise(decision)
    assert decision.status == DecisionStatus.SECOND_REVIEW
    assert latest_final(decision.referral, Stage.REASONABLE_GROUNDS) is None
    with pytest.raises(services.DecisionStateError, match="chaired the sitting"):
        services.decision_second_review(decision=decision, user=decision.meeting.chair, agrees=True)
    # A member who voted is refused too (give the demo health member the second review permission).
    voter = decision.votes.first().voter
    Membership.objects.get_or_create(user=voter, site=decision.referral.site, role=Role.CHAIR)
    with pytest.raises(services.DecisionStateError, match="You voted on this decision"):
        services.decision_second_review(decision=decision, user=voter, agrees=True)
    reviewed = services.decision_second_review(decision=decision, user=second_reviewer(SITE), agrees=True)
    assert reviewed.pk == decision.pk and reviewed.status == DecisionStatus.FINAL
    assert reviewed.second_review_agrees is True
    assert latest_final(decision.referral, Stage.REASONABLE_GROUNDS) == reviewed
    with pytest.raises(services.DecisionStateError, match="was reviewed by"):
        services.decision_second_review(decision=decision, user=second_reviewer(SITE), agrees=True)


def test_a_second_reviewer_who_disagrees_returns_it_to_the_panel(demo):
    decision = finalise(
        record_complete(draft_decision(SITE), outcome=Outcome.NEGATIVE, decided_on=timezone.localdate())
    )
    with pytest.raises(services.DecisionInvalid, match="Enter why"):
        services.decision_second_review(decision=decision, user=second_reviewer(SITE), agrees=False, reasons="")
    draft = services.decision_second_review(
        decision=decision, user=second_reviewer(SITE), agrees=False, reasons="The police evidence was not weighed"
    )
    decision.refresh_from_db()
    assert decision.status == DecisionStatus.RETURNED and decision.second_review_reasons
    assert (draft.version, draft.status, draft.supersedes_id) == (2, DecisionStatus.DRAFT, decision.pk)
    assert draft.outcome == "" and draft.agenda_item is None and not draft.votes.exists()
    assert "The police evidence was not weighed" in draft.correction_reason
    assert draft.evidence.count() == 2 and draft.act_found == COMPLETE_RECORD["act_found"]
    assert list(draft.nil_returns.values_list("agency", flat=True)) == [Agency.HEALTH]  # health's nil return too

    # The panel takes it at its next sitting: the returned draft is brought to the new agenda item.
    meeting = sitting(SITE, referrals=[decision.referral])
    item = AgendaItem.objects.get(meeting=meeting, referral=decision.referral)
    resumed = services.decision_start(agenda_item=item, stage=Stage.REASONABLE_GROUNDS, user=coordinator())
    assert resumed.pk == draft.pk and resumed.meeting == meeting
    resumed = record_complete(resumed, outcome=Outcome.POSITIVE, decided_on=timezone.localdate())
    final = finalise(resumed)
    assert final.status == DecisionStatus.FINAL and latest_final(final.referral, Stage.REASONABLE_GROUNDS) == final


def test_without_second_review_a_negative_decision_is_final(demo):
    Site.objects.filter(slug=SITE).update(negative_second_review=False)
    decision = record_complete(draft_decision(SITE), outcome=Outcome.NEGATIVE, decided_on=timezone.localdate())
    assert finalise(decision).status == DecisionStatus.FINAL


def test_conclusive_grounds_needs_a_final_positive_reasonable_grounds(demo):
    referral = accepted_referral(SITE)
    cg = draft_decision(SITE, stage=Stage.CONCLUSIVE_GROUNDS, referral=referral)
    cg = record_complete(cg, outcome=Outcome.POSITIVE, decided_on=timezone.localdate())
    assert "The reasonable grounds decision must be final before the conclusive grounds decision" in missing(cg)
    with pytest.raises(services.DecisionIncomplete):
        finalise(cg)

    negative = accepted_referral(SITE)
    Site.objects.filter(slug=SITE).update(negative_second_review=False)
    final_decision(
        SITE, outcome=Outcome.NEGATIVE, decided_on=timezone.localdate() - timedelta(days=40), referral=negative
    )
    cg = record_complete(
        draft_decision(SITE, stage=Stage.CONCLUSIVE_GROUNDS, referral=negative),
        outcome=Outcome.POSITIVE,
        decided_on=timezone.localdate(),
    )
    assert "A conclusive grounds decision follows only a positive reasonable grounds decision" in missing(cg)


def test_the_recovery_period_runs_before_conclusive_grounds(demo):
    today = timezone.localdate()
    referral = accepted_referral(SITE)
    rg_day = today - timedelta(days=10)
    final_decision(SITE, decided_on=rg_day, referral=referral)
    cg = record_complete(
        draft_decision(SITE, stage=Stage.CONCLUSIVE_GROUNDS, referral=referral),
        outcome=Outcome.POSITIVE,
        decided_on=today,
    )
    earliest = rg_day + timedelta(days=30)
    expected = (
        f"The conclusive grounds decision cannot be made before {services.long_date(earliest)}: the recovery period "
        f"of 30 days runs from the reasonable grounds decision on {services.long_date(rg_day)}"
    )
    assert expected in missing(cg)
    with pytest.raises(services.DecisionIncomplete) as refused:
        finalise(cg)
    assert expected in [p.message for p in refused.value.problems]

    # A site with a shorter recovery period (its policy) can decide now.
    Site.objects.filter(slug=SITE).update(recovery_period_days=10)
    cg.referral.site.refresh_from_db()
    assert finalise(cg).status == DecisionStatus.FINAL


def test_both_decisions_at_one_sitting_only_when_the_site_allows(demo):
    referral = accepted_referral(SITE)
    meeting = sitting(SITE, referrals=[referral], stage=AgendaStage.BOTH)
    item = AgendaItem.objects.get(meeting=meeting, referral=referral)
    today = timezone.localdate()
    rg = services.decision_start(agenda_item=item, stage=Stage.REASONABLE_GROUNDS, user=coordinator())
    finalise(record_complete(rg, outcome=Outcome.POSITIVE, decided_on=today))
    cg = services.decision_start(agenda_item=item, stage=Stage.CONCLUSIVE_GROUNDS, user=coordinator())
    cg = record_complete(cg, outcome=Outcome.POSITIVE, decided_on=today)
    problems = missing(cg)
    assert any("this site does not take both decisions at one sitting" in p for p in problems)
    assert any(services.long_date(today + timedelta(days=30)) in p for p in problems)

    Site.objects.filter(slug=SITE).update(rg_and_cg_at_one_sitting=True)
    cg.referral.site.refresh_from_db()
    final = finalise(cg)
    assert final.status == DecisionStatus.FINAL
    assert final_outcome_for(referral) == final


def test_final_decision_factory_makes_conclusive_grounds_after_the_recovery_period(demo):
    cg = final_decision(SITE, stage=Stage.CONCLUSIVE_GROUNDS)
    rg = latest_final(cg.referral, Stage.REASONABLE_GROUNDS)
    assert cg.status == rg.status == DecisionStatus.FINAL
    assert (cg.decided_on - rg.decided_on).days == 30
    assert final_decision(SITE, outcome=Outcome.NEGATIVE).status == DecisionStatus.FINAL


def test_second_reviewers_are_told_by_reference_only(demo, django_capture_on_commit_callbacks):
    from django.core import mail

    reviewer = second_reviewer(SITE)
    decision = record_complete(draft_decision(SITE), outcome=Outcome.NEGATIVE, decided_on=timezone.localdate())
    with django_capture_on_commit_callbacks(execute=True):
        finalise(decision)
    sent = [m for m in mail.outbox if "second review" in m.subject]
    recipients = {address for m in sent for address in m.to}
    assert reviewer.email in recipients
    assert decision.meeting.chair.email not in recipients  # chaired it: cannot review it
    assert all(len(m.to) == 1 for m in sent)
    message = sent[0]
    assert decision.referral.reference in message.subject
    assert decision.referral.child_display_name not in message.subject + message.body


def test_a_draft_left_at_a_closed_sitting_moves_to_the_next_without_its_votes(demo):
    decision = draft_decision(SITE)
    police = attendee(decision, Agency.POLICE)
    services.vote_record(decision=decision, voter=police.user, vote=Vote.POSITIVE, user=coordinator())
    services.decision_save(decision=decision, user=coordinator(), data={"act_reasoning": "Kept"})
    panel_services.meeting_close(meeting=decision.meeting, user=coordinator())
    with pytest.raises(services.DecisionStateError, match="while the meeting is in session"):
        services.vote_record(decision=decision, voter=police.user, vote=Vote.NEGATIVE, user=coordinator())

    meeting = sitting(SITE, referrals=[decision.referral])
    item = AgendaItem.objects.get(meeting=meeting, referral=decision.referral)
    moved = services.decision_start(agenda_item=item, stage=Stage.REASONABLE_GROUNDS, user=coordinator())
    assert moved.pk == decision.pk and moved.meeting == meeting and moved.agenda_item == item
    assert moved.act_reasoning == "Kept" and not moved.votes.exists()


def test_a_decided_stage_is_not_started_again(demo):
    # Listed at a second sitting while still undecided (the agenda refuses a stage already decided), then decided.
    referral = accepted_referral(SITE)
    meeting = sitting(SITE, referrals=[referral])
    final_decision(SITE, referral=referral)
    item = AgendaItem.objects.get(meeting=meeting, referral=referral)
    with pytest.raises(services.DecisionStateError, match="already been made"):
        services.decision_start(agenda_item=item, stage=Stage.REASONABLE_GROUNDS, user=coordinator())
