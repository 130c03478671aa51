"""The child's lead social worker (issue 8, rule 10): shown on the child's record and safeguarding page;
the coordinator changes it, and the earlier one stays in the history."""

from __future__ import annotations

from playwright.sync_api import Page, expect

from childnrm.accounts.models import Role, Site
from childnrm.people.demo import demo_email
from childnrm.people.models import Child, LeadSocialWorker
from tests.browser.support import click_button, click_link, error_summary, heading, sign_in_by_session, visit


def test_coordinator_changes_the_lead_social_worker_and_sees_the_history(page: Page, demo):
    site = Site.objects.get(slug="northbridge")
    child = Child.objects.filter(site=site).order_by("pk")[0]  # has the demo social worker, Jo Whitfield

    sign_in_by_session(page, demo_email(Role.COORDINATOR, "northbridge"))
    visit(page, f"/children/{child.reference}/")
    worker = page.locator(".app-lead-social-worker")
    expect(worker).to_contain_text("Jo Whitfield")
    expect(worker).to_contain_text("Children in Care Team 2")

    click_link(page, "Change the lead social worker")
    expect(heading(page)).to_have_text("Lead social worker")
    page.get_by_label("Full name").fill("")
    click_button(page, "Save lead social worker")
    expect(error_summary(page)).to_contain_text("Enter the social worker's full name")

    page.get_by_label("Full name").fill("Sam Okoro")
    page.get_by_label("Team (optional)").fill("Exploitation and Missing Team")
    page.get_by_label("Telephone number (optional)").fill("01632 960 377")
    page.get_by_label("Email address (optional)").fill("sam.okoro@northbridge.example.org")
    page.get_by_label("Why has this changed? (optional)").fill("Case moved to the exploitation team")
    click_button(page, "Save lead social worker")
    expect(page.locator(".govuk-notification-banner--success")).to_contain_text(
        "Sam Okoro recorded as the child's lead social worker"
    )
    expect(page.locator(".app-lead-social-worker")).to_contain_text("Exploitation and Missing Team")
    page.get_by_text("Earlier lead social workers (1)").click()
    history = page.locator(".app-social-worker-history")
    expect(history).to_contain_text("Jo Whitfield")
    expect(history).to_contain_text("Case moved to the exploitation team")

    current = LeadSocialWorker.objects.get(child=child, ends_at__isnull=True)
    assert (current.name, current.phone) == ("Sam Okoro", "01632 960 377")
    assert LeadSocialWorker.objects.filter(child=child, ends_at__isnull=False, name="Jo Whitfield").exists()
