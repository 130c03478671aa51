"""Splink on DuckDB: training the linkage model and linking whole registers in one batch (ADR 0029).

No Django here: records are `Profile`s (`linkage_scoring`), turned into one row each of the fields Splink
compares (`splink_row`). The comparison levels are written in SQL to be the same levels the per-referral
scoring knows (`linkage_scoring.name_level`, `date_level`), so a weight trained here is the weight of the
evidence shown to a coordinator. Splink and DuckDB are imported only when a batch runs: the web process
reads trained weights from the database and never loads them.

- `train(rows)`: u by random sampling, m by EM on two blocking rules (each rule trains the fields it does
  not fix), the prior from deterministic rules; names adjusted by how common each is (term frequency).
- `predict(rows, model)`: every pair the sweep's blocking rules bring together, scored by the model, over
  a threshold. The same settings run on Spark (`splink.SparkAPI`) when a register outgrows one machine
  (docs/linkage.md).
"""

from __future__ import annotations

import math
import time
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from childnrm.people.linkage_scoring import (
    NAME_LEVELS,
    NHS_KEY,
    Profile,
    _primary,
    canonical,
    consonant_key,
    spelt_as_said,
)

SEED = 15  # random sampling for u: the same records give the same model
U_MAX_PAIRS = 2_000_000
SWEEP_MATCH_PROBABILITY = 0.5  # pairs stored for review at or above this probability of the same child


def splink_row(profile: Profile, *, site_id: int | None = None) -> dict[str, Any]:
    """The fields of one record as Splink compares them (folded as the scoring folds them)."""
    name = profile.main_name
    vietnamese = "VN" in profile.nationalities
    given = _primary(name.given, vietnamese).norm if name.given else None
    family = "".join(t.norm for t in name.family if t.informative) or "".join(t.norm for t in name.family) or None

    def said(norm: str | None) -> str | None:
        # Vietnamese syllables are not folded (Tuan/Toan are different names): ADR 0028
        return None if not norm else (norm if vietnamese else spelt_as_said(canonical(norm)))

    def consonants(norm: str | None) -> str | None:
        return None if not norm else (norm if vietnamese else consonant_key(norm))

    dob = profile.date_of_birth
    year, _ = profile.birth_year
    # one NHS number (the first, should a record's referrals give two): a column the sweep can join on
    nhs = min((k[len(NHS_KEY) :] for k in profile.identifiers if k.startswith(NHS_KEY)), default=None)
    return {
        "unique_id": profile.id,
        "site_id": site_id,
        "given": given,
        "given_said": said(given),
        "given_cons": consonants(given),
        "family": family,
        "family_said": said(family),
        "family_cons": consonants(family),
        "dob": dob.isoformat() if dob else None,
        "dob_placeholder": bool(dob and (profile.date_of_birth_estimated or dob.day == 1)),
        "dob_md": dob.strftime("%m-%d") if dob else None,
        "birth_year": year,
        "sex": profile.sex or None,
        "nationalities": sorted(profile.nationalities) or None,
        "nhs_number": nhs,
    }


def _name_comparison(part: str) -> dict[str, Any]:
    other = "family" if part == "given" else "given"
    c, o = part, other
    null = f"{c}_l IS NULL OR {c}_r IS NULL"
    levels = [
        {"sql_condition": null, "label_for_charts": "null", "is_null_level": True},
        {"sql_condition": f"{c}_l = {c}_r", "label_for_charts": "same", "tf_adjustment_column": c},
        {"sql_condition": f"{c}_said_l = {c}_said_r", "label_for_charts": "said"},
        {
            "sql_condition": f"{c}_cons_l = {c}_cons_r AND length({c}_l) >= 4 AND length({c}_r) >= 4",
            "label_for_charts": "consonants",
        },
        {
            "sql_condition": f"jaro_winkler_similarity({c}_l, {c}_r) >= 0.92 OR "
            f"(damerau_levenshtein({c}_l, {c}_r) <= 1 AND length({c}_l) > 5)",
            "label_for_charts": "spelling",
        },
        {"sql_condition": f"jaro_winkler_similarity({c}_l, {c}_r) >= 0.85", "label_for_charts": "partly"},
        # given and family names written the other way round (the scoring aligns them; here, a level)
        {"sql_condition": f"{c}_said_l = {o}_said_r AND {o}_said_l = {c}_said_r", "label_for_charts": "swapped"},
        {"sql_condition": "ELSE", "label_for_charts": "different"},
    ]
    assert [x["label_for_charts"] for x in levels[1:7]] == [*NAME_LEVELS[:5], "swapped"]
    return {"output_column_name": part, "comparison_levels": levels}


