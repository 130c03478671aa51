"""Consistency between panels: positive rates adjusted for case mix, as flags for discussion.

Sites see different children: a site with more criminal exploitation referrals or older children may decide
positively more often for reasons that have nothing to do with how it decides. A logistic model of a positive
reasonable grounds decision on the site (a factor, in deviation coding so each site is compared with the
average site) and the case mix (age band, gender, exploitation type, nationality group) separates the two.

What it shows is a flag, never a verdict: a site whose adjusted odds differ from the average site's beyond
chance (the 95% interval of its effect excludes no difference) is "worth discussing", because the model knows
nothing of the evidence in each case.
"""

from __future__ import annotations

import warnings
from dataclasses import dataclass

import numpy as np
import pandas as pd

from childnrm.kit.disclosure import Cell, DisclosureRules, protect_count, protect_measure, protect_published_rate
from childnrm.statistics.selectors import StatisticsFilters
from childnrm.statistics.tables import (
    RG_BY_SITE,
    Sites,
    StatRow,
    StatTable,
    Suppression,
    reasonable_grounds_by_site,
)

CASE_MIX = ("age_band", "gender", "exploitation_group", "nationality_group")
WORTH_DISCUSSING = "Worth discussing"
NO_FLAG = "No flag"
CAVEAT = (
    "These flags are prompts for the panels to talk about how they decide, never a verdict on any decision: the "
    "model adjusts only for age, gender, exploitation type and nationality group, and knows nothing of the evidence "
    "in each case."
)


@dataclass(frozen=True)
class SiteEffect:
    site: str
    decisions: int
    positives: int
    adjusted_rate: float | None  # % positive if this site had decided every case in the data
    odds_ratio: float | None  # adjusted odds against the average site
    lower: float | None
    upper: float | None
    p_value: float | None

    @property
    def flagged(self) -> bool:
        return self.lower is not None and self.upper is not None and (self.lower > 1 or self.upper < 1)


@dataclass(frozen=True)
class ConsistencyModel:
    effects: list[SiteEffect]
    fitted: bool
    problem: str = ""
    separated: tuple[str, ...] = ()  # levels that decided all one way (see separated_levels)


def _design(used: pd.DataFrame) -> pd.DataFrame:
    """The design matrix of "positive ~ C(site, Sum) + C(age_band) + ...", column for column and named as patsy
    names them (levels in sorted order; the site in deviation coding, the case mix in treatment coding against its
    first level; a case-mix factor with one level left out). Built from category codes with numpy: patsy looks at
    every value in Python, which at national scale cost more than the fit."""
    columns: dict[str, np.ndarray] = {"Intercept": np.ones(len(used))}
    site = pd.Categorical(used["site"].astype(str))
    last = len(site.categories) - 1
    for j, level in enumerate(site.categories[:-1]):
        columns[f"C(site, Sum)[S.{level}]"] = np.where(site.codes == j, 1.0, np.where(site.codes == last, -1.0, 0.0))
    for name in CASE_MIX:
        factor = pd.Categorical(used[name].astype(str))
        if len(factor.categories) < 2:
            continue
        for j, level in enumerate(factor.categories[1:], start=1):
            columns[f"C({name})[T.{level}]"] = (factor.codes == j).astype(float)
    return pd.DataFrame(columns, index=used.index)


def _patterns(used: pd.DataFrame) -> pd.DataFrame:
    """One row per distinct pattern of site and case mix, with its decisions (`trials`) and positive ones
    (`positives`): the logistic model's likelihood depends on the decisions only through these counts, so the
    binomial fit on a few hundred patterns gives the estimates of the fit on every decision."""
    keys = used[["site", *CASE_MIX]].astype(str)
    keys["positive"] = used["rg_positive"].astype(float)
    grouped = keys.groupby(["site", *CASE_MIX], sort=True)["positive"].agg(["sum", "size"])
    return grouped.rename(columns={"sum": "positives", "size": "trials"}).reset_index()


def separated_levels(used: pd.DataFrame) -> list[str]:
    """Case-mix levels (and sites) whose every decision went the same way: the model's estimate for such a level
    has no finite maximum (separation), so its fit stops where the likelihood stops changing, not at a true
    value. The other estimates are unaffected in practice; the methodology note says which levels these are."""
    found = []
    for name in ("site", *CASE_MIX):
        rates = used.groupby(used[name].astype(str))["rg_positive"].agg(lambda v: v.astype(float).mean())
        if len(rates) < 2:
            continue
        found += [f"{name.replace('_', ' ')} {level}" for level, rate in rates.items() if rate in (0.0, 1.0)]
    return found


