"""Reviewing the national sweep's pairs at two sites (issue 15; ADR 0029, amendment 2).

The coordinator of each site records, per pair, what they found: that they have contacted the other site, that
the two records are of the same child (a link across sites both coordinators see, still without the other site's
record) or that they are not (the pair is never offered again: a later sweep leaves it out). Each outcome needs a
reason and keeps who and when; the latest sets the pair's status. The other site's coordinators see the outcome,
who and when, never the reason. Every read and write is audited on both children.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from django.db import transaction
from django.db.models import F, Q, QuerySet
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from childnrm.access.policy import PURPOSES, Perm, has_perm, sites_where
from childnrm.accounts.models import Membership, Role
from childnrm.audit.context import AuditContext
from childnrm.audit.services import Action, audit_record
from childnrm.kit.errors import ServiceError
from childnrm.people.models import (
    Child,
    NationalLinkPair,
    NationalLinkReview,
    NationalReviewOutcome,
    NationalReviewStatus,
)
from childnrm.people.services import child_record_closed_refused, closed_children

PURPOSE = PURPOSES[Perm.CHILD_LINK]
STILL_OPEN = (NationalReviewStatus.OPEN, NationalReviewStatus.CONTACTED)
DECIDED = (NationalReviewStatus.SAME_CHILD, NationalReviewStatus.NOT_SAME_CHILD)


class NationalReviewError(ServiceError):
    """The outcome cannot be recorded as asked (shown to the coordinator as it is)."""


@dataclass(frozen=True)
class PairShown:
    """A pair as its pages show it: its address, status and latest review (outcome, who, which site, when)."""

    key: str
    status: str
    status_label: str
    review: NationalLinkReview | None

    @classmethod
    def of(cls, pair: NationalLinkPair, review: NationalLinkReview | None) -> PairShown:
        return cls(pair.key, pair.status, str(pair.get_status_display()), review)


def coordinator_contacts(site_ids: list[int]) -> dict[int, list[tuple[str, str]]]:
    """(name, email) of each site's active coordinators, by site."""
    contacts: dict[int, list[tuple[str, str]]] = {}
    memberships = (
        Membership.objects.filter(site_id__in=site_ids, role=Role.COORDINATOR, active=True, user__is_active=True)
        .select_related("user")
        .order_by("user__email")
    )
    for m in memberships:
        contacts.setdefault(m.site_id, []).append((m.user.full_name or m.user.email, m.user.email))
    return contacts


def latest_reviews(pairs: list[NationalLinkPair]) -> dict[int, NationalLinkReview]:
    """The latest review of each pair that has one."""
    latest: dict[int, NationalLinkReview] = {}
    reviews = (
        NationalLinkReview.objects.filter(pair__in=pairs)
        .select_related("recorded_by", "site")
        .order_by("-recorded_at", "-id")
    )
    for review in reviews:
        latest.setdefault(review.pair_id, review)
    return latest


def pair_get_for_review(user, child: Child, key: str) -> NationalLinkPair:
    """The pair `key` of `child` (a record the user may link, see `linkage.child_get_for_linking`) at two sites.

    404 for a pair of another child, and for a pair neither still found by the latest sweep nor decided.
    """
    pair = (
        NationalLinkPair.objects.filter(key=key)
        .filter(Q(child_a=child) | Q(child_b=child))
        .filter(Q(sweep__isnull=False) | Q(status__in=DECIDED))
        .first()
    )
    if pair is None or not has_perm(user, Perm.CHILD_LINK, child.site_id):
        raise Http404
    other_site = Child.objects.filter(pk=pair.other_id(child)).values_list("site_id", flat=True).first()
    if other_site is None or other_site == child.site_id:
        raise Http404
    return pair


def history(pair: NationalLinkPair) -> list[NationalLinkReview]:
    return list(pair.reviews.select_related("recorded_by", "site").order_by("-recorded_at", "-id"))


