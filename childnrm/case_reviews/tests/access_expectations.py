"""Who may use the case reviews' routes (see access/tests/test_access_matrix.py), and sample records.

The sample is the site's demo rapid review of an accepted case, with a recommendation and two actions; the
first is owned by the site's demo panel member. A review is its site's alone: the matrix requests every route
on the other site's sample as every role and finds it refused, with nothing of that site's shown.
"""

from __future__ import annotations

from childnrm.accounts.models import Role
from childnrm.core.tests.samples import sample_cache

COORDINATOR = {Role.COORDINATOR}
READERS = {Role.COORDINATOR, Role.CHAIR}
ACTION_OWNERS = {Role.COORDINATOR, Role.CHAIR, Role.PANEL_MEMBER, Role.ADVISER, Role.ICTG}

_samples: dict[str, dict[str, int]] = sample_cache()


def sample(site_slug: str) -> dict[str, int]:
    """Ids of the site's sample review, its first recommendation and first action (made once per test)."""
    from childnrm.case_reviews.demo import demo_review
    from childnrm.case_reviews.models import CaseReview

    ids = _samples.get(site_slug)
    if ids is None or not CaseReview.objects.filter(pk=ids["review"], site__slug=site_slug).exists():
        review = demo_review(site_slug)
        ids = {
            "review": review.pk,
            "recommendation": review.recommendations.order_by("pk").first().pk,
            "action": review.actions.order_by("pk").first().pk,
        }
        _samples[site_slug] = ids
    return ids


EXPECTED = {
    "case_reviews:list": READERS,
    "case_reviews:create": COORDINATOR,
    "case_reviews:my-actions": ACTION_OWNERS,
    "case_reviews:detail": READERS,
    "case_reviews:change": COORDINATOR,
    "case_reviews:status": COORDINATOR,
    "case_reviews:cases-add": COORDINATOR,
    "case_reviews:learning-point-add": COORDINATOR,
    "case_reviews:recommendation-add": COORDINATOR,
    "case_reviews:recommendation-status": COORDINATOR,
    "case_reviews:action-add": COORDINATOR,
    # The action's owner (the demo panel member) besides those who read the review; only they and the coordinator
    # record its progress (another owner at the site, the demo guardian, is refused).
    "case_reviews:action": READERS | {Role.PANEL_MEMBER},
    "case_reviews:action-update": COORDINATOR | {Role.PANEL_MEMBER},
    # Only the coordinator gives an action a new owner (its owner, the demo panel member, does not).
    "case_reviews:action-owner": COORDINATOR,
}
SAMPLES = {
    "case_review_id": lambda site_slug: sample(site_slug)["review"],
    "case_review_recommendation_id": lambda site_slug: sample(site_slug)["recommendation"],
    "case_review_action_id": lambda site_slug: sample(site_slug)["action"],
}
