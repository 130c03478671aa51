"""Background tasks for safeguarding plans: telling an owner an action has been given to them.

The email carries the child's reference and a link only: no name or details of the child, in the
subject or the body (email leaves the service's protection).
"""

from __future__ import annotations

from django.core.mail import EmailMessage
from django.urls import reverse
from django.utils.translation import gettext
from django_tasks import task

from childnrm.accounts.middleware import reader_language
from childnrm.kit import i18n, mail
from childnrm.kit.dates import long_date
from childnrm.kit.links import absolute_url
from childnrm.safeguarding.models import PlanAction


@task()
def action_assigned(action_id: int, only: list[str] | None = None, attempt: int = 1) -> None:
    """Tell the action's owner; a failed email is tried again, and its error names nobody (kit.mail.send_or_retry)."""
    action = PlanAction.objects.select_related("owner", "plan__child").get(pk=action_id)
    if action.owner is None or not action.owner.email or not action.owner.is_active:
        return
    # In the owner's language: their own choice, else their site's default (ADR 0023).
    owner = action.owner
    language = reader_language(owner)
    with i18n.language(language):
        body = gettext(
            "A safeguarding plan action for child %(reference)s has been given to you, due by %(day)s.\n\n"
            "See it and record progress under 'Your actions':\n\n%(link)s\n\nDo not reply to this email."
        ) % {
            "reference": action.plan.child.reference,
            "day": long_date(action.due_on),
            "link": absolute_url(reverse("safeguarding:my-actions")),
        }
        subject = gettext("A safeguarding action has been given to you")
    messages = {mail.user_key(owner): EmailMessage(subject=subject, body=body, to=[owner.email])}
    mail.send_or_retry(
        action_assigned, "safeguarding action assigned", messages, only=only, attempt=attempt, action_id=action_id
    )
