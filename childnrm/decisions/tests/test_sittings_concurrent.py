"""A sign-off or a start of a decision while the sitting changes (PostgreSQL, two connections racing for real).

The decision's services lock the sitting's row before the decision's, as the panel's services lock it: a conflict
declared during the sign-off, or a sitting closed while a draft is started, is then read by the other side, not
read around. Each test holds one side's transaction open until the other is seen waiting for a lock.

Apart from test_services.py because these tests commit: a module whose tests all roll back loads the demo once."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta

from django.utils import timezone

from childnrm.accounts.models import Role
from childnrm.decisions import services
from childnrm.decisions.models import Decision, DecisionStatus, Outcome, Stage
from childnrm.decisions.tests.factories import demo, draft_decision, record_complete, sitting
from childnrm.kit.tests.races import RACES, interleaved
from childnrm.panels import services as panel_services
from childnrm.panels.demo import accepted_referral, scheduled_meeting
from childnrm.panels.models import AgendaItem, ConflictDeclaration, MeetingStatus

SITE = "northbridge"
pytestmark = RACES


def _race(held: Callable[[], object], other: Callable[[], object]) -> tuple[dict[str, object], bool]:
    """Run `held` in a transaction kept open until `other`, started meanwhile on its own connection, waits for a lock;
    then let both finish (`kit.tests.races.interleaved`, with nothing after `held`). Returns what each returned or
    raised, and whether `other` waited."""
    done: dict[str, object] = {}
    results, waited = interleaved(lambda: done.setdefault("held", held()), lambda: done["held"], other)
    return {"held": results["first"], "other": results["second"]}, waited


def coordinator():
    return demo(Role.COORDINATOR, SITE)


def test_a_conflict_declared_as_the_chair_signs_off_is_read_and_the_conflicted_vote_does_not_count(demo):
    decision = record_complete(draft_decision(SITE), outcome=Outcome.POSITIVE, decided_on=timezone.localdate())
    item = decision.agenda_item
    voter = decision.votes.select_related("voter").first().voter
    attendee = item.meeting.attendees.get(user=voter)

    results, waited = _race(
        lambda: panel_services.conflict_declare(
            item=item, attendee=attendee, user=voter, has_conflict=True, details="I taught the child"
        ),
        lambda: services.decision_finalise(decision=Decision.objects.get(pk=decision.pk), user=decision.meeting.chair),
    )
    assert isinstance(results["held"], ConflictDeclaration), results
    refused = results["other"]
    assert isinstance(refused, services.DecisionIncomplete), results
    assert "vote-cannot-count" in [p.code for p in refused.problems]
    assert Decision.objects.get(pk=decision.pk).status == DecisionStatus.DRAFT
    assert waited


def test_a_conflict_declared_while_the_sign_off_commits_is_refused(demo):
    decision = record_complete(draft_decision(SITE), outcome=Outcome.POSITIVE, decided_on=timezone.localdate())
    item = decision.agenda_item
    voter = decision.votes.select_related("voter").first().voter
    attendee = item.meeting.attendees.get(user=voter)

    results, waited = _race(
        lambda: services.decision_finalise(decision=Decision.objects.get(pk=decision.pk), user=decision.meeting.chair),
        lambda: panel_services.conflict_declare(
            item=item, attendee=attendee, user=voter, has_conflict=True, details="I taught the child"
        ),
    )
    assert isinstance(results["held"], Decision), results
    assert isinstance(results["other"], panel_services.PanelError), results
    assert str(results["other"]) == "A decision on this case has been signed off: the declarations can no longer change"
    assert Decision.objects.get(pk=decision.pk).status == DecisionStatus.FINAL
    assert not ConflictDeclaration.objects.filter(agenda_item=item, attendee=attendee, has_conflict=True).exists()
    assert waited


def test_a_draft_is_not_started_at_a_sitting_closed_meanwhile(demo):
    referral = accepted_referral(SITE)
    meeting = sitting(SITE, referrals=[referral])
    item = AgendaItem.objects.get(meeting=meeting, referral=referral)
    scheduled_meeting(SITE, starts_at=timezone.now() + timedelta(days=10))  # where the undecided case is carried

    results, waited = _race(
        lambda: panel_services.meeting_close(meeting=meeting, user=coordinator()),
        lambda: services.decision_start(agenda_item=item, stage=Stage.REASONABLE_GROUNDS, user=coordinator()),
    )
    assert getattr(results["held"], "status", None) == MeetingStatus.CLOSED, results
    assert isinstance(results["other"], services.DecisionStateError), results
    assert str(results["other"]) == "Decisions can only be recorded for a meeting that is scheduled or in session."
    assert not Decision.objects.filter(meeting=meeting).exists()
    assert waited
