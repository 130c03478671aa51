"""Hand-overs of a decided case: a transfer to another site or the SCA, and the turning-18 hand-over.

A transfer carries the case's whole history (referral, decisions, plan, information shared), kept
exactly as sent. At 18 the young person must consent to stay in the NRM and adult support comes
through another contract: the hand-over is tracked from a warning well ahead of the birthday.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from childnrm.accounts.models import Site
from childnrm.decisions.models import Stage
from childnrm.people.models import Child
from childnrm.referrals.models import Referral


class TransferDestination(models.TextChoices):
    SITE = "site", _("Another site's panel")
    SCA = "sca", _("The Single Competent Authority")


class CaseTransfer(models.Model):
    referral = models.ForeignKey(Referral, on_delete=models.PROTECT, related_name="transfers")
    destination = models.CharField(max_length=8, choices=TransferDestination.choices)
    from_site = models.ForeignKey(Site, on_delete=models.PROTECT, related_name="+")
    to_site = models.ForeignKey(Site, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    reason = models.TextField()
    transferred_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    transferred_at = models.DateTimeField(auto_now_add=True)
    packet = models.JSONField()  # the whole history as sent
    sha256 = models.CharField(max_length=64)

    class Meta:
        ordering = ["-transferred_at", "-id"]

    def __str__(self) -> str:
        return f"Transfer {self.pk} of {self.referral_id}"


class AdultTransition(models.Model):
    """The turning-18 hand-over of one young person: adult support and completion. Their consent to remain in
    the NRM is kept once, as `referrals.AdultConsent` rows on their case (the answer in force is the latest)."""

    child = models.OneToOneField(Child, on_delete=models.PROTECT, related_name="adult_transition")
    eighteenth_birthday = models.DateField()
    adult_support_referral_on = models.DateField(null=True, blank=True)
    adult_support_provider = models.CharField(max_length=200, blank=True)
    notes = models.TextField(blank=True)
    completed_on = models.DateField(null=True, blank=True)
    updated_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        indexes = [models.Index(fields=["eighteenth_birthday"], name="adult_transition_birthday_idx")]

    def __str__(self) -> str:
        return f"Turning 18: {self.child_id}"


class ScaOutcome(models.TextChoices):
    POSITIVE = "positive", _("Positive")
    NEGATIVE = "negative", _("Negative")


class ScaReportedDecision(models.Model):
    """The Single Competent Authority's own decision on a case handed to it (a transfer to the SCA, or a hand-off
    at triage), recorded by the sending site's coordinator when the SCA reports it: the stage (reasonable or
    conclusive grounds), the outcome and the day the SCA decided. For the pilot's evaluation, panel and SCA side
    by side.

    A recorded decision is never edited: a correction is a new row, with its reason, that replaces the one in
    force (`replaced_at`, `replaced_by`), so the record shows what was reported and what was corrected.
    """

    referral = models.ForeignKey(Referral, on_delete=models.PROTECT, related_name="sca_decisions")
    # How the case reached the SCA: the transfer, when it was transferred (None for a hand-off at triage).
    transfer = models.ForeignKey(
        CaseTransfer, on_delete=models.PROTECT, null=True, blank=True, related_name="sca_decisions"
    )
    site = models.ForeignKey(Site, on_delete=models.PROTECT, related_name="+")  # the site that handed it over
    stage = models.CharField(max_length=24, choices=Stage.choices)
    outcome = models.CharField(max_length=16, choices=ScaOutcome.choices)
    decided_on = models.DateField()  # the day the SCA decided
    reported_on = models.DateField()  # the day the SCA told the site
    correction_reason = models.TextField(blank=True)  # why this replaced the decision recorded before it
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField(auto_now_add=True)
    replaced_by = models.OneToOneField("self", on_delete=models.PROTECT, null=True, blank=True, related_name="replaces")
    replaced_at = models.DateTimeField(null=True, blank=True)  # set first: one decision in force per stage

    class Meta:
        ordering = ["referral", "stage", "-recorded_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["referral", "stage"],
                condition=models.Q(replaced_at__isnull=True),
                name="sca_decision_one_in_force_per_stage",
            ),
            models.CheckConstraint(
                condition=models.Q(reported_on__gte=models.F("decided_on")), name="sca_decision_reported_after"
            ),
        ]
        indexes = [models.Index(fields=["site", "decided_on"], name="sca_decision_site_day_idx")]

    def __str__(self) -> str:
        return f"SCA {self.stage} decision on {self.referral_id}"
