"""Background tasks for linkage: training the model and the national sweep (ADR 0029), run daily.

Run by the daily task (`dashboard.tasks.send_daily_reminders`) or alone (`manage.py linkage_train`,
`manage.py national_sweep`, either with `--enqueue` for the task worker).
"""

from __future__ import annotations

from django_tasks import task

from childnrm.people.linkage_national import linkage_model_train, national_sweep_run


@task()
def train_linkage_model() -> dict:
    """Train a linkage model on every child record and store it; its weights are used from then on."""
    model = linkage_model_train()
    if model is None:
        return {"trained": False}
    return {"trained": True, "model": model.pk, "records": model.records, **model.training}


@task()
def run_national_sweep() -> dict:
    """Link every child record nationally with the latest model (training one first if there is none)."""
    sweep = national_sweep_run()
    if sweep is None:
        return {"swept": False}
    cross = sweep.candidates.filter(cross_site=True).count()
    return {"swept": True, "records": sweep.records, "pairs": sweep.pairs, "cross_site": cross, **sweep.figures}
