"""Two children's cases from the panel's sitting to the plan and the letters, as the people do them.

1. A site whose policy allows both decisions at one sitting: reasonable grounds and conclusive grounds
   are decided at the same sitting, then the safeguarding plan agreed there is recorded and both letters
   are produced.
2. A site that keeps the recovery period: the reasonable grounds decision is taken at one sitting, the
   conclusive grounds decision is refused at that sitting (the recovery period runs), and is taken at a
   later sitting once the period has ended; then the plan and both letters.

The coordinator and the chair each sign in once, in their own browser. The first journey walks every page, the
sign-in pages and each part of both decision records included; the second, about the recovery period, starts
signed in and has its reasonable grounds decision recorded through the services for the chair to sign off.
"""

from __future__ import annotations

import re
from datetime import date, timedelta

from django.urls import reverse
from django.utils import timezone
from playwright.sync_api import Page, expect

from childnrm.accounts.models import Role, Site
from childnrm.decisions import services as decisions
from childnrm.decisions.models import Decision, DecisionStatus, Outcome, Stage
from childnrm.decisions.tests.factories import demo as demo_user
from childnrm.decisions.tests.factories import open_sitting, record_complete, sitting
from childnrm.decisions.wording import outcome_words
from childnrm.letters.models import Letter, LetterKind
from childnrm.panels.models import AgendaStage, Meeting
from childnrm.panels.tests.factories import accepted_referral, scheduled_meeting
from childnrm.people.demo import demo_email
from childnrm.referrals.models import Referral
from childnrm.safeguarding.models import SafeguardingPlan
from tests.browser.decision_steps import evidence_from_every_agency, success
from tests.browser.support import (
    click_button,
    click_link,
    error_summary,
    heading,
    sign_in,
    sign_in_by_session,
    visit,
)

SITE = "northbridge"


def fill_date(page: Page, day: date, *, prefix: str | None = None) -> None:
    if prefix:
        page.locator(f"#id_{prefix}_day").fill(str(day.day))
        page.locator(f"#id_{prefix}_month").fill(str(day.month))
        page.locator(f"#id_{prefix}_year").fill(str(day.year))
    else:
        page.get_by_label("Day").fill(str(day.day))
        page.get_by_label("Month").fill(str(day.month))
        page.get_by_label("Year").fill(str(day.year))


def record_decision(page: Page, referral: Referral, stage: str, *, decided_on: date, complete: bool = True) -> str:
    """The coordinator records a complete, positive decision at the sitting, with every member's vote.

    Returns the record's address for the chair."""
    words = Stage(stage).label.lower()
    visit(page, "/decisions/")
    click_button(page, f"Record {words} decision for {referral.reference}")
    expect(heading(page)).to_have_text(f"Record the {words} decision: {referral.child_display_name}")
    record_url = page.url

    click_link(page, "Evidence weighed")
    # Multi-agency input (issue 8, rule 5); a draft carried to a later sitting already holds it.
    if page.locator(".govuk-tag", has_text="Missing").count():
        evidence_from_every_agency(page)
    click_link(page, "Return to the record")

    click_link(page, "The act")
    page.get_by_label("The panel found an act of trafficking", exact=True).check()
    page.get_by_label("Recruitment").check()
    page.get_by_label("The panel's reasons on the act").fill("Recruited online by older men")
    click_button(page, "Save and return to the record")

    click_link(page, "The exploitative purpose")
    page.get_by_label("The panel found an exploitative purpose", exact=True).check()
    page.get_by_label("Criminal exploitation").check()
    page.get_by_label("The panel's reasons on the purpose").fill("To sell drugs for the group")
    click_button(page, "Save and return to the record")

    click_link(page, "The child's best interests")
    page.get_by_label("How do the decision and the plan serve the child's best interests?").fill(
        "Protects him from the group and keeps him at school, near his aunt"
    )
    click_button(page, "Save and return to the record")

    if stage == Stage.REASONABLE_GROUNDS:
        # The plan was recorded as agreed at this sitting before the decision (issue 8, rule 6).
        click_link(page, "Safeguarding and support")
        page.get_by_label("A safeguarding plan was agreed at this sitting").check()
        click_button(page, "Save and return to the record")

    click_link(page, "Credibility")
    page.get_by_label("The panel's reasoning on credibility").fill("Consistent in its core; gaps expected")
    click_button(page, "Save and return to the record")

    click_link(page, "The child's wishes and feelings")
    page.get_by_label("Yes").check()
    page.get_by_label("What the child wants and feels").fill("To stay with his aunt")
    page.get_by_label("How they were gathered").fill("Home visit with the guardian")
    page.get_by_label("Who gathered them").fill("Guardian")
    click_button(page, "Save and return to the record")

    click_link(page, "Outcome, dissent and date")
    # Each stage words its outcome as the law does: only a positive conclusive grounds decision says
    # the child is a victim.
    page.get_by_label(outcome_words(stage, Outcome.POSITIVE)).check()
    fill_date(page, decided_on)
    click_button(page, "Save and return to the record")
    expect(page).to_have_url(record_url)

    click_link(page, "Votes")
    cards = page.locator(".govuk-summary-card")
    expect(cards).to_have_count(3)  # social care, police and health: the quorum
    for index in range(3):
        card = cards.nth(index)
        card.get_by_label("Positive").check()
        click_button(page, card.get_by_role("button").inner_text().strip())
        expect(success(page)).to_contain_text("recorded")
    click_link(page, "Return to the record")
    if complete:
        expect(page.locator("main")).not_to_contain_text("Still needed before sign-off")
    return record_url