def review_record(
    *,
    pair: NationalLinkPair,
    child: Child,
    outcome: str,
    reason: str,
    user,
    audit: AuditContext | None = None,
) -> NationalLinkReview:
    """Record a coordinator's outcome on a pair, from `child` (the record at their site).

    Needs the coordinator's permission at `child`'s site and a reason. An outcome already in force is not
    recorded twice (a double click, or the other site's coordinator deciding the same at the same moment);
    "contacted" may be recorded by each site, but not once the pair is decided.
    """
    if outcome not in NationalReviewOutcome.values:
        raise NationalReviewError(str(_("Choose what you found")), field="outcome")
    reason = reason.strip()
    if not reason:
        raise NationalReviewError(str(_("Enter the reason for what you found")), field="reason")
    if not has_perm(user, Perm.CHILD_LINK, child.site_id):
        raise PermissionError("Reviewing a pair needs the coordinator's permission at the child's site.")
    with transaction.atomic():
        locked = NationalLinkPair.objects.select_for_update().get(pk=pair.pk)
        if child.pk not in (locked.child_a_id, locked.child_b_id):
            raise PermissionError("The child is not one of the pair.")
        # Neither record may be anonymised: an outcome is something new recorded about both children.
        both = Child.objects.filter(pk__in=(locked.child_a_id, locked.child_b_id))
        child_record_closed_refused(*both, error=NationalReviewError)
        if outcome == locked.status and outcome != NationalReviewStatus.CONTACTED:
            raise NationalReviewError(
                str(
                    _("These records are already confirmed as the same child")
                    if outcome == NationalReviewStatus.SAME_CHILD
                    else _("These records are already recorded as not the same child")
                ),
                field="outcome",
            )
        if outcome == NationalReviewStatus.CONTACTED and locked.status in DECIDED:
            raise NationalReviewError(
                str(_("This pair is already decided: record whether it is the same child instead")), field="outcome"
            )
        review = NationalLinkReview.objects.create(
            pair=locked,
            child=child,
            site_id=child.site_id,
            outcome=outcome,
            reason=reason,
            recorded_by=user,
            recorded_at=timezone.now(),
        )
        previous = locked.status
        locked.status = outcome
        locked.save(update_fields=["status"])
        other = Child.objects.get(pk=locked.other_id(child))
        detail = {"page": "national-review", "pair": locked.pk, "outcome": outcome, "previous": previous}
        audit_record(context=audit, actor=user, action=Action.UPDATE, obj=child, purpose=PURPOSE, detail=detail)
        # The other site's record is not shown or changed, but its pair's status is: that site sees it in its trail.
        audit_record(
            context=audit,
            actor=user,
            action=Action.UPDATE,
            obj=other,
            purpose=PURPOSE,
            detail={**detail, "for_child": child.pk},
        )
    pair.status = outcome
    return review


def audit_pair_view(audit: AuditContext, child: Child, pair: NationalLinkPair) -> None:
    """The review page shows this child's record and tells of the other: each is a view."""
    audit_record(
        context=audit,
        action=Action.VIEW,
        obj=child,
        purpose=PURPOSE,
        detail={"page": "national-review", "pair": pair.pk},
    )
    audit_record(
        context=audit,
        action=Action.VIEW,
        obj=Child.objects.get(pk=pair.other_id(child)),
        purpose=PURPOSE,
        detail={
            "page": "national-review",
            "pair": pair.pk,
            "for_child": child.pk,
            "disclosed": "site and coordinator contact",
        },
    )


@dataclass(frozen=True)
class QueueRow:
    """One open pair in a coordinator's queue: their site's record, the other site, the pair's status."""

    child: Child  # the record at the coordinator's site
    other_site_name: str
    other_child_id: int  # for the audit trail only: never shown
    other_site_id: int
    pair: PairShown
    first_found_at: datetime


def open_pairs_for(user) -> QuerySet[NationalLinkPair]:
    """Pairs still found by the latest sweep and not decided, with a record at a site where the user links
    records: newest first, then the likeliest."""
    site_ids = sites_where(user, Perm.CHILD_LINK)
    return (
        NationalLinkPair.objects.filter(sweep__isnull=False, status__in=STILL_OPEN)
        .filter(Q(child_a__site_id__in=site_ids) | Q(child_b__site_id__in=site_ids))
        .exclude(child_a__site_id=F("child_b__site_id"))
        # A pair with an anonymised record takes no outcome (review_record refuses it): not left in the queue for good.
        .exclude(Q(child_a__in=closed_children().values("pk")) | Q(child_b__in=closed_children().values("pk")))
        .order_by("-first_found_at", "-match_probability", "id")
    )


def queue_rows(user, pairs: list[NationalLinkPair]) -> list[QueueRow]:
    """The page's rows: for each pair, the record at the user's site (the first, if both are theirs)."""
    site_ids = set(sites_where(user, Perm.CHILD_LINK))
    children = Child.objects.select_related("site").in_bulk({c for p in pairs for c in (p.child_a_id, p.child_b_id)})
    latest = latest_reviews(pairs)
    rows = []
    for pair in pairs:
        a, b = children[pair.child_a_id], children[pair.child_b_id]
        ours, other = (a, b) if a.site_id in site_ids else (b, a)
        rows.append(
            QueueRow(
                child=ours,
                other_site_name=other.site.display_name,
                other_child_id=other.pk,
                other_site_id=other.site_id,
                pair=PairShown.of(pair, latest.get(pair.pk)),
                first_found_at=pair.first_found_at,
            )
        )
    return rows
