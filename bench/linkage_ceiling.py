"""How well the search's own comparisons can separate true pairs, weighed at best: a ceiling for reweighting.

    .venv/bin/python bench/linkage_ceiling.py --base 12600                       # about 20,000 records
    .venv/bin/python bench/linkage_ceiling.py --base 64250 --search-share 0.03   # about 100,000 (estimates)

The generated set and the in-memory search are those of `bench/linkage_quality.py --memory` (same seed, same
defaults). Every candidate pair scoring at least `--floor` is compared again (`linkage_scoring.compare`), and its
evidence becomes a row of numbers: the points of each kind of evidence (by feature and wording) and of each feature.
A logistic regression is then fitted *to the generated labels* and scored out of fold (5 folds by child), and its
best F1 over every threshold is printed beside the hand-set score's, at the decision threshold and at its best.

The regression knows which pairs are true, which the service never does, so its F1 is not a figure the service
could reach: it bounds what any weighing of the same evidence could reach (within a linear model; interactions
could add a little). If it falls short of a target, the comparisons lack the information, and no weights will do;
if it clears it, better weights could. It also prints, from a fit on the features' totals alone, by how much each
feature's hand-set points would be multiplied.
"""

from __future__ import annotations

import argparse
import os
import random
import sys
import time
from collections import defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

FOLDS = 5


def _setup() -> None:
    os.environ.setdefault("CHILDNRM_ENV", "development")
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "childnrm.settings")
    os.environ.setdefault("DATABASE_URL", "sqlite:///:memory:")  # nothing is read or written
    import django

    django.setup()


def _fit(x, y, l2: float = 1e-3):
    """Logistic regression (L2-penalised, features standardised): returns a function giving probabilities."""
    import numpy as np
    from scipy.optimize import minimize
    from scipy.special import expit

    mean, scale = x.mean(axis=0), x.std(axis=0) + 1e-9
    z = np.hstack([(x - mean) / scale, np.ones((len(x), 1))])

    def loss(w):
        p = expit(z @ w)
        eps = 1e-12
        value = -np.mean(y * np.log(p + eps) + (1 - y) * np.log(1 - p + eps)) + l2 * np.sum(w[:-1] ** 2)
        grad = z.T @ (p - y) / len(y) + 2 * l2 * np.append(w[:-1], 0.0)
        return value, grad

    w = minimize(loss, np.zeros(z.shape[1]), jac=True, method="L-BFGS-B", options={"maxiter": 2000}).x

    def predict(new):
        return expit(np.hstack([(new - mean) / scale, np.ones((len(new), 1))]) @ w)

    predict.weights = w[:-1] / scale  # per unit of each column (here: per point)
    return predict


def _best_f1(score, truth, true_total: int) -> tuple[float, float, float, float]:
    import numpy as np

    order = np.argsort(-score, kind="stable")
    ranked = score[order]
    tp = np.cumsum(truth[order])
    fp = np.cumsum(1 - truth[order])
    precision, recall = tp / (tp + fp), tp / true_total
    f1 = 2 * precision * recall / np.maximum(precision + recall, 1e-12)
    # a threshold takes every pair of a score or none: only the last of a run of equal scores is a threshold
    f1[:-1][ranked[:-1] == ranked[1:]] = -1.0
    i = int(np.argmax(f1))
    return float(f1[i]), float(precision[i]), float(recall[i]), float(ranked[i])


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--base", type=int, default=12600, help="base children before duplicates (default 12600)")
    parser.add_argument("--seed", type=int, default=20260601)
    parser.add_argument("--search-share", type=float, default=1.0, help="search this random share of the records")
    parser.add_argument("--floor", type=float, default=0.0, help="compare again the pairs scoring at least this")
    args = parser.parse_args(argv)
    if not 0 < args.search_share <= 1:
        parser.error("--search-share is a share of the records, more than 0 and at most 1")
    _setup()
    import numpy as np

    from bench import generated_set
    from childnrm.people import linkage_scoring
    from childnrm.people.linkage_scoring import STRONG_MATCH

    started = time.perf_counter()
    records = generated_set.generate(args.base, seed=args.seed)
    profiles = {r.id: r.profile() for r in records}
    searched = None
    if args.search_share < 1:
        chance = random.Random(args.seed)  # as linkage_quality draws its share: the same records searched
        searched = {r.id for r in records if chance.random() < args.search_share}
    measure = generated_set.measure(records, generated_set.memory_search(records), searched=searched)
    counts: dict[str, int] = defaultdict(int)
    for profile in profiles.values():
        for key in linkage_scoring.blocking_keys(profile):
            counts[key] += 1
    shares = linkage_scoring.name_shares({k: n for k, n in counts.items() if k.startswith("n:")}, len(records))
    shares |= generated_set.area_shares(profiles.values())

    pairs = sorted((p for p, s in measure.scored.items() if s >= args.floor), key=sorted)
    rows: list[dict[str, float]] = []
    for pair in pairs:
        a, b = sorted(pair)
        match = linkage_scoring.compare(profiles[a], profiles[b], common=shares, searched=len(records))
        row: dict[str, float] = defaultdict(float)
        for e in match.evidence:
            row[f"{e.feature}: {e.said.message}"] += e.points
            row[e.feature] += e.points
        rows.append(row)
    columns = sorted({k for row in rows for k in row})
    features = sorted({k for k in columns if ":" not in k})
    x = np.array([[row.get(k, 0.0) for k in columns] for row in rows])
    y = np.array([p in measure.truth for p in pairs], dtype=float)
    hand = np.array([measure.scored[p] for p in pairs])
    # by child: every pair of one child's records in one fold (a pair of two children's, in the lower id's child's)
    cluster = {r.id: r.cluster for r in records}
    fold = np.array([cluster[min(p)] % FOLDS for p in pairs])
    print(
        f"{len(records)} records ({len(measure.timings)} searched); {measure.true_pairs} true pairs, "
        f"{int(y.sum())} of them among the {len(pairs)} candidate pairs scoring {args.floor} or more; "
        f"{len(columns)} columns of evidence; {time.perf_counter() - started:.0f} s"
    )
    chosen = hand >= STRONG_MATCH
    tp = float((y * chosen).sum())
    p, r = tp / max(chosen.sum(), 1), tp / measure.true_pairs
    f1 = 2 * p * r / (p + r) if p + r else 0.0
    print(f"hand-set points at the decision threshold {STRONG_MATCH}: P {p:.3f} R {r:.3f} F1 {f1:.3f}")
    f1, p, r, at = _best_f1(hand, y, measure.true_pairs)
    print(f"hand-set points at their best threshold ({at:.2f}): P {p:.3f} R {r:.3f} F1 {f1:.3f}")
    for name, cols in (("the features' totals", features), ("every kind of evidence", columns)):
        index = [columns.index(c) for c in cols]
        out = np.zeros(len(y))
        for k in range(FOLDS):
            model = _fit(x[fold != k][:, index], y[fold != k])
            out[fold == k] = model(x[fold == k][:, index])
        f1, p, r, at = _best_f1(out, y, measure.true_pairs)
        print(f"fitted to the labels on {name}, out of fold, best threshold: P {p:.3f} R {r:.3f} F1 {f1:.3f}")
    model = _fit(x[:, [columns.index(c) for c in features]], y)
    scale = model.weights / np.log(2)  # log-odds per point, in bits: 1.0 is the hand-set weight kept
    multiplied = ", ".join(f"{c} {w:.2f}" for c, w in zip(features, scale, strict=True))
    print(f"each feature's points multiplied by: {multiplied}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
