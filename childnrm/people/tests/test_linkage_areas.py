"""Issue 15: where the child lives weighs in matching (ADR 0029 amendment 6).

Two records of the same child usually give the same local authority; two different children with the same name
rarely live in the same one, unless it is one most of the children searched live in. So a shared area weighs by how
many of the children searched live there (nothing at a site of one area), another area counts against, and brothers
and sisters, who live together, gain nothing from it.
"""

from __future__ import annotations

from datetime import date

import pytest
from django.core.cache import cache
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from childnrm.accounts.models import Organisation, OrganisationType, Site
from childnrm.people import linkage, linkage_scoring
from childnrm.people.linkage_reasons import reason
from childnrm.people.linkage_scoring import (
    PLACE_DIFFERENT,
    PLACE_SAME_MOST,
    compare,
    place_points,
    place_shares,
)
from childnrm.people.models import Child, ChildBlockingKey
from childnrm.people.tests.profiles import child_profile


@pytest.fixture(autouse=True)
def _empty_cache():
    cache.clear()
    yield
    cache.clear()


def record(given: str, family: str, area: str = "", area_name: str = "", **overrides):
    return child_profile(given, family, local_authority=area, local_authority_name=area_name, **overrides)


def area_evidence(match) -> linkage_scoring.Evidence | None:
    return next((e for e in match.evidence if e.feature == "local_authority"), None)


# Scoring --------------------------------------------------------------------------------------------


def test_a_shared_area_few_children_live_in_counts_for_and_is_said_in_plain_words():
    a = record("Yonas", "Tesfay", "7", "Rhondda Cynon Taf")
    b = record("Yonas", "Tesfai", "7", "Rhondda Cynon Taf", id=2)
    without = compare(record("Yonas", "Tesfay"), record("Yonas", "Tesfai", id=2))
    match = compare(a, b, common={"la:7": 0.004})
    area = area_evidence(match)
    assert area.points == PLACE_SAME_MOST  # log2(0.8 / 0.004) is more than the most an area adds
    assert area.text == "Both living in Rhondda Cynon Taf, where 0.4% of the children searched live"
    assert "same area" in match.in_words
    assert match.score == round(without.score + PLACE_SAME_MOST, 2)
    # an area more children live in adds less
    assert 0 < compare(a, b, common={"la:7": 0.2}).score - without.score == place_points(0.2) < PLACE_SAME_MOST


def test_an_area_most_of_the_children_searched_live_in_adds_nothing_and_is_left_out_of_the_plain_words():
    a = record("Yonas", "Tesfay", "7", "Northbridge")
    b = record("Yonas", "Tesfai", "7", "Northbridge", id=2)
    match = compare(a, b, common={"la:7": 0.9})
    assert area_evidence(match).points == 0
    assert area_evidence(match).text == "Both living in Northbridge, where 90% of the children searched live"
    assert "same area" not in match.in_words
    # not counted (keys not yet rebuilt): said, and nothing added
    uncounted = compare(a, b)
    assert area_evidence(uncounted).points == 0 and area_evidence(uncounted).text == "Both living in Northbridge"


def test_a_small_register_says_nothing_of_an_area():
    # Two children searched, one of them in the area: weighed as if a hundred more lived there, not as "rare".
    share = place_shares({"la:7": 1}, 2)["la:7"]
    assert share == 0.5 and place_points(share, searched=2) == 0
    # At a national register, an area few live in is told apart from one many live in.
    national = place_shares({"la:7": 40, "la:8": 20_000}, 100_000)
    assert national == {"la:7": 0.0004, "la:8": 0.2}  # what the coordinator reads
    assert place_points(national["la:7"], 100_000) == PLACE_SAME_MOST > place_points(national["la:8"], 100_000) > 0


