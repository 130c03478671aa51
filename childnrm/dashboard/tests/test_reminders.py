"""The daily reminders: a digest per site's coordinators, a note per action owner, once a day per item."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core import mail
from django.core.management import call_command
from django.utils import timezone

from childnrm.accounts.models import Role
from childnrm.dashboard.clocks import Kind
from childnrm.dashboard.models import Reminder
from childnrm.dashboard.reminders import OWNER_KIND, daily_reminders_send
from childnrm.dashboard.tasks import send_daily_reminders
from conftest import demo_user

from .factories import accepted_referral, days_ago, plan_with_action


def digests(site_slug: str = "northbridge"):
    coordinator = demo_user(Role.COORDINATOR, site_slug).email
    return [m for m in mail.outbox if m.subject.startswith("Daily reminders") and m.to == [coordinator]]


@pytest.fixture
def overdue_case(demo):
    referral = accepted_referral(submitted_on=days_ago(50))
    owner = demo_user(Role.PANEL_MEMBER, "northbridge")
    action = plan_with_action(referral.child, due_on=days_ago(2), owner=owner)
    return referral, action, owner


def test_coordinators_get_a_digest_of_references_only(overdue_case):
    referral, action, _ = overdue_case
    mail.outbox.clear()
    run = daily_reminders_send(today=timezone.localdate())
    [digest] = digests()
    assert referral.reference in digest.body and referral.child.reference in digest.body
    assert f"action {action.pk}" in digest.body
    assert "/dashboard/northbridge/" in digest.body
    # No personal data: not the child's name, not the action's description.
    child = referral.child
    for text in (digest.subject, digest.body):
        assert child.given_names not in text and child.family_name not in text
        assert action.description not in text and referral.account not in text
    assert run.digests >= 1
    assert Reminder.objects.filter(kind=Kind.RG_OVERDUE, object_id=str(referral.pk)).get().recipients == 1


def test_action_owners_are_told_about_their_overdue_actions(overdue_case):
    referral, action, owner = overdue_case
    mail.outbox.clear()
    daily_reminders_send(today=timezone.localdate())
    [note] = [m for m in mail.outbox if m.to == [owner.email]]
    assert note.subject == "Safeguarding actions overdue"
    assert f"action {action.pk}" in note.body and referral.child.reference in note.body
    assert action.description not in note.body and referral.child.given_names not in note.body
    assert Reminder.objects.filter(kind=OWNER_KIND, object_id=str(action.pk)).exists()


def test_an_owner_who_can_no_longer_update_the_action_is_not_told_but_the_coordinators_are(overdue_case):
    """Their role at the site removed (or the case moved away): they were emailed daily to update an action the
    service hid from them. The coordinators' digest keeps listing it, for them to give to someone else."""
    from childnrm.accounts.models import Membership

    _, action, owner = overdue_case
    Membership.objects.filter(user=owner, site__slug="northbridge").update(active=False)
    mail.outbox.clear()
    daily_reminders_send(today=timezone.localdate())
    assert [m for m in mail.outbox if m.to == [owner.email]] == []
    assert not Reminder.objects.filter(kind=OWNER_KIND, object_id=str(action.pk)).exists()
    [digest] = digests()
    assert f"action {action.pk}" in digest.body


def test_nothing_is_sent_twice_on_one_day_but_again_the_next_day(overdue_case):
    referral, _, owner = overdue_case
    today = timezone.localdate()
    mail.outbox.clear()
    daily_reminders_send(today=today)
    first = len(digests())
    assert first == 1
    mail.outbox.clear()
    again = daily_reminders_send(today=today)
    assert digests() == [] and [m for m in mail.outbox if m.to == [owner.email]] == []
    assert again.items == 0

    # Something new the same day: the next run tells the coordinators only about it.
    newer = accepted_referral(submitted_on=days_ago(47))
    daily_reminders_send(today=today)
    [digest] = digests()
    assert newer.reference in digest.body and referral.reference not in digest.body

    mail.outbox.clear()
    daily_reminders_send(today=today + timedelta(days=1))
    [tomorrow] = digests()
    assert referral.reference in tomorrow.body and newer.reference in tomorrow.body
    assert Reminder.objects.filter(object_id=str(referral.pk), kind=Kind.RG_OVERDUE).count() == 2


def test_each_site_gets_only_its_own_digest(overdue_case):
    referral, _, _ = overdue_case
    elsewhere = accepted_referral("three-rivers", submitted_on=days_ago(60))
    mail.outbox.clear()
    daily_reminders_send(today=timezone.localdate())
    [ours] = digests("northbridge")
    [theirs] = digests("three-rivers")
    assert elsewhere.reference not in ours.body and referral.reference in ours.body
    assert referral.reference not in theirs.body and elsewhere.reference in theirs.body


def test_the_task_and_the_command_run_the_reminders(overdue_case):
    mail.outbox.clear()
    summary = send_daily_reminders.call(timezone.localdate().isoformat())
    assert summary["digests"] >= 1 and "northbridge" in summary["sites"]
    mail.outbox.clear()
    call_command("send_daily_reminders", date=(timezone.localdate() + timedelta(days=1)).isoformat(), stdout=None)
    assert len(digests()) == 1


def test_the_daily_run_removes_files_a_crashed_upload_left_behind(demo, private_storage):
    import os
    import time

    folder = private_storage / "referrals" / "1"
    folder.mkdir(parents=True)
    left, in_progress = folder / "left-by-a-crash.pdf", folder / "being-uploaded.pdf"
    left.write_bytes(b"%PDF-1.4 orphan")
    in_progress.write_bytes(b"%PDF-1.4 new")
    two_days_ago = time.time() - 2 * 86400
    os.utime(left, (two_days_ago, two_days_ago))

    summary = send_daily_reminders.call(timezone.localdate().isoformat())
    assert summary["orphan_uploads_deleted"] == 1
    assert not left.exists() and in_progress.exists()
