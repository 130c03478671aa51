"""The evidence library: submitted by any practitioner, moderated at the submitter's site, published to every
site, searched in full text on SQLite and PostgreSQL alike, and never naming a child known to the service."""

from __future__ import annotations

import io
import re
from datetime import date

import pytest
from django.core.exceptions import PermissionDenied
from django.urls import reverse

from childnrm.accounts.models import Role
from childnrm.audit.models import AuditEvent
from childnrm.learning.models import LibraryItem, LibraryItemVersion, VersionStatus
from childnrm.learning.selectors import LibraryFilters, library_search
from childnrm.learning.services import (
    ItemAnswers,
    LibraryError,
    library_item_revise,
    library_item_submit,
    library_version_approve,
    library_version_reject,
)
from childnrm.learning.tests.access_expectations import pdf_bytes
from childnrm.people.models import Child
from conftest import demo_user

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def empty_library(demo) -> None:
    """Each test starts from an empty library (the demo data publishes a few items)."""
    LibraryItem.objects.update(published=None)
    LibraryItemVersion.objects.all().delete()
    LibraryItem.objects.all().delete()


def answers(title: str, summary: str = "A short summary.", **overrides) -> ItemAnswers:
    fields = {
        "title": title,
        "summary": summary,
        "kind": "practice_note",
        "themes": ["credibility"],
        "exploitation_types": ["criminal"],
        "region": "uk",
        "audiences": ["panel_members"],
        "item_date": date(2026, 3, 1),
        "link": "https://example.org/item",
        **overrides,
    }
    return ItemAnswers(**fields)


def published(title: str, summary: str = "A short summary.", site: str = "northbridge", **overrides):
    version = library_item_submit(user=demo_user(Role.PANEL_MEMBER, site), answers=answers(title, summary, **overrides))
    return library_version_approve(version=version, user=demo_user(Role.LIBRARY_MODERATOR, site))


def titles(query: str = "", **filters) -> list[str]:
    return [v.title for v in library_search(LibraryFilters(query=query, **filters))]


def test_only_approved_versions_are_published_and_the_moderator_is_not_the_author(demo):
    member = demo_user(Role.PANEL_MEMBER)
    moderator = demo_user(Role.LIBRARY_MODERATOR)
    waiting = library_item_submit(user=member, answers=answers("Waiting note"))
    assert titles() == []
    own = library_item_submit(user=moderator, answers=answers("Moderator's own note"))
    with pytest.raises(LibraryError, match="Another moderator decides"):
        library_version_approve(version=own, user=moderator)
    # A moderator of another site does not moderate this site's submissions.
    with pytest.raises(PermissionDenied):
        library_version_approve(version=waiting, user=demo_user(Role.LIBRARY_MODERATOR, "three-rivers"))
    assert LibraryItemVersion.objects.get(pk=waiting.pk).status == VersionStatus.SUBMITTED
    library_version_approve(version=waiting, user=moderator)
    assert titles() == ["Waiting note"]
    assert AuditEvent.objects.filter(object_type="learning.libraryitemversion", object_id=str(waiting.pk)).count() == 2


def test_a_rejection_needs_reasons_and_the_author_sees_them(demo, client_as):
    version = library_item_submit(user=demo_user(Role.COORDINATOR), answers=answers("Draft template"))
    moderator = demo_user(Role.LIBRARY_MODERATOR)
    with pytest.raises(LibraryError, match="Enter the reasons"):
        library_version_reject(version=version, user=moderator, reason="  ")
    library_version_reject(version=version, user=moderator, reason="Please remove the local place names.")
    body = client_as(Role.COORDINATOR).get(reverse("learning:mine")).content.decode()
    assert "Draft template" in body and "Please remove the local place names." in body
    assert titles() == []


def test_a_revision_waits_while_the_published_version_stays(demo):
    first = published("Age assessment practice note")
    item = first.item
    revision = library_item_revise(
        item=item, user=demo_user(Role.PANEL_MEMBER), answers=answers("Age assessment practice note, revised")
    )
    assert titles() == ["Age assessment practice note"]
    library_version_approve(version=revision, user=demo_user(Role.LIBRARY_MODERATOR))
    assert titles() == ["Age assessment practice note, revised"]
    first.refresh_from_db()
    assert first.status == VersionStatus.REPLACED and revision.number == 2
    # Someone else at the site may not revise another's item.
    with pytest.raises(PermissionDenied):
        library_item_revise(item=item, user=demo_user(Role.ADVISER), answers=answers("Hijacked"))


