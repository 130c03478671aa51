"""Referrals made the way a first responder makes them: through the services, never by writing rows.

The makers live in `referrals.demo` and `triage.demo` (the demo cases use them too); this adds what only
tests need.
"""

from __future__ import annotations

from childnrm.core.tests.samples import sample_cache
from childnrm.referrals.demo import complete_answers as complete_answers
from childnrm.referrals.demo import years_ago as years_ago
from childnrm.referrals.models import Referral
from childnrm.triage.demo import backdate as backdate
from childnrm.triage.demo import submitted_referral

_samples: dict[str, str] = sample_cache()


def sample_referral_reference(site_slug: str) -> str:
    """A submitted referral of the site, made once per test (the cache is checked against the database)."""
    reference = _samples.get(site_slug)
    if reference is None or not Referral.objects.filter(reference=reference, site__slug=site_slug).exists():
        reference = submitted_referral(site_slug).reference
        _samples[site_slug] = reference
    return reference
