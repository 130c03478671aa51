"""Reads of the audit trail."""

from __future__ import annotations

from django.db import models
from django.db.models import QuerySet

from childnrm.audit.models import AuditEvent


def events_for_object(obj: models.Model) -> QuerySet[AuditEvent]:
    """Who has seen or changed this record, newest first (uses the object index)."""
    return (
        AuditEvent.objects.filter(object_type=obj._meta.label_lower, object_id=str(obj.pk))
        .select_related("actor", "actor__organisation")
        .order_by("-seq")
    )
