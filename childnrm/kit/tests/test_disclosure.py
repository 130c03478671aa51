"""Disclosure control on small cells: no shown count from 1 to 4, no total reveals a suppressed cell."""

from __future__ import annotations

import itertools
import random

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from childnrm.kit.disclosure import (
    CONFIDENTIAL,
    DEFAULT_RULES,
    LOW_BASE,
    Cell,
    DisclosureRules,
    ProtectedTable,
    protect_count,
    protect_measure,
    protect_published_rate,
    protect_rate,
    protect_table,
    round_count,
    suppressed_together,
)

SUPPRESSION = DisclosureRules(threshold=5, rounding=1)  # suppression alone: subtraction is exact


def shown_counts(table: ProtectedTable) -> list[int]:
    return [cell.value for row in table.rows_with_totals() for cell in row if not cell.suppressed]  # type: ignore[misc]


def assert_no_total_reveals_a_suppressed_cell(table: ProtectedTable) -> None:
    """Every line (row or column with its total, the totals' own lines too) hides 0 or at least 2 figures."""
    grid = table.rows_with_totals()
    lines = [list(row) for row in grid] + [list(col) for col in zip(*grid, strict=True)]
    for line in lines:
        assert sum(cell.suppressed for cell in line) != 1, [str(c) for c in line]


def assert_safe(table: ProtectedTable) -> None:
    assert all(not 1 <= n <= 4 for n in shown_counts(table))
    assert all(n % 5 == 0 for n in shown_counts(table))
    assert_no_total_reveals_a_suppressed_cell(table)


@pytest.mark.parametrize(
    ("n", "shown"),
    [(0, "0"), (1, "[c]"), (4, "[c]"), (5, "5"), (7, "5"), (8, "10"), (12, "10"), (13, "15"), (1234, "1,235")],
)
def test_one_count_is_suppressed_when_small_and_rounded_to_the_nearest_5(n, shown):
    assert str(protect_count(n)) == shown


def test_a_suppressed_count_keeps_no_value_and_exports_its_marker():
    cell = protect_count(3)
    assert cell == Cell(None, True, CONFIDENTIAL)
    assert cell.export == "[c]"
    assert protect_count(22).export == 20


def test_rules_are_configurable_per_release():
    strict = DisclosureRules(threshold=10, rounding=10, min_denominator=20)
    assert str(protect_count(9, strict)) == "[c]"
    assert str(protect_count(14, strict)) == "10"
    assert str(protect_count(15, strict)) == "20"
    exact = DisclosureRules(threshold=1, rounding=1, min_denominator=1)
    assert str(protect_count(3, exact)) == "3"
    with pytest.raises(ValueError):
        DisclosureRules(rounding=0)


def test_a_count_above_zero_never_rounds_to_zero():
    assert round_count(6, DisclosureRules(threshold=5, rounding=20)) == 20


def test_rates_need_a_denominator_of_ten_and_a_numerator_that_is_not_small():
    assert str(protect_rate(5, 9)) == LOW_BASE
    assert protect_rate(5, 9).suppressed
    assert str(protect_rate(3, 40)) == CONFIDENTIAL
    assert str(protect_rate(0, 40)) == "0.0"
    assert str(protect_rate(7, 12)) == "58.3"
    # 18 of 20: the 2 left out would be given back by the rate.
    assert str(protect_rate(18, 20)) == CONFIDENTIAL
    assert str(protect_rate(18, 20, DisclosureRules(protect_rate_complement=False))) == "90.0"
    assert str(protect_rate(20, 20)) == "100.0"
    assert protect_rate(1, 3, DisclosureRules(threshold=1, min_denominator=1)).value == pytest.approx(33.3)
    assert str(protect_rate(0, 0)) == "[x]"
    with pytest.raises(ValueError):
        protect_rate(5, 4)


def test_a_published_rate_is_withheld_with_its_counts_and_on_a_small_base():
    assert str(protect_rate(12, 23)) == "52.2"  # the true counts' rate: kept for callers that show no counts
    assert str(protect_published_rate(12, 23)) == "40.0"  # 10 of 25, as shown
    assert str(protect_published_rate(9, 15)) == "66.7"
    assert str(protect_published_rate(5, 9)) == "[low]"
    assert str(protect_published_rate(3, 40)) == "[c]"
    assert str(protect_published_rate(0, 40)) == "0.0"
    assert str(protect_published_rate(0, 0)) == "[x]"
    hidden = Cell(None, True, CONFIDENTIAL)
    assert str(protect_published_rate(12, 23, shown_numerator=hidden)) == CONFIDENTIAL
    assert str(protect_published_rate(12, 23, shown_denominator=hidden)) == CONFIDENTIAL
    with pytest.raises(ValueError):
        protect_published_rate(5, 4)


def test_an_average_of_few_cases_is_withheld():
    assert str(protect_measure(12.345, 9)) == LOW_BASE
    assert str(protect_measure(12.345, 10)) == "12.3"
    assert str(protect_measure(None, 0)) == "[x]"
    assert str(protect_measure(1.23456, 12, places=2)) == "1.23"


