"""The password change page takes the old password from a signed-in session (perhaps a stolen one), as the
new recovery codes page does (ADR 0004 amendment 2), but its wrong answers count towards no lockout: the session can
guess the password without limit, then change it and shut the owner out. Now they count (ADR 0004 amendment 4)."""

from __future__ import annotations

from django.test import Client

from childnrm.accounts.models import Role
from childnrm.accounts.tests.test_sign_in import password_step
from childnrm.people.demo import DEMO_PASSWORD
from conftest import demo_user, signed_in

CHANGE = "/account/password/"
NEW = "a-brand-new-long-password-42"


def test_wrong_old_passwords_on_the_change_page_count_towards_the_lockout(demo, settings):
    user = demo_user(Role.COORDINATOR)
    session = signed_in(user)
    for _ in range(settings.AXES_FAILURE_LIMIT + 3):
        session.post(CHANGE, {"old_password": "a-wrong-guess", "new_password1": NEW, "new_password2": NEW})
    # As on the sign-in page and the recovery codes page, the account is locked by now.
    assert password_step(Client(), user.email).status_code == 429


def test_a_locked_account_cannot_change_its_password_from_a_session(demo, settings):
    user = demo_user(Role.COORDINATOR)
    session = signed_in(user)
    for _ in range(settings.AXES_FAILURE_LIMIT):
        password_step(Client(), user.email, "not-the-password")
    assert password_step(Client(), user.email).status_code == 429  # locked
    session.post(CHANGE, {"old_password": DEMO_PASSWORD, "new_password1": NEW, "new_password2": NEW})
    user.refresh_from_db()
    assert not user.check_password(NEW)
