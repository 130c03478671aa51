"""One set of statistics for one set of filters, the Home Office return, and the quarterly release folder.

`build` reads the cases once and counts every table of the asked-for sections from that read. The page, the
downloads, the return and the release all come from here, so a figure is the same wherever it appears.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pandas as pd
from django.utils import timezone

from childnrm.accounts.models import Site
from childnrm.kit import i18n
from childnrm.kit.disclosure import DEFAULT_RULES, DisclosureRules
from childnrm.statistics import exports, selectors
from childnrm.statistics.charts import Chart, charts_for, svg_document
from childnrm.statistics.consistency import CAVEAT, consistency_table, separation_note
from childnrm.statistics.dimensions import Quarter
from childnrm.statistics.pilot import pilot_tables, plan_counts
from childnrm.statistics.selectors import StatisticsFilters
from childnrm.statistics.tables import (
    SITE_REFERRALS_BY,
    STAGES,
    Everywhere,
    Release,
    Returned,
    Sites,
    StatRow,
    StatTable,
    Suppression,
    count_table,
    disproportionality_tables,
    last_quarter_by_site,
    nrm_tables,
    part_cells,
    part_suppression,
    return_columns,
    shared_suppression,
)

SECTIONS = ("nrm", "disproportionality", "pilot", "consistency")
SECTION_TITLES = {
    "nrm": "NRM tables",
    "disproportionality": "Equality monitoring",
    "pilot": "Pilot evaluation",
    "consistency": "Consistency between panels",
}


def sites_of(filters: StatisticsFilters) -> list[tuple[int, str]]:
    """The chosen sites, (id, name) each, by name: the order every table by site lists them."""
    return list(Site.objects.filter(pk__in=filters.site_ids).order_by("name").values_list("pk", "name"))


def site_names(filters: StatisticsFilters) -> list[str]:
    return [name for _, name in sites_of(filters)]


def build(
    filters: StatisticsFilters, rules: DisclosureRules = DEFAULT_RULES, *, sections: tuple[str, ...] = SECTIONS
) -> Release:
    all_ages = selectors.case_frame(filters)
    cases = selectors.children(all_ages)  # every table but the one by age at exploitation counts children
    sites = sites_of(filters)
    release = Release([], rules, cases, all_ages)
    if not filters.narrowed:
        release.everywhere = everywhere(filters)
    pilot = selectors.pilot_data(filters, cases) if "pilot" in sections else None
    if sections:
        # Every section's tables (and the return) publish some of the same counts: one protection for all, worked
        # out whichever page is asked for, so that each shows those counts alike.
        plans = pilot.plans_at_sitting if pilot is not None else None
        release.suppression, release.returned = protection(filters, rules, release, sites, plans)
    if "nrm" in sections:
        release.tables += nrm_tables(
            cases,
            filters,
            rules,
            sites,
            all_ages=all_ages,
            reconsiderations=selectors.reconsiderations(filters, cases),
            suppression=release.suppression,
        )
    if "disproportionality" in sections:
        assert release.suppression is not None
        release.tables += disproportionality_tables(
            cases, filters, rules, selectors.review_flags(filters), suppression=release.suppression
        )
    if pilot is not None:
        assert release.suppression is not None
        release.tables += pilot_tables(pilot, filters, rules, suppression=release.suppression)
    if "consistency" in sections:
        assert release.suppression is not None
        release.tables.append(consistency_table(cases, filters, rules, sites, suppression=release.suppression))
    return release


def protection(
    filters: StatisticsFilters,
    rules: DisclosureRules,
    release: Release,
    sites: Sites,
    plans: set[tuple[int, int]] | None = None,
) -> tuple[Suppression, dict[str, StatTable] | None]:
    """The protection of `filters`' tables (`tables.shared_suppression`), counted from the release's frames with the
    pilot's plans (`plans`: read if not given), and the Home Office return of its sites and last quarter (its tables
    of the quarter by site, `return_tables`).

    The return is the all-sites return's, protected with the tables of the two years to the quarter, whatever the
    period and the sites asked for, so that it is the same file wherever it is downloaded from and no two returns
    differ in what they hide; the tables take its cells as fixed (`shared_suppression(..., returned=...)`): they hide
    what it hides, and never hide what it shows to cover another figure. Tables narrowed by other filters count other
    children than the return: protected on their own (None). Without `release.everywhere`, `sites` are every site."""
    assert release.cases is not None and release.all_ages is not None
    cases, all_ages = release.cases, release.all_ages
    if plans is None:
        plans = selectors.plans_agreed_at_sitting(filters, cases)  # the frames' own: the same for every period

    def suppression(of: StatisticsFilters, returned: Returned | None = None) -> Suppression:
        counts = plan_counts(cases, of, plans)
        return shared_suppression(cases, of, rules, sites, all_ages=all_ages, plans=counts, returned=returned)

    if filters.narrowed:
        return suppression(filters), None
    period = return_filters(filters.site_ids, filters.last)
    if release.everywhere is None:  # every site: the all-sites return is protected with these tables' two years
        whole = suppression(period)
        if filters.first == period.first:
            return whole, last_quarter_by_site(cases, period, rules, sites, whole)
    tables = return_tables(period, rules, release, sites, plans)
    return suppression(filters, Returned(tables)), tables


def every_site_ids(site_ids: tuple[int, ...]) -> tuple[int, ...]:
    """The sites of the all-sites return that a return of `site_ids` is part of: every active site (the release's),
    and any of `site_ids` no longer active."""
    return tuple(sorted({*Site.objects.filter(active=True).values_list("pk", flat=True), *site_ids}))


def everywhere(filters: StatisticsFilters) -> Everywhere | None:
    """The frames of every site (`every_site_ids`) to `filters`' last quarter, when the filters choose fewer sites:
    their return is part of the all-sites return, counted from these (`return_tables`). None for every site."""
    period = return_filters(every_site_ids(filters.site_ids), filters.last)
    if set(period.site_ids) == set(filters.site_ids):
        return None
    all_ages = selectors.case_frame(period)
    cases = selectors.children(all_ages)
    return Everywhere(period, sites_of(period), cases, all_ages, selectors.plans_agreed_at_sitting(period, cases))


def return_tables(
    period: StatisticsFilters,
    rules: DisclosureRules,
    release: Release,
    sites: Sites,
    plans: set[tuple[int, int]] | None = None,
) -> dict[str, StatTable]:
    """The Home Office return of `period`'s sites and last quarter (`return_filters`): its tables of the quarter by
    site (`tables.last_quarter_by_site`), counted from the release's frames (and its `plans`: read if not given).

    The all-sites return (from `release.everywhere`, every site's frames; None: `sites` are every site) is protected
    with every site's tables of the two years to the quarter, secondary suppression running across the sites. The
    return of fewer sites is its rows for them, and their total where the all-sites return shows each of their
    figures (`tables.part_suppression`): a site's own return, or some sites', protected on its own hid other cells
    than the all-sites return, and the all-sites total less a site's own figure (or less the other sites' own
    returns) gave back a count one of them hid. Now no return of the quarter shows a figure the all-sites return
    does not give."""
    assert release.cases is not None and release.all_ages is not None
    every = release.everywhere
    if every is None:
        if plans is None:
            plans = selectors.plans_agreed_at_sitting(period, release.cases)
        every = Everywhere(period, sites, release.cases, release.all_ages, plans)
    counts = plan_counts(every.cases, every.filters, every.plans)
    protected = shared_suppression(
        every.cases, every.filters, rules, every.sites, all_ages=every.all_ages, plans=counts
    )
    whole = last_quarter_by_site(every.cases, every.filters, rules, every.sites, protected)
    if [pk for pk, _ in sites] == [pk for pk, _ in every.sites]:
        return whole
    part = last_quarter_by_site(
        release.cases,
        period,
        rules,
        sites,
        part_suppression(whole, every.sites, sites),
        columns=return_columns(whole),
    )
    _check_part(part, whole, sites, every.sites)
    return part


def _check_part(part: dict[str, StatTable], whole: dict[str, StatTable], sites: Sites, every: Sites) -> None:
    """Each site's figures in a part of the all-sites return must be the whole's, cell for cell: the release's frames
    must count each of its sites as every site's frames do."""
    row_of = {pk: i for i, (pk, _) in enumerate(every)}
    for measure in (*SITE_REFERRALS_BY, *STAGES):
        for i, (pk, name) in enumerate(sites):
            if part[measure].rows[i].cells != whole[measure].rows[row_of[pk]].cells:
                raise ValueError(f"{name}'s {measure} in the return differ from the all-sites return's.")


# --- The return to the Home Office -------------------------------------------------------------------------

RETURN_HEADERS = ("Site", "Year", "Quarter", "Measure", "Category")
# The measures of each site's return, in order: the tables of `tables.last_quarter_by_site` they come from.
RETURN_MEASURES = (
    ("gender", "Referrals by gender"),
    ("exploitation", "Referrals by exploitation type"),
    ("location", "Referrals by location of exploitation"),
    ("responder", "Referrals by first responder type"),
    ("rg", "Reasonable grounds decisions"),
    ("rg_times", "Days from referral to reasonable grounds decision"),
    ("cg", "Conclusive grounds decisions"),
    ("cg_times", "Days from referral to conclusive grounds decision"),
)
HANDED = "Cases handed to the Single Competent Authority"


def return_filters(site_ids: tuple[int, ...], quarter: Quarter) -> StatisticsFilters:
    """The period a quarter's return is protected with, whatever period it is downloaded with: the release's, the
    two years to the quarter (`release_filters`), for the return's sites. A return protected with each page's own
    period hid other cells for each, and two downloads of it together gave back what each hid."""
    return StatisticsFilters(site_ids=tuple(sorted(site_ids)), first=two_years_to(quarter), last=quarter)


def home_office_return(
    filters: StatisticsFilters, rules: DisclosureRules = DEFAULT_RULES, *, release: Release | None = None
) -> StatTable:
    """The pilot's quarterly aggregate return for the last quarter of `filters`' period, for its sites (its first
    quarter and other filters do not change it): for each site and all sites together, the quarter's referrals (by
    gender, exploitation type, location and first responder), decisions and decision times
    (`tables.last_quarter_by_site`), and the cases handed to the SCA.

    The all-sites return is protected across the sites (secondary suppression runs across them) and with the tables
    of the two years to the quarter (`return_filters`), which publish all sites again: so neither all sites less the
    other sites nor those tables give back a figure a site's row hides. The return of fewer sites is its rows and
    their total where it shows each figure (`return_tables`). The tables of any period ending in the quarter take
    the return's cells as fixed (`protection`). `release`: the frames of the return's sites to the quarter (every
    period's are the same) with every site's (`release.everywhere`; None when its sites are every site), and the
    return's tables if `build` worked them out already."""
    period = return_filters(filters.site_ids, filters.last)
    if release is None:
        release = build(period, rules, sections=())
    assert release.cases is not None and release.all_ages is not None
    cases, sites = release.cases, sites_of(period)
    every = release.everywhere
    by_site = release.returned or return_tables(period, rules, release, sites)
    of = (every.filters, every.cases, every.sites) if every is not None else (period, cases, sites)
    handed = _handed_by_site(rules, sites, *of)
    quarter = period.last
    names = [name for _, name in sites] + (["All sites"] if len(sites) > 1 else [])  # all sites: the totals row
    rows: list[StatRow] = []
    for i, name in enumerate(names):
        labels = (name, str(quarter.year), f"Q{quarter.number}")
        for measure, words in RETURN_MEASURES:
            table = by_site[measure]
            cells = zip(table.value_keys, table.rows[i].cells, strict=True)
            rows += [
                StatRow((*labels, words, header), (cell,))
                for header, cell in cells
                if not (measure == "responder" and header == "Total")  # the referrals' total, given by gender
            ]
        rows.append(StatRow((*labels, HANDED, "Total"), (handed.rows[i].cells[0],)))
    return StatTable(
        key=f"home_office_return_{quarter.code}",
        title=f"Devolved decision-making pilot: quarterly return to the Home Office, {quarter.label}",
        label_headers=RETURN_HEADERS,
        value_headers=("Value",),
        rows=tuple(rows),
        notes=(
            "Counted by the same rules as the published statistics: referrals in the quarter they were submitted, "
            "decisions in the quarter the panel first made them, with the outcome that stands now.",
            "Each referral counts at the site that received it and each decision at the site whose panel made it, so "
            "the sites add up to All sites. The return of every site, its All sites and the published tables of the "
            "two years to the quarter are protected together: where a site's figure is suppressed, enough others are "
            "that no total gives it back. A return of fewer sites shows each site's figures as the return of every "
            "site does, and their All sites only where that return shows each of their figures, so that no two "
            "returns give back a figure one of them suppresses. The return is the same whatever period the tables are "
            "chosen for: tables of another period suppress what it suppresses.",
            "Exploitation types: those of the published table of every site for the two years to the quarter, so a "
            "type may show 0 for the quarter.",
        ),
        section="return",
    )


def _handed_by_site(
    rules: DisclosureRules, sites: Sites, every: StatisticsFilters, cases: pd.DataFrame, every_site: Sites
) -> StatTable:
    """Cases each of `sites` handed to the SCA in the last quarter (the site that handed it over), those sites
    together as the totals row. No other table publishes these counts: protected across every site (`every`, with
    its `cases` and `every_site`) alone, and for fewer sites taken from there as the return's other figures are
    (`tables.part_cells`)."""
    handed = selectors.sca_reported_decisions(selectors.referrals_in_scope(every).values("pk"))[0]
    quarter = every.last
    handed = handed[
        handed["referral_id"].isin(set(cases["referral_id"]))
        & (handed["handed_on"] >= pd.Timestamp(quarter.first_day))
        & (handed["handed_on"] <= pd.Timestamp(quarter.last_day))
    ]

    def table(of: Sites, suppressed: list[tuple[int, int]] | None = None) -> StatTable:
        return count_table(
            key="last_quarter_by_site_handed_to_sca",
            title=f"{HANDED} in {quarter.label} by site",
            label_headers=("Site",),
            row_labels=[(name,) for _, name in of],
            value_headers=[HANDED],
            counts=[[int((handed["handed_site_id"] == pk).sum())] for pk, _ in of],
            rules=rules,
            section="return",
            suppressed=suppressed or (),
        )

    whole = table(every_site)
    if [pk for pk, _ in sites] == [pk for pk, _ in every_site]:
        return whole
    return table(sites, part_cells(whole, every_site, sites))


# --- The quarterly release --------------------------------------------------------------------------------


def two_years_to(quarter: Quarter) -> Quarter:
    """The first of the eight quarters to `quarter`: the release's period, and every return's."""
    start = quarter
    for _ in range(7):
        start = start.previous()
    return start


def release_filters(quarter: Quarter, *, first: Quarter | None = None) -> StatisticsFilters:
    """Every active site, from `first` (default: two years of quarters) to the release quarter."""
    return StatisticsFilters(
        site_ids=tuple(Site.objects.filter(active=True).order_by("pk").values_list("pk", flat=True)),
        first=first or two_years_to(quarter),
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
    ho_return = home_office_return(filters, rules, release=release)
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
        "be worked out. Tables that publish the same counts suppress them alike, so that no table gives back what "
        "another hides: each quarter's referrals of children, in every table of referrals by quarter and in the "
        "table by age at exploitation; the totals rows of the tables by first responder type and by nationality, in "
        "the tables by quarter and exploitation type and by quarter and gender; each stage and outcome's decisions "
        "in the period, in the decisions by quarter, the decisions by site and the pilot's tables; each "
        "site's reasonable grounds decisions, in the decisions by site and the consistency table; each gender's "
        "and nationality's referrals, and the decisions, in the equality monitoring's shares and rates; and the "
        "Home Office return's figures, whose sites and All sites are protected together (secondary suppression runs "
        "across the sites, so All sites less the other sites gives back no site's suppressed figure) and with the "
        "tables of the two years to the quarter. The return is protected with those two years whatever period it is "
        "downloaded with, so it is the same file here and on the statistics pages; tables of another period suppress "
        "what it suppresses, and never suppress a figure it shows to cover another. A return of fewer sites (one "
        "site's, from the statistics pages) shows each site's figures as this return does, and their total only where "
        "this return shows each of them. Totals are computed from the "
        "unrounded counts and then rounded, so rows may not add up exactly. Rates and intervals are worked out from "
        "the counts as published (after rounding), and withheld where either count is suppressed: a rate of the "
        "unrounded counts would give them back, for instance by setting one period against a longer one. The "
        "consistency model's adjusted rates and odds ratios are model estimates from the unrounded data, shown only "
        "for sites with enough decisions.",
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
