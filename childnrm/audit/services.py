"""Writing and checking the audit trail."""

from __future__ import annotations

import bisect
import hashlib
import json
import logging
import os
import queue
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.mail import send_mail
from django.db import connection, models, transaction
from django.db.models import Q, Sum
from django.utils import timezone

from childnrm.audit.chain import (
    GENESIS_HASH,
    LEAF_TEXT_SQL,
    SEALED_FIELDS,
    _key,
    leaf,
    leaf_hash,
    merkle_root,
    runs_of,
    seal,
    seal_event,
    seal_hash,
    seal_row_hash,
)
from childnrm.audit.context import AuditContext
from childnrm.audit.models import AuditEvent, AuditSeal

logger = logging.getLogger(__name__)

# Only these environments may switch auditing off (their own settings modules do it; ADR 0012).
AUDIT_SWITCHABLE_IN = frozenset({"bench", "test"})

# The roles an actor holds at a site (all sites when None), recorded with each event. The access policy knows
# them and sits above audit (.importlinter), so it registers its `roles_at` here when ready (access.apps).
ACTOR_ROLES: list[Callable[[Any, int | None], list[str]]] = []


class Action:
    VIEW = "view"
    LIST = "list"
    CREATE = "create"
    UPDATE = "update"
    DELETE = "delete"
    DOWNLOAD = "download"
    EXPORT = "export"
    SIGN_IN = "sign_in"
    SIGN_IN_FAILED = "sign_in_failed"
    SECOND_FACTOR_FAILED = "second_factor_failed"
    SIGN_OUT = "sign_out"
    LOCKED_OUT = "locked_out"
    ENROL_SECOND_FACTOR = "enrol_second_factor"
    PASSWORD_RESET = "password_reset"
    REFUSED = "refused"  # a 403 or 404 on a record: probing leaves an attributable trace


def _object_ref(obj: models.Model | None, object_type: str, object_id: str) -> tuple[str, str]:
    if obj is not None:
        return obj._meta.label_lower, str(obj.pk)
    return object_type, object_id


def auditing_on() -> bool:
    """Auditing is always on, except where the bench or the tests switch it off in their own settings."""
    return settings.AUDIT_ENABLED or settings.ENVIRONMENT not in AUDIT_SWITCHABLE_IN


def _next_seq() -> int:
    """The new event's position on SQLite: max + 1 (SQLite lets one writer at a time in anyway)."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT coalesce(max(seq), 0) + 1 FROM audit_auditevent")
        return cursor.fetchone()[0]


# On PostgreSQL each process takes seqs from the id sequence a block at a time, so an event is one INSERT and no
# other round trip (ADR 0012, "one statement per event"). A block is used only by the process and database that
# took it, and only for SEQ_BLOCK_SECONDS: an unused seq is a hole like a rolled-back one, and a late event is
# sealed as late well inside the sealer's grace (AUDIT_LATE_GRACE_SECONDS).
SEQ_BLOCK = 32
SEQ_BLOCK_SECONDS = 30.0
TAKE_SEQ_BLOCK = "SELECT nextval(pg_get_serial_sequence('audit_auditevent', 'id')) FROM generate_series(1, %s)"


@dataclass
class _TakenSeqs:
    owner: tuple[int, str] = (0, "")  # (process id, database name)
    taken_at: float = 0.0
    seqs: list[int] = field(default_factory=list)


_taken = _TakenSeqs()
_taken_lock = threading.Lock()


def forget_taken_seqs() -> None:
    """Drop this process's block: call after the id sequence is set back (a restore, the benchmark's load)."""
    with _taken_lock:
        _taken.seqs.clear()


def _next_pg_seq() -> int:
    owner = (os.getpid(), str(connection.settings_dict["NAME"]))
    now = time.monotonic()
    with _taken_lock:
        if not _taken.seqs or _taken.owner != owner or now - _taken.taken_at > SEQ_BLOCK_SECONDS:
            with connection.cursor() as cursor:
                cursor.execute(TAKE_SEQ_BLOCK, [SEQ_BLOCK])
                _taken.seqs[:] = sorted(row[0] for row in cursor.fetchall())
            _taken.owner, _taken.taken_at = owner, now
        return _taken.seqs.pop(0)


_PG_INSERT = (
    "INSERT INTO audit_auditevent (id, seq, prev_hash, occurred_at, actor_id, organisation_id, site_id, role,"
    " action, object_type, object_id, purpose, ip, detail, hash)"
    " VALUES (%s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s)"
)
# The INSERT's columns between (id, seq) and (detail, hash): the sealed fields, in the order the seal reads them.
_FIELD_ORDER = SEALED_FIELDS[SEALED_FIELDS.index("prev_hash") : SEALED_FIELDS.index("detail")]


def _insert_pg(fields: dict[str, Any]) -> AuditEvent:
    """One INSERT, without the ORM's save machinery: the id is the seq (both from the id sequence)."""
    seq = _next_pg_seq()
    event = AuditEvent(id=seq, seq=seq, hash=seal(seq=seq, **fields), **fields)
    detail = AuditEvent._meta.get_field("detail").get_db_prep_value(event.detail, connection)
    with connection.cursor() as cursor:
        cursor.execute(_PG_INSERT, [seq, seq, *(fields[name] for name in _FIELD_ORDER), detail, event.hash])
    event._state.adding = False  # as if saved: it is, in the caller's transaction
    event._state.db = connection.alias
    return event


