"""Information requests: the coordinator asks the police, the police answer with a document, and the
coordinator sees the answer with the lawful basis it was shared on."""

from __future__ import annotations

import io
import re

from django.utils import timezone
from PIL import Image
from playwright.sync_api import Page, expect

from childnrm.accounts.models import Role, User
from childnrm.information.models import InformationRequest, RequestStatus, ResponseDocument
from childnrm.people.demo import demo_email
from childnrm.referrals.tests.factories import submitted_referral
from tests.browser.support import (
    click_button,
    click_link,
    error_summary,
    heading,
    sign_in_by_session,
    sign_out,
    submit,
    visit,
)

POLICE_MEMBER = "police-member.northbridge@childnrm.example"


def police_user_email() -> str:
    # The panels' demo adds a police panel member; until then the demo first responder works for the police.
    if User.objects.filter(email=POLICE_MEMBER).exists():
        return POLICE_MEMBER
    return demo_email(Role.FIRST_RESPONDER, "northbridge")


def pdf_bytes() -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (40, 30), (200, 40, 40)).save(out, "PDF")
    return out.getvalue()


def test_coordinator_asks_the_police_who_answer_with_a_document(page: Page, demo):
    referral = submitted_referral("northbridge")

    # The coordinator finds the case from the site's list and asks the police.
    sign_in_by_session(page, demo_email(Role.COORDINATOR, "northbridge"))
    visit(page, "/information-requests/")
    expect(heading(page)).to_have_text("Information requests")
    page.get_by_label("Referral reference").fill(referral.reference)
    click_button(page, "Apply")
    click_link(page, f"All requests about referral {referral.reference}, and ask for more information")
    expect(heading(page)).to_have_text(f"Information requests: {referral.child_display_name}")
    click_link(page, "Ask an agency for information")
    expect(heading(page)).to_have_text("Ask an agency for information")

    page.get_by_label("Which organisation are you asking?").select_option(label="Northbridge Police")
    page.get_by_label("What kind of agency is it?").select_option(label="Police")
    page.get_by_label("Why does the panel need it?").fill("To decide reasonable grounds and plan his safeguarding")
    click_button(page, "Send request")  # the question is missing
    expect(error_summary(page)).to_contain_text("Enter what you want to know")
    expect(page.get_by_label("Why does the panel need it?")).to_have_value(
        "To decide reasonable grounds and plan his safeguarding"
    )
    error_summary(page).get_by_role("link", name="Enter what you want to know").click()
    expect(page.get_by_label("What do you want to know?")).to_be_focused()
    page.get_by_label("What do you want to know?").fill("What do you know of the men he was found with?")
    page.get_by_label("Children Act 2004 section 11").check()
    click_button(page, "Send request")
    expect(page.locator(".govuk-notification-banner--success")).to_contain_text("sent to Northbridge Police")
    info_request = InformationRequest.objects.get(referral=referral)
    expect(page.locator(".app-status")).to_contain_text("Waiting for an answer")
    expect(page.locator('[data-testid="request"] .app-lawful-basis')).to_have_text(
        "Children Act 2004 section 11 (duty to safeguard)"
    )
    sign_out(page)

    # The police see it in their organisation's inbox, with only the minimum about the child.
    sign_in_by_session(page, police_user_email())
    visit(page, "/information-requests/inbox/")
    expect(heading(page)).to_have_text("Requests for information")
    row = page.locator(f'tr[data-reference="{info_request.reference}"]')
    expect(row).to_contain_text(referral.child_display_name)
    click_link(page, info_request.reference, within=row)
    expect(page.locator('[data-testid="child"]')).to_contain_text(referral.reference)
    expect(page.locator("main")).not_to_contain_text(referral.account)
    click_link(page, "Answer this request")
    expect(heading(page)).to_have_text("Answer the request")
    expect(page.get_by_label("Purpose of sharing")).to_have_value(
        "To decide reasonable grounds and plan his safeguarding"
    )
    expect(page.get_by_label("Children Act 2004 section 11")).to_be_checked()

    page.get_by_label("Your answer").fill("Arrested twice with older men from outside the area; intelligence attached.")
    page.get_by_label("Upload documents (optional)").set_input_files(
        [
            {"name": "intelligence.pdf", "mimeType": "application/pdf", "buffer": pdf_bytes()},
            {"name": "evidence.zip", "mimeType": "application/zip", "buffer": b"PK\x05\x06" + b"\x00" * 18},
        ]
    )
    page.get_by_label("I confirm this information is shared").check()
    click_button(page, "Send answer")
    expect(error_summary(page)).to_contain_text("evidence.zip")
    expect(page.get_by_label("Your answer")).to_have_value(
        "Arrested twice with older men from outside the area; intelligence attached."
    )
    page.get_by_label("Upload documents (optional)").set_input_files(
        [{"name": "intelligence.pdf", "mimeType": "application/pdf", "buffer": pdf_bytes()}]
    )
    click_button(page, "Send answer")
    expect(page.locator(".govuk-notification-banner--success")).to_contain_text(
        f"Your answer to request {info_request.reference} has been sent to the panel"
    )
    expect(page.get_by_role("link", name="Answer this request")).to_have_count(0)
    sign_out(page)

    # The coordinator sees the answer, the basis it was shared on, and can download the document.
    sign_in_by_session(page, demo_email(Role.COORDINATOR, "northbridge"))
    visit(page, f"/information-requests/{info_request.reference}/")
    answer = page.locator('[data-testid="answer"]')
    expect(answer).to_contain_text("Arrested twice with older men")
    expect(answer.locator(".app-lawful-basis")).to_have_text("Children Act 2004 section 11 (duty to safeguard)")
    expect(answer.locator(".app-purpose")).to_have_text("To decide reasonable grounds and plan his safeguarding")
    expect(page.locator(".app-status")).to_contain_text("Answered")
    with page.expect_download() as download:
        answer.get_by_role("link", name=re.compile("intelligence.pdf")).click()
    assert download.value.suggested_filename == "intelligence.pdf"
    info_request.refresh_from_db()
    assert info_request.status == RequestStatus.ANSWERED
    assert ResponseDocument.objects.filter(response__request=info_request).count() == 1


