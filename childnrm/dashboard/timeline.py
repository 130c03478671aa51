"""One timeline of a child's case across its stages, newest first.

Referrals received, triage, sittings (agenda items), decisions (versions made final), plans agreed,
letters produced, reconsideration requests, transfers and the SCA's reported decisions. The dashboard sits
above every stage in the layers (.importlinter), so it can read them all; the child's page (people, below)
shows it through the template function in dashboard/templating.py.

One statement whatever the number of events: each kind of event is a SELECT of the same typed columns
(only those shown, no model rows), found through the child's referrals by a join, and the nine are sent as
one `UNION ALL`. Each event links to its page only where the viewer's permissions at the record's site open
that page, so a link never leads to a 403 or a 404.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date, datetime, time
from functools import cache
from operator import itemgetter
from typing import Any, NamedTuple

from django.db import connections, router
from django.db.models import CharField, DateField, DateTimeField, F, IntegerField, Model, QuerySet, Value
from django.db.models.functions import Cast
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext

from childnrm.access.policy import Perm, site_permissions
from childnrm.accounts.models import name_shown
from childnrm.decisions.models import Decision, DecisionStatus
from childnrm.decisions.wording import outcome_words
from childnrm.handovers.models import CaseTransfer, ScaReportedDecision
from childnrm.kit.dates import long_date
from childnrm.kit.welsh_mutation import welsh_format
from childnrm.letters.models import Letter
from childnrm.panels.models import AgendaItem, MeetingStatus
from childnrm.people.models import Child
from childnrm.referrals.models import Referral, ReferralStatus
from childnrm.reviews.models import ReconsiderationRequest
from childnrm.safeguarding.models import SafeguardingPlan
from childnrm.triage.models import TriageAssessment, TriageOutcome


@dataclass(frozen=True)
class TimelineEvent:
    at: datetime  # for ordering
    on: date  # the day shown
    stage: str  # "Referral", "Triage", "Sitting", ...
    title: str
    href: str = ""

    @property
    def when(self) -> str:
        return long_date(self.on)


def _day(moment: datetime) -> date:
    return timezone.localtime(moment).date()


def _start_of(day: date) -> datetime:
    return timezone.make_aware(datetime.combine(day, time.min))


class _Links:
    """Whether the viewer may open each kind of page for a site: the page's own permission checks."""

    def __init__(self, user) -> None:
        self.held = site_permissions(user)  # the policy's permissions per site, read once (as has_perm reads them)

    def may(self, site_id: int | None, *perms: Perm) -> bool:
        held = self.held.get(site_id) if site_id is not None else None
        return held is not None and all(perm in held for perm in perms)

    def url(self, ok: bool, name: str, *args) -> str:
        return reverse(name, args=args) if ok else ""


def _triage_words(final_outcome: str, final_site: str | None) -> str:
    if final_outcome == TriageOutcome.PANEL:
        return welsh_format(gettext("Accepted by %(site)s"), {"site": final_site})
    if final_outcome == TriageOutcome.OTHER_SITE:
        return welsh_format(gettext("Transferred to %(site)s for triage there"), {"site": final_site})
    return gettext("Handed off to the Single Competent Authority")


@cache
def _labels(model: type[Model], field: str) -> dict:
    return dict(model._meta.get_field(field).flatchoices)


def _label(model: type[Model], field: str, value: str) -> str:
    """What `get_<field>_display()` reads, from a value read without its row."""
    return str(_labels(model, field).get(value, value))


class _Row(NamedTuple):
    """One event as the statement returns it: every kind fills the columns it needs (see `_rows`)."""

    kind: int
    pk: int | None
    at: datetime | None
    at2: datetime | None
    day: date | None
    site: int | None
    site2: int | None
    t1: str | None
    t2: str | None
    t3: str | None
    o1: int | None
    o2: int | None
    name_cy: str | None  # the Welsh name of the site or organisation a kind's text names (`name_shown`)


# The kinds in the order their events were always listed: events at the same moment keep this order.
REFERRAL, TRIAGE, SITTING, DECISION, PLAN, LETTER, RECONSIDERATION, TRANSFER, SCA_DECISION = range(1, 10)

# A column a kind does not fill: a typed NULL (PostgreSQL resolves a UNION's column types pair by pair, and two
# untyped NULLs make text, which an integer column of a later kind does not match).
_NONE = {
    "at": Cast(Value(None), DateTimeField()),
    "day": Cast(Value(None), DateField()),
    "int": Cast(Value(None), IntegerField()),
    "text": Cast(Value(None), CharField()),
}


