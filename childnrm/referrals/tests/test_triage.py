"""Triage: the coordinator confirms the engine's outcome or overrides it with a reason, once."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied

from childnrm.accounts.models import Organisation, Role, Site
from childnrm.audit.models import AuditEvent
from childnrm.people.models import Child
from childnrm.referrals.models import HandOff, Referral, ReferralStatus, TriageOutcome
from childnrm.referrals.services import ReferralStateError
from childnrm.referrals.services_triage import TriageInvalid, triage_confirm
from childnrm.referrals.tests.factories import submitted_referral
from conftest import demo_user


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings):
    # The demo data creates 18 users; the production password hasher would spend seconds on them.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


def triage_url(referral: Referral) -> str:
    return f"/referrals/{referral.reference}/triage/"


@pytest.fixture
def coordinator(client_as):
    return client_as(Role.COORDINATOR, "northbridge")


@pytest.fixture
def coordinator_user(demo):
    return demo_user(Role.COORDINATOR, "northbridge")


def eastwick() -> Organisation:
    return Organisation.objects.get(name="Eastwick Borough Council")


# The page -------------------------------------------------------------------------------------


def test_the_triage_page_shows_the_referral_the_suggestion_and_its_reasons(demo, coordinator):
    referral = submitted_referral("northbridge", age_disputed=True)
    response = coordinator.get(triage_url(referral))
    assert response.status_code == 200
    body = response.content.decode()
    assert referral.child_display_name in body
    assert "The Single Competent Authority decides" in body
    for reason in referral.triage_assessments.get().reasons:
        assert reason.replace("'", "&#x27;") in body
    # The SCA radio is pre-selected: confirming the suggestion is one click.
    assert 'value="sca" checked' in body
    assert f'href="/children/{referral.child.reference}/possible-matches/"' in body
    event = AuditEvent.objects.filter(action="view", object_id=str(referral.pk)).latest("seq")
    assert event.purpose == "Triage and routing of referrals"


def test_another_sites_coordinator_cannot_reach_the_referral(demo, client_as):
    referral = submitted_referral("northbridge")
    other = client_as(Role.COORDINATOR, "three-rivers")
    assert other.get(triage_url(referral)).status_code == 404
    response = other.post(triage_url(referral), {"outcome": "panel"})
    assert response.status_code == 404
    referral.refresh_from_db()
    assert referral.status == ReferralStatus.SUBMITTED


def test_the_referrer_cannot_triage_their_own_referral(demo, client_as):
    referral = submitted_referral("northbridge")
    response = client_as(Role.FIRST_RESPONDER, "northbridge").post(triage_url(referral), {"outcome": "panel"})
    assert response.status_code == 403
    referral.refresh_from_db()
    assert referral.status == ReferralStatus.SUBMITTED


# Confirming -----------------------------------------------------------------------------------


def test_confirming_a_panel_decision_accepts_the_referral(demo, coordinator, coordinator_user):
    referral = submitted_referral("northbridge")
    response = coordinator.post(triage_url(referral), {"outcome": "panel", "reason": ""})
    assert response.status_code == 302 and response["Location"] == triage_url(referral)
    referral.refresh_from_db()
    assert referral.status == ReferralStatus.ACCEPTED
    assessment = referral.triage_assessments.get()
    assert assessment.confirmed_by == coordinator_user
    assert assessment.confirmed_at is not None
    assert (assessment.final_outcome, assessment.final_site.slug) == (TriageOutcome.PANEL, "northbridge")
    change = referral.status_changes.last()
    assert (change.from_status, change.to_status, change.actor) == ("submitted", "accepted", coordinator_user)
    assert change.reason == "Triage confirmed: Northbridge Child Panel decides."
    event = AuditEvent.objects.filter(action="update", object_id=str(referral.pk)).latest("seq")
    assert event.detail == {"triage": "panel", "overridden": False, "to_site": referral.site_id, "handoff": None}
    page = coordinator.get(triage_url(referral)).content.decode()
    assert "Confirm triage" not in page
    assert "Confirmed by" in page and coordinator_user.full_name in page


def test_triage_happens_once(demo, coordinator, coordinator_user):
    referral = submitted_referral("northbridge")
    coordinator.post(triage_url(referral), {"outcome": "panel"})
    again = coordinator.post(triage_url(referral), {"outcome": "sca", "reason": "Second thoughts"}, follow=True)
    assert "This referral has already been triaged." in again.content.decode()
    referral.refresh_from_db()
    assert referral.status == ReferralStatus.ACCEPTED
    assert referral.status_changes.count() == 2
    assert not HandOff.objects.exists()
    with pytest.raises(ReferralStateError):
        triage_confirm(referral=referral, user=coordinator_user, final_outcome="sca", final_site=None, reason="x")


def test_changing_the_outcome_needs_a_reason_and_keeps_the_answers(demo, coordinator):
    referral = submitted_referral("northbridge")
    response = coordinator.post(triage_url(referral), {"outcome": "sca", "reason": "  "})
    assert response.status_code == 200
    body = response.content.decode()
    assert "There is a problem" in body
    assert 'href="#id_reason"' in body and "Enter the reason for changing who decides" in body
    assert 'value="sca" checked' in body  # the choice is kept
    assert body.count("govuk-error-message") == 1
    referral.refresh_from_db()
    assert referral.status == ReferralStatus.SUBMITTED


def test_an_override_is_recorded_with_its_reason(demo, coordinator):
    referral = submitted_referral("northbridge", age_uncertain=True)
    reason = "The age assessment of 3 March has settled the date of birth."
    coordinator.post(triage_url(referral), {"outcome": "panel", "reason": reason})
    referral.refresh_from_db()
    assessment = referral.triage_assessments.get()
    assert (assessment.outcome, assessment.final_outcome) == ("sca", "panel")
    assert assessment.override_reason == reason
    assert referral.status == ReferralStatus.ACCEPTED
    assert referral.status_changes.last().reason == f"Triage changed: Northbridge Child Panel decides. Reason: {reason}"
    event = AuditEvent.objects.filter(action="update", object_id=str(referral.pk)).latest("seq")
    assert event.detail["overridden"] is True
    assert reason not in str(event.detail)  # free text stays out of the audit trail


def test_choosing_no_outcome_is_an_error(demo, coordinator):
    referral = submitted_referral("northbridge")
    body = coordinator.post(triage_url(referral), {}).content.decode()
    assert "Select who decides this referral" in body
    assert 'href="#id_outcome_0"' in body


# Hand-offs ------------------------------------------------------------------------------------


def test_handing_off_to_the_sca_keeps_the_case_here_marked_handed_off(demo, coordinator, coordinator_user):
    referral = submitted_referral("northbridge", public_order_disqualification=True)
    response = coordinator.post(triage_url(referral), {"outcome": "sca"})
    assert response.status_code == 302
    assert response["Location"] == f"/referrals/{referral.reference}/case-packet/"
    referral.refresh_from_db()
    assert referral.status == ReferralStatus.HANDED_OFF
    assert referral.site.slug == "northbridge"
    handoff = HandOff.objects.get(referral=referral)
    assert (handoff.outcome, handoff.to_site, handoff.from_site.slug) == ("sca", None, "northbridge")
    assert handoff.produced_by == coordinator_user
    assert referral.status_changes.last().reason == ("Triage confirmed: handed off to the Single Competent Authority.")
    # The packet records the hand-off it belongs to, with the status it produced.
    assert handoff.packet["handoff"]["to"] == "Home Office Single Competent Authority"
    assert handoff.packet["status_history"][-1]["to"] == "handed_off"
    page = coordinator.get(response["Location"]).content.decode()
    assert "Case handed off" in page and handoff.sha256 in page


def test_transferring_to_another_site_moves_the_case_and_its_child(demo, coordinator, client_as):
    referral = submitted_referral("northbridge", residence_local_authority=eastwick())
    assert referral.triage_assessments.get().outcome == TriageOutcome.OTHER_SITE
    three_rivers = Site.objects.get(slug="three-rivers")
    page = coordinator.get(triage_url(referral)).content.decode()
    assert "Three Rivers Consortium Panel decides" in page
    assert f'value="{three_rivers.pk}" checked' in page  # the suggested site is pre-selected

    response = coordinator.post(triage_url(referral), {"outcome": "other_site", "site": three_rivers.pk})
    assert response["Location"] == f"/referrals/{referral.reference}/case-packet/"
    referral.refresh_from_db()
    assert referral.site == three_rivers
    assert Child.objects.get(pk=referral.child_id).site == three_rivers
    assert referral.status == ReferralStatus.SUBMITTED
    assert [c.to_status for c in referral.status_changes.all()] == ["submitted", "handed_off", "submitted"]
    handoff = HandOff.objects.get(referral=referral)
    assert (handoff.from_site.slug, handoff.to_site) == ("northbridge", three_rivers)
    # Assessed again as received at Three Rivers: its own panel may decide.
    fresh = referral.triage_assessments.first()
    assert fresh.outcome == TriageOutcome.PANEL and fresh.confirmed_at is None
    assert fresh.reasons[0] == "Transferred from Northbridge Child Panel."

    # Northbridge no longer holds the case, but keeps the packet it sent.
    assert coordinator.get(triage_url(referral)).status_code == 404
    assert coordinator.get(f"/referrals/{referral.reference}/case-packet/").status_code == 200
    assert coordinator.get(f"/referrals/{referral.reference}/case-packet.json").status_code == 200
    # Three Rivers triages it now.
    theirs = client_as(Role.COORDINATOR, "three-rivers")
    assert referral.reference in theirs.get("/referrals/queue/").content.decode()
    assert theirs.post(triage_url(referral), {"outcome": "panel"}).status_code == 302
    referral.refresh_from_db()
    assert referral.status == ReferralStatus.ACCEPTED


def test_transferring_needs_a_site(demo, coordinator):
    referral = submitted_referral("northbridge")
    body = coordinator.post(triage_url(referral), {"outcome": "other_site", "reason": "Moved"}).content.decode()
    assert "Select the site to transfer the referral to" in body
    assert 'href="#id_site_0"' in body


def test_transferring_to_a_site_other_than_the_suggested_one_is_an_override(demo, coordinator_user):
    referral = submitted_referral("northbridge")
    three_rivers = Site.objects.get(slug="three-rivers")
    with pytest.raises(TriageInvalid) as problem:
        triage_confirm(
            referral=referral, user=coordinator_user, final_outcome="other_site", final_site=three_rivers, reason=""
        )
    assert problem.value.field == "reason"
    result = triage_confirm(
        referral=referral,
        user=coordinator_user,
        final_outcome="other_site",
        final_site=three_rivers,
        reason="The family moved to Westholm last week.",
    )
    assert result.handoff.to_site == three_rivers


def test_a_site_cannot_transfer_to_itself(demo, coordinator_user):
    referral = submitted_referral("northbridge")
    with pytest.raises(TriageInvalid):
        triage_confirm(
            referral=referral, user=coordinator_user, final_outcome="other_site", final_site=referral.site, reason="x"
        )


def test_only_a_coordinator_of_the_referrals_site_may_triage_it(demo):
    referral = submitted_referral("northbridge")
    for user in (demo_user(Role.COORDINATOR, "three-rivers"), demo_user(Role.FIRST_RESPONDER, "northbridge")):
        with pytest.raises(PermissionDenied):
            triage_confirm(referral=referral, user=user, final_outcome="panel", final_site=None, reason="")
    referral.refresh_from_db()
    assert referral.status == ReferralStatus.SUBMITTED
