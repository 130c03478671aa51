"""The signed-in user is read with their organisation (the header of every page names it), in one statement; a
session made under Django's own ModelBackend path ends once (ADR 0024, amendment of 2026-12-05)."""

from __future__ import annotations

import pytest
from django.conf import settings
from django.contrib.auth import BACKEND_SESSION_KEY
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from childnrm.accounts.models import Role, User
from childnrm.people.demo import DEMO_PASSWORD
from conftest import demo_user

pytestmark = pytest.mark.django_db

ORGANISATION_TABLE = User._meta.get_field("organisation").related_model._meta.db_table


def signed_in_by_hand(user: User) -> Client:
    """Through the sign-in pages, so the session holds the backend Django's `login` stores."""
    client = Client()
    client.post("/account/sign-in/", {"email": user.email, "password": DEMO_PASSWORD})
    device = TOTPDevice.objects.get(user=user, confirmed=True)
    code = totp(device.bin_key, step=device.step, t0=device.t0, digits=device.digits, drift=0)
    assert client.post("/account/sign-in/security-code/", {"code": f"{code:06d}"}).status_code == 302
    return client


def test_every_page_names_the_users_organisation_without_a_statement_of_its_own(demo):
    user = demo_user(Role.COORDINATOR)
    assert user.organisation is not None
    client = signed_in_by_hand(user)
    assert client.session[BACKEND_SESSION_KEY] == "childnrm.accounts.backends.UserBackend"
    client.get("/")  # the session's once-a-minute renewal and the site's language settle first

    with CaptureQueriesContext(connection) as queries:
        body = client.get("/").content.decode()

    assert f"Signed in as {user.full_name}, {user.organisation.name}." in body
    alone = [q["sql"] for q in queries.captured_queries if f'FROM "{ORGANISATION_TABLE}"' in q["sql"]]
    assert alone == []


def test_a_session_from_before_the_backend_changed_is_asked_to_sign_in_again(demo):
    client = signed_in_by_hand(demo_user(Role.COORDINATOR))
    assert client.get("/").status_code == 200
    session = client.session
    session[BACKEND_SESSION_KEY] = "django.contrib.auth.backends.ModelBackend"  # as stored before 2026-12-05
    session.save()
    assert "django.contrib.auth.backends.ModelBackend" not in settings.AUTHENTICATION_BACKENDS

    response = client.get("/")

    assert response.status_code == 302 and response["Location"].startswith("/account/sign-in/")
