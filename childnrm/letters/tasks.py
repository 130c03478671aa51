"""Telling the child's guardian (ICTG) of a decision: references and a link only.

Email leaves the service's protection, so neither the subject nor the body names the child or says what
was decided: the guardian follows the link and signs in to read it.
"""

from __future__ import annotations

from django.core.mail import EmailMessage
from django.urls import reverse
from django_tasks import task

from childnrm.kit.links import absolute_url
from childnrm.letters.models import GuardianNotice


def guardian_email(notice: GuardianNotice) -> EmailMessage:
    referral = notice.decision.referral
    child_reference = referral.child.reference if referral.child_id else ""
    return EmailMessage(
        subject=f"Panel decision on referral {referral.reference}",
        body=(
            f"The panel has made a decision on referral {referral.reference}"
            + (f" (child {child_reference})" if child_reference else "")
            + ", and its letters are ready.\n\n"
            "Sign in to read the decision and the letter for the child:\n\n"
            f"{absolute_url(reverse('letters:decision', kwargs={'letters_decision_id': notice.decision_id}))}\n\n"
            "Do not reply to this email."
        ),
        to=[notice.guardian.email],
    )


@task()
def notify_guardian_of_decision(notice_id: int) -> None:
    notice = GuardianNotice.objects.select_related("decision__referral__child", "guardian").get(pk=notice_id)
    guardian_email(notice).send()
