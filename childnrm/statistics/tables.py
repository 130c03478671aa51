"""The statistics tables, counted from the case frames and protected before anything shows them.

Every figure a table holds is a `kit.disclosure.Cell`: counts are suppressed and rounded with
`protect_table` (primary and secondary suppression against the table's totals), rates with `protect_published_rate`,
times and averages with `protect_measure`. A table never holds a true small count, so whatever draws it (a
page, a chart, a download, the release) cannot show one.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

import pandas as pd

from childnrm.kit.disclosure import (
    DEFAULT_RULES,
    NOT_AVAILABLE,
    Cell,
    DisclosureRules,
    protect_measure,
    protect_published_rate,
    protect_table,
    published_counts,
    suppressed_together,
)
from childnrm.statistics import dimensions as dim
from childnrm.statistics.measures import time_summary, wilson_interval
from childnrm.statistics.selectors import StatisticsFilters

STAGES = {"rg": "reasonable grounds", "cg": "conclusive grounds"}
NOT_APPLICABLE = Cell(None, False, NOT_AVAILABLE)


@dataclass(frozen=True)
class StatRow:
    labels: tuple[str, ...]
    cells: tuple[Cell, ...]
    total: bool = False


@dataclass(frozen=True)
class StatTable:
    """One published table: its rows' labels, its protected cells, and what a reader needs to know."""

    key: str  # stable name: the download's file name and the release's
    title: str
    label_headers: tuple[str, ...]
    value_headers: tuple[str, ...]
    rows: tuple[StatRow, ...]
    notes: tuple[str, ...] = ()
    section: str = "nrm"
    chart: str = ""  # the chart drawn from it (charts.CHARTS), if any
    # Each value column's key: its English heading, whatever language the headings are shown in (`words.table_shown`
    # translates `value_headers` and keeps these), so that code finds a column by its key, never by its label.
    value_keys: tuple[str, ...] = ()

    def __post_init__(self) -> None:
        if not self.value_keys:
            object.__setattr__(self, "value_keys", tuple(self.value_headers))
        if len(self.value_keys) != len(self.value_headers):
            raise ValueError(f"{self.key}: one key for each value column.")

    @property
    def header(self) -> list[str]:
        return [*self.label_headers, *self.value_headers]

    def column(self, key: str) -> int:
        """The index among the value columns of the column with this key."""
        return self.value_keys.index(key)

    def records(self) -> list[list[int | float | str]]:
        """Every row as a file holds it: labels, then each value or its marker ("[c]", "[low]", "[x]")."""
        return [[*row.labels, *(cell.export for cell in row.cells)] for row in self.rows]

    def cell(self, labels: str | Sequence[str], column: str) -> Cell:
        """The cell in the row with these labels (or first label) under the column whose key is `column`."""
        wanted = (labels,) if isinstance(labels, str) else tuple(labels)
        index = self.column(column)
        for row in self.rows:
            if row.labels[: len(wanted)] == wanted:
                return row.cells[index]
        raise KeyError(f"No row {wanted} in {self.key}")

    @property
    def is_empty(self) -> bool:
        return not self.rows


@dataclass
class Release:
    """Every table for one set of filters, with the rules that protected them."""

    tables: list[StatTable] = field(default_factory=list)
    rules: DisclosureRules = DEFAULT_RULES
    cases: pd.DataFrame | None = None  # the case frame the tables were counted from (reused by the return)

    def get(self, key: str) -> StatTable:
        for table in self.tables:
            if table.key == key:
                return table
        raise KeyError(key)

    def section(self, name: str) -> list[StatTable]:
        return [t for t in self.tables if t.section == name]


# --- Counting ----------------------------------------------------------------------------------------------


def crosstab(frame: pd.DataFrame, rows: str, columns: str, row_values: list, column_values: list) -> list[list[int]]:
    """Counts of `frame`'s rows by two columns, in the given order (absent combinations are 0)."""
    if frame.empty:
        return [[0 for _ in column_values] for _ in row_values]
    counts = frame.groupby([rows, columns]).size().to_dict()  # a dict: looking up a MultiIndex cell by cell was slow
    return [[int(counts.get((r, c), 0)) for c in column_values] for r in row_values]


