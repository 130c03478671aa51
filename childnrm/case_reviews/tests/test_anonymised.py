"""A case retention anonymised is kept for the figures only (referrals.anonymised; docs/retention.md, "After
anonymisation"): no review takes it, new or existing. A review it was already in goes on (the site's learning, its
other cases, its chased actions), says which of its cases were anonymised, and takes no new words that refer to
such a case by its reference, as the forms ask children to be referred to: its names were taken out of the review
once, when it was anonymised, and nothing would clear words written after."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from childnrm.accounts.models import Role
from childnrm.case_reviews import selectors, services
from childnrm.case_reviews.models import ActionStatus, CaseReview, ReviewedCase
from childnrm.panels.demo import accepted_referral
from childnrm.referrals.models import Referral
from childnrm.retention.anonymise import case_anonymise
from conftest import demo_user

pytestmark = pytest.mark.django_db

ANONYMISED = "was anonymised on"


def _anonymised() -> Referral:
    referral = accepted_referral("northbridge")
    case_anonymise(Referral.objects.get(pk=referral.pk))
    return Referral.objects.get(pk=referral.pk)


def _create(references: list[str], **overrides) -> CaseReview:
    fields = {
        "user": demo_user(Role.COORDINATOR),
        "kind": "internal",
        "title": "Missing episodes",
        "started_on": timezone.localdate() - timedelta(days=10),
        "summary": "How the site followed up missing episodes.",
        "case_references": references,
        **overrides,
    }
    return services.case_review_create(**fields)


def _dated(name: str, day) -> dict[str, str]:
    return {f"{name}_day": str(day.day), f"{name}_month": str(day.month), f"{name}_year": str(day.year)}


def test_no_review_takes_an_anonymised_case(demo):
    anonymised, live = _anonymised(), accepted_referral("northbridge")
    coordinator = demo_user(Role.COORDINATOR)
    site = [live.site_id]
    assert list(selectors.reviewable_cases(site, [anonymised.reference, live.reference])) == [live]

    with pytest.raises(services.CaseReviewError, match=ANONYMISED) as refused:
        _create([anonymised.reference.lower()])
    assert refused.value.field == "cases"
    # Each problem said once: the anonymised case's reason, and the reference no case has.
    with pytest.raises(services.CaseReviewError) as refused:
        _create([live.reference, anonymised.reference, "NRM-NOTREAL"])
    messages = [message for _field, message in refused.value.form_errors()]
    assert len(messages) == 2
    assert anonymised.reference in messages[0] and ANONYMISED in messages[0]
    assert "No case of your site has the reference NRM-NOTREAL" in messages[1]
    assert not CaseReview.objects.exists()

    review = _create([live.reference])
    with pytest.raises(services.CaseReviewError, match=ANONYMISED):
        services.case_review_cases_add(review=review, user=coordinator, case_references=[anonymised.reference])
    assert not ReviewedCase.objects.filter(referral=anonymised).exists()


def test_a_review_goes_on_without_new_words_about_its_anonymised_case(demo):
    earlier, other = accepted_referral("northbridge"), accepted_referral("northbridge")
    coordinator, chair = demo_user(Role.COORDINATOR), demo_user(Role.CHAIR)
    review = _create([earlier.reference, other.reference], summary=f"{earlier.reference} went missing twice.")
    case_anonymise(Referral.objects.get(pk=earlier.pk))
    cited = f"In {earlier.reference.lower()} no one asked where the child went."
    due = timezone.localdate() + timedelta(days=14)

    refusals = [
        lambda: services.learning_point_add(review=review, user=coordinator, text=cited),
        lambda: services.recommendation_add(review=review, user=coordinator, text=cited),
        lambda: services.action_add(review=review, user=coordinator, description=cited, owner=chair, due_on=due),
        lambda: services.case_review_change(
            review=review,
            user=coordinator,
            kind="internal",
            title=f"Missing episodes ({earlier.reference})",
            started_on=review.started_on,
            summary=review.summary,
        ),
    ]
    for refused in refusals:
        with pytest.raises(services.CaseReviewError, match=ANONYMISED):
            refused()

    # The review goes on: its learning, its other case, its actions and their progress.
    services.learning_point_add(review=review, user=coordinator, text=f"In {other.reference} the same happened.")
    action = services.action_add(
        review=review, user=coordinator, description="Ask where the child went", owner=chair, due_on=due
    )
    with pytest.raises(services.CaseReviewError, match=ANONYMISED) as refused:
        services.action_update(action=action, user=chair, to_status=ActionStatus.IN_PROGRESS, note=cited)
    assert refused.value.field == "note"
    services.action_update(action=action, user=chair, to_status=ActionStatus.DONE, note="Done at the team meeting")
    # Words written before stay, and may be kept when the details change.
    changed = services.case_review_change(
        review=review,
        user=coordinator,
        kind="internal",
        title="Missing episodes, 2026",
        started_on=review.started_on,
        summary=review.summary,
    )
    assert changed.title == "Missing episodes, 2026" and earlier.reference in changed.summary
    assert [p.text for p in review.learning_points.all()] == [f"In {other.reference} the same happened."]
    assert not review.recommendations.exists() and review.actions.get() == action


def test_the_pages_say_the_case_was_anonymised(client_as, demo):
    anonymised, live = _anonymised(), accepted_referral("northbridge")
    client = client_as(Role.COORDINATOR)
    started = timezone.localdate() - timedelta(days=3)
    details = {
        "kind": "practice",
        "title": "Transitions",
        "summary": "Support stopped at 18.",
        **_dated("started_on", started),
    }

    page = client.post(reverse("case_reviews:create"), {**details, "cases": anonymised.reference}).content.decode()
    assert "govuk-error-summary" in page and ANONYMISED in page and anonymised.reference in page
    assert not CaseReview.objects.exists()

    review = _create([live.reference])
    page = client.post(reverse("case_reviews:cases-add", args=[review.pk]), {"cases": anonymised.reference})
    assert "govuk-error-summary" in page.content.decode() and ANONYMISED in page.content.decode()
    assert list(review.cases.values_list("referral_id", flat=True)) == [live.pk]

    # A case anonymised after it joined: the review's page says so; the review goes on.
    case_anonymise(Referral.objects.get(pk=live.pk))
    detail = client.get(reverse("case_reviews:detail", args=[review.pk])).content.decode()
    assert 'data-testid="anonymised"' in detail and f"Case {live.reference} {ANONYMISED}" in detail
    assert reverse("case_reviews:learning-point-add", args=[review.pk]) in detail
    page = client.post(
        reverse("case_reviews:learning-point-add", args=[review.pk]), {"text": f"{live.reference} was not asked."}
    ).content.decode()
    assert "govuk-error-summary" in page and ANONYMISED in page
    assert not review.learning_points.exists()
