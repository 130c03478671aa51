"""A site's reviews of its own cases, and what they taught it (issue 12 item 2).

A case review (a child safeguarding practice review, a rapid review or an internal learning review) belongs to
one site and is about one or more of its cases (`ReviewedCase`, a referral). It records learning points,
recommendations with their status, and actions with an owner, a due date and a status whose every change is a
new row (`ReviewActionUpdate`), like safeguarding plan actions. Nothing here is seen by another site: an
anonymised summary is published to every site through the learning app, after moderation.

Who reads and records these is decided by the access policy and applied in `selectors`.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from childnrm.accounts.models import Site
from childnrm.kit.actions import OPEN_ACTION_STATUSES as OPEN_ACTION_STATUSES  # the apps that import it from here
from childnrm.kit.actions import ActionStatus
from childnrm.people.models import ReferenceDrawnAgainIfHeld, drawn_reference


def new_case_review_reference() -> str:
    return drawn_reference("CR-")


class ReviewKind(models.TextChoices):
    PRACTICE = "practice", _("Child safeguarding practice review")
    RAPID = "rapid", _("Rapid review")
    INTERNAL = "internal", _("Internal learning review")


class ReviewStatus(models.TextChoices):
    IN_PROGRESS = "in_progress", _("In progress")
    COMPLETED = "completed", _("Completed")


class RecommendationStatus(models.TextChoices):
    PROPOSED = "proposed", _("Proposed")
    ACCEPTED = "accepted", _("Accepted")
    IMPLEMENTED = "implemented", _("Implemented")
    NOT_ACCEPTED = "not_accepted", _("Not accepted")


# Shared with the other app whose actions are followed up (kit.actions).


class CaseReview(ReferenceDrawnAgainIfHeld):
    reference = models.CharField(max_length=12, unique=True, default=new_case_review_reference, editable=False)
    site = models.ForeignKey(Site, on_delete=models.PROTECT, related_name="+")
    kind = models.CharField(max_length=16, choices=ReviewKind.choices)
    title = models.CharField(max_length=200)
    started_on = models.DateField()
    summary = models.TextField()  # what the review is about and why it was started
    status = models.CharField(max_length=16, choices=ReviewStatus.choices, default=ReviewStatus.IN_PROGRESS)
    completed_on = models.DateField(null=True, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-started_on", "-id"]
        indexes = [models.Index(fields=["site", "status", "started_on"], name="case_review_site_idx")]
        constraints = [
            models.CheckConstraint(condition=models.Q(kind__in=ReviewKind.values), name="case_review_kind_valid"),
            models.CheckConstraint(
                condition=models.Q(status=ReviewStatus.IN_PROGRESS, completed_on__isnull=True)
                | models.Q(status=ReviewStatus.COMPLETED, completed_on__isnull=False),
                name="case_review_completed_on_with_status",
            ),
        ]

    def __str__(self) -> str:
        return self.reference


class ReviewedCase(models.Model):
    """A case the review is about. Kept when the case is anonymised: the review stays the site's learning."""

    review = models.ForeignKey(CaseReview, on_delete=models.CASCADE, related_name="cases")
    referral = models.ForeignKey("referrals.Referral", on_delete=models.PROTECT, related_name="+")
    added_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    added_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["added_at", "id"]
        constraints = [models.UniqueConstraint(fields=["review", "referral"], name="reviewed_case_once")]

    def __str__(self) -> str:
        return f"Case {self.referral_id} of review {self.review_id}"


class LearningPoint(models.Model):
    review = models.ForeignKey(CaseReview, on_delete=models.CASCADE, related_name="learning_points")
    text = models.TextField()
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["created_at", "id"]

    def __str__(self) -> str:
        return f"Learning point {self.pk} of review {self.review_id}"


class Recommendation(models.Model):
    review = models.ForeignKey(CaseReview, on_delete=models.CASCADE, related_name="recommendations")
    text = models.TextField()
    status = models.CharField(
        max_length=16, choices=RecommendationStatus.choices, default=RecommendationStatus.PROPOSED
    )
    status_changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    status_changed_at = models.DateTimeField(null=True, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["created_at", "id"]

    def __str__(self) -> str:
        return f"Recommendation {self.pk} of review {self.review_id}"


class ReviewAction(models.Model):
    review = models.ForeignKey(CaseReview, on_delete=models.CASCADE, related_name="actions")
    recommendation = models.ForeignKey(
        Recommendation, on_delete=models.PROTECT, null=True, blank=True, related_name="actions"
    )
    description = models.TextField()
    owner = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="case_review_actions")
    due_on = models.DateField()
    status = models.CharField(max_length=16, choices=ActionStatus.choices, default=ActionStatus.NOT_STARTED)
    # The last day the daily reminders chased it (reminders.py claims the day here before sending).
    reminded_on = models.DateField(null=True, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["due_on", "id"]
        indexes = [models.Index(fields=["status", "due_on"], name="case_review_action_due_idx")]

    def __str__(self) -> str:
        return f"Action {self.pk} of review {self.review_id}"


class ReviewActionUpdate(models.Model):
    """A change of an action's status, a progress note or a new owner: a new row with its actor, never an edit.

    A new owner (`services.action_owner_change`) keeps the status (from = to) and names who the action moved from
    and to; both are blank on every other row."""

    action = models.ForeignKey(ReviewAction, on_delete=models.CASCADE, related_name="updates")
    from_status = models.CharField(max_length=16, choices=ActionStatus.choices, blank=True)
    to_status = models.CharField(max_length=16, choices=ActionStatus.choices)
    note = models.TextField(blank=True)
    from_owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    to_owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["at", "id"]

    def __str__(self) -> str:
        return f"{self.action_id}: {self.from_status} → {self.to_status}"
