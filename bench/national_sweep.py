"""The national sweep timed on a generated register (issue 15 item 4; ADR 0029).

    .venv/bin/python bench/national_sweep.py --records 100000            # Splink on DuckDB, records in memory
    .venv/bin/python bench/national_sweep.py --records 100000 --postgres sweep_bench   # the whole command

Without `--postgres`: the generated records are turned into Splink's rows, a model is trained on them (as
`manage.py linkage_train` does) and the sweep's prediction runs (as `manage.py national_sweep` does); each
stage is timed, and precision and recall of the pairs stored are measured against the generated labels.
With `--postgres`: the records are loaded into a fresh database as the children of four sites, and
`national_sweep_run()` runs end to end (reading every child, predicting, storing the candidate links).
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def _base_for(records: int) -> int:
    # generate() adds about 0.59 records per base child (duplicates, siblings, namesakes)
    return max(int(records / 1.59), 10)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--records", type=int, default=100_000)
    parser.add_argument("--seed", type=int, default=20260601)
    parser.add_argument("--postgres", metavar="DBNAME", help="recreate this database and run the whole sweep")
    args = parser.parse_args(argv)

    if args.postgres:
        from bench.linkage_quality import setup_database

        setup_database(args.postgres)
    else:
        os.environ.setdefault("CHILDNRM_ENV", "test")
        os.environ.setdefault("DJANGO_SETTINGS_MODULE", "childnrm.settings")
        import django

        django.setup()
    from bench import generated_set
    from childnrm.people import linkage_splink

    started = time.perf_counter()
    records = generated_set.generate(_base_for(args.records), seed=args.seed)
    truth = generated_set.true_pairs(records)
    print(f"Generated {len(records)} records ({len(truth)} true pairs) in {time.perf_counter() - started:.1f} s")

    if not args.postgres:
        started = time.perf_counter()
        rows = [linkage_splink.splink_row(r.profile(), site_id=r.cluster % 4) for r in records]
        print(f"Rows for Splink in {time.perf_counter() - started:.1f} s")
        trained = linkage_splink.train(rows)
        print(f"Trained in {trained.figures['seconds']} s: {trained.figures}")
        started = time.perf_counter()
        pairs, _ = linkage_splink.predict(rows, trained.settings)
        seconds = time.perf_counter() - started
        found = {frozenset((p.id_l, p.id_r)) for p in pairs}
        tp = len(found & truth)
        print(
            f"Sweep (prediction) of {len(rows)} records in {seconds:.1f} s: {len(found)} pairs at probability "
            f"{linkage_splink.SWEEP_MATCH_PROBABILITY} or more; precision {tp / max(len(found), 1):.3f}, "
            f"recall {tp / max(len(truth), 1):.3f}"
        )
        return 0

    from childnrm.accounts.models import Organisation, OrganisationType, Site
    from childnrm.people.linkage_national import linkage_model_train, national_sweep_run

    organisation = Organisation.objects.create(name="Benchmark police", type=OrganisationType.POLICE)
    sites = [Site.objects.create(name=f"Sweep site {i}", slug=f"sweep-{i}") for i in range(4)]
    started = time.perf_counter()
    for i, site in enumerate(sites):
        generated_set.load([r for r in records if r.id % 4 == i], site=site, organisation=organisation)
    print(f"Loaded into the database in {time.perf_counter() - started:.0f} s")
    started = time.perf_counter()
    model = linkage_model_train()
    print(f"manage.py linkage_train: {time.perf_counter() - started:.1f} s ({model.training})")
    started = time.perf_counter()
    sweep = national_sweep_run(train_if_needed=False)
    seconds = time.perf_counter() - started
    cross = sweep.candidates.filter(cross_site=True).count()
    print(
        f"manage.py national_sweep: {seconds:.1f} s end to end for {sweep.records} records "
        f"(Splink prediction {sweep.figures['seconds']} s); {sweep.pairs} candidate links stored, {cross} across sites"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
