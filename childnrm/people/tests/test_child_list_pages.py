"""The children list's numbered pages: every page shows the children the plain ordered query gives there, in order.

A deep page's ids are read from the nearer end of the list (`selectors.child_list_page`, `kit.pagination`), then its
children by id: these tests walk every page of lists with ties (children recorded at the same moment) and compare
them with the whole ordered query, for a coordinator (a whole site) and a guardian (the children allocated to them).
A page of 4 (not 25) gives several pages from a few children.
"""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from django.utils import timezone

from childnrm.accounts.models import Role, Site
from childnrm.people import views
from childnrm.people.models import AssociationKind, Child, ChildAssociation
from childnrm.people.selectors import children_visible_to
from conftest import demo_user

LIST = "/children/"
PAGE_SIZE = 4


@pytest.fixture(autouse=True)
def _small_pages(monkeypatch):
    monkeypatch.setattr(views, "PAGE_SIZE", PAGE_SIZE)


def rows(response) -> list[str]:
    return re.findall(r'href="/children/(CH-[A-Z0-9]+)/"', response.content.decode())


@pytest.fixture
def children_with_ties(demo) -> list[Child]:
    """21 more children at Northbridge, recorded in threes at the same moment (ties broken by the id), a guardian
    allocated to 15 of them (one allocation ended), and one at another site."""
    site = Site.objects.get(slug="northbridge")
    guardian = demo_user(Role.ICTG, "northbridge")
    start = timezone.now() - timedelta(days=30)
    made = []
    for i in range(21):
        child = Child.objects.create(site=site, given_names=f"Tie {i}", family_name="Pages")
        # Out of the order of the ids: the list's order is the time recorded, then the id.
        Child.objects.filter(pk=child.pk).update(created_at=start + timedelta(days=(i * 5) % 7))
        made.append(child)
    for i, child in enumerate(made[:15]):
        ended = timezone.now() if i == 0 else None
        ChildAssociation.objects.create(child=child, user=guardian, kind=AssociationKind.ICTG, ends_at=ended)
    Child.objects.create(site=Site.objects.get(slug="three-rivers"), given_names="Elsewhere", family_name="Pages")
    return made


def ordered(user) -> list[str]:
    return list(children_visible_to(user).order_by("-created_at", "-id").values_list("reference", flat=True))


def every_page(client) -> tuple[list[str], int]:
    """The references on each page in turn, and the number of pages the first page says there are."""
    first = client.get(LIST)
    assert first.status_code == 200
    pages = first.context["page"].paginator.num_pages
    shown = rows(first)
    for number in range(2, pages + 1):
        page = client.get(LIST, {"page": number})
        assert page.context["page"].number == number
        assert f"page={number - 1}" in page.content.decode()  # the GOV.UK pagination's link back
        shown += rows(page)
    return shown, pages


@pytest.mark.parametrize("role", [Role.COORDINATOR, Role.ICTG])
def test_every_page_shows_the_ordered_querys_children_in_its_order(children_with_ties, client_as, role):
    expected = ordered(demo_user(role, "northbridge"))
    assert len(expected) > 3 * PAGE_SIZE  # pages read from both ends
    shown, pages = every_page(client_as(role, "northbridge"))
    assert shown == expected
    assert pages == -(-len(expected) // PAGE_SIZE)


def test_a_deep_page_shows_its_children_with_their_sites(children_with_ties, client_as):
    coordinator = client_as(Role.COORDINATOR, "northbridge")
    expected = ordered(demo_user(Role.COORDINATOR, "northbridge"))
    pages = -(-len(expected) // PAGE_SIZE)
    for number in (pages - 2, pages - 1, pages):  # the last pages, read from the end of the list
        page = coordinator.get(LIST, {"page": number})
        start = (number - 1) * PAGE_SIZE
        assert rows(page) == expected[start : start + PAGE_SIZE]
        assert page.context["page"].start_index() == start + 1
        sites = {c.site.name for c in page.context["page"].object_list}
        assert sites == {Site.objects.get(slug="northbridge").name}


def test_a_page_past_the_end_or_not_a_number_shows_the_last_or_first_page(children_with_ties, client_as):
    coordinator = client_as(Role.COORDINATOR, "northbridge")
    expected = ordered(demo_user(Role.COORDINATOR, "northbridge"))
    last = (len(expected) - 1) // PAGE_SIZE * PAGE_SIZE
    assert rows(coordinator.get(LIST, {"page": 999})) == expected[last:]
    assert rows(coordinator.get(LIST, {"page": "last"})) == expected[:PAGE_SIZE]
