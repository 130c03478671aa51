"""Charts of the statistics tables: SVG drawn on the server, element by element, from the protected cells only.

A chart is drawn from the same `StatTable` the page shows under it, so it can show no more than the table
(a suppressed count is a gap marked "[c]", never a bar). Each chart comes with a text description of what it
shows, and its table is its accessible alternative.

The SVG is written here directly (axes, ticks, bars, points, interval lines and labels) rather than through
matplotlib: a release draws eleven charts, and matplotlib's text layout, drawn twice for a tight bounding box,
was close to half the release's time for a few dozen shapes each. Every element and attribute comes from this
module (presentation attributes only: the Content Security Policy allows no inline style), text is escaped by
ElementTree, every id is prefixed with the chart's key so several charts can sit on one page, and the labels
are SVG text in the reader's system sans-serif font, so no font is fetched from anywhere. Text widths for the
layout come from Helvetica's metrics (Arial's are the same).
"""

from __future__ import annotations

import math
import xml.etree.ElementTree as ET
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

from django.utils.translation import gettext, ngettext
from markupsafe import Markup

from childnrm.kit.disclosure import Cell
from childnrm.statistics.tables import STAGES, StatTable
from childnrm.statistics.words import say

SVG_NS = "http://www.w3.org/2000/svg"
# GOV.UK colours: blue, orange, dark blue, green, dark grey; the text colour.
BLUE, ORANGE, DARK_BLUE, GREEN, GREY = "#1d70b8", "#f47738", "#003078", "#00703c", "#505a5f"
INK = "#0b0c0c"
FONT = "Arial, Helvetica, sans-serif"
TICK_SIZE, LABEL_SIZE, MARK_SIZE = 12.0, 13.0, 11.0
WIDTH = 640.0
ROW_HEIGHT = 40.0  # a horizontal chart's height per group (as matplotlib's 0.5 inch at 80 units an inch)

# Helvetica's advance widths (thousandths of the font size) for ASCII from space; other characters count as
# an average letter. Good enough to leave room for labels; the layout does not depend on it being exact.
_WIDTHS = (
    278, 278, 355, 556, 556, 889, 667, 222, 333, 333, 389, 584, 278, 333, 278, 278, 556, 556, 556, 556, 556, 556,
    556, 556, 556, 556, 278, 278, 584, 584, 584, 556, 1015, 667, 667, 722, 722, 667, 611, 778, 722, 278, 500, 667,
    556, 833, 722, 778, 667, 778, 722, 667, 611, 722, 667, 944, 667, 667, 611, 278, 278, 278, 469, 556, 222, 556,
    556, 500, 556, 556, 278, 556, 556, 222, 222, 500, 222, 833, 556, 556, 556, 556, 333, 500, 278, 556, 500, 722,
    500, 500, 500, 334, 260, 334, 584,
)  # fmt: skip


def text_width(text: str, size: float) -> float:
    return size * sum(_WIDTHS[ord(ch) - 32] if 32 <= ord(ch) < 127 else 556 for ch in text) / 1000


def _number(value: float) -> str:
    """A coordinate as short text: two decimals at most, no trailing zeros."""
    return f"{value:.2f}".rstrip("0").rstrip(".") or "0"


def _tick_label(value: float) -> str:
    return f"{value:,.10g}" if value >= 1 or value == 0 else f"{value:g}"


def nice_ticks(high: float) -> list[float]:
    """Ticks from 0 to the first round number at or above `high` (steps of 1, 2, 2.5 or 5 times a power of
    ten), at most eight of them, as matplotlib chooses them."""
    if high <= 0:
        return [0.0, 0.2, 0.4, 0.6, 0.8, 1.0]
    raw = high / 6
    power = 10 ** math.floor(math.log10(raw))
    step = next(m * power for m in (1, 2, 2.5, 5, 10) if m * power >= raw)
    count = math.ceil(high / step - 1e-9)
    return [round(i * step, 10) for i in range(count + 1)]


