"""Children's records: the coordinator sees who opened a record; others' records stay closed."""

from __future__ import annotations

import re

from playwright.sync_api import Page, expect

from childnrm.access.policy import PURPOSES, Perm
from childnrm.accounts.models import Role, User
from childnrm.people.demo import demo_email
from childnrm.people.models import AssociationKind, Child
from childnrm.referrals.tests.factories import submitted_referral
from tests.browser.support import click_link, heading, sign_in_by_session, visit

NAV = ".govuk-service-navigation"


def test_coordinator_opens_a_record_and_sees_their_own_view_in_its_history(page: Page, demo):
    email = demo_email(Role.COORDINATOR, "northbridge")
    coordinator = User.objects.get(email=email)
    sign_in_by_session(page, email)

    click_link(page, "Children", within=page.locator(NAV))
    expect(heading(page)).to_have_text("Children")
    northbridge = Child.objects.filter(site__slug="northbridge")
    rows = page.locator("tbody tr")
    expect(rows).to_have_count(northbridge.count())  # every child of the site, none of the other site
    expect(page.locator("tbody")).not_to_contain_text("Three Rivers")

    child = northbridge.order_by("-created_at", "-id").first()
    click_link(page, child.reference, within=rows.first)
    expect(page).to_have_url(re.compile(rf"/children/{child.reference}/$"))
    expect(heading(page)).to_have_text(child.display_name)
    expect(page.locator(".govuk-summary-list")).to_contain_text("Northbridge Child Panel")

    click_link(page, "Who has seen or changed this record")
    expect(heading(page)).to_have_text("Who has seen or changed this record")
    expect(page.locator(".govuk-caption-l")).to_have_text(child.reference)
    own_view = page.locator("tbody tr").filter(has_text=PURPOSES[Perm.CHILD_VIEW_SITE])
    expect(own_view).to_have_count(1)
    expect(own_view).to_contain_text(coordinator.full_name)
    expect(own_view).to_contain_text(coordinator.organisation.name)
    expect(own_view).to_contain_text("Viewed")
    expect(own_view).to_contain_text(str(Role.COORDINATOR.label))

    click_link(page, "Back to the record")
    expect(heading(page)).to_have_text(child.display_name)


def test_first_responder_cannot_open_another_sites_child_and_error_pages_use_the_layout(page: Page, demo):
    email = demo_email(Role.FIRST_RESPONDER, "northbridge")
    responder = User.objects.get(email=email)
    own = submitted_referral("northbridge").child  # a referral they sent
    # A record that names them as its referrer, but of no referral they sent, is as closed as any other.
    not_referred = (
        Child.objects.filter(
            site__slug="northbridge", associations__user=responder, associations__kind=AssociationKind.REFERRER
        )
        .exclude(referrals__created_by=responder)
        .first()
    )
    other_site = Child.objects.filter(site__slug="three-rivers").first()
    assert own and not_referred and other_site

    sign_in_by_session(page, email)

    # Their own referral opens...
    visit(page, f"/children/{own.reference}/")
    expect(heading(page)).to_have_text(own.display_name)
    expect(page.get_by_role("link", name="Who has seen or changed this record")).to_have_count(0)

    # ...another site's child does not, and nothing on the page says whether it exists.
    visit(page, f"/children/{other_site.reference}/", status=404)
    expect(heading(page)).to_have_text("Page not found")
    expect(page).to_have_title(re.compile(r"^Page not found – "))
    expect(page.locator("main")).not_to_contain_text(other_site.display_name)
    expect(page.locator("main")).not_to_contain_text(other_site.reference)
    # The error page keeps the layout: header, service navigation, sign-out, footer.
    expect(page.locator("header .govuk-generic-header")).to_be_visible()
    expect(page.locator(NAV).get_by_role("link", name="Children")).to_be_visible()
    expect(page.locator(".app-signed-in")).to_contain_text("Signed in as First responder")
    expect(page.locator("footer").get_by_role("link", name="Accessibility statement")).to_be_visible()

    # A child of their own site they did not refer is just as closed.
    visit(page, f"/children/{not_referred.reference}/", status=404)
    expect(heading(page)).to_have_text("Page not found")

    # Pages their role does not allow: 403 in the same layout.
    visit(page, f"/children/{own.reference}/audit/", status=403)
    expect(heading(page)).to_have_text("You do not have permission to see this page")
    expect(page.locator(".app-signed-in")).to_contain_text("Signed in as First responder")
    visit(page, "/statistics/", status=403)
    expect(heading(page)).to_have_text("You do not have permission to see this page")
    visit(page, "/account/users/", status=403)

    click_link(page, "Go to the start page")
    expect(page.locator("main")).to_contain_text("First responder at Northbridge Child Panel")


def test_signed_out_visitors_are_sent_to_sign_in_and_unknown_pages_are_not_found(page: Page, demo):
    child = Child.objects.filter(site__slug="northbridge").first()
    visit(page, f"/children/{child.reference}/")
    expect(page).to_have_url(re.compile(rf"/account/sign-in/\?next=%2Fchildren%2F{child.reference}%2F$"))
    expect(heading(page)).to_have_text(re.compile("^Sign in to "))

    visit(page, "/no-such-page/", status=404)
    expect(heading(page)).to_have_text("Page not found")
    expect(page.locator(".govuk-service-navigation")).to_have_count(0)
    expect(page.locator("footer").get_by_role("link", name="Privacy notice")).to_be_visible()
