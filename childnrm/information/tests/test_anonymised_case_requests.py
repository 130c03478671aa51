"""Once retention anonymises a case, its information requests end with it, as when the case leaves the panel: nobody is
chased, no answer is taken, the pages say why, and nothing new is asked (docs/retention.md)."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from childnrm.accounts.models import Role
from childnrm.information import selectors, services
from childnrm.information.models import InformationRequest, InformationResponse, RequestStatus
from childnrm.information.tests.test_information import ask, police_responder
from childnrm.people.models import Child
from childnrm.referrals.models import Referral
from childnrm.retention.models import ItemStatus
from childnrm.retention.schedule import add_years
from childnrm.retention.services import retention_items_approve
from childnrm.retention.tests.test_retention import BORN, decided_case, listed
from conftest import demo_user, signed_in

ANONYMISED = "at the end of its retention period"


def _anonymised_case_with_open_request():
    referral = decided_case()
    info = ask(referral)  # asked, never answered: still open when the case closes
    today = add_years(BORN, 25)
    item = listed(referral, today)
    result = retention_items_approve(
        user=demo_user(Role.DATA_PROTECTION_OFFICER), site=referral.site, item_ids=[item.pk], today=today
    )
    assert result.anonymised == [item.pk], result.refused
    item.refresh_from_db()
    assert item.status == ItemStatus.ANONYMISED
    referral.refresh_from_db()
    assert referral.given_names == "" and Child.objects.get(pk=referral.child_id).given_names == "Anonymised"
    info.refresh_from_db()
    return referral, info


def test_an_open_request_of_an_anonymised_case_is_not_chased(demo):
    _referral, info = _anonymised_case_with_open_request()
    assert info.status == RequestStatus.OPEN and info.question == ""
    InformationRequest.objects.filter(pk=info.pk).update(due_on=timezone.localdate() - timedelta(days=5))
    mail.outbox.clear()
    chased = services.chase_overdue(timezone.localdate())
    assert chased == 0, "an anonymised case's request is still chased by email"
    assert mail.outbox == []
    info.refresh_from_db()
    assert info.chase_count == 0
    # Nor counted as open or overdue anywhere (the dashboard and the lists read the same rule).
    assert not InformationRequest.objects.filter(selectors.with_asking_panel(), pk=info.pk).exists()
    assert services.ended_with_case(info) and not services.is_overdue(info)


def test_an_open_request_of_an_anonymised_case_can_no_longer_be_answered(demo):
    _referral, info = _anonymised_case_with_open_request()
    with pytest.raises(services.InformationError, match=ANONYMISED):
        services.information_response_create(
            info_request=info,
            user=police_responder(),
            text="New personal details about the child",
            lawful_basis=info.lawful_basis,
            purpose="Safeguarding",
            uploads=[],
        )
    assert not InformationResponse.objects.filter(request=info).exists(), "agency added personal data"
    # The agency's page says why instead of offering the answer form.
    page = signed_in(police_responder()).get(reverse("information:detail", args=[info.reference]))
    assert page.status_code == 200
    assert ANONYMISED in page.content.decode()
    assert reverse("information:answer", args=[info.reference]) not in page.content.decode()


def test_nothing_new_is_asked_about_an_anonymised_case(demo):
    referral, _info = _anonymised_case_with_open_request()
    with pytest.raises(services.InformationError, match=ANONYMISED):
        ask(Referral.objects.get(pk=referral.pk))
    assert InformationRequest.objects.filter(referral=referral).count() == 1
    # The case's page says so instead of offering to ask.
    coordinator = signed_in(demo_user(Role.COORDINATOR))
    page = coordinator.get(reverse("information:case", args=[referral.reference])).content.decode()
    assert ANONYMISED in page and reverse("information:new", args=[referral.reference]) not in page
    response = coordinator.get(reverse("information:new", args=[referral.reference]), follow=True)
    assert ANONYMISED in response.content.decode()