def log_ticks(low: float, high: float) -> list[float]:
    """Ticks of a log scale between `low` and `high`: 1, 2 and 5 times each power of ten while that gives no
    more than eight, else the powers of ten alone; with fewer than two, the ends (two significant figures,
    inside the scale) as well."""
    first, last = math.floor(math.log10(low)), math.ceil(math.log10(high))
    ticks = [m * 10.0**p for p in range(first, last + 1) for m in (1, 2, 5)]
    ticks = [t for t in ticks if low <= t <= high]
    if len(ticks) > 8:
        ticks = [10.0**p for p in range(first, last + 1) if low <= 10.0**p <= high]
    if len(ticks) < 2:
        ticks = sorted({*ticks, _two_figures(low, up=True), _two_figures(high, up=False)})
    return ticks


def _two_figures(value: float, *, up: bool) -> float:
    step = 10.0 ** (math.floor(math.log10(value)) - 1)
    steps = round(value / step, 9)  # 1.4 / 0.1 is 13.999...
    return round((math.ceil(steps) if up else math.floor(steps)) * step, 12)


@dataclass
class _Scale:
    low: float
    high: float
    start: float  # drawing coordinate of `low`
    end: float  # drawing coordinate of `high`
    log: bool = False

    def __call__(self, value: float) -> float:
        if self.log:
            value, low, high = math.log10(value), math.log10(self.low), math.log10(self.high)
        else:
            low, high = self.low, self.high
        return self.start + (value - low) / (high - low) * (self.end - self.start)


