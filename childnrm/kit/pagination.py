"""Numbered pages of a long list whose deep pages cost no more than its first ones (issue 16)."""

from __future__ import annotations

from typing import Any

from django.core.paginator import Page, Paginator
from django.db.models import F, OrderBy, QuerySet


class NearerEndPaginator(Paginator):
    """`Paginator` over an ordered queryset that reads each page from the nearer end of the list.

    Read from the start, a deep page makes the database step over every row before it (`OFFSET`), the whole list
    for its last page. Read in the reverse order from the end and put back in order, it steps over only the rows
    after it. The page numbers, count and rows are exactly those of `Paginator`.

    Requires a total order: the queryset's ordering must end with the primary key (`order_by(..., "-id")`), so that
    its reverse is exactly the order backwards, ties and NULLs included. An ordering that does not is refused
    (`ValueError`) when a page is read. Best over the page's ids alone (`values_list("pk", flat=True)`) with an
    index that holds the filter's and the order's columns, so the database reads the index alone; then read just
    the page's rows by id.
    """

    def page(self, number: Any) -> Page[Any]:
        number = self.validate_number(number)
        bottom = (number - 1) * self.per_page
        top = bottom + self.per_page
        if top + self.orphans >= self.count:  # as Paginator.page: the last page takes the orphans
            top = self.count
        ordered = self.object_list
        if not isinstance(ordered, QuerySet):
            raise TypeError("A page read from the nearer end needs a queryset, whose order it reverses")
        return Page(_between(ordered, bottom, top, self.count), number, self)


def _between(ordered: QuerySet[Any, Any], bottom: int, top: int, count: int) -> list[Any]:
    """`list(ordered[bottom:top])` for a list of `count` rows, read from whichever end is nearer."""
    if not ends_with_pk(ordered):
        raise ValueError(f"A page read from the nearer end needs an order ending with the primary key: {ordered.query}")
    if bottom <= count - top:
        return list(ordered[bottom:top])
    return list(ordered.reverse()[count - top : count - bottom])[::-1]


def ends_with_pk(queryset: QuerySet[Any, Any]) -> bool:
    """Whether the queryset's order (its own, or its model's default) ends with the primary key: a total order."""
    query = queryset.query
    order = query.order_by or (queryset.model._meta.ordering if query.default_ordering else ())
    if not order:
        return False
    last = order[-1]
    if isinstance(last, OrderBy):
        last = last.expression
    if isinstance(last, F):
        last = last.name
    if not isinstance(last, str):
        return False
    pk = queryset.model._meta.pk
    assert pk is not None
    return last.removeprefix("-") in {"pk", pk.name, pk.attname}


def at_page(url: str, page: str) -> str:
    """`url` at a page of its list, when `page` (as a form sent it back) is a page number past the first: where a
    form on a later page returns after it is sent. Anything else is the list's first page."""
    return f"{url}?page={int(page)}" if page.isascii() and page.isdecimal() and int(page) > 1 else url
