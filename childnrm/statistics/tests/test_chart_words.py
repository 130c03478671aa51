"""What the charts say in words, against the tables under them; the tables' headings; the captions as one message.

A chart's description is read instead of the chart (its `<desc>`, and the caption under it), so it must say what
the table publishes: its protected totals, never a sum of the cells left visible (lower than the total, and
different from it), never a figure the table hides, and no "largest" of figures that are all zero or hidden. Its
count of figures "not shown, to protect small numbers" counts what disclosure control hid ("[c]", "[low]"), not
what there was nothing to show for ("[x]": no decisions, not in the model). It finds its columns by their keys, so
the words are chosen the same way whatever language the headings are in.
"""

from __future__ import annotations

import random
import re
from dataclasses import replace

import pytest
from django.utils import translation

from childnrm.accounts.models import Role, Site
from childnrm.kit.disclosure import CONFIDENTIAL, DEFAULT_RULES, LOW_BASE, NOT_AVAILABLE, Cell
from childnrm.statistics import report, selectors, words
from childnrm.statistics.charts import chart_for
from childnrm.statistics.forms import StatisticsFilterForm
from childnrm.statistics.tables import QUARTER_HEADERS, STAGES, TIME_HEADERS, StatRow, StatTable, count_table
from childnrm.statistics.tests.known_dataset import build_known_dataset
from conftest import demo_user, signed_in

QUARTERS = [("2026", "Q1"), ("2026", "Q2"), ("2026", "Q3")]
ABOUT = re.compile(r"(?:about|tua) ([\d,]+)")
HIDDEN, LOW, NONE = Cell(None, True, CONFIDENTIAL), Cell(None, True, LOW_BASE), Cell(None, False, NOT_AVAILABLE)


def _decisions(counts: list[list[int]], stage: str = "rg") -> StatTable:
    """A decisions-by-quarter table as `tables.decisions_by_quarter` makes it, from true [negative, positive]
    counts for each quarter, protected by the default rules."""
    words_ = STAGES[stage]
    return count_table(
        key=f"{stage}_decisions_by_quarter",
        title=f"{words_.capitalize()} decisions by quarter",
        label_headers=QUARTER_HEADERS,
        row_labels=QUARTERS[: len(counts)],
        value_headers=[f"Negative {words_}", f"Positive {words_}"],
        counts=counts,
        rules=DEFAULT_RULES,
        chart=f"{stage}_decisions_by_quarter",
    )


def _referrals(counts: list[list[int]]) -> StatTable:
    """Referrals by quarter and location of exploitation (UK, overseas), protected by the default rules."""
    return count_table(
        key="referrals_by_quarter_location",
        title="Referrals of children by quarter and location of exploitation",
        label_headers=QUARTER_HEADERS,
        row_labels=QUARTERS[: len(counts)],
        value_headers=["UK", "Overseas"],
        counts=counts,
        rules=DEFAULT_RULES,
        chart="referrals_by_quarter",
    )


def _totals(table: StatTable) -> dict[str, Cell]:
    """The totals row by column (an English table: its headings are its columns' keys)."""
    return dict(zip(table.value_headers, table.rows[-1].cells, strict=True))


def test_the_decisions_chart_gives_the_tables_totals_not_a_sum_of_the_cells_left_visible():
    # 3 positive decisions in each of Q2 and Q3: each quarter is hidden, the period's 6 published as 5.
    table = _decisions([[0, 0], [0, 3], [0, 3]])
    totals = _totals(table)
    assert (str(totals["Negative reasonable grounds"]), str(totals["Positive reasonable grounds"])) == ("0", "5")
    words_ = chart_for(table).description
    assert "In all, about 5 positive and 0 negative." in words_
    assert "about 0 positive" not in words_
    assert "2 figures are not shown, to protect small numbers." in words_


@pytest.mark.parametrize(
    ("counts", "expected"),
    [
        # Both totals shown.
        ([[10, 20], [5, 15], [0, 0]], "In all, about 35 positive and 15 negative."),
        # Nothing decided at all.
        ([[0, 0], [0, 0], [0, 0]], "There were no decisions in these quarters."),
        # The negatives' total is small: hidden, and the grand total with it; the positives' (none) shown.
        ([[2, 0], [0, 0], [0, 0]], "In all, about 0 positive; how many were negative is not shown"),
        ([[0, 2], [0, 0], [0, 0]], "In all, about 0 negative; how many were positive is not shown"),
        # Hidden both, to protect the small one: the period's total shown, the split not.
        ([[2, 20], [0, 10], [0, 10]], "In all, about 40 decisions; how many were positive and how many negative"),
        ([[3, 2], [0, 0], [0, 0]], "In all, about 5 decisions; how many were positive and how many negative"),
    ],
)
def test_the_decisions_chart_words_each_way_its_totals_can_be_published(counts, expected):
    words_ = chart_for(_decisions(counts)).description
    assert expected in words_
    assert words_.count("In all") + words_.count("There were no") == 1


