"""Transferring a case: the coordinator sends it with its whole history, and the case changes hands."""

from __future__ import annotations

from playwright.sync_api import Page, expect

from childnrm.accounts.models import Role
from childnrm.dashboard.tests.factories import accepted_referral
from childnrm.handovers.models import CaseTransfer
from childnrm.people.demo import demo_email
from tests.browser.support import click_button, click_link, heading, sign_in_by_session, sign_out, visit


def test_coordinator_transfers_a_case_to_another_site(page: Page, demo):
    referral = accepted_referral()
    child = referral.child

    sign_in_by_session(page, demo_email(Role.COORDINATOR, "northbridge"))
    visit(page, f"/handovers/children/{child.reference}/transfer/")
    expect(heading(page)).to_have_text("Transfer the case")
    page.get_by_label("Another site's panel").check()
    click_button(page, "Transfer the case")
    summary = page.locator(".govuk-error-summary")
    expect(summary).to_contain_text("Select the site to transfer the case to")
    expect(summary).to_contain_text("Enter the reason for the transfer")
    page.get_by_label("Three Rivers Consortium Panel").check()
    page.get_by_label("Why is the case being transferred?").fill("The family moved to Eastwick.")
    click_button(page, "Transfer the case")
    expect(page.locator(".govuk-panel__title")).to_have_text("Case transferred")
    transfer = CaseTransfer.objects.get(referral=referral)
    expect(page.locator("main")).to_contain_text(transfer.sha256)
    visit(page, f"/children/{child.reference}/", status=404)
    visit(page, "/handovers/transfers/")
    click_link(page, referral.reference)
    expect(page.locator(".govuk-panel__title")).to_have_text("Case transferred")
    sign_out(page)

    sign_in_by_session(page, demo_email(Role.COORDINATOR, "three-rivers"))
    visit(page, f"/handovers/transfers/{transfer.pk}/")
    expect(heading(page)).to_have_text("Case received from Northbridge Child Panel")
    click_link(page, f"Open the case {referral.reference}")
    expect(heading(page)).to_contain_text("Triage")
