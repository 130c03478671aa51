"""Background tasks for referrals. Emails carry the reference only: no personal data in subjects."""

from __future__ import annotations

from django.core.mail import send_mail
from django.urls import reverse
from django_tasks import task

from childnrm.accounts.models import Role, User
from childnrm.referrals.models import Referral


@task()
def notify_referral_submitted(referral_id: int) -> None:
    referral = Referral.objects.select_related("site").get(pk=referral_id)
    if referral.referrer_email:
        send_mail(
            subject=f"Referral {referral.reference} received",
            message=(
                f"Thank you. We have received your referral {referral.reference}.\n\n"
                f"You can follow its progress in Child NRM Panels under 'Your referrals' "
                f"({reverse('referrals:mine')}).\n\nDo not reply to this email."
            ),
            from_email=None,
            recipient_list=[referral.referrer_email],
        )
    if referral.site_id is None:
        return
    coordinators = User.objects.filter(
        memberships__site_id=referral.site_id,
        memberships__role=Role.COORDINATOR,
        memberships__active=True,
        is_active=True,
    ).values_list("email", flat=True)
    if coordinators:
        send_mail(
            subject=f"New referral {referral.reference} for {referral.site.name}",
            message=(
                f"A new referral, {referral.reference}, is waiting for triage in your queue "
                f"({reverse('referrals:queue')})."
            ),
            from_email=None,
            recipient_list=sorted(set(coordinators)),
        )
