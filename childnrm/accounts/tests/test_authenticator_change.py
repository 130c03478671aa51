"""A signed-in user changes their own authenticator app (ADR 0004, amendment 3): a new phone, or a lost one after
signing in with a recovery code. Both factors first (as for new recovery codes); the proof holds in this session only,
for 10 minutes and one change; the old app keeps working until a code from the new one is given; then the old app and
the old recovery codes stop working, new codes are shown once, the owner is emailed and the change is audited.

Before, only a site administrator's reset let such a user set up a new app."""

from __future__ import annotations

import logging
import re
import time
from base64 import b32decode
from types import SimpleNamespace
from urllib.parse import urlsplit

import pytest
from django.core import mail
from django.test import Client
from django_otp.oath import totp
from django_otp.plugins.otp_static.models import StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from childnrm.accounts import views
from childnrm.accounts.models import Role, User
from childnrm.accounts.services import recovery_codes_issue
from childnrm.accounts.tests.test_sign_in import CODE, SIGN_IN, current_code, password_step
from childnrm.audit.models import AuditEvent
from childnrm.people.demo import DEMO_PASSWORD
from conftest import demo_user, signed_in

CHANGE = "/account/authenticator/"
SET_UP = "/account/authenticator/set-up/"
CODES = "/account/recovery-codes/"


def _code_of(key: bytes, drift: int = 0) -> str:
    return f"{totp(key, drift=drift):06d}"


def _key_on(page: str) -> bytes:
    """The setup key as the page shows it, in groups of four."""
    [shown] = re.findall(r'data-testid="totp-secret">([A-Z2-7 ]+)<', page)
    return b32decode(shown.replace(" ", ""))


def _tokens(user: User) -> set[str]:
    return set(StaticToken.objects.filter(device__user=user).values_list("token", flat=True))


def _proven(session: Client, user: User, code: str | None = None):
    return session.post(CHANGE, {"password": DEMO_PASSWORD, "code": code or current_code(user)})


def _sign_in_with(code: str, user: User) -> Client:
    client = Client()
    assert password_step(client, user.email)["Location"] == CODE
    client.post(CODE, {"code": code})
    return client


def _verified(client: Client) -> bool:
    return client.get("/account/").status_code == 200


def _signed_out(client: Client) -> bool:
    """Sent to the first step of signing in (the password), not only asked for a security code again."""
    response = client.get("/account/")
    return response.status_code == 302 and urlsplit(response["Location"]).path == SIGN_IN


def test_the_user_changes_their_app_and_gets_new_recovery_codes(demo, django_capture_on_commit_callbacks, caplog):
    user = demo_user(Role.COORDINATOR)
    old_device = TOTPDevice.objects.get(user=user, confirmed=True)
    old_codes = set(recovery_codes_issue(user=user))
    session = signed_in(user)
    assert f'href="{CHANGE}"' in session.get("/account/").content.decode()
    mail.outbox.clear()

    assert _proven(session, user)["Location"] == SET_UP
    page = session.get(SET_UP).content.decode()
    assert "Set up your new authenticator app" in page and "<svg" in page
    key = _key_on(page)
    assert key != old_device.bin_key

    with caplog.at_level(logging.DEBUG), django_capture_on_commit_callbacks(execute=True):
        response = session.post(SET_UP, {"code": _code_of(key)})
    assert response["Location"] == CODES
    page = session.get(CODES).content.decode()
    assert "Your authenticator app has been changed" in page
    shown = set(re.findall(r"<code>(\d{10})</code>", page))
    assert len(shown) == 10 and shown == _tokens(user) and not shown & old_codes  # the old ones no longer work
    assert 'href="/account/"' in page

    # One app: the new one. The session stays signed in, verified by it.
    [device] = TOTPDevice.objects.filter(user=user)
    assert device.confirmed and device.bin_key == key
    assert not TOTPDevice.objects.filter(pk=old_device.pk).exists()
    assert _verified(session)

    [message] = mail.outbox
    assert message.to == [user.email]
    assert message.subject == "Child NRM Panels: your authenticator app has been changed"
    assert "Security codes from your old app no longer work, and nor do your old recovery codes" in message.body
    assert "Tell your site administrator at once" in message.body and "/account/" not in message.body
    assert not [r for r in caplog.records if user.email in r.getMessage()]  # no address in the logs
    assert AuditEvent.objects.filter(
        actor=user, action="enrol_second_factor", detail__authenticator="changed", object_id=str(user.pk)
    ).exists()


