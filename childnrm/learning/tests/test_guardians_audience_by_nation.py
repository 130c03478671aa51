"""The evidence library names guardians, among whom an item is for, as the reader's nation names them (issue 13
item 2, ADR 0027).

The library is shared by every site and an item's audiences are stored as codes (`learning.Audience`). A reader at
a site in Scotland or Northern Ireland sees the guardians as their nation's guardian service ("Guardians (Scottish
Guardianship Service)"), on the library's filter, an item, its moderation and the form to submit one; England and
Wales keep "Independent guardians".
"""

from __future__ import annotations

from datetime import date

import pytest
from django.urls import reverse

from childnrm.accounts.models import Nation, Role, Site
from childnrm.accounts.tests.test_nations import shown
from childnrm.learning.models import LibraryItemVersion
from childnrm.learning.services import ItemAnswers, library_item_submit
from childnrm.safeguarding.tests.test_guardian_agency_by_nation import SERVICE, no_english_guardian, set_aside
from conftest import demo_user, signed_in

pytestmark = pytest.mark.django_db

ENGLAND_WALES = "Independent guardians"


def _for_guardians(site: Site) -> LibraryItemVersion:
    return library_item_submit(
        user=demo_user(Role.COORDINATOR, site.slug),
        answers=ItemAnswers(
            title="Talking with a child about their guardian",
            summary="What a guardian does, and how to explain it to a child who has just arrived.",
            kind="practice_note",
            themes=["disclosure"],
            exploitation_types=["criminal"],
            region="uk",
            audiences=["guardians", "social_workers"],
            item_date=date(2026, 3, 1),
            link="https://www.gov.uk/government/publications/modern-slavery-how-to-identify-and-support-victims",
        ),
    )


def _pages(site: Site) -> dict[str, str]:
    version = _for_guardians(site)
    coordinator = signed_in(demo_user(Role.COORDINATOR, site.slug))
    moderator = signed_in(demo_user(Role.LIBRARY_MODERATOR, site.slug))
    urls = {
        "the library": (coordinator, reverse("learning:library")),
        "the item": (coordinator, reverse("learning:item", args=[version.item_id])),
        "its moderation": (moderator, reverse("learning:moderate", args=[version.pk])),
        "a new item": (coordinator, reverse("learning:submit")),
        "a search for guardians' items": (coordinator, reverse("learning:library") + "?audience=guardians"),
    }
    pages = {}
    for name, (client, url) in urls.items():
        response = client.get(url)
        assert response.status_code == 200, name
        pages[name] = response.content.decode()
    return pages


@pytest.mark.parametrize("nation", [Nation.SCOTLAND, Nation.NORTHERN_IRELAND])
def test_a_scottish_or_northern_irish_reader_sees_their_nations_guardians(site, nation):
    site.nation = nation
    site.save(update_fields=["nation"])
    pages = _pages(site)
    guardians = shown(f"Guardians ({SERVICE[nation]})")
    names = set_aside(site)
    for name, page in pages.items():
        assert guardians in page, name
        assert ENGLAND_WALES not in page, name
        no_english_guardian(page, names)


def test_england_keeps_independent_guardians(site):
    pages = _pages(site)
    for name, page in pages.items():
        assert ENGLAND_WALES in page, name
        assert SERVICE[Nation.SCOTLAND] not in page and SERVICE[Nation.NORTHERN_IRELAND] not in page, name
