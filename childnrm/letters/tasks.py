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
from childnrm.letters import selectors
from childnrm.letters.models import GuardianNotice, Letter, LetterKind


def guardian_email(notice: GuardianNotice) -> EmailMessage:
    """In the guardian's language (ADR 0023); each message a whole sentence, with the child's reference or
    without. It says what is true when it is sent: a decision on reconsideration is said to be one, and a correction
    (of a decision on reconsideration or not) is said to be the panel correcting its decision, with whether the
    outcome changed (never what any of them decided); the letters are said to be ready only once they are produced.
    A guardian told before then is emailed again when they are (services.letters_produce)."""
    decision = notice.decision
    referral = decision.referral
    link = absolute_url(reverse("letters:decision", kwargs={"letters_decision_id": notice.decision_id}))
    letters_ready = Letter.objects.filter(decision_id=decision.pk, kind=LetterKind.CHILD_FRIENDLY).exists()
    reconsidered = selectors.reconsideration_answered(decision) is not None
    corrected = selectors.correction_of(decision)
    with i18n.language(reader_language(notice.guardian)):
        said = {"reference": referral.reference, "child": referral.child.reference if referral.child_id else ""}
        if corrected is not None and reconsidered:
            opening = (
                gettext(
                    "For referral %(reference)s (child %(child)s), the panel has corrected the decision it made on "
                    "reconsideration."
                )
                if referral.child_id
                else gettext(
                    "For referral %(reference)s, the panel has corrected the decision it made on reconsideration."
                )
            ) % said
        elif corrected is not None:
            opening = (
                gettext("The panel has corrected its decision on referral %(reference)s (child %(child)s).")
                if referral.child_id
                else gettext("The panel has corrected its decision on referral %(reference)s.")
            ) % said
        elif reconsidered:
            opening = (
                gettext(
                    "The panel has reconsidered its decision on referral %(reference)s (child %(child)s) and made a "
                    "new decision."
                )
                if referral.child_id
                else gettext(
                    "The panel has reconsidered its decision on referral %(reference)s and made a new decision."
                )
            ) % said
        else:
            opening = (
                gettext("The panel has made a decision on referral %(reference)s (child %(child)s).")
                if referral.child_id
                else gettext("The panel has made a decision on referral %(reference)s.")
            ) % said
        if corrected is not None:
            opening += " " + (
                gettext("The correction changes the outcome.")
                if corrected.changed(decision)
                else gettext("The correction does not change the outcome.")
            )
        if letters_ready:
            letters = gettext("Its letters are ready.")
            read = gettext("Sign in to read the decision and the letter for the child:")
        else:
            letters = gettext("Its letters have not been produced yet. We will email you again when they are.")
            read = gettext("Sign in to read the decision:")
        if corrected is not None:
            subject = (
                gettext("Corrected panel decision on reconsideration, referral %(reference)s")
                if reconsidered
                else gettext("Corrected panel decision on referral %(reference)s")
            )
        else:
            subject = (
                gettext("Panel decision on reconsideration, referral %(reference)s")
                if reconsidered
                else gettext("Panel decision on referral %(reference)s")
            )
        return EmailMessage(
            subject=subject % {"reference": referral.reference},
            body="\n\n".join([f"{opening} {letters}", read, link, gettext("Do not reply to this email.")]),
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
