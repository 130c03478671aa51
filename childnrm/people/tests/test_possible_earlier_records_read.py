"""The triage page's read of a referral's possible earlier records (`linkage.possible_earlier_records_for`),
compiled once per set of the user's link sites (kit.prepared, issue 16): each user reads those of their own sites,
with the records shown read alongside, and a decision made since is seen at once."""

from __future__ import annotations

from datetime import date

import pytest

from childnrm.accounts.models import Role
from childnrm.people.linkage import possible_earlier_records_for
from childnrm.people.models import Child, LinkStatus
from childnrm.people.services import child_link_decide, child_link_undo
from childnrm.triage.demo import submitted_referral
from conftest import demo_user

KNOWN = {"given_names": "Ardit", "family_name": "Krasniqi", "date_of_birth": date(2011, 3, 4), "nationalities": ["AL"]}


@pytest.fixture
def known_and_again(demo, django_capture_on_commit_callbacks):
    """A child known at Northbridge, referred again with the surname spelt another way (searched at once)."""
    with django_capture_on_commit_callbacks(execute=True):
        first = submitted_referral("northbridge", **KNOWN)
    with django_capture_on_commit_callbacks(execute=True):
        again = submitted_referral("northbridge", **{**KNOWN, "family_name": "Krasniqui"})
    return first, again


def test_each_user_reads_the_records_of_their_own_link_sites(known_and_again, django_assert_num_queries):
    first, again = known_and_again
    northbridge = demo_user(Role.COORDINATOR, "northbridge")
    three_rivers = demo_user(Role.COORDINATOR, "three-rivers")
    for _round in range(2):  # the second time from the kept statements
        found = possible_earlier_records_for(northbridge, again.pk)
        assert [(r.child_id, r.earlier_id) for r in found] == [(again.child_id, first.child_id)]
        with django_assert_num_queries(0):  # read alongside, as the page shows them
            assert (found[0].earlier.reference, found[0].earlier.site.slug) == (first.child.reference, "northbridge")
            assert found[0].child.reference == again.child.reference
        assert possible_earlier_records_for(three_rivers, again.pk) == []
        assert possible_earlier_records_for(demo_user(Role.FIRST_RESPONDER, "northbridge"), again.pk) == []
    assert possible_earlier_records_for(northbridge, first.pk) == []


def test_a_decision_about_the_pair_is_seen_at_once(known_and_again):
    first, again = known_and_again
    coordinator = demo_user(Role.COORDINATOR, "northbridge")
    assert len(possible_earlier_records_for(coordinator, again.pk)) == 1
    child_link_decide(
        child=again.child, other=first.child, status=LinkStatus.REJECTED, user=coordinator, reason="Cousins"
    )
    assert possible_earlier_records_for(coordinator, again.pk) == []
    child_link_undo(child=again.child, other=first.child, user=coordinator, reason="Rejected by mistake")
    assert [r.earlier_id for r in possible_earlier_records_for(coordinator, again.pk)] == [first.child_id]


def test_an_earlier_record_linked_to_the_child_through_another_since_the_search_is_not_offered(known_and_again):
    first, again = known_and_again
    coordinator = demo_user(Role.COORDINATOR, "northbridge")
    between = Child.objects.create(site=first.child.site, **{**KNOWN, "family_name": "Krasniqy"})
    child_link_decide(child=again.child, other=between, status=LinkStatus.LINKED, user=coordinator)
    assert len(possible_earlier_records_for(coordinator, again.pk)) == 1
    child_link_decide(child=between, other=first.child, status=LinkStatus.LINKED, user=coordinator)
    assert possible_earlier_records_for(coordinator, again.pk) == []
