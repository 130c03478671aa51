"""Who may use the decision routes (see access/tests/test_access_matrix.py).

The sample decision is a draft at a sitting in session chaired by the site's demo chair, with one piece
of evidence, health's record that it holds nothing relevant and one vote: the coordinator reaches every
decision of the site, the chair those of the sittings they chair.
"""

from childnrm.accounts.models import Role
from childnrm.core.tests.samples import sample_cache

RECORDERS = {Role.COORDINATOR, Role.CHAIR}

EXPECTED = {
    "decisions:index": RECORDERS,
    "decisions:start": RECORDERS,
    "decisions:detail": RECORDERS,
    "decisions:record": RECORDERS,
    "decisions:evidence": RECORDERS,
    "decisions:evidence-remove": RECORDERS,
    "decisions:nil-return": RECORDERS,
    "decisions:nil-return-remove": RECORDERS,
    "decisions:section-act": RECORDERS,
    "decisions:section-purpose": RECORDERS,
    "decisions:section-exploitation": RECORDERS,
    "decisions:section-credibility": RECORDERS,
    "decisions:section-wishes": RECORDERS,
    "decisions:section-outcome": RECORDERS,
    "decisions:section-best-interests": RECORDERS,
    "decisions:section-plan": RECORDERS,
    "decisions:votes": RECORDERS,
    "decisions:vote-remove": RECORDERS,
    "decisions:casting-vote": {Role.CHAIR},
    "decisions:tie-defer": RECORDERS,
    "decisions:finalise": {Role.CHAIR},
    "decisions:correct": RECORDERS,
    "decisions:correction-abandon": {Role.COORDINATOR},  # whoever runs the panel
    "decisions:second-review": {Role.CHAIR},
    "decisions:export-json": RECORDERS,
    "decisions:export-pdf": RECORDERS,
}

_samples: dict[str, int] = sample_cache()


def _sample_decision(site_slug: str):
    from childnrm.decisions.models import Decision

    pk = _samples.get(site_slug)
    decision = Decision.objects.filter(pk=pk, referral__site__slug=site_slug).first() if pk is not None else None
    if decision is None:
        from childnrm.decisions.tests.factories import sample_decision

        decision = sample_decision(site_slug)
        _samples[site_slug] = decision.pk
    return decision


SAMPLES = {
    "decision_id": lambda site_slug: _sample_decision(site_slug).pk,
    "evidence_id": lambda site_slug: _sample_decision(site_slug).evidence.order_by("pk").first().pk,
    "vote_id": lambda site_slug: _sample_decision(site_slug).votes.order_by("pk").first().pk,
    "nil_return_id": lambda site_slug: _sample_decision(site_slug).nil_returns.order_by("pk").first().pk,
}
