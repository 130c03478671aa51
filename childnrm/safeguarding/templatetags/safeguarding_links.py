"""A link from a child's record to the child's safeguarding, shown only to those who may see it.

On the child's page: `{% load safeguarding_links %}{% safeguarding_link child %}`.
"""

from __future__ import annotations

from django import template
from django.utils import timezone

from childnrm.safeguarding.models import OPEN_ACTION_STATUSES, PlanStatus
from childnrm.safeguarding.selectors import safeguarding_children_for

register = template.Library()


@register.inclusion_tag("safeguarding/includes/child_link.html", takes_context=True)
def safeguarding_link(context, child) -> dict:
    request = context.get("request")
    user = getattr(request, "user", None)
    if user is None or not safeguarding_children_for(user).filter(pk=child.pk).exists():
        return {"show": False}
    plan = child.safeguarding_plans.filter(status=PlanStatus.ACTIVE).first()
    overdue = (
        plan.actions.filter(status__in=OPEN_ACTION_STATUSES, due_on__lt=timezone.localdate()).count() if plan else 0
    )
    return {"show": True, "child": child, "plan": plan, "overdue": overdue}
