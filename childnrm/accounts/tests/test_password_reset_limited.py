"""The "forgot your password" page sends an account at most 3 links an hour, and takes at most 20 requests an hour
from one client address (ADR 0004, amendment 2). Over a limit the page answers as always, so it never tells whether
an account exists, and the refusal is logged without the address typed or the client's.

Before, anyone could have the service send an account any number of reset emails."""

from __future__ import annotations

from django.core import mail
from django.test import Client

from childnrm.accounts.models import Role
from conftest import demo_user

RESET = "/account/password-reset/"
SENT = "/account/password-reset/sent/"
PER_ACCOUNT, PER_CLIENT = 3, 20  # an hour (ADR 0004, amendment 2; accounts.ratelimit)


def _ask(email: str, client_address: str) -> None:
    response = Client(REMOTE_ADDR=client_address).post(RESET, {"email": email})
    assert response.status_code == 302 and response["Location"] == SENT  # the same answer, limited or not


def test_an_account_gets_three_links_an_hour_whoever_asks(demo, caplog):
    user = demo_user(Role.CHAIR)
    mail.outbox.clear()
    for attempt in range(10):
        _ask(user.email.upper() if attempt % 2 else user.email, "198.51.100.7")
    _ask(user.email, "203.0.113.9")  # another client: still the same account's limit
    assert len([m for m in mail.outbox if m.to == [user.email]]) == PER_ACCOUNT

    refusals = [r for r in caplog.records if r.getMessage().startswith("Password reset not sent")]
    assert len(refusals) == 8
    logged = caplog.text.lower()
    assert user.email not in logged and "198.51.100.7" not in logged and "203.0.113.9" not in logged


def test_one_client_address_is_limited_across_accounts(demo, caplog):
    user = demo_user(Role.CHAIR)
    mail.outbox.clear()
    for n in range(PER_CLIENT):
        _ask(f"someone.{n}@childnrm.example", "198.51.100.7")
    _ask(user.email, "198.51.100.7")
    assert mail.outbox == []
    assert "198.51.100.7" not in caplog.text and user.email not in caplog.text.lower()

    _ask(user.email, "203.0.113.9")  # the same account, asked for from elsewhere
    assert [m.to for m in mail.outbox] == [[user.email]]