def test_an_item_naming_a_child_known_to_the_service_is_stopped_at_approval_not_at_submission(demo):
    child = Child.objects.filter(site__slug="three-rivers").exclude(family_name="").first()
    member = demo_user(Role.PANEL_MEMBER)
    # A reference is refused by its shape (nothing looked up, so the answer tells the author nothing).
    with pytest.raises(LibraryError) as refused:
        library_item_submit(user=member, answers=answers(f"Learning from {child.reference}"))
    assert refused.value.problems[0][0] == "title" and child.reference in refused.value.message
    # A name is looked up only at moderation: accepted here, stopped at approval.
    named = f"We worked with {child.given_names.split()[0]} {child.family_name} over six months."
    version = library_item_submit(user=member, answers=answers("Case study", named))
    with pytest.raises(LibraryError, match="names or refers to a child known to the service"):
        library_version_approve(version=version, user=demo_user(Role.LIBRARY_MODERATOR))
    # Written before the child was known: the moderator's approval looks up the children known then.
    later = library_item_submit(user=member, answers=answers("Case study", "We worked with Zephyrine Quillfeather."))
    Child.objects.create(site=child.site, given_names="Zephyrine", family_name="Quillfeather")
    with pytest.raises(LibraryError, match="Zephyrine Quillfeather"):
        library_version_approve(version=later, user=demo_user(Role.LIBRARY_MODERATOR))
    assert titles() == []
    # An ordinary word that happens to be a family name is not a name.
    plain = library_item_submit(
        user=member, answers=answers("Working with young people", f"Not about {child.family_name}s.")
    )
    library_version_approve(version=plain, user=demo_user(Role.LIBRARY_MODERATOR))
    assert titles() == ["Working with young people"]


def test_search_ranks_title_matches_first_and_stems_words_on_either_database(demo):
    published(
        "Trauma-informed credibility assessment",
        "How inconsistent accounts arise from trauma, and how panels should weigh them.",
    )
    published(
        "County lines: a practice note",
        "Children exploited to carry drugs between towns; credibility is discussed briefly.",
        themes=["county_lines"],
    )
    published("Turning 18", "Consent and adult support.", themes=["transition"], exploitation_types=[])
    published(
        "Research on going missing",
        "Return home interviews and what they tell us.",
        site="three-rivers",
        themes=["missing"],
    )
    assert titles("credibility") == ["Trauma-informed credibility assessment", "County lines: a practice note"]
    assert titles("exploitation drugs") == ["County lines: a practice note"]  # "exploited" stems to "exploit"
    assert titles("interview") == ["Research on going missing"]  # published at another site, found here
    assert titles("county lines") == ["County lines: a practice note"]  # themes are searched too
    assert titles("credibility", theme="county_lines") == ["County lines: a practice note"]
    assert titles("nothing-like-this") == []
    assert titles('"unbalanced * OR NEAR(') == []  # search syntax is never the user's to type
    # Without words, newest first (all four share a date: the latest published first).
    assert titles(exploitation_type="criminal") == [
        "Research on going missing",
        "County lines: a practice note",
        "Trauma-informed credibility assessment",
    ]


def test_a_practitioner_of_another_site_finds_a_published_item_and_downloads_its_file(demo, client_as, private_storage):
    version = library_item_submit(
        user=demo_user(Role.COORDINATOR),
        answers=answers("Safety planning template", link="", file=io.BytesIO(pdf_bytes()), file_name="plan.pdf"),
    )
    library_version_approve(version=version, user=demo_user(Role.LIBRARY_MODERATOR))
    reader = client_as(Role.ICTG, "three-rivers")
    body = reader.get(reverse("learning:library"), {"q": "safety planning"}).content.decode()
    assert "Safety planning template" in body and "1 item" in body
    page = reader.get(reverse("learning:item", args=[version.item_id])).content.decode()
    assert "plan.pdf" in page
    download = reader.get(reverse("learning:version-file", args=[version.item_id, version.pk]))
    assert download.status_code == 200 and b"".join(download.streaming_content).startswith(b"%PDF")
    assert "attachment" in download["Content-Disposition"]


def test_the_submission_form_explains_each_problem_and_keeps_what_was_typed(demo, client_as):
    client = client_as(Role.FIRST_RESPONDER)
    response = client.post(
        reverse("learning:submit"),
        {"title": "Spotting exploitation at transport hubs", "summary": "", "item_date_day": "40"},
    )
    body = response.content.decode()
    assert response.status_code == 200 and "There is a problem" in body
    for message in (
        "Enter a summary",
        "Select the type of item",
        "Select at least one theme",
        "Select who the item is for",
    ):
        assert message in body
    assert "Spotting exploitation at transport hubs" in body
    assert not LibraryItemVersion.objects.exists()


def test_a_chosen_file_is_kept_when_another_answer_has_an_error(demo, client_as, private_storage):
    client = client_as(Role.COORDINATOR)
    answers_posted = {
        "title": "Return home interview template",
        "summary": "",
        "kind": "template",
        "themes": ["missing"],
        "region": "uk",
        "audiences": ["social_workers"],
        "item_date_day": "1",
        "item_date_month": "3",
        "item_date_year": "2026",
    }
    upload = io.BytesIO(pdf_bytes())
    upload.name = "interview-template.pdf"
    body = client.post(reverse("learning:submit"), {**answers_posted, "file": upload}).content.decode()
    assert "Enter a summary" in body and "interview-template.pdf" in body and "it will be kept" in body
    kept = re.findall(r'name="(file-kept)" value="(\d+)"', body)
    assert kept
    response = client.post(
        reverse("learning:submit"), {**answers_posted, "summary": "A template for the interview.", **dict(kept)}
    )
    assert response.status_code == 302
    version = LibraryItemVersion.objects.get()
    assert version.file_name == "interview-template.pdf" and version.file_size
