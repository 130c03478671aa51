"""A panel member's address the mail relay refuses stops none of the other invitations to a sitting, and is not
logged (kit.mail, ADR 0010 amendment 2). Before, the invitations went as one batch: a refusal ended it, and the task
queue logged the relay's error, which quotes the address."""

from __future__ import annotations

import logging

import pytest
from django.core import mail

from childnrm.panels.models import Meeting
from childnrm.panels.tasks import notify_meeting_invitation
from childnrm.panels.tests.factories import meeting_in_session

pytestmark = pytest.mark.django_db


def test_a_refused_address_stops_none_of_the_other_invitations_and_is_not_logged(demo, relay, caplog):
    meeting: Meeting = meeting_in_session("northbridge")
    addresses = sorted(meeting.attendees.filter(user__is_active=True).values_list("user__email", flat=True))
    assert len(addresses) >= 3
    refused = addresses[0]
    relay.add(refused)
    mail.outbox.clear()
    caplog.set_level(logging.INFO)

    notify_meeting_invitation.enqueue(meeting.pk)

    assert sorted(a for m in mail.outbox for a in m.to) == addresses[1:]
    assert "EmailsNotSent: meeting invitation: 1 of" in caplog.text
    assert refused not in caplog.text
