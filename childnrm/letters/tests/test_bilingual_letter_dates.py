"""A bilingual letter (Welsh first, then English) is dated in each half's own language: the English half of the
referrer's letter must not carry a Welsh date ("2 Mawrth 2026")."""

from __future__ import annotations

import re
from datetime import date

import pytest

from childnrm.accounts.models import Nation, Role
from childnrm.kit.i18n import LetterLanguage
from childnrm.letters import services
from childnrm.letters.models import LetterKind
from childnrm.letters.tests.factories import demo as staff
from childnrm.letters.tests.factories import final_decision

pytestmark = pytest.mark.django_db


def from_lines(html: str) -> dict[str, str]:
    """Each half's heading line (the site and the letter's date), by the half's lang."""
    halves = re.findall(r'<div class="language" lang="(\w+)">\s*<p class="from">(.*?)</p>', html, re.S)
    return dict(halves)


def test_each_half_of_a_bilingual_letter_is_dated_in_its_own_language(demo, site):
    site.nation = Nation.WALES
    site.save()
    decision = final_decision("northbridge")
    produced = services.letters_produce(decision=decision, user=staff(Role.COORDINATOR))
    [letter] = [letter for letter in produced.letters if letter.kind == LetterKind.REFERRER_OUTCOME]
    assert letter.content["language"] == LetterLanguage.BILINGUAL
    # The function that wrote the PDF, on a day whose month is named differently in the two languages.
    html = services.letter_html(
        letter.content, kind=letter.kind, reference="RF-TEST", site_name=site.name, produced_on=date(2026, 3, 2)
    )
    dated = from_lines(html)
    assert set(dated) == {"cy", "en"}
    assert dated["cy"].endswith("2 Mawrth 2026")
    assert dated["en"].endswith("2 March 2026"), dated["en"]
