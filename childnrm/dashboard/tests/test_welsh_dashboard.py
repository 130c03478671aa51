"""The dashboard walked in Welsh by those of a Welsh site who reach it (ADR 0023, issue 13): the coordinator
and the chair, on the site's dashboard and each section's full list they may open, with the demo cases' rows.

Fails on English left on the page, other than names, references and the allowed terms (core/tests/welsh.py).
"""

from __future__ import annotations

import pytest
from django.urls import reverse

from childnrm.accounts.models import Role, Site, User
from childnrm.core.tests.welsh import walk_in_welsh
from childnrm.dashboard.tests.factories import accepted_referral, days_ago, final_decision, information_request
from childnrm.dashboard.views import SECTIONS
from childnrm.people.models import Child
from conftest import demo_user, signed_in


def names_on(user: User, site: Site) -> list[str]:
    """What a page may show in any language: people's, organisations' and sites' names, as recorded."""
    children = Child.objects.filter(site=site)
    return [
        user.full_name,
        user.email,
        user.organisation.name if user.organisation else "",
        site.name,
        *(c.display_name for c in children),
    ]


@pytest.mark.parametrize("role", [Role.COORDINATOR, Role.CHAIR])
def test_the_dashboard_is_in_welsh_for_a_welsh_site(welsh_site, role):
    user = demo_user(role)
    client = signed_in(user)
    paths = [reverse("dashboard:home"), reverse("dashboard:site", args=[welsh_site.slug])]
    paths += [
        reverse(f"dashboard:{spec.slug}", args=[welsh_site.slug])
        for spec in SECTIONS
        if spec.visible_to(user, welsh_site)
    ]
    page = client.get(paths[1]).content.decode()
    assert "Dangosfwrdd" in page and "Beth sydd angen sylw" in page
    assert walk_in_welsh(client, paths, names=names_on(user, welsh_site)) == {}


def test_the_clocks_tags_and_notes_are_in_welsh(welsh_site):
    """Rows of more kinds than the demo has today: overdue and due-soon clocks, decisions without letters or an
    explanation, an overdue information request; each row's tag, note and link in Welsh."""
    overdue = accepted_referral(welsh_site.slug, submitted_on=days_ago(60))
    accepted_referral(welsh_site.slug, submitted_on=days_ago(1))
    decided = accepted_referral(welsh_site.slug, submitted_on=days_ago(40))
    final_decision(decided, decided_on=days_ago(3))
    information_request(overdue, due_on=days_ago(2))
    user = demo_user(Role.COORDINATOR)
    client = signed_in(user)
    page = client.get(reverse("dashboard:site", args=[welsh_site.slug])).content.decode()
    assert "diwrnod yn hwyr" in page and "Cynhyrchu’r llythyrau" in page
    paths = [reverse("dashboard:site", args=[welsh_site.slug])]
    paths += [reverse(f"dashboard:{slug}", args=[welsh_site.slug]) for slug in ("rg-overdue", "letters-not-produced")]
    assert walk_in_welsh(client, paths, names=names_on(user, welsh_site)) == {}


def test_a_reconsideration_requested_is_noted_in_welsh(welsh_site):
    """The open reconsideration window's note says a request came in ("request received" was left English: it has
    none of the function words the walk looks for, so this test names it)."""
    from datetime import timedelta

    from django.utils import timezone

    from childnrm.decisions.models import Outcome
    from childnrm.reviews.models import ReconsiderationRequest, RequesterKind
    from childnrm.reviews.services import window_open

    referral = accepted_referral(welsh_site.slug, submitted_on=days_ago(40))
    decision = final_decision(referral, outcome=Outcome.NEGATIVE, decided_on=days_ago(3))
    decision.finalised_at = timezone.now() - timedelta(days=3)  # signed off at the sitting
    window_open(decision=decision, communicated_on=days_ago(2))
    ReconsiderationRequest.objects.create(
        decision=decision,
        requester_kind=RequesterKind.SOCIAL_WORKER,
        requester_name="Siân Jones",
        details="Tystiolaeth newydd",
        received_on=timezone.localdate(),
        within_window=True,
        recorded_by=demo_user(Role.COORDINATOR),
    )
    page = signed_in(demo_user(Role.COORDINATOR)).get(reverse("dashboard:reconsideration", args=[welsh_site.slug]))
    html = page.content.decode()
    assert referral.reference in html and "cais wedi dod i law" in html
    assert "request received" not in html
