"""A second referral for a child already known is flagged in the queue and at triage, and linked there (issue 9
item 3). Every page is checked with axe (tests/browser/support.py), with and without JavaScript.

The referrals are made through the services, as a first responder makes them; submitting one runs the search
for earlier records of the child as its background task (at once in tests).
"""

from __future__ import annotations

import re
from datetime import date

from playwright.sync_api import Page, expect

from childnrm.accounts.models import Role
from childnrm.panels.tests.factories import accept
from childnrm.people.demo import demo_email
from childnrm.people.models import ChildLinkDecision
from childnrm.referrals.tests.factories import submitted_referral
from tests.browser.support import click_button, click_link, error_summary, heading, sign_in_by_session, submit, visit

QUEUE = "/referrals/queue/"
KNOWN = {"given_names": "Ardit", "family_name": "Krasniqi", "date_of_birth": date(2011, 3, 4), "nationalities": ["AL"]}
EVIDENCE = "Same date of birth; same given name; surname spelt differently (transliteration); same nationality"


def queue_row(page: Page, reference: str):
    return page.locator(f'tr[data-reference="{reference}"]')


def _button(page: Page, name: str):
    return page.get_by_role("button", name=name, exact=True)


def test_a_second_referral_of_a_known_child_is_flagged_and_linked_at_triage(page: Page, demo):
    known = accept(submitted_referral("northbridge", **KNOWN))
    again = submitted_referral("northbridge", **{**KNOWN, "family_name": "Krasniqui"})
    earlier = known.child.reference

    sign_in_by_session(page, demo_email(Role.COORDINATOR, "northbridge"))
    visit(page, QUEUE)
    expect(queue_row(page, again.reference).locator(".govuk-tag--yellow")).to_have_text("Possible earlier record")
    expect(queue_row(page, known.reference)).not_to_contain_text("Possible earlier record")

    click_link(page, again.reference, within=queue_row(page, again.reference))
    expect(heading(page)).to_have_text("Triage: Ardit Krasniqui")
    card = page.locator(f"#earlier-{earlier}")
    expect(card.locator(".govuk-summary-card__title")).to_have_text(f"{earlier}: Ardit Krasniqi")
    expect(card.locator(".app-earlier-evidence")).to_have_text(EVIDENCE)
    expect(card).not_to_contain_text("score")

    # Saying it is not the same child needs a reason: the answer is refused with the record beside it.
    submit(page, lambda: _button(page, f"Not the same child ({earlier})").click())
    expect(page).to_have_title(re.compile("^Error: "))
    expect(error_summary(page)).to_contain_text("Enter why this is not the same child")
    expect(page.locator("main")).to_contain_text(EVIDENCE)
    assert not ChildLinkDecision.objects.exists()

    # On reflection it is the same child.
    click_button(page, "This is the same child")
    expect(page.locator(".govuk-notification-banner--success")).to_contain_text(
        f"{earlier} is linked as an earlier record of the child referred in {again.reference}"
    )
    expect(heading(page)).to_have_text("Triage: Ardit Krasniqui")
    expect(page.locator(f"#earlier-{earlier}")).to_have_count(0)
    expect(page.locator(".app-earlier-linked")).to_contain_text(earlier)
    decision = ChildLinkDecision.objects.get()
    assert decision.status == "linked"
    assert {decision.child_a_id, decision.child_b_id} == {known.child_id, again.child_id}

    visit(page, QUEUE)
    expect(queue_row(page, again.reference)).not_to_contain_text("Possible earlier record")


def test_not_the_same_child_at_triage_without_javascript(page_without_js: Page, demo):
    page = page_without_js
    known = submitted_referral("northbridge", **{**KNOWN, "given_names": "Anna-Maria", "family_name": "Smith-Jones"})
    again = submitted_referral("northbridge", **{**KNOWN, "given_names": "Anna-Maria", "family_name": "Smith Jones"})
    earlier = known.child.reference

    sign_in_by_session(page, demo_email(Role.COORDINATOR, "northbridge"))
    visit(page, f"/referrals/{again.reference}/triage/")
    # Names exactly as entered, hyphens included.
    expect(heading(page)).to_have_text("Triage: Anna-Maria Smith Jones")
    card = page.locator(f"#earlier-{earlier}")
    expect(card.locator(".govuk-summary-card__title")).to_have_text(f"{earlier}: Anna-Maria Smith-Jones")
    page.get_by_label(f"Reason for your decision about {earlier}").fill("Cousins: the school knows them both")
    submit(page, lambda: _button(page, f"Not the same child ({earlier})").click())
    expect(page.locator(".govuk-notification-banner--success")).to_contain_text(
        f"{earlier} is recorded as not the same child as the child referred in {again.reference}"
    )
    expect(page.locator(f"#earlier-{earlier}")).to_have_count(0)
    decision = ChildLinkDecision.objects.get()
    assert (decision.status, decision.reason) == ("rejected", "Cousins: the school knows them both")
    visit(page, QUEUE)
    expect(queue_row(page, again.reference)).not_to_contain_text("Possible earlier record")
