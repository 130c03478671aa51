"""Background tasks for safeguarding plans: telling an owner an action has been given to them.

The email carries the child's reference and a link only: no name or details of the child, in the
subject or the body (email leaves the service's protection).
"""

from __future__ import annotations

from django.core.mail import EmailMessage
from django.urls import reverse
from django_tasks import task

from childnrm.kit.dates import long_date
from childnrm.kit.links import absolute_url
from childnrm.safeguarding.models import PlanAction


@task()
def action_assigned(action_id: int) -> None:
    action = PlanAction.objects.select_related("owner", "plan__child").get(pk=action_id)
    if action.owner is None or not action.owner.email or not action.owner.is_active:
        return
    EmailMessage(
        subject="A safeguarding action has been given to you",
        body=(
            f"A safeguarding plan action for child {action.plan.child.reference} has been given to you, "
            f"due by {long_date(action.due_on)}.\n\n"
            "See it and record progress under 'Your actions':\n\n"
            f"{absolute_url(reverse('safeguarding:my-actions'))}\n\n"
            "Do not reply to this email."
        ),
        to=[action.owner.email],
    ).send()
