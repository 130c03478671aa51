"""A link from a child's record to the child's safeguarding, shown only to those who may see it.

On the child's page: `{{ safeguarding_link(child) }}`. Registered in apps.py.
"""

from __future__ import annotations

from typing import Any

import jinja2
from django.utils import timezone
from markupsafe import Markup

from childnrm.kit.jinja2 import render_include
from childnrm.safeguarding.models import OPEN_ACTION_STATUSES, PlanStatus
from childnrm.safeguarding.selectors import safeguarding_children_for


@jinja2.pass_context
def safeguarding_link(context: jinja2.runtime.Context, child: Any) -> Markup:
    user = getattr(context.get("request"), "user", None)
    if user is None or not safeguarding_children_for(user).filter(pk=child.pk).exists():
        return Markup("")
    plan = child.safeguarding_plans.filter(status=PlanStatus.ACTIVE).first()
    overdue = (
        plan.actions.filter(status__in=OPEN_ACTION_STATUSES, due_on__lt=timezone.localdate()).count() if plan else 0
    )
    data = {"show": True, "child": child, "plan": plan, "overdue": overdue}
    return render_include(context, "safeguarding/includes/child_link.html", data)
