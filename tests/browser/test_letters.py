"""Communicating a decision: the coordinator produces both letters for a final decision, the child's
guardian is told, and the coordinator records who explained the decision to the child."""

from __future__ import annotations

import hashlib
import re

from django.core import mail
from django.utils import timezone
from playwright.sync_api import Page, expect

from childnrm.accounts.models import Role
from childnrm.letters.models import DecisionExplanation, GuardianNotice, Letter, LetterKind
from childnrm.letters.services import letters_produce
from childnrm.letters.tests.factories import allocate, final_decision
from childnrm.letters.tests.factories import demo as staff
from childnrm.people.demo import demo_email
from tests.browser.support import click_button, click_link, error_summary, heading, sign_in_by_session, visit


def test_coordinator_produces_the_letters_tells_the_guardian_and_records_the_explanation(page: Page, demo):
    decision = final_decision("northbridge")
    referral = decision.referral
    guardian = staff(Role.ICTG)
    allocate(referral, guardian)
    mail.outbox.clear()

    sign_in_by_session(page, demo_email(Role.COORDINATOR, "northbridge"))
    visit(page, "/letters/")
    expect(heading(page)).to_have_text("Letters for final decisions")
    row = page.locator(f'tr[data-decision="{decision.pk}"]')
    expect(row).to_contain_text("To do")
    click_link(page, f"{referral.reference} (letters for the reasonable grounds decision)", within=row)
    expect(heading(page)).to_have_text(f"Communicating the decision: {referral.child_display_name}")
    expect(page.locator("main")).to_contain_text(f"{guardian.full_name}: not told yet")

    click_button(page, "Produce both letters")
    expect(page.locator(".govuk-notification-banner--success")).to_contain_text(
        f"Letters produced for referral {referral.reference}. 1 guardian told"
    )
    letters = {letter.kind: letter for letter in Letter.objects.filter(decision=decision)}
    assert set(letters) == {LetterKind.REFERRER_OUTCOME, LetterKind.CHILD_FRIENDLY}
    table = page.locator("table")
    expect(table).to_contain_text("Outcome letter to the referrer")
    expect(table).to_contain_text("Letter for the child")
    notice = GuardianNotice.objects.get(decision=decision, guardian=guardian)
    expect(page.locator(f'[data-notice="{notice.pk}"]')).to_contain_text(f"{guardian.full_name}: told on")
    assert [m.to for m in mail.outbox] == [[guardian.email]]
    expect(page.get_by_role("button", name="Tell the guardian")).to_have_count(0)

    # The child's letter downloads as the PDF that was produced.
    with page.expect_download() as info:
        page.locator(f'tr[data-letter="{letters[LetterKind.CHILD_FRIENDLY].pk}"]').get_by_role("link").click()
    download = info.value
    assert download.suggested_filename == (
        f"{referral.reference}-letter-for-the-child-{letters[LetterKind.CHILD_FRIENDLY].pk}.pdf"
    )
    with open(download.path(), "rb") as file:
        data = file.read()
    assert data.startswith(b"%PDF-")
    assert hashlib.sha256(data).hexdigest() == letters[LetterKind.CHILD_FRIENDLY].sha256

    # Who explained it to the child: a mistake first, then the record.
    click_link(page, "Record who explained the decision")
    expect(heading(page)).to_have_text("Record who explained the decision to the child")
    page.get_by_label("What is their role?").fill("Social worker")
    click_button(page, "Save")
    expect(error_summary(page)).to_contain_text("Enter the name of the person who explained the decision")
    expect(error_summary(page)).to_contain_text("Enter the date the decision was explained")
    expect(error_summary(page)).to_contain_text("Select how the decision was explained")
    expect(page.get_by_label("What is their role?")).to_have_value("Social worker")
    error_summary(page).get_by_role("link", name="Enter the name of the person who explained the decision").click()
    expect(page.get_by_label("Who explained the decision to the child?")).to_be_focused()
    page.keyboard.type("Sam Jones")

    today = timezone.localdate()
    page.get_by_label("Day").fill(str(today.day))
    page.get_by_label("Month").fill(str(today.month))
    page.get_by_label("Year").fill(str(today.year))
    page.get_by_label("In person, with an interpreter").check()
    page.get_by_label("How did the child respond? (optional)").fill("Asked if he can stay at his aunt's.")
    click_button(page, "Save")
    expect(page).to_have_url(re.compile(rf"/letters/decisions/{decision.pk}/$"))
    expect(page.locator(".govuk-notification-banner--success")).to_contain_text("Explanation to the child recorded")
    explanation = DecisionExplanation.objects.get(decision=decision)
    entry = page.locator(f'[data-explanation="{explanation.pk}"]')
    expect(entry).to_contain_text("Sam Jones, Social worker: in person, with an interpreter")
    click_link(page, f"View the explanation of {today.day} {today:%B %Y}", within=entry)
    expect(heading(page)).to_have_text("How the decision was explained to the child")
    expect(page.locator("main")).to_contain_text("Asked if he can stay at his aunt's.")

    visit(page, "/letters/")
    expect(page.locator(f'tr[data-decision="{decision.pk}"]')).to_contain_text("Produced")
    expect(page.locator(f'tr[data-decision="{decision.pk}"]')).to_contain_text("Recorded")


def test_the_guardian_follows_the_emailed_link_and_reads_the_letters_without_javascript(page_without_js: Page, demo):
    page = page_without_js
    decision = final_decision("northbridge")
    referral = decision.referral
    guardian = staff(Role.ICTG)
    allocate(referral, guardian)
    mail.outbox.clear()
    letters_produce(decision=decision, user=staff(Role.COORDINATOR))
    (email,) = mail.outbox
    link = next(line for line in email.body.splitlines() if "/letters/decisions/" in line)
    path = link[link.index("/letters/") :]

    sign_in_by_session(page, demo_email(Role.ICTG, "northbridge"))
    visit(page, path)
    expect(heading(page)).to_have_text(f"Communicating the decision: {referral.child_display_name}")
    expect(page.locator("table")).to_contain_text("Letter for the child")
    expect(page.locator("main")).to_contain_text(f"{guardian.full_name}: told on")
    expect(page.get_by_role("button", name="Produce the letters again")).to_have_count(0)

    # The guardian usually explains the decision to the child, and records it themselves.
    click_link(page, "Record who explained the decision")
    expect(heading(page)).to_have_text("Record who explained the decision to the child")
    page.get_by_label("Who explained the decision to the child?").fill(guardian.full_name)
    page.get_by_label("What is their role?").fill("Guardian")
    today = timezone.localdate()
    page.get_by_label("Day").fill(str(today.day))
    page.get_by_label("Month").fill(str(today.month))
    page.get_by_label("Year").fill(str(today.year))
    page.get_by_label("In person, with an interpreter").check()
    click_button(page, "Save")
    expect(page).to_have_url(re.compile(rf"/letters/decisions/{decision.pk}/$"))
    explanation = DecisionExplanation.objects.get(decision=decision)
    expect(page.locator(f'[data-explanation="{explanation.pk}"]')).to_contain_text(f"{guardian.full_name}, Guardian")
    assert explanation.recorded_by == guardian
