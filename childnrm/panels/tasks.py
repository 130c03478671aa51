"""Background tasks for panels: invitations to a sitting, and notice when one is cancelled.

Emails carry the meeting's date, time, place and a link only: never a child's details or the
agenda (email leaves the service's protection), and no names of other recipients.
"""

from __future__ import annotations

from django.core.mail import EmailMessage, get_connection
from django.urls import reverse
from django_tasks import task

from childnrm.kit.dates import long_datetime
from childnrm.kit.links import absolute_url
from childnrm.panels.models import Meeting


def _when(meeting: Meeting) -> str:
    return long_datetime(meeting.starts_at, weekday=True)


def _invitation(meeting: Meeting, email: str, *, changed: bool = False) -> EmailMessage:
    where = f"\nWhere: {meeting.location}" if meeting.location else ""
    opening = (
        f"The time or place of a {meeting.get_kind_display().lower()} of {meeting.site.name} you are invited to "
        "has changed."
        if changed
        else f"You are invited to a {meeting.get_kind_display().lower()} of {meeting.site.name}."
    )
    return EmailMessage(
        subject=f"{'Changed: ' if changed else ''}Panel meeting {_when(meeting)}",
        body=(
            f"{opening}\n\n"
            f"When: {_when(meeting)}{where}\n\n"
            "The agenda and case papers are in the service, and are open to you until the meeting closes:\n\n"
            f"{absolute_url(reverse('panels:meeting', args=[meeting.pk]))}\n\n"
            "Before the meeting, read the papers and declare any conflict of interest for each case.\n\n"
            "Do not reply to this email."
        ),
        to=[email],
    )


def _cancellation(meeting: Meeting, email: str) -> EmailMessage:
    return EmailMessage(
        subject=f"Cancelled: panel meeting {_when(meeting)}",
        body=(
            f"The {meeting.get_kind_display().lower()} of {meeting.site.name} on {_when(meeting)} has been "
            f"cancelled.\n\n{absolute_url(reverse('panels:my-meetings'))}\n\nDo not reply to this email."
        ),
        to=[email],
    )


def _emails(meeting: Meeting, user_ids: list[int] | None) -> list[str]:
    attendees = meeting.attendees.filter(user__is_active=True)
    if user_ids is not None:
        attendees = attendees.filter(user_id__in=user_ids)
    return sorted(set(attendees.values_list("user__email", flat=True)))


@task()
def notify_meeting_invitation(meeting_id: int, user_ids: list[int] | None = None, changed: bool = False) -> None:
    """Invite the meeting's attendees (or just `user_ids`), one email each; `changed` when the time or place moved."""
    meeting = Meeting.objects.select_related("site").get(pk=meeting_id)
    messages = [_invitation(meeting, email, changed=changed) for email in _emails(meeting, user_ids)]
    if messages:
        get_connection().send_messages(messages)


@task()
def notify_meeting_cancelled(meeting_id: int) -> None:
    meeting = Meeting.objects.select_related("site").get(pk=meeting_id)
    messages = [_cancellation(meeting, email) for email in _emails(meeting, None)]
    if messages:
        get_connection().send_messages(messages)
