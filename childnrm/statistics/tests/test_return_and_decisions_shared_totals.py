"""Counts published more than once, suppressed alike (ADR 0019, amendment 4).

The Home Office return publishes each site's figures for the quarter beside All sites, and All sites again in the
quarter's row of the tables it is released with; the decisions by site publish the decisions by quarter's totals
row; the pilot's plans table publishes the period's reasonable grounds decisions, all and positive; the consistency
table each site's reasonable grounds decisions and (by its rate) positive ones; the equality monitoring each
gender's and nationality's referrals in the period. Protected one table (or one site) at a time, a count hidden in
one was given back by another: All sites less the other sites, or a total less the published counts. Each test
builds such a case, and runs the subtraction attack (`subtraction.given_back`) over every table concerned, each
cell named by what it counts."""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import date, timedelta

import pandas as pd
import pytest

from childnrm.accounts.models import Site
from childnrm.decisions.models import PlanBasis
from childnrm.kit.disclosure import DEFAULT_RULES, Cell, DisclosureRules
from childnrm.statistics import dimensions as dim
from childnrm.statistics import report
from childnrm.statistics.consistency import consistency_table
from childnrm.statistics.dimensions import Quarter
from childnrm.statistics.pilot import plans_at_sitting
from childnrm.statistics.selectors import PilotData, StatisticsFilters, at_sites
from childnrm.statistics.tables import (
    Everywhere,
    Release,
    StatRow,
    StatTable,
    disproportionality_tables,
    nrm_tables,
)
from childnrm.statistics.tests.factories import CaseSpec, make_case
from childnrm.statistics.tests.subtraction import given_back

# Suppression as published (counts 1 to 4, and secondary), without rounding, so that subtraction is exact.
SUPPRESSION_ONLY = DisclosureRules(threshold=5, rounding=1)
Q1, Q2 = Quarter(2026, 1), Quarter(2026, 2)
NAMES = ("Ashford Child Panel", "Bexley Child Panel", "Carlisle Child Panel")
NO_REVIEWS = pd.DataFrame(columns=["child_id", "missing", "exploited"])
NATIONALITIES = ["United Kingdom", "Albania", "Vietnam", "Eritrea", "Sudan", "Iran", "Iraq", dim.NOT_KNOWN]


@dataclass(frozen=True)
class Case:
    """One child's referral: where and when it was received, and its decisions as (site, quarter, positive)."""

    site: str
    quarter: Quarter
    gender: str = "Male"
    exploitation: str = "Criminal"
    location: str = "UK"
    responder: str = "Police"
    nationality: str = "United Kingdom"
    rg: tuple[str, Quarter, bool] | None = None
    cg: tuple[str, Quarter, bool] | None = None
    plan: bool = False  # a safeguarding plan agreed at the sitting that made the reasonable grounds decision


def _frame(cases: list[Case], site_ids: dict[str, int]) -> pd.DataFrame:
    """A case frame of children's referrals, as `selectors.case_frame` gives it, with what every table reads."""
    rows = []
    for n, case in enumerate(cases, 1):
        row = {
            "referral_id": n,
            "child_id": n,
            "quarter": case.quarter.code,
            "referred_on": pd.Timestamp(case.quarter.first_day),
            "site_id": site_ids[case.site],
            "site": case.site,
            "gender": case.gender,
            "exploitation": case.exploitation,
            "location": case.location,
            "county_lines_flag": dim.NOT_COUNTY_LINES,
            "first_responder_type": case.responder,
            "nationality": case.nationality,
            "exploited_as": dim.CHILD,
            # The consistency model's case mix and the equality monitoring's groups.
            "age_band": "14 to 15",
            "exploitation_group": "Multiple types" if " & " in case.exploitation else case.exploitation,
            "nationality_group": "UK national",
            "ethnic_group": "White",
        }
        for stage, decision in (("rg", case.rg), ("cg", case.cg)):
            site, quarter, positive = decision if decision is not None else (None, None, None)
            row |= {
                f"{stage}_site_id": site_ids[site] if site else None,
                f"{stage}_site": site,
                f"{stage}_quarter": quarter.code if quarter else None,
                f"{stage}_on": pd.Timestamp(quarter.first_day + timedelta(days=20)) if quarter else pd.NaT,
                f"{stage}_positive": positive,
                f"{stage}_days": float(20 + n % 40) if quarter else float("nan"),
                f"{stage}_meeting_id": None,
                f"{stage}_plan_basis": PlanBasis.AGREED_AT_SITTING if stage == "rg" and case.plan else "",
            }
        rows.append(row)
    frame = pd.DataFrame(rows)
    for column in ("site_id", "rg_site_id", "cg_site_id"):
        frame[column] = frame[column].astype("Int64")
    return frame


