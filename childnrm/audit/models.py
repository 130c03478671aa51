"""The audit trail: append-only, hash-chained events."""

from __future__ import annotations

from django.conf import settings
from django.db import models


class AuditEvent(models.Model):
    """One thing someone did (or tried to do) to a record.

    `seq` orders the chain; `hash` is an HMAC over this event's fields and the previous event's
    hash, so an edited, deleted or inserted event breaks the chain (see `audit_verify`).
    Actor and organisation are kept as plain ids: the trail must outlive the accounts it names.
    """

    seq = models.BigIntegerField(db_index=True)
    occurred_at = models.DateTimeField()
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.DO_NOTHING, db_constraint=False, null=True, related_name="+"
    )
    organisation_id = models.BigIntegerField(null=True)
    site_id = models.BigIntegerField(null=True)
    role = models.CharField(max_length=200, blank=True)
    action = models.CharField(max_length=64)
    object_type = models.CharField(max_length=64, blank=True)
    object_id = models.CharField(max_length=64, blank=True)
    purpose = models.CharField(max_length=200, blank=True)
    ip = models.GenericIPAddressField(null=True)
    # Field names and opaque ids only: never the personal data itself.
    detail = models.JSONField(default=dict, blank=True)
    prev_hash = models.CharField(max_length=64)
    hash = models.CharField(max_length=64)

    class Meta:
        indexes = [
            models.Index(fields=["object_type", "object_id", "-seq"], name="audit_object_idx"),
            models.Index(fields=["actor", "-seq"], name="audit_actor_idx"),
        ]

    def __str__(self) -> str:
        return f"#{self.seq} {self.action} {self.object_type}:{self.object_id}"
