"""Each role sees its own part of the case (issue 9, item 7), every page axe-clean: the referrer follows a referral
they sent to its outcome letter, the allocated guardian goes from the child's record to the letter to explain and
the plan, and the SCA's quality assurer reads a return laid out like the decision page."""

from __future__ import annotations

import re

from playwright.sync_api import Page, expect

from childnrm.accounts.models import Role
from childnrm.decisions.models import Outcome
from childnrm.decisions.tests.factories import final_decision
from childnrm.kit.dates import long_date
from childnrm.letters.services import letters_produce
from childnrm.people.demo import demo_email
from childnrm.reviews.tests import factories as reviews_factories
from childnrm.safeguarding.services import guardian_allocate
from conftest import demo_user
from tests.browser.support import click_link, heading, sign_in_by_session, submit

NAV = ".govuk-service-navigation"


def test_the_referrer_follows_their_referral_to_its_outcome_letter(page: Page, demo):
    decision = final_decision("northbridge")
    referral = decision.referral
    letters_produce(decision=decision, user=demo_user(Role.COORDINATOR))

    sign_in_by_session(page, demo_email(Role.FIRST_RESPONDER, "northbridge"))
    click_link(page, "Your referrals", within=page.locator(NAV))
    # The reference is the link, its name told in full to screen readers.
    submit(page, lambda: page.get_by_role("link", name=re.compile(f"^{referral.reference}")).click())
    expect(heading(page)).to_have_text(f"Your referral of {referral.child_display_name}")
    progress = page.get_by_test_id("progress")
    expect(progress.locator(".govuk-summary-list__row")).to_have_count(4)
    expect(progress).to_contain_text("Accepted by the panel")
    expect(progress.locator(".govuk-summary-list__row").last).to_contain_text(decision.get_outcome_display())
    expect(progress).to_contain_text(long_date(decision.decided_on))
    expect(page.get_by_test_id("referrer-letters").get_by_role("link")).to_have_text(
        f"Outcome letter: reasonable grounds decision of {long_date(decision.decided_on)} (PDF)"
    )
    expect(page.locator("main")).to_contain_text(referral.account)
    expect(page.get_by_role("link", name=re.compile("^Change"))).to_have_count(0)

    # Their "Children" list holds the child of this referral, whose record leads back to it.
    click_link(page, "Children", within=page.locator(NAV))
    click_link(page, referral.child.reference)
    click_link(page, f"Referral {referral.reference}")
    expect(heading(page)).to_have_text(f"Your referral of {referral.child_display_name}")


def test_the_guardian_goes_from_the_childs_record_to_the_letter_and_the_plan(page: Page, demo):
    decision = final_decision("northbridge")
    child = decision.referral.child
    guardian_allocate(child=child, user=demo_user(Role.COORDINATOR), guardian=demo_user(Role.ICTG))
    letters_produce(decision=decision, user=demo_user(Role.COORDINATOR))

    sign_in_by_session(page, demo_email(Role.ICTG, "northbridge"))
    click_link(page, "Children", within=page.locator(NAV))
    click_link(page, child.reference)
    letters = page.get_by_test_id("decision-letters")
    expect(letters.get_by_role("link", name=re.compile("^Download the letter for the child"))).to_be_visible()
    click_link(
        page,
        f"Reasonable grounds decision of {long_date(decision.decided_on)}, {decision.outcome}: letters and explaining "
        "it to the child",
    )
    expect(heading(page)).to_have_text(f"Communicating the decision: {child.display_name}")
    click_link(page, "Back to the child's record")
    click_link(page, "Safeguarding plan, statutory status, guardian and safety map")
    click_link(page, "Open the plan and its actions")
    expect(page.locator("main")).to_contain_text(child.reference)


def test_the_quality_assurer_reads_a_return_like_the_decision_page(page: Page, demo):
    decision = final_decision("northbridge", outcome=Outcome.POSITIVE)
    sent = reviews_factories.decision_return(decision=decision)

    sign_in_by_session(page, demo_email(Role.SCA_QUALITY_ASSURER, "northbridge"))
    click_link(page, "Quality assurance", within=page.locator(NAV))
    submit(page, lambda: page.get_by_role("link", name=re.compile(f"^Return {sent.pk}")).click())
    record = page.locator("main")
    for section in ("The decision", "Evidence weighed", "Act, purpose and exploitation", "Votes and dissent"):
        expect(page.get_by_role("heading", name=section, exact=True)).to_be_visible()
    expect(record).to_contain_text(long_date(decision.decided_on))
    expect(record).not_to_contain_text(decision.decided_on.isoformat())
    expect(record).not_to_contain_text("decision_id")
