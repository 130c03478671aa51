"""One referral from the first responder to the right panel's queue, and back to the referrer.

A first responder signs in, starts a referral, signs out, signs in again and returns to the draft,
completes and sends it. The case appears in their site's queue with its clocks (beside a
colleague's older referrals, one overdue) and not in the other site's queue; the coordinator
triages it; the referrer sees its status, and nothing of anyone else's referrals (their pages are
404). Every page is checked with axe (support.visit / submit). The transfer between sites is in
test_coordinator_queue.py.
"""

from __future__ import annotations

import io
import re
from datetime import date, timedelta

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone
from playwright.sync_api import Page, expect
from pypdf import PdfWriter

from childnrm.accounts.models import Membership, Role, Site, User
from childnrm.kit.dates import long_date
from childnrm.people.demo import demo_email
from childnrm.referrals import clocks
from childnrm.referrals.models import Referral, ReferralDocument, ReferralStatus
from childnrm.referrals.services import referral_save, referral_start, referral_submit
from childnrm.referrals.tests.factories import backdate, complete_answers, submitted_referral
from conftest import demo_user
from tests.browser.support import (
    choose_from_list,
    click_button,
    click_link,
    error_summary,
    heading,
    sign_in,
    sign_out,
    submit,
    visit,
)

NAV = ".govuk-service-navigation"
QUEUE = "/referrals/queue/"


def _small_pdf() -> bytes:
    # Well-formed (cross-reference table and all): the upload check parses PDFs and refuses broken ones.
    out = io.BytesIO()
    writer = PdfWriter()
    writer.add_blank_page(200, 200)
    writer.write(out)
    return out.getvalue()


SMALL_PDF = _small_pdf()


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


def queue_row(page: Page, reference: str):
    return page.locator(f'tr[data-reference="{reference}"]')


def colleagues_referral(colleague, *, given_names: str, family_name: str, submitted_on: date) -> Referral:
    """A referral sent (days ago) by another first responder of the same site, through the services."""
    site = Site.objects.get(slug="northbridge")
    referral = referral_start(user=colleague)
    answers = {**complete_answers(site), "given_names": given_names, "family_name": family_name}
    referral = referral_save(referral=referral, user=colleague, data=answers)
    return backdate(referral_submit(referral=referral, user=colleague), submitted_on)


def other_referrers_work(today: date) -> dict:
    """What other first responders have sent or started: none of it may show to this referrer.

    At Northbridge a colleague sent two referrals (52 and 9 days ago); at Three Rivers a first
    responder sent one 60 days ago and has a draft.
    """
    northbridge = Site.objects.get(slug="northbridge")
    colleague = User.objects.create_user(
        "second.responder.northbridge@childnrm.example",
        full_name="Sam Ryder",
        organisation=demo_user(Role.FIRST_RESPONDER, "northbridge").organisation,
    )
    Membership.objects.create(user=colleague, site=northbridge, role=Role.FIRST_RESPONDER)
    overdue = colleagues_referral(
        colleague, given_names="Kofi", family_name="Mensah", submitted_on=today - timedelta(days=52)
    )
    recent = colleagues_referral(
        colleague, given_names="Lena", family_name="Brandt", submitted_on=today - timedelta(days=9)
    )
    elsewhere_user = demo_user(Role.FIRST_RESPONDER, "three-rivers")
    draft = referral_start(user=elsewhere_user)
    referral_save(referral=draft, user=elsewhere_user, data={"given_names": "Yonas", "family_name": "Haile"})
    elsewhere = submitted_referral(
        "three-rivers", submitted_on=today - timedelta(days=60), given_names="Ruby", family_name="Walsh"
    )
    return {
        "overdue": overdue,
        "recent": recent,
        "elsewhere": elsewhere,
        "draft": draft,
        "hidden": [
            overdue.reference,
            recent.reference,
            draft.reference,
            elsewhere.reference,
            "Kofi Mensah",
            "Lena Brandt",
            "Yonas",
            "Haile",
            "Ruby Walsh",
        ],
    }


