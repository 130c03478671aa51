"""Small Welsh problems the Cardiff walk of issue 13 found (ADR 0023):

- a label put inside a sentence for a screen reader ("Change <label>") was lowered whole, so its names were too:
  "Newid rhif gig", "cyfeirnod swyddfa gartref", "(deddf plant 1989 a17)". `lower_first` lowers the first letter
  only, and keeps a label that begins with a name as it is ("NHS number", "Home Office reference");
- "dod yn ôl at yr atgyfeiriad hwn o eich atgyfeiriadau": "o" and "eich" make "o'ch" (a typographic apostrophe);
- the guardian service as an agency read "gwasanaeth Gwarcheidwaid ..." in lower case at the start of a cell: the
  nations' lower-cased words for inside a sentence won the shared catalogue over the agency's.
"""

from __future__ import annotations

import re

import pytest
from django.urls import reverse
from django.utils import translation

from childnrm.accounts.models import Role
from childnrm.kit.jinja2 import lower_first
from childnrm.panels.models import Agency
from childnrm.referrals.demo import complete_answers
from childnrm.referrals.services import referral_save, referral_start
from childnrm.safeguarding.models import StatutoryKind
from childnrm.triage.demo import submitted_referral
from childnrm.triage.services import triage_confirm
from conftest import demo_user, signed_in


def test_lower_first_lowers_only_the_first_letter_of_a_common_noun():
    with translation.override("cy"):
        assert lower_first("Rhif GIG") == "rhif GIG"
        assert lower_first("Cyfeirnod Swyddfa Gartref") == "cyfeirnod Swyddfa Gartref"
        assert lower_first("Plentyn mewn angen (Deddf Plant 1989 a17)") == "plentyn mewn angen (Deddf Plant 1989 a17)"
        assert lower_first("GIG") == "GIG"
    with translation.override("en-gb"):
        assert lower_first("Date of birth") == "date of birth"
        assert lower_first("NHS number") == "NHS number"
        assert lower_first("Home Office reference") == "Home Office reference"
        assert lower_first("Child in need (Children Act 1989 s17)") == "child in need (Children Act 1989 s17)"
        assert lower_first("") == ""


def hidden_change_labels(page: str) -> list[str]:
    return re.findall(r'>Newid<span class="govuk-visually-hidden"> ([^<]*)</span>', page)


@pytest.mark.django_db
def test_the_welsh_check_answers_page_keeps_the_names_in_its_change_links(welsh_site):
    user = demo_user(Role.FIRST_RESPONDER)
    answers = {**complete_answers(welsh_site), "nhs_number": "9434765919", "home_office_reference": "B1234567"}
    draft = referral_save(referral=referral_start(user=user), user=user, data=answers)
    page = signed_in(user).get(reverse("referrals:check-answers", args=[draft.reference])).content.decode()
    labels = hidden_change_labels(page)
    assert "rhif GIG" in labels and "cyfeirnod Swyddfa Gartref" in labels
    assert not [label for label in labels if label in ("rhif gig", "cyfeirnod swyddfa gartref")]


@pytest.mark.django_db
def test_ending_a_statutory_status_keeps_the_acts_name_in_welsh(welsh_site):
    referral = submitted_referral(welsh_site.slug)
    coordinator = demo_user(Role.COORDINATOR)
    triage_confirm(referral=referral, user=coordinator, final_outcome="panel", final_site=None, reason="")
    referral.refresh_from_db()
    child = referral.child
    # The referral said the child is a child in need: accepting it began the period.
    assert child.statutory_periods.filter(kind=StatutoryKind.CHILD_IN_NEED, ends_on__isnull=True).exists()
    page = signed_in(coordinator).get(reverse("safeguarding:child", args=[child.reference])).content.decode()
    assert "plentyn mewn angen (Deddf Plant 1989 a17)" in page
    assert "deddf plant 1989" not in page


def test_the_task_lists_link_is_one_welsh_sentence_with_och():
    with translation.override("cy"):
        said = translation.gettext(
            "Your answers are saved as you go. You can leave and come back to this referral from "
            '<a class="govuk-link" href="%(href)s">your referrals</a>.'
        )
    assert "o’ch <a" in said and "o eich" not in said and "o <a" not in said


def test_the_guardian_service_as_an_agency_begins_with_a_capital_in_welsh():
    with translation.override("cy"):
        assert dict(Agency.choices)[Agency.ICTG] == "Gwasanaeth Gwarcheidwaid Annibynnol Masnachu Plant"
        # Inside a sentence, after a capitalised start, it is lowered as any agency is.
        assert lower_first(dict(Agency.choices)[Agency.ICTG]).startswith("gwasanaeth Gwarcheidwaid")
    assert dict(Agency.choices)[Agency.ICTG] == "Independent Child Trafficking Guardian service"
