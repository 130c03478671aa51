"""Issue 15, better comparisons: placeholder and estimated dates of birth, the same birthday a year apart,
transliterations folded in scoring and in blocking, and the twins rule kept, each with the plain words the
coordinator sees."""

from __future__ import annotations

from datetime import date
from functools import partial

import pytest

from childnrm.people import linkage, linkage_scoring
from childnrm.people.linkage_scoring import (
    DOB_PLACEHOLDER_DIFFERENT,
    DOB_SAME,
    DOB_SAME_ESTIMATED_DEFAULT,
    DOB_SAME_JANUARY_FIRST,
    DOB_SAME_MONTH_FIRST,
    DOB_SAME_YEAR,
    DOB_YEAR_APART,
    ESTIMATE_CLOSE,
    ESTIMATE_FITS,
    MATCH_THRESHOLD,
    TWINS_CAP,
    compare,
    evidence_line,
)
from childnrm.people.models import Child, ChildBlockingKey
from childnrm.people.tests.profiles import child_profile

record = partial(child_profile, nationalities=["SD"])


def line(a, b) -> str:
    return evidence_line(compare(a, b).in_words)


def date_evidence(a, b) -> linkage_scoring.Evidence:
    return next(e for e in compare(a, b).evidence if e.feature == "date_of_birth")


def shares_a_key(a, b) -> bool:
    return bool(linkage_scoring.blocking_keys(a) & linkage_scoring.blocking_keys(b))


# Dates of birth ----------------------------------------------------------------------------------


def test_mohammed_and_muhamad_born_1_january_are_a_possible_match_with_the_placeholder_said():
    a = record("Mohammed", "Babiker", date(2010, 1, 1))
    b = record("Muhamad", "Babiker", date(2010, 1, 1), id=2)
    match = compare(a, b)
    assert match.score >= MATCH_THRESHOLD
    assert line(a, b) == (
        "Same date of birth; date of birth may be a placeholder (1 January); "
        "given name spelt differently (transliteration); same surname; same nationality"
    )
    assert shares_a_key(a, b)


def test_agreement_on_a_placeholder_date_is_weaker_than_on_a_full_date():
    full = date_evidence(record("Ardit", "Hoxha", date(2011, 3, 4)), record("Ardit", "Hoxha", date(2011, 3, 4), id=2))
    month = date_evidence(record("Ardit", "Hoxha", date(2011, 3, 1)), record("Ardit", "Hoxha", date(2011, 3, 1), id=2))
    january = date_evidence(
        record("Ardit", "Hoxha", date(2011, 1, 1)), record("Ardit", "Hoxha", date(2011, 1, 1), id=2)
    )
    flagged = date_evidence(
        record("Ardit", "Hoxha", date(2011, 1, 1), date_of_birth_estimated=True),
        record("Ardit", "Hoxha", date(2011, 1, 1), id=2),
    )
    assert [full.points, month.points, january.points, flagged.points] == [
        DOB_SAME,
        DOB_SAME_MONTH_FIRST,
        DOB_SAME_JANUARY_FIRST,
        DOB_SAME_ESTIMATED_DEFAULT,
    ]
    assert DOB_SAME > DOB_SAME_MONTH_FIRST > DOB_SAME_JANUARY_FIRST > DOB_SAME_ESTIMATED_DEFAULT > 0
    assert month.words == "same date of birth; date of birth may be a placeholder (1st of the month)"
    assert january.words == "same date of birth; date of birth may be a placeholder (1 January)"


def test_a_1_january_placeholder_and_a_real_date_that_year_is_not_held_against_a_match():
    """The fault issue 15 names: 1 January against 20 June of the same year scored -4.5."""
    a = record("Ardit", "Krasniqi", date(2010, 1, 1), nationalities=["AL"])
    b = record("Ardit", "Krasniqi", date(2010, 6, 20), nationalities=["AL"], id=2)
    found = date_evidence(a, b)
    assert found.points > DOB_SAME_YEAR and found.points >= 0
    assert found.words == "date of birth may be a placeholder (1 January)"
    assert "1 January 2010 may be a placeholder (1 January) for the other date" in found.text
    assert compare(a, b).score >= MATCH_THRESHOLD
    # Two children called Ardit Krasniqi born the same year on two real dates are still told apart.
    c = record("Ardit", "Krasniqi", date(2010, 9, 30), nationalities=["AL"], id=3)
    assert date_evidence(b, c).points == DOB_SAME_YEAR


