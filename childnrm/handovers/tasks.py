"""Who is told when a case is transferred: the receiving site's coordinators, by reference only."""

from __future__ import annotations

from django.core.mail import EmailMessage
from django.urls import reverse
from django.utils.translation import gettext
from django_tasks import task

from childnrm.accounts.middleware import reader_language
from childnrm.accounts.models import User
from childnrm.handovers.models import CaseTransfer
from childnrm.kit import i18n, mail
from childnrm.kit.links import absolute_url
from childnrm.referrals.tasks import site_coordinators


def transfer_email(transfer: CaseTransfer, user: User) -> EmailMessage:
    reference = transfer.referral.reference
    with i18n.language(reader_language(user)):
        return EmailMessage(
            subject=gettext("Case %(reference)s transferred to your panel") % {"reference": reference},
            body="\n\n".join(
                [
                    gettext(
                        "Another site's panel has transferred case %(reference)s to your site, with its whole history."
                    )
                    % {"reference": reference},
                    "\n".join(
                        [
                            gettext("The case: %(link)s")
                            % {"link": absolute_url(reverse("triage:triage", args=[reference]))},
                            gettext("The transfer and its packet: %(link)s")
                            % {"link": absolute_url(reverse("handovers:transfer", args=[transfer.pk]))},
                        ]
                    ),
                    gettext("Do not reply to this email."),
                ]
            ),
            to=[user.email],
        )


@task()
def notify_case_transferred(transfer_id: int, only: list[str] | None = None, attempt: int = 1) -> None:
    """Tell the receiving site's coordinators, each in their language: reference and links only. One refused stops
    none of the others, and only those not sent are tried again (kit.mail.send_or_retry)."""
    transfer = CaseTransfer.objects.select_related("referral").get(pk=transfer_id)
    if transfer.to_site_id is None:
        return
    messages = {mail.user_key(user): transfer_email(transfer, user) for user in site_coordinators(transfer.to_site_id)}
    mail.send_or_retry(
        notify_case_transferred, "case transferred", messages, only=only, attempt=attempt, transfer_id=transfer_id
    )
