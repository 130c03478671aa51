"""Quarters, categories, intervals, times and the chart cleaner: no database."""

from __future__ import annotations

from datetime import date

import pytest
from statsmodels.stats.proportion import proportion_confint

from childnrm.statistics import dimensions as dim
from childnrm.statistics.charts import clean_svg
from childnrm.statistics.dimensions import Quarter
from childnrm.statistics.measures import time_summary, wilson_interval


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


def test_a_chart_keeps_only_safe_svg():
    raw = (
        '<svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink" width="10pt" '
        'height="5pt" viewBox="0 0 10 5" onload="alert(1)"><style>*{x:y}</style><script>alert(2)</script>'
        '<defs><path id="p1" d="M0 0L1 1" style="fill: #1d70b8; stroke: url(http://evil/x)"/></defs>'
        "<!-- --><script>alert(3)</script><!-- -->"
        '<g clip-path="url(#p1)"><use xlink:href="#p1" x="1"/><use xlink:href="http://evil/y#z"/></g>'
        "<foreignObject><div>x</div></foreignObject></svg>"
    )
    svg = clean_svg(raw, prefix="chart", title="A <title>", description="Words & more")
    for gone in ("onload", "<style", "script", "alert", "evil", "foreignObject", "width=", "style="):
        assert gone not in svg, gone
    assert 'id="chart-p1"' in svg and 'href="#chart-p1"' in svg and 'clip-path="url(#chart-p1)"' in svg
    assert 'fill="#1d70b8"' in svg
    assert 'role="img"' in svg and "<title" in svg and "A &lt;title&gt;" in svg and "Words &amp; more" in svg
