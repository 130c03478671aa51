"""Information-sharing protocols: the coordinator records one, uploads the signed copy and reads it back,
without JavaScript; a request to an organisation with no current protocol warns and needs the basis in full."""

from __future__ import annotations

import io
from datetime import timedelta

from django.utils import timezone
from PIL import Image
from playwright.sync_api import Page, expect

from childnrm.accounts.models import Role
from childnrm.information.models import SharingProtocol
from childnrm.people.demo import demo_email
from childnrm.referrals.tests.factories import submitted_referral
from tests.browser.support import click_button, click_link, error_summary, heading, sign_in_by_session, submit, visit


def pdf_bytes() -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (40, 30), (20, 40, 200)).save(out, "PDF")
    return out.getvalue()


def test_coordinator_records_a_protocol_and_uploads_the_signed_copy(page_without_js: Page, demo):
    page = page_without_js
    year = timezone.localdate().year
    sign_in_by_session(page, demo_email(Role.COORDINATOR, "northbridge"))
    visit(page, "/information-requests/")
    click_link(page, "Information-sharing protocols with partner organisations")
    expect(heading(page)).to_have_text("Information-sharing protocols")
    expect(page.locator(".app-protocols")).to_contain_text("Northbridge Police")
    click_link(page, "Record a protocol")

    page.get_by_label("Partner organisation").select_option(label="Safe Futures Children's Charity")
    page.get_by_label("Title").fill("Safe Futures and Northbridge")
    click_button(page, "Record the protocol")
    expect(error_summary(page)).to_contain_text("Select the lawful bases the protocol relies on")
    expect(page.get_by_label("Title")).to_have_value("Safe Futures and Northbridge")

    page.get_by_label("Parties").fill("Northbridge City Council\nSafe Futures Children's Charity")
    page.get_by_label("What may be shared").fill("Key-work notes and missing episodes")
    page.get_by_label("Purpose of sharing").fill("NRM decisions and safeguarding plans")
    page.get_by_label("UK GDPR Article 6(1)(e): public task").check()
    page.get_by_label("Children Act 1989 section 17: children in need").check()
    page.get_by_label("Signatories").fill("Director of Children's Services")
    for prefix, when in (("Start date", (1, 4, year - 1)), ("Review date", (1, 4, year + 1))):
        group = page.get_by_role("group", name=prefix)
        group.get_by_label("Day").fill(str(when[0]))
        group.get_by_label("Month").fill(str(when[1]))
        group.get_by_label("Year").fill(str(when[2]))
    click_button(page, "Record the protocol")
    expect(heading(page)).to_have_text("Upload the signed protocol with Safe Futures Children's Charity")

    page.get_by_label("Upload the signed protocol").set_input_files(
        {"name": "signed.pdf", "mimeType": "application/pdf", "buffer": pdf_bytes()}
    )
    click_button(page, "Upload")
    expect(heading(page)).to_have_text("Safe Futures Children's Charity")
    expect(page.get_by_test_id("protocol")).to_contain_text("Children Act 1989 section 17: children in need")
    expect(page.get_by_test_id("protocol")).to_contain_text(f"1 April {year + 1}")
    expect(page.get_by_test_id("protocol-status")).to_have_text("Current")
    protocol = SharingProtocol.objects.get(organisation__name="Safe Futures Children's Charity")
    assert protocol.documents.count() == 1


def test_a_request_without_a_protocol_needs_the_basis_in_full(page_without_js: Page, demo):
    page = page_without_js
    referral = submitted_referral("northbridge")
    due = timezone.localdate() + timedelta(days=7)
    sign_in_by_session(page, demo_email(Role.COORDINATOR, "northbridge"))
    visit(page, f"/information-requests/case/{referral.reference}/new/")
    expect(page.locator(".govuk-warning-text")).to_contain_text("you must state the lawful basis in full")
    page.get_by_label("Which organisation are you asking?").select_option(
        label="Safe Futures Children's Charity (no current sharing protocol)"
    )
    page.get_by_label("What kind of agency is it?").select_option(label="Voluntary sector (NGO)")
    page.get_by_label("What do you want to know?").fill("Any key-work notes?")
    page.get_by_label("Why does the panel need it?").fill("Reasonable grounds decision")
    group = page.get_by_role("group", name="When is the answer due?")
    group.get_by_label("Day").fill(str(due.day))
    group.get_by_label("Month").fill(str(due.month))
    group.get_by_label("Year").fill(str(due.year))
    click_button(page, "Send request")
    expect(error_summary(page)).to_contain_text("no current information-sharing protocol with Safe Futures")
    page.get_by_label("The lawful basis in full (if there is no current protocol)").fill(
        "UK GDPR Article 6(1)(e); Children Act 2004 section 11: the panel must safeguard the child"
    )
    submit(page, lambda: page.get_by_role("button", name="Send request").click())
    expect(page.locator(".app-protocol")).to_contain_text("No current protocol")