def audit_record(
    *,
    action: str,
    context: AuditContext | None = None,
    actor=None,
    obj: models.Model | None = None,
    object_type: str = "",
    object_id: str = "",
    site_id: int | None = None,
    purpose: str = "",
    detail: dict[str, Any] | None = None,
) -> AuditEvent | None:
    """Append one event, inside the caller's transaction if there is one (it goes if the change goes).

    No lock is taken: the event gets its own `seq` and HMAC here and is sealed into a batch later by
    `audit_seal` (ADR 0012). The `context` gives the actor, address, site and purpose (its amendment of
    2026-12-04); an `actor`, `site_id` or `purpose` given here wins, and the record's own site comes before the
    context's.
    """
    if not auditing_on():
        return None
    object_type, object_id = _object_ref(obj, object_type, object_id)
    if site_id is None and obj is not None:
        site_id = getattr(obj, "site_id", None)
    fields = _event_fields(
        action=action,
        context=context,
        actor=actor,
        object_type=object_type,
        object_id=object_id,
        site_id=site_id,
        purpose=purpose,
        detail=detail,
    )
    if connection.vendor == "postgresql":
        return _insert_pg(fields)  # in the caller's transaction, if any: it goes if the change goes
    with transaction.atomic(savepoint=False):  # no savepoint round trips: it fails with the caller's change
        seq = _next_seq()
        return AuditEvent.objects.create(seq=seq, hash=seal(seq=seq, **fields), **fields)


def _event_fields(
    *,
    action: str,
    context: AuditContext | None,
    actor,
    object_type: str,
    object_id: str,
    site_id: int | None,
    purpose: str,
    detail: dict[str, Any] | None,
) -> dict[str, Any]:
    """An event's sealed fields but its seq: the actor, site and purpose given, else the context's."""
    if actor is None and context is not None:
        actor = context.actor
    if site_id is None and context is not None:
        site_id = context.site_id
    if not purpose and context is not None:
        purpose = context.purpose
    role = ""
    if actor is not None:
        if not ACTOR_ROLES:  # an event without the actor's role would be incomplete: never record one
            raise RuntimeError("No source of actors' roles is registered: is the access app installed?")
        role = ",".join(r for roles_at in ACTOR_ROLES for r in roles_at(actor, site_id))
    # The same values are hashed and stored, so they are gathered once.
    return dict(
        prev_hash="",
        occurred_at=timezone.now(),
        actor_id=actor.pk if actor is not None else None,
        organisation_id=(
            getattr(actor, "organisation_id", None)
            if actor is not None
            else (context.organisation_id if context is not None else None)
        ),
        site_id=site_id,
        role=role,
        action=action,
        object_type=object_type,
        object_id=object_id,
        purpose=purpose,
        ip=context.ip if context is not None else None,
        detail=detail or {},
    )


AUDIT_MANY_BATCH = 1000  # rows per INSERT statement


