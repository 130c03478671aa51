"""The matching's reasons and nationalities on the possible-matches page, in the reader's language (issue 13).

Scoring keeps each reason as its wording and values (`linkage_scoring.Said`) beside the English text a decision
stores; `people.linkage_reasons` says it in the page's language. In English the page reads the stored text, with
nationalities named rather than coded; in Welsh no reason is left in English.
"""

from __future__ import annotations

from datetime import date

import pytest
from django.urls import reverse
from django.utils import translation
from markupsafe import escape

from childnrm.accounts.models import Nation, Role
from childnrm.core.tests.welsh import english_left
from childnrm.kit.i18n import Language
from childnrm.people import linkage, linkage_reasons
from childnrm.people.linkage_scoring import (
    Profile,
    TrainedWeights,
    compare,
    make_name,
    profile_from_values,
    sound_key,
)
from childnrm.people.models import Child
from childnrm.people.tests.test_welsh_people import matched, typed_and_named  # noqa: F401 (the fixture)
from conftest import demo_user, signed_in


def _profile(pid: int, given: str, family: str, born: date | None, **values) -> Profile:
    return profile_from_values(
        id=pid,
        reference=f"C-{pid}",
        given_names=given,
        family_name=family,
        date_of_birth=born,
        date_of_birth_estimated=values.pop("estimated", False),
        sex=values.pop("sex", "male"),
        nationalities=values.pop("nationalities", ["ER"]),
        referrals=values.pop("referrals", ()),
    )


# Pairs that between them reach every kind of reason: names alike in each way, swapped and regrouped names, an alias,
# dates of birth the same, swapped, a digit or days apart, placeholders and estimates, ages, sex and nationalities.
PAIRS = [
    (_profile(1, "Mohammed", "Tesfaye", date(2010, 4, 3)), _profile(2, "Muhammad", "Tesfay", date(2010, 3, 4))),
    (_profile(3, "Anna-Maria", "Krasniqi", date(2010, 1, 1)), _profile(4, "Ana Maria", "Krasnici", date(2010, 1, 1))),
    (_profile(5, "Yonas", "Haile", date(2010, 5, 1), estimated=True), _profile(6, "Yonas", "Haile", date(2010, 5, 1))),
    (_profile(7, "Ali", "Hassan", date(2011, 6, 12)), _profile(8, "Hassan", "Ali", date(2011, 6, 13), sex="female")),
    (
        _profile(9, "Nguyen Van", "Minh", date(2009, 2, 1), nationalities=["VN"]),
        _profile(10, "Van Minh", "Nguyen", date(2009, 8, 20), nationalities=["VN"]),
    ),
    (_profile(11, "Ermal", "Hoxha", date(2010, 7, 14)), _profile(12, "Ermal", "Hoxha", date(2011, 7, 14))),
    (_profile(13, "Ermal", "Hoxha", date(2010, 7, 14)), _profile(14, "Ermal", "Hoxha", date(2010, 7, 19))),
    (_profile(15, "Ermal", "Hoxha", date(2010, 7, 14)), _profile(16, "Ermal", "Hoxha", date(2010, 7, 15))),
    (_profile(17, "Ermal", "Hoxha", date(2010, 1, 1)), _profile(18, "Ermal", "Hoxha", date(2010, 9, 20))),
    (_profile(19, "Ermal", "Hoxha", date(2008, 1, 1)), _profile(20, "Ermal", "Hoxha", date(2010, 9, 20))),
    (_profile(21, "Ermal", "Hoxha", date(2010, 3, 1)), _profile(22, "Ermal", "Hoxha", date(2010, 8, 20))),
    (
        _profile(23, "Samuel", "Tekle", None, referrals=[("R-1", [], 15, date(2025, 1, 10))]),
        _profile(24, "Samuel", "Tekle", date(2009, 6, 1)),
    ),
    (_profile(25, "Filmon", "Berhane", date(2010, 2, 2)), _profile(26, "Semere", "Berhane", date(2010, 2, 2))),
    (
        _profile(27, "Dawit", "Abraha", date(2010, 2, 2), nationalities=["ER"]),
        _profile(28, "Dawit", "Abreha", date(2012, 9, 9), nationalities=["ET"], estimated=True),
    ),
    (
        _profile(29, "Arben", "Zeqiri", date(2010, 2, 2), nationalities=["DE"]),
        _profile(
            30,
            "Dawit",
            "Tekle",
            date(2010, 2, 2),
            nationalities=["FR"],
            referrals=[("R-2", [{"given_names": "Arben", "family_name": "Zekiri"}], None, None)],
        ),
    ),
]
TRAINED = TrainedWeights(
    weights={"given:same": 6.0},
    u={"given:same": 0.01},
    probability_two_random_records_match=0.001,
    records=19618,
    label="trained 4 December 2026 on 19,618 records",
    trained_on=date(2026, 12, 4),
)