def count_table(
    *,
    key: str,
    title: str,
    label_headers: tuple[str, ...],
    row_labels: list[tuple[str, ...]],
    value_headers: list[str],
    counts: list[list[int]],
    rules: DisclosureRules,
    notes: Sequence[str] = (),
    total_header: str = "Total",
    section: str = "nrm",
    chart: str = "",
    suppressed: Sequence[tuple[int, int]] = (),
) -> StatTable:
    """A table of counts with a total column and a total row, protected with `protect_table` (`suppressed`: cells
    of the table with its totals that another table of the release suppressed, `suppressed_together`)."""
    protected = protect_table(counts, rules, suppressed=suppressed) if counts else None
    rows: list[StatRow] = []
    if protected is not None and protected.row_totals is not None and protected.column_totals is not None:
        for labels, cells, total in zip(row_labels, protected.cells, protected.row_totals, strict=True):
            rows.append(StatRow(labels, (*cells, total)))
        assert protected.grand_total is not None
        total_labels = ("Total",) + ("",) * (len(label_headers) - 1)
        rows.append(StatRow(total_labels, (*protected.column_totals, protected.grand_total), total=True))
    return StatTable(
        key=key,
        title=title,
        label_headers=label_headers,
        value_headers=(*value_headers, total_header),
        rows=tuple(rows),
        notes=tuple(notes),
        section=section,
        chart=chart,
    )


def _quarter_labels(filters: StatisticsFilters) -> list[tuple[str, ...]]:
    return [(str(q.year), f"Q{q.number}") for q in filters.quarters]


def _in_period(frame: pd.DataFrame, quarter_column: str, filters: StatisticsFilters) -> pd.DataFrame:
    return frame[frame[quarter_column].isin({q.code for q in filters.quarters})]


# --- NRM tables in the Home Office's layout -----------------------------------------------------------------

QUARTER_HEADERS = ("Year", "Quarter")
CHILDREN_NOTE = (
    "Children: those exploited when 17 or under, as the Home Office counts them. The age recorded for when the "
    "exploitation started, or, where none is recorded, under 18 when referred (the exploitation began before the "
    "referral). Referrals with neither age known are not counted here: see referrals by age at exploitation."
)


REFERRALS_BY = ("location", "exploitation", "gender", "county_lines")


def _referrals_by_quarter_counts(
    cases: pd.DataFrame, filters: StatisticsFilters, by: str
) -> tuple[list[str], str, list[list[int]]]:
    """The columns, the words for them, and the counts of a referrals-by-quarter table."""
    referred = _in_period(cases, "quarter", filters)
    codes = [q.code for q in filters.quarters]
    if by == "location":
        values, column, name = dim.LOCATIONS, "location", "location of exploitation"
    elif by == "gender":
        values, column, name = dim.GENDERS, "gender", "gender"
    elif by == "county_lines":
        values, column, name = dim.COUNTY_LINES_FLAGS, "county_lines_flag", "county lines flag"
    else:
        values, column, name = _exploitation_columns(referred), "exploitation", "exploitation type"
    return values, name, crosstab(referred, "quarter", column, codes, values)


