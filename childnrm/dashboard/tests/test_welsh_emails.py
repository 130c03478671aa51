"""The dashboard's daily emails in the reader's language (ADR 0023, issue 13): the coordinators' digest and the
note to an owner of overdue actions go in each reader's own language, else their site's default. On a Welsh site
they read Welsh (references and names aside); once they choose English, the next day's come in English."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core import mail
from django.core.mail import EmailMessage
from django.utils import timezone

from childnrm.accounts.models import Organisation, Role, Site, User
from childnrm.core.tests.welsh import english_left
from childnrm.dashboard.reminders import daily_reminders_send
from conftest import demo_user

from .factories import accepted_referral, days_ago, information_request, plan_with_action

pytestmark = pytest.mark.django_db


def _to(user: User) -> EmailMessage:
    [message] = [m for m in mail.outbox if m.to == [user.email]]
    return message


def test_the_digest_and_the_owners_note_go_in_each_readers_language(welsh_site: Site):
    referral = accepted_referral(submitted_on=days_ago(50))
    owner = demo_user(Role.PANEL_MEMBER)
    action = plan_with_action(referral.child, due_on=days_ago(2), owner=owner)
    information_request(referral, due_on=days_ago(3))
    coordinator = demo_user(Role.COORDINATOR)
    names = [welsh_site.name, *Organisation.objects.values_list("name", flat=True)]

    mail.outbox.clear()
    daily_reminders_send(today=timezone.localdate())
    digest, note = _to(coordinator), _to(owner)
    for message in (digest, note):
        assert english_left(f"{message.subject}\n{message.body}", names=names) == [], message.body
        assert message.body.endswith("Peidiwch ag ateb yr e-bost hwn.")
    assert digest.subject.startswith("Nodiadau atgoffa dyddiol: ")
    assert "Penderfyniadau sail resymol sy’n hwyr:" in digest.body and f"achos {referral.reference}" in digest.body
    assert f"cam gweithredu {action.pk}" in digest.body and "diwrnod yn hwyr" in digest.body
    assert note.subject == "Camau gweithredu diogelu sy’n hwyr"
    assert f"cam gweithredu {action.pk} ar gyfer cofnod plentyn {referral.child.reference}" in note.body

    for reader in (coordinator, owner):
        reader.language = "en-gb"
        reader.save(update_fields=["language"])
    mail.outbox.clear()
    daily_reminders_send(today=timezone.localdate() + timedelta(days=1))
    digest, note = _to(coordinator), _to(owner)
    assert digest.subject.startswith("Daily reminders: ") and "Reasonable grounds decisions overdue:" in digest.body
    assert f"action {action.pk}" in digest.body and digest.body.endswith("Do not reply to this email.")
    assert note.subject == "Safeguarding actions overdue"
    assert f"- action {action.pk} for child record {referral.child.reference}: was due " in note.body
