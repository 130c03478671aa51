"""Issue 15: an NHS number or Home Office reference the referrals give weighs in matching (ADR 0029 amendment 7).

A referral can give the child's NHS number and Home Office references (the Home Office's own form asks for the
latter). The same NHS number on two records is near proof of one child, two different ones strong evidence of two; a
Home Office reference is weaker both ways (a family's claim can carry one reference for brothers and sisters; a child
can hold several of different kinds). Either finds the child whatever the names and birth year say.
"""

from __future__ import annotations

from datetime import date

import pytest
from django.core.cache import cache

from childnrm.accounts.models import Organisation, OrganisationType, Role, Site
from childnrm.people import linkage, linkage_scoring
from childnrm.people.linkage_reasons import reason
from childnrm.people.linkage_scoring import (
    HOME_OFFICE_DIFFERENT,
    HOME_OFFICE_SAME,
    NHS_DIFFERENT,
    NHS_SAME,
    TWINS_CAP,
    compare,
    home_office_keys,
    nhs_number_key,
)
from childnrm.people.models import Child, ChildBlockingKey
from childnrm.people.tests.profiles import child_profile
from childnrm.referrals.identifiers import nhs_number_normalised
from childnrm.referrals.models import Referral, ReferralStatus


@pytest.fixture(autouse=True)
def _empty_cache():
    cache.clear()
    yield
    cache.clear()


def record(given: str, family: str, *, nhs: str = "", home_office: str = "", **overrides):
    return child_profile(given, family, nhs_numbers=[nhs], home_office_references=[home_office], **overrides)


def identifier_evidence(match) -> list[linkage_scoring.Evidence]:
    return [e for e in match.evidence if e.feature == "identifier"]


# Reading the identifiers as written ----------------------------------------------------------------


def test_an_nhs_number_is_keyed_as_a_referral_keeps_it_and_nothing_else_is_taken_for_one():
    kept = nhs_number_normalised("485 777 3457")  # the check every way in applies
    assert nhs_number_key(kept) == nhs_number_key(nhs_number_normalised("485-777-3457")) == "i:nhs:4857773457"
    for not_one in ("", "485777345", "48577734577", "not known"):
        assert nhs_number_key(not_one) == ""


def test_the_reference_numbers_are_read_out_of_a_home_office_reference_as_written():
    assert home_office_keys("B1234567") == home_office_keys("HO ref: b1234567") == {"i:ho:B1234567"}
    assert home_office_keys("Port reference EDD/1234567") == {"i:ho:EDD1234567"}
    assert home_office_keys("UAN 1234-5678-9012-3456") == home_office_keys("UAN 1234 5678 9012 3456")
    assert home_office_keys("UAN 1234-5678-9012-3456") == {"i:ho:1234567890123456"}
    assert home_office_keys("Home Office reference B1234567 and port reference EDD/7654321") == {
        "i:ho:B1234567",
        "i:ho:EDD7654321",
    }
    # words, a yes, short numbers and dates are not references
    for none in ("", "yes", "Home Office reference, number not known", "case 12345", "claimed 12/03/2024"):
        assert home_office_keys(none) == set(), none


# Scoring --------------------------------------------------------------------------------------------


def test_the_same_nhs_number_is_near_proof_whatever_the_names_say():
    # recorded under another name and an estimated date: nothing else would bring these two together
    a = record("Dritan", "Hoxha", nhs="4857773457")
    b = record("Tani", "Gashi", id=2, nhs="4857773457", date_of_birth=date(2010, 1, 1), date_of_birth_estimated=True)
    without = compare(record("Dritan", "Hoxha"), record("Tani", "Gashi", id=2, date_of_birth=date(2010, 1, 1)))
    match = compare(a, b)
    [evidence] = identifier_evidence(match)
    assert evidence.points == NHS_SAME and evidence.text == "The same NHS number on both"
    assert match.in_words[0] == "same NHS number"  # read first on the triage line
    # shown for the coordinator to check (a number written on the wrong child's referral is possible)
    assert match.score >= linkage_scoring.MATCH_THRESHOLD > without.score
    # with the names agreeing but for a spelling and the date only estimated, likely the same child
    spelt = record(
        "Dritan", "Hoxa", id=3, nhs="4857773457", date_of_birth=date(2011, 1, 1), date_of_birth_estimated=True
    )
    assert compare(a, spelt).score >= linkage_scoring.STRONG_MATCH > compare(record("Dritan", "Hoxha"), spelt).score