# --- The attack: each cell named by what it counts ---------------------------------------------------------

SHARE_BY = {"Gender": "gender", "Nationality": "nationality", "Ethnic group": "ethnicity", "Age at referral": "age"}
BY_QUARTER = {f"referrals_by_quarter_{by}": by for by in ("location", "exploitation", "gender", "county_lines")}
RETURN_REFERRALS = {
    "Referrals by gender": "gender",
    "Referrals by exploitation type": "exploitation",
    "Referrals by location of exploitation": "location",
    "Referrals by first responder type": "responder",
}
RETURN_DECISIONS = {"Reasonable grounds decisions": "rg", "Conclusive grounds decisions": "cg"}
HANDED = "Cases handed to the Single Competent Authority"


def _meaning(table: StatTable, row: StatRow, column: str, last: Quarter) -> tuple[str, dict[str, str]]:
    """What a cell counts (children's referrals, a stage's decisions, ...) and of which site, quarter, category."""
    where: dict[str, str] = {}
    total_column = column in ("Total", "All decisions")
    if table.key.startswith("share:"):  # an equality monitoring table's share of referrals (`_share_grids`)
        dimension = SHARE_BY[table.key.removeprefix("share:")]
        return "children", where | ({} if row.total else {dimension: row.labels[0]})
    if table.key == "consistency":  # each site's decisions, negative and positive, as a reader has them
        if not row.total:
            where["site"] = row.labels[0]
        return "rg", where | ({} if total_column else {"outcome": column.split()[0]})
    if table.key.startswith("return:"):  # a measure of the Home Office return, a row per site (`_return_grids`)
        measure = table.key.removeprefix("return:")
        where["quarter"] = last.code
        if not row.total:
            where["site"] = row.labels[0]
        if measure == HANDED:
            return "handed", where
        if measure in RETURN_DECISIONS:
            kind, dimension = RETURN_DECISIONS[measure], "outcome"
            column = column.split()[0]
        else:
            kind, dimension = "children", RETURN_REFERRALS[measure]
        if not total_column:
            where[dimension] = column
        return kind, where
    if table.label_headers == ("Year", "Quarter") and not row.total:
        where["quarter"] = f"{row.labels[0]}{row.labels[1]}"
    if table.key in BY_QUARTER:
        if not total_column:
            where[BY_QUARTER[table.key]] = column
        return "children", where
    if table.key == "referrals_by_quarter_age_at_exploitation":
        if column == dim.CHILD:
            return "children", where
        return "referrals of every age", where | ({} if total_column else {"age": column})
    if table.key in ("referrals_by_first_responder", "referrals_by_nationality"):
        across = "responder" if table.key == "referrals_by_first_responder" else "nationality"
        if not row.total:
            where[across] = row.labels[0]
        if not total_column:
            where["exploitation" if across == "responder" else "gender"] = column
        return "children", where
    if table.key == "decisions_by_site":
        if not row.total:
            where["site"] = row.labels[0]
        if total_column:
            return "decisions at either stage", where
        return ("rg" if "reasonable" in column else "cg"), where | {"outcome": column.split()[0]}
    stage = table.key.split("_")[0]  # rg_decisions_by_quarter, cg_decisions_by_quarter
    return stage, where | ({} if total_column else {"outcome": column.split()[0]})


def _key(quarters: list[Quarter]):
    """given_back's name of each cell: what it counts. A period of one quarter is that quarter."""

    def key(table: StatTable, i: int, j: int) -> tuple:
        kind, where = _meaning(table, table.rows[i], table.value_keys[j], quarters[-1])
        if len(quarters) == 1:
            where.pop("quarter", None)
        return kind, frozenset(where.items())

    return key


