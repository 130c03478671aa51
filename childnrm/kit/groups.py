"""Groups joined by pairs: records linked as one child, directly or through others."""

from __future__ import annotations

from collections.abc import Hashable, Iterable
from typing import TypeVar

T = TypeVar("T", bound=Hashable)


def groups_of(pairs: Iterable[tuple[T, T]]) -> dict[T, T]:
    """Each member of the pairs mapped to the least member of its group: members joined by a pair, directly or
    through others (A with B and B with C make one group). Union-find, one pass over the pairs."""
    parent: dict = {}

    def root(x):
        parent.setdefault(x, x)
        while parent[x] != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    for a, b in pairs:
        ra, rb = root(a), root(b)
        if ra != rb:
            low, high = sorted((ra, rb))
            parent[high] = low
    return {x: root(x) for x in list(parent)}
