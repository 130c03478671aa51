"""A feedback session started while retention anonymises the child (PostgreSQL, two connections racing for real).

The session points at the child, the decision's case and the decision. Anonymisation locks the case, then the child
(ADR 0035). A session inserted without taking those rows in that order held the child's row (the insert's key share)
while anonymisation held the case and waited for the child: one of the two was aborted ("deadlock detected"), or
the session was written on a child whose record was anonymised. Now it takes the child's cases, the decision and the
child first, and checks for anonymisation under them: it waits, then is refused in words, or is started first and
anonymised with the rest of the child's record.

Apart from the other feedback tests because these tests commit: a module whose tests all roll back loads the demo
once."""

from __future__ import annotations

from childnrm.accounts.models import Role
from childnrm.feedback import services
from childnrm.feedback.models import FeedbackSession
from childnrm.kit.tests.races import RACES, interleaved
from childnrm.outcomes.tests.factories import decided_child
from childnrm.people.models import Child
from childnrm.referrals.anonymised import child_anonymised
from childnrm.referrals.models import Referral
from childnrm.retention import anonymise
from conftest import demo_user

SITE = "northbridge"
pytestmark = RACES


def _decided() -> tuple[Child, Referral]:
    """A child with a final decision, their only case, and their guardian allocated."""
    child = decided_child(SITE).referral.child
    (referral,) = Referral.objects.filter(child=child)
    return child, referral


def _started(child: Child):
    return lambda: services.session_start(child=Child.objects.get(pk=child.pk), user=demo_user(Role.ICTG, SITE))


def _anonymised(referral: Referral):
    return lambda: anonymise.case_anonymise(Referral.objects.get(pk=referral.pk))


def test_a_session_started_while_the_child_is_anonymised_waits_and_is_refused_in_words(demo):
    child, referral = _decided()

    results, waited = interleaved(
        lambda: Referral.objects.select_for_update().get(pk=referral.pk),  # anonymisation's first lock: the case's
        _anonymised(referral),
        _started(child),
    )
    assert isinstance(results["first"], dict), results
    assert results["first"]["child_anonymised"] == 1
    refused = results["second"]
    assert isinstance(refused, services.FeedbackError), results
    assert child.reference in str(refused) and "were anonymised on" in str(refused)
    assert not FeedbackSession.objects.filter(child=child).exists()
    assert waited


def test_a_session_started_first_is_anonymised_with_the_child(demo):
    child, referral = _decided()

    results, waited = interleaved(
        lambda: services._start_locks(Child.objects.get(pk=child.pk)),  # the session's own first locks
        _started(child),
        _anonymised(referral),
    )
    started = results["first"]
    assert isinstance(started, services.Started), results
    assert started.session.decision_id is not None and started.session.referral_id == referral.pk
    assert isinstance(results["second"], dict), results
    assert results["second"]["child_anonymised"] == 1
    assert child_anonymised(child.pk)
    # Kept for the figures, and its link opens nothing: no words go into an anonymised record.
    assert FeedbackSession.objects.filter(pk=started.session.pk).exists()
    assert services.open_session_for_token(started.token) is None
    assert waited


def test_a_session_started_while_the_guardians_allocation_ends_waits_and_is_refused(demo):
    """The allocation is ended under the child's lock (safeguarding); a session started meanwhile waits for it and
    asks again whether the user is still the child's guardian: no code is handed to someone no longer theirs."""
    from childnrm.people.models import AssociationKind, ChildAssociation
    from childnrm.safeguarding import services as safeguarding_services

    child, _ = _decided()
    allocation = ChildAssociation.objects.get(child=child, user=demo_user(Role.ICTG, SITE), kind=AssociationKind.ICTG)

    results, waited = interleaved(
        lambda: Child.objects.select_for_update().get(pk=child.pk),  # the end's first lock: the child's
        lambda: safeguarding_services.guardian_allocation_end(
            child=Child.objects.get(pk=child.pk), user=demo_user(Role.COORDINATOR, SITE), association_id=allocation.pk
        ),
        _started(child),
    )
    assert not isinstance(results["first"], Exception), results
    refused = results["second"]
    assert isinstance(refused, services.FeedbackError), results
    assert "Only the child's guardian or lead social worker" in str(refused)
    assert not FeedbackSession.objects.filter(child=child).exists()
    assert waited
