"""One site's coordinator whose address the mail relay refuses ("550 user unknown") stops neither the other sites'
digests nor the chase of overdue information requests, and their address is not logged (kit.mail, ADR 0010
amendment 2).

Before, each site's digests went as one batch and the refusal's error ended the daily run: every later site's digest
and the chase were skipped, and the task queue logged the relay's error, which quotes the address."""

from __future__ import annotations

import logging

from django.core import mail
from django.utils import timezone
from django_tasks import TaskResultStatus

from childnrm.accounts.models import Organisation, Role, Site
from childnrm.dashboard.clocks import Kind
from childnrm.dashboard.models import Reminder
from childnrm.dashboard.tasks import send_daily_reminders
from childnrm.information.models import InformationChase
from conftest import demo_user

from .factories import accepted_referral, days_ago, information_request


def test_a_refused_coordinator_stops_no_other_sites_digest_nor_the_chase(
    demo, relay, caplog, django_capture_on_commit_callbacks
):
    first, second = Site.objects.filter(slug__in=["northbridge", "three-rivers"]).order_by("pk")
    late_here = accepted_referral(first.slug, submitted_on=days_ago(50))
    late_there = accepted_referral(second.slug, submitted_on=days_ago(60))
    asked = information_request(late_here, due_on=days_ago(5))
    asked.organisation = Organisation.objects.get(name="Northbridge Police")  # its people answer at Northbridge
    asked.save(update_fields=["organisation"])
    refused = demo_user(Role.COORDINATOR, first.slug).email
    relay.add(refused)
    mail.outbox.clear()
    caplog.set_level(logging.INFO)

    with django_capture_on_commit_callbacks(execute=True):
        result = send_daily_reminders.enqueue(timezone.localdate().isoformat())

    # The later site's coordinator has their digest.
    theirs = demo_user(Role.COORDINATOR, second.slug).email
    [digest] = [m for m in mail.outbox if m.to == [theirs] and m.subject.startswith("Daily reminders")]
    assert late_there.reference in digest.body
    # The chase ran after the sites: the request was chased and the people who may answer were emailed.
    chase = InformationChase.objects.get(request=asked)
    assert chase.recipients > 0
    chased = [m for m in mail.outbox if asked.reference in m.subject]
    assert len(chased) == chase.recipients
    # Nobody at the first site had an email, so its items are not claimed: a run later today sends them.
    assert not Reminder.objects.filter(kind=Kind.RG_OVERDUE, object_id=str(late_here.pk)).exists()
    # The task failed, for the operators, with its own error naming nobody; the refused address is in no log.
    assert result.status == TaskResultStatus.FAILED
    assert f"daily digest ({first.slug}): 1 of 1 email(s) not sent (SMTPRecipientsRefused 550)" in caplog.text
    assert "EmailsNotSent: daily reminders: emails not sent." in caplog.text
    assert refused not in caplog.text
