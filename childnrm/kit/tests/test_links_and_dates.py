"""The kit's one date formatter, its absolute links for emails and its paths to a record by id."""

from __future__ import annotations

import re
from datetime import UTC, date, datetime
from pathlib import Path

from django.template import engines
from django.test.utils import override_script_prefix
from django.urls import reverse

from childnrm.kit.dates import long_date, long_datetime, time_of_day
from childnrm.kit.links import absolute_url, bare_paths, id_path, path_maker, path_to


def test_dates_are_written_as_govuk_writes_them():
    assert long_date(date(2026, 3, 7)) == "7 March 2026"
    assert long_date(date(2026, 12, 3), weekday=True) == "Thursday 3 December 2026"
    assert long_date(None) == ""
    # UK time: 13:05 UTC on a summer day is 2:05pm in London; 23:30 UTC on 1 July is already 2 July there.
    assert long_datetime(datetime(2026, 7, 1, 13, 5, tzinfo=UTC)) == "1 July 2026 at 2:05pm"
    assert long_date(datetime(2026, 7, 1, 23, 30, tzinfo=UTC)) == "2 July 2026"
    assert long_datetime(datetime(2026, 12, 3, 10, 30, tzinfo=UTC)) == "3 December 2026 at 10:30am"
    assert long_datetime(datetime(2026, 12, 3, 12, 0, tzinfo=UTC), weekday=True) == "Thursday 3 December 2026 at midday"
    assert long_datetime(None) == ""
    # As a stored record (a decision export) holds them.
    assert long_date("2026-12-03") == "3 December 2026"
    assert long_datetime("2026-12-03T09:05:00+00:00") == "3 December 2026 at 9:05am"


def test_times_are_written_as_govuk_writes_them():
    # GOV.UK style: "10am" (no ":00"), "10:30am", "midday" and "midnight", never "12pm" or "00:00".
    at = lambda hour, minute: time_of_day(datetime(2026, 12, 3, hour, minute, tzinfo=UTC))  # noqa: E731
    assert at(10, 0) == "10am"
    assert at(10, 30) == "10:30am"
    assert at(9, 5) == "9:05am"
    assert at(12, 0) == "midday"
    assert at(12, 30) == "12:30pm"
    assert at(17, 45) == "5:45pm"
    assert at(0, 0) == "midnight"
    assert at(0, 15) == "12:15am"
    assert time_of_day(None) == ""


def test_templates_write_dates_only_through_the_kit():
    # One way to write a date for people: `long_date`, `long_datetime`, `time`. Django's `date` format
    # strings ("j M Y", "H:i") are for machines only (`<time datetime="...">`), in ISO 8601.
    root = Path(__file__).resolve().parents[2]
    spelt = re.compile(r"\|\s*date\(\s*['\"](?!Y-m-d['\"]|c['\"])[^'\"]*['\"]\s*\)|\|\s*time\(")
    found = [
        f"{path.relative_to(root)}: {match.group(0)}"
        for path in sorted(root.glob("**/jinja2/**/*.*"))
        if path.suffix in {".html", ".txt"}
        for match in spelt.finditer(path.read_text())
    ]
    assert found == []


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


def test_a_page_by_its_id_has_the_path_reverse_gives_it():
    names = ("decisions:detail", "decisions:section-best-interests", "panels:meeting", "safeguarding:plan")
    url = engines["jinja2"].from_string("{{ url(name, pk) }}")
    for prefix in ("/", "/service/"):
        with override_script_prefix(prefix):
            for name in names:
                for pk in (1, 907, 9081726354, 90817263541):  # the route's own stand-in in its digits too
                    assert id_path(name, pk) == reverse(name, args=[pk])
                    assert url.render({"name": name, "pk": pk}) == reverse(name, args=[pk])
    assert id_path("decisions:detail", 7).startswith("/decisions/7/")


def test_a_page_by_its_reference_has_the_path_reverse_gives_it():
    # The dashboard's rows link to children, referrals and full lists by reference or slug.
    names = ("people:detail", "triage:triage", "safeguarding:guardian", "dashboard:rg-overdue")
    for prefix in ("/", "/service/"):
        with override_script_prefix(prefix):
            for name in names:
                made = path_maker(name)  # the route looked up once, for a page of rows
                for value in ("CH-73EL89MJ", "REF-2026-000123", "northbridge", 42):
                    assert path_to(name, value) == made(value) == reverse(name, args=[value])