def referrals_by_quarter(
    cases: pd.DataFrame,
    filters: StatisticsFilters,
    rules: DisclosureRules,
    *,
    by: str,
    suppressed: Sequence[tuple[int, int]] = (),
) -> StatTable:
    """Referrals of children received in each quarter, by location of exploitation, exploitation type, gender or
    county lines flag (`cases`: the children's referrals, `selectors.children`). Published together, these share
    their totals column with each other and with the age table's child column: `referrals_by_quarter_tables`."""
    values, name, counts = _referrals_by_quarter_counts(cases, filters, by)
    notes = ["Counted in the quarter the referral was submitted.", CHILDREN_NOTE]
    if by == "county_lines":
        notes.append("Flagged by the first responder on the referral: county lines is a form of criminal exploitation.")
    return count_table(
        key=f"referrals_by_quarter_{by}",
        title=f"Referrals of children by quarter and {name}",
        label_headers=QUARTER_HEADERS,
        row_labels=_quarter_labels(filters),
        value_headers=values,
        counts=counts,
        rules=rules,
        notes=tuple(notes),
        chart="referrals_by_quarter" if by == "location" else "",
        suppressed=suppressed,
    )


def _age_at_exploitation_counts(all_ages: pd.DataFrame, filters: StatisticsFilters) -> list[list[int]]:
    referred = _in_period(all_ages, "quarter", filters)
    codes = [q.code for q in filters.quarters]
    return crosstab(referred, "quarter", "exploited_as", codes, dim.AGES_AT_EXPLOITATION)


def referrals_by_age_at_exploitation(
    all_ages: pd.DataFrame,
    filters: StatisticsFilters,
    rules: DisclosureRules,
    *,
    suppressed: Sequence[tuple[int, int]] = (),
) -> StatTable:
    """Referrals of every age received in each quarter, by age at exploitation (child, adult, not known), as the
    Home Office publishes them. The child column is the child tables' totals column: published beside them, it is
    protected with them (`referrals_by_quarter_tables`)."""
    return count_table(
        key="referrals_by_quarter_age_at_exploitation",
        title="Referrals by quarter and age at exploitation",
        label_headers=QUARTER_HEADERS,
        row_labels=_quarter_labels(filters),
        value_headers=dim.AGES_AT_EXPLOITATION,
        counts=_age_at_exploitation_counts(all_ages, filters),
        rules=rules,
        notes=(
            "Counted in the quarter the referral was submitted.",
            "Age at exploitation: the age recorded for when the exploitation started, or, where none is recorded, "
            "a child when under 18 at referral; not known when neither age is known. Only children are counted in "
            "the other tables.",
        ),
        suppressed=suppressed,
    )


def referrals_by_quarter_tables(
    cases: pd.DataFrame,
    filters: StatisticsFilters,
    rules: DisclosureRules,
    *,
    all_ages: pd.DataFrame | None = None,
    breakdowns: bool = False,
) -> list[StatTable]:
    """The referrals-by-quarter tables of children (`REFERRALS_BY`) and, given the referrals of every age
    (`all_ages`), the referrals by age at exploitation first, protected together; with `breakdowns`, the referrals
    by first responder type and exploitation type and by nationality and gender after them, protected with them.

    Each quarter's referrals of children, and their total, are published in all of them: the children tables'
    totals column and the age table's child column. The totals row of the table by quarter and exploitation type
    (referrals of each type in the period) is the totals row of the table by first responder type, and that of the
    table by quarter and gender is the totals row of the table by nationality; the grand total is in every one.
    Protected one at a time, one table's secondary suppression could hide a count another publishes, and the
    published copy would give back the figure that suppression covered (its line's total less its published
    cells). So each such count is suppressed in every table or in none (`kit.disclosure.suppressed_together`)."""
    counted = [_referrals_by_quarter_counts(cases, filters, by)[2] for by in REFERRALS_BY]
    age_index = responder_index = nationality_index = -1
    if all_ages is not None:
        age_index = len(counted)
        counted.append(_age_at_exploitation_counts(all_ages, filters))
    if breakdowns:
        responder_index = len(counted)
        counted.append(_responder_counts(cases, filters)[1])
        nationality_index = len(counted)
        counted.append(_nationality_counts(cases, filters)[1])
    forced: list[list[tuple[int, int]]] = [[] for _ in counted]
    if filters.quarters:
        forced = suppressed_together(counted, _shared_referral_counts(counted, age_index, responder_index), rules)
    tables = [
        referrals_by_quarter(cases, filters, rules, by=by, suppressed=cells)
        for by, cells in zip(REFERRALS_BY, forced, strict=False)
    ]
    if all_ages is not None:
        tables.insert(0, referrals_by_age_at_exploitation(all_ages, filters, rules, suppressed=forced[age_index]))
    if breakdowns:
        tables.append(referrals_by_responder(cases, filters, rules, suppressed=forced[responder_index]))
        tables.append(referrals_by_nationality(cases, filters, rules, suppressed=forced[nationality_index]))
    return tables


