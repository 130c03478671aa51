"""A possible earlier record's evidence at triage in the reader's language.

The search keeps the evidence's plain words as phrases (wording and values), not English text: a Welsh coordinator
read "Same date of birth; same given name; surname spelt differently (transliteration)" in English on a Welsh page.
Records kept before keep English text, which is said phrase by phrase.
"""

from __future__ import annotations

from datetime import date

import pytest
from django.utils import translation

from childnrm.accounts.models import Role
from childnrm.core.tests.welsh import english_left
from childnrm.people import linkage_reasons
from childnrm.people.linkage_scoring import compare
from childnrm.people.models import PossibleEarlierRecord
from childnrm.people.tests.profiles import child_profile
from childnrm.referrals.tests.factories import submitted_referral
from childnrm.referrals.tests.test_welsh_referrals import names_on
from conftest import demo_user, signed_in

pytestmark = pytest.mark.django_db

KNOWN = {"given_names": "Ardit", "family_name": "Krasniqi", "date_of_birth": date(2011, 3, 4), "nationalities": ["AL"]}
IN_WELSH = (
    "Yr un dyddiad geni; yr un enw cyntaf; cyfenw wedi’i sillafu’n wahanol (trawslythreniad); yr un cenedligrwydd"
)


@pytest.fixture
def known_and_again(welsh_site, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        first = submitted_referral(welsh_site.slug, **KNOWN)
    with django_capture_on_commit_callbacks(execute=True):
        again = submitted_referral(welsh_site.slug, **{**KNOWN, "family_name": "Krasniqui"})
    return first, again


def test_a_welsh_coordinator_reads_the_evidence_in_welsh(known_and_again, welsh_site):
    _, again = known_and_again
    user = demo_user(Role.COORDINATOR, welsh_site.slug)
    page = signed_in(user).get(f"/referrals/{again.reference}/triage/").content.decode()
    assert IN_WELSH in page
    assert "surname spelt differently" not in page
    assert english_left(page, names=names_on(user, welsh_site)) == []


def test_the_same_record_reads_in_english_on_an_english_page(known_and_again):
    _, again = known_and_again
    kept = PossibleEarlierRecord.objects.get(referral=again)
    with translation.override("en"):
        assert linkage_reasons.evidence_line(kept.words) == (
            "Same date of birth; same given name; surname spelt differently (transliteration); same nationality"
        )


def test_evidence_kept_as_english_text_before_reads_in_welsh_phrase_by_phrase():
    kept = ["same date of birth; date of birth may be a placeholder (1 January)", "same nationality"]
    with translation.override("cy"):
        line = linkage_reasons.evidence_line(kept)
    assert line == "Yr un dyddiad geni; efallai mai dalfan yw’r dyddiad geni (1 Ionawr); yr un cenedligrwydd"


@pytest.mark.parametrize(
    ("other", "english", "welsh"),
    [
        ({"dob": date(2011, 3, 7)}, "dates of birth 3 days apart", "3 diwrnod rhwng y dyddiadau geni"),
        ({"dob": date(2011, 3, 9)}, "dates of birth 1 day apart", "1 diwrnod rhwng y dyddiadau geni"),
        (
            {"given": "Ardit Besnik"},
            "same given names, with another given name in one record only",
            "yr un enwau cyntaf, gydag enw cyntaf arall mewn un cofnod yn unig",
        ),
    ],
)
def test_evidence_with_numbers_and_extra_names_is_said_whole_in_each_language(other, english, welsh):
    first = {"given": "Ardit", "family": "Krasniqi", "dob": date(2011, 3, 10), "nationalities": ["AL"]}
    match = compare(child_profile(**first), child_profile(**{**first, **other, "id": 2}))
    kept = [p.as_json() for p in match.in_phrases]
    assert english in [p.english() for p in match.in_phrases]
    with translation.override("cy"):
        assert welsh in linkage_reasons.evidence_line(kept).lower()


@pytest.mark.parametrize(
    ("kept", "welsh"),
    [
        ("surname spelt differently (a common name here)", "cyfenw wedi’i sillafu’n wahanol (enw cyffredin yma)"),
        ("dates of birth 3 days apart", "3 diwrnod rhwng y dyddiadau geni"),
        (
            "same given names, with another given name in one record only",
            "yr un enwau cyntaf, gydag enw cyntaf arall mewn un cofnod yn unig",
        ),
        ("ages about 2 years apart", "oedrannau tua 2 o flynyddoedd ar wahân"),
        ("estimated dates of birth about a year apart", "dyddiadau geni amcangyfrifedig tua blwyddyn ar wahân"),
    ],
)
def test_phrases_with_values_kept_as_english_text_before_read_whole_in_welsh(kept, welsh):
    with translation.override("cy"):
        line = linkage_reasons.evidence_line(["same date of birth", kept])
    assert line == f"Yr un dyddiad geni; {welsh}"
