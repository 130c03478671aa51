"""The referral asks for the child's allocated social worker, where known (rule 10 of issue 8)."""

from __future__ import annotations

from django.urls import reverse

from childnrm.accounts.models import Role
from childnrm.referrals.forms import SafeguardingForm
from childnrm.referrals.models import Referral
from childnrm.referrals.services import referral_start
from childnrm.referrals.tests.test_journey import complete_every_section, section_url
from conftest import demo_user


def test_the_social_worker_is_optional():
    form = SafeguardingForm({"ictg_referral_made": "no"}, referral=Referral())
    assert form.is_valid(), form.errors
    assert form.to_fields()["social_worker_name"] == ""


def test_social_worker_details_without_a_name_are_refused_and_contacts_are_checked():
    form = SafeguardingForm(
        {
            "ictg_referral_made": "no",
            "social_worker_team": "Team A",
            "social_worker_email": "nope",
            "social_worker_phone": "call",
        },
        referral=Referral(),
    )
    assert form.errors["social_worker_name"] == ["Enter the social worker's full name, or leave their details blank"]
    assert form.errors["social_worker_email"] == [
        "Enter the social worker's email address in the correct format, like name@example.org"
    ]
    assert form.errors["social_worker_phone"] == ["Enter a telephone number, like 01632 960 001 or +44 808 157 0192"]


def test_the_referrer_gives_the_social_worker_and_sees_it_on_check_answers(client_as, demo, site):
    responder = client_as(Role.FIRST_RESPONDER)
    draft = referral_start(user=demo_user(Role.FIRST_RESPONDER))
    complete_every_section(responder, draft)
    la = site.local_authorities.order_by("pk").first()
    response = responder.post(
        section_url(draft, "safeguarding"),
        {
            "ictg_referral_made": "yes",
            "social_worker_name": "Priya Nair",
            "social_worker_team": "Child in Need Team East",
            "social_worker_local_authority": str(la.pk),
            "social_worker_email": "Priya.Nair@LA.example",
            "social_worker_phone": "01632 960 377",
            "continue": "",
        },
    )
    assert response.status_code == 302
    draft.refresh_from_db()
    assert (
        draft.social_worker_name,
        draft.social_worker_team,
        draft.social_worker_local_authority,
        draft.social_worker_email,
        draft.social_worker_phone,
    ) == ("Priya Nair", "Child in Need Team East", la, "priya.nair@la.example", "01632 960 377")
    page = responder.get(reverse("referrals:check-answers", args=[draft.reference])).content.decode()
    assert "Social worker" in page and "Priya Nair" in page and "Child in Need Team East" in page

    form = responder.get(section_url(draft, "safeguarding")).content.decode()
    assert 'value="Priya Nair"' in form  # the answer is there when the referrer comes back