def sign_off(chair: Page, record_url: str) -> None:
    visit(chair, record_url)
    click_link(chair, "Check and sign off the decision")
    expect(error_summary(chair)).to_have_count(0)
    click_button(chair, "Sign off the decision")
    expect(success(chair)).to_contain_text("Decision finalised")


def record_plan(page: Page, referral: Referral, meeting: Meeting, *, today: date) -> None:
    visit(page, f"/safeguarding/children/{referral.child.reference}/")
    click_link(page, "Record the plan agreed at a sitting")
    page.locator(f"input[name=meeting][value='{meeting.pk}']").check()
    page.get_by_label("Summary of the plan").fill("Keep him away from the station group; support at school.")
    fill_date(page, today + timedelta(days=28), prefix="next_review_on")
    click_button(page, "Save and add actions")
    expect(success(page)).to_contain_text("Safeguarding plan recorded")
    page.get_by_label("What needs to be done").fill("Disruption visit to the address where he was found")
    page.get_by_label("Owning agency").select_option("police")
    page.get_by_label("Owner's name").fill("DC Sam Rowe")
    fill_date(page, today + timedelta(days=7), prefix="due_on")
    click_button(page, "Save action")
    expect(success(page)).to_contain_text("Action added for DC Sam Rowe")


def produce_letters(page: Page, decision: Decision) -> None:
    visit(page, "/letters/")
    row = page.locator(f'tr[data-decision="{decision.pk}"]')
    click_link(
        page,
        f"{decision.referral.reference} (letters for the {decision.get_stage_display().lower()} decision)",
        within=row,
    )
    click_button(page, "Produce both letters")
    expect(success(page)).to_contain_text(f"Letters produced for referral {decision.referral.reference}")
    kinds = set(Letter.objects.filter(decision=decision).values_list("kind", flat=True))
    assert kinds == {LetterKind.REFERRER_OUTCOME, LetterKind.CHILD_FRIENDLY}


def recorded(referral: Referral, meeting: Meeting, stage: str, *, decided_on: date) -> str:
    """A complete, positive decision recorded at the sitting through the services, as `record_decision` records
    one through the pages (a positive reasonable grounds decision with its plan); its record's address."""
    coordinator = demo_user(Role.COORDINATOR, SITE)
    draft = decisions.decision_start(
        agenda_item=meeting.agenda_items.get(referral=referral), stage=stage, user=coordinator
    )
    decision = record_complete(draft, outcome=Outcome.POSITIVE, decided_on=decided_on, user=coordinator)
    return reverse("decisions:record", kwargs={"decision_id": decision.pk})


def final(referral: Referral, stage: str) -> Decision:
    return Decision.objects.get(referral=referral, stage=stage, status=DecisionStatus.FINAL)


