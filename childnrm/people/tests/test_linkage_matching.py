"""Matching: each kind of variation between two records of one child is found, with evidence a coordinator can check."""

from __future__ import annotations

from datetime import date

import pytest

from childnrm.people import linkage_scoring
from childnrm.people.linkage_scoring import MATCH_THRESHOLD, Name, Profile, make_name


def child(
    given: str,
    family: str,
    dob: date | None = date(2011, 3, 4),
    *,
    estimated: bool = False,
    age: tuple[int, date] | None = None,
    sex: str = "male",
    nationalities: tuple[str, ...] = ("AL",),
    aliases: tuple[tuple[str, str], ...] = (),
    id: int = 1,
) -> Profile:
    names = [make_name(given, family)]
    for alias_given, alias_family in aliases:
        alias = make_name(alias_given, alias_family)
        names.append(Name(alias.given, alias.family, "an alias on referral NRM-TEST0001"))
    return Profile(id, f"CH-{id}", tuple(names), dob, estimated, age, sex, frozenset(nationalities))


def texts(match: linkage_scoring.Match) -> str:
    return "\n".join(e.text for e in match.evidence)


def shares_a_key(a: Profile, b: Profile) -> bool:
    """The blocking step would bring these records together."""
    return bool(linkage_scoring.blocking_keys(a) & linkage_scoring.blocking_keys(b))


@pytest.mark.parametrize(
    ("first", "second", "evidence"),
    [
        # transliterations of names frequent among referred children
        (("Mohammed", "Osman"), ("Muhammad", "Othman"), "'Muhammad' is a known transliteration of 'Mohammed'"),
        (("Ardit", "Krasniqi"), ("Ardit", "Krasniqui"), "'Krasniqui' is a known transliteration of 'Krasniqi'"),
        (("Yonas", "Tesfay"), ("Yonas", "Tesfaye"), "'Tesfaye' is a known transliteration of 'Tesfay'"),
        # diacritics folded
        (("Văn Minh", "Nguyễn"), ("Van Minh", "Nguyen"), "'Nguyễn' and 'Nguyen' are the same name written with"),
        # a spelling slip not in any table
        (("Dritan", "Kelmendi"), ("Dritan", "Kelemndi"), "'Kelemndi' is a spelling variant of 'Kelmendi'"),
        # the same sounds in other letters (ee for i)
        (
            ("Abdelaziz", "Babiker"),
            ("Abdelazeez", "Babiker"),
            "'Abdelazeez' is 'Abdelaziz' transliterated differently (the same sounds in other letters)",
        ),
        # a spelling that sounds the same
        (("Abdelaziz", "Babiker"), ("Abdelasis", "Babiker"), "'Abdelasis' sounds like 'Abdelaziz'"),
    ],
)
def test_spelling_and_transliteration_variants_are_found_and_explained(first, second, evidence):
    a = child(*first, nationalities=("SD",), id=1)
    b = child(*second, nationalities=("SD",), id=2)
    match = linkage_scoring.compare(a, b)
    assert match.score >= MATCH_THRESHOLD, texts(match)
    assert evidence in texts(match)
    assert shares_a_key(a, b)


def test_swapped_name_order_is_found_and_said():
    a = child("Minh", "Nguyễn", nationalities=("VN",))
    b = child("Nguyen", "Minh", nationalities=("VN",), id=2)
    match = linkage_scoring.compare(a, b)
    assert match.score >= MATCH_THRESHOLD
    assert "Names in swapped order" in texts(match)
    assert shares_a_key(a, b)


def test_an_alias_on_an_earlier_referral_is_matched_and_named_as_the_source():
    a = child("Besnik", "Hoxha", aliases=(("Dritan", "Shehu"),))
    b = child("Dritan", "Shehu", date(2011, 3, 4), id=2)
    match = linkage_scoring.compare(a, b)
    assert match.score >= MATCH_THRESHOLD
    assert "Matched using 'Dritan Shehu' (an alias on referral NRM-TEST0001)" in texts(match)
    assert shares_a_key(a, b)


def test_names_split_differently_between_given_and_family_names():
    a = child("Yonas Tesfay", "", nationalities=("ER",))
    b = child("Yonas", "Tesfaye", nationalities=("ER",), id=2)
    match = linkage_scoring.compare(a, b)
    assert match.score >= MATCH_THRESHOLD
    assert "split differently between given and family names" in texts(match)


