"""Case clocks: days since referral and the reasonable grounds (RG) due date from site policy.

A site's policy sets how many days the panel has (default 45) and whether they are calendar days or
working days. Working days skip weekends and the bank holidays of the site's nation: England and
Wales share one set; Scotland and Northern Ireland each have their own (St Andrew's Day, St Patrick's
Day, the Twelfth…). Holidays come from the `holidays` package, offline.

The day of referral is day 0: a 45-day clock on a referral made on 1 June is due on 16 July.

The clocks run one after another and each stops when it is met (domain.md steps 4 to 6):

- reasonable grounds (RG): from referral, while the case is with the site's panel (submitted or
  accepted), until an RG decision is final (a later version superseding it does not restart it);
- the recovery period: from a positive final RG to the earliest conclusive grounds (CG) date,
  `decided_on + site.recovery_period_days` (at once where the site takes both at one sitting);
- CG due: from that date until a CG decision is final. There is no national CG target, so it is
  never overdue.

These definitions are the only ones: the coordinator's queue and the dashboard both use them.
Decisions sit above referrals in the layers (ADR 0005), so the decisions table is reached through the
reverse relation `Referral.decisions` (by name, as people reaches referrals) and its stored values
are named here; a test pins them to `decisions.models`.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from functools import lru_cache

import holidays
from django.db.models import Exists, Model, OuterRef, Q, QuerySet
from django.utils import timezone

from childnrm.accounts.models import DayBasis, Nation, Site
from childnrm.referrals.models import Referral, ReferralStatus

# The RG clock runs while the case is with the site's panel: not once sent on at triage or withdrawn.
CLOCK_STATUSES = (ReferralStatus.SUBMITTED, ReferralStatus.ACCEPTED)

# decisions.models values (Stage, DecisionStatus, Outcome), as stored.
RG_STAGE = "reasonable_grounds"
CG_STAGE = "conclusive_grounds"
FINAL = "final"
# A decision that was final at some point: the current one, or one a later version replaced.
DECIDED_STATUSES = (FINAL, "superseded")
POSITIVE = "positive"

# England and Wales have the same bank holidays (the package's "ENG" and "WLS" subdivisions agree).
NATION_SUBDIVISION = {
    Nation.ENGLAND: "ENG",
    Nation.WALES: "WLS",
    Nation.SCOTLAND: "SCT",
    Nation.NORTHERN_IRELAND: "NIR",
}


@lru_cache(maxsize=64)
def bank_holidays(nation: str, year: int) -> frozenset[date]:
    subdivision = NATION_SUBDIVISION.get(nation, "ENG")
    return frozenset(holidays.country_holidays("GB", subdiv=subdivision, years=year))


def is_working_day(day: date, nation: str) -> bool:
    return day.weekday() < 5 and day not in bank_holidays(nation, day.year)


def add_working_days(start: date, days: int, nation: str) -> date:
    """The `days`-th working day after `start` (start itself does not count)."""
    day = start
    remaining = days
    while remaining > 0:
        day += timedelta(days=1)
        if is_working_day(day, nation):
            remaining -= 1
    return day


def rg_due_date(submitted_on: date, site: Site) -> date:
    """When the site's policy says the reasonable grounds decision is due for a referral made that day."""
    if site.rg_due_basis == DayBasis.WORKING:
        return add_working_days(submitted_on, site.rg_due_days, site.nation)
    return submitted_on + timedelta(days=site.rg_due_days)


def submitted_on(submitted_at: datetime) -> date:
    """The day of referral in UK time."""
    return timezone.localtime(submitted_at).date()


def days_since(day: date, today: date | None = None) -> int:
    return ((today or timezone.localdate()) - day).days


def days_left(due: date, today: date | None = None) -> int:
    """Calendar days until the due date: 0 on the day itself, negative once overdue."""
    return (due - (today or timezone.localdate())).days


def last_submission_day_due_by(site: Site, day: date) -> date:
    """The latest day of referral whose RG decision is due on or before `day`.

    Due dates never go backwards as the referral day moves forward, so "due by `day`" is exactly
    "referred on or before this day": a range on submitted_at that an index answers.
    """
    # A due date is at least rg_due_days calendar days after referral: start there and walk back.
    candidate = day - timedelta(days=site.rg_due_days)
    while rg_due_date(candidate, site) > day:
        candidate -= timedelta(days=1)
    return candidate


def last_overdue_submission_day(site: Site, today: date | None = None) -> date:
    """The latest day of referral whose RG decision is already overdue today (due before today)."""
    return last_submission_day_due_by(site, (today or timezone.localdate()) - timedelta(days=1))


def start_of_day(day: date) -> datetime:
    """Midnight at the start of `day`, UK time, as an aware datetime."""
    return timezone.make_aware(datetime.combine(day, time.min))


def calendar_span(site: Site, today: date | None = None) -> int:
    """Calendar days between a referral made today and its due date (used to order mixed-policy queues)."""
    today = today or timezone.localdate()
    return (rg_due_date(today, site) - today).days


