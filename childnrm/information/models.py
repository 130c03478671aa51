"""Information requests: the coordinator asks an agency for what it knows about a child's case.

Every share records its lawful basis and purpose (domain.md, "Data protection"): the request says
why the information is needed and on what basis; the answer is a share from the agency under the
same basis. Overdue requests are chased by the daily task, and each chase is recorded.
"""

from __future__ import annotations

import secrets
from pathlib import PurePath

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from childnrm.accounts import nations
from childnrm.accounts.models import Organisation
from childnrm.panels.models import Agency
from childnrm.people.models import ReferenceDrawnAgainIfHeld, drawn_reference
from childnrm.referrals.models import Referral


class LawfulBasis(models.TextChoices):
    PUBLIC_TASK_SAFEGUARDING = (
        "public_task_safeguarding",
        _("UK GDPR Article 6(1)(e) public task, with DPA 2018 Schedule 1 paragraph 18 (safeguarding of children)"),
    )
    CHILDREN_ACT_2004_S11 = "children_act_2004_s11", _("Children Act 2004 section 11 (duty to safeguard)")
    CHILDREN_ACT_1989_S47 = "children_act_1989_s47", _("Children Act 1989 section 47 (enquiries)")
    CRIME_AND_DISORDER_S115 = "crime_and_disorder_s115", _("Crime and Disorder Act 1998 section 115")
    LEGAL_OBLIGATION = "legal_obligation", _("UK GDPR Article 6(1)(c) legal obligation")
    # Each nation's statutes beside UK GDPR and the DPA 2018; a site offers its own nation's (accounts.nations).
    CHILDREN_ACT_2004_S28 = "children_act_2004_s28", _("Children Act 2004 section 28 (duty to safeguard, Wales)")
    SSWB_WALES_2014_S130 = (
        "sswb_wales_2014_s130",
        _("Social Services and Well-being (Wales) Act 2014 section 130 (duty to report a child at risk)"),
    )
    CHILDREN_SCOTLAND_1995_S22 = (
        "children_scotland_1995_s22",
        _("Children (Scotland) Act 1995 section 22 (children in need)"),
    )
    CHILDRENS_HEARINGS_SCOTLAND_2011_S60 = (
        "childrens_hearings_scotland_2011_s60",
        _("Children's Hearings (Scotland) Act 2011 section 60 (information for the Principal Reporter)"),
    )
    CP_GUIDANCE_SCOTLAND = (
        "cp_guidance_scotland",
        _(
            "UK GDPR Article 6(1)(e) public task, sharing as the National Guidance for Child Protection in Scotland "
            "2021 (updated 2023) sets out"
        ),
    )
    CHILDREN_NI_ORDER_1995_ART66 = (
        "children_ni_order_1995_art66",
        _("Children (Northern Ireland) Order 1995 Article 66 (duty to investigate)"),
    )
    CHILDREN_NI_ORDER_1995_ART18 = (
        "children_ni_order_1995_art18",
        _("Children (Northern Ireland) Order 1995 Article 18 (children in need)"),
    )
    COOPERATING_TO_SAFEGUARD_NI = (
        "cooperating_to_safeguard_ni",
        _(
            "UK GDPR Article 6(1)(e) public task, sharing as Co-operating to Safeguard Children and Young People in "
            "Northern Ireland sets out"
        ),
    )


class RequestStatus(models.TextChoices):
    OPEN = "open", _("Waiting for an answer")
    # Welsh agrees "answered" with the request (cais): a context of its own, as the child's feedback says it too.
    ANSWERED = "answered", pgettext_lazy("information request", "Answered")
    WITHDRAWN = "withdrawn", _("Withdrawn")


