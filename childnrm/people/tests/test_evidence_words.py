"""The evidence of a possible match in plain words, as triage shows it, and names shown exactly as entered."""

from __future__ import annotations

from datetime import date
from functools import partial

import pytest

from childnrm.people.linkage_scoring import compare, evidence_line, profile_from_values
from childnrm.people.tests.profiles import child_profile

record = partial(child_profile, nationalities=["AL"])


def words(a, b) -> str:
    return evidence_line(compare(a, b).in_words)


def test_a_transliterated_surname_reads_as_the_coordinator_would_say_it():
    line = words(record("Ardit", "Krasniqi"), record("Ardit", "Krasniqui", id=2))
    assert line == "Same date of birth; same given name; surname spelt differently (transliteration); same nationality"


@pytest.mark.parametrize(
    ("first", "second", "expected"),
    [
        # day and month transposed, a given name spelt another way, nationalities often confused
        (
            record("Tesfay", "Gebremedhin", date(2011, 4, 3), nationalities=["ER"]),
            record("Tesfaye", "Gebremedhin", date(2011, 3, 4), nationalities=["ET"], id=2),
            "Date of birth with day and month swapped; given name spelt differently (transliteration); same surname; "
            "nationalities often recorded for each other",
        ),
        # siblings: the same family name and birthday, but another given name and sex
        (
            record("Ardit", "Hoxha"),
            record("Elira", "Hoxha", id=2, sex="female"),
            "Same date of birth; different given name; same surname; sex recorded differently; same nationality",
        ),
        # given and family names written the other way round
        (
            record("Ardit", "Krasniqi"),
            record("Krasniqi", "Ardit", id=2),
            "Same date of birth; given name and surname the other way round; same given name; same surname; "
            "same nationality",
        ),
        # dates of birth a few days apart
        (
            record("Ardit", "Krasniqi", date(2011, 3, 4)),
            record("Ardit", "Krasniqi", date(2011, 3, 10), id=2),
            "Dates of birth 6 days apart; same given name; same surname; same nationality",
        ),
    ],
)
def test_each_kind_of_evidence_has_plain_words(first, second, expected):
    assert words(first, second) == expected


def test_the_words_carry_no_score_and_agreement_on_sex_is_left_out():
    match = compare(record("Ardit", "Krasniqi"), record("Ardit", "Krasniqi", id=2))
    line = evidence_line(match.in_words)
    assert str(match.score) not in line and "point" not in line
    assert "male" not in line  # both boys: says little, so not a reason to read


def test_names_are_shown_exactly_as_entered_hyphens_included():
    a = record("Abdul-Rahman", "Smith-Jones")
    assert a.main_name.shown == "Abdul-Rahman Smith-Jones"
    # One record writes as one word what the other hyphenates: the evidence quotes the name as written.
    detail = "\n".join(e.text for e in compare(a, record("Abdulrahman", "Smith-Jones", id=2)).evidence)
    assert "'Abdul-Rahman'" in detail and "Abdul Rahman" not in detail
    # An alias on a referral keeps its hyphen too.
    c = profile_from_values(
        id=3,
        reference="CH-3",
        given_names="Ardit",
        family_name="Krasniqi",
        date_of_birth=None,
        date_of_birth_estimated=False,
        sex="male",
        nationalities=["AL"],
        referrals=[("NRM-1", [{"given_names": "Jean-Luc", "family_name": "Krasniqi"}], None, None)],
    )
    assert [n.shown for n in c.aliases] == ["Jean-Luc Krasniqi"]