def _shared_referral_counts(
    counted: list[list[list[int]]], age_index: int, responder_index: int
) -> list[list[tuple[int, int, int]]]:
    """The groups of cells (table, row, column of the table with its totals) of `referrals_by_quarter_tables`'
    counts that publish the same count. `counted`: the four children's tables by quarter (`REFERRALS_BY`), then the
    age table (at `age_index`, if any), then the tables by first responder and by nationality (from
    `responder_index`, if any). A table without rows (no nationality recorded) shares nothing."""

    def column_totals(rows: list[list[int]]) -> list[int]:
        width = len(rows[0])
        return [*(sum(row[j] for row in rows) for j in range(width)), sum(map(sum, rows))]

    quarters = len(counted[0])
    # Cell (quarter, totals column) of each children's table and (quarter, child column) of the age table; the
    # last row is the totals row, its last cell the grand total.
    shared = [
        [(t, i, len(counted[t][0])) for t in range(len(REFERRALS_BY))] + ([(age_index, i, 0)] if age_index >= 0 else [])
        for i in range(quarters + 1)
    ]
    if responder_index >= 0:
        grand_total = shared[quarters]
        exploitation, gender = REFERRALS_BY.index("exploitation"), REFERRALS_BY.index("gender")
        pairs = [(exploitation, responder_index), (gender, responder_index + 1)]
        for by_quarter, breakdown in pairs:
            rows = counted[breakdown]
            if not rows or not rows[0]:
                continue
            # The breakdown's totals row: each column's total (referrals of each type, or of each gender, in the
            # period) and the grand total, the by-quarter table's totals row. Shared only where the same count.
            mine, theirs = column_totals(counted[by_quarter]), column_totals(rows)
            for j, (count, same) in enumerate(zip(mine[:-1], theirs[:-1], strict=True)):
                if count == same:
                    shared.append([(by_quarter, quarters, j), (breakdown, len(rows), j)])
            if mine[-1] == theirs[-1]:
                grand_total.append((breakdown, len(rows), len(rows[0])))
    return shared


def _exploitation_columns(frame: pd.DataFrame) -> list[str]:
    """The single types always, then each combination that occurs, then not known (the Home Office's order)."""
    singles = ["Sexual", "Labour", "Domestic", "Criminal", "Organ Harvesting", "Other"]
    present = set(frame["exploitation"]) if not frame.empty else set()
    combinations = sorted(label for label in present if " & " in label)
    return [*singles, *combinations, dim.NOT_KNOWN]


def decisions_by_quarter(
    cases: pd.DataFrame, filters: StatisticsFilters, rules: DisclosureRules, *, stage: str
) -> StatTable:
    """Reasonable or conclusive grounds decisions in each quarter, negative and positive (Home Office layout)."""
    decided = _in_period(cases, f"{stage}_quarter", filters).copy()
    words = STAGES[stage]
    decided["result"] = decided[f"{stage}_positive"].map({True: "positive", False: "negative"})
    counts = crosstab(
        decided, f"{stage}_quarter", "result", [q.code for q in filters.quarters], ["negative", "positive"]
    )
    return count_table(
        key=f"{stage}_decisions_by_quarter",
        title=f"{words.capitalize()} decisions by quarter",
        label_headers=QUARTER_HEADERS,
        row_labels=_quarter_labels(filters),
        value_headers=[f"Negative {words}", f"Positive {words}"],
        counts=counts,
        rules=rules,
        notes=(
            f"Counted in the quarter the panel first made the {words} decision, with the outcome that stands now "
            "(after any correction or reconsideration).",
            CHILDREN_NOTE,
        ),
        chart=f"{stage}_decisions_by_quarter",
    )


