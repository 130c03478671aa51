"""Charts of the statistics tables: SVG drawn on the server with matplotlib, from the protected cells only.

A chart is drawn from the same `StatTable` the page shows under it, so it can show no more than the table
(a suppressed count is a gap marked "[c]", never a bar). Each chart comes with a text description of what it
shows, and its table is its accessible alternative.

The SVG is cleaned before it reaches a page: only an allowed set of SVG elements and attributes survives,
`style` attributes become presentation attributes (the Content Security Policy allows no inline style), the
comments where matplotlib writes the labels' text are dropped, and every id is prefixed with the chart's key so
several charts can sit on one page. Text is drawn as outlines, so no font is fetched from anywhere.
"""

from __future__ import annotations

import io
import re
import xml.etree.ElementTree as ET
from collections.abc import Callable
from dataclasses import dataclass

import matplotlib

matplotlib.use("Agg")
from django.utils.translation import gettext, ngettext
from markupsafe import Markup
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure

from childnrm.kit.disclosure import Cell
from childnrm.statistics.tables import StatTable
from childnrm.statistics.words import say

SVG_NS = "http://www.w3.org/2000/svg"
XLINK_NS = "http://www.w3.org/1999/xlink"
# GOV.UK colours: blue, orange, dark blue, green, dark grey.
BLUE, ORANGE, DARK_BLUE, GREEN, GREY = "#1d70b8", "#f47738", "#003078", "#00703c", "#505a5f"

_ELEMENTS = {"svg", "g", "path", "defs", "use", "clipPath", "rect", "line", "polyline", "polygon", "circle", "ellipse"}
_ATTRIBUTES = {
    "id",
    "d",
    "x",
    "y",
    "width",
    "height",
    "viewBox",
    "version",
    "transform",
    "fill",
    "fill-opacity",
    "fill-rule",
    "stroke",
    "stroke-width",
    "stroke-linecap",
    "stroke-linejoin",
    "stroke-opacity",
    "stroke-dasharray",
    "stroke-dashoffset",
    "stroke-miterlimit",
    "opacity",
    "clip-path",
    "clip-rule",
    "points",
    "x1",
    "y1",
    "x2",
    "y2",
    "cx",
    "cy",
    "r",
    "rx",
    "ry",
    "preserveAspectRatio",
}
_URL_REFERENCE = re.compile(r"^url\(#([A-Za-z0-9_.-]+)\)$")


@dataclass(frozen=True)
class Chart:
    key: str
    title: str
    svg: Markup
    description: str
    table: StatTable


def clean_svg(raw: str, *, prefix: str, title: str, description: str) -> str:
    """matplotlib's SVG reduced to allowed elements and attributes, with inline style turned into attributes,
    ids prefixed, a <title> and <desc>, and role="img" (its name is the title)."""
    root = ET.fromstring(raw)  # noqa: S314 (our own output; ElementTree drops the comments)
    ids: dict[str, str] = {}
    for element in root.iter():
        if "id" in element.attrib:
            ids[element.attrib["id"]] = f"{prefix}-{element.attrib['id']}"

    def cleaned(element: ET.Element) -> ET.Element | None:
        tag = element.tag.split("}")[-1]
        if tag not in _ELEMENTS:
            return None
        out = ET.Element(f"{{{SVG_NS}}}{tag}")
        attributes = dict(element.attrib)
        for declaration in attributes.pop("style", "").split(";"):
            name, _, value = declaration.partition(":")
            if name.strip() and value.strip():
                attributes.setdefault(name.strip(), value.strip())
        for name, value in attributes.items():
            local = name.split("}")[-1]
            if local == "href":
                if value.startswith("#") and value[1:] in ids:
                    out.set("href", "#" + ids[value[1:]])
                continue
            if local not in _ATTRIBUTES:
                continue
            if local == "id":
                value = ids[value]
            elif (match := _URL_REFERENCE.match(value)) is not None:
                if match.group(1) not in ids:
                    continue
                value = f"url(#{ids[match.group(1)]})"
            elif "url(" in value or "javascript" in value.lower():
                continue
            out.set(local, value)
        for child in element:
            kept = cleaned(child)
            if kept is not None:
                out.append(kept)
        return out

    svg = cleaned(root)
    assert svg is not None
    for size in ("width", "height"):  # the viewBox keeps the shape; the page's width decides the size
        svg.attrib.pop(size, None)
    title_id, desc_id = f"{prefix}-title", f"{prefix}-desc"
    svg.set("role", "img")
    svg.set("aria-labelledby", f"{title_id} {desc_id}")
    svg.set("focusable", "false")
    title_element = ET.Element(f"{{{SVG_NS}}}title", {"id": title_id})
    title_element.text = title
    desc_element = ET.Element(f"{{{SVG_NS}}}desc", {"id": desc_id})
    desc_element.text = description
    svg.insert(0, desc_element)
    svg.insert(0, title_element)
    ET.register_namespace("", SVG_NS)
    return ET.tostring(svg, encoding="unicode")