def _date_comparison() -> dict[str, Any]:
    x, y = "CAST(dob_l AS DATE)", "CAST(dob_r AS DATE)"
    placeholder = "(dob_placeholder_l OR dob_placeholder_r)"
    levels = [
        {"sql_condition": "dob_l IS NULL OR dob_r IS NULL", "label_for_charts": "null", "is_null_level": True},
        {"sql_condition": f"dob_l = dob_r AND NOT {placeholder}", "label_for_charts": "same"},
        {"sql_condition": "dob_l = dob_r", "label_for_charts": "same_placeholder"},
        {
            "sql_condition": f"year({x}) = year({y}) AND day({x}) = month({y}) AND month({x}) = day({y})",
            "label_for_charts": "swapped",
        },
        {"sql_condition": f"dob_md_l = dob_md_r AND abs(year({x}) - year({y})) = 1", "label_for_charts": "year_apart"},
        {"sql_condition": f"abs(date_diff('day', {x}, {y})) <= 31", "label_for_charts": "close"},
        {"sql_condition": placeholder, "label_for_charts": "placeholder_other"},
        {"sql_condition": f"year({x}) = year({y})", "label_for_charts": "same_year"},
        {"sql_condition": "ELSE", "label_for_charts": "different"},
    ]
    return {"output_column_name": "date_of_birth", "comparison_levels": levels}


def _simple_comparison(name: str, column: str, same: str, condition: str) -> dict[str, Any]:
    return {
        "output_column_name": name,
        "comparison_levels": [
            {
                "sql_condition": f"{column}_l IS NULL OR {column}_r IS NULL",
                "label_for_charts": "null",
                "is_null_level": True,
            },
            {"sql_condition": condition, "label_for_charts": same},
            {"sql_condition": "ELSE", "label_for_charts": "different"},
        ],
    }


# Pairs the sweep compares: the same date; the same given name as said within a year of birth; the same
# consonants of both names (transliterations, any year); names swapped; the same birthday with the same
# family name (a slip in the year). Like the per-referral blocking, none needs the records to agree exactly
# on a name as written.
SWEEP_BLOCKING_RULES = (
    "l.dob = r.dob AND NOT l.dob_placeholder",  # placeholder dates are reached by the name rules below
    "l.given_said = r.given_said AND abs(l.birth_year - r.birth_year) <= 1",
    "l.given_cons = r.given_cons AND l.family_cons = r.family_cons",
    "l.given_said = r.family_said AND l.family_said = r.given_said",
    "l.dob_md = r.dob_md AND l.family_cons = r.family_cons",
    "l.nhs_number = r.nhs_number",  # the same NHS number, whatever else was written (ADR 0029 amendment 7)
)
# Pairs almost surely of the same child, for the prior (with the share of true pairs they are thought to find).
DETERMINISTIC_RULES = (
    "l.given_said = r.given_said AND l.family_said = r.family_said AND l.dob = r.dob",
    "l.given_cons = r.given_cons AND l.family_cons = r.family_cons AND l.dob_md = r.dob_md",
)
DETERMINISTIC_RECALL = 0.7
# EM blocking rules: each trains the comparisons it does not fix.
TRAINING_RULES = (
    "l.given_said = r.given_said AND l.family_said = r.family_said",  # trains date of birth, sex, nationality
    # trains the names. Not on placeholder dates: at 100,000 records the 1 January blocks alone gave millions
    # of pairs, most of them different children, and EM did not converge in 20 iterations (725 s).
    "l.dob = r.dob AND NOT l.dob_placeholder AND NOT r.dob_placeholder",
)


def settings() -> dict[str, Any]:
    return {
        "link_type": "dedupe_only",
        "unique_id_column_name": "unique_id",
        "comparisons": [
            _name_comparison("given"),
            _name_comparison("family"),
            _date_comparison(),
            _simple_comparison("sex", "sex", "same", "sex_l = sex_r"),
            _simple_comparison(
                "nationality", "nationalities", "shared", "list_has_any(nationalities_l, nationalities_r)"
            ),
            # The NHS number (ADR 0029 amendment 7): one child's, so brothers and sisters hold different ones.
            _simple_comparison("nhs_number", "nhs_number", "same", "nhs_number_l = nhs_number_r"),
            # Not where the child lives (ADR 0029 amendment 6): the sweep's pairs are told to other sites, and here,
            # without the per-referral search's brothers-and-sisters rule, a shared area pulled siblings together
            # (twins at probability 0.5: 39.7% -> 82.6% of the 20,000 set). The search weighs the area itself. Nor
            # the Home Office reference, for the same reason: a family's claim can carry one for all its children.
        ],
        "blocking_rules_to_generate_predictions": [{"blocking_rule": rule} for rule in SWEEP_BLOCKING_RULES],
        "additional_columns_to_retain": ["site_id"],
        "retain_matching_columns": False,
        "retain_intermediate_calculation_columns": False,
        "max_iterations": 20,
        "em_convergence": 0.001,
    }


