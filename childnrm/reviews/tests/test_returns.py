"""Returns to the SCA: kept exactly as sent, the SCA's scope is its own sites, findings and the panel's answers."""

from __future__ import annotations

import hashlib
import json
from typing import Any

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied
from django.utils import timezone

from childnrm.accounts.models import Membership, Role, Site
from childnrm.audit.models import AuditEvent
from childnrm.decisions.models import Decision, DecisionKind, DecisionStatus
from childnrm.reviews import export, services
from childnrm.reviews.tests import factories as f

pytestmark = pytest.mark.django_db


def test_a_return_keeps_the_export_and_its_sha256(demo, client_as):
    decision = f.final_decision()
    sent = f.decision_return(decision=decision)
    assert sent.site.slug == "northbridge"
    response = client_as(Role.COORDINATOR).get(f"/reviews/returns/{sent.pk}/json/")
    assert response.status_code == 200
    assert hashlib.sha256(response.content).hexdigest() == sent.sha256
    assert json.loads(response.content) == sent.export
    assert decision.referral.reference in response.content.decode()
    assert (
        response["Content-Disposition"] == f'attachment; filename="return-{sent.pk}-{decision.referral.reference}.json"'
    )
    event = AuditEvent.objects.filter(object_type="reviews.decisionreturn", object_id=str(sent.pk), action="export")
    assert event.get().purpose == "Home Office quality assurance return"


def test_the_return_is_kept_as_sent_even_after_a_correction(demo, client_as):
    decision = f.final_decision()
    sent = f.decision_return(decision=decision)
    as_sent, sha = sent.export, sent.sha256
    before = client_as(Role.SCA_QUALITY_ASSURER).get(f"/reviews/returns/{sent.pk}/json/").content

    # A correction: a new version with other reasons supersedes the one sent (one final version at a time).
    Decision.objects.filter(pk=decision.pk).update(status=DecisionStatus.SUPERSEDED, credibility_reasoning="Edited!")
    correction = Decision.objects.create(
        referral=decision.referral,
        stage=decision.stage,
        version=decision.version + 1,
        supersedes=decision,
        kind=DecisionKind.CORRECTION,
        correction_reason="The credibility reasoning was recorded against the wrong child.",
        status=DecisionStatus.FINAL,
        guidance_version=decision.guidance_version,
        test_applied=decision.test_applied,
        credibility_reasoning="Corrected reasoning.",
        outcome=decision.outcome,
        decided_on=decision.decided_on,
        created_by=decision.created_by,
    )

    sent.refresh_from_db()
    assert sent.export == as_sent and sent.sha256 == sha
    client = client_as(Role.SCA_QUALITY_ASSURER)
    assert client.get(f"/reviews/returns/{sent.pk}/json/").content == before
    page = client.get(f"/reviews/returns/{sent.pk}/").content.decode()
    assert "The account was consistent across interviews." in page
    assert "Edited!" not in page and "Corrected reasoning." not in page

    # The correction is a decision of its own, sent separately.
    second = f.decision_return(decision=correction)
    assert second.sha256 != sha
    assert "Corrected reasoning." in json.dumps(second.export)


def test_a_decision_version_is_sent_once_and_only_when_finalised(demo):
    decision = f.final_decision()
    f.decision_return(decision=decision)
    with pytest.raises(services.ReviewStateError):
        f.decision_return(decision=decision)
    draft = f.final_decision()
    Decision.objects.filter(pk=draft.pk).update(status=DecisionStatus.DRAFT)
    with pytest.raises(services.ReviewStateError):
        f.decision_return(decision=draft)
    with pytest.raises(PermissionDenied):
        services.return_send(decision=f.final_decision(), user=f.site_user(Role.COORDINATOR, "three-rivers"))


def test_the_coordinator_sends_a_decision_through_the_form(demo, client_as, django_capture_on_commit_callbacks):
    decision = f.final_decision()
    client = client_as(Role.COORDINATOR)
    assert decision.referral.reference in client.get("/reviews/returns/new/").content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post("/reviews/returns/new/", {"decision": str(decision.pk)}, follow=True)
    sent = decision.returns.get()
    assert response.redirect_chain[-1][0] == f"/reviews/returns/{sent.pk}/"
    assert "sent to the SCA" in response.content.decode()
    # The site's SCA quality assurer is told, by reference only.
    [email] = mail.outbox
    assert email.to == [f.site_user(Role.SCA_QUALITY_ASSURER).email]
    assert decision.referral.reference in email.subject
    assert decision.referral.child_display_name not in email.body
    # Once sent it is no longer offered.
    assert decision.referral.reference not in client.get("/reviews/returns/new/").content.decode()
    assert "There is a problem" in client.post("/reviews/returns/new/", {}).content.decode()


