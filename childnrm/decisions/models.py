"""Decisions: reasonable and conclusive grounds, with their reasons, votes, corrections and reviews.

A decision is drafted during a sitting and finalised by the chair. A finalised decision is never
edited: a correction is a new version (a new row superseding the old, with a reason), like the
link decisions in people.models. Negative decisions may need a second review before they are final
(a site setting). Reconsideration requests and the SCA's quality assurance are in `reviews`.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models

from childnrm.decisions.wording import outcome_words
from childnrm.panels.models import Agency, AgendaItem, Meeting
from childnrm.referrals.models import Referral


class Stage(models.TextChoices):
    REASONABLE_GROUNDS = "reasonable_grounds", "Reasonable grounds"
    CONCLUSIVE_GROUNDS = "conclusive_grounds", "Conclusive grounds"


class Outcome(models.TextChoices):
    # Short labels only: a decision's outcome in words depends on its stage (decisions/wording.py).
    POSITIVE = "positive", "Positive"
    NEGATIVE = "negative", "Negative"


class DecisionStatus(models.TextChoices):
    DRAFT = "draft", "Draft"
    SECOND_REVIEW = "second_review", "Waiting for second review"
    FINAL = "final", "Final"
    SUPERSEDED = "superseded", "Superseded by a later version"
    # A negative decision the second reviewer did not agree with: it goes back to the panel as a new draft.
    RETURNED = "returned", "Returned to the panel by the second reviewer"


class Act(models.TextChoices):
    """The act element of trafficking. For a child the means (force, deception) need not be shown."""

    RECRUITMENT = "recruitment", "Recruitment"
    TRANSPORT = "transport", "Transport"
    TRANSFER = "transfer", "Transfer"
    HARBOURING = "harbouring", "Harbouring"
    RECEIPT = "receipt", "Receipt"


class Vote(models.TextChoices):
    POSITIVE = "positive", "Positive"
    NEGATIVE = "negative", "Negative"
    ABSTAIN = "abstain", "Abstains"


class DecisionKind(models.TextChoices):
    ORIGINAL = "original", "Decision"
    CORRECTION = "correction", "Correction of an earlier version"
    RECONSIDERATION = "reconsideration", "Decision on reconsideration"


class Decision(models.Model):
    referral = models.ForeignKey(Referral, on_delete=models.PROTECT, related_name="decisions")
    stage = models.CharField(max_length=24, choices=Stage.choices)
    version = models.PositiveSmallIntegerField(default=1)
    supersedes = models.OneToOneField(
        "self", on_delete=models.PROTECT, null=True, blank=True, related_name="superseded_by"
    )
    kind = models.CharField(max_length=16, choices=DecisionKind.choices, default=DecisionKind.ORIGINAL)
    # Why this version replaces the one it supersedes (a correction, or a reconsideration's outcome).
    correction_reason = models.TextField(blank=True)
    status = models.CharField(max_length=16, choices=DecisionStatus.choices, default=DecisionStatus.DRAFT)
    meeting = models.ForeignKey(Meeting, on_delete=models.PROTECT, null=True, blank=True, related_name="decisions")
    agenda_item = models.ForeignKey(
        AgendaItem, on_delete=models.PROTECT, null=True, blank=True, related_name="decisions"
    )

    # The test applied, as worded by the guidance version in force (decisions.guidance).
    guidance_version = models.CharField(max_length=40)
    test_applied = models.TextField()

    act_found = models.JSONField(default=list, blank=True)  # Act codes
    act_reasoning = models.TextField(blank=True)
    purpose_found = models.JSONField(default=list, blank=True)  # exploitation type codes (referrals.vocab)
    purpose_reasoning = models.TextField(blank=True)
    exploitation_types = models.JSONField(default=list, blank=True)
    indicators = models.JSONField(default=list, blank=True)
    credibility_reasoning = models.TextField(blank=True)

    # The child's wishes and feelings, how and by whom they were gathered, or why they could not be.
    wishes_gathered = models.BooleanField(null=True, blank=True)
    wishes_and_feelings = models.TextField(blank=True)
    wishes_how_gathered = models.TextField(blank=True)
    wishes_gathered_by = models.CharField(max_length=200, blank=True)
    wishes_not_gathered_reason = models.TextField(blank=True)

    dissent = models.TextField(blank=True)
    outcome = models.CharField(max_length=16, choices=Outcome.choices, blank=True)
    decided_on = models.DateField(null=True, blank=True)

    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    finalised_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    finalised_at = models.DateTimeField(null=True, blank=True)

    # Second review of a negative decision (site setting), by someone who did not vote on it.
    second_reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    second_reviewed_at = models.DateTimeField(null=True, blank=True)
    second_review_agrees = models.BooleanField(null=True, blank=True)
    second_review_reasons = models.TextField(blank=True)

    class Meta:
        ordering = ["referral", "stage", "version"]
        constraints = [
            models.UniqueConstraint(fields=["referral", "stage", "version"], name="decision_version_unique"),
        ]
        indexes = [
            models.Index(fields=["referral", "stage", "status"], name="decision_referral_idx"),
            models.Index(fields=["status", "decided_on"], name="decision_status_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.get_stage_display()} v{self.version} of {self.referral_id}"

    def get_outcome_display(self) -> str:
        """The outcome in the words the law gives it at this stage (never the bare choice label)."""
        return outcome_words(self.stage, self.outcome)

    @property
    def outcome_words(self) -> str:
        return outcome_words(self.stage, self.outcome)

    @property
    def is_final(self) -> bool:
        return self.status in (DecisionStatus.FINAL, DecisionStatus.SUPERSEDED)


class DecisionEvidence(models.Model):
    """One piece of evidence the panel weighed, and which agency supplied it."""

    decision = models.ForeignKey(Decision, on_delete=models.CASCADE, related_name="evidence")
    description = models.TextField()
    agency = models.CharField(max_length=32, choices=Agency.choices)
    supplied_by = models.CharField(max_length=200, blank=True)  # organisation name as recorded
    weight = models.TextField(blank=True)  # how the panel weighed it
    information_response = models.ForeignKey(
        "information.InformationResponse", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    referral_document = models.ForeignKey(
        "referrals.ReferralDocument", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["decision", "id"]

    def __str__(self) -> str:
        return f"Evidence {self.pk} of {self.decision_id}"


class DecisionVote(models.Model):
    """Each voting member's vote on a decision (recorded at the sitting)."""

    decision = models.ForeignKey(Decision, on_delete=models.CASCADE, related_name="votes")
    voter = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    agency = models.CharField(max_length=32, choices=Agency.choices)
    vote = models.CharField(max_length=16, choices=Vote.choices)
    reasons = models.TextField(blank=True)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["decision", "agency", "id"]
        constraints = [models.UniqueConstraint(fields=["decision", "voter"], name="decision_vote_once")]

    def __str__(self) -> str:
        return f"{self.voter_id} on {self.decision_id}: {self.vote}"
