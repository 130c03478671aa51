"""The records of a child's case, for the two guards that decide each of them: what a transfer's packet carries or
leaves out (`test_transfer_nothing_lost`), and what anonymisation clears or keeps
(`retention.tests.test_anonymise_every_field`). A model another app hangs on the child or a case fails both until
someone decides it."""

from __future__ import annotations

from django.apps import apps
from django.db import models

from childnrm.people.models import Child
from childnrm.referrals.models import Referral


def linked_models() -> list[type[models.Model]]:
    """Every model of the service linked to a referral or a child, directly or through another such model."""
    linked: set[type[models.Model]] = {Referral, Child}
    grew = True
    while grew:
        grew = False
        for model in apps.get_models():
            if model in linked or not model.__module__.startswith("childnrm."):
                continue
            if any(isinstance(f, models.ForeignKey) and f.related_model in linked for f in model._meta.concrete_fields):
                linked.add(model)
                grew = True
    return sorted(linked, key=lambda m: m._meta.label)
