"""The evidence library: a practitioner shares a practice note, their site's moderator publishes it, and a
practitioner of another site finds it by full-text search. Every page is checked with axe."""

from __future__ import annotations

from playwright.sync_api import Page, expect

from childnrm.accounts.models import Role
from childnrm.people.demo import demo_email
from tests.browser.support import click_button, click_link, heading, sign_in_by_session, sign_out, visit


def test_a_practice_note_is_shared_moderated_and_found_at_another_site(page_without_js: Page, demo):
    page = page_without_js
    sign_in_by_session(page, demo_email(Role.PANEL_MEMBER, "northbridge"))
    visit(page, "/library/")
    expect(heading(page)).to_have_text("Evidence library")
    click_link(page, "Share something with the library")
    page.get_by_label("Title").fill("Interpreters at the panel: a practice note")
    click_button(page, "Send for moderation")
    expect(page.locator(".govuk-error-summary")).to_contain_text("Enter a summary")
    expect(page.get_by_label("Title")).to_have_value("Interpreters at the panel: a practice note")
    page.get_by_label("Summary").fill("Booking an interpreter who speaks the child's dialect, before the sitting.")
    page.get_by_label("Practice note").check()
    page.get_by_label("Panel decision-making").check()
    page.get_by_label("Region").select_option("UK-wide")
    page.get_by_label("Panel members and chairs").check()
    group = page.get_by_role("group", name="Date of the item")
    group.get_by_label("Day").fill("2")
    group.get_by_label("Month").fill("11")
    group.get_by_label("Year").fill("2026")
    page.get_by_label("Link (optional if you upload a file)").fill("https://example.org/interpreters")
    click_button(page, "Send for moderation")
    expect(page.locator(".govuk-notification-banner--success")).to_contain_text("sent for moderation")
    expect(page.locator("main")).to_contain_text("Waiting for moderation")
    sign_out(page)

    sign_in_by_session(page, demo_email(Role.LIBRARY_MODERATOR, "northbridge"))
    visit(page, "/library/moderation/")
    click_link(page, "Interpreters at the panel: a practice note")
    click_button(page, "Publish to every site")
    expect(page.locator(".govuk-notification-banner--success")).to_contain_text("is published to every site")
    sign_out(page)

    sign_in_by_session(page, demo_email(Role.ICTG, "three-rivers"))
    visit(page, "/library/")
    page.get_by_label("Search the library").fill("interpreter dialect")
    click_button(page, "Search")
    expect(page.locator("#results")).to_contain_text("1 item matching “interpreter dialect”")
    click_link(page, "Interpreters at the panel: a practice note")
    expect(heading(page)).to_have_text("Interpreters at the panel: a practice note")
    expect(page.locator("main")).to_contain_text("Booking an interpreter")
