"""The next step is one click away (issue 9 item 4): after triage accepts a case, the coordinator adds it to the
next sitting's agenda from the triage page; after sign-off, the decision's page says what happens next."""

from __future__ import annotations

from playwright.sync_api import Page, expect

from childnrm.accounts.models import Role
from childnrm.decisions.tests.factories import final_decision
from childnrm.panels.models import AgendaItem, Meeting, MeetingStatus
from childnrm.people.demo import demo_email
from childnrm.triage.demo import submitted_referral
from tests.browser.support import click_button, click_link, heading, sign_in_by_session, visit

SITE = "northbridge"


def test_accept_then_list_for_the_next_sitting_and_see_what_follows_a_decision(page: Page, demo):
    referral = submitted_referral(SITE)
    decision = final_decision(SITE)
    sitting = Meeting.objects.get(site__slug=SITE, status=MeetingStatus.SCHEDULED)

    sign_in_by_session(page, demo_email(Role.COORDINATOR, SITE))
    visit(page, f"/referrals/{referral.reference}/triage/")
    page.get_by_label(f"{referral.site.name} decides").check()
    page.get_by_label("Reason for changing who decides").fill("The panel decides this case.")
    click_button(page, "Confirm triage")
    expect(page.locator(".govuk-notification-banner--success")).to_contain_text("accepted by")
    expect(heading(page)).to_contain_text("Triage")

    click_button(page, "Add to the next sitting’s agenda")
    expect(page.locator(".govuk-notification-banner--success")).to_contain_text(
        f"Referral {referral.reference} added to the agenda of the sitting on"
    )
    assert AgendaItem.objects.filter(referral=referral, meeting=sitting).exists()
    # The page now says where the case is listed, and leads there.
    listed = page.locator(f'a[href="/panels/meetings/{sitting.pk}/"]')
    expect(page.locator("main")).to_contain_text("On the agenda of the sitting on")
    expect(page.get_by_role("button", name="Add to the next sitting’s agenda")).to_have_count(0)
    click_link(page, listed.inner_text())
    expect(page.locator("main")).to_contain_text(referral.reference)

    visit(page, f"/decisions/{decision.pk}/")
    steps = page.locator("#next-steps")
    expect(steps).to_contain_text("Produce the letters")
    expect(steps).to_contain_text("Explain the decision to the child")
    expect(steps).to_contain_text("Tell the guardian")
    click_link(page, "Produce the letters")
    expect(heading(page)).to_contain_text("Communicating the decision")