TIME_HEADERS = ("Decisions", "Median days", "Lower quartile days", "Upper quartile days", "Mean days")


def times_by_quarter(
    cases: pd.DataFrame, filters: StatisticsFilters, rules: DisclosureRules, *, stage: str, decisions: StatTable
) -> StatTable:
    """Days from referral to the decision, for decisions made in each quarter: median, quartiles and mean.

    The count of decisions is the decisions table's total column, as protected there, so the two tables
    cannot be set against each other."""
    decided = _in_period(cases, f"{stage}_quarter", filters)
    totals = [row.cells[-1] for row in decisions.rows]
    rows = []
    groups = [(q.code, (str(q.year), f"Q{q.number}")) for q in filters.quarters]
    for (code, labels), n_cell in zip(groups, totals[:-1], strict=True):
        days = decided.loc[decided[f"{stage}_quarter"] == code, f"{stage}_days"]
        rows.append(StatRow(labels, (n_cell, *_summary_cells(days, rules))))
    rows.append(StatRow(("Total", ""), (totals[-1], *_summary_cells(decided[f"{stage}_days"], rules)), total=True))
    words = STAGES[stage]
    return StatTable(
        key=f"{stage}_times_by_quarter",
        title=f"Days from referral to the {words} decision, by quarter of decision",
        label_headers=QUARTER_HEADERS,
        value_headers=TIME_HEADERS,
        rows=tuple(rows),
        notes=(
            "Calendar days from the day the referral was submitted to the day the panel decided.",
            "Quartiles and medians by linear interpolation between the ordered times (Hyndman and Fan type 7).",
            f"Shown only where there are at least {max(rules.min_denominator, rules.threshold)} decisions.",
        ),
        chart=f"{stage}_times_by_quarter",
    )


def _summary_cells(days: pd.Series, rules: DisclosureRules) -> tuple[Cell, ...]:
    summary = time_summary(days)
    return tuple(
        protect_measure(value, summary.n, rules)
        for value in (summary.median, summary.lower_quartile, summary.upper_quartile, summary.mean)
    )


RECONSIDERATION_HEADERS = ("Requested", "Decided", "Outcome changed")


def reconsiderations_by_quarter(
    reconsiderations: pd.DataFrame, filters: StatisticsFilters, rules: DisclosureRules
) -> StatTable:
    """Requests to reconsider a decision received in each quarter, reconsiderations decided, and of those the ones
    whose outcome changed (`reconsiderations`: `selectors.reconsiderations`).

    Two tables as far as protection goes, since a request received in one quarter may be decided in another: the
    requests by quarter, and the decisions by quarter split into outcome changed and not changed. "Decided" is the
    latter's total, so "not changed" (decided less changed) is protected as if it were shown."""
    codes = [q.code for q in filters.quarters]
    requested = reconsiderations["requested_quarter"].value_counts()
    decided = reconsiderations[reconsiderations["decided_quarter"].isin(codes)]
    decided = decided.assign(result=decided["changed"].map({True: "changed", False: "not changed"}))
    asked = protect_table([[int(requested.get(code, 0))] for code in codes], rules) if codes else None
    answered = (
        protect_table(crosstab(decided, "decided_quarter", "result", codes, ["changed", "not changed"]), rules)
        if codes
        else None
    )
    rows: list[StatRow] = []
    if asked is not None and answered is not None:
        assert asked.column_totals is not None and answered.row_totals is not None
        assert answered.column_totals is not None and answered.grand_total is not None
        for i, labels in enumerate(_quarter_labels(filters)):
            rows.append(StatRow(labels, (asked.cells[i][0], answered.row_totals[i], answered.cells[i][0])))
        rows.append(
            StatRow(
                ("Total", ""), (asked.column_totals[0], answered.grand_total, answered.column_totals[0]), total=True
            )
        )
    return StatTable(
        key="reconsiderations_by_quarter",
        title="Reconsiderations by quarter",
        label_headers=QUARTER_HEADERS,
        value_headers=RECONSIDERATION_HEADERS,
        rows=tuple(rows),
        notes=(
            "Requested: requests to reconsider a negative decision received in the quarter, whatever became of them. "
            "Decided: reconsiderations the panel decided in the quarter. Outcome changed: those of them whose "
            "outcome differs from the decision reconsidered.",
            "A request counts at the site holding the case when it was received, a reconsideration at the site "
            "whose panel made it.",
            CHILDREN_NOTE,
        ),
    )


