"""Whether retention has anonymised a case, or a child's whole record: the one rule every app reads before it asks,
chases or writes anything about a child (docs/retention.md; ADR 0008, amendment of 2026-12-07).

Retention anonymises a case at the end of its retention period (`retention.anonymise.case_anonymise`) and marks the
referral with the time (`Referral.anonymised_at`); the child's own record goes with the last of the child's cases.
From then on the record is kept for the site's figures, not for work: no agency is asked or chased about it, no
answer is taken, nothing is recorded, transferred or sent on, and nobody writes new words into it. Retention sits
above every stage (ADR 0005's layers, `.importlinter`), so the rule lives here, below them all, and reads only the
referrals.
"""

from __future__ import annotations

from datetime import datetime

from django.db.models import Count, Exists, Max, OuterRef, Q
from django.utils.translation import gettext

from childnrm.kit.dates import long_date
from childnrm.referrals.models import Referral


def case_anonymised(referral: Referral) -> bool:
    """Whether retention has anonymised the case (the referral as read: lock it first where a write depends on it)."""
    return referral.anonymised_at is not None


def live(path: str = "") -> Q:
    """Rows whose case is not anonymised: `path` leads from the rows to their referral ("" for referrals,
    "referral__" for a case's rows)."""
    return Q(**{f"{path}anonymised_at__isnull": True})


def child_anonymised_at(child_id: int | None) -> datetime | None:
    """When the child's own record was anonymised (with the last of the child's cases), or None while a case of the
    child is not, or the child has none."""
    if child_id is None:
        return None
    found = Referral.objects.filter(child_id=child_id).aggregate(
        cases=Count("pk"), live=Count("pk", filter=live()), last=Max("anonymised_at")
    )
    return found["last"] if found["cases"] and not found["live"] else None


def child_anonymised(child_id: int | None) -> bool:
    return child_anonymised_at(child_id) is not None


def children_anonymised() -> Q:
    """For a query of children: those whose record is anonymised (every case of theirs is)."""
    cases = Referral.objects.filter(child_id=OuterRef("pk"))
    return Q(Exists(cases.exclude(live()))) & ~Q(Exists(cases.filter(live())))


def child_record_closed(child) -> str:
    """For the people services (`people.services.CHILD_CLOSED_CHECKS`): why nothing more can be recorded about the
    child, if retention anonymised the child's record; else ""."""
    anonymised_at = child_anonymised_at(child.pk)
    return child_anonymised_message(child.reference, anonymised_at) if anonymised_at is not None else ""


def case_anonymised_message(referral: Referral) -> str:
    """Why nothing more can be done on the case, for the page that refuses it."""
    return gettext(
        "Case %(reference)s was anonymised on %(date)s, at the end of its retention period. It is kept only for the "
        "site's figures: nothing more can be asked, answered or recorded about it."
    ) % {"reference": referral.reference, "date": long_date(referral.anonymised_at)}


def child_anonymised_message(reference: str, anonymised_at: datetime | None) -> str:
    """Why nothing more can be recorded about the child, for the page that refuses it."""
    return gettext(
        "The records of child %(reference)s were anonymised on %(date)s, at the end of their retention period. They "
        "are kept only for the site's figures: nothing more can be recorded about this child."
    ) % {"reference": reference, "date": long_date(anonymised_at)}


def sent_record_anonymised_message(referral: Referral) -> str:
    """For a record kept as it was sent (a transfer's or a hand-off's packet, a decision returned to the SCA): why it
    can no longer be shown or downloaded."""
    return gettext(
        "What was sent was anonymised on %(date)s, with case %(reference)s, at the end of its retention period: it "
        "can no longer be shown or downloaded."
    ) % {"reference": referral.reference, "date": long_date(referral.anonymised_at)}
