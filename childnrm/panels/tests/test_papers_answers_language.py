"""The case papers are in the reader's language: section titles, field labels and yes/no answers (ADR 0023).

The papers lay the referral out as the case packet does, but the packet is written in English for the SCA; on the
papers a Welsh reader reads "Y plentyn", "Ie"/"Na"/"Ddim yn hysbys", an English reader
"The child", "Age is uncertain", "Yes"/"No"/"Not known". The stored answers, the packet and its fingerprint do not
change. The every-route Welsh walk allows text the database holds, and the packet's English is in the database (its
JSON), so it cannot catch English titles here: these tests do.
"""

from __future__ import annotations

import html
import re

import pytest
from django.urls import reverse
from django.utils import translation

from childnrm.accounts.models import Nation, Role
from childnrm.core.tests.welsh import english_left
from childnrm.panels.tests.samples import sample_item, sample_meeting
from childnrm.triage.packet import FIELD_NAME_LABELS, LABELS, case_packet, packet_sha256, referral_sections
from conftest import demo_user, signed_in

pytestmark = pytest.mark.django_db

SITE = "northbridge"
ROW = re.compile(r'<dt class="govuk-summary-list__key">([^<]*)</dt><dd class="govuk-summary-list__value">([^<]*)</dd>')
SECTION_TITLE = re.compile(r'<h2 class="govuk-heading-m">(.*?)</h2>', re.S)
HOME_OFFICE_FORM = [
    {"heading": "About the child", "items": [{"field": "q12", "label": "Place of birth", "value": "X"}]}
]


def _papers() -> str:
    meeting, item = sample_meeting(SITE), sample_item(SITE)
    referral = item.referral
    referral.age_uncertain, referral.age_disputed, referral.interpreter_needed = True, False, None
    referral.nationalities, referral.form_sections = ["DE"], HOME_OFFICE_FORM
    referral.save(
        update_fields=["age_uncertain", "age_disputed", "interpreter_needed", "nationalities", "form_sections"]
    )
    response = signed_in(demo_user(Role.COORDINATOR, SITE)).get(reverse("panels:papers", args=[meeting.pk, item.pk]))
    assert response.status_code == 200
    return response.content.decode()


def _rows(page: str) -> dict[str, str]:
    return {html.unescape(key): html.unescape(value) for key, value in ROW.findall(page)}


def _answers_on_papers() -> dict[str, str]:
    return _rows(_papers())


def test_every_field_the_packet_lists_has_its_english_label_marked_for_translation(site):
    """A field added to referrals later appears in the packet under its own name: it needs a marked label too."""
    marked = {**FIELD_NAME_LABELS, **LABELS}
    fields = [f for s in referral_sections(sample_item(SITE).referral) for f in s["fields"] if "." not in f["name"]]
    assert {f["name"]: f["label"] for f in fields} == {f["name"]: marked.get(f["name"]) for f in fields}


def _english_titles_and_labels() -> tuple[set[str], set[str]]:
    """What the packet (always English) calls its sections and fields."""
    sections = case_packet(sample_item(SITE).referral)["referral"]["sections"]
    return {s["title"] for s in sections}, {f["label"] for s in sections for f in s["fields"]}


def _packet_answers(item_referral) -> dict[str, str]:
    return {f["name"]: f["display"] for s in case_packet(item_referral)["referral"]["sections"] for f in s["fields"]}


def test_a_welsh_reader_reads_the_yes_no_answers_in_welsh(welsh_site):
    rows = _answers_on_papers()
    assert rows["Mae’r oedran yn ansicr"] == "Ie"
    assert rows["Mae’r oedran yn destun anghydfod"] == "Na"
    assert rows["Angen cyfieithydd"] == "Ddim yn hysbys"


def test_a_welsh_reader_reads_no_english_section_title_or_field_label(welsh_site):
    page = _papers()
    titles, labels = _english_titles_and_labels()
    shown_titles = [re.sub(r"<[^>]+>", "", t).strip() for t in SECTION_TITLE.findall(page)]
    shown_labels = set(_rows(page))
    assert {"The child", "The referral", "Safeguarding already in place", "Other details"} <= titles  # English packet
    assert {"Y plentyn", "Yr atgyfeiriad", "Diogelu sydd eisoes ar waith", "Manylion eraill"} <= set(shown_titles)
    assert not titles & set(shown_titles)
    assert "From the Home Office form" not in page
    assert not labels & shown_labels, labels & shown_labels
    # The whole referral part of the papers, read as the Welsh walk reads it: only the typed answers are English
    # (the Home Office form's own heading and labels are quoted, marked lang="en").
    referral = sample_item(SITE).referral
    typed = [str(f["display"]) for s in referral_sections(referral) for f in s["fields"] if f["display"]]
    start = page.index('<h2 class="govuk-heading-m">Yr atgyfeiriad')
    end = page.index("</dl>", page.rindex('<dt class="govuk-summary-list__key" lang="en">'))
    assert english_left(page[start:end], names=typed) == []
    assert '<span lang="en">About the child</span>' in page and '<dt class="govuk-summary-list__key" lang="en">' in page
    assert _rows(page)["Cenedligrwydd"] == "Yr Almaen"  # nationalities by name, in Welsh


def test_an_english_reader_reads_them_in_english(site):
    page = _papers()
    rows = _rows(page)
    assert rows["Age is uncertain"] == "Yes"
    assert rows["Age is disputed"] == "No"
    assert rows["Interpreter needed"] == "Not known"
    assert rows["Nationalities"] == "Germany"
    titles, labels = _english_titles_and_labels()
    shown_titles = {re.sub(r"<[^>]+>", "", t).strip() for t in SECTION_TITLE.findall(page)}
    assert titles <= shown_titles | {"From the Home Office form: About the child"}
    assert "From the Home Office form: About the child" in re.sub(r"<[^>]+>", "", page)
    assert {label for label in labels if label != "Place of birth"} <= set(rows)


def test_a_scottish_site_names_its_own_guardian_service_on_the_papers(site):
    site.nation = Nation.SCOTLAND
    site.save(update_fields=["nation"])
    page = _papers()
    assert "Referred to the guardian service (Scottish Guardianship Service)" in page
    assert "Independent Child Trafficking Guardian" not in page


def test_the_case_packet_stays_english_and_the_answers_stored_as_they_were(welsh_site):
    referral = sample_item(SITE).referral
    _answers_on_papers()
    referral.refresh_from_db()
    before = case_packet(referral)
    with translation.override("cy"):  # as a Welsh reader's request would make it
        after = case_packet(referral)
    before["generated_at"] = after["generated_at"]
    assert packet_sha256(before) == packet_sha256(after)  # the fingerprint does not depend on the reader
    assert {s["title"] for s in after["referral"]["sections"]} >= {"The child", "Other details"}
    assert "From the Home Office form: About the child" in {s["title"] for s in after["referral"]["sections"]}
    referral.refresh_from_db()
    assert (referral.age_uncertain, referral.age_disputed, referral.interpreter_needed) == (True, False, None)
    shown = _packet_answers(referral)
    assert (shown["age_uncertain"], shown["age_disputed"], shown["interpreter_needed"]) == ("Yes", "No", "Not known")