def test_two_different_nhs_numbers_count_strongly_against_and_a_missing_one_says_nothing():
    a = record("Yonas", "Tesfay", nhs="4857773457")
    other = compare(a, record("Yonas", "Tesfay", id=2, nhs="9434765919"))
    [evidence] = identifier_evidence(other)
    assert evidence.points == NHS_DIFFERENT < 0 and evidence.text == "Different NHS numbers"
    assert "different NHS numbers" in other.in_words
    missing = compare(a, record("Yonas", "Tesfay", id=2))
    assert identifier_evidence(missing) == []
    assert missing.score == compare(record("Yonas", "Tesfay"), record("Yonas", "Tesfay", id=2)).score
    assert other.score == round(missing.score + NHS_DIFFERENT, 2)


def test_a_home_office_reference_counts_for_when_shared_and_little_against_when_not():
    a = record("Yonas", "Tesfay", home_office="Home Office reference B1234567")
    same = compare(a, record("Yonas", "Tesfai", id=2, home_office="B1234567"))
    [evidence] = identifier_evidence(same)
    assert evidence.points == HOME_OFFICE_SAME and evidence.text == "The same Home Office reference on both"
    assert "same Home Office reference" in same.in_words
    # another reference may be another kind of the same child's: a little against, not in the plain words
    other = compare(a, record("Yonas", "Tesfai", id=2, home_office="Port reference EDD/1234567"))
    [evidence] = identifier_evidence(other)
    assert evidence.points == HOME_OFFICE_DIFFERENT
    assert evidence.text == "Different Home Office references: a child can hold several, of different kinds"
    assert not [w for w in other.in_words if "Home Office" in w]


def test_brothers_and_sisters_gain_nothing_from_a_shared_home_office_reference_but_twins_have_their_own_nhs_number():
    searched = 4 * linkage_scoring.REGISTER_REFERENCE
    yonas = record("Yonas", "Tesfay", home_office="B1234567", nhs="4857773457")
    brother = record("Semere", "Tesfay", id=3, home_office="B1234567", date_of_birth=date(2012, 6, 1))
    match = compare(yonas, brother, searched=searched)
    [evidence] = identifier_evidence(match)
    assert evidence.points == 0
    assert evidence.text == (
        "The same Home Office reference on both, but the names say brother or sister: a family's claim can carry "
        "one reference"
    )
    assert linkage_scoring.PointsScorer(yonas, searched=searched).score(brother) == match.score
    # twins (the same family name and date of birth, another given name) stay apart with a shared family reference
    twin = record("Semere", "Tesfay", id=4, home_office="B1234567")
    assert compare(yonas, twin).score <= TWINS_CAP
    # ...but one child recorded under another given name with the same NHS number is one child, not twins
    renamed = record("Semere", "Tesfay", id=5, nhs="4857773457")
    assert compare(yonas, renamed).score >= linkage_scoring.STRONG_MATCH
    assert linkage_scoring.PointsScorer(yonas).score(renamed) == compare(yonas, renamed).score
    assert linkage_scoring.PointsScorer(yonas).score(twin) == compare(yonas, twin).score


def test_with_a_trained_model_the_identifiers_keep_their_hand_set_points():
    trained = linkage_scoring.TrainedWeights(
        weights={"sex:same": 0.4}, u={}, probability_two_random_records_match=0.001, records=1000
    )
    a = record("Yonas", "Tesfay", nhs="4857773457")
    match = compare(a, record("Yonas", "Tesfay", id=2, nhs="4857773457"), trained=trained, searched=100_000)
    assert [e.points for e in identifier_evidence(match)] == [NHS_SAME]


