"""Transferring a case: the whole history travels, kept exactly as sent, and the case changes hands."""

from __future__ import annotations

import hashlib
import json

import pytest
from django.core import mail

from childnrm.accounts.models import Role, Site
from childnrm.audit.models import AuditEvent
from childnrm.dashboard.tests.factories import accepted_referral, final_decision, information_request, plan_with_action
from childnrm.decisions.models import DecisionEvidence, DecisionVote, Vote
from childnrm.handovers.models import CaseTransfer, TransferDestination
from childnrm.handovers.packet import packet_sha256
from childnrm.handovers.services import HandoverError, case_transfer
from childnrm.information.models import InformationResponse, LawfulBasis
from childnrm.letters.models import Letter, LetterKind
from childnrm.panels.models import Agency
from childnrm.people.models import Child
from childnrm.referrals.models import Referral, ReferralStatus
from childnrm.safeguarding.models import (
    ActionStatus,
    ContextKind,
    ContextualLink,
    PlanActionUpdate,
    Risk,
    StatutoryKind,
    StatutoryPeriod,
)
from conftest import demo_user


@pytest.fixture
def decided_case(demo):
    """An accepted case with a decision, votes, evidence, a plan, statutory status, a safety map,
    an answered information request and a letter."""
    referral = accepted_referral()
    child = referral.child
    coordinator = demo_user(Role.COORDINATOR)
    member = demo_user(Role.PANEL_MEMBER)
    decision = final_decision(referral)
    DecisionEvidence.objects.create(
        decision=decision, description="Police intelligence report on the line", agency=Agency.POLICE
    )
    DecisionVote.objects.create(
        decision=decision,
        voter=member,
        agency=Agency.HEALTH,
        vote=Vote.POSITIVE,
        reasons="Clear indicators",
        recorded_by=coordinator,
    )
    action = plan_with_action(child, due_on=decision.decided_on, owner=member)
    PlanActionUpdate.objects.create(
        action=action,
        from_status=ActionStatus.NOT_STARTED,
        to_status=ActionStatus.IN_PROGRESS,
        note="Visit booked",
        actor=member,
    )
    StatutoryPeriod.objects.create(
        child=child, kind=StatutoryKind.CHILD_PROTECTION_PLAN, starts_on=decision.decided_on, recorded_by=coordinator
    )
    ContextualLink.objects.create(
        child=child, kind=ContextKind.PLACE, name="The station car park", risk=Risk.HIGH, recorded_by=coordinator
    )
    asked = information_request(referral, due_on=decision.decided_on)
    InformationResponse.objects.create(
        request=asked,
        text="Known to us since March: seen with the older group.",
        lawful_basis=LawfulBasis.PUBLIC_TASK_SAFEGUARDING,
        purpose=asked.purpose,
        responded_by=member,
        organisation=member.organisation,
    )
    Letter.objects.create(
        decision=decision,
        kind=LetterKind.REFERRER_OUTCOME,
        content={"paragraphs": ["Private words"]},
        sha256="ab" * 32,
        produced_by=coordinator,
    )
    return referral


def transfer_url(child: Child) -> str:
    return f"/handovers/children/{child.reference}/transfer/"


