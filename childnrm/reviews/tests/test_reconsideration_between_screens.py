"""A reconsideration's rules hold on every path to it, not only the listing page's.

- It reconsiders a negative decision standing: not a positive one, and not while a correction of the decision is
  being drafted (a correction may not change the outcome, and its voters would not be excluded).
- A reconsideration the second reviewer returns is decided again by the reconsidering panel, and the request is
  then decided: the panel's own earlier vote does not bar them, and the request finds the new version.
- A listed request follows its case off the agenda: back to received when the case is taken off or the sitting
  cancelled, listed at the next sitting when the case is carried there, and refused there if an original voter
  sits on it with a vote.
- The panel signs off, and reviews, only cases it still holds.
"""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from childnrm.accounts.models import Role
from childnrm.decisions import reconsideration as reconsideration_rules
from childnrm.decisions import services as decision_services
from childnrm.decisions.demo import open_sitting, second_reviewer, sitting
from childnrm.decisions.models import Decision, DecisionKind, DecisionStatus, Outcome, Stage
from childnrm.decisions.tests.factories import record_complete
from childnrm.panels import services as panel_services
from childnrm.panels.models import AgendaItem, AgendaStage, Meeting, MeetingAttendee
from childnrm.panels.tests.factories import scheduled_meeting
from childnrm.referrals.models import Referral, ReferralStatus
from childnrm.reviews import services
from childnrm.reviews.models import ReconsiderationRequest, ReconsiderationStatus
from childnrm.reviews.tests import factories as f

pytestmark = pytest.mark.django_db


def coordinator():
    return f.site_user(Role.COORDINATOR)


def listed(asked: ReconsiderationRequest, meeting: Meeting) -> ReconsiderationRequest:
    return services.reconsideration_list(reconsideration=asked, meeting=meeting, user=coordinator())


def asked_of_original() -> ReconsiderationRequest:
    """A request to reconsider a negative decision taken by the 'Original' trio and signed off by the other chair,
    so that the demo panel under the demo chair is a differently constituted panel."""
    return f.reconsideration(decision=f.final_decision(voters=f.panel_trio("northbridge", "Original")))


def reconsideration_draft(asked: ReconsiderationRequest) -> Decision:
    """The request listed at the demo panel's next sitting, opened, and its draft started."""
    meeting = listed(asked, scheduled_meeting("northbridge")).meeting
    assert meeting is not None
    open_sitting(meeting)
    item = AgendaItem.objects.get(meeting=meeting, referral=asked.decision.referral)
    return decision_services.decision_start(agenda_item=item, stage=asked.decision.stage, user=coordinator())


# What is reconsidered ------------------------------------------------------------------------------


def test_a_correction_being_drafted_is_not_taken_over_by_the_reconsideration(demo):
    asked = asked_of_original()
    original = asked.decision
    meeting = listed(asked, scheduled_meeting("northbridge")).meeting
    assert meeting is not None
    open_sitting(meeting)
    correction = decision_services.decision_correct(decision=original, user=coordinator(), reason="A typing slip")

    item = AgendaItem.objects.get(meeting=meeting, referral=original.referral)
    with pytest.raises(decision_services.DecisionStateError, match="A correction of the reasonable grounds decision"):
        decision_services.decision_start(agenda_item=item, stage=Stage.REASONABLE_GROUNDS, user=coordinator())
    correction.refresh_from_db()
    # Before, the sitting took the correction's draft as its reconsideration, deleting its votes.
    assert correction.agenda_item_id != item.pk and correction.votes.count() == original.votes.count()

    # Nor may another sitting list the case to reconsider while the correction is drafted.
    another = scheduled_meeting("northbridge", starts_at=timezone.now() + timedelta(days=21))
    with pytest.raises(panel_services.PanelError, match="A correction of this case's negative decision"):
        panel_services.agenda_item_add(
            meeting=another, user=coordinator(), referral=original.referral, stage=AgendaStage.RECONSIDERATION
        )