def test_after_the_change_only_the_new_app_and_the_new_codes_sign_in(demo, django_capture_on_commit_callbacks):
    user = demo_user(Role.COORDINATOR)
    old_key = TOTPDevice.objects.get(user=user, confirmed=True).bin_key
    old_codes = recovery_codes_issue(user=user)
    other_session = signed_in(user)  # verified by the old app, elsewhere
    session = signed_in(user)
    _proven(session, user)
    key = _key_on(session.get(SET_UP).content.decode())
    with django_capture_on_commit_callbacks(execute=True):
        session.post(SET_UP, {"code": _code_of(key)})
    new_codes = re.findall(r"<code>(\d{10})</code>", session.get(CODES).content.decode())

    # (In this order: a code that is not a device's holds back that device's next try a moment, django-otp's
    # throttling.)
    assert _verified(_sign_in_with(_code_of(key, drift=1), user))
    assert _verified(_sign_in_with(new_codes[0], user))
    assert not _verified(_sign_in_with(_code_of(old_key, drift=1), user))
    assert not _verified(_sign_in_with(old_codes[0], user))
    assert _signed_out(other_session)  # signed out by the change


def test_the_change_signs_out_every_other_session_even_one_signed_in_with_a_recovery_code(
    demo, django_capture_on_commit_callbacks
):
    """Whoever holds another session (one signed in with a recovery code, say, by someone who took the old phone or
    a code) is signed out by the change, as by a password change: a recovery code session stayed signed in. The
    session that made the change stays signed in."""
    user = demo_user(Role.COORDINATOR)
    codes = recovery_codes_issue(user=user)
    with_recovery_code = _sign_in_with(codes[0], user)
    with_old_app = signed_in(user)
    assert _verified(with_recovery_code) and _verified(with_old_app)

    session = signed_in(user)
    # (A recovery code: the one signed in with was first tried against the app, which holds back its next code.)
    _proven(session, user, codes[1])
    key = _key_on(session.get(SET_UP).content.decode())
    with django_capture_on_commit_callbacks(execute=True):
        assert session.post(SET_UP, {"code": _code_of(key)})["Location"] == CODES

    for other in (with_recovery_code, with_old_app):
        assert _signed_out(other)
    assert _verified(session)


def test_a_wrong_password_or_code_is_refused_and_changes_nothing(demo, django_capture_on_commit_callbacks):
    user = demo_user(Role.COORDINATOR)
    old_device = TOTPDevice.objects.get(user=user, confirmed=True)
    session = signed_in(user)
    mail.outbox.clear()

    with django_capture_on_commit_callbacks(execute=True):
        body = session.post(CHANGE, {"password": "not-the-password", "code": current_code(user)}).content.decode()
        assert "There is a problem" in body and "The password is not correct" in body
        assert 'href="#id_password"' in body and "<title>Error:" in body

        body = session.post(CHANGE, {"password": DEMO_PASSWORD, "code": "000000"}).content.decode()
        assert "The security code is not correct or has expired" in body and 'href="#id_code"' in body

        body = session.post(CHANGE, {}).content.decode()
        assert "Enter your password" in body and "Enter the security code" in body

    # No proof: the set-up page sends the user back, and no new app is made.
    response = session.get(SET_UP)
    assert response["Location"] == CHANGE
    assert "enter your password and a security code again" in session.get(CHANGE).content.decode()
    assert list(TOTPDevice.objects.filter(user=user)) == [old_device]
    assert mail.outbox == []
    refused = AuditEvent.objects.filter(actor=user, detail__authenticator="refused")
    assert sorted(e.detail["wrong"] for e in refused) == ["password", "security_code"]


def test_wrong_answers_count_towards_the_lockout(demo, settings):
    user = demo_user(Role.COORDINATOR)
    session = signed_in(user)
    for _ in range(settings.AXES_FAILURE_LIMIT):
        response = session.post(CHANGE, {"password": "not-the-password", "code": "123456"})
    assert response.status_code == 429 and "Your account is locked" in response.content.decode()
    assert session.get("/account/")["Location"].startswith(SIGN_IN)  # the session has ended
    assert password_step(Client(), user.email).status_code == 429


