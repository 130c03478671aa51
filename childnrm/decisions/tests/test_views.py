"""The decision pages as the coordinator and the chair use them."""

from __future__ import annotations

import json

import pytest
from django.urls import reverse
from django.utils import timezone

from childnrm.accounts.models import Role
from childnrm.audit.models import AuditEvent
from childnrm.decisions.export import decision_export, decision_export_json
from childnrm.decisions.models import Act, Decision, DecisionStatus, Outcome, Stage
from childnrm.decisions.tests.factories import (
    demo,
    draft_decision,
    final_decision,
    record_complete,
    second_reviewer,
    sitting,
)
from childnrm.panels.models import Agency, AgendaItem
from childnrm.panels.tests.factories import accepted_referral
from conftest import signed_in

SITE = "northbridge"


def url(name: str, decision: Decision, *args) -> str:
    return reverse(f"decisions:{name}", args=[decision.pk, *args])


def test_the_coordinator_starts_a_decision_from_the_agenda(client_as):
    referral = accepted_referral(SITE)
    meeting = sitting(SITE, referrals=[referral])
    item = AgendaItem.objects.get(meeting=meeting, referral=referral)
    client = client_as(Role.COORDINATOR)
    page = client.get(reverse("decisions:index"))
    assert page.status_code == 200 and referral.reference in page.content.decode()
    response = client.post(reverse("decisions:start"), {"agenda_item": item.pk, "stage": Stage.REASONABLE_GROUNDS})
    decision = Decision.objects.get(referral=referral)
    assert response.status_code == 302 and response["Location"] == url("record", decision)
    body = client.get(url("record", decision)).content.decode()
    assert "Record the reasonable grounds decision" in body
    assert "based on all available general and specific evidence" in body
    assert "Still needed before sign-off" in body


def test_a_section_saves_as_a_draft(client_as):
    decision = draft_decision(SITE)
    client = client_as(Role.COORDINATOR)
    response = client.post(
        url("section-act", decision),
        {"act_found": [Act.RECRUITMENT, Act.HARBOURING], "act_reasoning": "Recruited online and housed by the group"},
    )
    assert response.status_code == 302
    decision.refresh_from_db()
    assert decision.act_found == [Act.RECRUITMENT, Act.HARBOURING]
    assert decision.act_reasoning == "Recruited online and housed by the group"
    page = client.get(url("section-act", decision)).content.decode()
    assert "Recruited online and housed by the group" in page and 'value="harbouring" checked' in page


def test_a_bad_date_is_shown_and_nothing_typed_is_lost(client_as):
    decision = draft_decision(SITE)
    client = client_as(Role.COORDINATOR)
    response = client.post(
        url("section-outcome", decision),
        {
            "outcome": Outcome.POSITIVE,
            "decided_on_day": "31",
            "decided_on_month": "2",
            "decided_on_year": "2026",
            "dissent": "Health member unsure",
        },
    )
    body = response.content.decode()
    assert response.status_code == 200
    assert "There is a problem" in body and "The date of the decision must be a real date" in body
    assert 'value="31"' in body and "Health member unsure" in body and 'value="positive" checked' in body
    decision.refresh_from_db()
    assert decision.outcome == "" and decision.dissent == ""


def test_evidence_needs_a_description_and_an_agency(client_as):
    decision = draft_decision(SITE)
    client = client_as(Role.COORDINATOR)
    body = client.post(url("evidence", decision), {"description": "", "agency": ""}).content.decode()
    assert "Enter a description of the evidence" in body and "Select the agency that supplied the evidence" in body
    response = client.post(
        url("evidence", decision),
        {"description": "School attendance record", "agency": Agency.EDUCATION, "weight": "Supports the account"},
    )
    assert response.status_code == 302
    evidence = decision.evidence.get()
    assert (evidence.description, evidence.agency) == ("School attendance record", Agency.EDUCATION)
    client.post(url("evidence-remove", decision, evidence.pk))
    assert not decision.evidence.exists()


def test_votes_page_refuses_a_guardian_and_records_a_member(client_as):
    decision = draft_decision(SITE)
    client = client_as(Role.COORDINATOR)
    guardian = decision.meeting.attendees.get(agency=Agency.ICTG).user
    police = decision.meeting.attendees.get(agency=Agency.POLICE).user
    page = client.get(url("votes", decision)).content.decode()
    assert "Attending without a vote on this case" in page
    body = client.post(url("votes", decision), {"voter_id": guardian.pk, f"v{guardian.pk}-vote": "positive"})
    assert b"Record vote" in body.content and decision.votes.count() == 0
    assert "without a vote" in body.content.decode()
    response = client.post(
        url("votes", decision), {"voter_id": police.pk, f"v{police.pk}-vote": "positive", f"v{police.pk}-reasons": ""}
    )
    assert response.status_code == 302
    assert decision.votes.get().voter == police


