"""A link from a child's record to the child's safeguarding, shown only to those who may see it.

On the child's page: `{{ safeguarding_link(child) }}`. Registered in apps.py.
"""

from __future__ import annotations

from typing import Any

import jinja2
from markupsafe import Markup

from childnrm.kit.jinja2 import render_include
from childnrm.safeguarding.selectors import active_plan_summary, may_see_safeguarding


@jinja2.pass_context
def safeguarding_link(context: jinja2.runtime.Context, child: Any) -> Markup:
    user = getattr(context.get("request"), "user", None)
    if user is None or not may_see_safeguarding(user, child):
        return Markup("")
    plan = active_plan_summary(child)
    data = {"show": True, "child": child, "plan": plan, "overdue": plan.overdue if plan else 0}
    return render_include(context, "safeguarding/includes/child_link.html", data)
