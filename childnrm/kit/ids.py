"""Ids a user sends in a form or a query: whole numbers in ASCII digits that a row's id can be.

`str.isdigit()` accepts "²" and other digits `int()` refuses, and the ORM fails on an id past a bigint: both were
server errors. Anything else is "none given" or "not found".
"""

from __future__ import annotations

from django.http import Http404

# A row's id is a positive bigint on PostgreSQL and SQLite.
_LARGEST_ID = 2**63 - 1


def whole_number(value: str | None) -> int | None:
    """`value` as a whole number written in ASCII digits (a count, a page, an id), else None."""
    if not value or not (value.isascii() and value.isdecimal()):
        return None
    return int(value)


def as_id(value: str | None) -> int | None:
    """`value` as an id a row could have, else None."""
    number = whole_number(value)
    return number if number is not None and 0 < number <= _LARGEST_ID else None


def posted_id(value: str | None) -> int | None:
    """The id a form sent: None when none was chosen (blank), not found (404) when it is not an id at all."""
    if not value:
        return None
    found = as_id(value)
    if found is None:
        raise Http404
    return found