def test_a_reconsideration_returned_at_second_review_is_decided_again_by_the_same_panel(demo):
    asked = asked_of_original()
    original = asked.decision
    first = reconsideration_draft(asked)
    assert first.kind == DecisionKind.RECONSIDERATION and first.supersedes_id == original.pk
    reconsidering_panel = {a.user_id for a in decision_services.decision_voters(first)}
    assert reconsidering_panel  # the demo panel, who did not vote on the original
    chair = first.meeting.chair
    record_complete(first, outcome=Outcome.NEGATIVE, decided_on=timezone.localdate())
    first = decision_services.decision_finalise(decision=first, user=chair)
    assert first.status == DecisionStatus.SECOND_REVIEW
    returned = decision_services.decision_second_review(
        decision=first, user=second_reviewer("northbridge"), agrees=False, reasons="The evidence was not weighed."
    )

    # The case goes before the same panel again, at a later sitting, to reconsider.
    again = sitting("northbridge", referrals=[original.referral], stage=AgendaStage.RECONSIDERATION)
    item = AgendaItem.objects.get(meeting=again, referral=original.referral)
    redraft = decision_services.decision_start(agenda_item=item, stage=original.stage, user=coordinator())
    assert redraft.pk == returned.pk and redraft.kind == DecisionKind.RECONSIDERATION
    # Only the original decision's voters and chair are excluded: not the panel whose decision was returned.
    assert reconsideration_rules.reconsidered_version(redraft) == original.version
    assert {a.user_id for a in decision_services.decision_voters(redraft)} == reconsidering_panel
    assert reconsideration_rules.panel_problems(redraft) == []
    record_complete(redraft, outcome=Outcome.POSITIVE, decided_on=timezone.localdate())
    final = decision_services.decision_finalise(decision=redraft, user=again.chair)
    assert final.status == DecisionStatus.FINAL

    # The request finds the reconsidering panel's decision, which supersedes the returned version, not the original.
    assert services.reconsideration_decision_candidate(asked) == final
    decided = services.reconsideration_decide(reconsideration=asked, user=coordinator())
    assert decided.status == ReconsiderationStatus.DECIDED


# A listed request follows its case ---------------------------------------------------------------


def test_cancelling_the_sitting_or_taking_the_case_off_puts_the_request_back_to_be_listed(demo):
    asked = asked_of_original()
    first = scheduled_meeting("northbridge")
    listed(asked, first)
    panel_services.meeting_cancel(meeting=first, user=coordinator())
    asked.refresh_from_db()
    assert (asked.status, asked.meeting_id) == (ReconsiderationStatus.RECEIVED, None)

    # Listed again elsewhere, then taken off that agenda by the coordinator.
    second = scheduled_meeting("northbridge", starts_at=timezone.now() + timedelta(days=14))
    assert listed(asked, second).meeting == second
    panel_services.agenda_item_remove(item=AgendaItem.objects.get(meeting=second), user=coordinator())
    asked.refresh_from_db()
    assert (asked.status, asked.meeting_id) == (ReconsiderationStatus.RECEIVED, None)
    # And it can be withdrawn, having no sitting to leave.
    withdrawn = services.reconsideration_withdraw(reconsideration=asked, user=coordinator())
    assert withdrawn.status == ReconsiderationStatus.WITHDRAWN


