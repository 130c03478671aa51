"""Letters about a decision: the formal outcome letter to the referrer and the child-friendly letter.

A letter is kept exactly as produced (its text and the hash of its PDF), so what the child or the
referrer was sent can always be shown again. Who explained the decision to the child, when and how
is recorded; so is telling the child's guardian (ICTG).
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from childnrm.decisions.models import Decision


class LetterKind(models.TextChoices):
    REFERRER_OUTCOME = "referrer_outcome", _("Outcome letter to the referrer")
    CHILD_FRIENDLY = "child_friendly", _("Letter for the child")


class Letter(models.Model):
    decision = models.ForeignKey(Decision, on_delete=models.PROTECT, related_name="letters")
    kind = models.CharField(max_length=24, choices=LetterKind.choices)
    content = models.JSONField()  # the letter's paragraphs as produced
    sha256 = models.CharField(max_length=64)  # of the PDF as produced
    # The PDF exactly as produced: a later download gives the same bytes (and hash) as the one sent, whatever
    # the fonts or PDF library on the machine by then.
    pdf = models.BinaryField(editable=False, default=b"")
    produced_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    produced_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["decision", "kind", "-produced_at"]

    def __str__(self) -> str:
        return f"{self.kind} letter {self.pk} for {self.decision_id}"


class ExplainedHow(models.TextChoices):
    IN_PERSON = "in_person", _("In person")
    IN_PERSON_INTERPRETER = "in_person_interpreter", _("In person, with an interpreter")
    VIDEO = "video", _("By video call")
    PHONE = "phone", _("By phone")


class DecisionExplanation(models.Model):
    """Who explained the decision to the child, when and how."""

    decision = models.ForeignKey(Decision, on_delete=models.PROTECT, related_name="explanations")
    explained_by_name = models.CharField(max_length=200)
    explained_by_role = models.CharField(max_length=200)
    explained_on = models.DateField()
    how = models.CharField(max_length=32, choices=ExplainedHow.choices)
    child_response = models.TextField(blank=True)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-explained_on", "-id"]

    def __str__(self) -> str:
        return f"Explanation {self.pk} of {self.decision_id}"


class GuardianNotice(models.Model):
    """The child's guardian (ICTG) was told of the decision."""

    decision = models.ForeignKey(Decision, on_delete=models.PROTECT, related_name="guardian_notices")
    guardian = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    notified_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["decision", "guardian"], name="guardian_notice_once")]

    def __str__(self) -> str:
        return f"Guardian notice {self.pk} of {self.decision_id}"
