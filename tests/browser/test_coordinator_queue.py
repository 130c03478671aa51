"""The coordinator's queue: referrals arrive with their clocks, the coordinator triages one, and
another site's coordinator never sees them."""

from __future__ import annotations

import re
from datetime import date, timedelta

from django.utils import timezone
from playwright.sync_api import Page, expect

from childnrm.accounts.models import Organisation, Role, Site
from childnrm.core.demo import demo_email
from childnrm.referrals import clocks
from childnrm.referrals.models import HandOff, Referral, ReferralStatus
from childnrm.referrals.tests.factories import submitted_referral
from tests.browser.support import click_button, click_link, heading, sign_in, sign_out, visit

QUEUE = "/referrals/queue/"


def short(day: date) -> str:
    return f"{day.day} {day:%b %Y}"


def row(page: Page, referral: Referral):
    return page.locator(f'tr[data-reference="{referral.reference}"]')


def test_coordinator_sees_the_sites_referrals_with_their_clocks_and_triages_one(page: Page, demo):
    today = timezone.localdate()
    northbridge = Site.objects.get(slug="northbridge")
    overdue = submitted_referral("northbridge", submitted_on=today - timedelta(days=52))
    recent = submitted_referral("northbridge", submitted_on=today - timedelta(days=9))
    new = submitted_referral("northbridge")
    elsewhere = submitted_referral("three-rivers", submitted_on=today - timedelta(days=60))

    sign_in(page, demo_email(Role.COORDINATOR, "northbridge"))
    visit(page, QUEUE)
    expect(heading(page)).to_have_text("Referrals")
    expect(page.locator("tbody tr")).to_have_count(3)
    for referral, days in ((overdue, 52), (recent, 9), (new, 0)):
        submitted = today - timedelta(days=days)
        due = clocks.rg_due_date(submitted, northbridge)
        cells = row(page, referral)
        expect(cells).to_contain_text(referral.child_display_name)
        expect(cells.locator(".app-referred")).to_contain_text(short(submitted))
        expect(cells.locator(".app-referred")).to_contain_text("Today" if days == 0 else f"{days} days ago")
        expect(cells.locator(".app-due")).to_contain_text(short(due))
        expect(cells.locator(".app-triage")).to_contain_text("Awaiting confirmation")
    expect(row(page, overdue).locator(".govuk-tag--red")).to_have_text(f"Overdue by {52 - 45} days")
    expect(row(page, recent).locator(".app-due")).to_contain_text(f"{45 - 9} days left")
    expect(page.locator("main")).not_to_contain_text(elsewhere.reference)

    # Only the overdue ones, by a plain GET form.
    page.get_by_label("Only referrals whose decision is overdue").check()
    click_button(page, "Apply")
    expect(page).to_have_url(re.compile(r"overdue=on"))
    expect(page.locator("tbody tr")).to_have_count(1)
    expect(row(page, overdue)).to_be_visible()

    # Open it and confirm what the rules suggest: the site's own panel decides.
    click_link(page, overdue.reference, within=row(page, overdue))
    expect(heading(page)).to_have_text(f"Triage: {overdue.child_display_name}")
    expect(page.locator(".govuk-inset-text")).to_contain_text("Northbridge Child Panel decides")
    expect(page.locator(".govuk-inset-text")).to_contain_text("every rule for a panel decision is met")
    expect(page.get_by_role("link", name=re.compile("Check for earlier records of this child"))).to_have_attribute(
        "href", f"/children/{overdue.child.reference}/possible-matches/"
    )
    expect(page.get_by_label("Northbridge Child Panel decides")).to_be_checked()
    click_button(page, "Confirm triage")
    expect(page.locator(".govuk-notification-banner--success")).to_contain_text(
        f"Referral {overdue.reference} accepted by Northbridge Child Panel"
    )
    expect(page.get_by_role("button", name="Confirm triage")).to_have_count(0)
    overdue.refresh_from_db()
    assert overdue.status == ReferralStatus.ACCEPTED

    click_link(page, "Back to referrals")
    expect(row(page, overdue).locator(".app-triage")).to_contain_text("Accepted")
    sign_out(page)

    # The other site's coordinator sees only their own referral.
    sign_in(page, demo_email(Role.COORDINATOR, "three-rivers"))
    visit(page, QUEUE)
    expect(page.locator("tbody tr")).to_have_count(1)
    expect(row(page, elsewhere)).to_be_visible()
    for referral in (overdue, recent, new):
        expect(page.locator("main")).not_to_contain_text(referral.reference)
        expect(page.locator("main")).not_to_contain_text(referral.child_display_name)
    visit(page, f"/referrals/{recent.reference}/triage/", status=404)


def test_transfer_to_another_site_without_javascript(page_without_js: Page, demo):
    page = page_without_js
    eastwick = Organisation.objects.get(name="Eastwick Borough Council")
    moved = submitted_referral("northbridge", residence_local_authority=eastwick)

    sign_in(page, demo_email(Role.COORDINATOR, "northbridge"))
    visit(page, f"/referrals/{moved.reference}/triage/")
    expect(page.locator(".govuk-inset-text")).to_contain_text("Three Rivers Consortium Panel decides")
    # Without JavaScript the site question is shown all the time, already answered.
    expect(page.get_by_label("Transfer to another site's panel")).to_be_checked()
    expect(page.get_by_label("Three Rivers Consortium Panel")).to_be_checked()

    # Changing the outcome without a reason is refused, and the answer is kept.
    page.get_by_label("Hand off to the Single Competent Authority").check()
    click_button(page, "Confirm triage")
    expect(page.locator(".govuk-error-summary")).to_contain_text("Enter the reason for changing who decides")
    expect(page.get_by_label("Hand off to the Single Competent Authority")).to_be_checked()

    page.get_by_label("Transfer to another site's panel").check()
    click_button(page, "Confirm triage")
    expect(page.locator(".govuk-panel__title")).to_have_text("Case handed off")
    expect(page.locator(".govuk-summary-list")).to_contain_text("Three Rivers Consortium Panel")
    sent = HandOff.objects.get(referral=moved)
    expect(page.locator(".govuk-summary-list")).to_contain_text(sent.sha256)
    expect(page.get_by_role("link", name=f"Case packet for {moved.reference} (PDF)")).to_be_visible()

    # Gone from Northbridge's queue, waiting in Three Rivers'.
    visit(page, QUEUE)
    expect(page.locator("main")).not_to_contain_text(moved.reference)
    sign_out(page)
    sign_in(page, demo_email(Role.COORDINATOR, "three-rivers"))
    visit(page, QUEUE)
    expect(row(page, moved).locator(".app-triage")).to_contain_text("Awaiting confirmation")