def audit_record_many(
    *,
    action: str,
    object_type: str,
    object_ids: list[int] | list[str],
    context: AuditContext | None = None,
    actor=None,
    site_id: int | None = None,
    purpose: str = "",
    detail: dict[str, Any] | None = None,
) -> int:
    """The same event about each of many records of one type, written in bulk (a release of thousands of cases:
    one event per case, so each child's audit page reaches it, ADR 0013). Returns how many were written.

    Each event is an ordinary one (its own seq and HMAC, sealed later like any other), only written together: the
    seqs are taken in one statement (PostgreSQL: from the id sequence; SQLite: after the highest, the writer holding
    the database) and the rows inserted AUDIT_MANY_BATCH at a time, in the caller's transaction."""
    ids = [str(i) for i in dict.fromkeys(object_ids)]
    if not auditing_on() or not ids:
        return 0
    common = _event_fields(
        action=action,
        context=context,
        actor=actor,
        object_type=object_type,
        object_id="",
        site_id=site_id,
        purpose=purpose,
        detail=detail,
    )
    with transaction.atomic(savepoint=False):
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute(TAKE_SEQ_BLOCK, [len(ids)])
                seqs = sorted(row[0] for row in cursor.fetchall())
        else:
            first = _next_seq()
            seqs = list(range(first, first + len(ids)))
        events = []
        for seq, object_id in zip(seqs, ids, strict=True):
            fields = {**common, "object_id": object_id}
            event = AuditEvent(seq=seq, hash=seal(seq=seq, **fields), **fields)
            if connection.vendor == "postgresql":
                event.id = seq  # as `_insert_pg`: the id is the seq (both from the id sequence)
            events.append(event)
        AuditEvent.objects.bulk_create(events, batch_size=AUDIT_MANY_BATCH)
    return len(events)


# ---------------------------------------------------------------------------------------------- sealing

# Only sealers take this lock (one sealer at a time); writers never wait for it.
_SEAL_LOCK_KEY = 0x43484E5345  # "CHNSE"
SEAL_BATCH = 50_000  # events in one seal at most
_QUERY_RANGES = 200  # seq ranges in one query (SQLite's expression depth)


@dataclass
class SealRun:
    seals: int = 0
    events: int = 0
    refused: list[int] = field(default_factory=list)  # seqs whose own HMAC fails: never sealed


def _late_grace() -> timedelta:
    # How long a hole stays open for a transaction that took its seq before a seal and committed after.
    return timedelta(seconds=getattr(settings, "AUDIT_LATE_GRACE_SECONDS", 3600))


def _subtract(intervals: list[list[int]], cuts: list[list[int]]) -> list[list[int]]:
    """Seq ranges in `intervals` not in `cuts` (each a list of disjoint [first, last]), in one sweep over both
    sorted: the sealer runs this over every open hole each time, so it must not be intervals x cuts."""
    result: list[list[int]] = []
    cuts = sorted(cuts)
    start = 0
    for lo, hi in sorted(intervals):
        while start < len(cuts) and cuts[start][1] < lo:
            start += 1
        k = start
        while k < len(cuts) and cuts[k][0] <= hi and lo <= hi:
            c_lo, c_hi = cuts[k]
            if c_lo > lo:
                result.append([lo, c_lo - 1])
            lo = max(lo, c_hi + 1)
            k += 1
        if lo <= hi:
            result.append([lo, hi])
    return result


@dataclass(frozen=True, slots=True)
class _Candidate:
    """An event the sealer may seal: its seq, whether its own HMAC holds (the service wrote it), its Merkle leaf."""

    seq: int
    valid: bool
    leaf: bytes


def _candidate(event: AuditEvent) -> _Candidate:
    return _Candidate(event.seq, seal_event(event) == event.hash, leaf(event))


# The sealer reads plain rows on PostgreSQL, not models: building 50,000 models a batch was most of its time
# (ADR 0012, "the sealer reads tuples"). The values are the ones the ORM would give `seal_event` (the same
# connection's loaders: timestamptz as UTC datetimes, inet and jsonb as text, the JSON then decoded as
# JSONField decodes it), so the HMAC is checked on the same input.
_PG_CANDIDATE_COLUMNS = ", ".join([*(f"e.{name}" for name in SEALED_FIELDS), "e.hash", LEAF_TEXT_SQL])


