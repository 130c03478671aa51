"""Signing in with a password and a security code, as every role, by mouse, keyboard and without JavaScript."""

from __future__ import annotations

import re
import time

import pytest
from playwright.sync_api import Page, expect

from childnrm.access.policy import ROLE_PERMISSIONS
from childnrm.accounts.models import Role
from childnrm.core.navigation import PLACES
from childnrm.people.demo import DEMO_PASSWORD, demo_email
from tests.browser.support import (
    check_page,
    click_button,
    click_link,
    enter_password,
    error_summary,
    heading,
    navigation_labels,
    security_code,
    sign_in,
    sign_out,
    submit,
    visit,
)

SITE = "northbridge"
SITE_NAME = "Northbridge Child Panel"

# What the brief for each role promises, independent of how the navigation is computed.
MUST_SEE = {
    Role.COORDINATOR: {"Children"},
    Role.FIRST_RESPONDER: {"Children"},
    Role.ICTG: {"Children"},
    Role.ANALYST: {"Statistics"},
    Role.SITE_ADMIN: {"Users"},
}
MUST_NOT_SEE = {
    Role.ANALYST: {"Children", "Users"},
    Role.FIRST_RESPONDER: {"Statistics", "Users"},
    Role.COORDINATOR: {"Statistics", "Users"},
    Role.SITE_ADMIN: {"Children", "Statistics"},
    Role.SCA_QUALITY_ASSURER: {"Children", "Statistics", "Users"},
    Role.CHAIR: {"Statistics", "Users"},
}


def expected_navigation(role: str) -> list[str]:
    """The navigation the access policy gives a user holding only this role."""
    return [str(p.label) for p in places_for_role(role) if p.in_bar]


def places_for_role(role: str):
    perms = ROLE_PERMISSIONS[role]
    return [
        p for p in PLACES if (not p.perms or any(n in perms for n in p.perms)) and not any(n in perms for n in p.unless)
    ]


@pytest.mark.parametrize("role", list(Role), ids=[r.value for r in Role])
def test_every_role_signs_in_with_a_security_code_and_sees_only_their_navigation(page: Page, demo, role: Role):
    email = demo_email(role, SITE)
    sign_in(page, email)

    expect(heading(page)).to_have_text("Child NRM Panels")
    expect(page.locator("main")).to_contain_text(f"{role.label} at {SITE_NAME}")
    expect(page.locator("main")).not_to_contain_text("Three Rivers")

    labels = navigation_labels(page)
    assert labels == expected_navigation(role)
    assert labels[0] == "Home" and labels[-1] == "Your account"
    assert MUST_SEE.get(role, set()) <= set(labels)
    assert not (MUST_NOT_SEE.get(role, set()) & set(labels))
    expect(page.locator(".govuk-service-navigation__item--active")).to_have_text("Home")

    # Every page in the navigation opens for this role (and passes axe).
    for label in labels[1:]:
        click_link(page, label, within=page.locator(".govuk-service-navigation"))
        expect(page.locator(".govuk-service-navigation__item--active")).to_have_text(label)
        expect(page.locator(".govuk-service-navigation__link[aria-current=page]")).to_have_text(label)

    # The home page lists every page the role may use, and each one opens (and passes axe).
    others = [str(p.label) for p in places_for_role(role) if p.url_name not in ("core:home", "accounts:account")]
    click_link(page, "Home", within=page.locator(".govuk-service-navigation"))
    home_links = page.locator(".app-home-places a")
    expect(home_links).to_have_text(others)
    for label in others:
        click_link(page, label, within=page.locator(".app-home-places"))
        page.go_back()


def test_empty_form_and_wrong_password_show_the_error_summary(page: Page, demo):
    email = demo_email(Role.COORDINATOR, SITE)

    visit(page, "/account/sign-in/")
    click_button(page, "Continue")
    summary = error_summary(page)
    expect(summary).to_be_visible()
    expect(summary).to_be_focused()  # GOV.UK Frontend moves focus to the summary
    expect(page).to_have_title(re.compile(r"^Error: Sign in"))
    expect(summary.get_by_role("link")).to_have_text(["Enter your email address", "Enter your password"])
    summary.get_by_role("link", name="Enter your password").click()
    expect(page.get_by_label("Password", exact=True)).to_be_focused()
    expect(page.locator("#id_password-error")).to_have_text("Error: Enter your password")

    page.get_by_label("Email address", exact=True).fill(email)
    page.get_by_label("Password", exact=True).fill("not-the-password")
    click_button(page, "Continue")
    expect(page).to_have_url(re.compile(r"/account/sign-in/$"))
    link = error_summary(page).get_by_role("link", name="Enter a correct email address and password")
    expect(link).to_be_visible()
    link.click()
    expect(page.get_by_label("Email address", exact=True)).to_be_focused()
    # The password is never sent back to the browser; the email address is kept.
    expect(page.get_by_label("Password", exact=True)).to_have_value("")
    expect(page.get_by_label("Email address", exact=True)).to_have_value(email)