@dataclass
class _Drawing:
    """One chart: categories in bands along one axis (across, or down when `horizontal`), values along the
    other, and the SVG elements drawn so far."""

    key: str
    categories: list[str]
    horizontal: bool
    value_ticks: list[float]
    value_label: str
    log: bool = False
    domain: tuple[float, float] | None = None  # the value axis's ends, when not its first and last ticks
    height: float = 320.0
    legend: bool = False  # leave room above the plot for a legend
    elements: list[ET.Element] = field(default_factory=list)
    defs: list[ET.Element] = field(default_factory=list)

    def __post_init__(self) -> None:
        ticks = [_tick_label(t) for t in self.value_ticks]
        low, high = self.domain or (self.value_ticks[0], self.value_ticks[-1])
        if self.horizontal:
            widest = max((text_width(c, TICK_SIZE) for c in self.categories), default=0.0)
            self.left = min(8 + widest + 8, WIDTH * 0.45)
            self.bottom = self.height - (8 + TICK_SIZE + 8 + LABEL_SIZE + 6)
            self.right, self.top = WIDTH - 24, 12.0
            self.value = _Scale(low, high, self.left, self.right, self.log)
        else:
            widest = max((text_width(t, TICK_SIZE) for t in ticks), default=0.0)
            self.left = 6 + LABEL_SIZE + 10 + widest + 8
            self.rotated = len(self.categories) > 6
            longest = max((text_width(c, TICK_SIZE) for c in self.categories), default=0.0)
            under = (longest + TICK_SIZE) * math.sqrt(0.5) + 12 if self.rotated else TICK_SIZE + 14
            self.bottom, self.right, self.top = self.height - under, WIDTH - 16, 34.0 if self.legend else 16.0
            self.value = _Scale(low, high, self.bottom, self.top, self.log)
        across = (self.left, self.right) if not self.horizontal else (self.top, self.bottom)
        self.band = (across[1] - across[0]) / max(1, len(self.categories))

    # --- Where things go ---

    def centre(self, index: float) -> float:
        """The drawing coordinate of category `index` (0 is the first: leftmost, or top when horizontal)."""
        start = self.top if self.horizontal else self.left
        return start + (index + 0.5) * self.band

    def point(self, index: float, value: float) -> tuple[float, float]:
        """(x, y) of a value at a category."""
        return (self.value(value), self.centre(index)) if self.horizontal else (self.centre(index), self.value(value))

    # --- Shapes ---

    def add(self, tag: str, **attributes: object) -> ET.Element:
        element = ET.Element(f"{{{SVG_NS}}}{tag}", {k.replace("_", "-"): _attribute(v) for k, v in attributes.items()})
        self.elements.append(element)
        return element

    def text(self, x: float, y: float, words: str, *, size: float = TICK_SIZE, anchor: str = "middle", **extra) -> None:
        element = self.add("text", x=x, y=y, font_size=size, font_family=FONT, text_anchor=anchor, **extra)
        element.text = words
        if "fill" not in extra:
            element.set("fill", INK)

    def bar(self, index: float, value: float, thickness: float, fill: str) -> None:
        """A bar from zero to `value`, `thickness` in category bands (1 fills the band)."""
        size = thickness * self.band
        zero, end = self.value(self.value.low), self.value(value)
        if self.horizontal:
            self.add(
                "rect", x=zero, y=self.centre(index) - size / 2, width=max(0.0, end - zero), height=size, fill=fill
            )
        else:
            self.add("rect", x=self.centre(index) - size / 2, y=end, width=size, height=max(0.0, zero - end), fill=fill)

    def interval(self, index: float, low: float, high: float, colour: str) -> None:
        """An interval line with caps at both ends."""
        (x1, y1), (x2, y2) = self.point(index, low), self.point(index, high)
        self.add("line", x1=x1, y1=y1, x2=x2, y2=y2, stroke=colour, stroke_width=1.5)
        for x, y in ((x1, y1), (x2, y2)):
            if self.horizontal:
                self.add("line", x1=x, y1=y - 4, x2=x, y2=y + 4, stroke=colour, stroke_width=1.5)
            else:
                self.add("line", x1=x - 4, y1=y, x2=x + 4, y2=y, stroke=colour, stroke_width=1.5)

    def dot(self, index: float, value: float, colour: str) -> None:
        x, y = self.point(index, value)
        self.add("circle", cx=x, cy=y, r=4.5, fill=colour)

    def mark(self, index: float, cell: Cell, at: float = 0.0) -> None:
        """The marker ("[c]", "[low]") where a value is not shown."""
        x, y = self.point(index, at)
        if self.horizontal:
            self.text(x + 4, y + MARK_SIZE * 0.35, str(cell), size=MARK_SIZE, anchor="start", fill=GREY)
        else:
            self.text(x, y - 3, str(cell), size=MARK_SIZE, fill=GREY)

    def hatch(self, name: str, background: str, lines: str) -> str:
        """A diagonal hatching to fill with (so a series is told apart by more than its colour); its url."""
        pattern_id = f"{self.key}-{name}"
        pattern = ET.Element(
            f"{{{SVG_NS}}}pattern",
            {"id": pattern_id, "width": "8", "height": "8", "patternUnits": "userSpaceOnUse"},
        )
        ET.SubElement(pattern, f"{{{SVG_NS}}}rect", {"width": "8", "height": "8", "fill": background})
        ET.SubElement(
            pattern,
            f"{{{SVG_NS}}}path",
            {"d": "M-2,2 l4,-4 M0,8 l8,-8 M6,10 l4,-4", "stroke": lines, "stroke-width": "1.5"},
        )
        self.defs.append(pattern)
        return f"url(#{pattern_id})"

    def key_to(self, entries: Sequence[tuple[str, str]]) -> None:
        """The legend: swatches with their labels in a line above the plot, ending at its right edge."""
        x = self.right - sum(22 + text_width(label, TICK_SIZE) + 16 for label, _ in entries) + 16
        for label, fill in entries:
            self.add("rect", x=x, y=8.0, width=16, height=TICK_SIZE, fill=fill)
            self.text(x + 22, 8 + TICK_SIZE * 0.85, label, anchor="start")
            x += 22 + text_width(label, TICK_SIZE) + 16

    # --- The axes and the document ---

    def axes(self) -> list[ET.Element]:
        """The two axes (the plot's left and bottom edges), their ticks and labels, and the value axis's title."""
        shapes: list[ET.Element] = []
        saved, self.elements = self.elements, shapes
        self.add("line", x1=self.left, y1=self.bottom, x2=self.right, y2=self.bottom, stroke=INK, stroke_width=1)
        self.add("line", x1=self.left, y1=self.top, x2=self.left, y2=self.bottom, stroke=INK, stroke_width=1)
        for tick in self.value_ticks:
            at, words = self.value(tick), _tick_label(tick)
            if self.horizontal:
                self.add("line", x1=at, y1=self.bottom, x2=at, y2=self.bottom + 5, stroke=INK, stroke_width=1)
                self.text(at, self.bottom + 8 + TICK_SIZE, words)
            else:
                self.add("line", x1=self.left - 5, y1=at, x2=self.left, y2=at, stroke=INK, stroke_width=1)
                self.text(self.left - 8, at + TICK_SIZE * 0.35, words, anchor="end")
        for index, name in enumerate(self.categories):
            at = self.centre(index)
            if self.horizontal:
                self.add("line", x1=self.left - 5, y1=at, x2=self.left, y2=at, stroke=INK, stroke_width=1)
                self.text(self.left - 8, at + TICK_SIZE * 0.35, name, anchor="end")
            elif self.rotated:
                self.add("line", x1=at, y1=self.bottom, x2=at, y2=self.bottom + 5, stroke=INK, stroke_width=1)
                y = self.bottom + 8 + TICK_SIZE * 0.7
                self.text(at, y, name, anchor="end", transform=f"rotate(-45 {_number(at)} {_number(y)})")
            else:
                self.add("line", x1=at, y1=self.bottom, x2=at, y2=self.bottom + 5, stroke=INK, stroke_width=1)
                self.text(at, self.bottom + 8 + TICK_SIZE, name)
        if self.horizontal:
            self.text((self.left + self.right) / 2, self.height - 6, self.value_label, size=LABEL_SIZE)
        else:
            x, y = 6 + LABEL_SIZE, (self.top + self.bottom) / 2
            self.text(x, y, self.value_label, size=LABEL_SIZE, transform=f"rotate(-90 {_number(x)} {_number(y)})")
        self.elements = saved
        return shapes

    def svg(self, *, title: str, description: str) -> str:
        """The chart as SVG markup: role="img" named by its <title> and described by its <desc>."""
        root = ET.Element(
            f"{{{SVG_NS}}}svg",
            {
                "viewBox": f"0 0 {_number(WIDTH)} {_number(self.height)}",
                "version": "1.1",
                "role": "img",
                "aria-labelledby": f"{self.key}-title {self.key}-desc",
                "focusable": "false",
            },
        )
        ET.SubElement(root, f"{{{SVG_NS}}}title", {"id": f"{self.key}-title"}).text = title
        ET.SubElement(root, f"{{{SVG_NS}}}desc", {"id": f"{self.key}-desc"}).text = description
        if self.defs:
            ET.SubElement(root, f"{{{SVG_NS}}}defs").extend(self.defs)
        root.extend(self.elements)
        root.extend(self.axes())  # drawn last, over the bars
        ET.register_namespace("", SVG_NS)
        return ET.tostring(root, encoding="unicode")


