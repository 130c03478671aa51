"""The list of returns to the SCA shows each return's reference, stage, version and outcome as sent, without reading
the exports themselves (each a whole decision record), in statements that do not grow with the returns listed."""

from __future__ import annotations

import html
import re

import pytest
from django.urls import reverse

from childnrm.accounts.models import Role
from childnrm.core.tests.queries import CountedQueries
from childnrm.reviews import export
from childnrm.reviews.models import DecisionReturn
from childnrm.reviews.tests import factories as f

pytestmark = pytest.mark.django_db

EXPORT_COLUMN = '"reviews_decisionreturn"."export"'


def _rows(page: str) -> dict[int, str]:
    """Each return's row of the list, as its text."""
    rows = re.findall(r'<tr class="govuk-table__row" data-return="(\d+)">(.*?)</tr>', page, re.S)
    return {int(pk): " ".join(html.unescape(re.sub(r"<[^>]+>", " ", row)).split()) for pk, row in rows}


def shows_as_sent(row: str, sent: DecisionReturn) -> bool:
    """The row says what the export says (`export.summary`, as the return's own page reads it)."""
    said = export.summary(sent.export)
    return all(
        text in row
        for text in (
            f"Referral {said['referral_reference']}",
            f"{said['stage']} , version {said['version']}",
            str(said["outcome"]),
        )
    )


def test_the_list_shows_each_return_as_sent_without_reading_the_exports(demo, client_as):
    sent = [f.decision_return(), f.decision_return()]
    f.finding(sent=sent[0])
    client = client_as(Role.SCA_QUALITY_ASSURER)
    with CountedQueries() as statements:
        response = client.get(reverse("reviews:returns"))
    assert response.status_code == 200
    rows = _rows(response.content.decode())
    for one in sent:
        assert shows_as_sent(rows[one.pk], one), rows[one.pk]
    assert "Minor concerns" in rows[sent[0].pk] and "None yet" in rows[sent[1].pk]
    assert not [q["sql"] for q in statements.captured_queries if EXPORT_COLUMN in q["sql"]]


def _statements(client) -> int:
    url = reverse("reviews:returns")
    assert client.get(url).status_code == 200  # warm: the first request reads the session's sites and caches
    with CountedQueries() as captured:
        assert client.get(url).status_code == 200
    return len(captured)


def test_the_list_takes_the_same_statements_for_one_return_or_many(demo, client_as):
    client = client_as(Role.SCA_QUALITY_ASSURER)
    f.finding(sent=f.decision_return())
    one = _statements(client)
    for _ in range(3):
        f.finding(sent=f.decision_return())
    assert _statements(client) == one
