"""Who is told when a case is transferred: the receiving site's coordinators, by reference only."""

from __future__ import annotations

from django.core.mail import EmailMessage, get_connection
from django.urls import reverse
from django_tasks import task

from childnrm.handovers.models import CaseTransfer
from childnrm.kit.links import absolute_url
from childnrm.referrals.tasks import site_coordinator_emails


@task()
def notify_case_transferred(transfer_id: int) -> None:
    transfer = CaseTransfer.objects.select_related("referral").get(pk=transfer_id)
    if transfer.to_site_id is None:
        return
    reference = transfer.referral.reference
    messages = [
        EmailMessage(
            subject=f"Case {reference} transferred to your panel",
            body=(
                f"Another site's panel has transferred case {reference} to your site, with its whole history.\n\n"
                f"The case: {absolute_url(reverse('referrals:triage', args=[reference]))}\n"
                f"The transfer and its packet: {absolute_url(reverse('handovers:transfer', args=[transfer.pk]))}\n\n"
                "Do not reply to this email."
            ),
            to=[email],
        )
        for email in site_coordinator_emails(transfer.to_site_id)
    ]
    if messages:
        get_connection().send_messages(messages)
