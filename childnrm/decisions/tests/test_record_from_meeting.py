"""Issue 9 item 4: on the meeting page of a sitting in session, each case has "Record the decision", which starts
that case's draft at the sitting (decisions.services.decision_start) or opens the draft already started."""

from __future__ import annotations

from django.urls import reverse
from django.utils import timezone

from childnrm.accounts.models import Role
from childnrm.decisions import services
from childnrm.decisions.models import Decision, DecisionStatus, Outcome
from childnrm.decisions.tests.factories import record_complete, sitting
from childnrm.panels.models import AgendaStage
from childnrm.panels.tests.factories import accepted_referral, add_to_agenda, scheduled_meeting
from conftest import demo_user

NB = "northbridge"


def record_button(reference: str, action: str = "Record the decision") -> str:
    return f'{action}<span class="govuk-visually-hidden"> for referral {reference}</span></button>'


def meeting_page(client, meeting) -> str:
    return client.get(reverse("panels:meeting", args=[meeting.pk])).content.decode()


def test_record_the_decision_starts_the_draft_then_opens_it(client_as):
    referral = accepted_referral(NB)
    meeting = sitting(NB, referrals=[referral])
    item = meeting.agenda_items.get(referral=referral)
    coordinator = client_as(Role.COORDINATOR)

    page = meeting_page(coordinator, meeting)
    assert record_button(referral.reference) in page
    assert f'name="agenda_item" value="{item.pk}"' in page and 'name="stage" value="reasonable_grounds"' in page

    start = {"agenda_item": item.pk, "stage": "reasonable_grounds", "from": "meeting"}
    response = coordinator.post(reverse("decisions:start"), start)
    draft = Decision.objects.get(agenda_item=item)
    assert response.status_code == 302 and response["Location"] == reverse("decisions:record", args=[draft.pk])
    assert draft.meeting == meeting and draft.status == DecisionStatus.DRAFT

    # The same button now opens that draft: no second draft of the stage.
    page = meeting_page(coordinator, meeting)
    assert record_button(referral.reference) in page and "Draft started" in page
    response = coordinator.post(reverse("decisions:start"), start)
    assert response["Location"] == reverse("decisions:record", args=[draft.pk])
    assert Decision.objects.filter(referral=referral).count() == 1

    # Signed off: the page links to the decision instead.
    record_complete(draft, outcome=Outcome.POSITIVE, decided_on=timezone.localdate())
    services.decision_finalise(decision=draft, user=meeting.chair)
    page = meeting_page(coordinator, meeting)
    assert record_button(referral.reference) not in page
    assert f'href="{reverse("decisions:detail", args=[draft.pk])}"' in page


def test_a_refused_start_goes_back_to_the_meeting_with_the_reason(client_as):
    referral = accepted_referral(NB)
    meeting = sitting(NB, referrals=[referral])
    item = meeting.agenda_items.get(referral=referral)
    response = client_as(Role.COORDINATOR).post(
        reverse("decisions:start"), {"agenda_item": item.pk, "stage": "conclusive_grounds", "from": "meeting"}
    )
    assert response["Location"] == reverse("panels:meeting", args=[meeting.pk])
    assert not Decision.objects.filter(agenda_item=item).exists()


def test_a_case_asked_for_both_decisions_offers_each(client_as):
    referral = accepted_referral(NB)
    meeting = sitting(NB, referrals=[referral], stage=AgendaStage.BOTH)
    page = meeting_page(client_as(Role.COORDINATOR), meeting)
    assert record_button(referral.reference, "Record the reasonable grounds decision") in page
    assert record_button(referral.reference, "Record the conclusive grounds decision") in page
    assert record_button(referral.reference) not in page


def test_only_those_who_record_decisions_see_it_and_only_in_session(client_as):
    referral = accepted_referral(NB)
    meeting = sitting(NB, referrals=[referral])
    # The sitting's chair records decisions; members, advisers and the guardian attend without recording them.
    assert record_button(referral.reference) in meeting_page(client_as(Role.CHAIR), meeting)
    for role in (Role.PANEL_MEMBER, Role.ADVISER, Role.ICTG):
        page = meeting_page(client_as(role), meeting)
        assert referral.reference in page, role  # they do see the agenda
        assert record_button(referral.reference) not in page, role

    # Before the sitting opens there is nothing to record yet.
    scheduled = scheduled_meeting(NB)
    waiting = accepted_referral(NB)
    add_to_agenda(scheduled, waiting)
    assert record_button(waiting.reference) not in meeting_page(client_as(Role.COORDINATOR), scheduled)
    assert demo_user(Role.CHAIR) == scheduled.chair
    assert record_button(waiting.reference) not in meeting_page(client_as(Role.CHAIR), scheduled)
