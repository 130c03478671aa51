"""The one-time code and link that open a child's feedback form without signing in (ADR 0022).

- The code: 8 characters from an alphabet without look-alikes (no I, O, 0 or 1), shown as ABCD-EFGH for the
  practitioner to read out or type in. About 10^12 codes; with a 30-minute life and the rate limit on the code
  page, guessing one is not practical. Only a keyed hash of it is stored.
- The link: the session's id and its code, signed with a timestamp (Django's TimestampSigner, its own salt), so
  it cannot be made up or changed and stops working after the session's life even before the database says so.

Both lead to the same session; the database decides whether it is still open (not answered, not cancelled,
not expired), so a link or code works once.

A genuine link past its life still names its session (`read_token(..., any_age=True)`), so answers sent after the
time ran out are shown back to the child rather than lost; they are saved only with a new code (ADR 0022,
amendment 4). The life itself is never extended.
"""

from __future__ import annotations

import secrets
from datetime import timedelta

from django.conf import settings
from django.core import signing
from django.utils.crypto import constant_time_compare, salted_hmac

CODE_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"
CODE_LENGTH = 8
_SALT = "childnrm.feedback.link"
_HASH_SALT = "childnrm.feedback.code"
LIFE_MINUTES = 30  # settings.FEEDBACK_LINK_MINUTES overrides


def life() -> timedelta:
    return timedelta(minutes=getattr(settings, "FEEDBACK_LINK_MINUTES", LIFE_MINUTES))


def new_code() -> str:
    return "".join(secrets.choice(CODE_ALPHABET) for _ in range(CODE_LENGTH))


def normalise(typed: str) -> str:
    """What someone typed, as a code: capitals, without the spaces or dash it may have been written with."""
    return "".join(ch for ch in (typed or "").upper() if ch.isalnum())


def shown(code: str) -> str:
    """ABCD-EFGH: easier to read out and type in."""
    return f"{code[:4]}-{code[4:]}"


def code_hash(code: str) -> str:
    return salted_hmac(_HASH_SALT, code, algorithm="sha256").hexdigest()


def matches(code: str, stored_hash: str) -> bool:
    return constant_time_compare(code_hash(code), stored_hash)


def make_token(session_id: int, code: str) -> str:
    return signing.TimestampSigner(salt=_SALT).sign(f"{session_id}-{code}")


def read_token(token: str, *, any_age: bool = False) -> tuple[int, str] | None:
    """(session id, code) from a link that is genuine and within its life; None for anything else. With `any_age`,
    a genuine link whatever its age: only to find the session whose time ran out while the child was answering."""
    try:
        value = signing.TimestampSigner(salt=_SALT).unsign(token, max_age=None if any_age else life())
    except signing.BadSignature:  # SignatureExpired is one too
        return None
    session_id, _, code = value.partition("-")
    if not session_id.isdigit() or len(code) != CODE_LENGTH:
        return None
    return int(session_id), code