def test_the_sca_sees_only_the_returns_of_its_own_sites(demo, client_as):
    ours = f.decision_return("northbridge")
    theirs = f.decision_return("three-rivers")
    northbridge_sca = client_as(Role.SCA_QUALITY_ASSURER, "northbridge")
    listing = northbridge_sca.get("/reviews/returns/").content.decode()
    assert ours.decision.referral.reference in listing
    assert theirs.decision.referral.reference not in listing
    for path in ("", "json/", "pdf/"):
        assert northbridge_sca.get(f"/reviews/returns/{theirs.pk}/{path}").status_code == 404
    assert (
        northbridge_sca.post(f"/reviews/returns/{theirs.pk}/", {"rating": "sound", "finding": "x"}).status_code == 404
    )
    assert not theirs.findings.exists()

    # An assurer who holds the role at both sites sees both; a role elsewhere at a site gives nothing.
    assurer = f.site_user(Role.SCA_QUALITY_ASSURER, "northbridge")
    Membership.objects.create(user=assurer, site=Site.objects.get(slug="three-rivers"), role=Role.ANALYST)
    assert (
        theirs.decision.referral.reference
        not in client_as(Role.SCA_QUALITY_ASSURER).get("/reviews/returns/").content.decode()
    )
    Membership.objects.create(user=assurer, site=Site.objects.get(slug="three-rivers"), role=Role.SCA_QUALITY_ASSURER)
    listing = client_as(Role.SCA_QUALITY_ASSURER).get("/reviews/returns/").content.decode()
    assert ours.decision.referral.reference in listing and theirs.decision.referral.reference in listing


def test_the_sca_reads_the_return_as_sent_not_the_live_case(demo, client_as):
    sent = f.decision_return()
    referral = sent.decision.referral
    client = client_as(Role.SCA_QUALITY_ASSURER)
    page = client.get(f"/reviews/returns/{sent.pk}/").content.decode()
    assert referral.reference in page and sent.sha256 in page
    assert referral.child_display_name not in page
    pdf = client.get(f"/reviews/returns/{sent.pk}/pdf/")
    assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF")
    assert pdf["Content-Type"] == "application/pdf"
    downloads = AuditEvent.objects.filter(
        object_type="reviews.decisionreturn", object_id=str(sent.pk), action="download"
    )
    assert downloads.get().purpose == "Home Office quality assurance of decisions"


def test_the_sca_records_a_finding_and_the_panel_answers_it(demo, client_as, django_capture_on_commit_callbacks):
    sent = f.decision_return()
    reference = sent.decision.referral.reference
    sca = client_as(Role.SCA_QUALITY_ASSURER)

    response = sca.post(f"/reviews/returns/{sent.pk}/", {"finding": "Reasons are thin."})
    assert response.status_code == 200 and "Select a rating" in response.content.decode()
    assert "Reasons are thin." in response.content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        sca.post(f"/reviews/returns/{sent.pk}/", {"rating": "serious", "finding": "Reasons are thin."})
    finding = sent.findings.get()
    assert finding.rating == "serious" and finding.recorded_by == f.site_user(Role.SCA_QUALITY_ASSURER)
    [to_panel] = mail.outbox
    assert to_panel.to == [f.site_user(Role.COORDINATOR).email]
    assert reference in to_panel.subject and "Reasons are thin." not in to_panel.body

    coordinator = client_as(Role.COORDINATOR)
    page = coordinator.get(f"/reviews/returns/{sent.pk}/").content.decode()
    assert "Reasons are thin." in page and "Waiting for the panel's answer" in page
    assert coordinator.post(f"/reviews/returns/{sent.pk}/", {"rating": "sound", "finding": "x"}).status_code == 403
    assert "There is a problem" in coordinator.post(f"/reviews/findings/{finding.pk}/answer/", {}).content.decode()
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        coordinator.post(f"/reviews/findings/{finding.pk}/answer/", {"response": "We have retrained the panel."})
    finding.refresh_from_db()
    assert finding.panel_response == "We have retrained the panel." and finding.responded_at is not None
    [to_sca] = mail.outbox
    assert to_sca.to == [f.site_user(Role.SCA_QUALITY_ASSURER).email]
    assert "retrained" not in to_sca.body

    # Answered once; the SCA sees the answer; the SCA cannot answer for the panel.
    with pytest.raises(services.ReviewStateError):
        services.finding_respond(finding=finding, user=f.site_user(Role.COORDINATOR), response="Again")
    assert "We have retrained the panel." in sca.get(f"/reviews/returns/{sent.pk}/").content.decode()
    assert sca.get(f"/reviews/findings/{finding.pk}/answer/").status_code == 403
    listing = coordinator.get("/reviews/returns/").content.decode()
    assert "Serious concerns" in listing and "answered" in listing