def _pg_candidates(query: str, params: list[Any]) -> list[_Candidate]:
    with connection.cursor() as cursor:
        cursor.execute(query, params)
        rows = cursor.fetchall()
    candidates = []
    loads, key = json.loads, _key()
    for *values, mac, text in rows:
        event = dict(zip(SEALED_FIELDS, values, strict=True))
        detail = event["detail"]
        event["detail"] = {} if detail == "{}" else loads(detail) if isinstance(detail, str) else detail
        expected = seal(**event, key=key)
        candidates.append(_Candidate(event["seq"], expected == mac, leaf_hash(text)))
    return candidates


def _new_candidates(after: int, limit: int) -> list[_Candidate]:
    """The next `limit` events after seq `after`, in seq order."""
    if connection.vendor == "postgresql":
        query = f"SELECT {_PG_CANDIDATE_COLUMNS} FROM audit_auditevent e WHERE e.seq > %s ORDER BY e.seq LIMIT %s"  # noqa: S608 - constant SQL
        return _pg_candidates(query, [after, limit])
    return [_candidate(e) for e in AuditEvent.objects.filter(seq__gt=after).order_by("seq")[:limit]]


def _candidates_in(ranges: list[list[int]]) -> list[_Candidate]:
    """The events whose seq is in any of `ranges`. On PostgreSQL one statement probes the seq index once per
    range (hundreds of open holes cost milliseconds); SQLite gets ORed range conditions."""
    if not ranges:
        return []
    if connection.vendor == "postgresql":
        query = (
            f"SELECT {_PG_CANDIDATE_COLUMNS} FROM unnest(%s::bigint[], %s::bigint[]) AS h(lo, hi)"  # noqa: S608 - constant SQL; the ranges are parameters
            " JOIN audit_auditevent e ON e.seq BETWEEN h.lo AND h.hi"
        )
        return _pg_candidates(query, [[lo for lo, _ in ranges], [hi for _, hi in ranges]])
    return [_candidate(e) for q in _in_ranges(ranges) for e in AuditEvent.objects.filter(q)]


def _in_ranges(ranges: list[list[int]]) -> Iterator[Q]:
    for start in range(0, len(ranges), _QUERY_RANGES):
        query = Q()
        for lo, hi in ranges[start : start + _QUERY_RANGES]:
            query |= Q(seq__gte=lo, seq__lte=hi)
        yield query


def _open_holes(now: datetime) -> list[list[int]]:
    """Holes of recent seals that no later seal has filled: where a late event may still arrive."""
    recent = AuditSeal.objects.filter(sealed_at__gte=now - _late_grace()).values_list("first_seq", "runs", "holes")
    holes: list[list[int]] = []
    late: list[list[int]] = []
    for first_seq, runs, seal_holes in recent:
        holes.extend(seal_holes)
        late.extend(run for run in runs if run[0] < first_seq)
    return _subtract(holes, late) if holes else []


def _seal_one_batch(batch_size: int, run: SealRun) -> bool:
    """Seal the next batch in one transaction; False when there was nothing to seal."""
    with transaction.atomic():
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("SELECT pg_advisory_xact_lock(%s)", [_SEAL_LOCK_KEY])
        now = timezone.now()
        head = AuditSeal.objects.order_by("-number").first()
        head_last = head.last_seq if head else 0
        late = _candidates_in(_open_holes(now))
        new = _new_candidates(head_last, batch_size)
        valid = []
        for event in sorted(late, key=lambda e: e.seq) + new:
            if event.valid:
                valid.append(event)
            elif event.seq not in run.refused:
                run.refused.append(event.seq)
                logger.warning("Audit event %s does not match its HMAC: not sealed", event.seq)
        valid_late = [e for e in valid if e.seq <= head_last]
        if not new and not valid_late:
            return False
        first_seq, last_seq = head_last + 1, (new[-1].seq if new else head_last)
        sealed_new = [e.seq for e in valid if e.seq > head_last]
        fields: dict[str, Any] = dict(
            number=(head.number + 1) if head else 1,
            sealed_at=now,
            first_seq=first_seq,
            last_seq=last_seq,
            runs=runs_of([e.seq for e in valid]),
            count=len(valid),
            root=merkle_root([e.leaf for e in valid]),
            prev_hash=head.hash if head else GENESIS_HASH,
        )
        holes = _subtract([[first_seq, last_seq]], runs_of(sealed_new)) if last_seq >= first_seq else []
        AuditSeal.objects.create(hash=seal_hash(**fields), holes=holes, **fields)
    run.seals += 1
    run.events += len(valid)
    return True


