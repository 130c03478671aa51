"""The letters page in Welsh says the decision's outcome and the child's languages in Welsh. `lang="en"` marks only
what really is English on it: a language pycountry has no Welsh name for, shown by its English name."""

from __future__ import annotations

import re

import pytest
from django.urls import reverse

from childnrm.accounts.models import Role
from childnrm.letters.tests.factories import final_decision

pytestmark = pytest.mark.django_db


def row(page: str, key: str) -> str:
    found = re.search(
        rf'<dt class="govuk-summary-list__key">{key}</dt>\s*<dd class="govuk-summary-list__value"[^>]*>(.*?)</dd>',
        page,
        re.S,
    )
    assert found, key
    return found.groups()[-1]


def test_the_outcome_and_the_childs_languages_are_welsh_on_a_welsh_page(welsh_site, client_as):
    decision = final_decision("northbridge")
    referral = decision.referral
    referral.languages = ["ar", "ti"]  # Arabic has a Welsh name (Arabeg); Tigrinya has none in pycountry
    referral.save(update_fields=["languages"])
    page = client_as(Role.COORDINATOR).get(reverse("letters:decision", args=[decision.pk])).content.decode()
    assert '<html lang="cy"' in page

    outcome = row(page, "Canlyniad")
    assert outcome.strip() == "Cadarnhaol: mae sail resymol dros gredu bod y plentyn yn ddioddefwr caethwasiaeth fodern"
    assert 'lang="en"' not in outcome

    languages = row(page, "Ieithoedd y plentyn")
    assert languages.startswith("Arabeg, "), languages
    assert '<span lang="en">Tigrinya</span>' in languages
    assert "Arabic" not in languages


def test_on_an_english_page_nothing_is_marked_as_another_language(site, client_as):
    decision = final_decision("northbridge")
    decision.referral.languages = ["ar", "ti"]
    decision.referral.save(update_fields=["languages"])
    page = client_as(Role.COORDINATOR).get(reverse("letters:decision", args=[decision.pk])).content.decode()
    assert row(page, "Outcome").strip() == (
        "Positive: there are reasonable grounds to believe that the child is a victim of modern slavery"
    )
    assert row(page, "The child(?:&#39;|&#x27;|’|')s languages").startswith("Arabic, Tigrinya")