def _attribute(value: object) -> str:
    return _number(value) if isinstance(value, float) else str(value)


@dataclass(frozen=True)
class Chart:
    key: str
    title: str
    svg: Markup
    description: str
    table: StatTable


NOT_SHOWN = Cell(None, True)  # a total a table does not have: described as hidden, never worked out


def _value(cell: Cell) -> float | None:
    return None if cell.suppressed or cell.value is None else float(cell.value)


def _quarter_names(table: StatTable) -> list[str]:
    """Each quarter's row as the chart names it, in the page's language ("2026 Q3")."""
    return [say(" ".join(row.labels)) for row in table.rows if not row.total]


def _column(table: StatTable, key: str) -> list[Cell]:
    """The cells of each quarter (or group) in the column with this key: found by its key, never by its heading,
    which may be translated."""
    index = table.column(key)
    return [row.cells[index] for row in table.rows if not row.total]


def _total(table: StatTable, key: str) -> Cell | None:
    """The table's protected total in the column with this key (its totals row), or None when it has none."""
    index = table.column(key)
    return next((row.cells[index] for row in table.rows if row.total), None)


def _marked(drawing: _Drawing, positions: Sequence[float], cells: list[Cell], *, at: float = 0.0) -> int:
    """Write the marker ("[c]", "[low]", "[x]") where a value is not shown; returns how many of them disclosure
    control hid ("[c]", "[low]"): an "[x]" (nothing to show: no decisions, not in the model) hides nothing."""
    hidden = 0
    for position, cell in zip(positions, cells, strict=True):
        if _value(cell) is None:
            hidden += cell.suppressed
            drawing.mark(position, cell, at)
    return hidden


