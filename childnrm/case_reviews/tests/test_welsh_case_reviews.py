"""A Welsh site's case reviews in Welsh, as each role that reaches them (ADR 0023, issue 13).

Northbridge is made a Welsh site and given two demo reviews (a rapid review of an accepted case with learning
points, accepted recommendations and actions, one of them overdue), one of them completed, so every branch a
person meets is drawn. What people typed (titles, summaries, learning points, recommendations, actions, notes),
names and references stay as written; everything else must be Welsh, the forms' error messages, the flash
messages and the overdue reminders included.
"""

from __future__ import annotations

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone
from django.utils.text import Truncator

from childnrm.accounts.models import Organisation, Role, Site, User
from childnrm.case_reviews import reminders
from childnrm.case_reviews.demo import demo_review
from childnrm.case_reviews.models import CaseReview, ReviewActionUpdate, ReviewStatus
from childnrm.case_reviews.services import case_review_status_set
from childnrm.core.tests.welsh import english_left, walk_in_welsh
from childnrm.learning.models import LibraryItemVersion
from childnrm.referrals.models import Referral
from conftest import demo_user, signed_in

NB = "northbridge"


@pytest.fixture
def welsh_reviews(welsh_site) -> tuple[CaseReview, CaseReview]:
    """An open review with an overdue action, and a completed one."""
    open_review = demo_review(NB, overdue_days=3)
    completed = demo_review(NB)
    case_review_status_set(review=completed, user=demo_user(Role.COORDINATOR), status=ReviewStatus.COMPLETED)
    return open_review, completed


def typed_and_names() -> list[str]:
    """What a case review's page may show as it was written: names of people, organisations and sites, the
    references, and what the site typed in its reviews (whole, line by line and as the lists shorten it)."""
    found = ["demo"]
    found += User.objects.values_list("full_name", flat=True)
    found += Organisation.objects.values_list("name", flat=True)
    found += Site.objects.values_list("name", flat=True)
    found += Referral.objects.values_list("reference", flat=True)
    found += Referral.objects.exclude(child=None).values_list("child__reference", flat=True)
    found += LibraryItemVersion.objects.values_list("title", flat=True)  # the evidence library's links
    texts: list[str] = []
    for review in CaseReview.objects.all():
        texts += [review.reference, review.title, review.summary]
        texts += [p.text for p in review.learning_points.all()]
        texts += [r.text for r in review.recommendations.all()]
        texts += [a.description for a in review.actions.all()]
    texts += ReviewActionUpdate.objects.exclude(note="").values_list("note", flat=True)
    for text in texts:
        found += [text, *text.splitlines(), Truncator(text).words(16), text[:80]]
    return [f for f in found if f]


def coordinator_paths(open_review: CaseReview, completed: CaseReview) -> list[str]:
    recommendation = open_review.recommendations.order_by("pk").first()
    action = open_review.actions.order_by("pk").first()
    return [
        reverse("case_reviews:list"),
        reverse("case_reviews:create"),
        reverse("case_reviews:my-actions"),
        reverse("case_reviews:detail", args=[open_review.pk]),
        reverse("case_reviews:detail", args=[completed.pk]),
        reverse("case_reviews:change", args=[open_review.pk]),
        reverse("case_reviews:cases-add", args=[open_review.pk]),
        reverse("case_reviews:learning-point-add", args=[open_review.pk]),
        reverse("case_reviews:recommendation-add", args=[open_review.pk]),
        reverse("case_reviews:recommendation-status", args=[recommendation.pk]),
        reverse("case_reviews:action-add", args=[open_review.pk]),
        reverse("case_reviews:action", args=[action.pk]),
        reverse("case_reviews:action-update", args=[action.pk]),  # a GET goes back to the action
        reverse("case_reviews:action-owner", args=[action.pk]),
    ]


def test_a_welsh_sites_coordinator_records_case_reviews_in_welsh(welsh_reviews):
    client = signed_in(demo_user(Role.COORDINATOR))
    page = client.get(reverse("case_reviews:list")).content.decode()
    assert "Adolygiadau achos" in page and "Cofnodi adolygiad achos" in page
    problems = walk_in_welsh(client, coordinator_paths(*welsh_reviews), names=typed_and_names())
    assert problems == {}, "\n".join(f"{p}: {v}" for p, v in problems.items())


def test_a_welsh_sites_chair_reads_case_reviews_in_welsh(welsh_reviews):
    open_review, completed = welsh_reviews
    client = signed_in(demo_user(Role.CHAIR))
    paths = [
        reverse("case_reviews:list"),
        reverse("case_reviews:detail", args=[open_review.pk]),
        reverse("case_reviews:detail", args=[completed.pk]),
        reverse("case_reviews:action", args=[open_review.actions.order_by("pk").first().pk]),
        reverse("case_reviews:my-actions"),
        f"{reverse('case_reviews:my-actions')}?show=all",
    ]
    problems = walk_in_welsh(client, paths, names=typed_and_names())
    assert problems == {}, "\n".join(f"{p}: {v}" for p, v in problems.items())


@pytest.mark.parametrize("role", [Role.PANEL_MEMBER, Role.ICTG, Role.ADVISER])
def test_a_welsh_sites_action_owners_see_their_actions_in_welsh(welsh_reviews, role):
    user = demo_user(role)
    client = signed_in(user)
    mine = reverse("case_reviews:my-actions")
    paths = [mine, f"{mine}?show=all"]
    paths += [reverse("case_reviews:action", args=[a.pk]) for a in welsh_reviews[0].actions.filter(owner=user)]
    problems = walk_in_welsh(client, paths, names=typed_and_names())
    assert problems == {}, "\n".join(f"{p}: {v}" for p, v in problems.items())


