"""The session time-out warning (GOV.UK/HMRC pattern; ADR 0024, session 21), in a real browser with axe.

A referrer writing the child's account for longer than the idle timeout is warned before it ends, and "Stay signed
in" keeps both the session and what they typed; without JavaScript the question page says how long they have and to
save and come back later. The idle timeout is shortened for the test: the warning reads it from the session.
"""

from __future__ import annotations

import re

import pytest
from django.contrib.sessions.models import Session
from django.urls import reverse
from django.utils import timezone
from playwright.sync_api import Page, expect

from childnrm.accounts.models import Role
from childnrm.people.demo import demo_email
from childnrm.referrals.models import Referral
from childnrm.referrals.services import referral_start
from conftest import demo_user
from tests.browser.support import check_page, click_button, heading, sign_in_by_session, visit

IDLE_SECONDS = 36  # the warning opens a third of it (12 s) before the end
TYPED = "He was moved between three addresses in two weeks."


@pytest.fixture
def draft(demo) -> Referral:
    return referral_start(user=demo_user(Role.FIRST_RESPONDER))


def _signed_in(page: Page) -> None:
    # A first page of the shortened session, loaded without the 10-second limit: on a loaded machine a fresh live
    # server's first scripted page can take longer (templates compiled, GOV.UK Frontend fetched), and the 36 seconds
    # must not start counting before the test does.
    page.goto("/accessibility/", timeout=60_000)
    sign_in_by_session(page, demo_email(Role.FIRST_RESPONDER, "northbridge"))


def _account(draft: Referral) -> str:
    return reverse("referrals:section", args=[draft.reference, "account"])


def test_the_referrer_is_warned_and_stays_signed_in_without_losing_what_they_typed(page: Page, draft, settings):
    settings.SESSION_COOKIE_AGE = IDLE_SECONDS
    settings.SESSION_RENEW_SECONDS = 0
    _signed_in(page)
    visit(page, _account(draft))
    account = page.locator("textarea[name=account]")
    account.fill(TYPED)
    dialog = page.get_by_role("dialog", name="You’re about to be signed out")
    expect(dialog).to_be_visible(timeout=(IDLE_SECONDS - 12 + 5) * 1000)
    expect(dialog).to_contain_text("You will be signed out in less than a minute.")
    expect(dialog.get_by_role("heading")).to_be_focused()
    check_page(page)  # the open dialog is axe-clean
    # Tab stays in the dialog.
    page.keyboard.press("Tab")
    expect(dialog.get_by_role("button", name="Stay signed in")).to_be_focused()
    page.keyboard.press("Tab")
    expect(dialog.get_by_role("button", name="Sign out")).to_be_focused()
    page.keyboard.press("Tab")
    expect(dialog.get_by_role("button", name="Stay signed in")).to_be_focused()
    before = Session.objects.get().expire_date
    page.keyboard.press("Enter")
    expect(dialog).to_be_hidden()
    expect(account).to_have_value(TYPED)  # nothing reloaded, nothing sent for the user
    expect(account).to_be_focused()  # back where they were typing
    assert Session.objects.get().expire_date > before
    assert Session.objects.get().expire_date > timezone.now()
    # Escape is "stay signed in" too.
    expect(dialog).to_be_visible(timeout=(IDLE_SECONDS - 12 + 5) * 1000)
    page.keyboard.press("Escape")
    expect(dialog).to_be_hidden()
    click_button(page, "Save and come back later")
    draft.refresh_from_db()
    assert draft.account == TYPED


def test_when_the_time_runs_out_the_page_goes_to_sign_in_saying_why(page: Page, draft, settings):
    settings.SESSION_COOKIE_AGE = IDLE_SECONDS
    settings.SESSION_RENEW_SECONDS = 0
    _signed_in(page)
    visit(page, _account(draft))
    expect(heading(page)).to_have_text(re.compile("^Sign in to "), timeout=(IDLE_SECONDS + 10) * 1000)
    expect(page.locator(".govuk-notification-banner")).to_contain_text(
        "You were signed out after 1 minute without activity"
    )
    assert "next=" in page.url and draft.reference in page.url
    check_page(page)


def test_without_javascript_the_question_page_says_to_save_and_come_back(page_without_js: Page, draft):
    page = page_without_js
    sign_in_by_session(page, demo_email(Role.FIRST_RESPONDER, "northbridge"))
    visit(page, _account(draft))
    expect(page.locator("main")).to_contain_text(
        "We will sign you out after 30 minutes without activity, and anything not saved will be lost. "
        "To take a break, use ‘Save and come back later’."
    )
    expect(page.get_by_role("dialog")).to_have_count(0)
    check_page(page)