@pytest.mark.parametrize(
    ("dob_a", "dob_b", "evidence"),
    [
        (date(2011, 3, 4), date(2011, 3, 4), "Same date of birth, 4 March 2011"),
        (date(2011, 3, 4), date(2011, 4, 3), "Dates of birth 4 March 2011 and 3 April 2011: day and month swapped"),
        (date(2011, 3, 4), date(2011, 3, 11), "Dates of birth 4 March 2011 and 11 March 2011 are 7 days apart"),
        (date(2011, 3, 24), date(2011, 8, 24), "differ by one digit"),
        (date(2011, 3, 4), date(2016, 3, 4), "differ by one digit"),  # a mistyped year, found across years
    ],
)
def test_dates_of_birth_within_tolerance(dob_a, dob_b, evidence):
    a = child("Ardit", "Krasniqi", dob_a)
    b = child("Ardit", "Krasniqui", dob_b, id=2)
    match = linkage_scoring.compare(a, b)
    assert match.score >= MATCH_THRESHOLD
    assert evidence in texts(match)
    assert shares_a_key(a, b)


def test_estimated_dates_and_ages_count_for_less_but_still_match():
    actual = child("Filmon", "Gebremedhin", date(2010, 6, 20), nationalities=("ER",))
    estimated = child("Filmon", "Ghebremedhin", date(2010, 1, 1), estimated=True, nationalities=("ER",), id=2)
    age_only = child("Filmon", "Gebremedin", None, age=(15, date(2026, 2, 1)), nationalities=("ER",), id=3)
    exact = linkage_scoring.compare(
        actual, child("Filmon", "Gebremedhin", date(2010, 6, 20), nationalities=("ER",), id=4)
    )

    with_estimate = linkage_scoring.compare(actual, estimated)
    with_age = linkage_scoring.compare(actual, age_only)
    for match in (with_estimate, with_age):
        assert MATCH_THRESHOLD <= match.score < exact.score
    assert "within a year, one or both estimated" in texts(with_estimate)
    assert (
        "The estimated age is the age the date of birth gives on that day: date of birth 20 June 2010 and estimated "
        "age 15 on 1 February 2026"
    ) in texts(with_age)
    # the estimated age puts the record in a birth year the search reaches
    assert linkage_scoring.years_compatible(*actual.birth_year, *age_only.birth_year)


def test_nationalities_often_recorded_for_each_other_are_not_held_against_a_match():
    a = child("Yonas", "Tesfay", nationalities=("ER",))
    b = child("Yonas", "Tesfay", nationalities=("ET",), id=2)
    c = child("Yonas", "Tesfay", nationalities=("GB",), id=3)
    assert "Nationalities ER and ET are often recorded for each other" in texts(linkage_scoring.compare(a, b))
    assert linkage_scoring.compare(a, b).score > linkage_scoring.compare(a, c).score


def test_siblings_are_not_shown_as_matches():
    """Same family name and nationality, close birth dates, even twins: different given names decide."""
    ardit = child("Ardit", "Hoxha", date(2011, 3, 4))
    for sibling in (
        child("Besnik", "Hoxha", date(2013, 8, 1), id=2),
        child("Besnik", "Hoxha", date(2011, 3, 4), id=3),  # a twin
        child("Elira", "Hoxha", date(2011, 3, 4), sex="female", id=4),
    ):
        match = linkage_scoring.compare(ardit, sibling)
        assert match.score < MATCH_THRESHOLD, texts(match)
        assert "Given name: 'Ardit' and 'Besnik' differ" in texts(match) or "'Elira' differ" in texts(match)


def test_vietnamese_siblings_sharing_a_middle_name_are_not_shown():
    minh = child("Văn Minh", "Nguyễn", date(2010, 5, 5), nationalities=("VN",))
    brother = child("Văn Thành", "Nguyễn", date(2010, 5, 5), nationalities=("VN",), id=2)
    assert linkage_scoring.compare(minh, brother).score < MATCH_THRESHOLD
    # short names that differ by one letter (Thành, Thắng) are different names, at best partly similar
    thanh = child("Văn Thành", "Trần", date(2010, 5, 5), nationalities=("VN",))
    thang = child("Văn Thắng", "Trần", date(2011, 9, 9), nationalities=("VN",), id=2)
    given = next(e for e in linkage_scoring.compare(thanh, thang).evidence if e.text.startswith("Given"))
    assert given.points == linkage_scoring.GIVEN_WEAK
    assert "'Thành' and 'Thắng' are partly similar" in given.text
    assert linkage_scoring.compare(thanh, thang).score < MATCH_THRESHOLD


def test_different_children_with_a_common_name_and_real_different_birth_dates_are_not_shown():
    a = child("Mohammed", "Ahmed", date(2010, 2, 14), nationalities=("SD",))
    b = child("Mohammed", "Ahmed", date(2010, 9, 30), nationalities=("SD",), id=2)
    match = linkage_scoring.compare(a, b)
    assert match.score < MATCH_THRESHOLD
    assert "same year, 228 days apart" in texts(match)


