"""Steps of the decision record that several journeys take the same way, on the "Evidence weighed" page.

Sign-off needs evidence from children's social care, police and health, or a recorded "holds nothing
relevant" from the agency (issue 8, rule 5): `evidence_from_every_agency` records the usual mix.
"""

from __future__ import annotations

from playwright.sync_api import Page, expect

from tests.browser.support import click_button


def success(page: Page):
    return page.locator(".govuk-notification-banner--success")


def add_evidence(page: Page, description: str, *, agency: str, weight: str = "") -> None:
    """Add one piece of evidence, `agency` as the select shows it ("Police", "Children's social care")."""
    page.get_by_label("What is the evidence?").fill(description)
    page.get_by_label("Which agency supplied it?").select_option(label=agency)
    if weight:
        page.get_by_label("How the panel weighed it").fill(weight)
    click_button(page, "Add evidence")
    expect(success(page)).to_contain_text("Evidence added")


def record_nothing_relevant(page: Page, *, agency: str, confirmed_by: str) -> None:
    """Record that a statutory partner (`agency` as the select shows it) holds nothing relevant."""
    page.get_by_label("Which agency holds nothing relevant?").select_option(label=agency)
    page.get_by_label("Who in the agency confirmed it, and when").fill(confirmed_by)
    click_button(page, "Record nothing relevant")
    expect(success(page)).to_contain_text(f"Recorded that {agency.lower()} holds nothing relevant")


def evidence_from_every_agency(page: Page) -> None:
    """Police and social care evidence, and health's record that it holds nothing relevant."""
    add_evidence(
        page,
        "Police intelligence on the group and the child's arrest",
        agency="Police",
        weight="Significant: specific and independent",
    )
    add_evidence(page, "Social care chronology of missing episodes", agency="Children's social care")
    record_nothing_relevant(page, agency="Health", confirmed_by="Designated nurse, by phone today")