def _return_grids(ho_return: StatTable) -> list[StatTable]:
    """The return's long rows as a table per measure, a row per site and All sites as the totals row, so that
    every line adds up. The responder measure's total is the gender measure's (the site's referrals); the hand-offs'
    one figure is its own total. The times are not counts."""
    measures: dict[str, dict[str, dict[str, object]]] = {}
    for row in ho_return.rows:
        site, _, _, measure, category = row.labels
        measures.setdefault(measure, {}).setdefault(site, {})[category] = row.cells[0]
    grids = []
    for measure, by_site in measures.items():
        if measure not in (*RETURN_REFERRALS, *RETURN_DECISIONS, HANDED):
            continue
        for site, cells in by_site.items():
            if measure == HANDED:
                cells["Cases"] = cells["Total"]
            if "Total" not in cells:
                cells["Total"] = measures["Referrals by gender"][site]["Total"]
        columns = list(next(iter(by_site.values())))
        rows = tuple(
            StatRow((site,), tuple(cells[c] for c in columns), total=site == "All sites")  # type: ignore[misc]
            for site, cells in by_site.items()
        )
        grids.append(
            StatTable(
                key=f"return:{measure}", title=measure, label_headers=("Site",), value_headers=tuple(columns), rows=rows
            )
        )
    return grids


def _plan_numbers(plans: StatTable) -> set:
    """The numbers of decisions the plans table shows, named as the decisions tables name them."""
    names = {"All reasonable grounds decisions": {}, "Positive reasonable grounds decisions": {"outcome": "Positive"}}
    return {
        ("rg", frozenset(names[row.labels[1]].items()))
        for row in plans.rows
        if row.labels[1] in names and not row.cells[0].suppressed
    }


def _consistency_grid(published: Published, rules: DisclosureRules) -> StatTable:
    """Each site's reasonable grounds decisions, negative and positive, with the site's total, as a reader has them:
    the total from the consistency table, the two from the decisions by site, or the positive ones from the
    consistency table's rate of the total (exact without rounding); all sites from the decisions by quarter."""
    by_site = next(t for t in published.tables if t.key == "decisions_by_site")
    rg = next(t for t in published.tables if t.key == "rg_decisions_by_quarter")
    columns = ("Negative reasonable grounds", "Positive reasonable grounds")
    rows = []
    for row in published.consistency.rows:
        site, count, rate = row.labels[0], row.cells[0], row.cells[1]
        negative, positive = (by_site.cell(site, column) for column in columns)
        if positive.suppressed and rules.rounding == 1 and not (count.suppressed or rate.suppressed):
            positive = Cell(round(rate.value * count.value / 100))  # type: ignore[operator]
        rows.append(StatRow((site,), (negative, positive, count)))
    rows.append(StatRow(("Total",), rg.rows[-1].cells, total=True))
    return StatTable(
        key="consistency", title="", label_headers=("Site",), value_headers=(*columns, "Total"), rows=tuple(rows)
    )


def _share_grids(equality: list[StatTable]) -> list[StatTable]:
    """Each equality monitoring table's share of referrals as a column of counts (each its own total) with the
    period's referrals (its "Out of") as the totals row, so that every line adds up."""
    grids = []
    for table in equality:
        shares = [row for row in table.rows if row.labels[1] == "Share of referrals"]
        number, out_of = table.column("Number"), table.column("Out of")
        rows = [StatRow(row.labels[:1], (row.cells[number],) * 2) for row in shares]
        rows.append(StatRow(("Total",), (shares[0].cells[out_of],) * 2, total=True))
        grids.append(
            StatTable(
                key=f"share:{table.label_headers[0]}",
                title="",
                label_headers=table.label_headers[:1],
                value_headers=("Number", "Total"),
                rows=tuple(rows),
            )
        )
    return grids