def test_the_identifiers_are_said_in_welsh():
    from django.utils import translation

    match = compare(
        record("Yonas", "Tesfay", nhs="4857773457", home_office="B1234567"),
        record("Yonas", "Tesfay", id=2, nhs="9434765919", home_office="B1234567"),
    )
    english = {e.text for e in identifier_evidence(match)}
    assert english == {"Different NHS numbers", "The same Home Office reference on both"}
    with translation.override("cy"):
        welsh = {reason(e) for e in identifier_evidence(match)}
    assert welsh and not welsh & english and all(w.strip() for w in welsh)


# The database ---------------------------------------------------------------------------------------


def _child_with_referral(site: Site, organisation: Organisation, given: str, family: str, **referral) -> Child:
    dob = referral.pop("date_of_birth", date(2011, 3, 4))
    child = Child.objects.create(site=site, given_names=given, family_name=family, date_of_birth=dob, sex="male")
    Referral.objects.create(
        site=site,
        child=child,
        status=ReferralStatus.SUBMITTED,
        referrer_organisation=organisation,
        given_names=given,
        family_name=family,
        date_of_birth=dob,
        **referral,
    )
    return child


def _keys(child: Child) -> set[str]:
    return set(ChildBlockingKey.objects.filter(child=child).values_list("key", flat=True))


@pytest.fixture
def police() -> Organisation:
    return Organisation.objects.create(name="Linkage test police", type=OrganisationType.POLICE)


def test_the_identifiers_are_kept_with_the_childs_keys_and_follow_the_referral(site: Site, police: Organisation):
    child = _child_with_referral(site, police, "Yonas", "Tesfay", nhs_number="4857773457")
    assert "i:nhs:4857773457" in _keys(child)
    referral = child.referrals.get()
    referral.nhs_number = ""
    referral.home_office_reference = "Port reference EDD/1234567"
    referral.save()
    assert "i:ho:EDD1234567" in _keys(child) and "i:nhs:4857773457" not in _keys(child)


def test_a_search_finds_a_record_by_its_nhs_number_whatever_the_name_and_birth_year(site: Site, police: Organisation):
    child = _child_with_referral(site, police, "Dritan", "Hoxha", nhs_number="4857773457")
    # another name, and a birth year beyond the search's limits: found by the NHS number alone
    renamed = _child_with_referral(
        site, police, "Tani", "Gashi", nhs_number="4857773457", date_of_birth=date(2006, 1, 1)
    )
    # the same record but for the number is not found: nothing else of it is close to the child's
    unnumbered = _child_with_referral(site, police, "Tani", "Gashi", date_of_birth=date(2006, 1, 1))
    found = {c.child.pk: c.match for c in linkage.candidates_for(child, site_ids=[site.pk], threshold=None)}
    assert renamed.pk in found and unnumbered.pk not in found
    assert [e.points for e in identifier_evidence(found[renamed.pk])] == [NHS_SAME]
    # the evidence kept with a decision is the same
    assert identifier_evidence(linkage.compare_children(child, renamed)) == identifier_evidence(found[renamed.pk])


def test_the_coordinator_reads_the_shared_identifier_on_the_possible_matches_page(
    client_as, site: Site, police: Organisation
):
    first = _child_with_referral(site, police, "Ardit", "Krasniqi", home_office_reference="B1234567")
    second = _child_with_referral(
        site, police, "Ardit", "Krasniqui", home_office_reference="HO ref b1234567", date_of_birth=date(2011, 4, 3)
    )
    body = client_as(Role.COORDINATOR).get(f"/children/{second.reference}/possible-matches/").content.decode()
    assert f'id="match-{first.reference}"' in body
    assert "The same Home Office reference on both" in body
