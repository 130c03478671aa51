"""Retention: each site's schedule, the records past their date waiting for the DPO, and legal holds."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from childnrm.accounts.models import Site
from childnrm.people.models import Child
from childnrm.referrals.models import Referral
from childnrm.retention.schedule import RecordType, RuleBasis


class RetentionRule(models.Model):
    """A site's own rule for one record type, replacing the default (schedule.DEFAULTS)."""

    site = models.ForeignKey(Site, on_delete=models.CASCADE, related_name="retention_rules")
    record_type = models.CharField(max_length=32, choices=RecordType.choices)
    basis = models.CharField(max_length=24, choices=RuleBasis.choices)
    years = models.PositiveSmallIntegerField()
    updated_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["site", "record_type"], name="retention_rule_once")]

    def __str__(self) -> str:
        return f"{self.site_id}: {self.record_type} {self.basis} {self.years}"


class ItemStatus(models.TextChoices):
    LISTED = "listed", _("Waiting for approval")
    ANONYMISED = "anonymised", _("Anonymised")


class RetentionItem(models.Model):
    """A record (a case, or one part of it) past its retention date, on the DPO's list.

    Approval and anonymisation happen together, in one transaction, so an approved item that was not
    anonymised cannot exist. An anonymised item is kept as the record that it was done.
    """

    site = models.ForeignKey(Site, on_delete=models.PROTECT, related_name="retention_items")
    record_type = models.CharField(max_length=32, choices=RecordType.choices)
    referral = models.ForeignKey(Referral, on_delete=models.PROTECT, related_name="retention_items")
    child = models.ForeignKey(Child, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    closed_on = models.DateField()
    due_on = models.DateField()
    rule = models.CharField(max_length=100)  # the rule as described when listed
    status = models.CharField(max_length=16, choices=ItemStatus.choices, default=ItemStatus.LISTED)
    listed_on = models.DateField()
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    approved_at = models.DateTimeField(null=True, blank=True)
    anonymised_at = models.DateTimeField(null=True, blank=True)
    # Counts of what was cleared (documents deleted, rows cleared): numbers only.
    summary = models.JSONField(default=dict, blank=True)

    class Meta:
        ordering = ["due_on", "id"]
        constraints = [
            models.UniqueConstraint(fields=["referral", "record_type"], name="retention_item_once"),
        ]
        indexes = [models.Index(fields=["site", "status", "due_on"], name="retention_item_list_idx")]

    def __str__(self) -> str:
        return f"{self.record_type} of {self.referral_id}: {self.status}"


class LegalHold(models.Model):
    """A legal hold on a child's records (litigation, an inquiry, a police investigation): nothing of
    the child's cases is anonymised while a hold is in place. Lifting keeps the row."""

    child = models.ForeignKey(Child, on_delete=models.PROTECT, related_name="legal_holds")
    site = models.ForeignKey(Site, on_delete=models.PROTECT, related_name="legal_holds")
    reason = models.TextField()
    placed_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    placed_at = models.DateTimeField(auto_now_add=True)
    lifted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    lifted_at = models.DateTimeField(null=True, blank=True)
    lift_reason = models.TextField(blank=True)

    class Meta:
        ordering = ["-placed_at", "-id"]
        indexes = [models.Index(fields=["child", "lifted_at"], name="legal_hold_child_idx")]

    def __str__(self) -> str:
        return f"Hold {self.pk} on {self.child_id}"

    @property
    def active(self) -> bool:
        return self.lifted_at is None