def test_the_decisions_chart_gives_no_total_its_table_hides():
    # Every total hidden (as a table protected together with another could hide them).
    table = _decisions([[10, 20], [5, 15], [0, 0]])
    table = replace(table, rows=(*table.rows[:-1], StatRow(("Total", ""), (HIDDEN, HIDDEN, HIDDEN), total=True)))
    words_ = chart_for(table).description
    assert "The totals for the period are not shown, to protect small numbers." in words_
    assert not ABOUT.findall(words_)


def test_no_figure_in_a_charts_words_is_other_than_one_its_table_publishes():
    """Many tables of small counts: every "about N" the decisions and referrals charts say is a figure the table
    shows, the decisions' totals are the totals row's exactly (or not said when hidden), and a hidden total is
    never given."""
    draw = random.Random(19)
    for _ in range(300):
        counts = [[draw.choice([0, 0, 1, 2, 3, 4, 6, 9, 12, 30]) for _ in range(2)] for _ in QUARTERS]
        for table in (_decisions(counts), _decisions(counts, "cg"), _referrals(counts)):
            words_ = chart_for(table).description
            shown = {int(c.value) for row in table.rows for c in row.cells if c.value is not None}
            said = {int(n.replace(",", "")) for n in ABOUT.findall(words_)}
            assert said <= shown, (counts, words_)
            if table.chart.endswith("decisions_by_quarter"):
                stage = STAGES[table.chart.split("_")[0]]
                for sign in ("positive", "negative"):
                    total = _totals(table)[f"{sign.capitalize()} {stage}"]
                    match = re.search(rf"(?:about|and) ([\d,]+) {sign}\b", words_)
                    if total.suppressed:
                        assert match is None, (counts, words_)
                    elif table.rows[-1].cells[-1].value:  # some decisions: the total is said as published
                        assert match is not None and int(match.group(1)) == total.value, (counts, words_)


def test_no_largest_of_figures_all_zero_or_hidden_in_english_or_welsh():
    # Q1 and Q2 hidden (3 and 12 referrals, the 12 hidden to protect the 3), Q3 none: nothing shown above 0.
    table = _referrals([[3, 0], [12, 0], [0, 0]])
    assert [str(row.cells[-1]) for row in table.rows] == [CONFIDENTIAL, CONFIDENTIAL, "0", "15"]
    english = chart_for(table).description
    assert "most" not in english and "about 0" not in english
    assert "In all, about 15 referrals." in english
    with translation.override("cy"):
        welsh = chart_for(table).description
    assert "nifer fwyaf" not in welsh and "tua 0" not in welsh
    assert "Drwyddi draw, tua 15 atgyfeiriad." in welsh


def test_the_largest_shown_is_said_of_the_quarters_shown_when_some_are_hidden():
    everything = chart_for(_referrals([[20, 0], [10, 0], [5, 0]])).description
    assert "The most were in 2026 Q1 (about 20)." in everything
    some = chart_for(_referrals([[20, 0], [3, 0], [10, 0]])).description
    assert "Of the quarters shown, the most were in 2026 Q1 (about 20)." in some
    tied = chart_for(_referrals([[20, 0], [19, 0], [10, 0]])).description  # 20 and 20 as published: no one largest
    assert "most" not in tied


def _times(medians: list[Cell]) -> StatTable:
    rows = [StatRow(q, (Cell(0), m, m, m, m)) for q, m in zip(QUARTERS, medians, strict=True)]
    return StatTable(
        key="rg_times_by_quarter",
        title="Days from referral to the reasonable grounds decision, by quarter of decision",
        label_headers=QUARTER_HEADERS,
        value_headers=TIME_HEADERS,
        rows=(*rows, StatRow(("Total", ""), (Cell(10), LOW, LOW, LOW, LOW), total=True)),
        chart="rg_times_by_quarter",
    )


def test_only_what_disclosure_control_hid_is_counted_as_not_shown():
    # A quarter with no decisions ([x]) hides nothing; one with too few ([low]) is hidden.
    words_ = chart_for(_times([NONE, Cell(96.0), LOW])).description
    assert "1 quarter is not shown, to protect small numbers." in words_
    assert "quarters are not shown" not in chart_for(_times([NONE, Cell(96.0), NONE])).description

    # Groups with no decisions ([x]) are not hidden groups; a suppressed rate is.
    groups = ["Asian", "Black", "White"]
    rates = [HIDDEN, NONE, Cell(60.0)]
    table = StatTable(
        key="disproportionality_by_ethnicity",
        title="Referrals, decisions and outcomes by ethnic group, with 95% intervals",
        label_headers=("Ethnic group", "Measure"),
        value_headers=("Number", "Out of", "Rate %", "Lower 95% limit %", "Upper 95% limit %"),
        rows=tuple(
            StatRow((g, "Positive reasonable grounds"), (HIDDEN, HIDDEN, r, r, r))
            for g, r in zip(groups, rates, strict=True)
        ),
        chart="disproportionality_by_ethnicity",
    )
    assert "1 group is not shown, to protect small numbers." in chart_for(table).description

    # A site not in the model (one site alone: nothing to compare with) is not hidden to protect small numbers.
    alone = StatTable(
        key="consistency_between_panels",
        title="Positive reasonable grounds decisions by site, adjusted for case mix",
        label_headers=("Site",),
        value_headers=(
            "Decisions",
            "Positive % (observed)",
            "Positive % (adjusted for case mix)",
            "Odds ratio against the average site",
            "Lower 95% limit",
            "Upper 95% limit",
            "For discussion",
        ),
        rows=(StatRow(("Northbridge",), (Cell(15), HIDDEN, NONE, NONE, NONE, NONE, Cell(None, False, "No flag"))),),
        chart="consistency_between_panels",
    )
    assert "not shown" not in chart_for(alone).description