def _svg_of(figure, *, key: str, title: str, description: str) -> Markup:
    buffer = io.StringIO()
    with matplotlib.rc_context({"svg.hashsalt": key, "svg.fonttype": "path"}):
        figure.savefig(buffer, format="svg", metadata={"Date": None, "Creator": None}, bbox_inches="tight")
    # Escaped and rebuilt element by element above: nothing of the labels' text reaches the markup unescaped.
    return Markup(clean_svg(buffer.getvalue(), prefix=key, title=title, description=description))  # noqa: S704


def _figure(width: float = 8.0, height: float = 4.0):
    # A bare Figure on an Agg canvas: pyplot's figure manager (and closing each figure) is not needed.
    figure = Figure(figsize=(width, height), dpi=100)
    FigureCanvasAgg(figure)
    axes = figure.add_subplot()
    axes.spines[["top", "right"]].set_visible(False)
    axes.tick_params(labelsize=10)
    return figure, axes


def _value(cell: Cell) -> float | None:
    return None if cell.suppressed or cell.value is None else float(cell.value)


def _quarter_names(table: StatTable) -> list[str]:
    """Each quarter's row as the chart names it, in the page's language ("2026 Q3")."""
    return [say(" ".join(row.labels)) for row in table.rows if not row.total]


def _column(table: StatTable, header: str) -> list[Cell]:
    index = table.value_headers.index(header)
    return [row.cells[index] for row in table.rows if not row.total]


def _marked(axes, positions, cells: list[Cell], *, y: float = 0.0, horizontal: bool = False) -> int:
    """Write the marker ("[c]", "[low]") where a value is not shown; returns how many."""
    missing = 0
    for position, cell in zip(positions, cells, strict=True):
        if _value(cell) is None:
            missing += 1
            if horizontal:
                axes.text(y, position, f" {cell}", va="center", ha="left", fontsize=9, color=GREY)
            else:
                axes.text(position, y, str(cell), ha="center", va="bottom", fontsize=9, color=GREY)
    return missing


def _withheld_words(missing: int, what: str) -> str:
    if not missing:
        return ""
    sentences = {
        "quarter": ngettext(
            "%(count)s quarter is not shown, to protect small numbers.",
            "%(count)s quarters are not shown, to protect small numbers.",
            missing,
        ),
        "figure": ngettext(
            "%(count)s figure is not shown, to protect small numbers.",
            "%(count)s figures are not shown, to protect small numbers.",
            missing,
        ),
        "group": ngettext(
            "%(count)s group is not shown, to protect small numbers.",
            "%(count)s groups are not shown, to protect small numbers.",
            missing,
        ),
        "site": ngettext(
            "%(count)s site is not shown, to protect small numbers.",
            "%(count)s sites are not shown, to protect small numbers.",
            missing,
        ),
    }
    return " " + sentences[what] % {"count": missing}


