"""The pages around a correction, as the coordinator and the chairs use them:

- whoever runs the panel abandons a correction's draft from its record page, on a confirm page with the reason's
  code (no JavaScript needed), and is taken back to the decision that stands, which can be corrected again;
- the chair who signed a decision off is not offered its second review;
- the completeness list links what stands and when to the outcome and date section;
- a decision of an anonymised case is not corrected, nor its correction's draft changed.
"""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from childnrm.accounts.models import Role
from childnrm.audit.models import AuditEvent
from childnrm.decisions import services
from childnrm.decisions.models import Decision, DecisionKind, DecisionStatus, Outcome
from childnrm.decisions.tests.factories import (
    demo,
    draft_decision,
    final_decision,
    record_complete,
    second_reviewer,
)
from childnrm.referrals.anonymised import case_anonymised_message
from childnrm.referrals.models import Referral
from childnrm.retention.anonymise import case_anonymise
from conftest import signed_in

SITE = "northbridge"
pytestmark = pytest.mark.django_db


def url(name: str, decision: Decision) -> str:
    return reverse(f"decisions:{name}", args=[decision.pk])


def correction_of(decision: Decision) -> Decision:
    return services.decision_correct(decision=decision, user=demo(Role.COORDINATOR, SITE), reason="Wrong agency named")


def negative_final() -> Decision:
    """A negative decision signed off by its sitting's chair and agreed by the second reviewer: it stands."""
    decision = record_complete(draft_decision(SITE), outcome=Outcome.NEGATIVE, decided_on=timezone.localdate())
    decision = services.decision_finalise(decision=decision, user=decision.meeting.chair)
    return services.decision_second_review(decision=decision, user=second_reviewer(SITE), agrees=True)


def test_the_coordinator_abandons_a_correction_and_is_back_at_the_decision_that_stands(client_as):
    final = final_decision(SITE)
    correction = correction_of(final)
    abandon = url("correction-abandon", correction)
    coordinator, chair = client_as(Role.COORDINATOR), client_as(Role.CHAIR)

    record = coordinator.get(url("record", correction)).content.decode()
    assert "Abandon this correction" in record and abandon in record
    assert abandon in coordinator.get(url("detail", correction)).content.decode()
    # The chair records the correction, but does not run the panel: not offered, and refused.
    assert abandon not in chair.get(url("record", correction)).content.decode()
    assert chair.get(abandon).status_code == 403

    page = coordinator.get(abandon)
    body = page.content.decode()
    assert page.status_code == 200
    assert "govuk-warning-text" in body and "is deleted with its record, evidence and votes" in body
    for code in services.CORRECTION_ABANDON_REASONS:
        assert f'value="{code}"' in body

    # No reason: the GOV.UK error summary, nothing deleted.
    refused = coordinator.post(abandon, {})
    body = refused.content.decode()
    assert refused.status_code == 200 and "govuk-error-summary" in body
    assert "Select why the correction is abandoned" in body
    assert Decision.objects.filter(pk=correction.pk).exists()

    done = coordinator.post(abandon, {"reason": "started-in-error"})
    assert done.status_code == 302 and done["Location"] == url("detail", final)
    assert not Decision.objects.filter(pk=correction.pk).exists()
    assert Decision.objects.get(pk=final.pk).status == DecisionStatus.FINAL
    assert AuditEvent.objects.filter(
        action="delete", object_id=str(correction.pk), detail__reason="started-in-error"
    ).exists()
    assert AuditEvent.objects.filter(object_id=str(correction.pk), detail__page="correction-abandon").exists()
    shown = coordinator.get(done["Location"]).content.decode()
    assert "govuk-notification-banner--success" in shown
    assert f"Correction abandoned. Version {final.version} of the decision stands." in shown
    assert url("correct", final) in shown  # open to another correction


def test_only_a_correction_being_drafted_is_offered_for_abandoning(client_as):
    draft = draft_decision(SITE)  # an original decision's draft
    coordinator = client_as(Role.COORDINATOR)
    assert url("correction-abandon", draft) not in coordinator.get(url("record", draft)).content.decode()
    response = coordinator.post(url("correction-abandon", draft), {"reason": "started-in-error"})
    assert response.status_code == 302 and Decision.objects.filter(pk=draft.pk).exists()


