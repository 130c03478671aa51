"""A decided case drops out of "Only overdue": the queue's RG clock stops at sign-off (issue 9.2).

The coordinator filters the queue to overdue referrals, the sitting decides reasonable grounds and the
chair signs it off, and the case leaves the filter; the queue then shows its next clock, the earliest
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
from tests.browser.support import click_button, sign_in, visit
from tests.browser.test_case_journeys import record_decision, record_plan, sign_off

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

    sign_in(page, demo_email(Role.COORDINATOR, SITE))
    sign_in(chair_page, demo_email(Role.CHAIR, SITE))
    only_overdue(page)
    expect(row.locator(".app-due")).to_contain_text("Overdue by 15 days")

    record_plan(page, referral, meeting, today=today)
    rg_url = record_decision(page, referral, Stage.REASONABLE_GROUNDS, decided_on=today)
    sign_off(chair_page, rg_url)

    only_overdue(page)
    expect(page.get_by_label("Only referrals whose decision is overdue")).to_be_checked()
    expect(row).to_have_count(0)

    visit(page, QUEUE)
    expect(row.locator(".app-due")).to_contain_text(f"Conclusive grounds from {long_date(today + timedelta(days=30))}")
    expect(row.locator(".app-due")).to_contain_text("Recovery period: 30 days left")
    expect(row.locator(".app-due")).not_to_contain_text("Overdue")
