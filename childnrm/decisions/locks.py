"""The one order in which a write takes the rows of a child's case (ADR 0035).

Two transactions that take the same rows in opposite orders can each wait for the other: PostgreSQL then aborts one
("deadlock detected") and its user gets an error page. So every write to a child's case takes its rows in this order,
and the rows of each kind in id order:

1. the sittings (`panels.Meeting`) it changes, or that list the case;
2. the cases (`referrals.Referral`);
3. their decisions (`decisions.Decision`);
4. the child (`people.Child`);
5. the child's own records (safeguarding plans and their actions, guardian allocations and other associations).

A write may skip a step, never go back to one. Writing a row that points at another (inserting it, or changing the
pointer) holds the row pointed at too, with a share lock that waits for the locks taken here: it counts as taking it.
A sign-off, which starts the child's outcome follow-up after locking its decision, so touches the child last; and a
transfer locks the child after the child's cases, not before them.

These are the helpers that take the steps. Decisions is the lowest app that knows all four models (ADR 0005's
layers), so the order lives here, for the apps above (reviews, safeguarding, outcomes, handovers, case reviews,
retention) to take their locks through it. The apps below it (panels, information, referrals' tasks) take the same
steps with their own queries.

A `select_for_update()` over a `select_related()` locks the joined rows too, in an order the query does not choose:
take the case's rows through these helpers first, then lock the record itself with `of=("self", ...)`.
"""

from __future__ import annotations

from collections.abc import Iterable

from django.db.models import QuerySet

from childnrm.decisions.models import Decision
from childnrm.panels.models import AgendaItem, Meeting
from childnrm.panels.services import LIVE_STATUSES
from childnrm.people.models import Child
from childnrm.referrals.models import Referral


def _lock_ids(queryset: QuerySet, ids: Iterable[int | None]) -> None:
    wanted = sorted({pk for pk in ids if pk is not None})
    if wanted:
        list(queryset.select_for_update().filter(pk__in=wanted).order_by("pk").values_list("pk", flat=True))


def sittings_lock(meeting_ids: Iterable[int | None]) -> None:
    """Step 1: the sittings' rows."""
    _lock_ids(Meeting.objects.all(), meeting_ids)


def cases_lock(referral_ids: Iterable[int | None]) -> None:
    """Step 2: the cases' rows."""
    _lock_ids(Referral.objects.all(), referral_ids)


def decisions_lock(decision_ids: Iterable[int | None]) -> None:
    """Step 3: the decisions' rows (their cases locked first, `cases_lock`)."""
    _lock_ids(Decision.objects.all(), decision_ids)


def case_lock(referral: Referral) -> Referral:
    """Step 2 for one case: its referral read again under its lock."""
    return Referral.objects.select_for_update().get(pk=referral.pk)


def child_lock(child_id: int) -> Child:
    """Step 4: the child read again under its lock, with its site (whose row is not locked). Taken after any row of
    the child's cases the write locks; the child's own records after it."""
    return Child.objects.select_for_update(of=("self",)).select_related("site").get(pk=child_id)


def child_cases_lock(child: Child, referrals: QuerySet[Referral]) -> tuple[Child, list[Referral]]:
    """Steps 1, 2 and 4 for a write to several of a child's cases at once (a transfer): the sittings still to be held
    or under way that list any of `referrals`, the referrals, then the child. Returns the child and `referrals`, both
    read again under their locks, the referrals in the queryset's own order.

    The sittings are found before their cases are locked: a case put on another sitting in between is still taken
    off it by the write, which then locks that sitting after the case. That is the rare exception, not the rule."""
    listed_at = AgendaItem.objects.filter(
        referral__in=referrals.values("pk"), meeting__status__in=LIVE_STATUSES
    ).values_list("meeting_id", flat=True)
    sittings_lock(listed_at)
    # Locked in id order; the referrals that matched then, read again in the caller's order under those locks.
    locked = list(referrals.select_for_update(of=("self",)).order_by("pk").values_list("pk", flat=True))
    return child_lock(child.pk), list(referrals.filter(pk__in=locked))
