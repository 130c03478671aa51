"""How an audit event is sealed, shared by the writer and the verifier."""

from __future__ import annotations

import hashlib
import hmac
import json
from datetime import datetime
from typing import Any

from django.conf import settings

GENESIS_HASH = "0" * 64


def _key() -> bytes:
    # A key outside the database: someone who can write rows cannot forge a valid seal.
    key = getattr(settings, "AUDIT_CHAIN_KEY", "") or settings.SECRET_KEY
    return hashlib.sha256(("childnrm-audit:" + key).encode()).digest()


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
) -> str:
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
    return hmac.new(_key(), body.encode(), hashlib.sha256).hexdigest()


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
