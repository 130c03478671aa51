"""A site's Welsh name after a preposition is mutated at triage (ADR 0023, amendment 3): the coordinator's
confirmation ("wedi'i dderbyn gan Banel Plant Pontgogledd") and the rules' reasons read back in Welsh ("Wedi'i
atgyfeirio ymlaen gan Banel ...", "atgyfeiriwch ef ymlaen i Banel ..."). The reasons stay stored in English."""

from __future__ import annotations

import pytest
from django.urls import reverse

from childnrm.accounts.models import Role
from childnrm.triage.demo import submitted_referral
from childnrm.triage.models import TriageAssessment, TriageOutcome
from childnrm.triage.tests.test_reasons_in_the_readers_language import reasons_on
from conftest import demo_user, signed_in

pytestmark = pytest.mark.django_db

SITE_CY = "Panel Plant Pontgogledd"


@pytest.fixture
def named_in_welsh(welsh_site):
    welsh_site.name_cy = SITE_CY
    welsh_site.save(update_fields=["name_cy"])
    return welsh_site


def test_accepting_a_referral_says_the_site_mutated_after_gan(named_in_welsh):
    referral = submitted_referral(named_in_welsh.slug)
    client = signed_in(demo_user(Role.COORDINATOR))
    page = client.post(
        reverse("triage:triage", args=[referral.reference]), {"outcome": TriageOutcome.PANEL}, follow=True
    ).content.decode()
    assert f"Atgyfeiriad {referral.reference} wedi’i dderbyn gan Banel Plant Pontgogledd" in page
    assert "gan Panel Plant" not in page


def test_the_stored_reasons_read_back_with_the_welsh_name_mutated(named_in_welsh):
    referral = submitted_referral(named_in_welsh.slug)
    english = named_in_welsh.name
    stored = [
        f"Transferred from {english}.",
        f"{english} decides, not Southport Child Panel where the referral was sent: transfer it to {english} with the "
        "case packet.",
    ]
    TriageAssessment.objects.filter(referral=referral).update(reasons=stored)
    page = signed_in(demo_user(Role.COORDINATOR)).get(reverse("triage:triage", args=[referral.reference]))
    assert [text for _, text in reasons_on(page.content.decode())] == [
        "Wedi’i atgyfeirio ymlaen gan Banel Plant Pontgogledd.",
        # The subject stays radical; a site without a Welsh name is named in English, as it is.
        "Panel Plant Pontgogledd sy’n penderfynu, nid Southport Child Panel, lle anfonwyd yr atgyfeiriad: "
        "atgyfeiriwch ef ymlaen i Banel Plant Pontgogledd gyda’r pecyn achos.",
    ]
    assert TriageAssessment.objects.get(referral=referral).reasons == stored  # the record is unchanged
