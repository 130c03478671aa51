"""The safeguarding plan: the coordinator records the plan agreed at a sitting with two actions and a
safety map entry; the owner of one action signs in (without JavaScript) and marks it in progress; the
coordinator sees that in the action's history."""

from __future__ import annotations

from datetime import timedelta

from django.utils import timezone
from playwright.sync_api import Page, expect

from childnrm.accounts.models import Role, Site
from childnrm.people.demo import demo_email
from childnrm.people.models import Child
from childnrm.safeguarding.models import ActionStatus, SafeguardingPlan
from conftest import demo_user
from tests.browser.support import (
    click_button,
    click_link,
    error_summary,
    heading,
    sign_in_by_session,
    sign_out,
    visit,
)


def fill_date(page: Page, name: str, day) -> None:
    page.locator(f"#id_{name}_day").fill(str(day.day))
    page.locator(f"#id_{name}_month").fill(str(day.month))
    page.locator(f"#id_{name}_year").fill(str(day.year))


def banner(page: Page):
    return page.locator(".govuk-notification-banner--success")


def test_coordinator_plans_owner_updates_coordinator_sees_the_history(page: Page, page_without_js: Page, demo):
    site = Site.objects.get(slug="northbridge")
    child = Child.objects.filter(site=site).order_by("pk")[1]
    owner = demo_user(Role.PANEL_MEMBER)
    today = timezone.localdate()

    # The coordinator records the plan agreed at the sitting.
    sign_in_by_session(page, demo_email(Role.COORDINATOR, "northbridge"))
    visit(page, f"/safeguarding/children/{child.reference}/")
    expect(heading(page)).to_have_text("Safeguarding")
    expect(page.locator("main")).to_contain_text("This child has no active safeguarding plan.")
    click_link(page, "Record the plan agreed at a sitting")
    expect(heading(page)).to_have_text("Record the safeguarding plan")

    # Nothing chosen: the errors say what to fix, and what was typed stays.
    page.get_by_label("Summary of the plan").fill("Keep him away from the station group; support at school.")
    click_button(page, "Save and add actions")
    expect(error_summary(page)).to_contain_text("Select the sitting that agreed the plan")
    expect(error_summary(page)).to_contain_text("Enter the next review date")
    expect(page.get_by_label("Summary of the plan")).to_have_value(
        "Keep him away from the station group; support at school."
    )
    page.locator("input[name=meeting]").first.check()
    fill_date(page, "next_review_on", today + timedelta(days=28))
    click_button(page, "Save and add actions")
    expect(banner(page)).to_contain_text("Safeguarding plan recorded")
    expect(heading(page)).to_have_text("Add an action to the plan")

    # Two actions: one for the health panel member's account, one for a named officer.
    page.get_by_label("What needs to be done").fill("Arrange an initial health assessment")
    page.get_by_label("Owning agency").select_option("health")
    page.get_by_label("Owner's account in this service (optional)").select_option(str(owner.pk))
    fill_date(page, "due_on", today + timedelta(days=14))
    click_button(page, "Save and add another")
    expect(banner(page)).to_contain_text(f"Action added for {owner.full_name}")
    page.get_by_label("What needs to be done").fill("Disruption visit to the address where he was found")
    page.get_by_label("Owning agency").select_option("police")
    page.get_by_label("Owner's name").fill("DC Sam Rowe")
    fill_date(page, "due_on", today + timedelta(days=7))
    click_button(page, "Save action")
    expect(banner(page)).to_contain_text("Action added for DC Sam Rowe")
    expect(heading(page)).to_contain_text("Safeguarding plan")
    expect(page.locator("table.app-actions tbody tr")).to_have_count(2)
    plan = SafeguardingPlan.objects.get(child=child)
    health_action = plan.actions.get(owner=owner)

    # A place on the safety map.
    visit(page, f"/safeguarding/children/{child.reference}/safety-map/")
    click_link(page, "Add a place, peer group or online space")
    page.get_by_label("Place", exact=True).check()
    page.get_by_label("Name", exact=True).fill("Bus station, Market Street")
    page.get_by_label("High risk").check()
    click_button(page, "Add to the safety map")
    expect(banner(page)).to_contain_text("Bus station, Market Street added to the safety map")
    expect(page.locator('table[data-kind="place"]')).to_contain_text("Bus station, Market Street")
    expect(page.locator("#safety-map-desc")).to_have_text("High risk: 1 place (Bus station, Market Street).")
    sign_out(page)

    # The owner, without JavaScript, finds the action under "Your actions" and marks it in progress.
    owner_page = page_without_js
    sign_in_by_session(owner_page, owner.email)
    visit(owner_page, "/safeguarding/your-actions/")
    expect(heading(owner_page)).to_have_text("Your actions")
    # Theirs from this plan (and the demo plan's action they also own), with the child it is for.
    mine = owner_page.locator(f'tr[data-action="{health_action.pk}"]')
    expect(mine).to_contain_text(child.reference)
    expect(owner_page.locator("main")).not_to_contain_text("DC Sam Rowe")
    click_link(owner_page, "Arrange an initial health assessment", within=mine)
    expect(owner_page.get_by_label("Not started")).to_be_checked()
    expect(owner_page.get_by_label("Cancelled")).to_have_count(0)  # only the coordinator cancels
    owner_page.get_by_label("In progress").check()
    owner_page.get_by_label("Progress note").fill("Assessment booked for next Tuesday.")
    click_button(owner_page, "Save progress")
    expect(banner(owner_page)).to_contain_text("Action marked as in progress")
    expect(owner_page.locator(".app-status")).to_contain_text("In progress")
    health_action.refresh_from_db()
    assert health_action.status == ActionStatus.IN_PROGRESS
    sign_out(owner_page)

    # The coordinator sees who changed it, when, and what they said.
    sign_in_by_session(page, demo_email(Role.COORDINATOR, "northbridge"))
    visit(page, f"/safeguarding/plans/{plan.pk}/")
    row = page.locator(f'tr[data-action="{health_action.pk}"]')
    expect(row.locator(".app-status")).to_contain_text("In progress")
    click_link(page, "Arrange an initial health assessment", within=row)
    history = page.locator(".app-history__item")
    expect(history).to_have_count(2)
    expect(history.first).to_contain_text("Not started to in progress")
    expect(history.first).to_contain_text("Assessment booked for next Tuesday.")
    expect(history.first).to_contain_text(owner.full_name)
    expect(history.nth(1)).to_contain_text("Agreed: not started")


