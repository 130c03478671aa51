"""The letters of a case retention anonymised, or whose letters alone it cleared: said, never served as an empty file;
no letter produced or explanation recorded on an anonymised case (referrals.anonymised; docs/retention.md)."""

from __future__ import annotations

import pytest
from django.urls import reverse
from django.utils import timezone

from childnrm.accounts.models import Role
from childnrm.letters import selectors, services
from childnrm.letters.models import DecisionExplanation, Letter
from childnrm.letters.tests.factories import final_decision
from childnrm.retention.anonymise import case_anonymise, letters_clear
from conftest import demo_user, signed_in

pytestmark = pytest.mark.django_db


def _explanation(today) -> dict[str, str]:
    return {
        "explained_by_name": "Ann Other",
        "explained_by_role": "social worker",
        "how": "in_person",
        "explained_on_day": str(today.day),
        "explained_on_month": str(today.month),
        "explained_on_year": str(today.year),
        "child_response": "New words from the child",
    }


def test_an_anonymised_cases_letters_are_said_to_be_anonymised_and_nothing_more_is_produced_or_recorded(
    demo, private_storage
):
    decision = final_decision("northbridge")
    coordinator = demo_user(Role.COORDINATOR)
    letter = services.letters_produce(decision=decision, user=coordinator).letters[0]
    case_anonymise(decision.referral)
    client = signed_in(coordinator)

    page = client.get(reverse("letters:decision", kwargs={"letters_decision_id": decision.pk})).content.decode()
    assert 'data-testid="anonymised"' in page and "What was sent was anonymised on" in page
    assert reverse("letters:download", kwargs={"letter_id": letter.pk}) not in page
    assert reverse("letters:produce", kwargs={"letters_decision_id": decision.pk}) not in page
    assert reverse("letters:explanation-add", kwargs={"letters_decision_id": decision.pk}) not in page

    download = client.get(reverse("letters:download", kwargs={"letter_id": letter.pk}), follow=True)
    assert download.get("Content-Type", "").startswith("text/html")
    assert "What was sent was anonymised on" in download.content.decode()

    before = Letter.objects.filter(decision=decision).count()
    client.post(reverse("letters:produce", kwargs={"letters_decision_id": decision.pk}), {"letters_seen": str(before)})
    client.post(
        reverse("letters:explanation-add", kwargs={"letters_decision_id": decision.pk}),
        _explanation(timezone.localdate()),
    )
    assert Letter.objects.filter(decision=decision).count() == before
    assert not DecisionExplanation.objects.filter(decision=decision).exists()
    with pytest.raises(services.LetterError, match="anonymised"):
        services.letters_produce(decision=decision, user=coordinator)
    # Nor is it on the list of decisions whose letters are to be produced and explained (a work list).
    assert decision not in selectors.final_decisions_for_letters(coordinator)
    assert reverse("letters:decision", kwargs={"letters_decision_id": decision.pk}) not in (
        client.get(reverse("letters:index")).content.decode()
    )


def test_letters_cleared_early_on_a_live_case_are_said_to_be_cleared_and_when(demo, private_storage):
    decision = final_decision("northbridge")
    coordinator = demo_user(Role.COORDINATOR)
    letter = services.letters_produce(decision=decision, user=coordinator).letters[0]
    letters_clear(decision.referral)
    client = signed_in(coordinator)

    page = client.get(reverse("letters:decision", kwargs={"letters_decision_id": decision.pk})).content.decode()
    assert 'data-testid="cleared"' in page and "This letter was cleared on" in page
    assert reverse("letters:download", kwargs={"letter_id": letter.pk}) not in page

    download = client.get(reverse("letters:download", kwargs={"letter_id": letter.pk}), follow=True)
    assert download.get("Content-Type", "").startswith("text/html")
    assert "This letter was cleared on" in download.content.decode()
