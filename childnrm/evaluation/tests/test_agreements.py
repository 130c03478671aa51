"""Data-sharing agreements and releases through the pages: an analyst asks, the site's data protection officer
decides, and files leave only while an agreement is in force and covers them; every release is recorded (who,
rows, SHA-256, which cases), audited and listed on the agreement's page."""

from __future__ import annotations

import csv
import hashlib
import io
from datetime import timedelta

import pytest
from django.utils import timezone

from childnrm.accounts.models import Membership, Role, Site
from childnrm.audit.models import AuditEvent
from childnrm.evaluation import services
from childnrm.evaluation.demo import demo_answers
from childnrm.evaluation.models import AgreementStatus, Dataset, DataSharingAgreement, ExtractRelease
from childnrm.evaluation.tests.factories import another_agreement, demo_agreement, known_cases, pseudonym
from childnrm.kit.errors import ServiceError
from conftest import demo_user

pytestmark = pytest.mark.django_db


def request_data(**changes) -> dict:
    today = timezone.localdate()
    start, end = today, today + timedelta(days=180)
    data = {
        "organisation_name": "Eastfield Evaluation Partnership",
        "contact_name": "Dr Robin Analyst",
        "contact_email": "robin@eastfield.example",
        "purpose": "Time from referral to decision, panel and SCA side by side.",
        "legal_basis": "public_task_research",
        "legal_basis_details": "",
        "datasets": ["evaluation_extract"],
        "field_groups": ["case", "decisions"],
        "starts_on_day": start.day,
        "starts_on_month": start.month,
        "starts_on_year": start.year,
        "expires_on_day": end.day,
        "expires_on_month": end.month,
        "expires_on_year": end.year,
    }
    data.update(changes)
    return data


def banner(response) -> str:
    """The page a redirect lands on, where the message is shown."""
    return response.content.decode()


def test_an_analyst_asks_the_officer_approves_and_the_extract_is_released(client_as):
    analyst, officer = client_as(Role.ANALYST), client_as(Role.DATA_PROTECTION_OFFICER)
    response = analyst.post("/evaluation/agreements/new/", request_data())
    agreement = DataSharingAgreement.objects.get(organisation_name="Eastfield Evaluation Partnership")
    assert response.status_code == 302 and response["Location"] == f"/evaluation/agreements/{agreement.pk}/"
    assert (agreement.status, agreement.field_groups) == (AgreementStatus.REQUESTED, ["case", "decisions"])
    assert agreement.requested_by == demo_user(Role.ANALYST)

    # Not approved yet: nothing to download, and a forced request is refused.
    page = analyst.get(f"/evaluation/agreements/{agreement.pk}/")
    assert "has not been approved yet" in page.content.decode()
    assert b"Download the evaluation extract" not in page.content
    refused = analyst.post(f"/evaluation/agreements/{agreement.pk}/extract/", follow=True)
    assert "This agreement has not been approved yet: no data can be released under it" in banner(refused)
    assert not ExtractRelease.objects.exists()

    response = officer.post(f"/evaluation/agreements/{agreement.pk}/approve/")
    assert response.status_code == 302
    agreement.refresh_from_db()
    assert agreement.status == AgreementStatus.APPROVED and agreement.decided_by == demo_user(
        Role.DATA_PROTECTION_OFFICER
    )

    known_cases()
    response = analyst.post(f"/evaluation/agreements/{agreement.pk}/extract/")
    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"].startswith("attachment;")
    assert response["Cache-Control"] == "no-store"
    content = response.content
    rows = list(csv.DictReader(io.StringIO(content.decode())))
    assert list(rows[0]) == [
        "child_pseudonym",
        "case_pseudonym",
        "site",
        "referral_month",
        "referral_source",
        "first_responder_type",
        "route",
        "case_status",
        "rg_outcome",
        "rg_month",
        "rg_days",
        "rg_on_reconsideration",
        "plan_agreed_at_sitting",
        "cg_outcome",
        "cg_month",
        "cg_days",
        "small_group",
    ]
    assert len(rows) == 4

    release = ExtractRelease.objects.get()
    assert (release.agreement, release.dataset, release.released_by) == (
        agreement,
        Dataset.EXTRACT,
        demo_user(Role.ANALYST),
    )
    assert release.row_count == 4
    assert release.sha256 == hashlib.sha256(content).hexdigest()
    assert release.field_groups == ["case", "decisions"]
    assert sorted(release.referral_ids) == sorted(
        agreement.site.referrals.filter(submitted_at__isnull=False).values_list("pk", flat=True)
    )
    event = AuditEvent.objects.filter(object_type="evaluation.datasharingagreement", action="export").get()
    assert event.object_id == str(agreement.pk) and event.actor_id == demo_user(Role.ANALYST).pk
    assert event.detail["rows"] == 4 and event.detail["sha256"] == release.sha256
    assert event.role == "analyst"

    # The release is listed on the agreement's page, for the analyst and for the officer.
    for client in (analyst, officer):
        body = client.get(f"/evaluation/agreements/{agreement.pk}/").content.decode()
        assert f'data-release="{release.pk}"' in body and release.sha256 in body


