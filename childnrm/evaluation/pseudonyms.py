"""Keyed pseudonyms for released files: HMAC-SHA256, keyed per agreement and per kind of file (ADR 0020).

The key is derived from a secret outside the database (settings.EVALUATION_PSEUDONYM_KEY, from the environment;
the SECRET_KEY when none is set), the agreement's own random salt and the kind of file. Someone holding a file
cannot reverse a pseudonym without the secret. The same child has different pseudonyms under different agreements,
and in the evaluation extract and the HTCDS export of one agreement, so no two of these files can be joined on
them: each file's small-group flag counts only its own columns (amendment 5). Within one agreement and one kind of
file the pseudonyms are stable: a second download names the same child the same way, so an agreement's extracts
still join with each other over time.
"""

from __future__ import annotations

import functools
import hashlib
import hmac

from django.conf import settings

from childnrm.evaluation.models import Dataset


@functools.lru_cache(maxsize=4)
def _master(secret: str) -> bytes:
    return hashlib.sha256(("childnrm-evaluation:" + secret).encode()).digest()


def _secret() -> str:
    return getattr(settings, "EVALUATION_PSEUDONYM_KEY", "") or settings.SECRET_KEY


def _key_message(salt: str, dataset: Dataset) -> str:
    # The extract keeps the key it was first released under (the salt alone), so its earlier releases still join
    # with later ones. Every other kind of file, now and to come, is keyed with its name as well; the salt is hex,
    # so "<salt>:<name>" can be no other agreement's salt.
    return salt if dataset == Dataset.EXTRACT else f"{salt}:{dataset.value}"


class Pseudonymiser:
    """Pseudonyms under one agreement's salt, for one kind of file (no default: a caller must name its file)."""

    def __init__(self, salt: str, *, dataset: str) -> None:
        message = _key_message(salt, Dataset(dataset))  # an unknown kind of file is refused (ValueError)
        self._key = hmac.digest(_master(_secret()), message.encode(), "sha256")

    def of(self, kind: str, record_id: int) -> str:
        """The pseudonym of a record: `kind` ("child", "case") keeps a child's and a case's apart."""
        return hmac.new(self._key, f"{kind}:{record_id}".encode(), hashlib.sha256).hexdigest()
