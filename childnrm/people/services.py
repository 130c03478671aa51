"""Writes for children's records: a coordinator's decisions on whether two records are of the same child.

Nothing is merged. Linking records says they are of the same child (a new referral of a child
already known); rejecting says they are not. Either decision can be undone. Each decision is a new
`ChildLinkDecision` row superseding the current one, so the history stays; each is audited on both
children, in the same transaction.
"""

from __future__ import annotations

from django.db import IntegrityError, transaction
from django.http import HttpRequest

from childnrm.access.policy import PURPOSES, Perm, has_perm
from childnrm.audit.services import Action, audit_record
from childnrm.people import linkage
from childnrm.people.models import Child, ChildLinkDecision, LinkStatus

PURPOSE = PURPOSES[Perm.CHILD_LINK]


class LinkDecisionError(Exception):
    """The decision cannot be recorded as asked (shown to the coordinator as it is)."""


def _ordered(a: Child, b: Child) -> tuple[Child, Child]:
    return (a, b) if a.pk < b.pk else (b, a)


def current_decision(child_a: Child, child_b: Child) -> ChildLinkDecision | None:
    """The decision on this pair now in force: the one no later decision supersedes."""
    a, b = _ordered(child_a, child_b)
    return (
        ChildLinkDecision.objects.filter(child_a=a, child_b=b, superseded_by__isnull=True)
        .select_related("decided_by")
        .first()
    )


def _lock_pair(user, child: Child, other: Child) -> tuple[Child, Child]:
    if child.pk == other.pk:
        raise LinkDecisionError("A record cannot be linked to itself.")
    for c in (child, other):
        if not has_perm(user, Perm.CHILD_LINK, c.site_id):
            raise PermissionError("Linking needs the coordinator's permission at both records' sites.")
    # Both rows locked, in id order (no deadlock between two coordinators deciding the same pair).
    locked = list(Child.objects.select_for_update().filter(pk__in=[child.pk, other.pk]).order_by("pk"))
    if len(locked) != 2:
        raise LinkDecisionError("One of the records no longer exists.")
    return locked[0], locked[1]


def _record(
    *,
    a: Child,
    b: Child,
    status: str,
    user,
    reason: str,
    supersedes: ChildLinkDecision | None,
    match: linkage.Match | None,
) -> ChildLinkDecision:
    try:
        with transaction.atomic():  # a savepoint: a constraint failure leaves the outer transaction usable
            return ChildLinkDecision.objects.create(
                child_a=a,
                child_b=b,
                status=status,
                decided_by=user,
                reason=reason.strip(),
                score=match.score if match else None,
                evidence=match.evidence_dicts() if match else [],
                supersedes=supersedes,
            )
    except IntegrityError:
        # Another request recorded a decision on this pair at the same moment (the database's guard).
        raise LinkDecisionError("A decision about these records has just been recorded. Check it below.")


def _audit(request, user, a: Child, b: Child, decision: ChildLinkDecision) -> None:
    for child, other in ((a, b), (b, a)):
        audit_record(
            request=request,
            actor=user,
            action=Action.UPDATE,
            obj=child,
            purpose=PURPOSE,
            detail={"link_decision": decision.pk, "status": decision.status, "other_child": other.pk},
        )


def child_link_decide(
    *,
    child: Child,
    other: Child,
    status: str,
    user,
    reason: str = "",
    request: HttpRequest | None = None,
) -> ChildLinkDecision:
    """Record that two records are (`linked`) or are not (`rejected`) of the same child.

    Guarded: both records are locked and the pair must have no decision in force, so a double click
    records one decision. A rejection needs a reason: it hides a possible match from later searches.
    """
    if status not in {LinkStatus.LINKED, LinkStatus.REJECTED}:
        raise ValueError(f"Not a link decision: {status}")
    if status == LinkStatus.REJECTED and not reason.strip():
        raise LinkDecisionError("Enter why these are not records of the same child.")
    with transaction.atomic():
        a, b = _lock_pair(user, child, other)
        current = current_decision(a, b)
        if current is not None and current.status != LinkStatus.UNDONE:
            raise LinkDecisionError(
                "These records are already linked."
                if current.status == LinkStatus.LINKED
                else "These records have already been marked as not the same child."
            )
        match = linkage.compare_children(a, b)
        decision = _record(a=a, b=b, status=status, user=user, reason=reason, supersedes=current, match=match)
        _audit(request, user, a, b, decision)
    return decision


def child_link_undo(
    *,
    child: Child,
    other: Child,
    user,
    reason: str,
    request: HttpRequest | None = None,
) -> ChildLinkDecision:
    """Undo the decision in force on a pair: a new "undone" row; the pair can be decided afresh."""
    if not reason.strip():
        raise LinkDecisionError("Enter why you are undoing this decision.")
    with transaction.atomic():
        a, b = _lock_pair(user, child, other)
        current = current_decision(a, b)
        if current is None or current.status == LinkStatus.UNDONE:
            raise LinkDecisionError("There is no decision about these records to undo.")
        decision = _record(a=a, b=b, status=LinkStatus.UNDONE, user=user, reason=reason, supersedes=current, match=None)
        _audit(request, user, a, b, decision)
    return decision
