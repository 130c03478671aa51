"""The case packet: complete, the same bytes as sent on, downloadable only by coordinators, audited."""

from __future__ import annotations

import hashlib
import json

import pytest
from django.core.files.base import ContentFile

from childnrm.accounts.models import Organisation, Role, Site
from childnrm.audit.models import AuditEvent
from childnrm.referrals.models import Referral, ReferralDocument
from childnrm.referrals.tests.factories import submitted_referral
from childnrm.triage import packet as case_packets
from childnrm.triage.models import OnwardReferral
from childnrm.triage.services import triage_confirm
from conftest import demo_user

PDF_BYTES = b"%PDF-1.4\n% a tiny test document\n"


def packet_url(referral: Referral, kind: str) -> str:
    return f"/referrals/{referral.reference}/case-packet.{kind}"


def fields_of(packet) -> dict[str, dict]:
    return {f["name"]: f for section in packet["referral"]["sections"] for f in section["fields"]}


def add_document(referral: Referral, user) -> ReferralDocument:
    document = ReferralDocument(
        referral=referral,
        original_name="police-statement.pdf",
        content_type="application/pdf",
        size=len(PDF_BYTES),
        sha256=hashlib.sha256(PDF_BYTES).hexdigest(),
        description="Police statement",
        uploaded_by=user,
    )
    document.file.save("upload.pdf", ContentFile(PDF_BYTES), save=False)
    document.save()
    return document


@pytest.fixture
def coordinator_user(demo):
    return demo_user(Role.COORDINATOR, "northbridge")


@pytest.fixture
def handed_off(demo, coordinator_user) -> Referral:
    referral = submitted_referral(
        "northbridge",
        age_disputed=True,
        aliases=[{"given_names": "Jay", "family_name": ""}],
        nationalities=["GB", "AL"],
    )
    # As an import from the Home Office form leaves them: answers with no field of their own.
    Referral.objects.filter(pk=referral.pk).update(unmapped={"pv-gender-identity": "boy", "fr-location": "Station"})
    add_document(referral, demo_user(Role.FIRST_RESPONDER, "northbridge"))
    triage_confirm(referral=referral, user=coordinator_user, final_outcome="sca", final_site=None, reason="")
    referral.refresh_from_db()
    return referral


def test_the_packet_holds_every_field_of_the_referral_with_its_label(handed_off):
    packet = OnwardReferral.objects.get(referral=handed_off).packet
    fields = fields_of(packet)
    bookkeeping = case_packets.NOT_IN_PACKET
    for field in Referral._meta.concrete_fields:
        if field.name in bookkeeping:
            continue
        assert field.name in fields, f"{field.name} is missing from the case packet"
        assert fields[field.name]["label"]
    assert fields["given_names"]["value"] == handed_off.given_names
    assert fields["date_of_birth"]["value"] == handed_off.date_of_birth.isoformat()
    assert fields["nationalities"]["display"] == "United Kingdom, Albania"
    assert fields["exploitation_types"]["display"] == "Criminal exploitation"
    assert fields["age_disputed"]["display"] == "Yes"
    assert fields["residence_local_authority"]["display"] == "Northbridge City Council"
    assert fields["aliases"]["display"] == "Jay"
    assert fields["unmapped.pv-gender-identity"]["value"] == "boy"  # imported answers kept verbatim
    assert packet["referral"]["child_reference"] == handed_off.child.reference


def test_the_packet_lists_documents_triage_and_status_history(handed_off):
    packet = OnwardReferral.objects.get(referral=handed_off).packet
    [document] = packet["documents"]
    assert document["sha256"] == hashlib.sha256(PDF_BYTES).hexdigest()
    assert (document["name"], document["content_type"], document["size"]) == (
        "police-statement.pdf",
        "application/pdf",
        len(PDF_BYTES),
    )
    [triage] = packet["triage"]
    assert triage["outcome"] == "sca" and triage["final_outcome"] == "sca"
    assert triage["reasons"] == handed_off.triage_assessments.get().reasons
    assert triage["confirmed_by"]["name"] == demo_user(Role.COORDINATOR, "northbridge").full_name
    assert [c["to"] for c in packet["status_history"]] == ["submitted", "handed_off"]
    assert packet["handoff"]["from_site"] == "Northbridge Child Panel"