def submitted_by(day: date) -> Q:
    """Referred on or before `day` (UK time)."""
    return Q(submitted_at__lt=start_of_day(day + timedelta(days=1)))


def _decisions() -> type[Model]:
    return Referral._meta.get_field("decisions").related_model


def decided(stage: str, referral: str = "pk") -> Exists:
    """A decision at `stage` has been final for the referral at `referral` (an OuterRef path)."""
    return Exists(_decisions().objects.filter(referral=OuterRef(referral), stage=stage, status__in=DECIDED_STATUSES))


def current_final_decisions() -> QuerySet:
    """The standing version of each decision (one final version per referral and stage, a DB constraint)."""
    return _decisions().objects.filter(status=FINAL, decided_on__isnull=False)


def rg_running(referrals: QuerySet[Referral]) -> QuerySet[Referral]:
    """The referrals whose RG clock runs: with the site's panel, referred, and no RG decision final yet (the standing
    RG decision kept on the referral by `decisions.standing`, the same as `~decided(RG_STAGE)`, by an index)."""
    return referrals.filter(status__in=CLOCK_STATUSES, submitted_at__isnull=False, standing_rg_decided_on__isnull=True)


def rg_overdue(referrals: QuerySet[Referral], sites: list[Site], today: date) -> QuerySet[Referral]:
    """Of `referrals`, those of `sites` whose RG clock runs and whose due date is before today."""
    overdue = Q(pk__in=[])
    for site in sites:
        overdue |= Q(site=site) & submitted_by(last_overdue_submission_day(site, today))
    return rg_running(referrals).filter(overdue)


def recovery_days(site: Site) -> int:
    """Days between a positive RG and the earliest CG (none where both may be taken at one sitting)."""
    return 0 if site.rg_and_cg_at_one_sitting else site.recovery_period_days


def earliest_cg_date(rg_decided_on: date, site: Site) -> date:
    return rg_decided_on + timedelta(days=recovery_days(site))


def last_rg_day_cg_due(site: Site, today: date) -> date:
    """The latest day of a positive RG whose CG can be decided today (the recovery period is over)."""
    return today - timedelta(days=recovery_days(site))


class Phase:
    """Which clock a case is on (see the module docstring)."""

    NOT_HERE = "not_here"  # sent on or withdrawn: no decision is due at this site
    RG = "rg"  # the RG clock runs
    RECOVERY = "recovery"  # positive RG: the CG cannot be decided before `cg_from`
    CG_DUE = "cg_due"  # the CG can be decided and is not yet
    NEGATIVE_RG = "negative_rg"  # stopped: a negative RG has no CG
    CG_DECIDED = "cg_decided"  # stopped: both decisions taken


@dataclass(frozen=True)
class CaseClock:
    submitted_on: date
    days_since: int
    due_on: date | None  # the RG due date while the RG clock runs; None otherwise
    days_left: int | None
    phase: str = Phase.RG
    rg_decided_on: date | None = None
    cg_from: date | None = None  # the earliest CG date, once a positive RG is final
    cg_decided_on: date | None = None
    cg_days_left: int | None = None  # calendar days until `cg_from` in the recovery period

    @property
    def overdue(self) -> bool:
        return self.days_left is not None and self.days_left < 0

    @property
    def overdue_by(self) -> int:
        return -self.days_left if self.days_left is not None and self.days_left < 0 else 0


def case_clock(
    submitted_at: datetime,
    site: Site,
    *,
    running: bool = True,
    today: date | None = None,
    rg_decided: bool = False,
    rg_decided_on: date | None = None,
    rg_outcome: str = "",
    cg_decided: bool = False,
    cg_decided_on: date | None = None,
) -> CaseClock:
    """A referral's clocks as a list or page shows them: computed, never stored, so a policy change applies at once.

    `running` is whether the case is with the site's panel (CLOCK_STATUSES); `rg_decided` and `cg_decided`
    are `decided(...)` for the referral, the dates and outcome those of the current final versions.
    """
    today = today or timezone.localdate()
    day = submitted_on(submitted_at)
    since = days_since(day, today)
    if not running:
        return CaseClock(day, since, None, None, Phase.NOT_HERE)
    if not rg_decided:
        due = rg_due_date(day, site)
        return CaseClock(day, since, due, days_left(due, today))
    if rg_outcome != POSITIVE or rg_decided_on is None:
        return CaseClock(day, since, None, None, Phase.NEGATIVE_RG, rg_decided_on=rg_decided_on)
    cg_from = earliest_cg_date(rg_decided_on, site)
    phase = Phase.CG_DECIDED if cg_decided else Phase.RECOVERY if cg_from > today else Phase.CG_DUE
    return CaseClock(
        day,
        since,
        None,
        None,
        phase,
        rg_decided_on=rg_decided_on,
        cg_from=cg_from,
        cg_decided_on=cg_decided_on,
        cg_days_left=days_left(cg_from, today) if phase == Phase.RECOVERY else None,
    )