def test_correct_is_offered_again_once_a_returned_correction_is_abandoned(client_as):
    final = negative_final()
    correction = correction_of(final)
    correction = services.decision_finalise(decision=correction, user=correction.meeting.chair)
    returned = services.decision_second_review(
        decision=correction, user=second_reviewer(SITE), agrees=False, reasons="The reasons are still unclear"
    )
    coordinator = client_as(Role.COORDINATOR)
    assert url("correct", final) not in coordinator.get(url("detail", final)).content.decode()  # one is open

    coordinator.post(url("correction-abandon", returned), {"reason": "not-needed"})
    assert not Decision.objects.filter(pk=returned.pk).exists()
    # The returned version still supersedes the one that stands, but no correction is open.
    assert Decision.objects.filter(supersedes=final, status=DecisionStatus.RETURNED).exists()
    assert url("correct", final) in coordinator.get(url("detail", final)).content.decode()


def test_the_chair_who_signed_the_decision_off_is_not_offered_its_second_review(client_as):
    decision = record_complete(draft_decision(SITE), outcome=Outcome.NEGATIVE, decided_on=timezone.localdate())
    signer = decision.meeting.chair
    decision = services.decision_finalise(decision=decision, user=signer)
    assert decision.status == DecisionStatus.SECOND_REVIEW
    review = url("second-review", decision)
    assert review not in signed_in(signer).get(url("detail", decision)).content.decode()
    assert review in signed_in(second_reviewer(SITE)).get(url("detail", decision)).content.decode()


def test_what_stands_and_when_is_put_right_on_the_outcome_and_date_section(client_as):
    final = negative_final()
    correction = correction_of(final)
    # Saved through no page (the service refuses both): a correction turning the outcome, dated before its sitting.
    before = timezone.localdate(correction.meeting.starts_at) - timedelta(days=3)
    Decision.objects.filter(pk=correction.pk).update(outcome=Outcome.POSITIVE, decided_on=before)
    codes = {p.code for p in services.decision_completeness(Decision.objects.get(pk=correction.pk))}
    assert {"correction-changes-outcome", "decided-before-sitting"} <= codes
    body = client_as(Role.COORDINATOR).get(url("record", correction)).content.decode()
    outcome = url("section-outcome", correction)
    assert f'<a class="govuk-link" href="{outcome}">A correction cannot change the outcome' in body
    assert f'<a class="govuk-link" href="{outcome}">The date of the decision cannot be before the sitting' in body


def test_a_decision_of_an_anonymised_case_is_not_corrected(client_as):
    final = final_decision(SITE)
    coordinator = client_as(Role.COORDINATOR)
    assert url("correct", final) in coordinator.get(url("detail", final)).content.decode()
    case_anonymise(final.referral)
    referral = Referral.objects.get(pk=final.referral_id)

    assert url("correct", final) not in coordinator.get(url("detail", final)).content.decode()
    response = coordinator.post(url("correct", final), {"reason": "The child's name was spelt wrongly"})
    assert response.status_code == 302
    assert not Decision.objects.filter(referral=referral, kind=DecisionKind.CORRECTION).exists()
    with pytest.raises(services.DecisionStateError) as refused:
        services.decision_correct(decision=final, user=demo(Role.COORDINATOR, SITE), reason="New words")
    assert str(refused.value) == case_anonymised_message(referral)


def test_a_correction_drafted_before_the_case_was_anonymised_takes_no_new_words(client_as):
    final = final_decision(SITE)
    correction = correction_of(final)
    case_anonymise(final.referral)
    anonymised = case_anonymised_message(Referral.objects.get(pk=final.referral_id))
    with pytest.raises(services.DecisionStateError) as refused:
        services.decision_save(
            decision=correction, user=demo(Role.COORDINATOR, SITE), data={"credibility_reasoning": "New words"}
        )
    assert str(refused.value) == anonymised
    with pytest.raises(services.DecisionStateError) as refused:
        services.decision_finalise(decision=correction, user=correction.meeting.chair)
    assert str(refused.value) == anonymised
