"""A signed-in user gets new recovery codes from their account page by giving their password and a security code
again (ADR 0004, amendment 2), and is emailed that they have them."""

from __future__ import annotations

import re

from django.core import mail
from django_otp.plugins.otp_static.models import StaticToken
from playwright.sync_api import Page, expect

from childnrm.accounts.models import Role
from childnrm.people.demo import DEMO_PASSWORD, demo_email
from tests.browser.support import (
    click_button,
    click_link,
    error_summary,
    heading,
    security_code,
    sign_in_by_session,
    visit,
)


def test_new_recovery_codes_need_the_password_and_a_security_code(page: Page, demo):
    email = demo_email(Role.COORDINATOR, "northbridge")
    sign_in_by_session(page, email)
    visit(page, "/account/")
    click_link(page, "Get new recovery codes")
    expect(heading(page)).to_have_text("Get new recovery codes")

    click_button(page, "Get new recovery codes")
    summary = error_summary(page)
    expect(summary).to_be_focused()
    expect(summary.get_by_role("link")).to_have_text(["Enter your password", "Enter the security code"])

    page.get_by_label("Password", exact=True).fill("not-the-password")
    page.get_by_label("Security code", exact=True).fill(security_code(email))
    click_button(page, "Get new recovery codes")
    expect(page.locator("#id_password-error")).to_have_text("Error: The password is not correct")
    expect(page.get_by_label("Password", exact=True)).to_have_value("")  # never sent back to the browser
    assert not StaticToken.objects.filter(device__user__email=email).exists()  # nothing issued

    page.get_by_label("Password", exact=True).fill(DEMO_PASSWORD)
    page.get_by_label("Security code", exact=True).fill(security_code(email))
    mail.outbox.clear()
    click_button(page, "Get new recovery codes")
    expect(heading(page)).to_have_text("Your recovery codes")
    codes = [c.strip() for c in page.get_by_test_id("recovery-codes").locator("li").all_inner_texts()]
    assert len(codes) == 10 and all(re.fullmatch(r"\d{10}", c) for c in codes)
    assert [m.subject for m in mail.outbox if m.to == [email]] == ["Child NRM Panels: you have new recovery codes"]

    click_link(page, "I have saved my recovery codes")
    expect(heading(page)).to_have_text("Your account")
