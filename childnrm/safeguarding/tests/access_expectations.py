"""Who may use the safeguarding routes (see access/tests/test_access_matrix.py).

The sample child is each site's first child: allocated to the demo guardian, with the demo plan
(safeguarding/demo.py), whose first action is owned by the demo (health) panel member.
"""

from childnrm.accounts.models import Role, Site


def _demo_plan(site_slug: str):
    """The demo plan of the site (loaded with the demo data every access-matrix test uses)."""
    from childnrm.safeguarding import demo
    from childnrm.safeguarding.models import SafeguardingPlan

    child = demo.demo_child(Site.objects.get(slug=site_slug))
    plan = SafeguardingPlan.objects.filter(child=child).order_by("pk").first()
    assert plan is not None, "The safeguarding demo plan is missing: load the demo data"
    return plan


def _plan_id(site_slug: str) -> int:
    return _demo_plan(site_slug).pk


def _action_id(site_slug: str) -> int:
    # The action owned by the demo panel member.
    return _demo_plan(site_slug).actions.filter(owner__isnull=False).order_by("pk").first().pk


def _period_id(site_slug: str) -> int:
    return _demo_plan(site_slug).child.statutory_periods.order_by("pk").first().pk


def _link_id(site_slug: str) -> int:
    return _demo_plan(site_slug).child.contextual_links.order_by("pk").first().pk


COORDINATOR = {Role.COORDINATOR}
EXPECTED = {
    "safeguarding:plans": COORDINATOR,
    "safeguarding:my-actions": {Role.COORDINATOR, Role.ICTG, Role.PANEL_MEMBER, Role.ADVISER},
    "safeguarding:child": {Role.COORDINATOR, Role.ICTG},
    "safeguarding:plan-create": COORDINATOR,
    "safeguarding:period-add": COORDINATOR,
    "safeguarding:strategy-add": COORDINATOR,
    "safeguarding:guardian": COORDINATOR,
    "safeguarding:guardian-end": COORDINATOR,
    "safeguarding:referral-confirm": COORDINATOR,
    "safeguarding:social-worker": COORDINATOR,
    "safeguarding:safety-map": {Role.COORDINATOR, Role.ICTG},
    "safeguarding:link-add": COORDINATOR,
    "safeguarding:link-end": COORDINATOR,
    "safeguarding:plan": {Role.COORDINATOR, Role.ICTG},
    "safeguarding:plan-review-date": COORDINATOR,
    "safeguarding:plan-close": COORDINATOR,
    "safeguarding:action-add": COORDINATOR,
    "safeguarding:action": {Role.COORDINATOR, Role.ICTG, Role.PANEL_MEMBER},
    "safeguarding:action-update": {Role.COORDINATOR, Role.PANEL_MEMBER},
    "safeguarding:period-end": COORDINATOR,
    # The child's views on their plan and agreement with its actions: the coordinator and the child's guardian.
    "safeguarding:child-views-add": {Role.COORDINATOR, Role.ICTG},
    "safeguarding:action-agreement": {Role.COORDINATOR, Role.ICTG},
}
SAMPLES = {"plan_id": _plan_id, "action_id": _action_id, "period_id": _period_id, "link_id": _link_id}
