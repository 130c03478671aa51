"""The child's case timeline on the child's page (people cannot import the stages above it).

`{{ case_timeline(child) }}`: shown to those who see every case of the child's site; each event
links to its page only where the viewer may open it (dashboard.timeline). Registered in apps.py.
"""

from __future__ import annotations

from typing import Any

import jinja2
from markupsafe import Markup

from childnrm.access.policy import Perm, has_perm
from childnrm.dashboard.timeline import case_timeline as build_timeline
from childnrm.kit.jinja2 import render_include


@jinja2.pass_context
def case_timeline(context: jinja2.runtime.Context, child: Any) -> Markup:
    user = getattr(context.get("request"), "user", None)
    if user is None or not has_perm(user, Perm.CHILD_VIEW_SITE, child.site_id):
        return Markup("")
    return render_include(
        context, "dashboard/includes/timeline.html", {"show": True, "events": build_timeline(child, user)}
    )