def test_a_recovery_code_proves_it_and_is_used_up(demo):
    """The lost phone: the user signed in with a recovery code and proves the change with another."""
    user = demo_user(Role.COORDINATOR)
    codes = recovery_codes_issue(user=user)
    session = signed_in(user)
    assert _proven(session, user, code=codes[0])["Location"] == SET_UP
    assert codes[0] not in _tokens(user)
    assert "Set up your new authenticator app" in session.get(SET_UP).content.decode()


def test_the_proof_lapses_after_10_minutes(demo, monkeypatch):
    user = demo_user(Role.COORDINATOR)
    old_device = TOTPDevice.objects.get(user=user, confirmed=True)
    session = signed_in(user)
    _proven(session, user)
    key = _key_on(session.get(SET_UP).content.decode())

    later = time.time() + 10 * 60 + 1
    monkeypatch.setattr(views, "time", SimpleNamespace(time=lambda: later))  # the view's clock only
    response = session.post(SET_UP, {"code": _code_of(key)})
    assert response["Location"] == CHANGE
    assert TOTPDevice.objects.get(user=user, confirmed=True) == old_device  # the old app still works
    assert session.get(SET_UP)["Location"] == CHANGE  # and the proof is gone


def test_the_proof_holds_for_one_change_in_its_own_session(demo, django_capture_on_commit_callbacks):
    user = demo_user(Role.COORDINATOR)
    session = signed_in(user)
    _proven(session, user)
    assert signed_in(user).get(SET_UP)["Location"] == CHANGE  # another session of the same user has no proof

    key = _key_on(session.get(SET_UP).content.decode())
    with django_capture_on_commit_callbacks(execute=True):
        assert session.post(SET_UP, {"code": _code_of(key)})["Location"] == CODES
    device = TOTPDevice.objects.get(user=user, confirmed=True)
    assert session.get(SET_UP)["Location"] == CHANGE  # used
    assert session.post(SET_UP, {"code": _code_of(key, drift=1)})["Location"] == CHANGE
    assert list(TOTPDevice.objects.filter(user=user)) == [device]


def test_leaving_half_way_keeps_the_old_app(demo):
    user = demo_user(Role.COORDINATOR)
    old_device = TOTPDevice.objects.get(user=user, confirmed=True)
    session = signed_in(user)
    _proven(session, user)
    page = session.get(SET_UP).content.decode()
    body = session.post(SET_UP, {"code": "000000"}).content.decode()
    assert "There is a problem" in body and "The code is not correct" in body and 'href="#id_code"' in body
    assert _key_on(body) == _key_on(page)  # the same new app, to try again

    assert TOTPDevice.objects.get(user=user, confirmed=True) == old_device
    assert _verified(session)
    assert _verified(_sign_in_with(_code_of(old_device.bin_key, drift=1), user))


@pytest.mark.parametrize("path", [CHANGE, SET_UP])
def test_a_session_with_only_the_password_cannot_reach_it(demo, path):
    user = demo_user(Role.COORDINATOR)
    half = Client()
    password_step(half, user.email)
    assert half.get(path)["Location"] == CODE
    assert half.post(path, {"password": DEMO_PASSWORD, "code": current_code(user)})["Location"] == CODE
    assert not TOTPDevice.objects.filter(user=user, confirmed=False).exists()


def test_the_pages_and_the_email_are_in_the_users_welsh(demo, django_capture_on_commit_callbacks):
    user = demo_user(Role.COORDINATOR)
    User.objects.filter(pk=user.pk).update(language="cy")
    session = signed_in(user)
    assert "Newid eich ap dilysu" in session.get(CHANGE).content.decode()
    _proven(session, user)
    page = session.get(SET_UP).content.decode()
    assert "Gosod eich ap dilysu newydd" in page and "o fewn 10 munud" in page
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        session.post(SET_UP, {"code": _code_of(_key_on(page))})
    [message] = mail.outbox
    assert message.subject == "Paneli NRM i Blant: mae eich ap dilysu wedi cael ei newid"
    assert "Nid yw codau diogelwch o’ch hen ap yn gweithio mwyach" in message.body