def _other_nationalities_grid(published: Published) -> list[StatTable]:
    """The table by nationality's rows that the equality monitoring counts as other nationalities, and that count:
    a reader adds them up too (a column of counts, each its own total, adding up to other nationalities)."""
    by_nationality = next(t for t in published.tables if t.key == "referrals_by_nationality")
    equality = next(t for t in published.equality if t.key == "disproportionality_by_nationality")
    named = {row.labels[0] for row in equality.rows}
    rows = [
        StatRow(r.labels, (r.cells[-1],) * 2) for r in by_nationality.rows if not r.total and r.labels[0] not in named
    ]
    if not rows:
        return []
    other = equality.cell(("Other nationalities", "Share of referrals"), "Number")
    rows.append(StatRow(("Other nationalities",), (other, other)))
    return [
        StatTable(
            key="share:Nationality",
            title="",
            label_headers=("Nationality",),
            value_headers=("Number", "Total"),
            rows=tuple(rows),
        )
    ]


def _attack(
    published: Published, quarters: list[Quarter], rules: DisclosureRules, *, grids: list[StatTable] = ()
) -> tuple[set, set]:
    """given_back over the tables, the return's grids, the consistency table's counts and the plans' numbers."""
    tables = [
        *grids,
        *published.tables,
        _consistency_grid(published, rules),
        *_share_grids(published.equality),
        *_other_nationalities_grid(published),
    ]
    counts = [t for t in tables if not t.is_empty and "times" not in t.key]
    return given_back(counts, _key(quarters), published=_plan_numbers(published.plans))


# --- The tables, as the release and the return count them --------------------------------------------------


def _sites(site_ids: dict[str, int]) -> list[tuple[int, str]]:
    return sorted(((pk, name) for name, pk in site_ids.items()), key=lambda site: site[1])


@dataclass(frozen=True)
class Published:
    tables: list[StatTable]  # the NRM tables
    plans: StatTable  # the pilot's plans agreed at the sitting
    consistency: StatTable
    equality: list[StatTable]


def _release_tables(
    frame: pd.DataFrame, filters: StatisticsFilters, rules: DisclosureRules, site_ids: dict[str, int]
) -> Published:
    """The NRM tables, the pilot's plans table, the consistency table and the equality monitoring of the filters,
    protected together as `report.build` protects them (`report.protection`: with the cells of the return of their
    last quarter fixed, when their period is not the return's). `frame` holds every site's cases: for fewer sites
    than it counts at (`site_ids`: the chosen ones), as `_release` gives them."""
    sites = _sites(site_ids)
    release = _release(frame, filters, rules, _frame_sites(frame, sites))
    frame = release.cases
    suppression = report.protection(filters, rules, release, sites, plans=set())[0]
    empty = pd.DataFrame()
    data = PilotData(frame, empty, set(), empty, empty, empty, empty)
    return Published(
        nrm_tables(frame, filters, rules, sites, all_ages=frame, suppression=suppression),
        plans_at_sitting(data, filters, rules, suppression=suppression),
        consistency_table(frame, filters, rules, sites, suppression=suppression),
        disproportionality_tables(frame, filters, rules, NO_REVIEWS, suppression=suppression),
    )


def _return(frame: pd.DataFrame, filters: StatisticsFilters, rules: DisclosureRules) -> StatTable:
    """The return as the release makes it, from the release's frames (its protection worked out again). `frame`
    holds every site's cases: for fewer sites than it counts at, as `_release` gives them."""
    chosen = report.sites_of(filters)
    return report.home_office_return(
        filters, rules, release=_release(frame, filters, rules, _frame_sites(frame, chosen))
    )


def _frame_sites(frame: pd.DataFrame, chosen: list[tuple[int, str]]) -> list[tuple[int, str]]:
    """The sites chosen and every site the frame counts a referral or decision at, (id, name) each, by name."""
    named = {
        (int(pk), name)
        for prefix in ("", "rg_", "cg_")
        for pk, name in zip(frame[f"{prefix}site_id"], frame[f"{prefix}site"], strict=True)
        if not pd.isna(pk)
    }
    return sorted(named | set(chosen), key=lambda site: site[1])


def _release(
    frame: pd.DataFrame, filters: StatisticsFilters, rules: DisclosureRules, every: list[tuple[int, str]]
) -> Release:
    """The frames of the release of `filters`' sites, as `report.build` reads them from a frame of `every` site: for
    fewer sites, their own (`selectors.at_sites`), with every site's as its `everywhere`."""
    if {pk for pk, _ in every} <= set(filters.site_ids):
        return Release([], rules, frame, frame)
    mine = at_sites(frame, filters.site_ids)
    release = Release([], rules, mine, mine)
    period = report.return_filters(tuple(pk for pk, _ in every), filters.last)
    release.everywhere = Everywhere(period, every, frame, frame, set())
    return release


