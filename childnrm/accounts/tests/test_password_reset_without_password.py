"""The reset page sends a new link to accounts without a usable password: an invited user whose first link expired,
and a user whose second factor an administrator reset. It answers the same for every address (no enumeration), and
sends nothing to an unknown or deactivated account."""

from __future__ import annotations

import re

import pytest
from django.core import mail
from django.test import Client

from childnrm.accounts.models import Role, Site, User
from childnrm.accounts.services import second_factor_reset, site_user_add
from childnrm.audit.context import AuditContext
from conftest import demo_user

pytestmark = pytest.mark.django_db

RESET = "/account/password-reset/"
SENT = "/account/password-reset/sent/"
NEW_PASSWORD = "correct horse battery 42"


def ask_for_a_link(email: str) -> list:
    mail.outbox.clear()
    response = Client().post(RESET, {"email": email})
    assert response.status_code == 302 and response["Location"] == SENT
    return list(mail.outbox)


def choose_password(message) -> None:
    link = re.search(r"https?://[^/]+(/account/password-reset/\S+)", message.body).group(1)
    client = Client()
    form_url = client.get(link)["Location"]
    response = client.post(form_url, {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD})
    assert response["Location"] == "/account/password-reset/complete/"


def test_an_invited_user_whose_link_expired_gets_a_new_one(demo):
    user, created = site_user_add(
        site=Site.objects.get(slug="northbridge"),
        email="new.person@childnrm.example",
        full_name="New Person",
        organisation=demo_user(Role.FIRST_RESPONDER).organisation,
        job_title="",
        roles=[Role.FIRST_RESPONDER],
        by=demo_user(Role.SITE_ADMIN),
        audit=AuditContext(),
    )
    assert created and not user.has_usable_password()
    sent = ask_for_a_link("New.Person@childnrm.example")
    assert [m.to for m in sent] == [[user.email]]
    choose_password(sent[0])
    assert User.objects.get(pk=user.pk).check_password(NEW_PASSWORD)


def test_a_user_whose_second_factor_was_reset_gets_a_new_link(demo):
    user = demo_user(Role.PANEL_MEMBER)
    second_factor_reset(user=user, by=demo_user(Role.SITE_ADMIN), audit=AuditContext())
    assert not User.objects.get(pk=user.pk).has_usable_password()
    sent = ask_for_a_link(user.email)
    assert [m.to for m in sent] == [[user.email]]


def test_nothing_for_an_unknown_or_deactivated_account_and_the_same_answer(demo):
    assert ask_for_a_link("nobody@childnrm.example") == []
    user = demo_user(Role.ADVISER)
    user.set_unusable_password()
    user.is_active = False
    user.save()
    assert ask_for_a_link(user.email) == []
