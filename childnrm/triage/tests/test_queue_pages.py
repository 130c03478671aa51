"""The queue's numbered pages: every page shows the referrals the plain ordered query gives there, in its order.

A deep page is read from the nearer end of the queue (`kit.pagination.NearerEndPaginator`): these tests walk every
page of queues with ties (referrals made on the same day, children of the same name) and compare them with the whole
ordered query, for each sort and filter the page offers. A page of 4 (not 25) gives several pages from a few
referrals.
"""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from django.utils import timezone

from childnrm.accounts.models import DayBasis, Membership, Role, Site
from childnrm.triage import views
from childnrm.triage.demo import submitted_referral
from childnrm.triage.models import TriageOutcome
from childnrm.triage.selectors import SORTS, QueueFilters, queue_for
from childnrm.triage.services import triage_confirm
from conftest import demo_user

QUEUE = "/referrals/queue/"
PAGE_SIZE = 4


@pytest.fixture(autouse=True)
def _small_pages(monkeypatch):
    monkeypatch.setattr(views, "PAGE_SIZE", PAGE_SIZE)


def rows(response) -> list[str]:
    return re.findall(r'data-reference="(NRM-[A-Z0-9]+)"', response.content.decode())


def ago(days: int):
    return timezone.localdate() - timedelta(days=days)


@pytest.fixture
def coordinator(client_as):
    return client_as(Role.COORDINATOR, "northbridge")


@pytest.fixture
def queue_with_ties(demo):
    """15 open referrals at Northbridge (5 days, 3 a day; 3 pairs of children with the same name; some overdue, some
    for the SCA, some accepted), one handed off to the SCA and one at another site."""
    user = demo_user(Role.COORDINATOR, "northbridge")
    names = [("Brown", "Ada"), ("Adeyemi", "Tolu"), ("Brown", "Ada"), ("Clarke", "Sam"), ("Adeyemi", "Tolu")]
    made = []
    for i in range(15):
        family, given = names[i % len(names)]
        referral = submitted_referral(
            "northbridge",
            submitted_on=ago([60, 3, 50, 10, 3][i % 5]),
            family_name=family,
            given_names=given,
            age_disputed=i % 4 == 0,  # the SCA decides
        )
        made.append(referral)
    for referral in (made[1], made[2], made[3], made[5], made[6]):  # none of them disputed
        triage_confirm(referral=referral, user=user, final_outcome="panel", final_site=None, reason="")
    handed = submitted_referral("northbridge", submitted_on=ago(7), public_order_disqualification=True)
    triage_confirm(referral=handed, user=user, final_outcome="sca", final_site=None, reason="")
    submitted_referral("three-rivers", submitted_on=ago(4))
    return made


def every_page(client, query: dict[str, str]) -> tuple[list[str], int]:
    """The references on each page in turn, and the number of pages the first page says there are."""
    first = client.get(QUEUE, query)
    assert first.status_code == 200
    pages = first.context["page"].paginator.num_pages
    shown = rows(first)
    for number in range(2, pages + 1):
        page = client.get(QUEUE, {**query, "page": number})
        body = page.content.decode()
        assert f"page {number} of {pages}" in body
        assert f"page={number - 1}" in body  # the GOV.UK pagination's link back
        shown += rows(page)
    return shown, pages


def ordered(user, filters: QueueFilters) -> list[str]:
    return list(queue_for(user, filters).values_list("reference", flat=True))


FILTERS = [
    {},
    {"status": "all"},
    {"status": "all", "outcome": TriageOutcome.SCA},
    {"outcome": TriageOutcome.PANEL},
    {"status": "accepted"},
    {"overdue": "on"},
]


@pytest.mark.parametrize("sort", SORTS)
@pytest.mark.parametrize("query", FILTERS, ids=lambda q: "&".join(f"{k}={v}" for k, v in q.items()) or "default")
def test_every_page_shows_the_ordered_querys_referrals_in_its_order(queue_with_ties, coordinator, sort, query):
    user = demo_user(Role.COORDINATOR, "northbridge")
    filters = QueueFilters(
        status=query.get("status", "open"),
        outcome=query.get("outcome", ""),
        overdue_only="overdue" in query,
        sort=sort,
    )
    expected = ordered(user, filters)
    shown, pages = every_page(coordinator, {**query, "sort": sort})
    assert shown == expected
    assert pages == max(1, -(-len(expected) // PAGE_SIZE))


def test_the_default_queue_spans_several_pages_read_from_both_ends(queue_with_ties, coordinator):
    # 15 open referrals: pages 1 and 2 are read from the start, 3 and 4 (3 referrals) from the end.
    user = demo_user(Role.COORDINATOR, "northbridge")
    expected = ordered(user, QueueFilters())
    assert len(expected) == 15
    for number, start in ((1, 0), (2, 4), (3, 8), (4, 12)):
        page = coordinator.get(QUEUE, {"page": number})
        assert rows(page) == expected[start : start + PAGE_SIZE]
        assert page.context["page"].start_index() == start + 1


def test_a_page_past_the_end_or_not_a_number_shows_the_last_or_first_page(queue_with_ties, coordinator):
    expected = ordered(demo_user(Role.COORDINATOR, "northbridge"), QueueFilters(sort="name"))
    assert rows(coordinator.get(QUEUE, {"sort": "name", "page": 99})) == expected[12:]
    assert rows(coordinator.get(QUEUE, {"sort": "name", "page": "last"})) == expected[:PAGE_SIZE]


def test_an_empty_queue_has_one_empty_page(demo, coordinator):
    response = coordinator.get(QUEUE, {"page": 2})
    assert response.status_code == 200
    assert rows(response) == []
    assert response.context["page"].number == 1


def test_sites_of_different_policies_page_through_the_due_dates_in_order(queue_with_ties, coordinator):
    # Sorted by due date across sites whose clocks differ: the order is an expression, read backwards for deep pages.
    user = demo_user(Role.COORDINATOR, "northbridge")
    three_rivers = Site.objects.get(slug="three-rivers")
    Membership.objects.create(user=user, site=three_rivers, role=Role.COORDINATOR)
    three_rivers.rg_due_basis, three_rivers.rg_due_days = DayBasis.WORKING, 10
    three_rivers.save()
    for days in (1, 20, 40):
        submitted_referral("three-rivers", submitted_on=ago(days))
    for sort in SORTS:
        expected = ordered(user, QueueFilters(sort=sort))
        assert len(expected) == 19
        shown, pages = every_page(coordinator, {"sort": sort})
        assert shown == expected
        assert pages == 5