@pytest.fixture
def site_ids(db) -> dict[str, int]:
    return {name: Site.objects.create(name=name, slug=name.split()[0].lower()).pk for name in NAMES}


# --- 1. The return: each site's figures with the other sites' and All sites ----------------------------------


def test_a_site_hidden_in_the_return_is_not_given_back_by_all_sites_less_the_other_sites(site_ids):
    # Girls and boys referred in the quarter: Ashford 2 and 8, Bexley 6 and 9, Carlisle 7 and 10. Ashford's row
    # hid its 2 girls and 8 boys; All sites showed 15 girls beside Bexley's 6 and Carlisle's 7: 15 - 6 - 7 = 2.
    ashford, bexley, carlisle = NAMES
    counts = {(ashford, "Female"): 2, (ashford, "Male"): 8, (bexley, "Female"): 6, (bexley, "Male"): 9}
    counts |= {(carlisle, "Female"): 7, (carlisle, "Male"): 10}
    cases = [Case(site, Q1, gender) for (site, gender), n in counts.items() for _ in range(n)]
    frame = _frame(cases, site_ids)
    filters = StatisticsFilters(site_ids=tuple(site_ids.values()), first=Q1, last=Q1)

    ho_return = _return(frame, filters, SUPPRESSION_ONLY)
    shown = {(r.labels[0], r.labels[3], r.labels[4]): r.cells[0] for r in ho_return.rows}
    girls = "Referrals by gender", "Female"
    assert shown[(ashford, *girls)].suppressed
    assert shown[(bexley, *girls)].suppressed  # the next smallest in the column, hidden with it
    assert shown[("All sites", *girls)].value == 15
    published = _release_tables(frame, filters, SUPPRESSION_ONLY, site_ids)
    assert _attack(published, [Q1], SUPPRESSION_ONLY, grids=_return_grids(ho_return)) == (set(), set())


def test_the_return_protects_the_cases_each_site_handed_to_the_sca_together(demo):
    # Northbridge hands 2 cases to the SCA this quarter and Three Rivers 6: Northbridge's 2 was hidden and Three
    # Rivers' 6 shown beside All sites' 8.
    quarter = Quarter.of(date.today())  # a hand-off counts on the day triage sent it: today
    northbridge, three_rivers = Site.objects.get(slug="northbridge"), Site.objects.get(slug="three-rivers")
    filters = StatisticsFilters(site_ids=(northbridge.pk, three_rivers.pk), first=quarter, last=quarter)

    def handed() -> dict[str, object]:
        rows = report.home_office_return(filters, SUPPRESSION_ONLY).rows
        return {r.labels[0]: r.cells[0] for r in rows if r.labels[3] == HANDED}

    assert {site: cell.value for site, cell in handed().items()} == {
        northbridge.name: 0,
        three_rivers.name: 0,
        "All sites": 0,
    }
    for slug, n in (("northbridge", 2), ("three-rivers", 6)):
        for i in range(n):
            make_case(CaseSpec(slug, date.today() - timedelta(days=i), to_sca=True))
    shown = handed()
    assert shown[northbridge.name].suppressed
    assert shown[three_rivers.name].suppressed
    assert shown["All sites"].value == 8


# --- 2. The decisions by site with the decisions by quarter -------------------------------------------------


