"""Turning 18: the list of young people approaching 18 and the record of their hand-over."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from childnrm.accounts.models import Role
from childnrm.dashboard.tests.factories import child_born
from childnrm.handovers.models import AdultTransition, ConsentStatus


@pytest.fixture
def nearly_18(demo):
    today = timezone.localdate()
    birthday = today + timedelta(days=60)
    return child_born("northbridge", birthday.replace(year=birthday.year - 18), given_names="Ayo", family_name="Test")


def page_url(child) -> str:
    return f"/handovers/turning-18/{child.reference}/"


def test_the_list_shows_young_people_approaching_18_with_their_hand_over(nearly_18, client_as):
    coordinator = client_as(Role.COORDINATOR)
    far_off = child_born("northbridge", timezone.localdate().replace(year=timezone.localdate().year - 10))
    elsewhere = child_born("three-rivers", nearly_18.date_of_birth)
    body = coordinator.get("/handovers/turning-18/").content.decode()
    assert nearly_18.reference in body and "Not started" in body
    assert far_off.reference not in body and elsewhere.reference not in body


def test_recording_consent_adult_support_and_completion(nearly_18, client_as):
    coordinator = client_as(Role.COORDINATOR)
    today = timezone.localdate()
    response = coordinator.post(
        page_url(nearly_18),
        {
            "consent": ConsentStatus.GIVEN,
            "consent_recorded_on_day": str(today.day),
            "consent_recorded_on_month": str(today.month),
            "consent_recorded_on_year": str(today.year),
            "adult_support_referral_on_day": str(today.day),
            "adult_support_referral_on_month": str(today.month),
            "adult_support_referral_on_year": str(today.year),
            "adult_support_provider": "Adult Victim Care Contract provider",
            "notes": "Explained with the guardian present.",
        },
    )
    assert response.status_code == 302 and response["Location"] == "/handovers/turning-18/"
    transition = AdultTransition.objects.get(child=nearly_18)
    assert transition.consent == ConsentStatus.GIVEN and transition.consent_recorded_on == today
    assert transition.adult_support_provider == "Adult Victim Care Contract provider"
    assert transition.eighteenth_birthday == today + timedelta(days=60)
    assert transition.completed_on is None
    body = coordinator.get("/handovers/turning-18/").content.decode()
    assert "Consents to stay in the NRM" in body and "In progress" in body


def test_bad_answers_are_explained_and_nothing_is_lost(nearly_18, client_as):
    coordinator = client_as(Role.COORDINATOR)
    response = coordinator.post(
        page_url(nearly_18),
        {
            "consent": ConsentStatus.REFUSED,
            "adult_support_provider": "Kept provider",
            "completed_on_day": "40",
            "completed_on_month": "1",
            "completed_on_year": "2026",
        },
    )
    body = response.content.decode()
    assert response.status_code == 200 and "There is a problem" in body
    assert "The date the hand-over was completed must be a real date" in body
    assert "Kept provider" in body
    response = coordinator.post(page_url(nearly_18), {"consent": ConsentStatus.REFUSED})
    assert "Enter the date the young person gave their answer" in response.content.decode()
    assert not AdultTransition.objects.exists()


def test_another_sites_coordinator_gets_404(nearly_18, client_as):
    other = client_as(Role.COORDINATOR, "three-rivers")
    assert other.get(page_url(nearly_18)).status_code == 404
    assert other.post(page_url(nearly_18), {"consent": "not_yet_asked"}).status_code == 404
    assert not AdultTransition.objects.exists()
