"""Decision integrity (issue 8), as the people do it: a negative reasonable grounds decision with no act of
trafficking found, decided on a tied vote by the chair's casting vote, with the dissent on the record; a
second reviewer agrees; the letters print only what was found and the true last day to ask for
reconsideration; the reconsideration is refused before a sitting chaired by the original chair and listed
before a differently constituted panel.

The demo site keeps its own policy: the chair's casting vote on a tie, and a second review of every negative
decision (a second reviewer agrees in the journey, days after the sitting, so the window runs from then).
"""

from __future__ import annotations

import re
from datetime import timedelta

from django.utils import timezone
from playwright.sync_api import Page, expect

from childnrm.accounts.models import Role, Site, TieRule
from childnrm.decisions.models import Decision, DecisionStatus, Outcome, Stage
from childnrm.decisions.tests.factories import demo as demo_user
from childnrm.decisions.tests.factories import second_reviewer, sitting
from childnrm.decisions.wording import outcome_words
from childnrm.kit.dates import long_date
from childnrm.letters.models import Letter, LetterKind
from childnrm.letters.tests.pdftext import pdf_text
from childnrm.panels.models import Agency, AgendaItem, AgendaStage
from childnrm.panels.tests.factories import accepted_referral
from childnrm.people.demo import demo_email
from childnrm.reviews.models import ReconsiderationStatus
from childnrm.reviews.tests import factories as reviews
from tests.browser.decision_steps import evidence_from_every_agency, success
from tests.browser.support import click_button, click_link, error_summary, heading, sign_in_by_session, sign_out, visit

SITE = "northbridge"
NEGATIVE = outcome_words(Stage.REASONABLE_GROUNDS, Outcome.NEGATIVE)
SOCIAL_CARE_REASONS = "The chronology shows the group moved him between towns"
POLICE_REASONS = "Nothing shows he was recruited or moved by anyone"
CASTING_REASONS = "No act of trafficking is shown: he travelled alone to visit family"


def downloaded_text(page: Page, letter: Letter) -> str:
    """The letter's PDF as the coordinator downloads it from the letters page, as text."""
    with page.expect_download() as info:
        page.locator(f'tr[data-letter="{letter.pk}"]').get_by_role("link").click()
    with open(info.value.path(), "rb") as file:
        return pdf_text(file.read())


