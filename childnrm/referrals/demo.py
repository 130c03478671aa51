"""A first responder's answers for demo and test referrals, saved through the services, never by writing rows.

Submitted referrals (triaged as they are sent) are made by `triage.demo`; the demo cases (`core.demo_cases`,
loaded by `manage.py seed_demo`) use both, and so do the tests' (`referrals.tests.factories`).
"""

from __future__ import annotations

import itertools
from datetime import date, timedelta
from typing import Any

from django.utils import timezone

from childnrm.accounts.models import Site
from childnrm.people.demo import FAMILY, GIVEN
from childnrm.people.models import Sex
from childnrm.referrals.vocab import ExploitationLocation, ExploitationType, Indicator

_names = itertools.count()


def years_ago(years: int, today: date | None = None, *, days: int = 0) -> date:
    """The birthday of someone `years` old today (and `days` more: a demo child is not born on today's date)."""
    today = today or timezone.localdate()
    try:
        born = today.replace(year=today.year - years)
    except ValueError:  # 29 February
        born = today.replace(year=today.year - years, day=28)
    return born - timedelta(days=days)


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