def test_a_1st_of_the_month_placeholder_fits_its_month_and_is_only_weak_evidence_against_another():
    first = record("Yonas", "Tesfay", date(2011, 3, 1), nationalities=["ER"])
    same_month = date_evidence(first, record("Yonas", "Tesfay", date(2011, 3, 24), nationalities=["ER"], id=2))
    assert same_month.points > 0
    assert same_month.words == "date of birth may be a placeholder (1st of the month)"
    other_month = date_evidence(first, record("Yonas", "Tesfay", date(2011, 8, 24), nationalities=["ER"], id=3))
    assert other_month.points == DOB_PLACEHOLDER_DIFFERENT
    assert DOB_SAME_YEAR < DOB_PLACEHOLDER_DIFFERENT < 0
    assert "may be a placeholder (1st of the month)" in other_month.words


def test_an_estimated_date_that_disagrees_is_only_weak_evidence_against():
    a = record("Filmon", "Gebremedhin", date(2010, 6, 20), nationalities=["ER"])
    b = record("Filmon", "Gebremedhin", date(2008, 1, 1), date_of_birth_estimated=True, nationalities=["ER"], id=2)
    found = date_evidence(a, b)
    assert found.points == 0.0
    assert found.words == "estimated dates of birth about 2 years apart"


def test_an_estimated_age_that_is_the_age_a_full_date_of_birth_gives_that_day_counts_for_more():
    """An age is a whole number: a child's own estimated age fits its full date of birth on the day the age was given
    more often than another child's does; an age a year out is about as likely for another child."""
    full = record("Yonas", "Tesfay", date(2010, 6, 20), nationalities=["ER"])

    def aged(years: int, on: date, id: int):
        return record("Yonas", "Tesfay", None, nationalities=["ER"], id=id, referrals=[(f"RF-{id}", [], years, on)])

    fifteen = aged(15, date(2026, 2, 1), 2)  # born 20 June 2010: 15 on 1 February 2026
    sixteen = aged(16, date(2026, 2, 1), 3)  # a year out
    turned = aged(16, date(2026, 6, 20), 4)  # 16 on the birthday itself
    fits = date_evidence(full, fifteen)
    assert fits.points == ESTIMATE_FITS == date_evidence(fifteen, full).points
    assert ESTIMATE_CLOSE < ESTIMATE_FITS < DOB_SAME_JANUARY_FIRST
    assert fits.words == "estimated age fits the date of birth"
    assert fits.text == (
        "The estimated age is the age the date of birth gives on that day: date of birth 20 June 2010 and estimated "
        "age 15 on 1 February 2026"
    )
    assert date_evidence(full, turned).points == ESTIMATE_FITS
    year_out = date_evidence(full, sixteen)
    assert year_out.points == 0.0
    assert year_out.words == "ages about a year apart, within what estimates miss by"
    assert compare(full, fifteen).score - compare(full, sixteen).score == ESTIMATE_FITS
    # Two ages, or an age and a 1 January (perhaps only the year), are compared as before: within a year is close.
    assert date_evidence(fifteen, aged(15, date(2026, 3, 1), 5)).points == ESTIMATE_CLOSE
    placeholder = record("Yonas", "Tesfay", date(2010, 1, 1), date_of_birth_estimated=True, nationalities=["ER"], id=6)
    assert date_evidence(placeholder, fifteen).points == ESTIMATE_CLOSE


def test_the_same_birthday_a_year_apart_is_mild_evidence_for_and_is_found():
    """The fault issue 15 names: 4 March 2009 and 4 March 2010 scored -6 (different dates)."""
    a = record("Besnik", "Gashi", date(2009, 3, 4), nationalities=["AL"])
    b = record("Besnik", "Gashi", date(2010, 3, 4), nationalities=["AL"], id=2)
    found = date_evidence(a, b)
    assert found.points == DOB_YEAR_APART and 0 < DOB_YEAR_APART < DOB_SAME
    assert found.words == "same birthday a year apart"
    assert line(a, b).startswith("Same birthday a year apart; same given name; same surname")
    assert compare(a, b).score >= MATCH_THRESHOLD
    # found by the day-and-month keys, searched whatever the birth year
    shared = linkage_scoring.blocking_keys(a) & linkage_scoring.blocking_keys(b)
    assert any(linkage_scoring.any_year(k) for k in shared)
    # a 1 January a year apart is two placeholders, not a birthday
    jan = date_evidence(record("X", "Y", date(2009, 1, 1)), record("X", "Y", date(2010, 1, 1), id=2))
    assert "birthday" not in jan.words


