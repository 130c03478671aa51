"""The referral's yes/no answers on the case papers are in the reader's language (ADR 0023).

The papers lay the referral out as the case packet does, but the packet is written in English for the SCA; on the
papers a Welsh reader reads "Ie"/"Na"/"Ddim yn hysbys", an English reader "Yes"/"No"/"Not known". The stored
answers and the packet do not change.
"""

from __future__ import annotations

import re

import pytest
from django.urls import reverse

from childnrm.accounts.models import Role
from childnrm.panels.tests.samples import sample_item, sample_meeting
from childnrm.triage.packet import case_packet
from conftest import demo_user, signed_in

pytestmark = pytest.mark.django_db

SITE = "northbridge"
ROW = re.compile(r'<dt class="govuk-summary-list__key">([^<]*)</dt><dd class="govuk-summary-list__value">([^<]*)</dd>')


def _answers_on_papers() -> dict[str, str]:
    meeting, item = sample_meeting(SITE), sample_item(SITE)
    referral = item.referral
    referral.age_uncertain, referral.age_disputed, referral.interpreter_needed = True, False, None
    referral.save(update_fields=["age_uncertain", "age_disputed", "interpreter_needed"])
    response = signed_in(demo_user(Role.COORDINATOR, SITE)).get(reverse("panels:papers", args=[meeting.pk, item.pk]))
    assert response.status_code == 200
    return dict(ROW.findall(response.content.decode()))


def _packet_answers(item_referral) -> dict[str, str]:
    return {f["name"]: f["display"] for s in case_packet(item_referral)["referral"]["sections"] for f in s["fields"]}


def test_a_welsh_reader_reads_the_yes_no_answers_in_welsh(welsh_site):
    rows = _answers_on_papers()
    assert rows["Age is uncertain"] == "Ie"
    assert rows["Age is disputed"] == "Na"
    assert rows["Interpreter needed"] == "Ddim yn hysbys"


def test_an_english_reader_reads_them_in_english(site):
    rows = _answers_on_papers()
    assert rows["Age is uncertain"] == "Yes"
    assert rows["Age is disputed"] == "No"
    assert rows["Interpreter needed"] == "Not known"


def test_the_case_packet_stays_english_and_the_answers_stored_as_they_were(welsh_site):
    _answers_on_papers()
    referral = sample_item(SITE).referral
    referral.refresh_from_db()
    assert (referral.age_uncertain, referral.age_disputed, referral.interpreter_needed) == (True, False, None)
    shown = _packet_answers(referral)
    assert (shown["age_uncertain"], shown["age_disputed"], shown["interpreter_needed"]) == ("Yes", "No", "Not known")
