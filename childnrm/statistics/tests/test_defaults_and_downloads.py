"""What the statistics show before anyone chooses (the user's own site, the last complete quarter), the choice of
every pilot site, and downloads that say which sites and period they cover."""

from __future__ import annotations

import csv
import io
import re

import pandas as pd
from django.utils import timezone
from openpyxl import load_workbook

from childnrm.accounts.models import Membership, Role, Site
from childnrm.statistics.dimensions import Quarter
from conftest import demo_user, signed_in

NORTHBRIDGE, THREE_RIVERS = "Northbridge Child Panel", "Three Rivers Consortium Panel"


def _last_complete() -> Quarter:
    return Quarter.of(timezone.localdate()).previous()


def _year_to(last: Quarter) -> Quarter:
    first = last
    for _ in range(3):
        first = first.previous()
    return first


def _selected(html: str, name: str) -> str:
    """The value of the option the page's select `name` shows as chosen."""
    select = re.search(rf'<select[^>]*name="{name}"[^>]*>(.*?)</select>', html, re.S)
    assert select is not None
    chosen = re.search(r'<option value="([^"]*)"[^>]*selected', select.group(1))
    assert chosen is not None, select.group(1)
    return chosen.group(1)


def test_an_analyst_sees_their_own_site_and_the_last_complete_quarter_until_they_choose(demo, client_as):
    analyst = client_as(Role.ANALYST)  # a member of Northbridge only
    northbridge = Site.objects.get(slug="northbridge")
    last = _last_complete()

    response = analyst.get("/statistics/")
    html = response.content.decode()
    filters = response.context["filters"]
    assert filters.site_ids == (northbridge.pk,)
    assert (filters.first, filters.last) == (_year_to(last), last)
    assert "Showing 1 site" in html
    assert _selected(html, "site") == "northbridge"
    # Every pilot site is a choice, named as such; the end of the period offered by default is the last complete
    # quarter, whose return the page offers.
    choices = response.context["form"].fields["site"].choices
    assert choices[0] == ("all", "All pilot sites")
    assert [name for _, name in choices[1:]] == [NORTHBRIDGE, THREE_RIVERS]
    assert dict(response.context["form"].fields["quarter_to"].choices)[""] == "The last complete quarter"
    assert f"return for {last.year} Q{last.number}" in html
    assert 'id="return-incomplete"' not in html

    # Other filters chosen, the site left as it was: still their own site.
    assert analyst.get("/statistics/?gender=female").context["filters"].site_ids == (northbridge.pk,)
    # Every pilot site when they choose it.
    response = analyst.get("/statistics/?site=all")
    assert set(response.context["filters"].site_ids) == set(
        Site.objects.filter(active=True).values_list("pk", flat=True)
    )
    assert _selected(response.content.decode(), "site") == "all"
    assert "Showing 2 sites" in response.content.decode()

    # The return, without a quarter chosen, is the last complete quarter's, for their own site.
    response = analyst.get("/statistics/home-office-return/?format=csv")
    assert last.code in response["Content-Disposition"]
    sites = {row[0] for row in csv.reader(io.StringIO(response.content.decode("utf-8-sig")))}
    assert NORTHBRIDGE in sites and THREE_RIVERS not in sites

    # A quarter still going, chosen: the page says its return would be incomplete.
    this_quarter = Quarter.of(timezone.localdate()).code
    assert 'id="return-incomplete"' in analyst.get(f"/statistics/?quarter_to={this_quarter}").content.decode()


