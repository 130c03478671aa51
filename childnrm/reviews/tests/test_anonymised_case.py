"""A case retention anonymised: no reconsideration is asked of its decisions and none is sent to the SCA, and the
forms offer none of them (referrals.anonymised; docs/retention.md, "After anonymisation")."""

from __future__ import annotations

import pytest
from django.urls import reverse
from django.utils import timezone

from childnrm.accounts.models import Role
from childnrm.retention.anonymise import case_anonymise
from childnrm.reviews import selectors, services
from childnrm.reviews.models import DecisionReturn, ReconsiderationRequest
from childnrm.reviews.tests import factories as f
from childnrm.reviews.tests.test_reconsideration import receive
from conftest import signed_in

pytestmark = pytest.mark.django_db


def test_no_reconsideration_is_asked_of_an_anonymised_cases_decision(demo):
    decision = f.final_decision()
    coordinator = f.site_user(Role.COORDINATOR, "northbridge")
    assert selectors.reconsiderable_decisions(coordinator).filter(pk=decision.pk).exists()
    case_anonymise(decision.referral)
    assert not selectors.reconsiderable_decisions(coordinator).filter(pk=decision.pk).exists()
    with pytest.raises(services.ReviewStateError, match="anonymised"):
        receive(decision, timezone.localdate())
    assert not ReconsiderationRequest.objects.filter(decision=decision).exists()
    page = signed_in(coordinator).get(reverse("reviews:reconsideration-new")).content.decode()
    assert decision.referral.reference not in page


def test_no_decision_of_an_anonymised_case_is_sent_to_the_sca(demo):
    decision = f.final_decision()
    coordinator = f.site_user(Role.COORDINATOR, "northbridge")
    case_anonymise(decision.referral)
    assert not selectors.returnable_decisions(coordinator).filter(pk=decision.pk).exists()
    with pytest.raises(services.ReviewStateError, match="anonymised"):
        services.return_send(decision=decision, user=coordinator)
    assert not DecisionReturn.objects.filter(decision=decision).exists()
