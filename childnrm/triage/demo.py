"""Submitted referrals for demo cases and tests: made as a first responder makes them, through the services.

Submitting triages the referral (the engine's first assessment); `backdate` moves a submission to an
earlier day and applies the engine again as of that day, so the clocks and outcomes are those of that day.
"""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from typing import Any

from django.utils import timezone

from childnrm.accounts.models import Role, Site
from childnrm.people.demo import demo_email
from childnrm.referrals.demo import complete_answers
from childnrm.referrals.models import Referral, ReferralStatusChange, working_eighteenth_birthday
from childnrm.referrals.services import referral_save, referral_start, referral_submit
from childnrm.triage import eligibility
from childnrm.triage.models import TriageAssessment
from childnrm.triage.standing import refresh_outcomes


def submitted_referral(site_slug: str, *, submitted_on: date | None = None, **overrides: Any) -> Referral:
    """A referral submitted by the site's demo first responder with complete answers (and any overrides).

    `submitted_on` backdates the submission (the clocks run from it); the engine is applied as of that day.
    """
    site = Site.objects.get(slug=site_slug)
    user = site.memberships.get(role=Role.FIRST_RESPONDER, user__email=demo_email(Role.FIRST_RESPONDER, site_slug)).user
    referral = referral_start(user=user)
    referral = referral_save(referral=referral, user=user, data={**complete_answers(site), **overrides})
    referral = referral_submit(referral=referral, user=user)
    if submitted_on is not None:
        referral = backdate(referral, submitted_on)
    return referral


def backdate(referral: Referral, submitted_on: date) -> Referral:
    """Move a submission to an earlier day (at 10:00 UK time), re-applying the engine as of that day."""
    at = timezone.make_aware(datetime.combine(submitted_on, time(10, 0)))
    # An update sends no save(): the stored 18th birthday moves with the day of referral (an estimated age).
    turns_18_on = working_eighteenth_birthday(referral.date_of_birth, referral.estimated_age_years, at)
    # Started three quarters of an hour before it was sent, and not changed since: its page says so.
    Referral.objects.filter(pk=referral.pk).update(
        submitted_at=at, turns_18_on=turns_18_on, created_at=at - timedelta(minutes=45), updated_at=at
    )
    referral.refresh_from_db()
    ReferralStatusChange.objects.filter(referral=referral).update(at=at)
    assessment = referral.triage_assessments.first()
    if assessment is None:
        raise ValueError(f"Referral {referral.reference} has no assessment: backdate it once it has been submitted")
    fresh = eligibility.assess(referral, receiving_site=referral.site)
    TriageAssessment.objects.filter(pk=assessment.pk).update(
        outcome=fresh.outcome, reasons=fresh.reasons, assessed_at=at + timedelta(minutes=1)
    )
    # Written with the ORM, not through the services: who decides, as the referral keeps it, from the table.
    refresh_outcomes(Referral.objects.filter(pk=referral.pk))
    referral.refresh_from_db(fields=["standing_triage_outcome"])
    return referral
