"""The "forgot your password" page queues its email (accounts.tasks), as an administrator's changes do: the page
answers at once whether or not an account matched, never fails when the mail server is down, and the link is to the
service's own address, whatever host the request named. A failure is logged without the person's address.

Before, Django's form sent the email in the request: a mail server that was down gave the person an error page (Django's
form now catches it, but logs the mail server's error, which quotes the address), an account's existence could be
told from the time the page took, and the link was built from the request's Host header."""

from __future__ import annotations

import re

import pytest
from django.core import mail
from django.test import Client

from childnrm.accounts.models import Role
from childnrm.accounts.tests.test_account_emails_mail_server_down import MAIL_SERVER_DOWN
from conftest import demo_user

pytestmark = pytest.mark.django_db

RESET = "/account/password-reset/"
SENT = "/account/password-reset/sent/"


def test_when_the_mail_server_is_down_the_page_answers_the_same_and_the_log_holds_no_address(demo, settings, caplog):
    settings.EMAIL_BACKEND = MAIL_SERVER_DOWN
    person = demo_user(Role.PANEL_MEMBER)
    for email in (person.email, "nobody@childnrm.example"):
        response = Client().post(RESET, {"email": email})
        assert response.status_code == 302 and response["Location"] == SENT
    # The failure is logged for the operators by the queue, without the address the mail server's error quoted.
    assert "AccountEmailNotSent" in caplog.text
    assert person.email not in caplog.text and person.full_name not in caplog.text


def test_the_link_is_to_the_services_own_address_not_the_requests_host(demo, settings):
    settings.ALLOWED_HOSTS = ["childnrm.example.gov.uk", "other-host.example"]
    settings.SERVICE_BASE_URL = "https://childnrm.example.gov.uk"
    user = demo_user(Role.PANEL_MEMBER)
    mail.outbox.clear()
    response = Client(HTTP_HOST="other-host.example").post(RESET, {"email": user.email})
    assert response.status_code == 302
    [message] = mail.outbox
    assert message.to == [user.email]
    link = re.search(r"https?://\S+/account/password-reset/\S+", message.body).group(0)
    assert link.startswith("https://childnrm.example.gov.uk/account/password-reset/")
    assert "other-host.example" not in message.body
    # How to tell the email is genuine, as in every account email with a link.
    assert "The link must start with https://childnrm.example.gov.uk/" in message.body
