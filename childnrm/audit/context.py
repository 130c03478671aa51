"""Who acts, from where, at which site and for what: what an audit event needs from whoever called the service.

Services take an `AuditContext` instead of an `HttpRequest` (ADR 0012, amendment of 2026-12-04): a page, the API,
a background task and a management command call them the same way, and only the web layer knows HTTP.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.contrib.auth.base_user import AbstractBaseUser
from django.http import HttpRequest


def client_ip(request: HttpRequest | None) -> str | None:
    if request is None:
        return None
    return request.META.get("REMOTE_ADDR") or None


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

    @classmethod
    def from_request(cls, request: HttpRequest, *, site_id: int | None = None, purpose: str = "") -> AuditContext:
        """The signed-in user (or no one) and the client's address, as the web layer sees them."""
        user = getattr(request, "user", None)
        actor = user if isinstance(user, AbstractBaseUser) and user.is_authenticated else None
        return cls(actor=actor, ip=client_ip(request), site_id=site_id, purpose=purpose)

    @classmethod
    def system(cls, actor: AbstractBaseUser | None = None, *, purpose: str = "") -> AuditContext:
        """A task or command: no address; the command's user if it runs as one."""
        return cls(actor=actor, purpose=purpose)