def _count(value: float) -> str:
    return f"{int(value):,}"


def _largest(names: Sequence[str], cells: Sequence[Cell]) -> tuple[str, float] | None:
    """The name and figure of the one largest figure shown, or None when none is above zero or two share it: a
    largest of 0, or of figures all hidden, says nothing."""
    shown = [(name, value) for name, cell in zip(names, cells, strict=True) if (value := _value(cell)) is not None]
    top = max((value for _, value in shown), default=0.0)
    at_top = [pair for pair in shown if pair[1] == top]
    return at_top[0] if top > 0 and len(at_top) == 1 else None


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


def _rows_height(rows: int) -> float:
    """A horizontal chart's height: room for every group (at least 2.5 rows' worth)."""
    return 80.0 * max(2.5, 0.5 * rows + 1)


def _ticks_for(values: Sequence[float | None]) -> list[float]:
    return nice_ticks(max((v for v in values if v is not None), default=0.0))


def referrals_chart(table: StatTable) -> tuple[_Drawing, str]:
    """Referrals in each quarter: the table's totals column, described by its published figures (the period's
    total from its totals row, never a sum of the quarters left visible)."""
    names = _quarter_names(table)
    totals = _column(table, "Total")
    values = [_value(c) or 0 for c in totals]
    drawing = _Drawing(table.chart, names, False, _ticks_for(values), gettext("Referrals"))
    for i, value in enumerate(values):
        drawing.bar(i, value, 0.8, BLUE)
    hidden = _marked(drawing, range(len(names)), totals)
    words = ""
    if names:
        words = gettext("Bar chart of referrals of children in each quarter from %(first)s to %(last)s.") % {
            "first": names[0],
            "last": names[-1],
        }
    everything = _value(_total(table, "Total") or NOT_SHOWN)
    if everything == 0:
        words += " " + gettext("There were no referrals of children in these quarters.")
    elif everything is not None:
        words += " " + ngettext(
            "In all, about %(count)s referral.", "In all, about %(count)s referrals.", int(everything)
        ) % {"count": _count(everything)}
    largest = _largest(names, totals)
    if largest is not None:
        if any(_value(c) is None for c in totals):  # a hidden quarter may hold more: say so
            sentence = gettext("Of the quarters shown, the most were in %(quarter)s (about %(count)s).")
        else:
            sentence = gettext("The most were in %(quarter)s (about %(count)s).")
        words += " " + sentence % {"quarter": largest[0], "count": _count(largest[1])}
    return drawing, words + _withheld_words(hidden, "quarter")