def _select(queryset: QuerySet, kind: int, **columns: Any) -> QuerySet:
    """The kind's SELECT with every column of `_Row`, typed (the first SELECT's types read the whole result), in
    `_Row`'s order; the model's default ordering is dropped (a UNION's parts cannot be ordered on SQLite)."""
    types = {"pk": "int", "at": "at", "at2": "at", "day": "day", "site": "int", "site2": "int"}
    types |= {"t1": "text", "t2": "text", "t3": "text", "o1": "int", "o2": "int", "name_cy": "text"}
    expressions = {"kind": Value(kind, output_field=IntegerField())}
    for name, kind_of in types.items():
        given = columns.pop(name, None)
        expressions[name] = F(given) if isinstance(given, str) else _NONE[kind_of] if given is None else given
    assert not columns, f"not a timeline column: {columns}"
    aliases = {f"timeline_{name}": expression for name, expression in expressions.items()}
    return queryset.order_by().annotate(**aliases).values_list(*aliases)


def _union(child_id: int) -> QuerySet:
    """Every kind's events for the child, as one statement (UNION ALL). The columns each kind fills, with its
    model's default ordering (applied in `_in_model_order`) noted: events at the same moment keep it."""
    by_child = {"referral__child_id": child_id}
    parts = [
        # Referrals (unordered before: the primary key's order).
        _select(
            Referral.objects.filter(child_id=child_id, submitted_at__isnull=False).exclude(status=ReferralStatus.DRAFT),
            REFERRAL,
            pk="pk",
            at="submitted_at",
            site="site_id",
            t1="reference",
            t2="referrer_organisation__name",
            name_cy="referrer_organisation__name_cy",
        ),
        # Triage confirmed: -assessed_at, -id.
        _select(
            TriageAssessment.objects.filter(**by_child, confirmed_at__isnull=False),
            TRIAGE,
            pk="pk",
            at="confirmed_at",
            at2="assessed_at",
            site="referral__site_id",  # the referral's triage page is reached at the site that holds it now
            t1="referral__reference",
            t2="final_outcome",
            t3="final_site__name",
            name_cy="final_site__name_cy",
        ),
        # Agenda items: the meeting's (-starts_at, -id), position, id.
        _select(
            AgendaItem.objects.filter(**by_child),
            SITTING,
            pk="meeting_id",
            at="added_at",
            at2="meeting__starts_at",
            site="meeting__site_id",
            t1="stage",
            t2="meeting__status",
            o1="position",
            o2="pk",
        ),
        # Decisions made final (a later version supersedes them): referral, stage, version.
        _select(
            Decision.objects.filter(
                **by_child,
                status__in=(DecisionStatus.FINAL, DecisionStatus.SUPERSEDED),
                finalised_at__isnull=False,
            ),
            DECISION,
            pk="pk",
            at="finalised_at",
            day="decided_on",
            site="referral__site_id",
            t1="stage",
            t2="status",
            t3="outcome",
            o1="referral_id",
            o2="version",
        ),
        # Plans, the child's own (a plan needs no referral): -created_at, -id.
        _select(SafeguardingPlan.objects.filter(child_id=child_id), PLAN, pk="pk", at="created_at", at2="closed_at"),
        # Letters of any version of a decision: the decision's (referral, stage, version), kind, -produced_at.
        _select(
            Letter.objects.filter(decision__referral__child_id=child_id),
            LETTER,
            pk="decision_id",
            at="produced_at",
            site="decision__referral__site_id",
            t1="kind",
            t2="decision__stage",
            o1="decision__referral_id",
            o2="decision__version",
        ),
        # Reconsideration requests of any version of a decision: -received_on, -id.
        _select(
            ReconsiderationRequest.objects.filter(decision__referral__child_id=child_id),
            RECONSIDERATION,
            pk="pk",
            day="received_on",
            site="decision__referral__site_id",
            t1="status",
            t2="decision__stage",
        ),
        # Transfers: -transferred_at, -id.
        _select(
            CaseTransfer.objects.filter(**by_child),
            TRANSFER,
            pk="pk",
            at="transferred_at",
            site="from_site_id",
            site2="to_site_id",
            t1="to_site__name",
            name_cy="to_site__name_cy",
        ),
        # The SCA's decisions as the sending site recorded them, corrections applied: referral, stage,
        # -recorded_at, -id.
        _select(
            ScaReportedDecision.objects.filter(**by_child, replaced_at__isnull=True),
            SCA_DECISION,
            pk="pk",
            at2="recorded_at",
            day="decided_on",
            site="site_id",
            t1="referral__reference",
            t2="stage",
            t3="outcome",
            o1="referral_id",
        ),
    ]
    return parts[0].union(*parts[1:], all=True)


