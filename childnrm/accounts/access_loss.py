"""What someone loses when a site administrator takes roles away from them, said before it happens, and done with it.

Taking away every role at a site (or the panel member or panel chair role) has effects in the stages above accounts:
their seat on the panel and whether the panel can still be quorate, the sittings they are listed at or chair, the
children they are the guardian or lead social worker of. Accounts may not import those apps (.importlinter, ADR 0014),
so each registers here from its own `access_loss` module, imported by `autodiscover_modules("access_loss")` when
accounts is ready (apps.py):
- a reader, which only reads: called as `reader(loss, site=, user=, roles_after=, roles_removed=)` before anything
  changes, it fills in the facts it knows for the confirmation page;
- an effect (`register_effect`), which carries out what the page said would follow: called as
  `effect(site=, user=, roles_after=, roles_removed=, by=, audit=)` by `services.site_user_roles_set`, in its
  transaction, once the roles are gone. An app's reader and effect share one rule, so the page says what is done.
The words are the accounts pages' (site_user_remove.html), so they are translated in one catalogue.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime

from childnrm.accounts.models import Membership, Site, User
from childnrm.audit.context import AuditContext


@dataclass(frozen=True)
class Seat:
    agency: str  # as the site's nation names it
    voting: bool


class SittingOutcome:
    """What happens to their place at a sitting they are listed at."""

    TAKEN_OFF = "taken_off"  # off the attendance list
    MARKED_ABSENT = "marked_absent"  # a decision was started there: kept on its record, marked absent
    # They chair it and may no longer (the chair role gone): named as its chair, its chair rule refusing them, until
    # the coordinator chooses another chair.
    CHAIRS = "chairs"


@dataclass(frozen=True)
class Sitting:
    starts_at: datetime
    open: bool  # in session now (else scheduled)
    outcome: str  # SittingOutcome


@dataclass
class AccessLoss:
    """The facts the confirmation page states. Agencies are their labels, in the page's language."""

    roles_after: frozenset[str]
    roles_removed: frozenset[str]
    # Their seats on the panel that would no longer sit (no vote, not invited): held with a role taken away.
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
        """Every role taken away, or a seat on the panel or a place at a sitting lost with a role."""
        return bool(self.roles_removed) and (self.removes_access or bool(self.seats) or bool(self.sittings))


Reader = Callable[..., None]
READERS: list[Reader] = []
Effect = Callable[..., None]
EFFECTS: list[Effect] = []


def register(reader: Reader) -> Reader:
    """Add a reader (at import of an app's `access_loss` module); usable as a decorator."""
    if reader not in READERS:
        READERS.append(reader)
    return reader


def register_effect(effect: Effect) -> Effect:
    """Add an effect (at import of an app's `access_loss` module); usable as a decorator."""
    if effect not in EFFECTS:
        EFFECTS.append(effect)
    return effect


def access_loss(*, site: Site, user: User, roles_after: list[str] | set[str]) -> AccessLoss:
    """What follows from leaving `user` with exactly `roles_after` at the site (nothing when no role is removed)."""
    after = frozenset(roles_after)
    held = set(Membership.objects.filter(site=site, user=user, active=True).values_list("role", flat=True))
    loss = AccessLoss(roles_after=after, roles_removed=frozenset(held - after))
    if loss.roles_removed:
        for reader in READERS:
            reader(loss, site=site, user=user, roles_after=loss.roles_after, roles_removed=loss.roles_removed)
    return loss


def roles_taken_away(
    *, site: Site, user: User, roles_after: frozenset[str], roles_removed: frozenset[str], by: User, audit: AuditContext
) -> None:
    """Carry out what follows in the apps above accounts, once `roles_removed` are gone (in the caller's
    transaction: an effect that fails undoes the change of roles too)."""
    if roles_removed:
        for effect in EFFECTS:
            effect(site=site, user=user, roles_after=roles_after, roles_removed=roles_removed, by=by, audit=audit)
