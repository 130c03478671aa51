"""Emails about reconsiderations and SCA returns.

References and links only: no child's details, no names, in the subject or the body (email leaves
the service's protection). Each recipient gets their own message.
"""

from __future__ import annotations

from django.core.mail import EmailMessage, get_connection
from django.urls import reverse
from django_tasks import task

from childnrm.accounts.models import Role, User
from childnrm.kit.links import absolute_url
from childnrm.reviews.models import DecisionReturn, QualityFinding, ReconsiderationRequest, RequesterKind


def site_emails(site_id: int, role: str) -> list[str]:
    return sorted(
        set(
            User.objects.filter(
                memberships__site_id=site_id,
                memberships__site__active=True,
                memberships__role=role,
                memberships__active=True,
                is_active=True,
            ).values_list("email", flat=True)
        )
    )


def _send(subject: str, body: str, recipients: list[str]) -> None:
    body += "\n\nDo not reply to this email."
    messages = [EmailMessage(subject=subject, body=body, to=[to]) for to in recipients]
    if messages:
        get_connection().send_messages(messages)


def _return_name(decision_return: DecisionReturn) -> str:
    return f"return {decision_return.pk} (referral {decision_return.decision.referral.reference})"


@task()
def notify_return_sent(return_id: int) -> None:
    """Tell the SCA quality assurers of the sending site that a decision is waiting for audit."""
    sent = DecisionReturn.objects.select_related("decision__referral").get(pk=return_id)
    _send(
        f"Decision {_return_name(sent)} sent for quality assurance",
        f"A panel decision, {_return_name(sent)}, has been sent to you for quality assurance:\n\n"
        f"{absolute_url(reverse('reviews:return', kwargs={'return_id': sent.pk}))}",
        site_emails(sent.site_id, Role.SCA_QUALITY_ASSURER),
    )


@task()
def notify_finding_recorded(finding_id: int) -> None:
    """Tell the returning site's coordinators that the SCA has recorded a finding to answer."""
    finding = QualityFinding.objects.select_related("decision_return__decision__referral").get(pk=finding_id)
    sent = finding.decision_return
    _send(
        f"Quality assurance finding on {_return_name(sent)}",
        f"The Single Competent Authority has recorded a finding on {_return_name(sent)}. "
        "Read it and record the panel's answer:\n\n"
        f"{absolute_url(reverse('reviews:return', kwargs={'return_id': sent.pk}))}",
        site_emails(sent.site_id, Role.COORDINATOR),
    )


@task()
def notify_finding_answered(finding_id: int) -> None:
    """Tell the SCA quality assurers of the site (and whoever recorded the finding) that the panel answered."""
    finding = QualityFinding.objects.select_related("decision_return__decision__referral", "recorded_by").get(
        pk=finding_id
    )
    sent = finding.decision_return
    recipients = set(site_emails(sent.site_id, Role.SCA_QUALITY_ASSURER))
    if finding.recorded_by.is_active:
        recipients.add(finding.recorded_by.email)
    _send(
        f"The panel has answered a finding on {_return_name(sent)}",
        f"The panel has answered finding {finding.pk} on {_return_name(sent)}:\n\n"
        f"{absolute_url(reverse('reviews:return', kwargs={'return_id': sent.pk}))}",
        sorted(recipients),
    )


@task()
def notify_reconsideration_outcome(reconsideration_id: int) -> None:
    """Tell the referrer who asked that the reconsideration has been decided (they read it in the service)."""
    asked = ReconsiderationRequest.objects.select_related("decision__referral__created_by").get(pk=reconsideration_id)
    referral = asked.decision.referral
    referrer = referral.created_by
    if asked.requester_kind != RequesterKind.REFERRER or referrer is None or not referrer.is_active:
        return
    _send(
        f"Reconsideration decided: referral {referral.reference}",
        f"The panel has reconsidered its decision on referral {referral.reference}, as you asked. "
        "The panel coordinator will send you the outcome letter. You can follow the referral under "
        f"'Your referrals':\n\n{absolute_url(reverse('referrals:mine'))}",
        [referrer.email],
    )
