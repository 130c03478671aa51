""" "Who at this site may do P" has one answer, from the role table (access.policy.users_holding)."""

from __future__ import annotations

from childnrm.access.policy import Perm, roles_holding, users_holding
from childnrm.accounts.models import Role
from conftest import demo_user


def test_only_active_holders_of_the_permission_at_that_site_are_listed(site, other_site):
    reviewers = set(users_holding(Perm.DECISION_SECOND_REVIEW, site.pk))
    assert reviewers and all(
        u.memberships.filter(site=site, role__in=roles_holding(Perm.DECISION_SECOND_REVIEW)) for u in reviewers
    )
    assert demo_user(Role.FIRST_RESPONDER) not in reviewers
    assert demo_user(Role.COORDINATOR, "three-rivers") not in reviewers  # another site's holder

    holder = next(iter(reviewers))
    holder.memberships.filter(site=site).update(active=False)  # their role at the site ended
    assert holder not in set(users_holding(Perm.DECISION_SECOND_REVIEW, site.pk))
    responders = users_holding(Perm.INFORMATION_RESPOND, site.pk)
    assert demo_user(Role.PANEL_MEMBER) in set(responders)
    site.active = False
    site.save(update_fields=["active"])
    assert not users_holding(Perm.INFORMATION_RESPOND, site.pk).exists()  # a closed site has no one
