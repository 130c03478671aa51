"""Groups joined by pairs (kit.groups): one child's records, linked directly or through others."""

from __future__ import annotations

from childnrm.kit.groups import groups_of


def test_members_joined_through_others_share_the_least_member_and_others_stay_apart():
    groups = groups_of([(5, 3), (3, 9), (7, 8), (9, 5)])
    assert groups == {3: 3, 5: 3, 9: 3, 7: 7, 8: 7}
    assert groups_of([]) == {}