def test_another_area_counts_against_and_an_unrecorded_one_says_nothing():
    a = record("Yonas", "Tesfay", "7", "Leeds")
    moved = compare(a, record("Yonas", "Tesfay", "8", "Kent", id=2))
    assert area_evidence(moved).points == PLACE_DIFFERENT < 0
    assert area_evidence(moved).text == "Living in different areas: Leeds and Kent"
    assert "lives in another area" in moved.in_words
    not_recorded = compare(a, record("Yonas", "Tesfay", id=2))
    assert area_evidence(not_recorded) is None
    assert not_recorded.score == compare(record("Yonas", "Tesfay"), record("Yonas", "Tesfay", id=2)).score


def test_brothers_and_sisters_gain_nothing_from_living_together():
    shares, searched = {"la:7": 0.004}, 4 * linkage_scoring.REGISTER_REFERENCE  # a register with its prior
    yonas = record("Yonas", "Tesfay", "7")
    brother = record("Semere", "Tesfay", "7", id=3, date_of_birth=date(2011, 3, 14))
    apart = record("Semere", "Tesfay", id=3, date_of_birth=date(2011, 3, 14))  # the same, area not recorded
    match = compare(yonas, brother, common=shares, searched=searched)
    assert area_evidence(match).points == 0 and "same area" not in match.in_words
    assert match.score == compare(yonas, apart, common=shares, searched=searched).score
    # what the search scores in points only is the same, with the register's prior after the area
    scorer = linkage_scoring.PointsScorer(yonas, common=shares, searched=searched)
    assert linkage_scoring.register_prior(searched) < 0
    assert scorer.score(brother) == match.score
    # the same names in another child's record do count the area
    again = record("Yonas", "Tesfay", "7", id=4, date_of_birth=date(2011, 3, 14))
    assert area_evidence(compare(yonas, again, common=shares, searched=searched)).points == PLACE_SAME_MOST
    assert scorer.score(again) == compare(yonas, again, common=shares, searched=searched).score


def test_the_area_is_said_in_welsh(settings):
    from django.utils import translation

    match = compare(
        record("Yonas", "Tesfay", "7", "Caerdydd"), record("Yonas", "Tesfay", "8", "Abertawe", id=2), common={}
    )
    with translation.override("cy"):
        assert reason(area_evidence(match)) == "Yn byw mewn ardaloedd gwahanol: Caerdydd; Abertawe"


# The database ---------------------------------------------------------------------------------------


def _area(name: str) -> Organisation:
    return Organisation.objects.create(name=name, type=OrganisationType.LOCAL_AUTHORITY)


def _keys(child: Child) -> set[str]:
    return set(ChildBlockingKey.objects.filter(child=child).values_list("key", flat=True))


def test_the_area_is_kept_with_the_childs_keys_and_follows_the_child(site: Site):
    leeds, kent = _area("Leeds"), _area("Kent")
    child = Child.objects.create(site=site, given_names="Yonas", family_name="Tesfay", local_authority=leeds)
    assert f"la:{leeds.pk}" in _keys(child)
    child.local_authority = kent
    child.save()
    assert f"la:{kent.pk}" in _keys(child) and f"la:{leeds.pk}" not in _keys(child)
    child.local_authority = None
    child.save()
    assert not {k for k in _keys(child) if k.startswith("la:")}