def _in_model(decided: pd.DataFrame, *, min_decisions: int) -> pd.DataFrame:
    """The decisions the model is fitted to: those with an outcome, of sites with at least `min_decisions`."""
    counts = decided["site"].value_counts()
    used = decided[decided["site"].isin(counts[counts >= min_decisions].index)]
    return used[used["rg_positive"].notna()]


def _decided_in_period(
    cases: pd.DataFrame, filters: StatisticsFilters, rules: DisclosureRules
) -> tuple[pd.DataFrame, int]:
    decided = cases[cases["rg_quarter"].isin({q.code for q in filters.quarters})]
    # A decision is the site's whose panel made it, wherever the case is now.
    return decided.assign(site=decided["rg_site"]), max(rules.min_denominator, rules.threshold)


def separation_note(cases: pd.DataFrame, filters: StatisticsFilters, rules: DisclosureRules) -> str:
    """For the methodology note: which groups of the modelled decisions decided all one way, if any."""
    decided, minimum = _decided_in_period(cases, filters, rules)
    used = _in_model(decided, min_decisions=minimum)
    if used["site"].nunique() < 2 or used["rg_positive"].nunique() < 2:
        return ""
    levels = separated_levels(used)
    if not levels:
        return ""
    return (
        f"In this release every modelled decision in some groups went the same way ({'; '.join(levels)}). Such a "
        "group's own estimate has no finite value (separation): the fit stops where the likelihood stops changing, "
        "and that estimate means nothing. The other estimates are unaffected: they are those of the model fitted "
        "without those groups' decisions, which carry no information about them."
    )


def fit_consistency(decided: pd.DataFrame, *, min_decisions: int) -> ConsistencyModel:
    """Fit the model to the panel's reasonable grounds decisions (one row each: `site`, the case mix, and
    `rg_positive`). Sites with fewer than `min_decisions` decisions are left out of the model.

    The model is fitted as a binomial GLM on the distinct site and case-mix patterns with their counts of
    decisions and positives. It is the same model, with the same estimates, as a logistic regression on every
    decision (statistics/tests/test_consistency.py holds them equal), from a few hundred rows instead of every
    decision."""
    used = _in_model(decided, min_decisions=min_decisions)
    sites = sorted(set(used["site"]))
    if len(sites) < 2:
        return ConsistencyModel([], False, "At least two sites, each with enough decisions, are needed to compare.")
    if used["rg_positive"].nunique() < 2:
        return ConsistencyModel([], False, "Every decision in the period had the same outcome: nothing to compare.")
    patterns = _patterns(used)
    exog = _design(patterns)
    trials = patterns["trials"].to_numpy(dtype=float)
    positives = patterns["positives"].to_numpy(dtype=float)
    import statsmodels.api as sm

    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            # Successes and failures per pattern; IRLS is Newton's method for the logit link, run to a tighter
            # tolerance than the default so that the estimates are those of the fit on every decision.
            result = sm.GLM(np.column_stack([positives, trials - positives]), exog, family=sm.families.Binomial()).fit(
                tol=1e-12, maxiter=100
            )
    except Exception as error:  # separation, a singular design: the model says nothing usable
        return ConsistencyModel([], False, f"The model could not be fitted ({type(error).__name__}).")
    if not np.all(np.isfinite(result.bse)):
        return ConsistencyModel([], False, "The model could not be fitted (some groups decided all one way).")
    names = list(exog.columns)
    site_terms = [n for n in names if n.startswith("C(site, Sum)")]
    site_columns = [names.index(term) for term in site_terms]
    design = exog.to_numpy(dtype=float)
    params = np.asarray(result.params, dtype=float)
    decisions_of = used["site"].value_counts()
    positives_of = used.groupby("site")["rg_positive"].agg(lambda v: int(v.astype(bool).sum()))
    effects = []
    for i, site in enumerate(sites):
        contrast = np.zeros(len(names))
        if i < len(site_terms):
            contrast[names.index(site_terms[i])] = 1.0
        else:  # the last level's deviation is minus the sum of the others'
            for term in site_terms:
                contrast[names.index(term)] = -1.0
        test = result.t_test(contrast)
        estimate = float(np.asarray(test.effect).ravel()[0])
        low, high = (float(v) for v in np.asarray(test.conf_int()).ravel()[:2])
        # Every case as if this site had decided it: the site's columns of the design set to its deviation code
        # (1 in its own column; -1 in every column for the last site), the case mix as it is: the model's
        # prediction for the data with `site` replaced, each pattern weighted by its decisions.
        counterfactual = design.copy()
        counterfactual[:, site_columns] = 0.0 if i < len(site_terms) else -1.0
        if i < len(site_terms):
            counterfactual[:, site_columns[i]] = 1.0
        adjusted = float(np.average(1 / (1 + np.exp(-(counterfactual @ params))), weights=trials)) * 100
        effects.append(
            SiteEffect(
                site=site,
                decisions=int(decisions_of[site]),
                positives=int(positives_of[site]),
                adjusted_rate=adjusted,
                odds_ratio=float(np.exp(estimate)),
                lower=float(np.exp(low)),
                upper=float(np.exp(high)),
                p_value=float(np.asarray(test.pvalue).ravel()[0]),
            )
        )
    return ConsistencyModel(effects, True, separated=tuple(separated_levels(used)))


