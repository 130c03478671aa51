"""Counts every worker and server shares: the limits on PDF rendering (kit.pdf) and on the child's pages
(feedback.ratelimit).

Kept in settings.CACHES["shared"] (the database's cache table): a count in each gunicorn worker's own memory lets
every worker take the limit again. The database cache increments by reading then writing, so tries at the same
instant may count once: a small give, in limits set far below what they guard against.
"""

from __future__ import annotations

from contextlib import suppress

from django.core.cache import BaseCache, caches


def shared_cache() -> BaseCache:
    return caches["shared"]


def count_up(key: str, timeout: int) -> int:
    """One more on `key` (kept `timeout` seconds from its first count); the count now."""
    cache = shared_cache()
    cache.add(key, 0, timeout)
    try:
        return cache.incr(key)
    except ValueError:  # expired between add and incr
        cache.add(key, 1, timeout)
        return 1


def count_down(key: str) -> None:
    """One less on `key`, unless it has expired meanwhile."""
    with suppress(ValueError):
        shared_cache().decr(key)


def count_of(key: str) -> int:
    return shared_cache().get(key) or 0
