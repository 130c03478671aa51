"""Children the service holds records about, and the people associated with each child."""

from __future__ import annotations

import secrets

from django.conf import settings
from django.db import models

from childnrm.accounts.models import Organisation, Site

# Unambiguous characters: a reference is read out on the phone and copied into letters.
_REFERENCE_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"


def new_child_reference() -> str:
    return "CH-" + "".join(secrets.choice(_REFERENCE_ALPHABET) for _ in range(8))


class Sex(models.TextChoices):
    FEMALE = "female", "Female"
    MALE = "male", "Male"
    NOT_KNOWN = "not_known", "Not known"


class Child(models.Model):
    """One child. Duplicate records of the same child are linked, never merged."""

    reference = models.CharField(max_length=12, unique=True, default=new_child_reference, editable=False)
    site = models.ForeignKey(Site, on_delete=models.PROTECT, related_name="children")
    given_names = models.CharField(max_length=200)
    family_name = models.CharField(max_length=200, blank=True)
    date_of_birth = models.DateField(null=True, blank=True)
    date_of_birth_estimated = models.BooleanField(default=False)
    sex = models.CharField(max_length=16, choices=Sex.choices, default=Sex.NOT_KNOWN)
    # ISO 3166-1 alpha-2 codes; a child may hold several nationalities.
    nationalities = models.JSONField(default=list, blank=True)
    local_authority = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, null=True, blank=True, related_name="resident_children"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["family_name", "given_names"]
        indexes = [
            models.Index(fields=["site", "family_name", "given_names"]),
            models.Index(fields=["site", "created_at"]),
        ]
        verbose_name_plural = "children"

    def __str__(self) -> str:
        return self.reference

    @property
    def display_name(self) -> str:
        return " ".join(p for p in (self.given_names, self.family_name) if p)


class AssociationKind(models.TextChoices):
    """Why a user is connected to one child's record (the 'cases I am associated with' basis)."""

    REFERRER = "referrer", "Referrer"
    ICTG = "ictg", "Allocated guardian (ICTG)"
    LEAD_SOCIAL_WORKER = "lead_social_worker", "Lead social worker"


class ChildAssociation(models.Model):
    child = models.ForeignKey(Child, on_delete=models.CASCADE, related_name="associations")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="child_associations")
    kind = models.CharField(max_length=32, choices=AssociationKind.choices)
    starts_at = models.DateTimeField(auto_now_add=True)
    ends_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["child", "user", "kind"], name="child_association_unique"),
        ]
        indexes = [models.Index(fields=["user", "kind"])]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} of {self.child_id}"
