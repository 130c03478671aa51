"""Telling the child's guardian (ICTG) of a decision: references and a link only.

Email leaves the service's protection, so neither the subject nor the body names the child or says what
was decided: the guardian follows the link and signs in to read it.
"""

from __future__ import annotations

from django.core.mail import EmailMessage
from django.urls import reverse
from django.utils.translation import gettext
from django_tasks import task

from childnrm.accounts.middleware import reader_language
from childnrm.kit import i18n, mail
from childnrm.kit.links import absolute_url
from childnrm.letters.models import GuardianNotice


def guardian_email(notice: GuardianNotice) -> EmailMessage:
    """In the guardian's language (ADR 0023); each message a whole sentence, with the child's reference or
    without."""
    referral = notice.decision.referral
    link = absolute_url(reverse("letters:decision", kwargs={"letters_decision_id": notice.decision_id}))
    with i18n.language(reader_language(notice.guardian)):
        if referral.child_id:
            opening = gettext(
                "The panel has made a decision on referral %(reference)s (child %(child)s), and its letters are ready."
            ) % {"reference": referral.reference, "child": referral.child.reference}
        else:
            opening = gettext("The panel has made a decision on referral %(reference)s, and its letters are ready.") % {
                "reference": referral.reference
            }
        return EmailMessage(
            subject=gettext("Panel decision on referral %(reference)s") % {"reference": referral.reference},
            body="\n\n".join(
                [
                    opening,
                    gettext("Sign in to read the decision and the letter for the child:"),
                    link,
                    gettext("Do not reply to this email."),
                ]
            ),
            to=[notice.guardian.email],
        )


@task()
def notify_guardian_of_decision(notice_id: int, only: list[str] | None = None, attempt: int = 1) -> None:
    """Tell the guardian; a failed email is tried again, and its error names nobody (kit.mail.send_or_retry)."""
    notice = GuardianNotice.objects.select_related("decision__referral__child", "guardian").get(pk=notice_id)
    messages = {mail.user_key(notice.guardian): guardian_email(notice)}
    mail.send_or_retry(
        notify_guardian_of_decision, "guardian notice", messages, only=only, attempt=attempt, notice_id=notice_id
    )
