"""The child's case timeline on the child's page (people cannot import the stages above it).

`{% load case_timeline %}{% case_timeline child %}`: shown to those who see every case of the child's
site; each event links to its page only where the viewer may open it (dashboard.timeline).
"""

from __future__ import annotations

from django import template

from childnrm.access.policy import Perm, has_perm
from childnrm.dashboard.timeline import case_timeline as build_timeline

register = template.Library()


@register.inclusion_tag("dashboard/includes/timeline.html", takes_context=True)
def case_timeline(context, child) -> dict:
    request = context.get("request")
    user = getattr(request, "user", None)
    if user is None or not has_perm(user, Perm.CHILD_VIEW_SITE, child.site_id):
        return {"show": False}
    return {"show": True, "events": build_timeline(child, user)}
