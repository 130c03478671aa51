"""Sittings that reflect reality (issue 9, item 5): opening early moves the date, closing carries undecided
cases on, the decision date defaults to the sitting's day; and conflicts declared in one form per case
(item 6), all or nothing, each error naming the person."""

from __future__ import annotations

from datetime import datetime, time, timedelta

import pytest
from django.core.exceptions import PermissionDenied
from django.urls import reverse
from django.utils import timezone

from childnrm.accounts.models import Role
from childnrm.audit.models import AuditEvent
from childnrm.decisions import services as decision_services
from childnrm.decisions.forms import OutcomeForm
from childnrm.decisions.models import Outcome, Stage
from childnrm.decisions.tests.factories import draft_decision, record_complete, sitting
from childnrm.panels import selectors, services
from childnrm.panels.models import AgendaItem, ConflictDeclaration, MeetingStatus
from childnrm.panels.services import ConflictsInvalid, OpenEarly, PanelError
from childnrm.panels.tests.factories import accepted_referral, meeting_in_session, scheduled_meeting
from conftest import demo_user

NB = "northbridge"


def coordinator():
    return demo_user(Role.COORDINATOR, NB)


def at(days: int, hour: int = 14, minute: int = 30) -> datetime:
    return timezone.make_aware(datetime.combine(timezone.localdate() + timedelta(days=days), time(hour, minute)))


def _meeting_events(meeting):
    return AuditEvent.objects.filter(object_type="panels.meeting", object_id=str(meeting.pk)).order_by("seq")


# --- Opening ------------------------------------------------------------------------------------


def test_opening_before_the_day_asks_for_confirmation_then_moves_the_date_to_today(demo):
    meeting = scheduled_meeting(NB, starts_at=at(5))
    with pytest.raises(OpenEarly, match="Confirm that it is meeting today instead"):
        services.meeting_open(meeting=meeting, user=coordinator())
    meeting.refresh_from_db()
    assert meeting.status == MeetingStatus.SCHEDULED and meeting.starts_at == at(5) and meeting.opened_at is None
    assert meeting.status_changes.count() == 1  # scheduled only: the refusal wrote nothing

    opened = services.meeting_open(meeting=meeting, user=coordinator(), move_to_today=True)
    opened.refresh_from_db()
    assert opened.status == MeetingStatus.OPEN
    assert opened.starts_at == at(0)  # today, at the time it was set for
    assert opened.opened_early_from == at(5)
    event = _meeting_events(meeting).last()
    assert event.detail["moved_from"] == at(5).isoformat() and event.detail["starts_at"] == at(0).isoformat()


def test_the_moved_date_is_shown_on_the_meeting_page(client_as):
    meeting = scheduled_meeting(NB, starts_at=at(5))
    services.meeting_open(meeting=meeting, user=coordinator(), move_to_today=True)
    page = client_as(Role.COORDINATOR).get(reverse("panels:meeting", args=[meeting.pk])).content.decode()
    day = at(5).date()
    assert "Opened early" in page and f"Set for {day.day} {day:%B %Y} at 2:30pm" in page


def test_a_sitting_on_its_day_or_after_opens_without_confirmation(demo):
    for starts_at in (at(0, 23, 59), at(-1)):
        meeting = scheduled_meeting(NB, starts_at=starts_at)
        opened = services.meeting_open(meeting=meeting, user=coordinator())
        opened.refresh_from_db()
        assert opened.status == MeetingStatus.OPEN and opened.starts_at == starts_at
        assert opened.opened_early_from is None


def test_the_decision_date_defaults_to_the_sitting_day(demo):
    decision = draft_decision(NB, on=timezone.localdate() - timedelta(days=2))
    assert OutcomeForm.initial_for(decision)["decided_on"] == timezone.localdate() - timedelta(days=2)
    # A date the panel recorded is kept.
    decision.decided_on = timezone.localdate() - timedelta(days=1)
    assert OutcomeForm.initial_for(decision)["decided_on"] == timezone.localdate() - timedelta(days=1)


def test_the_outcome_page_offers_the_sitting_day_as_the_decision_date(client_as):
    day = timezone.localdate() - timedelta(days=2)
    decision = draft_decision(NB, on=day)
    url = reverse("decisions:section-outcome", args=[decision.pk])
    page = client_as(Role.COORDINATOR).get(url).content.decode()
    for part, value in (("day", day.day), ("month", day.month), ("year", day.year)):
        assert f'name="decided_on_{part}" type="text" value="{value}" inputmode="numeric"' in page


# --- Closing ------------------------------------------------------------------------------------


def _decide(item: AgendaItem) -> None:
    user = coordinator()
    decision = decision_services.decision_start(agenda_item=item, stage=Stage.REASONABLE_GROUNDS, user=user)
    decision = record_complete(decision, outcome=Outcome.POSITIVE, decided_on=timezone.localdate())
    decision_services.decision_finalise(decision=decision, user=decision.meeting.chair)


