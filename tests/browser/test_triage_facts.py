"""Hard exclusions and turning 18 (issue 8 rules 7 and 11), without JavaScript: the coordinator cannot choose a
panel for a child whose age is disputed, corrects the facts once the age assessment concludes, and records the
consent of a young person who has turned 18 from the dashboard."""

from __future__ import annotations

from datetime import timedelta

from django.utils import timezone
from playwright.sync_api import Page, expect

from childnrm.accounts.models import Role
from childnrm.panels.tests.factories import accept
from childnrm.people.demo import demo_email
from childnrm.referrals.models import AdultConsent, ReferralStatus
from childnrm.referrals.tests.factories import submitted_referral, years_ago
from tests.browser.support import click_button, click_link, error_summary, heading, sign_in_by_session, visit


def test_correct_the_facts_then_the_panel_may_decide(page_without_js: Page, demo):
    page = page_without_js
    referral = submitted_referral("northbridge", age_disputed=True)
    sign_in_by_session(page, demo_email(Role.COORDINATOR, "northbridge"))
    visit(page, f"/referrals/{referral.reference}/triage/")
    expect(page.locator(".govuk-warning-text").first).to_contain_text(
        "A panel cannot decide this referral because the child's age is disputed"
    )
    expect(page.get_by_label("Northbridge Child Panel decides")).to_have_count(0)
    expect(page.get_by_label("Refer on to the Single Competent Authority")).to_be_checked()

    click_link(page, "Correct the facts")
    expect(heading(page)).to_have_text("Correct the facts")
    page.get_by_label("The child's age is disputed, for example by a local authority age assessment").uncheck()
    click_button(page, "Correct the facts and apply the rules again")
    expect(error_summary(page)).to_contain_text("Enter why the facts have changed")
    page.get_by_label("The child's age is disputed, for example by a local authority age assessment").uncheck()
    page.get_by_label("Why have the facts changed?").fill("The age assessment concluded and accepted the age.")
    click_button(page, "Correct the facts and apply the rules again")

    expect(page.locator(".govuk-notification-banner--success")).to_contain_text("The rules now suggest")
    expect(page.locator(".govuk-inset-text")).to_contain_text("Northbridge Child Panel decides")
    expect(page.locator(".govuk-inset-text")).to_contain_text("age disputed from yes to no")
    expect(page.get_by_label("Northbridge Child Panel decides")).to_be_checked()
    click_button(page, "Confirm triage")
    referral.refresh_from_db()
    assert referral.status == ReferralStatus.ACCEPTED


def test_consent_at_18_from_the_dashboard(page_without_js: Page, demo):
    page = page_without_js
    today = timezone.localdate()
    referral = accept(
        submitted_referral(
            "northbridge", submitted_on=today - timedelta(days=200), date_of_birth=years_ago(18, today - timedelta(5))
        )
    )
    sign_in_by_session(page, demo_email(Role.COORDINATOR, "northbridge"))
    visit(page, "/dashboard/")
    waiting = page.locator('section[data-kind="adult_consent_awaited"]')
    expect(waiting.locator(f'tr:has-text("{referral.reference}")')).to_contain_text("No answer recorded")
    click_link(page, f"Record their answer for {referral.reference}", within=waiting)
    expect(heading(page)).to_have_text("Consent to remain in the NRM at 18")
    page.get_by_label("Consents to remain in the NRM").check()
    page.get_by_label("In person").check()
    group = page.get_by_role("group", name="Date they gave their answer")
    group.get_by_label("Day").fill(str(today.day))
    group.get_by_label("Month").fill(str(today.month))
    group.get_by_label("Year").fill(str(today.year))
    click_button(page, "Record their answer")
    expect(page.locator(".govuk-notification-banner--success")).to_contain_text("Consent to remain in the NRM recorded")
    expect(page.locator(".govuk-table")).to_contain_text("Consents to remain in the NRM")
    assert AdultConsent.objects.get(referral=referral).recorded_by.email == demo_email(Role.COORDINATOR, "northbridge")
    visit(page, "/dashboard/")
    expect(page.locator('section[data-kind="adult_consent_awaited"]')).not_to_contain_text(referral.reference)
