"""Tables as files: CSV, XLSX and ODS, from the protected cells only.

A CSV holds the table alone (header and rows, as the Home Office's machine-readable tables do). A spreadsheet
sheet holds the title, the table, its notes and the disclosure rules, so a sheet passed on alone still says
what it is. Text that a spreadsheet would run as a formula (=, +, -, @ first) is written as text.

The XLSX (Office Open XML) and ODS (OpenDocument) files are written directly as the few XML parts a
spreadsheet of text and numbers needs, zipped: a release writes some seventy of them, and openpyxl's and
odfpy's object models cost tens of milliseconds a file for what is a few kilobytes of XML. Title and header are
bold, the first column wide, as before; openpyxl and pandas (odf) read them back in the tests.
"""

from __future__ import annotations

import csv
import io
import re
import zipfile
from collections.abc import Sequence
from xml.sax.saxutils import escape, quoteattr

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


def coverage_line(
    site_names: Sequence[str],
    first: str,
    last: str,
    *,
    every_pilot_site: bool = False,
    filter_words: Sequence[str] = (),
) -> str:
    """What a table's file covers, under its title: the sites, the period and any other filter, so that the same
    table of another site or period cannot be taken for this one."""
    names = ", ".join(site_names)
    sites = f"All pilot sites ({names})" if every_pilot_site else names
    text = f"{sites}, {first} to {last}" if first != last else f"{sites}, {first}"
    return "; ".join([text, *filter_words]) + "."


def sheet_rows(
    table: StatTable, rules: DisclosureRules, *, extra: Sequence[str] = (), coverage: str = ""
) -> list[list[Value]]:
    """What a sheet holds: title, what it covers (if given), blank, header, rows, blank, notes, the markers and
    the rules."""
    rows: list[list[Value]] = [[table.title], *([[coverage]] if coverage else []), [], list(table.header)]
    rows += [*table.records(), []]
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


# XML 1.0 cannot hold most control characters: they are dropped from text (openpyxl refused them).
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")
_XML_DECLARATION = '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'


def _text(value: object) -> str:
    return escape(_NOT_XML.sub("", str(value)))


def _number(value: int | float) -> str:
    return repr(value) if isinstance(value, float) else str(value)


def _is_number(value: Value) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)


def _zip(parts: Sequence[tuple[str, str]], *, first_stored: tuple[str, str] | None = None) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        if first_stored is not None:  # ODF: the mimetype first and uncompressed, so tools can sniff it
            archive.writestr(zipfile.ZipInfo(first_stored[0]), first_stored[1], zipfile.ZIP_STORED)
        for name, content in parts:
            archive.writestr(name, content.encode("utf-8"))
    return buffer.getvalue()


# --- XLSX ----------------------------------------------------------------------------------------------------

_SML = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
_REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
_PKG_REL = "http://schemas.openxmlformats.org/package/2006/relationships"
_XLSX_STYLES = (
    _XML_DECLARATION + f'<styleSheet xmlns="{_SML}">'
    '<fonts count="3"><font><sz val="11"/><name val="Calibri"/><family val="2"/></font>'
    '<font><b/><sz val="14"/><name val="Calibri"/><family val="2"/></font>'
    '<font><b/><sz val="11"/><name val="Calibri"/><family val="2"/></font></fonts>'
    '<fills count="2"><fill><patternFill patternType="none"/></fill><fill><patternFill patternType="gray125"/></fill>'
    "</fills>"
    '<borders count="1"><border><left/><right/><top/><bottom/><diagonal/></border></borders>'
    '<cellStyleXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0"/></cellStyleXfs>'
    '<cellXfs count="3"><xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0"/>'
    '<xf numFmtId="0" fontId="1" fillId="0" borderId="0" xfId="0" applyFont="1"/>'
    '<xf numFmtId="0" fontId="2" fillId="0" borderId="0" xfId="0" applyFont="1"/></cellXfs>'
    '<cellStyles count="1"><cellStyle name="Normal" xfId="0" builtinId="0"/></cellStyles>'
    "</styleSheet>"
)
_TITLE_STYLE, _HEADER_STYLE = 1, 2


def _column_letters(index: int) -> str:
    """0 -> A, 25 -> Z, 26 -> AA."""
    letters = ""
    index += 1
    while index:
        index, rest = divmod(index - 1, 26)
        letters = chr(65 + rest) + letters
    return letters


def _xlsx_sheet(rows: list[list[Value]]) -> str:
    out = [
        _XML_DECLARATION,
        f'<worksheet xmlns="{_SML}"><cols><col min="1" max="1" width="28" customWidth="1"/></cols><sheetData>',
    ]
    header = rows.index([]) + 2 if [] in rows else 0  # the row after the first blank line (numbered from 1)
    for r, values in enumerate(rows, start=1):
        if not values:
            continue  # a blank line: no row element, the next row keeps its number
        style = _TITLE_STYLE if r == 1 else _HEADER_STYLE if r == header else 0
        styled = f' s="{style}"' if style else ""
        out.append(f'<row r="{r}">')
        for c, value in enumerate(values):
            value = safe_text(value)
            if value == "":
                continue  # an empty label: no cell, as openpyxl wrote it
            ref = f"{_column_letters(c)}{r}"
            if _is_number(value):
                out.append(f'<c r="{ref}"{styled}><v>{_number(value)}</v></c>')  # type: ignore[arg-type]
            else:
                out.append(
                    f'<c r="{ref}"{styled} t="inlineStr"><is><t xml:space="preserve">{_text(value)}</t></is></c>'
                )
        out.append("</row>")
    out.append("</sheetData></worksheet>")
    return "".join(out)


