"""The kit's one date formatter and its absolute links for emails."""

from __future__ import annotations

from datetime import UTC, date, datetime

from childnrm.kit.dates import long_date, long_datetime
from childnrm.kit.links import absolute_url, bare_paths


def test_dates_are_written_as_govuk_writes_them():
    assert long_date(date(2026, 3, 7)) == "7 March 2026"
    assert long_date(None) == ""
    # UK time: 13:05 UTC on a summer day is 14:05 in London.
    assert long_datetime(datetime(2026, 7, 1, 13, 5, tzinfo=UTC)) == "1 July 2026 at 14:05"
    assert long_datetime(None) == ""


def test_links_in_emails_are_absolute(settings):
    settings.SERVICE_BASE_URL = "https://panels.example.gov.uk"
    assert absolute_url("/information-requests/IR-1/") == "https://panels.example.gov.uk/information-requests/IR-1/"
    assert absolute_url("letters/") == "https://panels.example.gov.uk/letters/"


def test_a_bare_path_in_an_email_is_found_and_an_absolute_link_is_not():
    # The root conftest checks every email any test sends with this: a bare path fails that test.
    assert bare_paths("Read the letters at /letters/12/ today.") == ["/letters/12/"]
    assert bare_paths("Open (/decisions/3/record/)") == ["/decisions/3/record/"]
    assert bare_paths("Open https://panels.example.gov.uk/letters/12/ today.") == []
    assert bare_paths("Due 3/12/2026, and/or by 24/7 phone") == []