class InformationRequest(ReferenceDrawnAgainIfHeld):
    reference = models.CharField(max_length=12, unique=True, editable=False)
    referral = models.ForeignKey(Referral, on_delete=models.PROTECT, related_name="information_requests")
    # The site whose panel asked (the case's site when it was asked). The request is answered and chased only while
    # the case is with that panel: it ends with the case (services.ended_with_case), its answers kept.
    asking_site = models.ForeignKey("accounts.Site", on_delete=models.PROTECT, related_name="+")
    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="information_requests")
    agency = models.CharField(max_length=32, choices=Agency.choices)
    question = models.TextField()
    purpose = models.TextField()
    lawful_basis = models.CharField(max_length=40, choices=LawfulBasis.choices)
    due_on = models.DateField()
    status = models.CharField(max_length=16, choices=RequestStatus.choices, default=RequestStatus.OPEN)
    requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    requested_at = models.DateTimeField(auto_now_add=True)
    chase_count = models.PositiveSmallIntegerField(default=0)
    last_chased_at = models.DateTimeField(null=True, blank=True)
    withdrawn_reason = models.TextField(blank=True)
    withdrawn_at = models.DateTimeField(null=True, blank=True)
    withdrawn_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    # The information-sharing protocol the request relies on (the one current with the organisation
    # when it was sent), and its version then. Without one, the lawful basis is stated in full.
    protocol = models.ForeignKey(
        "information.SharingProtocol",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="information_requests",
    )
    protocol_version = models.PositiveSmallIntegerField(null=True, blank=True)
    lawful_basis_detail = models.TextField(blank=True)

    class Meta:
        ordering = ["due_on", "id"]
        indexes = [
            models.Index(fields=["status", "due_on"], name="info_request_due_idx"),
            models.Index(fields=["organisation", "status"], name="info_request_org_idx"),
            models.Index(fields=["referral", "status"], name="info_request_referral_idx"),
        ]
        constraints = [
            # No protocol to rely on: the lawful basis must be stated in full.
            models.CheckConstraint(
                condition=models.Q(protocol__isnull=False) | ~models.Q(lawful_basis_detail=""),
                name="info_request_protocol_or_basis",
            ),
        ]

    def __str__(self) -> str:
        return self.reference

    def save(self, *args, **kwargs) -> None:
        if not self.reference:
            self.reference = drawn_reference("IR-")
        if self.asking_site_id is None and self.referral_id is not None:
            self.asking_site_id = self.referral.site_id  # asked now, by the panel holding the case
        super().save(*args, **kwargs)

    def agency_shown(self) -> str:
        """The kind of agency asked, the guardian service as the case's site's nation names it (ADR 0027); the site is
        read only for a request to the guardian service."""
        if self.agency != nations.GUARDIAN_AGENCY:
            return str(self.get_agency_display())
        return nations.agency_label(self.agency, self.get_agency_display(), self.referral.site)


class InformationResponse(models.Model):
    """An agency's answer: a share of information under the request's lawful basis and purpose."""

    request = models.ForeignKey(InformationRequest, on_delete=models.PROTECT, related_name="responses")
    text = models.TextField()
    lawful_basis = models.CharField(max_length=40, choices=LawfulBasis.choices)
    purpose = models.TextField()
    responded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+")
    responded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["responded_at", "id"]

    def __str__(self) -> str:
        return f"Response {self.pk} to {self.request_id}"


def response_document_path(instance: ResponseDocument, filename: str) -> str:
    # A random name: the original name may carry personal data. The extension is the detected
    # type's (the caller names the file "upload.<ext>"), never the uploader's.
    return f"information/{instance.response.request_id}/{secrets.token_hex(16)}{PurePath(filename).suffix}"


class ResponseDocument(models.Model):
    response = models.ForeignKey(InformationResponse, on_delete=models.CASCADE, related_name="documents")
    file = models.FileField(upload_to=response_document_path)
    original_name = models.CharField(max_length=255)
    content_type = models.CharField(max_length=100)
    size = models.PositiveIntegerField()
    sha256 = models.CharField(max_length=64)
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    uploaded_at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return f"Document {self.pk} of response {self.response_id}"


