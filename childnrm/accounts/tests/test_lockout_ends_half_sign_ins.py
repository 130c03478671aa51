"""A locked account cannot finish signing in from a session whose password was accepted before the lockout (ADR 0004,
amendment 2). Axes checks the lockout when a password is tried; the code and enrolment steps check it too.

Before, someone holding the password opened several half-signed-in sessions, locked the account with wrong codes in
one, and signed in with a right code in another, which also forgave the failures."""

from __future__ import annotations

from datetime import timedelta

from django.test import Client
from django.utils import timezone
from django_otp.oath import totp
from django_otp.plugins.otp_static.models import StaticDevice
from django_otp.plugins.otp_totp.models import TOTPDevice

from childnrm.accounts.models import Role, User
from childnrm.accounts.tests.test_sign_in import CODE, SIGN_IN, current_code, password_step
from childnrm.audit.models import AuditEvent
from conftest import demo_user

ENROL = "/account/sign-in/set-up-authenticator/"


def _django_otp_wait_is_over(user: User) -> None:
    """As once django-otp's own pause after wrong codes (2**(n-1) seconds) has passed, still well within the hour."""
    a_minute_ago = timezone.now() - timedelta(minutes=1)
    for model in (TOTPDevice, StaticDevice):
        model.objects.filter(user=user).update(throttling_failure_timestamp=a_minute_ago)


def _signed_in(client: Client) -> bool:
    return client.get("/").status_code == 200


def test_a_half_sign_in_begun_before_the_lockout_cannot_finish_it(demo, settings):
    user = demo_user(Role.ADVISER)
    first, second = Client(), Client()
    for client in (first, second):
        assert password_step(client, user.email)["Location"] == CODE
    for _ in range(settings.AXES_FAILURE_LIMIT):
        response = first.post(CODE, {"code": "111111"})
    assert response.status_code == 429
    _django_otp_wait_is_over(user)

    response = second.post(CODE, {"code": current_code(user)})
    assert response.status_code == 429
    assert "Your account is locked" in response.content.decode()
    assert not _signed_in(second)
    assert second.get(CODE)["Location"].startswith(SIGN_IN)  # the half sign-in has ended
    assert not AuditEvent.objects.filter(actor=user, action="sign_in").exists()
    # The lockout still holds: the right code did not forgive the failures.
    assert password_step(Client(), user.email).status_code == 429


def test_the_code_page_of_an_account_locked_by_wrong_passwords_ends_the_half_sign_in(demo, settings):
    user = demo_user(Role.COORDINATOR)
    earlier = Client()
    assert password_step(earlier, user.email)["Location"] == CODE
    for _ in range(settings.AXES_FAILURE_LIMIT):
        password_step(Client(), user.email, "not-the-password")

    page = earlier.get(CODE)
    assert page.status_code == 429 and "Your account is locked" in page.content.decode()
    assert AuditEvent.objects.filter(action="locked_out").exists()
    assert earlier.get(CODE)["Location"].startswith(SIGN_IN)
    assert earlier.post(CODE, {"code": current_code(user)})["Location"].startswith(SIGN_IN)
    assert not _signed_in(earlier)


def test_a_locked_account_cannot_finish_setting_up_its_authenticator(demo, settings):
    user = User.objects.create_user("new.worker@childnrm.example", "a-long-new-password", full_name="New Worker")
    earlier = Client()
    assert password_step(earlier, user.email, "a-long-new-password")["Location"] == ENROL
    assert earlier.get(ENROL).status_code == 200
    device = TOTPDevice.objects.get(user=user, confirmed=False)
    for _ in range(settings.AXES_FAILURE_LIMIT):
        password_step(Client(), user.email, "not-the-password")

    code = f"{totp(device.bin_key, step=device.step, t0=device.t0, digits=device.digits, drift=0):06d}"
    response = earlier.post(ENROL, {"code": code})
    assert response.status_code == 429
    assert not TOTPDevice.objects.filter(user=user, confirmed=True).exists()
    assert not _signed_in(earlier)
