"""A signed-in user changes their authenticator app from their account page (ADR 0004, amendment 3): their password
and a security code (a recovery code, the phone being lost), then the new app set up as at enrolment. They get new
recovery codes and an email. Every page is checked with axe, with JavaScript and without (by keyboard)."""

from __future__ import annotations

import re

from django.core import mail
from django_otp.plugins.otp_static.models import StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice
from playwright.sync_api import Page, expect

from childnrm.accounts.models import Role, User
from childnrm.accounts.services import recovery_codes_issue
from childnrm.people.demo import DEMO_PASSWORD, demo_email
from tests.browser.support import (
    check_page,
    click_button,
    click_link,
    error_summary,
    heading,
    key_from_setup_text,
    security_code,
    sign_in_by_session,
    submit,
    totp_now,
    visit,
)


def test_a_user_who_lost_their_phone_sets_up_a_new_app(page: Page, demo):
    email = demo_email(Role.COORDINATOR, "northbridge")
    user = User.objects.get(email=email)
    old_device = TOTPDevice.objects.get(user=user, confirmed=True)
    old_codes = recovery_codes_issue(user=user)
    sign_in_by_session(page, email)
    visit(page, "/account/")
    click_link(page, "Change your authenticator app")
    expect(heading(page)).to_have_text("Change your authenticator app")

    click_button(page, "Continue")
    summary = error_summary(page)
    expect(summary).to_be_focused()
    expect(summary.get_by_role("link")).to_have_text(["Enter your password", "Enter the security code"])

    page.get_by_label("Password", exact=True).fill("not-the-password")
    page.get_by_label("Security code", exact=True).fill(old_codes[0])
    click_button(page, "Continue")
    expect(page.locator("#id_password-error")).to_have_text("Error: The password is not correct")
    expect(page.get_by_label("Password", exact=True)).to_have_value("")

    page.get_by_label("Password", exact=True).fill(DEMO_PASSWORD)
    page.get_by_label("Security code", exact=True).fill(old_codes[0])
    click_button(page, "Continue")
    expect(heading(page)).to_have_text("Set up your new authenticator app")
    assert not StaticToken.objects.filter(device__user=user, token=old_codes[0]).exists()  # used up
    expect(page.locator(".app-qr-code svg")).to_be_visible()
    page.get_by_text("I cannot scan the QR code").click()
    check_page(page)  # with the details open
    key = key_from_setup_text(page.get_by_test_id("totp-secret").inner_text())

    field = page.get_by_label("Code from your authenticator app", exact=True)
    field.fill("12345")
    click_button(page, "Continue")
    expect(error_summary(page)).to_contain_text("Enter the 6-digit code from your authenticator app")
    assert TOTPDevice.objects.get(user=user, confirmed=True) == old_device  # the old app still works

    mail.outbox.clear()
    page.get_by_label("Code from your authenticator app", exact=True).fill(totp_now(key))
    click_button(page, "Continue")
    expect(heading(page)).to_have_text("Your recovery codes")
    expect(page.locator(".govuk-notification-banner")).to_contain_text("Your authenticator app has been changed")
    codes = [c.strip() for c in page.get_by_test_id("recovery-codes").locator("li").all_inner_texts()]
    assert len(codes) == 10 and not set(codes) & set(old_codes)
    assert TOTPDevice.objects.get(user=user, confirmed=True).bin_key == key
    assert [m.subject for m in mail.outbox if m.to == [email]] == [
        "Child NRM Panels: your authenticator app has been changed"
    ]

    click_link(page, "I have saved my recovery codes")
    expect(heading(page)).to_have_text("Your account")  # still signed in, with the new app


def test_changing_the_app_without_javascript_by_keyboard(page_without_js: Page, demo):
    page = page_without_js
    email = demo_email(Role.PANEL_MEMBER, "northbridge")
    sign_in_by_session(page, email)
    visit(page, "/account/")
    link = page.get_by_role("link", name="Change your authenticator app", exact=True)
    link.focus()
    submit(page, lambda: page.keyboard.press("Enter"))
    expect(heading(page)).to_have_text("Change your authenticator app")

    page.get_by_label("Password", exact=True).focus()
    page.keyboard.type(DEMO_PASSWORD)
    page.keyboard.press("Tab")
    page.keyboard.type(security_code(email))
    submit(page, lambda: page.keyboard.press("Enter"))
    expect(heading(page)).to_have_text("Set up your new authenticator app")

    page.locator("summary", has_text="I cannot scan the QR code").focus()
    page.keyboard.press("Enter")  # a <details>: opens without JavaScript
    secret = page.get_by_test_id("totp-secret")
    expect(secret).to_be_visible()
    check_page(page)
    key = key_from_setup_text(secret.inner_text())
    page.get_by_label("Code from your authenticator app", exact=True).focus()
    page.keyboard.type(totp_now(key))
    submit(page, lambda: page.keyboard.press("Enter"))
    expect(heading(page)).to_have_text("Your recovery codes")
    codes = page.get_by_test_id("recovery-codes").locator("li")
    expect(codes).to_have_count(10)
    assert re.fullmatch(r"\d{10}", codes.first.inner_text().strip())