def test_withdrawing_and_chasing_work_without_javascript_and_by_keyboard(page_without_js: Page, demo):
    page = page_without_js
    referral = submitted_referral("northbridge")
    sign_in_by_session(page, demo_email(Role.COORDINATOR, "northbridge"))
    visit(page, f"/information-requests/case/{referral.reference}/new/")
    page.get_by_label("Which organisation are you asking?").select_option(label="Northbridge Police")
    page.get_by_label("What kind of agency is it?").select_option(label="Police")
    page.get_by_label("What do you want to know?").fill("Any missing episodes reported?")
    page.get_by_label("Why does the panel need it?").fill("Reasonable grounds decision")
    page.get_by_label("Day").fill("31")
    page.get_by_label("Month").fill("2")
    click_button(page, "Send request")
    expect(error_summary(page)).to_contain_text("The due date must be a real date")
    expect(page.get_by_label("What do you want to know?")).to_have_value("Any missing episodes reported?")
    expect(page.get_by_label("Day")).to_have_value("31")
    page.get_by_label("Day").fill("28")
    page.get_by_label("Year").fill(str(timezone.localdate().year + 1))
    click_button(page, "Send request")
    info_request = InformationRequest.objects.get(referral=referral)
    expect(heading(page)).to_contain_text("Northbridge Police")

    # A reminder by hand, from the keyboard.
    page.get_by_role("button", name="Send a reminder now").focus()
    submit(page, lambda: page.keyboard.press("Enter"))
    expect(page.locator(".govuk-notification-banner--success")).to_contain_text("Reminder sent for request")
    expect(page.locator('[data-testid="chases"]')).to_contain_text("chased by Panel coordinator")
    expect(page.get_by_role("button", name="Send a reminder now")).to_have_count(0)  # once a day

    click_link(page, "Withdraw this request")
    click_button(page, "Withdraw request")
    expect(error_summary(page)).to_contain_text("Enter why you are withdrawing the request")
    page.get_by_label("Why are you withdrawing the request?").fill("The strategy discussion answered it")
    click_button(page, "Withdraw request")
    expect(page.locator(".govuk-notification-banner--success")).to_contain_text(
        f"Request {info_request.reference} withdrawn"
    )
    expect(page.locator(".app-status")).to_contain_text("Withdrawn")
    info_request.refresh_from_db()
    assert info_request.status == RequestStatus.WITHDRAWN
    assert info_request.chase_count == 1
