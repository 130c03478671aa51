"""Browser journey: after the national sweep, a coordinator learns that another site may hold a record of a
child, and whom to contact there, without seeing that site's record; the access is audited (issue 15 item 4).
Then the review: the coordinator records that they have contacted the other site (a reason is required), and the
other site's coordinator finds the pair in their queue, sees that a colleague marked it, and confirms the same
child; the link shows on their child's record, still without the other site's data.

The sweep is real: Splink on DuckDB, with a model Splink trained on a generated set. Every page is checked with
axe (tests/browser/support.py), with JavaScript and without.
"""

from __future__ import annotations

from datetime import date

import pytest
from django.utils import timezone
from playwright.sync_api import Page, expect

from bench import generated_set
from childnrm.accounts.models import Role, Site
from childnrm.audit.models import AuditEvent
from childnrm.people import linkage_national, linkage_splink
from childnrm.people.demo import demo_email
from childnrm.people.models import Child, LinkageModel, NationalLinkReview
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


@pytest.fixture(scope="module")
def trained() -> linkage_splink.Trained:
    records = generated_set.generate(400, seed=20260601)
    return linkage_splink.train([linkage_splink.splink_row(r.profile(), site_id=1) for r in records])


@pytest.fixture
def swept(demo, trained):
    northbridge, rivers = Site.objects.get(slug="northbridge"), Site.objects.get(slug="three-rivers")
    make = dict(sex="female", nationalities=["ER"])
    here = Child.objects.create(
        site=northbridge, given_names="Senait", family_name="Gebreyesus", date_of_birth=date(2010, 6, 14), **make
    )
    there = Child.objects.create(
        site=rivers, given_names="Senayt", family_name="Ghebreyesus", date_of_birth=date(2010, 6, 14), **make
    )
    LinkageModel.objects.create(
        trained_at=timezone.now(),
        records=trained.records,
        probability_two_random_records_match=trained.probability_two_random_records_match,
        weights=trained.weights,
        training=trained.figures,
        settings=trained.settings,
    )
    assert linkage_national.national_sweep_run(train_if_needed=False) is not None
    return here, there


def _journey(page: Page, here: Child, there: Child) -> None:
    sign_in_by_session(page, demo_email(Role.COORDINATOR, "northbridge"))
    visit(page, f"/children/{here.reference}/")
    click_link(page, "Check for records of this child at other sites")
    expect(heading(page)).to_have_text("Records at other sites")
    card = page.locator("#other-site-three-rivers")
    expect(card).to_contain_text("Three Rivers Consortium Panel")
    expect(card).to_contain_text(demo_email(Role.COORDINATOR, "three-rivers"))
    expect(page.locator(".govuk-warning-text")).to_contain_text("Another site may hold a record of this child")
    main = page.locator("main")
    for withheld in (there.reference, "Senayt", "Ghebreyesus"):
        expect(main).not_to_contain_text(withheld)
    told = AuditEvent.objects.filter(detail__page="other-sites", object_id=str(there.pk)).get()
    assert told.detail["disclosed"] == "site and coordinator contact" and told.detail["for_child"] == here.pk
    _review(page, here, there)


def _review(page: Page, here: Child, there: Child) -> None:
    click_link(page, "Record what you found about the record at Three Rivers Consortium Panel")
    expect(heading(page)).to_have_text("Review a possible record at another site")
    page.get_by_label("We have contacted the other site").check()
    click_button(page, "Record what you found", status=400)  # no reason
    expect(error_summary(page)).to_contain_text("Enter the reason for what you found")
    page.get_by_label("We have contacted the other site").check()
    page.get_by_label("Reason").fill("Emailed their coordinator with our referral date")
    click_button(page, "Record what you found")
    expect(page.locator(".govuk-notification-banner--success")).to_contain_text("you have contacted")
    expect(page.locator("#pair-status")).to_contain_text("The other site has been contacted")
    sign_out(page)

    # The other site's coordinator: the pair is in their queue, marked by a colleague at Northbridge.
    sign_in_by_session(page, demo_email(Role.COORDINATOR, "three-rivers"))
    visit(page, "/")
    click_link(page, "Records at other sites to review")
    expect(heading(page)).to_have_text("Records at other sites to review")
    row = page.locator("#national-queue tbody tr").first
    expect(row).to_contain_text("Northbridge")
    expect(row).to_contain_text("Marked by")
    expect(page.locator("main")).not_to_contain_text(here.reference)
    submit(page, lambda: row.get_by_role("link").click())
    expect(heading(page)).to_have_text("Review a possible record at another site")
    main = page.locator("main")
    expect(main).to_contain_text("Their reason is kept at their site.")
    for withheld in (here.reference, "Senait", "Gebreyesus", "Emailed their coordinator"):
        expect(main).not_to_contain_text(withheld)
    page.get_by_label("Confirmed: the same child").check()
    page.get_by_label("Reason").fill("Same carer and school confirmed by phone")
    click_button(page, "Record what you found")
    expect(page.locator(".govuk-notification-banner--success")).to_contain_text("the same child")
    visit(page, f"/children/{there.reference}/")
    expect(page.locator("#linked-at-other-sites")).to_contain_text("A record at Northbridge")
    assert list(NationalLinkReview.objects.order_by("recorded_at").values_list("outcome", flat=True)) == [
        "contacted",
        "same_child",
    ]
    written = AuditEvent.objects.filter(detail__page="national-review", action="update")
    assert {e.object_id for e in written} == {str(here.pk), str(there.pk)}


def test_a_coordinator_sees_a_possible_record_at_another_site_without_its_data(page: Page, swept):
    _journey(page, *swept)


def test_the_same_without_javascript(page_without_js: Page, swept):
    _journey(page_without_js, *swept)
