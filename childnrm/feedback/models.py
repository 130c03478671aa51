"""The child's feedback after the decision is explained: did they feel listened to, did they understand what
happened, what would make it better.

The child's guardian or lead social worker starts a feedback session from the child's case; it gives a one-time
link and code (ADR 0022) that open the form on a device without signing in. The answers are stored here, against
the child and their case, never with anything that names the child on the page the child sees.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone

from childnrm.people.models import Child


class Scale(models.TextChoices):
    """The answer to each question on the visual scale: a face and words (never the face or a colour alone)."""

    YES = "yes", "Yes"
    A_BIT = "a_bit", "A bit"
    NO = "no", "No"
    NOT_SURE = "not_sure", "I'm not sure"


class FeedbackSession(models.Model):
    """One chance for the child to give feedback: started by a practitioner, answered once by the child."""

    child = models.ForeignKey(Child, on_delete=models.PROTECT, related_name="feedback_sessions")
    # The case and the decision explained to the child, when there is one (the newest final decision).
    referral = models.ForeignKey(
        "referrals.Referral", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    decision = models.ForeignKey(
        "decisions.Decision", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    started_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    started_as = models.CharField(max_length=32)  # what the practitioner is to the child (people.AssociationKind)
    started_at = models.DateTimeField(default=timezone.now)
    expires_at = models.DateTimeField()
    # A keyed hash of the one-time code (feedback.tokens): the code itself is never stored.
    code_hash = models.CharField(max_length=64, unique=True)
    cancelled_at = models.DateTimeField(null=True, blank=True)
    answered_at = models.DateTimeField(null=True, blank=True)
    listened = models.CharField(max_length=16, choices=Scale.choices, blank=True)
    understood = models.CharField(max_length=16, choices=Scale.choices, blank=True)
    better = models.TextField(blank=True)  # "What would make it better?", in the child's words

    class Meta:
        ordering = ["-started_at", "-id"]
        indexes = [models.Index(fields=["answered_at"], name="feedback_answered_idx")]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(answered_at__isnull=True) | (~models.Q(listened="") & ~models.Q(understood="")),
                name="feedback_answered_has_answers",
            )
        ]

    def __str__(self) -> str:
        return f"Feedback session {self.pk} of {self.child_id}"
