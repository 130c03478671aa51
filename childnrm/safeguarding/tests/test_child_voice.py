"""The child's voice in their safeguarding plan (issue 12): their views recorded with the plan (in their words, who
gathered them, when and how; several over time, newest first) and whether they agreed with each action. The
coordinator and the child's guardian record them; everyone who sees the plan sees them; each change is audited."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from childnrm.accounts.models import Role
from childnrm.audit.models import AuditEvent
from childnrm.safeguarding import services
from childnrm.safeguarding.demo import demo_child
from childnrm.safeguarding.models import ChildAgreement, ChildPlanView, PlanStatus, SafeguardingPlan
from childnrm.safeguarding.services import SafeguardingError
from conftest import demo_user

pytestmark = pytest.mark.django_db


def date_parts(name: str, day) -> dict[str, str]:
    return {f"{name}_day": str(day.day), f"{name}_month": str(day.month), f"{name}_year": str(day.year)}


def demo_plan(site) -> SafeguardingPlan:
    return SafeguardingPlan.objects.get(child=demo_child(site), status=PlanStatus.ACTIVE)


def views_answers(words: str, day, **more) -> dict[str, str]:
    return {
        "in_their_words": words,
        "gathered_by_name": "Guardian (Northbridge demo)",
        "gathered_by_role": "Guardian (ICTG)",
        "how": "drawing",
        **date_parts("gathered_on", day),
        **more,
    }


def test_the_guardian_records_the_childs_views_and_they_show_newest_first_on_the_plan(client_as, site):
    plan = demo_plan(site)
    today = timezone.localdate()
    guardian = client_as(Role.ICTG)
    url = reverse("safeguarding:child-views-add", kwargs={"plan_id": plan.pk})
    form = guardian.get(url)
    assert form.status_code == 200
    assert "Guardian (ICTG)" in form.content.decode()  # the guardian's role is filled in for them

    response = guardian.post(
        url, views_answers("I drew my house. I want to stay at school.", today, with_interpreter="on")
    )
    assert response.status_code == 302 and response["Location"] == reverse("safeguarding:plan", args=[plan.pk])
    ChildPlanView.objects.filter(plan=plan).update(gathered_on=today - timedelta(days=1))  # the first, yesterday
    guardian.post(url, views_answers("The plan is OK but I don't want the police at my house.", today))

    views = list(ChildPlanView.objects.filter(plan=plan))
    assert [v.in_their_words[:10] for v in views] == ["The plan i", "I drew my "]  # newest first
    assert views[1].with_interpreter and views[1].how_described() == (
        "Through a drawing or another visual way, with an interpreter"
    )
    assert views[0].recorded_by == demo_user(Role.ICTG)

    page = client_as(Role.COORDINATOR).get(reverse("safeguarding:plan", args=[plan.pk])).content.decode()
    newest, oldest = page.index("I don&#39;t want the police"), page.index("I drew my house")
    assert newest < oldest
    assert "Gathered by Guardian (Northbridge demo) (Guardian (ICTG)): through a drawing" in page

    overview = client_as(Role.ICTG).get(reverse("safeguarding:child", args=[plan.child.reference])).content.decode()
    assert f"Last recorded {today.day} " in overview

    events = AuditEvent.objects.filter(action="create", detail__record="child's views on the plan")
    assert events.count() == 2
    assert events.first().purpose == "Work on a case I am associated with"


def test_what_is_missing_or_wrong_is_named_and_nothing_is_saved(client_as, site):
    plan = demo_plan(site)
    url = reverse("safeguarding:child-views-add", kwargs={"plan_id": plan.pk})
    response = client_as(Role.COORDINATOR).post(
        url, views_answers("", timezone.localdate() + timedelta(days=1), how="", gathered_by_name="")
    )
    page = response.content.decode()
    assert response.status_code == 200
    for message in (
        "Enter the child&#39;s views, in their words",
        "Enter the name of the person who gathered the child&#39;s views",
        "The date the views were gathered must be today or in the past",
        "Select how the child&#39;s views were gathered",
    ):
        assert message in page
    assert not ChildPlanView.objects.exists()


def test_a_closed_plan_takes_no_more_views(site):
    plan = demo_plan(site)
    coordinator = demo_user(Role.COORDINATOR)
    services.plan_close(plan=plan, user=coordinator, reason="Child moved away")
    with pytest.raises(SafeguardingError, match="This plan is closed"):
        services.child_views_record(
            plan=plan,
            user=coordinator,
            in_their_words="Fine",
            gathered_by_name="Jo",
            gathered_by_role="Social worker",
            gathered_on=timezone.localdate(),
            how="in_person",
            with_interpreter=False,
        )


def test_only_the_coordinator_and_the_childs_guardian_record_the_childs_voice(client_as, site):
    plan = demo_plan(site)
    action = plan.actions.filter(owner__isnull=False).first()  # owned by the demo panel member
    for role in (Role.PANEL_MEMBER, Role.CHAIR, Role.FIRST_RESPONDER):
        client = client_as(role)
        assert client.get(reverse("safeguarding:child-views-add", args=[plan.pk])).status_code in (403, 404)
        assert client.post(reverse("safeguarding:action-agreement", args=[action.pk]), {}).status_code in (403, 404)
    # The action's owner sees the action, but not the child's agreement with it (that is the plan's).
    owner_page = client_as(Role.PANEL_MEMBER).get(reverse("safeguarding:action", args=[action.pk])).content.decode()
    assert "Did the child agree?" not in owner_page
    # A guardian who is not this child's guardian (another site's) is refused too.
    other = client_as(Role.ICTG, "three-rivers")
    assert other.get(reverse("safeguarding:child-views-add", args=[plan.pk])).status_code == 404


def test_the_child_agreement_with_an_action_is_recorded_shown_and_audited(client_as, site):
    plan = demo_plan(site)
    action = plan.actions.order_by("pk").first()
    assert action.child_agreement == ChildAgreement.NOT_ASKED
    guardian = client_as(Role.ICTG)
    url = reverse("safeguarding:action-agreement", args=[action.pk])

    refused = guardian.post(url, {"agreement": "not_asked", "note": "I said no"})
    assert "Remove what the child said, or select whether they agreed" in refused.content.decode()

    response = guardian.post(url, {"agreement": "did_not_agree", "note": "I don't want to see a doctor I don't know."})
    assert response.status_code == 302
    action.refresh_from_db()
    assert action.child_agreement == ChildAgreement.DID_NOT_AGREE
    assert action.child_agreement_recorded_by == demo_user(Role.ICTG)

    page = client_as(Role.COORDINATOR).get(reverse("safeguarding:plan", args=[plan.pk])).content.decode()
    row = page[page.index(f'data-action="{action.pk}"') :]
    row = row[: row.index("</tr>")]
    assert "Did not agree" in row and "I don&#39;t want to see a doctor I don&#39;t know." in row
    assert "Not asked yet" in page  # the other action

    again = guardian.post(url, {"agreement": "did_not_agree", "note": "I don't want to see a doctor I don't know."})
    assert "Nothing has changed" in again.content.decode()

    event = AuditEvent.objects.get(action="update", detail__change="child's agreement")
    assert (event.detail["from"], event.detail["to"], event.detail["action"]) == (
        "not_asked",
        "did_not_agree",
        action.pk,
    )
