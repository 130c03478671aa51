"""Quarters, categories, intervals, times and the charts' drawing: no database."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from datetime import date

import pytest
from statsmodels.stats.proportion import proportion_confint

from childnrm.kit.disclosure import Cell
from childnrm.statistics import dimensions as dim
from childnrm.statistics.charts import SVG_NS as SVG
from childnrm.statistics.charts import chart_for, log_ticks, nice_ticks
from childnrm.statistics.dimensions import Quarter
from childnrm.statistics.measures import time_summary, wilson_interval
from childnrm.statistics.tables import StatRow, StatTable


def test_quarters_parse_step_and_span():
    q = Quarter.parse("2026Q3")
    assert (q.label, q.code, q.first_day, q.last_day) == ("2026 Q3", "2026Q3", date(2026, 7, 1), date(2026, 9, 30))
    assert Quarter.parse("2026 q4").next() == Quarter(2027, 1)
    assert Quarter(2027, 1).previous() == Quarter(2026, 4)
    assert Quarter.of(date(2026, 2, 28)) == Quarter(2026, 1)
    assert [x.code for x in dim.quarters_between(Quarter(2025, 4), Quarter(2026, 2))] == ["2025Q4", "2026Q1", "2026Q2"]
    for bad in ("2026Q5", "Q3 2026", "", "2026-07"):
        with pytest.raises(ValueError):
            Quarter.parse(bad)


def test_categories_in_the_home_office_words():
    assert dim.exploitation_label(["criminal", "sexual"]) == "Sexual & Criminal"
    assert dim.exploitation_label(["criminal", "labour"]) == "Labour & Criminal"
    assert dim.exploitation_label(["not_known"]) == "Not specified or unknown"
    assert dim.exploitation_group(["criminal", "sexual"]) == "Multiple types"
    assert (
        dim.ethnic_group("black_caribbean") == "Black" and dim.ethnic_group("not_stated") == "Not specified or unknown"
    )
    assert dim.age_band(11) == "Under 12" and dim.age_band(17) == "16 to 17" and dim.age_band(None) == dim.NOT_KNOWN
    assert dim.age_on(date(2010, 6, 15), date(2026, 6, 14)) == 15
    assert dim.first_responder_label("ngo") == "NGO and third sector" and dim.first_responder_label("health") == "Other"
    assert dim.nationality_label(["AL", "GB"]) == "Albania" and dim.nationality_group(["GB"]) == "UK national"


@pytest.mark.parametrize(("hits", "n"), [(0, 10), (3, 10), (10, 10), (37, 120), (1, 1)])
def test_wilson_interval_matches_statsmodels(hits, n):
    low, high = proportion_confint(hits, n, alpha=0.05, method="wilson")
    ours = wilson_interval(hits, n)
    assert ours is not None
    assert ours[0] == pytest.approx(100 * low, abs=1e-9) and ours[1] == pytest.approx(100 * high, abs=1e-9)
    assert wilson_interval(0, 0) is None


def test_time_summary_is_pandas_median_quartiles_and_mean():
    summary = time_summary([10, 40, 20, 30, None])
    assert (summary.n, summary.median, summary.lower_quartile, summary.upper_quartile, summary.mean) == (
        4,
        25.0,
        17.5,
        32.5,
        25.0,
    )
    assert time_summary([]).n == 0 and time_summary([]).median is None


def _quarters_table(values: list[Cell], labels: list[tuple[str, str]]) -> StatTable:
    rows = [StatRow(label, (cell,)) for label, cell in zip(labels, values, strict=True)]
    return StatTable(
        key="referrals_by_quarter_location",
        title="Referrals of children by quarter and location of exploitation",
        label_headers=("Year", "Quarter"),
        value_headers=("Total",),
        rows=(*rows, StatRow(("Total", ""), (Cell(sum(c.value or 0 for c in values)),), total=True)),
        chart="referrals_by_quarter",
    )


def test_a_chart_draws_the_shown_figures_to_scale_and_marks_the_rest():
    table = _quarters_table(
        [Cell(40), Cell(None, True, "[c]"), Cell(20)], [("2026", "Q1"), ("2026", "Q2"), ("2026", "Q3")]
    )
    chart = chart_for(table)
    assert chart is not None
    root = ET.fromstring(str(chart.svg))  # noqa: S314 (our own output)
    bars = [e for e in root.iter(f"{{{SVG}}}rect") if e.get("fill") == "#1d70b8"]
    heights = [float(bar.get("height") or 0) for bar in bars]
    assert len(heights) == 3 and heights[0] == pytest.approx(2 * heights[2], abs=0.02) and heights[1] == 0
    texts = [e.text for e in root.iter(f"{{{SVG}}}text")]
    assert texts.count("[c]") == 1 and {"2026 Q1", "2026 Q2", "2026 Q3", "Referrals"} <= set(texts)
    assert root.find(f"{{{SVG}}}title").text == chart.title == table.title
    assert root.find(f"{{{SVG}}}desc").text == chart.description
    assert "1 quarter is not shown, to protect small numbers." in chart.description


def test_a_chart_holds_only_its_own_elements_and_escaped_text():
    hostile = '"><script>alert(1)</script><foreignObject onload="alert(2)">'
    table = _quarters_table([Cell(10), Cell(15)], [(hostile, "&"), ("2026", "Q2")])
    svg = str(chart_for(table).svg)
    for gone in ("<script", "<foreignObject", "style=", "url(http"):
        assert gone not in svg, gone
    root = ET.fromstring(svg)  # noqa: S314 (our own output)
    assert not [name for element in root.iter() for name in element.attrib if name.lower().startswith("on")]
    assert "width" not in root.attrib and "height" not in root.attrib  # the page's width decides the size
    tags = {element.tag.split("}")[-1] for element in root.iter()}
    assert tags <= {"svg", "title", "desc", "defs", "pattern", "rect", "path", "line", "polyline", "circle", "text"}
    assert f"{hostile} &" in [e.text for e in root.iter(f"{{{SVG}}}text")]  # shown as text, never as markup
    assert (
        root.get("role") == "img"
        and root.get("aria-labelledby") == "referrals_by_quarter-title referrals_by_quarter-desc"
    )


def test_ticks_are_round_numbers_covering_the_values():
    assert nice_ticks(37) == [0, 10, 20, 30, 40]
    assert nice_ticks(1234) == [0, 250, 500, 750, 1000, 1250]
    assert nice_ticks(0) == [0.0, 0.2, 0.4, 0.6, 0.8, 1.0]
    assert log_ticks(0.4, 3.1) == [0.5, 1, 2]
    assert log_ticks(0.7, 1.4) == [0.7, 1, 1.4]
    assert log_ticks(0.001, 2000) == [0.001, 0.01, 0.1, 1, 10, 100, 1000]
