"""The library and the learning log never tell an author whether a child is known to the service.

Any practitioner of any site submits to the library, so its check at submission must not depend on the children
the service holds: it finds references, dates of birth, emails and phone numbers by their shape alone. Children's
names are looked up at moderation: the moderator of the item's site sees a warning quoting what matched, approval
is refused, and every look-up is audited with the ids of the children matched."""

from __future__ import annotations

from datetime import date

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from childnrm.accounts.models import Role
from childnrm.audit.models import AuditEvent
from childnrm.case_reviews.demo import demo_review
from childnrm.learning.models import LibraryItem, LibraryItemVersion, ReviewSummary, VersionStatus
from childnrm.learning.services import (
    ItemAnswers,
    LibraryError,
    SummaryAnswers,
    library_item_submit,
    library_version_approve,
    library_version_reject,
    review_summary_approve,
    review_summary_reject,
    review_summary_submit,
)
from childnrm.learning.tests.test_case_review_summaries import child_sharing_no_name
from childnrm.people.models import Child
from conftest import demo_user

pytestmark = pytest.mark.django_db

POSTED = {
    "summary": "What the panel learned.",
    "kind": "guidance",
    "themes": ["county_lines"],
    "region": "uk",
    "audiences": ["coordinators"],
    "item_date_day": "1",
    "item_date_month": "1",
    "item_date_year": "2024",
    "link": "https://example.org/a",
}


def a_northbridge_child() -> tuple[Child, str]:
    child = Child.objects.filter(site__slug="northbridge").exclude(family_name="").order_by("pk").first()
    return child, f"{child.given_names.split()[0]} {child.family_name}"


def answers(title: str, summary: str = "A short summary.") -> ItemAnswers:
    return ItemAnswers(
        title=title,
        summary=summary,
        kind="practice_note",
        themes=["credibility"],
        exploitation_types=[],
        region="uk",
        audiences=["panel_members"],
        item_date=date(2026, 3, 1),
        link="https://example.org/item",
    )


def checks_of(obj) -> list[AuditEvent]:
    return list(
        AuditEvent.objects.filter(
            object_type=obj._meta.label_lower, object_id=str(obj.pk), detail__check__isnull=False
        ).order_by("seq")
    )


@pytest.mark.parametrize("role", [Role.ANALYST, Role.FIRST_RESPONDER, Role.PANEL_MEMBER])
def test_the_answer_to_a_submission_is_the_same_for_a_known_childs_name_and_a_made_up_one(client_as, demo, role):
    _child, name = a_northbridge_child()
    client = client_as(role, "three-rivers")  # another site's practitioner
    known = client.post(reverse("learning:submit"), {**POSTED, "title": f"Notes on {name}"})
    made_up = client.post(reverse("learning:submit"), {**POSTED, "title": "Notes on Zzyzx Qwertyuiop"})
    assert known.status_code == made_up.status_code == 302
    assert known["Location"] == made_up["Location"]
    assert "known to the service" not in client.get(known["Location"]).content.decode()
    assert LibraryItemVersion.objects.filter(title=f"Notes on {name}", status=VersionStatus.SUBMITTED).exists()


def test_a_submission_reads_no_childs_or_referrals_record(demo):
    _child, name = a_northbridge_child()
    with CaptureQueriesContext(connection) as queries:
        library_item_submit(user=demo_user(Role.ANALYST, "three-rivers"), answers=answers(f"Notes on {name}"))
    read = [q["sql"] for q in queries if "people_child" in q["sql"] or "referrals_referral" in q["sql"]]
    assert read == []


def test_references_dates_of_birth_emails_and_phone_numbers_are_refused_known_or_not(demo):
    child, _name = a_northbridge_child()
    author = demo_user(Role.FIRST_RESPONDER, "three-rivers")
    for title, words in (
        (f"Learning from {child.reference}", child.reference),  # a real child's reference
        ("Learning from NRM-ZZ22ZZ22", "NRM-ZZ22ZZ22"),  # a made-up one: the same answer
        (f"Learning from {child.reference.lower()}", child.reference.lower()),  # copied in lower case
        ("Learning from nrm-abcdefgh", "nrm-abcdefgh"),  # a reference's shape without a digit (one in ten has none)
        ("A girl born 3 April 2010", "born 3 April 2010"),
        ("Ask jo.bloggs@example.org", "jo.bloggs@example.org"),
        ("Ring 07700 900123", "07700 900123"),
    ):
        with pytest.raises(LibraryError) as refused:
            library_item_submit(user=author, answers=answers(title))
        [(field, message)] = refused.value.form_errors()
        assert field == "title" and words in message
        assert "known to the service" not in message
    # Words that only look alike pass: a date without "born", a year, "NRM-pilot", "NRM-guidance" (an I: no
    # reference has one).
    library_item_submit(
        user=author, answers=answers("The NRM-pilot sites in 2024", "Published 3 April 2024 with the NRM-guidance.")
    )


