"""The referrer's pages mutate the site's Welsh name after a preposition (ADR 0023, amendment 3): "Anfonoch yr
atgyfeiriad at Banel Plant Pontgogledd.", "cydgysylltydd y panel ym Mhanel Plant Pontgogledd". A site without a Welsh
name keeps its English name as it is."""

from __future__ import annotations

import pytest
from django.urls import reverse

from childnrm.accounts.models import Role
from childnrm.triage.demo import submitted_referral
from conftest import demo_user, signed_in

pytestmark = pytest.mark.django_db


def test_the_referrers_page_says_where_the_referral_went_with_the_welsh_name_mutated(welsh_site):
    referral = submitted_referral(welsh_site.slug)
    client = signed_in(demo_user(Role.FIRST_RESPONDER))
    path = reverse("referrals:your-referral", args=[referral.reference])
    page = client.get(path).content.decode()
    assert f"Anfonoch yr atgyfeiriad at {welsh_site.name}." in page  # no Welsh name: the English one, as it is

    welsh_site.name_cy = "Panel Plant Pontgogledd"
    welsh_site.save(update_fields=["name_cy"])
    page = client.get(path).content.decode()
    assert "Anfonoch yr atgyfeiriad at Banel Plant Pontgogledd." in page
    assert "cysylltwch â chydgysylltydd y panel ym Mhanel Plant Pontgogledd" in page
    assert "at Panel Plant" not in page and "yn Panel Plant" not in page
