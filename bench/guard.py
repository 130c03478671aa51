"""The regression guard (issue 16): each page's CPU per request against the last recorded figure.

The figures are kept in `bench/baselines/<name>.json` (committed), one per measuring command and scale:
`{"recorded": ISO time, "commit": ..., "load": ..., "pages": {label: cpu_ms}}`. A run prints every page beside
its recorded figure and flags a change of more than `THRESHOLD` either way (a page that got cheaper is worth a
look too: it may have stopped doing something). `--record` writes the run's figures as the new baseline,
after a run on an idle machine.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

BASELINES = Path(__file__).resolve().parent / "baselines"
THRESHOLD = 0.25


@dataclass(frozen=True)
class Change:
    page: str
    before: float | None
    now: float

    @property
    def ratio(self) -> float | None:
        return None if not self.before else self.now / self.before - 1

    @property
    def flagged(self) -> bool:
        return self.ratio is not None and abs(self.ratio) > THRESHOLD


def compare(now: dict[str, float], baseline: dict[str, float]) -> list[Change]:
    return [Change(page, baseline.get(page), cpu) for page, cpu in now.items()]


def load(name: str) -> dict:
    path = BASELINES / f"{name}.json"
    return json.loads(path.read_text()) if path.exists() else {}


def record(name: str, pages: dict[str, float], *, commit: str = "", load_average: str = "") -> Path:
    BASELINES.mkdir(exist_ok=True)
    path = BASELINES / f"{name}.json"
    data = {
        "recorded": datetime.now(UTC).isoformat(timespec="seconds"),
        "commit": commit,
        "load": load_average,
        "pages": {page: round(cpu, 1) for page, cpu in pages.items()},
    }
    path.write_text(json.dumps(data, indent=2) + "\n")
    return path


def report(name: str, now: dict[str, float]) -> tuple[str, int]:
    """The comparison as text, and how many pages changed by more than the threshold."""
    saved = load(name)
    if not saved:
        return f"\nRegression guard: no recorded figures for {name!r} yet (run again with --record).", 0
    changes = compare(now, saved["pages"])
    lines = [
        f"\nRegression guard: CPU ms per request against {name!r} recorded {saved['recorded']} "
        f"(commit {saved.get('commit') or '?'}, load {saved.get('load') or '?'}); flagged beyond ±{THRESHOLD:.0%}",
        f"{'page':<48} {'recorded':>8} {'now':>8} {'change':>7}",
    ]
    for c in changes:
        change = "new" if c.ratio is None else f"{c.ratio:+.0%}"
        lines.append(
            f"{c.page[:48]:<48} {c.before if c.before is not None else '':>8} {c.now:>8.1f} {change:>7}"
            + ("  <-- CHANGED" if c.flagged else "")
        )
    flagged = sum(c.flagged for c in changes)
    lines.append(f"{flagged} page(s) changed by more than {THRESHOLD:.0%}.")
    return "\n".join(lines), flagged
