"""The outcome pages: the link from the child's record, the child's reviews and missing episodes, the review and
missing-episode forms (errors on the questions, what was typed kept), "Your outcome reviews", the site's
schedule, who may do what, and the audit trail of every read and write."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from childnrm.accounts.models import Role, Site
from childnrm.audit.models import AuditEvent
from childnrm.outcomes import services
from childnrm.outcomes.models import MissingEpisode, OutcomeReview
from childnrm.outcomes.tests.factories import decided_child, record_review
from conftest import demo_user

pytestmark = pytest.mark.django_db


def date_parts(name: str, day) -> dict[str, str]:
    return {f"{name}_day": str(day.day), f"{name}_month": str(day.month), f"{name}_year": str(day.year)}


REVIEW_POST = {
    "placement": "foster",
    "placement_moves": "1",
    "placement_stability": "stable",
    "went_missing": "no",
    "re_referred": "no",
    "further_exploitation": "no",
    "occupation": "full_time_education",
    "justice": ["charged"],
    "section_45_raised": "yes",
    "section_45_result": "not_prosecuted",
    "support": ["guardian", "immigration"],
    "view_given": "yes",
    "young_person_view": "I'm OK now. I want to stay at this school.",
}


@pytest.fixture
def decided(demo):
    """A child decided about 80 days ago (its 3-month review is due), allocated to the demo guardian."""
    return decided_child("northbridge", decided_on=timezone.localdate() - timedelta(days=80))


def first_review(decision) -> OutcomeReview:
    return OutcomeReview.objects.filter(child=decision.referral.child).order_by("due_on").first()


def test_the_childs_record_links_to_the_outcome_reviews_for_those_who_see_them(decided, client_as):
    child = decided.referral.child
    url = reverse("people:detail", args=[child.reference])
    for role in (Role.COORDINATOR, Role.ICTG):
        page = client_as(role).get(url).content.decode()
        assert (
            "Outcome reviews and missing episodes" in page and reverse("outcomes:child", args=[child.reference]) in page
        )
        assert "1 due" in page
    page = client_as(Role.FIRST_RESPONDER).get(url).content.decode()  # the referrer sees the child, not this
    assert "Outcome reviews and missing episodes" not in page


def test_the_child_page_lists_reviews_with_their_status_and_is_audited(decided, client_as):
    child = decided.referral.child
    response = client_as(Role.ICTG).get(reverse("outcomes:child", args=[child.reference]))
    assert response.status_code == 200
    rows = response.context["rows"]
    assert [r.review.title for r in rows] == [
        "3-month review",
        "6-month review",
        "12-month review",
        "24-month review",
        "Review at 18",
    ]
    assert [r.label for r in rows[:2]] == ["Due", "Not due yet"]
    body = response.content.decode()
    assert "Record a missing episode" in body and "Independent Child Trafficking Guardian (Northbridge demo)" in body
    event = AuditEvent.objects.filter(object_type="people.child", object_id=str(child.pk), action="view").latest("seq")
    assert event.detail["page"] == "outcomes" and event.detail["reviews"] == [r.review.pk for r in rows]
    # The coordinator oversees it, read-only.
    page = client_as(Role.COORDINATOR).get(reverse("outcomes:child", args=[child.reference])).content.decode()
    assert "3-month review" in page and "Record a missing episode" not in page


def test_an_owner_records_a_review_errors_keep_what_was_typed(decided, client_as):
    review = first_review(decided)
    client = client_as(Role.ICTG)
    url = reverse("outcomes:review", args=[review.pk])
    assert client.get(url).context["form"] is not None
    incomplete = {**REVIEW_POST, "section_45_result": "", "young_person_view": "", "placement": ""}
    response = client.post(url, incomplete)
    assert response.status_code == 200
    form = response.context["form"]
    assert form.errors["placement"] == ["Select where the young person lives now"]
    assert form.errors["section_45_result"] == ["Select what became of the section 45 defence"]
    assert form.errors["young_person_view"] == ["Enter the young person's view, in their words"]
    body = response.content.decode()
    assert "There is a problem" in body and 'href="#id_placement_0"' in body
    assert 'value="immigration" checked' in body and 'value="1"' in body  # what was typed stays
    review.refresh_from_db()
    assert not review.done

    response = client.post(url, REVIEW_POST)
    assert response.status_code == 302 and response["Location"] == reverse(
        "outcomes:child", args=[review.child.reference]
    )
    review.refresh_from_db()
    assert review.done and review.justice == ["charged"] and review.section_45_result == "not_prosecuted"
    assert review.young_person_view == REVIEW_POST["young_person_view"]
    # Once recorded it reads as answers; the owner may correct them.
    page = client.get(url).content.decode()
    assert "What the review found" in page and "Charge dropped or not prosecuted".lower() in page
    assert client.get(url + "?change=1").context["form"].initial["placement"] == "foster"


def test_the_coordinator_reads_a_review_but_cannot_record_it(decided, client_as):
    review = first_review(decided)
    client = client_as(Role.COORDINATOR)
    url = reverse("outcomes:review", args=[review.pk])
    response = client.get(url)
    assert response.status_code == 200 and response.context["form"] is None
    assert client.post(url, REVIEW_POST).status_code == 403
    review.refresh_from_db()
    assert not review.done
    # Another site's guardian does not even find it.
    assert client_as(Role.ICTG, "three-rivers").get(url).status_code == 404


def test_a_review_not_open_yet_says_when_it_opens(decided, client_as):
    later = OutcomeReview.objects.filter(child=decided.referral.child, months=6).get()
    response = client_as(Role.ICTG).get(reverse("outcomes:review", args=[later.pk]))
    assert response.context["form"] is None
    assert (
        f"This review can be recorded from {later.due_on - timedelta(days=28):%-d %B %Y}" in response.content.decode()
    )
    response = client_as(Role.ICTG).post(reverse("outcomes:review", args=[later.pk]), REVIEW_POST)
    assert response.status_code == 302
    later.refresh_from_db()
    assert not later.done


def test_an_owner_records_a_missing_episode_then_the_return_and_interview(decided, client_as):
    child = decided.referral.child
    client = client_as(Role.ICTG)
    today = timezone.localdate()
    url = reverse("outcomes:missing-add", args=[child.reference])
    # The interview before the return: refused, against the question; the dates stay as typed.
    data = {**date_parts("started_on", today - timedelta(days=4)), "interview_offered": "yes", "learned": "Not yet"}
    response = client.post(url, data)
    assert response.status_code == 200
    assert response.context["form"].errors["interview_offered"] == [
        "Enter the date they came back before recording the return home interview"
    ]
    assert f'value="{(today - timedelta(days=4)).day}"' in response.content.decode()
    assert not MissingEpisode.objects.filter(child=child).exists()

    response = client.post(url, date_parts("started_on", today - timedelta(days=4)))
    assert response.status_code == 302
    episode = MissingEpisode.objects.get(child=child)
    assert episode.open

    edit = reverse("outcomes:missing-edit", args=[episode.pk])
    assert client.get(edit).context["form"].initial["started_on"] == today - timedelta(days=4)
    returned = {
        **date_parts("started_on", today - timedelta(days=4)),
        **date_parts("ended_on", today - timedelta(days=2)),
        "interview_offered": "yes",
        "interview_held": "yes",
        **date_parts("interview_on", today - timedelta(days=1)),
        "learned": "He was at a flat in town with older boys; he was given a phone.",
    }
    assert client.post(edit, returned).status_code == 302
    episode.refresh_from_db()
    assert (episode.ended_on, episode.interview_held) == (today - timedelta(days=2), "yes")
    page = client.get(reverse("outcomes:child", args=[child.reference])).content.decode()
    assert "He was at a flat in town with older boys" in page
    # Only owners record them.
    assert client_as(Role.COORDINATOR).get(edit).status_code == 403
    assert client_as(Role.PANEL_MEMBER).post(url, date_parts("started_on", today)).status_code == 404


def test_your_outcome_reviews_lists_the_owners_open_reviews_only(decided, client_as):
    review = first_review(decided)
    response = client_as(Role.ICTG).get(reverse("outcomes:mine"))
    rows = response.context["rows"]
    assert rows[0].review == review and rows[0].label == "Due"
    assert {r.review.child for r in rows} == {review.child}
    record_review(review, demo_user(Role.ICTG))
    rows = client_as(Role.ICTG).get(reverse("outcomes:mine")).context["rows"]
    assert review not in [r.review for r in rows]
    event = AuditEvent.objects.filter(object_type="outcomes.outcomereview", action="list").latest("seq")
    assert event.actor == demo_user(Role.ICTG) and event.detail["ids"] == [r.review.pk for r in rows]
    assert client_as(Role.PANEL_MEMBER).get(reverse("outcomes:mine")).context["rows"] == []


def test_the_site_administrator_changes_the_schedule(demo, client_as):
    client = client_as(Role.SITE_ADMIN)
    assert client.get(reverse("outcomes:schedules"))["Location"] == reverse("outcomes:schedule", args=["northbridge"])
    url = reverse("outcomes:schedule", args=["northbridge"])
    assert client.get(url).context["form"]["months"].value() == "3, 6, 12, 24"
    response = client.post(url, {"months": "3, six", "at_eighteen": "on"})
    assert response.context["form"].errors["months"] == [
        "Enter the months as whole numbers separated by commas, for example 3, 6, 12"
    ]
    assert 'value="3, six"' in response.content.decode()
    response = client.post(url, {"months": "6 12"})
    assert response.status_code == 302
    assert services.site_schedule(Site.objects.get(slug="northbridge")) == ([6, 12], False)
    assert client_as(Role.COORDINATOR).get(url).status_code == 403