def _decision_totals(table: StatTable, negative_key: str, positive_key: str) -> str:
    """The decisions of the whole period, positive and negative, as the table's totals row publishes them (a
    hidden total is never worked out, and never replaced by a sum of the visible quarters)."""
    negative = _value(_total(table, negative_key) or NOT_SHOWN)
    positive = _value(_total(table, positive_key) or NOT_SHOWN)
    everything = _value(_total(table, "Total") or NOT_SHOWN)
    if everything == 0:
        return gettext("There were no decisions in these quarters.")
    if positive is not None and negative is not None:
        return gettext("In all, about %(positive)s positive and %(negative)s negative.") % {
            "positive": _count(positive),
            "negative": _count(negative),
        }
    if positive is not None:
        return gettext(
            "In all, about %(positive)s positive; how many were negative is not shown, to protect small numbers."
        ) % {"positive": _count(positive)}
    if negative is not None:
        return gettext(
            "In all, about %(negative)s negative; how many were positive is not shown, to protect small numbers."
        ) % {"negative": _count(negative)}
    if everything is not None:
        return ngettext(
            "In all, about %(count)s decision; whether it was positive or negative is not shown, to protect small "
            "numbers.",
            "In all, about %(count)s decisions; how many were positive and how many negative is not shown, to "
            "protect small numbers.",
            int(everything),
        ) % {"count": _count(everything)}
    return gettext("The totals for the period are not shown, to protect small numbers.")


def decisions_chart(table: StatTable) -> tuple[_Drawing, str]:
    """Positive and negative decisions in each quarter, side by side; the stage is the chart's (its key names it),
    the columns found by their keys, so the wording is the same whatever language the headings are in."""
    stage = STAGES[table.chart.split("_", 1)[0]]
    names = _quarter_names(table)
    negative_key, positive_key = f"Negative {stage}", f"Positive {stage}"
    negative, positive = _column(table, negative_key), _column(table, positive_key)
    positives, negatives = [_value(c) or 0 for c in positive], [_value(c) or 0 for c in negative]
    drawing = _Drawing(table.chart, names, False, _ticks_for(positives + negatives), gettext("Decisions"), legend=True)
    hatched = drawing.hatch("negative", ORANGE, "white")
    width = 0.4
    left = [i - width / 2 for i in range(len(names))]
    right = [i + width / 2 for i in range(len(names))]
    for at, value in zip(right, positives, strict=True):
        drawing.bar(at, value, width, BLUE)
    for at, value in zip(left, negatives, strict=True):
        drawing.bar(at, value, width, hatched)
    hidden = _marked(drawing, right, positive) + _marked(drawing, left, negative)
    drawing.key_to([(gettext("Positive"), BLUE), (gettext("Negative"), hatched)])
    if not names:
        return drawing, ""
    if stage == STAGES["rg"]:
        sentence = gettext(
            "Bar chart of reasonable grounds decisions in each quarter from %(first)s to %(last)s, positive and "
            "negative side by side."
        )
    else:
        sentence = gettext(
            "Bar chart of conclusive grounds decisions in each quarter from %(first)s to %(last)s, positive and "
            "negative side by side."
        )
    words = sentence % {"first": names[0], "last": names[-1]}
    words += " " + _decision_totals(table, negative_key, positive_key)
    return drawing, words + _withheld_words(hidden, "figure")


