"""The statistics tables, counted from the case frames and protected before anything shows them.

Every figure a table holds is a `kit.disclosure.Cell`: counts are suppressed and rounded with
`protect_table` (primary and secondary suppression against the table's totals), rates with `protect_published_rate`,
times and averages with `protect_measure`. A count that more than one table publishes (a page's, the release's, the
Home Office return's) is suppressed in all of them or in none (`shared_suppression`). A table never holds a true
small count, so whatever draws it (a page, a chart, a download, the release) cannot show one.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
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

# The cells each count table must suppress, by table key, because another table publishes the same count
# (`shared_suppression`): (row, column) of the table with its totals, as `protect_table(..., suppressed=...)` takes.
Suppression = dict[str, list[tuple[int, int]]]
# The chosen sites, (id, name) each, in the order the tables by site list them (by name).
Sites = Sequence[tuple[int, str]]


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


@dataclass(frozen=True)
class Everywhere:
    """Every active site's referrals to a quarter: what the all-sites Home Office return of the quarter is counted
    from. The return of any other set of sites takes its sites' figures from it (`report.return_tables`)."""

    filters: StatisticsFilters  # every active site, the two years to the quarter (`report.return_filters`)
    sites: Sites
    cases: pd.DataFrame  # the children's referrals (`selectors.children`)
    all_ages: pd.DataFrame
    plans: set[tuple[int, int]]  # `selectors.plans_agreed_at_sitting`


@dataclass
class Release:
    """Every table for one set of filters, with the rules that protected them."""

    tables: list[StatTable] = field(default_factory=list)
    rules: DisclosureRules = DEFAULT_RULES
    cases: pd.DataFrame | None = None  # the children's referrals the tables were counted from (reused by the return)
    all_ages: pd.DataFrame | None = None  # the referrals of every age (the table by age at exploitation's)
    suppression: Suppression | None = None  # the protection the tables share (`shared_suppression`)
    # The Home Office return of the filters' sites and last quarter: its tables of the quarter by site
    # (`last_quarter_by_site`), worked out with the tables' protection, for the return.
    returned: dict[str, StatTable] | None = None
    # Every active site's frames, when the filters choose fewer sites: their return is the all-sites return's rows.
    # None: these frames hold every site's referrals (as `report.build` reads them for every site).
    everywhere: Everywhere | None = None

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


def _referral_columns(referred: pd.DataFrame, by: str) -> tuple[list[str], str, str]:
    """The columns of a table of the `referred` by location of exploitation, exploitation type, gender, county
    lines flag or first responder type; the case frame's column it counts; and the words for it."""
    if by == "location":
        return list(dim.LOCATIONS), "location", "location of exploitation"
    if by == "gender":
        return list(dim.GENDERS), "gender", "gender"
    if by == "county_lines":
        return list(dim.COUNTY_LINES_FLAGS), "county_lines_flag", "county lines flag"
    if by == "responder":
        return list(dim.FIRST_RESPONDER_TYPES), "first_responder_type", "first responder type"
    return _exploitation_columns(referred), "exploitation", "exploitation type"


