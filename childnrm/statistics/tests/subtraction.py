"""What a reader works out from published tables by subtraction: the attack the disclosure tests run."""

from __future__ import annotations

from collections.abc import Callable, Iterable

from childnrm.statistics.tables import StatTable

CellKey = Callable[[StatTable, int, int], tuple]


def given_back(tables: Iterable[StatTable], key: CellKey, *, published: Iterable = ()) -> tuple[set, set]:
    """(counts hidden in one table but published in another, hidden counts given back by subtraction). `key` names
    each cell's count, the same name for cells that publish one count. Every line of a table (a row with its total,
    a column with its total) adds up; a line with a single count not known gives it back, and so on while any does.
    `published`: the names of counts known from a table whose figures do not add up in lines (the pilot's plans)."""
    published, hidden, lines = set(published), set(), []
    for table in tables:
        grid = [row.cells for row in table.rows]
        for i, row in enumerate(grid):
            for j, cell in enumerate(row):
                (hidden if cell.suppressed else published).add(key(table, i, j))
        lines += [[key(table, i, j) for j in range(len(grid[0]))] for i in range(len(grid))]
        if len(grid) > 1:  # a table of one row (a site's own return) has no totals row: its columns add up to nothing
            lines += [[key(table, i, j) for i in range(len(grid))] for j in range(len(grid[0]))]
    inconsistent = hidden & published
    known, recovered = set(published), set()
    while True:
        found = {unknown[0] for line in lines if len(unknown := [k for k in line if k not in known]) == 1}
        if not found:
            return inconsistent, recovered
        known |= found
        recovered |= found