def test_the_packet_lists_the_childs_nhs_number_and_home_office_reference_with_the_child(demo):
    referral = submitted_referral(
        "northbridge", nhs_number="9434765919", home_office_reference="UAN 1234-5678-9012-3456"
    )
    sections = case_packets.case_packet(referral)["referral"]["sections"]
    child = {f["name"]: f for s in sections if s["title"] == "The child" for f in s["fields"]}
    assert child["nhs_number"] == {
        "name": "nhs_number",
        "label": "NHS number",
        "value": "9434765919",
        "display": "943 476 5919",
    }
    assert child["home_office_reference"]["label"] == "Home Office reference"
    reference = child["home_office_reference"]
    assert reference["value"] == reference["display"] == "UAN 1234-5678-9012-3456"
    names = [f["name"] for s in sections if s["title"] == "The child" for f in s["fields"]]
    assert names.index("gender_identity") < names.index("nhs_number") < names.index("nationalities")
    other = [f["name"] for s in sections if s["title"] == "Other details" for f in s["fields"]]
    assert "nhs_number" not in other and "home_office_reference" not in other


def test_every_field_added_to_referrals_later_still_reaches_the_packet(handed_off, monkeypatch):
    monkeypatch.setattr(case_packets, "SECTIONS", case_packets.SECTIONS[:1])
    fields = fields_of(case_packets.case_packet(handed_off))
    assert "account" in fields and "referrer_email" in fields


def test_the_json_download_is_the_packet_as_handed_off(handed_off, client_as):
    stored = OnwardReferral.objects.get(referral=handed_off)
    response = client_as(Role.COORDINATOR, "northbridge").get(packet_url(handed_off, "json"))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/json"
    assert response["Content-Disposition"] == f'attachment; filename="{handed_off.reference}-case-packet.json"'
    assert hashlib.sha256(response.content).hexdigest() == stored.sha256
    assert json.loads(response.content) == stored.packet
    event = AuditEvent.objects.filter(action="export").latest("seq")
    assert (event.object_id, event.detail) == (str(handed_off.pk), {"format": "json", "handoff": stored.pk})


def test_the_pdf_download(handed_off, client_as):
    response = client_as(Role.COORDINATOR, "northbridge").get(packet_url(handed_off, "pdf"))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF-")
    assert handed_off.child_display_name.encode() not in response["Content-Disposition"].encode()
    event = AuditEvent.objects.filter(action="export").latest("seq")
    assert event.detail["format"] == "pdf"


def test_the_pdf_fetches_nothing_from_outside(handed_off, monkeypatch):
    from weasyprint.urls import URLFetcher

    fetched = []
    monkeypatch.setattr(URLFetcher, "fetch", lambda self, url, headers=None: fetched.append(url))
    hostile = '<html><body><img src="http://127.0.0.1:9/x.png"><link rel="stylesheet" href="file:///etc/hostname">'
    monkeypatch.setattr(case_packets, "render_to_string", lambda *a, **k: hostile + "Packet</body></html>")
    assert case_packets.packet_pdf(OnwardReferral.objects.get(referral=handed_off).packet).startswith(b"%PDF-")
    assert fetched == []


def test_before_the_referral_is_sent_on_the_packet_is_the_case_as_it_is_now(demo, client_as):
    referral = submitted_referral("northbridge")
    coordinator = client_as(Role.COORDINATOR, "northbridge")
    page = coordinator.get(f"/referrals/{referral.reference}/case-packet/").content.decode()
    assert "This case has not been referred on" in page
    packet = json.loads(coordinator.get(packet_url(referral, "json")).content)
    assert packet["handoff"] is None
    assert [t["final_outcome"] for t in packet["triage"]] == [None]
    assert AuditEvent.objects.filter(action="export", object_id=str(referral.pk)).count() == 1


def test_a_transferred_case_packet_stays_with_both_sites_and_no_one_else(demo, client_as):
    referral = submitted_referral(
        "northbridge", residence_local_authority=Organisation.objects.get(name="Westholm County Council")
    )
    triage_confirm(
        referral=referral,
        user=demo_user(Role.COORDINATOR, "northbridge"),
        final_outcome="other_site",
        final_site=Site.objects.get(slug="three-rivers"),
        reason="",
    )
    sent = OnwardReferral.objects.get(referral=referral)
    for site in ("northbridge", "three-rivers"):
        response = client_as(Role.COORDINATOR, site).get(packet_url(referral, "json"))
        assert hashlib.sha256(response.content).hexdigest() == sent.sha256
    for role in (Role.FIRST_RESPONDER, Role.CHAIR, Role.SCA_QUALITY_ASSURER):
        assert client_as(role, "northbridge").get(packet_url(referral, "json")).status_code == 403


@pytest.mark.parametrize("kind", ["json", "pdf"])
def test_another_sites_coordinator_gets_nothing(demo, client_as, kind):
    referral = submitted_referral("northbridge")
    response = client_as(Role.COORDINATOR, "three-rivers").get(packet_url(referral, kind))
    assert response.status_code == 404
    assert not AuditEvent.objects.filter(action="export").exists()
