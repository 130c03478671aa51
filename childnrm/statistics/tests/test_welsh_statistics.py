"""The statistics pages in Welsh, as each role of a Welsh site that reaches them (ADR 0023, issue 13).

Northbridge is made a Welsh site and given the known dataset (statistics/tests/known_dataset.py: referrals,
decisions, plans and reviews across three quarters, some counts small enough to be suppressed), so every table
of every section has rows, notes and worded cells. The analyst and the coordinator walk the four pages, with the
filters and with a period that ends before it starts (the error). Sites' and countries' names may show as
written; everything else on the page must be Welsh, the charts included. The files (CSV, XLSX, ODS, the return
to the Home Office) stay English: they are published in the Home Office's layout.
"""

from __future__ import annotations

import csv
import io

import pycountry
import pytest
from django.utils import translation

from childnrm.accounts.models import Role, Site
from childnrm.core.tests.welsh import english_left, walk_in_welsh
from childnrm.kit.disclosure import DEFAULT_RULES
from childnrm.statistics import report, selectors, words
from childnrm.statistics.forms import StatisticsFilterForm
from childnrm.statistics.tests.known_dataset import build_known_dataset
from conftest import demo_user, signed_in

SAME_IN_WELSH = {"Panel", "Cost £"}
PAGES = ("/statistics/", "/statistics/equality/", "/statistics/pilot/", "/statistics/consistency/")


def names() -> list[str]:
    """What a statistics page may show as it was written: the sites' names, and countries' (the few pycountry
    has no Welsh name for)."""
    found = list(Site.objects.values_list("name", flat=True))
    found += [getattr(c, "common_name", c.name) for c in pycountry.countries]
    return found


def _period(known) -> str:
    return f"quarter_from={known.a.code}&quarter_to={known.c.code}"


def _paths(known) -> list[str]:
    period = _period(known)
    filtered = f"{period}&gender=female&age_band=14+to+15&ethnicity=White&first_responder_type=Police"
    backwards = f"quarter_from={known.c.code}&quarter_to={known.a.code}"  # ends before it starts: an error
    return [f"{page}?{query}" for page in PAGES for query in (period, filtered, backwards)]


@pytest.mark.parametrize("role", [Role.ANALYST, Role.COORDINATOR])
def test_a_welsh_sites_statistics_pages_are_in_welsh(welsh_site, role):
    known = build_known_dataset()
    client = signed_in(demo_user(role))
    page = client.get(f"/statistics/?{_period(known)}").content.decode()
    assert "Tablau’r NRM" in page and "Atgyfeiriadau plant yn ôl chwarter a rhywedd" in page
    # The charts too: their descriptions, and their titles and axes inside the SVG (which the walk does not read).
    assert "Siart bar o atgyfeiriadau plant ym mhob chwarter" in page
    assert "<title" in page and "Atgyfeiriadau plant yn ôl chwarter a lleoliad y camfanteisio</title>" in page
    assert walk_in_welsh(client, _paths(known), names=names()) == {}


def test_the_period_error_and_the_filters_are_in_welsh(welsh_site):
    known = build_known_dataset()
    client = signed_in(demo_user(Role.ANALYST))
    page = client.get(f"/statistics/?quarter_from={known.c.code}&quarter_to={known.a.code}").content.decode()
    assert "Mae problem wedi codi" in page
    assert "Rhaid i’r chwarter olaf fod yr un fath â’r chwarter cyntaf neu ar ei ôl" in page
    assert english_left(page, names=names()) == []


def test_every_phrase_of_every_table_has_its_welsh(welsh_site):
    """Each title, heading, label, note and worded cell of every section's tables is translated: a phrase added
    to a table without its Welsh fails here, whatever the walk's data happened to draw."""
    known = build_known_dataset()
    form = StatisticsFilterForm(
        {"quarter_from": known.a.code, "quarter_to": known.c.code},
        sites=selectors.statistics_sites(demo_user(Role.ANALYST)),
    )
    release = report.build(form.filters(), DEFAULT_RULES)
    allowed = set(names())
    untranslated = set()
    with translation.override("cy"):
        for table in release.tables:
            shown = words.table_shown(table)
            pairs = [
                (table.title, shown.title),
                *zip(table.label_headers, shown.label_headers, strict=True),
                *zip(table.value_headers, shown.value_headers, strict=True),
                *zip(table.notes, shown.notes, strict=True),
            ]
            for row, shown_row in zip(table.rows, shown.rows, strict=True):
                pairs += zip(row.labels, shown_row.labels, strict=True)
                pairs += [(str(a), str(b)) for a, b in zip(row.cells, shown_row.cells, strict=True)]
            for english, welsh in pairs:
                worded = any(ch.isalpha() for ch in english.replace("[c]", "").replace("[low]", "").replace("[x]", ""))
                if worded and english == welsh and english not in allowed | SAME_IN_WELSH:
                    untranslated.add(english)
    assert untranslated == set()


def test_the_files_stay_english_on_a_welsh_site(welsh_site):
    """The downloads and the return are the Home Office's English layout, whatever the page's language; the
    page says so."""
    known = build_known_dataset()
    client = signed_in(demo_user(Role.ANALYST))
    period = _period(known)
    page = client.get(f"/statistics/?{period}").content.decode()
    assert "Lawrlwytho’r tabl hwn (yn Saesneg):" in page
    assert "Mae’r ffurflen yn Saesneg, sef iaith ystadegau’r Swyddfa Gartref." in page
    response = client.get(f"/statistics/download/?table=referrals_by_quarter_gender&format=csv&{period}")
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert rows[0][:2] == ["Year", "Quarter"] and "Female" in rows[0]
    response = client.get(f"/statistics/home-office-return/?format=csv&{period}")
    assert "Referrals by gender" in response.content.decode("utf-8-sig")
