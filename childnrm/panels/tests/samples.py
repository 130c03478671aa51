"""Sample records for the access matrix: the site's demo meeting, a case on its agenda, a panel seat."""

from __future__ import annotations

from childnrm.accounts.models import Role
from childnrm.panels.demo import DEMO_LOCATION
from childnrm.panels.models import AgendaItem, Meeting, PanelMember
from childnrm.people.demo import demo_email


def sample_meeting(site_slug: str) -> Meeting:
    return Meeting.objects.filter(site__slug=site_slug, location=DEMO_LOCATION).order_by("pk").first()


def sample_item(site_slug: str) -> AgendaItem:
    meeting = sample_meeting(site_slug)
    item = meeting.agenda_items.order_by("pk").first()
    if item is None:
        from childnrm.panels.tests.factories import accepted_referral, add_to_agenda

        item = add_to_agenda(meeting, accepted_referral(site_slug))
    return item


def sample_member(site_slug: str) -> PanelMember:
    return PanelMember.objects.get(site__slug=site_slug, user__email=demo_email(Role.PANEL_MEMBER, site_slug))
