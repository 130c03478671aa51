"""Demo information requests: one open request to the police force about a case of the site, if any.

Idempotent and cheap (a query or two per site): nothing is added when the site has no case yet or
already has requests.
"""

from __future__ import annotations

from datetime import timedelta

from django.utils import timezone

from childnrm.accounts.models import Role
from childnrm.information.models import InformationRequest, LawfulBasis
from childnrm.panels.models import Agency
from childnrm.referrals.models import Referral, ReferralStatus


def load_demo(*, site, site_users, organisations) -> None:
    if InformationRequest.objects.filter(referral__site=site).exists():
        return
    referral = (
        Referral.objects.filter(site=site, status__in=(ReferralStatus.SUBMITTED, ReferralStatus.ACCEPTED))
        .order_by("pk")
        .first()
    )
    if referral is None:
        return
    InformationRequest.objects.create(
        referral=referral,
        organisation=organisations["police"],
        agency=Agency.POLICE,
        question="What do you know of the adults the child was found with, and of any previous missing episodes?",
        purpose="To decide whether there are reasonable grounds to believe the child is a victim of modern slavery, "
        "and to plan the child's safeguarding.",
        lawful_basis=LawfulBasis.PUBLIC_TASK_SAFEGUARDING,
        due_on=timezone.localdate() + timedelta(days=site.information_request_days),
        requested_by=site_users[Role.COORDINATOR],
    )
