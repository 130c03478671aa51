"""The pilot tables count a transferred case's later plan actions, outcome reviews and missing episodes at the site
that holds the case when they fall, not at the site that received and decided it (ADR 0019, amendment 3)."""

from __future__ import annotations

from datetime import datetime, time

from django.utils import timezone

from childnrm.accounts.models import Role, Site, User
from childnrm.handovers.models import CaseTransfer, TransferDestination
from childnrm.handovers.services import case_transfer
from childnrm.kit.disclosure import DisclosureRules
from childnrm.outcomes.demo import allocate_guardian, missing_episode
from childnrm.outcomes.models import OutcomeReview
from childnrm.panels.models import Agency
from childnrm.people.demo import demo_email
from childnrm.referrals.models import Referral
from childnrm.safeguarding.models import SafeguardingPlan
from childnrm.safeguarding.services import action_add
from childnrm.statistics import report
from childnrm.statistics.dimensions import Quarter
from childnrm.statistics.selectors import StatisticsFilters
from childnrm.statistics.tests.factories import POSITIVE, CaseSpec, make_case
from childnrm.statistics.tests.known_dataset import _day

EXACT = DisclosureRules(threshold=0, rounding=1, min_denominator=1, protect_rate_complement=False)


def _values(table, labels):
    row = next((r for r in table.rows if r.labels == labels), None)
    return [cell.value for cell in row.cells] if row is not None else None


def _transfer(referral: Referral, to_site: Site, on) -> None:
    coordinator = User.objects.get(email=demo_email(Role.COORDINATOR, referral.site.slug))
    transfer = case_transfer(
        child=referral.child,
        user=coordinator,
        destination=TransferDestination.SITE,
        to_site=to_site,
        reason="The family moved to the other area.",
    )
    CaseTransfer.objects.filter(pk=transfer.pk).update(
        transferred_at=timezone.make_aware(datetime.combine(on, time(12)))
    )


def test_a_transferred_cases_later_actions_reviews_and_episodes_count_at_the_receiving_site(demo):
    # Received and decided at Northbridge in P, transferred to Three Rivers later in P. Three Rivers then adds a
    # plan action due in P (not done), the child goes missing there, and the 3-month review falls due in Q.
    q = Quarter.of(timezone.localdate()).previous()
    p = q.previous()
    northbridge, three_rivers = Site.objects.get(slug="northbridge"), Site.objects.get(slug="three-rivers")
    case = make_case(CaseSpec("northbridge", _day(p, 1), rg=(POSITIVE, _day(p, 5))))
    review = OutcomeReview.objects.get(child=case.child, months=3)
    assert p.first_day <= review.due_on <= q.last_day
    _transfer(case, three_rivers, _day(p, 10))
    receiving = User.objects.get(email=demo_email(Role.COORDINATOR, "three-rivers"))
    action_add(
        plan=SafeguardingPlan.objects.get(child=case.child),
        user=receiving,
        description="School place in the new area",
        agency=Agency.SOCIAL_CARE,
        organisation=None,
        owner_name="A. Teacher",
        owner=None,
        due_on=_day(p, 30),
        review_on=None,
    )
    guardian = User.objects.get(email=demo_email(Role.ICTG, "three-rivers"))
    allocate_guardian(case.child, guardian)
    missing_episode(case.child, guardian, started_on=_day(p, 20), ended_on=_day(p, 21), interview_on=_day(p, 22))

    def pilot(site: Site) -> report.Release:
        filters = StatisticsFilters(site_ids=(site.pk,), first=p, last=q)
        return report.build(filters, EXACT, sections=("pilot",))

    mine, theirs = pilot(northbridge), pilot(three_rivers)
    # Actions due, done on time, done late, not done (and the rate, not available without any).
    assert _values(mine.get("pilot_actions_on_time"), ("Panel",))[:4] == [0, 0, 0, 0]
    assert _values(theirs.get("pilot_actions_on_time"), ("Panel",))[:4] == [1, 0, 0, 1]
    # The 3-month review falls due at Three Rivers, which holds the case then.
    assert _values(mine.get("pilot_outcomes_at_review_points"), ("Panel", "3 months")) is None
    assert _values(theirs.get("pilot_outcomes_at_review_points"), ("Panel", "3 months"))[:2] == [1, 0]
    # Northbridge's decision: the child went missing after it, but at Three Rivers, which counts the episode (its
    # table counts the children its own panel decided, so none here).
    after = mine.get("pilot_after_the_decision")
    assert _values(after, ("Panel",))[0] == 1
    assert _values(after, ("Panel",))[3] == 0
    assert _values(theirs.get("pilot_after_the_decision"), ("Panel",))[0] == 0
    # Both sites together: everything counted once.
    both = report.build(
        StatisticsFilters(site_ids=(northbridge.pk, three_rivers.pk), first=p, last=q), EXACT, sections=("pilot",)
    )
    assert _values(both.get("pilot_actions_on_time"), ("Panel",))[:4] == [1, 0, 0, 1]
    assert _values(both.get("pilot_after_the_decision"), ("Panel",))[:4] == [1, 0, 0.0, 1]
