"""Recording a reasonable grounds decision at a sitting: the coordinator records the reasons and the votes,
the completeness check shows what is missing, then the chair completes it and signs it off."""

from __future__ import annotations

import re

from django.utils import timezone
from playwright.sync_api import Page, expect

from childnrm.accounts.models import Role, User
from childnrm.decisions.models import Decision, DecisionStatus
from childnrm.decisions.tests.factories import draft_decision, sitting
from childnrm.panels.tests.factories import accepted_referral
from childnrm.people.demo import demo_email
from childnrm.safeguarding.services import plan_create
from tests.browser.decision_steps import add_evidence, record_nothing_relevant, success
from tests.browser.support import click_button, click_link, error_summary, heading, sign_in_by_session, sign_out, visit

SITE = "northbridge"


def test_recording_and_signing_off_a_reasonable_grounds_decision(page: Page, demo):
    referral = accepted_referral(SITE)
    meeting = sitting(SITE, referrals=[referral])
    today = timezone.localdate()
    # A positive reasonable grounds decision needs the plan agreed at the same sitting (issue 8, rule 6).
    plan_create(
        child=referral.child,
        user=User.objects.get(email=demo_email(Role.COORDINATOR, SITE)),
        meeting=meeting,
        summary="Keep him away from the group; a school place.",
        next_review_on=None,
    )

    sign_in_by_session(page, demo_email(Role.COORDINATOR, SITE))
    visit(page, "/decisions/")
    expect(heading(page)).to_have_text("Decisions at sittings")
    click_button(page, f"Record reasonable grounds decision for {referral.reference}")
    expect(heading(page)).to_have_text(f"Record the reasonable grounds decision: {referral.child_display_name}")
    expect(page.locator("main")).to_contain_text("falling short of conclusive proof")
    record_url = page.url

    click_link(page, "Evidence weighed")
    click_button(page, "Add evidence")
    expect(error_summary(page)).to_contain_text("Enter a description of the evidence")
    add_evidence(
        page,
        "Police intelligence on the group and the arrest",
        agency="Police",
        weight="Significant: specific and independent",
    )
    # Multi-agency input: social care's evidence, and health's record that it holds nothing relevant.
    add_evidence(page, "Social care chronology of missing episodes", agency="Children's social care")
    click_button(page, "Record nothing relevant")
    expect(error_summary(page)).to_contain_text("Select the agency that holds nothing relevant")
    record_nothing_relevant(page, agency="Health", confirmed_by="Designated nurse, by phone today")
    click_link(page, "Return to the record")

    click_link(page, "The act")
    # Ticking acts while saying none was found is refused, with what was typed kept.
    page.get_by_label("The panel found no act of trafficking", exact=True).check()
    page.get_by_label("Recruitment").check()
    page.get_by_label("Transport").check()
    page.get_by_label("The panel's reasons on the act").fill("Recruited online and driven out of area")
    click_button(page, "Save and return to the record")
    expect(error_summary(page)).to_contain_text("The panel found no act of trafficking, so select no acts")
    page.get_by_label("The panel found an act of trafficking", exact=True).check()
    click_button(page, "Save and return to the record")
    expect(success(page)).to_contain_text("The act saved")

    click_link(page, "The exploitative purpose")
    expect(page.locator("main")).to_contain_text("The means (force, threats, deception, abuse of power) do not")
    page.get_by_label("The panel found an exploitative purpose", exact=True).check()
    page.get_by_label("Criminal exploitation").check()
    page.get_by_label("The panel's reasons on the purpose").fill("To sell drugs for the group")
    click_button(page, "Save and return to the record")

    click_link(page, "The child's best interests")
    page.get_by_label("How do the decision and the plan serve the child's best interests?").fill(
        "Protects him from the group and keeps him at school, near his aunt"
    )
    click_button(page, "Save and return to the record")

    click_link(page, "Safeguarding and support")
    page.get_by_label("A safeguarding plan was agreed at this sitting").check()
    click_button(page, "Save and return to the record")

    click_link(page, "The child's wishes and feelings")
    page.get_by_label("Yes").check()
    page.get_by_label("What the child wants and feels").fill("To stay with his aunt")
    page.get_by_label("How they were gathered").fill("Home visit with the guardian")
    page.get_by_label("Who gathered them").fill("Guardian")
    click_button(page, "Save and return to the record")

    click_link(page, "Outcome, dissent and date")
    page.get_by_label(
        "Positive: there are reasonable grounds to believe that the child is a victim of modern slavery"
    ).check()
    page.get_by_label("Day").fill(str(today.day))
    page.get_by_label("Month").fill(str(today.month))
    page.get_by_label("Year").fill(str(today.year))
    click_button(page, "Save and return to the record")
    expect(page).to_have_url(record_url)

    click_link(page, "Votes")
    expect(page.locator("main")).to_contain_text("Attending without a vote on this case")
    expect(page.locator("main")).to_contain_text("Independent Child Trafficking Guardian, without a vote")
    cards = page.locator(".govuk-summary-card")
    expect(cards).to_have_count(3)
    for index in range(3):
        card = cards.nth(index)
        card.get_by_label("Positive").check()
        click_button(page, card.get_by_role("button").inner_text().strip())
        expect(success(page)).to_contain_text("recorded")
    click_link(page, "Return to the record")
    expect(page.locator("main")).to_contain_text("Still needed before sign-off")
    expect(page.locator("main")).to_contain_text("Enter the credibility reasoning")
    sign_out(page)

    # The chair sees what is missing, completes it and signs the decision off.
    sign_in_by_session(page, demo_email(Role.CHAIR, SITE))
    visit(page, record_url)
    click_link(page, "Check and sign off the decision")
    expect(error_summary(page)).to_contain_text("Enter the credibility reasoning")
    expect(page.get_by_role("button", name="Sign off the decision")).to_have_count(0)
    click_link(page, "Enter the credibility reasoning")  # the error summary links to the section that puts it right
    expect(page.locator("main")).to_contain_text("trauma-informed")
    page.get_by_label("The panel's reasoning on credibility").fill("Consistent in its core; gaps expected")
    click_button(page, "Save and return to the record")
    click_link(page, "Check and sign off the decision")
    expect(error_summary(page)).to_have_count(0)
    click_button(page, "Sign off the decision")
    expect(success(page)).to_contain_text("Decision finalised")
    expect(page.locator("main .govuk-tag").first).to_have_text("Final")
    expect(page.get_by_role("link", name=re.compile("Continue recording"))).to_have_count(0)
    decision = Decision.objects.get(referral=referral)
    assert decision.status == DecisionStatus.FINAL and decision.votes.count() == 3


