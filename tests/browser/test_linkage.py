"""Browser journey: a coordinator checks possible earlier records of a child, links one and undoes it.

Every page is checked with axe (tests/browser/support.py), with and without JavaScript.
"""

from __future__ import annotations

import re
from datetime import date

import pytest
from playwright.sync_api import Page, expect

from childnrm.accounts.models import Role, Site
from childnrm.people.demo import demo_email
from childnrm.people.models import Child, ChildLinkDecision
from tests.browser.support import click_link, error_summary, heading, sign_in_by_session, submit, visit


@pytest.fixture
def pair(demo):
    site = Site.objects.get(slug="northbridge")
    make = dict(site=site, sex="male", nationalities=["AL"])
    first = Child.objects.create(given_names="Ardit", family_name="Krasniqi", date_of_birth=date(2011, 3, 4), **make)
    second = Child.objects.create(given_names="Ardit", family_name="Krasniqui", date_of_birth=date(2011, 4, 3), **make)
    return first, second


def _button(page: Page, name: str):
    return page.get_by_role("button", name=name, exact=True)


def test_coordinator_links_a_possible_earlier_record_and_undoes_it(page: Page, pair):
    first, second = pair
    sign_in_by_session(page, demo_email(Role.COORDINATOR, "northbridge"))
    visit(page, f"/children/{second.reference}/")
    click_link(page, "Check for other records of this child")
    expect(heading(page)).to_have_text("Possible matches for Ardit Krasniqui")
    candidate = page.locator(f"#match-{first.reference}")
    expect(candidate).to_contain_text("is a known transliteration of")
    expect(candidate).to_contain_text("Dates of birth 3 April 2011 and 4 March 2011: day and month swapped")

    # Rejecting needs a reason: the error is summarised and linked to the box, nothing recorded.
    submit(page, lambda: _button(page, f"Not the same child ({first.reference})").click())
    expect(error_summary(page)).to_contain_text("Enter why these are not records of the same child")
    expect(page).to_have_title(re.compile("^Error: "))
    expect(page.locator(f"#reason-{first.reference}-error")).to_be_visible()
    assert not ChildLinkDecision.objects.exists()

    submit(page, lambda: _button(page, f"Link as the same child ({first.reference})").click())
    expect(page.locator(".govuk-notification-banner--success")).to_contain_text(
        f"{second.reference} and {first.reference} are linked as records of the same child"
    )
    decision = page.locator(f"#decision-{first.reference}")
    expect(decision).to_contain_text("Linked: the same child")
    expect(page.locator(f"#match-{first.reference}")).to_have_count(0)

    click_link(page, "Back to the record")
    expect(page.locator("main")).to_contain_text("Linked records")
    expect(page.get_by_role("link", name=first.reference)).to_be_visible()

    visit(page, f"/children/{second.reference}/possible-matches/")
    page.get_by_label(f"Why are you undoing the decision about {first.reference}?").fill("Linked by mistake")
    submit(page, lambda: _button(page, f"Undo this decision ({first.reference})").click())
    expect(page.locator(".govuk-notification-banner--success")).to_contain_text("is undone")
    expect(page.locator(f"#match-{first.reference}")).to_be_visible()
    assert [d.status for d in ChildLinkDecision.objects.order_by("pk")] == ["linked", "undone"]


def test_deciding_works_without_javascript(page_without_js: Page, pair):
    page = page_without_js
    first, second = pair
    sign_in_by_session(page, demo_email(Role.COORDINATOR, "northbridge"))
    visit(page, f"/children/{second.reference}/possible-matches/")
    page.get_by_label(f"Reason for your decision about {first.reference}").fill("Cousins: confirmed with the school")
    submit(page, lambda: _button(page, f"Not the same child ({first.reference})").click())
    expect(page.locator(f"#decision-{first.reference}")).to_contain_text("Not the same child")
    expect(page.locator(f"#decision-{first.reference}")).to_contain_text("Cousins: confirmed with the school")
    assert ChildLinkDecision.objects.get().status == "rejected"


def test_another_sites_coordinator_gets_not_found(page: Page, pair):
    _, second = pair
    sign_in_by_session(page, demo_email(Role.COORDINATOR, "three-rivers"))
    visit(page, f"/children/{second.reference}/possible-matches/", status=404)
    expect(heading(page)).to_have_text("Page not found")
    expect(page.locator("main")).not_to_contain_text("Krasniq")


def test_a_record_linked_through_another_is_listed_on_both_pages_and_not_offered(page: Page, pair):
    from childnrm.people import services
    from childnrm.people.models import LinkStatus
    from conftest import demo_user

    first, second = pair
    third = Child.objects.create(
        given_names="Ardit", family_name="Krasniqi", date_of_birth=date(2011, 4, 3), site=first.site, sex="male"
    )
    coordinator = demo_user(Role.COORDINATOR)
    services.child_link_decide(child=first, other=second, status=LinkStatus.LINKED, user=coordinator)
    services.child_link_decide(child=second, other=third, status=LinkStatus.LINKED, user=coordinator)
    sign_in_by_session(page, demo_email(Role.COORDINATOR, "northbridge"))
    visit(page, f"/children/{first.reference}/possible-matches/")
    expect(page.locator(f"#match-{third.reference}")).to_have_count(0)
    expect(page.locator(f"#through-{third.reference}")).to_contain_text(
        f"the same child through the link with {second.reference}"
    )
    click_link(page, "Back to the record")
    expect(page.locator(f"#linked-through-{third.reference}")).to_contain_text(
        f"the same child, through the link with {second.reference}"
    )
