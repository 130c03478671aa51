"""Every page and message of the child's feedback journey, as the child sees it, in Welsh and in English, is held
to the reading level of the youngest children's letter (docs/welsh-reading-level.md, "The child's feedback pages").

The journey is walked through the pages themselves (the code page, the code missing and wrong, the form, the form
sent without answers and with too much written, the thank-you page, the used link, the answers sent after the time
ran out, with no new code and a wrong one, the "please wait" page, the footer's privacy and accessibility pages, the
privacy page opened before any form and for a child in Northern Ireland), and what the page's main part says is
measured: headings, paragraphs, labels, hints, answers, buttons and the error summary, each heading or label its own
sentence. What the child typed is not measured.

- Welsh: the language-neutral measures of the Welsh letter (letters/tests/welsh_reading.py), held to the ceilings of
  the under-12 letter (letters/tests/test_welsh_readability.py) and, for the form's pages and the whole journey
  (40 words or more), to the English page plus the letter's allowances (LIX + 5, words per sentence times 1.25).
- English: textstat, as the letters (letters/tests/test_readability.py), held to the under-12 letter's ceilings: a
  Flesch-Kincaid grade of at most 4 (a UK reading age of about 9) and a reading ease of at least 80.

The youngest children decided on are of primary school age, and read with a guardian or social worker beside them.
Figures when written are in docs/welsh-reading-level.md; FIGURES=1 prints them.
"""

from __future__ import annotations

import os
import re
from collections.abc import Callable
from datetime import timedelta
from html.parser import HTMLParser

import pytest
import textstat
from django.http import HttpResponse
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext

from childnrm.accounts.models import Nation, Role, Site
from childnrm.feedback import ratelimit, wording
from childnrm.feedback.demo import open_session
from childnrm.feedback.models import FeedbackSession
from childnrm.feedback.services import BETTER_MAX
from childnrm.feedback.tests.test_wording import MAX_GRADE, MIN_EASE, sentences
from childnrm.feedback.tests.test_wording import _pronouncing_dictionary as _pronouncing_dictionary
from childnrm.kit.i18n import ENGLISH, WELSH, LetterLanguage, language
from childnrm.letters.content import Wording
from childnrm.letters.tests.test_welsh_readability import CEILINGS, LIX_ALLOWANCE, SENTENCE_ALLOWANCE
from childnrm.letters.tests.welsh_reading import Measures, measure, words
from childnrm.safeguarding.demo import demo_child
from conftest import demo_user

pytestmark = pytest.mark.django_db

WELSH_CEILINGS = CEILINGS[Wording.YOUNGER]  # the youngest children's letter's
# The Welsh is compared with the English page only where there is enough text for the letter's allowances to mean
# something: on a page of 20 or 30 words one long word moves LIX by 3 to 5. The ceilings hold on every page.
COMPARED_FROM_WORDS = 40
# Pages held to the ceilings but not compared with the English: the Northern Irish privacy page's Welsh names the
# Health and Social Care Trust, two of whose four Welsh words are long ("Ymddiriedolaeth", "Cymdeithasol") where no
# English one is: a name, not a choice of words (LIX 18.3 against the English 13.0 + 5).
NOT_COMPARED = {"what happens to your answers, in Northern Ireland"}
_BLOCKS = {"h1", "h2", "h3", "p", "li", "label", "legend", "div", "button", "a", "td", "th", "span", "strong"}
_SKIPPED = {"script", "style", "svg", "textarea", "template"}
_VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track", "wbr"}


