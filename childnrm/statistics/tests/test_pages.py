"""The statistics pages and downloads: filters, scope by role, disclosure control on everything a user sees."""

from __future__ import annotations

import csv
import io
import re
from datetime import date

import pandas as pd
import pytest
from openpyxl import load_workbook

from childnrm.accounts.models import Role
from childnrm.audit.models import AuditEvent
from childnrm.statistics.tests.factories import POSITIVE, CaseSpec, make_case
from childnrm.statistics.tests.known_dataset import _day, build_known_dataset, expected_frame

PAGES = ("/statistics/", "/statistics/equality/", "/statistics/pilot/", "/statistics/consistency/")
FORMATS = ("csv", "xlsx", "ods")
SMALL = {1, 2, 3, 4}
_CELL = re.compile(r'<td class="govuk-table__cell[^"]*">([^<]*)</td>')


def _page_counts(html: str) -> list[int]:
    """Every whole number the page's statistics tables show (rates and times always have decimals)."""
    return [int(text.replace(",", "")) for text in _CELL.findall(html) if re.fullmatch(r"[\d,]+", text.strip())]


def _file_numbers(content: bytes, fmt: str) -> list[float]:
    if fmt == "csv":
        rows = list(csv.reader(io.StringIO(content.decode("utf-8-sig"))))
        return [float(v) for row in rows[1:] for v in row if re.fullmatch(r"\d+", v)]
    if fmt == "xlsx":
        sheet = load_workbook(io.BytesIO(content)).active
        return [float(v) for row in sheet.iter_rows(values_only=True) for v in row if isinstance(v, int | float)]
    frame = pd.read_excel(io.BytesIO(content), engine="odf", header=None)
    return [float(v) for v in frame.to_numpy().ravel() if isinstance(v, int | float) and not pd.isna(v)]


def _period(known) -> str:
    # Every pilot site: an analyst sees their own site until they choose others.
    return f"quarter_from={known.a.code}&quarter_to={known.c.code}&site=all"


def test_pages_downloads_and_filters_show_no_count_from_1_to_4(demo, client_as):
    known = build_known_dataset()
    expected = expected_frame(known)
    analyst = client_as(Role.ANALYST)
    period = _period(known)
    before = AuditEvent.objects.count()

    tables_seen = []
    for path in PAGES:
        response = analyst.get(f"{path}?{period}")
        assert response.status_code == 200, path
        html = response.content.decode()
        assert not SMALL & set(_page_counts(html)), path
        tables_seen += [t.key for t in response.context["tables"]]
        # Charts sit inline with their tables, described in words, with no inline style (the CSP allows none).
        for chart in response.context["charts"].values():
            assert str(chart.svg) in html
            assert chart.description in html
            assert "style=" not in str(chart.svg) and "<script" not in str(chart.svg)
    assert "[c]" in analyst.get(f"/statistics/?{period}").content.decode()

    # Every table, in every format, as the page shows it: no small count in any file.
    for key in tables_seen:
        for fmt in FORMATS:
            response = analyst.get(f"/statistics/download/?table={key}&format={fmt}&{period}")
            assert response.status_code == 200, (key, fmt)
            assert response["Content-Disposition"].startswith("attachment;")
            numbers = _file_numbers(response.content, fmt)
            assert not SMALL & {n for n in numbers if float(n).is_integer()}, (key, fmt)
    for fmt in ("xlsx", "csv"):
        response = analyst.get(f"/statistics/home-office-return/?format={fmt}&{period}")
        assert response.status_code == 200
        numbers = _file_numbers(response.content, fmt)
        assert numbers and not SMALL & {n for n in numbers if float(n).is_integer()}
    # Each page and download is audited with the filters, never a child.
    events = AuditEvent.objects.order_by("pk")[before:]
    kinds = {e.object_type for e in events}
    assert {"statistics.nrm", "statistics.pilot", "statistics.home_office_return"} <= kinds
    assert "statistics.rg_decisions_by_quarter" in kinds

    # The filters narrow every table: referrals per quarter against the pandas subset (before rounding: exact
    # totals are checked in test_figures; here the protected totals of the subset).
    from childnrm.kit.disclosure import protect_table

    referred = expected[expected["quarter"].isin([q.code for q in known.quarters])]
    for query, keep in (
        ("gender=female", referred["gender"] == "Female"),
        ("site=northbridge", referred["site"] == "Northbridge Child Panel"),
        ("site=three-rivers", referred["site"] == "Three Rivers Consortium Panel"),
        ("nationality=AL", referred["nationality"] == "Albania"),
        ("ethnicity=White", referred["ethnic_group"] == "White"),
        ("exploitation_type=sexual", referred["exploitation"].str.contains("Sexual")),
        ("age_band=16+to+17", referred["age_band"] == "16 to 17"),
        ("first_responder_type=NGO+and+third+sector", referred["first_responder_type"] == "NGO and third sector"),
    ):
        response = analyst.get(f"/statistics/?{period}&{query}")
        tables = {t.key: t for t in response.context["tables"]}
        table = tables["referrals_by_quarter_gender"]
        subset = referred[keep]
        counts = [
            [int(((subset["quarter"] == q.code) & (subset["gender"] == g)).sum()) for g in ("Female", "Male")]
            + [int(((subset["quarter"] == q.code) & (subset["gender"] == "Not specified or unknown")).sum())]
            for q in known.quarters
        ]
        # The quarters' totals are published in the other referrals-by-quarter tables too, and suppressed alike in
        # all of them (ADR 0019, amendment 2): the gender table is its counts protected with the totals the
        # location table hides.
        location = tables["referrals_by_quarter_location"]
        hidden_totals = [(i, 3) for i, row in enumerate(location.rows) if row.cells[-1].suppressed]
        # Its totals row (each gender's referrals in the period) is the nationality table's, suppressed alike too
        # (amendment 3).
        by_nationality = tables["referrals_by_nationality"]
        if by_nationality.rows:
            totals_row = by_nationality.rows[-1].cells
            hidden_totals += [(len(known.quarters), j) for j in range(3) if totals_row[j].suppressed]
        shown = [[str(c) for c in row.cells] for row in table.rows]
        expected_shown = protect_table(counts, suppressed=hidden_totals).rows_with_totals()
        assert shown == [[str(c) for c in row] for row in expected_shown], query
        assert [row.cells[-1].suppressed for row in table.rows] == [r.cells[-1].suppressed for r in location.rows]
        assert response.context["filter_words"] or query.startswith("site=")


