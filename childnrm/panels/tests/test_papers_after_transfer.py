"""Case papers close when the case leaves the meeting's site, and to a member who declared a conflict.

Security finding (issue 14, item 1): meeting papers checked the meeting's site but not the case's
current site, so after a transfer the sending site's coordinator, chair, members, adviser and guardian
could read the child's papers, and the receiving site's agency answers, for good.
"""

from __future__ import annotations

from django.urls import reverse
from django.utils import timezone

from childnrm.accounts.models import Role, Site
from childnrm.dashboard.tests.factories import information_request
from childnrm.handovers.models import TransferDestination
from childnrm.handovers.services import case_transfer
from childnrm.information.models import InformationResponse
from childnrm.panels.models import ConflictDeclaration
from childnrm.panels.tests.factories import accepted_referral, meeting_in_session
from childnrm.panels.tests.test_views import _referral_with_document, papers_url
from conftest import demo_user

NB = "northbridge"
ATTENDING = (Role.COORDINATOR, Role.CHAIR, Role.PANEL_MEMBER, Role.ADVISER, Role.ICTG)
NEW_SITE_ANSWER = "Three Rivers police: the child was seen with the same group in Riverside last week."


def _transfer(referral) -> None:
    case_transfer(
        child=referral.child,
        user=demo_user(Role.COORDINATOR, NB),
        destination=TransferDestination.SITE,
        to_site=Site.objects.get(slug="three-rivers"),
        reason="The child now lives with an aunt in the Three Rivers area.",
    )


def test_papers_and_documents_close_to_the_sending_site_when_the_case_is_transferred(client_as, private_storage):
    referral, document, _data = _referral_with_document(NB)
    staying = accepted_referral(NB)
    meeting = meeting_in_session(NB, referrals=[referral, staying])
    item = meeting.agenda_items.get(referral=referral)
    download = reverse("panels:paper-document", args=[meeting.pk, item.pk]) + f"?document={document.pk}"
    meeting_url = reverse("panels:meeting", args=[meeting.pk])
    for role in ATTENDING:
        assert client_as(role).get(papers_url(item)).status_code == 200, role
    name = referral.child_display_name

    _transfer(referral)
    # The receiving site goes on: its police answer an information request about the child.
    referral.refresh_from_db()
    asked = information_request(referral, due_on=timezone.localdate())
    InformationResponse.objects.create(
        request=asked,
        organisation=asked.organisation,
        responded_by=demo_user(Role.COORDINATOR, "three-rivers"),
        text=NEW_SITE_ANSWER,
    )

    for role in ATTENDING:
        client = client_as(role)
        for url in (papers_url(item), download):
            assert client.get(url).status_code == 404, (role, url)
            assert client.post(url).status_code == 404, (role, url)
        page = client.get(meeting_url).content.decode()
        assert name not in page and NEW_SITE_ANSWER not in page, role
        assert "1 case on this agenda has since been transferred to another site" in page
        # The case that stayed is still on the agenda, with its papers.
        assert client.get(papers_url(meeting.agenda_items.get(referral=staying))).status_code == 200, role
    coordinator = client_as(Role.COORDINATOR)
    assert coordinator.get(reverse("panels:agenda-remove", args=[meeting.pk, item.pk])).status_code == 404
    assert coordinator.get(reverse("panels:conflicts", args=[meeting.pk, item.pk])).status_code == 404
    assert name not in coordinator.get(reverse("decisions:index")).content.decode()


def test_papers_close_to_a_member_who_declared_a_conflict(client_as):
    meeting = meeting_in_session(NB, referrals=[accepted_referral(NB)])
    item = meeting.agenda_items.get()
    member = demo_user(Role.PANEL_MEMBER)
    own = meeting.attendees.get(user=member)
    client = client_as(Role.PANEL_MEMBER)
    assert client.get(papers_url(item)).status_code == 200

    response = client.post(
        papers_url(item), {f"a{own.pk}-has_conflict": "yes", f"a{own.pk}-details": "I treated the child"}
    )
    assert response.status_code == 302 and response["Location"] == reverse("panels:meeting", args=[meeting.pk])
    assert ConflictDeclaration.objects.get(agenda_item=item, attendee=own).has_conflict
    page = client.get(response["Location"]).content.decode()
    assert "papers are closed to you" in page and "Case papers closed to you" in page
    # Reached directly, the papers say why they are closed (test_conflicts_declared), not "Page not found".
    assert client.get(papers_url(item)).status_code == 403
    # Others at the sitting, and the coordinator who corrects declarations, still read them.
    assert client_as(Role.CHAIR).get(papers_url(item)).status_code == 200
    assert client_as(Role.COORDINATOR).get(papers_url(item)).status_code == 200
