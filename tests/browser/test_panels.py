"""A panel sitting: the coordinator schedules it, lists a suggested case, opens it; an adviser reads the
case papers while it sits; once the coordinator closes it the adviser's papers are gone (404)."""

from __future__ import annotations

from datetime import timedelta

from django.utils import timezone
from playwright.sync_api import Page, expect

from childnrm.accounts.models import Role
from childnrm.core.demo import demo_email
from childnrm.panels.models import Meeting, MeetingStatus
from childnrm.panels.tests.factories import accepted_referral
from tests.browser.support import click_button, click_link, error_summary, heading, sign_in, sign_out, visit


def test_a_sitting_from_scheduling_to_closing(page: Page, demo):
    referral = accepted_referral("northbridge", submitted_on=timezone.localdate() - timedelta(days=50))

    sign_in(page, demo_email(Role.COORDINATOR, "northbridge"))
    visit(page, "/panels/meetings/")
    expect(heading(page)).to_have_text("Panel meetings")
    click_link(page, "Schedule a meeting")

    # A mistake first: nothing typed is lost.
    page.get_by_label("Extra sitting").check()
    page.get_by_label("Where").fill("Committee room 3")
    page.get_by_label("Start time").fill("9.30")
    click_button(page, "Schedule meeting")
    expect(error_summary(page)).to_contain_text("Enter the date of the meeting")
    expect(page.get_by_label("Where")).to_have_value("Committee room 3")

    day = timezone.localdate() + timedelta(days=3)
    page.get_by_label("Day").fill(str(day.day))
    page.get_by_label("Month").fill(str(day.month))
    page.get_by_label("Year").fill(str(day.year))
    page.get_by_label("Chair").select_option(label="Panel chair (Northbridge demo)")
    click_button(page, "Schedule meeting")
    expect(page.locator(".govuk-notification-banner--success")).to_contain_text("Meeting scheduled")
    expect(heading(page)).to_contain_text("Scheduled")
    meeting = Meeting.objects.get(location="Committee room 3")
    expect(page.locator("main")).to_contain_text("Adviser")

    click_link(page, "Build the agenda")
    suggested = page.locator("tr", has_text=referral.reference)
    expect(suggested).to_contain_text("Urgent")
    expect(suggested).to_contain_text("Overdue by 5 days")
    click_button(page, f"Add referral {referral.reference}")
    expect(page.locator(".govuk-notification-banner--success")).to_contain_text(f"{referral.reference} added")
    click_link(page, "Back to the meeting")

    for box in page.get_by_role("checkbox").all():
        box.check()
    click_button(page, "Save attendance")
    expect(page.locator(".govuk-notification-banner--success")).to_contain_text("Attendance recorded")
    expect(page.locator("main")).to_contain_text("Conflicts of interest not yet declared by")
    click_link(page, "Open the sitting")
    click_button(page, "Open the sitting")
    expect(heading(page)).to_contain_text("In session")
    sign_out(page)

    # The adviser reads the papers from their meetings and declares.
    sign_in(page, demo_email(Role.ADVISER, "northbridge"))
    visit(page, "/panels/your-meetings/")
    click_link(page, f"{day.day} {day:%B %Y} at 09:30")
    click_link(page, f"Case papers for referral {referral.reference}")
    expect(heading(page)).to_have_text(f"Case papers: {referral.child_display_name}")
    expect(page.locator("main")).to_contain_text(referral.account)
    papers = page.url
    page.get_by_label("No conflict of interest").check()
    click_button(page, "Save your declaration")
    expect(page.locator(".govuk-notification-banner--success")).to_contain_text("Your declaration has been recorded")
    sign_out(page)

    sign_in(page, demo_email(Role.COORDINATOR, "northbridge"))
    visit(page, f"/panels/meetings/{meeting.pk}/")
    click_link(page, "Close the meeting")
    click_button(page, "Close the meeting")
    expect(heading(page)).to_contain_text("Closed")
    meeting.refresh_from_db()
    assert meeting.status == MeetingStatus.CLOSED
    sign_out(page)

    sign_in(page, demo_email(Role.ADVISER, "northbridge"))
    visit(page, papers, status=404)
    expect(page.locator("body")).not_to_contain_text(referral.child_display_name)
