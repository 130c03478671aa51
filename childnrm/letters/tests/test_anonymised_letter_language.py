"""An anonymised child's letter language cannot be changed (people.services refuses it since session 20): the letters
page does not offer "Change", and the language page sends the coordinator back with the reason, not a form that always
fails."""

from __future__ import annotations

import pytest
from django.urls import reverse

from childnrm.accounts.models import Role
from childnrm.letters.tests.factories import final_decision
from childnrm.referrals.anonymised import child_anonymised
from childnrm.retention.anonymise import case_anonymise
from conftest import demo_user, signed_in

pytestmark = pytest.mark.django_db


def test_an_anonymised_childs_letter_language_is_not_offered_for_change(demo, private_storage):
    decision = final_decision("northbridge")
    case_anonymise(decision.referral)
    assert child_anonymised(decision.referral.child_id)
    client = signed_in(demo_user(Role.COORDINATOR))
    change = reverse("letters:child-language", kwargs={"letters_decision_id": decision.pk})
    letters_page = reverse("letters:decision", kwargs={"letters_decision_id": decision.pk})

    assert change not in client.get(letters_page).content.decode()
    for response in (client.get(change), client.post(change, {"correspondence_language": "cy"})):
        assert response.status_code == 302 and response["Location"] == letters_page