def test_a_total_the_decisions_by_site_hide_is_hidden_in_the_decisions_by_quarter_too():
    # In the quarter, Ashford decided 3 negative and 10 positive reasonable grounds, 2 negative and 8 positive
    # conclusive grounds; Bexley 3 and 12, 0 and 9. The table by site hid the 6 negative reasonable grounds
    # decisions (to cover the 2 negative conclusive grounds in its totals row) but the reasonable grounds table
    # showed them, and 47 - 22 - 17 - 6 gave the 2 back, and with them Ashford's 2.
    ashford, bexley = NAMES[:2]
    site_ids = {ashford: 1, bexley: 2}
    decided = {
        (ashford, "rg", False): 3,
        (ashford, "rg", True): 10,
        (ashford, "cg", False): 2,
        (ashford, "cg", True): 8,
        (bexley, "rg", False): 3,
        (bexley, "rg", True): 12,
        (bexley, "cg", True): 9,
    }
    earlier = Quarter(2025, 4)  # received before the period: only the decisions are counted
    cases = [
        Case(site, earlier, **{stage: (site, Q1, positive)})
        for (site, stage, positive), n in decided.items()
        for _ in range(n)
    ]
    filters = StatisticsFilters(site_ids=(1, 2), first=Q1, last=Q1)
    published = _release_tables(_frame(cases, site_ids), filters, SUPPRESSION_ONLY, site_ids)
    by_key = {t.key: t for t in published.tables}
    by_site, rg = by_key["decisions_by_site"], by_key["rg_decisions_by_quarter"]
    assert by_site.cell("Total", "Negative conclusive grounds").suppressed
    for column in ("Negative reasonable grounds", "Positive reasonable grounds"):
        assert by_site.cell("Total", column).suppressed == rg.cell("Total", column).suppressed, column
    assert by_site.cell("Total", "Negative reasonable grounds").suppressed
    assert _attack(published, [Q1], SUPPRESSION_ONLY) == (set(), set())


# --- 3. The pilot's plans table with the decisions by quarter ----------------------------------------------


def test_a_decision_count_the_decisions_by_quarter_hide_is_hidden_in_the_plans_table_too():
    # Reasonable grounds decisions: 2 negative and 10 positive in Q1, 1 and 10 in Q2. The table by quarter hid the
    # 3 negative in the period and, to cover them, the 20 positive; the plans table showed 23 decisions, 20 of them
    # positive, and 23 - 20 gave the 3 back.
    ashford = NAMES[0]
    site_ids = {ashford: 1}
    decided = {(Q1, False): 2, (Q1, True): 10, (Q2, False): 1, (Q2, True): 10}
    cases = [
        Case(ashford, Quarter(2025, 4), rg=(ashford, quarter, positive), plan=k % 3 != 0)
        for (quarter, positive), n in decided.items()
        for k in range(n)
    ]
    filters = StatisticsFilters(site_ids=(1,), first=Q1, last=Q2)
    published = _release_tables(_frame(cases, site_ids), filters, SUPPRESSION_ONLY, site_ids)
    rg = next(t for t in published.tables if t.key == "rg_decisions_by_quarter")
    positive = next(r for r in published.plans.rows if r.labels[1] == "Positive reasonable grounds decisions")
    assert rg.cell("Total", "Negative reasonable grounds").suppressed
    assert rg.cell("Total", "Positive reasonable grounds").suppressed
    assert positive.cells[0].suppressed
    assert _attack(published, [Q1, Q2], SUPPRESSION_ONLY) == (set(), set())


# --- 4. The consistency table with the decisions by site ---------------------------------------------------


def test_a_count_the_decisions_by_site_hide_is_not_given_back_by_the_consistency_table():
    # Reasonable grounds decisions in the quarter: Ashford 8 negative and 12 positive, Bexley 9 and 3. The table by
    # site hid Bexley's 3 positive and, to cover them, Ashford's 12 (and so both sites' negative ones); the
    # consistency table showed Ashford's 20 decisions, 60.0% positive: 12, and 15 - 12 gave Bexley's 3 back.
    ashford, bexley = NAMES[:2]
    site_ids = {ashford: 1, bexley: 2}
    decided = {(ashford, False): 8, (ashford, True): 12, (bexley, False): 9, (bexley, True): 3}
    cases = [
        Case(site, Quarter(2025, 4), rg=(site, Q1, positive))
        for (site, positive), n in decided.items()
        for _ in range(n)
    ]
    filters = StatisticsFilters(site_ids=(1, 2), first=Q1, last=Q1)
    published = _release_tables(_frame(cases, site_ids), filters, SUPPRESSION_ONLY, site_ids)
    by_site = next(t for t in published.tables if t.key == "decisions_by_site")
    assert by_site.cell(ashford, "Positive reasonable grounds").suppressed
    assert published.consistency.cell(ashford, "Decisions").value == 20
    assert published.consistency.cell(ashford, "Positive % (observed)").suppressed
    assert _attack(published, [Q1], SUPPRESSION_ONLY) == (set(), set())