# Names -------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("first", "second"),
    [
        ("Yusuf", "Jusuf"),  # j/y, the first letter too
        ("Wasim", "Vasim"),  # w/v
        ("Rafael", "Raphael"),  # ph/f
        ("Khalil", "Halil"),  # kh/h
        ("Youssra", "Yusra"),  # ou/u and a doubled letter
        ("Sameer", "Samir"),  # ee/i
        ("Ghirmay", "Girmai"),  # gh/g, y/i
        ("Xhemal", "Jemal"),  # Albanian xh
        ("Gjergj", "Djerdj"),  # Albanian gj
        ("Hamzah", "Hamza"),  # a final h
        ("Mohanad", "Muhannad"),  # the same consonants, vowels that may be one sound
        ("Abdelkarim", "Abdulkareem"),
        ("Tewolde", "Tewelde"),
    ],
)
def test_transliterations_no_table_lists_are_a_given_name_spelt_differently(first, second):
    a = record(first, "Babiker")
    b = record(second, "Babiker", id=2)
    match = compare(a, b)
    assert match.score >= MATCH_THRESHOLD
    given = next(e for e in match.evidence if e.text.startswith("Given name"))
    assert given.points == linkage_scoring.GIVEN_VARIANT
    assert given.words == "given name spelt differently (transliteration)"
    assert "transliterat" in given.text
    assert shares_a_key(record(first, "Smith"), record(second, "Jones", id=2))  # the name alone finds it


def test_the_consonant_key_joins_spellings_the_phonetic_key_splits():
    keys = {n: linkage_scoring.consonant_key(linkage_scoring.fold(n)) for n in ("Mohammed", "Muhamad", "Mohamed")}
    assert set(keys.values()) == {"mhmd"}
    for first, second, key in (
        ("Khalil", "Halil", "s:hll"),
        ("Yusuf", "Jusuf", "s:jsf"),
        ("Gjergj", "Djerdj", "s:jrj"),
    ):
        assert linkage_scoring.sound_key(first.lower()) != linkage_scoring.sound_key(second.lower())
        shared = linkage_scoring.blocking_keys(record(first, "")) & linkage_scoring.blocking_keys(
            record(second, "", id=2)
        )
        assert key in shared


def test_keys_stored_before_issue_15_are_still_derived_the_same_way():
    """Only `s:` keys (and their day-and-month forms) were added: rows already stored stay valid."""
    keys = linkage_scoring.blocking_keys(record("Dritan", "Shehu", date(2011, 3, 4), nationalities=["AL"]))
    nysiis = linkage_scoring.sound_key("dritan")
    assert {"n:" + nysiis, "d:2011-03-04", "x:0304:" + nysiis} <= keys
    assert {k[:2] for k in keys} == {"n:", "s:", "d:", "x:"}


@pytest.mark.parametrize(
    ("first", "second", "nationality"),
    [
        ("Hassan", "Hussein", "SD"),  # brothers' names: the same consonants, vowels that cannot be one sound
        ("Hamid", "Hamad", "SD"),
        ("Mohammed", "Mahmoud", "SD"),
        ("Ali", "Eli", "SD"),  # short names are compared letter by letter
        ("Tuan", "Toan", "VN"),  # Vietnamese syllables are not folded
        ("Hùng", "Hồng", "VN"),
    ],
)
def test_names_that_only_look_alike_are_not_taken_for_a_transliteration(first, second, nationality):
    a = record(first, "Nguyen" if nationality == "VN" else "Babiker", nationalities=[nationality])
    b = record(
        second, "Nguyen" if nationality == "VN" else "Babiker", date(2012, 9, 9), nationalities=[nationality], id=2
    )
    match = compare(a, b)
    assert match.score < MATCH_THRESHOLD
    given = next(e for e in match.evidence if e.text.startswith("Given name"))
    assert given.points <= linkage_scoring.GIVEN_WEAK  # at best "partly alike", never a spelling of one name
    assert "transliteration" not in given.words


def test_given_and_family_names_swapped_and_transliterated_are_found_and_said():
    a = record("Yusuf", "Krasniqi", nationalities=["AL"])
    b = record("Krasnichi", "Jusuf", nationalities=["AL"], id=2)
    match = compare(a, b)
    assert match.score >= MATCH_THRESHOLD
    assert "given name and surname the other way round" in match.in_words
    assert shares_a_key(a, b)


# The twins rule ----------------------------------------------------------------------------------


def test_twins_are_still_not_matched_even_when_a_shared_first_name_would_add_up():
    """Same family name and date of birth, another given name: a brother, however much else agrees."""
    a = record("Mohammad Nabi", "Kohistani", date(2009, 5, 5), nationalities=["AF"])
    b = record("Mohammad Wali", "Kohistani", date(2009, 5, 5), nationalities=["AF"], id=2)
    match = compare(a, b)
    assert match.score == TWINS_CAP < MATCH_THRESHOLD
    assert match.score == pytest.approx(sum(e.points for e in match.evidence))
    assert "same surname and date of birth but a different given name (likely twins)" in match.in_words


def test_the_twins_cap_holds_when_the_pieces_have_more_than_two_decimals():
    # Trained weights and name shares give pieces such as -2.265: the capped score must not round up past the cap
    # (17.625 capped by -12.12 gave 5.51, a pair of twins above TWINS_CAP).
    for raw in (17.625, 12.345, 9.999, 7.3, 5.505):
        capped = round(raw + linkage_scoring.twins_cap_points(raw), 2)
        assert capped <= TWINS_CAP
        assert capped >= TWINS_CAP - 0.01  # brought down to the cap, not further