def test_case_review_forms_errors_and_messages_are_in_welsh(welsh_reviews):
    open_review, _completed = welsh_reviews
    client = signed_in(demo_user(Role.COORDINATOR))
    names = typed_and_names()

    def welsh(page: str, *typed: str) -> None:
        assert english_left(page, names=[*names, *typed]) == []

    # A new review sent with every answer missing, then with a reference no case of the site has.
    page = client.post(reverse("case_reviews:create"), {"title": ""}).content.decode()
    assert "Mae problem wedi codi" in page and "Dewiswch y math o adolygiad" in page
    assert "Rhowch gyfeirnod o leiaf un achos y mae’r adolygiad yn ymwneud ag ef" in page
    welsh(page)
    answers = {
        "kind": "internal",
        "title": "Transitions at 18",
        "started_on_day": "1",
        "started_on_month": "3",
        "started_on_year": "2026",
        "cases": "NRM-ZZZZ9999",
        "summary": "Two young people turned 18 during their cases.",
    }
    page = client.post(reverse("case_reviews:create"), answers).content.decode()
    assert "Does dim achos yn eich safle â’r cyfeirnod NRM-ZZZZ9999" in page
    welsh(page, *answers.values())
    # Recorded: the confirmation on its page.
    answers["cases"] = open_review.cases.first().referral.reference
    page = client.post(reverse("case_reviews:create"), answers, follow=True).content.decode()
    assert "Cofnodwyd adolygiad achos CR-" in page
    welsh(page, *answers.values(), *typed_and_names())
    # Cases, a learning point, a recommendation and an action sent empty; each then added.
    page = client.post(reverse("case_reviews:cases-add", args=[open_review.pk]), {"cases": ""}).content.decode()
    assert "Rhowch gyfeirnod o leiaf un achos" in page
    welsh(page)
    page = client.post(
        reverse("case_reviews:cases-add", args=[open_review.pk]), {"cases": answers["cases"]}, follow=True
    ).content.decode()
    assert "Roedd yr adolygiad eisoes yn ymwneud â’r achosion hynny" in page
    welsh(page)
    url = reverse("case_reviews:learning-point-add", args=[open_review.pk])
    page = client.post(url, {"text": ""}).content.decode()
    assert "Rhowch y pwynt dysgu" in page
    welsh(page)
    page = client.post(url, {"text": "Ask sooner."}, follow=True).content.decode()
    assert "Ychwanegwyd pwynt dysgu" in page
    welsh(page, "Ask sooner.")
    page = client.post(reverse("case_reviews:recommendation-add", args=[open_review.pk]), {"text": ""})
    assert "Rhowch yr argymhelliad" in page.content.decode()
    welsh(page.content.decode())
    page = client.post(reverse("case_reviews:action-add", args=[open_review.pk]), {"description": ""}).content
    page = page.decode()
    assert "Dewiswch pwy yw perchennog y cam gweithredu" in page and "Rhowch y dyddiad y mae’r cam" in page
    welsh(page)
    # A recommendation's status and the review's status.
    recommendation = open_review.recommendations.order_by("pk").first()
    url = reverse("case_reviews:recommendation-status", args=[recommendation.pk])
    page = client.post(url, {"status": "implemented"}, follow=True).content.decode()
    assert "Cadwyd statws yr argymhelliad" in page and "Wedi’i roi ar waith" in page
    welsh(page)
    url = reverse("case_reviews:status", args=[open_review.pk])
    page = client.post(url, {"status": "completed"}, follow=True).content.decode()
    assert "Statws yr adolygiad bellach: wedi’i gwblhau" in page
    welsh(page)
    # An action's progress: the same status with no note, then a note.
    action = open_review.actions.order_by("pk").first()
    url = reverse("case_reviews:action-update", args=[action.pk])
    page = client.post(url, {"status": action.status, "note": ""}).content.decode()
    assert "Mae’r cam gweithredu eisoes yn y statws" in page
    welsh(page)
    page = client.post(url, {"status": action.status, "note": "Briefed the teams."}, follow=True).content.decode()
    assert "Ychwanegwyd nodyn cynnydd" in page
    welsh(page, "Briefed the teams.")
    # A new owner: none chosen, then the chair.
    url = reverse("case_reviews:action-owner", args=[action.pk])
    page = client.post(url, {"owner": ""}).content.decode()
    assert "Dewiswch pwy yw perchennog y cam gweithredu" in page and "Perchennog newydd" in page
    welsh(page)
    page = client.post(url, {"owner": str(demo_user(Role.CHAIR).pk)}, follow=True).content.decode()
    assert "yw perchennog y cam gweithredu bellach" in page and "Perchennog newydd:" in page
    welsh(page, "Briefed the teams.")


def test_the_overdue_reminders_are_in_the_readers_language(welsh_reviews):
    """A Welsh site's action owner is reminded in Welsh; another site's in English."""
    demo_review("three-rivers", overdue_days=2)
    mail.outbox = []
    reminders.case_review_reminders_send(today=timezone.localdate())
    by_address = {m.to[0]: m for m in mail.outbox}
    welsh = by_address[demo_user(Role.PANEL_MEMBER).email]
    assert welsh.subject == "Mae cam gweithredu o adolygiad achos yn hwyr"
    assert "3 diwrnod yn hwyr" in welsh.body and "Peidiwch ag ateb yr e-bost hwn." in welsh.body
    assert "Do not reply" not in welsh.body
    english = by_address[demo_user(Role.PANEL_MEMBER, "three-rivers").email]
    assert english.subject == "A case review action is overdue" and "overdue by 2 days" in english.body