def test_both_decisions_at_one_sitting_then_the_plan_and_both_letters(page: Page, second_page: Page, demo):
    chair_page = second_page  # the chair signs in in a browser of their own
    Site.objects.filter(slug=SITE).update(rg_and_cg_at_one_sitting=True)
    today = timezone.localdate()
    referral = accepted_referral(SITE)
    meeting = sitting(SITE, referrals=[referral], stage=AgendaStage.BOTH)

    sign_in(page, demo_email(Role.COORDINATOR, SITE))
    sign_in(chair_page, demo_email(Role.CHAIR, SITE))

    # The sitting agrees the plan before the positive reasonable grounds decision is signed off.
    record_plan(page, referral, meeting, today=today)
    rg_url = record_decision(page, referral, Stage.REASONABLE_GROUNDS, decided_on=today)
    sign_off(chair_page, rg_url)
    cg_url = record_decision(page, referral, Stage.CONCLUSIVE_GROUNDS, decided_on=today)
    expect(page.locator("main")).to_contain_text("balance of probabilities")
    sign_off(chair_page, cg_url)

    rg, cg = final(referral, Stage.REASONABLE_GROUNDS), final(referral, Stage.CONCLUSIVE_GROUNDS)
    assert rg.meeting_id == cg.meeting_id == meeting.pk
    assert rg.outcome == cg.outcome == Outcome.POSITIVE

    plan = SafeguardingPlan.objects.get(child=referral.child)
    assert plan.agreed_at_meeting_id == meeting.pk and plan.actions.count() == 1

    produce_letters(page, cg)


def test_reasonable_grounds_then_the_recovery_period_then_conclusive_grounds(page: Page, second_page: Page, demo):
    chair_page = second_page  # the chair signs in in a browser of their own
    site = Site.objects.get(slug=SITE)
    assert not site.rg_and_cg_at_one_sitting and site.recovery_period_days == 30
    today = timezone.localdate()
    first_sitting_on = today - timedelta(days=40)
    referral = accepted_referral(SITE, submitted_on=first_sitting_on - timedelta(days=20))
    first = sitting(SITE, referrals=[referral], stage=AgendaStage.BOTH, on=first_sitting_on)

    sign_in_by_session(page, demo_email(Role.COORDINATOR, SITE))
    sign_in_by_session(chair_page, demo_email(Role.CHAIR, SITE))

    # The first sitting agrees the plan and decides reasonable grounds (recorded through the services: the
    # journey above records one through every page), and the chair signs it off; conclusive grounds waits for
    # the recovery period.
    sign_off(chair_page, recorded(referral, first, Stage.REASONABLE_GROUNDS, decided_on=first_sitting_on))
    early_cg_url = record_decision(
        page, referral, Stage.CONCLUSIVE_GROUNDS, decided_on=first_sitting_on, complete=False
    )
    ends = first_sitting_on + timedelta(days=30)
    waiting = re.compile(rf"cannot be made before {ends.day} {ends:%B %Y}: the recovery period of 30 days")
    expect(page.locator("main")).to_contain_text(waiting)
    visit(chair_page, early_cg_url)
    click_link(chair_page, "Check and sign off the decision")
    expect(error_summary(chair_page)).to_contain_text(waiting)
    expect(chair_page.get_by_role("button", name="Sign off the decision")).to_have_count(0)

    # The first sitting ends; the undecided draft is carried to the next sitting, after the recovery period.
    later = scheduled_meeting(SITE, starts_at=timezone.now() + timedelta(minutes=5))  # the soonest to come
    visit(page, f"/panels/meetings/{first.pk}/")
    click_link(page, "Close the meeting")
    expect(page.locator("main")).to_contain_text("Cases not decided at this sitting")
    click_button(page, "Close the meeting and carry the cases")
    expect(heading(page)).to_contain_text("Closed")
    assert later.agenda_items.get().referral_id == referral.pk  # carried, recorded
    later = open_sitting(later)
    visit(page, "/decisions/")
    expect(page.locator("main")).to_contain_text(referral.reference)
    cg_url = record_decision(page, referral, Stage.CONCLUSIVE_GROUNDS, decided_on=today)
    sign_off(chair_page, cg_url)
    cg = final(referral, Stage.CONCLUSIVE_GROUNDS)
    assert cg.meeting_id == later.pk and final(referral, Stage.REASONABLE_GROUNDS).meeting_id == first.pk

    produce_letters(page, cg)
