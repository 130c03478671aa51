"""An imported referral's own words are English on a Welsh page, and marked so (WCAG 3.1.2, ADR 0023).

A referral sent by an organisation's system through the API, or imported from the Home Office's form, comes in
English: on a Welsh coordinator's triage page the questions are Welsh and the first responder's free-text answers are
inside `lang="en"`, so a screen reader says them in English. The web journey does not record the language a referrer
writes in: their words are shown as written, in the page's language, unmarked.
"""

from __future__ import annotations

from html.parser import HTMLParser

from django.urls import reverse

from childnrm.accounts.models import Organisation, Role
from childnrm.api.tests.conftest import NORTHBRIDGE_LA_GSS, referral_payload, token_client
from childnrm.api.tests.test_home_office import HOME_OFFICE_FORM, IMPORT, add_form_councils
from childnrm.referrals.models import Referral
from childnrm.referrals.tests.factories import submitted_referral
from conftest import demo_user, signed_in

# The free-text answers as an organisation's system sends them, by the Welsh question the page asks.
IMPORTED_WORDS = {
    "Hunaniaeth rhywedd": "Does not identify with the sex recorded",
    "Cyfeirnod Swyddfa Gartref": "Port reference EDD/1234567",
    "Cyfeiriad": "12 Example Street, Northbridge",
    "Ble y daethpwyd o hyd i’r plentyn": "At the railway station with two older men",
    "Beth ddigwyddodd": "He was made to carry drugs between the two towns and was not paid.",
    "Unrhyw beth arall": "The police have placed him with his aunt for now.",
    "Teitl swydd": "Detective constable",
}


class _Rows(HTMLParser):
    """Each summary-list row of a page: its question, the language the question is in, and the answer's pieces of
    text each with the language it is in (the nearest `lang` around it)."""

    def __init__(self) -> None:
        super().__init__()
        self.stack: list[tuple[str, str | None]] = []
        self.rows: list[dict] = []
        self.cell: str | None = None

    def _lang(self) -> str:
        return next((lang for _tag, lang in reversed(self.stack) if lang), "")

    def handle_starttag(self, tag, attrs):
        classes = dict(attrs).get("class") or ""
        if tag in ("br", "input", "img", "meta", "link"):
            return
        self.stack.append((tag, dict(attrs).get("lang")))
        if "govuk-summary-list__key" in classes:
            self.rows.append({"question": "", "question_lang": self._lang(), "answer": []})
            self.cell = "key"
        elif "govuk-summary-list__value" in classes:
            self.cell = "value"

    def handle_endtag(self, tag):
        while self.stack:
            open_tag, _lang = self.stack.pop()
            if open_tag == tag:
                break
        if tag in ("dt", "dd"):
            self.cell = None

    def handle_data(self, data):
        text = data.strip()
        if not text or not self.rows or self.cell is None:
            return
        if self.cell == "key":
            self.rows[-1]["question"] += text
        else:
            self.rows[-1]["answer"].append((text, self._lang()))


def _rows(html: str) -> dict[str, dict]:
    parser = _Rows()
    parser.feed(html)
    return {row["question"]: row for row in parser.rows}


def test_an_api_referrals_own_words_are_marked_english_under_welsh_questions(welsh_site):
    api = token_client(Organisation.objects.get(gss_code=NORTHBRIDGE_LA_GSS))
    payload = referral_payload(
        child={
            "gender_identity": IMPORTED_WORDS["Hunaniaeth rhywedd"],
            "home_office_reference": IMPORTED_WORDS["Cyfeirnod Swyddfa Gartref"],
            "address": IMPORTED_WORDS["Cyfeiriad"],
            "found_location": IMPORTED_WORDS["Ble y daethpwyd o hyd i’r plentyn"],
        },
        account={"text": IMPORTED_WORDS["Beth ddigwyddodd"]},
        safeguarding={"notes": IMPORTED_WORDS["Unrhyw beth arall"]},
        referrer={"job_title": IMPORTED_WORDS["Teitl swydd"]},
    )
    response = api.post("/api/referrals", payload)
    assert response.status_code == 201, response.content
    reference = response.json()["reference"]
    html = signed_in(demo_user(Role.COORDINATOR)).get(reverse("triage:triage", args=[reference])).content.decode()
    assert '<html lang="cy"' in html
    rows = _rows(html)
    for question, words in IMPORTED_WORDS.items():
        row = rows[question]
        assert row["question_lang"] == "cy", question  # the page's own question, in Welsh
        assert row["answer"] == [(words, "en")], (question, row["answer"])
    # The social worker's team is the referrer's words; their name is a name, in no language.
    assert ("Children in Care Team 2", "en") in rows["Gweithiwr cymdeithasol"]["answer"]
    # An answer the referral did not give is said in Welsh, not marked English.
    assert all(lang == "cy" for _text, lang in rows["Rhif GIG"]["answer"])


def test_the_home_office_forms_answers_are_marked_english_too(welsh_site):
    add_form_councils()
    api = token_client(Organisation.objects.get(gss_code=NORTHBRIDGE_LA_GSS))
    response = api.post(IMPORT, HOME_OFFICE_FORM)
    assert response.status_code == 201, response.content
    referral = Referral.objects.get(reference=response.json()["reference"])
    html = signed_in(demo_user(Role.COORDINATOR)).get(reverse("triage:triage", args=[referral.reference])).content
    start = html.decode().index('<section id="home-office-form"')
    form_rows = _Rows()
    form_rows.feed(html.decode()[start:])
    typed = [row for row in form_rows.rows if row["answer"]]
    assert typed
    assert all(lang == "en" for row in typed for _text, lang in row["answer"]), typed
    # And the account the form's narrative answers became, above, is marked English as well.
    assert all(lang == "en" for _text, lang in _rows(html.decode())["Beth ddigwyddodd"]["answer"])


def test_a_web_referrals_words_are_shown_as_written_in_the_pages_language(welsh_site):
    referral = submitted_referral(welsh_site.slug, account="Cafodd ei orfodi i gario cyffuriau rhwng dwy dref.")
    html = signed_in(demo_user(Role.COORDINATOR)).get(reverse("triage:triage", args=[referral.reference]))
    row = _rows(html.content.decode())["Beth ddigwyddodd"]
    assert row["answer"] == [("Cafodd ei orfodi i gario cyffuriau rhwng dwy dref.", "cy")]
