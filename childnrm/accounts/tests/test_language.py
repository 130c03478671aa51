"""The language switch, the user's remembered language and the site's default language (ADR 0023)."""

from __future__ import annotations

import re

import pytest
from django.conf import settings
from django.test import Client
from django.urls import reverse
from django.utils.http import urlencode

from childnrm.accounts.models import Nation, Role, Site
from childnrm.audit.models import AuditEvent
from conftest import demo_user, signed_in

pytestmark = pytest.mark.django_db


def switch(language: str, next_path: str = "/accessibility/") -> str:
    return f"{reverse('accounts:language')}?{urlencode({'language': language, 'next': next_path})}"


def lang_of(page: str) -> str:
    return re.search(r'<html lang="([^"]+)"', page).group(1)


def test_the_switch_works_without_javascript_and_is_remembered_in_a_cookie_when_signed_out(demo):
    client = Client()
    assert lang_of(client.get("/accessibility/").content.decode()) == "en"
    response = client.get(switch("cy"))
    assert response.status_code == 302 and response["Location"] == "/accessibility/"
    cookie = response.cookies[settings.LANGUAGE_COOKIE_NAME]
    assert cookie.value == "cy" and cookie["httponly"] and cookie["samesite"] == "Lax"
    welsh = client.get("/accessibility/")
    page = welsh.content.decode()
    assert lang_of(page) == "cy" and "Datganiad hygyrchedd" in page and welsh["Content-Language"] == "cy"


def test_the_switch_is_the_gov_uk_language_toggle(demo):
    page = Client().get("/accessibility/").content.decode()
    switcher = page[page.index('class="app-language-select"') : page.index("</nav>", page.index("app-language-select"))]
    # The current language is not a link; the other is, in its own language, with lang and hreflang.
    assert '<span aria-current="true" lang="en">English</span>' in switcher
    assert 'hreflang="cy" lang="cy"' in switcher and "Cymraeg" in switcher
    assert "Newid yr iaith i’r Gymraeg" in switcher  # what a screen reader says, in Welsh
    assert "language=cy&amp;next=%2Faccessibility%2F" in switcher


def test_the_switch_refuses_other_languages_and_other_sites(demo):
    client = Client()
    refused = client.get(switch("fr"))
    assert refused.status_code == 302 and settings.LANGUAGE_COOKIE_NAME not in refused.cookies
    response = client.get(switch("cy", "https://elsewhere.example/"))
    assert response["Location"] == reverse("core:home")


def test_a_signed_in_users_choice_is_kept_on_their_account_for_every_device(demo):
    user = demo_user(Role.COORDINATOR)
    first = signed_in(user)
    first.get(switch("cy", "/"))
    user.refresh_from_db()
    assert user.language == "cy"
    assert AuditEvent.objects.filter(object_id=str(user.pk), detail__language="cy").exists()
    # Another browser, no cookie: the account remembers.
    other = signed_in(user)
    page = other.get(reverse("core:home")).content.decode()
    assert lang_of(page) == "cy" and "Beth allwch chi ei wneud" in page
    assert "Cymraeg" in other.get(reverse("accounts:account")).content.decode()
    # And back to English.
    other.get(switch("en-gb", "/"))
    user.refresh_from_db()
    assert user.language == "en-gb"
    assert lang_of(signed_in(user).get(reverse("core:home")).content.decode()) == "en"


def test_a_site_whose_default_is_welsh_shows_welsh_until_the_user_chooses(demo, site, other_site):
    site.default_language = "cy"
    site.nation = Nation.WALES
    site.save()
    welsh_site_user = demo_user(Role.FIRST_RESPONDER, "northbridge")
    english_site_user = demo_user(Role.FIRST_RESPONDER, "three-rivers")
    assert lang_of(signed_in(welsh_site_user).get("/").content.decode()) == "cy"
    assert lang_of(signed_in(english_site_user).get("/").content.decode()) == "en"
    # A user's own choice beats the site's default.
    welsh_site_user.language = "en-gb"
    welsh_site_user.save()
    assert lang_of(signed_in(welsh_site_user).get("/").content.decode()) == "en"


def test_a_site_administrator_sets_the_default_language_and_sees_the_nation(demo, site, client_as):
    admin = client_as(Role.SITE_ADMIN)
    policy = admin.get(reverse("accounts:site-policy", args=[site.slug])).content.decode()
    assert "Nation" in policy and "England" in policy and "Default language" in policy
    url = reverse("accounts:site-language", args=[site.slug])
    assert admin.post(url, {"default_language": "xx"}).status_code == 200
    response = admin.post(url, {"default_language": "cy"})
    assert response.status_code == 302
    site.refresh_from_db()
    assert site.default_language == "cy"
    assert AuditEvent.objects.filter(object_id=str(site.pk), detail__default_language__after="cy").exists()
    assert client_as(Role.COORDINATOR).post(url, {"default_language": "en-gb"}).status_code in (403, 404)
    site.refresh_from_db()
    assert site.default_language == "cy"


def test_the_demo_sites_are_in_england_and_a_site_may_be_in_any_of_the_four_nations(demo):
    demo_sites = Site.objects.filter(slug__in=("northbridge", "three-rivers"))
    assert set(demo_sites.values_list("nation", flat=True)) == {Nation.ENGLAND}
    assert {n.value for n in Nation} == {"england", "wales", "scotland", "northern_ireland"}
