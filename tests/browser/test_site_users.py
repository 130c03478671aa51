"""The site administrator adds a user, who gets an email to choose a password."""

from __future__ import annotations

import re
from urllib.parse import urlsplit

from django.core import mail
from playwright.sync_api import Page, expect

from childnrm.access.roles import ROLE_DESCRIPTIONS
from childnrm.accounts.models import Membership, Role
from childnrm.panels.models import PanelMember
from childnrm.people.demo import demo_email
from tests.browser.support import (
    click_button,
    click_link,
    error_summary,
    heading,
    sign_in_by_session,
    visit,
    watch,
)

NEW_NAME = "Priya Example"
NEW_EMAIL = "priya.example@northbridge.example"


def test_site_admin_adds_a_user_with_two_roles_who_then_chooses_a_password(page: Page, demo, live_server):
    sign_in_by_session(page, demo_email(Role.SITE_ADMIN, "northbridge"))
    click_link(page, "Users", within=page.locator(".govuk-service-navigation"))
    expect(heading(page)).to_have_text("Users")
    expect(page.locator(".govuk-caption-l")).to_have_text("Northbridge Child Panel")
    expect(page.locator("tbody tr")).to_have_count(Membership.objects.filter(site__slug="northbridge").count())
    expect(page.locator("tbody")).not_to_contain_text("Three Rivers")

    click_link(page, "Add a user")
    expect(heading(page)).to_have_text("Add a user")

    # Nothing filled in: every problem is listed, and each link leads to its field.
    click_button(page, "Add user")
    summary = error_summary(page)
    expect(summary).to_be_focused()
    expect(summary.get_by_role("link")).to_have_text(
        [
            "Enter their full name",
            "Enter their work email address",
            "Choose their organisation",
            "Choose at least one role",
        ]
    )
    summary.get_by_role("link", name="Choose their organisation").click()
    expect(page.get_by_label("Organisation", exact=True)).to_be_focused()
    summary.get_by_role("link", name="Choose at least one role").click()
    expect(page.get_by_label(str(Role.FIRST_RESPONDER.label), exact=True)).to_be_focused()
    assert len(mail.outbox) == 0

    page.get_by_label("Full name", exact=True).fill(NEW_NAME)
    page.get_by_label("Work email address", exact=True).fill(NEW_EMAIL)
    page.get_by_label("Organisation", exact=True).select_option(label="Northbridge Police")
    page.get_by_label("Job title (optional)", exact=True).fill("Detective Sergeant")
    page.get_by_label(str(Role.FIRST_RESPONDER.label), exact=True).check()
    page.get_by_label(str(Role.PANEL_MEMBER.label), exact=True).check()
    # Each role says what it is for, under its box.
    expect(page.get_by_text(ROLE_DESCRIPTIONS[Role.PANEL_MEMBER])).to_be_visible()
    click_button(page, "Add user")

    # Given the panel member role, they land on their own page, which offers them the seat the role needs.
    expect(page).to_have_url(re.compile(r"/account/users/northbridge/\d+/$"))
    expect(page.locator(".govuk-notification-banner--success")).to_contain_text(f"{NEW_NAME} has been invited")
    click_link(page, f"Add {NEW_NAME} to the panel")
    expect(heading(page)).to_have_text(f"Add {NEW_NAME} to the panel")
    # Their organisation suggests the seat: a police officer speaks for the police, with a vote.
    expect(page.get_by_label("Agency they speak for", exact=True)).to_have_value("police")
    click_button(page, "Add to the panel")
    expect(page.locator(".govuk-notification-banner--success")).to_contain_text(f"{NEW_NAME} has joined the panel")
    expect(page.locator("main")).to_contain_text(f"{NEW_NAME} sits on the panel for police, with a vote")
    assert PanelMember.objects.filter(user__email=NEW_EMAIL, site__slug="northbridge", active=True).exists()

    click_link(page, "Back to users")
    row = page.locator("tbody tr", has_text=NEW_EMAIL)
    expect(row).to_have_count(1)
    expect(row).to_contain_text(NEW_NAME)
    expect(row).to_contain_text("Northbridge Police")
    expect(row).to_contain_text(str(Role.FIRST_RESPONDER.label))
    expect(row).to_contain_text(str(Role.PANEL_MEMBER.label))
    assert set(
        Membership.objects.filter(user__email=NEW_EMAIL, site__slug="northbridge", active=True).values_list(
            "role", flat=True
        )
    ) == {Role.FIRST_RESPONDER, Role.PANEL_MEMBER}

    # The invitation: a link to choose a password, and no personal data in the subject line.
    assert len(mail.outbox) == 1, "The new user was not sent an email to choose a password"
    message = mail.outbox[0]
    assert message.to == [NEW_EMAIL]
    for personal in (NEW_NAME, *NEW_NAME.split(), NEW_EMAIL, "priya"):
        assert personal.lower() not in message.subject.lower()
    links = re.findall(r"https?://\S+/account/password-reset/\S+/\S+/", message.body)
    assert len(links) == 1, message.body
    assert NEW_NAME not in message.body

    # The new user follows the link in their own browser and chooses a password.
    invited = page.context.browser.new_context(base_url=live_server.url)
    try:
        new_page = watch(invited.new_page())
        visit(new_page, urlsplit(links[0]).path)
        expect(heading(new_page)).to_have_text("Choose a new password")
        new_page.get_by_label("New password", exact=True).fill("priya-chose-this-2026")
        new_page.get_by_label("New password confirmation", exact=True).fill("priya-chose-this-2026")
        click_button(new_page, "Save password")
        expect(heading(new_page)).to_have_text("Your password has been saved")
        # The link works once.
        visit(new_page, urlsplit(links[0]).path)
        expect(heading(new_page)).to_have_text("This link has expired")
    finally:
        invited.close()