# --- 5. The equality monitoring with the referrals tables ---------------------------------------------------


def test_a_gender_total_the_referrals_tables_hide_is_hidden_in_the_equality_monitoring_too():
    # Five boys and a girl referred in Q1, a child of unknown gender in Q2, of five nationalities. The table by
    # quarter and gender hid the period's 5 boys (the table by nationality, which publishes its totals row, needed
    # them hidden), but the equality monitoring's share of referrals showed "Male: 5", giving back Q1's 5 boys.
    ashford = NAMES[0]
    referred = [
        (Q2, dim.NOT_KNOWN, "Albania"),
        (Q1, "Male", "Iraq"),
        (Q1, "Male", "Iran"),
        (Q1, "Male", "United Kingdom"),
        (Q1, "Male", "Iraq"),
        (Q1, "Female", "Sudan"),
        (Q1, "Male", "Albania"),
    ]
    cases = [Case(ashford, quarter, gender, nationality=nationality) for quarter, gender, nationality in referred]
    filters = StatisticsFilters(site_ids=(1,), first=Q1, last=Q2)
    published = _release_tables(_frame(cases, {ashford: 1}), filters, SUPPRESSION_ONLY, {ashford: 1})
    by_gender = next(t for t in published.tables if t.key == "referrals_by_quarter_gender")
    equality = next(t for t in published.equality if t.key == "disproportionality_by_gender")
    for gender in dim.GENDERS:
        share = equality.cell((gender, "Share of referrals"), "Number")
        assert share.suppressed == by_gender.cell("Total", gender).suppressed, gender
    assert equality.cell(("Male", "Share of referrals"), "Number").suppressed
    assert _attack(published, [Q1, Q2], SUPPRESSION_ONLY) == (set(), set())


# --- 6. Everything the release publishes, at random ---------------------------------------------------------


@pytest.mark.parametrize("rules", [SUPPRESSION_ONLY, DEFAULT_RULES], ids=["suppression", "default"])
@pytest.mark.parametrize("quarters", [[Q2], [Q1, Q2]], ids=["one-quarter", "two-quarters"])
def test_no_hidden_count_is_given_back_across_the_return_and_the_tables_released_with_it(site_ids, rules, quarters):
    """Many small releases at random, at three sites: across the Home Office return (each site and All sites), the
    NRM tables of its period, the pilot's plans table and the consistency table, no count hidden in one is published
    in another, and none is given back. Some cases are decided at a site other than the one that received them."""
    generator = random.Random(2026)
    names = list(site_ids)
    types = ["Sexual", "Labour", "Criminal", "Sexual & Criminal"]
    filters = StatisticsFilters(site_ids=tuple(site_ids.values()), first=quarters[0], last=quarters[-1])

    def decision(site: str) -> tuple[str, Quarter, bool] | None:
        if generator.random() < 0.4:
            return None
        elsewhere = generator.random() < 0.15
        return generator.choice(names) if elsewhere else site, generator.choice(quarters), generator.random() < 0.6

    for _ in range(25):
        cases = []
        for _ in range(generator.randint(8, 50)):
            site = generator.choices(names, weights=[5, 3, 1])[0]
            cases.append(
                Case(
                    site,
                    generator.choice([Quarter(2025, 4), *quarters]),
                    gender=generator.choice(["Male", "Male", "Female", dim.NOT_KNOWN]),
                    exploitation=types[min(int(generator.expovariate(1.0)), 3)],
                    location=generator.choice(["UK", "UK", "Overseas"]),
                    responder=generator.choice(dim.FIRST_RESPONDER_TYPES[:3]),
                    nationality=generator.choices(NATIONALITIES, weights=[8, 3, 3, 2, 2, 1, 1, 1])[0],
                    rg=decision(site),
                    cg=decision(site),
                    plan=generator.random() < 0.5,
                )
            )
        frame = _frame(cases, site_ids)
        published = _release_tables(frame, filters, rules, site_ids)
        grids = _return_grids(_return(frame, filters, rules))
        assert _attack(published, quarters, rules, grids=grids) == (set(), set())
