"""The panel's pages in Welsh, as each role of a Welsh site that reaches them (ADR 0023, issue 13).

A Welsh site's default language is Welsh. Every page here must be wholly Welsh apart from names (people,
organisations, sites, children, references, the meeting's place) and the allowed terms (core/tests/welsh.py):
the scheduled sitting as the demo has it, then a sitting in session with a case on its agenda.

The case papers also show the referral as the referrals app lays it out (triage.packet.referral_sections),
that app's words to translate and to test in its own walk: those exact pieces are set aside here
(`referral_words`); everything else on the page must be Welsh.
"""

from __future__ import annotations

import pytest
from django.urls import reverse

from childnrm.accounts.models import Organisation, Role, Site, User
from childnrm.core.tests.welsh import walk_in_welsh
from childnrm.panels.demo import DEMO_LOCATION
from childnrm.panels.models import PanelMember
from childnrm.panels.tests.factories import accepted_referral, meeting_in_session
from childnrm.panels.tests.samples import sample_item, sample_meeting, sample_member
from childnrm.referrals.models import Referral
from childnrm.triage.packet import referral_sections
from conftest import demo_user, signed_in

pytestmark = pytest.mark.django_db

SITE = "northbridge"


def names() -> list[str]:
    """What a page may show in any language: people, organisations, sites, children and references."""
    people = [n for u in User.objects.all() for n in (u.full_name, u.email)]
    children = [n for r in Referral.objects.all() for n in (r.child_display_name, r.reference)]
    places = [*Organisation.objects.values_list("name", flat=True), *Site.objects.values_list("name", flat=True)]
    return [*people, *children, *places, DEMO_LOCATION, "demo"]


def referral_words() -> set[str]:
    """Each piece of the referral's sections on the case papers (titles, labels and answers), as the referrals app
    writes them today."""
    words: set[str] = set()
    for referral in Referral.objects.all():
        for section in referral_sections(referral):
            words.add(str(section["title"]))
            words |= {str(text) for f in section["fields"] for text in (f["label"], f["display"]) if text}
    return words


def english_on(role: str, paths: list[str]) -> dict[str, list[str]]:
    found = walk_in_welsh(signed_in(demo_user(role, SITE)), paths, names=names())
    others = referral_words()
    mine = {path: [text for text in texts if text not in others] for path, texts in found.items()}
    return {path: texts for path, texts in mine.items() if texts}


def test_the_coordinators_panel_pages_are_welsh(welsh_site):
    meeting, item, member = sample_meeting(SITE), sample_item(SITE), sample_member(SITE)
    paths = [
        reverse("panels:members"),
        reverse("panels:member-add"),
        reverse("panels:member-change", args=[member.pk]),
        reverse("panels:member-remove", args=[member.pk]),
        reverse("panels:meetings"),
        reverse("panels:meeting-schedule"),
        reverse("panels:meeting", args=[meeting.pk]),
        reverse("panels:meeting-change", args=[meeting.pk]),
        reverse("panels:meeting-open", args=[meeting.pk]),
        reverse("panels:meeting-cancel", args=[meeting.pk]),
        reverse("panels:agenda", args=[meeting.pk]),
        reverse("panels:agenda-remove", args=[meeting.pk, item.pk]),
        reverse("panels:conflicts", args=[meeting.pk, item.pk]),
        reverse("panels:papers", args=[meeting.pk, item.pk]),
    ]
    assert english_on(Role.COORDINATOR, paths) == {}


@pytest.mark.parametrize("role", [Role.CHAIR, Role.PANEL_MEMBER, Role.ICTG, Role.ADVISER])
def test_an_attendees_panel_pages_are_welsh(welsh_site, role):
    meeting, item = sample_meeting(SITE), sample_item(SITE)
    paths = [
        reverse("panels:my-meetings"),
        reverse("panels:meeting", args=[meeting.pk]),
        reverse("panels:papers", args=[meeting.pk, item.pk]),
    ]
    if role == Role.CHAIR:
        paths.append(reverse("panels:meeting-open", args=[meeting.pk]))
    assert english_on(role, paths) == {}


def test_a_sitting_in_session_is_welsh(welsh_site):
    """In session: the decisions to record, everyone's declarations, the papers and closing the sitting."""
    meeting = meeting_in_session(SITE, referrals=[accepted_referral(SITE)])
    item = meeting.agenda_items.get()
    for role in (Role.COORDINATOR, Role.CHAIR):
        paths = [
            reverse("panels:meeting", args=[meeting.pk]),
            reverse("panels:meeting-close", args=[meeting.pk]),
            reverse("panels:conflicts", args=[meeting.pk, item.pk]),
        ]
        assert english_on(role, paths) == {}, role
    member_paths = [reverse("panels:meeting", args=[meeting.pk]), reverse("panels:papers", args=[meeting.pk, item.pk])]
    assert english_on(Role.PANEL_MEMBER, member_paths) == {}


def test_offering_a_seat_is_welsh(welsh_site):
    """The page a coordinator or site administrator sees for a panel member who has no seat yet."""
    member = sample_member(SITE)
    PanelMember.objects.filter(pk=member.pk).update(active=False)
    path = reverse("panels:seat-offer", args=[SITE, member.user_id])
    assert english_on(Role.COORDINATOR, [path]) == {}


def test_suggested_cases_a_page_at_a_time_are_welsh(welsh_site):
    """More cases waiting than a page holds: the count of them and the links between pages (shared by every long
    list, `includes/pagination.html`) are Welsh too."""
    from childnrm.panels import suggestions
    from childnrm.panels.views import SUGGESTIONS_PER_PAGE

    meeting = sample_meeting(SITE)
    for _ in range(max(0, SUGGESTIONS_PER_PAGE + 1 - len(suggestions.agenda_suggestions(meeting)))):
        accepted_referral(SITE)
    agenda = reverse("panels:agenda", args=[meeting.pk])
    assert english_on(Role.COORDINATOR, [agenda, agenda + "?page=2"]) == {}