def test_the_charts_find_their_columns_by_key_not_by_the_translated_heading():
    """Drawn from a table whose headings are in Welsh, a chart chooses its words as from the English one: the
    reasonable grounds chart still says reasonable grounds (not conclusive), with the table's totals."""
    table = _decisions([[10, 20], [5, 15], [0, 0]])
    referrals = _referrals([[20, 0], [10, 0], [5, 0]])
    with translation.override("cy"):
        shown = words.table_shown(table)
        from_welsh = chart_for(shown).description
        from_english = chart_for(table).description
    assert "sail resymol" in from_welsh and "sail derfynol" not in from_welsh
    assert "Drwyddi draw, tua 35 cadarnhaol a 15 negyddol." in from_welsh
    assert from_welsh.split(". ", 1)[1] == from_english.split(". ", 1)[1]  # past the quarters' names, the same
    with translation.override("cy"):
        referrals_from_welsh = chart_for(words.table_shown(referrals)).description
    assert "Drwyddi draw, tua 35 atgyfeiriad." in referrals_from_welsh
    # The headings shown are Welsh; the keys stay the English ones, for code to find the columns by.
    assert shown.value_headers != table.value_headers and shown.value_keys == table.value_keys
    assert shown.column("Positive reasonable grounds") == table.column("Positive reasonable grounds") == 1


def test_every_tables_headings_are_distinct_in_english_and_in_welsh(demo):
    """A heading said twice ("Decided by | Decisions | Decisions") leaves the reader to guess which column is
    which, and a screen reader reads both alike."""
    known = build_known_dataset()
    form = StatisticsFilterForm(
        {"quarter_from": known.a.code, "quarter_to": known.c.code},
        sites=selectors.statistics_sites(demo_user(Role.ANALYST)),
    )
    release = report.build(form.filters(), DEFAULT_RULES)
    repeated = {}
    for language in ("en-gb", "cy"):
        with translation.override(language):
            for table in release.tables:
                header = words.table_shown(table).header
                if len(set(header)) != len(header):
                    repeated[(language, table.key)] = header
    assert repeated == {}
    plans = release.get("pilot_plans_at_sitting")
    assert plans.header == [
        "Decided by",
        "Decisions",
        "Number of decisions",
        "With a plan agreed at the sitting",
        "Share %",
    ]


def test_the_pages_charts_say_what_their_tables_publish_in_welsh(demo):
    """The walk's finding, on the page: a Welsh coordinator whose site's referrals are all hidden or none was told
    "Roedd y nifer fwyaf yn Ch1 2026 (tua 0)", and every decisions chart "about 0 positive and 0 negative"."""
    known = build_known_dataset()
    period = f"quarter_from={known.a.code}&quarter_to={known.c.code}"
    Site.objects.filter(slug="three-rivers").update(default_language="cy")
    for role, slug in ((Role.COORDINATOR, "three-rivers"), (Role.ANALYST, "northbridge")):
        user = demo_user(role, slug)
        user.language = "cy"
        user.save(update_fields=["language"])
        response = signed_in(user).get(f"/statistics/?{period}")
        page = response.content.decode()
        assert "Siart bar o atgyfeiriadau plant" in page
        for key, chart in response.context["charts"].items():
            assert chart.description in page
            assert "tua 0)" not in chart.description, (slug, key, chart.description)
            if key.endswith("decisions_by_quarter"):
                stage = "reasonable" if key.startswith("rg") else "conclusive"
                totals = _totals(chart.table)
                positive, negative = totals[f"Positive {stage} grounds"], totals[f"Negative {stage} grounds"]
                if not positive.suppressed and not negative.suppressed and chart.table.rows[-1].cells[-1].value:
                    assert f"tua {positive} cadarnhaol a {negative} negyddol" in chart.description, chart.description
                assert "tua 0 cadarnhaol a 0 negyddol" not in chart.description
        # The caption is one message: the table's title and the period, in Welsh word order.
        assert re.search(
            r"<caption [^>]*>Atgyfeiriadau plant yn ôl chwarter a rhywedd, Ch\d 20\d\d i Ch\d 20\d\d</caption>", page
        )