def times_chart(table: StatTable) -> tuple[_Drawing, str]:
    names = _quarter_names(table)
    median, lower, upper = (_column(table, h) for h in ("Median days", "Lower quartile days", "Upper quartile days"))
    xs = [i for i, c in enumerate(median) if _value(c) is not None]
    highs = [_value(upper[i]) if _value(upper[i]) is not None else _value(median[i]) for i in xs]
    drawing = _Drawing(table.chart, names, False, _ticks_for(highs), gettext("Days from referral"))
    for i in xs:
        med = _value(median[i]) or 0
        low, high = _value(lower[i]), _value(upper[i])
        drawing.interval(i, med if low is None else low, med if high is None else high, GREY)
    if xs:
        points = " ".join(
            f"{_number(x)},{_number(y)}" for x, y in (drawing.point(i, _value(median[i]) or 0) for i in xs)
        )
        drawing.add("polyline", points=points, fill="none", stroke=DARK_BLUE, stroke_width=1.5)
    for i in xs:
        drawing.dot(i, _value(median[i]) or 0, DARK_BLUE)
    hidden = _marked(drawing, range(len(names)), median)
    if table.chart.startswith("rg_"):  # the stage as the chart's key names it, never from the (translated) title
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
    return drawing, words + _withheld_words(hidden, "quarter")


def _dots_with_intervals(
    drawing: _Drawing, estimates: list[Cell], lowers: list[Cell], uppers: list[Cell], *, clamp: tuple[float, float]
) -> None:
    """A dot for each shown estimate with its interval as a line (ends kept inside the axis)."""
    for i, (estimate, low, high) in enumerate(zip(estimates, lowers, uppers, strict=True)):
        value = _value(estimate)
        if value is None or not math.isfinite(value):
            continue

        def inside(v: float | None, fallback: float) -> float:
            v = fallback if v is None or math.isnan(v) else v
            return min(max(v, clamp[0]), clamp[1])

        drawing.interval(i, inside(_value(low), value), inside(_value(high), value), DARK_BLUE)
        drawing.dot(i, inside(value, value), BLUE)


def interval_chart(table: StatTable, measure: str, label: str) -> tuple[_Drawing, str]:
    """Rates for each group with their 95% intervals, for one measure of a rates table."""
    rows = [row for row in table.rows if row.labels[-1] == measure]
    groups = [say(row.labels[0]) for row in rows]
    rates = [row.cells[table.column("Rate %")] for row in rows]
    lowers = [row.cells[table.column("Lower 95% limit %")] for row in rows]
    uppers = [row.cells[table.column("Upper 95% limit %")] for row in rows]
    drawing = _Drawing(
        table.chart, groups, True, [0.0, 20.0, 40.0, 60.0, 80.0, 100.0], say(label), height=_rows_height(len(groups))
    )
    _dots_with_intervals(drawing, rates, lowers, uppers, clamp=(0.0, 100.0))
    hidden = _marked(drawing, range(len(groups)), rates)
    shown = [(g, _value(r)) for g, r in zip(groups, rates, strict=True) if _value(r) is not None]
    words = gettext("Dot chart of the %(measure)s rate for each group, with its 95%% interval as a line.") % {
        "measure": say(measure).lower()
    }
    if len(shown) >= 2:
        high_group = max(shown, key=lambda p: p[1] or 0)
        low_group = min(shown, key=lambda p: p[1] or 0)
        if len(shown) < len(rates):  # a group not shown may be higher or lower: say so
            sentence = gettext(
                "Of the groups shown, highest: %(highest)s (%(highest_rate)s%%); lowest: %(lowest)s "
                "(%(lowest_rate)s%%). Where intervals overlap the difference may be chance."
            )
        else:
            sentence = gettext(
                "Highest: %(highest)s (%(highest_rate)s%%); lowest: %(lowest)s (%(lowest_rate)s%%). Where intervals "
                "overlap the difference may be chance."
            )
        words += " " + sentence % {
            "highest": high_group[0],
            "highest_rate": f"{high_group[1]:g}",
            "lowest": low_group[0],
            "lowest_rate": f"{low_group[1]:g}",
        }
    return drawing, words + _withheld_words(hidden, "group")