def consistency_table(
    cases: pd.DataFrame, filters: StatisticsFilters, rules: DisclosureRules, sites: Sites, *, suppression: Suppression
) -> StatTable:
    """Each site's reasonable grounds decisions, the share positive, and the model's adjusted share and odds. The
    decisions and positive ones are the decisions by site's (with each site's total): shown as protected there, with
    every table of the filters (`suppression`, `tables.shared_suppression`), and the rate from them."""
    decided, minimum = _decided_in_period(cases, filters, rules)
    model = fit_consistency(decided, min_decisions=minimum)
    by_site = {e.site: e for e in model.effects}
    protected = reasonable_grounds_by_site(cases, filters, rules, sites, suppressed=suppression.get(RG_BY_SITE, ()))
    rows = []
    for (_, site), shown in zip(sites, protected.rows[: len(sites)], strict=True):
        mine = decided[decided["site"] == site]
        n = len(mine)
        positives = int(mine["rg_positive"].eq(True).sum())
        effect = by_site.get(site)
        _, positive, count = shown.cells
        if n != int(mine["rg_positive"].notna().sum()):  # some without an outcome: a count no other table shows
            count, positive = protect_count(n, rules), protect_count(positives, rules)
        observed = protect_published_rate(positives, n, rules, shown_numerator=positive, shown_denominator=count)
        if effect is None:
            rest: tuple[Cell, ...] = (Cell(None, False, "[x]"),) * 4 + (Cell(None, False, "Not in the model"),)
        else:
            rest = (
                protect_measure(effect.adjusted_rate, n, rules),
                protect_measure(effect.odds_ratio, n, rules, places=2),
                protect_measure(effect.lower, n, rules, places=2),
                protect_measure(effect.upper, n, rules, places=2),
                Cell(None, False, WORTH_DISCUSSING if effect.flagged else NO_FLAG),
            )
        rows.append(StatRow((site,), (count, observed, *rest)))
    notes = [CAVEAT]
    if model.fitted:
        notes.append(
            "Adjusted positive %: the share of positive decisions the model expects if this site had decided every "
            "case in the data. Odds ratio: the site's adjusted odds of a positive decision against the average "
            "site's, with its 95% interval. A site is worth discussing when that interval does not include 1."
        )
    else:
        notes.append(model.problem)
    notes.append(
        f"Sites with fewer than {minimum} reasonable grounds decisions in the period are left out of the model."
    )
    return StatTable(
        key="consistency_between_panels",
        title="Positive reasonable grounds decisions by site, adjusted for case mix",
        label_headers=("Site",),
        value_headers=(
            "Decisions",
            "Positive % (observed)",
            "Positive % (adjusted for case mix)",
            "Odds ratio against the average site",
            "Lower 95% limit",
            "Upper 95% limit",
            "For discussion",
        ),
        rows=tuple(rows),
        notes=tuple(notes),
        section="consistency",
        chart="consistency_between_panels",
    )
