"""Who may use the first responder's routes, and sample records for the access matrix.

Drafts are only ever their author's; a sent referral's documents are also the coordinators' of its
site. The samples are made through the services, as the site's demo first responder, once per test
(found again in the database on later calls, so every test gets its own).
"""

from __future__ import annotations

import hashlib

from django.core.files.base import ContentFile
from django.core.files.storage import default_storage

from childnrm.accounts.models import Role, Site, User
from childnrm.people.demo import demo_email
from childnrm.people.models import Sex
from childnrm.referrals.models import Referral, ReferralDocument, ReferralStatus
from childnrm.referrals.vocab import ExploitationLocation, ExploitationType

EXPECTED = {
    "referrals:mine": {Role.FIRST_RESPONDER},
    "referrals:start": {Role.FIRST_RESPONDER},
    "referrals:task-list": {Role.FIRST_RESPONDER},
    "referrals:section": {Role.FIRST_RESPONDER},
    "referrals:documents": {Role.FIRST_RESPONDER},
    "referrals:check-answers": {Role.FIRST_RESPONDER},
    "referrals:confirmation": {Role.FIRST_RESPONDER},
    "referrals:your-referral": {Role.FIRST_RESPONDER},
    "referrals:document-download": {Role.FIRST_RESPONDER, Role.COORDINATOR},
}

# One small file in private storage serves every sample document (the rows are rolled back per test).
SAMPLE_FILE = "referrals/access-matrix/sample.pdf"
SAMPLE_PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def _first_responder(site_slug: str) -> User:
    return User.objects.get(email=demo_email(Role.FIRST_RESPONDER, site_slug))


def sample_draft(site_slug: str) -> str:
    from childnrm.referrals.services import referral_start

    user = _first_responder(site_slug)
    draft = Referral.objects.filter(created_by=user, status=ReferralStatus.DRAFT).order_by("pk").first()
    return (draft or referral_start(user=user)).reference


def sample_submitted(site_slug: str) -> str:
    from childnrm.referrals.services import referral_save, referral_start, referral_submit

    user = _first_responder(site_slug)
    sent = Referral.objects.filter(created_by=user).exclude(status=ReferralStatus.DRAFT).order_by("pk").first()
    if sent is None:
        site = Site.objects.get(slug=site_slug)
        draft = referral_start(user=user)
        answers = {
            "given_names": "Sample",
            "family_name": "Matrix",
            "estimated_age_years": 15,
            "sex": Sex.NOT_KNOWN,
            "residence_local_authority": site.local_authorities.order_by("pk").first(),
            "exploitation_types": [ExploitationType.NOT_KNOWN],
            "exploitation_location": ExploitationLocation.UK,
            "account": "Sample account for the access matrix.",
        }
        sent = referral_submit(referral=referral_save(referral=draft, user=user, data=answers), user=user)
    return sent.reference


def sample_document(site_slug: str) -> int:
    """A document of the referral the matrix names with `referral_reference` (whoever's sample that is)."""
    reference = _winning_referral_sample()(site_slug)
    referral = Referral.objects.get(reference=reference)
    return document_of(referral, uploaded_by=referral.created_by or _first_responder(site_slug)).pk


def document_of(referral: Referral, *, uploaded_by: User, text: bytes | None = None) -> ReferralDocument:
    """The referral's first document, or one made for it: the sample PDF, or a text file of `text` (a statement that
    names the child, so what a download serves can be read for child data). One small file in private storage for
    each content (named by its hash; the rows are rolled back per test)."""
    document = referral.documents.order_by("pk").first()
    if document is not None:
        return document
    if text is None:
        content, name, kind, original = SAMPLE_PDF, SAMPLE_FILE, "application/pdf", "statement.pdf"
    else:
        digest = hashlib.sha256(text).hexdigest()
        content, name, kind, original = (
            text,
            f"referrals/access-matrix/{digest[:16]}.txt",
            "text/plain",
            "statement.txt",
        )
    if not default_storage.exists(name):
        name = default_storage.save(name, ContentFile(content))
    return ReferralDocument.objects.create(
        referral=referral,
        file=name,
        original_name=original,
        content_type=kind,
        size=len(content),
        sha256=hashlib.sha256(content).hexdigest(),
        description="Statement",
        uploaded_by=uploaded_by,
    )


def _winning_referral_sample():
    # Another app's expectations may also sample `referral_reference`; the document must belong to
    # whichever referral the matrix actually uses.
    import sys

    matrix = sys.modules.get("childnrm.access.tests.test_access_matrix")
    samples = getattr(matrix, "SAMPLES", {}) if matrix else {}
    return samples.get("referral_reference", sample_submitted)


SAMPLES = {
    "draft_reference": sample_draft,
    "referral_section": lambda site_slug: "child",
    "referral_reference": sample_submitted,
    "document_id": sample_document,
}
