"""A case transferred while the chair signs off a decision on it, or while retention anonymises it (PostgreSQL, two
connections racing for real).

Every write to a child's case takes the case's rows in one order (`decisions.locks`, ADR 0035): the sittings, the
cases, their decisions, then the child. A transfer used to lock the child first and its cases after, while a sign-off
and an anonymisation lock the case first and touch the child after: each could hold what the other waited for, and
PostgreSQL aborted one of them ("deadlock detected"), an error page for its user. Each test lets one side take its
first locks, starts the transfer, lets the first side go on once the transfer waits for a lock, and expects both to
finish: the second waits for the first, then does its work or refuses it in words.

Apart from test_transfer.py because these tests commit: a module whose tests all roll back loads the demo once."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta

from django.utils import timezone

from childnrm.accounts.models import Role
from childnrm.decisions import services as decision_services
from childnrm.decisions.models import Decision, DecisionStatus, Outcome
from childnrm.decisions.tests.factories import draft_decision, record_complete
from childnrm.handovers.models import CaseTransfer, TransferDestination
from childnrm.handovers.services import HandoverError, case_transfer
from childnrm.kit.tests.races import RACES, interleaved
from childnrm.panels import services as panel_services
from childnrm.panels.demo import accepted_referral, scheduled_meeting
from childnrm.panels.models import AgendaItem, AgendaStage
from childnrm.panels.services import PanelError
from childnrm.panels.tests.factories import add_to_agenda
from childnrm.people.models import Child
from childnrm.referrals.models import Referral, ReferralStatus
from childnrm.retention import anonymise
from conftest import demo_user

SITE = "northbridge"
pytestmark = RACES


def _to_the_sca(child: Child) -> Callable[[], CaseTransfer]:
    return lambda: case_transfer(
        child=Child.objects.get(pk=child.pk),
        user=demo_user(Role.COORDINATOR, SITE),
        destination=TransferDestination.SCA,
        to_site=None,
        reason="The SCA asked to decide the case itself",
    )


def test_a_case_transferred_while_the_chair_signs_off_its_decision_waits_for_the_sign_off(demo):
    decision = record_complete(draft_decision(SITE), outcome=Outcome.POSITIVE, decided_on=timezone.localdate())
    referral = decision.referral

    results, waited = interleaved(
        # The sign-off's own first locks (the sitting, the case, the decision), then the sign-off itself, which
        # starts the child's outcome follow-up: a row that points at the child, so it waits for the child's lock.
        lambda: decision_services._locked_at_its_sitting(Decision.objects.get(pk=decision.pk)),
        lambda: decision_services.decision_finalise(
            decision=Decision.objects.get(pk=decision.pk), user=decision.meeting.chair
        ),
        _to_the_sca(referral.child),
    )
    assert isinstance(results["first"], Decision), results
    assert isinstance(results["second"], CaseTransfer), results
    assert waited
    assert Decision.objects.get(pk=decision.pk).status == DecisionStatus.FINAL
    assert Referral.objects.get(pk=referral.pk).status == ReferralStatus.HANDED_OFF


def test_a_case_transferred_while_retention_anonymises_it_waits_and_is_refused_in_words(demo):
    referral = accepted_referral(SITE)

    results, waited = interleaved(
        # Anonymisation's first lock is the case's; the child's record goes last, with the child's only case.
        lambda: Referral.objects.select_for_update().get(pk=referral.pk),
        lambda: anonymise.case_anonymise(Referral.objects.get(pk=referral.pk)),
        _to_the_sca(referral.child),
    )
    assert isinstance(results["first"], dict), results
    assert results["first"]["child_anonymised"] == 1
    refused = results["second"]
    assert isinstance(refused, HandoverError), results
    assert "were anonymised on" in str(refused)
    assert waited
    assert Referral.objects.get(pk=referral.pk).status == ReferralStatus.ACCEPTED
    assert not CaseTransfer.objects.filter(referral=referral).exists()


def test_a_case_listed_at_another_sitting_while_it_is_transferred_is_refused_in_words(demo):
    # The case is on sitting A's agenda; a coordinator lists it at sitting B while another transfers it to the SCA.
    # Listing used to lock B and the site's row, then the case (inserting the item); the transfer locked A, the case
    # and the child, then, taking the case off A, A's site: each waited for the other ("deadlock detected").
    referral = accepted_referral(SITE)
    a = scheduled_meeting(SITE)
    b = scheduled_meeting(SITE, starts_at=timezone.now() + timedelta(days=14))
    add_to_agenda(a, referral)
    coordinator = demo_user(Role.COORDINATOR, SITE)

    results, _ = interleaved(
        lambda: panel_services._lock_live(b, coordinator),
        lambda: panel_services.agenda_item_add(
            meeting=b,
            user=coordinator,
            referral=Referral.objects.get(pk=referral.pk),
            stage=AgendaStage.REASONABLE_GROUNDS,
        ),
        _to_the_sca(referral.child),
    )
    assert isinstance(results["second"], CaseTransfer), results
    refused = results["first"]
    assert isinstance(refused, PanelError), results
    assert "Only a case accepted by this panel can go on its agenda" in str(refused)
    assert not AgendaItem.objects.filter(meeting=b).exists()
    assert Referral.objects.get(pk=referral.pk).status == ReferralStatus.HANDED_OFF
