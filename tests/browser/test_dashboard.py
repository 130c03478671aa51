"""The dashboard: the coordinator sees what is due and overdue, follows a link to the case, and
records a young person's turning-18 hand-over; the chair sees references only."""

from __future__ import annotations

from datetime import timedelta

from django.utils import timezone
from playwright.sync_api import Page, expect

from childnrm.accounts.models import Role
from childnrm.dashboard.tests.factories import accepted_referral, days_ago, final_decision, plan_with_action
from childnrm.dashboard.views import SECTION_ROWS
from childnrm.people.demo import demo_email
from childnrm.referrals.models import AdultConsent, ConsentAnswer
from tests.browser.support import click_button, click_link, heading, sign_in_by_session, sign_out, submit, visit


def test_coordinator_sees_the_sites_clocks_and_follows_them(page: Page, demo):
    today = timezone.localdate()
    overdue = accepted_referral(submitted_on=days_ago(48))
    due_soon = accepted_referral(submitted_on=days_ago(40))
    plan_with_action(overdue.child, due_on=days_ago(3))
    birthday = today + timedelta(days=90)
    # The panel holds their case, referred when they were well over 100 days from 18.
    nearly_18_case = accepted_referral(
        submitted_on=days_ago(200), date_of_birth=birthday.replace(year=birthday.year - 18)
    )
    nearly_18 = nearly_18_case.child
    elsewhere = accepted_referral("three-rivers", submitted_on=days_ago(60))

    sign_in_by_session(page, demo_email(Role.COORDINATOR, "northbridge"))
    visit(page, "/dashboard/")
    expect(heading(page)).to_have_text("Dashboard")
    main = page.locator("main")
    expect(main).not_to_contain_text(elsewhere.reference)

    overdue_section = page.locator('section[data-kind="rg_overdue"]')
    expect(overdue_section.locator(f'tr:has-text("{overdue.reference}")')).to_contain_text("Overdue by 3 days")
    soon = page.locator('section[data-kind="rg_due_soon"]')
    expect(soon.locator(f'tr:has-text("{due_soon.reference}")')).to_contain_text("In 5 days")
    expect(page.locator('section[data-kind="plan_action_overdue"]')).to_contain_text(overdue.child.reference)
    cut_off = page.locator('section[data-kind="turning_18_cut_off"]')
    expect(cut_off).to_contain_text(nearly_18.reference)

    # The summary's links go to the lists; a case's reference goes to the case.
    click_link(page, overdue.reference, within=overdue_section)
    expect(heading(page)).to_contain_text("Triage")

    # The turning-18 hand-over, from the dashboard.
    visit(page, "/dashboard/")
    click_link(page, f"Turning 18 hand-over for {nearly_18.reference}", within=cut_off)
    expect(heading(page)).to_have_text("Turning 18 hand-over")
    # Their answer on consent is recorded once, on their case, and the hand-over shows it.
    click_link(page, "Record their answer on consent to remain in the NRM")
    expect(heading(page)).to_have_text("Consent to remain in the NRM at 18")
    page.get_by_label("Does not consent to remain in the NRM").check()
    click_button(page, "Record their answer")
    expect(page.locator(".govuk-error-summary")).to_contain_text("Enter the date the young person gave their answer")
    page.get_by_label("Does not consent to remain in the NRM").check()
    page.get_by_label("In person").check()
    group = page.get_by_role("group", name="Date they gave their answer")
    group.get_by_label("Day").fill(str(today.day))
    group.get_by_label("Month").fill(str(today.month))
    group.get_by_label("Year").fill(str(today.year))
    click_button(page, "Record their answer")
    expect(heading(page)).to_have_text("Turning 18 hand-over")
    expect(page.locator("main")).to_contain_text("Does not consent to remain in the NRM, given")
    page.get_by_label("Adult support provider").fill("Adult Victim Care Contract provider")
    click_button(page, "Save")
    expect(page.locator(".govuk-notification-banner--success")).to_contain_text("Turning 18 hand-over saved")
    expect(page.locator(f'tr[data-reference="{nearly_18.reference}"] .app-consent')).to_have_text(
        "Does not consent to remain in the NRM"
    )
    assert AdultConsent.objects.get(referral=nearly_18_case).answer == ConsentAnswer.REFUSED
    sign_out(page)

    # The chair: the same clocks, by reference only.
    sign_in_by_session(page, demo_email(Role.CHAIR, "northbridge"))
    visit(page, "/dashboard/")
    expect(page.locator('section[data-kind="rg_overdue"]')).to_contain_text(overdue.reference)
    expect(page.locator("main")).not_to_contain_text(overdue.child.display_name)


def test_coordinator_follows_a_section_to_its_full_list_then_to_the_letters_and_the_guardian(page: Page, demo):
    """About ten rows a section, a link to the full list, and from a row to the page where it is done."""
    decided = [
        final_decision(accepted_referral(submitted_on=days_ago(430 + days)), decided_on=days_ago(400 + days))
        for days in range(SECTION_ROWS + 1)
    ]
    oldest = decided[-1].referral  # the longest waiting is listed first

    sign_in_by_session(page, demo_email(Role.COORDINATOR, "northbridge"))
    visit(page, "/dashboard/")
    letters = page.locator('section[data-kind="letters_not_produced"]')
    expect(letters.locator("tbody tr")).to_have_count(SECTION_ROWS)
    submit(page, lambda: letters.locator("a.app-full-list").click())
    expect(heading(page)).to_have_text("Final decisions without their letters")
    expect(page.locator("main")).to_contain_text(decided[0].referral.reference)
    click_link(page, f"Produce the letters for {oldest.reference}")
    expect(heading(page)).to_contain_text("Communicating the decision")

    visit(page, "/dashboard/")
    guardians = page.locator('section[data-kind="child_without_guardian"]')
    submit(page, lambda: guardians.locator("a.app-full-list").click())
    expect(heading(page)).to_have_text("Children without an allocated guardian")
    click_link(page, f"Allocate a guardian for {oldest.child.reference}")
    expect(heading(page)).to_have_text("Independent Child Trafficking Guardian")
