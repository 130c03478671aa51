"""What the Cardiff walk of issue 13 found on the letters: the guidance by its code, its test in English inside Welsh
sentences, and a child's letter produced naming no social worker or guardian without a word of warning.

- The outcome letter and the letters page name the guidance by its title, in the reader's language ("Canllawiau
  Statudol Caethwasiaeth Fodern o 10 Gorffennaf 2023 ymlaen"), never by the internal code ("sg-2023-07").
- A Welsh letter says the test in Welsh and quotes the English words the decision records, marked lang="en".
- Before the letters are produced, the page warns when the child's letter will name no lead social worker and/or
  no guardian, and says where to record them (the child's safeguarding page). A warning, not a block.
"""

from __future__ import annotations

import pytest
from django.urls import reverse

from childnrm.accounts.models import Nation, Role
from childnrm.decisions import guidance
from childnrm.letters import content, services
from childnrm.letters.models import LetterKind
from childnrm.letters.tests.factories import allocate, final_decision
from childnrm.letters.tests.factories import demo as staff
from childnrm.people.services import lead_social_worker_record

pytestmark = pytest.mark.django_db

CODE = "sg-2023-07"
ENGLISH_TITLE = "Modern Slavery Statutory Guidance from 10 July 2023"
WELSH_TITLE = "Canllawiau Statudol Caethwasiaeth Fodern o 10 Gorffennaf 2023 ymlaen"


def produce(decision):
    produced = services.letters_produce(decision=decision, user=staff(Role.COORDINATOR, decision.referral.site.slug))
    return {letter.kind: letter for letter in produced.letters}


def test_the_english_outcome_letter_names_the_guidance_by_its_title(demo):
    decision = final_decision("northbridge")
    assert decision.guidance_version == CODE
    letter = produce(decision)[LetterKind.REFERRER_OUTCOME]
    text = content.letter_text(letter.content)
    assert CODE not in text
    assert f"Guidance version applied: {ENGLISH_TITLE}" in text
    assert f"This is the test as worded in the guidance applied: {ENGLISH_TITLE}." in text
    assert "The panel considered whether there are reasonable grounds to believe" in text


def test_the_welsh_outcome_letter_says_the_guidance_and_the_test_in_welsh_and_quotes_the_english(demo, site):
    site.nation = Nation.WALES
    site.save()
    decision = final_decision("northbridge")
    referrer = decision.referral.created_by
    referrer.language = "cy"
    referrer.save()
    letter = produce(decision)[LetterKind.REFERRER_OUTCOME]
    assert letter.content["language"] == "cy"
    text = content.letter_text(letter.content)
    assert CODE not in text and ENGLISH_TITLE not in text
    assert f"Fersiwn y canllawiau a ddefnyddiwyd: {WELSH_TITLE}" in text
    assert "Ystyriodd y panel a oes sail resymol dros gredu" in text
    # The English wording the decision records, quoted and marked, never glued to a Welsh sentence.
    paragraphs = next(s["paragraphs"] for s in letter.content["sections"] if s["heading"] == "Y prawf a ddefnyddiwyd")
    quoted = [p for p in paragraphs if isinstance(p, dict)]
    assert quoted == [{"text": f"{decision.test_applied}.", "lang": "en"}]
    assert all("whether" not in p for p in paragraphs if isinstance(p, str))


@pytest.mark.parametrize(("language", "title"), [("en-gb", ENGLISH_TITLE), ("cy", WELSH_TITLE)])
def test_the_letters_page_names_the_guidance_by_its_title(demo, site, client_as, language, title):
    site.default_language = language
    site.save()
    decision = final_decision("northbridge")
    page = client_as(Role.COORDINATOR).get(reverse("letters:decision", args=[decision.pk])).content.decode()
    assert title in page
    assert CODE not in page


def warning_on(client, decision) -> str:
    page = client.get(reverse("letters:decision", args=[decision.pk])).content.decode()
    start = page.find('id="letter-names-missing"')
    return page[start : page.index("</div>", start)] if start != -1 else ""


def test_the_letters_page_warns_before_producing_a_letter_that_names_nobody(demo, client_as):
    decision = final_decision("northbridge")
    child = decision.referral.child
    client = client_as(Role.COORDINATOR)
    safeguarding = reverse("safeguarding:child", args=[child.reference])

    warning = warning_on(client, decision)
    assert "will name no lead social worker and no guardian" in warning
    assert f'href="{safeguarding}"' in warning and "the child's safeguarding page" in warning

    allocate(decision.referral, staff(Role.ICTG))
    warning = warning_on(client, decision)
    assert "will name no lead social worker, because none is recorded" in warning and "guardian" not in warning

    lead_social_worker_record(child=child, user=staff(Role.COORDINATOR), name="Jo Whitfield")
    assert warning_on(client, decision) == ""

    other = final_decision("northbridge")
    lead_social_worker_record(child=other.referral.child, user=staff(Role.COORDINATOR), name="Jo Whitfield")
    assert "will name no guardian, because none is allocated" in warning_on(client, other)


def test_the_warning_does_not_stop_the_letters_being_produced(demo, client_as):
    decision = final_decision("northbridge")
    client = client_as(Role.COORDINATOR)
    assert warning_on(client, decision)
    response = client.post(reverse("letters:produce", args=[decision.pk]), {"letters_seen": "0"})
    assert response.status_code == 302
    assert decision.letters.count() == 2


def test_the_warning_is_welsh_on_a_welsh_page(demo, welsh_site, client_as):
    decision = final_decision("northbridge")
    warning = warning_on(client_as(Role.COORDINATOR), decision)
    assert "Ni fydd y llythyr i’r plentyn yn enwi prif weithiwr cymdeithasol na gwarcheidwad" in warning
    assert "dudalen ddiogelu’r plentyn" in warning


def test_guidance_titles_are_the_decisions_own():
    """The letters print the decisions app's title for the version, not a copy."""
    assert guidance.title_shown(CODE) == ENGLISH_TITLE


def test_the_warnings_sentences_are_apart_and_after_the_letters_are_produced_it_says_what_producing_again_would_do(
    demo, client_as
):
    """The two sentences were glued ("…because none is recorded.If you know…"), and once the letters were produced
    it still said the letter "will name" no one, as if none had been produced."""
    decision = final_decision("northbridge")
    allocate(decision.referral, staff(Role.ICTG))
    client = client_as(Role.COORDINATOR)
    warning = warning_on(client, decision)
    assert "will name no lead social worker, because none is recorded. If you know who they are, record them" in warning
    assert "before you produce the letters" in warning

    client.post(reverse("letters:produce", args=[decision.pk]), {"letters_seen": "0"})
    warning = warning_on(client, decision)
    assert warning.count("If the letters are produced again, the letter for the child will name no lead social") == 1
    assert "none is recorded. If you know who they are, record them" in warning
    assert "and produce the letters again" in warning
    assert "The letter for the child will name" not in warning and "before you produce" not in warning
