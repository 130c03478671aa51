"""Scoped reads for the API: an organisation's system sees only its organisation's referrals."""

from __future__ import annotations

import re

from django.db.models import Prefetch, QuerySet
from django.http import Http404

from childnrm.accounts.models import Organisation
from childnrm.referrals.models import Referral, ReferralStatus
from childnrm.triage.models import TriageAssessment

REFERENCE_PATTERN = re.compile(r"^NRM-[A-Z0-9]{8}$")


def referrals_of_organisation(organisation: Organisation) -> QuerySet[Referral]:
    """Submitted referrals made by `organisation` (through the API or by its staff), newest first."""
    return (
        Referral.objects.filter(referrer_organisation=organisation)
        .exclude(status=ReferralStatus.DRAFT)
        .select_related("site")
        .prefetch_related(
            Prefetch("triage_assessments", queryset=TriageAssessment.objects.order_by("-assessed_at", "-id"))
        )
        .order_by("-submitted_at", "-id")
    )


def referral_of_organisation(organisation: Organisation, reference: str) -> Referral:
    """One of the organisation's referrals; anyone else's (or no such reference) is a 404."""
    if not REFERENCE_PATTERN.match(reference):
        raise Http404
    referral = referrals_of_organisation(organisation).filter(reference=reference).first()
    if referral is None:
        raise Http404
    return referral


def latest_assessment(referral: Referral) -> TriageAssessment | None:
    """The newest triage assessment, from the prefetched rows when there are any (no query per row)."""
    assessments = list(referral.triage_assessments.all())
    return assessments[0] if assessments else None
