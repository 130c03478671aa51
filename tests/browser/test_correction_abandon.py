"""Abandoning a correction, as the coordinator does it with JavaScript switched off: from the decision that stands,
start a correction, find it cannot go ahead, abandon its draft on the confirm page (an error first, for no reason
given), and land back on the decision that stands, which can be corrected again. The child's record keeps the
standing version; the draft is gone (ADR 0006 amendment, session 20)."""

from __future__ import annotations

from playwright.sync_api import Page, expect

from childnrm.accounts.models import Role
from childnrm.decisions.models import Decision, DecisionKind, DecisionStatus
from childnrm.decisions.tests.factories import final_decision
from childnrm.people.demo import demo_email
from tests.browser.decision_steps import success
from tests.browser.support import click_button, click_link, error_summary, heading, sign_in_by_session, visit

SITE = "northbridge"


def test_the_coordinator_abandons_a_correction_and_can_correct_again(page_without_js: Page, demo):
    page = page_without_js
    final = final_decision(SITE)
    sign_in_by_session(page, demo_email(Role.COORDINATOR, SITE))

    visit(page, f"/decisions/{final.pk}/")
    click_link(page, "Correct this decision")
    page.get_by_label("Why does the record need correcting?").fill("The police officer's agency is named wrongly")
    click_button(page, "Start the correction")
    correction = Decision.objects.get(supersedes=final, kind=DecisionKind.CORRECTION)
    assert correction.status == DecisionStatus.DRAFT

    click_link(page, "Abandon this correction")
    expect(heading(page)).to_contain_text("Abandon the correction")
    expect(page.locator(".govuk-warning-text")).to_contain_text("This cannot be undone")

    # No reason chosen: the error summary links to the question, and nothing is deleted.
    click_button(page, "Abandon the correction")
    expect(error_summary(page)).to_contain_text("Select why the correction is abandoned")
    assert Decision.objects.filter(pk=correction.pk).exists()

    page.get_by_label("It was started in error").check()
    click_button(page, "Abandon the correction")
    expect(success(page)).to_contain_text(f"Correction abandoned. Version {final.version} of the decision stands.")
    assert page.url.endswith(f"/decisions/{final.pk}/")
    assert not Decision.objects.filter(pk=correction.pk).exists()
    assert Decision.objects.get(pk=final.pk).status == DecisionStatus.FINAL
    # Open to another correction at once.
    expect(page.get_by_role("link", name="Correct this decision")).to_be_visible()