def test_coordinator_records_statutory_status_strategy_discussion_guardian_and_closes_the_plan(page: Page, demo):
    site = Site.objects.get(slug="northbridge")
    child = Child.objects.filter(site=site).order_by("pk")[0]  # the demo plan's child, with the demo guardian
    plan = child.safeguarding_plans.get()
    today = timezone.localdate()
    guardian = demo_user(Role.ICTG)

    sign_in_by_session(page, demo_email(Role.COORDINATOR, "northbridge"))
    visit(page, "/safeguarding/")
    expect(heading(page)).to_have_text("Safeguarding plans")
    row = page.locator(f'tr[data-plan="{plan.pk}"]')
    expect(row).to_contain_text("1 overdue")

    visit(page, f"/safeguarding/children/{child.reference}/")
    expect(page.locator("main")).to_contain_text("1 overdue")
    click_link(page, "Record a period of statutory status")
    page.get_by_label("Child protection plan").check()
    fill_date(page, "starts_on", today + timedelta(days=3))
    click_button(page, "Save")
    expect(error_summary(page)).to_contain_text("Start date must be today or in the past")
    fill_date(page, "starts_on", today - timedelta(days=7))
    click_button(page, "Save")
    expect(banner(page)).to_contain_text("Child protection plan recorded")
    click_link(page, "End child protection plan period")
    fill_date(page, "ends_on", today)
    click_button(page, "Save end date")
    expect(banner(page)).to_contain_text("Child protection plan ended")

    click_link(page, "Record a strategy discussion")
    fill_date(page, "held_on", today)
    page.get_by_label("Police").check()
    page.get_by_label("Health", exact=True).check()
    page.get_by_label("Outcome").fill("Joint visit agreed")
    click_button(page, "Save")
    expect(banner(page)).to_contain_text("Strategy discussion recorded")
    expect(page.locator("main")).to_contain_text("Joint visit agreed")

    # The guardian's allocation: one at a time; end it, then allocate again.
    click_link(page, "Change the guardian's allocation")
    expect(page.locator(".govuk-summary-list")).to_contain_text(guardian.full_name)
    click_button(page, f"End allocation of {guardian.full_name}")
    expect(banner(page)).to_contain_text(f"{guardian.full_name} is no longer allocated")
    page.get_by_label(guardian.full_name, exact=False).check()
    click_button(page, "Allocate guardian")
    expect(banner(page)).to_contain_text(f"{guardian.full_name} allocated as the child's guardian")

    visit(page, f"/safeguarding/plans/{plan.pk}/")
    click_link(page, "Close the plan")
    expect(page.locator(".govuk-warning-text")).to_contain_text("2 actions are still open")
    click_button(page, "Close the plan")
    expect(error_summary(page)).to_contain_text("Enter why the plan is being closed")
    page.get_by_label("Why is the plan being closed?").fill("Child moved to another area")
    click_button(page, "Close the plan")
    expect(banner(page)).to_contain_text("Safeguarding plan closed")
    expect(page.locator("main")).to_contain_text("This child has no active safeguarding plan.")
    plan.refresh_from_db()
    assert plan.status == "closed" and plan.close_reason == "Child moved to another area"
