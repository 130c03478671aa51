"""The guidance's title and test in the reader's language (ADR 0023; the Cardiff walk of issue 13).

A decision records the guidance version's code and the test in its guidance's English words (that is what was
applied, and the record sent on is English). A Welsh page used to glue that English into Welsh sentences
("Canllawiau: Modern Slavery Statutory Guidance from 10 July 2023", "Y prawf a gymhwyswyd: whether there are
reasonable grounds ..."). It now says the title in Welsh with a Welsh date, and the test in Welsh, quoting the
recorded English beside it, marked lang="en".
"""

from __future__ import annotations

import re

import pytest
from django.urls import reverse
from django.utils import timezone, translation

from childnrm.accounts import nations
from childnrm.accounts.models import Role
from childnrm.decisions import guidance
from childnrm.decisions.models import Outcome
from childnrm.decisions.tests.factories import draft_decision, final_decision, record_complete
from conftest import demo_user, signed_in

SITE = "northbridge"
WELSH_TITLE = "Canllawiau Statudol Caethwasiaeth Fodern o 10 Gorffennaf 2023 ymlaen"
WELSH_TEST = (
    "a oes sail resymol dros gredu, ar sail yr holl dystiolaeth gyffredinol a phenodol sydd ar gael ond heb gyrraedd "
    "lefel prawf terfynol, fod y person yn ddioddefwr caethwasiaeth fodern"
)


def test_in_english_every_version_shows_the_title_and_test_it_records():
    for version in guidance.BY_CODE.values():
        assert version.title_shown() == version.title
        for test in version.tests.values():
            assert guidance.test_shown(test) == test and not guidance.test_translated(test)


def test_in_welsh_every_version_has_a_welsh_title_and_test_with_welsh_dates():
    with translation.override("cy"):
        titles = {code: guidance.title_shown(code) for code in guidance.BY_CODE}
        tests = {test: guidance.test_shown(test) for v in guidance.BY_CODE.values() for test in v.tests.values()}
    assert titles["sg-2023-07"] == WELSH_TITLE
    assert titles["sg-2023-01"] == (
        "Canllawiau Statudol Caethwasiaeth Fodern, 30 Ionawr i 9 Gorffennaf 2023 (roedd angen tystiolaeth wrthrychol)"
    )
    assert titles["sg-2021"] == "Canllawiau Statudol Caethwasiaeth Fodern ar gyfer Cymru a Lloegr (cyn 30 Ionawr 2023)"
    for code, title in titles.items():
        assert not re.search(r"\b(January|July|Guidance|from|before)\b", title), (code, title)
    assert tests[guidance.RG_GENERAL_EVIDENCE] == WELSH_TEST
    for english, welsh in tests.items():
        assert welsh != english and not re.search(r"\b(whether|the|victim)\b", welsh), welsh
    # A wording the versions do not hold (an older record) is shown as recorded.
    with translation.override("cy"):
        assert guidance.test_shown("whether something else") == "whether something else"
        assert not guidance.test_translated("whether something else")
        assert guidance.title_shown("an-old-code") == "an-old-code"


def test_every_nations_victim_wording_is_a_message():
    """The tests are translated through whom they are about: a nation's wording missing here would stay English."""
    assert {rules.victim_of for rules in nations.RULES.values()} <= set(guidance.VICTIM_WORDS)


def welsh_page(user, url: str) -> str:
    page = signed_in(user).get(url).content.decode()
    assert '<html lang="cy"' in page
    return page


def assert_welsh_guidance(page: str, decision) -> None:
    assert WELSH_TITLE in page
    assert "Modern Slavery Statutory Guidance" not in page
    assert WELSH_TEST[1:] in page  # "A oes ..." at the start of a row, "a oes ..." after a colon
    # The recorded English is quoted beside it, marked as English.
    quoted = re.findall(r'<span lang="en">([^<]*)</span>', page)
    assert any(decision.test_applied[1:] in q for q in quoted), quoted
    assert "Y prawf a gymhwyswyd: whether" not in page


@pytest.mark.django_db
def test_the_welsh_decision_pages_say_the_guidance_and_the_test_in_welsh(welsh_site):
    draft = draft_decision(SITE)
    coordinator = demo_user(Role.COORDINATOR, SITE)
    for name in ("record", "section-outcome"):
        page = welsh_page(coordinator, reverse(f"decisions:{name}", args=[draft.pk]))
        if name == "record":
            assert_welsh_guidance(page, draft)
        else:
            assert f"Y prawf a gymhwyswyd: {WELSH_TEST}." in page
            assert f'<span lang="en">{draft.test_applied}</span>' in page

    complete = record_complete(draft_decision(SITE), outcome=Outcome.POSITIVE, decided_on=timezone.localdate())
    assert_welsh_guidance(
        welsh_page(demo_user(Role.CHAIR, SITE), reverse("decisions:finalise", args=[complete.pk])), complete
    )

    final = final_decision(SITE)
    assert_welsh_guidance(welsh_page(coordinator, reverse("decisions:detail", args=[final.pk])), final)
    # What the decision records is unchanged: the English of its guidance.
    final.refresh_from_db()
    assert (final.guidance_version, final.test_applied) == ("sg-2023-07", guidance.RG_GENERAL_EVIDENCE)


@pytest.mark.django_db
def test_the_english_decision_page_is_as_it_was(site):
    final = final_decision(SITE)
    page = signed_in(demo_user(Role.COORDINATOR, SITE)).get(reverse("decisions:detail", args=[final.pk])).content
    page = page.decode()
    assert "Modern Slavery Statutory Guidance from 10 July 2023" in page
    assert f'<span lang="en">{final.test_applied[0].upper()}{final.test_applied[1:]}</span>' in page
    assert "In English, as the decision records it" not in page
