"""The acknowledgement of a referral nobody signed in sent: through the API, or a Home Office form imported.

"Your referrals" lists the referrals its reader sent on the web; one an organisation's system sent was created by no
one signed in, and no one's list shows it. So its acknowledgement does not send the referrer there: it gives the
reference and tells them to contact the panel coordinator at the site that holds it (referrals.tasks).
"""

from __future__ import annotations

import re

import pytest
from django.core import mail
from django.urls import reverse

from childnrm.accounts.models import Organisation
from childnrm.api.tests.conftest import NORTHBRIDGE_LA_GSS, referral_payload, token_client
from childnrm.api.tests.test_home_office import HOME_OFFICE_FORM, IMPORT, add_form_councils
from childnrm.core.tests.welsh import english_left

pytestmark = pytest.mark.django_db

REFERRER = "sam.referrer@police.example"  # VALID_REFERRAL's


def _acknowledgement(reference: str, to: str = REFERRER):
    return next(m for m in mail.outbox if m.to == [to] and reference in m.subject)


def _sent_through_the_api(capture) -> str:
    api = token_client(Organisation.objects.get(gss_code=NORTHBRIDGE_LA_GSS))
    with capture(execute=True):
        response = api.post("/api/referrals", referral_payload())
    assert response.status_code == 201, response.content
    return response.json()["reference"]


def test_an_api_referrals_acknowledgement_gives_the_reference_and_whom_to_contact(
    demo, django_capture_on_commit_callbacks
):
    """Not "follow it under 'Your referrals'" (a list that never shows it), but the reference and the panel
    coordinator at the site, by name."""
    reference = _sent_through_the_api(django_capture_on_commit_callbacks)
    acknowledgement = _acknowledgement(reference)
    assert acknowledgement.subject == f"Referral {reference} received"
    assert "Your referrals" not in acknowledgement.body
    assert reverse("referrals:mine") not in acknowledgement.body
    assert "contact the panel coordinator at Northbridge Child Panel" in acknowledgement.body
    assert f"give the reference {reference}" in acknowledgement.body


def test_an_imported_home_office_forms_acknowledgement_does_not_point_to_your_referrals(
    demo, django_capture_on_commit_callbacks
):
    add_form_councils()
    api = token_client(Organisation.objects.get(gss_code=NORTHBRIDGE_LA_GSS))
    with django_capture_on_commit_callbacks(execute=True):
        response = api.post(IMPORT, HOME_OFFICE_FORM)
    assert response.status_code == 201, response.content
    reference = response.json()["reference"]
    acknowledgement = _acknowledgement(reference, HOME_OFFICE_FORM["user-email"])
    assert reverse("referrals:mine") not in acknowledgement.body
    assert "contact the panel coordinator at Northbridge Child Panel" in acknowledgement.body


def test_an_api_referrals_acknowledgement_is_in_welsh_at_a_welsh_site(welsh_site, django_capture_on_commit_callbacks):
    """The referrer's address belongs to no one who chose a language: the site's default, Welsh (ADR 0023)."""
    reference = _sent_through_the_api(django_capture_on_commit_callbacks)
    acknowledgement = _acknowledgement(reference)
    assert reverse("referrals:mine") not in acknowledgement.body
    text = re.sub(r"https?://\S+", " ", acknowledgement.body)
    assert english_left(text, names=[reference, welsh_site.name, welsh_site.name_cy or welsh_site.name]) == [], text
