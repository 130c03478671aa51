"""Information-sharing protocols: recording them, what makes one current, requests citing them, review due."""

from __future__ import annotations

import io
import zipfile
from datetime import timedelta

import pytest
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone
from PIL import Image

from childnrm.accounts.models import Organisation, Role, Site
from childnrm.audit.models import AuditEvent
from childnrm.dashboard import clocks
from childnrm.information import services, services_protocols
from childnrm.information.models import (
    InformationRequest,
    LawfulBasis,
    ProtocolBasis,
    ProtocolDocument,
    SharingProtocol,
)
from childnrm.information.services import InformationError, Upload
from childnrm.panels.models import Agency
from childnrm.referrals.documents import DocumentRefused
from childnrm.referrals.tests.factories import submitted_referral
from conftest import demo_user, signed_in

BASIS_IN_FULL = "UK GDPR Article 6(1)(e); Children Act 2004 s11: the panel must safeguard the child"


@pytest.fixture(autouse=True)
def _files_in_private_storage(private_storage):
    return private_storage


def pdf_bytes() -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (40, 30), (20, 40, 200)).save(out, "PDF")
    return out.getvalue()


def today():
    return timezone.localdate()


def coordinator(site_slug: str = "northbridge"):
    return demo_user(Role.COORDINATOR, site_slug)


def police() -> Organisation:
    return Organisation.objects.get(name="Northbridge Police")


def charity() -> Organisation:
    return Organisation.objects.get(name="Safe Futures Children's Charity")


def police_protocol() -> SharingProtocol:
    return SharingProtocol.objects.get(site__slug="northbridge", organisation=police())


def terms(**overrides) -> dict:
    fields = dict(
        title="Safe Futures and Northbridge: children at risk of exploitation",
        parties="Northbridge City Council\nSafe Futures Children's Charity",
        information_shared="Key-work notes and missing episodes",
        purpose="NRM decisions and safeguarding plans",
        lawful_bases=[ProtocolBasis.GDPR_PUBLIC_TASK, ProtocolBasis.CHILDREN_ACT_1989_S17],
        lawful_basis_detail="",
        signatories="Director of Children's Services\nChief executive, Safe Futures",
        starts_on=today() - timedelta(days=10),
        review_on=today() + timedelta(days=355),
    )
    fields.update(overrides)
    return fields


def record(organisation=None, **overrides) -> SharingProtocol:
    return services_protocols.protocol_create(
        site=Site.objects.get(slug="northbridge"),
        user=coordinator(),
        organisation=organisation or charity(),
        **terms(**overrides),
    )


@pytest.fixture
def referral(demo):
    return submitted_referral("northbridge")


def ask(referral, organisation, **overrides) -> InformationRequest:
    fields = dict(
        referral=referral,
        user=coordinator(),
        organisation=organisation,
        agency=Agency.POLICE,
        question="What do you know about the adults he was found with?",
        purpose="To decide reasonable grounds",
        lawful_basis=LawfulBasis.PUBLIC_TASK_SAFEGUARDING,
        due_on=today() + timedelta(days=10),
    )
    fields.update(overrides)
    return services.information_request_create(**fields)


# Requests cite the protocol they rely on ---------------------------------------------------------


def test_a_request_to_an_organisation_with_a_current_protocol_cites_it(referral):
    protocol = police_protocol()
    info_request = ask(referral, police())
    assert info_request.protocol == protocol
    assert info_request.protocol_version == protocol.version
    assert info_request.lawful_basis_detail == ""
    event = AuditEvent.objects.get(object_type="information.informationrequest", action="create")
    assert event.detail["protocol"] == protocol.reference


def test_no_current_protocol_needs_the_lawful_basis_in_full(referral):
    with pytest.raises(InformationError) as refused:
        ask(referral, charity())
    assert refused.value.field == "lawful_basis_detail"
    assert "no current information-sharing protocol with Safe Futures" in refused.value.message
    too_short = "x" * (services.BASIS_IN_FULL_MIN_LENGTH - 1)
    with pytest.raises(InformationError):
        ask(referral, charity(), lawful_basis_detail=too_short)
    assert not InformationRequest.objects.filter(organisation=charity()).exists()

    info_request = ask(referral, charity(), lawful_basis_detail="x" * services.BASIS_IN_FULL_MIN_LENGTH)
    assert info_request.protocol is None


