"""An accepted referral's safeguarding answers appear on the child's safeguarding page: the coordinator reads
the whole referral at triage, accepts it, finds it on the child's timeline, and confirms what it said."""

from __future__ import annotations

from datetime import timedelta

from django.utils import timezone
from playwright.sync_api import Page, expect

from childnrm.accounts.models import Role
from childnrm.people.demo import demo_email
from childnrm.referrals.tests.factories import submitted_referral
from childnrm.safeguarding.models import ReferralSafeguarding
from tests.browser.support import click_button, click_link, heading, sign_in_by_session, visit


def test_an_accepted_referrals_safeguarding_answers_appear_on_the_childs_safeguarding_page(page: Page, demo):
    discussed = timezone.localdate() - timedelta(days=2)
    referral = submitted_referral(
        "northbridge",
        child_in_need=True,
        looked_after=True,
        strategy_discussion_date=discussed,
        safeguarding_notes="Placed with foster carers last month.",
    )
    child = referral.child

    sign_in_by_session(page, demo_email(Role.COORDINATOR, "northbridge"))
    visit(page, f"/referrals/{referral.reference}/triage/")
    main = page.locator("main")
    # The whole referral, in the page: the account and the safeguarding answers.
    expect(main).to_contain_text("What the referral says")
    expect(main).to_contain_text(referral.account)
    expect(main).to_contain_text("Looked after by a local authority")
    expect(main).to_contain_text("Placed with foster carers last month.")

    page.locator("input[name=outcome][value=panel]").check()
    page.get_by_label("Reason").fill("The panel decides this child's case.")
    click_button(page, "Confirm triage")
    expect(page.locator(".govuk-notification-banner--success")).to_contain_text("accepted by")

    # The child's record: the timeline shows the referral and its triage.
    visit(page, f"/children/{child.reference}/")
    timeline = page.locator("ol.app-timeline")
    expect(timeline).to_contain_text(f"Referral {referral.reference} received")
    expect(timeline).to_contain_text("Accepted by")

    visit(page, f"/safeguarding/children/{child.reference}/")
    expect(heading(page)).to_have_text("Safeguarding")
    expect(main).not_to_contain_text("No child in need, child protection plan or looked after periods recorded")
    expect(main).to_contain_text(f"From referral {referral.reference}: to confirm")
    expect(main.locator("table").first).to_contain_text("Child in need")
    expect(main.locator("table").first).to_contain_text("Looked after")
    # The two periods and the strategy discussion, besides the key in the notice above them.
    expect(main.locator("table .govuk-tag--yellow", has_text="From the referral, to confirm")).to_have_count(2)
    expect(main.locator("dl .govuk-tag--yellow", has_text="From the referral, to confirm")).to_have_count(1)
    expect(main.locator("dl").filter(has_text="Date given by referral")).to_contain_text(discussed.strftime("%B"))

    click_button(page, f"Confirm what the referral said ({referral.reference})")
    expect(page.locator(".govuk-notification-banner--success")).to_contain_text(
        f"What referral {referral.reference} said is confirmed"
    )
    expect(main).not_to_contain_text("From the referral, to confirm")
    expect(main).to_contain_text(f"What referral {referral.reference} said about safeguarding in place was confirmed")
    assert ReferralSafeguarding.objects.get(referral=referral).confirmed_at is not None

    click_link(page, "Back to the child's record")
