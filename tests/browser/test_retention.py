"""Retention: the DPO approves anonymisation of a case past its date; a coordinator's legal hold stops it.

Every page is checked with axe (by `visit` and `click_button`); the DPO's journey runs without JavaScript.
"""

from __future__ import annotations

from datetime import date, timedelta

from django.utils import timezone
from playwright.sync_api import Page, expect

from childnrm.accounts.models import Role
from childnrm.dashboard.tests.factories import accepted_referral, final_decision
from childnrm.decisions.models import Stage
from childnrm.people.demo import demo_email
from childnrm.people.models import Child
from childnrm.retention.models import ItemStatus, RetentionItem
from childnrm.retention.services import retention_review_run
from tests.browser.support import click_button, click_link, error_summary, heading, sign_in_by_session, sign_out, visit


def closed_case_past_its_date():
    """A case closed ten years ago of a young person now 30: past the 25th birthday rule."""
    referral = accepted_referral("northbridge")
    final_decision(referral, stage=Stage.CONCLUSIVE_GROUNDS, decided_on=timezone.localdate() - timedelta(days=3650))
    Child.objects.filter(pk=referral.child_id).update(date_of_birth=date(timezone.localdate().year - 30, 5, 1))
    retention_review_run(today=timezone.localdate())
    return referral


def test_dpo_approves_anonymisation_without_javascript(page_without_js: Page, demo):
    page = page_without_js
    referral = closed_case_past_its_date()
    held = closed_case_past_its_date()

    sign_in_by_session(page, demo_email(Role.COORDINATOR, "northbridge"))
    visit(page, "/retention/holds/")
    expect(heading(page)).to_have_text("Legal holds")
    page.get_by_label("Child's reference").fill(held.child.reference)
    page.get_by_label("Why must the records be kept?").fill("A claim about the placement has been brought.")
    click_button(page, "Place the hold")
    expect(page.locator("main")).to_contain_text(f"Legal hold placed on the records of {held.child.reference}")
    sign_out(page)

    sign_in_by_session(page, demo_email(Role.DATA_PROTECTION_OFFICER, "northbridge"))
    click_link(page, "Retention", within=page.get_by_role("navigation", name="Menu"))
    expect(heading(page)).to_have_text("Records past their retention date")
    row = page.locator(f"tr:has-text('{held.reference}')")
    expect(row).to_contain_text("On legal hold")
    expect(page.locator("main")).not_to_contain_text(referral.given_names)
    click_button(page, "Approve and anonymise")
    expect(error_summary(page)).to_contain_text("Select at least one record to anonymise")
    page.get_by_label(f"Anonymise {referral.reference}").check()
    click_button(page, "Approve and anonymise")
    expect(page.locator("main")).to_contain_text("1 record anonymised")
    assert RetentionItem.objects.get(referral=referral).status == ItemStatus.ANONYMISED
    assert RetentionItem.objects.get(referral=held).status == ItemStatus.LISTED
    assert Child.objects.get(pk=referral.child_id).given_names == "Anonymised"

    click_link(page, "Retention schedule")
    expect(heading(page)).to_have_text("Retention schedule")
    expect(page.locator("main")).to_contain_text("Care Planning, Placement and Case Review (England) Regulations 2010")
    click_link(page, "Change retention of case with the panel")
    page.get_by_label("Birthday or number of years").fill("")
    click_button(page, "Save the rule")
    expect(error_summary(page)).to_contain_text("Enter the birthday or the number of years")
    page.get_by_label("Birthday or number of years").fill("26")
    click_button(page, "Save the rule")
    expect(page.locator("main")).to_contain_text("Until the child's 26th birthday (default: until the child's 25th")

    click_link(page, "Legal holds")
    click_link(page, f"Lift the hold on {held.child.reference}")
    expect(heading(page)).to_have_text("Lift the legal hold")
    page.get_by_label("Why can the hold be lifted?").fill("The claim was settled.")
    click_button(page, "Lift the hold")
    expect(page.locator("main")).to_contain_text(f"Legal hold on the records of {held.child.reference} lifted")
    expect(page.locator("main")).to_contain_text("No legal holds are in place.")