def test_a_lapsed_protocol_is_not_current_from_the_day_after_its_review_date(referral):
    protocol = police_protocol()
    SharingProtocol.objects.filter(pk=protocol.pk).update(review_on=today())
    assert services_protocols.current_protocol(referral.site_id, police().pk) == protocol  # its last day

    SharingProtocol.objects.filter(pk=protocol.pk).update(review_on=today() - timedelta(days=1))
    assert services_protocols.current_protocol(referral.site_id, police().pk) is None
    with pytest.raises(InformationError) as refused:
        ask(referral, police())
    assert refused.value.field == "lawful_basis_detail"
    assert ask(referral, police(), lawful_basis_detail=BASIS_IN_FULL).protocol is None


def test_a_protocol_not_yet_started_is_not_current(referral):
    protocol = police_protocol()
    SharingProtocol.objects.filter(pk=protocol.pk).update(starts_on=today() + timedelta(days=1))
    assert services_protocols.current_protocol(referral.site_id, police().pk) is None
    SharingProtocol.objects.filter(pk=protocol.pk).update(starts_on=today())
    assert services_protocols.current_protocol(referral.site_id, police().pk) == protocol


def test_another_sites_protocol_does_not_count(demo):
    other = submitted_referral("three-rivers")
    # Three Rivers has a protocol with its own police force, not with Northbridge's.
    with pytest.raises(InformationError):
        services.information_request_create(
            referral=other,
            user=coordinator("three-rivers"),
            organisation=police(),
            agency=Agency.POLICE,
            question="Anything known?",
            purpose="Reasonable grounds",
            lawful_basis=LawfulBasis.PUBLIC_TASK_SAFEGUARDING,
            due_on=today() + timedelta(days=5),
        )


def test_the_database_refuses_a_request_with_neither_protocol_nor_basis(referral):
    with pytest.raises(IntegrityError), transaction.atomic():
        InformationRequest.objects.create(
            referral=referral,
            organisation=charity(),
            agency=Agency.NGO,
            question="Q",
            purpose="P",
            lawful_basis=LawfulBasis.PUBLIC_TASK_SAFEGUARDING,
            due_on=today(),
            requested_by=coordinator(),
        )


# Recording and changing protocols ----------------------------------------------------------------


def test_recording_a_protocol_keeps_version_one_and_is_audited(demo):
    protocol = record()
    assert protocol.version == 1
    assert protocol.versions.get().content["title"] == protocol.title
    event = AuditEvent.objects.get(object_type="information.sharingprotocol", action="create")
    assert event.site_id == protocol.site_id
    assert event.purpose == services_protocols.PURPOSE


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"lawful_bases": []}, "lawful_bases"),
        ({"lawful_bases": [ProtocolBasis.CHILDREN_ACT_1989_S47]}, "lawful_bases"),  # no Article 6 basis
        ({"lawful_bases": ["made_up"]}, "lawful_bases"),
        ({"review_on": today() - timedelta(days=10)}, "review_on"),  # the same day as the start
        ({"parties": "  "}, "parties"),
        ({"signatories": ""}, "signatories"),
        ({"information_shared": ""}, "information_shared"),
    ],
)
def test_a_protocol_is_refused_without_its_terms(demo, overrides, field):
    with pytest.raises(InformationError) as refused:
        record(**overrides)
    assert refused.value.field == field
    assert not SharingProtocol.objects.filter(organisation=charity()).exists()


def test_only_the_sites_coordinator_records_protocols(demo):
    with pytest.raises(InformationError):
        services_protocols.protocol_create(
            site=Site.objects.get(slug="northbridge"),
            user=coordinator("three-rivers"),
            organisation=charity(),
            **terms(),
        )


