"""Make the differentially private synthetic dataset for open publication (issue 10 item 3).

`manage.py evaluation_synthetic --out DIR [--epsilon 4] [--site SLUG]` synthesises the evaluation extract's
categories for every active site's cases (or one site's) with pac-synth, writes DIR/synthetic-nrm-children-
<date>.csv and its -report.json (the privacy budget spent and how closely the synthetic tables match the real
ones), and keeps both for the analysts' page. The output names no child and holds no real count.
"""

from __future__ import annotations

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from childnrm.accounts.models import Site
from childnrm.evaluation.services import synthetic_build
from childnrm.evaluation.synthetic import DEFAULT_EPSILON, SyntheticError


class Command(BaseCommand):
    help = "Make the differentially private synthetic dataset and its report (for open publication)."

    def add_arguments(self, parser) -> None:
        parser.add_argument("--out", required=True, help="Directory to write the CSV and the report to")
        parser.add_argument(
            "--epsilon", type=float, default=DEFAULT_EPSILON, help=f"Privacy budget (default {DEFAULT_EPSILON})"
        )
        parser.add_argument("--site", help="Only this site's cases (its slug); default every active site")

    def handle(self, *args, out: str, epsilon: float, site: str | None = None, **options) -> None:
        chosen = None
        if site:
            chosen = Site.objects.filter(slug=site).first()
            if chosen is None:
                raise CommandError(f"No site has the slug {site!r}")
        try:
            made = synthetic_build(epsilon=epsilon, site=chosen, out_dir=Path(out))
        except SyntheticError as problem:
            raise CommandError(str(problem)) from problem
        report = made.report
        self.stdout.write(
            f"Synthetic dataset written to {out}: {made.rows} rows, epsilon {made.epsilon}, delta {made.delta:.2e}; "
            f"mean TVD one-way {report['one_way']['mean_tvd']:.3f}, two-way {report['two_way']['mean_tvd']:.3f}; "
            f"NRM counts MAE {report['nrm_counts']['mean_absolute_error']:.1f}."
        )
