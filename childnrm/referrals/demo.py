"""Referrals made the way a first responder makes them, through the services, never by writing rows.

The demo cases (`core.demo_cases`, loaded by `manage.py seed_demo`) are made with these, and so are the
tests' (`referrals.tests.factories`).
"""

from __future__ import annotations

import itertools
from datetime import date, datetime, time, timedelta
from typing import Any

from django.utils import timezone

from childnrm.accounts.models import Role, Site
from childnrm.people.demo import FAMILY, GIVEN, demo_email
from childnrm.people.models import Sex
from childnrm.referrals import eligibility
from childnrm.referrals.models import Referral, ReferralStatusChange, TriageAssessment
from childnrm.referrals.services import referral_save, referral_start, referral_submit
from childnrm.referrals.vocab import ExploitationLocation, ExploitationType, Indicator

_names = itertools.count()


def years_ago(years: int, today: date | None = None) -> date:
    today = today or timezone.localdate()
    try:
        return today.replace(year=today.year - years)
    except ValueError:  # 29 February
        return today.replace(year=today.year - years, day=28)


def complete_answers(site: Site) -> dict[str, Any]:
    """Answers to every question a referral must have, for a 14-year-old living in the site's first area."""
    n = next(_names)
    return {
        "given_names": GIVEN[n % len(GIVEN)],
        "family_name": FAMILY[(n * 7 + 3) % len(FAMILY)],
        "date_of_birth": years_ago(14),
        "sex": Sex.MALE,
        "nationalities": ["GB"],
        "languages": ["en"],
        "interpreter_needed": False,
        "ethnicity": "white_british",
        "residence_local_authority": site.local_authorities.order_by("pk").first(),
        "found_location": "A railway station",
        "exploitation_types": [ExploitationType.CRIMINAL],
        "county_lines": True,
        "exploitation_location": ExploitationLocation.UK,
        "account": "Found carrying drugs for older men who paid in cash and food; says he owes them money.",
        "indicators": [Indicator.GOING_MISSING, Indicator.DEBT_BONDAGE],
        "ictg_referral_made": True,
        "child_in_need": True,
        "referrer_phone": "01632 960000",
    }


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
    Referral.objects.filter(pk=referral.pk).update(submitted_at=at)
    referral.refresh_from_db()
    ReferralStatusChange.objects.filter(referral=referral).update(at=at)
    assessment = referral.triage_assessments.first()
    fresh = eligibility.assess(referral, receiving_site=referral.site)
    TriageAssessment.objects.filter(pk=assessment.pk).update(
        outcome=fresh.outcome, reasons=fresh.reasons, assessed_at=at + timedelta(minutes=1)
    )
    return referral