def test_the_database_refuses_a_review_date_before_the_start(demo):
    protocol = record()
    with pytest.raises(IntegrityError), transaction.atomic():
        SharingProtocol.objects.filter(pk=protocol.pk).update(review_on=protocol.starts_on)


def test_a_change_is_a_new_version_and_requests_keep_theirs(referral):
    protocol = record()
    asked = ask(referral, charity(), agency=Agency.NGO)
    assert asked.protocol_version == 1
    changed = services_protocols.protocol_change(
        protocol=protocol, user=coordinator(), **terms(review_on=today() + timedelta(days=700))
    )
    assert changed.version == 2
    assert [v.number for v in changed.versions.all()] == [2, 1]
    assert changed.versions.get(number=1).content["review_on"] == (today() + timedelta(days=355)).isoformat()
    asked.refresh_from_db()
    assert asked.protocol_version == 1
    with pytest.raises(InformationError):  # nothing changed: no empty version
        services_protocols.protocol_change(
            protocol=changed, user=coordinator(), **terms(review_on=today() + timedelta(days=700))
        )


def test_the_signed_copy_is_checked_and_stored(demo, private_storage):
    protocol = record()
    document = services_protocols.protocol_document_add(
        protocol=protocol, user=coordinator(), upload=Upload(name="signed.pdf", data=pdf_bytes())
    )
    assert document.version == 1
    assert document.content_type == "application/pdf"
    assert document.file.name.startswith(f"information/protocols/{protocol.pk}/")

    archive = io.BytesIO()
    with zipfile.ZipFile(archive, "w") as z:
        z.writestr("a.txt", "hello")
    with pytest.raises(DocumentRefused):
        services_protocols.protocol_document_add(
            protocol=protocol, user=coordinator(), upload=Upload(name="signed.zip", data=archive.getvalue())
        )
    assert ProtocolDocument.objects.filter(protocol=protocol).count() == 1
    stored = [p for p in private_storage.rglob("*") if p.is_file()]
    assert len(stored) == 1


# Due for review -----------------------------------------------------------------------------------


def test_due_for_review_from_its_boundary_day(demo):
    protocol = record()
    site = protocol.site
    days = services_protocols.REVIEW_DUE_DAYS

    SharingProtocol.objects.filter(pk=protocol.pk).update(review_on=today() + timedelta(days=days + 1))
    assert protocol not in services_protocols.due_for_review(site, today())
    SharingProtocol.objects.filter(pk=protocol.pk).update(review_on=today() + timedelta(days=days))
    assert protocol in services_protocols.due_for_review(site, today())
    SharingProtocol.objects.filter(pk=protocol.pk).update(review_on=today() - timedelta(days=3))  # lapsed
    assert protocol in services_protocols.due_for_review(site, today())

    alerts = clocks.site_alerts(site, today=today())[clocks.Kind.PROTOCOL_REVIEW]
    item = next(a for a in alerts.items if a.object_id == protocol.reference)
    assert item.days == -3 and item.note == "Safe Futures Children's Charity"


def test_demo_sites_have_police_and_health_protocols_one_due_for_review(demo):
    for site in Site.objects.all():
        partners = set(site.sharing_protocols.values_list("organisation__type", flat=True))
        assert {"police", "health"} <= partners
        assert services_protocols.due_for_review(site, today()).exists()


# Pages --------------------------------------------------------------------------------------------


