"""A new user sets up their authenticator app, keeps recovery codes and signs in with one."""

from __future__ import annotations

import re

from django_otp.plugins.otp_static.models import StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice
from playwright.sync_api import Page, expect

from childnrm.accounts.models import Membership, Organisation, Role, Site, User
from tests.browser.support import (
    check_page,
    click_button,
    click_link,
    enter_password,
    error_summary,
    heading,
    key_from_setup_text,
    sign_out,
    totp_now,
    visit,
)

EMAIL = "robin.newcomer@northbridge.example"
PASSWORD = "a-brand-new-password-2026"


def test_new_user_sets_up_an_authenticator_app_and_later_signs_in_with_a_recovery_code(page: Page, demo):
    site = Site.objects.get(slug="northbridge")
    organisation = Organisation.objects.get(name="Northbridge City Council")
    user = User.objects.create_user(EMAIL, PASSWORD, full_name="Robin Newcomer", organisation=organisation)
    Membership.objects.create(user=user, site=site, role=Role.COORDINATOR)

    enter_password(page, EMAIL, PASSWORD)
    expect(page).to_have_url(re.compile(r"/account/sign-in/set-up-authenticator/$"))
    expect(heading(page)).to_have_text("Set up your authenticator app")
    expect(page.locator(".app-qr-code svg")).to_be_visible()
    expect(page.locator(".app-signed-in")).to_have_count(0)  # the password alone does not sign anyone in

    # Until enrolment is finished, the rest of the service stays closed.
    visit(page, "/children/")
    expect(page).to_have_url(re.compile(r"/account/sign-in/(security-code|set-up-authenticator)/$"))
    visit(page, "/account/sign-in/set-up-authenticator/")
    expect(heading(page)).to_have_text("Set up your authenticator app")

    secret = page.get_by_test_id("totp-secret")
    expect(secret).to_be_hidden()
    page.get_by_text("I cannot scan the QR code").click()
    expect(secret).to_be_visible()
    check_page(page)  # with the details open
    key = key_from_setup_text(secret.inner_text())
    assert len(key) >= 16
    assert not TOTPDevice.objects.filter(user=user, confirmed=True).exists()

    field = page.get_by_label("Code from your authenticator app", exact=True)
    field.fill("12345")
    click_button(page, "Continue")
    expect(error_summary(page)).to_contain_text("Enter the 6-digit code from your authenticator app")

    field.fill(totp_now(key))
    click_button(page, "Continue")
    expect(page).to_have_url(re.compile(r"/account/recovery-codes/$"))
    expect(heading(page)).to_have_text("Your recovery codes")
    codes = [c.strip() for c in page.get_by_test_id("recovery-codes").locator("li").all_inner_texts()]
    assert len(codes) == 10
    assert len(set(codes)) == 10
    assert all(re.fullmatch(r"\d{10}", c) for c in codes), codes
    assert TOTPDevice.objects.get(user=user, confirmed=True).bin_key == key

    click_link(page, "I have saved my recovery codes")
    expect(page.locator(".app-signed-in")).to_contain_text("Signed in as Robin Newcomer, Northbridge City Council")
    expect(page.locator("main")).to_contain_text("Panel coordinator at Northbridge Child Panel")
    # Recovery codes are shown once only.
    visit(page, "/account/recovery-codes/")
    expect(page.get_by_test_id("recovery-codes")).to_have_count(0)

    sign_out(page)

    # Lost phone: sign in with a recovery code instead of a code from the app.
    enter_password(page, EMAIL, PASSWORD)
    expect(heading(page)).to_have_text("Enter your security code")
    page.get_by_text("I cannot use my authenticator app").click()
    check_page(page)
    page.get_by_label("Security code", exact=True).fill(codes[0])
    click_button(page, "Sign in")
    expect(page.locator(".app-signed-in")).to_contain_text("Signed in as Robin Newcomer")
    assert not StaticToken.objects.filter(device__user=user, token=codes[0]).exists()
    assert StaticToken.objects.filter(device__user=user).count() == 9

    # Each recovery code works once.
    sign_out(page)
    enter_password(page, EMAIL, PASSWORD)
    page.get_by_label("Security code", exact=True).fill(codes[0])
    click_button(page, "Sign in")
    expect(page.locator("#id_code-error")).to_contain_text("The security code is not correct")
    expect(page.locator(".app-signed-in")).to_have_count(0)
