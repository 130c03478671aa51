"""Background tasks for decisions: telling the site's second reviewers a negative decision is waiting.

Emails carry the case reference and a link only: no child's details, in the subject or the body.
"""

from __future__ import annotations

from django.core.mail import EmailMessage, get_connection
from django.urls import reverse
from django_tasks import task

from childnrm.access.policy import Perm, users_holding
from childnrm.decisions.models import Decision, DecisionStatus
from childnrm.kit.links import absolute_url


def second_reviewer_emails(decision: Decision) -> list[str]:
    """Active users of the site who may give a second review, except the chair and those who voted."""
    site_id = decision.referral.site_id
    if site_id is None:  # no site holds the case: nobody there to review it
        return []
    excluded = set(decision.votes.values_list("voter_id", flat=True))
    if decision.meeting is not None and decision.meeting.chair_id:
        excluded.add(decision.meeting.chair_id)
    users = users_holding(Perm.DECISION_SECOND_REVIEW, site_id).exclude(pk__in=excluded)
    return sorted(set(users.values_list("email", flat=True)))


@task()
def notify_second_review_needed(decision_id: int) -> None:
    decision = Decision.objects.select_related("referral", "meeting").get(pk=decision_id)
    if decision.status != DecisionStatus.SECOND_REVIEW:
        return
    reference = decision.referral.reference
    link = absolute_url(reverse("decisions:second-review", args=[decision.pk]))
    messages = [
        EmailMessage(
            subject=f"Decision on case {reference} needs a second review",
            body=(
                f"A negative {decision.get_stage_display().lower()} decision on case {reference} has been signed "
                f"off by the panel and needs a second review before it is final:\n\n{link}\n\n"
                "Do not reply to this email."
            ),
            to=[email],
        )
        for email in second_reviewer_emails(decision)
    ]
    if messages:
        get_connection().send_messages(messages)
