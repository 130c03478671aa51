"""Tables as files: CSV, XLSX (openpyxl) and ODS (odfpy), from the protected cells only.

A CSV holds the table alone (header and rows, as the Home Office's machine-readable tables do). A spreadsheet
sheet holds the title, the table, its notes and the disclosure rules, so a sheet passed on alone still says
what it is. Text that a spreadsheet would run as a formula (=, +, -, @ first) is written as text.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Sequence

from odf.opendocument import OpenDocumentSpreadsheet
from odf.table import Table, TableCell, TableRow
from odf.text import P
from openpyxl import Workbook
from openpyxl.styles import Font

from childnrm.kit.disclosure import CONFIDENTIAL, LOW_BASE, NOT_AVAILABLE, DisclosureRules
from childnrm.statistics.tables import StatTable

FORMATS = {
    "csv": "text/csv; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "ods": "application/vnd.oasis.opendocument.spreadsheet",
}
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
MARKERS = (
    f"{CONFIDENTIAL}: suppressed to protect confidentiality",
    f"{LOW_BASE}: based on too few cases to show",
    f"{NOT_AVAILABLE}: not available or not applicable",
)

Value = int | float | str


def safe_text(value: Value) -> Value:
    """A string a spreadsheet would take for a formula, made plain text; numbers unchanged."""
    if isinstance(value, str) and value.startswith(_FORMULA_START):
        return "'" + value
    return value


def table_csv(table: StatTable) -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow([safe_text(h) for h in table.header])
    for record in table.records():
        writer.writerow([safe_text(v) for v in record])
    # A byte order mark so that Excel opens the file as UTF-8 (names like "Côte d'Ivoire").
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")


def sheet_rows(table: StatTable, rules: DisclosureRules, *, extra: Sequence[str] = ()) -> list[list[Value]]:
    """What a sheet holds: title, blank, header, rows, blank, notes, the markers and the rules."""
    rows: list[list[Value]] = [[table.title], [], list(table.header), *table.records(), []]
    rows += [[note] for note in (*table.notes, *extra)]
    rows += [[marker] for marker in MARKERS]
    rows.append([f"Disclosure control: {rules.describe()}"])
    return rows


def sheet_name(key: str, used: set[str]) -> str:
    """A sheet name spreadsheets accept (31 characters, no []:*?/\\), unique in the workbook."""
    base = re.sub(r"[\[\]:*?/\\]", "_", key)[:31]
    name, n = base, 2
    while name in used:
        suffix = f"_{n}"
        name, n = base[: 31 - len(suffix)] + suffix, n + 1
    used.add(name)
    return name


def tables_xlsx(tables: Sequence[StatTable], rules: DisclosureRules, *, extra: Sequence[str] = ()) -> bytes:
    workbook = Workbook()
    workbook.remove(workbook.active)  # type: ignore[arg-type]
    used: set[str] = set()
    for table in tables:
        sheet = workbook.create_sheet(sheet_name(table.key, used))
        for values in sheet_rows(table, rules, extra=extra):
            sheet.append([safe_text(v) for v in values])
        sheet["A1"].font = Font(bold=True, size=14)
        for cell in sheet[3]:
            cell.font = Font(bold=True)
        sheet.column_dimensions["A"].width = 28
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def tables_ods(tables: Sequence[StatTable], rules: DisclosureRules, *, extra: Sequence[str] = ()) -> bytes:
    document = OpenDocumentSpreadsheet()
    used: set[str] = set()
    for table in tables:
        sheet = Table(name=sheet_name(table.key, used))
        for values in sheet_rows(table, rules, extra=extra):
            row = TableRow()
            for value in values:
                value = safe_text(value)
                if isinstance(value, int | float) and not isinstance(value, bool):
                    cell = TableCell(valuetype="float", value=value)
                else:
                    cell = TableCell(valuetype="string")
                cell.addElement(P(text=str(value)))
                row.addElement(cell)
            sheet.addElement(row)
        document.spreadsheet.addElement(sheet)
    buffer = io.BytesIO()
    document.write(buffer)
    return buffer.getvalue()


def table_file(table: StatTable, rules: DisclosureRules, fmt: str) -> bytes:
    if fmt == "csv":
        return table_csv(table)
    if fmt == "xlsx":
        return tables_xlsx([table], rules)
    if fmt == "ods":
        return tables_ods([table], rules)
    raise ValueError(f"No such format: {fmt}")
