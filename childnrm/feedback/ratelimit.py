"""Limits on the child's pages, which anyone can reach without signing in, and on starting sessions.

Counted per fixed window in the cache every worker shares (kit.counters), keyed by a hash of the client's address
(audit.context.client_ip, which reads it behind the TLS proxy), never the address itself. Over a limit the page
answers 429 and does nothing else.
"""

from __future__ import annotations

import time
from dataclasses import dataclass

from django.http import HttpRequest
from django.utils.crypto import salted_hmac

from childnrm.audit.context import client_ip
from childnrm.kit.counters import count_of, count_up


@dataclass(frozen=True)
class Limit:
    name: str
    count: int
    seconds: int


# Wrong codes typed and links that open nothing, from one address: a person mistypes a few times; guessing needs
# millions of tries. Only failures count, so a care home or office behind one address is not held up by its
# successful sessions.
FAILED_TRIES = Limit("failed", 10, 10 * 60)
# Every request for the form by link from one address, failed or not: generous, a ceiling against floods.
FORM_REQUESTS = Limit("form", 120, 10 * 60)
# Sessions a practitioner starts: one per child met, and a few again.
SESSION_STARTS = Limit("start", 20, 60 * 60)


def _key(limit: Limit, who: str) -> str:
    window = int(time.time() // limit.seconds)
    who_hash = salted_hmac("childnrm.feedback.rate", who).hexdigest()[:32]
    return f"feedback.rate.{limit.name}.{who_hash}.{window}"


def allowed(limit: Limit, who: str) -> bool:
    """Counts one more use by `who` and says whether it is within the limit."""
    return count_up(_key(limit, who), limit.seconds * 2) <= limit.count


def used_up(limit: Limit, who: str) -> bool:
    """Whether `who` has reached the limit, without counting a use."""
    return count_of(_key(limit, who)) >= limit.count


def _address(request: HttpRequest) -> str:
    return client_ip(request) or "unknown"


def address_allowed(limit: Limit, request: HttpRequest) -> bool:
    return allowed(limit, _address(request))


def address_used_up(limit: Limit, request: HttpRequest) -> bool:
    return used_up(limit, _address(request))


def address_failed(request: HttpRequest) -> None:
    """One more failed try (a wrong code, a link that opens nothing) from the request's address."""
    allowed(FAILED_TRIES, _address(request))
