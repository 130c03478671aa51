"""A case review summary the moderator returned is changed and sent again from the review (issue 12 item 2): its
author sees the moderator's reasons, the changed summary is checked again for personal data, the moderator sees
which reasons it answers, and the returned summary stays as it was, with its reasons, in the history."""

from __future__ import annotations

import pytest
from django.urls import reverse

from childnrm.accounts.models import Role
from childnrm.audit.models import AuditEvent
from childnrm.case_reviews.demo import demo_review
from childnrm.learning.models import ReviewSummary, VersionStatus
from childnrm.learning.selectors import learning_log
from childnrm.learning.services import (
    LibraryError,
    SummaryAnswers,
    review_summary_approve,
    review_summary_reject,
    review_summary_submit,
)
from conftest import demo_user

pytestmark = pytest.mark.django_db

REASON = "It says which school the child went to. Leave out places."


def answers(learning: str = "Hold return home interviews in person, within 72 hours.") -> SummaryAnswers:
    return SummaryAnswers(
        title="Hearing the child after each missing episode",
        summary="A teenager went missing several times before a referral.",
        learning=learning,
        themes=["missing"],
    )


@pytest.fixture
def returned(demo) -> ReviewSummary:
    summary = review_summary_submit(
        user=demo_user(Role.COORDINATOR),
        review=demo_review("northbridge"),
        answers=answers("Ask at Hollybrook Academy first."),
    )
    return review_summary_reject(summary=summary, user=demo_user(Role.LIBRARY_MODERATOR), reason=REASON)


def test_a_returned_summary_is_sent_again_checked_again_and_published(returned):
    coordinator, moderator = demo_user(Role.COORDINATOR), demo_user(Role.LIBRARY_MODERATOR)
    review = returned.review
    # The check for personal data runs again on the changed summary: a reviewed child's name is refused.
    named = review.cases.get().referral.given_names
    with pytest.raises(LibraryError, match="names a child of the cases the review is about"):
        review_summary_submit(
            user=coordinator, review=review, answers=answers(f"Ask {named} first."), revising=returned
        )
    assert ReviewSummary.objects.filter(review=review).count() == 1

    again = review_summary_submit(user=coordinator, review=review, answers=answers(), revising=returned)
    assert (again.number, again.status, again.revises_id) == (2, VersionStatus.SUBMITTED, returned.pk)
    returned.refresh_from_db()  # the returned summary is history: as it was, with its reasons
    assert returned.status == VersionStatus.REJECTED and returned.moderation_reason == REASON
    assert "Hollybrook" in returned.learning
    event = AuditEvent.objects.get(object_type="learning.reviewsummary", object_id=str(again.pk))
    assert event.detail["resubmits"] == 1 and event.detail["submitted"] == 2

    # It can be sent again once only: the returned summary is no longer the latest.
    with pytest.raises(LibraryError, match="A newer summary"):
        review_summary_submit(user=coordinator, review=review, answers=answers(), revising=returned)
    # A newer one sent while it waits still answers the same reasons.
    newer = review_summary_submit(user=coordinator, review=review, answers=answers("Visit within 72 hours."))
    assert newer.revises_id == returned.pk
    review_summary_approve(summary=newer, user=moderator)
    assert [s.pk for s in learning_log()] == [newer.pk]


def test_only_a_returned_summary_is_sent_again(demo):
    coordinator = demo_user(Role.COORDINATOR)
    waiting = review_summary_submit(user=coordinator, review=demo_review("northbridge"), answers=answers())
    with pytest.raises(LibraryError, match="not returned by a moderator"):
        review_summary_submit(user=coordinator, review=waiting.review, answers=answers(), revising=waiting)


def test_the_author_sees_the_reasons_changes_the_summary_and_the_moderator_sees_what_it_answers(returned, client_as):
    review = returned.review
    coordinator = client_as(Role.COORDINATOR)
    page = coordinator.get(reverse("case_reviews:detail", args=[review.pk])).content.decode()
    assert REASON in page and "Change the summary and send it again" in page
    # The returned summary's own page offers the change to whoever records the site's reviews, not to the chair.
    own = coordinator.get(reverse("learning:summary", args=[returned.pk])).content.decode()
    assert REASON in own and reverse("learning:summary-submit", args=[review.pk]) in own
    chair = client_as(Role.CHAIR).get(reverse("learning:summary", args=[returned.pk])).content.decode()
    assert REASON in chair and reverse("learning:summary-submit", args=[review.pk]) not in chair

    url = reverse("learning:summary-submit", args=[review.pk])
    form = coordinator.get(url).content.decode()
    assert "A library moderator returned your summary" in form and REASON in form
    assert "Ask at Hollybrook Academy first." in form  # it starts from the returned text
    response = coordinator.post(
        url,
        {
            "title": returned.title,
            "summary": returned.summary,
            "learning": "Ask at the child's school first.",
            "themes": ["missing"],
        },
    )
    assert response.status_code == 302
    again = ReviewSummary.objects.get(review=review, number=2)
    assert again.revises_id == returned.pk and again.status == VersionStatus.SUBMITTED

    moderator = client_as(Role.LIBRARY_MODERATOR)
    page = moderator.get(reverse("learning:summary-moderate", args=[again.pk])).content.decode()
    assert "Its author changed it after a moderator returned it" in page and REASON in page
    response = moderator.post(reverse("learning:summary-approve", args=[again.pk]), follow=True)
    assert "is published to every site" in response.content.decode()
    log = client_as(Role.ICTG, "three-rivers").get(reverse("learning:log")).content.decode()
    assert returned.title in log and "Hollybrook" not in log