def audit_seal(*, batch_size: int = SEAL_BATCH, max_batches: int | None = None) -> SealRun:
    """Seal every committed event not sealed yet, in order, in batches (run often: ADR 0012).

    Events whose own HMAC fails were not written by the service: they are left out (and logged by seq),
    so `audit_verify` reports them as inserted.
    """
    run = SealRun()
    while (max_batches is None or run.seals < max_batches) and _seal_one_batch(batch_size, run):
        pass
    return run


# ------------------------------------------------------------------------------------------ verification


@dataclass(frozen=True)
class ChainProblem:
    seq: int
    kind: str  # "altered", "deleted", "inserted", "truncated", "empty"
    message: str


@dataclass(frozen=True)
class ChainReport:
    checked: int
    problems: list[ChainProblem]
    head_seal: int  # the newest seal's number and hash: the anchor to keep elsewhere
    head_hash: str
    head_seq: int  # the newest sealed event
    unsealed: int = 0  # events written by the service but not sealed (yet)

    @property
    def ok(self) -> bool:
        return not self.problems

    @property
    def anchor(self) -> str:
        return f"{self.head_seal}:{self.head_hash}"


def _check_seals(seals: list[AuditSeal], problems: list[ChainProblem]) -> None:
    """The seals' own chain: numbered from 1 without gaps, each signed and linked to the one before."""
    expected, prev_hash = 1, GENESIS_HASH
    for row in seals:
        if row.number > expected:
            problems.append(
                ChainProblem(row.first_seq, "deleted", f"Seal(s) {expected} to {row.number - 1} are missing: deleted")
            )
        if seal_row_hash(row) != row.hash:
            problems.append(ChainProblem(row.first_seq, "altered", f"Seal {row.number} does not match its HMAC"))
        elif row.prev_hash != prev_hash and row.number == expected:
            message = f"Seal {row.number} does not follow the one before"
            problems.append(ChainProblem(row.first_seq, "inserted", message))
        expected, prev_hash = row.number + 1, row.hash


@dataclass
class _Walk:
    """What one pass over every event in seq order finds."""

    checked: int = 0
    bad_seals: list[AuditSeal] = field(default_factory=list)
    outside: list[int] = field(default_factory=list)  # seqs in no seal's runs
    duplicates: list[int] = field(default_factory=list)


def _event_leaves(chunk_size: int) -> Iterator[tuple[list[int], list[bytes]]]:
    """Every event's seq and Merkle leaf hash, in seq order, a chunk at a time."""
    if connection.vendor == "postgresql":
        yield from _pg_event_leaves(chunk_size)
        return
    chunk: list[AuditEvent] = []
    for event in AuditEvent.objects.order_by("seq", "id").iterator(chunk_size=chunk_size):
        chunk.append(event)
        if len(chunk) == chunk_size:
            yield [e.seq for e in chunk], [leaf(e) for e in chunk]
            chunk = []
    if chunk:
        yield [e.seq for e in chunk], [leaf(e) for e in chunk]


def _pg_event_leaves(chunk_size: int) -> Iterator[tuple[list[int], list[bytes]]]:
    """PostgreSQL builds each leaf's text while Python hashes the previous chunk: a second thread fetches
    from a server-side cursor (in this connection's transaction, so it sees what the caller sees)."""
    chunks: queue.Queue = queue.Queue(maxsize=4)

    def fetch(raw) -> None:
        try:
            with raw.cursor(name="audit_verify_walk") as cursor:
                cursor.itersize = chunk_size
                cursor.execute(f"SELECT seq, {LEAF_TEXT_SQL} FROM audit_auditevent ORDER BY seq")  # noqa: S608
                while rows := cursor.fetchmany(chunk_size):
                    chunks.put(rows)
            chunks.put(None)
        except Exception as error:  # handed to the reading thread, which raises it
            chunks.put(error)

    sha256 = hashlib.sha256
    with transaction.atomic():
        connection.ensure_connection()
        fetcher = threading.Thread(target=fetch, args=(connection.connection,), daemon=True)
        fetcher.start()
        while (rows := chunks.get()) is not None:
            if isinstance(rows, Exception):
                raise rows
            yield [row[0] for row in rows], [sha256(b"\x00" + row[1].encode()).digest() for row in rows]
        fetcher.join()


