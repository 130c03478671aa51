"""Duplicate detection on a generated, labelled set: precision, recall, F1 and search time per record.

    .venv/bin/python bench/linkage_quality.py                      # 2,000 base children, SQLite file
    .venv/bin/python bench/linkage_quality.py --postgres linkage_bench   # the same on PostgreSQL
    .venv/bin/python bench/linkage_quality.py --postgres linkage_bench --scale 100000   # + search time
                                                                    # among 100,000 children at one site

The set (bench/generated_set.py) is loaded into a fresh database as children with their
referrals; every record's candidates are then found with the application's own search (blocking
query, then scoring: `linkage.candidates_for`). Pairs are unordered; a pair is predicted to match
when its score reaches the threshold. `--scale N` then adds base children (no duplicates) until
the site holds N, and times the search for a sample of records.

Then precision, recall and F1 by kind of pair at MATCH_THRESHOLD (`pair_kinds`): duplicates by what
differs between the records (a placeholder or estimated date, the same birthday a year apart, a
transliteration, a missing field, an alias...), the hard non-matches by what they are (twins, siblings,
namesakes), and pairs by what both records show (a placeholder date of birth in either, the same
birthday a year apart), where both true and false pairs fall and all three figures mean something.
A kind only true pairs have has no precision of its own ("-"); a kind only false pairs have, no recall.
The service has two thresholds: MATCH_THRESHOLD, a *possible earlier record* shown to a coordinator for review
(set for recall), and STRONG_MATCH, *likely the same child* ("Strong"). The table by kind is printed at each, and
`summary_line` gives F1 at the decision threshold, recall at the review threshold and the twins flagged.

    .venv/bin/python bench/linkage_quality.py --base 12600 --memory   # about 20,000 records (issue 15)

`--memory` runs the same blocking (keys, birth-year limits, rarity ranking, `max_candidates`) and scoring
in memory without loading the database: the figures are those of the database search, minutes sooner.

    .venv/bin/python bench/linkage_quality.py --base 64250 --memory --search-share 0.05   # about 100,000 records

`--search-share F` searches a random share F of the records (seeded by `--seed`), among all of them, and counts the
pairs with an end among those searched, true and scored alike: estimates for a register too large to search whole
on the shared machine (every kind of pair is counted with the same chance). The register's size, the names' shares
and the prior for the number of children searched are those of the whole set.

    .venv/bin/python bench/linkage_quality.py --base 12600 --memory --splink   # beside Splink (issue 15)

`--splink` then, on the same records in the same run: trains Splink on DuckDB (EM, as `manage.py
linkage_train` does; ADR 0029), scores our search again with those trained weights and the prior for the
number of records, runs Splink's own prediction (the national sweep's blocking rules), and prints precision,
recall and F1 by kind of pair for all three side by side, with the time each took.
"""

from __future__ import annotations

import argparse
import os
import random
import statistics
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
THRESHOLDS = (3.0, 4.0, 5.0, 6.0, 7.0, 8.0, 9.0, 10.0)


def setup_database(postgres: str | None) -> str:
    if postgres:
        import psycopg

        with psycopg.connect(host="127.0.0.1", port=5432, user="postgres", dbname="postgres", autocommit=True) as c:
            c.execute(f'DROP DATABASE IF EXISTS "{postgres}" WITH (FORCE)')
            c.execute(f'CREATE DATABASE "{postgres}"')
        url = f"postgres://postgres@127.0.0.1:5432/{postgres}"
    else:
        url = f"sqlite:///{tempfile.mkdtemp(prefix='linkage-bench-')}/bench.sqlite3"
    os.environ["DATABASE_URL"] = url
    os.environ.setdefault("CHILDNRM_ENV", "development")
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "childnrm.settings")
    os.environ["CHILDNRM_AUDIT"] = "on"
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    return url.split("@")[-1] if postgres else "SQLite (temporary file)"