def test_the_chair_sees_what_is_missing_and_cannot_sign_off_until_complete(client_as):
    decision = draft_decision(SITE)
    chair = client_as(Role.CHAIR)
    page = chair.get(url("finalise", decision)).content.decode()
    assert "The decision cannot be signed off yet" in page
    assert f'<a href="{url("section-act", decision)}">Record whether the panel found an act of trafficking</a>' in page
    assert f'<a href="{url("votes", decision)}">Record the vote of' in page
    assert "Sign off the decision" not in page
    refused = chair.post(url("finalise", decision))
    assert refused.status_code == 200
    assert "Record whether the panel found an act of trafficking" in refused.content.decode()
    decision.refresh_from_db()
    assert decision.status == DecisionStatus.DRAFT

    record_complete(decision, outcome=Outcome.POSITIVE, decided_on=timezone.localdate())
    page = chair.get(url("finalise", decision)).content.decode()
    assert "Sign off the decision" in page and "cannot be signed off" not in page
    response = chair.post(url("finalise", decision))
    assert response.status_code == 302 and response["Location"] == url("detail", decision)
    decision.refresh_from_db()
    assert decision.status == DecisionStatus.FINAL

    again = chair.post(url("finalise", decision), follow=True).content.decode()
    assert "This decision was finalised by" in again


def test_a_final_decision_is_read_only(client_as):
    decision = final_decision(SITE)
    client = client_as(Role.COORDINATOR)
    assert client.get(url("record", decision))["Location"] == url("detail", decision)
    # A post to it saves nothing: it says why, with what was typed shown again to copy (not lost to a redirect).
    response = client.post(url("section-act", decision), {"act_reasoning": "Changed"})
    assert response.status_code == 200 and "It cannot be changed. What you entered has not been saved" in (
        response.content.decode()
    )
    decision.refresh_from_db()
    assert decision.act_reasoning != "Changed"
    body = client.get(url("detail", decision)).content.decode()
    assert "Continue recording" not in body and "Correct this decision" in body
    assert AuditEvent.objects.filter(
        action="view", object_type="decisions.decision", object_id=str(decision.pk), actor=demo(Role.COORDINATOR)
    ).exists()


def test_a_correction_through_the_pages(client_as):
    decision = final_decision(SITE)
    client = client_as(Role.COORDINATOR)
    body = client.post(url("correct", decision), {"reason": ""}).content.decode()
    assert "Enter the reason for the correction" in body
    response = client.post(url("correct", decision), {"reason": "The date was wrong"})
    correction = Decision.objects.get(supersedes=decision)
    assert response["Location"] == url("record", correction)
    assert correction.version == 2 and correction.status == DecisionStatus.DRAFT
    versions = client.get(url("detail", correction)).content.decode()
    assert "Version 1" in versions and "The date was wrong" in versions


def test_second_review_through_the_pages(client_as, demo):
    decision = record_complete(draft_decision(SITE), outcome=Outcome.NEGATIVE, decided_on=timezone.localdate())
    client_as(Role.CHAIR).post(url("finalise", decision))
    decision.refresh_from_db()
    assert decision.status == DecisionStatus.SECOND_REVIEW
    reviewer = signed_in(second_reviewer(SITE))
    body = reviewer.post(url("second-review", decision), {"agrees": "no", "reasons": ""}).content.decode()
    assert "Enter why you do not agree with the decision" in body
    response = reviewer.post(url("second-review", decision), {"agrees": "no", "reasons": "Wishes not weighed"})
    draft = Decision.objects.get(supersedes=decision)
    assert response["Location"] == url("detail", draft)
    decision.refresh_from_db()
    assert decision.status == DecisionStatus.RETURNED


def test_a_chair_reaches_only_the_decisions_of_their_sittings(client_as, demo):
    decision = draft_decision(SITE)
    other_chair = signed_in(second_reviewer(SITE))
    assert other_chair.get(url("detail", decision)).status_code == 404
    assert client_as(Role.CHAIR).get(url("detail", decision)).status_code == 200
    assert client_as(Role.CHAIR, "three-rivers").get(url("detail", decision)).status_code == 404


@pytest.mark.parametrize("kind", ["json", "pdf"])
def test_exports_are_audited_downloads_named_by_reference(client_as, kind):
    decision = final_decision(SITE)
    response = client_as(Role.COORDINATOR).get(url(f"export-{kind}", decision))
    assert response.status_code == 200
    disposition = response["Content-Disposition"]
    assert decision.referral.reference in disposition and decision.referral.child_display_name not in disposition
    if kind == "json":
        assert response.content == decision_export_json(decision_export(decision))
        data = json.loads(response.content)
        assert data["outcome"] == Outcome.POSITIVE and data["votes"] and data["evidence"][0]["agency"] == Agency.POLICE
        assert list(data) == sorted(data)
    else:
        assert response.content[:4] == b"%PDF"
    assert AuditEvent.objects.filter(action="download", object_id=str(decision.pk)).exists()
