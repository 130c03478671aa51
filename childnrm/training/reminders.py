"""The daily self-assessment reminders (run by the dashboard's daily task).

The day after a session, everyone on it who is not recorded as absent is asked for their self-assessment "just
after" (open for two weeks from the session); once the three-month one opens, they are asked for that.
Each reminder is claimed on the place (a conditional update of its reminder date) in the transaction that sends
the email, so a second run the same day sends nothing twice and a failed send claims nothing. One email per
person, with links only, in their language (their own choice, else their site's default; ADR 0023).
"""

from __future__ import annotations

import logging
from collections import defaultdict
from dataclasses import dataclass
from datetime import date, timedelta

from django.core.mail import EmailMessage
from django.db import transaction
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext

from childnrm.accounts.middleware import reader_language
from childnrm.kit import i18n, mail
from childnrm.kit.dates import long_date
from childnrm.kit.links import absolute_url
from childnrm.training import stages
from childnrm.training.models import Attendance, Stage

logger = logging.getLogger(__name__)

# The sessions whose three-month self-assessment may be open: three months is 89 to 92 days.
_THREE_MONTHS_AGO = (timedelta(days=89), timedelta(days=92 + stages.THREE_MONTHS_OPEN_DAYS))


@dataclass
class TrainingReminderRun:
    today: date
    emails: int = 0
    after: int = 0
    three_months: int = 0

    def as_dict(self) -> dict:
        return {
            "today": self.today.isoformat(),
            "emails": self.emails,
            "after": self.after,
            "three_months": self.three_months,
        }


_CLAIM_FIELD = {Stage.AFTER: "after_reminded_on", Stage.THREE_MONTHS: "three_months_reminded_on"}


def _claim(attendance: Attendance, stage: str, today: date) -> bool:
    name = _CLAIM_FIELD[stage]
    return Attendance.objects.filter(pk=attendance.pk, **{f"{name}__isnull": True}).update(**{name: today}) == 1


def _candidates(stage: str, today: date):
    if stage == Stage.AFTER:
        # From the day after the session while it is still open.
        on_range = (today - timedelta(days=stages.AFTER_OPEN_DAYS - 1), today - timedelta(days=1))
    else:
        on_range = (today - _THREE_MONTHS_AGO[1], today - _THREE_MONTHS_AGO[0])
    return (
        Attendance.objects.filter(session__on__range=on_range, **{f"{_CLAIM_FIELD[stage]}__isnull": True})
        .filter(Q(attended=True) | Q(attended__isnull=True))
        .exclude(assessments__stage=stage)
        .select_related("session", "session__course", "user")
        .order_by("session__on", "pk")
    )


def _email(email: str, found: list[tuple[Attendance, str]]) -> EmailMessage:
    with i18n.language(reader_language(found[0][0].user)):
        return EmailMessage(
            subject=gettext("Your training self-assessment is open"),
            body="\n".join(
                [
                    gettext(
                        "A few questions on what you know and how confident you feel. They take a couple of minutes, "
                        "and your answers are counted only in totals:"
                    ),
                    "",
                    *(_line(attendance, stage) for attendance, stage in found),
                    "",
                    gettext("Do not reply to this email."),
                ]
            ),
            to=[email],
        )


def _line(attendance: Attendance, stage: str) -> str:
    session = attendance.session
    window = stages.window(session.on, stage)
    link = absolute_url(reverse("training:assessment", args=[attendance.pk, stage]))
    label = Stage(stage).label.lower()
    text = gettext("%(course)s, session on %(day)s: your self-assessment %(stage)s, open until %(closes)s") % {
        "course": session.course.title,
        "day": long_date(session.on),
        "stage": label,
        "closes": long_date(window.closes),
    }
    return f"- {text}\n  {link}"


def assessment_reminders_send(*, today: date) -> TrainingReminderRun:
    run = TrainingReminderRun(today=today)
    with transaction.atomic():
        due: dict[str, list[tuple[Attendance, str]]] = defaultdict(list)
        for stage in (Stage.AFTER, Stage.THREE_MONTHS):
            for attendance in _candidates(stage, today):
                if not stages.window(attendance.session.on, stage).is_open(today) or not attendance.user.email:
                    continue
                if not _claim(attendance, stage, today):
                    continue
                due[attendance.user.email].append((attendance, stage))
                run.after += stage == Stage.AFTER
                run.three_months += stage == Stage.THREE_MONTHS
        # Each by itself (kit.mail.send_each): one refused stops none of the others, nor the daily run after it, and
        # is logged without the address. If none went (the mail server down), nothing stays claimed, for a later run.
        messages = {mail.user_key(found[0][0].user): _email(email, found) for email, found in sorted(due.items())}
        sent = mail.send_each("training self-assessment reminder", messages)
        if sent.failed and not sent.sent:
            transaction.set_rollback(True)
    run.emails = len(sent.sent)
    logger.info(
        "Training self-assessment reminders for %s: %d email(s), %d just after, %d at three months",
        today.isoformat(),
        run.emails,
        run.after,
        run.three_months,
    )
    return run