def _referrals_by_quarter_counts(
    cases: pd.DataFrame, filters: StatisticsFilters, by: str
) -> tuple[list[str], str, list[list[int]]]:
    """The columns, the words for them, and the counts of a referrals-by-quarter table."""
    referred = _in_period(cases, "quarter", filters)
    values, column, name = _referral_columns(referred, by)
    return values, name, crosstab(referred, "quarter", column, [q.code for q in filters.quarters], values)


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
    their totals column with each other and with the age table's child column (`_add_referral_counts`)."""
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
    protected with them (`_add_referral_counts`)."""
    return count_table(
        key=AGE_TABLE,
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
    suppression: Suppression | None = None,
) -> list[StatTable]:
    """The referrals-by-quarter tables of children (`REFERRALS_BY`) and, given the referrals of every age
    (`all_ages`), the referrals by age at exploitation first; with `breakdowns`, the referrals by first responder
    type and exploitation type and by nationality and gender after them.

    They publish some of the same counts (`_add_referral_counts`), so they are protected together: as
    `suppression` says (`shared_suppression`, for every table of the filters), or, without it, among themselves."""
    if suppression is None:
        shared = SharedCounts()
        _add_referral_counts(shared, cases, filters, all_ages=all_ages, breakdowns=breakdowns)
        suppression = shared.suppressed(rules)
    tables = [
        referrals_by_quarter(cases, filters, rules, by=by, suppressed=suppression.get(f"referrals_by_quarter_{by}", ()))
        for by in REFERRALS_BY
    ]
    if all_ages is not None:
        tables.insert(
            0, referrals_by_age_at_exploitation(all_ages, filters, rules, suppressed=suppression.get(AGE_TABLE, ()))
        )
    if breakdowns:
        tables.append(referrals_by_responder(cases, filters, rules, suppressed=suppression.get(RESPONDER_TABLE, ())))
        tables.append(
            referrals_by_nationality(cases, filters, rules, suppressed=suppression.get(NATIONALITY_TABLE, ()))
        )
    return tables


def _exploitation_columns(frame: pd.DataFrame) -> list[str]:
    """The single types always, then each combination that occurs, then not known (the Home Office's order)."""
    singles = ["Sexual", "Labour", "Domestic", "Criminal", "Organ Harvesting", "Other"]
    present = set(frame["exploitation"]) if not frame.empty else set()
    combinations = sorted(label for label in present if " & " in label)
    return [*singles, *combinations, dim.NOT_KNOWN]


OUTCOMES = ["negative", "positive"]


def _with_outcome(decided: pd.DataFrame, stage: str) -> pd.DataFrame:
    """The decisions with their outcome as a column (`result`) to count by."""
    return decided.assign(result=decided[f"{stage}_positive"].map({True: "positive", False: "negative"}))


def _decisions_by_quarter_counts(cases: pd.DataFrame, filters: StatisticsFilters, stage: str) -> list[list[int]]:
    decided = _with_outcome(_in_period(cases, f"{stage}_quarter", filters), stage)
    return crosstab(decided, f"{stage}_quarter", "result", [q.code for q in filters.quarters], OUTCOMES)


def decisions_by_quarter(
    cases: pd.DataFrame,
    filters: StatisticsFilters,
    rules: DisclosureRules,
    *,
    stage: str,
    suppressed: Sequence[tuple[int, int]] = (),
) -> StatTable:
    """Reasonable or conclusive grounds decisions in each quarter, negative and positive (Home Office layout). The
    decisions by site and the pilot's tables publish its totals row again, and the Home Office return's all sites
    its last quarter's row: it is protected with them (`_add_decision_counts`)."""
    words = STAGES[stage]
    return count_table(
        key=f"{stage}_decisions_by_quarter",
        title=f"{words.capitalize()} decisions by quarter",
        label_headers=QUARTER_HEADERS,
        row_labels=_quarter_labels(filters),
        value_headers=[f"Negative {words}", f"Positive {words}"],
        counts=_decisions_by_quarter_counts(cases, filters, stage),
        rules=rules,
        notes=(
            f"Counted in the quarter the panel first made the {words} decision, with the outcome that stands now "
            "(after any correction or reconsideration).",
            CHILDREN_NOTE,
        ),
        chart=f"{stage}_decisions_by_quarter",
        suppressed=suppressed,
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
    (`_add_referral_counts`)."""
    columns, counts = _responder_counts(cases, filters)
    return count_table(
        key=RESPONDER_TABLE,
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
    table by quarter and gender: published beside it, it is protected with it (`_add_referral_counts`)."""
    nationalities, counts = _nationality_counts(cases, filters)
    return count_table(
        key=NATIONALITY_TABLE,
        title="Referrals of children by nationality and gender",
        label_headers=("Nationality",),
        row_labels=[(n,) for n in nationalities],
        value_headers=dim.GENDERS,
        counts=counts,
        rules=rules,
        notes=("The first nationality recorded on the referral.", CHILDREN_NOTE),
        suppressed=suppressed,
    )


DECISION_COLUMNS = [f"{sign} {words}" for words in STAGES.values() for sign in ("Negative", "Positive")]


def _decisions_by_site_counts(cases: pd.DataFrame, filters: StatisticsFilters, sites: Sites) -> list[list[int]]:
    """Decisions made in the period at each site (`DECISION_COLUMNS`)."""
    if not sites:
        return []
    frames = []
    for stage, words in STAGES.items():
        decided = _in_period(cases, f"{stage}_quarter", filters)
        column = decided[f"{stage}_positive"].map({True: f"Positive {words}", False: f"Negative {words}"})
        frames.append(pd.DataFrame({"site_id": decided[f"{stage}_site_id"], "column": column}))
    return crosstab(pd.concat(frames), "site_id", "column", [pk for pk, _ in sites], DECISION_COLUMNS)


def decisions_by_site(
    cases: pd.DataFrame,
    filters: StatisticsFilters,
    rules: DisclosureRules,
    sites: Sites,
    *,
    suppressed: Sequence[tuple[int, int]] = (),
) -> StatTable:
    """Decisions made in the period at each site (the site whose panel made them), by stage and outcome. Its totals
    row is the totals rows of the decisions-by-quarter tables: published beside them, it is protected with them
    (`_add_decision_counts`)."""
    return count_table(
        key=DECISIONS_BY_SITE,
        title="Decisions by site, stage and outcome",
        label_headers=("Site",),
        row_labels=[(name,) for _, name in sites],
        value_headers=DECISION_COLUMNS,
        counts=_decisions_by_site_counts(cases, filters, sites),
        rules=rules,
        total_header="All decisions",
        suppressed=suppressed,
    )


def reasonable_grounds_by_site(
    cases: pd.DataFrame,
    filters: StatisticsFilters,
    rules: DisclosureRules,
    sites: Sites,
    *,
    suppressed: Sequence[tuple[int, int]] = (),
) -> StatTable:
    """Reasonable grounds decisions made in the period at each site, negative and positive. Not published as a
    table: its cells are the decisions by site's, and its row totals (each site's decisions) and positive decisions
    are the consistency table's decisions and observed rate, so it is protected with them (`_add_decision_counts`)
    and the consistency table shows its cells."""
    return count_table(
        key=RG_BY_SITE,
        title="Reasonable grounds decisions by site",
        label_headers=("Site",),
        row_labels=[(name,) for _, name in sites],
        value_headers=DECISION_COLUMNS[: len(OUTCOMES)],
        counts=_site_decision_counts(_in_period(cases, "rg_quarter", filters), sites, "rg") if sites else [],
        rules=rules,
        section="consistency",
        suppressed=suppressed,
    )


def nrm_tables(
    cases: pd.DataFrame,
    filters: StatisticsFilters,
    rules: DisclosureRules,
    sites: Sites,
    *,
    all_ages: pd.DataFrame | None = None,
    reconsiderations: pd.DataFrame | None = None,
    suppression: Suppression | None = None,
) -> list[StatTable]:
    """The NRM tables of the children's referrals (`cases`); given the referrals of every age (`all_ages`), the
    referrals by age at exploitation; given their reconsiderations (`selectors.reconsiderations`), those by
    quarter. `suppression`: the protection they share with every table of the filters (`shared_suppression`);
    without it, worked out without the pilot's tables."""
    if suppression is None:
        suppression = shared_suppression(cases, filters, rules, sites, all_ages=all_ages)
    rg, cg = (
        decisions_by_quarter(
            cases, filters, rules, stage=stage, suppressed=suppression.get(f"{stage}_decisions_by_quarter", ())
        )
        for stage in STAGES
    )
    return [
        *referrals_by_quarter_tables(
            cases, filters, rules, all_ages=all_ages, breakdowns=True, suppression=suppression
        ),
        rg,
        cg,
        times_by_quarter(cases, filters, rules, stage="rg", decisions=rg),
        times_by_quarter(cases, filters, rules, stage="cg", decisions=cg),
        *([reconsiderations_by_quarter(reconsiderations, filters, rules)] if reconsiderations is not None else []),
        decisions_by_site(cases, filters, rules, sites, suppressed=suppression.get(DECISIONS_BY_SITE, ())),
    ]


# --- The last quarter by site: the Home Office return's counts ---------------------------------------------

SITE_REFERRALS_BY = ("gender", "exploitation", "location", "responder")


def _by_site(measure: str) -> str:
    """The key of the table of the last quarter by site of a measure: one of `SITE_REFERRALS_BY`, or a stage."""
    return f"last_quarter_by_site_{measure}"


def _site_referral_counts(
    cases: pd.DataFrame, filters: StatisticsFilters, sites: Sites, by: str, columns: Sequence[str] | None = None
) -> tuple[list[str], str, list[list[int]]]:
    """The columns (the period's table by quarter's, so that all sites is its last quarter's row, or `columns`: the
    all-sites return's), the words for them, and the counts of referrals received in the period's last quarter at
    each site."""
    own, column, name = _referral_columns(_in_period(cases, "quarter", filters), by)
    columns = list(columns) if columns is not None else own
    referred = cases[cases["quarter"] == filters.last.code]
    return columns, name, crosstab(referred, "site_id", column, [pk for pk, _ in sites], columns)


def _site_decision_counts(decided: pd.DataFrame, sites: Sites, stage: str) -> list[list[int]]:
    """The `decided` at each site (where the panel made them), negative and positive."""
    return crosstab(_with_outcome(decided, stage), f"{stage}_site_id", "result", [pk for pk, _ in sites], OUTCOMES)


def _in_last_quarter(cases: pd.DataFrame, filters: StatisticsFilters, stage: str) -> pd.DataFrame:
    return cases[cases[f"{stage}_quarter"] == filters.last.code]


def last_quarter_by_site(
    cases: pd.DataFrame,
    filters: StatisticsFilters,
    rules: DisclosureRules,
    sites: Sites,
    suppression: Suppression,
    *,
    columns: dict[str, list[str]] | None = None,
) -> dict[str, StatTable]:
    """The period's last quarter counted at each chosen site, as the Home Office return reports it: the referrals by
    each of `SITE_REFERRALS_BY`, and the decisions at each stage (`STAGES`) and their times (the stage with
    "_times"), a row per site and all the sites as the totals row.

    Each thing counts at the site where it happened (`selectors.at_sites`), so the sites add up to all of them, and
    the tables are protected with the period's tables (`suppression`, from `shared_suppression`): secondary
    suppression runs across the sites, so that all sites less the other sites (or the quarter's row of a table by
    quarter, which publishes all sites again) does not give back what a site's row hides. `columns`: each referral
    measure's columns as the all-sites return has them (`return_columns`), for the return of fewer sites."""
    labels = [(name,) for _, name in sites]
    quarter = filters.last.label
    tables: dict[str, StatTable] = {}
    for by in SITE_REFERRALS_BY:
        values, name, counts = _site_referral_counts(cases, filters, sites, by, (columns or {}).get(by))
        tables[by] = count_table(
            key=_by_site(by),
            title=f"Referrals of children in {quarter} by site and {name}",
            label_headers=("Site",),
            row_labels=labels,
            value_headers=values,
            counts=counts,
            rules=rules,
            section="return",
            suppressed=suppression.get(_by_site(by), ()),
        )
    for stage, words in STAGES.items():
        decisions = count_table(
            key=_by_site(stage),
            title=f"{words.capitalize()} decisions in {quarter} by site",
            label_headers=("Site",),
            row_labels=labels,
            value_headers=[f"Negative {words}", f"Positive {words}"],
            counts=_site_decision_counts(_in_last_quarter(cases, filters, stage), sites, stage),
            rules=rules,
            section="return",
            suppressed=suppression.get(_by_site(stage), ()),
        )
        tables[stage] = decisions
        tables[f"{stage}_times"] = _times_by_site(cases, filters, rules, sites, stage, decisions)
    return tables


def _times_by_site(
    cases: pd.DataFrame,
    filters: StatisticsFilters,
    rules: DisclosureRules,
    sites: Sites,
    stage: str,
    decisions: StatTable,
) -> StatTable:
    """Days from referral to the decision for decisions made in the last quarter at each site and at all of them.
    The count of decisions is the decisions table's total column, as protected there (as `times_by_quarter`)."""
    decided = _in_last_quarter(cases, filters, stage)
    at = decided[f"{stage}_site_id"]
    # Each site's decisions, then all of them (the totals row): `isin`, as the site is missing where not chosen.
    days = [decided.loc[at.isin([pk]), f"{stage}_days"] for pk, _ in sites]
    days.append(decided.loc[at.isin([pk for pk, _ in sites]), f"{stage}_days"])
    rows = (
        tuple(
            StatRow(row.labels, (row.cells[-1], *_summary_cells(times, rules)), total=row.total)
            for row, times in zip(decisions.rows, days, strict=True)
        )
        if decisions.rows
        else ()
    )
    return StatTable(
        key=f"{_by_site(stage)}_times",
        title=f"Days from referral to the {STAGES[stage]} decision in {filters.last.label} by site",
        label_headers=("Site",),
        value_headers=TIME_HEADERS,
        rows=rows,
        section="return",
    )


# --- Counts published in more than one table -----------------------------------------------------------------

AGE_TABLE = "referrals_by_quarter_age_at_exploitation"
RESPONDER_TABLE = "referrals_by_first_responder"
NATIONALITY_TABLE = "referrals_by_nationality"
DECISIONS_BY_SITE = "decisions_by_site"
RG_BY_SITE = "rg_decisions_by_site"  # `reasonable_grounds_by_site`: the consistency table's counts
PLANS_TABLE = "pilot_plans_at_sitting"  # `pilot.plans_at_sitting`


def plans_key(group: int) -> str:
    """The key of one group's counts (all decisions, positive ones) of the pilot's plans table."""
    return f"{PLANS_TABLE}:{group}"


# Not a table: the table by nationality's rows that the equality monitoring puts together, with them as its total.
OTHER_NATIONALITIES_KEY = "referrals_by_nationality:other nationalities"
CellRef = tuple[str, int, int]  # table key, row, column of the table with its totals


class SharedCounts:
    """The count tables of one set of filters, and the cells of them that publish the same count.

    Protected one at a time, one table's secondary suppression can hide a count another table publishes, and the
    published copy gives back what that suppression was there to cover (its line's total less the line's other
    published figures). `suppressed` protects them together (`kit.disclosure.suppressed_together`): each shared
    count is suppressed in every table that shows it or in none."""

    def __init__(self) -> None:
        self.tables: dict[str, list[list[int]]] = {}
        self.pairs: list[tuple[CellRef, CellRef]] = []
        # Cells whose counts the Home Office return, protected already, hides and shows (`fix`).
        self.hidden: dict[str, set[tuple[int, int]]] = {}
        self.shown: dict[str, set[tuple[int, int]]] = {}

    def add(self, key: str, counts: list[list[int]]) -> None:
        self.tables[key] = counts

    def same(self, first: CellRef, second: CellRef) -> None:
        """Two cells (row `len(counts)` is a table's totals row, column `len(counts[0])` its totals column) that
        publish one count. Joined only where both tables have rows and the two hold the same count: a table that
        leaves some cases out (a first responder type not recorded, a decision without an outcome) publishes
        another count."""
        count = self._count(first)
        if count is not None and count == self._count(second):
            self.pairs.append((first, second))

    def _count(self, cell: CellRef) -> int | None:
        key, i, j = cell
        rows = self.tables.get(key)
        if not rows or not rows[0]:
            return None
        if not (0 <= i <= len(rows) and 0 <= j <= len(rows[0])):
            raise ValueError(f"No cell ({i}, {j}) in {key} with its totals.")
        if i < len(rows):
            return rows[i][j] if j < len(rows[i]) else sum(rows[i])
        return sum(row[j] for row in rows) if j < len(rows[0]) else sum(map(sum, rows))

    def fix(self, key: str, hidden: set[tuple[int, int]], shown: set[tuple[int, int]]) -> None:
        """Cells of a table whose counts a publication fixed already hides (`hidden`) or shows (`shown`): hidden
        here too, and the shown ones never hidden here to cover another figure, since a reader has them."""
        self.hidden.setdefault(key, set()).update(hidden)
        self.shown.setdefault(key, set()).update(shown)

    def suppressed(self, rules: DisclosureRules) -> Suppression:
        """The cells each table must suppress, by table key (`protect_table(..., suppressed=...)`)."""
        keys = list(self.tables)
        index = {key: n for n, key in enumerate(keys)}
        groups = [[(index[key], i, j) for key, i, j in pair] for pair in self.pairs]
        tables = [self.tables[key] for key in keys]
        if not self.hidden and not self.shown:
            forced = suppressed_together(tables, groups, rules)
        else:
            forced = suppressed_together(
                tables,
                groups,
                rules,
                forced=[self.hidden.get(key, set()) for key in keys],
                published=[self.shown.get(key, set()) for key in keys],
            )
        return dict(zip(keys, forced, strict=True))


@dataclass(frozen=True)
class Returned:
    """The Home Office return of the tables' sites and last quarter, protected already (`report.return_tables`: the
    all-sites return, protected with the tables of the two years to the quarter, or its rows for fewer sites,
    whatever the tables' own period): its tables of the quarter by site (`last_quarter_by_site`), whose columns
    (the exploitation types it lists) the tables by site are counted with."""

    tables: dict[str, StatTable]

    @property
    def columns(self) -> dict[str, list[str]]:
        return return_columns(self.tables)


def return_columns(tables: dict[str, StatTable]) -> dict[str, list[str]]:
    """Each referral measure's columns in a return's tables of the quarter by site, without the totals column."""
    return {by: list(tables[by].value_keys[:-1]) for by in SITE_REFERRALS_BY}


def part_suppression(whole: dict[str, StatTable], whole_sites: Sites, sites: Sites) -> Suppression:
    """The cells each table of the last quarter by site of `sites`, some of `whole_sites`, suppresses as a part of
    the all-sites return's tables (`whole`, `last_quarter_by_site`): `part_cells` of each."""
    measures = (*SITE_REFERRALS_BY, *STAGES)
    return {_by_site(measure): part_cells(whole[measure], whole_sites, sites) for measure in measures}


def part_cells(whole: StatTable, whole_sites: Sites, sites: Sites) -> list[tuple[int, int]]:
    """The cells to suppress in a table of the last quarter by site of `sites`, some of `whole_sites` (the all-sites
    return's table, `whole`): each site's row as the whole has it, and in the totals row (those sites together) every
    column where one of their figures is suppressed.

    So the part shows nothing the whole does not: its sites' figures are the whole's, and its total only the sum of
    figures the whole shows. A part protected on its own hid other cells than the whole, and the two together gave a
    hidden count back (the whole's total less the part's figure). Every line of the part then holds no suppressed
    figure or at least two: each site's row holds two or none in the whole, in different columns, so the totals row
    hides two or none too, and a column that hides a site's figure hides the total with it."""
    row_of = {pk: i for i, (pk, _) in enumerate(whole_sites)}
    hidden = {
        (i, j)
        for i, (pk, _) in enumerate(sites)
        for j, cell in enumerate(whole.rows[row_of[pk]].cells)
        if cell.suppressed
    }
    return sorted(hidden | {(len(sites), j) for _, j in hidden})


def shared_suppression(
    cases: pd.DataFrame,
    filters: StatisticsFilters,
    rules: DisclosureRules,
    sites: Sites,
    *,
    all_ages: pd.DataFrame | None = None,
    plans: list[list[int]] | None = None,
    returned: Returned | None = None,
) -> Suppression:
    """The cells each count table of `filters` suppresses because another table publishes the same count: the NRM
    tables, the last quarter by site (the Home Office return's, `last_quarter_by_site`), the equality monitoring's
    counts, the consistency table's, and, given its counts (`pilot.plan_counts`), the pilot's table of plans agreed
    at the sitting. The pages, their downloads, the release and the return all take their protection from here, so
    a count they share is shown alike wherever it appears.

    `returned`: the return of the last quarter, protected already with the tables of its own period. Its cells are
    fixed: what it hides is hidden in these tables too, and what it shows (or a table's line gives back from it) is
    never hidden here to cover another figure, since a reader has it from the return (`SharedCounts.fix`)."""
    shared = SharedCounts()
    _add_referral_counts(shared, cases, filters, all_ages=all_ages, breakdowns=True, sites=sites, returned=returned)
    _add_decision_counts(shared, cases, filters, sites=sites, plans=plans)
    _add_disproportionality_counts(shared, cases, filters)
    if returned is not None:
        _fix_returned(shared, returned)
    return shared.suppressed(rules)


def _fix_returned(shared: SharedCounts, returned: Returned) -> None:
    """The return's cells, as it hides and shows them, in the tables of the last quarter by site (counted with the
    return's columns, `_add_referral_counts`)."""
    for measure in (*SITE_REFERRALS_BY, *STAGES):
        key, table = _by_site(measure), returned.tables[measure]
        if not shared.tables.get(key) or not table.rows:
            continue
        cells = [(i, j, cell) for i, row in enumerate(table.rows) for j, cell in enumerate(row.cells)]
        shared.fix(
            key, {(i, j) for i, j, cell in cells if cell.suppressed}, {(i, j) for i, j, c in cells if not c.suppressed}
        )


def _add_referral_counts(
    shared: SharedCounts,
    cases: pd.DataFrame,
    filters: StatisticsFilters,
    *,
    all_ages: pd.DataFrame | None,
    breakdowns: bool,
    sites: Sites = (),
    returned: Returned | None = None,
) -> None:
    """The referral counts, and which of them more than one table publishes.

    Each quarter's referrals of children, and the period's, are the totals column of every table by quarter and the
    age table's child column. The totals row of the table by quarter and exploitation type (each type's referrals
    in the period) is the totals row of the table by first responder type, and that of the table by quarter and
    gender the totals row of the table by nationality. Each site's referrals in the last quarter are the totals
    column of every table of the last quarter by site, whose totals row (all sites) is that quarter's row of the
    tables by quarter and, when the period is that quarter, the responder table's totals column. Given the return
    (`returned`), the tables by site have its columns (its period's exploitation types), each joined to the column of
    the same name."""
    quarters = len(filters.quarters)
    width: dict[str, int] = {}  # each table's totals column
    columns_of: dict[str, list[str]] = {}
    for by in REFERRALS_BY:
        columns, _, counts = _referrals_by_quarter_counts(cases, filters, by)
        shared.add(f"referrals_by_quarter_{by}", counts)
        width[f"referrals_by_quarter_{by}"] = len(columns)
        columns_of[f"referrals_by_quarter_{by}"] = columns
    if all_ages is not None:
        shared.add(AGE_TABLE, _age_at_exploitation_counts(all_ages, filters))
    location = "referrals_by_quarter_location"
    for i in range(quarters + 1):
        children = (location, i, width[location])
        for by in REFERRALS_BY[1:]:
            shared.same(children, (f"referrals_by_quarter_{by}", i, width[f"referrals_by_quarter_{by}"]))
        shared.same(children, (AGE_TABLE, i, 0))
    if breakdowns:
        columns, counts = _responder_counts(cases, filters)
        shared.add(RESPONDER_TABLE, counts)
        width[RESPONDER_TABLE] = len(columns)
        shared.add(NATIONALITY_TABLE, _nationality_counts(cases, filters)[1])
        for breakdown, by_quarter in (
            (RESPONDER_TABLE, "referrals_by_quarter_exploitation"),
            (NATIONALITY_TABLE, "referrals_by_quarter_gender"),
        ):
            totals_row = len(shared.tables[breakdown])
            for j in range(width[by_quarter] + 1):
                shared.same((by_quarter, quarters, j), (breakdown, totals_row, j))
    if not sites or not quarters:
        return
    listed = returned.columns if returned is not None else {}
    for by in SITE_REFERRALS_BY:
        columns, _, counts = _site_referral_counts(cases, filters, sites, by, listed.get(by))
        shared.add(_by_site(by), counts)
        width[_by_site(by)] = len(columns)
        columns_of[_by_site(by)] = columns
    if returned is None:
        # A page of a site (or of all of them) for one quarter lists only the combinations of types it had then
        # (`_exploitation_columns`): its reader knows each combination a site had none of, so none of those zeros
        # covers another figure here. (A zero hidden as a cover would also leave a part's total, `part_suppression`,
        # hiding a figure its own tables by quarter do not list.)
        exploitation = _by_site("exploitation")
        counts = shared.tables[exploitation]
        rows = [*counts, [sum(column) for column in zip(*counts, strict=True)]]
        combined = [j for j, name in enumerate(columns_of[exploitation]) if " & " in name]
        shared.fix(exploitation, set(), {(i, j) for i, row in enumerate(rows) for j in combined if row[j] == 0})
    gender = _by_site("gender")
    for s in range(len(sites) + 1):
        for by in SITE_REFERRALS_BY[1:]:
            shared.same((gender, s, width[gender]), (_by_site(by), s, width[_by_site(by)]))
    all_sites = len(sites)
    for by in ("gender", "exploitation", "location"):
        by_site, by_quarter = _by_site(by), f"referrals_by_quarter_{by}"
        named = {name: j for j, name in enumerate(columns_of[by_quarter])}
        for j, name in enumerate([*columns_of[by_site], None]):  # None: the totals column
            if name is None or name in named:
                shared.same((by_site, all_sites, j), (by_quarter, quarters - 1, named.get(name, width[by_quarter])))
        if returned is not None:
            # A type the return does not list had no referrals in its period, so none in the quarter: known.
            unlisted = {(quarters - 1, j) for name, j in named.items() if name not in columns_of[by_site]}
            shared.fix(by_quarter, set(), unlisted)
    if breakdowns and quarters == 1:
        for r in range(len(dim.FIRST_RESPONDER_TYPES)):
            shared.same((_by_site("responder"), all_sites, r), (RESPONDER_TABLE, r, width[RESPONDER_TABLE]))


def _add_decision_counts(
    shared: SharedCounts,
    cases: pd.DataFrame,
    filters: StatisticsFilters,
    *,
    sites: Sites,
    plans: list[list[int]] | None,
) -> None:
    """The decision counts, and which of them more than one table publishes.

    The totals row of the decisions by site is the totals rows of the decisions by quarter at both stages (each
    outcome's decisions in the period). The consistency table publishes each site's reasonable grounds decisions and
    positive ones (`reasonable_grounds_by_site`: the decisions by site's cells, with the sites' totals). All sites in
    the last quarter by site is that quarter's row of the decisions by quarter, and, when the period is that
    quarter, each site's row is its row in the decisions by site. The pilot's plans table (`plans`: all and positive
    reasonable grounds decisions, with and without a plan agreed at the sitting) publishes the period's reasonable
    grounds decisions and positive ones as its row totals. Its rows overlap (the positive decisions are some of all
    of them), so nothing adds them up: each is a table of its own."""
    quarters = len(filters.quarters)
    for stage in STAGES:
        shared.add(f"{stage}_decisions_by_quarter", _decisions_by_quarter_counts(cases, filters, stage))
    if plans is not None:
        for group, (counts, outcome) in enumerate(zip(plans, (len(OUTCOMES), 1), strict=True)):  # all, positive
            shared.add(plans_key(group), [counts])
            shared.same((plans_key(group), 0, len(counts)), ("rg_decisions_by_quarter", quarters, outcome))
    if not sites:
        return
    shared.add(DECISIONS_BY_SITE, _decisions_by_site_counts(cases, filters, sites))
    for j, (stage, outcome) in enumerate((stage, outcome) for stage in STAGES for outcome in range(len(OUTCOMES))):
        shared.same((DECISIONS_BY_SITE, len(sites), j), (f"{stage}_decisions_by_quarter", quarters, outcome))
    shared.add(RG_BY_SITE, _site_decision_counts(_in_period(cases, "rg_quarter", filters), sites, "rg"))
    for s in range(len(sites) + 1):
        for outcome in range(len(OUTCOMES)):
            shared.same((RG_BY_SITE, s, outcome), (DECISIONS_BY_SITE, s, outcome))
    shared.same((RG_BY_SITE, len(sites), len(OUTCOMES)), ("rg_decisions_by_quarter", quarters, len(OUTCOMES)))
    if not quarters:
        return
    for offset, stage in enumerate(STAGES):
        key = _by_site(stage)
        shared.add(key, _site_decision_counts(_in_last_quarter(cases, filters, stage), sites, stage))
        for j in range(len(OUTCOMES) + 1):
            shared.same((key, len(sites), j), (f"{stage}_decisions_by_quarter", quarters - 1, j))
        if quarters == 1:  # the period is the quarter: each site's decisions in it are the period's
            for s in range(len(sites) + 1):
                for outcome in range(len(OUTCOMES)):
                    shared.same((key, s, outcome), (DECISIONS_BY_SITE, s, len(OUTCOMES) * offset + outcome))
                if stage == "rg":
                    shared.same((key, s, len(OUTCOMES)), (RG_BY_SITE, s, len(OUTCOMES)))


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
    bases: pd.Series  # per group: out of how many (a share: empty, out of all the groups together)
    share: bool = False


SHARE_OF_REFERRALS = "Share of referrals"
OTHER_NATIONALITIES = "Other nationalities"


def _disproportionality_key(by: str, measure: str) -> str:
    """The key of one measure's counts (groups by had it and did not) in the table by `by`."""
    return f"disproportionality_by_{by}:{measure}"


def _counted_measures(
    cases: pd.DataFrame, filters: StatisticsFilters, by: str
) -> tuple[list[str], Callable[[pd.Series], pd.Series], list[Measure]]:
    """The groups of the table by `by`, the group of each value, and the measures counted from the case frame
    alone: the share of referrals and the positive decision rates at both stages."""
    column, _, known = DISPROPORTIONALITY_DIMENSIONS[by]
    referred = _in_period(cases, "quarter", filters)
    rg = _in_period(cases, "rg_quarter", filters)
    cg = _in_period(cases, "cg_quarter", filters)
    if known is None:
        # Nationalities: the five most referred, the rest together (each alone would be suppressed).
        top = list(referred[column].value_counts().index[:5]) if not referred.empty else []
        top = [n for n in top if n != dim.NOT_KNOWN]
        groups = [*top, OTHER_NATIONALITIES, dim.NOT_KNOWN]

        def group_of(values: pd.Series) -> pd.Series:
            return values.where(values.isin(top) | (values == dim.NOT_KNOWN), OTHER_NATIONALITIES)
    else:
        groups = list(known)

        def group_of(values: pd.Series) -> pd.Series:
            return values

    measures = [
        Measure(SHARE_OF_REFERRALS, group_of(referred[column]).value_counts(), pd.Series(dtype="int64"), share=True),
        _rate_measure("Positive reasonable grounds", group_of(rg[column]), rg["rg_positive"]),
        _rate_measure("Positive conclusive grounds", group_of(cg[column]), cg["cg_positive"]),
    ]
    return groups, group_of, measures


def disproportionality_table(
    cases: pd.DataFrame,
    filters: StatisticsFilters,
    rules: DisclosureRules,
    reviewed: pd.DataFrame,
    *,
    by: str,
    suppression: Suppression | None = None,
) -> StatTable:
    """Referral share, positive decision rates and outcome rates for each group, with Wilson 95% intervals.

    `reviewed` holds, per child, whether any recorded outcome review reports going missing or further
    exploitation (known or suspected). Counts in each measure are protected as a table of groups by "had it"
    and "did not" (so the denominators are its row totals); a rate and its interval are worked out from those
    protected counts (protect_published_rate), and shown only where neither was suppressed. The share of referrals
    and the decision rates count what the NRM tables count too: `suppression` (`shared_suppression`) protects them
    with those tables; without it, each measure is protected on its own.
    """
    column, heading, _ = DISPROPORTIONALITY_DIMENSIONS[by]
    groups, group_of, measures = _counted_measures(cases, filters, by)
    rg = _in_period(cases, "rg_quarter", filters)
    children = rg.sort_values("rg_on").drop_duplicates("child_id")
    children = children.merge(reviewed, on="child_id", how="inner")
    measures += [
        _rate_measure("Went missing after the decision", group_of(children[column]), children["missing"]),
        _rate_measure("Further exploitation after the decision", group_of(children[column]), children["exploited"]),
    ]
    rows: list[StatRow] = []
    for measure in measures:
        suppressed = (suppression or {}).get(_disproportionality_key(by, measure.name), ())
        rows.extend(_measure_rows(measure, groups, rules, suppressed))
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


def _measure_counts(measure: Measure, groups: list[str]) -> list[list[int]]:
    """The counts a measure is protected as: each group's hits, and for a rate, those without (its base less)."""
    hits = [int(measure.hits.get(g, 0)) for g in groups]
    if measure.share:  # a share of the whole: one column of counts, the total is the base
        return [[h] for h in hits]
    return [[h, int(measure.bases.get(g, 0)) - h] for g, h in zip(groups, hits, strict=True)]


def _measure_rows(
    measure: Measure, groups: list[str], rules: DisclosureRules, suppressed: Sequence[tuple[int, int]] = ()
) -> list[StatRow]:
    counts = _measure_counts(measure, groups)
    protected = protect_table(counts, rules, suppressed=suppressed)
    hits = [row[0] for row in counts]
    if measure.share:
        assert protected.column_totals is not None
        base_cell = protected.column_totals[0]
        total = sum(hits)
        pairs = [(row[0], base_cell, h, total) for row, h in zip(protected.cells, hits, strict=True)]
    else:
        assert protected.row_totals is not None
        bases = [sum(row) for row in counts]
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
    cases: pd.DataFrame,
    filters: StatisticsFilters,
    rules: DisclosureRules,
    reviewed: pd.DataFrame,
    *,
    suppression: Suppression,
) -> list[StatTable]:
    """The equality monitoring tables, protected with the NRM tables (`suppression`, `shared_suppression`)."""
    return [
        disproportionality_table(cases, filters, rules, reviewed, by=by, suppression=suppression)
        for by in DISPROPORTIONALITY_DIMENSIONS
    ]


def _add_disproportionality_counts(shared: SharedCounts, cases: pd.DataFrame, filters: StatisticsFilters) -> None:
    """The equality monitoring's counts that the NRM tables publish too. The share of referrals has the period's
    referrals of children as its total, and by gender (by nationality) each group's referrals, the totals row of the
    table by quarter and gender (a row total of the table by nationality); other nationalities are the sum of the
    table by nationality's other rows, a column of counts with them as its total (`OTHER_NATIONALITIES_KEY`). The
    positive decision rates count each stage's decisions, positive and not, whose totals (not shown, but protected
    against) are the totals row of the decisions by quarter."""
    quarters = len(filters.quarters)
    nationalities, by_nationality = _nationality_counts(cases, filters)
    for by in DISPROPORTIONALITY_DIMENSIONS:
        groups, _, measures = _counted_measures(cases, filters, by)
        for measure in measures:
            shared.add(_disproportionality_key(by, measure.name), _measure_counts(measure, groups))
        share = _disproportionality_key(by, SHARE_OF_REFERRALS)
        shared.same((share, len(groups), 0), ("referrals_by_quarter_location", quarters, len(dim.LOCATIONS)))
        for i, group in enumerate(groups):
            if by == "gender":
                shared.same((share, i, 0), ("referrals_by_quarter_gender", quarters, dim.GENDERS.index(group)))
            elif by == "nationality" and group in nationalities:
                shared.same((share, i, 0), (NATIONALITY_TABLE, nationalities.index(group), len(dim.GENDERS)))
        if by == "nationality":
            others = [r for r, nationality in enumerate(nationalities) if nationality not in groups]
            shared.add(OTHER_NATIONALITIES_KEY, [[sum(by_nationality[r])] for r in others])
            for i, r in enumerate(others):
                shared.same((OTHER_NATIONALITIES_KEY, i, 0), (NATIONALITY_TABLE, r, len(dim.GENDERS)))
            other = (share, groups.index(OTHER_NATIONALITIES), 0)
            shared.same((OTHER_NATIONALITIES_KEY, len(others), 0), other)
        for measure, stage in zip(measures[1:], STAGES, strict=True):
            key = _disproportionality_key(by, measure.name)
            # Had it (positive), did not (negative), and all: the decisions by quarter's negative, positive, all.
            for column, outcome in ((0, 1), (1, 0), (2, 2)):
                shared.same((key, len(groups), column), (f"{stage}_decisions_by_quarter", quarters, outcome))
