"""Triage: the coordinator confirms the engine's outcome or overrides it with a reason, once."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from django.core.exceptions import PermissionDenied
from django.utils import timezone

from childnrm.accounts.models import Organisation, Role, Site
from childnrm.audit.models import AuditEvent
from childnrm.people.models import Child
from childnrm.referrals.models import Referral, ReferralStatus
from childnrm.referrals.services import ReferralStateError
from childnrm.referrals.tests.factories import backdate, submitted_referral, years_ago
from childnrm.triage.models import OnwardReferral, TriageOutcome
from childnrm.triage.services import Facts, TriageInvalid, triage_confirm, triage_correct_facts
from conftest import demo_user


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
        assert reason.replace("'", "&#39;") in body
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
    assert not OnwardReferral.objects.exists()
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
    # Where the child lives is a matter the coordinator may know better than the form: an override.
    referral = submitted_referral("northbridge", residence_local_authority=eastwick())
    reason = "The child moved back to Northbridge yesterday; the form gives the old address."
    coordinator.post(triage_url(referral), {"outcome": "panel", "reason": reason})
    referral.refresh_from_db()
    assessment = referral.triage_assessments.get()
    assert (assessment.outcome, assessment.final_outcome) == ("other_site", "panel")
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


# Onward referrals ----------------------------------------------------------------------------


def test_handing_off_to_the_sca_keeps_the_case_here_marked_handed_off(demo, coordinator, coordinator_user):
    referral = submitted_referral("northbridge", public_order_disqualification=True)
    response = coordinator.post(triage_url(referral), {"outcome": "sca"})
    assert response.status_code == 302
    assert response["Location"] == f"/referrals/{referral.reference}/case-packet/"
    referral.refresh_from_db()
    assert referral.status == ReferralStatus.HANDED_OFF
    assert referral.site.slug == "northbridge"
    sent = OnwardReferral.objects.get(referral=referral)
    assert (sent.outcome, sent.to_site, sent.from_site.slug) == ("sca", None, "northbridge")
    assert sent.produced_by == coordinator_user
    assert referral.status_changes.last().reason == ("Triage confirmed: referred on to the Single Competent Authority.")
    # The packet records the onward referral it belongs to, with the status it produced.
    assert sent.packet["handoff"]["to"] == "Home Office Single Competent Authority"
    assert sent.packet["status_history"][-1]["to"] == "handed_off"
    page = coordinator.get(response["Location"]).content.decode()
    assert "Case referred on" in page and sent.sha256 in page


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
    sent = OnwardReferral.objects.get(referral=referral)
    assert (sent.from_site.slug, sent.to_site) == ("northbridge", three_rivers)
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
    assert result.onward_referral.to_site == three_rivers


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


# Hard exclusions are rules, not discretion (issue 8 rule 7) -----------------------------------------


def close_to_18(days: int) -> date:
    """The date of birth of a child `days` days before their 18th birthday today."""
    return years_ago(18, timezone.localdate() + timedelta(days=days))


HARD_EXCLUSIONS = [
    ({"age_disputed": True}, "because the child's age is disputed."),
    ({"age_uncertain": True}, "because the child's age is uncertain."),
    ({"public_order_disqualification": True}, "because a public-order disqualification is being considered."),
    ({"date_of_birth": None, "estimated_age_years": 18}, "because the child was 18 or over when referred."),
    ({"date_of_birth_fn": 100}, "because the child turns 18 within 100 days of the referral."),
]


def _answers(facts: dict) -> dict:
    facts = dict(facts)
    if "date_of_birth_fn" in facts:
        facts["date_of_birth"] = close_to_18(facts.pop("date_of_birth_fn"))
    return facts


@pytest.mark.parametrize(("facts", "words"), HARD_EXCLUSIONS)
def test_a_hard_exclusion_cannot_be_overridden_to_a_panel(demo, coordinator_user, facts, words):
    referral = submitted_referral("northbridge", **_answers(facts))
    three_rivers = Site.objects.get(slug="three-rivers")
    for outcome, site in (("panel", None), ("other_site", three_rivers)):
        with pytest.raises(TriageInvalid) as problem:
            triage_confirm(
                referral=referral,
                user=coordinator_user,
                final_outcome=outcome,
                final_site=site,
                reason="The panel knows this child well.",
            )
        assert problem.value.field == "outcome"
        message = str(problem.value)
        assert message.startswith("A panel cannot decide this referral " + words[:-1])
        assert "This is a rule, not a matter of discretion" in message
    referral.refresh_from_db()
    assert referral.status == ReferralStatus.SUBMITTED
    assert referral.triage_assessments.get().confirmed_at is None
    # The SCA is still a choice, without a reason.
    result = triage_confirm(referral=referral, user=coordinator_user, final_outcome="sca", final_site=None, reason="")
    assert result.referral.status == ReferralStatus.HANDED_OFF


def test_101_days_before_18_is_not_a_hard_exclusion(demo, coordinator_user):
    referral = submitted_referral("northbridge", date_of_birth=close_to_18(101))
    result = triage_confirm(referral=referral, user=coordinator_user, final_outcome="panel", final_site=None, reason="")
    assert result.referral.status == ReferralStatus.ACCEPTED


def test_the_triage_form_offers_only_the_sca_under_a_hard_exclusion(demo, coordinator):
    referral = submitted_referral("northbridge", age_disputed=True)
    page = coordinator.get(triage_url(referral)).content.decode()
    assert 'value="sca"' in page
    assert 'value="panel"' not in page and 'value="other_site"' not in page
    assert "A panel cannot decide this referral because the child&#39;s age is disputed" in page
    assert f'href="/referrals/{referral.reference}/triage/facts/"' in page
    # A panel sent anyway (an old page) is refused with the rule named.
    body = coordinator.post(triage_url(referral), {"outcome": "panel", "reason": "We know best"}).content.decode()
    assert "There is a problem" in body
    assert "A panel cannot decide this referral because the child&#39;s age is disputed" in body
    referral.refresh_from_db()
    assert referral.status == ReferralStatus.SUBMITTED


# Correcting the facts -------------------------------------------------------------------------


def facts_url(referral: Referral) -> str:
    return f"/referrals/{referral.reference}/triage/facts/"


def _facts(referral: Referral, **changes) -> Facts:
    return Facts(**{**Facts.of(referral).__dict__, **changes})


def test_correcting_the_facts_routes_again_and_is_audited(demo, coordinator_user):
    referral = submitted_referral("northbridge", age_disputed=True)
    assert referral.triage_assessments.get().outcome == TriageOutcome.SCA
    fresh = triage_correct_facts(
        referral=referral,
        user=coordinator_user,
        facts=_facts(referral, age_disputed=False),
        reason="The age assessment concluded on 1 March and accepted the stated date of birth.",
    )
    referral.refresh_from_db()
    assert referral.age_disputed is False
    assert fresh.outcome == TriageOutcome.PANEL
    assert referral.triage_assessments.count() == 2 and referral.triage_assessments.first() == fresh
    assert fresh.reasons[0] == (
        f"The facts were corrected by {coordinator_user.full_name} on {timezone.localdate().day} "
        f"{timezone.localdate():%B %Y}: age disputed from yes to no. Reason: The age assessment concluded on "
        "1 March and accepted the stated date of birth."
    )
    assert fresh.reasons[-1] == "Northbridge Child Panel may decide: every rule for a panel decision is met."
    event = AuditEvent.objects.filter(action="update", object_id=str(referral.pk)).latest("seq")
    assert event.detail["facts_corrected"] == {"age_disputed": {"from": True, "to": False}}
    assert (event.detail["previous_outcome"], event.detail["outcome"]) == ("sca", "panel")
    assert "age assessment" not in str(event.detail)  # the free-text reason stays out of the audit detail
    # Now the panel may be chosen.
    result = triage_confirm(referral=referral, user=coordinator_user, final_outcome="panel", final_site=None, reason="")
    assert result.referral.status == ReferralStatus.ACCEPTED


def test_a_date_of_birth_now_known_replaces_an_unknown_age(demo, coordinator_user):
    referral = submitted_referral("northbridge", date_of_birth=None, estimated_age_years=15, age_uncertain=True)
    assert referral.triage_assessments.get().outcome == TriageOutcome.SCA
    born = years_ago(15)
    fresh = triage_correct_facts(
        referral=referral,
        user=coordinator_user,
        facts=_facts(referral, date_of_birth=born, estimated_age_years=None, age_uncertain=False),
        reason="Birth certificate seen.",
    )
    assert fresh.outcome == TriageOutcome.PANEL
    event = AuditEvent.objects.filter(action="update", object_id=str(referral.pk)).latest("seq")
    assert event.detail["facts_corrected"] == {
        "date_of_birth": {"from": None, "to": born.isoformat()},
        "estimated_age_years": {"from": 15, "to": None},
        "age_uncertain": {"from": True, "to": False},
    }
    assert "estimated age from 15 to not known" in fresh.reasons[0]
    assert Child.objects.get(pk=referral.child_id).date_of_birth == born  # the child record made from it too


def test_corrected_facts_that_still_exclude_keep_the_case_with_the_sca(demo, coordinator_user):
    referral = submitted_referral("northbridge", public_order_disqualification=True, age_disputed=True)
    fresh = triage_correct_facts(
        referral=referral,
        user=coordinator_user,
        facts=_facts(referral, public_order_disqualification=False),
        reason="The Home Office has decided not to pursue the public-order disqualification.",
    )
    assert fresh.outcome == TriageOutcome.SCA
    assert fresh.reasons[-1] == "The Single Competent Authority decides, because the child's age is disputed."
    with pytest.raises(TriageInvalid):
        triage_confirm(referral=referral, user=coordinator_user, final_outcome="panel", final_site=None, reason="x")


def test_the_facts_are_checked_against_the_day_of_referral(demo, coordinator_user):
    # Referred 30 days ago, 120 days from 18 then: a date of birth known now still counts from the referral day.
    referral = backdate(submitted_referral("northbridge", age_uncertain=True), timezone.localdate() - timedelta(30))
    fresh = triage_correct_facts(
        referral=referral,
        user=coordinator_user,
        facts=_facts(referral, age_uncertain=False, date_of_birth=close_to_18(90)),
        reason="The age assessment gave a date of birth.",
    )
    assert fresh.outcome == TriageOutcome.PANEL
    assert "120 days after the referral" in " ".join(fresh.reasons)


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({}, "date_of_birth"),  # nothing changed
        ({"date_of_birth": date(2099, 1, 1)}, "date_of_birth"),
        ({"date_of_birth": None, "estimated_age_years": 40}, "estimated_age_years"),
        ({"estimated_age_years": 15}, "estimated_age_years"),  # as well as a date of birth
    ],
)
def test_facts_that_cannot_be_right_are_refused(demo, coordinator_user, changes, field):
    referral = submitted_referral("northbridge", age_disputed=True)
    with pytest.raises(TriageInvalid) as problem:
        triage_correct_facts(
            referral=referral, user=coordinator_user, facts=_facts(referral, **changes), reason="Because."
        )
    assert problem.value.field == field
    with pytest.raises(TriageInvalid) as problem:
        triage_correct_facts(
            referral=referral, user=coordinator_user, facts=_facts(referral, age_disputed=False), reason=" "
        )
    assert problem.value.field == "reason"
    assert referral.triage_assessments.count() == 1


def test_facts_are_corrected_only_before_triage_and_only_by_the_sites_coordinator(demo, coordinator_user):
    referral = submitted_referral("northbridge", age_disputed=True)
    with pytest.raises(PermissionDenied):
        triage_correct_facts(
            referral=referral,
            user=demo_user(Role.COORDINATOR, "three-rivers"),
            facts=_facts(referral, age_disputed=False),
            reason="x",
        )
    triage_confirm(referral=referral, user=coordinator_user, final_outcome="sca", final_site=None, reason="")
    with pytest.raises(ReferralStateError):
        triage_correct_facts(
            referral=referral, user=coordinator_user, facts=_facts(referral, age_disputed=False), reason="x"
        )


def test_the_correct_the_facts_page(demo, coordinator):
    referral = submitted_referral("northbridge", age_disputed=True)
    page = coordinator.get(facts_url(referral)).content.decode()
    assert "Correct the facts" in page
    assert 'value="age_disputed" checked' in page
    day, month, year = referral.date_of_birth.day, referral.date_of_birth.month, referral.date_of_birth.year
    answers = {
        "date_of_birth_day": str(day),
        "date_of_birth_month": str(month),
        "date_of_birth_year": str(year),
        "public_order_disqualification": "no",
    }
    body = coordinator.post(facts_url(referral), answers).content.decode()
    assert "There is a problem" in body and "Enter why the facts have changed" in body
    response = coordinator.post(facts_url(referral), {**answers, "reason": "Age assessment concluded."})
    assert response.status_code == 302 and response["Location"] == triage_url(referral)
    page = coordinator.get(triage_url(referral)).content.decode()
    assert "Facts corrected. The rules now suggest: This site&#39;s panel" in page
    assert "age disputed from yes to no" in page
    assert 'value="panel" checked' in page
    event = AuditEvent.objects.filter(action="view", object_id=str(referral.pk), detail__page="correct facts")
    assert event.exists()
