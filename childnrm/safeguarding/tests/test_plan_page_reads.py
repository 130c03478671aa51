"""The plan page as the coordinator reads it (issue 16): the actions' and the history's words, each label translated
once per page rather than per row, and the plan found without the wider scope's subqueries."""

from __future__ import annotations

import re

import pytest
from django.urls import reverse
from markupsafe import escape

from childnrm.accounts.models import Role
from childnrm.safeguarding.tests.test_safeguarding import new_action, new_plan
from conftest import demo_user

pytestmark = pytest.mark.django_db


def test_the_plan_page_names_each_actions_status_agency_agreement_and_history_in_words(client_as, site):
    owner = demo_user(Role.PANEL_MEMBER)
    plan = new_plan(site)
    action = new_action(plan, owner=owner)
    client = client_as(Role.COORDINATOR)
    update_url = reverse("safeguarding:action-update", kwargs={"action_id": action.pk})
    assert client.post(update_url, {"status": "in_progress", "note": "Appointment booked"}).status_code == 302
    assert client.post(update_url, {"status": "in_progress", "note": "Seen by the nurse"}).status_code == 302

    page = client.get(reverse("safeguarding:plan", kwargs={"plan_id": plan.pk})).content.decode()
    row = re.search(rf'<tr class="govuk-table__row" data-action="{action.pk}">.*?</tr>', page, re.S)
    assert row is not None
    assert escape(action.get_agency_display()) in row.group(0)
    assert re.search(r'app-status"><strong class="govuk-tag ">In progress</strong>', row.group(0))
    assert "Not asked yet" in row.group(0)
    # The history, newest first: each change of status in words, the first being the agreement.
    history = page[page.index("History of the actions") :]
    assert history.index("Progress note (in progress)") < history.index("Not started to in progress")
    assert history.index("Not started to in progress") < history.index("Agreed: not started")
    # The action's own page shows the same history.
    action_page = client.get(reverse("safeguarding:action", kwargs={"action_id": action.pk})).content.decode()
    assert "Not started to in progress" in action_page and "Agreed: not started" in action_page


def test_a_plan_is_404_for_another_sites_coordinator(client_as, site, other_site):
    plan = new_plan(site)
    path = reverse("safeguarding:plan", kwargs={"plan_id": plan.pk})
    assert client_as(Role.COORDINATOR).get(path).status_code == 200
    assert client_as(Role.COORDINATOR, other_site.slug).get(path).status_code == 404