def test_a_transfer_to_another_site_carries_the_whole_history_and_moves_the_case(
    decided_case, client_as, django_capture_on_commit_callbacks
):
    referral = decided_case
    child = referral.child
    three_rivers = Site.objects.get(slug="three-rivers")
    old, new = client_as(Role.COORDINATOR, "northbridge"), client_as(Role.COORDINATOR, "three-rivers")
    assert old.get(f"/children/{child.reference}/").status_code == 200
    assert new.get(f"/children/{child.reference}/").status_code == 404
    mail.outbox.clear()

    with django_capture_on_commit_callbacks(execute=True):
        response = old.post(
            transfer_url(child),
            {"destination": "site", "site": str(three_rivers.pk), "reason": "The family moved to Eastwick."},
        )
    transfer = CaseTransfer.objects.get(referral=referral)
    assert response.status_code == 302 and response["Location"] == f"/handovers/transfers/{transfer.pk}/"

    # The packet: everything, kept as sent, with a fingerprint that matches the download.
    packet = transfer.packet
    assert transfer.sha256 == packet_sha256(packet)
    assert packet["transfer"]["to"] == three_rivers.name and packet["transfer"]["reason"].startswith("The family")
    assert packet["case"]["referral"]["reference"] == referral.reference
    assert packet["case"]["status_history"] and packet["case"]["triage"]
    [decision] = packet["decisions"]
    assert decision["outcome"] == "positive" and decision["guidance_version"] == "2025-09"
    assert decision["votes"][0]["vote"] == "positive" and decision["votes"][0]["reasons"] == "Clear indicators"
    assert decision["evidence"][0]["description"] == "Police intelligence report on the line"
    [letter] = decision["letters"]
    assert letter["kind"] == "referrer_outcome" and "content" not in letter and letter["sha256"] == "ab" * 32
    [plan] = packet["safeguarding"]["plans"]
    assert plan["actions"][0]["updates"][0]["note"] == "Visit booked"
    # The plan recorded at the sitting, and the child in need status the referral said was in place.
    kinds = {period["kind"] for period in packet["safeguarding"]["statutory_periods"]}
    assert kinds == {"child_protection_plan", "child_in_need"}
    assert packet["safeguarding"]["contextual_links"][0]["name"] == "The station car park"
    [asked] = packet["information_requests"]
    assert asked["responses"][0]["text"].startswith("Known to us since March")
    assert packet["audit_summary"]["events"] >= 1
    assert packet["child"]["reference"] == child.reference

    download = old.get(f"/handovers/transfers/{transfer.pk}/packet.json")
    assert download.status_code == 200 and hashlib.sha256(download.content).hexdigest() == transfer.sha256
    assert json.loads(download.content)["case"]["referral"]["reference"] == referral.reference
    pdf = old.get(f"/handovers/transfers/{transfer.pk}/packet.pdf")
    assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF")
    assert child.display_name not in pdf["Content-Disposition"]

    # The case and the child's record moved, with nothing left behind or lost.
    referral.refresh_from_db()
    child.refresh_from_db()
    assert referral.site == three_rivers and child.site == three_rivers
    assert referral.status == ReferralStatus.ACCEPTED
    assert referral.decisions.count() == 1 and referral.information_requests.count() == 1
    assert child.safeguarding_plans.get().actions.count() == 1
    assert referral.status_changes.last().reason.startswith("Transferred from Northbridge Child Panel")

    # Scope follows the case: the old coordinator loses it, the new one gains it.
    assert old.get(f"/children/{child.reference}/").status_code == 404
    assert old.get(f"/referrals/{referral.reference}/triage/").status_code == 404
    assert new.get(f"/children/{child.reference}/").status_code == 200
    assert new.get(f"/referrals/{referral.reference}/triage/").status_code == 200
    # Both sites keep the record of the transfer.
    assert old.get(f"/handovers/transfers/{transfer.pk}/").status_code == 200
    assert new.get(f"/handovers/transfers/{transfer.pk}/").status_code == 200

    # The receiving coordinators are told, by reference only.
    [notice] = [m for m in mail.outbox if m.to == [demo_user(Role.COORDINATOR, "three-rivers").email]]
    assert referral.reference in notice.subject
    for text in (notice.subject, notice.body):
        assert child.given_names not in text and child.family_name not in text

    event = AuditEvent.objects.filter(
        object_type="referrals.referral", object_id=str(referral.pk), action="update"
    ).last()
    assert event.detail["transfer"] == transfer.pk and event.purpose == "Transfer or hand-over of a case"


def test_a_transfer_to_the_sca_hands_the_case_off_and_it_stays_here(decided_case, client_as):
    referral = decided_case
    coordinator = client_as(Role.COORDINATOR)
    response = coordinator.post(
        transfer_url(referral.child), {"destination": "sca", "reason": "Turns 18 before the panel can decide."}
    )
    assert response.status_code == 302
    transfer = CaseTransfer.objects.get(referral=referral)
    assert transfer.destination == TransferDestination.SCA and transfer.to_site is None
    assert transfer.packet["transfer"]["to"] == "Home Office Single Competent Authority"
    referral.refresh_from_db()
    assert referral.status == ReferralStatus.HANDED_OFF and referral.site.slug == "northbridge"
    page = coordinator.get(f"/handovers/transfers/{transfer.pk}/")
    assert b"Case transferred" in page.content and b"Single Competent Authority" in page.content


def test_bad_answers_are_shown_with_what_was_typed(decided_case, client_as):
    coordinator = client_as(Role.COORDINATOR)
    response = coordinator.post(transfer_url(decided_case.child), {"destination": "site", "reason": "Moved away"})
    body = response.content.decode()
    assert response.status_code == 200 and "There is a problem" in body
    assert "Select the site to transfer the case to" in body and "Moved away" in body
    response = coordinator.post(transfer_url(decided_case.child), {"destination": "sca"})
    assert "Enter the reason for the transfer" in response.content.decode()
    assert not CaseTransfer.objects.exists()


def test_a_case_is_transferred_once(decided_case):
    user = demo_user(Role.COORDINATOR)
    child = decided_case.child
    case_transfer(child=child, user=user, destination="sca", to_site=None, reason="Turning 18")
    with pytest.raises(HandoverError):
        case_transfer(child=child, user=user, destination="sca", to_site=None, reason="Turning 18")
    assert CaseTransfer.objects.count() == 1


def test_another_sites_coordinator_cannot_transfer_or_see_the_case(decided_case, client_as):
    other = client_as(Role.COORDINATOR, "three-rivers")
    child = decided_case.child
    assert other.get(transfer_url(child)).status_code == 404
    response = other.post(transfer_url(child), {"destination": "sca", "reason": "Mine now"})
    assert response.status_code == 404
    assert not CaseTransfer.objects.exists()
    assert Referral.objects.get(pk=decided_case.pk).status == ReferralStatus.ACCEPTED


