"""The figures are right: every table cell, median, quartile and interval against plain pandas on a known dataset,
and with the default rules, nothing from 1 to 4 anywhere and no total that gives a suppressed count back."""

from __future__ import annotations

import pandas as pd
import pytest
from statsmodels.stats.proportion import proportion_confint

from childnrm.accounts.models import Site
from childnrm.kit.disclosure import DEFAULT_RULES, DisclosureRules, protect_table
from childnrm.statistics import report
from childnrm.statistics.selectors import StatisticsFilters
from childnrm.statistics.tables import StatTable
from childnrm.statistics.tests.known_dataset import SITE_NAMES, build_known_dataset, expected_frame

# No suppression, no rounding, every rate and average shown: the tables then hold the true figures.
EXACT = DisclosureRules(threshold=0, rounding=1, min_denominator=1, protect_rate_complement=False)
LOCATIONS = ["UK", "Overseas", "UK and Overseas", "Not specified or unknown"]
GENDERS = ["Female", "Male", "Not specified or unknown"]


def _filters(known, **chosen) -> StatisticsFilters:
    sites = tuple(Site.objects.filter(slug__in=SITE_NAMES).order_by("pk").values_list("pk", flat=True))
    return StatisticsFilters(site_ids=sites, first=known.a, last=known.c, **chosen)


def _counts(frame: pd.DataFrame, rows: str, row_values: list, columns: str, column_values: list) -> list[list[int]]:
    table = pd.crosstab(frame[rows], frame[columns])
    table = table.reindex(index=row_values, columns=column_values, fill_value=0)
    return table.astype(int).values.tolist()


def _shown(table: StatTable) -> list[list[object]]:
    """The table's values (no labels), total row and column included."""
    return [[cell.value for cell in row.cells] for row in table.rows]


def _with_totals(counts: list[list[int]]) -> list[list[int]]:
    rows = [[*row, sum(row)] for row in counts]
    return [*rows, [sum(col) for col in zip(*rows, strict=True)]]


@pytest.fixture
def known(demo):
    return build_known_dataset()