def test_nothing_is_released_outside_an_agreement_in_force(client_as, demo):
    known_cases()
    analyst = client_as(Role.ANALYST)
    agreement = demo_agreement()
    today = timezone.localdate()
    cases = [
        (dict(expires_on=today - timedelta(days=1)), "expired on"),
        (dict(starts_on=today + timedelta(days=3), expires_on=today + timedelta(days=30)), "has not started yet"),
    ]
    for changes, words in cases:
        DataSharingAgreement.objects.filter(pk=agreement.pk).update(**changes)
        page = analyst.get(f"/evaluation/agreements/{agreement.pk}/").content.decode()
        assert words in page and "Download the evaluation extract" not in page
        response = analyst.post(f"/evaluation/agreements/{agreement.pk}/extract/", follow=True)
        assert words in banner(response)
    DataSharingAgreement.objects.filter(pk=agreement.pk).update(
        starts_on=today - timedelta(days=1), expires_on=today + timedelta(days=1)
    )
    # Revoked by the officer, with a reason: refused from then on.
    officer = client_as(Role.DATA_PROTECTION_OFFICER)
    response = officer.post(f"/evaluation/agreements/{agreement.pk}/revoke/", {"revoke-reason": ""})
    assert response.status_code == 200 and "Enter the reason" in response.content.decode()
    officer.post(f"/evaluation/agreements/{agreement.pk}/revoke/", {"revoke-reason": "The evaluation has ended."})
    agreement.refresh_from_db()
    assert agreement.status == AgreementStatus.REVOKED and agreement.revocation_reason == "The evaluation has ended."
    response = analyst.post(f"/evaluation/agreements/{agreement.pk}/htcds/", follow=True)
    assert "This agreement was revoked: no data can be released under it" in banner(response)
    assert not ExtractRelease.objects.exists()


def test_only_the_files_an_agreement_covers(client_as, demo):
    agreement = another_agreement(datasets=[Dataset.EXTRACT])
    analyst = client_as(Role.ANALYST)
    response = analyst.post(f"/evaluation/agreements/{agreement.pk}/htcds/", follow=True)
    assert "This agreement does not cover the HTCDS export" in banner(response)
    assert analyst.post(f"/evaluation/agreements/{agreement.pk}/extract/").status_code == 200


def test_the_htcds_export_downloads_under_an_agreement(client_as, demo):
    cases = known_cases()
    agreement = demo_agreement()
    response = client_as(Role.ANALYST).post(f"/evaluation/agreements/{agreement.pk}/htcds/")
    rows = list(csv.DictReader(io.StringIO(response.content.decode())))
    assert {r["x_CasePseudonym"] for r in rows} >= {pseudonym(agreement.salt, "case", cases.decided.pk, Dataset.HTCDS)}
    release = ExtractRelease.objects.get()
    assert (release.dataset, release.row_count) == (Dataset.HTCDS, 4)


def test_another_site_s_analyst_and_the_officer_cannot_download(client_as, demo):
    agreement = demo_agreement()
    assert (
        client_as(Role.ANALYST, "three-rivers").post(f"/evaluation/agreements/{agreement.pk}/extract/").status_code
        == 404
    )
    assert (
        client_as(Role.DATA_PROTECTION_OFFICER).post(f"/evaluation/agreements/{agreement.pk}/extract/").status_code
        == 403
    )
    assert not ExtractRelease.objects.exists()


def test_the_request_form_says_what_is_missing(client_as):
    response = client_as(Role.ANALYST).post(
        "/evaluation/agreements/new/",
        request_data(
            organisation_name="", legal_basis="other", field_groups=[], expires_on_year=timezone.localdate().year - 1
        ),
    )
    body = response.content.decode()
    assert response.status_code == 200
    assert "Enter the organisation that will receive the data" in body
    assert "Describe the legal basis for sharing" not in body  # the form's own errors come first
    response = client_as(Role.ANALYST).post(
        "/evaluation/agreements/new/", request_data(legal_basis="other", field_groups=[])
    )
    body = response.content.decode()
    assert "Describe the legal basis for sharing" in body
    assert "Select the fields of the evaluation extract to share" in body
    assert not DataSharingAgreement.objects.filter(organisation_name="Eastfield Evaluation Partnership").exists()


def test_the_officer_refuses_with_a_reason_and_never_approves_their_own_request(client_as, demo):
    site = Site.objects.get(slug="northbridge")
    agreement = services.agreement_request(site=site, user=demo_user(Role.ANALYST), answers=demo_answers())
    officer = client_as(Role.DATA_PROTECTION_OFFICER)
    response = officer.post(f"/evaluation/agreements/{agreement.pk}/refuse/", {"refuse-reason": "No DPIA yet."})
    assert response.status_code == 302
    agreement.refresh_from_db()
    assert (agreement.status, agreement.refusal_reason) == (AgreementStatus.REFUSED, "No DPIA yet.")
    response = officer.post(f"/evaluation/agreements/{agreement.pk}/approve/", follow=True)
    assert "This agreement has already been refused" in banner(response)

    # Someone who is the site's analyst and its officer asks: someone else must approve.
    both = demo_user(Role.DATA_PROTECTION_OFFICER)
    Membership.objects.create(user=both, site=site, role=Role.ANALYST)
    own = services.agreement_request(site=site, user=both, answers=demo_answers())
    with pytest.raises(ServiceError, match="another data protection officer must approve it"):
        services.agreement_approve(agreement=own, user=both)
    page = client_as(Role.DATA_PROTECTION_OFFICER).get(f"/evaluation/agreements/{own.pk}/").content.decode()
    assert "You asked for this agreement" in page and "Approve the agreement" not in page


def test_the_index_lists_the_site_s_agreements(client_as, demo):
    body = client_as(Role.ANALYST).get("/evaluation/").content.decode()
    agreement = demo_agreement()
    assert f'data-agreement="{agreement.pk}"' in body and "In force" in body
    assert demo_agreement("three-rivers").reference not in body
