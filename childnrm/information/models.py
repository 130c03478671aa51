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

from childnrm.accounts.models import Organisation
from childnrm.panels.models import Agency
from childnrm.people.models import random_reference
from childnrm.referrals.models import Referral


class LawfulBasis(models.TextChoices):
    PUBLIC_TASK_SAFEGUARDING = (
        "public_task_safeguarding",
        "UK GDPR Article 6(1)(e) public task, with DPA 2018 Schedule 1 paragraph 18 (safeguarding of children)",
    )
    CHILDREN_ACT_2004_S11 = "children_act_2004_s11", "Children Act 2004 section 11 (duty to safeguard)"
    CHILDREN_ACT_1989_S47 = "children_act_1989_s47", "Children Act 1989 section 47 (enquiries)"
    CRIME_AND_DISORDER_S115 = "crime_and_disorder_s115", "Crime and Disorder Act 1998 section 115"
    LEGAL_OBLIGATION = "legal_obligation", "UK GDPR Article 6(1)(c) legal obligation"


class RequestStatus(models.TextChoices):
    OPEN = "open", "Waiting for an answer"
    ANSWERED = "answered", "Answered"
    WITHDRAWN = "withdrawn", "Withdrawn"


class InformationRequest(models.Model):
    reference = models.CharField(max_length=12, unique=True, editable=False)
    referral = models.ForeignKey(Referral, on_delete=models.PROTECT, related_name="information_requests")
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

    class Meta:
        ordering = ["due_on", "id"]
        indexes = [
            models.Index(fields=["status", "due_on"], name="info_request_due_idx"),
            models.Index(fields=["organisation", "status"], name="info_request_org_idx"),
            models.Index(fields=["referral", "status"], name="info_request_referral_idx"),
        ]

    def __str__(self) -> str:
        return self.reference

    def save(self, *args, **kwargs) -> None:
        if not self.reference:
            self.reference = random_reference("IR-")
        super().save(*args, **kwargs)


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
