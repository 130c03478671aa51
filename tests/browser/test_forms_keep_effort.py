"""Forms that respect effort (issue 9, item 9), in a real browser with axe on every page.

- Nationality and language are GOV.UK's accessible autocomplete over the select: a referrer types
  part of a name, picks it with the keyboard, and the answer is saved; without JavaScript the
  select works as before.
- A file chosen on a page that fails validation elsewhere is kept: the page says so, and the file is
  attached once the error is fixed, without choosing it again.
"""

from __future__ import annotations

import re

import pytest
from django.urls import reverse
from playwright.sync_api import Page, expect

from childnrm.accounts.models import Role
from childnrm.kit.models import PendingUpload
from childnrm.people.demo import demo_email
from childnrm.referrals.models import Referral, ReferralDocument
from childnrm.referrals.services import referral_start
from conftest import demo_user
from tests.browser.support import check_page, click_button, error_summary, sign_in_by_session, visit
from tests.browser.test_referral_journey import SMALL_PDF


@pytest.fixture(autouse=True)
def private_storage(settings, tmp_path):
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": tmp_path / "private-files"},
        },
    }


@pytest.fixture
def draft(demo) -> Referral:
    return referral_start(user=demo_user(Role.FIRST_RESPONDER))


def _background(draft: Referral) -> str:
    return reverse("referrals:section", args=[draft.reference, "background"])


def test_a_nationality_is_typed_in_part_and_picked_with_the_keyboard(page: Page, draft):
    sign_in_by_session(page, demo_email(Role.FIRST_RESPONDER, "northbridge"))
    visit(page, _background(draft))
    nationality = page.get_by_label("Nationality", exact=True)
    # The select is enhanced: the label now names a text box that suggests as you type.
    expect(nationality).to_have_attribute("role", "combobox")
    expect(page.locator("#id_nationality_0-select")).to_be_hidden()
    nationality.fill("alba")
    expect(page.get_by_role("option", name="Albania", exact=True)).to_be_visible()
    check_page(page)  # the open list of suggestions is axe-clean too
    nationality.press("ArrowDown")
    expect(page.get_by_role("option", name="Albania", exact=True)).to_be_focused()
    page.keyboard.press("Enter")
    expect(nationality).to_have_value("Albania")
    language = page.get_by_label("Main language", exact=True)
    language.fill("Tigri")
    language.press("ArrowDown")
    page.keyboard.press("Enter")
    expect(language).to_have_value("Tigrinya")
    click_button(page, "Save and come back later")

    draft.refresh_from_db()
    assert draft.nationalities == ["AL"] and draft.languages == ["ti"]
    # Coming back, the box shows the saved answer by name, and an unanswered one is empty.
    visit(page, _background(draft))
    expect(page.get_by_label("Nationality", exact=True)).to_have_value("Albania")
    expect(page.get_by_label("Second nationality (optional)", exact=True)).to_have_value("")
    # Emptying the box clears the answer (the library alone would keep the old one, unseen).
    page.get_by_label("Nationality", exact=True).fill("")
    page.get_by_label("Main language", exact=True).focus()
    click_button(page, "Save and come back later")
    draft.refresh_from_db()
    assert draft.nationalities == [] and draft.languages == ["ti"]


def test_without_javascript_nationality_is_the_select_it_was(page_without_js: Page, draft):
    page = page_without_js
    sign_in_by_session(page, demo_email(Role.FIRST_RESPONDER, "northbridge"))
    visit(page, _background(draft))
    page.get_by_label("Nationality", exact=True).select_option(label="Albania")
    page.get_by_label("Main language", exact=True).select_option(label="Albanian")
    click_button(page, "Save and come back later")
    draft.refresh_from_db()
    assert draft.nationalities == ["AL"] and draft.languages == ["sq"]


def test_a_chosen_file_survives_an_error_elsewhere_on_the_page(page: Page, draft):
    sign_in_by_session(page, demo_email(Role.FIRST_RESPONDER, "northbridge"))
    visit(page, reverse("referrals:documents", args=[draft.reference]))
    page.get_by_label("Upload a file", exact=True).set_input_files(
        files=[{"name": "statement.pdf", "mimeType": "application/pdf", "buffer": SMALL_PDF}]
    )
    click_button(page, "Upload file")  # forgot to say what it is
    expect(error_summary(page)).to_contain_text("Enter what the document is")
    kept = page.get_by_test_id("kept-uploads")
    expect(kept).to_contain_text(re.compile(r"You chose statement\.pdf \(\d+ bytes\) — it will be kept\."))
    expect(page.get_by_label("Remove statement.pdf", exact=True)).not_to_be_checked()
    assert PendingUpload.objects.count() == 1 and not ReferralDocument.objects.exists()

    page.get_by_label("What is this document?", exact=True).fill("Police statement")
    click_button(page, "Upload file")  # the file is not chosen again
    expect(page.locator(".govuk-notification-banner--success")).to_contain_text("‘statement.pdf’ has been uploaded")
    expect(page.get_by_test_id("documents")).to_contain_text("Police statement")
    document = ReferralDocument.objects.get(referral=draft)
    assert document.original_name == "statement.pdf" and document.file.read() == SMALL_PDF
    assert not PendingUpload.objects.exists()
