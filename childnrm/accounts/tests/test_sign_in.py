"""Signing in with a password and a second factor; bad input never causes a 500."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from django.contrib.sessions.models import Session
from django.core import mail
from django.test import Client
from django.utils import timezone
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from childnrm.accounts.models import Role, User
from childnrm.audit.models import AuditEvent
from childnrm.people.demo import DEMO_PASSWORD, demo_email
from conftest import demo_user

SIGN_IN = "/account/sign-in/"
CODE = "/account/sign-in/security-code/"


def current_code(user: User) -> str:
    device = TOTPDevice.objects.get(user=user, confirmed=True)
    return f"{totp(device.bin_key, step=device.step, t0=device.t0, digits=device.digits, drift=0):06d}"


def password_step(client: Client, email: str, password: str = DEMO_PASSWORD):
    return client.post(SIGN_IN, {"email": email, "password": password})


@pytest.mark.parametrize("role", list(Role))
def test_every_demo_role_signs_in_with_both_factors(demo, role):
    user = demo_user(role)
    client = Client()
    response = password_step(client, user.email)
    assert response.status_code == 302 and response["Location"] == CODE
    # Password alone reaches nothing.
    assert client.get("/")["Location"] == CODE
    response = client.post(CODE, {"code": current_code(user)})
    assert response.status_code == 302 and response["Location"] == "/"
    home = client.get("/")
    assert home.status_code == 200
    assert user.full_name in home.content.decode()
    assert AuditEvent.objects.filter(actor=user, action="sign_in").exists()


def test_wrong_password_shows_error_summary_and_is_audited_without_personal_data(demo):
    response = password_step(Client(), demo_email(Role.COORDINATOR, "northbridge"), "wrong-password")
    body = response.content.decode()
    assert response.status_code == 200
    assert "There is a problem" in body and "Enter a correct email address and password" in body
    assert "<title>Error:" in body
    event = AuditEvent.objects.filter(action="sign_in_failed").latest("seq")
    assert "coordinator" not in str(event.detail)


def test_empty_sign_in_names_each_missing_field(demo):
    body = Client().post(SIGN_IN, {}).content.decode()
    assert 'href="#id_email"' in body and "Enter your email address" in body
    assert "Enter your password" in body


def test_wrong_code_is_refused_with_an_inline_error(demo):
    client = Client()
    password_step(client, demo_email(Role.CHAIR, "northbridge"))
    response = client.post(CODE, {"code": "000000"})
    assert response.status_code == 200
    assert "The security code is not correct" in response.content.decode()
    response = client.post(CODE, {"code": "12ab"})
    assert "using numbers only" in response.content.decode()
    assert client.get("/")["Location"] == CODE


def test_recovery_code_works_once(demo):
    from childnrm.accounts.services import recovery_codes_issue

    user = demo_user(Role.ICTG)
    codes = recovery_codes_issue(user=user)
    client = Client()
    password_step(client, user.email)
    assert client.post(CODE, {"code": codes[0]})["Location"] == "/"
    again = Client()
    password_step(again, user.email)
    assert again.post(CODE, {"code": codes[0]}).status_code == 200  # used up


def test_repeated_wrong_passwords_lock_the_account(demo, settings):
    email = demo_email(Role.ANALYST, "northbridge")
    client = Client()
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        assert password_step(client, email, "nope").status_code == 200
    response = password_step(client, email, "nope")
    assert response.status_code == 429
    assert "Your account is locked" in response.content.decode()
    # Even the right password is refused while locked.
    assert password_step(Client(), email).status_code == 429


def test_repeated_wrong_codes_lock_the_account_and_end_the_sign_in(demo, settings):
    client = Client()
    password_step(client, demo_email(Role.ADVISER, "northbridge"))
    for _ in range(settings.AXES_FAILURE_LIMIT):
        response = client.post(CODE, {"code": "111111"})
    assert response.status_code == 429
    assert client.get(CODE)["Location"].startswith(SIGN_IN)  # no longer half signed in
    assert password_step(Client(), demo_email(Role.ADVISER, "northbridge")).status_code == 429


def test_new_user_must_enrol_an_authenticator(demo):
    from base64 import b32decode

    user = User.objects.create_user("new.worker@childnrm.example", "a-long-new-password", full_name="New Worker")
    client = Client()
    response = password_step(client, user.email, "a-long-new-password")
    assert response["Location"] == "/account/sign-in/set-up-authenticator/"
    page = client.get(response["Location"]).content.decode()
    assert "<svg" in page  # the QR code, drawn inline (no external service)
    secret = re.search(r'data-testid="totp-secret">([A-Z2-7 ]+)<', page).group(1).replace(" ", "")
    code = f"{totp(b32decode(secret), step=30, t0=0, digits=6, drift=0):06d}"
    response = client.post("/account/sign-in/set-up-authenticator/", {"code": code})
    assert response["Location"] == "/account/recovery-codes/"
    codes_page = client.get("/account/recovery-codes/").content.decode()
    assert len(re.findall(r"<code>\d{10}</code>", codes_page)) == 10
    assert client.get("/account/recovery-codes/").status_code == 302  # shown once
    assert client.get("/").status_code == 200


def test_session_ends_after_inactivity(demo):
    client = Client()
    user = demo_user(Role.COORDINATOR)
    password_step(client, user.email)
    client.post(CODE, {"code": current_code(user)})
    assert client.get("/").status_code == 200
    Session.objects.all().update(expire_date=timezone.now() - timedelta(seconds=1))
    response = client.get("/children/")
    assert response.status_code == 302 and response["Location"].startswith(SIGN_IN)


def test_a_request_renews_the_idle_clock_at_most_once_a_minute_and_a_sign_out_ends_the_session(demo):
    from childnrm.core.middleware import SessionRenewalMiddleware

    client = Client()
    user = demo_user(Role.COORDINATOR)
    password_step(client, user.email)
    client.post(CODE, {"code": current_code(user)})
    key = client.cookies["sessionid"].value
    soon = timezone.now() + timedelta(minutes=5)
    Session.objects.filter(session_key=key).update(expire_date=soon)
    assert client.get("/").status_code == 200
    assert Session.objects.get(session_key=key).expire_date == soon  # renewed under a minute ago: no write

    # A minute after the last renewal, a request renews the clock for the whole idle time again.
    session = client.session
    session[SessionRenewalMiddleware.KEY] -= 61
    session.save()
    Session.objects.filter(session_key=key).update(expire_date=soon)
    assert client.get("/").status_code == 200
    assert Session.objects.get(session_key=key).expire_date > timezone.now() + timedelta(minutes=29)

    client.post("/account/sign-out/")
    assert not Session.objects.filter(session_key=key).exists()
    assert client.get("/children/").status_code == 302


def test_forged_csrf_gets_a_clear_refusal(demo):
    client = Client(enforce_csrf_checks=True)
    response = password_step(client, demo_email(Role.COORDINATOR, "northbridge"))
    assert response.status_code == 403
    assert "Your form could not be sent" in response.content.decode()


def test_oversized_and_malformed_requests_get_a_400_page(demo):
    client = Client()
    big = client.post(SIGN_IN, {"email": "a@b.c", "password": "x" * (3 * 1024 * 1024)})
    assert big.status_code == 400
    assert "There is a problem with your request" in big.content.decode()
    many = client.post(SIGN_IN, {f"f{i}": "x" for i in range(1000)})
    assert many.status_code == 400
    broken = client.generic("POST", SIGN_IN, b"--x\r\nbroken", content_type="multipart/form-data; boundary=x")
    assert broken.status_code in (200, 400)
    long_email = password_step(client, "a" * 300 + "@example.org")
    assert long_email.status_code == 200 and "There is a problem" in long_email.content.decode()


def test_open_redirects_are_refused(demo):
    client = Client()
    user = demo_user(Role.COORDINATOR)
    client.post(SIGN_IN + "?next=https://evil.example/", {"email": user.email, "password": DEMO_PASSWORD})
    assert client.post(CODE, {"code": current_code(user)})["Location"] == "/"


def test_password_reset_by_email(demo):
    user = demo_user(Role.PANEL_MEMBER)
    response = Client().post("/account/password-reset/", {"email": user.email})
    assert response["Location"] == "/account/password-reset/sent/"
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert user.email not in message.subject and user.full_name not in message.subject
    link = re.search(r"https?://[^/]+(/account/password-reset/\S+)", message.body).group(1)
    client = Client()
    form_url = client.get(link)["Location"]
    response = client.post(
        form_url, {"new_password1": "correct horse battery 42", "new_password2": "correct horse battery 42"}
    )
    assert response["Location"] == "/account/password-reset/complete/"
    assert password_step(Client(), user.email, "correct horse battery 42")["Location"] == CODE


def test_unknown_email_reset_says_the_same_and_sends_nothing(demo):
    response = Client().post("/account/password-reset/", {"email": "nobody@childnrm.example"})
    assert response["Location"] == "/account/password-reset/sent/"
    assert mail.outbox == []


def test_wrong_codes_count_towards_lockout_across_password_attempts(demo, settings):
    """Regression (issue 14, item 7): each correct password reset the failure count, so wrong codes
    could be tried without end by signing in again."""
    user = demo_user(Role.ADVISER)
    wrong = 0
    while wrong < settings.AXES_FAILURE_LIMIT:
        client = Client()
        response = password_step(client, user.email)
        assert response.status_code == 302 and response["Location"] == CODE
        for _ in range(2):
            response = client.post(CODE, {"code": "111111"})
            wrong += 1
            if wrong == settings.AXES_FAILURE_LIMIT:
                break
    assert response.status_code == 429
    # Locked: the right password and the right code no longer help.
    assert password_step(Client(), user.email).status_code == 429


def test_signing_in_fully_forgives_earlier_failures(demo, settings):
    user = demo_user(Role.ADVISER)
    client = Client()
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        password_step(client, user.email, "nope")
    password_step(client, user.email)
    assert client.post(CODE, {"code": current_code(user)})["Location"] == "/"
    # A fresh run of failures starts from nothing.
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        assert password_step(Client(), user.email, "nope").status_code == 200


def test_session_key_changes_when_the_second_factor_is_verified(demo):
    """Regression (issue 14, item 7): the key of the password-only session stayed valid after the code."""
    user = demo_user(Role.COORDINATOR)
    client = Client()
    password_step(client, user.email)
    half_signed_in = client.cookies["sessionid"].value
    assert client.post(CODE, {"code": current_code(user)})["Location"] == "/"
    assert client.cookies["sessionid"].value != half_signed_in
    # The old key no longer reaches anything.
    stolen = Client()
    stolen.cookies["sessionid"] = half_signed_in
    assert stolen.get("/")["Location"].startswith(SIGN_IN)


def test_a_bad_host_header_gets_the_400_page(demo):
    """Regression (issue 14, item 7): the 400 page's navigation read request.user, so every path was a 500."""
    client = Client(raise_request_exception=False)
    for path in ("/", "/account/sign-in/", "/children/", "/no-such-page/"):
        response = client.get(path, HTTP_HOST="evil.example")
        assert response.status_code == 400, path
        body = response.content.decode()
        assert "There is a problem with your request" in body and "Child NRM Panels" in body