# What differs in a true pair (the duplicate's corruptions), grouped as issue 15 names them.
CORRUPTION_KINDS = {
    "dob_placeholder": "placeholder date (not flagged)",
    "dob_estimated": "estimated date",
    "age_only": "estimated age only",
    "dob_year": "birthday a year apart",
    "dob_swapped": "other date slip",
    "dob_days": "other date slip",
    "dob_digit": "other date slip",
    "transliteration": "transliteration",
    "spelling": "spelling variant",
    "typo": "spelling variant",
    "accents": "spelling variant",
    "missing": "missing field",
    "alias": "alias",
    "swapped": "name order",
    "regrouped": "name order",
    "middle": "name order",
    "nationality": "nationality or sex",
    "sex_unknown": "nationality or sex",
}
TRUE_ONLY = frozenset(CORRUPTION_KINDS.values()) | {"unchanged copy"}
FALSE_ONLY = frozenset({"twins", "siblings", "namesakes", "unrelated"})


def _is_placeholder(record) -> bool:
    dob = record.date_of_birth
    return record.date_of_birth_estimated or dob is None or dob.day == 1


def pair_kinds(a, b, *, true: bool) -> set[str]:
    """The kinds a pair of generated records belongs to (a pair may be of several kinds)."""
    kinds: set[str] = set()
    if true:
        kinds |= {CORRUPTION_KINDS.get(c, c) for c in (*a.corruptions, *b.corruptions)}
        kinds = kinds or {"unchanged copy"}
    else:
        relation = "unrelated"
        for x, y in ((a, b), (b, a)):
            if x.related and x.related == y.cluster:
                relation = {"twin": "twins", "sibling": "siblings", "namesake": "namesakes"}[x.kind]
        kinds.add(relation)
    # what both records show, true or not
    if _is_placeholder(a) or _is_placeholder(b):
        kinds.add("either date a placeholder/estimate")
    da, db = a.date_of_birth, b.date_of_birth
    if da and db and (da.month, da.day) == (db.month, db.day) and abs(da.year - db.year) == 1:
        kinds.add("same birthday, years 1 apart")
    kinds.add("all pairs")
    return kinds


def by_kind_table(records, measure, threshold: float) -> str:
    """Precision, recall and F1 at the threshold by kind of pair (true pairs and pairs scored)."""
    by_id = {r.id: r for r in records}
    predicted = {p for p, s in measure.scored.items() if s >= threshold}
    counts: dict[str, Counter] = {}
    for pair in measure.truth | set(measure.scored):
        true = pair in measure.truth
        a, b = (by_id[i] for i in sorted(pair))
        outcome = ("tp" if pair in predicted else "fn") if true else ("fp" if pair in predicted else "tn")
        for kind in pair_kinds(a, b, true=true):
            counts.setdefault(kind, Counter())[outcome] += 1
    lines = [
        f"By kind of pair at {threshold} (true pairs, and other pairs the blocking brought together):",
        f"{'kind of pair':<36} {'true':>6} {'TP':>6} {'FN':>5} {'false':>7} {'FP':>5} "
        f"{'precision':>9} {'recall':>7} {'F1':>6}",
    ]
    for kind in sorted(counts, key=lambda k: (k == "all pairs", k in FALSE_ONLY, k not in TRUE_ONLY, k)):
        c = counts[kind]
        tp, fn, fp, tn = c["tp"], c["fn"], c["fp"], c["tn"]
        precision = tp / (tp + fp) if tp + fp else None
        recall = tp / (tp + fn) if tp + fn else None
        if kind in TRUE_ONLY:
            precision = None
        f1 = 2 * precision * recall / (precision + recall) if precision and recall else None

        def shown(x: float | None) -> str:
            return f"{x:.3f}" if x is not None else "-"

        lines.append(
            f"{kind:<36} {tp + fn:>6} {tp:>6} {fn:>5} {fp + tn:>7} {fp:>5} "
            f"{shown(precision):>9} {shown(recall):>7} {shown(f1):>6}"
        )
    return "\n".join(lines)


