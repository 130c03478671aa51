"""A case retention anonymised: its case packet page says the packet was anonymised (and when) instead of offering it,
and no young person's consent is recorded on it any more (docs/retention.md)."""

from __future__ import annotations

from datetime import date

import pytest
from django.urls import reverse

from childnrm.accounts.models import Role
from childnrm.dashboard.tests.factories import accepted_referral
from childnrm.kit.dates import long_date
from childnrm.referrals.models import AdultConsent, ConsentAnswer, ConsentMethod, Referral
from childnrm.referrals.services import ReferralStateError
from childnrm.referrals.tests.factories import submitted_referral
from childnrm.retention.anonymise import case_anonymise
from childnrm.triage.models import OnwardReferral
from childnrm.triage.services import adult_consent_record, triage_confirm
from conftest import demo_user, signed_in


@pytest.fixture
def anonymised_hand_off(demo) -> Referral:
    """A referral the coordinator handed to the SCA at triage, whose case retention has since anonymised."""
    referral = submitted_referral("northbridge", age_disputed=True)
    triage_confirm(referral=referral, user=demo_user(Role.COORDINATOR), final_outcome="sca", final_site=None, reason="")
    case_anonymise(Referral.objects.get(pk=referral.pk))
    assert OnwardReferral.objects.get(referral=referral).packet == {"anonymised": True}
    return Referral.objects.get(pk=referral.pk)


def test_the_case_packet_page_says_the_packet_was_anonymised_and_when(anonymised_hand_off):
    referral = anonymised_hand_off
    response = signed_in(demo_user(Role.COORDINATOR)).get(reverse("triage:case-packet", args=[referral.reference]))
    assert response.status_code == 200
    page = response.content.decode()
    assert "What was sent was anonymised on" in page and long_date(referral.anonymised_at) in page
    assert reverse("triage:case-packet-pdf", args=[referral.reference]) not in page
    assert reverse("triage:case-packet-json", args=[referral.reference]) not in page


@pytest.mark.parametrize("route", ["triage:case-packet-pdf", "triage:case-packet-json"])
def test_the_anonymised_packet_is_not_downloaded(anonymised_hand_off, route):
    referral = anonymised_hand_off
    client = signed_in(demo_user(Role.COORDINATOR))
    response = client.get(reverse(route, args=[referral.reference]), follow=True)
    assert response.redirect_chain == [(reverse("triage:case-packet", args=[referral.reference]), 302)]
    assert "What was sent was anonymised on" in response.content.decode()


def test_no_consent_is_recorded_on_an_anonymised_case(demo):
    referral = accepted_referral("northbridge")
    case_anonymise(Referral.objects.get(pk=referral.pk))
    referral.refresh_from_db()
    coordinator = demo_user(Role.COORDINATOR)
    with pytest.raises(ReferralStateError, match="at the end of its retention period"):
        adult_consent_record(
            referral=referral,
            user=coordinator,
            answer=ConsentAnswer.GIVEN,
            given_on=date(2026, 1, 5),
            method=ConsentMethod.IN_PERSON,
            notes="Said where they live now",
        )
    url = reverse("triage:adult-consent", args=[referral.reference])
    client = signed_in(coordinator)
    page = client.get(url).content.decode()
    assert "at the end of its retention period" in page and 'name="notes"' not in page
    response = client.post(
        url,
        {"answer": "given", "given_on_day": "5", "given_on_month": "1", "given_on_year": "2026", "method": "in_person"},
        follow=True,
    )
    assert "at the end of its retention period" in response.content.decode()
    assert not AdultConsent.objects.filter(referral=referral).exists()