def test_closing_carries_each_undecided_case_to_the_next_sitting_recorded(demo):
    decided, undecided = accepted_referral(NB), accepted_referral(NB)
    meeting = sitting(NB, referrals=[decided, undecided])
    _decide(AgendaItem.objects.get(meeting=meeting, referral=decided))
    left = AgendaItem.objects.get(meeting=meeting, referral=undecided)
    assert selectors.undecided_items(meeting) == [left]
    later = scheduled_meeting(NB, starts_at=at(20))
    nearest = scheduled_meeting(NB, starts_at=at(3))

    services.meeting_close(meeting=meeting, user=coordinator())

    meeting.refresh_from_db()
    assert meeting.status == MeetingStatus.CLOSED
    carried = AgendaItem.objects.get(carried_from=left)
    assert carried.meeting == nearest and carried.referral == undecided and carried.stage == left.stage
    assert not AgendaItem.objects.filter(referral=decided).exclude(meeting=meeting).exists()
    assert not later.agenda_items.exists()
    # Recorded: which item went where, on the closing and on the new agenda item.
    close = _meeting_events(meeting).last()
    assert close.detail["to"] == "closed"
    assert close.detail["carried"] == [
        {"item": left.pk, "referral": undecided.pk, "to_meeting": nearest.pk, "to_item": carried.pk}
    ]
    added = AuditEvent.objects.get(object_type="panels.agendaitem", object_id=str(carried.pk), action="create")
    assert added.detail["carried_from_item"] == left.pk and added.detail["carried_from_meeting"] == meeting.pk
    assert list(selectors.carried_items(meeting)) == [carried]


def test_the_coordinator_may_choose_the_sitting_and_without_one_the_sitting_stays_open(demo):
    referral = accepted_referral(NB)
    meeting = meeting_in_session(NB, referrals=[referral])
    for later in selectors.later_sittings(meeting):
        services.meeting_cancel(meeting=later, user=coordinator())
    with pytest.raises(PanelError, match="No later sitting is scheduled") as refused:
        services.meeting_close(meeting=meeting, user=coordinator())
    assert refused.value.field == "carry_to"
    meeting.refresh_from_db()
    assert meeting.status == MeetingStatus.OPEN

    scheduled_meeting(NB, starts_at=at(3))
    chosen = scheduled_meeting(NB, starts_at=at(10))
    services.meeting_close(meeting=meeting, user=coordinator(), carry_to=chosen)
    assert chosen.agenda_items.get().referral == referral


def test_a_case_already_on_the_next_agenda_is_not_listed_twice(demo):
    referral = accepted_referral(NB)
    meeting = meeting_in_session(NB, referrals=[referral])
    nearest = scheduled_meeting(NB, starts_at=at(3))
    listed = services.agenda_item_add(
        meeting=nearest, user=coordinator(), referral=referral, stage="reasonable_grounds"
    )
    services.meeting_close(meeting=meeting, user=coordinator())
    listed.refresh_from_db()
    assert nearest.agenda_items.count() == 1 and listed.carried_from == meeting.agenda_items.get()


def test_every_agenda_rule_applies_when_a_case_is_carried(demo, monkeypatch):
    referral = accepted_referral(NB)
    meeting = meeting_in_session(NB, referrals=[referral])
    nearest = scheduled_meeting(NB, starts_at=at(3))

    def refuse_that_sitting(target, case, stage):  # a rule registered by a stage above panels
        return "the chair of that sitting may not hear this case" if target.pk == nearest.pk else None

    monkeypatch.setattr(services, "AGENDA_CHECKS", [refuse_that_sitting])
    with pytest.raises(PanelError, match=f"Referral {referral.reference} cannot be carried") as refused:
        services.meeting_close(meeting=meeting, user=coordinator())
    assert "the chair of that sitting may not hear this case" in str(refused.value)
    meeting.refresh_from_db()
    assert meeting.status == MeetingStatus.OPEN and not nearest.agenda_items.exists()  # all or nothing


def test_the_close_page_lists_undecided_cases_and_carries_them(client_as):
    referral = accepted_referral(NB)
    meeting = meeting_in_session(NB, referrals=[referral])
    client = client_as(Role.COORDINATOR)
    url = reverse("panels:meeting-close", args=[meeting.pk])
    nearest = scheduled_meeting(NB, starts_at=at(3))
    page = client.get(url).content.decode()
    assert "Cases not decided at this sitting" in page and referral.reference in page
    assert f'value="{nearest.pk}" checked' in page and "(the next sitting)" in page
    response = client.post(url, {"carry_to": str(nearest.pk)}, follow=True)
    assert "1 undecided case carried to the sitting on" in response.content.decode()
    assert nearest.agenda_items.get().referral == referral
    page = client.get(reverse("panels:meeting", args=[meeting.pk])).content.decode()
    assert "Carried to a later sitting when this one closed" in page and referral.reference in page
    page = client.get(reverse("panels:meeting", args=[nearest.pk])).content.decode()
    assert "Carried from the sitting on" in page


