"""A differentially private synthetic copy of the extract's categorical columns, for open publication.

pac-synth's DpAggregateSeededSynthesizer (Microsoft's, the method behind CTDC's Global Synthetic Dataset) counts
every combination of up to `reporting_length` attribute values, adds Gaussian noise calibrated to (epsilon, delta)
and samples synthetic records from the noisy counts. No pseudonym, date or free text goes in: only the categories
below, so no synthetic row can carry an identifier.

A value the synthesiser could not report privately (too few cases have it) is left blank in that row: blank is a
category of its own in the comparisons, and the report gives the share of blank cells.

The report says what privacy budget was spent and how closely the synthetic tables match the real ones: the total
variation distance (TVD) of every one- and two-way marginal, and the mean absolute error of the main NRM counts.
It holds no real count, so it can be published with the file. The fidelity figures themselves are computed from
the real data outside the differential privacy guarantee; they summarise errors, not cells.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from itertools import combinations
from typing import Any

import pandas as pd

from childnrm.evaluation.extract import CaseSource, age_band, exploitation_group
from childnrm.evaluation.regions import region_of
from childnrm.kit.errors import ServiceError

DEFAULT_EPSILON = 4.0
# Combinations of up to two categories are counted: with a site's few hundred cases, three-way counts spread the
# budget so thin that many values are withheld (measured: at 300 cases and epsilon 4, half the cells blank with
# three, about a sixth with two); from some thousands of cases the two agree.
REPORTING_LENGTH = 2
# Below this many cases the noise swamps the counts (and pac-synth may fail to draw a positive total).
MIN_RECORDS = 100
# The share of epsilon spent on the noisy number of records (pac-synth's default is 0.005; a little more keeps the
# noisy total positive for a small site's few hundred cases).
RECORDS_EPSILON_PROPORTION = 0.05
NONE = "none"

COLUMNS = [
    "site",
    "referral_year",
    "sex",
    "age_band",
    "nationality_region",
    "ethnicity_group",
    "exploitation_group",
    "county_lines",
    "first_responder_type",
    "route",
    "rg_outcome",
    "cg_outcome",
    "plan_agreed_at_sitting",
]
# The main NRM counts, as the published tables cross them.
NRM_TABLES: list[tuple[str, ...]] = [
    ("referral_year",),
    ("referral_year", "rg_outcome"),
    ("referral_year", "cg_outcome"),
    ("site", "route"),
    ("exploitation_group",),
    ("sex",),
    ("age_band",),
]
ETHNIC_GROUPS = ("asian", "black", "mixed", "white", "other")


class SyntheticError(ServiceError):
    pass


def ethnicity_group(code: str) -> str:
    if code in ("not_known", "not_stated", ""):
        return code or "not_known"
    prefix = code.split("_", 1)[0]
    return prefix if prefix in ETHNIC_GROUPS else "other"


def synthetic_source_frame(sources: Sequence[CaseSource]) -> pd.DataFrame:
    """The real categorical table the synthesiser learns from: one row per case, every cell a category (pac-synth
    ignores empty cells, so an absent decision is "none")."""
    rows = [
        {
            "site": s.site,
            "referral_year": str(s.referred_on.year),
            "sex": s.sex,
            "age_band": age_band(s.age),
            "nationality_region": region_of(s.nationality),
            "ethnicity_group": ethnicity_group(s.ethnicity),
            "exploitation_group": exploitation_group(s.exploitation_types),
            "county_lines": "yes" if s.county_lines else "no",
            "first_responder_type": s.referrer_type,
            "route": s.route,
            "rg_outcome": s.rg.outcome if s.rg else NONE,
            "cg_outcome": s.cg.outcome if s.cg else NONE,
            "plan_agreed_at_sitting": ("yes" if s.rg.plan_agreed_at_sitting else "no") if s.rg else NONE,
        }
        for s in sources
    ]
    return pd.DataFrame(rows, columns=COLUMNS)


@dataclass(frozen=True)
class Synthesis:
    frame: pd.DataFrame
    epsilon: float
    delta: float
    dp_records: int  # pac-synth's differentially private count of the real records


def default_delta(records: int) -> float:
    """pac-synth's own default, 1 / (ln(n) * n), computed here so the report can state it."""
    return 1 / (math.log(records) * records)


