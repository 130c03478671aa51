"""What every signed-in request reads before its view (issue 16): the session, then the user with their organisation
and the device that verified the session in one statement, then their active memberships with their sites in one
more. Fewer statements, and the same rules: a device removed or disabled, a user or a role taken away, an expired
session, each counts from the very next request."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.contrib.sessions.models import Session
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.plugins.otp_static.models import StaticDevice
from django_otp.plugins.otp_totp.models import TOTPDevice

from childnrm.accounts import backends
from childnrm.accounts.models import Membership, Role, User
from childnrm.accounts.selectors import memberships_of
from childnrm.accounts.services import recovery_codes_issue
from childnrm.accounts.sessions import SessionStore
from conftest import demo_user, signed_in

pytestmark = pytest.mark.django_db

SECOND_FACTOR = "/account/sign-in/security-code/"
TABLES = {
    "session": Session._meta.db_table,
    "user": User._meta.db_table,
    "device": TOTPDevice._meta.db_table,
    "membership": Membership._meta.db_table,
}


def _tables_read(sql: str) -> set[str]:
    return {name for name, table in TABLES.items() if f'FROM "{table}"' in sql}


def _home(client: Client) -> tuple[str, list[str]]:
    with CaptureQueriesContext(connection) as captured:
        response = client.get("/")
    assert response.status_code == 200
    return response.content.decode(), [q["sql"] for q in captured.captured_queries]


def test_the_home_page_reads_session_user_with_device_and_memberships_in_three_statements(demo):
    user = demo_user(Role.COORDINATOR)
    client = signed_in(user)
    client.get("/")  # the once-a-minute renewal and the site's language settle first

    body, statements = _home(client)

    assert [_tables_read(sql) for sql in statements] == [{"session"}, {"device"}, {"membership"}]
    assert f'INNER JOIN "{TABLES["user"]}"' in statements[1]  # the user comes with the device
    assert f"Signed in as {user.full_name}, {user.organisation.name}." in body
    for membership in Membership.objects.filter(user=user, active=True).select_related("site"):
        assert membership.site.name in body


def test_a_removed_device_unverifies_the_session_at_the_next_request(demo):
    user = demo_user(Role.COORDINATOR)
    client = signed_in(user)
    assert client.get("/").status_code == 200

    TOTPDevice.objects.filter(user=user).delete()

    assert client.get("/")["Location"] == SECOND_FACTOR
    assert DEVICE_ID_SESSION_KEY not in client.session  # and the session forgets it, as django_otp's does


def test_a_disabled_device_unverifies_the_session_at_the_next_request(demo):
    user = demo_user(Role.COORDINATOR)
    client = signed_in(user)
    assert client.get("/").status_code == 200

    TOTPDevice.objects.filter(user=user).update(confirmed=False)

    assert client.get("/")["Location"] == SECOND_FACTOR


def test_another_users_device_does_not_verify_a_session(demo):
    user, other = demo_user(Role.COORDINATOR), demo_user(Role.CHAIR)
    client = signed_in(user)
    session = client.session
    session[DEVICE_ID_SESSION_KEY] = TOTPDevice.objects.get(user=other, confirmed=True).persistent_id
    session.save()

    assert client.get("/")["Location"] == SECOND_FACTOR


@pytest.mark.parametrize(
    "named", ["", "otp_totp.totpdevice", "otp_totp.totpdevice/x", "nosuch.model/1", "auth.group/1"]
)
def test_a_session_naming_no_device_is_not_verified(demo, named):
    client = signed_in(demo_user(Role.COORDINATOR))
    session = client.session
    session[DEVICE_ID_SESSION_KEY] = named
    session.save()

    assert client.get("/")["Location"] == SECOND_FACTOR


def test_a_recovery_code_device_verifies_the_session_read_with_the_user(demo):
    user = demo_user(Role.ICTG)
    recovery_codes_issue(user=user)
    client = signed_in(user)
    session = client.session
    session[DEVICE_ID_SESSION_KEY] = StaticDevice.objects.get(user=user).persistent_id
    session.save()
    client.get("/")

    _, statements = _home(client)

    assert f'FROM "{StaticDevice._meta.db_table}" INNER JOIN "{TABLES["user"]}"' in statements[1]
    assert not any("user" in _tables_read(sql) for sql in statements)


def test_a_deactivated_user_is_signed_out_at_the_next_request(demo):
    user = demo_user(Role.COORDINATOR)
    client = signed_in(user)
    assert client.get("/").status_code == 200

    User.objects.filter(pk=user.pk).update(is_active=False)

    response = client.get("/")
    assert response.status_code == 302 and response["Location"].startswith("/account/sign-in/")


def test_a_role_taken_away_counts_from_the_next_request(demo):
    user = demo_user(Role.COORDINATOR)
    client = signed_in(user)
    assert client.get("/referrals/queue/").status_code == 200

    Membership.objects.filter(user=user, role=Role.COORDINATOR).update(active=False)

    assert client.get("/referrals/queue/").status_code == 403
    assert "Panel coordinator at" not in client.get("/").content.decode()


def test_memberships_are_listed_by_site_name_then_role(demo, other_site):
    user = demo_user(Role.COORDINATOR)
    Membership.objects.create(user=user, site=other_site, role=Role.ANALYST)
    Membership.objects.create(user=user, site=other_site, role=Role.CHAIR)
    expected = list(user.memberships.filter(active=True).select_related("site").order_by("site__name", "role"))

    assert memberships_of(User.objects.get(pk=user.pk)) == expected


def test_a_user_read_outside_a_request_is_read_alone(demo):
    user = demo_user(Role.COORDINATOR)
    found = backends.UserBackend().get_user(user.pk)
    assert found == user and not hasattr(found, backends.DEVICE_READ_ATTR)
    assert backends.UserBackend().get_user("not a number") is None


def test_the_session_store_reads_a_live_session_and_refuses_an_expired_one(db):
    store = SessionStore()
    store["colour"] = "green"
    store.save()
    assert SessionStore(store.session_key).load() == {"colour": "green"}

    Session.objects.filter(session_key=store.session_key).update(expire_date=timezone.now() - timedelta(seconds=1))

    expired = SessionStore(store.session_key)
    assert expired.load() == {} and expired.session_key is None
    assert SessionStore("no-such-session-key").load() == {}
    assert SessionStore(None).load() == {}
