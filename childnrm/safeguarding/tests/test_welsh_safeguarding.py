"""Safeguarding walked in Welsh (ADR 0023, issue 13): every safeguarding page, as each role of a Welsh site that
reaches it (safeguarding/tests/access_expectations.py), on the demo child's plan, actions, statutory status,
guardian, lead social worker and safety map.

Fails on English left on a page, other than names, references, what users wrote and the allowed terms
(core/tests/welsh.py).
"""

from __future__ import annotations

import pytest
from django.urls import reverse

from childnrm.accounts.models import Organisation, Role, Site, User
from childnrm.core.tests.welsh import english_left, walk_in_welsh
from childnrm.safeguarding.demo import demo_child
from childnrm.safeguarding.models import ContextualLink, PlanAction, SafeguardingPlan, StatutoryPeriod
from childnrm.safeguarding.tests.access_expectations import EXPECTED, SAMPLES
from conftest import demo_user, signed_in

# Routes that only take a POST (they redirect a GET): walked by the pages that post to them.
POST_ONLY = {"safeguarding:action-update", "safeguarding:guardian-end", "safeguarding:referral-confirm"}


def written_on(site: Site) -> list[str]:
    """What people wrote and named on the site's safeguarding records: shown as written, in any language."""
    child = demo_child(site)
    plans = SafeguardingPlan.objects.filter(child__site=site)
    actions = PlanAction.objects.filter(plan__child__site=site).select_related("organisation")
    found = [child.display_name, *(p.summary for p in plans), *(p.close_reason for p in plans)]
    for action in actions:
        words = action.description.split()
        found += [action.description, " ".join(words[:8]), " ".join(words[:16]), action.owner_name]
        found += [u.note for u in action.updates.all()]
        found += [action.organisation.name if action.organisation else ""]
    for link in ContextualLink.objects.filter(child__site=site):
        found += [link.name, link.description]
    found += [d.outcome for d in child.strategy_discussions.all()]
    found += [w.name for w in child.lead_social_workers.all()] + [w.team for w in child.lead_social_workers.all()]
    found += [w.email for w in child.lead_social_workers.all()]
    found += [w.local_authority.name for w in child.lead_social_workers.all() if w.local_authority]
    return [f for f in found if f]


def names_on(user: User, site: Site) -> list[str]:
    people = User.objects.filter(memberships__site=site).distinct()
    return [
        *(u.full_name for u in people),
        *Organisation.objects.values_list("name", flat=True),
        user.email,
        site.name,
        *written_on(site),
    ]


def paths_for(role: str, site: Site) -> list[str]:
    child = demo_child(site)
    samples = {name: make(site.slug) for name, make in SAMPLES.items()}
    paths = []
    for name, roles in EXPECTED.items():
        if role not in roles or name in POST_ONLY:
            continue
        route = name.split(":")[1]
        if route in ("plans", "my-actions"):
            paths.append(reverse(name))
        elif route in ("plan", "plan-review-date", "plan-close", "action-add", "child-views-add"):
            paths.append(reverse(name, args=[samples["plan_id"]]))
        elif route in ("action", "action-agreement"):
            paths.append(reverse(name, args=[samples["action_id"]]))
        elif route == "period-end":
            paths.append(reverse(name, args=[samples["period_id"]]))
        elif route == "link-end":
            paths.append(reverse(name, args=[samples["link_id"]]))
        else:
            paths.append(reverse(name, args=[child.reference]))
    return paths


@pytest.mark.parametrize("role", [Role.COORDINATOR, Role.ICTG, Role.PANEL_MEMBER, Role.ADVISER])
def test_every_safeguarding_page_is_in_welsh_for_a_welsh_site(welsh_site, role):
    user = demo_user(role)
    client = signed_in(user)
    paths = paths_for(role, welsh_site)
    assert paths
    if role == Role.PANEL_MEMBER:  # the owner of the demo health action opens it from "Your actions"
        paths.append(reverse("safeguarding:action", args=[SAMPLES["action_id"](welsh_site.slug)]))
    assert walk_in_welsh(client, paths, names=names_on(user, welsh_site)) == {}


def test_the_safeguarding_forms_errors_are_in_welsh(welsh_site):
    """A form sent empty: the error summary and each question's message in Welsh."""
    user = demo_user(Role.COORDINATOR)
    client = signed_in(user)
    child = demo_child(welsh_site)
    names = names_on(user, welsh_site)
    for path in (
        reverse("safeguarding:period-add", args=[child.reference]),
        reverse("safeguarding:strategy-add", args=[child.reference]),
        reverse("safeguarding:link-add", args=[child.reference]),
        reverse("safeguarding:action-add", args=[SAMPLES["plan_id"](welsh_site.slug)]),
        reverse("safeguarding:social-worker", args=[child.reference]),
    ):
        page = client.post(path, {}).content.decode()
        assert "Mae problem wedi codi" in page, path
        assert english_left(page, names=names) == [], path


def test_the_safety_map_and_statutory_status_read_in_welsh(welsh_site):
    user = demo_user(Role.COORDINATOR)
    client = signed_in(user)
    child = demo_child(welsh_site)
    page = client.get(reverse("safeguarding:safety-map", args=[child.reference])).content.decode()
    assert "Risg uchel" in page and "Lleoedd" in page
    period = StatutoryPeriod.objects.filter(child=child).first()
    page = client.get(reverse("safeguarding:child", args=[child.reference])).content.decode()
    assert period is not None and "Plentyn mewn angen" in page