def consistency_chart(table: StatTable) -> tuple[_Drawing, str]:
    rows = list(table.rows)
    sites = [row.labels[0] for row in rows]
    index = table.column
    ratios = [row.cells[index("Odds ratio against the average site")] for row in rows]
    lowers = [row.cells[index("Lower 95% limit")] for row in rows]
    uppers = [row.cells[index("Upper 95% limit")] for row in rows]
    # A log scale around 1 (no difference) wide enough for every shown interval.
    shown = [v for c in (*ratios, *lowers, *uppers) if (v := _value(c)) is not None and 0 < v < math.inf]
    low, high = min([*shown, 1.0]) / 1.25, max([*shown, 1.0]) * 1.25
    drawing = _Drawing(
        table.chart,
        sites,
        True,
        log_ticks(low, high),
        gettext("Adjusted odds of a positive decision against the average site (log scale)"),
        log=True,
        domain=(low, high),
        height=_rows_height(len(sites)),
    )
    one = drawing.value(1.0)
    drawing.add(
        "line", x1=one, y1=drawing.top, x2=one, y2=drawing.bottom, stroke=GREY, stroke_width=1, stroke_dasharray="5,4"
    )
    _dots_with_intervals(drawing, ratios, lowers, uppers, clamp=(low, high))
    hidden = _marked(drawing, range(len(sites)), ratios, at=1.0)
    words = (
        gettext(
            "Dot chart of each site's adjusted odds of a positive reasonable grounds decision against the average "
            "site, with 95%% intervals; the dashed line is no difference. An interval clear of the line is worth "
            "discussing, not a verdict."
        )
        % {}
    )
    return drawing, words + _withheld_words(hidden, "site")


def pilot_times_chart(table: StatTable) -> tuple[_Drawing, str]:
    rows = list(table.rows)
    names = [" – ".join(say(label) for label in row.labels) for row in rows]
    median = [row.cells[table.column("Median days")] for row in rows]
    values = [_value(c) or 0 for c in median]
    drawing = _Drawing(
        table.chart,
        names,
        True,
        _ticks_for(values),
        gettext("Median days from referral"),
        height=_rows_height(len(rows)),
    )
    for i, (row, value) in enumerate(zip(rows, values, strict=True)):
        drawing.bar(i, value, 0.8, BLUE if row.labels[0] == "Panel" else ORANGE)
    hidden = _marked(drawing, range(len(rows)), median)
    shown = [(n, _value(c)) for n, c in zip(names, median, strict=True) if _value(c) is not None]
    words = gettext("Bar chart of the median days from referral to decision, the panel's beside the SCA's.")
    if shown:
        days = [gettext("%(name)s: %(days)s days") % {"name": n, "days": f"{v:g}"} for n, v in shown]
        words += " " + "; ".join(days) + "."
    return drawing, words + _withheld_words(hidden, "figure")


_DRAWERS: dict[str, Callable[[StatTable], tuple[_Drawing, str]]] = {
    "referrals_by_quarter": referrals_chart,
    "rg_decisions_by_quarter": decisions_chart,
    "cg_decisions_by_quarter": decisions_chart,
    "rg_times_by_quarter": times_chart,
    "cg_times_by_quarter": times_chart,
    "consistency_between_panels": consistency_chart,
    "pilot_decision_times": pilot_times_chart,
}


def chart_for(table: StatTable) -> Chart | None:
    """The chart drawn from `table`, or None when it has none (or nothing to draw)."""
    if not table.chart or table.is_empty:
        return None
    if table.chart.startswith("disproportionality_by_"):
        drawing, words = interval_chart(table, "Positive reasonable grounds", "Positive reasonable grounds decisions %")
        title = gettext("Positive reasonable grounds decisions by %(group)s, with 95%% intervals") % {
            "group": say(table.label_headers[0]).lower()
        }
    else:
        drawing, words = _DRAWERS[table.chart](table)
        title = say(table.title)
    # Built with ElementTree from this module's own elements: the labels' text is escaped there.
    svg = Markup(drawing.svg(title=title, description=words))  # noqa: S704
    return Chart(table.chart, title, svg, words, table)


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
