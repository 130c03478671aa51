"""The shared sender (kit.mail): a refused address stops none of the other emails, the logs and the error name
nobody, and a task tries again for the emails not sent alone.

A mail server answers a refused address with an error quoting it (smtplib.SMTPRecipientsRefused); sent as one batch,
the emails after it were never sent, and the task queue logged the error, address and all."""

from __future__ import annotations

import logging
import smtplib
from datetime import timedelta
from typing import ClassVar

import pytest
from django.core import mail as outbox
from django.core.mail import EmailMessage
from django.core.mail.backends import locmem
from django.utils import timezone
from django_tasks import TaskResultStatus, default_task_backend, task

from childnrm.kit import mail


class MailServerRefusingSome(locmem.EmailBackend):
    """A mail relay that refuses the addresses in `refused` as relays do ("550 ... User unknown", quoting the
    address), and takes the others (into django.core.mail.outbox). A batch stops at the first refusal, as Django's
    SMTP backend does: the ones before it went, the ones after it did not."""

    refused: ClassVar[set[str]] = set()

    def send_messages(self, email_messages):
        sent = 0
        for message in email_messages:
            refused = {
                address: (550, f"5.1.1 <{address}>: Recipient address rejected: User unknown".encode())
                for address in message.recipients()
                if address in self.refused
            }
            if refused:
                raise smtplib.SMTPRecipientsRefused(refused)
            sent += super().send_messages([message])
        return sent


MAIL_SERVER_REFUSING_SOME = f"{__name__}.MailServerRefusingSome"


def _emails(*addresses: str) -> dict[str, EmailMessage]:
    return {
        f"user {n}": EmailMessage(subject="New referral NRM-1 to triage", body="A link.", to=[address])
        for n, address in enumerate(addresses, start=1)
    }


@task()
def _notify(case_id: int, only: list[str] | None = None, attempt: int = 1) -> int:
    """A task's emails, as the apps' tasks send them (referrals.tasks.notify_referral_submitted)."""
    return mail.send_or_retry(
        _notify,
        "test notice",
        _emails("first@police.example", "refused@police.example", "third@police.example"),
        only=only,
        attempt=attempt,
        case_id=case_id,
    )


def test_a_refused_address_stops_none_of_the_others_and_is_logged_without_the_address(relay, caplog):
    relay.add("first@police.example")
    caplog.set_level(logging.INFO)
    sent = mail.send_each("test notice", _emails("first@police.example", "second@police.example", "third@x.example"))
    assert sorted(address for message in outbox.outbox for address in message.to) == [
        "second@police.example",
        "third@x.example",
    ]
    assert (sent.sent, sent.failed, sent.kinds) == (["user 2", "user 3"], ["user 1"], ["SMTPRecipientsRefused 550"])
    # Logged: what kind of email, for whom (the account's id), the error's kind and the server's code; no address.
    assert "test notice email to user 1 not sent (SMTPRecipientsRefused 550), attempt 1" in caplog.text
    assert "first@police.example" not in caplog.text and "User unknown" not in caplog.text


def test_a_server_that_cannot_be_reached_fails_each_email_and_names_nobody(settings, caplog):
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", 9  # nothing listens there: refused at once
    settings.EMAIL_USE_TLS = settings.EMAIL_USE_SSL = False
    sent = mail.send_each("test notice", _emails("first@police.example", "second@police.example"))
    assert sent.sent == [] and sent.failed == ["user 1", "user 2"]
    assert sent.kinds == ["ConnectionRefusedError", "ConnectionRefusedError"]
    assert "police.example" not in caplog.text


def test_a_task_fails_with_an_error_naming_nobody_and_the_queue_logs_that(relay, caplog):
    """Under test the queue runs each task at once (it cannot defer), so the failed email is not tried again."""
    relay.add("refused@police.example")
    caplog.set_level(logging.INFO)
    result = _notify.enqueue(7)
    assert result.status == TaskResultStatus.FAILED
    assert [message.to for message in outbox.outbox] == [["first@police.example"], ["third@police.example"]]
    error = str(result.errors[0].traceback)
    assert "EmailsNotSent: test notice: 1 of 3 email(s) not sent (SMTPRecipientsRefused 550), to user 2" in error
    assert "attempt 1: not tried again" in error
    assert "Task id=" in caplog.text  # the queue logged the failed task, with its traceback
    assert "refused@police.example" not in caplog.text + error


def test_a_queue_that_can_wait_tries_again_later_for_the_emails_not_sent_alone(relay, settings):
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend"}}
    relay.add("refused@police.example")
    before = timezone.now()
    with pytest.raises(mail.EmailsNotSent, match=r"attempt 1: tried again after") as failed:
        _notify.call(7)
    assert "refused@police.example" not in str(failed.value)
    (retry,) = default_task_backend.results
    assert retry.kwargs == {"attempt": 2, "only": ["user 2"], "case_id": 7}  # ids only: the queue keeps them
    assert retry.task.run_after >= before + timedelta(minutes=1)

    # The relay takes it now: the next attempt sends that email alone, not the two already sent again.
    relay.clear()
    outbox.outbox = []
    assert _notify.call(*retry.args, **retry.kwargs) == 1
    assert [message.to for message in outbox.outbox] == [["refused@police.example"]]


def test_the_last_attempt_queues_no_other(relay, settings):
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend"}}
    relay.add("refused@police.example")
    with pytest.raises(mail.EmailsNotSent, match="not tried again"):
        _notify.call(7, only=["user 2"], attempt=len(mail.RETRY_AFTER) + 1)
    assert default_task_backend.results == []


def test_a_run_of_many_batches_goes_to_its_end_then_fails(relay):
    relay.add("refused@police.example")
    done = []
    with pytest.raises(mail.EmailsNotSent) as failed, mail.failures_raised("daily reminders"):
        mail.send_each("digest (northbridge)", _emails("refused@police.example"))
        mail.send_each("digest (three-rivers)", _emails("coordinator@three-rivers.example"))
        done.append("chase")
    assert done == ["chase"] and [message.to for message in outbox.outbox] == [["coordinator@three-rivers.example"]]
    assert str(failed.value) == (
        "daily reminders: emails not sent. digest (northbridge): 1 of 1 email(s) not sent (SMTPRecipientsRefused 550), "
        "to user 1"
    )
