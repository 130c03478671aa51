"""Data for evaluators (issue 10 item 3): data-sharing agreements, the releases made under them, and the
synthetic dataset for open publication.

An analyst requests an agreement for their site: who receives the data (an organisation and a named contact),
why, on what legal basis, which files and which groups of fields, from when until when. The site's data
protection officer approves or refuses it, and may revoke it. While it is in force (approved, started, not
expired) an analyst of the site may download the record-level evaluation extract and the HTCDS export it
covers; every download is a release, kept here (who, when, rows, the file's SHA-256, which cases) and audited.

Each agreement has its own random salt: the pseudonyms in its files are keyed with it and the kind of file
(evaluation.pseudonyms), so files released under two agreements, or the extract and the HTCDS export of one,
cannot be joined on them (ADR 0020).
"""

from __future__ import annotations

import secrets
from datetime import date

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from childnrm.accounts.models import Site
from childnrm.people.models import ReferenceDrawnAgainIfHeld, drawn_reference


def new_agreement_reference() -> str:
    return drawn_reference("DSA-")


def new_salt() -> str:
    return secrets.token_hex(32)


class Dataset(models.TextChoices):
    """The files an agreement may cover."""

    EXTRACT = "evaluation_extract", _("Record-level evaluation extract (pseudonymised)")
    HTCDS = "htcds", _("Human Trafficking Case Data Standard (HTCDS) v2.0 export")


class FieldGroup(models.TextChoices):
    """Groups of the evaluation extract's fields an agreement releases (docs/evaluation-extract.md). The
    pseudonyms and the small-group flag are always in the file."""

    CASE = "case", _("The case: site, month referred, how it came in, who referred, route and status")
    CHILD = "child", _("The child: sex, age band at referral and nationality")
    ETHNICITY = "ethnicity", _("Ethnicity (special category data)")
    EXPLOITATION = "exploitation", _("The exploitation: types, county lines and where")
    DECISIONS = "decisions", _("Decisions: reasonable and conclusive grounds outcomes, months and days taken")
    OUTCOMES = "outcomes", _("Outcomes: what each outcome review found, and missing episodes")


class LegalBasis(models.TextChoices):
    PUBLIC_TASK_RESEARCH = (
        "public_task_research",
        _(
            "UK GDPR Article 6(1)(e) public task, with Article 9(2)(j) and DPA 2018 Schedule 1 paragraph 4 "
            "(archiving, research and statistics)"
        ),
    )
    PUBLIC_TASK_SAFEGUARDING = (
        "public_task_safeguarding",
        _(
            "UK GDPR Article 6(1)(e) public task, with DPA 2018 Schedule 1 paragraph 18 "
            "(safeguarding of children and individuals at risk)"
        ),
    )
    LEGITIMATE_INTERESTS_RESEARCH = (
        "legitimate_interests_research",
        _("UK GDPR Article 6(1)(f) legitimate interests, with Article 9(2)(j) and DPA 2018 Schedule 1 paragraph 4"),
    )
    OTHER = "other", _("Another basis (described below)")


class AgreementStatus(models.TextChoices):
    REQUESTED = "requested", _("Waiting for approval")
    APPROVED = "approved", _("Approved")
    REFUSED = "refused", _("Refused")
    REVOKED = "revoked", _("Revoked")


class AgreementState(models.TextChoices):
    """Where an agreement stands today: its status, and for an approved one whether it is in force."""

    WAITING = "waiting", _("Waiting for approval")
    NOT_STARTED = "not_started", _("Approved, not started yet")
    IN_FORCE = "in_force", _("In force")
    EXPIRED = "expired", _("Expired")
    REFUSED = "refused", _("Refused")
    REVOKED = "revoked", _("Revoked")


STATE_TAGS = {
    AgreementState.WAITING: "govuk-tag--blue",
    AgreementState.NOT_STARTED: "govuk-tag--grey",
    AgreementState.IN_FORCE: "govuk-tag--green",
    AgreementState.EXPIRED: "govuk-tag--grey",
    AgreementState.REFUSED: "govuk-tag--red",
    AgreementState.REVOKED: "govuk-tag--red",
}