def test_coordinator_records_uploads_reads_changes_and_downloads(demo):
    client = signed_in(coordinator())
    listing = client.get(reverse("information:protocols"))
    assert listing.status_code == 200
    assert "Northbridge Police" in listing.content.decode()

    form = {
        "organisation": str(charity().pk),
        "title": "Safe Futures protocol",
        "parties": "Northbridge City Council and Safe Futures",
        "information_shared": "Key-work notes",
        "purpose": "NRM decisions",
        "lawful_bases": [ProtocolBasis.GDPR_PUBLIC_TASK, ProtocolBasis.CRIME_AND_DISORDER_S115],
        "lawful_basis_detail": "",
        "signatories": "A. Director",
        "starts_on_day": "1",
        "starts_on_month": "4",
        "starts_on_year": str(today().year - 1),
        "review_on_day": "1",
        "review_on_month": "4",
        "review_on_year": str(today().year + 1),
    }
    refused = client.post(reverse("information:protocol-new"), {**form, "lawful_bases": []})
    assert refused.status_code == 200
    assert "Select the lawful bases the protocol relies on" in refused.content.decode()

    created = client.post(reverse("information:protocol-new"), form)
    protocol = SharingProtocol.objects.get(organisation=charity())
    assert created["Location"] == reverse("information:protocol-upload", args=[protocol.reference])

    uploaded = client.post(
        reverse("information:protocol-upload", args=[protocol.reference]),
        {"document": io.BytesIO(pdf_bytes())},
    )
    assert uploaded.status_code == 302
    document = protocol.documents.get()

    page = client.get(reverse("information:protocol", args=[protocol.reference])).content.decode()
    assert "Crime and Disorder Act 1998 section 115" in page
    assert f"1 April {today().year + 1}" in page  # long_date

    download = client.get(reverse("information:protocol-document", args=[protocol.reference, document.pk]))
    assert download.status_code == 200
    assert download["Content-Disposition"].startswith("attachment")
    assert download["X-Content-Type-Options"] == "nosniff"
    assert AuditEvent.objects.filter(action="download", object_type="information.sharingprotocol").exists()

    changed = client.post(
        reverse("information:protocol-change", args=[protocol.reference]), {**form, "title": "Renewed protocol"}
    )
    assert changed.status_code == 302
    protocol.refresh_from_db()
    assert (protocol.version, protocol.title) == (2, "Renewed protocol")


def test_the_request_page_warns_and_refuses_without_a_protocol(referral):
    client = signed_in(coordinator())
    url = reverse("information:new", args=[referral.reference])
    page = client.get(url).content.decode()
    assert "Safe Futures Children&#39;s Charity (no current sharing protocol)" in page
    assert ">Northbridge Police<" in page

    due = today() + timedelta(days=7)
    data = {
        "organisation": str(charity().pk),
        "agency": Agency.NGO,
        "question": "Any key-work notes?",
        "purpose": "Reasonable grounds decision",
        "lawful_basis": LawfulBasis.PUBLIC_TASK_SAFEGUARDING,
        "due_on_day": str(due.day),
        "due_on_month": str(due.month),
        "due_on_year": str(due.year),
    }
    refused = client.post(url, data)
    assert refused.status_code == 200
    assert "no current information-sharing protocol with Safe Futures" in refused.content.decode()
    assert not InformationRequest.objects.filter(organisation=charity()).exists()

    sent = client.post(url, {**data, "lawful_basis_detail": BASIS_IN_FULL})
    info_request = InformationRequest.objects.get(organisation=charity())
    assert sent["Location"] == reverse("information:detail", args=[info_request.reference])
    detail = client.get(sent["Location"]).content.decode()
    assert "No current protocol" in detail and "Children Act 2004 s11" in detail


def test_the_dashboard_lists_protocols_due_for_review(demo):
    page = signed_in(coordinator()).get(reverse("dashboard:home")).content.decode()
    health = SharingProtocol.objects.get(site__slug="northbridge", organisation__type="health")
    assert 'id="protocols-review"' in page
    assert reverse("information:protocol", args=[health.reference]) in page


def test_the_daily_digest_names_the_protocol_due_for_review(demo):
    from django.core import mail

    from childnrm.dashboard.reminders import daily_reminders_send

    health = SharingProtocol.objects.get(site__slug="northbridge", organisation__type="health")
    mail.outbox.clear()
    daily_reminders_send(today=today())
    [digest] = [m for m in mail.outbox if m.to == [coordinator().email] and m.subject.startswith("Daily reminders")]
    assert f"information-sharing protocol {health.reference} with {health.organisation.name}" in digest.body
    assert f"to be reviewed by {health.review_on.day} {health.review_on:%B %Y}" in digest.body