def test_a_search_weighs_a_shared_area_by_how_many_of_the_sites_children_live_there(site: Site):
    rare, common = _area("Rhondda Cynon Taf"), _area("Northbridge")
    many = Child.objects.bulk_create(
        Child(site=site, given_names=f"Child {i}", family_name="Other", local_authority=common) for i in range(300)
    )
    linkage.blocking_keys_refresh([c.pk for c in many])
    dob = date(2010, 4, 12)
    child = Child.objects.create(
        site=site, given_names="Okbamichael", family_name="Zerezghi", date_of_birth=dob, local_authority=rare
    )
    again = Child.objects.create(
        site=site, given_names="Okbamikael", family_name="Zerezghi", date_of_birth=dob, local_authority=rare
    )
    elsewhere = Child.objects.create(
        site=site, given_names="Okbamichael", family_name="Zerezghi", date_of_birth=dob, local_authority=common
    )
    found = {c.child.pk: c.match for c in linkage.candidates_for(child, site_ids=[site.pk], threshold=None)}
    total = Child.objects.filter(site=site).count()
    area = area_evidence(found[again.pk])
    assert area.points == place_points(2 / total, total) > 0
    assert area.text == f"Both living in Rhondda Cynon Taf, where {100 * 2 / total:.2g}% of the children searched live"
    assert area_evidence(found[elsewhere.pk]).points == PLACE_DIFFERENT
    assert area_evidence(found[elsewhere.pk]).text == "Living in different areas: Rhondda Cynon Taf and Northbridge"
    # the evidence kept with a decision is the same
    assert area_evidence(linkage.compare_children(child, again)).points == area.points


@pytest.mark.django_db(transaction=True)
def test_the_migration_keeps_the_area_of_children_recorded_before_it(site: Site):
    leeds = _area("Leeds")
    with_area = Child.objects.create(site=site, given_names="Yonas", family_name="Tesfay", local_authority=leeds)
    without = Child.objects.create(site=site, given_names="Senait", family_name="Tesfay")
    executor = MigrationExecutor(connection)
    executor.migrate([("people", "0014_child_accepted_here_since")])
    try:
        assert not ChildBlockingKey.objects.filter(key__startswith="la:").exists()
        # a key the new code saved before the migration ran is kept, not written twice
        ChildBlockingKey.objects.create(child=with_area, site=site, key=f"la:{leeds.pk}", birth_year=None)
    finally:
        executor = MigrationExecutor(connection)
        executor.loader.build_graph()
        executor.migrate(executor.loader.graph.leaf_nodes())
    assert ChildBlockingKey.objects.filter(child=with_area, key=f"la:{leeds.pk}").count() == 1
    assert not {k for k in _keys(without) if k.startswith("la:")}


def test_with_a_trained_model_the_area_keeps_its_hand_set_points():
    # The national sweep's model has no area (it would pull brothers and sisters together there): the search weighs
    # the area itself, trained weights or not.
    trained = linkage_scoring.TrainedWeights(
        weights={"sex:same": 0.4}, u={}, probability_two_random_records_match=0.001, records=1000
    )
    a, b = record("Yonas", "Tesfay", "7"), record("Yonas", "Tesfay", "7", id=2)
    for common in ({"la:7": 0.4}, {"la:7": 0.001}):
        assert (
            area_evidence(compare(a, b, common=common, trained=trained, searched=100_000)).points
            == place_points(common["la:7"], 100_000)
            > 0
        )
    moved = compare(a, record("Yonas", "Tesfay", "8", id=2), trained=trained, searched=100_000)
    assert area_evidence(moved).points == PLACE_DIFFERENT


def test_the_coordinator_reads_where_both_children_live_on_the_possible_matches_page(client_as, site: Site):
    from childnrm.accounts.models import Role

    leeds, kent = _area("Leeds"), _area("Kent")
    first = Child.objects.create(
        site=site, given_names="Ardit", family_name="Krasniqi", date_of_birth=date(2011, 3, 4), local_authority=leeds
    )
    second = Child.objects.create(
        site=site, given_names="Ardit", family_name="Krasniqui", date_of_birth=date(2011, 4, 3), local_authority=leeds
    )
    moved = Child.objects.create(
        site=site, given_names="Ardit", family_name="Krasniqi", date_of_birth=date(2011, 3, 4), local_authority=kent
    )
    body = client_as(Role.COORDINATOR).get(f"/children/{second.reference}/possible-matches/").content.decode()
    assert f'id="match-{first.reference}"' in body and f'id="match-{moved.reference}"' in body
    assert "Both living in Leeds" in body
    assert "Living in different areas: Leeds and Kent" in body