def _responder_counts(cases: pd.DataFrame, filters: StatisticsFilters) -> tuple[list[str], list[list[int]]]:
    """The exploitation type columns, and the counts by first responder type and exploitation type."""
    referred = _in_period(cases, "quarter", filters)
    columns = _exploitation_columns(referred)
    return columns, crosstab(referred, "first_responder_type", "exploitation", dim.FIRST_RESPONDER_TYPES, columns)


def referrals_by_responder(
    cases: pd.DataFrame,
    filters: StatisticsFilters,
    rules: DisclosureRules,
    *,
    suppressed: Sequence[tuple[int, int]] = (),
) -> StatTable:
    """Referrals of children in the period by first responder type and exploitation type. Its totals row is the
    totals row of the table by quarter and exploitation type: published beside it, it is protected with it
    (`referrals_by_quarter_tables`)."""
    columns, counts = _responder_counts(cases, filters)
    return count_table(
        key="referrals_by_first_responder",
        title="Referrals of children by first responder type and exploitation type",
        label_headers=("First responder type",),
        row_labels=[(t,) for t in dim.FIRST_RESPONDER_TYPES],
        value_headers=columns,
        counts=counts,
        rules=rules,
        notes=(CHILDREN_NOTE,),
        suppressed=suppressed,
    )


def _nationality_counts(cases: pd.DataFrame, filters: StatisticsFilters) -> tuple[list[str], list[list[int]]]:
    """The nationalities (most referred first, not known last), and the counts by nationality and gender."""
    referred = _in_period(cases, "quarter", filters)
    counts = referred["nationality"].value_counts() if not referred.empty else pd.Series(dtype="int64")
    nationalities = sorted(counts.index, key=lambda n: (n == dim.NOT_KNOWN, -int(counts[n]), n))
    return nationalities, crosstab(referred, "nationality", "gender", nationalities, dim.GENDERS)


def referrals_by_nationality(
    cases: pd.DataFrame,
    filters: StatisticsFilters,
    rules: DisclosureRules,
    *,
    suppressed: Sequence[tuple[int, int]] = (),
) -> StatTable:
    """Referrals of children in the period by nationality and gender. Its totals row is the totals row of the
    table by quarter and gender: published beside it, it is protected with it (`referrals_by_quarter_tables`)."""
    nationalities, counts = _nationality_counts(cases, filters)
    return count_table(
        key="referrals_by_nationality",
        title="Referrals of children by nationality and gender",
        label_headers=("Nationality",),
        row_labels=[(n,) for n in nationalities],
        value_headers=dim.GENDERS,
        counts=counts,
        rules=rules,
        notes=("The first nationality recorded on the referral.", CHILDREN_NOTE),
        suppressed=suppressed,
    )


