"""Template functions panels gives the pages of the apps below it (registered in apps.py).

On the triage page (referrals, which may not import panels): `{{ next_sitting_offer(referral) }}`, the next
step once the case is accepted: "Add to the next sitting's agenda", or a link to schedule one.
"""

from __future__ import annotations

from typing import Any

import jinja2
from markupsafe import Markup

from childnrm.access.policy import Perm, has_perm
from childnrm.kit.jinja2 import render_include
from childnrm.panels import selectors
from childnrm.referrals.models import ReferralStatus


@jinja2.pass_context
def next_sitting_offer(context: jinja2.runtime.Context, referral: Any) -> Markup:
    """Only for someone who runs the agenda of the panel holding the case, once it is accepted there."""
    user = getattr(context.get("request"), "user", None)
    if (
        user is None
        or referral.status != ReferralStatus.ACCEPTED
        or not has_perm(user, Perm.PANEL_MANAGE, referral.site_id)
    ):
        return Markup("")
    stage = selectors.next_agenda_stage(referral)
    if stage is None:
        return Markup("")
    listed = selectors.live_agenda_items_of(referral).first()
    data = {
        "referral": referral,
        "listed": listed,
        "sitting": None if listed else selectors.next_scheduled_sitting(referral.site_id),
    }
    return render_include(context, "panels/includes/next_sitting_offer.html", data)
