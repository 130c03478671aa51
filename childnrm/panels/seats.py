"""A seat on the panel for someone given the panel member role (issue 9): the role alone puts nobody on the panel.

On the site administrator's page for a user (accounts, which may not import panels): `{{ panel_seat_offer(site,
member) }}` says whether they sit on the panel and, if they hold the role without a seat, offers one to whoever may
give it (`services.may_give_seat`); nothing for anyone else, so the link never leads to a refusal. The offer's page
is `views_seats.seat_offer`. Registered in apps.py.
"""

from __future__ import annotations

from typing import Any

import jinja2
from markupsafe import Markup

from childnrm.accounts.models import Membership, Role
from childnrm.kit.jinja2 import render_include
from childnrm.panels import services
from childnrm.panels.models import AttendsAs, PanelMember


def suggested_seat(member_user) -> dict[str, str]:
    """The seat their organisation suggests: its agency, attending as a member (a guardian as a guardian)."""
    organisation = getattr(member_user, "organisation", None)
    agency = services.ORGANISATION_AGENCY.get(organisation.type, "") if organisation is not None else ""
    attends_as = AttendsAs.ICTG if agency == "ictg" else AttendsAs.MEMBER
    return {"agency": agency, "attends_as": attends_as}


@jinja2.pass_context
def panel_seat_offer(context: jinja2.runtime.Context, site: Any, member: Any) -> Markup:
    user = getattr(context.get("request"), "user", None)
    if (
        user is None
        or not Membership.objects.filter(site=site, user=member, role=Role.PANEL_MEMBER, active=True).exists()
    ):
        return Markup("")
    seat = PanelMember.objects.filter(site=site, user=member, active=True).first()
    may_give = seat is None and services.may_give_seat(user, site.pk, member)
    if seat is None and not may_give:
        return Markup("")
    return render_include(context, "panels/includes/seat_offer.html", {"site": site, "member": member, "seat": seat})