def test_a_tied_negative_decision_with_no_act_found_its_letters_and_its_reconsideration(
    page: Page, second_page: Page, demo
):
    coordinator_page, chair_page = page, second_page
    site = Site.objects.get(slug=SITE)
    assert site.tie_rule == TieRule.CASTING_VOTE and site.negative_second_review  # the demo site's policy
    today = timezone.localdate()
    sat_on = today - timedelta(days=6)  # the second review, and then the letters, come days after the sitting
    referral = accepted_referral(SITE, submitted_on=sat_on - timedelta(days=10))
    meeting = sitting(SITE, referrals=[referral], on=sat_on)
    chair = demo_user(Role.CHAIR, SITE)
    assert meeting.chair_id == chair.pk
    voters = {a.agency: a.user for a in meeting.attendees.filter(voting=True)}

    sign_in_by_session(coordinator_page, demo_email(Role.COORDINATOR, SITE))
    sign_in_by_session(chair_page, demo_email(Role.CHAIR, SITE))

    # The coordinator records the decision at the sitting.
    page = coordinator_page
    visit(page, "/decisions/")
    click_button(page, f"Record reasonable grounds decision for {referral.reference}")
    record_url = page.url
    click_link(page, "Evidence weighed")
    evidence_from_every_agency(page)
    click_link(page, "Return to the record")

    # The act: first noted as found, then the panel concludes it found none.
    click_link(page, "The act")
    page.get_by_label("The panel found an act of trafficking", exact=True).check()
    page.get_by_label("Recruitment").check()
    page.get_by_label("The panel's reasons on the act").fill("Said to have been recruited at the station")
    click_button(page, "Save and return to the record")
    click_link(page, "The act")
    page.get_by_label("The panel found no act of trafficking", exact=True).check()
    page.get_by_label("Recruitment").uncheck()
    page.get_by_label("The panel's reasons on the act").fill("He travelled alone; no one recruited or moved him")
    click_button(page, "Save and return to the record")
    expect(success(page)).to_contain_text("The act saved")

    click_link(page, "The exploitative purpose")
    page.get_by_label("The panel found an exploitative purpose", exact=True).check()
    page.get_by_label("Criminal exploitation").check()
    page.get_by_label("The panel's reasons on the purpose").fill("He was made to hold drugs for the group")
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

    click_link(page, "The child's best interests")
    page.get_by_label("How do the decision and the plan serve the child's best interests?").fill(
        "Keeps him at home with his aunt, with support at school"
    )
    click_button(page, "Save and return to the record")

    click_link(page, "Safeguarding and support")
    page.get_by_label("A negative decision: what support will the child still get?").fill(
        "Child in need plan with children's social care; a youth worker every week"
    )
    click_button(page, "Save and return to the record")

    click_link(page, "Outcome, dissent and date")
    page.get_by_label(NEGATIVE, exact=True).check()
    page.get_by_label("The act element was not met", exact=True).check()
    page.get_by_label("Day").fill(str(sat_on.day))
    page.get_by_label("Month").fill(str(sat_on.month))
    page.get_by_label("Year").fill(str(sat_on.year))
    click_button(page, "Save and return to the record")
    expect(page).to_have_url(record_url)

    # The votes as given: 1 positive (with its reasons), 1 negative, 1 abstaining.
    click_link(page, "Votes")
    cards = page.locator(".govuk-summary-card")
    expect(cards).to_have_count(3)
    for agency, vote, reasons in (
        (Agency.SOCIAL_CARE, "Positive", SOCIAL_CARE_REASONS),
        (Agency.POLICE, "Negative", POLICE_REASONS),
        (Agency.HEALTH, "Abstains", ""),
    ):
        card = cards.filter(has_text=f"{voters[agency].full_name}, {agency.label}")
        card.get_by_label(vote, exact=True).check()
        if reasons:
            card.get_by_label("Reasons").fill(reasons)
        click_button(page, f"Record vote of {voters[agency].full_name}")
        expect(success(page)).to_contain_text(f"Vote of {voters[agency].full_name} recorded")
    expect(page.locator("main")).to_contain_text("The votes cast are tied")
    expect(page.get_by_role("button", name="Record the casting vote")).to_have_count(0)  # the chair's alone
    click_link(page, "Return to the record")
    tied = "The votes are tied (1 positive, 1 negative, 1 abstaining)"
    expect(page.locator("main")).to_contain_text(tied)

    # The chair cannot sign off a tie: they give the casting vote with reasons, then sign off.
    page = chair_page
    visit(page, record_url)
    click_link(page, "Check and sign off the decision")
    expect(error_summary(page)).to_contain_text(f"{tied}. The chair must record a casting vote with reasons")
    expect(page.get_by_role("button", name="Sign off the decision")).to_have_count(0)
    click_link(page, re.compile("The votes are tied"), within=error_summary(page))
    page.get_by_label(NEGATIVE, exact=True).check()
    click_button(page, "Record the casting vote")
    expect(error_summary(page)).to_contain_text("Enter the reasons for the casting vote")
    page.get_by_label("The chair's reasons for the casting vote").fill(CASTING_REASONS)
    click_button(page, "Record the casting vote")
    expect(success(page)).to_contain_text("Casting vote recorded")
    click_link(page, "Return to the record")
    click_link(page, "Check and sign off the decision")
    expect(error_summary(page)).to_have_count(0)
    click_button(page, "Sign off the decision")
    expect(success(page)).to_contain_text("Decision signed off and sent for second review")
    decision = Decision.objects.get(referral=referral, stage=Stage.REASONABLE_GROUNDS)
    assert decision.status == DecisionStatus.SECOND_REVIEW and decision.outcome == Outcome.NEGATIVE

    # The record shows the casting vote and the dissent: the vote against the outcome, with its reasons.
    main = page.locator("main")
    casting = main.locator(".govuk-summary-list__row").filter(has=page.get_by_text("Chair's casting vote", exact=True))
    expect(casting).to_contain_text("Negative, on tied votes")
    expect(casting).to_contain_text(CASTING_REASONS)
    dissent = main.locator(".govuk-summary-list__row").filter(has=page.get_by_text("Dissent", exact=True))
    social_care = voters[Agency.SOCIAL_CARE].full_name
    expect(dissent).to_contain_text(f"{social_care} (Children's social care) voted positive: {SOCIAL_CARE_REASONS}")
    expect(dissent).not_to_contain_text(voters[Agency.POLICE].full_name)  # a vote for the outcome is no dissent
    expect(main).to_contain_text("The act element was not met")
    sign_out(page)

    # A second reviewer, who neither voted nor chaired, agrees: only now is the decision final.
    reviewer = second_reviewer(SITE)
    sign_in_by_session(page, reviewer.email)
    visit(page, f"/decisions/{decision.pk}/")
    click_link(page, "Give the second review")
    expect(heading(page)).to_have_text("Second review of a negative decision")
    page.get_by_label("Yes, the decision is final", exact=True).check()
    click_button(page, "Record the second review")
    expect(success(page)).to_contain_text("Second review recorded: the decision is final")
    decision.refresh_from_db()
    assert decision.status == DecisionStatus.FINAL

    # The coordinator produces the letters: the window runs from today (final and communicated), not the sitting.
    page = coordinator_page
    last_day = long_date(today + timedelta(days=site.reconsideration_window_days))
    from_the_sitting = long_date(sat_on + timedelta(days=site.reconsideration_window_days))
    visit(page, "/letters/")
    click_link(
        page,
        f"{referral.reference} (letters for the reasonable grounds decision)",
        within=page.locator(f'tr[data-decision="{decision.pk}"]'),
    )
    expect(page.locator("#reconsideration-ends")).to_contain_text("Not started")
    click_button(page, "Produce both letters")
    expect(success(page)).to_contain_text(f"Letters produced for referral {referral.reference}")
    expect(page.locator("#reconsideration-ends")).to_have_text(last_day)
    letters = {letter.kind: letter for letter in Letter.objects.filter(decision=decision)}

    formal = downloaded_text(page, letters[LetterKind.REFERRER_OUTCOME])
    assert "The act. The panel did not find an act of trafficking." in formal
    assert "Why the decision is negative. The act element was not met." in formal
    assert "The panel found: Criminal exploitation" in formal  # what was found, and only that
    assert "Recruitment" not in formal and "The panel found: Recruitment" not in formal
    assert "there are not reasonable grounds to believe that the child is a victim of modern slavery" in formal
    assert f"ask the panel to reconsider this decision by {last_day}" in formal
    assert from_the_sitting not in formal
    assert "Child in need plan with children's social care" in formal

    child = downloaded_text(page, letters[LetterKind.CHILD_FRIENDLY])
    assert f"They have until {last_day} to ask." in child
    assert from_the_sitting not in child

    # A reconsideration is asked for; a sitting chaired by the original chair cannot take it.
    fresh = reviews.panel_trio(SITE, "Fresh")
    reviews.meeting(SITE, voters=fresh, location="Chaired by the original chair", starts_in_days=18, chair=chair)
    reviews.meeting(
        SITE, voters=fresh, location="Differently constituted", starts_in_days=21, chair=reviews.other_chair(SITE)
    )
    visit(page, "/reviews/reconsiderations/")
    click_button(page, "Record a reconsideration request")
    chooser = page.get_by_label("Which decision is to be reconsidered?")
    chooser.select_option(str(decision.pk))
    expect(chooser.locator(f'option[value="{decision.pk}"]')).to_contain_text(f"window ends {last_day}")
    page.get_by_label("The referrer (first responder)", exact=True).check()
    page.get_by_label("Name of the person asking", exact=True).fill("Sam Referrer")
    page.get_by_label("New evidence", exact=True).check()
    page.get_by_label("Details of the request").fill("A witness saw the group drive him to the town.")
    page.locator("#id_received_on_day").fill(str(today.day))
    page.locator("#id_received_on_month").fill(str(today.month))
    page.locator("#id_received_on_year").fill(str(today.year))
    click_button(page, "Record the request")
    expect(success(page)).to_contain_text(f"Reconsideration request for referral {referral.reference} recorded")

    click_button(page, "List before a panel")
    page.get_by_label(re.compile("Chaired by the original chair")).check()
    click_button(page, "List the reconsideration")
    expect(error_summary(page)).to_contain_text(f"{chair.full_name} chaired the decision being")
    assert not AgendaItem.objects.filter(referral=referral, stage=AgendaStage.RECONSIDERATION).exists()

    page.get_by_label(re.compile("Differently constituted")).check()
    click_button(page, "List the reconsideration")
    expect(success(page)).to_contain_text("listed before the panel")
    expect(page.locator("#listed-meeting")).to_contain_text("Differently constituted")
    assert decision.reconsideration_requests.get().status == ReconsiderationStatus.LISTED
    item = AgendaItem.objects.get(referral=referral, stage=AgendaStage.RECONSIDERATION)
    assert item.meeting.chair_id != chair.pk
