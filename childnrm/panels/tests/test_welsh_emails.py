"""Panels' emails in the reader's language (ADR 0023, issue 13): an invitation, a change and a cancellation go
in each attendee's own language, else their site's default. On a Welsh site an attendee who has not chosen reads
them in Welsh, with no English left but names; one who chose English reads them in English."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from django.core import mail
from django.core.mail import EmailMessage

from childnrm.accounts.models import Role, Site
from childnrm.core.tests.welsh import english_left
from childnrm.panels import services
from childnrm.panels.models import Meeting, MeetingKind
from childnrm.panels.tests.factories import scheduled_meeting
from conftest import demo_user

pytestmark = pytest.mark.django_db

WELSH_END = "Peidiwch ag ateb yr e-bost hwn."
ENGLISH_END = "Do not reply to this email."


def _split(meeting: Meeting, english_email: str) -> tuple[list[EmailMessage], EmailMessage]:
    """The messages sent to the meeting's attendees: those to the Welsh readers, and the one to the English one."""
    invited = set(meeting.attendees.values_list("user__email", flat=True))
    assert {m.to[0] for m in mail.outbox} == invited and all(len(m.to) == 1 for m in mail.outbox)
    [english] = [m for m in mail.outbox if m.to == [english_email]]
    welsh = [m for m in mail.outbox if m.to != [english_email]]
    assert welsh, "nobody read it in Welsh"
    return welsh, english


def _is_welsh(message: EmailMessage, names: list[str]) -> None:
    # The link is the service's address (its paths stay the same in either language), not words to read.
    text = re.sub(r"https?://\S+", " ", f"{message.subject}\n{message.body}")
    assert english_left(text, names=names) == [], message.body
    assert message.body.endswith(WELSH_END) and ENGLISH_END not in message.body


@pytest.mark.parametrize("kind", [MeetingKind.REGULAR, MeetingKind.EXTRA])
def test_invitations_changes_and_cancellations_go_in_each_readers_language(
    welsh_site: Site, kind: str, django_capture_on_commit_callbacks
):
    chair = demo_user(Role.CHAIR)
    chair.language = "en-gb"  # chose English: their choice outranks the site's Welsh
    chair.save(update_fields=["language"])
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        meeting = scheduled_meeting(welsh_site.slug, kind=kind)
    names = [welsh_site.name, meeting.location, "Ystafell 9"]
    welsh, english = _split(meeting, chair.email)
    for message in welsh:
        _is_welsh(message, names)
        assert message.subject.startswith("Cyfarfod y panel ")
        assert "Rydych wedi’ch gwahodd i eisteddiad" in message.body and "Pryd: " in message.body
    assert english.subject.startswith("Panel meeting ") and english.body.endswith(ENGLISH_END)
    assert f"You are invited to a{'n extra' if kind == MeetingKind.EXTRA else ' regular'} sitting" in english.body

    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        services.meeting_change(
            meeting=meeting,
            user=demo_user(Role.COORDINATOR),
            kind=meeting.kind,
            starts_at=meeting.starts_at + timedelta(hours=2),
            location="Ystafell 9",
            chair=meeting.chair,
        )
    welsh, english = _split(meeting, chair.email)
    for message in welsh:
        _is_welsh(message, names)
        assert message.subject.startswith("Wedi newid: cyfarfod y panel ") and "Ble: Ystafell 9" in message.body
    assert english.subject.startswith("Changed: Panel meeting ") and "Where: Ystafell 9" in english.body

    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        services.meeting_cancel(meeting=meeting, user=demo_user(Role.COORDINATOR))
    welsh, english = _split(meeting, chair.email)
    for message in welsh:
        _is_welsh(message, names)
        assert message.subject.startswith("Wedi’i ganslo: cyfarfod y panel ") and "wedi’i ganslo" in message.body
    assert english.subject.startswith("Cancelled: panel meeting ") and "has been cancelled" in english.body