def tables_xlsx(
    tables: Sequence[StatTable], rules: DisclosureRules, *, extra: Sequence[str] = (), coverage: str = ""
) -> bytes:
    used: set[str] = set()
    names = [sheet_name(table.key, used) for table in tables]
    n = len(tables)
    content_types = (
        _XML_DECLARATION + '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
        '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
        '<Default Extension="xml" ContentType="application/xml"/>'
        '<Override PartName="/xl/workbook.xml" '
        'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
        '<Override PartName="/xl/styles.xml" '
        'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.styles+xml"/>'
        + "".join(
            f'<Override PartName="/xl/worksheets/sheet{i}.xml" '
            'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>'
            for i in range(1, n + 1)
        )
        + "</Types>"
    )
    package_rels = (
        _XML_DECLARATION + f'<Relationships xmlns="{_PKG_REL}">'
        f'<Relationship Id="rId1" Type="{_REL}/officeDocument" Target="xl/workbook.xml"/></Relationships>'
    )
    workbook = (
        _XML_DECLARATION
        + f'<workbook xmlns="{_SML}" xmlns:r="{_REL}"><sheets>'
        + "".join(f'<sheet name={quoteattr(name)} sheetId="{i}" r:id="rId{i}"/>' for i, name in enumerate(names, 1))
        + "</sheets></workbook>"
    )
    workbook_rels = (
        _XML_DECLARATION
        + f'<Relationships xmlns="{_PKG_REL}">'
        + "".join(
            f'<Relationship Id="rId{i}" Type="{_REL}/worksheet" Target="worksheets/sheet{i}.xml"/>'
            for i in range(1, n + 1)
        )
        + f'<Relationship Id="rId{n + 1}" Type="{_REL}/styles" Target="styles.xml"/></Relationships>'
    )
    parts = [
        ("[Content_Types].xml", content_types),
        ("_rels/.rels", package_rels),
        ("xl/workbook.xml", workbook),
        ("xl/_rels/workbook.xml.rels", workbook_rels),
        ("xl/styles.xml", _XLSX_STYLES),
    ]
    parts += [
        (f"xl/worksheets/sheet{i}.xml", _xlsx_sheet(sheet_rows(table, rules, extra=extra, coverage=coverage)))
        for i, table in enumerate(tables, 1)
    ]
    return _zip(parts)


# --- ODS -----------------------------------------------------------------------------------------------------

_ODS_MIMETYPE = "application/vnd.oasis.opendocument.spreadsheet"
_ODS_MANIFEST = (
    _XML_DECLARATION
    + '<manifest:manifest xmlns:manifest="urn:oasis:names:tc:opendocument:xmlns:manifest:1.0" manifest:version="1.2">'
    f'<manifest:file-entry manifest:full-path="/" manifest:version="1.2" manifest:media-type="{_ODS_MIMETYPE}"/>'
    '<manifest:file-entry manifest:full-path="content.xml" manifest:media-type="text/xml"/>'
    "</manifest:manifest>"
)
_ODS_EMPTY_ROW = "<table:table-row><table:table-cell/></table:table-row>"


def _ods_table(name: str, rows: list[list[Value]]) -> str:
    out = [f"<table:table table:name={quoteattr(_NOT_XML.sub('', name))}>"]
    for values in rows:
        if not values:
            out.append(_ODS_EMPTY_ROW)
            continue
        out.append("<table:table-row>")
        for value in values:
            value = safe_text(value)
            if _is_number(value):
                number = _number(value)  # type: ignore[arg-type]
                out.append(
                    f'<table:table-cell office:value-type="float" office:value="{number}"><text:p>{value}</text:p>'
                    "</table:table-cell>"
                )
            else:
                out.append(
                    f'<table:table-cell office:value-type="string"><text:p>{_text(value)}</text:p></table:table-cell>'
                )
        out.append("</table:table-row>")
    out.append("</table:table>")
    return "".join(out)


def tables_ods(
    tables: Sequence[StatTable], rules: DisclosureRules, *, extra: Sequence[str] = (), coverage: str = ""
) -> bytes:
    used: set[str] = set()
    content = (
        _XML_DECLARATION + '<office:document-content xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" '
        'xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0" '
        'xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0" office:version="1.2">'
        "<office:body><office:spreadsheet>"
        + "".join(
            _ods_table(sheet_name(t.key, used), sheet_rows(t, rules, extra=extra, coverage=coverage)) for t in tables
        )
        + "</office:spreadsheet></office:body></office:document-content>"
    )
    return _zip(
        [("META-INF/manifest.xml", _ODS_MANIFEST), ("content.xml", content)], first_stored=("mimetype", _ODS_MIMETYPE)
    )


def table_file(table: StatTable, rules: DisclosureRules, fmt: str, *, coverage: str = "") -> bytes:
    """One table as a file; a spreadsheet's sheet says under the title what it covers (`coverage_line`). A CSV holds
    the table alone: its file name says what it covers."""
    if fmt == "csv":
        return table_csv(table)
    if fmt == "xlsx":
        return tables_xlsx([table], rules, coverage=coverage)
    if fmt == "ods":
        return tables_ods([table], rules, coverage=coverage)
    raise ValueError(f"No such format: {fmt}")
