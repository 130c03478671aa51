"""Ending a guardian's allocation while retention anonymises the child (PostgreSQL, two connections racing for real).

Anonymisation locks the case, then the child, then ends the child's allocations (ADR 0035). Ending an allocation by
hand takes the child's lock before the allocation's and checks the child under it: it waits for an anonymisation
under way and is refused in words, or ends the allocation first and the anonymisation waits for it. Never a deadlock,
and never a check of the child as it was before the anonymisation (it read the view's copy of the child, unlocked).

Apart from the other safeguarding tests because these tests commit: a module whose tests all roll back loads the demo
once."""

from __future__ import annotations

from childnrm.accounts.models import Role
from childnrm.audit.models import AuditEvent
from childnrm.decisions import locks
from childnrm.kit.tests.races import RACES, interleaved
from childnrm.outcomes.tests.factories import decided_child
from childnrm.people.models import AssociationKind, Child, ChildAssociation
from childnrm.referrals.models import Referral
from childnrm.retention import anonymise
from childnrm.safeguarding import services
from conftest import demo_user

SITE = "northbridge"
pytestmark = RACES


def _allocated_child() -> tuple[Referral, Child, ChildAssociation]:
    """A decided child (their only case) with the site's guardian allocated."""
    child = decided_child(SITE).referral.child
    (referral,) = Referral.objects.filter(child=child)
    allocation = ChildAssociation.objects.get(child=child, kind=AssociationKind.ICTG, ends_at__isnull=True)
    return referral, child, allocation


def _ended_by_hand(child: Child, allocation: ChildAssociation):
    """The coordinator's change, from the child as the page read it (before any lock)."""
    return lambda: services.guardian_allocation_end(
        child=child, user=demo_user(Role.COORDINATOR, SITE), association_id=allocation.pk
    )


def _ended_by_hand_audited(child: Child) -> bool:
    return any(
        e.detail.get("record") == "guardian allocation" and e.detail.get("change") == "ended"
        for e in AuditEvent.objects.filter(object_type="people.child", object_id=str(child.pk))
    )


def test_ending_an_allocation_while_the_child_is_anonymised_waits_and_is_refused_in_words(demo):
    referral, child, allocation = _allocated_child()

    def child_locked() -> None:
        """Anonymisation's locks up to the child's record: the case's, then the child's (its only case)."""
        locks.case_lock(referral)
        locks.child_lock(child.pk)

    results, waited = interleaved(
        child_locked,
        lambda: anonymise.case_anonymise(Referral.objects.get(pk=referral.pk)),
        _ended_by_hand(child, allocation),
    )
    assert isinstance(results["first"], dict), results
    assert results["first"]["child_anonymised"] == 1
    refused = results["second"]
    assert isinstance(refused, services.SafeguardingError), results
    assert f"The records of child {child.reference} were anonymised on" in str(refused)
    # Ended by the anonymisation, not by hand.
    assert ChildAssociation.objects.get(pk=allocation.pk).ends_at is not None
    assert not _ended_by_hand_audited(child)
    assert waited


def test_an_allocation_ended_first_makes_the_anonymisation_wait_then_it_goes_on(demo):
    referral, child, allocation = _allocated_child()

    results, waited = interleaved(
        # The change's own first lock (the child's), then the change itself.
        lambda: locks.child_lock(child.pk),
        _ended_by_hand(child, allocation),
        lambda: anonymise.case_anonymise(Referral.objects.get(pk=referral.pk)),
    )
    assert isinstance(results["first"], ChildAssociation), results
    assert isinstance(results["second"], dict), results
    assert results["second"]["child_anonymised"] == 1
    assert ChildAssociation.objects.get(pk=allocation.pk).ends_at is not None
    assert _ended_by_hand_audited(child)
    assert waited
