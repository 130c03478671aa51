"""Outcome follow-up (issue 10): the child's guardian, without JavaScript, records a missing episode with its
return home interview; the child's lead social worker finds the due 3-month review under "Your outcome
reviews", is told what is missing, and records it (the follow-up questions revealed by their answers)."""

from __future__ import annotations

from datetime import timedelta

from django.utils import timezone
from playwright.sync_api import Page, expect

from childnrm.accounts.models import Role
from childnrm.outcomes.models import MissingEpisode, OutcomeReview
from childnrm.outcomes.tests.factories import decided_child
from childnrm.people import services as people_services
from conftest import demo_user
from tests.browser.support import click_button, click_link, error_summary, heading, sign_in_by_session, sign_out, visit


def fill_date(page: Page, name: str, day) -> None:
    page.locator(f"#id_{name}_day").fill(str(day.day))
    page.locator(f"#id_{name}_month").fill(str(day.month))
    page.locator(f"#id_{name}_year").fill(str(day.year))


def question(page: Page, legend: str):
    return page.get_by_role("group", name=legend)


def banner(page: Page):
    return page.locator(".govuk-notification-banner--success")


def test_an_owner_records_a_missing_episode_and_the_3_month_review(page: Page, page_without_js: Page, demo):
    today = timezone.localdate()
    decision = decided_child("northbridge", decided_on=today - timedelta(days=80))  # the 3-month review is due
    child = decision.referral.child
    guardian, social_worker = demo_user(Role.ICTG), demo_user(Role.PANEL_MEMBER)
    people_services.lead_social_worker_record(
        child=child, user=demo_user(Role.COORDINATOR), name=social_worker.full_name, email=social_worker.email
    )
    review = OutcomeReview.objects.get(child=child, months=3)

    # The guardian, without JavaScript, records the time he went missing, and the return interview.
    owner = page_without_js
    sign_in_by_session(owner, guardian.email)
    visit(owner, f"/children/{child.reference}/")
    click_link(owner, "Outcome reviews and missing episodes")
    expect(heading(owner)).to_have_text("Outcome reviews")
    expect(owner.locator(f'tr[data-review="{review.pk}"]')).to_contain_text("Due")
    click_link(owner, "Record a missing episode")
    went, back = today - timedelta(days=20), today - timedelta(days=18)
    fill_date(owner, "started_on", went)
    owner.get_by_label("Yes, within 72 hours").check()
    click_button(owner, "Save the missing episode")
    expect(error_summary(owner)).to_contain_text(
        "Enter the date they came back before recording the return home interview"
    )
    expect(owner.locator("#id_started_on_day")).to_have_value(str(went.day))
    fill_date(owner, "ended_on", back)
    question(owner, "Was the return home interview held?").get_by_label("Yes", exact=True).check()
    fill_date(owner, "interview_on", back + timedelta(days=1))
    owner.get_by_label("What was learned").fill("He went to the city with older boys he met online.")
    click_button(owner, "Save the missing episode")
    expect(banner(owner)).to_contain_text("Missing episode recorded")
    episodes = owner.locator("table.app-missing-episodes")
    expect(episodes).to_contain_text("Held: yes")
    expect(episodes).to_contain_text("He went to the city with older boys he met online.")
    sign_out(owner)

    # The lead social worker records the 3-month review.
    sign_in_by_session(page, social_worker.email)
    click_link(page, "Your outcome reviews")
    row = page.locator(f'tr[data-review="{review.pk}"]')
    expect(row).to_contain_text(child.reference)
    expect(row).to_contain_text("Due")
    click_link(page, f"3-month review for {child.reference}", within=row)
    expect(heading(page)).to_have_text("3-month review")
    expect(page.locator("main")).to_contain_text("Missing episode recorded since")

    # Only some answers: each missing one is named, and what was chosen stays.
    page.get_by_label("Foster care").check()
    question(page, "Has the young person gone missing since the last review?").get_by_label("No", exact=True).check()
    click_button(page, "Save the review")
    summary = error_summary(page)
    expect(summary).to_contain_text("Enter how many times they have moved since the last review, as a number")
    expect(summary).to_contain_text("1 missing episode is recorded since the last review: select yes")
    expect(summary).to_contain_text("Select whether the young person gave their view")
    expect(page.get_by_label("Foster care")).to_be_checked()

    page.get_by_label("How many times have they moved placement since the last review?").fill("1")
    page.get_by_label("Stable", exact=True).check()
    question(page, "Has the young person gone missing since the last review?").get_by_label("Yes", exact=True).check()
    question(page, "Has the young person been referred to the National Referral Mechanism again?").get_by_label(
        "No", exact=True
    ).check()
    question(page, "Has the young person been exploited again?").get_by_label("Suspected").check()
    page.get_by_label("Criminal exploitation").check()
    page.get_by_label("In full-time education").check()
    page.get_by_label("Charged with an offence").check()  # reveals the section 45 questions
    question(page, "Was the section 45 defence raised?").get_by_label("Yes", exact=True).check()
    page.get_by_label("Charge dropped or not prosecuted").check()
    page.get_by_label("Independent child trafficking guardian").check()
    page.get_by_label("Therapeutic support").check()
    question(page, "Did the young person give their view?").get_by_label("Yes", exact=True).check()
    page.get_by_label("The young person's view, in their words").fill("My foster mum is kind. I want to stay.")
    click_button(page, "Save the review")
    expect(banner(page)).to_contain_text("3-month review recorded")
    expect(page.locator(f'tr[data-review="{review.pk}"]')).to_contain_text("Recorded")

    click_link(page, "3-month review")
    answers = page.locator(".app-review-answers")
    expect(answers).to_contain_text("Yes (1 episode recorded)")
    expect(answers).to_contain_text("My foster mum is kind. I want to stay.")

    review.refresh_from_db()
    assert review.recorded_by == social_worker and review.placement == "foster" and review.placement_moves == 1
    assert (review.justice, review.section_45_result) == (["charged"], "not_prosecuted")
    assert review.exploitation_types == ["criminal"] and review.missing_episodes_recorded == 1
    episode = MissingEpisode.objects.get(child=child)
    assert (episode.ended_on, episode.interview_offered, episode.interview_held) == (back, "yes", "yes")

    # The site administrator changes the schedule for children decided from now on.
    sign_out(page)
    sign_in_by_session(page, demo_user(Role.SITE_ADMIN).email)
    click_link(page, "Outcome review schedule")
    expect(heading(page)).to_have_text("Outcome review schedule")
    expect(page.get_by_label("Months after the decision")).to_have_value("3, 6, 12, 24")
    page.get_by_label("Months after the decision").fill("3, 6, 12")
    click_button(page, "Save the schedule")
    expect(banner(page)).to_contain_text("Outcome review schedule saved")
    expect(page.locator("main")).to_contain_text("In force now: 3, 6 and 12 months after the decision, and at 18.")