def decisions_by_site(
    cases: pd.DataFrame, filters: StatisticsFilters, rules: DisclosureRules, site_names: list[str]
) -> StatTable:
    """Decisions made in the period at each site (the site whose panel made them), by stage and outcome."""
    frames = []
    for stage in ("rg", "cg"):
        decided = _in_period(cases, f"{stage}_quarter", filters)
        words = STAGES[stage]
        frames.append(
            pd.DataFrame(
                {
                    "site": decided[f"{stage}_site"],  # the site whose panel made it
                    "column": decided[f"{stage}_positive"].map({True: f"Positive {words}", False: f"Negative {words}"}),
                }
            )
        )
    both = pd.concat(frames) if frames else pd.DataFrame(columns=["site", "column"])
    columns = [f"{sign} {STAGES[s]}" for s in ("rg", "cg") for sign in ("Negative", "Positive")]
    return count_table(
        key="decisions_by_site",
        title="Decisions by site, stage and outcome",
        label_headers=("Site",),
        row_labels=[(name,) for name in site_names],
        value_headers=columns,
        counts=crosstab(both, "site", "column", site_names, columns),
        rules=rules,
        total_header="All decisions",
    )


def nrm_tables(
    cases: pd.DataFrame,
    filters: StatisticsFilters,
    rules: DisclosureRules,
    site_names: list[str],
    *,
    all_ages: pd.DataFrame | None = None,
    reconsiderations: pd.DataFrame | None = None,
) -> list[StatTable]:
    """The NRM tables of the children's referrals (`cases`); given the referrals of every age (`all_ages`), the
    referrals by age at exploitation; given their reconsiderations (`selectors.reconsiderations`), those by
    quarter."""
    rg = decisions_by_quarter(cases, filters, rules, stage="rg")
    cg = decisions_by_quarter(cases, filters, rules, stage="cg")
    return [
        *referrals_by_quarter_tables(cases, filters, rules, all_ages=all_ages, breakdowns=True),
        rg,
        cg,
        times_by_quarter(cases, filters, rules, stage="rg", decisions=rg),
        times_by_quarter(cases, filters, rules, stage="cg", decisions=cg),
        *([reconsiderations_by_quarter(reconsiderations, filters, rules)] if reconsiderations is not None else []),
        decisions_by_site(cases, filters, rules, site_names),
    ]


# --- Disproportionality -------------------------------------------------------------------------------------

DISPROPORTIONALITY_DIMENSIONS = {
    "ethnicity": ("ethnic_group", "Ethnic group", dim.ETHNIC_GROUPS),
    "nationality": ("nationality", "Nationality", None),
    "gender": ("gender", "Gender", dim.GENDERS),
    "age_band": ("age_band", "Age at referral", dim.AGE_BANDS),
}
RATE_HEADERS = ("Number", "Out of", "Rate %", "Lower 95% limit %", "Upper 95% limit %")


@dataclass(frozen=True)
class Measure:
    name: str
    hits: pd.Series  # per group: how many had it
    bases: pd.Series  # per group: out of how many


