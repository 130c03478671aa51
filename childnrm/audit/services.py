"""Writing and checking the audit trail."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.db import connection, models, transaction
from django.http import HttpRequest
from django.utils import timezone

from childnrm.audit.chain import GENESIS_HASH, seal, seal_event
from childnrm.audit.models import AuditEvent

# One advisory lock key for the chain: appends are serialised only for the moment of the insert.
_CHAIN_LOCK_KEY = 0x43484E524D  # "CHNRM"


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


def client_ip(request: HttpRequest | None) -> str | None:
    if request is None:
        return None
    return request.META.get("REMOTE_ADDR") or None


def _object_ref(obj: models.Model | None, object_type: str, object_id: str) -> tuple[str, str]:
    if obj is not None:
        return obj._meta.label_lower, str(obj.pk)
    return object_type, object_id


def audit_record(
    *,
    action: str,
    request: HttpRequest | None = None,
    actor=None,
    obj: models.Model | None = None,
    object_type: str = "",
    object_id: str = "",
    site_id: int | None = None,
    purpose: str = "",
    detail: dict[str, Any] | None = None,
) -> AuditEvent | None:
    """Append one event to the chain, inside the caller's transaction if there is one.

    Call it last in a write transaction so the chain lock is held as briefly as possible.
    """
    if not settings.AUDIT_ENABLED:
        return None
    if actor is None and request is not None and getattr(request.user, "is_authenticated", False):
        actor = request.user
    object_type, object_id = _object_ref(obj, object_type, object_id)
    if site_id is None and obj is not None:
        site_id = getattr(obj, "site_id", None)
    role = ""
    if actor is not None:
        from childnrm.access.policy import roles_at

        role = ",".join(roles_at(actor, site_id))
    with transaction.atomic():
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("SELECT pg_advisory_xact_lock(%s)", [_CHAIN_LOCK_KEY])
        last = AuditEvent.objects.order_by("-seq").values_list("seq", "hash").first()
        seq, prev_hash = (last[0] + 1, last[1]) if last else (1, GENESIS_HASH)
        fields = dict(
            seq=seq,
            prev_hash=prev_hash,
            occurred_at=timezone.now(),
            actor_id=actor.pk if actor is not None else None,
            organisation_id=getattr(actor, "organisation_id", None),
            site_id=site_id,
            role=role,
            action=action,
            object_type=object_type,
            object_id=object_id,
            purpose=purpose,
            ip=client_ip(request),
            detail=detail or {},
        )
        return AuditEvent.objects.create(hash=seal(**fields), **fields)


@dataclass(frozen=True)
class ChainProblem:
    seq: int
    kind: str  # "altered", "deleted", "inserted"
    message: str


@dataclass(frozen=True)
class ChainReport:
    checked: int
    problems: list[ChainProblem]
    head_seq: int
    head_hash: str

    @property
    def ok(self) -> bool:
        return not self.problems


def problems_at(problems: list[ChainProblem], seq: int) -> bool:
    return bool(problems) and problems[-1].seq == seq


def _events(chunk_size: int) -> Iterator[AuditEvent]:
    return AuditEvent.objects.order_by("seq", "id").iterator(chunk_size=chunk_size)


def audit_verify(*, chunk_size: int = 5000, anchor: tuple[int, str] | None = None) -> ChainReport:
    """Walk the chain in order and report every event that does not fit.

    - altered: an event's seal no longer matches its content, but it is still linked into the chain;
    - deleted: a sequence number is missing;
    - inserted: an event that was never sealed by the service (duplicate position or bad seal and link).
    Truncation of the newest events is caught only against an `anchor` (seq, hash) kept elsewhere.
    """
    problems: list[ChainProblem] = []
    expected_seq = 1
    prev_hash = GENESIS_HASH
    prev_seq = 0
    checked = 0
    # An event whose seal fails is "altered" if the next event still links to it (it was in the chain
    # when its successor was written) and "inserted" if not; decided when the next event is read.
    unsealed: AuditEvent | None = None

    def settle(next_event: AuditEvent | None) -> None:
        nonlocal unsealed
        if unsealed is None:
            return
        if next_event is None:
            problems.append(
                ChainProblem(
                    unsealed.seq, "altered", f"Event {unsealed.seq} does not match its seal: changed or inserted"
                )
            )
        elif next_event.prev_hash == unsealed.hash:
            problems.append(
                ChainProblem(unsealed.seq, "altered", f"Event {unsealed.seq} was changed after it was written")
            )
        else:
            problems.append(
                ChainProblem(unsealed.seq, "inserted", f"Event {unsealed.seq} was not written by the service")
            )
        unsealed = None

    for event in _events(chunk_size):
        checked += 1
        if event.seq == prev_seq:
            problems.append(ChainProblem(event.seq, "inserted", f"Event {event.seq} appears twice: one was inserted"))
            continue  # keep checking later events against the original
        settle(event)
        if event.seq > expected_seq:
            missing = f"{expected_seq}" if event.seq == expected_seq + 1 else f"{expected_seq} to {event.seq - 1}"
            problems.append(ChainProblem(expected_seq, "deleted", f"Event(s) {missing} are missing: deleted"))
        elif event.prev_hash != prev_hash and not problems_at(problems, prev_seq):
            problems.append(ChainProblem(event.seq, "deleted", f"Event {event.seq} does not follow event {prev_seq}"))
        if seal_event(event) != event.hash:
            unsealed = event
        expected_seq = event.seq + 1
        prev_seq = event.seq
        prev_hash = event.hash
    settle(None)
    if anchor is not None:
        anchor_seq, anchor_hash = anchor
        if prev_seq < anchor_seq:
            problems.append(
                ChainProblem(prev_seq + 1, "deleted", f"Events after {prev_seq} up to anchor {anchor_seq} are missing")
            )
        elif not AuditEvent.objects.filter(seq=anchor_seq, hash=anchor_hash).exists():
            problems.append(ChainProblem(anchor_seq, "altered", f"Event {anchor_seq} does not match the anchor"))
    return ChainReport(checked=checked, problems=problems, head_seq=prev_seq, head_hash=prev_hash)
