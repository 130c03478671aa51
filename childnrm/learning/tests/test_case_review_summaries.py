"""A case review's anonymised summary: written by its site's coordinator, moderated by the site's library
moderator, published to every site's learning log by theme, and refused while it names a child known to the
service (the reviewed children's names and references when it is sent, any child known to the service when it is
moderated). The community of practice's home shows what was published recently and each site's learning."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied
from django.urls import reverse

from childnrm.accounts.models import Membership, Role, Site
from childnrm.audit.models import AuditEvent
from childnrm.case_reviews.demo import demo_review
from childnrm.case_reviews.services import names_in_review
from childnrm.learning.models import LibraryItem, LibraryItemVersion, ReviewSummary, VersionStatus
from childnrm.learning.selectors import learning_by_site, learning_log, theme_counts
from childnrm.learning.services import (
    LibraryError,
    SummaryAnswers,
    review_summary_approve,
    review_summary_reject,
    review_summary_submit,
)
from childnrm.people.models import Child
from conftest import demo_user

pytestmark = pytest.mark.django_db


def answers(title: str = "Hearing the child after each missing episode", **overrides) -> SummaryAnswers:
    fields = {
        "title": title,
        "summary": "A teenager went missing several times before a referral.",
        "learning": "Hold return home interviews in person, within 72 hours.",
        "themes": ["missing", "criminal_exploitation"],
        **overrides,
    }
    return SummaryAnswers(**fields)


def submitted(site: str = "northbridge", **overrides) -> ReviewSummary:
    return review_summary_submit(
        user=demo_user(Role.COORDINATOR, site), review=demo_review(site), answers=answers(**overrides)
    )


def child_sharing_no_name(review, site_slug: str) -> Child:
    """A child at another site sharing no name with the reviewed children: the demo's names are drawn at random, and
    a shared name is rightly refused at submission, so "the first child there" fails on some runs."""
    reviewed = {word.casefold() for names in names_in_review(review) for name in names for word in name.split()}
    return next(
        child
        for child in Child.objects.filter(site__slug=site_slug).exclude(family_name="").order_by("pk")
        if not reviewed & {word.casefold() for word in (*child.given_names.split(), *child.family_name.split())}
    )


def test_a_summary_is_published_after_its_sites_moderator_approves_it(demo):
    summary = submitted()
    assert summary.site.slug == "northbridge" and summary.review_kind == "rapid"
    assert list(learning_log()) == []
    # Another site's moderator does not decide, and a moderator never decides on their own submission.
    with pytest.raises(PermissionDenied):
        review_summary_approve(summary=summary, user=demo_user(Role.LIBRARY_MODERATOR, "three-rivers"))
    moderator = demo_user(Role.LIBRARY_MODERATOR)
    Membership.objects.create(user=moderator, site=summary.site, role=Role.COORDINATOR)
    own = review_summary_submit(user=moderator, review=summary.review, answers=answers("Written by the moderator"))
    assert ReviewSummary.objects.get(pk=summary.pk).status == VersionStatus.REPLACED  # the newer one waits instead
    with pytest.raises(LibraryError, match="Another moderator decides"):
        review_summary_approve(summary=own, user=moderator)
    Membership.objects.filter(user=moderator, role=Role.COORDINATOR).delete()

    # The coordinator's, replacing the moderator's own.
    again = review_summary_submit(user=demo_user(Role.COORDINATOR), review=summary.review, answers=answers())
    review_summary_approve(summary=again, user=moderator)
    assert [s.title for s in learning_log()] == ["Hearing the child after each missing episode"]
    assert [s.pk for s in learning_log(theme="missing")] == [again.pk]
    assert list(learning_log(theme="age_assessment")) == []
    assert list(learning_log(site_id=Site.objects.get(slug="three-rivers").pk)) == []
    assert theme_counts() == {"missing": 1, "criminal_exploitation": 1}
    assert AuditEvent.objects.filter(object_type="learning.reviewsummary", object_id=str(again.pk)).count() == 2

    # A newer approved summary of the same review replaces it in the log.
    newer = review_summary_submit(
        user=demo_user(Role.COORDINATOR), review=again.review, answers=answers("Missing episodes: the pattern")
    )
    review_summary_approve(summary=newer, user=moderator)
    assert [s.title for s in learning_log()] == ["Missing episodes: the pattern"]


def test_a_summary_naming_a_reviewed_child_or_giving_a_reference_is_refused(demo):
    review = demo_review("northbridge")
    referral = review.cases.get().referral
    coordinator = demo_user(Role.COORDINATOR)
    elsewhere = child_sharing_no_name(review, "three-rivers")

    cases = {
        # The reviewed child's first name on its own (stricter than the library's check); its author sees the case.
        "summary": (f"{referral.given_names} went missing four times.", "names a child of the cases the review"),
        # A child's or case's reference, found by its shape.
        "title": (f"Learning from {referral.reference}", "contains a reference, date of birth"),
        "learning": (f"Learning from {elsewhere.reference}", "contains a reference, date of birth"),
    }
    for field, (text, said) in cases.items():
        with pytest.raises(LibraryError) as refused:
            review_summary_submit(user=coordinator, review=review, answers=answers(**{field: text}))
        [(where, message)] = refused.value.form_errors()
        assert where == field
        assert said in message
        # The message quotes the words in the summary, never which child or site matched.
        assert "known to the service" not in message and "Three Rivers" not in message
    assert not ReviewSummary.objects.exists()
    # Any other child known to the service, by full name, is looked up only at moderation (its author is told
    # nothing about children they do not see).
    summary = review_summary_submit(
        user=coordinator,
        review=review,
        answers=answers(learning=f"As with {elsewhere.given_names} {elsewhere.family_name}, ask early."),
    )
    with pytest.raises(LibraryError, match="names or refers to a child known to the service"):
        review_summary_approve(summary=summary, user=demo_user(Role.LIBRARY_MODERATOR))


def test_the_moderator_checks_again_and_returns_it_with_reasons(demo):
    summary = submitted(learning="Ask the child about Kestrel Road.")
    moderator = demo_user(Role.LIBRARY_MODERATOR)
    # A child referred since, whose name the summary happens to contain, stops its publication.
    Child.objects.create(site=summary.site, given_names="Kestrel", family_name="Road")
    with pytest.raises(LibraryError, match="Reject it with the reason"):
        review_summary_approve(summary=summary, user=moderator)
    with pytest.raises(LibraryError, match="Enter the reasons"):
        review_summary_reject(summary=summary, user=moderator, reason=" ")
    review_summary_reject(summary=summary, user=moderator, reason="It names a street.")
    summary.refresh_from_db()
    assert summary.status == VersionStatus.REJECTED and summary.moderation_reason == "It names a street."


def test_the_review_page_shows_the_summary_and_the_log_shows_it_at_another_site(client_as, demo):
    summary = submitted()
    review = summary.review
    coordinator = client_as(Role.COORDINATOR)
    page = coordinator.get(reverse("case_reviews:detail", args=[review.pk])).content.decode()
    assert "A summary is waiting for a library moderator" in page
    assert reverse("learning:summary-submit", args=[review.pk]) in page

    moderator = client_as(Role.LIBRARY_MODERATOR)
    assert summary.title in moderator.get(reverse("learning:moderation")).content.decode()
    response = moderator.post(reverse("learning:summary-approve", args=[summary.pk]), follow=True)
    assert "is published to every site" in response.content.decode()

    elsewhere = client_as(Role.ICTG, "three-rivers")
    log = elsewhere.get(reverse("learning:log"), {"theme": "missing"}).content.decode()
    assert summary.title in log and "Northbridge" in log
    page = elsewhere.get(reverse("learning:summary", args=[summary.pk])).content.decode()
    assert "Hold return home interviews in person" in page
    # What the review itself says, and its reference, stay with its site.
    assert review.reference not in page and review.summary not in page
    assert elsewhere.get(reverse("case_reviews:detail", args=[review.pk])).status_code in (403, 404)


def test_the_summary_form_starts_from_the_learning_points_and_shows_what_is_refused(client_as, demo):
    review = demo_review("northbridge")
    referral = review.cases.get().referral
    client = client_as(Role.COORDINATOR)
    page = client.get(reverse("learning:summary-submit", args=[review.pk])).content.decode()
    assert "Return home interviews were offered by letter only" in page
    response = client.post(
        reverse("learning:summary-submit", args=[review.pk]),
        {
            "title": "Missing episodes",
            "summary": f"{referral.family_name} went missing.",
            "learning": "Ask early.",
            "themes": ["missing"],
        },
    )
    page = response.content.decode()
    assert response.status_code == 200 and "names a child of the cases the review is about" in page
    assert not ReviewSummary.objects.exists()


def test_the_community_home_shows_recent_learning_and_each_sites_share(client_as, demo):
    summary = submitted()
    review_summary_approve(summary=summary, user=demo_user(Role.LIBRARY_MODERATOR))
    published_items = LibraryItemVersion.objects.filter(status=VersionStatus.APPROVED).count()
    rows = {row.site.slug: row for row in learning_by_site()}
    assert rows["northbridge"].review_summaries == 1 and rows["three-rivers"].review_summaries == 0
    assert sum(r.library_items for r in rows.values()) == published_items

    page = client_as(Role.PANEL_MEMBER, "three-rivers").get(reverse("learning:community")).content.decode()
    assert summary.title in page
    assert "Each site's published learning" in page
    for item in LibraryItem.objects.filter(published__isnull=False)[:5]:
        assert item.published.title in page
    assert f"{reverse('learning:log')}?site=northbridge" in page