def test_a_child_without_an_accepted_case_has_nothing_to_transfer(demo, client_as):
    child = Child.objects.filter(site__slug="northbridge", referrals__isnull=True).first()
    response = client_as(Role.COORDINATOR).get(transfer_url(child))
    assert response.status_code == 200 and b"no case with the panel to transfer" in response.content


# Every case of the child goes, and none goes while the panel is still deciding it ---------------------------


def _two_cases_of_one_child():
    """A child with two accepted referrals at Northbridge: an older one and a newer one."""
    from datetime import timedelta

    from django.utils import timezone

    older = accepted_referral(submitted_on=timezone.localdate() - timedelta(days=30))
    newer = accepted_referral()
    Referral.objects.filter(pk=newer.pk).update(child=older.child)
    newer.refresh_from_db()
    return older, newer


def test_a_transfer_to_the_sca_hands_off_every_case_of_the_child(demo, client_as):
    older, newer = _two_cases_of_one_child()
    child = older.child
    coordinator = client_as(Role.COORDINATOR)
    response = coordinator.post(transfer_url(child), {"destination": "sca", "reason": "Turns 18 before a sitting."})
    assert response.status_code == 302
    transfer = CaseTransfer.objects.get()
    assert transfer.referral == newer
    for referral in (older, newer):
        referral.refresh_from_db()
        assert referral.status == ReferralStatus.HANDED_OFF and referral.site.slug == "northbridge"
        assert referral.status_changes.last().reason.startswith("Transferred to the Single Competent Authority")
    event = AuditEvent.objects.filter(object_type="referrals.referral", object_id=str(newer.pk), action="update").last()
    assert sorted(event.detail["referrals"]) == sorted([older.pk, newer.pk])
    # Nothing is left with the panel: the page offers no second transfer, and none can be made.
    page = coordinator.get(transfer_url(child)).content.decode()
    assert "no case with the panel to transfer" in page and 'name="reason"' not in page
    with pytest.raises(HandoverError):
        case_transfer(child=child, user=demo_user(Role.COORDINATOR), destination="sca", to_site=None, reason="Again")
    assert CaseTransfer.objects.count() == 1


@pytest.mark.parametrize("destination", ["sca", "site"])
@pytest.mark.parametrize(
    ("status", "words"),
    [
        ("second_review", "The reasonable grounds decision on case {reference} is waiting for its second review"),
    ],
)
def test_a_case_with_a_decision_still_open_is_not_transferred(demo, client_as, destination, status, words):
    from childnrm.decisions.models import DecisionStatus, Outcome

    older, newer = _two_cases_of_one_child()
    # The older case's decision was taken and waits for its second review: the whole child's case waits for it. (A
    # draft does not hold it: it goes with the case to another site, whose panel finishes it; to the SCA it stands
    # still, as decisions refuse to change a case not held here.)
    final_decision(older, status=status, outcome=Outcome.NEGATIVE)
    three_rivers = Site.objects.get(slug="three-rivers")
    message = words.format(reference=older.reference)
    with pytest.raises(HandoverError, match=message):
        case_transfer(
            child=older.child,
            user=demo_user(Role.COORDINATOR),
            destination=destination,
            to_site=three_rivers,
            reason="Moved",
        )
    coordinator = client_as(Role.COORDINATOR)
    # The page says so before anything is typed, and a post is refused with the same words.
    page = coordinator.get(transfer_url(older.child)).content.decode()
    assert message in page and 'name="reason"' not in page
    data = {"destination": destination, "site": str(three_rivers.pk), "reason": "Moved"}
    refused = coordinator.post(transfer_url(older.child), data, follow=True).content.decode()
    assert message in refused
    assert not CaseTransfer.objects.exists()
    for referral in (older, newer):
        referral.refresh_from_db()
        assert referral.status == ReferralStatus.ACCEPTED and referral.site.slug == "northbridge"
    # Once the decision is final (or was returned and its new draft finished), the case can go.
    older.decisions.update(status=DecisionStatus.FINAL)
    case_transfer(
        child=older.child,
        user=demo_user(Role.COORDINATOR),
        destination=destination,
        to_site=three_rivers,
        reason="Moved",
    )
    assert CaseTransfer.objects.count() == 1


@pytest.mark.parametrize("destination", [TransferDestination.SCA, TransferDestination.SITE])
def test_a_draft_decision_does_not_hold_the_case(demo, destination):
    """A draft left from a sitting that did not decide must not keep a child who is about to turn 18 from the SCA:
    there is no way to discard a draft, and the next sitting may be weeks away."""
    from childnrm.decisions.models import DecisionStatus

    older, _newer = _two_cases_of_one_child()
    final_decision(older, status=DecisionStatus.DRAFT)
    case_transfer(
        child=older.child,
        user=demo_user(Role.COORDINATOR),
        destination=destination,
        to_site=Site.objects.get(slug="three-rivers"),
        reason="Moved",
    )
    assert CaseTransfer.objects.count() == 1