def referrals_chart(table: StatTable) -> tuple[object, str]:
    names = _quarter_names(table)
    totals = _column(table, "Total")
    figure, axes = _figure()
    values = [_value(c) or 0 for c in totals]
    axes.bar(range(len(names)), values, color=BLUE)
    missing = _marked(axes, range(len(names)), totals)
    axes.set_xticks(
        range(len(names)), names, rotation=45 if len(names) > 6 else 0, ha="right" if len(names) > 6 else "center"
    )
    axes.set_ylabel(gettext("Referrals"))
    shown = [(n, _value(c)) for n, c in zip(names, totals, strict=True) if _value(c) is not None]
    words = ""
    if names:
        words = gettext("Bar chart of referrals of children in each quarter from %(first)s to %(last)s.") % {
            "first": names[0],
            "last": names[-1],
        }
    if shown:
        most = max(shown, key=lambda p: p[1] or 0)
        words += " " + gettext("The most were in %(quarter)s (about %(count)s).") % {
            "quarter": most[0],
            "count": f"{int(most[1] or 0):,}",
        }
    return figure, words + _withheld_words(missing, "quarter")


def decisions_chart(table: StatTable) -> tuple[object, str]:
    names = _quarter_names(table)
    negative, positive = (_column(table, h) for h in table.value_headers[:2])
    figure, axes = _figure()
    width = 0.4
    left = [i - width / 2 for i in range(len(names))]
    right = [i + width / 2 for i in range(len(names))]
    axes.bar(right, [_value(c) or 0 for c in positive], width, color=BLUE, label=gettext("Positive"))
    axes.bar(
        left,
        [_value(c) or 0 for c in negative],
        width,
        color=ORANGE,
        hatch="//",
        edgecolor="white",
        label=gettext("Negative"),
    )
    missing = _marked(axes, right, positive) + _marked(axes, left, negative)
    axes.set_xticks(
        range(len(names)), names, rotation=45 if len(names) > 6 else 0, ha="right" if len(names) > 6 else "center"
    )
    axes.set_ylabel(gettext("Decisions"))
    axes.legend(frameon=False)
    stage = table.value_headers[1].removeprefix("Positive ")
    total_pos = sum(_value(c) or 0 for c in positive)
    total_neg = sum(_value(c) or 0 for c in negative)
    if stage == "reasonable grounds":
        sentence = gettext(
            "Bar chart of reasonable grounds decisions in each quarter from %(first)s to %(last)s, positive and "
            "negative side by side. Across the quarters shown, about %(positive)s positive and %(negative)s negative."
        )
    else:
        sentence = gettext(
            "Bar chart of conclusive grounds decisions in each quarter from %(first)s to %(last)s, positive and "
            "negative side by side. Across the quarters shown, about %(positive)s positive and %(negative)s negative."
        )
    words = (
        sentence
        % {
            "first": names[0],
            "last": names[-1],
            "positive": f"{int(total_pos):,}",
            "negative": f"{int(total_neg):,}",
        }
        if names
        else ""
    )
    return figure, words + _withheld_words(missing, "figure")


