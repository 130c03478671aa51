"""A child whose guardian no longer holds the guardian role at the child's site has no guardian: the dashboard lists
them among the children without one, so the coordinator ends that allocation and allocates another."""

from __future__ import annotations

import pytest
from django.utils import timezone

from childnrm.accounts.models import Membership, Role, Site, User
from childnrm.accounts.services import site_user_roles_set
from childnrm.audit.context import AuditContext
from childnrm.dashboard import clocks
from childnrm.dashboard.clocks import Kind
from childnrm.safeguarding import services as safeguarding_services
from conftest import demo_user

from .factories import accepted_referral, days_ago

pytestmark = pytest.mark.django_db


def without_guardian(site: Site) -> set[str]:
    return {
        a.object_id for a in clocks.alert_list(site, Kind.WITHOUT_GUARDIAN, timezone.localdate(), limit=10_000).items
    }


def test_a_guardian_whose_role_ended_leaves_the_child_without_one(demo):
    northbridge = Site.objects.get(slug="northbridge")
    coordinator, guardian = demo_user(Role.COORDINATOR), demo_user(Role.ICTG)
    referral = accepted_referral(submitted_on=days_ago(6))
    child = referral.child
    association = safeguarding_services.guardian_allocate(child=child, user=coordinator, guardian=guardian)
    assert str(child.pk) not in without_guardian(northbridge)
    assert not clocks.children_without_guardian(northbridge, timezone.localdate()).filter(pk=child.pk).exists()

    site_user_roles_set(site=northbridge, user=guardian, roles=[], by=demo_user(Role.SITE_ADMIN), audit=AuditContext())
    assert str(child.pk) in without_guardian(northbridge)

    # The coordinator, alerted, ends that allocation and allocates a guardian who holds the role.
    another = User.objects.create_user("another.guardian@childnrm.example", None, full_name="Another Guardian")
    Membership.objects.create(user=another, site=northbridge, role=Role.ICTG)
    safeguarding_services.guardian_allocation_end(child=child, user=coordinator, association_id=association.pk)
    safeguarding_services.guardian_allocate(child=child, user=coordinator, guardian=another)
    assert str(child.pk) not in without_guardian(northbridge)