SPLINK_THRESHOLD = 0.5  # Splink's pairs at or above this probability of the same child (the sweep's threshold)


def _figures(records, measure, threshold: float) -> dict[str, tuple[float | None, float | None, float | None]]:
    """(precision, recall, F1) by kind of pair, as by_kind_table counts them."""
    by_id = {r.id: r for r in records}
    predicted = {p for p, s in measure.scored.items() if s >= threshold}
    counts: dict[str, Counter] = {}
    for pair in measure.truth | set(measure.scored):
        true = pair in measure.truth
        a, b = (by_id[i] for i in sorted(pair))
        outcome = ("tp" if pair in predicted else "fn") if true else ("fp" if pair in predicted else "tn")
        for kind in pair_kinds(a, b, true=true):
            counts.setdefault(kind, Counter())[outcome] += 1
    out = {}
    for kind, c in counts.items():
        tp, fn, fp = c["tp"], c["fn"], c["fp"]
        precision = tp / (tp + fp) if tp + fp and kind not in TRUE_ONLY else None
        recall = tp / (tp + fn) if tp + fn else None
        f1 = 2 * precision * recall / (precision + recall) if precision and recall else None
        # for the kinds of false pairs, how many were shown (precision and recall mean nothing there)
        out[kind] = (precision, recall, f1) if kind not in FALSE_ONLY else (None, None, float(fp))
    return out


def side_by_side(records, runs: list[tuple[str, object, float]]) -> str:
    """Precision, recall and F1 by kind of pair for several runs on the same records (false kinds: pairs shown)."""
    tables = [(name, _figures(records, measure, threshold)) for name, measure, threshold in runs]
    kinds = sorted(
        {k for _, t in tables for k in t}, key=lambda k: (k == "all pairs", k in FALSE_ONLY, k not in TRUE_ONLY, k)
    )

    def shown(x: float | None) -> str:
        return f"{x:.3f}" if x is not None else "-"

    head = f"{'kind of pair':<36}" + "".join(f" | {name:^20}" for name, _ in tables)
    sub = f"{'':<36}" + " | precision recall F1  " * len(tables)
    lines = [head, sub]
    for kind in kinds:
        cells = []
        for _, t in tables:
            p, r, f = t.get(kind, (None, None, None))
            cells.append(
                f"shown {int(f or 0):>14}" if kind in FALSE_ONLY else f"{shown(p):>6} {shown(r):>6} {shown(f):>6}"
            )
        lines.append(f"{kind:<36}" + "".join(f" | {c:>20}" for c in cells))
    return "\n".join(lines)


def _twins_shown(records, measure, threshold: float) -> str:
    shown = int(_figures(records, measure, threshold).get("twins", (None, None, 0.0))[2] or 0)
    twins = sum(1 for r in records if r.kind == "twin")
    return f"twins flagged {shown} of {twins} ({shown / max(twins, 1):.1%})"


def grouped_table(measure) -> str:
    """Pairwise figures with each match linked as the same child, so that records matched through a third record
    count as matched (`Measure.grouped_at`), beside the pairs alone: what grouping the matches adds."""
    from childnrm.people.linkage_scoring import STRONG_MATCH

    lines = [
        "",
        "Matches joined into groups (two records each matched to a third count as matched), beside the pairs alone:",
        f"{'threshold':>9} {'pairs F1':>8} {'grouped: precision':>18} {'recall':>7} {'F1':>6}",
    ]
    for threshold in (STRONG_MATCH - 1, STRONG_MATCH, STRONG_MATCH + 1, STRONG_MATCH + 2):
        p, r, f1, *_ = measure.grouped_at(threshold)
        lines.append(f"{threshold:>9.1f} {measure.at(threshold)[2]:>8.3f} {p:>18.3f} {r:>7.3f} {f1:>6.3f}")
    return "\n".join(lines)


