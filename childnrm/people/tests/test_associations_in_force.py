"""A guardian's or lead social worker's association opens the child's record only while its holder holds the matching
role at the child's site (ADR 0002, amendment 2): a guardian whose guardian role ends, or a social worker who no
longer holds a social worker's role there, no longer sees the child, whatever other role they keep."""

from __future__ import annotations

import pytest
from django.urls import reverse

from childnrm.accounts.models import Role, Site, User
from childnrm.accounts.services import site_user_roles_set
from childnrm.audit.context import AuditContext
from childnrm.people import selectors
from childnrm.people import services as people_services
from childnrm.people.models import AssociationKind, Child, ChildAssociation
from childnrm.safeguarding.demo import demo_child
from conftest import demo_user, signed_in

pytestmark = pytest.mark.django_db


def roles_now(site: Site, user: User, roles: list[str]) -> User:
    site_user_roles_set(site=site, user=user, roles=roles, by=demo_user(Role.SITE_ADMIN), audit=AuditContext())
    return User.objects.get(pk=user.pk)  # as the next request reads them


def opens(user: User, child: Child) -> bool:
    return signed_in(user).get(reverse("people:detail", args=[child.reference])).status_code == 200


def test_the_guardian_no_longer_opens_the_record_once_their_guardian_role_ends(site):
    child, guardian = demo_child(site), demo_user(Role.ICTG)
    assert ChildAssociation.objects.filter(child=child, user=guardian, kind=AssociationKind.ICTG, ends_at=None)
    assert opens(guardian, child)
    # Still a first responder there (which opens the children one is associated with), no longer a guardian.
    guardian = roles_now(site, guardian, [Role.FIRST_RESPONDER])
    assert not opens(guardian, child)
    assert not selectors.children_visible_to(guardian).filter(pk=child.pk).exists()
    # Given the role again, the allocation (never ended) counts again.
    guardian = roles_now(site, guardian, [Role.ICTG])
    assert opens(guardian, child)


def test_the_lead_social_worker_only_while_they_hold_a_social_workers_role_there(site):
    child, social_worker = demo_child(site), demo_user(Role.PANEL_MEMBER)
    people_services.lead_social_worker_record(
        child=child, user=demo_user(Role.COORDINATOR), name=social_worker.full_name, email=social_worker.email
    )
    assert opens(social_worker, child)
    # A guardian's role (which opens the children one is allocated to) is not a social worker's.
    social_worker = roles_now(site, social_worker, [Role.ICTG])
    assert not opens(social_worker, child)
    social_worker = roles_now(site, social_worker, [Role.FIRST_RESPONDER])
    assert opens(social_worker, child)


def test_the_rule_in_one_place_counts_only_associations_in_force(site):
    child, guardian = demo_child(site), demo_user(Role.ICTG)
    in_force = ChildAssociation.objects.filter(selectors.associations_in_force(), child=child)
    assert in_force.filter(user=guardian, kind=AssociationKind.ICTG).exists()
    roles_now(site, guardian, [])
    assert not in_force.filter(user=guardian).exists()
