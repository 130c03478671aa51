"""New burdens (issue 10): a panel member who sat on a case logs the time they spent reading its papers for the
decision, told what is missing first; the coordinator sees it on the case and finds the cost of the panel, its
small numbers withheld. Every page axe-clean."""

from __future__ import annotations

from datetime import timedelta

from django.utils import timezone
from playwright.sync_api import Page, expect

from childnrm.accounts.models import Role
from childnrm.burdens import services
from childnrm.burdens.models import TimeEntry
from childnrm.burdens.tests.factories import decided_case
from conftest import demo_user
from tests.browser.support import click_button, click_link, error_summary, heading, sign_in_by_session, sign_out, visit


def test_a_panel_member_logs_time_on_a_decision_and_the_coordinator_sees_the_cost(page: Page, demo):
    decision = decided_case(decided_on=timezone.localdate() - timedelta(days=10))
    reference = decision.referral.reference
    services.sitting_duration_record(meeting=decision.meeting, user=demo_user(Role.COORDINATOR), minutes=90)
    member = demo_user(Role.PANEL_MEMBER)

    sign_in_by_session(page, member.email)
    click_link(page, "Your time on cases")
    expect(heading(page)).to_have_text("Your time on cases")
    row = page.locator(f'tr[data-case="{reference}"]')
    expect(row).to_contain_text("0 minutes")
    click_link(page, f"Log time on case {reference}", within=row)
    expect(heading(page)).to_have_text("Log time on the case")

    # Only the time: everything else is asked for, and the time stays.
    page.get_by_label("Hours").fill("1")
    page.get_by_label("Minutes").fill("30")
    click_button(page, "Log the time")
    summary = error_summary(page)
    expect(summary).to_contain_text("Select what the time was for")
    expect(summary).to_contain_text("Select what you were doing")
    expect(summary).to_contain_text("Enter the date you did the work")
    expect(page.get_by_label("Minutes")).to_have_value("30")

    page.get_by_label("Reasonable grounds decision of", exact=False).check()
    page.get_by_label("Reading the papers and preparing").check()
    day = decision.decided_on - timedelta(days=1)
    page.locator("#id_worked_on_day").fill(str(day.day))
    page.locator("#id_worked_on_month").fill(str(day.month))
    page.locator("#id_worked_on_year").fill(str(day.year))
    click_button(page, "Log the time")
    expect(page.locator(".govuk-notification-banner--success")).to_contain_text(
        f"1 hour 30 minutes logged on case {reference}"
    )
    expect(page.locator("table.app-time-entries")).to_contain_text("Reading the papers and preparing")
    entry = TimeEntry.objects.get()
    assert (entry.user, entry.minutes, entry.decision, entry.role) == (member, 90, decision, Role.PANEL_MEMBER)
    sign_out(page)

    # The coordinator sees everyone's time on the case, then the cost of the panel.
    coordinator = demo_user(Role.COORDINATOR)
    sign_in_by_session(page, coordinator.email)
    visit(page, f"/decisions/{decision.pk}/")
    click_link(page, "Log time you spent on this decision")
    expect(page.get_by_label("Reasonable grounds decision of", exact=False)).to_be_checked()
    visit(page, f"/time-and-costs/cases/{reference}/")
    people = page.locator("table.app-time-people")
    expect(people).to_contain_text(member.full_name)
    expect(people).to_contain_text("1 hour 30 minutes")  # at the sitting, and logged
    visit(page, "/")
    click_link(page, "The cost of the panel")
    expect(heading(page)).to_have_text("The cost of the panel")
    panels = page.locator('table[data-table="panels-caption"]')
    expect(panels).to_contain_text("Northbridge")
    expect(panels).to_contain_text("[c]")  # one case: withheld with its hours and cost
    expect(page.locator("main")).not_to_contain_text(reference)
    page.get_by_label("From the quarter").select_option(index=0)
    click_button(page, "Show the costs")
    expect(page.locator('table[data-table="quarters-caption"] tbody tr')).to_have_count(2)  # a quarter and the total
