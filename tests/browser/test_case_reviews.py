"""Learning from case reviews (issue 12), without JavaScript: a coordinator records a rapid review of a case with
a learning point, a recommendation and an action; the daily reminders chase the action once it is overdue and its
owner records progress from the email's link; the coordinator writes an anonymised summary, the site's library
moderator publishes it, and a guardian at another site finds it in the learning log by theme. Every page is
checked with axe."""

from __future__ import annotations

import re
from datetime import timedelta
from urllib.parse import urlparse

from django.core import mail
from django.utils import timezone
from playwright.sync_api import Page, expect

from childnrm.accounts.models import Role
from childnrm.case_reviews.models import ReviewAction
from childnrm.panels.demo import accepted_referral
from childnrm.people.demo import demo_email
from conftest import demo_user
from tests.browser.support import click_button, click_link, error_summary, heading, sign_in_by_session, sign_out, visit


def fill_date(page: Page, name: str, day) -> None:
    page.locator(f"#id_{name}_day").fill(str(day.day))
    page.locator(f"#id_{name}_month").fill(str(day.month))
    page.locator(f"#id_{name}_year").fill(str(day.year))


def banner(page: Page):
    return page.locator(".govuk-notification-banner--success")


def test_a_review_is_recorded_its_action_chased_and_its_summary_published(page_without_js: Page, demo):
    page = page_without_js
    referral = accepted_referral("northbridge")
    today = timezone.localdate()
    owner = demo_user(Role.PANEL_MEMBER)

    # The coordinator records the review.
    sign_in_by_session(page, demo_email(Role.COORDINATOR, "northbridge"))
    visit(page, "/case-reviews/")
    expect(heading(page)).to_have_text("Case reviews")
    click_link(page, "Record a case review")
    page.get_by_label("Rapid review").check()
    page.get_by_label("Title").fill("Missing episodes before the referral")
    click_button(page, "Record the review")
    expect(error_summary(page)).to_contain_text("Enter the date the review started")
    expect(error_summary(page)).to_contain_text("Enter the reference of at least one case the review is about")
    expect(page.get_by_label("Title")).to_have_value("Missing episodes before the referral")
    fill_date(page, "started_on", today - timedelta(days=20))
    page.get_by_label("Case references").fill(referral.reference.lower())
    page.get_by_label("What the review is about").fill("Four missing episodes in six weeks before any referral.")
    click_button(page, "Record the review")
    expect(banner(page)).to_contain_text("recorded")
    expect(heading(page)).to_have_text("Missing episodes before the referral")
    expect(page.locator("main")).to_contain_text(referral.reference)
    review_path = urlparse(page.url).path

    click_link(page, "Add a learning point")
    page.get_by_label("Learning point").fill("Return home interviews were offered by letter only.")
    click_button(page, "Add learning point")
    expect(banner(page)).to_contain_text("Learning point added")
    click_link(page, "Add a recommendation")
    page.get_by_label("Recommendation").fill("Offer every return home interview in person within 72 hours.")
    click_button(page, "Add recommendation")
    click_link(page, "Add an action")
    page.get_by_label("What needs to be done").fill("Change the missing-children protocol and brief the teams.")
    page.get_by_label("Recommendation it answers (optional)").select_option(index=1)
    page.get_by_label("Owner").select_option(str(owner.pk))
    fill_date(page, "due_on", today + timedelta(days=7))
    click_button(page, "Save action")
    expect(banner(page)).to_contain_text(f"Action added for {owner.full_name}")
    expect(page.locator("#actions-caption")).to_be_attached()
    action = ReviewAction.objects.get(review__cases__referral=referral)

    # Time passes: the action falls overdue and the daily reminders chase its owner, by reference only.
    ReviewAction.objects.filter(pk=action.pk).update(due_on=today - timedelta(days=2))
    from childnrm.dashboard.tasks import send_daily_reminders

    summary = send_daily_reminders.call(today.isoformat())
    assert summary["case_review_actions"]["overdue"] == 1
    [chased] = [m for m in mail.outbox if m.subject == "A case review action is overdue"]
    assert chased.to == [owner.email]
    assert f"case review {action.review.reference}" in chased.body and "overdue by 2 days" in chased.body
    assert referral.given_names not in chased.body and "Missing episodes" not in chased.body
    link = re.search(r"https?://\S+/case-reviews/actions/\d+/", chased.body).group(0)
    sign_out(page)

    # The owner follows the link and records progress.
    sign_in_by_session(page, owner.email)
    visit(page, urlparse(link).path)
    expect(heading(page)).to_have_text("Case review action")
    expect(page.locator("main")).to_contain_text("Overdue")
    page.get_by_label("In progress").check()
    page.get_by_label("Progress note").fill("Protocol redrafted; briefing booked.")
    click_button(page, "Save progress")
    expect(banner(page)).to_contain_text("Action marked as in progress")
    visit(page, "/case-reviews/your-actions/")
    expect(page.locator("main")).to_contain_text("Change the missing-children protocol")
    sign_out(page)

    # The coordinator writes the anonymised summary for every site.
    sign_in_by_session(page, demo_email(Role.COORDINATOR, "northbridge"))
    visit(page, review_path)
    click_link(page, "Change the status of recommendation 1")
    page.get_by_label("Implemented").check()
    click_button(page, "Save status")
    expect(banner(page)).to_contain_text("Recommendation status saved")
    click_link(page, "Add cases to the review")
    expect(heading(page)).to_have_text("Add cases to the review")
    visit(page, review_path)
    page.get_by_label("Completed").check()
    click_button(page, "Save status")
    expect(banner(page)).to_contain_text("Review marked as completed")
    click_link(page, "Write a summary for every site")
    expect(page.get_by_label("What every site can learn from it")).to_have_value(
        "Return home interviews were offered by letter only."
    )
    page.get_by_label("Title").fill("Hearing the child after each missing episode")
    page.get_by_label("What happened, in outline").fill(f"{referral.given_names} went missing four times.")
    page.get_by_label("Going missing").check()
    click_button(page, "Send for moderation")
    expect(error_summary(page)).to_contain_text("names a child of the cases the review is about")
    page.get_by_label("What happened, in outline").fill("A teenager went missing four times in six weeks.")
    click_button(page, "Send for moderation")
    expect(banner(page)).to_contain_text("sent to your site's library moderators")
    expect(page.locator("main")).to_contain_text("A summary is waiting for a library moderator")
    sign_out(page)

    # The site's library moderator publishes it.
    sign_in_by_session(page, demo_email(Role.LIBRARY_MODERATOR, "northbridge"))
    visit(page, "/library/moderation/")
    click_link(page, "Hearing the child after each missing episode")
    click_button(page, "Publish to every site")
    expect(banner(page)).to_contain_text("is published to every site's learning log")
    sign_out(page)

    # A guardian at another site finds it in the learning log by theme; the review itself stays with its site.
    sign_in_by_session(page, demo_email(Role.ICTG, "three-rivers"))
    visit(page, "/library/community/")
    expect(page.locator(".app-recent-summaries")).to_contain_text("Hearing the child after each missing episode")
    visit(page, "/library/learning-log/")
    page.get_by_label("Theme", exact=True).select_option("Going missing")
    click_button(page, "Show")
    expect(page.locator("#results")).to_contain_text("1 summary about going missing")
    click_link(page, "Hearing the child after each missing episode")
    expect(heading(page)).to_have_text("Hearing the child after each missing episode")
    expect(page.locator("main")).to_contain_text("Return home interviews were offered by letter only.")
    expect(page.locator("main")).not_to_contain_text(action.review.reference)
    visit(page, f"/case-reviews/{action.review_id}/", status=403)