def test_the_moderator_sees_what_names_a_known_child_and_the_look_up_is_audited(client_as, demo):
    child, name = a_northbridge_child()
    version = library_item_submit(user=demo_user(Role.PANEL_MEMBER), answers=answers("Case study", f"With {name}."))
    clean = library_item_submit(user=demo_user(Role.PANEL_MEMBER), answers=answers("Nothing personal"))
    moderator = client_as(Role.LIBRARY_MODERATOR)

    page = moderator.get(reverse("learning:moderate", args=[version.pk])).content.decode()
    assert "names or refers to a child known to the service" in page and name in page
    assert child.reference not in page  # the words of the item, never which child matched
    [event] = checks_of(version)
    assert event.action == "view" and event.detail["children_matched"] == [child.pk]
    assert event.actor_id == demo_user(Role.LIBRARY_MODERATOR).pk

    page = moderator.get(reverse("learning:moderate", args=[clean.pk])).content.decode()
    assert "known to the service" not in page
    [event] = checks_of(clean)
    assert event.detail["children_matched"] == []

    # Approval is refused (the check audited again), and the moderator returns it with reasons.
    response = moderator.post(reverse("learning:approve", args=[version.pk]), follow=True)
    assert "Reject it with the reason" in response.content.decode()
    assert LibraryItemVersion.objects.get(pk=version.pk).status == VersionStatus.SUBMITTED
    [refused] = [e for e in checks_of(version) if "approval" in e.detail]  # then the page again, checked again
    assert refused.detail["approval"] == "refused" and refused.detail["children_matched"] == [child.pk]
    library_version_reject(version=version, user=demo_user(Role.LIBRARY_MODERATOR), reason="It names a child.")
    assert LibraryItemVersion.objects.get(pk=version.pk).status == VersionStatus.REJECTED

    # A clean item is published, the check recorded with the approval.
    library_version_approve(version=clean, user=demo_user(Role.LIBRARY_MODERATOR))
    approved = checks_of(clean)[-1]
    assert approved.detail["approved"] == 1 and approved.detail["children_matched"] == []
    assert LibraryItem.objects.get(pk=clean.item_id).published_id == clean.pk


def test_a_case_review_summary_is_checked_for_known_children_at_moderation_only(client_as, demo):
    review = demo_review("northbridge")
    child = child_sharing_no_name(review, "three-rivers")
    name = f"{child.given_names.split()[0]} {child.family_name}"
    summary = review_summary_submit(
        user=demo_user(Role.COORDINATOR),
        review=review,
        answers=SummaryAnswers(
            title="Hearing the child",
            summary="A teenager went missing several times.",
            learning=f"As with {name}, ask early.",  # another site's child: not looked up for the author
            themes=["missing"],
        ),
    )
    assert summary.status == VersionStatus.SUBMITTED
    moderator = client_as(Role.LIBRARY_MODERATOR)
    page = moderator.get(reverse("learning:summary-moderate", args=[summary.pk])).content.decode()
    assert "The learning names or refers to a child known to the service" in page and name in page
    [event] = checks_of(summary)
    assert event.detail["children_matched"] == [child.pk]
    with pytest.raises(LibraryError, match="Reject it with the reason"):
        review_summary_approve(summary=summary, user=demo_user(Role.LIBRARY_MODERATOR))
    assert checks_of(summary)[-1].detail == {
        "case_review": review.pk,
        "approval": "refused",
        "check": "names of children known to the service",
        "children_matched": [child.pk],
    }
    review_summary_reject(summary=summary, user=demo_user(Role.LIBRARY_MODERATOR), reason="It names a child.")
    assert ReviewSummary.objects.get(pk=summary.pk).status == VersionStatus.REJECTED
