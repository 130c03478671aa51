"""Emails about reconsiderations and SCA returns.

References and links only: no child's details, no names, in the subject or the body (email leaves
the service's protection). Each recipient gets their own message, in their language: their own choice,
else their site's default (ADR 0023).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable

from django.core.mail import EmailMessage
from django.urls import reverse
from django.utils.translation import gettext
from django_tasks import task
from django_tasks.base import Task

from childnrm.accounts.middleware import reader_language
from childnrm.accounts.models import Role, User
from childnrm.kit import i18n, mail
from childnrm.kit.links import absolute_url
from childnrm.reviews.models import DecisionReturn, QualityFinding, ReconsiderationRequest, RequesterKind

# An email's subject and body, written when called (inside the reader's language).
Wording = Callable[[], tuple[str, str]]


def site_users(site_id: int, role: str) -> list[User]:
    return list(
        User.objects.filter(
            memberships__site_id=site_id,
            memberships__site__active=True,
            memberships__role=role,
            memberships__active=True,
            is_active=True,
        )
        .distinct()
        .order_by("email")
    )


def _send(
    notify: Task,
    what: str,
    wording: Wording,
    recipients: Iterable[User],
    *,
    only: list[str] | None,
    attempt: int,
    **ids,
) -> None:
    """One email to each address, sent one at a time: one refused stops none of the others, and `notify` (the task,
    called with `ids`) is queued again for those not sent (kit.mail.send_or_retry)."""
    by_email = {user.email: user for user in recipients}
    messages = {}
    for email in sorted(by_email):
        with i18n.language(reader_language(by_email[email])):
            subject, body = wording()
            body += "\n\n" + gettext("Do not reply to this email.")
        messages[mail.user_key(by_email[email])] = EmailMessage(subject=subject, body=body, to=[email])
    mail.send_or_retry(notify, what, messages, only=only, attempt=attempt, **ids)


def _return_name(decision_return: DecisionReturn) -> str:
    return gettext("return %(number)s (referral %(reference)s)") % {
        "number": decision_return.pk,
        "reference": decision_return.decision.referral.reference,
    }


def _return_link(decision_return: DecisionReturn) -> str:
    return absolute_url(reverse("reviews:return", kwargs={"return_id": decision_return.pk}))


@task()
def notify_return_sent(return_id: int, only: list[str] | None = None, attempt: int = 1) -> None:
    """Tell the SCA quality assurers of the sending site that a decision is waiting for audit."""
    sent = DecisionReturn.objects.select_related("decision__referral").get(pk=return_id)

    def wording() -> tuple[str, str]:
        name = _return_name(sent)
        return (
            gettext("Decision %(return)s sent for quality assurance") % {"return": name},
            gettext("A panel decision, %(return)s, has been sent to you for quality assurance:") % {"return": name}
            + f"\n\n{_return_link(sent)}",
        )

    _send(
        notify_return_sent,
        "return sent",
        wording,
        site_users(sent.site_id, Role.SCA_QUALITY_ASSURER),
        only=only,
        attempt=attempt,
        return_id=return_id,
    )


@task()
def notify_finding_recorded(finding_id: int, only: list[str] | None = None, attempt: int = 1) -> None:
    """Tell the returning site's coordinators that the SCA has recorded a finding to answer."""
    finding = QualityFinding.objects.select_related("decision_return__decision__referral").get(pk=finding_id)
    sent = finding.decision_return

    def wording() -> tuple[str, str]:
        name = _return_name(sent)
        return (
            gettext("Quality assurance finding on %(return)s") % {"return": name},
            gettext(
                "The Single Competent Authority has recorded a finding on %(return)s. "
                "Read it and record the panel's answer:"
            )
            % {"return": name}
            + f"\n\n{_return_link(sent)}",
        )

    _send(
        notify_finding_recorded,
        "finding recorded",
        wording,
        site_users(sent.site_id, Role.COORDINATOR),
        only=only,
        attempt=attempt,
        finding_id=finding_id,
    )


@task()
def notify_finding_answered(finding_id: int, only: list[str] | None = None, attempt: int = 1) -> None:
    """Tell the SCA quality assurers of the site (and whoever recorded the finding) that the panel answered."""
    finding = QualityFinding.objects.select_related("decision_return__decision__referral", "recorded_by").get(
        pk=finding_id
    )
    sent = finding.decision_return
    recipients = site_users(sent.site_id, Role.SCA_QUALITY_ASSURER)
    if finding.recorded_by.is_active:
        recipients.append(finding.recorded_by)

    def wording() -> tuple[str, str]:
        name = _return_name(sent)
        return (
            gettext("The panel has answered a finding on %(return)s") % {"return": name},
            gettext("The panel has answered finding %(finding)s on %(return)s:")
            % {"finding": finding.pk, "return": name}
            + f"\n\n{_return_link(sent)}",
        )

    _send(
        notify_finding_answered,
        "finding answered",
        wording,
        recipients,
        only=only,
        attempt=attempt,
        finding_id=finding_id,
    )


@task()
def notify_reconsideration_outcome(reconsideration_id: int, only: list[str] | None = None, attempt: int = 1) -> None:
    """Tell the referrer who asked that the reconsideration has been decided (they read it in the service)."""
    asked = ReconsiderationRequest.objects.select_related("decision__referral__created_by").get(pk=reconsideration_id)
    referral = asked.decision.referral
    referrer = referral.created_by
    if asked.requester_kind != RequesterKind.REFERRER or referrer is None or not referrer.is_active:
        return

    def wording() -> tuple[str, str]:
        return (
            gettext("Reconsideration decided: referral %(reference)s") % {"reference": referral.reference},
            gettext(
                "The panel has reconsidered its decision on referral %(reference)s, as you asked. The panel "
                "coordinator will send you the outcome letter. You can follow the referral under 'Your referrals':"
            )
            % {"reference": referral.reference}
            + f"\n\n{absolute_url(reverse('referrals:mine'))}",
        )

    _send(
        notify_reconsideration_outcome,
        "reconsideration outcome",
        wording,
        [referrer],
        only=only,
        attempt=attempt,
        reconsideration_id=reconsideration_id,
    )
