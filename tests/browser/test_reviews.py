"""Reconsideration and Home Office quality assurance, in the browser.

The coordinator takes in a reconsideration request, is refused when listing it before a meeting of
the panel that decided, and lists it before a differently constituted panel. The coordinator sends
a decision to the SCA; the SCA quality assurer records a finding; the coordinator answers it.
"""

from __future__ import annotations

import re

from django.utils import timezone
from playwright.sync_api import Page, expect

from childnrm.accounts.models import Role
from childnrm.panels.models import AgendaItem, AgendaStage
from childnrm.people.demo import demo_email
from childnrm.reviews.models import ReconsiderationStatus
from childnrm.reviews.tests import factories as f
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


def test_reconsideration_is_listed_only_before_a_differently_constituted_panel(page: Page, demo):
    original = f.panel_trio("northbridge", "Original")
    decision = f.final_decision(voters=original, decided_on=timezone.localdate() - timezone.timedelta(days=12))
    f.meeting(voters=original, location="Original panel room")
    fresh = f.panel_trio("northbridge", "Fresh")
    f.meeting(voters=fresh, location="Original chair's room", starts_in_days=18, chair=decision.finalised_by)
    f.meeting(voters=fresh, location="Fresh panel room", starts_in_days=21)
    today = timezone.localdate()

    sign_in_by_session(page, demo_email(Role.COORDINATOR, "northbridge"))
    visit(page, "/reviews/reconsiderations/")
    expect(heading(page)).to_have_text("Reconsiderations")
    click_button(page, "Record a reconsideration request")

    # A first try without the grounds: the error is shown and nothing typed is lost.
    page.get_by_label("Which decision is to be reconsidered?").select_option(str(decision.pk))
    page.get_by_label("The referrer (first responder)", exact=True).check()
    page.get_by_label("Name of the person asking", exact=True).fill("Sam Referrer")
    expect(page.get_by_label("Which decision is to be reconsidered?")).to_contain_text("window ends")
    page.get_by_label("Details of the request").fill("A school report the panel did not see.")
    page.locator("#id_received_on_day").fill(str(today.day))
    page.locator("#id_received_on_month").fill(str(today.month))
    page.locator("#id_received_on_year").fill(str(today.year))
    click_button(page, "Record the request")
    expect(error_summary(page)).to_contain_text("Select at least one ground for the reconsideration")
    expect(page.get_by_label("Name of the person asking", exact=True)).to_have_value("Sam Referrer")
    expect(page.get_by_label("Details of the request")).to_have_value("A school report the panel did not see.")

    page.get_by_label("New evidence", exact=True).check()
    click_button(page, "Record the request")
    expect(page.locator(".govuk-notification-banner--success")).to_contain_text(
        f"Reconsideration request for referral {decision.referral.reference} recorded"
    )
    expect(page.locator("#reconsideration-status")).to_have_text("Received")

    # The meeting of the panel that decided is refused, naming who voted.
    click_button(page, "List before a panel")
    page.get_by_label(re.compile("Original panel room")).check()
    click_button(page, "List the reconsideration")
    expect(error_summary(page)).to_contain_text(original[0].full_name)
    expect(error_summary(page)).to_contain_text("voted on the original decision")
    assert not AgendaItem.objects.filter(referral=decision.referral).exists()

    # None of the original voters, but chaired by the original decision's chair: refused too.
    page.get_by_label(re.compile("Original chair's room")).check()
    click_button(page, "List the reconsideration")
    expect(error_summary(page)).to_contain_text(f"{decision.finalised_by.full_name} chaired the decision being")
    assert not AgendaItem.objects.filter(referral=decision.referral).exists()

    page.get_by_label(re.compile("Fresh panel room")).check()
    click_button(page, "List the reconsideration")
    expect(page.locator(".govuk-notification-banner--success")).to_contain_text("listed before the panel")
    expect(page.locator("#reconsideration-status")).to_have_text("Listed before a panel")
    expect(page.locator("#listed-meeting")).to_contain_text("Fresh panel room")
    asked = decision.reconsideration_requests.get()
    assert asked.status == ReconsiderationStatus.LISTED
    assert AgendaItem.objects.get(referral=decision.referral).stage == AgendaStage.RECONSIDERATION


