"""An organisation's Welsh name after a preposition is mutated on the information pages (ADR 0023, amendment 3):
"Anfonwyd cais ... at Fwrdd Iechyd Pontgogledd", "Tynnu'r cais i Fwrdd Iechyd ...", "Protocol rhannu gwybodaeth gyda
...". An organisation without a Welsh name keeps its English name as it is."""

from __future__ import annotations

import pytest
from django.urls import reverse

from childnrm.accounts.models import Organisation, Role
from childnrm.information.models import InformationRequest, SharingProtocol
from childnrm.information.tests.test_information import request_form
from childnrm.panels.models import Agency
from childnrm.referrals.tests.factories import submitted_referral
from conftest import demo_user, signed_in

pytestmark = pytest.mark.django_db

HEALTH_CY = "Bwrdd Iechyd Pontgogledd"


def test_asking_a_welsh_named_health_board_mutates_its_name_after_at_and_i(welsh_site):
    health = SharingProtocol.objects.get(site=welsh_site, organisation__type="health").organisation
    health.name_cy = HEALTH_CY
    health.save(update_fields=["name_cy"])
    referral = submitted_referral(welsh_site.slug)
    client = signed_in(demo_user(Role.COORDINATOR))

    data = request_form(organisation=str(health.pk), agency=Agency.HEALTH)
    page = client.post(reverse("information:new", args=[referral.reference]), data, follow=True).content.decode()
    info_request = InformationRequest.objects.get(referral=referral)
    assert f"Anfonwyd cais {info_request.reference} at Fwrdd Iechyd Pontgogledd" in page
    assert "at Bwrdd Iechyd" not in page

    withdraw = client.get(reverse("information:withdraw", args=[info_request.reference])).content.decode()
    assert "Tynnu’r cais i Fwrdd Iechyd Pontgogledd yn ôl" in withdraw


def test_a_protocols_page_mutates_a_welsh_name_after_gyda_and_not_an_english_one(welsh_site):
    protocol = SharingProtocol.objects.filter(site=welsh_site, organisation__type="police").get()
    client = signed_in(demo_user(Role.COORDINATOR))
    path = reverse("information:protocol", args=[protocol.reference])
    english = protocol.organisation.name
    assert f"Protocol rhannu gwybodaeth gyda {english}" in client.get(path).content.decode()

    Organisation.objects.filter(pk=protocol.organisation_id).update(name_cy="Cwnstabliaeth Pontgogledd")
    page = client.get(path).content.decode()
    assert "Protocol rhannu gwybodaeth gyda Chwnstabliaeth Pontgogledd" in page
    assert "gyda Cwnstabliaeth" not in page
