"""Background tasks for accounts: the emails a site administrator's change sends (an invitation, new roles, a reset
sign-in), the link the "forgot your password" page sends, and the notices that a user got new recovery codes or
changed their authenticator app.

The change enqueues its email once committed (services), and the queue's worker writes and sends it: an
administrator's page never waits for the mail server, nor fails when it is down after the change was made. The
email is written when it is sent, so its language, link and token are those of that moment (a password link's
3 days run from then). The task's arguments are ids and role codes only: the queue keeps them, so no address or
name of the person is stored there or in its logs.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime, timedelta

from django.contrib.auth.tokens import default_token_generator
from django.core.mail import EmailMessage
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode
from django.utils.translation import gettext_lazy
from django_tasks import task

from childnrm.accounts import nations
from childnrm.accounts.middleware import reader_language
from childnrm.accounts.models import Role, Site, User
from childnrm.kit import i18n
from childnrm.kit.links import absolute_url

SUBJECTS = {
    # Subjects carry no personal data: email subjects are widely visible.
    "invitation": gettext_lazy("Child NRM Panels: you have been given access"),
    "roles_given": gettext_lazy("Child NRM Panels: you have been given new roles"),
    "second_factor_reset": gettext_lazy("Child NRM Panels: your sign-in has been reset"),
    "password_reset": gettext_lazy("Child NRM Panels: choose your password"),
    "recovery_codes_renewed": gettext_lazy("Child NRM Panels: you have new recovery codes"),
    "authenticator_changed": gettext_lazy("Child NRM Panels: your authenticator app has been changed"),
}

# When the mail server cannot be reached or refuses the email, the worker tries again after each of these waits in
# turn (some 8.5 hours in all), then gives up: every failed attempt stays in the queue's results, for the operators.
# django-tasks does not retry a failed task itself, so the task queues its next attempt.
RETRY_AFTER = (
    timedelta(minutes=1),
    timedelta(minutes=5),
    timedelta(minutes=30),
    timedelta(hours=2),
    timedelta(hours=6),
)


class AccountEmailNotSent(Exception):
    """Raised in place of the mail server's error, whose words may quote the address (SMTPRecipientsRefused does):
    the queue logs and keeps whatever a task raises."""


class _RoleNames:
    """A site's role labels, read in the email's language when the email is written (nations.role_label)."""

    def __init__(self, roles: list[str], site: Site) -> None:
        self.roles, self.site = roles, site

    def __iter__(self) -> Iterator[str]:
        order = list(Role.values)
        for role in sorted(set(self.roles), key=lambda r: order.index(r) if r in order else len(order)):
            yield nations.role_label(role, self.site)


def _given_by(site: Site, roles: list[str], by: User) -> dict:
    """What the invitation says of the roles given: the site, the roles and who gave them (to check with them). The
    site and the organisation are named as records, so in the email's language when it is written."""
    return {
        "site": site,
        "roles": _RoleNames(roles, site),
        "inviter": by.full_name or by.email,
        "inviter_organisation": by.organisation if by.organisation is not None else "",
        "inviter_email": by.email,
    }


def account_email(
    *,
    user: User,
    template: str,
    site: Site | None = None,
    by: User | None = None,
    roles: list[str] | None = None,
    subject: str | None = None,
    password_link: bool = True,
) -> EmailMessage:
    """An email in the reader's language: their own choice, else the default of the site it is about, else their
    sites' (ADR 0023). With `password_link`, a one-time link to choose a password (Django's reset token, made now:
    it holds until used, the password changes or 3 days pass); without it the email has no link at all, only the
    service's address. With `site` and `by`, it names the site, `roles` there and who gave them. `subject`: the key
    of its subject, when not the template's.

    The link is to the service's configured address, not the host the administrator's request came to: the
    email is read away from the service, and a request's Host header is the caller's to choose.
    """
    language = (i18n.supported(user.language) or i18n.supported(site.default_language)) if site else None
    language = language or reader_language(user)
    link = ""
    if password_link:
        uid = urlsafe_base64_encode(force_bytes(user.pk))
        token = default_token_generator.make_token(user)
        link = absolute_url(reverse("accounts:password-reset-confirm", args=[uid, token]))
    context = {"link": link, "service_address": absolute_url("/")}
    if site is not None and by is not None:
        context.update(_given_by(site, roles or [], by))
    with i18n.language(language):
        subject_text = str(SUBJECTS[subject or template])
        message = render_to_string(f"accounts/email/{template}.txt", context)
    return EmailMessage(subject=subject_text, body=message, to=[user.email])


@task()
def send_account_email(
    user_id: int,
    template: str,
    site_id: int | None = None,
    by_id: int | None = None,
    roles: list[str] | None = None,
    subject: str | None = None,
    password_link: bool = True,
    attempt: int = 1,
) -> None:
    """Write and send one account email (account_email); `attempt` counts from 1, for the retries."""
    user = User.objects.filter(pk=user_id).first()
    if user is None:  # the account is gone: nobody to tell
        return
    site = Site.objects.get(pk=site_id) if site_id is not None else None
    by = User.objects.select_related("organisation").get(pk=by_id) if by_id is not None else None
    message = account_email(
        user=user, template=template, site=site, by=by, roles=roles, subject=subject, password_link=password_link
    )
    try:
        message.send()
    except OSError as error:  # smtplib's errors, and a server that cannot be reached
        retry = _retry_later(
            attempt,
            user_id=user_id,
            template=template,
            site_id=site_id,
            by_id=by_id,
            roles=roles,
            subject=subject,
            password_link=password_link,
        )
        # The error's kind and the server's reply code only: its words may name the person.
        kind = " ".join(str(part) for part in (type(error).__name__, getattr(error, "smtp_code", "")) if part)
        then = f"tried again after {retry.isoformat()}" if retry else "not tried again"
        raise AccountEmailNotSent(f"{subject or template} email not sent ({kind}), attempt {attempt}: {then}") from None


def _retry_later(attempt: int, **arguments) -> datetime | None:
    """Queue the next attempt after its wait; when it runs, or None when none will (the attempts are used up, or the
    queue runs each task at once, as under test, so that there is no later to wait for)."""
    if attempt > len(RETRY_AFTER) or not send_account_email.get_backend().supports_defer:
        return None
    run_after = timezone.now() + RETRY_AFTER[attempt - 1]
    send_account_email.using(run_after=run_after).enqueue(attempt=attempt + 1, **arguments)
    return run_after
