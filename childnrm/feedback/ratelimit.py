"""Limits on the child's pages, which anyone can reach without signing in, and on starting sessions.

Counted per fixed window in the database, which every worker shares (kit.counters), keyed by a hash of the client's
address (audit.context.client_ip, which reads it behind the TLS proxy), never the address itself. Over a limit the
page answers 429 and does nothing else.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.http import HttpRequest

from childnrm.audit.context import client_ip
from childnrm.kit.counters import Limit, count_down, count_up

# Wrong codes typed and links that open nothing, from one address: a person mistypes a few times; guessing needs
# millions of tries. Only failures count (a try is given back once it opens the form), so a care home or office
# behind one address is not held up by its successful sessions.
FAILED_TRIES = Limit("feedback", "failed", 10, 10 * 60)
# Every request for the form by link from one address, failed or not: generous, a ceiling against floods.
FORM_REQUESTS = Limit("feedback", "form", 120, 10 * 60)
# Sessions a practitioner starts: one per child met, and a few again.
SESSION_STARTS = Limit("feedback", "start", 20, 60 * 60)


def allowed(limit: Limit, who: str) -> bool:
    """Counts one more use by `who` and says whether it is within the limit."""
    return limit.counted(who)


@dataclass(frozen=True)
class Try:
    """A try that may fail (a code typed, a link opened), counted as failed before it is checked."""

    key: str
    allowed: bool

    def give_back(self) -> None:
        """The try did not fail (the code or link opened the form, or nothing was checked): it no longer counts."""
        count_down(self.key)


def _address(request: HttpRequest) -> str:
    return client_ip(request) or "unknown"


def address_allowed(limit: Limit, request: HttpRequest) -> bool:
    return allowed(limit, _address(request))


def address_try(request: HttpRequest) -> Try:
    """Counts a try from the request's address as failed, first, and says whether it is within FAILED_TRIES.

    Counted before the code or link is checked, not after: tries sent together each see the others' counts, so a
    burst from one address gets FAILED_TRIES checked and no more. The caller gives back a try that did not fail.
    """
    key = FAILED_TRIES.key(_address(request))
    return Try(key=key, allowed=count_up(key, FAILED_TRIES.seconds * 2) <= FAILED_TRIES.count)