# Stands for the child's id in the statement compiled once (no id is negative).
_CHILD = -16_000_000_016


@dataclass(frozen=True)
class _Statement:
    sql: str
    params: tuple[Any, ...]
    child_at: tuple[int, ...]  # the positions of the child's id in `params`
    converters: tuple[tuple[int, tuple[Callable, ...], Any], ...]  # (column, the backend's converters, expression)


@cache
def _statement(alias: str, vendor: str) -> _Statement:
    """The union's SQL as Django writes it for this database, compiled once: the ORM takes several milliseconds of
    CPU to build and compile nine SELECTs, the same for every child. The values each column's type needs converted
    (dates and times on SQLite) are converted as Django would (`SQLCompiler.apply_converters`)."""
    compiler = _union(_CHILD).query.get_compiler(using=alias)
    sql, params = compiler.as_sql()
    fields = [selected[0] for selected in compiler.select[: compiler.col_count]]
    converters = tuple((i, tuple(fns), expression) for i, (fns, expression) in compiler.get_converters(fields).items())
    child_at = tuple(i for i, value in enumerate(params) if value == _CHILD)
    return _Statement(sql, tuple(params), child_at, converters)


def _rows(child: Child) -> list[_Row]:
    connection = connections[router.db_for_read(Referral)]
    statement = _statement(connection.alias, connection.vendor)
    params = list(statement.params)
    for i in statement.child_at:
        params[i] = child.pk
    with connection.cursor() as cursor:
        cursor.execute(statement.sql, params)
        rows = cursor.fetchall()
    if statement.converters:
        rows = [list(row) for row in rows]
        for row in rows:
            for i, fns, expression in statement.converters:
                for convert in fns:
                    row[i] = convert(row[i], expression, connection)
    return [_Row(*row) for row in rows]


def _sorted(rows: list[_Row], *keys: tuple[Callable[[_Row], Any], bool]) -> list[_Row]:
    """Rows in the order of `keys` (each a key and whether descending), as an ORDER BY of them would give."""
    for key, descending in reversed(keys):
        rows.sort(key=key, reverse=descending)
    return rows


_ASC, _DESC = False, True
_pk, _at, _at2, _day_of = itemgetter(1), itemgetter(2), itemgetter(3), itemgetter(4)
_t1, _t2, _o1, _o2 = itemgetter(7), itemgetter(8), itemgetter(10), itemgetter(11)

# Each kind's default ordering (as the kind's own query read it before), so events at the same moment keep it.
_MODEL_ORDER: dict[int, tuple[tuple[Callable[[_Row], Any], bool], ...]] = {
    REFERRAL: ((_pk, _ASC),),
    TRIAGE: ((_at2, _DESC), (_pk, _DESC)),
    SITTING: ((_at2, _DESC), (_pk, _DESC), (_o1, _ASC), (_o2, _ASC)),
    DECISION: ((_o1, _ASC), (_t1, _ASC), (_o2, _ASC)),
    PLAN: ((_at, _DESC), (_pk, _DESC)),
    LETTER: ((_o1, _ASC), (_t2, _ASC), (_o2, _ASC), (_t1, _ASC), (_at, _DESC)),
    RECONSIDERATION: ((_day_of, _DESC), (_pk, _DESC)),
    TRANSFER: ((_at, _DESC), (_pk, _DESC)),
    SCA_DECISION: ((_o1, _ASC), (_t2, _ASC), (_at2, _DESC), (_pk, _DESC)),
}


def _in_model_order(rows: Iterable[_Row]) -> list[_Row]:
    kinds: dict[int, list[_Row]] = {kind: [] for kind in _MODEL_ORDER}
    for row in rows:
        kinds[row.kind].append(row)
    return [row for kind, of_kind in kinds.items() for row in _sorted(of_kind, *_MODEL_ORDER[kind])]


def case_timeline(child: Child, user) -> list[TimelineEvent]:
    """Every stage's events for the child, newest first (events at the same moment in the order of their kinds
    and, within a kind, of its model)."""
    links = _Links(user)
    events = [_event(row, child, links) for row in _in_model_order(_rows(child))]
    return sorted(events, key=lambda e: e.at, reverse=True)


