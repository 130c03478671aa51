"""One set of statistics for one set of filters, the Home Office return, and the quarterly release folder.

`build` reads the cases once and counts every table of the asked-for sections from that read. The page, the
downloads, the return and the release all come from here, so a figure is the same wherever it appears.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import date
from pathlib import Path

import pandas as pd
from django.utils import timezone

from childnrm.accounts.models import Site
from childnrm.kit import i18n
from childnrm.kit.disclosure import DEFAULT_RULES, DisclosureRules, protect_table
from childnrm.statistics import exports, selectors
from childnrm.statistics.charts import Chart, charts_for, svg_document
from childnrm.statistics.consistency import CAVEAT, consistency_table, separation_note
from childnrm.statistics.dimensions import Quarter
from childnrm.statistics.pilot import pilot_tables
from childnrm.statistics.selectors import StatisticsFilters
from childnrm.statistics.tables import (
    Release,
    StatRow,
    StatTable,
    decisions_by_quarter,
    disproportionality_tables,
    nrm_tables,
    referrals_by_quarter,
    referrals_by_responder,
    times_by_quarter,
)

SECTIONS = ("nrm", "disproportionality", "pilot", "consistency")
SECTION_TITLES = {
    "nrm": "NRM tables",
    "disproportionality": "Equality monitoring",
    "pilot": "Pilot evaluation",
    "consistency": "Consistency between panels",
}


def site_names(filters: StatisticsFilters) -> list[str]:
    return list(Site.objects.filter(pk__in=filters.site_ids).order_by("name").values_list("name", flat=True))


def build(
    filters: StatisticsFilters, rules: DisclosureRules = DEFAULT_RULES, *, sections: tuple[str, ...] = SECTIONS
) -> Release:
    all_ages = selectors.case_frame(filters)
    cases = selectors.children(all_ages)  # every table but the one by age at exploitation counts children
    names = site_names(filters)
    tables: list[StatTable] = []
    if "nrm" in sections:
        tables += nrm_tables(
            cases, filters, rules, names, all_ages=all_ages, reconsiderations=selectors.reconsiderations(filters, cases)
        )
    if "disproportionality" in sections:
        tables += disproportionality_tables(cases, filters, rules, selectors.review_flags(filters))
    if "pilot" in sections:
        tables += pilot_tables(selectors.pilot_data(filters, cases), filters, rules)
    if "consistency" in sections:
        tables.append(consistency_table(cases, filters, rules, names))
    return Release(tables, rules, cases)


# --- The return to the Home Office -------------------------------------------------------------------------

RETURN_HEADERS = ("Site", "Year", "Quarter", "Measure", "Category")


def home_office_return(
    filters: StatisticsFilters, rules: DisclosureRules = DEFAULT_RULES, *, cases: pd.DataFrame | None = None
) -> StatTable:
    """The pilot's quarterly aggregate return: for each site and all sites together, the quarter's referrals
    (by gender, exploitation type, location and first responder), decisions and decision times, counted by the
    same table builders as the published tables and protected the same way. `filters` names one quarter;
    `cases`, a case frame already read for the same sites up to that quarter (the release's), saves a read."""
    if cases is None:
        cases = selectors.children(selectors.case_frame(filters))
    handed = selectors.sca_reported_decisions(selectors.referrals_in_scope(filters).values("pk"))[0]
    handed = handed[
        handed["referral_id"].isin(set(cases["referral_id"])) & handed["handed_site_id"].isin(filters.site_ids)
    ]
    quarter = filters.last
    # Each table of the return counts only referrals or decisions in the filters' quarters, so the rows with
    # nothing there are set aside first and the rest split by site: the builders then count a few hundred rows
    # per site instead of filtering the whole frame again for each site and table. A case received at one site
    # and decided at another counts at each for what happened there (`selectors.at_sites`).
    codes = {q.code for q in filters.quarters}
    in_quarter_rows = cases[
        cases["quarter"].isin(codes) | cases["rg_quarter"].isin(codes) | cases["cg_quarter"].isin(codes)
    ]
    where_happened = in_quarter_rows[["site_id", "rg_site_id", "cg_site_id"]]
    in_quarter = handed[
        (handed["handed_on"] >= pd.Timestamp(quarter.first_day))
        & (handed["handed_on"] <= pd.Timestamp(quarter.last_day))
    ]
    sites = Site.objects.filter(pk__in=filters.site_ids).order_by("name")
    groups: list[tuple[str, StatisticsFilters, pd.DataFrame, int]] = [
        (
            site.name,
            replace(filters, site_ids=(site.pk,)),
            selectors.at_sites(in_quarter_rows[where_happened.eq(site.pk).any(axis=1)], (site.pk,)),
            int((in_quarter["handed_site_id"] == site.pk).sum()),
        )
        for site in sites
    ]
    if len(groups) > 1:
        groups.append(("All sites", filters, in_quarter_rows, len(in_quarter)))
    rows: list[StatRow] = []
    for name, site_filters, frame, handed_count in groups:
        labels = (name, str(quarter.year), f"Q{quarter.number}")
        for by, measure in (("gender", "Referrals by gender"), ("exploitation", "Referrals by exploitation type")):
            rows += _long_rows(labels, measure, referrals_by_quarter(frame, site_filters, rules, by=by))
        rows += _long_rows(
            labels,
            "Referrals by location of exploitation",
            referrals_by_quarter(frame, site_filters, rules, by="location"),
        )
        responder = referrals_by_responder(frame, site_filters, rules)
        rows += [
            StatRow((*labels, "Referrals by first responder type", row.labels[0]), (row.cells[-1],))
            for row in responder.rows
            if not row.total
        ]
        for stage, words in (("rg", "Reasonable grounds decisions"), ("cg", "Conclusive grounds decisions")):
            decisions = decisions_by_quarter(frame, site_filters, rules, stage=stage)
            rows += _long_rows(labels, words, decisions)
            times = times_by_quarter(frame, site_filters, rules, stage=stage, decisions=decisions)
            rows += _long_rows(
                labels, f"Days from referral to {words.lower().removesuffix(' decisions')} decision", times
            )
        handed_cell = protect_table([[handed_count]], rules).cells[0][0]
        rows.append(StatRow((*labels, "Cases handed to the Single Competent Authority", "Total"), (handed_cell,)))
    return StatTable(
        key=f"home_office_return_{quarter.code}",
        title=f"Devolved decision-making pilot: quarterly return to the Home Office, {quarter.label}",
        label_headers=RETURN_HEADERS,
        value_headers=("Value",),
        rows=tuple(rows),
        notes=(
            "Counted by the same rules as the published statistics: referrals in the quarter they were submitted, "
            "decisions in the quarter the panel first made them, with the outcome that stands now.",
            "Each site's figures are protected on their own, so the sites' figures need not add up to All sites.",
        ),
        section="return",
    )


def _long_rows(labels: tuple[str, ...], measure: str, table: StatTable) -> list[StatRow]:
    """The quarter's row of a per-quarter table, one row per column, in the return's long layout."""
    quarter_rows = [row for row in table.rows if not row.total]
    if not quarter_rows:
        return []
    row = quarter_rows[-1]
    return [
        StatRow((*labels, measure, header), (cell,))
        for header, cell in zip(table.value_headers, row.cells, strict=True)
    ]


# --- The quarterly release --------------------------------------------------------------------------------


def release_filters(quarter: Quarter, *, first: Quarter | None = None) -> StatisticsFilters:
    """Every active site, from `first` (default: two years of quarters) to the release quarter."""
    start = first
    if start is None:
        start = quarter
        for _ in range(7):
            start = start.previous()
    return StatisticsFilters(
        site_ids=tuple(Site.objects.filter(active=True).order_by("pk").values_list("pk", flat=True)),
        first=start,
        last=quarter,
    )


def write_release(
    quarter: Quarter, out: Path, rules: DisclosureRules = DEFAULT_RULES, *, first: Quarter | None = None
) -> list[Path]:
    """Write the whole release for `quarter` to `out`: every table as CSV, XLSX and ODS, every chart as SVG,
    the workbook of all tables, the Home Office return (XLSX and CSV) and a methodology note. Returns the
    files written."""
    filters = release_filters(quarter, first=first)
    release = build(filters, rules)
    with i18n.language(i18n.ENGLISH):  # the release's charts are published in English, as its tables
        charts = charts_for(release.tables)
    ho_return = home_office_return(replace(filters, first=quarter), rules, cases=release.cases)
    out.mkdir(parents=True, exist_ok=True)
    (out / "tables").mkdir(exist_ok=True)
    (out / "charts").mkdir(exist_ok=True)
    written: list[Path] = []

    def put(path: Path, content: bytes) -> None:
        path.write_bytes(content)
        written.append(path)

    # Each sheet says what it covers, as a table downloaded from the pages does (every active site: the pilot's).
    names = site_names(filters)
    coverage = exports.coverage_line(names, filters.first.label, filters.last.label, every_pilot_site=len(names) > 1)
    for table in release.tables:
        put(out / "tables" / f"{table.key}.csv", exports.table_csv(table))
        put(out / "tables" / f"{table.key}.xlsx", exports.tables_xlsx([table], rules, coverage=coverage))
        put(out / "tables" / f"{table.key}.ods", exports.tables_ods([table], rules, coverage=coverage))
    put(out / f"nrm_statistics_{quarter.code}.xlsx", exports.tables_xlsx(release.tables, rules, coverage=coverage))
    put(out / f"nrm_statistics_{quarter.code}.ods", exports.tables_ods(release.tables, rules, coverage=coverage))
    for chart in charts.values():
        put(out / "charts" / f"{chart.key}.svg", svg_document(chart))
    put(out / f"{ho_return.key}.xlsx", exports.tables_xlsx([ho_return], rules))
    put(out / f"{ho_return.key}.csv", exports.table_csv(ho_return))
    put(out / "methodology.md", methodology(quarter, filters, release, charts, rules).encode())
    return written


def methodology(
    quarter: Quarter, filters: StatisticsFilters, release: Release, charts: dict[str, Chart], rules: DisclosureRules
) -> str:
    names = site_names(filters)
    separation = ""
    if release.cases is not None and any(t.section == "consistency" for t in release.tables):
        separation = separation_note(release.cases, filters, rules)
    lines = [
        f"# Child NRM panels: statistics release for {quarter.label}",
        "",
        f"Produced on {timezone.localdate():%d %B %Y} from the records of {len(names)} site(s): {', '.join(names)}.",
        f"Period: {filters.first.label} to {filters.last.label}. Tables by quarter cover the whole period; other "
        "tables add up the whole period.",
        "",
        "## What is counted",
        "",
        "- **Children**: as in the Home Office's tables, those exploited when 17 or under: the age the referral "
        "records for when the exploitation started or, where none is recorded, under 18 when referred (the "
        "exploitation began before the referral). Referrals with neither age known are counted only in the table "
        "of referrals by age at exploitation (child, adult, not known), which counts every referral; every other "
        "table counts children.",
        "- **Referrals**: referrals of children submitted to a panel, in the quarter they were submitted (UK time). "
        "Categories follow the Home Office's published NRM tables: gender (the sex recorded at referral), "
        "nationality (the first recorded), exploitation type (combinations written as in the published tables, "
        'e.g. "Sexual & Criminal", "Sexual, Labour & Criminal"), location of exploitation, first-responder type '
        "and the county lines flag.",
        "- **Decisions**: the panel's reasonable grounds (RG) and conclusive grounds (CG) decisions, counted in the "
        "quarter the panel first made them, with the outcome that stands now (after any correction or "
        "reconsideration). The day a decision was first made is the first decision's, as its corrections last "
        "put it; a reconsideration does not change it.",
        "- **Reconsiderations**: requests to reconsider a negative decision, in the quarter they were received; "
        "reconsiderations decided, in the quarter the panel made the decision (as its corrections last put it), and "
        "of those the ones whose outcome changed.",
        "- **Sites**: a case transferred to another site takes its history with it, but each thing counts at the "
        "site where it happened: a referral where it was received, a decision where the panel that made it sat (or, "
        "without a sitting, the site holding the case that day), a reconsideration request at the site holding the "
        "case when it was received.",
        "- **Times**: calendar days from the referral's submission to the panel's first decision. Medians and "
        "quartiles by linear interpolation between the ordered times (Hyndman and Fan type 7); the mean is the "
        "arithmetic mean.",
        "- **Equality monitoring**: shares of referrals and positive decision and outcome rates by ethnic group "
        "(ONS 2021 top-level groups, as recorded on the referral), nationality, gender and age at referral, with "
        "95% intervals by the Wilson score method, worked out from the rounded counts as shown. Ethnicity is not "
        "published nationally; these figures are the panels' own.",
        "- **Pilot evaluation**: the panel's cases beside cases handed to the Single Competent Authority (SCA): "
        "decision times, plans agreed at the sitting, plan actions done on time, outcome reviews at each review "
        "point, re-referral and missing episodes after the decision, and the cost of the panel's work.",
        f"- **Consistency between panels**: a logistic regression of a positive RG decision on the site (deviation "
        f"coding) and case mix (age band, gender, exploitation type, nationality group), fitted with statsmodels. "
        f"{CAVEAT}" + (f" {separation}" if separation else ""),
        "",
        "## Disclosure control",
        "",
        f"{rules.describe()}",
        "",
        f"Rules of this release: threshold {rules.threshold}, rounding to the nearest {rules.rounding}, minimum "
        f"base {rules.min_denominator} for rates and averages. Secondary suppression: in every row and column of a "
        "table, with its total, either no figure or at least two are suppressed, so no total lets a suppressed count "
        "be worked out. Tables that publish the same counts (each quarter's referrals of children, in every table "
        "of referrals by quarter and in the table by age at exploitation) suppress them alike, so that no table "
        "gives back what another hides. Totals are computed from the unrounded counts and then rounded, so rows may "
        "not add up exactly. Rates and intervals are worked out from the counts as published (after rounding), and "
        "withheld where either count is suppressed: a rate of the unrounded counts would give them back, for "
        "instance by setting one period against a longer one. The consistency model's adjusted rates and odds "
        "ratios are model estimates from the unrounded data, shown only for sites with enough decisions.",
        "",
        "Markers: `[c]` suppressed to protect confidentiality; `[low]` based on too few cases to show; `[x]` not "
        "available or not applicable.",
        "",
        "## Files",
        "",
        f"- `nrm_statistics_{quarter.code}.xlsx` and `.ods`: every table, one sheet each, with its notes.",
        "- `tables/`: each table as CSV, XLSX and ODS.",
        "- `charts/`: each chart as SVG, drawn from the protected table it belongs to.",
        f"- `home_office_return_{quarter.code}.xlsx` and `.csv`: the quarterly aggregate return to the Home Office.",
        "",
        "## Tables",
        "",
    ]
    for table in release.tables:
        lines.append(f"- `{table.key}`: {table.title}" + (" (with a chart)" if table.key in charts else ""))
    lines.append("")
    return "\n".join(lines)


def today_quarter(today: date | None = None) -> Quarter:
    return Quarter.of(today or timezone.localdate())