def test_the_record_works_without_javascript(page_without_js: Page, demo):
    page = page_without_js
    decision = draft_decision(SITE)
    sign_in_by_session(page, demo_email(Role.COORDINATOR, SITE))
    visit(page, f"/decisions/{decision.pk}/record/")
    click_link(page, "The child's wishes and feelings")
    page.get_by_label("No, they could not be").check()
    page.get_by_label("Why they could not be gathered").fill("In hospital and too unwell to be seen")
    click_button(page, "Save and return to the record")
    expect(success(page)).to_contain_text("The child's wishes and feelings saved")
    click_link(page, "Votes")
    card = page.locator(".govuk-summary-card").first
    card.get_by_label("Abstains").check()
    click_button(page, card.get_by_role("button").inner_text().strip())
    expect(success(page)).to_contain_text("recorded")
    decision.refresh_from_db()
    assert decision.wishes_gathered is False and decision.votes.get().vote == "abstain"


def test_a_tied_vote_is_settled_by_the_chairs_casting_vote_and_dissent_is_shown(page: Page, demo):
    from childnrm.accounts.models import Site, TieRule
    from childnrm.decisions import services
    from childnrm.decisions.models import Outcome, Vote
    from childnrm.decisions.tests.factories import demo as demo_user
    from childnrm.decisions.tests.factories import record_complete
    from childnrm.panels.models import Agency

    Site.objects.filter(slug=SITE).update(tie_rule=TieRule.CASTING_VOTE)
    decision = record_complete(draft_decision(SITE), outcome=Outcome.POSITIVE, decided_on=timezone.localdate())
    coordinator = demo_user(Role.COORDINATOR, SITE)
    police = decision.meeting.attendees.get(agency=Agency.POLICE, voting=True).user
    health = decision.meeting.attendees.get(agency=Agency.HEALTH, voting=True).user
    services.vote_record(
        decision=decision, voter=police, vote=Vote.NEGATIVE, reasons="The account is not corroborated", user=coordinator
    )
    services.vote_record(decision=decision, voter=health, vote=Vote.ABSTAIN, user=coordinator)

    sign_in_by_session(page, demo_email(Role.CHAIR, SITE))
    visit(page, f"/decisions/{decision.pk}/finalise/")
    expect(error_summary(page)).to_contain_text("The votes are tied (1 positive, 1 negative, 1 abstaining)")
    click_link(page, re.compile("The votes are tied"))
    expect(page.locator("main")).to_contain_text("The votes cast are tied")
    page.get_by_label("Positive: there are reasonable grounds").check()
    click_button(page, "Record the casting vote")
    expect(error_summary(page)).to_contain_text("Enter the reasons for the casting vote")
    page.get_by_label("The chair's reasons for the casting vote").fill("The social care evidence is specific")
    click_button(page, "Record the casting vote")
    expect(success(page)).to_contain_text("Casting vote recorded")

    visit(page, f"/decisions/{decision.pk}/finalise/")
    expect(error_summary(page)).to_have_count(0)
    click_button(page, "Sign off the decision")
    expect(success(page)).to_contain_text("Decision finalised")
    main = page.locator("main")
    expect(main).to_contain_text(f"{police.full_name} (Police) voted negative: The account is not corroborated")
    expect(main).to_contain_text("The social care evidence is specific")
