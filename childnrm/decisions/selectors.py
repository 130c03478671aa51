"""Scoped reads of decisions.

Who reaches a decision:
- the site's coordinator (all cases of the site): every decision of the site's referrals;
- a chair: decisions taken at meetings they chair, and at open meetings they attend;
- a second reviewer: the site's negative decisions waiting for second review, and those they reviewed.
Another site's decision is 404, as if it did not exist.

A conflict of interest someone declared on a case at a sitting closes its decisions taken (or being drafted) there
to them, on every reach but the coordinator's, as it closes the case's papers (ADR 0006,
`panels.selectors.papers_closed_by_conflict`): the record carries the same evidence, the child's wishes and feelings
and the credibility reasoning. Every decision page, its export and its votes read through `decision_get`, and starting
one through `agenda_item_get`, so each answers 404 to them and none saves what they post.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import Any, TypeVar

from django.db.models import Q, QuerySet
from django.http import Http404

from childnrm.access.policy import Perm, sites_where
from childnrm.access.scoped import get_in_scope
from childnrm.decisions.models import (
    AgencyNilReturn,
    Decision,
    DecisionEvidence,
    DecisionStatus,
    Stage,
    TieDeferral,
)
from childnrm.kit import prepared
from childnrm.panels.models import AgendaItem, AgendaStage, Meeting, MeetingAttendee, MeetingStatus
from childnrm.panels.selectors import HELD_HERE, declared_conflict
from childnrm.referrals.models import Referral

DECIDING_STAGES = (
    AgendaStage.REASONABLE_GROUNDS,
    AgendaStage.CONCLUSIVE_GROUNDS,
    AgendaStage.BOTH,
    AgendaStage.RECONSIDERATION,
)
LIVE_MEETING = (MeetingStatus.SCHEDULED, MeetingStatus.OPEN)


def _site_wide(user, perm: Perm) -> list[int]:
    """Sites where the user holds `perm` and sees every case of the site."""
    every_case = set(sites_where(user, Perm.CHILD_VIEW_SITE))
    return [s for s in sites_where(user, perm) if s in every_case]


def _meetings_reached(user, perm: Perm) -> QuerySet[Meeting]:
    """Meetings of sites where the user holds `perm` that they chair, or attend while not closed."""
    sites = sites_where(user, perm)
    attending = MeetingAttendee.objects.filter(user=user).values("meeting_id")
    return Meeting.objects.filter(site_id__in=sites).filter(
        Q(chair=user) | (Q(pk__in=attending) & Q(status__in=LIVE_MEETING))
    )


def decisions_visible_to(user) -> QuerySet[Decision]:
    scope = Q(pk__in=[])
    record_sites = _site_wide(user, Perm.DECISION_RECORD)
    if record_sites:
        scope |= Q(referral__site_id__in=record_sites)
    panel_sites = sites_where(user, Perm.DECISION_RECORD) + sites_where(user, Perm.DECISION_FINALISE)
    review_sites = sites_where(user, Perm.DECISION_SECOND_REVIEW)
    if record_sites and set(panel_sites + review_sites) <= set(record_sites):
        # Every other reach below is of decisions of these sites' referrals, already in scope: the same decisions
        # without building (and the database without weighing) the meetings' subqueries. A site's coordinator.
        return Decision.objects.filter(referral__site_id__in=record_sites)
    reached = Q(pk__in=[])
    if panel_sites:
        meetings = _meetings_reached(user, Perm.DECISION_RECORD) | _meetings_reached(user, Perm.DECISION_FINALISE)
        reached |= Q(meeting_id__in=meetings.values("pk"), referral__site_id__in=panel_sites)
        reached |= Q(finalised_by=user, referral__site_id__in=panel_sites)
    if review_sites:
        reached |= Q(referral__site_id__in=review_sites) & (
            Q(status=DecisionStatus.SECOND_REVIEW) | Q(second_reviewed_by=user)
        )
    if panel_sites or review_sites:
        # Not a decision of a case they declared a conflict on at its sitting (the papers' rule).
        scope |= reached & ~Q(declared_conflict(user, "agenda_item_id"))
    return Decision.objects.filter(scope)


# Who signed it off and who gave the second review are left to a read of their own where a page shows them: joined
# here, the two user tables doubled PostgreSQL's planning of this read (1.6 -> 3.7 ms at 100,000 children) on every
# decision page, drafts included, to save one short read on final ones.
_DECISION_RELATED = ("referral", "referral__site", "referral__child", "meeting", "meeting__chair", "agenda_item")
# Each join costs PostgreSQL's planner more than the one before (1.3 ms for these six at 100,000 children, 0.6 without
# the agenda item): a page that never shows a related row reads the decision without it. The read-only record shows
# the sitting's chair and the child but not the agenda item; the task list's checks start from the agenda item, and
# need the chair's and the child's ids only.
RECORD_PAGE_RELATED = ("referral", "referral__site", "referral__child", "meeting", "meeting__chair")
TASK_LIST_RELATED = ("referral", "referral__site", "meeting", "agenda_item")


def decision_get(user, decision_id: int, related: tuple[str, ...] | None = None) -> Decision:
    """The decision the user reaches, with `related` (default: its case, site, child, sitting, chair and agenda item)
    read alongside; any other related row is read when asked."""
    # A decision of a site where the user records decisions and sees every case is in scope whatever else
    # `decisions_visible_to` says: found without building (and the database without weighing) its subqueries, by a
    # statement compiled once (`get_in_scope`: building and compiling the six joins was a fifth of the pages' CPU).
    decision = get_in_scope(
        Decision,
        lambda: decisions_visible_to(user),
        sites=_site_wide(user, Perm.DECISION_RECORD),
        site_field="referral__site_id",
        related=_DECISION_RELATED if related is None else related,
        pk=decision_id,
    )
    _share_related(decision)
    return decision


def _share_related(decision: Decision) -> None:
    """The agenda item's sitting and case are the decision's own, already read: the checks that start from the
    agenda item (voters, chair, quorum) use those instead of reading them again."""
    if not Decision.agenda_item.is_cached(decision):  # not read with it: the page does not ask
        return
    item = decision.agenda_item
    if item is None:
        return
    meeting = decision.meeting if decision.meeting_id is not None else None
    if meeting is not None and item.meeting_id == meeting.pk:
        item.meeting = meeting
    if item.referral_id == decision.referral_id:
        item.referral = decision.referral


def agenda_items_for(user) -> QuerySet[AgendaItem]:
    """Agenda items of scheduled or open sittings on which the user may record a decision: not those of cases they
    declared a conflict on there (the papers' rule), unless they see every case of the site (the coordinator)."""
    site_wide = _site_wide(user, Perm.DECISION_RECORD)
    meetings = Meeting.objects.filter(site_id__in=site_wide)
    if set(sites_where(user, Perm.DECISION_RECORD)) <= set(site_wide):
        return _agenda_items_of(meetings)
    # Meetings reached as chair or attendee are of these sites: only needed where the user sees only some cases.
    meetings |= _meetings_reached(user, Perm.DECISION_RECORD)
    return _agenda_items_of(meetings).exclude(Q(declared_conflict(user)) & ~Q(meeting__site_id__in=site_wide))


def _agenda_items_of(meetings: QuerySet[Meeting]) -> QuerySet[AgendaItem]:
    return (
        AgendaItem.objects.filter(
            meeting_id__in=meetings.filter(status__in=LIVE_MEETING).values("pk"), stage__in=DECIDING_STAGES
        )
        .filter(HELD_HERE)
        .select_related("meeting", "referral", "referral__child")
        .order_by("meeting__starts_at", "meeting_id", "position", "pk")
    )


# What the list of decisions at sittings reads: only what it shows (an agenda item's referral is some sixty
# columns, a decision a dozen JSON fields). At most this many cases on the agendas, and decisions waiting.
INDEX_ITEMS, INDEX_PENDING = 200, 100


# The list's rows as plain values rather than model instances: making a Referral of sixty fields (most of them
# deferred), its agenda item and sitting cost some 60 µs a case, a third of the page's CPU with 200 cases.


@dataclass(frozen=True, slots=True)
class IndexSitting:
    pk: int
    starts_at: datetime
    status: str


@dataclass(frozen=True, slots=True)
class IndexReferral:
    reference: str
    given_names: str
    family_name: str

    # The referral's own property (its words for a child whose name was not given), read from these fields.
    child_display_name = Referral.__dict__["child_display_name"]


@dataclass(frozen=True, slots=True)
class IndexItem:
    """A case on the agenda of a live sitting."""

    pk: int
    stage: str
    referral_id: int
    meeting_id: int
    meeting: IndexSitting
    referral: IndexReferral


@dataclass(frozen=True, slots=True)
class IndexDraft:
    """A decision started on an agenda item."""

    pk: int
    referral_id: int
    stage: str
    agenda_item_id: int
    status: str


@dataclass(frozen=True, slots=True)
class IndexReferenceOnly:
    reference: str


@dataclass(frozen=True, slots=True)
class IndexPending:
    """A decision waiting for a second review, or for a sitting."""

    pk: int
    stage: str
    version: int
    status: str
    referral: IndexReferenceOnly


_ITEM_COLUMNS = (
    "pk",
    "stage",
    "referral_id",
    "meeting_id",
    "meeting__starts_at",
    "meeting__status",
    "referral__reference",
    "referral__given_names",
    "referral__family_name",
)
_DRAFT_COLUMNS = ("pk", "referral_id", "stage", "agenda_item_id", "status")
_PENDING_COLUMNS = ("pk", "stage", "version", "status", "referral__reference")


def _index_items(items: QuerySet[AgendaItem]) -> QuerySet[AgendaItem, tuple[Any, ...]]:
    return items.select_related(None).values_list(*_ITEM_COLUMNS)[:INDEX_ITEMS]


def _index_drafts(decisions: QuerySet[Decision], item_ids: list[int]) -> QuerySet[Decision, tuple[Any, ...]]:
    """The decisions started on the items (a returned one is started again)."""
    return (
        decisions.filter(agenda_item__in=item_ids).exclude(status=DecisionStatus.RETURNED).values_list(*_DRAFT_COLUMNS)
    )


def _index_pending(decisions: QuerySet[Decision]) -> QuerySet[Decision, tuple[Any, ...]]:
    """Waiting for a second review, or for a sitting (a draft on no agenda)."""
    return decisions.filter(
        Q(status=DecisionStatus.SECOND_REVIEW) | Q(status=DecisionStatus.DRAFT, agenda_item__isnull=True)
    ).values_list(*_PENDING_COLUMNS)[:INDEX_PENDING]


def _items_of(rows: Iterable[tuple]) -> list[IndexItem]:
    sittings: dict[int, IndexSitting] = {}  # one per sitting, as the rows share it
    items = []
    for pk, stage, referral_id, meeting_id, starts_at, status, reference, given, family in rows:
        if (sitting := sittings.get(meeting_id)) is None:
            sitting = sittings[meeting_id] = IndexSitting(meeting_id, starts_at, status)
        items.append(IndexItem(pk, stage, referral_id, meeting_id, sitting, IndexReferral(reference, given, family)))
    return items


def _pending_of(rows: Iterable[tuple]) -> list[IndexPending]:
    return [
        IndexPending(pk, stage, version, status, IndexReferenceOnly(reference))
        for pk, stage, version, status, reference in rows
    ]


def decision_index(user) -> tuple[list[IndexItem], list[IndexDraft], list[IndexPending]]:
    """The list of decisions at sittings: the cases on the agendas of live sittings the user records decisions at
    (`agenda_items_for`), the decisions started on them, and the decisions waiting (`decisions_visible_to`).

    For a site's coordinator (every reach of theirs is every case of their sites) the three statements are the same
    for every user of those sites: compiled once (kit.prepared), the agenda's ids padded to its full length.

    The rows are values (`IndexItem`, `IndexDraft`, `IndexPending`), not model instances."""
    sites = tuple(_site_wide(user, Perm.DECISION_RECORD))
    reached = sites_where(user, Perm.DECISION_RECORD) + sites_where(user, Perm.DECISION_FINALISE)
    if not sites or not set(reached + sites_where(user, Perm.DECISION_SECOND_REVIEW)) <= set(sites):
        found = _items_of(_index_items(agenda_items_for(user)))
        started = _index_drafts(decisions_visible_to(user), [i.pk for i in found]) if found else []
        return found, [IndexDraft(*row) for row in started], _pending_of(_index_pending(decisions_visible_to(user)))
    of_sites = Decision.objects.filter(referral__site_id__in=sites)
    items = _items_of(
        prepared.rows(
            AgendaItem,
            ("decisions:index-items", sites),
            lambda: _index_items(_agenda_items_of(Meeting.objects.filter(site_id__in=sites))),
        )
    )
    drafts: list[IndexDraft] = []
    if items:  # none: the ORM sends no statement for an empty `__in`
        ids = [i.pk for i in items]
        drafts = [
            IndexDraft(*row)
            for row in prepared.rows(
                Decision,
                ("decisions:index-drafts", sites),
                lambda *item_ids: _index_drafts(of_sites, list(item_ids)),
                *ids,
                *[ids[-1]] * (INDEX_ITEMS - len(ids)),  # the same statement for any number of items
            )
        ]
    pending = _pending_of(prepared.rows(Decision, ("decisions:index-pending", sites), lambda: _index_pending(of_sites)))
    return items, drafts, pending


def agenda_item_get(user, agenda_item_id: int) -> AgendaItem:
    item = agenda_items_for(user).filter(pk=agenda_item_id).first()
    if item is None:
        raise Http404
    return item


# The decision's page reads these for every decision alike: each statement is compiled once (kit.prepared), and
# the decision is set on its rows as its related managers would. Each is in its model's order within one decision,
# written without the decision (the models order by `decision` first, which joined the decisions table to sort by
# its own ordering: PostgreSQL planned and ran a join for nothing).


# What the record's table of versions shows of each (and whether one corrects this): a version's fifty columns and
# two more joined rows were a tenth of the page's reads for four cells a row.
VERSION_FIELDS = (
    "id",
    "referral_id",
    "stage",
    "version",
    "supersedes_id",
    "kind",
    "status",
    "outcome",
    "finalised_at",
    "finalised_by",
)


def versions_of(decision: Decision) -> list[Decision]:
    """Every version of the decision's stage, newest first, with `VERSION_FIELDS` only and who signed each off.

    The decision is one of them: who signed it off, and the version it corrects, are set on it from these rows, so
    that the record shows them without a read of their own."""
    versions = prepared.rows(
        Decision,
        ("decisions:versions", decision.stage),  # one of a few: part of the statement
        lambda referral_id: (
            Decision.objects.filter(referral_id=referral_id, stage=decision.stage)
            .select_related("finalised_by")
            .only(*VERSION_FIELDS)
            .order_by("-version")
        ),
        decision.referral_id,
    )
    for version in versions:
        if version.pk == decision.pk and decision.finalised_by_id == version.finalised_by_id:
            decision.finalised_by = version.finalised_by
        elif version.pk == decision.supersedes_id:
            decision.supersedes = version
    return versions


M = TypeVar("M", DecisionEvidence, AgencyNilReturn, TieDeferral)


def _of(decision: Decision, rows: list[M]) -> list[M]:
    for row in rows:
        row.decision = decision
    return rows


def evidence_of(decision: Decision) -> list[DecisionEvidence]:
    """The evidence weighed, as the record shows it (the evidence page, naming each one's source, reads its own)."""
    return _of(
        decision,
        prepared.rows(
            DecisionEvidence,
            ("decisions:evidence",),
            # The model's order within a decision (`decision, id`) without joining the decision.
            lambda pk: DecisionEvidence.objects.filter(decision_id=pk).order_by("pk"),
            decision.pk,
        ),
    )


def evidence_agencies_of(decision: Decision) -> list[DecisionEvidence]:
    """The evidence weighed with only the agency that supplied each: what the task list's checks ask of it (whether
    there is any, and which statutory partners gave it), without each one's words."""
    return _of(
        decision,
        prepared.rows(
            DecisionEvidence,
            ("decisions:evidence-agencies",),
            lambda pk: (
                DecisionEvidence.objects.filter(decision_id=pk).only("id", "decision_id", "agency").order_by("pk")
            ),
            decision.pk,
        ),
    )


def nil_returns_of(decision: Decision) -> list[AgencyNilReturn]:
    """The agencies recorded as holding nothing relevant, as the record shows them: the agency and its statement
    (who recorded each is on the evidence page, which reads its own)."""
    return _of(
        decision,
        prepared.rows(
            AgencyNilReturn,
            ("decisions:nil-returns",),
            lambda pk: AgencyNilReturn.objects.filter(decision_id=pk).order_by("agency"),
            decision.pk,
        ),
    )


def tie_deferrals_of(decision: Decision) -> list[TieDeferral]:
    return _of(
        decision,
        prepared.rows(
            TieDeferral,
            ("decisions:tie-deferrals",),
            lambda pk: (
                TieDeferral.objects.filter(decision_id=pk).select_related("meeting").order_by("recorded_at", "pk")
            ),
            decision.pk,
        ),
    )


def latest_final(referral: Referral, stage: str) -> Decision | None:
    """The decision that stands for this stage: the newest final version (never a draft or one under review)."""
    return (
        Decision.objects.filter(referral=referral, stage=stage, status=DecisionStatus.FINAL)
        .order_by("-version")
        .first()
    )


def final_outcome_for(referral: Referral) -> Decision | None:
    """Where the case stands: the final conclusive grounds decision if there is one, else reasonable grounds."""
    return latest_final(referral, Stage.CONCLUSIVE_GROUNDS) or latest_final(referral, Stage.REASONABLE_GROUNDS)


def open_version(referral: Referral, stage: str) -> Decision | None:
    """A version not yet final (a draft, or one waiting for second review), if there is one."""
    return (
        Decision.objects.filter(
            referral=referral, stage=stage, status__in=(DecisionStatus.DRAFT, DecisionStatus.SECOND_REVIEW)
        )
        .order_by("-version")
        .first()
    )