def synthesise(real: pd.DataFrame, *, epsilon: float = DEFAULT_EPSILON) -> Synthesis:
    from pacsynth import Dataset, DpAggregateSeededParametersBuilder, DpAggregateSeededSynthesizer

    if epsilon <= 0:
        raise SyntheticError("Epsilon must be more than 0", field="epsilon")
    if len(real) < MIN_RECORDS:
        raise SyntheticError(
            f"There are {'fewer than ' + str(MIN_RECORDS) if len(real) else 'no'} cases: too few for a synthetic "
            "dataset to be both private and useful",
            code="too_few",
        )
    delta = default_delta(len(real))
    parameters = (
        DpAggregateSeededParametersBuilder()
        .reporting_length(REPORTING_LENGTH)
        .epsilon(epsilon)
        .delta(delta)
        .number_of_records_epsilon_proportion(RECORDS_EPSILON_PROPORTION)
        .build()
    )
    synthesizer = DpAggregateSeededSynthesizer(parameters)
    try:
        synthesizer.fit(Dataset.from_data_frame(real[COLUMNS]))
        # As many rows as the private count of cases: left to itself pac-synth draws until every noisy count is
        # spent, which adds rows of withheld (blank) values (measured: a sixth more rows at 300 cases, 14% of the
        # cells blank at 100,000).
        dp_records = int(synthesizer.get_dp_number_of_records())
        raw = synthesizer.sample(dp_records)
    except BaseException as problem:  # a Rust panic arrives as pyo3's PanicException, a BaseException
        if isinstance(problem, KeyboardInterrupt | SystemExit):
            raise
        raise SyntheticError(f"The synthesiser could not draw from these cases ({problem}); run it again") from None
    frame = Dataset.raw_data_to_data_frame(raw).reindex(columns=COLUMNS).fillna("")
    return Synthesis(frame=frame, epsilon=epsilon, delta=delta, dp_records=dp_records)


# How close the synthetic tables are --------------------------------------------------------------------


def total_variation(real: pd.DataFrame, synthetic: pd.DataFrame, columns: Sequence[str]) -> float:
    """Half the sum of absolute differences between the two tables' proportions over every cell of `columns`."""
    p = real.groupby(list(columns)).size() / len(real)
    q = synthetic.groupby(list(columns)).size() / len(synthetic)
    p, q = p.align(q, fill_value=0.0)
    return float((p - q).abs().sum() / 2)


def count_error(real: pd.DataFrame, synthetic: pd.DataFrame, columns: Sequence[str]) -> tuple[float, int]:
    """(sum of absolute count differences, number of cells) over the union of both tables' cells."""
    a = real.groupby(list(columns)).size()
    b = synthetic.groupby(list(columns)).size()
    a, b = a.align(b, fill_value=0)
    return float((a - b).abs().sum()), len(a)


def _summary(values: dict[str, float]) -> dict[str, Any]:
    figures = list(values.values())
    return {
        "mean_tvd": round(sum(figures) / len(figures), 6) if figures else 0.0,
        "max_tvd": round(max(figures), 6) if figures else 0.0,
    }


def fidelity(real: pd.DataFrame, synthetic: pd.DataFrame) -> dict[str, Any]:
    one = {c: round(total_variation(real, synthetic, [c]), 6) for c in COLUMNS}
    two = {f"{a} × {b}": round(total_variation(real, synthetic, [a, b]), 6) for a, b in combinations(COLUMNS, 2)}
    tables = {}
    total_error, total_cells = 0.0, 0
    for table in NRM_TABLES:
        error, cells = count_error(real, synthetic, table)
        tables[" × ".join(table)] = round(error / cells, 4) if cells else 0.0
        total_error, total_cells = total_error + error, total_cells + cells
    return {
        "one_way": {**_summary(one), "by_column": one},
        "two_way": {**_summary(two), "by_pair": two},
        "nrm_counts": {
            "mean_absolute_error": round(total_error / total_cells, 4) if total_cells else 0.0,
            "by_table": tables,
        },
    }


def report(synthesis: Synthesis, real: pd.DataFrame, *, generated_at: str) -> dict[str, Any]:
    from importlib.metadata import version

    return {
        "generated_at": generated_at,
        "synthesiser": f"pac-synth {version('pac-synth')} DpAggregateSeededSynthesizer",
        "privacy": {
            "epsilon": synthesis.epsilon,
            "delta": synthesis.delta,
            "reporting_length": REPORTING_LENGTH,
            "records_epsilon_proportion": RECORDS_EPSILON_PROPORTION,
            "dp_number_of_records": synthesis.dp_records,
        },
        "synthetic_rows": len(synthesis.frame),
        "blank_cells_share": round(float((synthesis.frame[COLUMNS] == "").to_numpy().mean()), 6)
        if len(synthesis.frame)
        else 0.0,
        "columns": COLUMNS,
        **fidelity(real, synthesis.frame),
    }
