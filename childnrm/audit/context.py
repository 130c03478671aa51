"""Who acts, from where, at which site and for what: what an audit event needs from whoever called the service.

Services take an `AuditContext` instead of an `HttpRequest` (ADR 0012, amendment of 2026-12-04): a page, the API,
a background task and a management command call them the same way, and only the web layer knows HTTP.
"""

from __future__ import annotations

import ipaddress
from dataclasses import dataclass

from django.conf import settings
from django.contrib.auth.base_user import AbstractBaseUser
from django.http import HttpRequest


def client_ip(request: HttpRequest | None) -> str | None:
    """The client's address: the one place the audit trail and the child feedback rate limit read it.

    Behind `settings.TRUSTED_PROXIES` proxies (the TLS proxy in front of gunicorn: 1), REMOTE_ADDR is the nearest
    proxy's for every client, so the address is X-Forwarded-For's entry that many hops from the right: each proxy
    appends the address it was reached from, and entries further left are whatever the client sent (forgeable).
    With none (the default), X-Forwarded-For is ignored, since anyone may send it. A value that is not an address
    (a misconfigured proxy) counts as REMOTE_ADDR."""
    if request is None:
        return None
    remote = request.META.get("REMOTE_ADDR") or None
    trusted = int(getattr(settings, "TRUSTED_PROXIES", 0))
    forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
    if trusted <= 0 or not forwarded:
        return remote
    hops = [hop.strip() for hop in forwarded.split(",")]
    # Fewer entries than proxies: the outer ones were not passed, and the leftmost entry is still a trusted one's.
    return _address(hops[-min(trusted, len(hops))]) or remote


def _address(value: str) -> str | None:
    """The IP address in an X-Forwarded-For entry (some proxies add the port: "203.0.113.5:4711", "[2001:db8::1]:80"),
    else None."""
    candidates = [value]
    if value.startswith("[") and "]" in value:
        candidates.append(value[1 : value.index("]")])
    elif value.count(":") == 1:
        candidates.append(value.split(":", 1)[0])
    for candidate in candidates:
        try:
            return str(ipaddress.ip_address(candidate))
        except ValueError:
            continue
    return None


# The request attribute naming an organisation's system once the API accepted its token (set by
# `access.middleware.api_client_identified`): {"api_token": the token's prefix, "organisation_id": its organisation}.
API_CLIENT_ATTRIBUTE = "childnrm_api_client"


@dataclass(frozen=True)
class AuditContext:
    """The actor, address, site and purpose of the events a service records.

    An `actor`, `site_id` or `purpose` the service passes to `audit_record` itself wins over the context's: the
    context says who is calling, the service knows what the event is about.
    """

    actor: AbstractBaseUser | None = None  # None: the service itself (a task, a command run without a user)
    ip: str | None = None  # None: not over the network
    site_id: int | None = None
    purpose: str = ""
    # An organisation's system over the API (no user): the events name its organisation as a user's would theirs.
    organisation_id: int | None = None

    @classmethod
    def from_request(cls, request: HttpRequest, *, site_id: int | None = None, purpose: str = "") -> AuditContext:
        """The signed-in user (or no one, or the organisation whose API token was accepted) and the client's address,
        as the web layer sees them."""
        user = getattr(request, "user", None)
        actor = user if isinstance(user, AbstractBaseUser) and user.is_authenticated else None
        client = getattr(request, API_CLIENT_ATTRIBUTE, None) or {}
        organisation_id = client.get("organisation_id") if actor is None else None
        return cls(
            actor=actor, ip=client_ip(request), site_id=site_id, purpose=purpose, organisation_id=organisation_id
        )

    @classmethod
    def system(cls, actor: AbstractBaseUser | None = None, *, purpose: str = "") -> AuditContext:
        """A task or command: no address; the command's user if it runs as one."""
        return cls(actor=actor, purpose=purpose)
