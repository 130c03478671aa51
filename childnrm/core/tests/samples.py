"""Sample records that tests make once and reuse within the test (access matrices, factories), by site.

A cache of a sample's id must not outlive the test: each test's transaction is rolled back, and SQLite then gives
the same id to the next row written, so an id kept from an earlier test can name another record of the same site
(a demo decision with no outcome reviews, say), which an "is it still there" check cannot tell apart. Every cache
made here is emptied before each test by the root conftest (`_forget_samples`)."""

from __future__ import annotations

from typing import Any

_caches: list[dict[str, Any]] = []


def sample_cache() -> dict[str, Any]:
    """A dict for sample ids, emptied before every test."""
    cache: dict[str, Any] = {}
    _caches.append(cache)
    return cache


def forget_samples() -> None:
    for cache in _caches:
        cache.clear()
