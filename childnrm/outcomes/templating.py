"""A link from a child's record to the child's outcome reviews, shown only to those who may see them.

On the child's page: `{{ outcome_reviews_link(child) }}`. Registered in apps.py.
"""

from __future__ import annotations

from typing import Any

import jinja2
from django.utils import timezone
from markupsafe import Markup

from childnrm.access.policy import Perm, has_perm
from childnrm.kit.jinja2 import render_include
from childnrm.outcomes import services
from childnrm.outcomes.models import OutcomeReview
from childnrm.outcomes.selectors import followed_children


def _follows(user, child: Any) -> bool:
    """Whether `child` is one of followed_children(user): the site's coordinator oversees every child of the site,
    which the policy answers without a query (its memberships are read once per request)."""
    if has_perm(user, Perm.OUTCOME_VIEW_SITE, child.site_id):
        return True
    return followed_children(user).filter(pk=child.pk).exists()


@jinja2.pass_context
def outcome_reviews_link(context: jinja2.runtime.Context, child: Any) -> Markup:
    user = getattr(context.get("request"), "user", None)
    if user is None or not _follows(user, child):
        return Markup("")
    today = timezone.localdate()
    # Only what a review's state reads (services.review_state), not the rows and who recorded them.
    reviews = OutcomeReview.objects.filter(child_id=child.pk).only("due_on", "recorded_at")
    states = [services.review_state(r, today) for r in reviews]
    data = {
        "child": child,
        "scheduled": bool(states),
        "overdue": states.count(services.ReviewState.OVERDUE),
        "due": states.count(services.ReviewState.DUE),
    }
    return render_include(context, "outcomes/includes/child_link.html", data)