def test_every_nrm_cell_time_and_interval_matches_pandas(known):
    expected = expected_frame(known)
    quarters = [q.code for q in known.quarters]
    release = report.build(_filters(known), EXACT, sections=("nrm", "disproportionality", "consistency"))

    # Referrals by quarter: by location, gender and exploitation type (Home Office layout, totals both ways).
    referred = expected[expected["quarter"].isin(quarters)]
    location = release.get("referrals_by_quarter_location")
    assert [row.labels for row in location.rows] == [
        *((str(q.year), f"Q{q.number}") for q in known.quarters),
        ("Total", ""),
    ]
    assert location.value_headers == (*LOCATIONS, "Total")
    assert _shown(location) == _with_totals(_counts(referred, "quarter", quarters, "location", LOCATIONS))
    assert _shown(release.get("referrals_by_quarter_gender")) == _with_totals(
        _counts(referred, "quarter", quarters, "gender", GENDERS)
    )
    exploitation = release.get("referrals_by_quarter_exploitation")
    columns = list(exploitation.value_headers[:-1])
    assert "Sexual & Criminal" in columns
    assert _shown(exploitation) == _with_totals(_counts(referred, "quarter", quarters, "exploitation", columns))
    responders = ["Local Authority", "Police", "Government agency", "NGO and third sector", "Other"]
    responder = release.get("referrals_by_first_responder")
    assert _shown(responder) == _with_totals(
        _counts(referred, "first_responder_type", responders, "exploitation", list(responder.value_headers[:-1]))
    )
    nationality = release.get("referrals_by_nationality")
    names = [row.labels[0] for row in nationality.rows if not row.total]
    assert names[0] == "United Kingdom" and set(names) == set(referred["nationality"])
    assert _shown(nationality) == _with_totals(_counts(referred, "nationality", names, "gender", GENDERS))

    # Decisions by quarter, negative and positive, in the quarter the panel decided.
    for stage in ("rg", "cg"):
        decided = expected[expected[f"{stage}_quarter"].isin(quarters)].copy()
        decided["result"] = decided[f"{stage}_positive"].map({True: "positive", False: "negative"})
        table = release.get(f"{stage}_decisions_by_quarter")
        assert _shown(table) == _with_totals(
            _counts(decided, f"{stage}_quarter", quarters, "result", ["negative", "positive"])
        )
        # Days from referral: count, median, quartiles, mean, per quarter and in total.
        times = release.get(f"{stage}_times_by_quarter")
        groups = [decided[decided[f"{stage}_quarter"] == q][f"{stage}_days"] for q in quarters] + [
            decided[f"{stage}_days"]
        ]
        for row, days in zip(times.rows, groups, strict=True):
            n, median, lower, upper, mean = (cell.value for cell in row.cells)
            assert n == len(days)
            if len(days):
                assert median == round(days.median(), 1)
                assert lower == round(days.quantile(0.25), 1)
                assert upper == round(days.quantile(0.75), 1)
                assert mean == round(days.mean(), 1)
            else:
                assert median is lower is upper is mean is None

    # Decisions by site and stage.
    sites = sorted(SITE_NAMES.values())
    frames = []
    for stage, words in (("rg", "reasonable grounds"), ("cg", "conclusive grounds")):
        decided = expected[expected[f"{stage}_quarter"].isin(quarters)]
        frames.append(
            pd.DataFrame(
                {
                    "site": decided["site"],
                    "column": decided[f"{stage}_positive"].map({True: f"Positive {words}", False: f"Negative {words}"}),
                }
            )
        )
    by_site = release.get("decisions_by_site")
    assert _shown(by_site) == _with_totals(
        _counts(pd.concat(frames), "site", sites, "column", list(by_site.value_headers[:-1]))
    )

    # Equality monitoring: positive reasonable grounds rates by gender with Wilson intervals (statsmodels').
    rates = release.get("disproportionality_by_gender")
    decided = expected[expected["rg_quarter"].isin(quarters)]
    for gender in GENDERS:
        mine = decided[decided["gender"] == gender]
        hits, n = int(mine["rg_positive"].sum()), len(mine)
        row = next(r for r in rates.rows if r.labels == (gender, "Positive reasonable grounds"))
        number, base, rate, lower, upper = (cell.value for cell in row.cells)
        assert (number, base) == (hits, n)
        if n:
            low, high = proportion_confint(hits, n, alpha=0.05, method="wilson")
            assert rate == round(100 * hits / n, 1)
            assert lower == round(100 * low, 1) and upper == round(100 * high, 1)
    # The share of referrals by ethnic group, out of all referrals in the period.
    shares = release.get("disproportionality_by_ethnicity")
    for group, n in referred["ethnic_group"].value_counts().items():
        row = next(r for r in shares.rows if r.labels == (group, "Share of referrals"))
        assert row.cells[0].value == n and row.cells[1].value == len(referred)
        assert row.cells[2].value == round(100 * n / len(referred), 1)

    # Consistency: both sites in the model, with an adjusted rate and a flag that is a prompt, not a verdict.
    consistency = release.get("consistency_between_panels")
    assert [row.labels[0] for row in consistency.rows] == sites
    assert all(row.cells[2].value is not None for row in consistency.rows)
    assert {str(row.cells[-1]) for row in consistency.rows} <= {"Worth discussing", "No flag"}
    assert any("never a verdict" in note for note in consistency.notes)


def _is_count_column(table: StatTable, header: str) -> bool:
    return not any(word in header for word in ("%", "days", "Odds", "limit", "discussion", "£", "hours"))


