"""Template functions for a child's record page: the records linked to it as the same child."""

from __future__ import annotations

from typing import Any

import jinja2

from childnrm.access.policy import Perm, has_perm
from childnrm.people import selectors


@jinja2.pass_context
def linkage_for(context: jinja2.runtime.Context, child: Any) -> dict:
    """{"links": [(when linked, other record's reference)], "through": [(record, through record or None)],
    "national": [(other site's name, when confirmed)], "can_link": bool} for the signed-in user
    (`selectors.same_child_records`).

    Only references of linked records the user may open are listed (no names: opening one is audited). Records
    at other sites confirmed as the same child (the national sweep's review) are told to the coordinator only,
    by the other site's name: never the record.
    """
    user = context.get("user")
    if user is None or not getattr(user, "is_authenticated", False):
        return {"links": [], "through": [], "national": [], "can_link": False}
    links, through = selectors.same_child_records(user, child)
    can_link = has_perm(user, Perm.CHILD_LINK, child.site_id)
    national = selectors.confirmed_at_other_sites(child) if can_link else []
    return {"links": links, "through": through, "national": national, "can_link": can_link}