def _comparisons() -> list:
    found = [compare(a, b) for a, b in PAIRS] + [
        compare(*PAIRS[0], trained=TRAINED, searched=10000),
        compare(*PAIRS[5], common={"n:" + sound_key(n): 0.05 for n in ("ermal", "hoxha")}),  # names common here
    ]
    return [e for match in found for e in match.evidence]


def _names() -> list[str]:
    return [t.shown for a, b in PAIRS for p in (a, b) for n in p.names for t in n.all_tokens] + [
        n.shown for a, b in PAIRS for p in (a, b) for n in p.names
    ]


def test_in_english_each_reason_reads_as_the_text_a_decision_stores():
    evidence = _comparisons()
    assert len({e.said.message for e in evidence if e.said}) >= 20  # the pairs reach most of the wording
    with translation.override("en-gb"):
        for e in evidence:
            assert e.said is not None, e.text
            if e.feature != "nationality":
                assert linkage_reasons.reason(e) == e.text
        different = next(e for e in evidence if e.text.startswith("Different nationalities"))
        assert linkage_reasons.reason(different) == "Different nationalities: Germany and France"


def test_in_welsh_no_reason_is_left_in_english():
    with translation.override("cy"):
        left = {e.text: english_left(f"<p>{linkage_reasons.reason(e)}</p>", names=_names()) for e in _comparisons()}
        assert {text: found for text, found in left.items() if found} == {}
        swapped = next(e for e in _comparisons() if "day and month swapped" in e.text)
        assert linkage_reasons.reason(swapped) == (
            "Dyddiadau geni 3 Ebrill 2010 a 4 Mawrth 2010: y diwrnod a’r mis wedi’u cyfnewid"
        )
        different = next(e for e in _comparisons() if e.text.startswith("Different nationalities"))
        assert different.text == "Different nationalities: DE and FR"
        assert linkage_reasons.reason(different) == "Cenedligrwydd gwahanol: Yr Almaen / Ffrainc"


def test_an_alias_a_trained_model_and_a_common_name_are_said_in_welsh_too():
    alias = make_name("Beni", "Zeqiri")
    assert alias.shown == "Beni Zeqiri"
    with translation.override("cy"):
        said = [linkage_reasons.reason(e) for e in _comparisons()]
    assert any("enw arall ar atgyfeiriad R-2" in s for s in said)
    assert any("wedi’i hyfforddi 4 Rhagfyr 2026 ar 19,618 o gofnodion" in s for s in said)
    assert any("(enw cyffredin yma: 5% o’r cofnodion)" in s for s in said)


@pytest.mark.django_db
def test_the_possible_matches_page_says_the_reasons_and_nationalities_in_welsh(matched):  # noqa: F811
    here, possible, _linked = matched
    Child.objects.filter(pk__in=[here.pk, possible.pk]).update(nationalities=["DE"])
    client = signed_in(demo_user(Role.COORDINATOR, "northbridge"))
    body = client.get(reverse("people:link-candidates", args=[here.reference])).content.decode()
    assert 'lang="en"' not in body.split("<main", 1)[1].split("</main>", 1)[0]  # no English quotation left
    assert "Dyddiadau geni 3 Ebrill 2011 a 4 Mawrth 2011: y diwrnod a’r mis wedi’u cyfnewid" in body
    assert "Cenedligrwydd a rennir: Yr Almaen" in body
    assert ">DE<" not in body and "Yr Almaen" in body  # the nationality by name beside each record
    assert english_left(body, names=typed_and_named()) == []


@pytest.mark.django_db
def test_in_english_the_page_shows_the_reasons_as_stored(matched, site):  # noqa: F811
    site.default_language = Language.ENGLISH
    site.nation = Nation.ENGLAND
    site.save(update_fields=["default_language", "nation"])
    here, possible, _linked = matched
    client = signed_in(demo_user(Role.COORDINATOR, "northbridge"))
    body = client.get(reverse("people:link-candidates", args=[here.reference])).content.decode()
    match = linkage.compare_children(here, possible)
    shown = [e for e in match.evidence if e.feature not in ("prior", "nationality")]
    assert shown
    for e in shown:
        assert str(escape(e.text)) in body
    assert "Shared nationality: Albania" in body and ">AL<" not in body
