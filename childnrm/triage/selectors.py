"""The coordinator's queue and the case packets a coordinator may download: scoped reads, one query a page.

Referrals to triage are those submitted to a site where the user triages (`referrals.selectors`).

Everything a queue row shows comes from the page's one query (the site by join, the state of its
decisions from the decisions that stand and who decides from its latest triage assessment, both of which the referral
keeps, see `with_clock_state` and `triage.standing`); the clocks are computed from those and the site's policy in Python
(`clocks.case_clock`). Filters are ranges and equalities on indexed columns: who decides is the referral's own column,
and "overdue" becomes "referred on or before day D" for each site, for referrals whose RG clock still runs
(`clocks.rg_overdue`, the dashboard's definition too).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from django.db import connections, router
from django.db.models import (
    BooleanField,
    Case,
    DateTimeField,
    ExpressionWrapper,
    F,
    Q,
    QuerySet,
    Value,
    When,
)
from django.http import Http404
from django.utils import timezone

from childnrm.access.policy import Perm, sites_where
from childnrm.accounts.models import Site
from childnrm.kit import prepared
from childnrm.people import linkage
from childnrm.referrals import clocks
from childnrm.referrals.models import Referral, ReferralDocument, ReferralStatus
from childnrm.referrals.selectors import ORGANISATIONS, referrals_for_triage
from childnrm.triage.models import OnwardReferral

# What the status filter offers; "open" (the default) is what still needs the panel's attention. No "withdrawn": the
# domain has no withdrawing of a referral (shared/domain.md) and nothing sets that status, so it could only ever list
# nothing. "all" still reads every status a sent referral may have.
OPEN_STATUSES = clocks.CLOCK_STATUSES
STATUS_FILTERS: dict[str, tuple[str, ...]] = {
    "open": OPEN_STATUSES,
    "awaiting": (ReferralStatus.SUBMITTED,),
    "accepted": (ReferralStatus.ACCEPTED,),
    "handed_off": (ReferralStatus.HANDED_OFF,),
    "all": (
        ReferralStatus.SUBMITTED,
        ReferralStatus.ACCEPTED,
        ReferralStatus.HANDED_OFF,
        ReferralStatus.WITHDRAWN,
    ),
}
SORTS = ("due", "newest", "oldest", "name")

# The columns of a referral that a queue row shows and its clock needs: `queue_for` loads them, and a page's one
# statement (`queue_page_rows`) reads just them.
_SHOWN = frozenset(
    {
        "id",
        "reference",
        "status",
        "submitted_at",
        "given_names",
        "family_name",
        "date_of_birth",
        "date_of_birth_estimated",
        "estimated_age_years",
        "site_id",
        "child_id",
        "standing_triage_outcome",  # who decides: the row's "Triage" column
    }
)
# What `queue_for` loads of the row's site (its name and the policy its clock follows) and child.
_SHOWN_OF_SITE_AND_CHILD = (
    "site__name",
    "site__name_cy",
    "site__nation",
    "site__rg_due_days",
    "site__rg_due_basis",
    "site__recovery_period_days",
    "site__rg_and_cg_at_one_sitting",
    "child__reference",
)


def triage_sites(user) -> list[Site]:
    """The sites where the user triages, by name (compiled once per number of sites: kit.prepared)."""
    ids = sorted(sites_where(user, Perm.REFERRAL_TRIAGE))
    return prepared.rows(
        Site, ("triage:sites", len(ids)), lambda *pks: Site.objects.filter(pk__in=pks).order_by("name"), *ids
    )


@dataclass(frozen=True)
class QueueFilters:
    status: str = "open"
    outcome: str = ""  # a TriageOutcome value, or "" for any
    overdue_only: bool = False
    site_id: int | None = None
    sort: str = "due"


def queue_for(
    user, filters: QueueFilters, *, today: date | None = None, sites: list[Site] | None = None
) -> QuerySet[Referral]:
    """The referrals a coordinator triages, filtered and sorted (see `attach_triage_state` for a page's state).

    `sites` are the user's triage sites if the caller already has them (saves a query).
    """
    today = today or timezone.localdate()
    sites = [s for s in (triage_sites(user) if sites is None else sites) if filters.site_id in (None, s.pk)]
    queue = (
        referrals_for_triage(user)
        .filter(site__in=sites, status__in=STATUS_FILTERS.get(filters.status, OPEN_STATUSES))
        .select_related("site", "child")
        .only(*_SHOWN, *_SHOWN_OF_SITE_AND_CHILD)
    )
    if filters.outcome:
        # Who decides as the latest assessment says (a transferred case is assessed again at its new site), kept on
        # the referral (`triage.standing`): the count and a page's ids come from an index alone.
        queue = queue.filter(standing_triage_outcome=filters.outcome)
    if filters.overdue_only:
        # Only clocks still running: a final RG decision stops the RG clock, and the CG has no target.
        queue = clocks.rg_overdue(queue, sites, today)
    return queue.order_by(*_ordering(filters.sort, sites, today))


def with_clock_state(referrals: QuerySet[Referral]) -> QuerySet[Referral]:
    """The state of each referral's decisions that its clocks need (see `clock_for`).

    Read from the decisions that stand as the referral keeps them (`Referral.standing_*`, kept by
    `decisions.standing`): a stage once decided stays decided, so "decided" is "has a standing date". Columns of
    the row itself, where a subquery per row and stage used to look in the decisions table.
    """
    return referrals.annotate(
        rg_decided=ExpressionWrapper(Q(standing_rg_decided_on__isnull=False), output_field=BooleanField()),
        rg_decided_on=F("standing_rg_decided_on"),
        rg_outcome=F("standing_rg_outcome"),
        cg_decided=ExpressionWrapper(Q(standing_cg_decided_on__isnull=False), output_field=BooleanField()),
        cg_decided_on=F("standing_cg_decided_on"),
    )


def with_possible_earlier_record(referrals: QuerySet[Referral], user) -> QuerySet[Referral]:
    """Whether each referral has a possible earlier record of its child still to decide about, for this user.

    `possible_earlier` is read from what the background search kept (never scored here), as an annotation
    on the page's query: the queue's tag costs no query, however many rows.
    """
    return referrals.annotate(possible_earlier=linkage.has_possible_earlier_record(user))


def clock_for(referral: Referral, today: date) -> clocks.CaseClock:
    """The referral's clock from its decisions' state as `with_clock_state` annotates it.

    A referral read without it (the triage page) is taken as not yet decided: only its RG clock shows.
    """
    submitted_at, site = referral.submitted_at, referral.site
    if submitted_at is None or site is None:  # only a submitted referral, held by a site, is on a clock
        raise ValueError(f"Referral {referral.reference} has not been submitted: it has no clock")
    return clocks.case_clock(
        submitted_at,
        site,
        running=referral.status in clocks.CLOCK_STATUSES,
        today=today,
        rg_decided=getattr(referral, "rg_decided", False),
        rg_decided_on=getattr(referral, "rg_decided_on", None),
        rg_outcome=getattr(referral, "rg_outcome", "") or "",
        cg_decided=getattr(referral, "cg_decided", False),
        cg_decided_on=getattr(referral, "cg_decided_on", None),
    )


_AT: DateTimeField = DateTimeField()


def _ordering(sort: str, sites: list[Site], today: date) -> list:
    if sort == "newest":
        return ["-submitted_at", "-id"]
    if sort == "oldest":
        return ["submitted_at", "id"]
    if sort == "name":
        return ["family_name", "given_names", "id"]
    # Due date: within one site (or sites of one policy) due dates follow the order of referral, so the
    # index on submitted_at serves it. Sites of different policies are ordered by each site's current
    # span of calendar days, exact for calendar-day policies and within a bank holiday or two otherwise.
    policies = {(s.rg_due_basis, s.rg_due_days, s.nation if s.rg_due_basis == "working" else "") for s in sites}
    if len(policies) <= 1:
        return ["submitted_at", "id"]
    spans = {s.pk: clocks.calendar_span(s, today) for s in sites}
    due = Case(
        *[
            When(site_id=pk, then=ExpressionWrapper(F("submitted_at") + Value(timedelta(days=n)), output_field=_AT))
            for pk, n in spans.items()
        ],
        output_field=DateTimeField(),
    )
    return [due.asc(), "id"]


# A page of the queue: its rows read by id, in one statement compiled once ----------------------------------------

# The page's columns in the model's order of fields, as `Model.from_db` takes them (the site is the caller's).
_PAGE_FIELDS = tuple(f.attname for f in Referral._meta.concrete_fields if f.attname in _SHOWN)
# Stands for a page's referral ids in the statement compiled once (no id is negative).
_ID = -16_000_000_017


@dataclass(frozen=True)
class _PageStatement:
    sql: str
    params: tuple[Any, ...]
    ids_at: tuple[int, ...]  # the positions of the page's ids in `params`
    names: tuple[str, ...]  # the columns: _PAGE_FIELDS, then the state annotated
    converters: tuple[tuple[int, tuple[Callable, ...], Any], ...]  # (column, the backend's converters, expression)


_page_statements: dict[tuple[Any, ...], _PageStatement] = {}


def _page_statement(alias: str, size: int, user, link_sites: tuple[int, ...]) -> _PageStatement:
    """The page's statement for `size` ids as Django writes it for this database, compiled once per page size and
    per set of sites where the user decides links (`linkage.has_possible_earlier_record` counts only records at
    those): building the possible-earlier-record subquery and compiling the statement cost the ORM some ms of CPU a
    page, the same for every page."""
    key = (alias, size, link_sites)
    found = _page_statements.get(key)
    if found is not None:
        return found
    rows = with_possible_earlier_record(
        with_clock_state(Referral.objects.filter(pk__in=[_ID - i for i in range(size)])), user
    )
    names = (*_PAGE_FIELDS, "rg_decided", "rg_decided_on", "rg_outcome", "cg_decided", "cg_decided_on")
    names += ("possible_earlier",)
    compiler = rows.values_list(*names).query.get_compiler(using=alias)
    sql, params = compiler.as_sql()
    fields = [selected[0] for selected in compiler.select[: compiler.col_count]]
    converters = tuple((i, tuple(fns), expression) for i, (fns, expression) in compiler.get_converters(fields).items())
    ids_at = tuple(i for i, value in enumerate(params) if isinstance(value, int) and _ID - size < value <= _ID)
    assert len(ids_at) == size, "each of the page's ids is one parameter"
    if len(_page_statements) >= 256:  # page sizes times the sets of sites users decide links at: a few dozen
        _page_statements.clear()
    statement = _page_statements[key] = _PageStatement(sql, tuple(params), ids_at, names, converters)
    return statement


def queue_page_rows(ids: list[int], user, sites: list[Site]) -> list[Referral]:
    """The referrals `ids` (a page of `queue_for`, so in the user's scope) with their clocks' state
    (`with_clock_state`) and whether each has a possible earlier record for this user to decide about
    (`with_possible_earlier_record`), in the order of `ids`; who decides is the referral's own
    `standing_triage_outcome`. One statement; each referral's site is the one in `sites`."""
    if not ids:
        return []
    connection = connections[router.db_for_read(Referral)]
    statement = _page_statement(connection.alias, len(ids), user, tuple(sorted(sites_where(user, Perm.CHILD_LINK))))
    params = list(statement.params)
    for at, pk in zip(statement.ids_at, ids, strict=True):
        params[at] = pk
    with connection.cursor() as cursor:
        cursor.execute(statement.sql, params)
        found = [list(row) for row in cursor.fetchall()]
    for row in found:
        for i, fns, expression in statement.converters:
            for convert in fns:
                row[i] = convert(row[i], expression, connection)
    fields = len(_PAGE_FIELDS)
    site_of = {site.pk: site for site in sites}
    by_id: dict[int, Referral] = {}
    for row in found:
        referral = Referral.from_db(connection.alias, _PAGE_FIELDS, row[:fields])
        referral.site = site_of[referral.site_id]  # type: ignore[index]
        state = dict(zip(statement.names[fields:], row[fields:], strict=True))
        # Set on the page's rows as a queryset annotation would be (the model declares no such attribute).
        for name in ("rg_decided", "rg_decided_on", "rg_outcome", "cg_decided", "cg_decided_on", "possible_earlier"):
            setattr(referral, name, state[name])
        by_id[referral.pk] = referral
    return [by_id[pk] for pk in ids if pk in by_id]


def case_packet_referral_get(user, reference: str) -> tuple[Referral, OnwardReferral | None]:
    """A referral for its case packet: one the user triages, or one their site sent on to someone else.

    A site that transferred a case keeps the packet it sent (what was shared, with whom) but not the case.
    """
    triage = sites_where(user, Perm.REFERRAL_TRIAGE)
    referral = referrals_for_triage(user).select_related("site", "child").filter(reference=reference).first()
    if referral is not None:
        return referral, referral.onward_referrals.select_related("from_site", "to_site", "produced_by").first()
    sent = (
        OnwardReferral.objects.select_related("referral", "referral__site", "from_site", "to_site", "produced_by")
        .filter(referral__reference=reference, from_site_id__in=triage)
        .first()
    )
    if sent is None:
        raise Http404
    return sent.referral, sent


# The triage page's reads, compiled once (kit.prepared): the same statements on every request but for the referral ----


def triage_referral_get(user, reference: str) -> Referral:
    """The referral to triage with its site, child and organisations (`referral_get_for_triage(user, reference,
    related=ORGANISATIONS)`): 404 unless a site where the user triages holds it. Its SQL names the user's triage
    sites, so it is kept per set of them."""
    sites = tuple(sites_where(user, Perm.REFERRAL_TRIAGE))
    referral = prepared.first(
        Referral,
        ("triage:referral", sites),
        lambda ref: (
            referrals_for_triage(user).select_related("site", "child", *ORGANISATIONS).filter(reference=ref)[:1]
        ),
        reference,
    )
    if referral is None:
        raise Http404
    return referral


def other_active_sites(holding_site: Site) -> list[Site]:
    """Every active site but the one holding the referral, by name (where a case may be referred on)."""
    return prepared.rows(
        Site,
        ("triage:other-sites",),
        lambda pk: Site.objects.filter(active=True).exclude(pk=pk).order_by("name"),
        holding_site.pk,
    )


def sent_on_at(referral: Referral) -> OnwardReferral | None:
    """The referral's latest onward referral, only its time (its packet, a large JSON document, is not read)."""
    return prepared.first(
        OnwardReferral,
        ("triage:sent-on",),
        lambda pk: (
            OnwardReferral.objects.filter(referral_id=pk).only("produced_at").order_by("-produced_at", "-id")[:1]
        ),
        referral.pk,
    )


def referral_documents(referral: Referral) -> list[ReferralDocument]:
    """The documents sent with the referral, in the order they were uploaded."""
    documents = prepared.rows(
        ReferralDocument,
        ("triage:documents",),
        lambda pk: ReferralDocument.objects.filter(referral_id=pk).order_by("uploaded_at", "id"),
        referral.pk,
    )
    for document in documents:  # as `referral.documents` sets it
        document.referral = referral
    return documents
