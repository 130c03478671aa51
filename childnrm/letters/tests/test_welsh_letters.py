"""Letters in Welsh, in English, or in both (ADR 0023, issue 13): the language of the person written to.

The child's letter is in the language recorded on the child (English, Welsh or both); the referrer's in the
language the referrer chose for the service. Unrecorded, a site in Wales writes both, Welsh first, as Welsh public
bodies send them; any other site writes English.
"""

from __future__ import annotations

import re

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from childnrm.accounts.models import Nation, Role
from childnrm.audit.models import AuditEvent
from childnrm.core.tests.welsh import english_left
from childnrm.decisions.models import Act, Outcome, SlaveryFinding, Stage
from childnrm.decisions.wording import outcome_clause
from childnrm.kit.i18n import LetterLanguage
from childnrm.letters import content, services
from childnrm.letters.models import GuardianNotice, Letter, LetterKind
from childnrm.letters.tasks import guardian_email
from childnrm.letters.tests.factories import allocate, final_decision
from childnrm.letters.tests.factories import demo as staff
from childnrm.letters.tests.pdftext import pdf_text
from childnrm.referrals.vocab import ExploitationType

pytestmark = pytest.mark.django_db


def produce(decision) -> dict[str, Letter]:
    produced = services.letters_produce(decision=decision, user=staff(Role.COORDINATOR, decision.referral.site.slug))
    return {letter.kind: letter for letter in produced.letters}


def html_of(letter: Letter) -> str:
    referral = letter.decision.referral
    return services.letter_html(
        letter.content,
        kind=letter.kind,
        reference=referral.reference,
        site_name=referral.site.name,
        produced_on=timezone.localtime(letter.produced_at).date(),
    )


def names_in(letter: Letter) -> list[str]:
    """What a letter may print in any language: names, references, emails, the site."""
    referral = letter.decision.referral
    coordinator = staff(Role.COORDINATOR, referral.site.slug)
    return [
        referral.site.name,
        referral.reference,
        referral.child.reference,
        referral.child.given_names,
        referral.referrer_name,
        coordinator.full_name,
        "demo",
    ]


def test_the_letters_words_for_the_decision_are_the_decisions_own():
    """The letters translate the decision's words themselves; in English they must be the decisions app's."""
    assert {k: str(v) for k, v in content.ACT_LABELS.items()} == dict(Act.choices)
    assert {k: str(v) for k, v in content.PURPOSE_LABELS.items()} == dict(ExploitationType.choices)
    assert {k: str(v) for k, v in content.SLAVERY_LABELS.items()} == dict(SlaveryFinding.choices)
    for (stage, outcome), clause in content.OUTCOME_CLAUSES.items():
        assert str(clause) == outcome_clause(stage, outcome)
    assert set(content.OUTCOME_CLAUSES) == {(s, o) for s in Stage.values for o in Outcome.values}


def test_a_child_whose_letters_are_in_welsh_gets_a_welsh_letter(demo):
    decision = final_decision("northbridge")
    child = decision.referral.child
    child.correspondence_language = LetterLanguage.WELSH
    child.save()
    letter = produce(decision)[LetterKind.CHILD_FRIENDLY]

    assert letter.content["language"] == "cy" and letter.content["title"] == "Llythyr i ti"
    html = html_of(letter)
    assert '<html lang="cy">' in html
    assert english_left(html, names=names_in(letter)) == []
    printed = pdf_text(bytes(letter.pdf))
    assert "Dwyt ti ddim mewn trwbl" in printed and "You are not in trouble" not in printed
    assert "tudalen 1 o 1" in printed or "tudalen 1 o" in printed
    # The referrer (an English site's first responder who chose no language) still gets English.
    referrer = produce(decision)[LetterKind.REFERRER_OUTCOME]
    assert referrer.content["language"] == "en-gb" and "Outcome of the reasonable grounds" in referrer.content["title"]


def test_a_welsh_site_writes_both_languages_welsh_first_when_no_preference_is_recorded(demo, site):
    site.nation = Nation.WALES
    site.save()
    decision = final_decision("northbridge", outcome=Outcome.NEGATIVE)
    letters = produce(decision)

    for letter in letters.values():
        assert letter.content["language"] == LetterLanguage.BILINGUAL
        assert [v["language"] for v in letter.content["versions"]] == ["cy", "en-gb"]
        text = content.letter_text(letter.content)
        html = html_of(letter)
        assert '<div class="language" lang="cy">' in html and '<div class="language" lang="en">' in html
        printed = pdf_text(bytes(letter.pdf))
        welsh, english = (
            ("Dwyt ti ddim mewn trwbl", "You are not in trouble")
            if letter.kind == LetterKind.CHILD_FRIENDLY
            else ("Y penderfyniad", "The decision")
        )
        assert welsh in text and english in text and text.index(welsh) < text.index(english)
        assert printed.index(welsh) < printed.index(english)
    referrer = letters[LetterKind.REFERRER_OUTCOME].content["versions"][0]
    assert referrer["title"].startswith("Canlyniad y penderfyniad sail resymol")
    # The reconsideration date is written the Welsh way in the Welsh letter.
    ends = services.review_services.window_closes_on(decision)
    from childnrm.kit.dates import WELSH_MONTHS

    assert WELSH_MONTHS[ends.month - 1] in content.letter_text(referrer)