def test_a_name_weighs_by_its_own_share_of_the_children_common_names_less_and_rare_names_more():
    a = child("Mohammed", "Babiker", nationalities=("SD",))
    b = child("Muhammad", "Babiker", nationalities=("SD",), id=2)
    key = "n:" + linkage_scoring.sound_key("mohammed")

    def scored(share):
        return linkage_scoring.compare(a, b, common={key: share})

    plain, typical = linkage_scoring.compare(a, b), scored(linkage_scoring.TYPICAL_NAME_SHARE)
    common, rare = scored(0.05), scored(0.0005)
    assert common.score < typical.score == plain.score < rare.score
    assert "a common name here: 5% of records" in texts(common)
    assert "a rare name here: 0.05% of records" in texts(rare)
    # the more common, the less it weighs, within bounds: Nguyen held by a third of the children is no proof against
    assert scored(0.02).score > common.score > scored(0.3).score
    assert typical.score - scored(0.9).score == -linkage_scoring.NAME_FREQUENCY_LEAST
    assert scored(1e-6).score - typical.score == linkage_scoring.NAME_FREQUENCY_MOST


def test_shares_of_a_small_register_say_little_about_how_common_a_name_is():
    key = "n:" + linkage_scoring.sound_key("babiker")
    # six of ten children: in a register this small, not much more than a typical name
    small = linkage_scoring.name_shares({key: 6}, 10)[key]
    assert linkage_scoring.TYPICAL_NAME_SHARE < small < 3 * linkage_scoring.TYPICAL_NAME_SHARE
    # six thousand of a hundred thousand is a common name; one child of a hundred thousand, a rare one
    assert linkage_scoring.name_shares({key: 6000}, 100_000)[key] > linkage_scoring.COMMON_NAME_SHARE
    assert linkage_scoring.name_shares({key: 1}, 100_000)[key] < linkage_scoring.RARE_NAME_SHARE
    assert linkage_scoring.name_shares({key: 0}, 100_000) == {}  # no holder, no share (nothing to weigh)


def test_the_larger_the_register_searched_the_fewer_points_a_pair_scores():
    a = child("Ardit", "Krasniqi", date(2011, 3, 4))
    b = child("Ardit", "Krasniqui", date(2011, 3, 4), id=2)
    reference = linkage_scoring.REGISTER_REFERENCE
    plain = linkage_scoring.compare(a, b)
    # up to the register the points were set on, nothing changes
    assert linkage_scoring.compare(a, b, searched=reference).score == plain.score
    assert all(e.feature != "prior" for e in linkage_scoring.compare(a, b, searched=reference).evidence)
    # each doubling beyond it takes REGISTER_POINTS off, said as its own line of evidence
    larger = linkage_scoring.compare(a, b, searched=4 * reference)
    assert larger.score == pytest.approx(plain.score - 2 * linkage_scoring.REGISTER_POINTS)
    prior = next(e for e in larger.evidence if e.feature == "prior")
    assert prior.text.startswith(f"{4 * reference:,} children searched")
    assert prior.words == ""  # not one of the plain words: it says nothing about the two records
    assert larger.score == pytest.approx(sum(e.points for e in larger.evidence))


def test_the_candidates_scored_grow_with_the_register_within_a_bound(monkeypatch):
    reference, cap = linkage_scoring.REGISTER_REFERENCE, linkage_scoring.MAX_CANDIDATES
    assert linkage_scoring.max_candidates(10**7) <= linkage_scoring.MAX_CANDIDATES_MOST  # as the service is set
    monkeypatch.setattr(linkage_scoring, "MAX_CANDIDATES_MOST", 2 * cap)
    assert linkage_scoring.max_candidates(500) == linkage_scoring.max_candidates(reference) == cap
    assert cap < linkage_scoring.max_candidates(2 * reference) < linkage_scoring.max_candidates(3 * reference)
    assert linkage_scoring.max_candidates(10**7) == 2 * cap


def test_evidence_totals_the_score():
    a = child("Ardit", "Krasniqi", date(2011, 3, 4))
    b = child("Ardit", "Krasniqui", date(2011, 4, 3), id=2)
    match = linkage_scoring.compare(a, b)
    assert match.score == pytest.approx(sum(e.points for e in match.evidence))
    assert {e["feature"] for e in match.evidence_dicts()} == {"name", "date_of_birth", "sex", "nationality"}


def test_blocking_keys_leave_out_particles_and_fold_day_and_month():
    profile = child("Abd al-Rahman", "bin Yusuf", date(2011, 3, 4), nationalities=("SD",))
    keys = linkage_scoring.blocking_keys(profile)
    assert "d:2011-03-04" in keys
    assert "d:2011-03-04" in linkage_scoring.blocking_keys(child("X", "Y", date(2011, 4, 3)))
    assert not any(k in keys for k in ("n:" + linkage_scoring.sound_key("al"), "n:" + linkage_scoring.sound_key("bin")))
    estimated = child("X", "Y", date(2011, 1, 1), estimated=True)
    assert not any(k.startswith("d:") for k in linkage_scoring.blocking_keys(estimated))  # 1 January joins too many
