"""The case review page's section on sharing its learning: the review's summaries for the learning log.

Case reviews sit below this app (.importlinter), so their page shows this section through a template function
registered in apps.py: `{{ review_summary_panel(review) }}`.
"""

from __future__ import annotations

from typing import Any

import jinja2
from markupsafe import Markup

from childnrm.access.policy import Perm, has_perm
from childnrm.kit.jinja2 import render_include
from childnrm.learning.models import VersionStatus
from childnrm.learning.selectors import may_follow_summaries, summaries_of_review


@jinja2.pass_context
def review_summary_panel(context: jinja2.runtime.Context, review: Any) -> Markup:
    user = getattr(context.get("request"), "user", None)
    if user is None or not may_follow_summaries(user, review.site_id):
        return Markup("")
    summaries = list(summaries_of_review(review.pk))
    data = {
        "review": review,
        "latest": summaries[0] if summaries else None,
        "published": next((s for s in summaries if s.status == VersionStatus.APPROVED), None),
        "may_write": has_perm(user, Perm.CASE_REVIEW_MANAGE, review.site_id),
    }
    return render_include(context, "learning/includes/review_summary_panel.html", data)
