"""The safety map: the places, peer groups and online spaces in a child's life, by risk.

Pure functions over a list of ContextualLink rows: the grouping the tables show and a simple
server-rendered SVG diagram (a grid of kind by risk) with a text description. No script, no map
service: the page works the same without JavaScript, and the tables are the full text alternative.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.utils.translation import gettext, ngettext_lazy
from django.utils.translation import gettext_lazy as _

from childnrm.accounts import nations
from childnrm.accounts.models import Site
from childnrm.panels.models import Agency
from childnrm.safeguarding.models import ContextKind, ContextualLink, Risk

AGENCY_LABELS = dict(Agency.choices)  # England and Wales's words: a page names agencies through agency_names
RISK_ORDER = [Risk.HIGH, Risk.MEDIUM, Risk.LOW, Risk.SAFE]
KIND_ORDER = [ContextKind.PLACE, ContextKind.PEER_GROUP, ContextKind.ONLINE_SPACE]
KIND_PLURAL = {
    ContextKind.PLACE: _("Places"),
    ContextKind.PEER_GROUP: _("Peer groups"),
    ContextKind.ONLINE_SPACE: _("Online spaces"),
}
# "2 places": one message each, as Welsh counts nouns its own way.
KIND_COUNT_WORDS = {
    ContextKind.PLACE: ngettext_lazy("%(count)d place", "%(count)d places", "count"),
    ContextKind.PEER_GROUP: ngettext_lazy("%(count)d peer group", "%(count)d peer groups", "count"),
    ContextKind.ONLINE_SPACE: ngettext_lazy("%(count)d online space", "%(count)d online spaces", "count"),
}
RISK_SHORT = {Risk.HIGH: _("High risk"), Risk.MEDIUM: _("Medium risk"), Risk.LOW: _("Low risk"), Risk.SAFE: _("Safe")}
RISK_TAG = {
    Risk.HIGH: "govuk-tag--red",
    Risk.MEDIUM: "govuk-tag--orange",
    Risk.LOW: "govuk-tag--yellow",
    Risk.SAFE: "govuk-tag--green",
}
# Light fills with near-black text: contrast well above 4.5:1; the row label says the risk in words.
RISK_FILL = {Risk.HIGH: "#f4cdc6", Risk.MEDIUM: "#fcd6c3", Risk.LOW: "#fff7bf", Risk.SAFE: "#cce2d8"}
MAX_NAMES_PER_CELL = 5
NAME_CHARS = 24


@dataclass
class RiskGroup:
    risk: str
    label: str
    tag: str
    links: list[ContextualLink] = field(default_factory=list)


@dataclass
class KindGroup:
    kind: str
    label: str
    risks: list[RiskGroup]

    @property
    def count(self) -> int:
        return sum(len(r.links) for r in self.risks)


def grouped(links: list[ContextualLink]) -> list[KindGroup]:
    """By kind (places, peer groups, online spaces), then by risk, highest first."""
    groups = []
    for kind in KIND_ORDER:
        risks = []
        for risk in RISK_ORDER:
            chosen = sorted((x for x in links if x.kind == kind and x.risk == risk), key=lambda x: x.name.lower())
            risks.append(RiskGroup(risk, RISK_SHORT[risk], RISK_TAG[risk], chosen))
        groups.append(KindGroup(kind, KIND_PLURAL[kind], risks))
    return groups


def counts(links: list[ContextualLink]) -> list[tuple[str, str, int]]:
    """(label, tag class, number) for each risk with at least one current entry."""
    return [
        (RISK_SHORT[risk], RISK_TAG[risk], n) for risk in RISK_ORDER if (n := sum(1 for x in links if x.risk == risk))
    ]


def agency_names(codes: list[str], where: Site | None) -> list[str]:
    """The agencies present (stored codes), the guardian service named as the site's nation names it."""
    labels = nations.agency_labels(AGENCY_LABELS, where)
    return [labels.get(code, code) for code in codes]


def _short(name: str) -> str:
    return name if len(name) <= NAME_CHARS else name[: NAME_CHARS - 1].rstrip() + "…"


def description(links: list[ContextualLink]) -> str:
    """The diagram in words, for its accessible description."""
    if not links:
        return gettext("Nothing is on the safety map yet.")
    parts = []
    for risk in RISK_ORDER:
        in_risk = [x for x in links if x.risk == risk]
        if not in_risk:
            continue
        pieces = []
        for kind in KIND_ORDER:
            names = sorted(x.name for x in in_risk if x.kind == kind)
            if names:
                counted = KIND_COUNT_WORDS[kind] % {"count": len(names)}
                pieces.append(f"{counted} ({', '.join(names)})")
        parts.append(f"{RISK_SHORT[risk]}: {'; '.join(pieces)}.")
    return " ".join(parts)


@dataclass(frozen=True)
class Cell:
    x: int
    y: int
    width: int
    height: int
    fill: str
    lines: list[tuple[int, str]]  # (y, text)


@dataclass(frozen=True)
class Diagram:
    width: int
    height: int
    headers: list[tuple[int, str]]  # (x centre, label)
    row_labels: list[tuple[int, str]]  # (y centre, label)
    cells: list[Cell]
    description: str
    empty: bool


LABEL_WIDTH = 120
COLUMN_WIDTH = 220
HEADER_HEIGHT = 40
LINE_HEIGHT = 22
CELL_PADDING = 14


def diagram(links: list[ContextualLink]) -> Diagram:
    """A grid: a column for each kind, a row for each risk (highest at the top), names in each cell."""
    names: dict[tuple[str, str], list[str]] = {}
    for group in grouped(links):
        for risk_group in group.risks:
            shown = [_short(x.name) for x in risk_group.links[:MAX_NAMES_PER_CELL]]
            hidden = len(risk_group.links) - len(shown)
            if hidden:
                shown.append(gettext("and %(count)s more") % {"count": hidden})
            names[(group.kind, risk_group.risk)] = shown
    cells, row_labels = [], []
    y = HEADER_HEIGHT
    for risk in RISK_ORDER:
        lines_in_row = max(1, *(len(names[(kind, risk)]) for kind in KIND_ORDER))
        height = lines_in_row * LINE_HEIGHT + CELL_PADDING * 2
        row_labels.append((y + height // 2, RISK_SHORT[risk]))
        for i, kind in enumerate(KIND_ORDER):
            x = LABEL_WIDTH + i * COLUMN_WIDTH
            text = names[(kind, risk)] or [gettext("None")]
            lines = [(y + CELL_PADDING + LINE_HEIGHT * (n + 1) - 6, t) for n, t in enumerate(text)]
            cells.append(Cell(x, y, COLUMN_WIDTH, height, RISK_FILL[risk], lines))
        y += height
    headers = [(LABEL_WIDTH + i * COLUMN_WIDTH + COLUMN_WIDTH // 2, KIND_PLURAL[k]) for i, k in enumerate(KIND_ORDER)]
    return Diagram(
        width=LABEL_WIDTH + COLUMN_WIDTH * len(KIND_ORDER),
        height=y + 2,
        headers=headers,
        row_labels=row_labels,
        cells=cells,
        description=description(links),
        empty=not links,
    )
