"""Cases with time on them, made the way the service makes them (see burdens.demo)."""

from __future__ import annotations

from datetime import date, timedelta

from django.utils import timezone

from childnrm.accounts.models import User
from childnrm.core.tests.samples import sample_cache
from childnrm.decisions.models import Decision, DecisionStatus
from childnrm.decisions.tests.factories import final_decision
from childnrm.panels.demo import accepted_referral
from childnrm.people.demo import demo_email

_samples: dict[str, int] = sample_cache()


def demo(role: str, site_slug: str = "northbridge") -> User:
    return User.objects.get(email=demo_email(role, site_slug))


def decided_case(site_slug: str = "northbridge", *, decided_on: date | None = None) -> Decision:
    """A final positive reasonable grounds decision, with its plan, taken at its own sitting (still in session)
    where the site's chair, panel members, guardian and adviser are present: all of them work on the case. The
    case was referred a fortnight before the decision."""
    decided_on = decided_on or timezone.localdate()
    referral = accepted_referral(site_slug, submitted_on=decided_on - timedelta(days=14))
    return final_decision(site_slug, decided_on=decided_on, referral=referral)


def sample_decided_case(site_slug: str) -> Decision:
    """`decided_case` made once per test (the access matrix's sample)."""
    pk = _samples.get(site_slug)
    decision = (
        Decision.objects.filter(pk=pk, referral__site__slug=site_slug, status=DecisionStatus.FINAL).first()
        if pk
        else None
    )
    if decision is None:
        decision = decided_case(site_slug)
        _samples[site_slug] = decision.pk
    return decision
