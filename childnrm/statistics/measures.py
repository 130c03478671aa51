"""The measures the tables show: intervals for rates, and the summary of times to a decision."""

from __future__ import annotations

import math
from collections.abc import Iterable
from dataclasses import dataclass

import pandas as pd

Z_95 = 1.959963984540054  # the standard normal's 97.5th percentile


def wilson_interval(successes: int, trials: int, z: float = Z_95) -> tuple[float, float] | None:
    """The Wilson score interval for a proportion, as percentages (None without trials).

    Wilson rather than the normal approximation: it stays inside 0-100% and behaves at small counts and at
    rates near 0 or 100%, which equality monitoring at a site's scale meets all the time.
    """
    if trials <= 0:
        return None
    p = successes / trials
    denominator = 1 + z * z / trials
    centre = (p + z * z / (2 * trials)) / denominator
    half = z * math.sqrt(p * (1 - p) / trials + z * z / (4 * trials * trials)) / denominator
    return (100.0 * max(0.0, centre - half), 100.0 * min(1.0, centre + half))


@dataclass(frozen=True)
class TimeSummary:
    """Days from referral to a decision: how many, the median, quartiles and mean."""

    n: int
    median: float | None
    lower_quartile: float | None
    upper_quartile: float | None
    mean: float | None


def time_summary(days: Iterable[float] | pd.Series) -> TimeSummary:
    """Median and quartiles by linear interpolation between the ordered values (pandas' and numpy's default,
    Hyndman and Fan type 7); missing values are left out."""
    series = pd.Series(days, dtype="float64").dropna()
    if series.empty:
        return TimeSummary(0, None, None, None, None)
    q1, median, q3 = (float(v) for v in series.quantile([0.25, 0.5, 0.75]))
    return TimeSummary(int(series.size), median, q1, q3, float(series.mean()))
