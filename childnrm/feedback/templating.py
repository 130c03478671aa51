"""A link from a child's record to the child's feedback, shown only to those who may see it.

On the child's page: `{{ child_feedback_link(child) }}`. Registered in apps.py.
"""

from __future__ import annotations

from typing import Any

import jinja2
from markupsafe import Markup

from childnrm.access.policy import Perm, has_perm
from childnrm.feedback.selectors import feedback_children, may_gather
from childnrm.kit.jinja2 import render_include


def _sees_feedback(user, child: Any) -> bool:
    """Whether `child` is one of feedback_children(user): the site's coordinator sees every child's feedback at the
    site, which the policy answers without a query (its memberships are read once per request)."""
    if has_perm(user, Perm.FEEDBACK_VIEW_SITE, child.site_id):
        return True
    return feedback_children(user).filter(pk=child.pk).exists()


@jinja2.pass_context
def child_feedback_link(context: jinja2.runtime.Context, child: Any) -> Markup:
    user = getattr(context.get("request"), "user", None)
    if user is None or not _sees_feedback(user, child):
        return Markup("")
    answered = child.feedback_sessions.filter(answered_at__isnull=False).count()
    data = {"child": child, "answered": answered, "gathers": may_gather(user, child)}
    return render_include(context, "feedback/includes/child_link.html", data)
