"""Background tasks for decisions: telling the site's second reviewers a negative decision is waiting.

Emails carry the case reference and a link only: no child's details, in the subject or the body. Each is in
its reader's language: their own choice, else their site's default (ADR 0023).
"""

from __future__ import annotations

from django.core.mail import EmailMessage
from django.urls import reverse
from django.utils.translation import gettext
from django_tasks import task

from childnrm.access.policy import Perm, users_holding
from childnrm.accounts.middleware import reader_language
from childnrm.accounts.models import User
from childnrm.decisions.models import Decision, DecisionStatus, Stage
from childnrm.kit import i18n, mail
from childnrm.kit.links import absolute_url
from childnrm.panels.models import ConflictDeclaration


def second_reviewers(decision: Decision) -> list[User]:
    """Active users of the site who may give a second review, except who signed it off, the sitting's chair, those
    who voted and those who declared a conflict on the case (`services.decision_second_review` refuses them all)."""
    site_id = decision.referral.site_id
    if site_id is None:  # no site holds the case: nobody there to review it
        return []
    excluded = set(decision.votes.values_list("voter_id", flat=True))
    if decision.finalised_by_id:
        excluded.add(decision.finalised_by_id)
    if decision.meeting is not None and decision.meeting.chair_id:
        excluded.add(decision.meeting.chair_id)
    if decision.agenda_item_id:
        excluded |= set(
            ConflictDeclaration.objects.filter(agenda_item_id=decision.agenda_item_id, has_conflict=True).values_list(
                "attendee__user_id", flat=True
            )
        )
    by_email = {
        user.email: user for user in users_holding(Perm.DECISION_SECOND_REVIEW, site_id).exclude(pk__in=excluded)
    }
    return [by_email[email] for email in sorted(by_email)]


def _second_review_email(decision: Decision, user: User) -> EmailMessage:
    reference = decision.referral.reference
    with i18n.language(reader_language(user)):
        # A whole sentence for each stage, so that each language can write it its own way.
        opening = (
            gettext(
                "A negative conclusive grounds decision on case %(reference)s has been signed off by the panel "
                "and needs a second review before it is final:"
            )
            if decision.stage == Stage.CONCLUSIVE_GROUNDS
            else gettext(
                "A negative reasonable grounds decision on case %(reference)s has been signed off by the panel "
                "and needs a second review before it is final:"
            )
        ) % {"reference": reference}
        link = absolute_url(reverse("decisions:second-review", args=[decision.pk]))
        return EmailMessage(
            subject=gettext("Decision on case %(reference)s needs a second review") % {"reference": reference},
            body="\n\n".join([opening, link, gettext("Do not reply to this email.")]),
            to=[user.email],
        )


@task()
def notify_second_review_needed(decision_id: int, only: list[str] | None = None, attempt: int = 1) -> None:
    """Tell the site's second reviewers, one email each: one refused stops none of the others, and only those not
    sent are tried again while the decision still waits for its review (kit.mail.send_or_retry)."""
    decision = Decision.objects.select_related("referral", "meeting").get(pk=decision_id)
    if decision.status != DecisionStatus.SECOND_REVIEW:
        return
    messages = {mail.user_key(user): _second_review_email(decision, user) for user in second_reviewers(decision)}
    mail.send_or_retry(
        notify_second_review_needed,
        "second review needed",
        messages,
        only=only,
        attempt=attempt,
        decision_id=decision_id,
    )
