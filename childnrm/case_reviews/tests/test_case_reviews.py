"""Case reviews: recorded by a site about its own cases, seen only by that site, their actions chased by the
daily reminders like plan actions, and kept (without the child's names) when a case is anonymised."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core import mail
from django.http import Http404
from django.urls import reverse
from django.utils import timezone

from childnrm.accounts.models import Membership, Role
from childnrm.audit.selectors import events_about
from childnrm.case_reviews import selectors, services
from childnrm.case_reviews.demo import demo_review
from childnrm.case_reviews.models import ActionStatus, ReviewAction, ReviewedCase
from childnrm.case_reviews.reminders import case_review_reminders_send
from childnrm.panels.demo import accepted_referral
from childnrm.people.models import Child
from childnrm.referrals.models import Referral
from conftest import demo_user

pytestmark = pytest.mark.django_db


def create(site_slug: str = "northbridge", references: list[str] | None = None, **overrides):
    fields = {
        "user": demo_user(Role.COORDINATOR, site_slug),
        "kind": "internal",
        "title": "Age disputes at the front door",
        "started_on": timezone.localdate() - timedelta(days=10),
        "summary": "How the site handled a disputed age.",
        "case_references": references if references is not None else [accepted_referral(site_slug).reference],
        **overrides,
    }
    return services.case_review_create(**fields)


def test_a_review_is_of_its_own_sites_cases_and_every_change_is_on_the_childs_audit_page(demo):
    ours, also_ours = accepted_referral("northbridge"), accepted_referral("northbridge")
    theirs = accepted_referral("three-rivers")
    with pytest.raises(services.CaseReviewError, match=f"No case of your site has the reference {theirs.reference}"):
        create(references=[ours.reference, theirs.reference])
    with pytest.raises(services.CaseReviewError, match="No case of your site has the reference NRM-NOTREAL"):
        create(references=["nrm-notreal"])

    review = create(references=[ours.reference.lower(), also_ours.reference])
    assert review.site.slug == "northbridge"
    assert list(review.cases.values_list("referral_id", flat=True)) == [ours.pk, also_ours.pk]
    services.learning_point_add(review=review, user=demo_user(Role.COORDINATOR), text="Ask for the age assessment.")

    # Each change is recorded against each case the review is about, so each child's audit page shows it.
    events = events_about(ours.child).filter(object_type="case_reviews.reviewedcase")
    assert [e.action for e in events.order_by("seq")] == ["create", "create"]
    assert all(e.detail["case_review"] == review.pk for e in events)
    assert events_about(also_ours.child).filter(object_type="case_reviews.reviewedcase").count() == 2

    # A chair of the site cannot record one; nor can another site's coordinator add this site's case.
    with pytest.raises(services.CaseReviewError):
        create(user=demo_user(Role.CHAIR))
    with pytest.raises(services.CaseReviewError):
        services.learning_point_add(review=review, user=demo_user(Role.COORDINATOR, "three-rivers"), text="x")
    with pytest.raises(services.CaseReviewError, match="No case of your site"):
        services.case_review_cases_add(
            review=review, user=demo_user(Role.COORDINATOR), case_references=[theirs.reference]
        )


def test_who_sees_a_review_and_its_actions(demo):
    review = demo_review("northbridge")
    first, second = review.actions.order_by("pk")
    coordinator, chair = demo_user(Role.COORDINATOR), demo_user(Role.CHAIR)
    member, guardian = demo_user(Role.PANEL_MEMBER), demo_user(Role.ICTG)
    assert first.owner == member and second.owner == guardian

    assert selectors.review_get(coordinator, review.pk) == review
    assert selectors.review_get(chair, review.pk) == review
    elsewhere = (demo_user(Role.COORDINATOR, "three-rivers"), demo_user(Role.CHAIR, "three-rivers"))
    for outsider in (member, guardian, *elsewhere):
        with pytest.raises(Http404):
            selectors.review_get(outsider, review.pk)
    # An owner sees their own action, never another's.
    assert selectors.action_get(member, first.pk) == first
    with pytest.raises(Http404):
        selectors.action_get(member, second.pk)
    assert list(selectors.actions_owned_by(guardian)) == [second]
    assert selectors.may_update_action(member, first) and not selectors.may_update_action(chair, first)

    # An owner records progress but does not cancel; the coordinator may.
    update = services.action_update(action=first, user=member, to_status=ActionStatus.IN_PROGRESS, note="Drafted.")
    assert update.from_status == ActionStatus.NOT_STARTED and update.actor == member
    with pytest.raises(services.CaseReviewError, match="Only the panel coordinator can cancel"):
        services.action_update(action=first, user=member, to_status=ActionStatus.CANCELLED, note="")
    with pytest.raises(services.CaseReviewError, match="Only the action's owner"):
        services.action_update(action=first, user=guardian, to_status=ActionStatus.DONE, note="")
    services.action_update(action=first, user=coordinator, to_status=ActionStatus.CANCELLED, note="Superseded.")
    assert ReviewAction.objects.get(pk=first.pk).status == ActionStatus.CANCELLED


def test_an_action_needs_an_owner_of_the_site_and_a_due_date_not_past(demo):
    review = demo_review("northbridge")
    coordinator = demo_user(Role.COORDINATOR)
    with pytest.raises(services.CaseReviewError) as refused:
        services.action_add(
            review=review,
            user=coordinator,
            description="Brief the teams",
            owner=demo_user(Role.PANEL_MEMBER, "three-rivers"),
            due_on=timezone.localdate() - timedelta(days=1),
        )
    assert dict(refused.value.form_errors()) == {
        "owner": "Select who owns the action",
        "due_on": "The due date must be today or in the future",
    }


def test_an_overdue_action_is_chased_daily_by_email_with_references_only(demo):
    review = demo_review("northbridge", overdue_days=2)
    action = review.actions.order_by("pk").first()
    referral = review.cases.get().referral
    today = timezone.localdate()

    run = case_review_reminders_send(today=today)
    assert run.overdue == 1 and run.emails == 1
    [message] = mail.outbox
    assert message.to == [demo_user(Role.PANEL_MEMBER).email]
    assert message.subject == "A case review action is overdue"
    assert f"action {action.pk} of case review {review.reference}" in message.body
    assert "overdue by 2 days" in message.body
    assert reverse("case_reviews:action", args=[action.pk]) in message.body
    # References and links only: no child's name, nothing the review says.
    for words in (referral.given_names, referral.family_name, review.title, action.description):
        assert words not in message.body

    assert case_review_reminders_send(today=today).emails == 0  # once a day
    assert case_review_reminders_send(today=today + timedelta(days=1)).overdue == 1  # and the next day again
    services.action_update(action=action, user=demo_user(Role.PANEL_MEMBER), to_status=ActionStatus.DONE, note="")
    assert case_review_reminders_send(today=today + timedelta(days=2)).emails == 0  # done: no more


def test_an_action_whose_owner_left_the_site_goes_to_the_coordinators(demo):
    review = demo_review("northbridge", overdue_days=5)
    Membership.objects.filter(user=demo_user(Role.PANEL_MEMBER), role=Role.PANEL_MEMBER).update(active=False)
    run = case_review_reminders_send(today=timezone.localdate())
    assert run.unowned == 1
    [message] = mail.outbox
    assert message.to == [demo_user(Role.COORDINATOR).email]
    assert f"case review {review.reference}" in message.body and "can no longer update it" in message.body


def test_the_daily_task_chases_case_review_actions(demo):
    from childnrm.dashboard.tasks import send_daily_reminders

    demo_review("northbridge", overdue_days=1)
    summary = send_daily_reminders.call(timezone.localdate().isoformat())
    assert summary["case_review_actions"]["overdue"] == 1
    assert any(m.subject == "A case review action is overdue" for m in mail.outbox)


def test_anonymising_the_case_keeps_the_review_and_its_link_without_the_childs_names(demo):
    from childnrm.retention.anonymise import case_anonymise

    referral = accepted_referral("northbridge")
    given, family = referral.given_names, referral.family_name
    review = create(
        references=[referral.reference],
        title=f"Review of {given} {family}",
        summary=f"{given} went missing; {family.upper()} was the name on the Home Office form. It may recur.",
    )
    services.learning_point_add(
        review=review, user=demo_user(Role.COORDINATOR), text=f"{family}, {given} was not asked where they went."
    )
    case_anonymise(Referral.objects.get(pk=referral.pk))

    review.refresh_from_db()
    assert ReviewedCase.objects.filter(review=review, referral=referral).exists()  # the link is kept
    assert review.title == "Review of [name removed]"
    assert review.summary == (
        "[name removed] went missing; [name removed] was the name on the Home Office form. It may recur."
    )
    assert review.learning_points.get().text == "[name removed] was not asked where they went."
    assert Child.objects.get(pk=referral.child_id).given_names == "Anonymised"


def test_no_page_of_a_review_shows_anything_of_it_to_another_site(client_as, demo):
    """Every case review route, requested by every role of the other site, with the ids of this site's review:
    refused, and none of the review's words in the answer."""
    review = demo_review("northbridge")
    recommendation = review.recommendations.first()
    action = review.actions.first()
    words = [review.title, review.reference, action.description, recommendation.text[:40]]
    urls = [
        reverse("case_reviews:list"),
        reverse("case_reviews:my-actions"),
        *(
            reverse(f"case_reviews:{name}", args=[review.pk])
            for name in (
                "detail",
                "change",
                "status",
                "cases-add",
                "learning-point-add",
                "recommendation-add",
                "action-add",
            )
        ),
        reverse("case_reviews:recommendation-status", args=[recommendation.pk]),
        reverse("case_reviews:action", args=[action.pk]),
        reverse("case_reviews:action-update", args=[action.pk]),
        reverse("learning:summary-submit", args=[review.pk]),
        reverse("learning:log"),
        reverse("learning:community"),
    ]
    for role in Role:
        client = client_as(role, "three-rivers")
        for url in urls:
            for method in ("get", "post"):
                body = getattr(client, method)(url).content.decode()
                shown = [w for w in words if w in body]
                assert not shown, f"{method} {url} as {role} of another site shows {shown}"


