"""Who may use the information request routes, and sample records for the access matrix.

The sample request of each site asks that site's police force (the demo first responder works for
it) about a referral submitted to the site; the sample document is shared in an answer to it.
"""

from __future__ import annotations

from datetime import timedelta

from django.core.files.base import ContentFile
from django.core.files.storage import default_storage

from childnrm.accounts.models import Organisation, Role
from childnrm.information.models import InformationRequest, InformationResponse, LawfulBasis, ResponseDocument
from childnrm.panels.models import Agency
from childnrm.people.demo import SITES, demo_email

SAMPLE_FILE = "information/access-matrix/sample.pdf"
SAMPLE_PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
SAMPLE_QUESTION = "Sample question for the access matrix"

EXPECTED = {
    "information:list": {Role.COORDINATOR},
    "information:case": {Role.COORDINATOR},
    "information:new": {Role.COORDINATOR},
    # The coordinator of the case's site, and the police force asked (the demo first responder's).
    "information:detail": {Role.COORDINATOR, Role.FIRST_RESPONDER},
    "information:document": {Role.COORDINATOR, Role.FIRST_RESPONDER},
    "information:withdraw": {Role.COORDINATOR},
    "information:chase": {Role.COORDINATOR},
    "information:answer": {Role.FIRST_RESPONDER},
    # Every agency user has an inbox (empty if nothing is addressed to their organisation).
    "information:inbox": {Role.FIRST_RESPONDER, Role.PANEL_MEMBER, Role.ADVISER},
    # Information-sharing protocols: the coordinators of the protocol's site.
    "information:protocols": {Role.COORDINATOR},
    "information:protocol-new": {Role.COORDINATOR},
    "information:protocol": {Role.COORDINATOR},
    "information:protocol-change": {Role.COORDINATOR},
    "information:protocol-upload": {Role.COORDINATOR},
    "information:protocol-document": {Role.COORDINATOR},
}


def _police(site_slug: str) -> Organisation:
    return Organisation.objects.get(name=next(s.police for s in SITES if s.slug == site_slug))


def sample_case(site_slug: str) -> str:
    from childnrm.referrals.tests.access_expectations import sample_submitted

    return sample_submitted(site_slug)


def sample_request(site_slug: str) -> str:
    from childnrm.accounts.models import User
    from childnrm.referrals.models import Referral

    police = _police(site_slug)
    found = InformationRequest.objects.filter(
        referral__site__slug=site_slug, organisation=police, question=SAMPLE_QUESTION
    ).first()
    if found is None:
        found = InformationRequest.objects.create(
            referral=Referral.objects.get(reference=sample_case(site_slug)),
            organisation=police,
            agency=Agency.POLICE,
            question=SAMPLE_QUESTION,
            purpose="Sample purpose",
            lawful_basis=LawfulBasis.PUBLIC_TASK_SAFEGUARDING,
            lawful_basis_detail="Sample basis stated in full for the access matrix",
            due_on=_today(),
            requested_by=User.objects.get(email=demo_email(Role.COORDINATOR, site_slug)),
        )
    return found.reference


def sample_document(site_slug: str) -> int:
    from childnrm.accounts.models import User

    info_request = InformationRequest.objects.get(reference=sample_request(site_slug))
    document = ResponseDocument.objects.filter(response__request=info_request).first()
    if document is None:
        responder = User.objects.get(email=demo_email(Role.FIRST_RESPONDER, site_slug))
        response = InformationResponse.objects.create(
            request=info_request,
            text="Sample answer",
            lawful_basis=info_request.lawful_basis,
            purpose=info_request.purpose,
            responded_by=responder,
            organisation=info_request.organisation,
        )
        if not default_storage.exists(SAMPLE_FILE):
            default_storage.save(SAMPLE_FILE, ContentFile(SAMPLE_PDF))
        document = ResponseDocument.objects.create(
            response=response,
            file=SAMPLE_FILE,
            original_name="police-report.pdf",
            content_type="application/pdf",
            size=len(SAMPLE_PDF),
            sha256="0" * 64,
            uploaded_by=responder,
        )
    return document.pk


def sample_protocol(site_slug: str) -> str:
    """The site's protocol with its police force (demo data records one; made here if not)."""
    from childnrm.accounts.models import Site, User
    from childnrm.information.models import SharingProtocol

    police = _police(site_slug)
    found = SharingProtocol.objects.filter(site__slug=site_slug, organisation=police).first()
    if found is None:
        coordinator = User.objects.get(email=demo_email(Role.COORDINATOR, site_slug))
        found = SharingProtocol.objects.create(
            site=Site.objects.get(slug=site_slug),
            organisation=police,
            title="Sample protocol for the access matrix",
            parties="Sample parties",
            information_shared="Sample information",
            purpose="Sample purpose",
            lawful_bases=["gdpr_6_1_e"],
            signatories="Sample signatory",
            starts_on=_today(),
            review_on=_today() + timedelta(days=365),
            created_by=coordinator,
            updated_by=coordinator,
        )
    return found.reference


def sample_protocol_document(site_slug: str) -> int:
    from childnrm.accounts.models import User
    from childnrm.information.models import ProtocolDocument, SharingProtocol

    protocol = SharingProtocol.objects.get(reference=sample_protocol(site_slug))
    document = protocol.documents.first()
    if document is None:
        if not default_storage.exists(SAMPLE_FILE):
            default_storage.save(SAMPLE_FILE, ContentFile(SAMPLE_PDF))
        document = ProtocolDocument.objects.create(
            protocol=protocol,
            version=protocol.version,
            file=SAMPLE_FILE,
            original_name="signed-protocol.pdf",
            content_type="application/pdf",
            size=len(SAMPLE_PDF),
            sha256="0" * 64,
            uploaded_by=User.objects.get(email=demo_email(Role.COORDINATOR, site_slug)),
        )
    return document.pk


def _today():
    from django.utils import timezone

    return timezone.localdate()


SAMPLES = {
    "info_case_reference": sample_case,
    "request_reference": sample_request,
    "response_document_id": sample_document,
    "protocol_reference": sample_protocol,
    "protocol_document_id": sample_protocol_document,
}
