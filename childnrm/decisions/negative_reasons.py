"""The configurable list of coded reasons for a negative decision (the Home Office's record-level NRM data
categories). A code is never deleted or renamed: a retired code stays on the decisions that used it and is
offered no more."""

from __future__ import annotations

from django.db import transaction
from django.db.models import Max
from django.utils.text import slugify

from childnrm.decisions.models import NegativeReason

# The categories of negative decision in the Home Office's record-level NRM data: the list every service
# starts with (migration decisions/0005 seeds it; administrators extend or retire codes afterwards).
HOME_OFFICE_CATEGORIES: tuple[tuple[str, str], ...] = (
    ("insufficient-information", "Insufficient information to meet the test"),
    ("act-not-met", "The act element was not met"),
    ("purpose-not-met", "The exploitative purpose element was not met"),
    ("not-credible", "The account was not found credible"),
    ("not-modern-slavery", "The exploitation found does not amount to modern slavery"),
)


def negative_reasons_ensure() -> None:
    """Put back any starting category that is missing (a database emptied and loaded again, as the demo and
    the tests do); an existing code, active or retired, is left as it is."""
    for order, (code, label) in enumerate(HOME_OFFICE_CATEGORIES, start=1):
        NegativeReason.objects.get_or_create(code=code, defaults={"label": label, "order": order})


class NegativeReasonInvalid(ValueError):
    """The code or label cannot be accepted."""


def negative_reasons_active():
    return NegativeReason.objects.filter(active=True)


def negative_reason_add(*, code: str, label: str) -> NegativeReason:
    code = (code or "").strip()
    label = (label or "").strip()
    if not code or slugify(code) != code:
        raise NegativeReasonInvalid("Enter a code of lower-case letters, digits and hyphens, like act-not-met")
    if not label:
        raise NegativeReasonInvalid("Enter the label people will read")
    with transaction.atomic():
        existing = NegativeReason.objects.select_for_update().filter(code=code).first()
        if existing is not None:
            if existing.active:
                raise NegativeReasonInvalid(f"The code {code} is already in the list")
            # Bringing back a retired code keeps its label: decisions made with it meant that.
            existing.active = True
            existing.save(update_fields=["active"])
            return existing
        top = NegativeReason.objects.aggregate(top=Max("order"))["top"] or 0
        return NegativeReason.objects.create(code=code, label=label, order=top + 1)


def negative_reason_retire(*, code: str) -> NegativeReason:
    reason = NegativeReason.objects.filter(code=(code or "").strip()).first()
    if reason is None:
        raise NegativeReasonInvalid(f"No reason has the code {code}")
    if not reason.active:
        raise NegativeReasonInvalid(f"The code {code} is already retired")
    reason.active = False
    reason.save(update_fields=["active"])
    return reason
