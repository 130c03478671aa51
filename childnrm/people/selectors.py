"""Scoped reads of children's records: the only way views reach them."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import datetime
from itertools import pairwise
from typing import Any

from django.core.paginator import Page
from django.db.models import Exists, OuterRef, Q, QuerySet
from django.http import Http404

from childnrm.access.policy import Perm, sites_where
from childnrm.access.roles import Role
from childnrm.access.scoped import get_in_scope
from childnrm.accounts.models import Membership, User
from childnrm.kit import prepared
from childnrm.kit.groups import groups_of
from childnrm.kit.pagination import NearerEndPaginator
from childnrm.people.models import (
    AssociationKind,
    Child,
    ChildAssociation,
    ChildLinkDecision,
    LeadSocialWorker,
    LinkStatus,
    NationalLinkPair,
    NationalLinkReview,
    NationalReviewStatus,
    SocialWorkerSource,
)

# The associations that open a child's record to its holder: the allocated guardian and the lead social worker.
# Being named a child's referrer is not one of them: a referrer reaches the children of the referrals they
# actually sent (below), and nothing else, whatever other record names them (domain.md: "only their own referrals").
OPENING_ASSOCIATIONS = (AssociationKind.ICTG, AssociationKind.LEAD_SOCIAL_WORKER)

# The roles a child's social worker holds at the child's site (access.policy): a local authority's social worker
# refers as a first responder, or sits on the panel for children's social care (ADR 0002, amendment 1).
SOCIAL_WORKER_ROLES = frozenset({Role.FIRST_RESPONDER, Role.PANEL_MEMBER})
# The role(s) an association's holder must hold at the child's site for it to count (ADR 0002, amendment 2).
ASSOCIATION_ROLES: dict[str, frozenset[str]] = {
    AssociationKind.ICTG: frozenset({Role.ICTG}),
    AssociationKind.LEAD_SOCIAL_WORKER: SOCIAL_WORKER_ROLES,
}


def associations_in_force(kinds: Iterable[str] = OPENING_ASSOCIATIONS) -> Q:
    """A filter of `ChildAssociation` rows that count now: not ended, of one of `kinds`, and held by an active user
    who holds the kind's role (`ASSOCIATION_ROLES`) at the child's site, an active one. A guardian whose role there
    ends, or a social worker who leaves, is no longer the child's: the record closes to them, and the child has no
    guardian until one is allocated again. The one rule for opening the record (`children_visible_to`), gathering
    the child's feedback, outcome follow-up and the dashboard's children without a guardian (as
    letters.services.guardians_of)."""
    held = Q()
    for kind in kinds:
        holds_role = Membership.objects.filter(
            user_id=OuterRef("user_id"),
            site_id=OuterRef("child__site_id"),
            site__active=True,
            active=True,
            role__in=sorted(ASSOCIATION_ROLES[kind]),  # sorted: the same SQL in every process
        )
        held |= Q(kind=kind) & Q(Exists(holds_role))
    return Q(ends_at__isnull=True, user__is_active=True) & held


def children_visible_to(user) -> QuerySet[Child]:
    """All children of sites where the user sees every case, children they are the guardian or lead social
    worker of (`associations_in_force`), and the children of the referrals they sent."""
    if not getattr(user, "is_authenticated", False):
        return Child.objects.none()
    site_wide = sites_where(user, Perm.CHILD_VIEW_SITE)
    associated_sites = sites_where(user, Perm.CHILD_VIEW_ASSOCIATED)
    scope = Q(site_id__in=site_wide)
    if associated_sites:
        association = ChildAssociation.objects.filter(associations_in_force(), child=OuterRef("pk"), user=user)
        scope |= Q(Exists(association), site_id__in=associated_sites)
    referrer_sites = sites_where(user, Perm.REFERRAL_VIEW_OWN)
    referrer = bool(referrer_sites)
    if referrer:
        # Through the referrals' reverse relation (people sits below referrals): a draft has no child yet, so
        # every child found is of a referral the user sent. Only while a site of theirs holds the record: a case
        # transferred away is the receiving site's (their referral, its progress and letter stay theirs).
        own = Child.objects.filter(referrals__created_by=user).values("pk")
        scope |= Q(pk__in=own, site_id__in=referrer_sites)
    if not site_wide and not associated_sites and not referrer:
        return Child.objects.none()
    return Child.objects.filter(scope)


# The children list's order, newest first: ending with the id, a total order (`kit.pagination.NearerEndPaginator`).
CHILD_LIST_ORDER = ("-created_at", "-id")


def children_found(children: QuerySet[Child], query: str) -> QuerySet[Child]:
    """The children a search box's words find: a child's or a referral's reference exactly (any case), otherwise
    every word in the given or family names (so "amir kh" finds Amir Khalil)."""
    words = query.split()
    if not words:
        return children
    if len(words) == 1 and _CHILD_REFERENCE.match(words[0].upper()):
        return children.filter(reference=words[0].upper())
    if len(words) == 1 and _REFERRAL_REFERENCE.match(words[0].upper()):
        # Through the referrals' reverse relation: people sits below referrals (.importlinter).
        return children.filter(pk__in=Child.objects.filter(referrals__reference=words[0].upper()).values("pk"))
    for word in words:
        children = children.filter(Q(given_names__icontains=word) | Q(family_name__icontains=word))
    return children


_CHILD_REFERENCE = re.compile(r"^CH-[A-Z0-9]{8}$")
_REFERRAL_REFERENCE = re.compile(r"^NRM-[A-Z0-9]{8}$")


def child_list_page(user, number: str | int | None, per_page: int, *, query: str = "") -> Page[Child]:
    """A page of the children the user sees (those `query` finds, if given), newest first (`CHILD_LIST_ORDER`),
    with each child's site.

    The page's ids first, read from the nearer end of the list; for the children of the user's site the index on
    (site, created_at, id) alone answers, so a deep page steps over index entries rather than rows. Then just the
    page's children, by id, put in the page's order.
    """
    ids = children_found(children_visible_to(user), query).order_by(*CHILD_LIST_ORDER).values_list("pk", flat=True)
    page: Page[Any] = NearerEndPaginator(ids, per_page).get_page(number)  # a page of ids, then of their children
    found = Child.objects.select_related("site").order_by().in_bulk(list(page.object_list))
    page.object_list = [found[pk] for pk in page.object_list if pk in found]
    return page


def child_get(user, reference: str) -> Child:
    """The child with this reference if the user may see it; otherwise 404, as if it did not exist.

    A child of a site where the user sees every case is found without the rest of children_visible_to's
    scope (its subqueries), by a statement compiled once (`get_in_scope`); any other child through the whole scope.
    """
    return get_in_scope(
        Child,
        lambda: children_visible_to(user),
        sites=sites_where(user, Perm.CHILD_VIEW_SITE) if getattr(user, "is_authenticated", False) else [],
        site_field="site_id",
        related=("site", "local_authority"),
        reference=reference,
    )


def referrals_of_child(child: Child, *, made_by=None) -> list:
    """The child's referrals (never a draft; only those `made_by` sent, when given), newest first, with only the
    columns the child's page shows (a referral has some sixty). Compiled once (kit.prepared). Through the reverse
    relation: people sits below referrals."""
    referral = Child._meta.get_field("referrals").related_model

    def shown(rows: QuerySet) -> QuerySet:
        # The child's id too: the child is set on each (as `child.referrals` does) without a query for it.
        return (
            rows.exclude(status="draft")
            .only("reference", "status", "submitted_at", "child_id")
            .order_by("-submitted_at")
        )

    if made_by is None:
        found = prepared.rows(
            referral, ("people:referrals",), lambda pk: shown(referral.objects.filter(child_id=pk)), child.pk
        )
    else:
        found = prepared.rows(
            referral,
            ("people:own-referrals",),
            lambda pk, user_pk: shown(referral.objects.filter(child_id=pk, created_by_id=user_pk)),
            child.pk,
            made_by.pk,
        )
    for row in found:
        row.child = child
    return found


def child_get_for_audit(user, reference: str) -> Child:
    child = Child.objects.filter(site_id__in=sites_where(user, Perm.CHILD_AUDIT_VIEW), reference=reference).first()
    if child is None:
        raise Http404
    return child


def linked_groups() -> dict[int, int]:
    """Every record linked to another as the same child (directly or through others, ADR 0034), mapped to the lowest
    id of its group: one id per child for counting children, not records (statistics, evaluation extracts). Every
    link in force is read, whatever the site, since a chain can pass through a record another site holds; one query,
    as links are few beside children."""
    return groups_of(
        ChildLinkDecision.objects.filter(status=LinkStatus.LINKED, superseded_by__isnull=True).values_list(
            "child_a_id", "child_b_id"
        )
    )


def settled_pair_test() -> Callable[[int, int], bool]:
    """Whether two records' relation is settled by coordinators' decisions in force, for many pairs at once (the
    national sweep's): both in one linked group, or their groups holding a pair marked not the same child. The
    rule of `settled_ids`, read in two queries whatever the number of pairs."""
    group_of = linked_groups()
    rejected = {
        frozenset((group_of.get(a, a), group_of.get(b, b)))
        for a, b in ChildLinkDecision.objects.filter(
            status=LinkStatus.REJECTED, superseded_by__isnull=True
        ).values_list("child_a_id", "child_b_id")
    }

    def settled(a: int, b: int) -> bool:
        ga, gb = group_of.get(a, a), group_of.get(b, b)
        return ga == gb or frozenset((ga, gb)) in rejected

    return settled


def linked_child_ids(child_id: int) -> set[int]:
    """This child's record and every record linked to it as the same child, directly or through others."""
    return {child_id, *linked_group(child_id)}


def linked_group(child_id: int, *, direct: set[int] | None = None) -> dict[int, set[int]]:
    """Every other record linked to this child's as the same child, directly or through others (ADR 0034): each
    record's id mapped to the records of its chains linked directly to this child's (a record linked directly: to
    itself).

    Links in force only (a "linked" decision no later decision supersedes). A link is a relation
    between two records of one child, so the records form groups: A with B and B with C make one child.
    `direct`: the records linked directly, when the caller has read them (the first step is then not read again).
    """
    return _chains({child_id}, first=direct)


def _chains(starts: set[int], *, first: set[int] | None = None) -> dict[int, set[int]]:
    """The records reached from `starts` through links in force, each mapped to the records next to a start its
    chains pass through (`first`: those next to the starts, if known). Read a step at a time, one query a step."""
    first_steps: dict[int, set[int]] = {x: {x} for x in first or ()}
    reached = set(starts) | set(first_steps)
    frontier = set(first_steps) if first is not None else set(starts)
    while frontier:
        pairs = ChildLinkDecision.objects.filter(
            Q(child_a_id__in=frontier) | Q(child_b_id__in=frontier),
            status=LinkStatus.LINKED,
            superseded_by__isnull=True,
        ).values_list("child_a_id", "child_b_id")
        step: set[int] = set()
        for a, b in pairs:
            for near, far in ((a, b), (b, a)):
                if near in frontier and far not in reached:
                    step.add(far)
                    first_steps.setdefault(far, set()).update({far} if near in starts else first_steps[near])
        reached |= step
        frontier = step
    return first_steps


def settled_ids(child_id: int) -> set[int]:
    """Records whose relation to this child's is settled by decisions in force, so not to be offered as possible
    matches: those linked to it (directly or through others), and every record of a group marked "not the same
    child" as a record of its group (ADR 0034)."""
    group = linked_child_ids(child_id)
    rejected = ChildLinkDecision.objects.filter(
        Q(child_a_id__in=group) | Q(child_b_id__in=group), status=LinkStatus.REJECTED, superseded_by__isnull=True
    ).values_list("child_a_id", "child_b_id")
    others = {x for pair in rejected for x in pair} - group
    return (group | others | set(_chains(others) if others else ())) - {child_id}


def settled_through_others(child_id: int) -> set[int]:
    """`settled_ids` less the records decided on directly with this one: the records a kept possible earlier record
    of this child must not name. A pair decided directly stays kept, hidden while its decision is in force
    (`linkage.has_possible_earlier_record`), so that undoing the decision shows it again at once."""
    direct = ChildLinkDecision.objects.filter(
        Q(child_a_id=child_id) | Q(child_b_id=child_id), superseded_by__isnull=True
    ).exclude(status=LinkStatus.UNDONE)
    return settled_ids(child_id) - {x for pair in direct.values_list("child_a_id", "child_b_id") for x in pair}


def rejected_between(child: Child, other: Child) -> ChildLinkDecision | None:
    """A decision in force that a record of this child's linked group is not the same child as one of the other's:
    linking the two would contradict it."""
    mine, theirs = linked_child_ids(child.pk), linked_child_ids(other.pk)
    return (
        ChildLinkDecision.objects.filter(superseded_by__isnull=True, status=LinkStatus.REJECTED)
        .filter(Q(child_a__in=mine, child_b__in=theirs) | Q(child_a__in=theirs, child_b__in=mine))
        .select_related("child_a", "child_b")
        .first()
    )


def linked_through_visible_to(
    user, child: Child, *, direct: set[int] | None = None
) -> list[tuple[Child, Child | None]]:
    """Records the user may see linked to this child only through other links, with a record of a chain linked to
    this child that the user may see: (record, through), `through` None when the user may see none of them.
    `direct`: the records linked directly, if read already."""
    group = {other: steps for other, steps in linked_group(child.pk, direct=direct).items() if other not in steps}
    if not group:
        return []
    wanted = {*group, *(s for steps in group.values() for s in steps)}
    seen = {c.pk: c for c in children_visible_to(user).filter(pk__in=wanted).order_by("reference")}
    found = []
    for other, steps in group.items():
        if other in seen:
            through = next((seen[s] for s in sorted(steps, key=lambda s: (s not in seen, s)) if s in seen), None)
            found.append((seen[other], through))
    return sorted(found, key=lambda pair: pair[0].reference)


def _links_in_force(child: Child) -> list[tuple[datetime, int, int]]:
    """(when linked, child_a, child_b) of the links in force on this record, newest first (one query)."""
    return prepared.rows(
        ChildLinkDecision,
        ("people:links-in-force",),
        lambda pk: (
            ChildLinkDecision.objects.filter(
                Q(child_a_id=pk) | Q(child_b_id=pk), status=LinkStatus.LINKED, superseded_by__isnull=True
            )
            .order_by("-decided_at", "-id")
            .values_list("decided_at", "child_a_id", "child_b_id")
        ),
        child.pk,
    )


def same_child_records(user, child: Child) -> tuple[list[tuple[datetime, str]], list[tuple[Child, Child | None]]]:
    """The records linked to this one as the same child that the user may open, for the child's page: those linked
    directly, newest link first, as (when linked, reference); and those linked through other links, as
    `linked_through_visible_to` gives them. One query when the record has no links."""
    links = _links_in_force(child)
    if not links:
        return [], []
    others = [b if a == child.pk else a for _, a, b in links]
    references = dict(children_visible_to(user).filter(pk__in=others).values_list("pk", "reference"))
    direct = [(link[0], references[o]) for link, o in zip(links, others, strict=True) if o in references]
    return direct, linked_through_visible_to(user, child, direct=set(others))


def same_child_references(user, child: Child) -> list[str]:
    """References of every record the user may open linked to this one as the same child: directly, newest link
    first, then through other links."""
    direct, through = same_child_records(user, child)
    return [reference for _, reference in direct] + [other.reference for other, _ in through]


def confirmed_at_other_sites(child: Child) -> list[tuple[str, datetime]]:
    """(other site's name, when confirmed) for each record at another site reviewed as the same child as this one
    (the national sweep's review): the site only, never the record. The caller checks the user may link."""
    pairs = prepared.rows(
        NationalLinkPair,
        ("people:same-child-pairs",),
        lambda pk: NationalLinkPair.objects.filter(
            Q(child_a_id=pk) | Q(child_b_id=pk), status=NationalReviewStatus.SAME_CHILD
        ),
        child.pk,
    )
    found = []
    for pair in pairs:
        other = (
            Child.objects.select_related("site")
            .only("site__name", "site__name_cy", "site_id")
            .get(pk=pair.other_id(child))
        )
        review = (
            NationalLinkReview.objects.filter(pair=pair, outcome=NationalReviewStatus.SAME_CHILD)
            .order_by("-recorded_at", "-id")
            .first()
        )
        if other.site_id != child.site_id and review is not None:
            found.append((other.site.display_name, review.recorded_at))
    return sorted(found, key=lambda f: f[1])


def current_lead_social_worker_of(child: Child) -> LeadSocialWorker | None:
    """The child's current lead social worker (or None), with the local authority the record names: for the child's
    page, which shows no more of it (`people.services.current_lead_social_worker` also reads the user). Compiled
    once (kit.prepared)."""
    return prepared.first(
        LeadSocialWorker,
        ("people:current-lead-social-worker",),
        lambda pk: LeadSocialWorker.objects.filter(child_id=pk, ends_at__isnull=True).select_related("local_authority")[
            :1
        ],
        child.pk,
    )


def lead_social_worker_history(child: Child) -> tuple[LeadSocialWorker | None, list[LeadSocialWorker]]:
    """The child's current lead social worker (or None) and the earlier ones, newest first, each with the local
    authority the record names. Compiled once (kit.prepared).

    Each earlier record carries `next_reason`: why it was replaced (the reason given with its successor).
    """
    rows = prepared.rows(
        LeadSocialWorker,
        ("people:lead-social-workers",),
        lambda pk: (
            LeadSocialWorker.objects.filter(child_id=pk).select_related("local_authority").order_by("starts_at", "id")
        ),
        child.pk,
    )
    for row in rows:
        row.child = child  # as reading through the child's related manager gives it
    for row, successor in pairwise(rows):
        setattr(row, "next_reason", successor.reason)  # noqa: B010 - an attribute for the page, not a field
    current = next((r for r in rows if r.ends_at is None), None)
    earlier = [r for r in reversed(rows) if r.ends_at is not None]
    for row in earlier:
        setattr(row, "next_reason", getattr(row, "next_reason", ""))  # noqa: B010
    return current, earlier


def lead_social_worker_user_ids(child_id: int) -> set[int]:
    """Users who are the current lead social worker of this child, on any record linked to it.

    A social worker the coordinator recorded before they had an account is matched by email now, so the chair
    rule does not depend on when the account was made. Not one a referral named: its email is what the referrer
    typed, and counts only through the account it linked at acceptance (ADR 0002, amendment 1), so a referral
    naming a chair's email does not take them off the case.
    """
    from childnrm.accounts.models import User

    child_ids = linked_child_ids(child_id)
    current = list(
        LeadSocialWorker.objects.filter(child_id__in=child_ids, ends_at__isnull=True)
        .order_by()
        .values_list("user_id", "email", "source")
    )
    ids = {user_id for user_id, _, _ in current if user_id is not None}
    emails = [email for _, email, source in current if email and source != SocialWorkerSource.REFERRAL]
    if emails:
        email_match = Q()
        for email in emails:
            email_match |= Q(email__iexact=email)
        ids |= set(User.objects.filter(email_match).values_list("pk", flat=True))
    # Associations made directly (before social workers were recorded on the child) still count.
    ids |= set(
        ChildAssociation.objects.filter(
            child_id__in=child_ids, kind=AssociationKind.LEAD_SOCIAL_WORKER, ends_at__isnull=True
        ).values_list("user_id", flat=True)
    )
    return ids


def children_led_by(user) -> set[int]:
    """The records of every child this user is the current lead social worker of, on any record linked to it: the
    children `lead_social_worker_user_ids` names them for (the same three sources), read from the user's side, for
    the rule that a child's lead social worker may not chair their case across a meeting's agenda."""
    if user is None:
        return set()
    current = LeadSocialWorker.objects.filter(ends_at__isnull=True).order_by()
    # Two reads in one statement, each by its own index (an OR of the two would read every row).
    recorded = current.filter(user_id=user.pk).values_list("child_id", flat=True)
    if user.email:  # by email, as `lead_social_worker_user_ids`: never the email a referral named
        by_email = current.filter(email__iexact=user.email).exclude(source=SocialWorkerSource.REFERRAL)
        recorded = recorded.union(by_email.values_list("child_id", flat=True))
    led = set(recorded)
    led |= set(
        ChildAssociation.objects.filter(
            user_id=user.pk, kind=AssociationKind.LEAD_SOCIAL_WORKER, ends_at__isnull=True
        ).values_list("child_id", flat=True)
    )
    return led | set(_chains(led)) if led else led


# --- The lead social worker as recorded, whose account no longer counts (ADR 0002 amendment 6) -------------


@dataclass(frozen=True)
class SocialWorkerNotInForce:
    """The child's lead social worker as recorded, whose account the record links but whose association with the
    child does not count (people.selectors.associations_in_force; ADR 0002 amendments 2 and 5): they cannot open the
    child's record, and the child's letter does not name them (letters.services.social_worker_of). A lead social
    worker *is* recorded: the coordinator is told why they do not count and what to do, never "none is recorded"."""

    name: str
    site_name: str  # the child's site, where they would need a social worker's role
    account_closed: bool  # their account is closed (else it is open, with no social worker's role at the site)


def social_worker_not_in_force(child: Child, record: LeadSocialWorker | None) -> SocialWorkerNotInForce | None:
    """Whether the child's current lead social worker `record` links an account whose association does not count
    now; None when it counts, or when the record links no account (contact details only: named as recorded). One
    statement, compiled once (kit.prepared), and none for a record without an account."""
    if record is None or record.user_id is None:
        return None
    found = prepared.first(
        User,
        ("safeguarding:social-worker-in-force",),
        lambda user_id, child_id: (
            User.objects.filter(pk=user_id)
            .annotate(
                in_force=Exists(
                    ChildAssociation.objects.filter(
                        associations_in_force((AssociationKind.LEAD_SOCIAL_WORKER,)),
                        child_id=child_id,
                        user_id=OuterRef("pk"),
                    )
                )
            )
            .values_list("is_active", "in_force")[:1]
        ),
        record.user_id,
        child.pk,
    )
    if found is None or found[1]:
        return None
    return SocialWorkerNotInForce(name=record.name, site_name=child.site.display_name, account_closed=not found[0])
