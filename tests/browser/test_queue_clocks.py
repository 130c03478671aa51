"""A decided case drops out of "Only overdue": the queue's RG clock stops at sign-off (issue 9.2).

The coordinator filters the queue to overdue referrals, the sitting decides reasonable grounds (recorded through the
services) and the chair signs it off, and the case leaves the filter; the queue then shows its next clock, the earliest
conclusive grounds date. Every page is checked with axe on the way (support.visit and submit).
"""

from __future__ import annotations

from datetime import timedelta

from django.utils import timezone
from playwright.sync_api import Page, expect

from childnrm.accounts.models import Role
from childnrm.decisions.models import Stage
from childnrm.decisions.tests.factories import sitting
from childnrm.kit.dates import long_date
from childnrm.panels.models import AgendaStage
from childnrm.panels.tests.factories import accepted_referral
from childnrm.people.demo import demo_email
from tests.browser.support import click_button, sign_in_by_session, visit
from tests.browser.test_case_journeys import recorded, sign_off

SITE = "northbridge"
QUEUE = "/referrals/queue/"


def only_overdue(page: Page) -> None:
    visit(page, QUEUE)
    page.get_by_label("Only referrals whose decision is overdue").check()
    click_button(page, "Apply")


def test_a_decided_case_drops_out_of_only_overdue(page: Page, second_page: Page, demo):
    chair_page = second_page
    today = timezone.localdate()
    referral = accepted_referral(SITE, submitted_on=today - timedelta(days=60))  # due 15 days ago
    meeting = sitting(SITE, referrals=[referral], stage=AgendaStage.REASONABLE_GROUNDS)
    row = page.locator(f'tr[data-reference="{referral.reference}"]')

    sign_in_by_session(page, demo_email(Role.COORDINATOR, SITE))
    sign_in_by_session(chair_page, demo_email(Role.CHAIR, SITE))
    only_overdue(page)
    expect(row.locator(".app-due")).to_contain_text("Overdue by 15 days")

    # The sitting's record is made through the services (test_case_journeys.py walks its pages); the chair's
    # sign-off, which stops the clock, through the pages.
    sign_off(chair_page, recorded(referral, meeting, Stage.REASONABLE_GROUNDS, decided_on=today))

    only_overdue(page)
    expect(page.get_by_label("Only referrals whose decision is overdue")).to_be_checked()
    expect(row).to_have_count(0)

    visit(page, QUEUE)
    expect(row.locator(".app-due")).to_contain_text(f"Conclusive grounds from {long_date(today + timedelta(days=30))}")
    expect(row.locator(".app-due")).to_contain_text("Recovery period: 30 days left")
    expect(row.locator(".app-due")).not_to_contain_text("Overdue")
