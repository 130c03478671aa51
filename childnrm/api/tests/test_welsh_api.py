"""The API's one HTML page in Welsh (ADR 0023, issue 13): its description for referring organisations, as a user
of a Welsh site and as a visitor who chose Welsh. The API's answers (JSON, error messages included) stay English:
organisations' systems read them."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from childnrm.accounts.models import Role
from childnrm.core.tests.welsh import walk_in_welsh
from conftest import demo_user, signed_in


@pytest.mark.parametrize("role", [Role.SITE_ADMIN, Role.FIRST_RESPONDER, Role.COORDINATOR])
def test_the_api_page_is_in_welsh_for_a_welsh_sites_users(welsh_site, role):
    client = signed_in(demo_user(role))
    page = client.get(reverse("api:api-root")).content.decode()
    assert "API ar gyfer sefydliadau sy’n atgyfeirio" in page
    assert "Mae atebion yr API, gan gynnwys negeseuon gwall, yn Saesneg" in page
    assert walk_in_welsh(client, [reverse("api:api-root")]) == {}


def test_the_api_page_is_in_welsh_for_a_visitor_who_chose_welsh(db):
    client = Client()
    client.get(reverse("accounts:language"), {"language": "cy", "next": "/api/"})
    assert walk_in_welsh(client, ["/api/"]) == {}


def test_the_apis_answers_stay_english_on_a_welsh_site(welsh_site):
    """An error is answered in English, whatever the language chosen: systems read it."""
    client = signed_in(demo_user(Role.COORDINATOR))
    response = client.get("/api/referrals", HTTP_AUTHORIZATION="Bearer cnrm_not-a-token")
    assert response.status_code == 401
    assert response["Content-Type"].startswith("application/")
    assert "Mae" not in response.content.decode()
