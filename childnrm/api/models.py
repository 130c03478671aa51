"""Integration API: per-organisation tokens and the idempotency records of submissions."""

from __future__ import annotations

from django.conf import settings
from django.db import models

from childnrm.accounts.models import Organisation


class Scope(models.TextChoices):
    SUBMIT_REFERRALS = "referrals:submit", "Submit referrals"
    READ_STATUS = "referrals:read", "Read the status of the organisation's referrals"


def default_scopes() -> list[str]:
    return [Scope.SUBMIT_REFERRALS.value, Scope.READ_STATUS.value]


class ApiToken(models.Model):
    """A bearer token for one organisation's system. Only a hash of the secret is kept.

    The token is `cnrm_<prefix>_<secret>`: the prefix finds the row, the SHA-256 of the whole
    token is compared in constant time. The secret is shown once, when the token is created.
    """

    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="api_tokens")
    name = models.CharField(max_length=100, help_text="What the token is for, e.g. 'Case management system'")
    prefix = models.CharField(max_length=16, unique=True)
    token_hash = models.CharField(max_length=64)
    scopes = models.JSONField(default=default_scopes)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    last_used_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["organisation", "name"]

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix})"

    @property
    def active(self) -> bool:
        return self.revoked_at is None

    def allows(self, scope: str) -> bool:
        return scope in (self.scopes or [])


class IdempotencyRecord(models.Model):
    """The first answer to a request made with an `Idempotency-Key`, replayed for any retry.

    The unique constraint is what stops two concurrent retries from both creating a referral:
    the second insert fails and the request answers with the first one's response instead.
    """

    token = models.ForeignKey(ApiToken, on_delete=models.CASCADE, related_name="idempotency_records")
    key = models.CharField(max_length=255)
    # SHA-256 of the operation and the request body (canonical JSON): a reused key with another body is refused.
    request_hash = models.CharField(max_length=64)
    status_code = models.PositiveSmallIntegerField()
    response_body = models.JSONField(default=dict)
    referral = models.ForeignKey(
        "referrals.Referral", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["token", "key"], name="api_idempotency_token_key")]

    def __str__(self) -> str:
        return f"Idempotency record {self.pk}"