def test_the_sca_records_a_finding_and_the_coordinator_answers_it(page: Page, second_page: Page, demo):
    decision = f.final_decision()
    reference = decision.referral.reference

    sign_in_by_session(page, demo_email(Role.COORDINATOR, "northbridge"))
    visit(page, "/reviews/returns/")
    click_button(page, "Send a decision to the SCA")
    page.get_by_label("Which decision do you want to send?").select_option(str(decision.pk))
    click_button(page, "Send to the SCA")
    banner = page.locator(".govuk-notification-banner--success")
    expect(banner).to_contain_text(f"Decision for referral {reference} sent")
    sent = decision.returns.get()
    expect(page.locator("#return-sha256")).to_have_text(sent.sha256)

    # The SCA quality assurer, in a browser of their own; the coordinator stays signed in.
    coordinator_page = page
    page = second_page
    sign_in_by_session(page, demo_email(Role.SCA_QUALITY_ASSURER, "northbridge"))
    visit(page, "/reviews/returns/")
    row = page.locator(f'tr[data-return="{sent.pk}"]')
    expect(row).to_contain_text(reference)
    submit(page, lambda: row.get_by_role("link").click())
    expect(heading(page)).to_have_text(f"Return {sent.pk}: referral {reference}")
    expect(page.locator("main")).not_to_contain_text(decision.referral.child_display_name)
    click_button(page, "Record the finding")
    expect(error_summary(page)).to_contain_text("Select a rating")
    page.get_by_label("Minor concerns", exact=True).check()
    page.get_by_label("Finding", exact=True).fill("Say how the child's trauma was taken into account.")
    click_button(page, "Record the finding")
    expect(page.locator(".govuk-notification-banner--success")).to_contain_text(f"Finding recorded on return {sent.pk}")
    expect(page.locator(f"#finding-{sent.findings.get().pk}")).to_contain_text("Waiting for the panel's answer")
    sign_out(page)

    page = coordinator_page
    visit(page, f"/reviews/returns/{sent.pk}/")
    finding = sent.findings.get()
    click_link(page, "Answer finding 1")
    page.get_by_label("The panel's answer").fill("The chair will add the trauma-informed reasoning to our template.")
    click_button(page, "Send the answer")
    expect(page.locator(".govuk-notification-banner--success")).to_contain_text("Answer to the finding")
    expect(page.locator(f"#finding-{finding.pk}")).to_contain_text("The chair will add the trauma-informed reasoning")
    finding.refresh_from_db()
    assert finding.responded_at is not None


def test_a_late_request_is_recorded_as_not_accepted_without_javascript(page_without_js: Page, demo):
    page = page_without_js
    decision = f.final_decision(decided_on=timezone.localdate() - timezone.timedelta(days=45))
    today = timezone.localdate()
    sign_in_by_session(page, demo_email(Role.COORDINATOR, "northbridge"))
    visit(page, "/reviews/reconsiderations/new/")
    page.get_by_label("Which decision is to be reconsidered?").select_option(str(decision.pk))
    page.get_by_label("A support provider", exact=True).check()
    page.get_by_label("Name of the person asking", exact=True).fill("Alex Support")
    page.get_by_label("The guidance was not followed", exact=True).check()
    page.get_by_label("Details of the request").fill("The 2025 guidance on criminal exploitation was not applied.")
    page.locator("#id_received_on_day").fill(str(today.day))
    page.locator("#id_received_on_month").fill(str(today.month))
    page.locator("#id_received_on_year").fill(str(today.year))
    click_button(page, "Record the request")
    expect(error_summary(page)).to_contain_text("This request is late")
    page.get_by_label("No, record it as not accepted", exact=True).check()
    click_button(page, "Record the request")
    expect(page.locator(".govuk-notification-banner--success")).to_contain_text("recorded as not accepted")
    expect(page.locator("#reconsideration-status")).to_have_text("Not accepted (late)")
    expect(page.locator(".govuk-warning-text")).to_contain_text("after the reconsideration window closed")
    expect(page.get_by_role("button", name="List before a panel")).to_have_count(0)
