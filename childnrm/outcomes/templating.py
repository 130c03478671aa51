"""A link from a child's record to the child's outcome reviews, shown only to those who may see them.

On the child's page: `{{ outcome_reviews_link(child) }}`. Registered in apps.py.
"""

from __future__ import annotations

from typing import Any

import jinja2
from django.utils import timezone
from markupsafe import Markup

from childnrm.kit.jinja2 import render_include
from childnrm.outcomes import services
from childnrm.outcomes.selectors import followed_children, reviews_of


@jinja2.pass_context
def outcome_reviews_link(context: jinja2.runtime.Context, child: Any) -> Markup:
    user = getattr(context.get("request"), "user", None)
    if user is None or not followed_children(user).filter(pk=child.pk).exists():
        return Markup("")
    today = timezone.localdate()
    states = [services.review_state(r, today) for r in reviews_of(child)]
    data = {
        "child": child,
        "scheduled": bool(states),
        "overdue": states.count(services.ReviewState.OVERDUE),
        "due": states.count(services.ReviewState.DUE),
    }
    return render_include(context, "outcomes/includes/child_link.html", data)
