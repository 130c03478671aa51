"""The lead social worker's refusals in the reader's language (the Cardiff walk of issue 13).

Recording the same social worker again on a Welsh page used to answer in English ("Priya Nair is already recorded
as this child's social worker with these details"): every refusal of `lead_social_worker_record` is a message, with
the name as a placeholder.
"""

from __future__ import annotations

import pytest
from django.urls import reverse
from django.utils import translation

from childnrm.accounts.models import Role
from childnrm.people.services import SocialWorkerInvalid, lead_social_worker_record
from childnrm.triage.demo import submitted_referral
from childnrm.triage.services import triage_confirm
from conftest import demo_user, signed_in

pytestmark = pytest.mark.django_db


def accepted_child(site_slug: str):
    referral = submitted_referral(site_slug)
    triage_confirm(
        referral=referral, user=demo_user(Role.COORDINATOR), final_outcome="panel", final_site=None, reason=""
    )
    referral.refresh_from_db()
    return referral.child


@pytest.mark.parametrize(
    ("details", "welsh"),
    [
        ({"name": " "}, "Rhowch enw’r gweithiwr cymdeithasol"),
        ({"name": "N" * 201}, "Rhaid i’r enwau fod yn 200 nod neu lai"),
        ({"name": "Priya Nair", "email": "not an address"}, "Rhowch gyfeiriad e-bost yn y fformat cywir"),
        ({"name": "Priya Nair", "phone": "0" * 41}, "Rhaid i’r rhif ffôn fod yn 40 nod neu lai"),
    ],
    ids=["no name", "long name", "email", "phone"],
)
def test_a_refusal_of_the_details_is_in_welsh(demo, details, welsh):
    child = accepted_child("northbridge")
    with translation.override("cy"), pytest.raises(SocialWorkerInvalid) as refused:
        lead_social_worker_record(child=child, user=demo_user(Role.COORDINATOR), **details)
    assert str(refused.value).startswith(welsh)


def test_the_same_social_worker_again_is_refused_in_welsh_on_the_welsh_page(welsh_site):
    child = accepted_child(welsh_site.slug)
    coordinator = demo_user(Role.COORDINATOR)
    lead_social_worker_record(child=child, user=coordinator, name="Priya Nair", email="priya.nair@la.example")
    page = (
        signed_in(coordinator)
        .post(
            reverse("safeguarding:social-worker", args=[child.reference]),
            {"name": "Priya Nair", "email": "priya.nair@la.example", "team": "", "phone": "", "reason": ""},
        )
        .content.decode()
    )
    assert "Mae Priya Nair eisoes wedi’i gofnodi fel gweithiwr cymdeithasol y plentyn hwn gyda’r manylion hyn" in page
    assert "is already recorded" not in page
    # In English, as it was.
    with pytest.raises(SocialWorkerInvalid, match=r"^Priya Nair is already recorded as this child's social worker"):
        lead_social_worker_record(child=child, user=coordinator, name="Priya Nair", email="priya.nair@la.example")
