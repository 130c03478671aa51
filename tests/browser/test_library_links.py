"""Links from the service into the evidence library, and a returned case review summary sent again (issue 12),
without JavaScript: a chair recording the panel's reasoning on credibility opens the published practice note the
section links to; a coordinator reads why the moderator returned the review's summary, changes it and sends it
again, and the moderator sees the reasons it answers and publishes it. Every page is checked with axe."""

from __future__ import annotations

from django.urls import reverse
from playwright.sync_api import Page, expect

from childnrm.accounts.models import Role
from childnrm.case_reviews.demo import demo_review
from childnrm.decisions.tests.factories import sample_decision
from childnrm.learning.services import SummaryAnswers, review_summary_reject, review_summary_submit
from childnrm.people.demo import demo_email
from conftest import demo_user
from tests.browser.support import click_button, click_link, heading, sign_in_by_session, sign_out, visit

NOTE = "Trauma-informed credibility: weighing inconsistent accounts"


def test_the_credibility_section_links_to_the_published_practice_note(page_without_js: Page, demo):
    page = page_without_js
    decision = sample_decision("northbridge")
    sign_in_by_session(page, demo_email(Role.CHAIR, "northbridge"))
    visit(page, reverse("decisions:section-credibility", args=[decision.pk]))
    links = page.locator(".app-library-links")
    links.get_by_text("Guidance from the evidence library").click()  # a <details>: opens without JavaScript
    click_link(page, NOTE, within=links)
    expect(heading(page)).to_have_text(NOTE)


def test_a_returned_summary_is_changed_sent_again_and_published(page_without_js: Page, demo):
    page = page_without_js
    review = demo_review("northbridge")
    summary = review_summary_submit(
        user=demo_user(Role.COORDINATOR),
        review=review,
        answers=SummaryAnswers(
            title="Missing episodes and the return home interview",
            summary="A teenager went missing from a children's home on Kestrel Road several times.",
            learning="Hold return home interviews in person, within 72 hours.",
            themes=["missing"],
        ),
    )
    review_summary_reject(
        summary=summary, user=demo_user(Role.LIBRARY_MODERATOR), reason="Leave out the street: it names a place."
    )

    sign_in_by_session(page, demo_email(Role.COORDINATOR, "northbridge"))
    visit(page, reverse("case_reviews:detail", args=[review.pk]))
    expect(page.locator(".app-summary-status")).to_contain_text("Leave out the street")
    click_link(page, "Change the summary and send it again")
    expect(page.locator(".app-returned")).to_contain_text("Leave out the street: it names a place.")
    what = page.get_by_label("What happened, in outline")
    expect(what).to_have_value("A teenager went missing from a children's home on Kestrel Road several times.")
    what.fill("A teenager went missing from a children's home several times.")
    click_button(page, "Send it again for moderation")
    expect(page.locator(".govuk-notification-banner--success")).to_contain_text("sent again")
    sign_out(page)

    sign_in_by_session(page, demo_email(Role.LIBRARY_MODERATOR, "northbridge"))
    visit(page, reverse("learning:moderation"))
    click_link(page, "Missing episodes and the return home interview")
    expect(page.locator(".app-revises")).to_contain_text("Leave out the street: it names a place.")
    click_button(page, "Publish to every site")
    expect(page.locator(".govuk-notification-banner--success")).to_contain_text("is published to every site")
