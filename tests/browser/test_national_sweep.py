"""Browser journey: after the national sweep, a coordinator learns that another site may hold a record of a
child, and whom to contact there, without seeing that site's record; the access is audited (issue 15 item 4).

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
from childnrm.people.models import Child, LinkageModel
from tests.browser.support import click_link, heading, sign_in, visit


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
    sign_in(page, demo_email(Role.COORDINATOR, "northbridge"))
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


def test_a_coordinator_sees_a_possible_record_at_another_site_without_its_data(page: Page, swept):
    _journey(page, *swept)


def test_the_same_without_javascript(page_without_js: Page, swept):
    _journey(page_without_js, *swept)
