"""The consistency model fitted on distinct case-mix patterns gives the figures of the logistic regression on
every decision: the reference here is that regression, written independently with statsmodels' formula API
(patsy builds its design), with each site's adjusted rate predicted from the data with the site replaced."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
import statsmodels.formula.api as smf

from childnrm.statistics.consistency import CASE_MIX, fit_consistency, separated_levels

SITES = ("Ashford", "Bexley", "Camden", "Dover", "Ealing")
LEVELS = {
    "age_band": ("Under 12", "12 to 13", "14 to 15", "16 to 17"),
    "gender": ("Female", "Male", "Not specified or unknown"),
    "exploitation_group": ("Criminal", "Sexual", "Labour", "Multiple types"),
    "nationality_group": ("UK national", "Other nationality"),
}


def _decisions(n: int, seed: int) -> pd.DataFrame:
    """Decisions whose odds of a positive outcome depend on the site and on every case-mix factor."""
    rng = np.random.default_rng(seed)
    frame = pd.DataFrame({"site": rng.choice(SITES, n, p=[0.3, 0.25, 0.2, 0.15, 0.1])})
    logit = np.asarray([0.4, -0.3, 0.0, 0.6, -0.5])[pd.Categorical(frame["site"], SITES).codes]
    for name, levels in LEVELS.items():
        frame[name] = rng.choice(levels, n)
        logit = logit + np.linspace(-0.6, 0.8, len(levels))[pd.Categorical(frame[name], levels).codes]
    frame["rg_positive"] = rng.random(n) < 1 / (1 + np.exp(-(0.8 + logit)))
    return frame


def _reference(frame: pd.DataFrame) -> dict[str, tuple[float, float, float, float, float]]:
    """Per site: adjusted rate %, odds ratio, its 95% limits and p-value from the logistic regression on every
    decision."""
    data = frame.assign(y=frame["rg_positive"].astype(float))
    formula = "y ~ C(site, Sum) + " + " + ".join(f"C({name})" for name in CASE_MIX)
    result = smf.logit(formula, data).fit(disp=0, maxiter=100)
    sites = sorted(set(frame["site"]))
    terms = [n for n in result.params.index if n.startswith("C(site, Sum)")]
    out = {}
    for i, site in enumerate(sites):
        contrast = np.zeros(len(result.params))
        for j, term in enumerate(result.params.index):
            if term in terms:
                contrast[j] = (1.0 if term == terms[i] else 0.0) if i < len(terms) else -1.0
        test = result.t_test(contrast)
        low, high = np.asarray(test.conf_int()).ravel()[:2]
        adjusted = float(result.predict(data.assign(site=site)).mean()) * 100
        effect = float(np.asarray(test.effect).ravel()[0])
        out[site] = (adjusted, np.exp(effect), np.exp(low), np.exp(high), float(np.asarray(test.pvalue).ravel()[0]))
    return out


@pytest.mark.parametrize("seed", [1, 2])
def test_the_fit_on_patterns_equals_the_fit_on_every_decision(seed):
    frame = _decisions(6000, seed)
    model = fit_consistency(frame, min_decisions=10)
    assert model.fitted and [e.site for e in model.effects] == sorted(SITES)
    reference = _reference(frame)
    for effect in model.effects:
        adjusted, ratio, low, high, p_value = reference[effect.site]
        assert effect.decisions == int((frame["site"] == effect.site).sum())
        assert effect.positives == int(frame.loc[frame["site"] == effect.site, "rg_positive"].sum())
        assert effect.adjusted_rate == pytest.approx(adjusted, rel=1e-9, abs=1e-9)
        assert effect.odds_ratio == pytest.approx(ratio, rel=1e-9)
        assert effect.lower == pytest.approx(low, rel=1e-9)
        assert effect.upper == pytest.approx(high, rel=1e-9)
        assert effect.p_value == pytest.approx(p_value, rel=1e-9, abs=1e-12)
    assert model.separated == ()


def test_a_group_that_decided_all_one_way_is_named_and_leaves_the_sites_figures_alone():
    # A rare nationality group, every one of its decisions positive: its own estimate has no finite value.
    frame = _decisions(4000, 3)
    rare = frame.index[:12]
    frame.loc[rare, "nationality_group"] = "Stateless"
    frame.loc[rare, "rg_positive"] = True
    model = fit_consistency(frame, min_decisions=10)
    assert model.fitted
    assert model.separated == ("nationality group Stateless",)
    assert separated_levels(frame) == ["nationality group Stateless"]
    # The sites' figures are those of the model without the separated group's decisions (which carry no
    # information about the sites), with the group's cases predicted positive whatever the site.
    rest = frame.drop(index=rare)
    reference = _reference(rest)
    for effect in model.effects:
        adjusted, ratio, low, high, p_value = reference[effect.site]
        expected_adjusted = (adjusted * len(rest) + 100 * len(rare)) / len(frame)
        assert effect.adjusted_rate == pytest.approx(expected_adjusted, abs=1e-6)
        assert effect.odds_ratio == pytest.approx(ratio, rel=1e-6)
        assert effect.lower == pytest.approx(low, rel=1e-6) and effect.upper == pytest.approx(high, rel=1e-6)
        assert effect.p_value == pytest.approx(p_value, rel=1e-5, abs=1e-9)
