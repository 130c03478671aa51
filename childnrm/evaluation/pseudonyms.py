"""Keyed pseudonyms for released files: HMAC-SHA256, keyed per agreement (ADR 0020).

The key is derived from a secret outside the database (settings.EVALUATION_PSEUDONYM_KEY, from the environment;
the SECRET_KEY when none is set) and the agreement's own random salt. Someone holding a file cannot reverse a
pseudonym without the secret, and the same child has different pseudonyms under different agreements, so two
releases cannot be joined on them. Within one agreement the pseudonyms are stable: a second download names the
same child the same way.
"""

from __future__ import annotations

import functools
import hashlib
import hmac

from django.conf import settings


@functools.lru_cache(maxsize=4)
def _master(secret: str) -> bytes:
    return hashlib.sha256(("childnrm-evaluation:" + secret).encode()).digest()


def _secret() -> str:
    return getattr(settings, "EVALUATION_PSEUDONYM_KEY", "") or settings.SECRET_KEY


class Pseudonymiser:
    """Pseudonyms under one agreement's salt."""

    def __init__(self, salt: str) -> None:
        self._key = hmac.digest(_master(_secret()), salt.encode(), "sha256")

    def of(self, kind: str, record_id: int) -> str:
        """The pseudonym of a record: `kind` ("child", "case") keeps a child's and a case's apart."""
        return hmac.new(self._key, f"{kind}:{record_id}".encode(), hashlib.sha256).hexdigest()
