"""A signed-in session alone, perhaps a stolen one, cannot change how its owner signs in (ADR 0004, amendment 2): it
cannot put its own authenticator in place of the owner's, and new recovery codes need the password and a security
code again. The owner is emailed when new codes are made.

Before, the enrolment page let any signed-in session replace the authenticator (the owner's phone stopped working),
and "Get new recovery codes" gave a session codes of its own at one click."""

from __future__ import annotations

import re

from django.core import mail
from django.test import Client
from django_otp.plugins.otp_static.models import StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from childnrm.accounts.models import Role, User
from childnrm.accounts.services import recovery_codes_issue
from childnrm.accounts.tests.test_sign_in import SIGN_IN, current_code, password_step
from childnrm.audit.models import AuditEvent
from childnrm.people.demo import DEMO_PASSWORD
from conftest import demo_user, signed_in

ENROL = "/account/sign-in/set-up-authenticator/"
CODES = "/account/recovery-codes/"
NEW_CODES = "/account/recovery-codes/new/"


def _tokens(user: User) -> set[str]:
    return set(StaticToken.objects.filter(device__user=user).values_list("token", flat=True))


def test_a_signed_in_session_cannot_replace_the_authenticator(demo):
    user = demo_user(Role.COORDINATOR)
    owners = TOTPDevice.objects.get(user=user, confirmed=True)
    session = signed_in(user)

    response = session.get(ENROL)
    assert response.status_code == 302 and response["Location"] == "/account/"
    assert not TOTPDevice.objects.filter(user=user, confirmed=False).exists()  # no new key was made
    assert session.post(ENROL, {"code": "123456"}).status_code == 302
    assert list(TOTPDevice.objects.filter(user=user)) == [owners]
    assert password_step(Client(), user.email).status_code == 302  # and the owner still signs in with their own


def test_the_account_page_asks_for_new_codes_without_issuing_them(demo):
    user = demo_user(Role.COORDINATOR)
    old = set(recovery_codes_issue(user=user))
    session = signed_in(user)
    page = session.get("/account/").content.decode()
    assert f'href="{NEW_CODES}"' in page
    # The account page's old one-click form: nothing is issued.
    assert session.post(CODES)["Location"] == NEW_CODES
    assert _tokens(user) == old


def test_new_recovery_codes_are_refused_without_the_right_password_and_code(demo, django_capture_on_commit_callbacks):
    user = demo_user(Role.COORDINATOR)
    old = set(recovery_codes_issue(user=user))
    session = signed_in(user)
    mail.outbox.clear()

    with django_capture_on_commit_callbacks(execute=True):
        response = session.post(NEW_CODES, {"password": "not-the-password", "code": current_code(user)})
        body = response.content.decode()
        assert response.status_code == 200
        assert "There is a problem" in body and "The password is not correct" in body
        assert 'href="#id_password"' in body

        response = session.post(NEW_CODES, {"password": DEMO_PASSWORD, "code": "000000"})
        body = response.content.decode()
        assert response.status_code == 200
        assert "The security code is not correct or has expired" in body and 'href="#id_code"' in body
        assert re.search(r'name="code"[^>]*value="000000"', body)  # what was typed is kept (not the password)

        body = session.post(NEW_CODES, {}).content.decode()
    assert "Enter your password" in body and "Enter the security code" in body

    assert _tokens(user) == old  # the old codes still work
    assert mail.outbox == []
    refused = AuditEvent.objects.filter(actor=user, detail__recovery_codes="refused")
    assert sorted(e.detail["wrong"] for e in refused) == ["password", "security_code"]


def test_new_recovery_codes_for_the_password_and_a_code_and_the_owner_is_emailed(
    demo, django_capture_on_commit_callbacks
):
    user = demo_user(Role.COORDINATOR)
    old = set(recovery_codes_issue(user=user))
    session = signed_in(user)
    mail.outbox.clear()

    with django_capture_on_commit_callbacks(execute=True):  # the email is queued once the new codes are committed
        response = session.post(NEW_CODES, {"password": DEMO_PASSWORD, "code": current_code(user)})
    assert response["Location"] == CODES
    page = session.get(CODES).content.decode()
    shown = set(re.findall(r"<code>(\d{10})</code>", page))
    assert len(shown) == 10 and shown == _tokens(user) and not shown & old
    assert 'href="/account/"' in page  # "I have saved my recovery codes" goes back to the account

    [message] = mail.outbox
    assert message.to == [user.email]
    assert message.subject == "Child NRM Panels: you have new recovery codes"
    assert user.full_name not in message.subject and user.email not in message.subject
    assert "Your old recovery codes no longer work" in message.body
    assert "Tell your site administrator at once" in message.body
    assert "/account/" not in message.body  # no link: only the service's address, to type
    assert AuditEvent.objects.filter(actor=user, action="enrol_second_factor", detail__recovery_codes="renewed")


def test_wrong_answers_for_new_codes_count_towards_the_lockout(demo, settings):
    user = demo_user(Role.COORDINATOR)
    session = signed_in(user)
    for _ in range(settings.AXES_FAILURE_LIMIT):
        response = session.post(NEW_CODES, {"password": "not-the-password", "code": "123456"})
    assert response.status_code == 429 and "Your account is locked" in response.content.decode()
    assert session.get("/account/")["Location"].startswith(SIGN_IN)  # the session has ended
    assert password_step(Client(), user.email).status_code == 429


def test_the_page_and_the_email_are_in_the_users_welsh(demo, django_capture_on_commit_callbacks):
    user = demo_user(Role.COORDINATOR)
    User.objects.filter(pk=user.pk).update(language="cy")
    session = signed_in(user)
    mail.outbox.clear()
    body = session.post(NEW_CODES, {"password": "not-the-password", "code": current_code(user)}).content.decode()
    assert "Cael codau adfer newydd" in body and "Nid yw’r cyfrinair yn gywir" in body

    with django_capture_on_commit_callbacks(execute=True):
        session.post(NEW_CODES, {"password": DEMO_PASSWORD, "code": current_code(user)})
    [message] = mail.outbox
    assert message.subject == "Paneli NRM i Blant: mae gennych godau adfer newydd"
    assert "Nid yw eich hen godau adfer yn gweithio mwyach" in message.body
