"""The session time-out warning's server side (ADR 0024, session 21): "Stay signed in" renews the session, for a
user signed in with both factors only; a page whose time ran out sends its reader to sign in, told why."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.contrib.sessions.models import Session
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from childnrm.accounts.models import Role
from conftest import demo_user, signed_in

pytestmark = pytest.mark.django_db

KEEP_ALIVE = reverse("core:keep-alive")


def _expiry(client: Client):
    return Session.objects.get(session_key=client.session.session_key).expire_date


def test_stay_signed_in_renews_the_sessions_idle_clock(demo):
    client = signed_in(demo_user(Role.FIRST_RESPONDER))
    client.get(reverse("core:home"))  # a page, as the warning's page was: renewed then, not again for a minute
    # 25 minutes without a request: five left when the warning opens.
    Session.objects.filter(session_key=client.session.session_key).update(
        expire_date=timezone.now() + timedelta(minutes=5)
    )
    response = client.post(KEEP_ALIVE)
    assert response.status_code == 204
    left = _expiry(client) - timezone.now()
    assert left > timedelta(minutes=29), left
    assert client.get(reverse("core:home")).status_code == 200


def test_stay_signed_in_is_refused_once_signed_out_or_half_signed_in(demo):
    user = demo_user(Role.FIRST_RESPONDER)
    assert Client().post(KEEP_ALIVE).status_code == 302  # to sign in: nothing renewed
    half = Client()
    half.force_login(user)  # password accepted, no security code yet
    response = half.post(KEEP_ALIVE)
    assert response.status_code == 302 and response["Location"] == reverse("accounts:second-factor")


def test_stay_signed_in_is_a_post_with_its_csrf_token(demo):
    client = signed_in(demo_user(Role.FIRST_RESPONDER))
    assert client.get(KEEP_ALIVE).status_code == 405
    strict = Client(enforce_csrf_checks=True)
    strict.cookies = client.cookies
    assert strict.post(KEEP_ALIVE).status_code == 403


def test_a_page_whose_time_ran_out_sends_its_reader_to_sign_in_told_why(demo):
    client = signed_in(demo_user(Role.FIRST_RESPONDER))
    Session.objects.update(expire_date=timezone.now() - timedelta(minutes=1))
    page = "/referrals/"
    response = client.get(reverse("core:timed-out"), {"next": page}, follow=True)
    assert response.redirect_chain[-1][0] == f"{reverse('accounts:sign-in')}?next=%2Freferrals%2F"
    assert "You were signed out after 30 minutes without activity" in response.content.decode()


def test_a_page_kept_alive_from_another_tab_is_not_signed_out_and_no_other_site_is_gone_to(demo):
    client = signed_in(demo_user(Role.FIRST_RESPONDER))
    assert client.get(reverse("core:timed-out"), {"next": "/referrals/"})["Location"] == "/referrals/"
    assert client.get(reverse("core:timed-out"), {"next": "https://example.com/"})["Location"] == reverse("core:home")
    assert client.get(reverse("core:home")).status_code == 200


def test_signed_in_pages_carry_the_idle_timeout_and_the_warning_in_the_pages_language(demo, settings):
    settings.SESSION_COOKIE_AGE = 20 * 60
    client = signed_in(demo_user(Role.FIRST_RESPONDER))
    html = client.get(reverse("core:home")).content.decode()
    assert 'data-session-idle-seconds="1200"' in html and 'data-session-warning-seconds="300"' in html
    assert 'id="session-timeout"' in html and "Stay signed in" in html
    assert "<script>" not in html  # the CSP allows no inline script: the module does it all
    assert 'id="session-timeout"' not in Client().get(reverse("core:accessibility")).content.decode()