def test_a_coordinator_sees_their_own_site_an_analyst_every_site(demo, client_as):
    for site in ("northbridge", "three-rivers"):
        make_case(CaseSpec(site, date.today().replace(day=1), rg=None))
    coordinator = client_as(Role.COORDINATOR)
    response = coordinator.get("/statistics/")
    assert response.status_code == 200
    assert [name for _, name in response.context["form"].fields["site"].choices] == ["Northbridge Child Panel"]
    by_site = next(t for t in response.context["tables"] if t.key == "decisions_by_site")
    assert [row.labels[0] for row in by_site.rows if not row.total] == ["Northbridge Child Panel"]
    # Asking for another site by its name falls back to their own.
    response = coordinator.get("/statistics/?site=three-rivers")
    assert len(response.context["filters"].site_ids) == 1
    assert "Three Rivers" not in response.content.decode()

    analyst = client_as(Role.ANALYST)
    response = analyst.get("/statistics/")
    names = [name for _, name in response.context["form"].fields["site"].choices]
    assert names == ["All pilot sites", "Northbridge Child Panel", "Three Rivers Consortium Panel"]
    # Nobody else: the first responder, the chair, the site administrator.
    for role in (Role.FIRST_RESPONDER, Role.CHAIR, Role.SITE_ADMIN):
        assert client_as(role).get("/statistics/").status_code == 403


def test_a_period_that_ends_before_it_starts_is_explained_and_the_default_used(demo, client_as):
    analyst = client_as(Role.ANALYST)
    response = analyst.get("/statistics/")
    form = response.context["form"]
    first, last = form.quarters[-1].code, form.quarters[-3].code
    response = analyst.get(f"/statistics/?quarter_from={first}&quarter_to={last}")
    assert response.status_code == 200
    html = response.content.decode()
    assert "There is a problem" in html
    assert "The end quarter must be the same as or after the start quarter" in html
    assert response.context["filters"].last == form.quarters[-2]  # the last complete quarter
    # An address edited by hand (an unknown table, format or value) is refused or ignored, never an error page.
    assert analyst.get("/statistics/download/?table=nope&format=csv").status_code == 404
    assert analyst.get("/statistics/download/?table=rg_decisions_by_quarter&format=exe").status_code == 404
    assert analyst.get("/statistics/download/").status_code == 302
    assert analyst.get("/statistics/?gender=unicorn&quarter_from=1999Q9").status_code == 200


@pytest.mark.parametrize("path", ["/statistics/pilot/", "/statistics/consistency/", "/statistics/equality/"])
def test_pages_work_with_no_decisions_at_all(demo, client_as, path):
    response = client_as(Role.ANALYST).get(path)
    assert response.status_code == 200
    assert "Nothing to show" in response.content.decode() or response.context["tables"]


def test_the_home_office_return_counts_the_quarter_by_site(demo, client_as):
    today = date.today()
    from childnrm.statistics.dimensions import Quarter

    quarter = Quarter.of(today).previous()
    for i in range(6):
        make_case(CaseSpec("northbridge", _day(quarter, 1 + i), rg=(POSITIVE, _day(quarter, 20 + 2 * i))))
    response = client_as(Role.ANALYST).get(
        f"/statistics/home-office-return/?format=csv&quarter_to={quarter.code}&site=all"
    )
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert rows[0] == ["Site", "Year", "Quarter", "Measure", "Category", "Value"]
    total = next(
        r for r in rows if r[0] == "Northbridge Child Panel" and r[3] == "Referrals by gender" and r[4] == "Total"
    )
    assert total[1:3] == [str(quarter.year), f"Q{quarter.number}"] and total[5] == "5"  # 6 rounded to the nearest 5
    positive = next(r for r in rows if r[0] == "Northbridge Child Panel" and r[4] == "Positive reasonable grounds")
    assert positive[5] == "5"
    assert any(r[0] == "All sites" for r in rows)
