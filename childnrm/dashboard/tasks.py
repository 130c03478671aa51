"""The daily task: reminders for every site (run once a day by `manage.py send_daily_reminders`)."""

from __future__ import annotations

from datetime import date

from django.utils import timezone
from django_tasks import task

from childnrm.dashboard.reminders import daily_reminders_send
from childnrm.kit import mail


@task()
def send_daily_reminders(today: str | None = None) -> dict:
    """Send the day's reminders. `today` is an ISO date (tasks take JSON arguments); none means today, UK time.

    An email not sent stops nothing: every step runs, and then the task fails with an error naming nobody, so the
    queue records it (kit.mail.failures_raised; each failure is logged, without its address, where it happened)."""
    with mail.failures_raised("daily reminders"):
        return _daily_run(date.fromisoformat(today) if today else timezone.localdate())


def _daily_run(day: date) -> dict:
    summary = daily_reminders_send(today=day).as_dict()
    # The same daily run lists records past their retention date for each site's DPO (retention app).
    from childnrm.retention.services import retention_review_run

    summary["retention"] = retention_review_run(today=day).as_dict()
    # Outcome reviews that opened or are overdue, to their owners (outcomes app).
    from childnrm.outcomes.reminders import outcome_reminders_send

    summary["outcome_reviews"] = outcome_reminders_send(today=day).as_dict()
    # Training self-assessments that opened, to the people on the session (training app).
    from childnrm.training.reminders import assessment_reminders_send

    summary["training_self_assessments"] = assessment_reminders_send(today=day).as_dict()
    # Case review actions past their due date, to their owners (case_reviews app), like plan actions.
    from childnrm.case_reviews.reminders import case_review_reminders_send

    summary["case_review_actions"] = case_review_reminders_send(today=day).as_dict()
    # And removes files a crashed upload left behind with no row (a day old at least).
    from childnrm.kit.uploads import orphan_uploads_delete
    from childnrm.referrals.tasks import UPLOAD_FOLDERS

    summary["orphan_uploads_deleted"] = len(orphan_uploads_delete(folders=UPLOAD_FOLDERS))
    # The linkage model retrained on the day's records, then the national sweep with it (people app, ADR 0029):
    # queued for the task worker, not run here, as a sweep of the whole register takes minutes.
    from childnrm.people.tasks import run_national_sweep, train_linkage_model

    summary["linkage"] = [train_linkage_model.enqueue().id, run_national_sweep.enqueue().id]
    return summary