def test_a_single_small_cell_takes_the_next_smallest_in_its_row_and_column_with_it():
    table = protect_table([[3, 20, 40], [30, 25, 50], [60, 70, 80]])
    hidden = [[cell.suppressed for cell in row] for row in table.cells]
    # The 3 is primary; its row and its column each need a second suppressed figure.
    assert hidden[0][0]
    assert sum(hidden[0]) >= 2
    assert sum(row[0] for row in hidden) >= 2
    assert_safe(table)
    # Totals come from the true values, then rounded: row 0 total 63 -> 65, grand total 378 -> 380.
    assert table.row_totals is not None and table.grand_total is not None
    assert str(table.row_totals[0]) == "65"
    assert str(table.grand_total) == "380"


def test_a_small_total_is_suppressed_and_cannot_be_worked_out_from_the_grand_total():
    # Row 0 adds up to 3: its cells and its total are small; the column of row totals then needs another.
    table = protect_table([[1, 2, 0], [30, 25, 50]])
    assert table.row_totals is not None
    assert table.row_totals[0].suppressed
    assert_safe(table)


def test_a_one_column_table_suppresses_the_total_when_it_must():
    table = protect_table([[3], [40], [50]])
    assert_safe(table)


def test_zero_is_shown_and_only_suppressed_when_nothing_else_can_protect():
    table = protect_table([[0, 0, 2], [0, 10, 10]])
    assert str(table.cells[0][0]) == "0" or table.cells[0][0].suppressed
    assert_safe(table)


def test_without_totals_the_body_is_still_protected_against_totals_published_elsewhere():
    table = protect_table([[3, 20], [30, 40]], with_totals=False)
    assert table.row_totals is None and table.grand_total is None
    assert sum(cell.suppressed for cell in table.cells[0]) == 2


def test_no_small_cell_means_nothing_suppressed():
    table = protect_table([[5, 10], [15, 20]])
    assert table.suppressed_count == 0
    assert [[str(c) for c in row] for row in table.rows_with_totals()] == [
        ["5", "10", "15"],
        ["15", "20", "35"],
        ["20", "30", "50"],
    ]


def test_every_small_table_of_small_cells_is_safe():
    """Exhaustive over 2x2 tables with cells 0..6: every pattern of small cells."""
    for a, b, c, d in itertools.product(range(7), repeat=4):
        assert_safe(protect_table([[a, b], [c, d]]))


def test_random_tables_with_many_small_cells_are_safe():
    rng = random.Random(10)
    for _ in range(300):
        n_rows, n_cols = rng.randint(1, 6), rng.randint(1, 6)
        rows = [[rng.choice([0, 1, 2, 3, 4, 5, 6, 9, 12, 40]) for _ in range(n_cols)] for _ in range(n_rows)]
        assert_safe(protect_table(rows))


@settings(max_examples=200, deadline=None)
@given(
    st.integers(min_value=1, max_value=5).flatmap(
        lambda cols: st.lists(
            st.lists(st.integers(min_value=0, max_value=30), min_size=cols, max_size=cols), min_size=1, max_size=5
        )
    )
)
def test_any_table_is_safe(rows):
    assert_safe(protect_table(rows))


def test_rules_describe_themselves_for_the_methodology_note():
    text = DEFAULT_RULES.describe()
    assert "1 to 4" in text and "nearest 5" in text and "at least 10" in text


def test_negative_or_ragged_input_is_refused():
    with pytest.raises(ValueError):
        protect_count(-1)
    with pytest.raises(ValueError):
        protect_table([[1, 2], [3]])


def _shared_counts_agree(tables: list[ProtectedTable], shared: list[list[tuple[int, int, int]]]) -> bool:
    grids = [table.rows_with_totals() for table in tables]
    return all(len({grids[t][i][j].suppressed for t, i, j in group}) == 1 for group in shared)


def test_tables_sharing_counts_suppress_each_alike_in_both_directions():
    # A table of quarters by category, and one by age group whose first column is the first table's totals column.
    # Alone, the second hides its 12 beside the 3 (35 - 20 - 12 would give the 3 back) while the first shows 12.
    children = [[12, 0]]
    by_age = [[12, 20, 3]]
    alone = protect_table(by_age, SUPPRESSION)
    assert alone.cells[0][0].suppressed and not protect_table(children, SUPPRESSION).row_totals[0].suppressed
    shared = [[(0, 0, 2), (1, 0, 0)], [(0, 1, 2), (1, 1, 0)]]
    forced = suppressed_together([children, by_age], shared, SUPPRESSION)
    tables = [
        protect_table(rows, SUPPRESSION, suppressed=cells)
        for rows, cells in zip([children, by_age], forced, strict=True)
    ]
    assert tables[0].row_totals[0].suppressed and tables[1].cells[0][0].suppressed
    assert _shared_counts_agree(tables, shared)
    for table in tables:
        assert_no_total_reveals_a_suppressed_cell(table)