def test_a_coordinator_still_sees_only_their_own_sites(demo, client_as):
    northbridge, three_rivers = Site.objects.get(slug="northbridge"), Site.objects.get(slug="three-rivers")
    coordinator = client_as(Role.COORDINATOR)
    for query in ("", "?site=all", "?site=three-rivers"):
        response = coordinator.get(f"/statistics/{query}")
        assert response.context["filters"].site_ids == (northbridge.pk,), query
        assert [name for _, name in response.context["form"].fields["site"].choices] == [NORTHBRIDGE]

    # A coordinator at two sites sees both together by default: all their sites, not "all pilot sites".
    user = demo_user(Role.COORDINATOR)
    Membership.objects.create(user=user, site=three_rivers, role=Role.COORDINATOR)
    response = signed_in(user).get("/statistics/")
    assert set(response.context["filters"].site_ids) == {northbridge.pk, three_rivers.pk}
    assert response.context["form"].fields["site"].choices[0] == ("all", "All your sites")


def _sheet_lines(content: bytes, fmt: str) -> list[list]:
    if fmt == "xlsx":
        sheet = load_workbook(io.BytesIO(content)).active
        return [[v for v in row if v is not None] for row in sheet.iter_rows(values_only=True)]
    frame = pd.read_excel(io.BytesIO(content), engine="odf", header=None)
    return [[v for v in row if not pd.isna(v)] for row in frame.itertuples(index=False)]


def test_choosing_only_the_current_quarter_as_the_start_shows_that_quarter(demo, client_as):
    """The end defaults to the last complete quarter; a start after it (the current quarter) was refused with an
    error on the end question the analyst never touched, and the page fell back to the default period."""
    current = Quarter.of(timezone.localdate())
    page = client_as(Role.ANALYST).get(f"/statistics/?quarter_from={current.code}")
    html = page.content.decode()
    assert page.status_code == 200
    assert "The end quarter must be the same as or after the start quarter" not in html
    assert _selected(html, "quarter_from") == current.code


def test_a_downloaded_table_says_which_sites_and_period_it_covers(demo, client_as):
    analyst = client_as(Role.ANALYST)
    last = _last_complete()
    first = _year_to(last)
    period = f"{first.year} Q{first.number} to {last.year} Q{last.number}"
    table = "referrals_by_quarter_gender"
    names = {}
    for query, where, covered in (
        ("", "northbridge", f"{NORTHBRIDGE}, {period}."),
        ("&site=three-rivers", "three-rivers", f"{THREE_RIVERS}, {period}."),
        ("&site=all", "all-pilot-sites", f"All pilot sites ({NORTHBRIDGE}, {THREE_RIVERS}), {period}."),
        ("&site=all&gender=female", "all-pilot-sites", f"All pilot sites ({NORTHBRIDGE}, {THREE_RIVERS}), {period}; "),
    ):
        for fmt in ("xlsx", "ods", "csv"):
            response = analyst.get(f"/statistics/download/?table={table}&format={fmt}{query}")
            assert response.status_code == 200
            filtered = "_gender-female" if "gender" in query else ""  # a filtered CSV is not the whole table's
            name = f"{table}_{where}_{first.code}-{last.code}{filtered}.{fmt}"
            assert name in response["Content-Disposition"], (query, fmt)
            names[(query, fmt)] = name
            if fmt == "csv":  # the table alone, as machine-readable tables are: its name says what it covers
                assert next(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))[:2] == ["Year", "Quarter"]
                continue
            lines = _sheet_lines(response.content, fmt)
            assert lines[0] == ["Referrals of children by quarter and gender"]
            assert lines[1][0].startswith(covered), (query, fmt, lines[1])
            if "gender" in query:
                assert lines[1][0].endswith("Gender: Female.")
            assert lines[3][:2] == ["Year", "Quarter"]  # the header, after a blank line
    # The same table of different sites, or filtered, is a different file.
    assert len({names[(q, "csv")] for q in ("", "&site=three-rivers", "&site=all", "&site=all&gender=female")}) == 4
    # The header is still bold in the spreadsheet.
    response = analyst.get(f"/statistics/download/?table={table}&format=xlsx")
    sheet = load_workbook(io.BytesIO(response.content)).active
    assert sheet["A1"].font.bold and sheet["A4"].font.bold and not sheet["A2"].font.bold