def test_wrong_security_code_shows_an_inline_error_then_the_right_code_signs_in(page: Page, demo):
    email = demo_email(Role.COORDINATOR, SITE)
    enter_password(page, email)
    code_field = page.get_by_label("Security code", exact=True)

    code_field.fill("12ab56")
    click_button(page, "Sign in")
    expect(page.locator("#id_code-error")).to_have_text(
        "Error: Enter the 6-digit code or a 10-digit recovery code, using numbers only"
    )

    near = {security_code(email, drift=d) for d in (-1, 0, 1)}
    wrong = next(f"{n:06d}" for n in range(1_000_000) if f"{n:06d}" not in near)
    code_field.fill(wrong)
    click_button(page, "Sign in")
    expect(page).to_have_url(re.compile(r"/account/sign-in/security-code/$"))
    error = page.locator("#id_code-error")
    expect(error).to_have_text("Error: The security code is not correct or has expired. Enter the newest code")
    expect(page.locator(".govuk-form-group--error")).to_contain_text("Security code")
    expect(code_field).to_have_class(re.compile(r"\bgovuk-input--error\b"))
    expect(code_field).to_have_attribute("aria-describedby", re.compile(r"\bid_code-error\b"))
    expect(error_summary(page).get_by_role("link")).to_have_text(
        "The security code is not correct or has expired. Enter the newest code"
    )
    expect(page.locator(".app-signed-in")).to_have_count(0)  # not signed in yet

    time.sleep(1.1)  # django-otp refuses any code for a second after a wrong one
    code_field.fill(security_code(email))
    click_button(page, "Sign in")
    expect(page.locator(".app-signed-in")).to_contain_text("Signed in as Panel coordinator")


def _tab_to(page: Page, selector: str, *, max_presses: int = 40) -> None:
    target = page.locator(selector)
    for _ in range(max_presses):
        page.keyboard.press("Tab")
        if target.evaluate("el => el === document.activeElement"):
            return
    pytest.fail(f"Could not reach {selector} with the Tab key")


def test_sign_in_with_the_keyboard_only(page: Page, demo):
    email = demo_email(Role.FIRST_RESPONDER, SITE)
    visit(page, "/account/sign-in/")

    # The first Tab reaches the skip link, which moves focus to the main content.
    page.keyboard.press("Tab")
    expect(page.get_by_role("link", name="Skip to main content")).to_be_focused()
    page.keyboard.press("Enter")
    expect(page.locator("main")).to_be_focused()
    page.keyboard.press("Tab")
    expect(page.get_by_label("Email address", exact=True)).to_be_focused()
    page.keyboard.type(email)
    page.keyboard.press("Tab")
    expect(page.get_by_label("Password", exact=True)).to_be_focused()
    page.keyboard.type(DEMO_PASSWORD)
    submit(page, lambda: page.keyboard.press("Enter"))
    expect(heading(page)).to_have_text("Enter your security code")

    _tab_to(page, "#id_code")
    page.keyboard.type(security_code(email))
    submit(page, lambda: page.keyboard.press("Enter"))
    expect(page.locator(".app-signed-in")).to_contain_text("Signed in as First responder")

    # Signing out works from the keyboard too.
    _tab_to(page, ".app-signed-in button")
    submit(page, lambda: page.keyboard.press("Enter"))
    expect(page.locator(".govuk-notification-banner--success")).to_contain_text("You have signed out")


def test_sign_in_and_home_page_work_without_javascript(page_without_js: Page, demo):
    page = page_without_js
    email = demo_email(Role.COORDINATOR, SITE)
    visit(page, "/account/sign-in/")
    assert "js-enabled" not in page.evaluate("document.body.className")

    # Form errors come from the server, so they work without scripts too.
    click_button(page, "Continue")
    expect(error_summary(page)).to_contain_text("Enter your email address")

    sign_in(page, email)
    expect(page.locator("main")).to_contain_text(f"{Role.COORDINATOR.label} at {SITE_NAME}")
    # Without scripts the navigation is a plain list: no menu button, every link visible.
    expect(page.locator(".govuk-service-navigation__toggle")).to_be_hidden()
    expect(page.get_by_role("link", name="Children", exact=True).first).to_be_visible()
    check_page(page)
    sign_out(page)
