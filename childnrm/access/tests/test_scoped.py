"""One record of a user's scope by its key (`access.scoped.get_in_scope`), as the decision, the safeguarding plan,
the child's safeguarding and the child's record find theirs: a site's coordinator is answered within their sites
without the scope being built; another site's record, or a case transferred away, is 404 for them as if it did not
exist, and the receiving site's coordinator finds it."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from django.http import Http404

from childnrm.access.scoped import get_in_scope
from childnrm.accounts.models import Role, Site
from childnrm.core.tests.queries import CountedQueries
from childnrm.decisions.models import Decision
from childnrm.decisions.selectors import decision_get
from childnrm.decisions.tests.factories import final_decision
from childnrm.handovers.models import TransferDestination
from childnrm.handovers.services import case_transfer
from childnrm.people.selectors import child_get
from childnrm.safeguarding.models import SafeguardingPlan
from childnrm.safeguarding.selectors import plan_get, safeguarding_child_get
from conftest import demo_user

pytestmark = pytest.mark.django_db


def _never_built() -> None:
    raise AssertionError("the scope was built for a record of the user's own sites")


def _finders(decision: Decision) -> dict[str, Callable]:
    """Each selector that finds one record of the case through `get_in_scope`, for a user."""
    plan = SafeguardingPlan.objects.get(child=decision.referral.child)
    child = decision.referral.child.reference
    return {
        "decision": lambda user: decision_get(user, decision.pk),
        "plan": lambda user: plan_get(user, plan.pk),
        "child's safeguarding": lambda user: safeguarding_child_get(user, child),
        "child's record": lambda user: child_get(user, child),
    }


def test_a_record_of_the_users_own_sites_is_found_there_in_one_statement_without_building_the_scope(demo):
    decision = final_decision("northbridge")
    site = decision.referral.site_id
    with CountedQueries() as captured:
        found = get_in_scope(
            Decision,
            _never_built,
            sites=[site],
            site_field="referral__site_id",
            related=("referral", "meeting"),
            pk=decision.pk,
        )
    assert found == decision and len(captured) == 1
    with CountedQueries() as captured:  # read alongside: no statement of their own
        assert found.referral.pk == decision.referral_id and found.meeting.pk == decision.meeting_id
    assert len(captured) == 0


def test_a_record_outside_those_sites_is_looked_for_through_the_scope_and_else_is_404(demo):
    decision = final_decision("northbridge")
    other = Site.objects.get(slug="three-rivers").pk
    everything = Decision.objects.all
    found = get_in_scope(Decision, everything, sites=[other], site_field="referral__site_id", pk=decision.pk)
    assert found == decision  # in the scope, though not of the given sites
    with pytest.raises(Http404):
        get_in_scope(Decision, Decision.objects.none, sites=[other], site_field="referral__site_id", pk=decision.pk)


def test_another_sites_coordinator_reaches_none_of_the_case(demo):
    finders = _finders(final_decision("northbridge"))
    own, other = demo_user(Role.COORDINATOR, "northbridge"), demo_user(Role.COORDINATOR, "three-rivers")
    for name, find in finders.items():
        assert find(own) is not None, name
        with pytest.raises(Http404):
            find(other)


def test_a_transferred_case_is_the_receiving_sites_and_no_longer_the_sending_sites(demo):
    decision = final_decision("northbridge")
    finders = _finders(decision)
    sending, receiving = demo_user(Role.COORDINATOR, "northbridge"), demo_user(Role.COORDINATOR, "three-rivers")
    case_transfer(
        child=decision.referral.child,
        user=sending,
        destination=TransferDestination.SITE,
        to_site=Site.objects.get(slug="three-rivers"),
        reason="The child has moved to live with a relative in the Three Rivers area.",
    )
    for name, find in finders.items():
        with pytest.raises(Http404):
            find(sending)
        assert find(receiving) is not None, name
