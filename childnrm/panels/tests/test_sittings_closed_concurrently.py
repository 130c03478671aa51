"""Two sittings in session closed at once, each carrying its undecided case to the other (PostgreSQL, two connections
racing for real).

A closing locks its sitting and the sitting its cases go to, in id order, as every write takes a case's sittings
(ADR 0035). It used to lock its own first and the other after: two closings carrying to each other each held what
the other waited for, and PostgreSQL aborted one ("deadlock detected"), an error page. Now the second waits for the
first, then finds the sitting it carries to closed and says so, staying open.

Apart from test_sittings.py because these tests commit: a module whose tests all roll back loads the demo once."""

from __future__ import annotations

from childnrm.accounts.models import Role
from childnrm.kit.tests.races import RACES, interleaved
from childnrm.panels import services
from childnrm.panels.models import AgendaItem, Meeting, MeetingStatus
from childnrm.panels.services import PanelError
from childnrm.panels.tests.factories import accepted_referral, meeting_in_session
from conftest import demo_user

NB = "northbridge"
pytestmark = RACES


def test_two_sittings_closed_at_once_carrying_to_each_other_wait_for_each_other(demo):
    first, second = accepted_referral(NB), accepted_referral(NB)
    older = meeting_in_session(NB, referrals=[first])
    newer = meeting_in_session(NB, referrals=[second])
    coordinator = demo_user(Role.COORDINATOR, NB)

    results, waited = interleaved(
        # The older sitting's closing takes its first lock, the older sitting's (the lower id)...
        lambda: Meeting.objects.select_for_update().get(pk=older.pk),
        lambda: services.meeting_close(meeting=older, user=coordinator, carry_to=newer),
        # ...while the newer one is closed carrying its case to the older one.
        lambda: services.meeting_close(meeting=newer, user=coordinator, carry_to=older),
    )
    assert isinstance(results["first"], Meeting), results
    refused = results["second"]
    assert isinstance(refused, PanelError), results
    assert f"Referral {second.reference} cannot be carried" in str(refused)
    assert "This meeting is closed" in str(refused)
    assert Meeting.objects.get(pk=older.pk).status == MeetingStatus.CLOSED
    assert Meeting.objects.get(pk=newer.pk).status == MeetingStatus.OPEN
    assert AgendaItem.objects.filter(meeting=newer, referral=first).exists()
    assert waited