def test_the_coordinator_records_a_review_on_its_pages(client_as, demo):
    referral = accepted_referral("northbridge")
    client = client_as(Role.COORDINATOR)
    started = timezone.localdate() - timedelta(days=3)
    response = client.post(
        reverse("case_reviews:create"),
        {
            "kind": "practice",
            "title": "Transitions at 18",
            "started_on_day": started.day,
            "started_on_month": started.month,
            "started_on_year": started.year,
            "cases": f"{referral.reference}, NRM-NOTREAL",
            "summary": "A young person's support stopped at 18.",
        },
    )
    assert response.status_code == 200
    assert "No case of your site has the reference NRM-NOTREAL" in response.content.decode()

    response = client.post(
        reverse("case_reviews:create"),
        {
            "kind": "practice",
            "title": "Transitions at 18",
            "started_on_day": started.day,
            "started_on_month": started.month,
            "started_on_year": started.year,
            "cases": referral.reference,
            "summary": "A young person's support stopped at 18.",
        },
        follow=True,
    )
    page = response.content.decode()
    assert "Transitions at 18" in page and referral.reference in page and referral.child.reference in page
    review = ReviewedCase.objects.get(referral=referral).review
    due = timezone.localdate() + timedelta(days=14)
    response = client.post(
        reverse("case_reviews:action-add", args=[review.pk]),
        {
            "description": "Write the transition protocol",
            "owner": str(demo_user(Role.CHAIR).pk),
            "due_on_day": due.day,
            "due_on_month": due.month,
            "due_on_year": due.year,
        },
        follow=True,
    )
    assert "Action added for" in response.content.decode()
    assert review.actions.get().owner == demo_user(Role.CHAIR)
    # The chair reads the review and sees the action in "Your case review actions".
    chair = client_as(Role.CHAIR)
    assert "Transitions at 18" in chair.get(reverse("case_reviews:detail", args=[review.pk])).content.decode()
    assert "Write the transition protocol" in chair.get(reverse("case_reviews:my-actions")).content.decode()
    assert "Record a case review" not in chair.get(reverse("case_reviews:list")).content.decode()