def test_default_rules_suppress_round_and_leave_no_total_revealing(known):
    expected = expected_frame(known)
    quarters = [q.code for q in known.quarters]
    release = report.build(_filters(known), DEFAULT_RULES)
    assert release.tables
    referred = expected[expected["quarter"].isin(quarters)]

    # Each count table is exactly the kit's protection of the pandas counts.
    location = release.get("referrals_by_quarter_location")
    protected = protect_table(_counts(referred, "quarter", quarters, "location", LOCATIONS))
    assert [[str(c) for c in row.cells] for row in location.rows] == [
        [str(c) for c in row] for row in protected.rows_with_totals()
    ]
    # Quarter C has 3 referrals: suppressed, and another quarter's total with it.
    totals = [row.cells[-1] for row in location.rows]
    assert totals[2].suppressed and sum(t.suppressed for t in totals) >= 2
    # The same quarter totals, the same way, in every referrals-by-quarter table.
    for key in (
        "referrals_by_quarter_gender",
        "referrals_by_quarter_exploitation",
        "referrals_by_quarter_county_lines",
    ):
        assert [str(row.cells[-1]) for row in release.get(key).rows] == [str(t) for t in totals]
    # Every referral of the known dataset is of a child: the age table's child column is that totals line.
    by_age = release.get("referrals_by_quarter_age_at_exploitation")
    assert [str(row.cells[0]) for row in by_age.rows] == [str(t) for t in totals]

    # No count from 1 to 4 anywhere, and every shown count a multiple of 5.
    for table in release.tables:
        for row in table.rows:
            for header, cell in zip(table.value_headers, row.cells, strict=True):
                if _is_count_column(table, header) and not cell.suppressed and isinstance(cell.value, int):
                    assert not 1 <= cell.value <= 4, (table.key, row.labels, header)
                    assert cell.value % 5 == 0, (table.key, row.labels, header)
    # No total reveals a suppressed cell, in any table with totals both ways.
    for table in release.tables:
        if table.value_headers[-1] not in ("Total", "All decisions") or not table.rows[-1].total:
            continue
        grid = [row.cells for row in table.rows]
        for line in [*grid, *zip(*grid, strict=True)]:
            assert sum(cell.suppressed for cell in line) != 1, table.key

    # Times: the quarter with 12 Northbridge and 10 Three Rivers decisions shows its median; the others are [low].
    times = release.get("rg_times_by_quarter")
    decided = expected[expected["rg_quarter"] == known.b.code]["rg_days"]
    row_b = times.rows[1]
    assert row_b.cells[1].value == round(decided.median(), 1)
    assert str(times.rows[2].cells[1]) == "[low]"  # 2 decisions in quarter C

    # Rates: a group with fewer than 10 decisions shows no rate.
    gender = release.get("disproportionality_by_gender")
    female = next(r for r in gender.rows if r.labels == ("Female", "Positive reasonable grounds"))
    assert female.cells[2].suppressed


def test_the_home_office_return_counts_each_site_and_all_sites_as_pandas_does(known):
    """Each quarter's return, site by site and for all sites, against plain pandas; the same whether the return
    reads its own cases or is given the tables of its period already built (as the release gives them)."""
    expected = expected_frame(known)
    for quarter in known.quarters:
        filters = StatisticsFilters(site_ids=_filters(known).site_ids, first=known.a, last=quarter)
        on_its_own = report.home_office_return(filters, EXACT)
        release = report.build(filters, EXACT, sections=("nrm",))
        assert on_its_own == report.home_office_return(filters, EXACT, release=release)
        values = {row.labels[:1] + row.labels[3:]: row.cells[0].value for row in on_its_own.rows}
        assert {row.labels[1:3] for row in on_its_own.rows} == {(str(quarter.year), f"Q{quarter.number}")}
        handed = 0
        for site in [*SITE_NAMES.values(), "All sites"]:
            mine = expected if site == "All sites" else expected[expected["site"] == site]
            referred = mine[mine["quarter"] == quarter.code]
            for gender in GENDERS:
                assert values[(site, "Referrals by gender", gender)] == int((referred["gender"] == gender).sum())
            assert values[(site, "Referrals by gender", "Total")] == len(referred)
            assert values[(site, "Referrals by exploitation type", "Total")] == len(referred)
            for stage, words in (("rg", "Reasonable grounds"), ("cg", "Conclusive grounds")):
                decided = mine[mine[f"{stage}_quarter"] == quarter.code]
                positive = int(decided[f"{stage}_positive"].eq(True).sum())
                measure = f"{words} decisions"
                assert values[(site, measure, f"Positive {words.lower()}")] == positive
                assert values[(site, measure, f"Negative {words.lower()}")] == len(decided) - positive
                median = values[(site, f"Days from referral to {words.lower()} decision", "Median days")]
                assert median == (round(decided[f"{stage}_days"].median(), 1) if len(decided) else None)
            if site != "All sites":
                handed += values[(site, "Cases handed to the Single Competent Authority", "Total")]
        assert values[("All sites", "Cases handed to the Single Competent Authority", "Total")] == handed