def test_the_close_page_says_when_there_is_no_later_sitting(client_as):
    meeting = meeting_in_session(NB, referrals=[accepted_referral(NB)])
    for later in selectors.later_sittings(meeting):
        services.meeting_cancel(meeting=later, user=coordinator())
    page = client_as(Role.COORDINATOR).get(reverse("panels:meeting-close", args=[meeting.pk])).content.decode()
    assert "No later sitting of this panel is scheduled" in page and reverse("panels:meeting-schedule") in page
    assert 'id="confirm"' not in page


# --- Conflicts in one form ----------------------------------------------------------------------


def test_conflicts_are_recorded_all_or_nothing_with_each_error_naming_the_person(demo):
    meeting = meeting_in_session(NB, referrals=[accepted_referral(NB)])
    item = meeting.agenda_items.get()
    item.conflict_declarations.all().delete()
    present = list(meeting.attendees.filter(present=True).select_related("user"))
    first, second = present[0], present[1]
    answers = {a.pk: (False, "") for a in present}
    answers[first.pk] = (True, "  ")
    del answers[second.pk]
    with pytest.raises(ConflictsInvalid) as refused:
        services.conflicts_record(item=item, user=coordinator(), answers=answers)
    assert refused.value.errors == {
        f"a{first.pk}-details": f"Describe {first.user.full_name}’s conflict of interest",
        f"a{second.pk}-has_conflict": f"Select whether {second.user.full_name} has a conflict of interest",
    }
    assert not ConflictDeclaration.objects.filter(agenda_item=item).exists()

    answers = {a.pk: (False, "") for a in present}
    answers[first.pk] = (True, "Taught the child")
    saved = services.conflicts_record(item=item, user=coordinator(), answers=answers)
    assert len(saved) == len(present)
    assert ConflictDeclaration.objects.get(agenda_item=item, attendee=first).details == "Taught the child"
    # Someone not invited cannot be declared for; a closed meeting takes no declarations.
    with pytest.raises(PanelError, match="invited"):
        services.conflicts_record(item=item, user=coordinator(), answers={**answers, 999999: (False, "")})
    with pytest.raises(PermissionDenied):  # an attendee declares for themselves, on the case papers
        services.conflicts_record(item=item, user=demo_user(Role.PANEL_MEMBER, NB), answers=answers)
    services.meeting_close(meeting=meeting, user=coordinator())
    with pytest.raises(PanelError, match="declarations are closed"):
        services.conflicts_record(item=item, user=coordinator(), answers=answers)


# --- Dashboard ----------------------------------------------------------------------------------


def test_a_sitting_left_in_session_past_its_day_is_flagged_on_the_dashboard(client_as):
    from childnrm.accounts.models import Site
    from childnrm.dashboard import clocks

    site = Site.objects.get(slug=NB)
    today_sitting = meeting_in_session(NB)
    stale = scheduled_meeting(NB, starts_at=at(-1))
    services.meeting_open(meeting=stale, user=coordinator())
    closed = scheduled_meeting(NB, starts_at=at(-3))
    services.meeting_open(meeting=closed, user=coordinator())
    services.meeting_close(meeting=closed, user=coordinator())

    alerts = clocks.site_alerts(site)[clocks.Kind.SITTING_STALE]
    assert alerts.count == 1 and [a.object_id for a in alerts.items] == [str(stale.pk)]
    assert str(today_sitting.pk) not in [a.object_id for a in alerts.items]
    # Tomorrow the one left open today is stale too.
    tomorrow = clocks.site_alerts(site, today=timezone.localdate() + timedelta(days=1))[clocks.Kind.SITTING_STALE]
    assert {a.object_id for a in tomorrow.items} == {str(stale.pk), str(today_sitting.pk)}

    page = client_as(Role.COORDINATOR).get(reverse("dashboard:site", args=[NB])).content.decode()
    assert "Sittings left in session past their day (1)" in page
    assert reverse("panels:meeting", args=[stale.pk]) in page


def test_the_demo_day_helper_skips_weekends_and_bank_holidays():
    from datetime import date

    from childnrm.panels.demo import working_day

    # Saturday 26 December 2026 (Boxing Day): Monday 28th is its substitute bank holiday in England.
    assert working_day(date(2026, 12, 26), "england_and_wales") == date(2026, 12, 29)
    assert working_day(date(2026, 12, 26), "england_and_wales", step=-1) == date(2026, 12, 24)
    assert working_day(date(2026, 12, 2), "england_and_wales") == date(2026, 12, 2)


def test_the_decision_statuses_panels_names_are_the_decisions_apps_own():
    from childnrm.decisions.models import DecisionStatus
    from childnrm.panels.selectors import SETTLED_DECISION_STATUSES

    assert set(SETTLED_DECISION_STATUSES) == {
        DecisionStatus.FINAL,
        DecisionStatus.SECOND_REVIEW,
        DecisionStatus.SUPERSEDED,
    }
