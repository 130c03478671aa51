"""An invitation the mail server refused is sent by a later attempt, through the task queue the service runs
(django-tasks' database backend and its worker), once the server is back.

Apart from the other email tests because this one commits (the queue's worker runs its own transactions): a module
whose tests all roll back loads the demo once."""

from __future__ import annotations

import json
import re
from datetime import timedelta

import pytest
from django.core import mail
from django.test import Client
from django.utils import timezone
from django_tasks import TaskResultStatus
from django_tasks_db.management.commands.db_worker import Worker
from django_tasks_db.models import DBTaskResult

from childnrm.accounts.models import Membership, Organisation, Role, User
from childnrm.accounts.tests.test_account_emails_mail_server_down import MAIL_SERVER_DOWN

SERVICE_ADDRESS = "https://panels.example.gov.uk"
NEW_PASSWORD = "correct horse battery 42"


def _worker_runs_what_is_due() -> None:
    """The service's worker (manage.py db_worker --batch): every task due now, then it stops."""
    Worker(
        queue_names=["default"],
        interval=0,
        batch=True,
        backend_name="default",
        startup_delay=False,
        max_tasks=None,
        worker_id="test-worker",
        excluded_queue_names=[],
    ).run()


@pytest.mark.django_db(transaction=True)
def test_an_invitation_the_mail_server_refused_is_sent_by_a_later_attempt(client_as, site, settings):
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    settings.SERVICE_BASE_URL = SERVICE_ADDRESS
    settings.EMAIL_BACKEND = MAIL_SERVER_DOWN
    mail.outbox.clear()  # the demo's own
    police = Organisation.objects.get(name="Northbridge Police")
    response = client_as(Role.SITE_ADMIN).post(
        f"/account/users/{site.slug}/add/",
        {
            "full_name": "Priya Shah",
            "email": "priya.shah@police.example",
            "organisation": police.pk,
            "roles": [Role.PANEL_MEMBER],
        },
        follow=True,
    )
    assert "Priya Shah has been invited" in response.content.decode()
    user = User.objects.get(email="priya.shah@police.example")
    assert Membership.objects.filter(user=user, site=site, role=Role.PANEL_MEMBER, active=True).exists()

    # Queued once the change was committed, with ids and role codes only: the queue keeps no address or name.
    (queued,) = DBTaskResult.objects.all()
    assert queued.status == TaskResultStatus.READY
    assert "priya" not in json.dumps(queued.args_kwargs).lower()

    # The worker's first attempt fails; the next is queued for a minute later. The failure kept names nobody.
    _worker_runs_what_is_due()
    queued.refresh_from_db()
    assert queued.status == TaskResultStatus.FAILED and "priya" not in queued.traceback.lower()
    (retry,) = DBTaskResult.objects.filter(status=TaskResultStatus.READY)
    assert retry.run_after >= queued.started_at + timedelta(minutes=1)
    assert mail.outbox == []

    # The server is back, and the minute has passed: the next attempt sends the invitation, once.
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    DBTaskResult.objects.filter(pk=retry.pk).update(run_after=timezone.now())
    _worker_runs_what_is_due()
    retry.refresh_from_db()
    assert retry.status == TaskResultStatus.SUCCESSFUL
    assert not DBTaskResult.objects.filter(status=TaskResultStatus.READY).exists()
    (message,) = mail.outbox
    assert message.to == [user.email] and message.subject == "Child NRM Panels: you have been given access"
    assert f"Your roles at {site.name}:\n- Panel member\n" in message.body

    # Its link, made when it was sent, still works: they choose their password.
    link = re.search(rf"{re.escape(SERVICE_ADDRESS)}(/account/password-reset/\S+)", message.body).group(1)
    client = Client()
    form_url = client.get(link)["Location"]
    response = client.post(form_url, {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD})
    assert response["Location"] == "/account/password-reset/complete/"
    assert User.objects.get(pk=user.pk).check_password(NEW_PASSWORD)
