"""The site administrator's pages: a short description under each role, and giving someone the panel member role
offers them a seat on the panel, given through the panels service (issue 9, item 7)."""

from __future__ import annotations

import html

import pytest
from django.core.exceptions import PermissionDenied
from django.urls import reverse

from childnrm.access.roles import ROLE_DESCRIPTIONS
from childnrm.accounts.models import Membership, Organisation, Role, Site, User
from childnrm.audit.models import AuditEvent
from childnrm.panels import services
from childnrm.panels.models import Agency, AttendsAs, PanelMember
from conftest import demo_user

pytestmark = pytest.mark.django_db


def _officer(site: Site, *roles: str) -> User:
    user = User.objects.create_user(
        "dc.okafor@police.example",
        None,
        full_name="Dee Okafor",
        organisation=Organisation.objects.get(name="Northbridge Police"),
    )
    for role in roles:
        Membership.objects.create(user=user, site=site, role=role)
    return user


def test_every_role_is_described_under_its_box(client_as, site):
    assert set(ROLE_DESCRIPTIONS) == set(Role)
    admin = client_as(Role.SITE_ADMIN)
    member = demo_user(Role.PANEL_MEMBER)
    for url in (
        reverse("accounts:site-user-add", args=[site.slug]),
        reverse("accounts:site-user-detail", args=[site.slug, member.pk]),
    ):
        page = html.unescape(admin.get(url).content.decode())
        for role in Role:
            assert ROLE_DESCRIPTIONS[role] in page, (url, role)


def test_giving_the_panel_member_role_offers_a_seat_and_gives_it(client_as, site):
    officer = _officer(site, Role.FIRST_RESPONDER)
    admin = client_as(Role.SITE_ADMIN)
    detail = reverse("accounts:site-user-detail", args=[site.slug, officer.pk])
    offer = reverse("panels:seat-offer", args=[site.slug, officer.pk])
    assert offer not in admin.get(detail).content.decode()  # no role, no offer

    response = admin.post(detail, {"roles": [Role.FIRST_RESPONDER, Role.PANEL_MEMBER]})
    assert response.status_code == 302 and response["Location"] == detail
    page = admin.get(detail).content.decode()
    assert f'href="{offer}"' in page and "does not sit on the panel yet" in page

    form = admin.get(offer)
    assert form.status_code == 200
    # Their organisation suggests the seat: a police officer speaks for the police, with a vote.
    assert form.context["form"].initial == {"agency": Agency.POLICE, "attends_as": AttendsAs.MEMBER, "voting": "yes"}
    response = admin.post(offer, {"agency": Agency.POLICE, "attends_as": AttendsAs.MEMBER, "voting": "yes"})
    assert response.status_code == 302 and response["Location"] == detail

    seat = PanelMember.objects.get(site=site, user=officer)
    assert seat.active and seat.voting and seat.agency == Agency.POLICE
    assert seat.added_by == demo_user(Role.SITE_ADMIN)
    event = AuditEvent.objects.get(object_type="panels.panelmember", object_id=str(seat.pk), action="create")
    assert event.purpose == "Giving a panel member their seat on the panel"
    page = admin.get(detail).content.decode()
    assert "sits on the panel for police, with a vote" in page and offer not in page
    # Offered again once seated: sent back, nothing added.
    assert admin.get(offer)["Location"] == detail
    assert PanelMember.objects.filter(site=site, user=officer).count() == 1


def test_a_new_user_given_the_role_lands_on_their_page_with_the_offer(client_as, site):
    admin = client_as(Role.SITE_ADMIN)
    response = admin.post(
        reverse("accounts:site-user-add", args=[site.slug]),
        {
            "full_name": "Ana Costa",
            "email": "ana.costa@police.example",
            "organisation": Organisation.objects.get(name="Northbridge Police").pk,
            "roles": [Role.PANEL_MEMBER],
        },
    )
    user = User.objects.get(email="ana.costa@police.example")
    assert response["Location"] == reverse("accounts:site-user-detail", args=[site.slug, user.pk])
    assert reverse("panels:seat-offer", args=[site.slug, user.pk]) in admin.get(response["Location"]).content.decode()


def test_a_seat_the_rules_refuse_is_explained_on_the_form(client_as, site):
    officer = _officer(site, Role.PANEL_MEMBER)
    response = client_as(Role.SITE_ADMIN).post(
        reverse("panels:seat-offer", args=[site.slug, officer.pk]),
        {"agency": Agency.HEALTH, "attends_as": AttendsAs.MEMBER, "voting": "yes"},
    )
    assert response.status_code == 200
    assert "Only someone from a health body can hold the health vote" in html.unescape(response.content.decode())
    assert not PanelMember.objects.filter(user=officer).exists()


def test_the_administrator_seats_only_people_given_the_role_at_their_site(client_as, site, other_site):
    officer = _officer(site, Role.FIRST_RESPONDER)
    admin_user, admin = demo_user(Role.SITE_ADMIN), client_as(Role.SITE_ADMIN)
    assert admin.get(reverse("panels:seat-offer", args=[site.slug, officer.pk])).status_code == 404
    with pytest.raises(PermissionDenied):
        services.panel_member_add(
            site=site, user=admin_user, member_user=officer, agency=Agency.POLICE, attends_as="member", voting=True
        )
    # Another site's panel member: not theirs to seat.
    theirs = demo_user(Role.PANEL_MEMBER, "three-rivers")
    assert admin.get(reverse("panels:seat-offer", args=[other_site.slug, theirs.pk])).status_code == 404
    # Nor may anyone without the permission, whatever the role.
    assert client_as(Role.CHAIR).get(reverse("panels:seat-offer", args=[site.slug, officer.pk])).status_code == 403