def _walk(seals: list[AuditSeal], chunk_size: int) -> _Walk:
    """Stream every event's leaf, rebuild each seal's Merkle root and compare; note what fits no seal."""
    walk = _Walk()
    members = sorted((lo, hi, i) for i, row in enumerate(seals) for lo, hi in row.runs)
    by_last = sorted(range(len(seals)), key=lambda i: seals[i].last_seq)
    leaves: dict[int, list[bytes]] = {}
    m = f = 0
    prev_seq = 0

    def finish(i: int) -> None:
        got = leaves.pop(i, [])
        if len(got) != seals[i].count or merkle_root(got) != seals[i].root:
            walk.bad_seals.append(seals[i])

    for seqs, digests in _event_leaves(chunk_size):
        walk.checked += len(seqs)
        i, n = 0, len(seqs)
        while i < n:
            seq = seqs[i]
            if seq == prev_seq:
                walk.duplicates.append(seq)
                i += 1
                continue
            while f < len(by_last) and seals[by_last[f]].last_seq < seq:
                finish(by_last[f])
                f += 1
            while m < len(members) and members[m][1] < seq:
                m += 1
            if m < len(members) and members[m][0] <= seq:
                # Every event up to the run's end goes to the same seal: take them in one slice.
                j = bisect.bisect_right(seqs, members[m][1], i, n)
                if len(set(seqs[i:j])) == j - i:
                    leaves.setdefault(members[m][2], []).extend(digests[i:j])
                    prev_seq, i = seqs[j - 1], j
                    continue
                leaves.setdefault(members[m][2], []).append(digests[i])
            else:
                walk.outside.append(seq)
            prev_seq = seq
            i += 1
    for i in by_last[f:]:
        finish(i)
    return walk


def _rows(ranges: list[list[int]]) -> Iterator[AuditEvent]:
    for query in _in_ranges(ranges):
        yield from AuditEvent.objects.filter(query).order_by("seq", "id")


def _explain_seal(row: AuditSeal, problems: list[ChainProblem]) -> None:
    """A seal whose events no longer give its root: say which were changed and which are gone."""
    before = len(problems)
    present: set[int] = set()
    for event in _rows(row.runs):
        if event.seq in present:
            continue  # a duplicate: reported with the duplicates
        present.add(event.seq)
        if seal_event(event) != event.hash:
            problems.append(ChainProblem(event.seq, "altered", f"Event {event.seq} was changed after it was written"))
    for lo, hi in _subtract(row.runs, runs_of(sorted(present))):
        missing = f"{lo}" if lo == hi else f"{lo} to {hi}"
        problems.append(ChainProblem(lo, "deleted", f"Event(s) {missing} are missing: deleted"))
    if len(problems) == before:
        problems.append(ChainProblem(row.first_seq, "altered", f"Seal {row.number} does not match its events"))


def _explain_outside(seqs: list[int], problems: list[ChainProblem]) -> int:
    """Events in no seal: forged ones are inserted; the service's own are unsealed. Returns how many of those."""
    unsealed = 0
    for event in _rows(runs_of(seqs)):
        if seal_event(event) != event.hash:
            problems.append(ChainProblem(event.seq, "inserted", f"Event {event.seq} was not written by the service"))
        else:
            unsealed += 1
    return unsealed


def _explain_duplicates(seqs: list[int], problems: list[ChainProblem]) -> None:
    for seq in sorted(set(seqs)):
        events = list(AuditEvent.objects.filter(seq=seq).order_by("id"))
        forged = [e for e in events if seal_event(e) != e.hash] or events[1:]
        problems.extend(
            ChainProblem(seq, "inserted", f"Event {seq} appears twice: one was inserted") for _ in forged[:1]
        )


