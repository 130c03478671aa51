"""The analyst's statistics: filters, charts with their tables, the other pages and a download. Every page is
checked with axe, and nothing is refused by the Content Security Policy (the charts are inline SVG)."""

from __future__ import annotations

from datetime import date

from playwright.sync_api import Page, expect

from childnrm.accounts.models import Role
from childnrm.people.demo import demo_email
from childnrm.statistics.dimensions import Quarter
from childnrm.statistics.tests.factories import NEGATIVE, POSITIVE, CaseSpec, make_case
from childnrm.statistics.tests.known_dataset import _day
from tests.browser.support import check_page, click_button, click_link, heading, sign_in_by_session, visit


def test_an_analyst_filters_reads_charts_with_their_tables_and_downloads_a_table(page: Page, demo):
    quarter = Quarter.of(date.today()).previous()
    for i in range(8):
        outcome = POSITIVE if i < 6 else NEGATIVE
        make_case(
            CaseSpec(
                "northbridge",
                _day(quarter, 1 + i),
                sex="female" if i < 3 else "male",
                rg=(outcome, _day(quarter, 30 + i)),
            )
        )
    make_case(CaseSpec("three-rivers", _day(quarter, 2)))

    sign_in_by_session(page, demo_email(Role.ANALYST, "northbridge"))
    click_link(page, "Statistics", within=page.locator(".govuk-service-navigation"))
    expect(heading(page)).to_have_text("NRM tables")

    # A chart, described in words, with its table under it.
    figure = page.locator("#rg_decisions_by_quarter-chart")
    expect(figure.locator("svg[role=img]")).to_be_visible()
    expect(figure.locator("figcaption")).to_contain_text("Bar chart of reasonable grounds decisions")
    table = page.locator("table[data-table=rg_decisions_by_quarter]")
    expect(table.locator("caption")).to_contain_text("Reasonable grounds decisions by quarter")
    # 2 negative decisions: suppressed, as is another figure of the row; 8 decisions rounded to 10.
    row = table.locator("tbody tr", has=page.locator("th", has_text=f"Q{quarter.number}")).filter(
        has_text=str(quarter.year)
    )
    expect(row.locator("td").nth(0)).to_have_text("[c]")
    expect(row.locator("td").nth(2)).to_have_text("10")

    # Filter: one site, girls only, the last quarter.
    page.get_by_label("Site", exact=True).select_option("Northbridge Child Panel")
    page.get_by_label("From the start of", exact=True).select_option(quarter.label)
    page.get_by_label("To the end of", exact=True).select_option(quarter.label)
    page.get_by_label("Gender", exact=True).select_option("Female")
    click_button(page, "Apply filters")
    expect(page.locator("#showing")).to_contain_text(
        f"Showing 1 site, {quarter.label} to {quarter.label}; Site: Northbridge Child Panel; Gender: Female"
    )
    expect(page.locator("table[data-table=referrals_by_quarter_gender] tbody tr").first).to_contain_text("[c]")

    # The same filters on the other pages.
    click_link(page, "Equality monitoring")
    expect(heading(page)).to_have_text("Equality monitoring")
    expect(page.get_by_label("Gender", exact=True)).to_have_value("female")
    click_link(page, "Pilot evaluation")
    expect(page.locator("main")).to_contain_text("Days from referral to decision: panel and SCA")
    click_link(page, "Consistency between panels")
    expect(page.locator(".govuk-warning-text")).to_contain_text("never a verdict")
    click_link(page, "Clear filters")
    click_link(page, "NRM tables")

    # A table downloaded as CSV: the same protected figures as the page.
    with page.expect_download() as info:
        page.locator("#rg_decisions_by_quarter a[download]", has_text="CSV").click()
    download = info.value
    assert download.suggested_filename.startswith("rg_decisions_by_quarter_")
    with open(download.path(), encoding="utf-8-sig") as file:
        text = file.read()
    assert text.splitlines()[0] == "Year,Quarter,Negative reasonable grounds,Positive reasonable grounds,Total"
    assert f"{quarter.year},Q{quarter.number},[c],[c],10" in text
    check_page(page)


def test_statistics_work_without_javascript(page_without_js: Page, demo):
    page = page_without_js
    sign_in_by_session(page, demo_email(Role.COORDINATOR, "northbridge"))
    visit(page, "/statistics/")
    expect(heading(page)).to_have_text("NRM tables")
    page.get_by_label("Gender", exact=True).select_option("Male")
    click_button(page, "Apply filters")
    expect(page.locator("#showing")).to_contain_text("Showing 1 site")
    expect(page.locator("#showing")).to_contain_text("Gender: Male")
