"""Decided children with their outcome follow-up, made the way the service makes them (see outcomes.demo)."""

from __future__ import annotations

from childnrm.core.tests.samples import sample_cache
from childnrm.outcomes.demo import REVIEW_ANSWERS as REVIEW_ANSWERS
from childnrm.outcomes.demo import allocate_guardian as allocate_guardian
from childnrm.outcomes.demo import decided_child as decided_child
from childnrm.outcomes.demo import missing_episode as missing_episode
from childnrm.outcomes.demo import record_review as record_review

_samples: dict[str, int] = sample_cache()


def sample_decision(site_slug: str):
    """A final decision about a child whose guardian is the site's demo guardian, made once per test."""
    from childnrm.decisions.models import Decision, DecisionStatus

    pk = _samples.get(site_slug)
    # A pk cached by an earlier test may name another record in this one: check it is still the sample.
    decision = (
        Decision.objects.filter(pk=pk, referral__site__slug=site_slug, status=DecisionStatus.FINAL).first()
        if pk
        else None
    )
    if decision is None:
        decision = decided_child(site_slug)
        _samples[site_slug] = decision.pk
    return decision
