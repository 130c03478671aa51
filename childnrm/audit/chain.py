"""How audit events and batch seals are signed, shared by the writer, the sealer and the verifier.

Two layers (ADR 0012):
- each event carries `hash`, an HMAC over its own fields (its `seq` included), made when it is written,
  so a row written by anyone without the key cannot pass for the service's;
- the sealer puts events into numbered batches ("seals"): a Merkle tree over the events' leaves
  (RFC 6962, as certificate-transparency logs do), its root signed with an HMAC that also covers the
  previous seal's hash, so the seals form one chain and the newest seal's hash stands for the whole trail.
"""

from __future__ import annotations

import functools
import hashlib
import hmac
import ipaddress
import json
from collections.abc import Sequence
from datetime import UTC, datetime
from typing import Any

from django.conf import settings

GENESIS_HASH = "0" * 64
# The canonical text of an event that its Merkle leaf hashes: fields joined by the unit separator.
# PostgreSQL builds it in SQL (`LEAF_TEXT_SQL`), so verifying millions of events needs no Python per field
# (hashing it is faster in Python than in SQL); `leaf_text` builds the same in Python (SQLite, and the
# test that keeps the two equal).
_SEP = "\x1f"
_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
_MICROSECOND = datetime(1970, 1, 1, 0, 0, 0, 1, tzinfo=UTC) - _EPOCH

LEAF_TEXT_SQL = (
    "concat_ws(E'\\x1f', seq::text, ((extract(epoch FROM occurred_at) * 1000000)::bigint)::text,"
    " coalesce(actor_id::text, ''), coalesce(organisation_id::text, ''), coalesce(site_id::text, ''),"
    " role, action, object_type, object_id, purpose, coalesce(host(ip), ''), detail::text, prev_hash, hash)"
)


def _key() -> bytes:
    # A key outside the database: someone who can write rows cannot forge a valid seal.
    return _derived_key(getattr(settings, "AUDIT_CHAIN_KEY", "") or settings.SECRET_KEY)


@functools.lru_cache(maxsize=4)
def _derived_key(secret: str) -> bytes:
    return hashlib.sha256(("childnrm-audit:" + secret).encode()).digest()


# The fields `seal` checks, in its order of arguments (the sealer's plain rows and the benchmark seeder read them so).
SEALED_FIELDS = (
    "seq",
    "prev_hash",
    "occurred_at",
    "actor_id",
    "organisation_id",
    "site_id",
    "role",
    "action",
    "object_type",
    "object_id",
    "purpose",
    "ip",
    "detail",
)


def seal(
    *,
    seq: int,
    prev_hash: str,
    occurred_at: datetime,
    actor_id: int | None,
    organisation_id: int | None,
    site_id: int | None,
    role: str,
    action: str,
    object_type: str,
    object_id: str,
    purpose: str,
    ip: str | None,
    detail: dict[str, Any],
    key: bytes | None = None,
) -> str:
    """The event's own HMAC. `prev_hash` is empty for events written since batch sealing; events of the
    earlier per-event chain keep theirs, so their seals still check. `key` is `_key()`, given by a caller that
    checks many events (reading the settings per event was a tenth of the sealer's time)."""
    body = json.dumps(
        [
            seq,
            prev_hash,
            occurred_at.isoformat(timespec="microseconds"),
            actor_id,
            organisation_id,
            site_id,
            role,
            action,
            object_type,
            object_id,
            purpose,
            ip,
            detail,
        ],
        sort_keys=True,
        separators=(",", ":"),
        default=str,
    )
    return hmac.digest(key or _key(), body.encode(), "sha256").hex()


def seal_event(event) -> str:
    return seal(
        seq=event.seq,
        prev_hash=event.prev_hash,
        occurred_at=event.occurred_at,
        actor_id=event.actor_id,
        organisation_id=event.organisation_id,
        site_id=event.site_id,
        role=event.role,
        action=event.action,
        object_type=event.object_type,
        object_id=event.object_id,
        purpose=event.purpose,
        ip=event.ip,
        detail=event.detail,
    )


# ------------------------------------------------------------------------------------------ Merkle leaves


def _jsonb_text(value: Any) -> str:
    """JSON as PostgreSQL's jsonb prints it: keys by length then bytes, ", " and ": " separators."""
    if isinstance(value, dict):
        keys = sorted(value, key=lambda k: (len(k.encode()), k.encode()))
        return "{" + ", ".join(f"{_jsonb_text(k)}: {_jsonb_text(value[k])}" for k in keys) + "}"
    if isinstance(value, list | tuple):
        return "[" + ", ".join(_jsonb_text(v) for v in value) + "]"
    return json.dumps(value, ensure_ascii=False)


def _ip_text(ip: str | None) -> str:
    return "" if not ip else str(ipaddress.ip_address(ip))


def leaf_text(event) -> str:
    micros = (event.occurred_at - _EPOCH) // _MICROSECOND
    parts = (
        str(event.seq),
        str(micros),
        "" if event.actor_id is None else str(event.actor_id),
        "" if event.organisation_id is None else str(event.organisation_id),
        "" if event.site_id is None else str(event.site_id),
        event.role,
        event.action,
        event.object_type,
        event.object_id,
        event.purpose,
        _ip_text(event.ip),
        _jsonb_text(event.detail),
        event.prev_hash,
        event.hash,
    )
    return _SEP.join(parts)


def leaf_hash(text: str) -> bytes:
    """A Merkle leaf hash (RFC 6962: SHA-256 of 0x00 and the leaf's data)."""
    return hashlib.sha256(b"\x00" + text.encode()).digest()


def leaf(event) -> bytes:
    return leaf_hash(leaf_text(event))


def merkle_root(leaves: Sequence[bytes]) -> str:
    """RFC 6962 tree hash: pairs hashed left to right with 0x01; an odd last node moves up unchanged."""
    if not leaves:
        return hashlib.sha256(b"").hexdigest()
    level = list(leaves)
    sha = hashlib.sha256
    while len(level) > 1:
        paired = [sha(b"\x01" + level[i] + level[i + 1]).digest() for i in range(0, len(level) - 1, 2)]
        if len(level) % 2:
            paired.append(level[-1])
        level = paired
    return level[0].hex()


def seal_hash(
    *,
    number: int,
    sealed_at: datetime,
    first_seq: int,
    last_seq: int,
    runs: list[list[int]],
    count: int,
    root: str,
    prev_hash: str,
) -> str:
    """The HMAC of one batch seal, chained to the previous seal."""
    body = json.dumps(
        [number, sealed_at.isoformat(timespec="microseconds"), first_seq, last_seq, runs, count, root, prev_hash],
        separators=(",", ":"),
    )
    return hmac.digest(_key(), b"seal:" + body.encode(), "sha256").hex()


def seal_row_hash(row) -> str:
    return seal_hash(
        number=row.number,
        sealed_at=row.sealed_at,
        first_seq=row.first_seq,
        last_seq=row.last_seq,
        runs=row.runs,
        count=row.count,
        root=row.root,
        prev_hash=row.prev_hash,
    )


def runs_of(seqs: Sequence[int]) -> list[list[int]]:
    """Ascending seqs as [first, last] runs: a batch's members, compact however dense they are."""
    runs: list[list[int]] = []
    for seq in seqs:
        if runs and seq == runs[-1][1] + 1:
            runs[-1][1] = seq
        else:
            runs.append([seq, seq])
    return runs
