"""A child's outcome reviews are owned by their guardian or lead social worker only while they hold that role at the
child's site (people.selectors.associations_in_force): one whose role ended neither records nor is reminded."""

from __future__ import annotations

import pytest

from childnrm.accounts.models import Role, User
from childnrm.accounts.services import site_user_roles_set
from childnrm.audit.context import AuditContext
from childnrm.outcomes import selectors
from childnrm.safeguarding.demo import demo_child
from conftest import demo_user

pytestmark = pytest.mark.django_db


def test_a_guardian_whose_role_ended_no_longer_owns_the_childs_outcome_reviews(site):
    child, guardian = demo_child(site), demo_user(Role.ICTG)
    assert selectors.owned_children(guardian).filter(pk=child.pk).exists()
    assert guardian in selectors.owners_of(child)
    # A first responder there still records outcomes of the children they own, but no longer owns this one.
    site_user_roles_set(
        site=site, user=guardian, roles=[Role.FIRST_RESPONDER], by=demo_user(Role.SITE_ADMIN), audit=AuditContext()
    )
    guardian = User.objects.get(pk=guardian.pk)
    assert not selectors.owned_children(guardian).filter(pk=child.pk).exists()
    assert guardian not in selectors.owners_of(child)
    assert guardian.full_name not in [name for name, _ in selectors.owner_labels(child)]