def test_another_sites_finding_cannot_be_answered(demo, client_as):
    theirs = f.finding("three-rivers")
    client = client_as(Role.COORDINATOR)
    assert client.post(f"/reviews/findings/{theirs.pk}/answer/", {"response": "x"}).status_code == 404
    theirs.refresh_from_db()
    assert theirs.panel_response == ""


def test_a_return_in_either_export_format_reads_and_prints(demo):
    decision = f.final_decision()
    for data in (export.decision_export(decision), _return_in_the_old_format(decision)):
        data = json.loads(export.export_json(data))
        summary = export.summary(data)
        assert summary["referral_reference"] == decision.referral.reference
        assert summary["version"] == 1 and summary["outcome"].startswith("Negative")
        sections = export.readable(data)
        assert any("The account was consistent across interviews." in text for s in sections for _, text in s["rows"])
        assert export.export_pdf(data, sha256=export.export_sha256(data)).startswith(b"%PDF")


def _return_in_the_old_format(decision: Decision) -> dict[str, Any]:
    """A return as this app built it before the decisions app had its export (`export.EXPORT_FORMAT`)."""
    referral = decision.referral
    return {
        "format": export.EXPORT_FORMAT,
        "generated_at": timezone.now().isoformat(),
        "site": referral.site.name if referral.site_id else "",
        "referral_reference": referral.reference,
        "child_reference": referral.child.reference if referral.child_id else "",
        "decision": {
            "id": decision.pk,
            "stage": decision.stage,
            "stage_label": decision.get_stage_display(),
            "version": decision.version,
            "kind": decision.kind,
            "kind_label": decision.get_kind_display(),
            "supersedes_version": decision.supersedes.version if decision.supersedes_id else None,
            "correction_reason": decision.correction_reason,
            "status": decision.status,
            "guidance_version": decision.guidance_version,
            "test_applied": decision.test_applied,
            # Only an element found lists what was found (issue 8, rule 3).
            "act_finding": decision.act_finding,
            "act_found": list(decision.act_found) if decision.act_finding == "found" else [],
            "act_reasoning": decision.act_reasoning,
            "slavery_found": list(decision.slavery_found),
            "slavery_reasoning": decision.slavery_reasoning,
            "purpose_finding": decision.purpose_finding,
            "purpose_found": list(decision.purpose_found) if decision.purpose_finding == "found" else [],
            "purpose_reasoning": decision.purpose_reasoning,
            "negative_reason": decision.negative_reason.label if decision.negative_reason_id else "",
            "best_interests": decision.best_interests,
            "support_after_negative": decision.support_after_negative if decision.outcome == "negative" else "",
            "exploitation_types": list(decision.exploitation_types),
            "indicators": list(decision.indicators),
            "credibility_reasoning": decision.credibility_reasoning,
            "wishes_gathered": decision.wishes_gathered,
            "wishes_and_feelings": decision.wishes_and_feelings,
            "wishes_how_gathered": decision.wishes_how_gathered,
            "wishes_gathered_by": decision.wishes_gathered_by,
            "wishes_not_gathered_reason": decision.wishes_not_gathered_reason,
            "dissent": decision.dissent,
            "outcome": decision.outcome,
            "outcome_label": decision.outcome_words if decision.outcome else "",
            "decided_on": export._iso(decision.decided_on),
            "finalised_at": export._iso(decision.finalised_at),
            "finalised_by": decision.finalised_by.full_name if decision.finalised_by_id else "",
            "second_review": {
                "reviewed_at": export._iso(decision.second_reviewed_at),
                "reviewed_by": decision.second_reviewed_by.full_name if decision.second_reviewed_by_id else "",
                "agrees": decision.second_review_agrees,
                "reasons": decision.second_review_reasons,
            },
        },
        "evidence": [
            {
                "description": e.description,
                "agency": e.get_agency_display(),
                "supplied_by": e.supplied_by,
                "weight": e.weight,
            }
            for e in decision.evidence.all()
        ],
        "votes": [
            {"agency": v.get_agency_display(), "voter": v.voter.full_name, "vote": v.vote, "reasons": v.reasons}
            for v in decision.votes.select_related("voter")
        ],
    }
