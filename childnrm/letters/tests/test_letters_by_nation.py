"""The child's letter says who sits on the panel as the child's nation runs children's social care: people from their
council in England, Wales and Scotland; in Northern Ireland, where Health and Social Care Trusts run social care (and
health), people from their Health and Social Care Trust. Never "your council" to a child in Northern Ireland."""

from __future__ import annotations

from datetime import date

import pytest

from childnrm.accounts.models import Nation, Site
from childnrm.decisions.models import Decision, Outcome, Stage
from childnrm.kit.i18n import language
from childnrm.letters import content
from childnrm.letters.tests.test_readability import (  # noqa: F401 (the fixture: textstat's pronouncing dictionary)
    CEILINGS,
    PEOPLE,
    _pronouncing_dictionary,
)
from childnrm.letters.tests.test_welsh_readability import CEILINGS as WELSH_CEILINGS
from childnrm.letters.tests.welsh_reading import measure
from childnrm.people.models import Child
from childnrm.referrals.models import Referral

TEENAGER_BORN = date(2011, 6, 1)


def teenagers_letter(nation: str, outcome: str = Outcome.POSITIVE) -> str:
    site = Site(name="Belfast Child Panel", slug="belfast", nation=nation, reconsideration_window_days=30)
    referral = Referral(site=site, child=Child(site=site, given_names="Amara", date_of_birth=TEENAGER_BORN))
    decision = Decision(
        referral=referral, stage=Stage.REASONABLE_GROUNDS, outcome=outcome, decided_on=date(2026, 12, 1)
    )
    letter = content.child_letter(
        decision,
        people=PEOPLE["guardian and social worker named"],
        reconsider_by=date(2026, 12, 31),
        dated=date(2026, 12, 3),
    )
    assert letter["wording"] == content.Wording.TEENAGER
    return content.letter_text(letter)


@pytest.mark.parametrize("outcome", [Outcome.POSITIVE, Outcome.NEGATIVE])
def test_a_northern_ireland_letter_names_the_health_and_social_care_trust_not_a_council(outcome):
    text = teenagers_letter(Nation.NORTHERN_IRELAND, outcome)
    assert "council" not in text
    assert "It is a group of people from your Health and Social Care Trust and the police." in text
    with language("cy"):
        welsh = teenagers_letter(Nation.NORTHERN_IRELAND, outcome)
    assert "cyngor" not in welsh and "gyngor" not in welsh
    assert "Ymddiriedolaeth Iechyd a Gofal Cymdeithasol" in welsh


@pytest.mark.parametrize("nation", [Nation.ENGLAND, Nation.WALES, Nation.SCOTLAND])
def test_elsewhere_the_letter_names_the_council(nation):
    assert "It is a group of people from your council, the police and health." in teenagers_letter(nation)
    with language("cy"):
        assert "o dy gyngor" in teenagers_letter(nation)


def test_the_northern_ireland_letter_is_as_easy_to_read():
    import textstat

    text = teenagers_letter(Nation.NORTHERN_IRELAND)
    most_grade, least_ease = CEILINGS[content.Wording.TEENAGER]
    assert textstat.flesch_kincaid_grade(text) <= most_grade
    assert textstat.flesch_reading_ease(text) >= least_ease
    with language("cy"):
        welsh = teenagers_letter(Nation.NORTHERN_IRELAND)
    found, most = measure(welsh), WELSH_CEILINGS[content.Wording.TEENAGER]
    for name in type(most).__dataclass_fields__:
        assert getattr(found, name) <= getattr(most, name), (name, found, welsh)
