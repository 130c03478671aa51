"""The coordinator transfers a referral to the site whose area it is, without JavaScript.

The queue's clocks, triage by the site's own panel and the other site's queue not showing a
site's referrals are in the continuous journey from the first responder (test_referral_journey.py).
"""

from __future__ import annotations

from playwright.sync_api import Page, expect

from childnrm.accounts.models import Organisation, Role
from childnrm.people.demo import demo_email
from childnrm.referrals.models import Referral
from childnrm.referrals.tests.factories import submitted_referral
from childnrm.triage.models import OnwardReferral
from tests.browser.support import click_button, sign_in_by_session, sign_out, visit

QUEUE = "/referrals/queue/"


def row(page: Page, referral: Referral):
    return page.locator(f'tr[data-reference="{referral.reference}"]')


def test_transfer_to_another_site_without_javascript(page_without_js: Page, demo):
    page = page_without_js
    eastwick = Organisation.objects.get(name="Eastwick Borough Council")
    moved = submitted_referral("northbridge", residence_local_authority=eastwick)

    sign_in_by_session(page, demo_email(Role.COORDINATOR, "northbridge"))
    visit(page, f"/referrals/{moved.reference}/triage/")
    expect(page.locator(".govuk-inset-text")).to_contain_text("Three Rivers Consortium Panel decides")
    # Without JavaScript the site question is shown all the time, already answered.
    expect(page.get_by_label("Transfer to another site's panel")).to_be_checked()
    expect(page.get_by_label("Three Rivers Consortium Panel")).to_be_checked()

    # Changing the outcome without a reason is refused, and the answer is kept.
    page.get_by_label("Refer on to the Single Competent Authority").check()
    click_button(page, "Confirm triage")
    expect(page.locator(".govuk-error-summary")).to_contain_text("Enter the reason for changing who decides")
    expect(page.get_by_label("Refer on to the Single Competent Authority")).to_be_checked()

    page.get_by_label("Transfer to another site's panel").check()
    click_button(page, "Confirm triage")
    expect(page.locator(".govuk-panel__title")).to_have_text("Case referred on")
    expect(page.locator(".govuk-summary-list")).to_contain_text("Three Rivers Consortium Panel")
    sent = OnwardReferral.objects.get(referral=moved)
    expect(page.locator(".govuk-summary-list")).to_contain_text(sent.sha256)
    expect(page.get_by_role("link", name=f"Case packet for {moved.reference} (PDF)")).to_be_visible()

    # Gone from Northbridge's queue, waiting in Three Rivers'.
    visit(page, QUEUE)
    expect(page.locator("main")).not_to_contain_text(moved.reference)
    sign_out(page)
    sign_in_by_session(page, demo_email(Role.COORDINATOR, "three-rivers"))
    visit(page, QUEUE)
    expect(row(page, moved).locator(".app-triage")).to_contain_text("Awaiting confirmation")
