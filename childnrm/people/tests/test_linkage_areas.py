"""Issue 15: where the child lives weighs in matching (ADR 0029 amendment 6).

Two records of the same child usually give the same local authority; two different children with the same name
rarely live in the same one, unless it is one most of the children searched live in. So a shared area weighs by how
many of the children searched live there (nothing at a site of one area), another area counts against, and brothers
and sisters, who live together, gain nothing from it.
"""

from __future__ import annotations

import math
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
    TWINS_CAP,
    compare,
    place_points,
    place_shares,
    profile_from_values,
)
from childnrm.people.models import Child, ChildBlockingKey


@pytest.fixture(autouse=True)
def _empty_cache():
    cache.clear()
    yield
    cache.clear()


def record(given: str, family: str, area: str = "", area_name: str = "", *, id: int = 1, **overrides):
    values = dict(
        id=id,
        reference=f"CH-{id}",
        given_names=given,
        family_name=family,
        date_of_birth=date(2011, 3, 4),
        date_of_birth_estimated=False,
        sex="male",
        nationalities=["ER"],
        local_authority=area,
        local_authority_name=area_name,
    )
    return profile_from_values(**{**values, **overrides})


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
    # Two children, both in the area: a share counted as if a hundred more lived there, not "2 of 2" nor "rare".
    share = place_shares({"la:7": 2}, 2)["la:7"]
    assert share == 1.0 and place_points(share) == 0
    # At a national register, an area few live in is told apart from one many live in.
    national = place_shares({"la:7": 40, "la:8": 20_000}, 100_000)
    assert place_points(national["la:7"]) == PLACE_SAME_MOST > place_points(national["la:8"]) > 0


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
    shares = {"la:7": 0.004}
    twin = record("Semere", "Tesfay", "7", id=2)
    brother = record("Semere", "Tesfay", "7", id=3, date_of_birth=date(2013, 6, 20))
    for other in (twin, brother):
        match = compare(record("Yonas", "Tesfay", "7"), other, common=shares)
        assert area_evidence(match).points == 0
    assert compare(record("Yonas", "Tesfay", "7"), twin, common=shares).score <= TWINS_CAP
    # what the search scores in points only is the same
    scorer = linkage_scoring.PointsScorer(record("Yonas", "Tesfay", "7"), common=shares)
    assert scorer.score(brother) == compare(record("Yonas", "Tesfay", "7"), brother, common=shares).score


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
    share = place_shares({"la:x": 2}, total)["la:x"]
    area = area_evidence(found[again.pk])
    assert area.points == place_points(share) > 0
    assert area.text.startswith("Both living in Rhondda Cynon Taf, where ")
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
    finally:
        executor = MigrationExecutor(connection)
        executor.loader.build_graph()
        executor.migrate(executor.loader.graph.leaf_nodes())
    assert f"la:{leeds.pk}" in _keys(with_area)
    assert not {k for k in _keys(without) if k.startswith("la:")}


def test_with_a_trained_model_a_shared_area_weighs_its_m_against_the_areas_share():
    # Splink estimates m and u of "same area" over all areas; the search weighs the area shared by how many live
    # there, as it weighs a name by its frequency: log2(m / share), within the same bounds as the hand-set points.
    m, u = 0.8, 0.05
    trained = linkage_scoring.TrainedWeights(
        weights={"local_authority:same": math.log2(m / u), "local_authority:different": -1.1},
        u={"local_authority:same": u},
        probability_two_random_records_match=0.001,
        records=1000,
    )
    a, b = record("Yonas", "Tesfay", "7"), record("Yonas", "Tesfay", "7", id=2)
    assert area_evidence(compare(a, b, common={"la:7": 0.4}, trained=trained)).points == 1.0  # log2(0.8 / 0.4)
    assert area_evidence(compare(a, b, common={"la:7": 0.001}, trained=trained)).points == PLACE_SAME_MOST
    moved = compare(a, record("Yonas", "Tesfay", "8", id=2), trained=trained)
    assert area_evidence(moved).points == -1.1


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