class DataSharingAgreement(ReferenceDrawnAgainIfHeld):
    reference = models.CharField(max_length=12, unique=True, default=new_agreement_reference, editable=False)
    site = models.ForeignKey(Site, on_delete=models.PROTECT, related_name="data_sharing_agreements")
    # Who receives the data.
    organisation_name = models.CharField(max_length=200)
    contact_name = models.CharField(max_length=200)
    contact_email = models.EmailField()
    purpose = models.TextField()
    legal_basis = models.CharField(max_length=40, choices=LegalBasis.choices)
    legal_basis_details = models.TextField(blank=True)
    datasets = models.JSONField(default=list)  # Dataset codes
    field_groups = models.JSONField(default=list)  # FieldGroup codes (the evaluation extract's)
    starts_on = models.DateField()
    expires_on = models.DateField()
    status = models.CharField(max_length=16, choices=AgreementStatus.choices, default=AgreementStatus.REQUESTED)
    # Keys this agreement's pseudonyms; never shown, never in a file.
    salt = models.CharField(max_length=64, default=new_salt, editable=False)

    requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    requested_at = models.DateTimeField(auto_now_add=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    refusal_reason = models.TextField(blank=True)
    revoked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    revoked_at = models.DateTimeField(null=True, blank=True)
    revocation_reason = models.TextField(blank=True)

    class Meta:
        ordering = ["-requested_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(expires_on__gte=models.F("starts_on")), name="agreement_expires_after_start"
            ),
        ]
        indexes = [models.Index(fields=["site", "status"], name="agreement_site_status_idx")]

    def __str__(self) -> str:
        return f"Data-sharing agreement {self.reference}"

    def state(self, today: date) -> AgreementState:
        if self.status == AgreementStatus.REQUESTED:
            return AgreementState.WAITING
        if self.status == AgreementStatus.REFUSED:
            return AgreementState.REFUSED
        if self.status == AgreementStatus.REVOKED:
            return AgreementState.REVOKED
        if today < self.starts_on:
            return AgreementState.NOT_STARTED
        if today > self.expires_on:
            return AgreementState.EXPIRED
        return AgreementState.IN_FORCE

    def in_force(self, today: date) -> bool:
        return self.state(today) == AgreementState.IN_FORCE

    def covers(self, dataset: str) -> bool:
        return dataset in self.datasets


class ExtractRelease(models.Model):
    """One download of a file under an agreement: what left the service, to whom and when."""

    agreement = models.ForeignKey(DataSharingAgreement, on_delete=models.PROTECT, related_name="releases")
    dataset = models.CharField(max_length=24, choices=Dataset.choices)
    field_groups = models.JSONField(default=list)  # as released (the agreement's, at the time)
    released_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    released_at = models.DateTimeField(auto_now_add=True)
    filename = models.CharField(max_length=120)
    row_count = models.PositiveIntegerField()
    sha256 = models.CharField(max_length=64)
    # The cases (referral ids) in the file: whether a child's data left under an agreement can be answered.
    referral_ids = models.JSONField(default=list)

    class Meta:
        ordering = ["-released_at", "-id"]

    def __str__(self) -> str:
        return f"Release {self.pk} under {self.agreement_id}"


def synthetic_path(instance: SyntheticRelease, filename: str) -> str:
    return f"evaluation/synthetic/{secrets.token_hex(8)}.csv"


class SyntheticRelease(models.Model):
    """A differentially private synthetic copy of the extract's categorical columns, for open publication
    (`manage.py evaluation_synthetic`), with its report: the privacy budget spent and how closely its tables
    match the real ones. No site: built from every site's cases."""

    site = models.ForeignKey(Site, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    epsilon = models.FloatField()
    delta = models.FloatField()
    rows = models.PositiveIntegerField()  # in the synthetic file
    file = models.FileField(upload_to=synthetic_path)
    sha256 = models.CharField(max_length=64)
    report = models.JSONField(default=dict)

    class Meta:
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"Synthetic dataset {self.pk}"
