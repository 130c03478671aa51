"""The SCA quality assurer reads a return laid out like the decision's own page: labels, dates in words, and none
of the export's internal ids, codes or field names (issue 9, item 7). The JSON download keeps them all."""

from __future__ import annotations

import html
import json
import re

import pytest
from django.urls import reverse

from childnrm.accounts.models import Role
from childnrm.decisions.models import Outcome
from childnrm.decisions.tests.factories import final_decision as decision_at_a_sitting
from childnrm.kit.dates import long_date, long_datetime
from childnrm.reviews import export
from childnrm.reviews.tests import factories as f
from childnrm.reviews.tests.test_returns import _return_in_the_old_format

pytestmark = pytest.mark.django_db

# What a field name or a stored code looks like on a page: words joined by underscores.
FIELD_NAME = re.compile(r"\b[a-z]+_[a-z_]+\b")


def _main(page: str) -> str:
    """The page's own text (no header, footer or attributes): what the reader reads."""
    body = page.split("<main", 1)[1].split("</main>", 1)[0]
    return html.unescape(re.sub(r"<[^>]+>", " ", body))


def test_the_return_reads_like_the_decision_page(demo, client_as):
    decision = decision_at_a_sitting("northbridge", outcome=Outcome.POSITIVE)
    sent = f.decision_return(decision=decision)
    data = sent.export
    response = client_as(Role.SCA_QUALITY_ASSURER).get(reverse("reviews:return", args=[sent.pk]))
    assert response.status_code == 200
    text = _main(response.content.decode())

    # The decision page's sections and labels, read from the export as sent.
    for label in (
        "The decision",
        "Date of decision",
        "Test applied",
        "Evidence weighed",
        "The act",
        "The exploitative purpose",
        "Credibility",
        "The child's best interests, safeguarding and support",
        "The child's wishes and feelings",
        "Votes and dissent",
        "Votes cast",
    ):
        assert label in text, label
    assert data["evidence"] and all(e["description"] in text for e in data["evidence"])
    assert data["outcome_label"] in text and data["guidance_title"] in text

    # Dates in words, never as stored.
    assert long_date(decision.decided_on) in text
    assert long_datetime(decision.finalised_at) in text
    assert long_date(decision.meeting.starts_at) in text
    assert decision.decided_on.isoformat() not in text
    assert data["finalised_at"] not in text

    # No internal ids, codes or field names.
    assert FIELD_NAME.findall(text) == []
    for hidden in ("Decision id", "Information response id", "Referral document id", "Format", "childnrm.decision"):
        assert hidden not in text, hidden

    # The JSON download still carries everything, as sent.
    download = client_as(Role.SCA_QUALITY_ASSURER).get(reverse("reviews:return-json", args=[sent.pk]))
    assert json.loads(download.content)["decision_id"] == decision.pk


def test_a_negative_decision_shows_its_reconsideration_window_in_words(demo, client_as):
    sent = f.decision_return()
    window = sent.export["reconsideration_window"]
    text = _main(client_as(Role.SCA_QUALITY_ASSURER).get(reverse("reviews:return", args=[sent.pk])).content.decode())
    assert "Reconsideration can be asked for until" in text
    assert long_date(window["last_day"]) in text
    assert FIELD_NAME.findall(text) == []


def test_an_older_return_reads_with_labels_and_dates_in_words(demo):
    decision = f.final_decision()
    data = json.loads(export.export_json(_return_in_the_old_format(decision)))
    rows = [(label, text) for section in export.readable(data) for label, text in section["rows"]]
    labels = [label for label, _ in rows]
    assert "Id" not in labels and "Format" not in labels
    assert "Stage" in labels and ("Stage", decision.get_stage_display()) in rows  # the words, not the code
    assert ("Decided on", long_date(decision.decided_on)) in rows
    assert all(not FIELD_NAME.search(f"{label} {text}") for label, text in rows)