def summary_line(name: str, records, measure, *, trained: bool = False) -> str:
    """The issue's figures on one line: F1 at the decision threshold ("likely the same child", STRONG_MATCH),
    recall at the review threshold ("possible earlier record", MATCH_THRESHOLD before the register's prior, as the
    search shows it: `review_threshold`), twins flagged at review."""
    from childnrm.people.linkage_scoring import STRONG_MATCH, review_threshold

    review = review_threshold(None if trained else measure.records)
    p, r, f1, *_ = measure.at(STRONG_MATCH)
    rp, rr, rf1, *_ = measure.at(review)
    return (
        f"{name}: decision ({STRONG_MATCH}) P/R/F1 {p:.3f}/{r:.3f}/{f1:.3f}; review ({review:g}) "
        f"P/R/F1 {rp:.3f}/{rr:.3f}/{rf1:.3f}; {_twins_shown(records, measure, review)}"
    )


def beside_splink(records, ours, *, mapping: dict, site, memory: bool, searched: set[int] | None = None) -> None:
    """Splink on the same records: its EM weights in our search, and its own prediction, beside ours."""
    from bench import generated_set
    from childnrm.people import linkage_splink
    from childnrm.people.linkage_scoring import MATCH_THRESHOLD, STRONG_MATCH, TrainedWeights
    from childnrm.people.models import LinkageModel

    print()
    rows = [linkage_splink.splink_row(r.profile(), site_id=1) for r in records]
    started = time.perf_counter()
    trained = linkage_splink.train(rows)
    print(
        f"Splink: trained on {len(rows)} records in {time.perf_counter() - started:.1f} s "
        f"(u by random sampling {trained.figures['u_seconds']} s; EM {trained.figures['em']}); "
        f"probability two random records match {trained.probability_two_random_records_match:.2e}"
    )
    print("Trained match weights: " + ", ".join(f"{k} {v['weight']:+.1f}" for k, v in trained.weights.items()))
    weights = TrainedWeights(
        weights={k: v["weight"] for k, v in trained.weights.items()},
        u={k: v["u"] for k, v in trained.weights.items()},
        probability_two_random_records_match=trained.probability_two_random_records_match,
        records=trained.records,
        label="bench",
    )
    if memory:
        search = generated_set.memory_search(records, trained=weights)
    else:
        from django.utils import timezone

        LinkageModel.objects.create(
            trained_at=timezone.now(),
            records=trained.records,
            probability_two_random_records_match=trained.probability_two_random_records_match,
            weights=trained.weights,
            training=trained.figures,
            settings=trained.settings,
        )
        search = generated_set.database_search(mapping, [site.pk])
    ours_trained = generated_set.measure(records, search, searched=searched)
    print(f"Ours with the trained weights: search per record mean {1000 * ours_trained.seconds_per_record:.1f} ms")
    print(f"{'threshold':>9} {'precision':>9} {'recall':>7} {'F1':>6} {'TP':>6} {'FP':>6} {'FN':>6}")
    for threshold in sorted({*THRESHOLDS, MATCH_THRESHOLD}):
        p, r, f1, tp, fp, fn = ours_trained.at(threshold)
        mark = "  <- MATCH_THRESHOLD" if threshold == MATCH_THRESHOLD else ""
        print(f"{threshold:>9.1f} {p:>9.3f} {r:>7.3f} {f1:>6.3f} {tp:>6} {fp:>6} {fn:>6}{mark}")

    started = time.perf_counter()
    pairs, _ = linkage_splink.predict(rows, trained.settings, threshold=0.01)
    seconds = time.perf_counter() - started
    scored: dict[frozenset[int], float] = {}
    for pair in pairs:
        key = frozenset((pair.id_l, pair.id_r))
        if searched is None or not key.isdisjoint(searched):  # the pairs counted for ours (`--search-share`)
            scored[key] = max(pair.match_probability, scored.get(key, 0.0))
    truth = ours.truth
    splink = generated_set.Measure(
        records=len(records),
        true_pairs=len(truth),
        candidate_pairs=len(scored),
        blocked_true_pairs=len(truth & set(scored)),
        seconds_per_record=seconds / max(len(records), 1),
        scored=scored,
        truth=truth,
    )
    print()
    print(
        f"Splink's own prediction (the sweep's blocking rules): {seconds:.1f} s for {len(records)} records; "
        f"pairs at probability 0.01 or more {len(scored)}, true pairs among them "
        f"{splink.blocked_true_pairs / splink.true_pairs:.1%}"
    )
    for threshold in (0.2, SPLINK_THRESHOLD, 0.8, 0.95):
        p, r, f1, tp, fp, fn = splink.at(threshold)
        mark = "  <- the sweep's threshold" if threshold == SPLINK_THRESHOLD else ""
        print(f"{threshold:>9.2f} {p:>9.3f} {r:>7.3f} {f1:>6.3f} {tp:>6} {fp:>6} {fn:>6}{mark}")
    print()
    for name, threshold in (("review", MATCH_THRESHOLD), ("decision", STRONG_MATCH)):
        print(f"Side by side, ours at the {name} threshold {threshold}, Splink at probability {SPLINK_THRESHOLD}:")
        print(
            side_by_side(
                records,
                [
                    ("ours, hand-set", ours, threshold),
                    ("ours, trained", ours_trained, threshold),
                    ("Splink", splink, SPLINK_THRESHOLD),
                ],
            )
        )
        print()
    print(summary_line("ours, hand-set", records, ours))
    print(summary_line("ours, trained", records, ours_trained, trained=True))
    p, r, f1, *_ = splink.at(SPLINK_THRESHOLD)
    twins = _twins_shown(records, splink, SPLINK_THRESHOLD)
    print(f"Splink at {SPLINK_THRESHOLD}: P/R/F1 {p:.3f}/{r:.3f}/{f1:.3f}; {twins}")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--base", type=int, default=2000, help="base children before duplicates (default 2000)")
    parser.add_argument("--seed", type=int, default=20260601)
    parser.add_argument(
        "--names",
        choices=("realistic", "uniform"),
        default="realistic",
        help="how names are drawn (generated_set.NAME_MODELS): skewed like real names (default), or every listed "
        "name as common as any other (the set measured until 2026-12-05)",
    )
    parser.add_argument(
        "--places",
        choices=("stable", "moving", "none"),
        default="stable",
        help="where the children live (generated_set.PLACE_KEPT): a later referral gives the same local authority "
        "80%% of the time (default), 60%%, or no local authority recorded at all (the set measured until 2026-12-05)",
    )
    parser.add_argument(
        "--identifiers",
        choices=("given", "few", "none"),
        default="given",
        help="how often a referral gives the child's NHS number and Home Office reference "
        "(generated_set.IDENTIFIERS_GIVEN): half and six in ten of those who hold one (default), half that, or never "
        "(the set measured until 2026-12-06)",
    )
    parser.add_argument("--postgres", metavar="DBNAME", help="recreate and use this PostgreSQL database")
    parser.add_argument("--scale", type=int, default=0, help="then fill the site to this many children and time")
    parser.add_argument("--sample", type=int, default=300, help="records searched for the --scale timing")
    parser.add_argument(
        "--quality-at-scale",
        action="store_true",
        help="with --scale, measure the labelled set again among all the site's children (slow)",
    )
    parser.add_argument("--examples", type=int, default=0, help="print this many missed and false pairs")
    parser.add_argument(
        "--memory",
        action="store_true",
        help="the same blocking and scoring in memory, no database (generated_set.memory_search): for large sets",
    )
    parser.add_argument(
        "--splink",
        action="store_true",
        help="train Splink on the same records, score ours with its weights, and run Splink beside ours",
    )
    parser.add_argument(
        "--search-share",
        type=float,
        default=1.0,
        help="search only this random share of the records (pairs with an end among them counted): estimates",
    )
    args = parser.parse_args(argv)
    if not 0 < args.search_share <= 1:
        parser.error("--search-share is a share of the records, more than 0 and at most 1")
    if args.memory and (args.postgres or args.scale):
        parser.error("--memory measures quality only: not with --postgres or --scale")

    where = setup_database(args.postgres)
    from bench import generated_set
    from childnrm.accounts.models import Organisation, OrganisationType, Site
    from childnrm.people import linkage
    from childnrm.people.linkage_scoring import (
        MATCH_THRESHOLD,
        MAX_CANDIDATES,
        STRONG_MATCH,
        max_candidates,
        review_threshold,
    )
    from childnrm.people.models import Child, ChildBlockingKey

    site = Site.objects.create(name="Linkage benchmark site", slug="linkage-bench")
    organisation = Organisation.objects.create(name="Benchmark police", type=OrganisationType.POLICE)

    records = generated_set.generate(
        args.base, seed=args.seed, names=args.names, places=args.places, identifiers=args.identifiers
    )
    kinds = Counter(r.kind for r in records)
    started = time.perf_counter()
    mapping = {} if args.memory else generated_set.load(records, site=site, organisation=organisation)
    load_seconds = time.perf_counter() - started
    print(f"Database: {'none (--memory: blocking and scoring in memory)' if args.memory else where}")
    print(
        f"Generated set (seed {args.seed}, {args.names} names, places {args.places}, identifiers "
        f"{args.identifiers}): {len(records)} records = "
        f"{kinds['original']} children, "
        f"{kinds['duplicate']} duplicates, {kinds['sibling']} siblings, {kinds['twin']} twins, "
        f"{kinds['namesake']} namesakes; "
        f"loaded with {ChildBlockingKey.objects.count()} blocking keys in {load_seconds:.1f} s"
    )

    search = generated_set.memory_search(records) if args.memory else generated_set.database_search(mapping, [site.pk])
    searched = None
    if args.search_share < 1:
        chance = random.Random(args.seed)
        searched = {r.id for r in records if chance.random() < args.search_share}
        print(
            f"Searched {len(searched)} of the {len(records)} records ({args.search_share:.0%}, seeded): the figures "
            f"below count only pairs with an end among them (estimates)"
        )
    measure = generated_set.measure(records, search, searched=searched)
    print(
        f"True pairs {measure.true_pairs}; candidate pairs scored {measure.candidate_pairs} "
        f"(of {len(records) * (len(records) - 1) // 2} possible); true pairs reached by blocking "
        f"{measure.blocked_true_pairs} ({measure.blocked_true_pairs / measure.true_pairs:.1%})"
    )
    print(
        f"Search per record (blocking query + scoring, {len(measure.timings)} records searched; at most "
        f"{max_candidates(len(records))} candidates scored each): mean "
        f"{1000 * measure.seconds_per_record:.1f} ms, median {1000 * measure.percentile(50):.1f} ms, "
        f"95th percentile {1000 * measure.percentile(95):.1f} ms"
    )
    print()
    print(f"{'threshold':>9} {'precision':>9} {'recall':>7} {'F1':>6} {'F2':>6} {'TP':>6} {'FP':>6} {'FN':>6}")
    for threshold in sorted({*THRESHOLDS, MATCH_THRESHOLD}):
        p, r, f1, tp, fp, fn = measure.at(threshold)
        f2 = 5 * p * r / (4 * p + r) if p + r else 0.0
        mark = "  <- MATCH_THRESHOLD" if threshold == MATCH_THRESHOLD else ""
        print(f"{threshold:>9.1f} {p:>9.3f} {r:>7.3f} {f1:>6.3f} {f2:>6.3f} {tp:>6} {fp:>6} {fn:>6}{mark}")

    if searched is None:
        print(grouped_table(measure))

    by_id = {r.id: r for r in records}
    threshold = review_threshold(measure.records)  # shown for review: MATCH_THRESHOLD before the register's prior
    false = Counter(" + ".join(sorted(by_id[i].kind for i in pair)) for pair in measure.false_matches(threshold))
    missed = Counter(c for pair in measure.missed(threshold) for i in pair for c in by_id[i].corruptions)
    print()
    print(f"At {threshold}: false matches by kind of records: {dict(false.most_common())}")
    print(f"At {threshold}: corruptions in missed pairs: {dict(missed.most_common())}")
    print()
    print(by_kind_table(records, measure, threshold))
    print()
    print(by_kind_table(records, measure, STRONG_MATCH))
    print()
    print(summary_line("ours, hand-set", records, measure))
    if args.examples:
        for title, pairs in (("Missed", measure.missed(threshold)), ("False", measure.false_matches(threshold))):
            print(f"\n{title} pairs (first {args.examples}):")
            for pair in sorted(pairs, key=sorted)[: args.examples]:
                a, b = (by_id[i] for i in sorted(pair))
                print(
                    f"  {measure.scored.get(pair)}: {a.given_names} | {a.family_name} {a.date_of_birth} ~ "
                    f"{b.given_names} | {b.family_name} {b.date_of_birth} {a.corruptions + b.corruptions}"
                )

    if args.splink:
        beside_splink(records, measure, mapping=mapping, site=site, memory=args.memory, searched=searched)

    if args.scale and args.scale > len(records):
        filler = generated_set.generate(
            args.scale - len(records),
            seed=args.seed + 1,
            duplicate_share=0.0,
            sibling_share=0.0,
            namesake_share=0.0,
            names=args.names,
        )
        offset = max(r.id for r in records)
        filler = [generated_set.replace(r, id=r.id + offset, cluster=-r.id) for r in filler]
        started = time.perf_counter()
        generated_set.load(filler, site=site, organisation=organisation)
        total = Child.objects.filter(site=site).count()
        print(f"\nFilled the site to {total} children in {time.perf_counter() - started:.0f} s")
        if args.postgres:
            from django.db import connection

            with connection.cursor() as cursor:
                cursor.execute("ANALYZE")
        sample = records[: args.sample]
        children = {c.pk: c for c in Child.objects.filter(pk__in=[mapping[r.id] for r in sample])}
        timings, sizes = [], []
        for record in sample:
            child = children[mapping[record.id]]
            t0 = time.perf_counter()
            found = linkage.candidates_for(child, site_ids=[site.pk], threshold=None, limit=None)
            timings.append(time.perf_counter() - t0)
            sizes.append(len(found))
        timings.sort()
        print(
            f"Search among {total} children, {len(sample)} records: mean {1000 * statistics.mean(timings):.1f} ms, "
            f"median {1000 * timings[len(timings) // 2]:.1f} ms, 95th percentile "
            f"{1000 * timings[int(0.95 * len(timings))]:.1f} ms; candidates scored per record: mean "
            f"{statistics.mean(sizes):.0f}, max {max(sizes)} (cap {MAX_CANDIDATES})"
        )
        if args.quality_at_scale:
            at_scale = generated_set.measure(records, generated_set.database_search(mapping, [site.pk]))
            print(
                f"The labelled set among {total} children: true pairs reached by blocking "
                f"{at_scale.blocked_true_pairs / at_scale.true_pairs:.1%}; mean search "
                f"{1000 * at_scale.seconds_per_record:.1f} ms per record"
            )
            for threshold in sorted({*THRESHOLDS, MATCH_THRESHOLD}):
                p, r, f1, tp, fp, fn = at_scale.at(threshold)
                print(f"{threshold:>9.1f} {p:>9.3f} {r:>7.3f} {f1:>6.3f} {tp:>6} {fp:>6} {fn:>6}")
    if args.postgres:
        from django.db import connection

        connection.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
