"""What someone loses when a site administrator takes roles away from them, said before it happens.

Taking away every role at a site (or the panel member role from someone with a seat) has effects in the stages
above accounts: their seat on the panel and whether the panel can still be quorate, the sittings they are listed
at, the children they are the guardian or lead social worker of. Accounts may not import those apps (.importlinter,
ADR 0014), so each registers a reader here from its own `access_loss` module, imported by
`autodiscover_modules("access_loss")` when accounts is ready (apps.py). A reader only reads: it is called as
`reader(loss, site=, user=, roles_after=, roles_removed=)` and fills in the facts it knows. The words are the
accounts pages' (site_user_remove.html), so they are translated in one catalogue.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime

from childnrm.accounts.models import Membership, Site, User


@dataclass(frozen=True)
class Seat:
    agency: str  # as the site's nation names it
    voting: bool


@dataclass(frozen=True)
class Sitting:
    starts_at: datetime
    open: bool  # in session now (else scheduled)


@dataclass
class AccessLoss:
    """The facts the confirmation page states. Agencies are their labels, in the page's language."""

    roles_after: frozenset[str]
    roles_removed: frozenset[str]
    seats: list[Seat] = field(default_factory=list)
    # Quorum agencies that have a voting member now and would have none after the change.
    quorum_lost: list[str] = field(default_factory=list)
    # Quorum agencies with no voting member after the change (those lost included).
    quorum_missing: list[str] = field(default_factory=list)
    sittings: list[Sitting] = field(default_factory=list)
    guardian_of: int = 0  # children at the site
    lead_social_worker_of: int = 0

    @property
    def removes_access(self) -> bool:
        return not self.roles_after

    @property
    def needs_confirmation(self) -> bool:
        """Every role taken away, or a seat on the panel lost with a role."""
        return bool(self.roles_removed) and (self.removes_access or bool(self.seats))


Reader = Callable[..., None]
READERS: list[Reader] = []


def register(reader: Reader) -> Reader:
    """Add a reader (at import of an app's `access_loss` module); usable as a decorator."""
    if reader not in READERS:
        READERS.append(reader)
    return reader


def access_loss(*, site: Site, user: User, roles_after: list[str] | set[str]) -> AccessLoss:
    """What follows from leaving `user` with exactly `roles_after` at the site (nothing when no role is removed)."""
    after = frozenset(roles_after)
    held = set(Membership.objects.filter(site=site, user=user, active=True).values_list("role", flat=True))
    loss = AccessLoss(roles_after=after, roles_removed=frozenset(held - after))
    if loss.roles_removed:
        for reader in READERS:
            reader(loss, site=site, user=user, roles_after=loss.roles_after, roles_removed=loss.roles_removed)
    return loss
