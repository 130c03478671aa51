"""Background tasks for panels: invitations to a sitting, and notice when one is cancelled.

Emails carry the meeting's date, time, place and a link only: never a child's details or the
agenda (email leaves the service's protection), and no names of other recipients. Each is in its
reader's language: their own choice, else their site's default (ADR 0023).
"""

from __future__ import annotations

from django.core.mail import EmailMessage
from django.urls import reverse
from django.utils.translation import gettext
from django_tasks import task

from childnrm.accounts.middleware import reader_language
from childnrm.accounts.models import User
from childnrm.kit import i18n, mail
from childnrm.kit.dates import long_datetime
from childnrm.kit.links import absolute_url
from childnrm.panels.models import Meeting, MeetingKind, MeetingStatus


def _when(meeting: Meeting) -> str:
    return long_datetime(meeting.starts_at, weekday=True)


def _opening(meeting: Meeting, *, changed: bool) -> str:
    # A whole sentence for each kind of sitting, so that each language can write it its own way.
    extra = meeting.kind == MeetingKind.EXTRA
    if changed:
        text = (
            gettext("The time or place of an extra sitting of %(site)s you are invited to has changed.")
            if extra
            else gettext("The time or place of a regular sitting of %(site)s you are invited to has changed.")
        )
    else:
        text = (
            gettext("You are invited to an extra sitting of %(site)s.")
            if extra
            else gettext("You are invited to a regular sitting of %(site)s.")
        )
    return text % {"site": meeting.site.display_name}


def _invitation(meeting: Meeting, user: User, *, changed: bool = False) -> EmailMessage:
    with i18n.language(reader_language(user)):
        when = _when(meeting)
        lines = [_opening(meeting, changed=changed), "", gettext("When: %(when)s") % {"when": when}]
        if meeting.location:
            lines.append(gettext("Where: %(where)s") % {"where": meeting.location})
        lines += [
            "",
            gettext("The agenda and case papers are in the service, and are open to you until the meeting closes:"),
            "",
            absolute_url(reverse("panels:meeting", args=[meeting.pk])),
            "",
            gettext("Before the meeting, read the papers and declare any conflict of interest for each case."),
            "",
            gettext("Do not reply to this email."),
        ]
        subject = (gettext("Changed: Panel meeting %(when)s") if changed else gettext("Panel meeting %(when)s")) % {
            "when": when
        }
        return EmailMessage(subject=subject, body="\n".join(lines), to=[user.email])


def _cancellation(meeting: Meeting, user: User) -> EmailMessage:
    with i18n.language(reader_language(user)):
        when = _when(meeting)
        opening = (
            gettext("The extra sitting of %(site)s on %(when)s has been cancelled.")
            if meeting.kind == MeetingKind.EXTRA
            else gettext("The regular sitting of %(site)s on %(when)s has been cancelled.")
        ) % {"site": meeting.site.display_name, "when": when}
        body = "\n\n".join(
            [opening, absolute_url(reverse("panels:my-meetings")), gettext("Do not reply to this email.")]
        )
        return EmailMessage(
            subject=gettext("Cancelled: panel meeting %(when)s") % {"when": when}, body=body, to=[user.email]
        )


def _recipients(meeting: Meeting, user_ids: list[int] | None) -> list[User]:
    """The active attendees (or just `user_ids`), one each per email address, in address order."""
    attendees = meeting.attendees.filter(user__is_active=True).select_related("user")
    if user_ids is not None:
        attendees = attendees.filter(user_id__in=user_ids)
    by_email = {attendee.user.email: attendee.user for attendee in attendees}
    return [by_email[email] for email in sorted(by_email)]


@task()
def notify_meeting_invitation(
    meeting_id: int,
    user_ids: list[int] | None = None,
    changed: bool = False,
    only: list[str] | None = None,
    attempt: int = 1,
) -> None:
    """Invite the meeting's attendees (or just `user_ids`), one email each; `changed` when the time or place moved.
    One refused stops none of the others, and only those not sent are tried again (kit.mail.send_or_retry)."""
    meeting = Meeting.objects.select_related("site").get(pk=meeting_id)
    if meeting.status == MeetingStatus.CANCELLED:  # a retry hours later: no invitation to a cancelled sitting
        return
    messages = {
        mail.user_key(user): _invitation(meeting, user, changed=changed) for user in _recipients(meeting, user_ids)
    }
    mail.send_or_retry(
        notify_meeting_invitation,
        "meeting invitation",
        messages,
        only=only,
        attempt=attempt,
        meeting_id=meeting_id,
        user_ids=user_ids,
        changed=changed,
    )


@task()
def notify_meeting_cancelled(meeting_id: int, only: list[str] | None = None, attempt: int = 1) -> None:
    meeting = Meeting.objects.select_related("site").get(pk=meeting_id)
    messages = {mail.user_key(user): _cancellation(meeting, user) for user in _recipients(meeting, None)}
    mail.send_or_retry(
        notify_meeting_cancelled, "meeting cancelled", messages, only=only, attempt=attempt, meeting_id=meeting_id
    )
