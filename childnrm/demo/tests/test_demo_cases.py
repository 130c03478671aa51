"""The running service's demo cases: something real in each queue, on each agenda, and one decided case."""

from __future__ import annotations

from childnrm.decisions.models import DecisionStatus
from childnrm.demo.cases import ON_THE_AGENDA, WAITING_FOR_TRIAGE, load_demo_cases
from childnrm.letters.models import Letter
from childnrm.panels.models import AgendaItem
from childnrm.referrals.models import Referral, ReferralStatus
from childnrm.safeguarding.models import SafeguardingPlan


def test_demo_cases_fill_the_queue_the_agenda_and_one_decided_case_once(demo):
    made = load_demo_cases()
    per_site = len(WAITING_FOR_TRIAGE) + len(ON_THE_AGENDA) + 1
    assert made == 2 * per_site
    for slug in ("northbridge", "three-rivers"):
        referrals = Referral.objects.filter(site__slug=slug)
        assert referrals.filter(status=ReferralStatus.SUBMITTED).count() == len(WAITING_FOR_TRIAGE)
        assert AgendaItem.objects.filter(meeting__site__slug=slug, meeting__status="scheduled").count() == len(
            ON_THE_AGENDA
        )
        decided = referrals.get(decisions__status=DecisionStatus.FINAL)
        assert SafeguardingPlan.objects.get(child=decided.child).actions.count() == 1
        assert Letter.objects.filter(decision__referral=decided).count() == 2
    assert load_demo_cases() == 0  # idempotent
    assert Referral.objects.count() == 2 * per_site


def test_demo_sittings_fall_on_working_days(demo):
    """Every demo sitting, the one scheduled and the one the decided case was decided at, is on a day the
    panel could sit: no weekend, no bank holiday of the site's nation (the calendar the clocks use); and the
    past sitting is closed, so the dashboard does not flag it as left in session."""
    from django.utils import timezone

    from childnrm.panels.models import Meeting, MeetingStatus
    from childnrm.referrals.clocks import is_working_day

    load_demo_cases()
    meetings = list(Meeting.objects.filter(site__slug__in=("northbridge", "three-rivers")).select_related("site"))
    assert {m.status for m in meetings} == {MeetingStatus.SCHEDULED, MeetingStatus.CLOSED}
    for meeting in meetings:
        day = timezone.localtime(meeting.starts_at).date()
        assert is_working_day(day, meeting.site.nation), (meeting, day)
