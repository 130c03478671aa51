"""The guardian's role and seat are named as the site's nation names them (issue 13 item 2, ADR 0027).

The role (`access.roles.Role.ICTG`), the agency (`panels.Agency.ICTG`) and the way of attending
(`panels.AttendsAs.ICTG`) are stored as codes with England and Wales's labels. Wherever a page names them for a
site in Scotland or Northern Ireland (site administration, the user's own account and home page, the panel's
members, a sitting's attendees), it says the nation's guardian, never the Independent Child Trafficking Guardian.
"""

from __future__ import annotations

import pytest
from django.urls import reverse
from markupsafe import escape

from childnrm.accounts import nations
from childnrm.accounts.models import Nation, Role, User
from childnrm.accounts.tests.test_nations import never_english
from childnrm.panels.models import AttendsAs
from childnrm.panels.tests.samples import sample_meeting
from conftest import demo_user, signed_in

pytestmark = pytest.mark.django_db

GUARDIAN = {
    Nation.SCOTLAND: "Guardian from the Scottish Guardianship Service",
    Nation.NORTHERN_IRELAND: "Independent Guardian",
}
SERVICE = {Nation.SCOTLAND: "Scottish Guardianship Service", Nation.NORTHERN_IRELAND: "Independent Guardian Service"}


def _pages(site) -> dict[str, str]:
    guardian = demo_user(Role.ICTG)
    admin = signed_in(demo_user(Role.SITE_ADMIN))
    coordinator = signed_in(demo_user(Role.COORDINATOR))
    own = signed_in(guardian)
    meeting = sample_meeting(site.slug)
    meeting.attendees.get_or_create(user=guardian, defaults={"agency": "ictg", "attends_as": AttendsAs.ICTG})
    urls = {
        "site users": (admin, reverse("accounts:site-user-list", args=[site.slug])),
        "add a user": (admin, reverse("accounts:site-user-add", args=[site.slug])),
        "the guardian's roles": (admin, reverse("accounts:site-user-detail", args=[site.slug, guardian.pk])),
        "their account": (own, reverse("accounts:account")),
        "their home page": (own, reverse("core:home")),
        "panel members": (coordinator, reverse("panels:members")),
        "add a member": (coordinator, reverse("panels:member-add")),
        "a sitting": (coordinator, reverse("panels:meeting", args=[meeting.pk])),
    }
    pages = {}
    for name, (client, url) in urls.items():
        response = client.get(url)
        assert response.status_code == 200, name
        pages[name] = response.content.decode()
    return pages


def test_a_scottish_or_northern_irish_site_names_its_own_guardian(scottish_or_northern_irish_site):
    site = scottish_or_northern_irish_site
    nation = site.nation
    pages = _pages(site)
    people = list(User.objects.values_list("full_name", flat=True))  # the demo's guardian is named after the role
    for page in pages.values():
        for name in people:
            page = page.replace(str(escape(name)), "")
        never_english(page)
    for name in ("site users", "add a user", "the guardian's roles", "their account", "their home page"):
        assert GUARDIAN[nation] in pages[name], name
    assert SERVICE[nation] in pages["panel members"] and SERVICE[nation] in pages["add a member"]
    assert f"{GUARDIAN[nation]} (no vote)" in pages["panel members"]
    assert f"{GUARDIAN[nation]} (no vote)" in pages["a sitting"]


def test_england_keeps_the_independent_child_trafficking_guardian(site):
    pages = _pages(site)
    for name in ("site users", "add a user", "the guardian's roles", "their account", "their home page"):
        assert "Independent Child Trafficking Guardian" in pages[name], name
    assert "Independent Child Trafficking Guardian (no vote)" in pages["panel members"]
    assert all(text not in page for page in pages.values() for text in SERVICE.values())


def test_a_role_is_labelled_by_the_nation_and_any_other_role_as_it_is():
    assert nations.role_label(Role.ICTG, Nation.NORTHERN_IRELAND) == "Independent Guardian"
    assert nations.role_label(Role.ICTG, Nation.WALES) == "Independent Child Trafficking Guardian"
    assert nations.role_label(Role.COORDINATOR, Nation.SCOTLAND) == "Panel coordinator"