def test_random_tables_sharing_a_totals_column_suppress_it_alike():
    rng = random.Random(19)
    for _ in range(300):
        n_rows, n_cols = rng.randint(1, 4), rng.randint(1, 4)
        first = [[rng.choice([0, 0, 1, 2, 3, 5, 8, 13]) for _ in range(n_cols)] for _ in range(n_rows)]
        second = [[rng.choice([0, 1, 3, 6, 9]) for _ in range(3)] for _ in range(n_rows)]
        # Three tables whose row totals are the same counts: the first's split another way, and one of which
        # those totals are the first column.
        split = [[sum(row) - row[0], row[0]] for row in first]
        with_column = [[sum(row), *rest] for row, rest in zip(first, second, strict=True)]
        tables = [first, split, with_column]
        shared = [[(0, i, len(first[0])), (1, i, 2), (2, i, 0)] for i in range(n_rows + 1)]
        forced = suppressed_together(tables, shared, DEFAULT_RULES)
        protected = [
            protect_table(rows, DEFAULT_RULES, suppressed=cells) for rows, cells in zip(tables, forced, strict=True)
        ]
        assert _shared_counts_agree(protected, shared)
        for table in protected:
            assert_safe(table)


def test_cells_shared_must_hold_the_same_count():
    with pytest.raises(ValueError):
        suppressed_together([[[1, 2]], [[4]]], [[(0, 0, 2), (1, 0, 0)]])
    with pytest.raises(ValueError):
        suppressed_together([[[1, 2]]], [[(0, 3, 0)]])


def _unknown_hidden_per_line(table: ProtectedTable, known: set[tuple[int, int]]) -> list[int]:
    """For each line of the table with its totals: how many figures it hides that a reader does not have already."""
    grid = table.rows_with_totals()
    positions = [[(i, j) for j in range(len(grid[0]))] for i in range(len(grid))]
    lines = positions + [list(column) for column in zip(*positions, strict=True)]
    return [sum(grid[i][j].suppressed and (i, j) not in known for i, j in line) for line in lines]


def test_a_figure_published_elsewhere_never_covers_a_suppressed_one():
    # Two quarters by two categories; another publication, fixed already, shows the second quarter's row. The first
    # quarter's 2 is hidden; alone, the table hid the second quarter's 6 with it (the smallest in the column), which
    # the other publication shows, so 8 - 6 gave the 2 back. Told the row is published, the table hides the column's
    # total instead.
    rows = [[2, 30], [6, 40]]
    alone = protect_table(rows, SUPPRESSION)
    assert alone.cells[1][0].suppressed and not alone.column_totals[0].suppressed
    published = {(1, 0), (1, 1), (1, 2)}
    (cells,) = suppressed_together([rows], [], SUPPRESSION, published=[published])
    table = protect_table(rows, SUPPRESSION, suppressed=cells)
    assert not any(cell.suppressed for cell in table.rows_with_totals()[1])
    assert table.cells[0][0].suppressed and table.column_totals[0].suppressed
    assert all(n != 1 for n in _unknown_hidden_per_line(table, published))


def test_cells_another_publication_suppressed_are_suppressed_and_what_it_shows_is_known_in_every_table():
    # The first table's totals row is another publication's, fixed: it hid 3 and 12 and showed 30. The second table
    # publishes the first's totals row as its first column: the same counts, suppressed and known alike.
    first = [[1, 2, 10], [2, 10, 20]]  # column totals 3, 12, 30
    second = [[3, 40], [12, 50], [30, 60]]
    fixed_hidden = [{(2, 0), (2, 1)}, set()]
    fixed_shown = [{(2, 2), (2, 3)}, set()]
    shared = [[(0, 2, j), (1, j, 0)] for j in range(3)]
    forced = suppressed_together([first, second], shared, SUPPRESSION, forced=fixed_hidden, published=fixed_shown)
    tables = [
        protect_table(rows, SUPPRESSION, suppressed=cells) for rows, cells in zip([first, second], forced, strict=True)
    ]
    assert [cell.suppressed for cell in tables[0].rows_with_totals()[2]] == [True, True, False, False]
    assert [tables[1].cells[i][0].suppressed for i in range(3)] == [True, True, False]
    assert _shared_counts_agree(tables, shared)
    known = [fixed_shown[0], {(2, 0)}]  # the 30, shown by the other publication, is known in the second table too
    for table, cells in zip(tables, known, strict=True):
        assert all(n != 1 for n in _unknown_hidden_per_line(table, cells))


def test_a_figure_published_elsewhere_that_must_be_suppressed_is_refused():
    with pytest.raises(ValueError):  # a small count another publication shows: it gives the count back
        suppressed_together([[[2, 30]]], [], SUPPRESSION, published=[{(0, 0)}])
    with pytest.raises(ValueError):  # the last unknown figure of a line, which the line gives back
        suppressed_together([[[2, 30]]], [], SUPPRESSION, published=[{(0, 1), (0, 2)}])
