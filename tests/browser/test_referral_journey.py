"""A first responder refers a child: starts, leaves, comes back to the draft, completes it and sends it.

Every page is checked with axe (support.visit / submit). The coordinator's half (the queue) is in
its own journey.
"""

from __future__ import annotations

import re

import pytest
from django.core import mail
from django.urls import reverse
from playwright.sync_api import Page, expect

from childnrm.accounts.models import Role, Site
from childnrm.core.demo import demo_email
from childnrm.referrals.models import Referral, ReferralDocument, ReferralStatus
from childnrm.referrals.services import referral_save, referral_start
from childnrm.referrals.tests.factories import submitted_referral
from conftest import demo_user
from tests.browser.support import click_button, click_link, error_summary, heading, sign_in, submit, visit

NAV = ".govuk-service-navigation"
SMALL_PDF = (
    b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n2 0 obj<</Type/Pages/Kids[]/Count 0>>endobj\n"
    b"trailer<</Root 1 0 R>>\n%%EOF\n"
)


@pytest.fixture(autouse=True)
def private_storage(settings, tmp_path):
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": tmp_path / "private-files"},
        },
    }


def task(page: Page, name: str):
    return page.locator(".govuk-task-list__item", has=page.get_by_role("link", name=name, exact=True))


def open_task(page: Page, name: str) -> None:
    click_link(page, name, within=page.locator(".govuk-task-list"))
    expect(heading(page)).to_have_text(name)


def save_and_continue(page: Page) -> None:
    click_button(page, "Save and continue")
    expect(heading(page)).to_have_text("Refer a child")


def other_referrers_work() -> list[str]:
    """Referrals by other first responders that must never show in this referrer's list."""
    elsewhere = demo_user(Role.FIRST_RESPONDER, "three-rivers")
    draft = referral_start(user=elsewhere)
    referral_save(referral=draft, user=elsewhere, data={"given_names": "Yonas", "family_name": "Haile"})
    sent = submitted_referral("three-rivers", given_names="Ruby", family_name="Walsh")
    return [draft.reference, sent.reference, "Yonas", "Haile", "Ruby Walsh"]


