"""The service's emails, sent one at a time: a refused address stops none of the others, and the logs name nobody.

A mail server that refuses an address says so in its error, quoting the address (smtplib.SMTPRecipientsRefused),
and the task queue logs whatever a task raises, with its traceback, and keeps it in its results. A batch sent with
one `send_messages` call also stops at the first refusal: whoever came after in the batch is never emailed. So
`send_each` sends each message by itself, logs a failure by the kind of email, whom it was for (a key such as
"user 12", never the address) and the error's kind and reply codes (never the server's words), and sends the rest.

What a failure then means is the caller's: `send_or_retry` (a task's emails) queues another attempt for the failed
ones alone, on the account emails' schedule, and raises `EmailsNotSent`, which names nobody, so the queue records
the task as failed; a run that sends batch after batch (the daily reminders) goes on to the end inside
`failures_raised`, which raises then. ADR 0010 amendment 2.
"""

from __future__ import annotations

import logging
from collections import Counter
from collections.abc import Callable, Collection, Iterator, Mapping
from contextlib import contextmanager, suppress
from contextvars import ContextVar
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any

from django.core.mail import EmailMessage, get_connection
from django.utils import timezone

if TYPE_CHECKING:
    from django_tasks.base import Task

logger = logging.getLogger(__name__)

# When the mail server cannot be reached or refuses an email, the task tries again after each of these waits in
# turn (some 8.5 hours in all), then gives up: every failed attempt stays in the queue's results, for the operators.
# django-tasks does not retry a failed task itself, so the task queues its next attempt.
RETRY_AFTER = (
    timedelta(minutes=1),
    timedelta(minutes=5),
    timedelta(minutes=30),
    timedelta(hours=2),
    timedelta(hours=6),
)


class EmailsNotSent(Exception):
    """Raised in place of the mail server's errors, whose words may quote an address: the queue logs and keeps
    whatever a task raises."""


def user_key(user: Any) -> str:
    """Whom an email is for, as logs and the queue's arguments may name them: the account's id, not its address."""
    return f"user {user.pk}"


def failure_kind(error: Exception) -> str:
    """The error's class and the server's reply codes: its words may quote the address."""
    codes = set()
    if isinstance(getattr(error, "smtp_code", None), int):
        codes.add(error.smtp_code)  # type: ignore[attr-defined]
    refused = getattr(error, "recipients", None)  # SMTPRecipientsRefused: {address: (code, words)}
    if isinstance(refused, dict):
        codes |= {
            reply[0]
            for reply in refused.values()
            if isinstance(reply, tuple) and reply[:1] and isinstance(reply[0], int)
        }
    return " ".join([type(error).__name__, *(str(code) for code in sorted(codes))])


@dataclass
class Sent:
    """What became of one batch: the keys of the emails sent and not sent, and each failure's kind."""

    what: str
    sent: list[str] = field(default_factory=list)
    failed: list[str] = field(default_factory=list)
    kinds: list[str] = field(default_factory=list)

    def describe(self) -> str:
        kinds = ", ".join(f"{kind} x{count}" if count > 1 else kind for kind, count in Counter(self.kinds).items())
        total = len(self.sent) + len(self.failed)
        return f"{self.what}: {len(self.failed)} of {total} email(s) not sent ({kinds}), to {', '.join(self.failed)}"


# The batches sent inside the innermost `failures_raised`; None outside any.
_batches: ContextVar[list[Sent] | None] = ContextVar("childnrm_mail_batches", default=None)


def _quietly(step: Callable[[], object]) -> None:
    """Open or close a connection, failing quietly: a server that cannot be reached fails each send, and is logged
    there."""
    with suppress(OSError):
        step()


def send_each(what: str, messages: Mapping[str, EmailMessage], *, attempt: int = 1) -> Sent:
    """Send each of `messages` (keyed by whom it is for, as `user_key`) by itself, on one connection while the server
    keeps it; log each that fails, without its address, and go on. `what`: the kind of email, for the log."""
    outcome = Sent(what=what)
    if messages:
        connection = get_connection()
        _quietly(connection.open)
        try:
            for key, message in messages.items():
                try:
                    connection.send_messages([message])
                except (OSError, ValueError) as error:
                    # smtplib's errors and a server not reached; Django's ValueError for an address it cannot write
                    # quotes the address too.
                    outcome.failed.append(key)
                    outcome.kinds.append(failure_kind(error))
                    logger.warning("%s email to %s not sent (%s), attempt %d", what, key, outcome.kinds[-1], attempt)
                    # The server may have hung up: the rest go on a new connection.
                    _quietly(connection.close)
                    _quietly(connection.open)
                else:
                    outcome.sent.append(key)
        finally:
            _quietly(connection.close)
    batches = _batches.get()
    if batches is not None:
        batches.append(outcome)
    return outcome


@contextmanager
def failures_raised(what: str) -> Iterator[None]:
    """Run the body to its end, then raise `EmailsNotSent` if any email `send_each` sent in it failed: for a run of
    many batches, each of which goes on without those that failed (the daily reminders)."""
    batches: list[Sent] = []
    token = _batches.set(batches)
    try:
        yield
    finally:
        _batches.reset(token)
    failed = [batch.describe() for batch in batches if batch.failed]
    if failed:
        raise EmailsNotSent(f"{what}: emails not sent. " + "; ".join(failed))


def retry_later(task: Task, attempt: int, **arguments: Any) -> datetime | None:
    """Queue `task`'s next attempt (attempt + 1) with `arguments` after its wait; when it runs, or None when none will
    (the attempts are used up, or the queue runs each task at once, as under test, so that there is no later)."""
    if attempt > len(RETRY_AFTER) or not task.get_backend().supports_defer:
        return None
    run_after = timezone.now() + RETRY_AFTER[attempt - 1]
    task.using(run_after=run_after).enqueue(attempt=attempt + 1, **arguments)
    return run_after


def send_or_retry(
    task: Task,
    what: str,
    messages: Mapping[str, EmailMessage],
    *,
    only: Collection[str] | None = None,
    attempt: int = 1,
    **arguments: Any,
) -> int:
    """A task's emails: send each of `messages` (on a retry, only those keyed in `only`); if any failed, queue the
    task again for those alone (`retry_later`: the task takes `only` and `attempt` besides `arguments`, which must
    name nobody, as the queue keeps them) and raise `EmailsNotSent`. The number sent."""
    if only is not None:
        messages = {key: message for key, message in messages.items() if key in only}
    outcome = send_each(what, messages, attempt=attempt)
    if outcome.failed:
        retry = retry_later(task, attempt, only=outcome.failed, **arguments)
        then = f"tried again after {retry.isoformat()}" if retry else "not tried again"
        raise EmailsNotSent(f"{outcome.describe()}; attempt {attempt}: {then}")
    return len(outcome.sent)