class InformationChase(models.Model):
    """A reminder sent for an overdue request (by the daily task or by hand)."""

    request = models.ForeignKey(InformationRequest, on_delete=models.CASCADE, related_name="chases")
    chased_at = models.DateTimeField(auto_now_add=True)
    chased_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    recipients = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["chased_at", "id"]

    def __str__(self) -> str:
        return f"Chase of {self.request_id}"


# Information-sharing protocols (issue 9 item 13) ------------------------------------------------


class ProtocolBasis(models.TextChoices):
    """The lawful bases and statutory gateways a protocol may rely on (a protocol adds its own words too)."""

    GDPR_PUBLIC_TASK = "gdpr_6_1_e", _("UK GDPR Article 6(1)(e): public task")
    GDPR_LEGAL_OBLIGATION = "gdpr_6_1_c", _("UK GDPR Article 6(1)(c): legal obligation")
    GDPR_SAFEGUARDING = (
        "gdpr_9_2_g_sch1_18",
        _("UK GDPR Article 9(2)(g) with DPA 2018 Schedule 1 paragraph 18: safeguarding of children"),
    )
    GDPR_UNLAWFUL_ACTS = (
        "gdpr_9_2_g_sch1_10",
        _("UK GDPR Article 9(2)(g) with DPA 2018 Schedule 1 paragraph 10: preventing or detecting unlawful acts"),
    )
    GDPR_HEALTH_SOCIAL_CARE = (
        "gdpr_9_2_h_sch1_2",
        _("UK GDPR Article 9(2)(h) with DPA 2018 Schedule 1 paragraph 2: health or social care"),
    )
    CHILDREN_ACT_1989_S17 = "children_act_1989_s17", _("Children Act 1989 section 17: children in need")
    CHILDREN_ACT_1989_S47 = "children_act_1989_s47", _("Children Act 1989 section 47: child protection enquiries")
    CHILDREN_ACT_2004_S10 = (
        "children_act_2004_s10",
        _("Children Act 2004 section 10: co-operation to improve well-being"),
    )
    CHILDREN_ACT_2004_S11 = "children_act_2004_s11", _("Children Act 2004 section 11: duty to safeguard")
    CRIME_AND_DISORDER_S115 = "crime_and_disorder_s115", _("Crime and Disorder Act 1998 section 115")
    # Wales, Scotland and Northern Ireland (a site offers its own nation's: accounts.nations)
    CHILDREN_ACT_2004_S28 = "children_act_2004_s28", _("Children Act 2004 section 28: duty to safeguard (Wales)")
    SSWB_WALES_2014_S130 = (
        "sswb_wales_2014_s130",
        _("Social Services and Well-being (Wales) Act 2014 section 130: duty to report a child at risk"),
    )
    CHILDREN_SCOTLAND_1995_S22 = (
        "children_scotland_1995_s22",
        _("Children (Scotland) Act 1995 section 22: children in need"),
    )
    CHILDRENS_HEARINGS_SCOTLAND_2011_S60 = (
        "childrens_hearings_scotland_2011_s60",
        _("Children's Hearings (Scotland) Act 2011 section 60: information for the Principal Reporter"),
    )
    CYP_SCOTLAND_2014 = (
        "cyp_scotland_2014",
        _("Children and Young People (Scotland) Act 2014: its duties in force (not Part 4, never in force)"),
    )
    CP_GUIDANCE_SCOTLAND = (
        "cp_guidance_scotland",
        _("National Guidance for Child Protection in Scotland 2021 (updated 2023): when to share"),
    )
    CHILDREN_NI_ORDER_1995_ART18 = (
        "children_ni_order_1995_art18",
        _("Children (Northern Ireland) Order 1995 Article 18: children in need"),
    )
    CHILDREN_NI_ORDER_1995_ART66 = (
        "children_ni_order_1995_art66",
        _("Children (Northern Ireland) Order 1995 Article 66: duty to investigate"),
    )
    COOPERATING_TO_SAFEGUARD_NI = (
        "cooperating_to_safeguard_ni",
        _("Co-operating to Safeguard Children and Young People in Northern Ireland: when to share"),
    )


