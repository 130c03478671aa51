"""Outcome reviews and missing episodes walked in Welsh (ADR 0023, issue 13): every outcomes page, as each role of
a Welsh site that reaches it (outcomes/tests/access_expectations.py), for a decided child whose 3-month review is
due and who has a missing episode recorded.

Fails on English left on a page, other than names, references, what users wrote and the allowed terms
(core/tests/welsh.py).
"""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from childnrm.accounts.models import Organisation, Role, Site, User
from childnrm.core.tests.welsh import english_left, walk_in_welsh
from childnrm.outcomes.models import MissingEpisode, OutcomeReview
from childnrm.outcomes.tests.factories import decided_child, missing_episode
from childnrm.outcomes.tests.test_views import REVIEW_POST
from conftest import demo_user, signed_in


@pytest.fixture
def decided(welsh_site):
    """Decided about 80 days ago (the 3-month review is due), the demo guardian allocated, one missing episode."""
    decision = decided_child(welsh_site.slug, decided_on=timezone.localdate() - timedelta(days=80))
    missing_episode(decision.referral.child, demo_user(Role.ICTG))
    return decision


def names_on(site: Site) -> list[str]:
    """Names and what users wrote: shown as written, in any language."""
    people = User.objects.filter(memberships__site=site).distinct()
    episodes = MissingEpisode.objects.filter(child__site=site)
    children = {e.child for e in episodes} | {r.child for r in OutcomeReview.objects.filter(child__site=site)}
    return [
        *(u.full_name for u in people),
        *(u.email for u in people),
        *Organisation.objects.values_list("name", flat=True),
        site.name,
        *(c.display_name for c in children),
        *(e.learned for e in episodes),
        REVIEW_POST["young_person_view"],
    ]


def first_review(decision) -> OutcomeReview:
    return OutcomeReview.objects.filter(child=decision.referral.child).order_by("due_on").first()


def test_the_guardian_sees_and_records_outcomes_in_welsh(welsh_site, decided):
    client = signed_in(demo_user(Role.ICTG))
    child = decided.referral.child
    review = first_review(decided)
    episode = MissingEpisode.objects.filter(child=child).first()
    paths = [
        reverse("outcomes:mine"),
        reverse("outcomes:child", args=[child.reference]),
        reverse("outcomes:review", args=[review.pk]),
        reverse("outcomes:missing-add", args=[child.reference]),
        reverse("outcomes:missing-edit", args=[episode.pk]),
    ]
    names = names_on(welsh_site)
    assert walk_in_welsh(client, paths, names=names) == {}

    # Sent half-answered: the error summary and each question's message in Welsh.
    url = reverse("outcomes:review", args=[review.pk])
    page = client.post(url, {**REVIEW_POST, "placement": "", "section_45_result": ""}).content.decode()
    assert "Mae problem wedi codi" in page and "Dewiswch ble mae’r person ifanc yn byw nawr" in page
    assert english_left(page, names=names) == []
    empty = client.post(reverse("outcomes:missing-add", args=[child.reference]), {}).content.decode()
    assert "Rhowch y dyddiad yr aeth y person ifanc ar goll" in empty and english_left(empty, names=names) == []

    # Recorded: the answers read back in Welsh, for the guardian and the coordinator.
    # The missing episode recorded above is counted: the review says they went missing.
    assert client.post(url, {**REVIEW_POST, "went_missing": "yes"}).status_code == 302
    coordinator = signed_in(demo_user(Role.COORDINATOR))
    for reader in (client, coordinator):
        page = reader.get(url).content.decode()
        assert "Beth ganfu’r adolygiad" in page and english_left(page, names=names) == []
    assert walk_in_welsh(coordinator, [reverse("outcomes:child", args=[child.reference])], names=names) == {}


@pytest.mark.parametrize("role", [Role.PANEL_MEMBER, Role.FIRST_RESPONDER])
def test_your_outcome_reviews_is_in_welsh(welsh_site, decided, role):
    client = signed_in(demo_user(role))
    assert walk_in_welsh(client, [reverse("outcomes:mine")], names=names_on(welsh_site)) == {}


def test_the_review_schedule_is_in_welsh_for_the_site_administrator(welsh_site):
    client = signed_in(demo_user(Role.SITE_ADMIN))
    paths = [reverse("outcomes:schedules"), reverse("outcomes:schedule", args=[welsh_site.slug])]
    assert walk_in_welsh(client, paths, names=names_on(welsh_site)) == {}
    page = client.get(paths[1]).content.decode()
    assert "mis ar ôl y penderfyniad" in page
    wrong = client.post(paths[1], {"months": "3, x"}).content.decode()
    assert "Mae problem wedi codi" in wrong and english_left(wrong, names=names_on(welsh_site)) == []


def test_the_reminder_email_is_in_the_readers_language(welsh_site, decided, mailoutbox):
    """The owner of a due review at a Welsh site, who has not chosen a language, is reminded in Welsh."""
    from childnrm.outcomes.reminders import outcome_reminders_send

    outcome_reminders_send(today=timezone.localdate())
    guardian = demo_user(Role.ICTG)
    sent = [m for m in mailoutbox if m.to == [guardian.email]]
    assert sent and sent[0].subject == "Mae adolygiad canlyniadau yn ddyledus"
    assert "Peidiwch ag ateb yr e-bost hwn." in sent[0].body and "Adolygiad 3 mis" in sent[0].body
