"""A case retention anonymised takes no more time: it leaves "Your time on cases", its pages say why instead of
offering the form, and the service refuses a new entry (with its note: new words nothing would ever clear). The time
logged before stays in the figures (referrals.anonymised; docs/retention.md, "After anonymisation")."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from childnrm.accounts.models import Role
from childnrm.burdens import selectors, services
from childnrm.burdens.models import TimeActivity, TimeEntry
from childnrm.burdens.tests.factories import decided_case
from childnrm.decisions.models import Decision
from childnrm.referrals.models import Referral
from childnrm.retention.anonymise import case_anonymise
from conftest import demo_user, signed_in

pytestmark = pytest.mark.django_db


def _entry(decision: Decision, user, *, referral: Referral | None = None, note: str = "") -> TimeEntry:
    return services.time_entry_log(
        referral=referral or decision.referral,
        user=user,
        subject_key=f"decision-{decision.pk}",
        worked_on=decision.decided_on,
        minutes=45,
        activity=TimeActivity.PREPARING,
        note=note,
    )


def _posted(decision: Decision) -> dict[str, str]:
    day = decision.decided_on
    return {
        "subject": f"decision-{decision.pk}",
        "hours": "1",
        "minutes": "0",
        "activity": TimeActivity.PREPARING,
        "worked_on_day": str(day.day),
        "worked_on_month": str(day.month),
        "worked_on_year": str(day.year),
        "note": "Spoke to the child's foster carer about the new school",
    }


@pytest.fixture
def anonymised(demo):
    """A decided case a panel member logged time on, then anonymised; and the case as a page read it before."""
    decided = decided_case(decided_on=timezone.localdate() - timedelta(days=10))
    member = demo_user(Role.PANEL_MEMBER)
    before = _entry(decided, member, note="Read the papers")
    read_before = Referral.objects.get(pk=decided.referral_id)
    case_anonymise(Referral.objects.get(pk=decided.referral_id))
    return decided, member, before, read_before


def test_the_service_refuses_new_time_and_the_time_before_stays_in_the_figures(anonymised):
    decided, member, before, read_before = anonymised
    referral = Referral.objects.get(pk=decided.referral_id)
    assert not selectors.cases_worked_on(member).filter(pk=referral.pk).exists()
    assert not selectors.may_log_time(member, referral)

    # Refused with the reason, even for the case as read before it was anonymised (the service reads it locked).
    for case in (referral, read_before):
        with pytest.raises(services.BurdenError, match="was anonymised on") as refused:
            _entry(decided, member, referral=case, note="New words about the child")
        assert refused.value.code == "anonymised" and refused.value.field is None
    assert list(TimeEntry.objects.filter(referral=referral)) == [before]
    assert TimeEntry.objects.get(pk=before.pk).note == ""  # anonymisation cleared it

    # Its time stays in the cost of the panel.
    member_time = next(p for p in selectors.time_on_case(referral) if p.user_id == member.pk)
    assert member_time.logged_minutes == 45
    day = decided.decided_on
    (site,) = selectors.costs_by_site([referral.site_id], day, day)
    assert site.logged_minutes == 45 and site.cases == 1


def test_the_pages_say_why_and_offer_no_form(anonymised, client_as):
    decided, _member, before, _read_before = anonymised
    reference = decided.referral.reference
    log_url = reverse("burdens:log", args=[reference])
    client = client_as(Role.PANEL_MEMBER)

    mine = client.get(reverse("burdens:mine")).content.decode()
    assert f'data-case="{reference}"' not in mine and log_url not in mine

    case_page = client.get(reverse("burdens:case", args=[reference])).content.decode()
    assert 'data-testid="anonymised"' in case_page and "was anonymised on" in case_page
    assert log_url not in case_page
    assert f'data-entry="{before.pk}"' in case_page  # the time logged before is still shown

    log_page = client.get(log_url).content.decode()
    assert 'data-testid="anonymised"' in log_page and "was anonymised on" in log_page
    assert 'name="note"' not in log_page and "Log the time" not in log_page

    # A form sent anyway (a page opened before) saves nothing and says why.
    sent = client.post(log_url, _posted(decided))
    assert sent.status_code == 200 and 'data-testid="anonymised"' in sent.content.decode()
    assert list(TimeEntry.objects.filter(referral=decided.referral)) == [before]


def test_no_log_time_link_on_the_cases_decision_or_plan(anonymised):
    decided, member, _before, _read_before = anonymised
    coordinator = demo_user(Role.COORDINATOR)
    plan = decided.safeguarding_plans.get()
    log_url = reverse("burdens:log", args=[decided.referral.reference])
    # The coordinator's answer comes from the row as read (no scope), a member's through the scope.
    for user in (coordinator, member):
        assert selectors.case_worked_on(user, Referral.objects.get(pk=decided.referral_id)) is None
        assert selectors.plan_case_worked_on(user, plan) is None
    client = signed_in(coordinator)
    for url in (reverse("decisions:detail", args=[decided.pk]), reverse("safeguarding:plan", args=[plan.pk])):
        page = client.get(url)
        assert page.status_code == 200 and log_url not in page.content.decode()