def test_a_referrer_who_chose_welsh_gets_the_outcome_letter_in_welsh(demo):
    decision = final_decision("northbridge", stage=Stage.CONCLUSIVE_GROUNDS)
    referrer = decision.referral.created_by
    referrer.language = "cy"
    referrer.save()
    letter = produce(decision)[LetterKind.REFERRER_OUTCOME]
    assert letter.content["language"] == "cy"
    text = content.letter_text(letter.content)
    assert "yn ôl pwysau tebygolrwydd, mae’r plentyn yn ddioddefwr caethwasiaeth fodern" in text
    assert "Cyfeirnod yr atgyfeiriad" in text and "Referral reference" not in text
    # The guidance's own test is quoted in English, and marked so for a screen reader.
    assert '<p lang="en">' in html_of(letter)


def test_the_coordinator_records_the_language_of_the_childs_letters(demo, client_as):
    decision = final_decision("northbridge")
    url = reverse("letters:child-language", args=[decision.pk])
    coordinator = client_as(Role.COORDINATOR)
    assert coordinator.get(url).status_code == 200
    response = coordinator.post(url, {"correspondence_language": LetterLanguage.BILINGUAL})
    assert response.status_code == 302
    child = decision.referral.child
    child.refresh_from_db()
    assert child.correspondence_language == LetterLanguage.BILINGUAL
    event = AuditEvent.objects.filter(object_id=str(child.pk)).order_by("-id").first()
    assert event is not None and event.detail["correspondence_language"]["after"] == "cy+en"
    page = coordinator.get(reverse("letters:decision", args=[decision.pk])).content.decode()
    assert "Welsh and English (bilingual)" in page
    # Nothing to choose from a wrong value.
    refused = coordinator.post(url, {"correspondence_language": "fr"})
    assert refused.status_code == 200 and "Select the language of the child" in refused.content.decode()


def test_the_letters_pages_are_welsh_for_a_welsh_site(demo, site, client_as):
    site.nation = Nation.WALES
    site.default_language = "cy"
    site.save()
    decision = final_decision("northbridge")
    produce(decision)
    coordinator = staff(Role.COORDINATOR)
    client = client_as(Role.COORDINATOR)
    referral = decision.referral
    names = [
        coordinator.full_name,
        coordinator.email,
        coordinator.organisation.name,
        site.name,
        "demo",
        referral.child_display_name,
        referral.referrer_name or "",
        "SHA-256",
    ]
    for url in (
        reverse("letters:index"),
        reverse("letters:decision", args=[decision.pk]),
        reverse("letters:explanation-add", args=[decision.pk]),
        reverse("letters:child-language", args=[decision.pk]),
    ):
        page = client.get(url).content.decode()
        assert '<html lang="cy"' in page, url
        assert english_left(page, names=names) == [], url
    # A date typed wrongly: the date field's messages are Welsh too.
    page = client.post(
        reverse("letters:explanation-add", args=[decision.pk]),
        {
            "explained_by_name": "Sam",
            "explained_by_role": "Gweithiwr cymdeithasol",
            "explained_on_day": "31",
            "explained_on_month": "2",
            "explained_on_year": "2026",
            "how": "in_person",
        },
    ).content.decode()
    assert "Y dyddiad yr esboniwyd y penderfyniad: rhaid iddo fod yn ddyddiad go iawn" in page


def test_the_guardian_is_told_of_the_decision_in_their_language(demo, welsh_site, django_capture_on_commit_callbacks):
    """The guardian's email follows the guardian (ADR 0023): Welsh at a Welsh site unless they chose English. It was
    English-only f-strings, whatever the reader."""
    decision = final_decision("northbridge")
    referral = decision.referral
    guardian = staff(Role.ICTG)
    allocate(referral, guardian)
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        produce(decision)
    [welsh] = mail.outbox
    assert welsh.subject == f"Penderfyniad y panel ar atgyfeiriad {referral.reference}"
    text = re.sub(r"https?://\S+", " ", welsh.body)
    assert english_left(text, names=[referral.reference, referral.child.reference]) == [], welsh.body
    assert f"(plentyn {referral.child.reference})" in welsh.body and welsh.body.endswith(
        "Peidiwch ag ateb yr e-bost hwn."
    )

    guardian.language = "en-gb"
    guardian.save(update_fields=["language"])
    english = guardian_email(GuardianNotice.objects.get(decision=decision, guardian=guardian))
    assert english.subject == f"Panel decision on referral {referral.reference}"
    assert english.body.startswith(
        f"The panel has made a decision on referral {referral.reference} (child {referral.child.reference}). Its "
        "letters are ready."
    )