def times_chart(table: StatTable) -> tuple[object, str]:
    names = _quarter_names(table)
    median, lower, upper = (_column(table, h) for h in ("Median days", "Lower quartile days", "Upper quartile days"))
    figure, axes = _figure()
    xs = [i for i, c in enumerate(median) if _value(c) is not None]
    if xs:
        med = [_value(median[i]) for i in xs]
        low = [(_value(median[i]) or 0) - (_value(lower[i]) or 0) for i in xs]
        high = [(_value(upper[i]) or 0) - (_value(median[i]) or 0) for i in xs]
        axes.errorbar(
            xs, med, yerr=[low, high], fmt="o-", color=DARK_BLUE, ecolor=GREY, capsize=4, label=gettext("Median")
        )
    missing = _marked(axes, range(len(names)), median)
    axes.set_xticks(
        range(len(names)), names, rotation=45 if len(names) > 6 else 0, ha="right" if len(names) > 6 else "center"
    )
    axes.set_ylabel(gettext("Days from referral"))
    axes.set_ylim(bottom=0)
    stage = table.title.split("the ", 1)[-1].split(" decision")[0]
    if stage == "reasonable grounds":
        words = gettext(
            "Line chart of the median days from referral to the reasonable grounds decision in each quarter, with "
            "bars from the lower to the upper quartile."
        )
    else:
        words = gettext(
            "Line chart of the median days from referral to the conclusive grounds decision in each quarter, with "
            "bars from the lower to the upper quartile."
        )
    shown = [(names[i], _value(median[i])) for i in xs]
    if shown:
        words += " " + gettext("The median was %(days)s days in %(quarter)s.") % {
            "days": f"{shown[-1][1]:g}",
            "quarter": shown[-1][0],
        }
    return figure, words + _withheld_words(missing, "quarter")


def interval_chart(table: StatTable, measure: str, label: str) -> tuple[object, str]:
    """Rates for each group with their 95% intervals, for one measure of a rates table."""
    rows = [row for row in table.rows if row.labels[-1] == measure]
    groups = [say(row.labels[0]) for row in rows]
    rates = [row.cells[table.value_headers.index("Rate %")] for row in rows]
    lowers = [row.cells[table.value_headers.index("Lower 95% limit %")] for row in rows]
    uppers = [row.cells[table.value_headers.index("Upper 95% limit %")] for row in rows]
    figure, axes = _figure(height=max(2.5, 0.5 * len(groups) + 1))
    ys = list(range(len(groups)))[::-1]
    for y, rate, low, high in zip(ys, rates, lowers, uppers, strict=True):
        if _value(rate) is not None:
            axes.errorbar(
                [_value(rate)],
                [y],
                xerr=[[(_value(rate) or 0) - (_value(low) or 0)], [(_value(high) or 0) - (_value(rate) or 0)]],
                fmt="o",
                color=BLUE,
                ecolor=DARK_BLUE,
                capsize=4,
            )
    missing = _marked(axes, ys, rates, horizontal=True)
    axes.set_yticks(ys, groups)
    axes.set_xlim(0, 100)
    axes.set_xlabel(say(label))
    shown = [(g, _value(r)) for g, r in zip(groups, rates, strict=True) if _value(r) is not None]
    words = gettext("Dot chart of the %(measure)s rate for each group, with its 95%% interval as a line.") % {
        "measure": say(measure).lower()
    }
    if len(shown) >= 2:
        high_group = max(shown, key=lambda p: p[1] or 0)
        low_group = min(shown, key=lambda p: p[1] or 0)
        words += " " + gettext(
            "Highest: %(highest)s (%(highest_rate)s%%); lowest: %(lowest)s (%(lowest_rate)s%%). Where intervals "
            "overlap the difference may be chance."
        ) % {
            "highest": high_group[0],
            "highest_rate": f"{high_group[1]:g}",
            "lowest": low_group[0],
            "lowest_rate": f"{low_group[1]:g}",
        }
    return figure, words + _withheld_words(missing, "group")


