"""A correction of a decision taken at a sitting that has since closed.

It keeps the votes counted there and is judged by that sitting as it was recorded, not by the roles people hold
today: a member who has left since does not make it impossible to sign off. A correction nobody can sign off (the
sitting's chair has left) no longer holds the case from reconsideration for good: whoever runs the panel abandons
its draft, with a reason, and the decision that stands is open again to a correction or a reconsideration.
"""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied
from django.utils import timezone, translation

from childnrm.accounts.models import Role, Site
from childnrm.accounts.services import site_user_roles_set
from childnrm.audit.context import AuditContext
from childnrm.audit.models import AuditEvent
from childnrm.decisions import reconsideration, services
from childnrm.decisions.models import Decision, DecisionKind, DecisionStatus, Outcome, Stage
from childnrm.decisions.selectors import latest_final
from childnrm.decisions.tests.factories import demo, draft_decision, record_complete, second_reviewer, sitting
from childnrm.panels import services as panel_services
from childnrm.panels.models import Agency, AgendaItem, AgendaStage
from childnrm.reviews.tests.factories import other_chair

SITE = "northbridge"
pytestmark = pytest.mark.django_db


def coordinator():
    return demo(Role.COORDINATOR, SITE)


def negative_final_at_a_closed_sitting() -> Decision:
    """A negative reasonable grounds decision, agreed by the second reviewer, its sitting closed since."""
    decision = record_complete(draft_decision(SITE), outcome=Outcome.NEGATIVE, decided_on=timezone.localdate())
    decision = services.decision_finalise(decision=decision, user=decision.meeting.chair)
    decision = services.decision_second_review(decision=decision, user=second_reviewer(SITE), agrees=True)
    panel_services.meeting_close(meeting=decision.meeting, user=coordinator())
    return Decision.objects.get(pk=decision.pk)


def leaves_the_site(user) -> None:
    site_user_roles_set(
        site=Site.objects.get(slug=SITE), user=user, roles=[], by=demo(Role.SITE_ADMIN, SITE), audit=AuditContext()
    )


def reconsideration_refusal(decision: Decision) -> str | None:
    """Why a sitting under another chair may not take the case's reconsideration (None: it may)."""
    meeting = sitting(SITE, chair=other_chair())
    return reconsideration.agenda_refusal(meeting, decision.referral, AgendaStage.RECONSIDERATION)


def test_a_correction_is_signed_off_by_its_sitting_as_recorded_after_a_member_has_left(demo):
    original = negative_final_at_a_closed_sitting()
    police = original.votes.select_related("voter").get(agency=Agency.POLICE).voter
    leaves_the_site(police)
    correction = services.decision_correct(decision=original, user=coordinator(), reason="Wrong agency named")
    correction = services.decision_save(
        decision=correction, user=coordinator(), data={"credibility_reasoning": "Corrected reasoning"}
    )

    assert services.decision_completeness(Decision.objects.get(pk=correction.pk)) == []
    signed = services.decision_finalise(decision=correction, user=original.meeting.chair)
    assert signed.status == DecisionStatus.SECOND_REVIEW  # negative: the second reviewer agrees first
    final = services.decision_second_review(decision=signed, user=second_reviewer(SITE), agrees=True)
    assert latest_final(original.referral, Stage.REASONABLE_GROUNDS) == final
    assert set(final.votes.values_list("voter_id", flat=True)) == set(original.votes.values_list("voter_id", flat=True))


def test_a_correction_nobody_can_sign_off_is_abandoned_and_the_decision_may_be_reconsidered(demo):
    original = negative_final_at_a_closed_sitting()
    chair = original.meeting.chair
    leaves_the_site(chair)
    correction = services.decision_correct(decision=original, user=coordinator(), reason="Wrong agency named")
    with pytest.raises(PermissionDenied):  # only the sitting's chair signs it off, and they have left
        services.decision_finalise(decision=correction, user=chair)
    assert reconsideration_refusal(original) is not None  # the correction holds the case

    with pytest.raises(services.DecisionInvalid, match="Select why the correction is abandoned"):
        services.correction_abandon(decision=correction, user=coordinator(), reason="")
    with translation.override("cy"), pytest.raises(services.DecisionInvalid, match="Dewiswch pam y rhoddir y gorau"):
        services.correction_abandon(decision=correction, user=coordinator(), reason="")
    with pytest.raises(PermissionDenied):  # whoever runs the panel abandons it, not a chair
        services.correction_abandon(decision=correction, user=other_chair(), reason="cannot-be-signed-off")
    stands = services.correction_abandon(decision=correction, user=coordinator(), reason="cannot-be-signed-off")

    assert stands == original and Decision.objects.get(pk=original.pk).status == DecisionStatus.FINAL
    assert not Decision.objects.filter(pk=correction.pk).exists()
    event = AuditEvent.objects.filter(object_type="decisions.decision", object_id=str(correction.pk)).latest("seq")
    assert (event.action, event.actor_id) == ("delete", coordinator().pk)
    assert event.detail["reason"] == "cannot-be-signed-off" and event.detail["version"] == correction.version
    assert reconsideration_refusal(original) is None
    # Corrected again, afresh.
    again = services.decision_correct(decision=original, user=coordinator(), reason="Wrong agency named")
    assert (again.kind, again.supersedes_id, again.status) == (DecisionKind.CORRECTION, original.pk, "draft")


def test_only_a_correction_still_drafted_is_abandoned(demo):
    original = negative_final_at_a_closed_sitting()
    with pytest.raises(services.DecisionStateError, match="Only a correction can be abandoned"):
        services.correction_abandon(decision=original, user=coordinator(), reason="not-needed")
    correction = services.decision_correct(decision=original, user=coordinator(), reason="Wrong agency named")
    correction = services.decision_finalise(decision=correction, user=original.meeting.chair)
    assert correction.status == DecisionStatus.SECOND_REVIEW
    with pytest.raises(services.DecisionStateError, match="sent for second review"):
        services.correction_abandon(decision=correction, user=coordinator(), reason="not-needed")
    assert Decision.objects.filter(pk=correction.pk).exists()


def test_a_returned_correction_abandoned_leaves_the_decision_open_to_correction_and_reconsideration(demo):
    """The second reviewer returned the correction; its new draft is abandoned. The returned version stays in the
    history, and a later version follows it (a version supersedes one version only)."""
    original = negative_final_at_a_closed_sitting()
    correction = services.decision_correct(decision=original, user=coordinator(), reason="Wrong agency named")
    correction = services.decision_finalise(decision=correction, user=original.meeting.chair)
    draft = services.decision_second_review(
        decision=correction, user=second_reviewer(SITE), agrees=False, reasons="The reasons are still unclear"
    )
    assert reconsideration_refusal(original) is not None
    services.correction_abandon(decision=draft, user=coordinator(), reason="outcome-in-question")
    assert Decision.objects.get(pk=correction.pk).status == DecisionStatus.RETURNED
    assert reconsideration_refusal(original) is None

    meeting = sitting(SITE, referrals=[original.referral], stage=AgendaStage.RECONSIDERATION, chair=other_chair())
    item = AgendaItem.objects.get(meeting=meeting, referral=original.referral)
    reconsidering = services.decision_start(agenda_item=item, stage=Stage.REASONABLE_GROUNDS, user=coordinator())
    assert (reconsidering.kind, reconsidering.supersedes_id) == (DecisionKind.RECONSIDERATION, correction.pk)
    assert reconsideration.reconsidered_version(reconsidering) == original.version
    assert reconsidering.outcome == "" and reconsidering.credibility_reasoning == original.credibility_reasoning
