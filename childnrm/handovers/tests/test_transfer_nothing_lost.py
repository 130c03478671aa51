"""A transfer loses nothing the receiver needs (domain step 14): the child's whole history travels in the packet,
the case leaves the sending site's sittings, and the sending site's guardian is not left allocated."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from childnrm.accounts.models import Membership, Role, Site, User
from childnrm.dashboard import clocks
from childnrm.handovers import packet as packets
from childnrm.handovers.services import case_transfer
from childnrm.handovers.tests.case_records import linked_models
from childnrm.outcomes.tests.factories import decided_child, missing_episode
from childnrm.panels.models import AgendaItem
from childnrm.panels.tests.factories import scheduled_meeting
from childnrm.people import services as people_services
from childnrm.people.models import AssociationKind, ChildAssociation
from childnrm.referrals.models import AdultConsent, ConsentAnswer, ConsentMethod
from childnrm.reviews import services as review_services
from childnrm.reviews.models import ReconsiderationStatus
from childnrm.reviews.tests import factories as f
from childnrm.safeguarding import services as safeguarding_services
from childnrm.safeguarding.models import SafeguardingPlan
from conftest import demo_user, signed_in

pytestmark = pytest.mark.django_db


def test_every_model_linked_to_the_child_or_a_referral_travels_in_the_packet_or_is_left_out_for_a_reason():
    """A record another app hangs on the child or a case is decided for the packet: carried (`packet.CARRIED`) or
    deliberately left out with the reason (`packet.LEFT_OUT`), never silently dropped from the receiver's history."""
    linked = {m._meta.label for m in linked_models()}
    undecided = sorted(linked - set(packets.CARRIED) - set(packets.LEFT_OUT))
    assert undecided == [], (
        "Models linked to the child or a referral that the transfer packet neither carries nor leaves out for a "
        f"stated reason: add them to handovers/packet.py (and raise PACKET_VERSION), or to LEFT_OUT: {undecided}"
    )
    assert not set(packets.CARRIED) & set(packets.LEFT_OUT), "a model is both carried and left out"
    stale = sorted((set(packets.CARRIED) | set(packets.LEFT_OUT)) - linked)
    assert stale == [], f"CARRIED or LEFT_OUT names models not linked to the child or a referral: {stale}"
    assert all(reason.strip() for reason in packets.LEFT_OUT.values()), "every model left out says why"


def test_a_transfer_to_the_sca_carries_missing_episodes_outcome_reviews_the_childs_views_and_consent(demo):
    """Domain step 14: 'the case transfers with its history and nothing is lost'. The SCA gets only the packet, so it
    must hold what return home interviews learned, the outcome reviews, the child's own views on their plan, their
    consent at 18 and the lead social workers, in the JSON and in the PDF people read."""
    today = timezone.localdate()
    decision = decided_child("northbridge", decided_on=today - timedelta(days=30))
    referral, child = decision.referral, decision.referral.child
    coordinator, guardian = demo_user(Role.COORDINATOR), demo_user(Role.ICTG)
    missing_episode(child, guardian, learned="Went to the flat above the takeaway; an older boy paid for his train.")
    plan = SafeguardingPlan.objects.get(child=child, status="active")
    safeguarding_services.child_views_record(
        plan=plan,
        user=guardian,
        in_their_words="I don't want to move school again.",
        gathered_by_name=guardian.full_name,
        gathered_by_role="Guardian",
        gathered_on=today,
        how="in_person",
        with_interpreter=False,
    )
    AdultConsent.objects.create(
        referral=referral,
        answer=ConsentAnswer.GIVEN,
        given_on=today,
        method=ConsentMethod.IN_PERSON,
        recorded_by=coordinator,
    )
    people_services.lead_social_worker_record(child=child, user=coordinator, name="Jo Lead", team="Exploitation team")

    transfer = case_transfer(
        child=child, user=coordinator, destination="sca", to_site=None, reason="Turns 18 before the panel can decide."
    )
    assert transfer.packet["version"] == packets.PACKET_VERSION >= 2
    expected = (
        ("the missing episode and what was learned", "flat above the takeaway"),
        ("the child's views on their plan", "I don't want to move school again"),
        ("the lead social worker", "Jo Lead"),
        ("the outcome reviews", "placement_stability"),
        ("consent at 18", "Consents to remain in the NRM"),
    )
    text = str(transfer.packet)
    assert [what for what, words in expected if words not in text] == [], "not in the packet sent to the SCA"
    # The PDF's sections (the kit's renderer draws them) show the same to people.
    shown = str(packets.readable(transfer.packet))
    for title in ("Missing episodes and return home interviews", "Outcome reviews", "Consent at 18"):
        assert title in shown
    for what, words in expected[:3] + expected[4:]:
        assert words in shown, f"{what} is not in the packet's PDF"
    assert packets.transfer_pdf(transfer.packet, sha256=transfer.sha256).startswith(b"%PDF")