def test_a_referral_goes_from_the_first_responder_to_the_right_queue_and_back(page: Page, demo, live_server):
    today = timezone.localdate()
    northbridge = Site.objects.get(slug="northbridge")
    others = other_referrers_work(today)
    overdue, recent, elsewhere = others["overdue"], others["recent"], others["elsewhere"]
    email = demo_email(Role.FIRST_RESPONDER, "northbridge")

    # 1. The first responder signs in and starts a referral.
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
    page.get_by_label("NHS number (optional)", exact=True).fill("943 476 5918")
    page.get_by_label("Home Office reference (optional)", exact=True).fill("Port reference EDD/1234567")
    click_button(page, "Save and continue")
    summary = error_summary(page)
    nhs_error = "Enter a valid NHS number: check it against the child's health records"
    expect(summary.get_by_role("link")).to_have_text(
        ["Date of birth must be a real date", "Select the child's sex", nhs_error]
    )
    expect(page.get_by_label("Given names", exact=True).first).to_have_value("Amara")
    expect(page.locator("#id_alias_given_0")).to_have_value("Mara")
    expect(page.get_by_label("Home Office reference (optional)", exact=True)).to_have_value(
        "Port reference EDD/1234567"
    )
    summary.get_by_role("link", name=nhs_error).click()
    expect(page.get_by_label("NHS number (optional)", exact=True)).to_be_focused()
    page.get_by_label("NHS number (optional)", exact=True).fill("943 476 5919")
    summary.get_by_role("link", name="Date of birth must be a real date").click()
    expect(page.get_by_label("Day", exact=True)).to_be_focused()
    page.get_by_label("Day", exact=True).fill("28")
    page.get_by_label("Female", exact=True).check()
    save_and_continue(page)
    expect(task(page, "Name, date of birth and sex")).to_contain_text("Completed")

    # 2. They leave (home page, then sign out), sign in again and come back to the draft.
    click_link(page, "Home", within=page.locator(NAV))
    expect(heading(page)).to_have_text("Child NRM Panels")
    sign_out(page)
    visit(page, reverse("referrals:task-list", args=[reference]))
    expect(heading(page)).to_have_text(re.compile("^Sign in to "))  # signed out means signed out
    sign_in(page, email)
    click_link(page, "Your referrals", within=page.locator(NAV))
    drafts = page.get_by_test_id("drafts")
    expect(drafts).to_contain_text(reference)
    expect(drafts).to_contain_text("Amara Okafor")
    submit(page, lambda: drafts.get_by_role("link", name=f"Continue referral {reference}").click())
    expect(page.locator(".govuk-caption-l")).to_have_text(f"Referral {reference}")
    expect(task(page, "Name, date of birth and sex")).to_contain_text("Completed")
    # The answers saved before signing out are all there.
    open_task(page, "Name, date of birth and sex")
    expect(page.get_by_label("Given names", exact=True).first).to_have_value("Amara")
    expect(page.locator("#id_alias_given_0")).to_have_value("Mara")
    expect(page.get_by_label("Day", exact=True)).to_have_value("28")
    expect(page.get_by_label("NHS number (optional)", exact=True)).to_have_value("943 476 5919")
    save_and_continue(page)

    # 3. They complete the other sections and send it.
    open_task(page, "Nationality, language and ethnicity")
    choose_from_list(page, "Nationality", "United Kingdom")
    choose_from_list(page, "Second nationality (optional)", "Nigeria")
    choose_from_list(page, "Main language", "English")
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
    assert referral.status == ReferralStatus.SUBMITTED and referral.site == northbridge
    assert ReferralDocument.objects.filter(referral=referral).count() == 1
    assert any(m.subject == f"Referral {reference} received" for m in mail.outbox)

    # 4. The referrer sees their referral's status, and nothing of anyone else's.
    click_link(page, "your referrals")
    expect(heading(page)).to_have_text("Your referrals")
    sent = page.get_by_test_id("sent")
    row = sent.locator("tbody tr", has_text=reference)
    expect(row).to_contain_text("Submitted – awaiting triage")
    expect(row).to_contain_text("The panel coordinator is checking who should decide")
    expect(sent.locator("tbody tr")).to_have_count(1)
    expect(page.locator("main")).to_contain_text("You have no drafts")
    for value in others["hidden"]:
        expect(page.locator("main")).not_to_contain_text(value)
    visit(page, reverse("referrals:confirmation", args=[overdue.reference]), status=404)
    visit(page, reverse("referrals:confirmation", args=[elsewhere.reference]), status=404)
    visit(page, reverse("referrals:task-list", args=[others["draft"].reference]), status=404)
    visit(page, reverse("triage:triage", args=[reference]), status=403)  # triage is not theirs to do
    visit(page, QUEUE, status=403)
    sign_out(page)

    # 5. Northbridge's coordinator: the new referral is in the queue with its clocks, beside the colleague's.
    sign_in(page, demo_email(Role.COORDINATOR, "northbridge"))
    visit(page, QUEUE)
    expect(heading(page)).to_have_text("Referrals")
    expect(page.locator("tbody tr")).to_have_count(3)
    for ref, name, days in (
        (overdue.reference, "Kofi Mensah", 52),
        (recent.reference, "Lena Brandt", 9),
        (reference, "Amara Okafor", 0),
    ):
        submitted = today - timedelta(days=days)
        due = clocks.rg_due_date(submitted, northbridge)
        cells = queue_row(page, ref)
        expect(cells).to_contain_text(name)
        expect(cells.locator(".app-referred")).to_contain_text(long_date(submitted))
        expect(cells.locator(".app-referred")).to_contain_text("Today" if days == 0 else f"{days} days ago")
        expect(cells.locator(".app-due")).to_contain_text(long_date(due))
        expect(cells.locator(".app-triage")).to_contain_text("Awaiting confirmation")
    expect(queue_row(page, overdue.reference).locator(".govuk-tag--red")).to_have_text(f"Overdue by {52 - 45} days")
    expect(queue_row(page, recent.reference).locator(".app-due")).to_contain_text(f"{45 - 9} days left")
    expect(queue_row(page, reference).locator(".app-due")).to_contain_text("45 days left")
    expect(page.locator("main")).not_to_contain_text(elsewhere.reference)
    expect(page.locator("main")).not_to_contain_text("Ruby Walsh")

    # Only the overdue ones, by a plain GET form.
    page.get_by_label("Only referrals whose decision is overdue").check()
    click_button(page, "Apply")
    expect(page).to_have_url(re.compile(r"overdue=on"))
    expect(page.locator("tbody tr")).to_have_count(1)
    expect(queue_row(page, overdue.reference)).to_be_visible()

    # Open it and confirm what the rules suggest: the site's own panel decides.
    click_link(page, overdue.reference, within=queue_row(page, overdue.reference))
    expect(heading(page)).to_have_text(f"Triage: {overdue.child_display_name}")
    expect(page.locator(".govuk-inset-text")).to_contain_text("Northbridge Child Panel decides")
    expect(page.locator(".govuk-inset-text")).to_contain_text("every rule for a panel decision is met")
    expect(page.get_by_role("link", name=re.compile("Check for earlier records of this child"))).to_have_attribute(
        "href", f"/children/{overdue.child.reference}/possible-matches/"
    )
    expect(page.get_by_label("Northbridge Child Panel decides")).to_be_checked()
    click_button(page, "Confirm triage")
    expect(page.locator(".govuk-notification-banner--success")).to_contain_text(
        f"Referral {overdue.reference} accepted by Northbridge Child Panel"
    )
    expect(page.get_by_role("button", name="Confirm triage")).to_have_count(0)
    overdue.refresh_from_db()
    assert overdue.status == ReferralStatus.ACCEPTED

    click_link(page, "Back to referrals")
    expect(queue_row(page, overdue.reference).locator(".app-triage")).to_contain_text("Accepted")

    # And the new referral: the child lives in Northbridge, so Northbridge's panel decides.
    click_link(page, reference, within=queue_row(page, reference))
    expect(heading(page)).to_have_text("Triage: Amara Okafor")
    expect(page.locator(".govuk-inset-text")).to_contain_text("Northbridge Child Panel decides")
    click_button(page, "Confirm triage")
    expect(page.locator(".govuk-notification-banner--success")).to_contain_text(
        f"Referral {reference} accepted by Northbridge Child Panel"
    )
    sign_out(page)

    # 6. The other site's coordinator sees only their own site's referral.
    sign_in(page, demo_email(Role.COORDINATOR, "three-rivers"))
    visit(page, QUEUE)
    expect(page.locator("tbody tr")).to_have_count(1)
    expect(queue_row(page, elsewhere.reference)).to_be_visible()
    for ref, name in (
        (overdue.reference, "Kofi Mensah"),
        (recent.reference, "Lena Brandt"),
        (reference, "Amara Okafor"),
    ):
        expect(page.locator("main")).not_to_contain_text(ref)
        expect(page.locator("main")).not_to_contain_text(name)
    visit(page, reverse("triage:triage", args=[recent.reference]), status=404)
    visit(page, reverse("triage:triage", args=[reference]), status=404)
    sign_out(page)

    # 7. The referrer, back again, sees the decision on who decides, and still only their own referral.
    sign_in(page, email)
    click_link(page, "Your referrals", within=page.locator(NAV))
    sent = page.get_by_test_id("sent")
    expect(sent.locator("tbody tr")).to_have_count(1)
    row = sent.locator("tbody tr", has_text=reference)
    expect(row).to_contain_text("Accepted by the panel")
    expect(row).to_contain_text("Northbridge Child Panel will decide")
    for value in others["hidden"]:
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
