"""Pages read from the nearer end (`kit.pagination.NearerEndPaginator`) are exactly `Paginator`'s pages."""

from __future__ import annotations

import pytest
from django.core.paginator import Paginator
from django.db.models import F

from childnrm.kit.pagination import NearerEndPaginator, at_page
from childnrm.people.models import Child


@pytest.fixture
def children(demo):
    """The demo's children with more of the same name: an order by name alone has ties, broken by the id."""
    site = Child.objects.first().site
    for i in range(9):
        Child.objects.create(site=site, given_names="Sam", family_name=["Brown", "Adeyemi", ""][i % 3])
    return Child.objects.all()


ORDERS = [
    ("family_name", "given_names", "id"),
    ("-family_name", "given_names", "-pk"),
    (F("family_name").desc(nulls_last=True), F("id").asc()),
]


@pytest.mark.parametrize("order", ORDERS, ids=["by-name", "descending-pk", "expressions"])
@pytest.mark.parametrize(("per_page", "orphans"), [(5, 0), (7, 3), (1000, 0)])
def test_every_page_is_the_plain_paginators_page(children, order, per_page, orphans):
    ordered = children.order_by(*order).values_list("pk", flat=True)
    plain = Paginator(ordered, per_page, orphans=orphans)
    nearer = NearerEndPaginator(ordered, per_page, orphans=orphans)
    assert nearer.num_pages == plain.num_pages
    assert plain.num_pages >= 3 or per_page == 1000  # pages read from both ends, or one page
    for number in plain.page_range:
        assert list(nearer.page(number)) == list(plain.page(number))
    assert list(nearer.get_page(plain.num_pages + 5)) == list(plain.page(plain.num_pages))


def test_a_list_of_rows_reads_the_same_rows(children):
    ordered = children.order_by("-created_at", "-id")
    last = NearerEndPaginator(ordered, 4).num_pages
    assert list(NearerEndPaginator(ordered, 4).page(last)) == list(Paginator(ordered, 4).page(last))


def test_an_empty_list_has_one_empty_page(db):
    page = NearerEndPaginator(Child.objects.none().order_by("id"), 25).get_page(3)
    assert page.number == 1
    assert list(page) == []


@pytest.mark.parametrize("order", [("family_name", "given_names"), ("id", "family_name"), ()])
def test_an_order_that_does_not_end_with_the_primary_key_is_refused(children, order):
    # Without the id last, ties would fall in a different order read backwards: a child shown twice, another never.
    # No order of its own is the model's, by name alone.
    with pytest.raises(ValueError, match="primary key"):
        NearerEndPaginator(children.order_by(*order) if order else children, 5).page(2)


def test_a_form_returns_to_its_page_only_for_a_page_number_past_the_first():
    assert at_page("/list/", "3") == "/list/?page=3"
    assert at_page("/list/", "03") == "/list/?page=3"
    for not_a_later_page in ("", "1", "0", "-2", "2x", "²", "٣", " 2", "2/../x"):
        assert at_page("/list/", not_a_later_page) == "/list/", not_a_later_page
