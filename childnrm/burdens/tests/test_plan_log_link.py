"""A plan's "Log time" link (issue 16): for a user who sees every case where they log time, the case is read by a
statement compiled once for their sites, not through the scope's subqueries; it is the case the scope gives, for
every user and plan, whatever the child's cases are (a newer draft, a case at another site, a user with other
roles elsewhere)."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from childnrm.accounts.models import Membership, Role, Site, User
from childnrm.burdens.selectors import cases_worked_on, plan_case_worked_on
from childnrm.burdens.tests.factories import decided_case
from childnrm.referrals.models import Referral, ReferralStatus
from childnrm.referrals.tests.factories import submitted_referral
from childnrm.safeguarding.models import SafeguardingPlan
from conftest import demo_user, signed_in

pytestmark = pytest.mark.django_db


def _by_scope(user, plan: SafeguardingPlan) -> Referral | None:
    """The link's case as the scope gives it (what the link read before issue 16)."""
    scope = cases_worked_on(user)
    case = scope.filter(pk=plan.decision.referral_id) if plan.decision_id else scope.filter(child_id=plan.child_id)
    return case.order_by("-submitted_at", "-pk").first()


def _assert_every_user_gets_the_scopes_case() -> int:
    """Every user and plan: the same case (or none) as the scope gives; the number of pairs with a case."""
    plans = list(SafeguardingPlan.objects.select_related("child", "decision"))
    linked = 0
    for user in User.objects.all():
        for plan in plans:
            expected = _by_scope(user, plan)
            found = plan_case_worked_on(user, plan)
            assert (found and found.pk) == (expected and expected.pk), (user.email, plan.pk)
            linked += found is not None
    return linked


def test_every_user_gets_the_case_the_scope_gives_for_every_plan(demo):
    decided = decided_case(decided_on=timezone.localdate() - timedelta(days=10))
    # A plan agreed with a decision, the demo's plans without one, and a closed one of the decided child.
    plan = decided.safeguarding_plans.get()
    SafeguardingPlan.objects.create(
        child_id=plan.child_id, status="closed", closed_at=timezone.now(), created_by=demo_user(Role.COORDINATOR)
    )
    assert _assert_every_user_gets_the_scopes_case() > 0

    # A newer draft of the child's: not the child's latest case.
    draft = submitted_referral("northbridge", submitted_on=timezone.localdate())
    Referral.objects.filter(pk=draft.pk).update(child_id=plan.child_id, status=ReferralStatus.DRAFT)
    _assert_every_user_gets_the_scopes_case()
    # A newer case of the child's at the other site: its coordinator logs time on it, this site's does not.
    other_site = Site.objects.get(slug="three-rivers")
    elsewhere = submitted_referral("three-rivers", submitted_on=timezone.localdate())
    Referral.objects.filter(pk=elsewhere.pk).update(child_id=plan.child_id, site=other_site)
    _assert_every_user_gets_the_scopes_case()
    # The decision's case moved to the other site.
    Referral.objects.filter(pk=decided.referral_id).update(site=other_site)
    _assert_every_user_gets_the_scopes_case()
    # The coordinator also sits on the other site's panel (logs time there only on cases they work on), and the
    # other's coordinator also coordinates this site: the one through the scope, the other by the compiled read.
    Membership.objects.create(user=demo_user(Role.COORDINATOR), site=other_site, role=Role.PANEL_MEMBER)
    Membership.objects.create(
        user=demo_user(Role.COORDINATOR, "three-rivers"), site=decided.referral.site, role=Role.COORDINATOR
    )
    _assert_every_user_gets_the_scopes_case()


def test_the_coordinators_link_reads_one_short_row(demo):
    decided = decided_case(decided_on=timezone.localdate() - timedelta(days=10))
    plan = SafeguardingPlan.objects.select_related("child", "decision").get(decision=decided)
    coordinator = demo_user(Role.COORDINATOR)
    plan_case_worked_on(coordinator, plan)  # the first reads the coordinator's memberships
    with CaptureQueriesContext(connection) as queries:
        case = plan_case_worked_on(coordinator, plan)
    assert case.pk == decided.referral_id and len(queries) == 1
    assert "EXISTS" not in queries[0]["sql"].upper()
    # The page's link, as before: to log time on the decision's case, for this plan.
    page = signed_in(coordinator).get(reverse("safeguarding:plan", args=[plan.pk])).content.decode()
    assert f"{reverse('burdens:log', args=[case.reference])}?for=plan-{plan.pk}" in page
