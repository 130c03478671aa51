"""The service in Welsh in a real browser (ADR 0023, issue 13): the language switch in the header, signing in,
the home page and a letters page in Welsh, each page axe-clean with lang="cy" on <html>, and every English fragment
on a Welsh page (the switch's "English", language names) marked lang="en"."""

from __future__ import annotations

import re

from playwright.sync_api import Page, expect

from childnrm.accounts.models import Nation, Role, Site, User
from childnrm.core.tests.welsh import english_left
from childnrm.letters.services import letters_produce
from childnrm.letters.tests.factories import demo as staff
from childnrm.letters.tests.factories import final_decision
from childnrm.people.demo import demo_email
from tests.browser.support import check_page, click_button, heading, security_code, submit, visit, wait_for_unused_code

EMAIL = demo_email(Role.COORDINATOR, "northbridge")


def in_welsh(page: Page, *names: str) -> None:
    """The page is Welsh: lang="cy", and nothing English left but names and marked fragments."""
    expect(page.locator("html")).to_have_attribute("lang", "cy")
    assert english_left(page.content(), names=[n for n in names if n]) == [], page.url
    # Whatever English the page holds is marked as English, for a screen reader to say it so.
    english_link = page.locator('.app-language-select a[hreflang="en"]')
    expect(english_link).to_have_attribute("lang", "en")
    expect(english_link).to_contain_text("English")


def test_switching_to_welsh_signing_in_and_working_in_welsh(page: Page, demo):
    site = Site.objects.get(slug="northbridge")
    site.nation = Nation.WALES
    site.save()
    decision = final_decision("northbridge")
    letters_produce(decision=decision, user=staff(Role.COORDINATOR))
    user = User.objects.get(email=EMAIL)
    names = [user.full_name, user.email, user.organisation.name, site.name, "demo"]

    # Signed out, in English: the switch offers Cymraeg, in Welsh, as a link that works without JavaScript.
    visit(page, "/account/sign-in/")
    expect(page.locator("html")).to_have_attribute("lang", "en")
    welsh_link = page.locator('.app-language-select a[hreflang="cy"]')
    expect(welsh_link).to_have_attribute("lang", "cy")
    submit(page, lambda: welsh_link.click())
    expect(heading(page)).to_have_text("Mewngofnodi i Paneli NRM i Blant")
    in_welsh(page)

    # An empty form: the error summary and messages in Welsh.
    click_button(page, "Yn eich blaen")
    expect(page.locator(".govuk-error-summary")).to_contain_text("Mae problem wedi codi")
    expect(page.locator(".govuk-error-summary")).to_contain_text("Rhowch eich cyfeiriad e-bost")
    in_welsh(page)

    page.get_by_label("Cyfeiriad e-bost", exact=True).fill(EMAIL)
    page.get_by_label("Cyfrinair", exact=True).fill("demo-panels-2026")
    click_button(page, "Yn eich blaen")
    expect(heading(page)).to_have_text("Rhowch eich cod diogelwch")
    in_welsh(page)
    wait_for_unused_code(EMAIL)
    page.get_by_label("Cod diogelwch", exact=True).fill(security_code(EMAIL))
    click_button(page, "Mewngofnodi")
    expect(page).to_have_url(re.compile(r"/$"))
    expect(page.locator(".app-signed-in")).to_contain_text("Wedi mewngofnodi fel")
    in_welsh(page, *names)

    # A working page: the decision's letters, in Welsh, with the dates in Welsh.
    visit(page, f"/letters/decisions/{decision.pk}/")
    expect(heading(page)).to_contain_text("Cyfleu’r penderfyniad")
    expect(page.locator("main")).to_contain_text("Cymraeg a Saesneg (dwyieithog)")  # a Welsh site writes both
    in_welsh(page, *names, decision.referral.child_display_name, decision.referral.referrer_name, "SHA-256")

    # Chosen while signed in, the language is kept on the account: English, then Welsh again.
    submit(page, lambda: page.locator('.app-language-select a[hreflang="en"]').click())
    expect(page.locator("html")).to_have_attribute("lang", "en")
    user.refresh_from_db()
    assert user.language == "en-gb"
    submit(page, lambda: page.locator('.app-language-select a[hreflang="cy"]').click())
    user.refresh_from_db()
    assert user.language == "cy"
    visit(page, "/accessibility/")
    expect(heading(page)).to_have_text("Datganiad hygyrchedd ar gyfer Paneli NRM i Blant")
    in_welsh(page, *names)
    check_page(page)
