"""The audit trail: append-only, hash-chained events."""

from __future__ import annotations

from django.conf import settings
from django.db import models


class AuditEvent(models.Model):
    """One thing someone did (or tried to do) to a record.

    `seq` orders the trail (unique; taken from a sequence when the event is written, so it may have gaps
    where a transaction rolled back); `hash` is an HMAC over this event's fields, `seq` included. The
    sealer then puts events into `AuditSeal` batches (ADR 0012); `audit_verify` checks both.
    Actor and organisation are kept as plain ids: the trail must outlive the accounts it names.
    """

    seq = models.BigIntegerField(unique=True)
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


class AuditSeal(models.Model):
    """One sealed batch of audit events: a Merkle root over its events, chained to the previous seal.

    `runs` lists the seqs sealed here as [first, last] ranges. The batch covers the new range
    (`first_seq`..`last_seq`); a run below `first_seq` holds events that committed after an earlier
    seal had passed their seq (a transaction still open then). `hash` is an HMAC over all of it and
    the previous seal's hash, so the newest seal's hash (the anchor) stands for the whole trail.
    """

    number = models.PositiveBigIntegerField(unique=True)
    sealed_at = models.DateTimeField()
    first_seq = models.BigIntegerField()
    last_seq = models.BigIntegerField()
    runs = models.JSONField(default=list)
    # Runs of seqs in first_seq..last_seq not sealed here (rolled back, or committed after this seal):
    # where the sealer looks for late events. Derived from the rest, so not part of `hash`.
    holes = models.JSONField(default=list)
    count = models.PositiveIntegerField()
    root = models.CharField(max_length=64)
    prev_hash = models.CharField(max_length=64)
    hash = models.CharField(max_length=64)

    def __str__(self) -> str:
        return f"seal {self.number}: events {self.first_seq}-{self.last_seq} ({self.count})"
