"""Ids and whole numbers from forms and queries: ASCII digits within a bigint, else none or not found."""

from __future__ import annotations

import pytest
from django.http import Http404

from childnrm.kit.ids import as_id, posted_id, whole_number


@pytest.mark.parametrize("value", ["", None, "abc", "1.5", "-3", " 7", "²", "٣", "１"])
def test_only_ascii_digits_make_a_whole_number(value):
    assert whole_number(value) is None


def test_a_whole_number_and_an_id():
    assert whole_number("0") == 0 and whole_number("042") == 42
    assert as_id("0") is None and as_id("42") == 42
    assert as_id(str(2**63 - 1)) == 2**63 - 1 and as_id(str(2**63)) is None


def test_a_posted_id_is_none_when_blank_and_not_found_when_not_an_id():
    assert posted_id("") is None and posted_id(None) is None and posted_id("7") == 7
    for value in ("abc", "²", str(2**63), "0"):
        with pytest.raises(Http404):
            posted_id(value)