def _check_anchor(anchor: tuple[int, str], seals: list[AuditSeal], problems: list[ChainProblem]) -> None:
    number, digest = anchor
    head = seals[-1].number if seals else 0
    if number == 0:
        return
    if not seals:
        problems.append(ChainProblem(0, "empty", f"The trail is empty, but the anchor names seal {number}"))
    elif head < number:
        problems.append(
            ChainProblem(
                seals[-1].last_seq + 1,
                "truncated",
                f"Seals after {head} up to the anchor's seal {number} are missing: the newest events were removed",
            )
        )
    elif not any(row.number == number and row.hash == digest for row in seals):
        problems.append(ChainProblem(0, "altered", f"Seal {number} does not match the anchor"))


def audit_verify(
    *, chunk_size: int = 20_000, anchor: tuple[int, str] | None = None, seal_first: bool = True
) -> ChainReport:
    """Check the whole trail and report every event and seal that does not fit.

    - altered: an event (or seal) no longer matches its HMAC;
    - deleted: a sealed event, or a seal, is missing;
    - inserted: an event the service never wrote (its HMAC fails and no seal holds it), or a duplicate;
    - truncated / empty: against an `anchor` (seal number, hash) kept outside the database, the newest
      seals, or all of them, are gone.
    Pending events are sealed first (`seal_first`), so a clean report covers every committed event.
    """
    if seal_first:
        audit_seal()
    problems: list[ChainProblem] = []
    seals = list(AuditSeal.objects.order_by("number"))
    _check_seals(seals, problems)
    walk = _walk(seals, chunk_size)
    for row in walk.bad_seals:
        _explain_seal(row, problems)
    unsealed = _explain_outside(walk.outside, problems)
    _explain_duplicates(walk.duplicates, problems)
    if anchor is not None:
        _check_anchor(anchor, seals, problems)
    problems.sort(key=lambda p: p.seq)
    head = seals[-1] if seals else None
    return ChainReport(
        checked=walk.checked,
        problems=problems,
        head_seal=head.number if head else 0,
        head_hash=head.hash if head else GENESIS_HASH,
        head_seq=head.last_seq if head else 0,
        unsealed=unsealed,
    )


# ---------------------------------------------------------------------------------------------- anchors


def anchor_directory() -> Path:
    return Path(settings.AUDIT_ANCHOR_DIR)


def audit_anchor_write(*, directory: Path | None = None) -> Path:
    """Seal, then write the newest seal's number and hash to a file outside the database (and email it).

    Run daily (`manage.py audit_anchor`). With the anchor, `audit_verify` sees a truncated or emptied
    trail, which the trail alone cannot show.
    """
    audit_seal()
    head = AuditSeal.objects.order_by("-number").first()
    now = timezone.now()
    anchor = {
        "seal": head.number if head else 0,
        "hash": head.hash if head else GENESIS_HASH,
        "last_seq": head.last_seq if head else 0,
        "events_sealed": AuditSeal.objects.aggregate(n=Sum("count"))["n"] or 0,
        "written_at": now.isoformat(timespec="seconds"),
    }
    directory = directory or anchor_directory()
    directory.mkdir(parents=True, exist_ok=True)
    path = directory / f"audit-anchor-{now:%Y%m%dT%H%M%S%fZ}.json"
    temporary = path.with_suffix(".tmp")
    with open(os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600), "w") as handle:
        json.dump(anchor, handle)
    temporary.rename(path)
    recipients = list(getattr(settings, "AUDIT_ANCHOR_EMAILS", []))
    if recipients:
        send_mail(
            subject=f"{settings.SERVICE_NAME}: audit anchor, seal {anchor['seal']}",
            message=f"Keep this line. Check the trail with `manage.py audit_verify --anchor {anchor['seal']}:"
            f"{anchor['hash']}`.\n\n{json.dumps(anchor)}\n",
            from_email=None,
            recipient_list=recipients,
        )
    return path


def anchor_read(path: Path) -> tuple[int, str]:
    data = json.loads(path.read_text())
    return int(data["seal"]), str(data["hash"])


def anchor_latest(directory: Path | None = None) -> Path | None:
    """The newest anchor file written by `audit_anchor_write` (names sort by time)."""
    files = sorted((directory or anchor_directory()).glob("audit-anchor-*.json"))
    return files[-1] if files else None