def test_a_request_carried_with_its_case_is_listed_at_the_next_sitting_if_the_panel_is_differently_constituted(
    demo,
):
    asked = asked_of_original()
    referral = asked.decision.referral
    meeting = listed(asked, scheduled_meeting("northbridge")).meeting
    assert meeting is not None
    open_sitting(meeting)
    # The next sitting has an original voter on it with a vote: the case cannot be carried there.
    clash = scheduled_meeting("northbridge", starts_at=timezone.now() + timedelta(days=14))
    original_voter = asked.decision.votes.first().voter
    MeetingAttendee.objects.create(
        meeting=clash, user=original_voter, agency="police", attends_as="member", voting=True
    )
    with pytest.raises(panel_services.PanelError, match="voted on the original decision"):
        panel_services.meeting_close(meeting=meeting, user=coordinator(), carry_to=clash)
    meeting.refresh_from_db()
    assert meeting.status == "open" and not AgendaItem.objects.filter(meeting=clash).exists()

    later = scheduled_meeting("northbridge", starts_at=timezone.now() + timedelta(days=21))
    panel_services.meeting_close(meeting=meeting, user=coordinator(), carry_to=later)
    asked.refresh_from_db()
    assert (asked.status, asked.meeting_id) == (ReconsiderationStatus.LISTED, later.pk)
    assert AgendaItem.objects.get(meeting=later, referral=referral).stage == AgendaStage.RECONSIDERATION
    # Withdrawing it now takes it off the sitting it was carried to.
    services.reconsideration_withdraw(reconsideration=asked, user=coordinator())
    assert not AgendaItem.objects.filter(meeting=later, referral=referral).exists()


# Only a case the panel holds ----------------------------------------------------------------------


def test_a_case_no_longer_held_is_not_signed_off_or_reviewed(demo):
    asked = asked_of_original()
    draft = reconsideration_draft(asked)
    record_complete(draft, outcome=Outcome.NEGATIVE, decided_on=timezone.localdate())
    referral = draft.referral
    # The case leaves the panel (transferred to the Single Competent Authority) with the draft open.
    Referral.objects.filter(pk=referral.pk).update(status=ReferralStatus.HANDED_OFF)
    with pytest.raises(decision_services.DecisionStateError, match="not held by this site's panel"):
        decision_services.decision_finalise(decision=draft, user=draft.meeting.chair)

    # Signed off before it left, a negative decision waiting for its second review is not reviewed after.
    Referral.objects.filter(pk=referral.pk).update(status=ReferralStatus.ACCEPTED)
    sent = decision_services.decision_finalise(decision=draft, user=draft.meeting.chair)
    assert sent.status == DecisionStatus.SECOND_REVIEW
    Referral.objects.filter(pk=referral.pk).update(status=ReferralStatus.HANDED_OFF)
    with pytest.raises(decision_services.DecisionStateError, match="not held by this site's panel"):
        decision_services.decision_second_review(decision=sent, user=second_reviewer("northbridge"), agrees=True)
    sent.refresh_from_db()
    assert sent.status == DecisionStatus.SECOND_REVIEW


def test_a_case_no_longer_held_is_not_corrected_either(demo):
    """A correction started after the case left could never be finished, and would block a reconsideration."""
    original = f.final_decision(voters=f.panel_trio("northbridge", "Original"))
    Referral.objects.filter(pk=original.referral_id).update(status=ReferralStatus.HANDED_OFF)
    with pytest.raises(decision_services.DecisionStateError, match="not held by this site's panel"):
        decision_services.decision_correct(decision=original, user=coordinator(), reason="A typing slip")
    assert not Decision.objects.filter(supersedes=original).exists()


def test_a_request_carried_to_a_sitting_listing_its_case_for_another_stage_is_received_again(demo):
    """The next sitting already lists the case for its conclusive grounds decision: nothing there reconsiders it, so
    the request goes back to be listed, not left 'Listed' at a sitting that cannot decide it."""
    asked = asked_of_original()
    referral = asked.decision.referral
    meeting = listed(asked, scheduled_meeting("northbridge")).meeting
    assert meeting is not None
    open_sitting(meeting)
    later = scheduled_meeting("northbridge", starts_at=timezone.now() + timedelta(days=21))
    AgendaItem.objects.create(
        meeting=later, referral=referral, stage=AgendaStage.CONCLUSIVE_GROUNDS, position=1, added_by=coordinator()
    )
    panel_services.meeting_close(meeting=meeting, user=coordinator(), carry_to=later)
    asked.refresh_from_db()
    assert (asked.status, asked.meeting_id) == (ReconsiderationStatus.RECEIVED, None)