def disproportionality_table(
    cases: pd.DataFrame, filters: StatisticsFilters, rules: DisclosureRules, reviewed: pd.DataFrame, *, by: str
) -> StatTable:
    """Referral share, positive decision rates and outcome rates for each group, with Wilson 95% intervals.

    `reviewed` holds, per child, whether any recorded outcome review reports going missing or further
    exploitation (known or suspected). Counts in each measure are protected as a table of groups by "had it"
    and "did not" (so the denominators are its row totals); a rate and its interval are worked out from those
    protected counts (protect_published_rate), and shown only where neither was suppressed.
    """
    column, heading, groups = DISPROPORTIONALITY_DIMENSIONS[by]
    referred = _in_period(cases, "quarter", filters)
    rg = _in_period(cases, "rg_quarter", filters)
    cg = _in_period(cases, "cg_quarter", filters)
    if groups is None:
        # Nationalities: the five most referred, the rest together (each alone would be suppressed).
        top = list(referred[column].value_counts().index[:5]) if not referred.empty else []
        top = [n for n in top if n != dim.NOT_KNOWN]
        groups = [*top, "Other nationalities", dim.NOT_KNOWN]

        def group_of(values: pd.Series) -> pd.Series:
            return values.where(values.isin(top) | (values == dim.NOT_KNOWN), "Other nationalities")
    else:

        def group_of(values: pd.Series) -> pd.Series:
            return values

    children = rg.sort_values("rg_on").drop_duplicates("child_id")
    children = children.merge(reviewed, on="child_id", how="inner")
    measures = [
        Measure("Share of referrals", group_of(referred[column]).value_counts(), pd.Series(dtype="int64")),
        _rate_measure("Positive reasonable grounds", group_of(rg[column]), rg["rg_positive"]),
        _rate_measure("Positive conclusive grounds", group_of(cg[column]), cg["cg_positive"]),
        _rate_measure("Went missing after the decision", group_of(children[column]), children["missing"]),
        _rate_measure("Further exploitation after the decision", group_of(children[column]), children["exploited"]),
    ]
    rows: list[StatRow] = []
    for measure in measures:
        rows.extend(_measure_rows(measure, groups, rules))
    return StatTable(
        key=f"disproportionality_by_{by}",
        title=f"Referrals, decisions and outcomes by {heading.lower()}, with 95% intervals",
        label_headers=(heading, "Measure"),
        value_headers=RATE_HEADERS,
        rows=tuple(rows),
        notes=(
            "Share of referrals: the group's referrals out of all referrals in the period. Positive rates: out of "
            "the decisions made in the period. Outcomes: out of the children decided in the period with at least "
            "one outcome review recorded, whether any review reported it (further exploitation: known or "
            "suspected).",
            "Rates and intervals (95%, Wilson score method) are worked out from the counts as shown, after rounding, "
            "so that they give back no more than the counts do.",
            "A referral rate per head of population needs the site's child population by group, which the service "
            "does not hold: the share of referrals is shown instead, to compare with local population figures.",
        ),
        section="disproportionality",
        chart=f"disproportionality_by_{by}",
    )


def _rate_measure(name: str, groups: pd.Series, hits: pd.Series) -> Measure:
    frame = pd.DataFrame({"group": groups, "hit": hits.eq(True)})
    return Measure(name, frame.groupby("group")["hit"].sum(), frame.groupby("group").size())


def _measure_rows(measure: Measure, groups: list[str], rules: DisclosureRules) -> list[StatRow]:
    hits = [int(measure.hits.get(g, 0)) for g in groups]
    if measure.bases.empty:  # a share of the whole: one column of counts, the total is the base
        protected = protect_table([[h] for h in hits], rules)
        assert protected.column_totals is not None
        base_cell = protected.column_totals[0]
        total = sum(hits)
        pairs = [(row[0], base_cell, h, total) for row, h in zip(protected.cells, hits, strict=True)]
    else:
        bases = [int(measure.bases.get(g, 0)) for g in groups]
        protected = protect_table([[h, b - h] for h, b in zip(hits, bases, strict=True)], rules)
        assert protected.row_totals is not None
        pairs = [
            (cells[0], base_cell, h, b)
            for cells, base_cell, h, b in zip(protected.cells, protected.row_totals, hits, bases, strict=True)
        ]
    rows = []
    for group, (hit_cell, base_cell, hit, base) in zip(groups, pairs, strict=True):
        # From the counts as shown: a rate or interval of the true counts would undo their rounding (ADR 0019).
        rate = protect_published_rate(hit, base, rules, shown_numerator=hit_cell, shown_denominator=base_cell)
        shown = published_counts(hit_cell, base_cell) if rate.value is not None else None
        interval = wilson_interval(*shown) if shown is not None else None
        lower, upper = (Cell(round(interval[0], 1)), Cell(round(interval[1], 1))) if interval else (rate, rate)
        rows.append(StatRow((group, measure.name), (hit_cell, base_cell, rate, lower, upper)))
    return rows


def disproportionality_tables(
    cases: pd.DataFrame, filters: StatisticsFilters, rules: DisclosureRules, reviewed: pd.DataFrame
) -> list[StatTable]:
    return [disproportionality_table(cases, filters, rules, reviewed, by=by) for by in DISPROPORTIONALITY_DIMENSIONS]