def consistency_chart(table: StatTable) -> tuple[object, str]:
    rows = list(table.rows)
    sites = [row.labels[0] for row in rows]
    index = table.value_headers.index
    ratios = [row.cells[index("Odds ratio against the average site")] for row in rows]
    lowers = [row.cells[index("Lower 95% limit")] for row in rows]
    uppers = [row.cells[index("Upper 95% limit")] for row in rows]
    figure, axes = _figure(height=max(2.5, 0.5 * len(sites) + 1))
    ys = list(range(len(sites)))[::-1]
    axes.axvline(1.0, color=GREY, linestyle="--", linewidth=1)
    for y, ratio, low, high in zip(ys, ratios, lowers, uppers, strict=True):
        if _value(ratio) is not None:
            axes.errorbar(
                [_value(ratio)],
                [y],
                xerr=[[(_value(ratio) or 0) - (_value(low) or 0)], [(_value(high) or 0) - (_value(ratio) or 0)]],
                fmt="o",
                color=BLUE,
                ecolor=DARK_BLUE,
                capsize=4,
            )
    missing = _marked(axes, ys, ratios, y=1.0, horizontal=True)
    axes.set_yticks(ys, sites)
    axes.set_xscale("log")
    axes.set_xlabel(gettext("Adjusted odds of a positive decision against the average site (log scale)"))
    words = (
        gettext(
            "Dot chart of each site's adjusted odds of a positive reasonable grounds decision against the average "
            "site, with 95%% intervals; the dashed line is no difference. An interval clear of the line is worth "
            "discussing, not a verdict."
        )
        % {}
    )
    return figure, words + _withheld_words(missing, "site")


_DRAWERS: dict[str, Callable[[StatTable], tuple[object, str]]] = {
    "referrals_by_quarter": referrals_chart,
    "rg_decisions_by_quarter": decisions_chart,
    "cg_decisions_by_quarter": decisions_chart,
    "rg_times_by_quarter": times_chart,
    "cg_times_by_quarter": times_chart,
    "consistency_between_panels": consistency_chart,
}


def chart_for(table: StatTable) -> Chart | None:
    """The chart drawn from `table`, or None when it has none (or nothing to draw)."""
    if not table.chart or table.is_empty:
        return None
    if table.chart.startswith("disproportionality_by_"):
        figure, words = interval_chart(table, "Positive reasonable grounds", "Positive reasonable grounds decisions %")
        title = gettext("Positive reasonable grounds decisions by %(group)s, with 95%% intervals") % {
            "group": say(table.label_headers[0]).lower()
        }
    elif table.chart == "pilot_decision_times":
        figure, words = pilot_times_chart(table)
        title = say(table.title)
    else:
        figure, words = _DRAWERS[table.chart](table)
        title = say(table.title)
    svg = _svg_of(figure, key=table.chart, title=title, description=words)
    return Chart(table.chart, title, svg, words, table)


def pilot_times_chart(table: StatTable) -> tuple[object, str]:
    rows = list(table.rows)
    names = [" – ".join(say(label) for label in row.labels) for row in rows]
    median = [row.cells[table.value_headers.index("Median days")] for row in rows]
    figure, axes = _figure(height=max(2.5, 0.5 * len(rows) + 1))
    ys = list(range(len(rows)))[::-1]
    colours = [BLUE if row.labels[0] == "Panel" else ORANGE for row in rows]
    axes.barh(ys, [_value(c) or 0 for c in median], color=colours)
    missing = _marked(axes, ys, median, horizontal=True)
    axes.set_yticks(ys, names)
    axes.set_xlabel(gettext("Median days from referral"))
    shown = [(n, _value(c)) for n, c in zip(names, median, strict=True) if _value(c) is not None]
    words = gettext("Bar chart of the median days from referral to decision, the panel's beside the SCA's.")
    if shown:
        days = [gettext("%(name)s: %(days)s days") % {"name": n, "days": f"{v:g}"} for n, v in shown]
        words += " " + "; ".join(days) + "."
    return figure, words + _withheld_words(missing, "figure")


def charts_for(tables: list[StatTable]) -> dict[str, Chart]:
    charts = {}
    for table in tables:
        chart = chart_for(table)
        if chart is not None:
            charts[table.key] = chart
    return charts


def svg_document(chart: Chart) -> bytes:
    """The chart as a standalone SVG file (for the release)."""
    return ('<?xml version="1.0" encoding="utf-8"?>\n' + str(chart.svg)).encode()
