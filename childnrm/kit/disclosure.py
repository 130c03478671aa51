"""ONS-style statistical disclosure control for every published table, chart and download (issue 10).

Small counts could identify a child, so every figure the statistics pages, downloads and the quarterly
release show passes through here:

- primary suppression: a count from 1 to `threshold - 1` is shown as "[c]" (ONS: confidential);
- secondary suppression: no row or column total may let a suppressed cell be worked out by subtraction,
  so every line (a row or column with its total) holds either no suppressed figure or at least two;
- tables that publish the same counts (a totals line in common) suppress each of them alike, in both
  directions (`suppressed_together`), so that no table's published copy gives back what another hid; beside a
  publication fixed already, they suppress what it suppressed and never hide a figure it shows (nor one a line
  gives back from those) to cover another, since a reader has it (`suppressed_together(..., forced=, published=)`);
- rounding: every shown count is rounded to the nearest `rounding` (totals from the true values);
- rates only where the denominator is at least `min_denominator` ("[low]" otherwise), and not where the
  numerator, or what it leaves out of the denominator, is itself a small count (the rate and its
  denominator would give the count back); a rate beside published counts is worked out from the published
  (rounded) counts, and withheld where either is suppressed (`protect_published_rate`), since a rate of the
  true counts would undo the rounding.

Zero is shown as 0: knowing that nobody is in a group identifies nobody. The kit is the bottom layer and
imports no other part of the service.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

CONFIDENTIAL = "[c]"  # ONS marker: suppressed to protect confidentiality
LOW_BASE = "[low]"  # a rate or average from too few cases to show
NOT_AVAILABLE = "[x]"  # ONS marker: not available (no cases, nothing to measure)


@dataclass(frozen=True)
class DisclosureRules:
    """The rules of one release: ONS defaults, configurable per release."""

    threshold: int = 5  # counts 1..threshold-1 are suppressed
    rounding: int = 5  # shown counts are rounded to the nearest `rounding` (1: no rounding)
    min_denominator: int = 10  # rates (and averages) only where the base is at least this
    # A rate is withheld when the count it leaves out (denominator - numerator) is small too: 18 of 20 with
    # the denominator shown gives the 2 back.
    protect_rate_complement: bool = True

    def __post_init__(self) -> None:
        if self.threshold < 0 or self.rounding < 1 or self.min_denominator < 0:
            raise ValueError("Disclosure rules need threshold >= 0, rounding >= 1 and min_denominator >= 0.")

    def is_small(self, n: int) -> bool:
        """A count that may not be shown (zero may)."""
        return 0 < n < self.threshold

    def describe(self) -> str:
        """The rules in plain words, for a methodology note or a page footnote."""
        parts = []
        if self.threshold > 1:
            parts.append(
                f"counts from 1 to {self.threshold - 1} are suppressed and shown as {CONFIDENTIAL}, with further "
                f"cells suppressed where a total would let a suppressed count be worked out"
            )
        if self.rounding > 1:
            parts.append(f"all other counts, totals included, are rounded to the nearest {self.rounding}")
        parts.append(
            f"rates, averages and times are shown only where they are based on at least {self.min_denominator} "
            f"cases ({LOW_BASE} otherwise), and a rate is not shown where it would give back a suppressed count"
        )
        text = "; ".join(parts)
        return text[0].upper() + text[1:] + "."


DEFAULT_RULES = DisclosureRules()


@dataclass(frozen=True)
class Cell:
    """One protected figure: the value to show (None when withheld), whether it was suppressed, and why."""

    value: int | float | None
    suppressed: bool = False
    note: str = ""
    places: int = 1  # decimal places a non-whole value is shown to

    def __str__(self) -> str:
        if self.suppressed:
            return self.note or CONFIDENTIAL
        if self.value is None:
            return self.note or NOT_AVAILABLE
        if isinstance(self.value, float):
            return f"{self.value:,.{self.places}f}"
        return f"{self.value:,}"

    @property
    def export(self) -> int | float | str:
        """The value for a spreadsheet: the number itself, or the marker text where nothing is shown."""
        if self.suppressed or self.value is None:
            return str(self)
        return self.value


def round_count(n: int, rules: DisclosureRules = DEFAULT_RULES) -> int:
    """`n` rounded half up to the nearest `rules.rounding`; a count above zero never rounds to zero."""
    if rules.rounding <= 1 or n == 0:
        return n
    rounded = math.floor(n / rules.rounding + 0.5) * rules.rounding
    return rounded if rounded > 0 else rules.rounding


def _check_count(n: int) -> None:
    if isinstance(n, bool) or not isinstance(n, int) or n < 0:
        raise ValueError(f"A count must be a whole number of at least 0, not {n!r}.")


def protect_count(n: int | None, rules: DisclosureRules = DEFAULT_RULES) -> Cell:
    """One count on its own: suppressed when small, otherwise rounded."""
    if n is None:
        return Cell(None, False, NOT_AVAILABLE)
    _check_count(n)
    if rules.is_small(n):
        return Cell(None, True, CONFIDENTIAL)
    return Cell(round_count(n, rules), False, "")


def _withheld_rate(numerator: int, denominator: int, rules: DisclosureRules) -> Cell | None:
    """The marker a rate of these true counts is withheld with, or None when it may be shown."""
    _check_count(numerator)
    _check_count(denominator)
    if numerator > denominator:
        raise ValueError("A rate's numerator cannot exceed its denominator.")
    if denominator == 0:
        return Cell(None, False, NOT_AVAILABLE)
    if denominator < rules.min_denominator:
        return Cell(None, True, LOW_BASE)
    if rules.is_small(numerator) or (rules.protect_rate_complement and rules.is_small(denominator - numerator)):
        return Cell(None, True, CONFIDENTIAL)
    return None


def protect_rate(numerator: int, denominator: int, rules: DisclosureRules = DEFAULT_RULES) -> Cell:
    """`numerator` as a percentage of `denominator` (1 dp), computed from the true counts.

    Withheld ("[low]") when the denominator is below `min_denominator`, and ("[c]") when the numerator (or,
    by default, the rest of the denominator) is a small count: the rate and the (rounded) denominator would
    otherwise give that count back.

    A rate of the true counts undoes rounding: shown beside rounded counts (here, or in another period or
    filtered view of the same table) it gives the true counts back (52.2% of a rounded 25 can only be 12 of
    23). Wherever its numerator or denominator is published as a rounded count, use `protect_published_rate`.
    """
    withheld = _withheld_rate(numerator, denominator, rules)
    if withheld is not None:
        return withheld
    return Cell(round(100.0 * numerator / denominator, 1), False, "")


def protect_published_rate(
    numerator: int,
    denominator: int,
    rules: DisclosureRules = DEFAULT_RULES,
    *,
    shown_numerator: Cell | None = None,
    shown_denominator: Cell | None = None,
) -> Cell:
    """`numerator` as a percentage of `denominator` (1 dp), computed from the published figures (ONS / GSS
    practice: a rate of rounded counts is worked out from the rounded counts, so it says no more than they do).

    The published figures are `shown_numerator` and `shown_denominator` as a table shows them (after secondary
    suppression), or each count protected on its own when not given. The rate is withheld as `protect_rate`
    withholds it (a base below `min_denominator` of true cases: "[low]"; a small numerator or complement:
    "[c]"), and also whenever either published figure is suppressed. Any interval shown with the rate must be
    worked out from the same published figures (`published_counts`).
    """
    withheld = _withheld_rate(numerator, denominator, rules)
    if withheld is not None:
        return withheld
    top = shown_numerator if shown_numerator is not None else protect_count(numerator, rules)
    bottom = shown_denominator if shown_denominator is not None else protect_count(denominator, rules)
    if top.suppressed or bottom.suppressed:
        return Cell(None, True, top.note if top.suppressed else bottom.note)
    if not isinstance(top.value, int) or not isinstance(bottom.value, int) or bottom.value == 0:
        return Cell(None, False, NOT_AVAILABLE)
    if top.value > bottom.value:  # cannot happen with counts rounded alike; never show more than 100%
        raise ValueError("A published rate's numerator cannot exceed its denominator.")
    return Cell(round(100.0 * top.value / bottom.value, 1), False, "")


def published_counts(numerator: Cell, denominator: Cell) -> tuple[int, int] | None:
    """The published whole counts a rate (and its interval) may be worked out from, or None if either is withheld."""
    if numerator.suppressed or denominator.suppressed:
        return None
    if not isinstance(numerator.value, int) or not isinstance(denominator.value, int) or denominator.value == 0:
        return None
    return numerator.value, denominator.value


def protect_measure(value: float | None, base: int, rules: DisclosureRules = DEFAULT_RULES, *, places: int = 1) -> Cell:
    """An average, median or quartile of `base` cases: shown (to `places` dp) only where the base is large enough.

    A median of three children's waits is one child's wait, so the same minimum base as rates applies.
    """
    _check_count(base)
    if base == 0 or value is None:
        return Cell(None, False, NOT_AVAILABLE)
    if base < max(rules.min_denominator, rules.threshold):
        return Cell(None, True, LOW_BASE)
    return Cell(round(float(value), places), False, "", places)


@dataclass(frozen=True)
class ProtectedTable:
    """A table of counts after suppression and rounding, with its totals (computed from the true counts).

    `cells[i][j]` is body cell (i, j); `row_totals[i]`, `column_totals[j]` and `grand_total` are None when
    the table was protected without totals.
    """

    cells: list[list[Cell]]
    row_totals: list[Cell] | None = None
    column_totals: list[Cell] | None = None
    grand_total: Cell | None = None
    rules: DisclosureRules = field(default=DEFAULT_RULES)

    def rows_with_totals(self) -> list[list[Cell]]:
        """Body rows each followed by its total, then the totals row: the table as it is shown."""
        rows = [
            [*row, self.row_totals[i]] if self.row_totals is not None else list(row) for i, row in enumerate(self.cells)
        ]
        if self.column_totals is not None and self.grand_total is not None:
            rows.append([*self.column_totals, self.grand_total])
        return rows

    @property
    def suppressed_count(self) -> int:
        return sum(cell.suppressed for row in self.rows_with_totals() for cell in row)


Pos = tuple[int, int]  # (row, column) of a table extended with its totals (last row and column)


def _lines(n_rows: int, n_cols: int) -> list[list[Pos]]:
    """Every line of a table of `n_rows` by `n_cols` extended with its totals: each row with its total, each column
    with its total, the column of row totals with the grand total and the row of column totals with it. Each adds
    up, so a line whose figures are all known but one gives that one back."""
    lines = [[(i, j) for j in range(n_cols + 1)] for i in range(n_rows + 1)]
    return lines + [[(i, j) for i in range(n_rows + 1)] for j in range(n_cols + 1)]


def _given_back(lines: Sequence[Sequence[Pos]], known: Iterable[Pos]) -> set[Pos]:
    """The cells a reader knows from `known` (published elsewhere) and, line by line, those they give back."""
    cells = set(known)
    changed = True
    while changed:
        changed = False
        for line in lines:
            unknown = [pos for pos in line if pos not in cells]
            if len(unknown) == 1:
                cells.add(unknown[0])
                changed = True
    return cells


def _suppression_pattern(
    rows: Sequence[Sequence[int]],
    rules: DisclosureRules,
    also: Iterable[Pos] = (),
    published: Iterable[Pos] = (),
) -> list[list[bool]]:
    """Which cells of the table extended with its totals (last row and column) to suppress.

    Every line of the extended table (a body row with its row total, a column with its column total, the
    column of row totals with the grand total, and the row of column totals with the grand total) adds
    up, so one suppressed figure alone in a line could be worked out by subtraction. While some line
    holds exactly one, the smallest other figure in it is suppressed too (a non-zero one first: a
    suppressed zero protects as well but reads oddly), until no line holds exactly one. `also`: cells
    (of the extended table) to suppress from the start, as another table suppressed the same counts.

    `published`: cells whose counts another publication shows, fixed there. A reader has them, and whatever a line
    gives back from them (`_given_back`), so none of those is ever suppressed to cover another figure: it would
    cover nothing. One of them that must be suppressed here (small, or in `also`) is given back by the other
    publication, and raises ValueError.
    """
    n_rows, n_cols = len(rows), len(rows[0]) if rows else 0
    values = [[*row, sum(row)] for row in rows]
    values.append([*(sum(row[j] for row in rows) for j in range(n_cols)), sum(sum(row) for row in rows)])
    hidden = [[rules.is_small(v) for v in line] for line in values]
    for i, j in also:
        hidden[i][j] = True
    lines = _lines(n_rows, n_cols)
    known = _given_back(lines, published) if published else set()
    for i, j in known:
        if hidden[i][j]:
            raise ValueError(f"Cell ({i}, {j}) must be suppressed, but figures published elsewhere give it back.")

    def order(pos: Pos) -> tuple[bool, int, bool, bool]:
        """Smallest non-zero first, then zeros; among equals a body cell before a total (it says less)."""
        value = values[pos[0]][pos[1]]
        return (value == 0, value, pos[0] == n_rows, pos[1] == n_cols)

    changed = True
    while changed:
        changed = False
        for line in lines:
            if sum(hidden[i][j] for i, j in line) != 1:
                continue
            candidates = [(i, j) for i, j in line if not hidden[i][j] and (i, j) not in known]
            if not candidates:  # cannot happen: the one suppressed would be given back, and known
                raise ValueError(f"A line of a table gives back a suppressed figure: {line}.")
            i, j = min(candidates, key=order)
            hidden[i][j] = True
            changed = True
    return hidden


def protect_table(
    rows: list[list[int]],
    rules: DisclosureRules = DEFAULT_RULES,
    *,
    with_totals: bool = True,
    suppressed: Iterable[tuple[int, int]] = (),
) -> ProtectedTable:
    """A table of true counts, protected: primary and secondary suppression, then rounding.

    Secondary suppression runs against the row and column totals even when they are not returned
    (`with_totals=False`): the same totals are usually published in another table of the release.
    `suppressed` names cells to suppress whatever their value, as (row, column) of the table with its
    totals (row `len(rows)` the totals row, column `len(rows[0])` the totals column): counts another
    table of the release suppressed, so that the two show them alike.
    """
    for row in rows:
        if len(row) != len(rows[0]):
            raise ValueError("Every row of a table needs the same number of cells.")
        for n in row:
            _check_count(n)
    if not rows or not rows[0]:
        return ProtectedTable(cells=[[] for _ in rows], rules=rules)
    n_rows, n_cols = len(rows), len(rows[0])
    also = list(suppressed)
    for i, j in also:
        if not (0 <= i <= n_rows and 0 <= j <= n_cols):
            raise ValueError(f"No cell ({i}, {j}) in a table of {n_rows} rows and {n_cols} columns with its totals.")
    hidden = _suppression_pattern(rows, rules, also)

    def shown(n: int, suppress: bool) -> Cell:
        return Cell(None, True, CONFIDENTIAL) if suppress else Cell(round_count(n, rules), False, "")

    cells = [[shown(rows[i][j], hidden[i][j]) for j in range(n_cols)] for i in range(n_rows)]
    if not with_totals:
        return ProtectedTable(cells=cells, rules=rules)
    row_totals = [shown(sum(rows[i]), hidden[i][n_cols]) for i in range(n_rows)]
    column_totals = [shown(sum(row[j] for row in rows), hidden[n_rows][j]) for j in range(n_cols)]
    grand_total = shown(sum(sum(row) for row in rows), hidden[n_rows][n_cols])
    return ProtectedTable(
        cells=cells, row_totals=row_totals, column_totals=column_totals, grand_total=grand_total, rules=rules
    )


def suppressed_together(
    tables: Sequence[list[list[int]]],
    shared: Iterable[Sequence[tuple[int, int, int]]],
    rules: DisclosureRules = DEFAULT_RULES,
    *,
    forced: Sequence[Iterable[Pos]] | None = None,
    published: Sequence[Iterable[Pos]] | None = None,
) -> list[list[Pos]]:
    """For tables of one release that publish some of the same counts: the cells to pass to each table's
    `protect_table(..., suppressed=...)` so that every shared count is suppressed in all of them or in none.

    `shared` holds groups of cells showing the same count, each cell as (table, row, column) of that table with its
    totals (the coordinates of `protect_table`'s `suppressed`). Protected one at a time, one table's secondary
    suppression can hide a count another table publishes; the published copy then gives back what that
    suppression was there to cover (its line's total less the line's other published figures). Copying one
    table's suppression into the other is not enough either, since the copy's own secondary suppression can hide
    more shared counts. So the tables are protected again, each shared count suppressed anywhere suppressed
    everywhere, until none suppresses more: suppression only grows, so this ends, and no line of any table then
    holds exactly one figure that is hidden there but not published in another table.

    Another publication, fixed already, may show some of the counts too: `forced` (one iterable per table) names
    the cells it suppressed, suppressed here from the start, and `published` those it shows. A reader has those,
    the same counts in the other tables, and whatever a line gives back from them, so none of them covers another
    figure here (`_suppression_pattern`). With `published`, each table's cells to pass are its whole pattern, which
    `protect_table` then gives again without knowing them.
    """
    groups = [list(group) for group in shared]
    for group in groups:
        values = set()
        for t, i, j in group:
            _check_cell(tables, t, i, j)
            values.add(_extended_value(tables[t], i, j))
        if len(values) > 1:
            raise ValueError(f"Cells shown as the same count hold different counts: {group}.")
    suppress: list[set[Pos]] = [set() for _ in tables]
    for t, cells in enumerate(forced or ()):
        for i, j in cells:
            _check_cell(tables, t, i, j)
            suppress[t].add((i, j))
    known = _known_together(tables, groups, published) if published is not None else [set() for _ in tables]
    while True:
        hidden = [
            _suppression_pattern(rows, rules, suppress[t], known[t]) if rows and rows[0] else []
            for t, rows in enumerate(tables)
        ]
        # Until the cells forced are those the patterns they give hide: a cell already hidden is forced too, as
        # protect_table will be given it (starting from it may lead secondary suppression elsewhere).
        grown = False
        for group in groups:
            if any(hidden[t][i][j] for t, i, j in group):
                for t, i, j in group:
                    if (i, j) not in suppress[t]:
                        suppress[t].add((i, j))
                        grown = True
        if not grown:
            if published is None:
                return [sorted(cells) for cells in suppress]
            return [[(i, j) for i, line in enumerate(h) for j, hide in enumerate(line) if hide] for h in hidden]


def _check_cell(tables: Sequence[Sequence[Sequence[int]]], t: int, i: int, j: int) -> None:
    rows = tables[t]
    if not (0 <= i <= len(rows) and rows and 0 <= j <= len(rows[0])):
        raise ValueError(f"No cell ({i}, {j}) in table {t} with its totals.")


def _known_together(
    tables: Sequence[list[list[int]]], groups: list[list[tuple[int, int, int]]], published: Sequence[Iterable[Pos]]
) -> list[set[Pos]]:
    """The cells of each table a reader knows from those `published` elsewhere: those, the same counts in the other
    tables (`groups`), and what a line of any table gives back from them, until nothing more is given back."""
    lines = [_lines(len(rows), len(rows[0])) if rows and rows[0] else [] for rows in tables]
    known: list[set[Pos]] = [set() for _ in tables]
    for t, cells in enumerate(published):
        for i, j in cells:
            _check_cell(tables, t, i, j)
            known[t].add((i, j))
    changed = True
    while changed:
        known = [_given_back(lines[t], cells) for t, cells in enumerate(known)]
        changed = False
        for group in groups:
            if any((i, j) in known[t] for t, i, j in group):
                for t, i, j in group:
                    if (i, j) not in known[t]:
                        known[t].add((i, j))
                        changed = True
    return known


def _extended_value(rows: Sequence[Sequence[int]], i: int, j: int) -> int:
    """Cell (i, j) of the table extended with its totals (last row and column)."""
    n_rows, n_cols = len(rows), len(rows[0])
    if i < n_rows:
        return rows[i][j] if j < n_cols else sum(rows[i])
    return sum(row[j] for row in rows) if j < n_cols else sum(sum(row) for row in rows)
