"""The kit's tables: files chosen on a form that failed validation elsewhere, kept for a day (kit.pending), and
the counts every worker shares (kit.counters)."""

from __future__ import annotations

import secrets
from pathlib import PurePath

from django.conf import settings
from django.db import models

# Under its own folder, so the daily sweep of files no row refers to (kit.uploads) always covers it.
PENDING_FOLDER = "pending"


def pending_upload_path(instance: PendingUpload, filename: str) -> str:
    # A random name with the detected type's extension: the original name may carry personal data.
    return f"{PENDING_FOLDER}/{secrets.token_hex(16)}{PurePath(filename).suffix}"


class PendingUpload(models.Model):
    """A file a user chose on a form they have not yet sent successfully.

    Kept for its owner only, on the one form it was chosen on (`scope`, e.g. one draft referral's
    documents page) and for one question (`field_name`), until the form is sent (the app attaches the
    file and this row goes), the user removes it, or it expires and the daily clean-up deletes it.
    """

    owner = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    scope = models.CharField(max_length=200)
    field_name = models.CharField(max_length=100)
    file = models.FileField(upload_to=pending_upload_path)
    original_name = models.CharField(max_length=255)
    size = models.PositiveIntegerField()
    created_at = models.DateTimeField(auto_now_add=True)
    expires_at = models.DateTimeField(db_index=True)

    class Meta:
        indexes = [models.Index(fields=["owner", "scope"], name="kit_pending_owner_scope")]

    def __str__(self) -> str:
        return f"Pending upload {self.pk} ({self.scope})"


class SharedCount(models.Model):
    """One count every gunicorn worker and server shares (kit.counters), e.g. a user's PDFs rendering now.

    Written only by kit.counters' single statements, which keep `expires_at` from the first count: an expired row
    counts as nothing and is reused or deleted.
    """

    key = models.CharField(max_length=200, primary_key=True)
    value = models.IntegerField()
    expires_at = models.DateTimeField(db_index=True)

    def __str__(self) -> str:
        return f"{self.key}: {self.value}"