# Every share needs an Article 6 basis; the others (Article 9 conditions, gateways) come with one.
ARTICLE_6_BASES = frozenset({ProtocolBasis.GDPR_PUBLIC_TASK, ProtocolBasis.GDPR_LEGAL_OBLIGATION})


class SharingProtocol(ReferenceDrawnAgainIfHeld):
    """A site's information-sharing protocol with one partner organisation.

    Changed in place with a new `version` number; every version is kept whole in
    SharingProtocolVersion, so a request can be read against the protocol as it stood. A protocol is
    current from `starts_on` to `review_on` (that day included): one not reviewed by then has lapsed.
    """

    reference = models.CharField(max_length=12, unique=True, editable=False)
    site = models.ForeignKey("accounts.Site", on_delete=models.PROTECT, related_name="sharing_protocols")
    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="sharing_protocols")
    title = models.CharField(max_length=200)
    parties = models.TextField()
    information_shared = models.TextField()
    purpose = models.TextField()
    lawful_bases = models.JSONField(default=list)  # ProtocolBasis values
    lawful_basis_detail = models.TextField(blank=True)
    signatories = models.TextField()
    starts_on = models.DateField()
    review_on = models.DateField()
    version = models.PositiveSmallIntegerField(default=1)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["organisation__name", "-starts_on", "id"]
        indexes = [
            models.Index(fields=["site", "review_on"], name="sharing_protocol_review_idx"),
            models.Index(fields=["site", "organisation", "starts_on"], name="sharing_protocol_org_idx"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(review_on__gt=models.F("starts_on")), name="sharing_protocol_review_after_start"
            ),
        ]

    def __str__(self) -> str:
        return self.reference

    def save(self, *args, **kwargs) -> None:
        if not self.reference:
            self.reference = drawn_reference("ISP-")
        super().save(*args, **kwargs)

    @property
    def lawful_basis_labels(self) -> list[str]:
        return [str(ProtocolBasis(value).label) for value in self.lawful_bases if value in ProtocolBasis.values]


class SharingProtocolVersion(models.Model):
    """One version of a protocol as it was agreed: never changed."""

    protocol = models.ForeignKey(SharingProtocol, on_delete=models.PROTECT, related_name="versions")
    number = models.PositiveSmallIntegerField()
    content = models.JSONField()
    changed_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    changed_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["protocol", "-number"]
        constraints = [models.UniqueConstraint(fields=["protocol", "number"], name="sharing_protocol_version_unique")]

    def __str__(self) -> str:
        return f"{self.protocol_id} v{self.number}"


def protocol_document_path(instance: ProtocolDocument, filename: str) -> str:
    # Under information/ so the orphan sweep (referrals.tasks.UPLOAD_FOLDERS) covers it; random name.
    return f"information/protocols/{instance.protocol_id}/{secrets.token_hex(16)}{PurePath(filename).suffix}"


class ProtocolDocument(models.Model):
    """A signed copy of a protocol; the latest is the one in force, earlier ones are kept."""

    protocol = models.ForeignKey(SharingProtocol, on_delete=models.PROTECT, related_name="documents")
    version = models.PositiveSmallIntegerField()  # the protocol version this copy signs
    file = models.FileField(upload_to=protocol_document_path)
    original_name = models.CharField(max_length=255)
    content_type = models.CharField(max_length=100)
    size = models.PositiveIntegerField()
    sha256 = models.CharField(max_length=64)
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    uploaded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-uploaded_at", "-id"]

    def __str__(self) -> str:
        return f"Signed copy {self.pk} of {self.protocol_id}"