def test_twins_born_on_a_placeholder_date_are_not_matched():
    a = record("Hassan", "Babiker", date(2010, 1, 1))
    b = record("Hussein", "Babiker", date(2010, 1, 1), id=2)
    assert compare(a, b).score < MATCH_THRESHOLD


# What a large register needs (issue 15: precision at 20,000 and 100,000 records) ---------------------


def test_a_given_name_alone_with_an_estimated_date_is_not_shown_but_with_the_same_date_it_is():
    """One-name children (many Afghan children are known by one name) matched any child of that given name born
    within a year: the commonest false candidate on the generated set at 20,000 records."""
    a = record("Ahmad", "", date(2010, 1, 1), date_of_birth_estimated=True, nationalities=["AF"])
    b = record("Ahmad", "Rahimi", date(2010, 8, 14), nationalities=["AF"], id=2)
    match = compare(a, b)
    assert match.score < MATCH_THRESHOLD
    assert "no surname to compare" in match.in_words
    assert any(e.points == -linkage_scoring.GIVEN_NAME_ONLY for e in match.evidence)
    # the same given name and the same full date of birth are still shown
    same_date = record("Ahmad", "Rahimi", date(2010, 8, 14), nationalities=["AF"], id=3)
    assert compare(record("Ahmad", "", date(2010, 8, 14), nationalities=["AF"]), same_date).score >= MATCH_THRESHOLD


def test_a_near_date_with_another_family_name_is_two_differences_not_a_slip():
    a = record("Omer", "Babiker", date(2011, 3, 4))
    other_family = record("Omer", "Elhassan", date(2011, 2, 28), id=2)
    found = date_evidence(a, other_family)
    assert found.points == linkage_scoring.NEAR_DATE_OTHER_FAMILY
    assert found.words == "dates of birth 4 days apart"  # the words are the same; only the weight is less
    assert compare(a, other_family).score < MATCH_THRESHOLD
    # with the same family name a day apart is still a slip, at its full weight
    same_family = record("Omer", "Babiker", date(2011, 2, 28), id=3)
    assert date_evidence(a, same_family).points == linkage_scoring.DOB_WITHIN_WEEK
    assert compare(a, same_family).score >= MATCH_THRESHOLD


def test_the_same_names_are_not_regrouped_to_escape_the_discount_for_a_common_family_name():
    """ "Van Minh Nguyen" twice scored as "names split differently" (8.5 - 1) rather than the same names with
    Nguyen discounted (4.5 + 4 - 1.5): regrouping is for names that do not agree as written."""
    a = record("Văn Minh", "Nguyễn", date(2010, 1, 1), date_of_birth_estimated=True, nationalities=["VN"])
    b = record("Van Minh", "Nguyen", date(2010, 6, 1), date_of_birth_estimated=True, nationalities=["VN"], id=2)
    common = {"n:" + linkage_scoring.sound_key("nguyen"): 0.3}
    match = compare(a, b, common=common)
    assert "names split differently between given name and surname" not in match.in_words
    assert any("(a common name here)" in w for w in match.in_words)
    # names split another way are still regrouped
    c = record("Minh Nguyen", "", date(2010, 6, 1), date_of_birth_estimated=True, nationalities=["VN"], id=3)
    assert "names split differently between given name and surname" in compare(a, c, common=common).in_words


# Through the database ----------------------------------------------------------------------------


def make_child(site, given: str, family: str, dob, **fields) -> Child:
    fields.setdefault("nationalities", ["SD"])
    fields.setdefault("sex", "male")
    return Child.objects.create(site=site, given_names=given, family_name=family, date_of_birth=dob, **fields)


def test_a_transliterated_record_born_1_january_is_found_with_its_evidence_and_keys_can_be_rebuilt(site):
    earlier = make_child(site, "Mohanad", "Elnour", date(2010, 1, 1))
    later = make_child(site, "Muhannad", "Elnur", date(2010, 1, 1))
    found = {c.child.pk: c for c in linkage.candidates_for(later, site_ids=[site.pk])}
    assert earlier.pk in found
    assert evidence_line(found[earlier.pk].match.in_words).startswith(
        "Same date of birth; date of birth may be a placeholder (1 January); "
        "given name spelt differently (transliteration)"
    )

    # Rows written before the consonant keys existed: the rebuild puts them back.
    ChildBlockingKey.objects.filter(child__in=[earlier, later], key__startswith="s:").delete()
    assert linkage.blocking_keys_rebuild(site_ids=[site.pk]) > 0
    assert ChildBlockingKey.objects.filter(child=earlier, key="s:mhnd").exists()