def _event(row: _Row, child: Child, links: _Links) -> TimelineEvent:
    kind = row.kind
    if kind == REFERRAL:
        return TimelineEvent(
            row.at,
            _day(row.at),
            gettext("Referral"),
            welsh_format(
                gettext("Referral %(reference)s received from %(organisation)s"),
                {"reference": row.t1, "organisation": name_shown(row.t2 or "", row.name_cy or "")},
            ),
            links.url(links.may(row.site, Perm.REFERRAL_TRIAGE), "triage:triage", row.t1),
        )
    if kind == TRIAGE:
        return TimelineEvent(
            row.at,
            _day(row.at),
            gettext("Triage"),
            gettext("%(outcome)s (referral %(reference)s)")
            % {"outcome": _triage_words(row.t2, row.t3 and name_shown(row.t3, row.name_cy or "")), "reference": row.t1},
            links.url(links.may(row.site, Perm.REFERRAL_TRIAGE), "triage:triage", row.t1),
        )
    if kind == SITTING:
        starts_at = row.at2
        words = (
            gettext("%(stage)s on the agenda of the panel sitting (sitting cancelled)")
            if row.t2 == MeetingStatus.CANCELLED
            else gettext("%(stage)s on the agenda of the panel sitting")
        )
        return TimelineEvent(
            # Ordered no earlier than the case was put on the agenda (a sitting may be booked before).
            max(starts_at, row.at),
            _day(starts_at),
            gettext("Sitting"),
            words % {"stage": _label(AgendaItem, "stage", row.t1)},
            links.url(links.may(row.site, Perm.PANEL_MANAGE), "panels:meeting", row.pk),
        )
    if kind == DECISION:
        words = outcome_words(row.t1, row.t3)
        if row.t2 == DecisionStatus.SUPERSEDED:
            words = gettext("%(outcome)s (since replaced by a later version)") % {"outcome": words}
        # Site-wide readers of decisions: those who record them and see every case of the site.
        may = links.may(row.site, Perm.DECISION_RECORD, Perm.CHILD_VIEW_SITE)
        return TimelineEvent(
            row.at, row.day or _day(row.at), gettext("Decision"), words, links.url(may, "decisions:detail", row.pk)
        )
    if kind == PLAN:
        return TimelineEvent(
            row.at,
            _day(row.at),
            gettext("Plan"),
            gettext("Safeguarding plan agreed (since closed)") if row.at2 else gettext("Safeguarding plan agreed"),
            links.url(links.may(child.site_id, Perm.PLAN_MANAGE), "safeguarding:plan", row.pk),
        )
    if kind == LETTER:
        return TimelineEvent(
            row.at,
            _day(row.at),
            gettext("Letter"),
            gettext("%(letter)s produced") % {"letter": _label(Letter, "kind", row.t1)},
            links.url(links.may(row.site, Perm.LETTER_PRODUCE), "letters:decision", row.pk),
        )
    if kind == RECONSIDERATION:
        return TimelineEvent(
            _start_of(row.day),
            row.day,
            gettext("Reconsideration"),
            gettext("Request to reconsider the %(stage)s decision received (%(status)s)")
            % {
                "stage": _label(Decision, "stage", row.t2).lower(),
                "status": _label(ReconsiderationRequest, "status", row.t1).lower(),
            },
            links.url(links.may(row.site, Perm.RECONSIDERATION_RECORD), "reviews:reconsideration", row.pk),
        )
    if kind == TRANSFER:
        if row.site2 is not None:
            moved = welsh_format(
                gettext("Case transferred to %(site)s"), {"site": name_shown(row.t1 or "", row.name_cy or "")}
            )
        else:
            moved = gettext("Case transferred to the Single Competent Authority")
        may = links.may(row.site, Perm.CASE_TRANSFER) or links.may(row.site2, Perm.CASE_TRANSFER)
        return TimelineEvent(
            row.at, _day(row.at), gettext("Transfer"), moved, links.url(may, "handovers:transfer", row.pk)
        )
    # The SCA's own decision on a case handed to it, as the sending site recorded it.
    return TimelineEvent(
        _start_of(row.day),
        row.day,
        gettext("SCA decision"),
        gettext("%(outcome)s (the Single Competent Authority's %(stage)s decision)")
        % {
            "outcome": outcome_words(row.t2, row.t3),
            "stage": _label(ScaReportedDecision, "stage", row.t2).lower(),
        },
        links.url(links.may(row.site, Perm.SCA_OUTCOME_RECORD), "handovers:sca-decision", row.t1),
    )
