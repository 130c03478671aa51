"""Turning 18: the list of young people approaching 18 and the record of their hand-over."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from childnrm.accounts.models import Role
from childnrm.dashboard.tests.factories import child_born
from childnrm.handovers.models import AdultTransition
from childnrm.kit.dates import long_date
from childnrm.panels.tests.factories import accepted_referral
from childnrm.referrals.models import AdultConsent, ConsentAnswer, ConsentMethod, Referral


@pytest.fixture
def nearly_18(demo):
    today = timezone.localdate()
    birthday = today + timedelta(days=60)
    return child_born("northbridge", birthday.replace(year=birthday.year - 18), given_names="Ayo", family_name="Test")


@pytest.fixture
def nearly_18_case(demo) -> Referral:
    """A case the panel holds (referred 200 days ago) for a young person who turns 18 in 60 days."""
    today = timezone.localdate()
    birthday = today + timedelta(days=60)
    born = birthday.replace(year=birthday.year - 18)
    return accepted_referral("northbridge", submitted_on=today - timedelta(days=200), date_of_birth=born)


def page_url(child) -> str:
    return f"/handovers/turning-18/{child.reference}/"


def test_the_list_shows_young_people_approaching_18_with_their_hand_over(nearly_18, client_as):
    coordinator = client_as(Role.COORDINATOR)
    far_off = child_born("northbridge", timezone.localdate().replace(year=timezone.localdate().year - 10))
    elsewhere = child_born("three-rivers", nearly_18.date_of_birth)
    body = coordinator.get("/handovers/turning-18/").content.decode()
    assert nearly_18.reference in body and "Not started" in body
    assert far_off.reference not in body and elsewhere.reference not in body


def _date(prefix: str, day) -> dict[str, str]:
    return {f"{prefix}_day": str(day.day), f"{prefix}_month": str(day.month), f"{prefix}_year": str(day.year)}


def test_adult_support_and_completion_are_recorded_and_completion_needs_their_answer(nearly_18_case, client_as):
    child = nearly_18_case.child
    coordinator = client_as(Role.COORDINATOR)
    today = timezone.localdate()
    support = {
        **_date("adult_support_referral_on", today),
        "adult_support_provider": "Adult Victim Care Contract provider",
        "notes": "Explained with the guardian present.",
    }
    # Completion before the young person has answered is refused, and what was typed is kept.
    response = coordinator.post(page_url(child), {**support, **_date("completed_on", today)})
    body = response.content.decode()
    assert response.status_code == 200
    assert "Record the young person&#39;s answer on consent before marking the hand-over complete" in body
    assert "Adult Victim Care Contract provider" in body
    assert not AdultTransition.objects.exists()

    response = coordinator.post(page_url(child), support)
    assert response.status_code == 302 and response["Location"] == "/handovers/turning-18/"
    transition = AdultTransition.objects.get(child=child)
    assert transition.adult_support_provider == "Adult Victim Care Contract provider"
    assert transition.eighteenth_birthday == today + timedelta(days=60)
    assert transition.completed_on is None
    body = coordinator.get("/handovers/turning-18/").content.decode()
    assert "Not yet asked" in body and "In progress" in body


def test_consent_is_recorded_once_on_the_case_and_shown_on_the_hand_over(nearly_18_case, client_as):
    child = nearly_18_case.child
    coordinator = client_as(Role.COORDINATOR)
    today = timezone.localdate()
    page = coordinator.get(page_url(child)).content.decode()
    consent_url = f"/referrals/{nearly_18_case.reference}/consent-at-18/?from=turning-18"
    assert "Not yet asked" in page and consent_url in page.replace("&amp;", "&")
    response = coordinator.post(
        consent_url, {"answer": ConsentAnswer.GIVEN, **_date("given_on", today), "method": ConsentMethod.IN_PERSON}
    )
    # Back to the hand-over it came from, which now shows the answer in force; the list does too.
    assert response.status_code == 302 and response["Location"] == page_url(child)
    assert AdultConsent.objects.get(referral=nearly_18_case).answer == ConsentAnswer.GIVEN
    page = coordinator.get(page_url(child)).content.decode()
    assert f"Consents to remain in the NRM, given {long_date(today)} (in person)" in page
    assert "Record a new answer" in page
    assert "Consents to remain in the NRM" in coordinator.get("/handovers/turning-18/").content.decode()
    # Now the hand-over can be completed.
    response = coordinator.post(page_url(child), _date("completed_on", today))
    assert response.status_code == 302
    assert AdultTransition.objects.get(child=child).completed_on == today


def test_bad_answers_are_explained_and_nothing_is_lost(nearly_18, client_as):
    coordinator = client_as(Role.COORDINATOR)
    response = coordinator.post(
        page_url(nearly_18),
        {
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
    response = coordinator.post(page_url(nearly_18), _date("adult_support_referral_on", timezone.localdate()))
    assert "Enter the adult support provider" in response.content.decode()
    assert not AdultTransition.objects.exists()


def test_another_sites_coordinator_gets_404(nearly_18, client_as):
    other = client_as(Role.COORDINATOR, "three-rivers")
    assert other.get(page_url(nearly_18)).status_code == 404
    assert other.post(page_url(nearly_18), {"adult_support_provider": "X"}).status_code == 404
    assert not AdultTransition.objects.exists()