def _listed_request():
    asked = f.reconsideration(decision=f.final_decision(voters=f.panel_trio("northbridge", "Original")))
    return review_services.reconsideration_list(
        reconsideration=asked, meeting=scheduled_meeting("northbridge"), user=f.site_user(Role.COORDINATOR)
    )


def test_a_listed_reconsideration_follows_its_case_to_the_receiving_panel(demo):
    """A case moved to another site comes off the sending site's sittings: its listed reconsideration goes back to
    received, so the receiving coordinator can list it before one of their own sittings."""
    asked = _listed_request()
    sitting = asked.meeting
    referral = asked.decision.referral
    transfer = case_transfer(
        child=referral.child,
        user=f.site_user(Role.COORDINATOR),
        destination="site",
        to_site=Site.objects.get(slug="three-rivers"),
        reason="The family moved.",
    )
    asked.refresh_from_db()
    assert (asked.status, asked.meeting) == (ReconsiderationStatus.RECEIVED, None)
    assert not AgendaItem.objects.filter(meeting=sitting, referral=referral).exists()
    # The packet says where the case stands now: a request received, to be listed.
    sent = [r for d in transfer.packet["decisions"] for r in d["reconsideration_requests"]]
    assert [r["status"] for r in sent] == [ReconsiderationStatus.RECEIVED]
    there = scheduled_meeting("three-rivers")
    listed = review_services.reconsideration_list(
        reconsideration=asked, meeting=there, user=f.site_user(Role.COORDINATOR, "three-rivers")
    )
    assert (listed.status, listed.meeting) == (ReconsiderationStatus.LISTED, there)


def test_a_case_handed_to_the_sca_leaves_no_reconsideration_listed_at_a_sitting(demo):
    """A case handed to the SCA is no longer the panel's to decide: it leaves the sitting's agenda (whose papers would
    stay open to the panel) and its request is no longer 'listed' there."""
    asked = _listed_request()
    sitting = asked.meeting
    referral = asked.decision.referral
    case_transfer(
        child=referral.child,
        user=f.site_user(Role.COORDINATOR),
        destination="sca",
        to_site=None,
        reason="Turns 18 before the panel can decide.",
    )
    asked.refresh_from_db()
    assert asked.status != ReconsiderationStatus.LISTED and asked.meeting is None
    assert not AgendaItem.objects.filter(meeting=sitting, referral=referral).exists()


def test_after_a_transfer_the_receiving_site_is_not_told_the_sending_sites_guardian_is_allocated(demo):
    """The sending site's guardian holds no guardian's role at the receiving site: their allocation ends with the
    transfer (audited), so the child's page agrees with the dashboard's 'without a guardian' and the receiving
    coordinator can allocate their own guardian."""
    child = decided_child("northbridge").referral.child
    old_guardian = demo_user(Role.ICTG)
    three_rivers = Site.objects.get(slug="three-rivers")
    case_transfer(
        child=child, user=demo_user(Role.COORDINATOR), destination="site", to_site=three_rivers, reason="Moved."
    )
    without = clocks.children_without_guardian(three_rivers, timezone.localdate())
    assert child.pk in set(without.values_list("pk", flat=True))
    receiving = demo_user(Role.COORDINATOR, "three-rivers")
    page = signed_in(receiving).get(reverse("safeguarding:child", args=[child.reference])).content.decode()
    assert old_guardian.full_name not in page
    ended = ChildAssociation.objects.get(child=child, user=old_guardian, kind=AssociationKind.ICTG)
    assert ended.ends_at is not None
    new_guardian = demo_user(Role.ICTG, "three-rivers")
    allocated = safeguarding_services.guardian_allocate(child=child, user=receiving, guardian=new_guardian)
    assert allocated.ends_at is None
    assert child.pk not in set(
        clocks.children_without_guardian(three_rivers, timezone.localdate()).values_list("pk", flat=True)
    )


def test_a_new_guardian_can_be_allocated_when_the_allocated_one_no_longer_counts(demo):
    """An allocation whose guardian no longer holds the role at the child's site does not hold the child (as the
    dashboard counts it): allocating a new guardian is allowed and ends it."""
    child = decided_child("northbridge").referral.child
    old_guardian = demo_user(Role.ICTG)
    Membership.objects.filter(user=old_guardian, site=child.site, role=Role.ICTG).update(active=False)
    coordinator = demo_user(Role.COORDINATOR)
    new_guardian = User.objects.create_user(
        "second.guardian@northbridge.example", None, full_name="Sam Second", organisation=old_guardian.organisation
    )
    Membership.objects.create(user=new_guardian, site=child.site, role=Role.ICTG)
    allocated = safeguarding_services.guardian_allocate(child=child, user=coordinator, guardian=new_guardian)
    assert allocated.ends_at is None
    stale = ChildAssociation.objects.get(child=child, user=old_guardian, kind=AssociationKind.ICTG)
    assert stale.ends_at is not None