def test_first_responder_starts_leaves_returns_and_sends_a_referral(page: Page, demo, live_server):
    hidden = other_referrers_work()
    email = demo_email(Role.FIRST_RESPONDER, "northbridge")
    sign_in(page, email)

    click_link(page, "Your referrals", within=page.locator(NAV))
    expect(heading(page)).to_have_text("Your referrals")
    expect(page.locator("main")).to_contain_text("You have no drafts")
    click_button(page, "Refer a child")
    expect(heading(page)).to_have_text("Refer a child")
    reference = page.locator(".govuk-caption-l").inner_text().removeprefix("Referral ").strip()
    assert re.fullmatch(r"NRM-[A-Z0-9]{8}", reference)
    expect(task(page, "Name, date of birth and sex")).to_contain_text("Not started")
    expect(page.locator(".govuk-task-list__status--cannot-start-yet")).to_have_text("Cannot start yet")

    # The child: a date that does not exist is explained, and nothing typed is lost.
    open_task(page, "Name, date of birth and sex")
    page.get_by_label("Given names", exact=True).first.fill("Amara")
    page.get_by_label("Family name", exact=True).first.fill("Okafor")
    page.locator("#id_alias_given_0").fill("Mara")
    page.get_by_label("Day", exact=True).fill("30")
    page.get_by_label("Month", exact=True).fill("2")
    page.get_by_label("Year", exact=True).fill("2012")
    click_button(page, "Save and continue")
    summary = error_summary(page)
    expect(summary.get_by_role("link")).to_have_text(["Date of birth must be a real date", "Select the child's sex"])
    expect(page.get_by_label("Given names", exact=True).first).to_have_value("Amara")
    expect(page.locator("#id_alias_given_0")).to_have_value("Mara")
    summary.get_by_role("link", name="Date of birth must be a real date").click()
    expect(page.get_by_label("Day", exact=True)).to_be_focused()
    page.get_by_label("Day", exact=True).fill("28")
    page.get_by_label("Female", exact=True).check()
    save_and_continue(page)
    expect(task(page, "Name, date of birth and sex")).to_contain_text("Completed")

    # Leave for the home page, then come back to the draft from "Your referrals".
    click_link(page, "Home", within=page.locator(NAV))
    expect(heading(page)).to_have_text("Child NRM Panels")
    click_link(page, "Your referrals", within=page.locator(NAV))
    drafts = page.get_by_test_id("drafts")
    expect(drafts).to_contain_text(reference)
    expect(drafts).to_contain_text("Amara Okafor")
    submit(page, lambda: drafts.get_by_role("link", name=f"Continue referral {reference}").click())
    expect(page.locator(".govuk-caption-l")).to_have_text(f"Referral {reference}")
    expect(task(page, "Name, date of birth and sex")).to_contain_text("Completed")

    open_task(page, "Nationality, language and ethnicity")
    page.get_by_label("Nationality", exact=True).select_option(label="United Kingdom")
    page.get_by_label("Second nationality (optional)", exact=True).select_option(label="Nigeria")
    page.get_by_label("Main language", exact=True).select_option(label="English")
    page.get_by_label("No", exact=True).check()
    page.get_by_label("Ethnic group", exact=True).select_option(value="black_african")
    save_and_continue(page)

    open_task(page, "Where the child lives and was found")
    page.get_by_label("Local authority where the child lives", exact=True).select_option(
        label="Northbridge City Council"
    )
    page.get_by_label("Where was the child found? (optional)", exact=True).fill("Northbridge bus station")
    save_and_continue(page)

    open_task(page, "The exploitation")
    page.get_by_label("Criminal exploitation", exact=True).check()
    page.get_by_label("It includes county lines", exact=True).check()
    page.get_by_label("UK", exact=True).check()
    page.get_by_label("No", exact=True).check()
    save_and_continue(page)

    open_task(page, "The account and indicators")
    page.get_by_label("What happened to the child?", exact=True).fill("Found carrying drugs for older men.")
    expect(page.locator(".govuk-character-count__status")).to_contain_text("characters remaining")
    page.get_by_label("Goes missing from home, care or school", exact=True).check()
    save_and_continue(page)

    open_task(page, "Evidence documents")
    page.get_by_label("Upload a file", exact=True).set_input_files(
        files=[{"name": "statement.pdf", "mimeType": "application/pdf", "buffer": SMALL_PDF}]
    )
    page.get_by_label("What is this document?", exact=True).fill("Police statement")
    click_button(page, "Upload file")
    expect(page.locator(".govuk-notification-banner--success")).to_contain_text("‘statement.pdf’ has been uploaded")
    expect(page.get_by_test_id("documents")).to_contain_text("Police statement")
    save_and_continue(page)
    expect(task(page, "Evidence documents")).to_contain_text("1 added")

    open_task(page, "Safeguarding already in place")
    page.get_by_label("Yes", exact=True).check()
    page.get_by_label("Child in need plan", exact=True).check()
    save_and_continue(page)

    open_task(page, "Your details")
    expect(page.get_by_label("Email address", exact=True)).to_have_value(email)
    expect(page.locator(".govuk-summary-list")).to_contain_text("Northbridge Police")
    page.get_by_label("Telephone number (optional)", exact=True).fill("01632 960 001")
    save_and_continue(page)
    expect(page.locator("main")).to_contain_text("You have completed 8 of 8 sections")

    click_link(page, "Check your answers and send", within=page.locator(".govuk-task-list"))
    expect(heading(page)).to_have_text("Check your answers before sending the referral")
    main = page.locator("main")
    for answer in ("Amara Okafor", "Mara", "28 February 2012", "Nigeria", "Criminal exploitation", "statement.pdf"):
        expect(main).to_contain_text(answer)
    click_button(page, "Accept and send")

    expect(page.locator(".govuk-panel__title")).to_have_text("Referral sent")
    expect(page.get_by_test_id("reference")).to_have_text(reference)
    expect(main).to_contain_text("What happens next")
    referral = Referral.objects.get(reference=reference)
    assert referral.status == ReferralStatus.SUBMITTED and referral.site == Site.objects.get(slug="northbridge")
    assert ReferralDocument.objects.filter(referral=referral).count() == 1
    assert any(m.subject == f"Referral {reference} received" for m in mail.outbox)

    click_link(page, "your referrals")
    expect(heading(page)).to_have_text("Your referrals")
    sent = page.get_by_test_id("sent")
    row = sent.locator("tbody tr", has_text=reference)
    expect(row).to_contain_text("Submitted – awaiting triage")
    expect(row).to_contain_text("The panel coordinator is checking who should decide")
    expect(page.locator("main")).to_contain_text("You have no drafts")
    for value in hidden:
        expect(page.locator("main")).not_to_contain_text(value)


def test_a_question_page_works_without_javascript(page_without_js: Page, demo):
    page = page_without_js
    sign_in(page, demo_email(Role.FIRST_RESPONDER, "northbridge"))
    visit(page, reverse("referrals:mine"))
    click_button(page, "Refer a child")
    open_task(page, "Name, date of birth and sex")
    page.get_by_label("Family name", exact=True).first.fill("Nguyen")
    page.locator("#id_estimated_age_years").fill("fifteen")
    page.get_by_label("The child's age is disputed, for example by a local authority age assessment").check()
    click_button(page, "Save and continue")
    expect(error_summary(page)).to_contain_text("Estimated age must be a whole number, like 15")
    expect(error_summary(page)).to_contain_text("Select the child's sex")
    expect(page.get_by_label("Family name", exact=True).first).to_have_value("Nguyen")
    page.locator("#id_estimated_age_years").fill("15")
    page.get_by_label("Male", exact=True).check()
    save_and_continue(page)
    referral = Referral.objects.get(created_by__email=demo_email(Role.FIRST_RESPONDER, "northbridge"))
    assert (referral.family_name, referral.estimated_age_years, referral.age_disputed) == ("Nguyen", 15, True)

    open_task(page, "The exploitation")
    page.get_by_label("Labour exploitation", exact=True).check()
    page.get_by_label("It includes county lines", exact=True).check()
    click_button(page, "Save and continue")
    expect(error_summary(page)).to_contain_text("County lines can only be selected with criminal exploitation")
    expect(page.get_by_label("Labour exploitation", exact=True)).to_be_checked()
    page.get_by_label("It includes county lines", exact=True).uncheck()
    click_button(page, "Save and come back later")
    expect(heading(page)).to_have_text("Your referrals")
    expect(page.get_by_test_id("drafts")).to_contain_text("Nguyen")
