"""Phones: the main pages at 375 px wide never scroll sideways (issue 9.10).

A wide table scrolls inside its own container (a focusable region named by the table's caption, so a
keyboard user can scroll it too) and long unbroken text (references, email addresses) wraps, so the page
itself fits the screen. Each page is opened by the role that uses it, with demo data, and checked with axe.
"""

from __future__ import annotations

import re

from playwright.sync_api import Page, expect

from childnrm.accounts.models import Role
from childnrm.decisions.tests.factories import final_decision
from childnrm.letters.services import letters_produce
from childnrm.letters.tests.factories import demo as staff
from childnrm.panels.models import Meeting, MeetingStatus
from childnrm.people.demo import demo_email
from childnrm.referrals.tests.factories import submitted_referral
from childnrm.safeguarding.models import SafeguardingPlan
from tests.browser.support import heading, sign_in, sign_in_by_session, sign_out, visit

SITE = "northbridge"
PHONE_WIDTH = 375
# A long unbroken email address, as people type them (shown at triage): it must wrap, not widen the page.
LONG_EMAIL = "safeguarding.duty.officer.children.services@northbridge-metropolitan-borough-council.example.gov.uk"

# Everything wider than the screen: how a failure says what to fix.
_TOO_WIDE = """(width) => [...document.querySelectorAll("body *")]
  .filter((el) => el.getBoundingClientRect().right > width + 0.5 && !el.closest(".app-table-scroll"))
  .filter((el) => ![...el.children].some((child) => child.getBoundingClientRect().right > width + 0.5))
  .slice(0, 8)
  .map((el) => `${el.tagName.toLowerCase()}.${[...el.classList].join(".")} right=${Math.round(
    el.getBoundingClientRect().right)}: ${(el.textContent || "").trim().slice(0, 60)}`)"""


def sideways(page: Page, path: str, title: str, *, shows: str = "") -> list[str]:
    """Open the page (axe-checked by `visit`); what makes it scroll sideways, if anything does."""
    visit(page, path)
    expect(heading(page)).to_contain_text(title)
    if shows:
        expect(page.locator("main")).to_contain_text(shows)
    widths = page.evaluate(
        "() => ({scroll: document.documentElement.scrollWidth, inner: window.innerWidth,"
        " body: document.body.scrollWidth})"
    )
    assert widths["inner"] == PHONE_WIDTH
    # A table wider than the screen scrolls in its own region, which a keyboard can reach and a screen
    # reader announces by the table's caption (axe checks the region is focusable and named).
    for region in page.locator(".app-table-scroll").all():
        expect(region).to_have_attribute("tabindex", "0")
        expect(region).to_have_attribute("role", "region")
    if widths["scroll"] <= widths["inner"] and widths["body"] <= widths["inner"]:
        return []
    return [f"{path} scrolls sideways ({widths}); too wide: {page.evaluate(_TOO_WIDE, PHONE_WIDTH)}"]


def test_the_main_pages_fit_a_phone_screen(phone_page: Page, demo):
    page = phone_page
    decision = final_decision(SITE)
    letters_produce(decision=decision, user=staff(Role.COORDINATOR))
    plan = SafeguardingPlan.objects.get(child=decision.referral.child)
    waiting = submitted_referral(SITE, referrer_email=LONG_EMAIL, social_worker_email=LONG_EMAIL)
    scheduled = Meeting.objects.filter(site__slug=SITE, status=MeetingStatus.SCHEDULED).order_by("starts_at").first()
    assert scheduled is not None  # the demo schedules the site's next sitting

    wide: list[str] = []
    # Through the sign-in pages once (axe checks them at this width too); the first responder below by session.
    sign_in(page, demo_email(Role.COORDINATOR, SITE))
    wide += sideways(page, "/referrals/queue/", "Referrals")
    # The queue's table is wider than the phone: it scrolls in its region, named by its caption, by keyboard too.
    queue = page.get_by_role("region", name=re.compile(r"^\d+ referrals?"))
    expect(queue.locator("table")).to_contain_text(waiting.reference)
    assert queue.evaluate("(box) => box.scrollWidth > box.clientWidth")
    queue.focus()
    page.keyboard.press("ArrowRight")
    page.wait_for_function("() => document.activeElement.scrollLeft > 0")
    wide += sideways(page, f"/referrals/{waiting.reference}/triage/", "Triage", shows=LONG_EMAIL)
    wide += sideways(page, f"/panels/meetings/{decision.meeting_id}/", "Panel meeting")
    wide += sideways(page, f"/panels/meetings/{decision.meeting_id}/agenda/", "Agenda")
    wide += sideways(page, f"/panels/meetings/{scheduled.pk}/agenda/", "Agenda")
    wide += sideways(page, f"/decisions/{decision.pk}/", "decision")
    wide += sideways(page, f"/safeguarding/plans/{plan.pk}/", "plan")
    wide += sideways(page, "/letters/", "Letters")
    wide += sideways(page, f"/letters/decisions/{decision.pk}/", "Communicating the decision")
    wide += sideways(page, "/dashboard/", "Dashboard")

    sign_out(page)

    # The first responder's own referrals, on their phone.
    sign_in_by_session(page, demo_email(Role.FIRST_RESPONDER, SITE))
    wide += sideways(page, "/referrals/", "Your referrals")
    assert wide == [], "\n".join(wide)