@dataclass
class Trained:
    settings: dict[str, Any]  # Splink's model: the settings with trained m and u
    weights: dict[str, dict[str, float]]  # "given:same" -> {"weight", "m", "u"}
    probability_two_random_records_match: float
    records: int
    figures: dict[str, Any] = field(default_factory=dict)


def _linker(rows: Sequence[dict[str, Any]], model: dict[str, Any]):
    # Imported here: the web process never loads Splink or DuckDB.
    import logging

    import duckdb
    from splink import DuckDBAPI, Linker

    logging.getLogger("splink").setLevel(logging.WARNING)  # each EM iteration is logged at INFO

    connection = duckdb.connect()
    connection.execute("SET threads TO 2")
    db_api = DuckDBAPI(connection)
    frame = db_api.register(list(rows), table_name="children")
    return Linker(frame, model, log_level=None)


def weights_of(model: dict[str, Any]) -> dict[str, dict[str, float]]:
    """Each comparison level's m, u and match weight (log2 m/u) from Splink's model."""
    out: dict[str, dict[str, float]] = {}
    for comparison in model["comparisons"]:
        for level in comparison["comparison_levels"]:
            m, u = level.get("m_probability"), level.get("u_probability")
            if level.get("is_null_level") or not m or not u:
                continue
            key = f"{comparison['output_column_name']}:{level['label_for_charts']}"
            out[key] = {"weight": round(math.log2(m / u), 3), "m": m, "u": u}
    return out


def train(rows: Sequence[dict[str, Any]]) -> Trained:
    """Estimate m and u from the records themselves: u by random sampling, m by EM, the prior from rules."""
    started = time.perf_counter()
    linker = _linker(rows, settings())
    figures: dict[str, Any] = {}
    linker.training.estimate_probability_two_random_records_match(
        list(DETERMINISTIC_RULES), recall=DETERMINISTIC_RECALL
    )
    t = time.perf_counter()
    linker.training.estimate_u_using_random_sampling(max_pairs=U_MAX_PAIRS, seed=SEED)
    figures["u_seconds"] = round(time.perf_counter() - t, 1)
    iterations = []
    for rule in TRAINING_RULES:
        t = time.perf_counter()
        session = linker.training.estimate_parameters_using_expectation_maximisation(rule)
        iterations.append(
            {
                "blocking_rule": rule,
                "iterations": len(getattr(session, "_lambda_history_records", []) or []),
                "seconds": round(time.perf_counter() - t, 1),
            }
        )
    figures["em"] = iterations
    model = linker.misc.save_model_to_json()
    figures["seconds"] = round(time.perf_counter() - started, 1)
    return Trained(
        settings=model,
        weights=weights_of(model),
        probability_two_random_records_match=float(model["probability_two_random_records_match"]),
        records=len(rows),
        figures=figures,
    )


@dataclass(frozen=True)
class PredictedPair:
    id_l: int
    id_r: int
    site_l: int | None
    site_r: int | None
    match_probability: float
    match_weight: float


def predict(
    rows: Sequence[dict[str, Any]], model: dict[str, Any], *, threshold: float = SWEEP_MATCH_PROBABILITY
) -> tuple[list[PredictedPair], dict[str, Any]]:
    """Every blocked pair scored by the model, those at or over `threshold`; and the run's figures."""
    started = time.perf_counter()
    linker = _linker(
        rows, {**model, "blocking_rules_to_generate_predictions": settings()["blocking_rules_to_generate_predictions"]}
    )
    predictions = linker.inference.predict(threshold_match_probability=threshold)
    table = predictions.as_duckdbpyrelation().fetchall() if hasattr(predictions, "as_duckdbpyrelation") else None
    if table is None:  # pragma: no cover (other backends)
        records = predictions.as_record_dict()
    else:
        columns = predictions.as_duckdbpyrelation().columns
        records = [dict(zip(columns, row, strict=True)) for row in table]
    pairs = [
        PredictedPair(
            id_l=int(r["unique_id_l"]),
            id_r=int(r["unique_id_r"]),
            site_l=r.get("site_id_l"),
            site_r=r.get("site_id_r"),
            match_probability=float(r["match_probability"]),
            match_weight=float(r["match_weight"]),
        )
        for r in records
    ]
    return pairs, {"seconds": round(time.perf_counter() - started, 1), "records": len(rows), "pairs": len(pairs)}


def rows_of(profiles: Iterable[tuple[Profile, int | None]]) -> list[dict[str, Any]]:
    return [splink_row(p, site_id=site) for p, site in profiles]
