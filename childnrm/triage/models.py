"""Triage: the eligibility engine's outcome for a referral, the coordinator's confirmation, and any onward referral.

The tables were made by the referrals app (its migrations 0001 and 0003) and keep their names: this app took
the models over without moving a row (triage migration 0001, referrals migration 0009).
"""

from __future__ import annotations

from django.conf import settings
from django.db import models

from childnrm.accounts.models import Site
from childnrm.referrals.models import Referral


class TriageOutcome(models.TextChoices):
    # Not translated: these labels are read only by the case packet and the API, which stay English. Pages
    # word the outcome themselves (triage.forms, triage.views, the triage page).
    PANEL = "panel", "This site's panel decides"
    OTHER_SITE = "other_site", "Another site's panel decides"
    SCA = "sca", "The Single Competent Authority decides"


class TriageAssessment(models.Model):
    """The eligibility engine's outcome for a referral, then the coordinator's confirmation or override."""

    referral = models.ForeignKey(Referral, on_delete=models.CASCADE, related_name="triage_assessments")
    outcome = models.CharField(max_length=16, choices=TriageOutcome.choices)
    target_site = models.ForeignKey(Site, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    reasons = models.JSONField(default=list)  # plain-English reasons, one per rule applied
    rules_version = models.CharField(max_length=20)
    assessed_at = models.DateTimeField(auto_now_add=True)
    # The coordinator's decision on the engine's outcome
    confirmed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    confirmed_at = models.DateTimeField(null=True, blank=True)
    final_outcome = models.CharField(max_length=16, choices=TriageOutcome.choices, blank=True)
    final_site = models.ForeignKey(Site, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    override_reason = models.TextField(blank=True)

    class Meta:
        db_table = "referrals_triageassessment"
        ordering = ["-assessed_at", "-id"]

    def __str__(self) -> str:
        return f"Triage of {self.referral_id}: {self.outcome}"

    @property
    def overridden(self) -> bool:
        return bool(self.final_outcome) and (
            self.final_outcome != self.outcome or self.final_site_id != self.target_site_id
        )


class OnwardReferral(models.Model):
    """A referral sent on at triage, to the SCA or to another site's panel, with its case packet: exactly
    what was sent, by whom and when. (Not a hand-over: `handovers` moves a case after the panel has decided.)

    The packet is kept as sent (never edited), so a later download gives the receiver's copy.
    """

    referral = models.ForeignKey(Referral, on_delete=models.PROTECT, related_name="onward_referrals")
    outcome = models.CharField(max_length=16, choices=TriageOutcome.choices)
    from_site = models.ForeignKey(Site, on_delete=models.PROTECT, related_name="+")
    to_site = models.ForeignKey(Site, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    produced_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    produced_at = models.DateTimeField(auto_now_add=True)
    packet = models.JSONField()
    sha256 = models.CharField(max_length=64)  # of the packet's canonical JSON, as downloaded

    class Meta:
        db_table = "referrals_handoff"
        ordering = ["-produced_at", "-id"]

    def __str__(self) -> str:
        return f"Onward referral {self.pk} of {self.referral_id}"