class _MainText(HTMLParser):
    """The text of <main>, a line for each heading, paragraph, label, hint, answer, button and link."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.stack: list[tuple[str, bool]] = []  # (tag, skipped), as core/tests/welsh.py reads a page
        self.lines: list[str] = [""]

    def _inside(self, test: Callable[[str, bool], bool]) -> bool:
        return any(test(tag, skipped) for tag, skipped in self.stack)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = dict(attrs)
        if tag in _VOID:
            return
        self.stack.append((tag, tag in _SKIPPED or "hidden" in values))
        if tag in _BLOCKS and "govuk-visually-hidden" not in (values.get("class") or ""):
            self.lines.append("")

    def handle_endtag(self, tag: str) -> None:
        for index in range(len(self.stack) - 1, -1, -1):  # HTML lets some end tags be left out
            if self.stack[index][0] == tag:
                del self.stack[index:]
                break
        if tag in _BLOCKS:
            self.lines.append("")

    def handle_data(self, data: str) -> None:
        if self._inside(lambda tag, _: tag == "main") and not self._inside(lambda _, skipped: skipped):
            self.lines[-1] += data

    def text(self) -> str:
        return "\n".join(line for line in (" ".join(raw.split()) for raw in self.lines) if line)


def main_text(html: str) -> str:
    reader = _MainText()
    reader.feed(html)
    return reader.text()


def journey(site, code_language: str) -> dict[str, str]:
    """The text of each page and message of the journey of a child whose language is `code_language`, on a device
    left in that language (the code page comes before the child is known; the form opens in the child's)."""
    child = demo_child(site)
    child.correspondence_language = LetterLanguage.WELSH if code_language == WELSH else LetterLanguage.ENGLISH
    child.save(update_fields=["correspondence_language"])
    device = Client()
    device.get(reverse("accounts:language"), {"language": code_language})
    started = open_session(child, demo_user(Role.ICTG))
    form = reverse("feedback:form", args=[started.token])
    code = reverse("feedback:code")
    # A session whose time ran out while the child wrote: the answers are shown back, with a box for a new code.
    late = open_session(child, demo_user(Role.ICTG))
    FeedbackSession.objects.filter(pk=late.session.pk).update(expires_at=timezone.now() - timedelta(minutes=1))
    late_form = reverse("feedback:form", args=[late.token])
    late_answers = {"listened": "yes", "understood": "no", "better": ""}
    pages: dict[str, Callable[[], HttpResponse]] = {
        "code": lambda: device.get(code),
        "code missing": lambda: device.post(code, {"code": ""}),
        "code wrong": lambda: device.post(code, {"code": "ZZZZ-ZZZZ"}),
        "form": lambda: device.get(form),
        "form without answers": lambda: device.post(form, {"better": ""}),
        "form written too long": lambda: device.post(
            form, {"listened": "yes", "understood": "no", "better": "a" * (BETTER_MAX + 1)}
        ),
        "thank you": lambda: device.post(form, {"listened": "yes", "understood": "no", "better": ""}, follow=True),
        "link used": lambda: device.get(form),
        "time ran out": lambda: device.post(late_form, late_answers),
        "time ran out, new code missing": lambda: device.post(late_form, {**late_answers, "code": ""}),
        "time ran out, new code wrong": lambda: device.post(late_form, {**late_answers, "code": "ZZZZ-ZZZZ"}),
        # The footer's own support pages.
        "what happens to your answers": lambda: device.get(reverse("feedback:privacy")),
        "using these pages": lambda: device.get(reverse("feedback:accessibility")),
    }
    texts = {name: main_text(visit().content.decode()) for name, visit in pages.items()}
    # Opened from the code page's footer before any form on the visit: who keeps the answers is not known yet.
    first = Client()
    first.get(reverse("accounts:language"), {"language": code_language})
    texts["what happens to your answers, opened first"] = main_text(
        first.get(reverse("feedback:privacy")).content.decode()
    )
    # For a child in Northern Ireland, whose Health and Social Care Trust keeps them.
    nation = site.nation
    Site.objects.filter(pk=site.pk).update(nation=Nation.NORTHERN_IRELAND)
    texts["what happens to your answers, in Northern Ireland"] = main_text(
        device.get(reverse("feedback:privacy")).content.decode()
    )
    Site.objects.filter(pk=site.pk).update(nation=nation)
    guesser = Client(REMOTE_ADDR="192.0.2.9")
    guesser.get(reverse("accounts:language"), {"language": code_language})
    for _ in range(ratelimit.FAILED_TRIES.count):
        guesser.post(code, {"code": "AAAA-AAAA"})
    texts["too many tries"] = main_text(guesser.post(code, {"code": "AAAA-AAAA"}).content.decode())
    # The service's own refusals, which the form's own checks catch first.
    with language(code_language):
        texts["service messages"] = "\n".join(f"{gettext(m)}." for m in ("Pick an answer", "That is too long"))
    texts["the whole journey"] = "\n".join(texts.values())
    return texts


def english_measures(text: str) -> tuple[float, float]:
    joined = sentences(text.splitlines())
    return textstat.flesch_kincaid_grade(joined), textstat.flesch_reading_ease(joined)


@pytest.fixture
def both_journeys(welsh_site) -> dict[str, dict[str, str]]:
    """The journey of a Welsh-speaking child of a Welsh site, and of an English-speaking one."""
    return {WELSH: journey(welsh_site, WELSH), ENGLISH: journey(welsh_site, ENGLISH)}


def test_every_page_of_the_childs_journey_is_within_the_youngest_childrens_ceilings(both_journeys):
    welsh, english = both_journeys[WELSH], both_journeys[ENGLISH]
    assert "Dweda wrthon ni beth rwyt ti’n ei feddwl" in welsh["form"] and "Diolch" in welsh["thank you"]
    assert "Tell us what you think" in english["form"] and "Thank you" in english["thank you"]
    assert set(welsh) == set(english)
    report, failures = [], []
    for page in welsh:
        cy, (grade, ease), en = measure(welsh[page]), english_measures(english[page]), measure(english[page])
        report.append(f"{page}: cy {cy}; en grade {grade:.1f} ease {ease:.1f}, {en}")
        failures += [
            f"{page}: Welsh {name} {getattr(cy, name):.3f}\n{welsh[page]}"
            for name in Measures.__dataclass_fields__
            if getattr(cy, name) > getattr(WELSH_CEILINGS, name)
        ]
        compared = len(words(english[page])) >= COMPARED_FROM_WORDS and page not in NOT_COMPARED
        if compared and (
            cy.lix > en.lix + LIX_ALLOWANCE or cy.words_per_sentence > en.words_per_sentence * SENTENCE_ALLOWANCE
        ):
            failures.append(f"{page}: Welsh harder than the English page\n{cy}\n{en}\n{welsh[page]}")
        if grade > MAX_GRADE or ease < MIN_EASE:
            failures.append(f"{page}: English grade {grade:.1f}, reading ease {ease:.1f}\n{english[page]}")
    if os.environ.get("FIGURES"):
        print("\n".join(report))
    assert not failures, "\n\n".join(failures)


def test_the_walk_measures_every_message_the_child_can_be_shown(both_journeys):
    """Nothing of the child's wording escapes the walk (each error shown on the page, not just listed)."""
    english = both_journeys[ENGLISH]["the whole journey"]
    for text in wording.child_texts():
        assert text.replace("'", "’") in english.replace("'", "’"), text


def test_the_welsh_measures_tell_a_practitioners_page_from_the_childs(client_as, welsh_site):
    """The negative control: the guardian's page about the same session is far above the child's ceilings. Its
    paragraphs are measured, not its table of sessions: short answers ("Ie") and dates, whose month names change
    with the day the demo was made, would move the figure without saying anything about the words."""
    guardian = client_as(Role.ICTG)
    page = guardian.get(reverse("feedback:child", args=[demo_child(welsh_site).reference])).content.decode()
    paragraphs = re.findall(r'<p class="govuk-body">.*?</p>', page, re.S)
    assert paragraphs
    found = measure(main_text(f"<main>{''.join(paragraphs)}</main>"))
    if os.environ.get("FIGURES"):
        print(f"the guardian's page: {found}")
    assert found.lix > WELSH_CEILINGS.lix + 10, found
