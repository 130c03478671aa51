"""Taking someone's access away asks first, saying what follows: their seat on the panel and whether the panel can
still be quorate, the sittings they are listed at and the children they are guardian or lead social worker of."""

from __future__ import annotations

from django.contrib.messages import get_messages
from django.urls import reverse

from childnrm.accounts.models import Membership, Role, User
from childnrm.audit.models import AuditEvent
from childnrm.decisions.tests.factories import draft_decision
from childnrm.kit.dates import long_datetime
from childnrm.panels import rules
from childnrm.panels.demo import demo_member_email
from childnrm.panels.models import Agency, MeetingAttendee, PanelMember
from childnrm.people.models import AssociationKind, ChildAssociation
from conftest import demo_user


def _police_member(site) -> User:
    return User.objects.get(email=demo_member_email("police-member", site.slug))


def _roles(user, site) -> set[str]:
    return set(Membership.objects.filter(user=user, site=site, active=True).values_list("role", flat=True))


def _updates(user) -> int:
    return AuditEvent.objects.filter(action="update", object_type="accounts.user", object_id=str(user.pk)).count()


def test_unticking_every_role_asks_first_and_says_what_follows(client_as, site):
    police = _police_member(site)
    assert MeetingAttendee.objects.filter(user=police, meeting__site=site).exists()  # the demo's scheduled sitting
    client = client_as(Role.SITE_ADMIN)
    page = client.post(f"/account/users/{site.slug}/{police.pk}/", {})
    body = page.content.decode()
    assert page.status_code == 200
    assert f"Remove {police.full_name}’s access to {site.name}?" in body
    assert f"{police.full_name} sits on the panel for police, with a vote." in body
    assert "The panel will not be able to be quorate: without them it has no voting member from police." in body
    assert "Sittings they are listed at" in body
    assert ": they will be taken off the attendance list." in body
    assert "The sitting’s page tells the panel coordinator what changed and why." in body
    assert "They stay on the attendance list" not in body
    assert "govuk-button--warning" in body and "Remove access" in body
    assert f'href="/account/users/{site.slug}/{police.pk}/">Cancel</a>' in body
    # Nothing has changed: not their roles, not the audit trail of changes.
    assert _roles(police, site) == {Role.PANEL_MEMBER}
    assert _updates(police) == 0
    # Cancel: back to their page, still at the site.
    assert client.get(f"/account/users/{site.slug}/{police.pk}/").status_code == 200
    assert _roles(police, site) == {Role.PANEL_MEMBER}

    done = client.post(f"/account/users/{site.slug}/{police.pk}/", {"confirmed": "yes"})
    assert done.status_code == 302 and done["Location"] == f"/account/users/{site.slug}/"
    assert _roles(police, site) == set()
    assert [str(m) for m in get_messages(done.wsgi_request)] == [
        f"{police.full_name} no longer has access to {site.name}"
    ]
    event = AuditEvent.objects.get(action="update", object_type="accounts.user", object_id=str(police.pk))
    assert event.detail["roles_removed"] == [Role.PANEL_MEMBER]
    # As the page said: off the scheduled sitting's attendance list.
    assert not MeetingAttendee.objects.filter(user=police, meeting__site=site).exists()


def test_remove_from_this_site_names_the_children_and_changes_nothing(client_as, site):
    guardian = demo_user(Role.ICTG)
    children = (
        ChildAssociation.objects.filter(
            user=guardian, kind=AssociationKind.ICTG, ends_at__isnull=True, child__site=site
        )
        .values("child_id")
        .distinct()
        .count()
    )
    assert children >= 1
    client = client_as(Role.SITE_ADMIN)
    detail = client.get(f"/account/users/{site.slug}/{guardian.pk}/").content.decode()
    assert f'href="/account/users/{site.slug}/{guardian.pk}/remove/"' in detail
    body = client.get(f"/account/users/{site.slug}/{guardian.pk}/remove/").content.decode()
    if children == 1:
        assert "They are the guardian of 1 child at this site." in body
    else:
        assert f"They are the guardian of {children} children at this site." in body
    assert "without a vote." in body and "Remove access" in body
    assert _roles(guardian, site) == {Role.ICTG}
    # The confirmation page is a read, audited as one.
    assert AuditEvent.objects.filter(action="view", object_id=str(guardian.pk), detail__has_key="confirming").exists()


def test_the_page_says_when_the_panel_stays_quorate_and_when_nothing_else_follows(client_as, site):
    police = _police_member(site)
    second = User.objects.create_user("second.police@police.example", full_name="Second Officer")
    second.organisation = police.organisation
    second.save()
    Membership.objects.create(user=second, site=site, role=Role.PANEL_MEMBER)
    PanelMember.objects.create(site=site, user=second, agency=Agency.POLICE, voting=True, added_by=police)
    client = client_as(Role.SITE_ADMIN)
    body = client.post(f"/account/users/{site.slug}/{police.pk}/", {}).content.decode()
    assert "The panel can still be quorate without them" in body
    assert "cannot be quorate" not in body

    analyst = demo_user(Role.ANALYST)
    body = client.get(f"/account/users/{site.slug}/{analyst.pk}/remove/").content.decode()
    assert "They have no seat on the panel, are listed at no scheduled or open sitting" in body
    assert _roles(analyst, site) == {Role.ANALYST}


def test_taking_one_role_away_asks_first_only_when_it_loses_a_seat(client_as, site):
    police = _police_member(site)
    Membership.objects.create(user=police, site=site, role=Role.CHAIR)
    client = client_as(Role.SITE_ADMIN)
    # The chair role goes: no seat lost, no question.
    response = client.post(f"/account/users/{site.slug}/{police.pk}/", {"roles": [Role.PANEL_MEMBER]})
    assert response.status_code == 302
    assert _roles(police, site) == {Role.PANEL_MEMBER}
    Membership.objects.filter(user=police, site=site, role=Role.CHAIR).update(active=True)
    # The panel member role goes while they sit on the panel: the same question, with the same consequences.
    page = client.post(f"/account/users/{site.slug}/{police.pk}/", {"roles": [Role.CHAIR]})
    body = page.content.decode()
    assert page.status_code == 200
    assert f"Take roles away from {police.full_name}?" in body
    assert "The panel will not be able to be quorate: without them it has no voting member from police." in body
    assert "Without the panel member role their seat no longer sits: it has no vote" in body
    assert ": they will be taken off the attendance list." in body
    assert _roles(police, site) == {Role.PANEL_MEMBER, Role.CHAIR}
    confirmed = client.post(f"/account/users/{site.slug}/{police.pk}/", {"roles": [Role.CHAIR], "confirmed": "yes"})
    assert confirmed.status_code == 302
    assert _roles(police, site) == {Role.CHAIR}


def test_what_the_page_warns_of_taking_the_panel_member_role_is_what_happens(client_as, site):
    """Kept as chair, the police member lost the panel member role: the page warned the panel could no longer be
    quorate, but the seat still voted. The warning and the panel's rules now agree."""
    police = _police_member(site)
    Membership.objects.create(user=police, site=site, role=Role.CHAIR)
    seat = PanelMember.objects.get(site=site, user=police)
    assert rules.seat_refusals([seat], site) == {}
    client = client_as(Role.SITE_ADMIN)
    warned = client.post(f"/account/users/{site.slug}/{police.pk}/", {"roles": [Role.CHAIR]}).content.decode()
    assert "without them it has no voting member from police" in warned
    client.post(f"/account/users/{site.slug}/{police.pk}/", {"roles": [Role.CHAIR], "confirmed": "yes"})
    assert seat.pk in rules.seat_refusals([seat], site)
    members = client_as(Role.COORDINATOR).get(reverse("panels:members")).content.decode()
    assert "The panel cannot be quorate: it has no voting member from police." in members


def test_the_page_says_what_becomes_of_each_sitting(client_as, site):
    """A sitting where a decision has been started keeps them on its record, marked absent; the sitting's chair
    stays named as its chair, no longer able to chair it; a scheduled sitting takes them off."""
    police = _police_member(site)
    in_session = draft_decision(site.slug).meeting
    client = client_as(Role.SITE_ADMIN)
    body = client.get(f"/account/users/{site.slug}/{police.pk}/remove/").content.decode()
    when = long_datetime(in_session.starts_at, weekday=True)
    assert (
        f"{when} (in session now): a decision has been started at this sitting, so they stay on its record, "
        "marked absent, without a vote." in body
    )
    assert body.count(": they will be taken off the attendance list.") == 1  # the demo's scheduled sitting

    chair = demo_user(Role.CHAIR)
    body = client.get(f"/account/users/{site.slug}/{chair.pk}/remove/").content.decode()
    assert (
        "they chair this sitting. Without the panel chair role they can no longer chair it: they stay named as its "
        "chair, and no decision can be signed off there, until the panel coordinator chooses another chair." in body
    )


def test_taking_the_chair_role_from_a_sittings_chair_asks_first_and_says_what_becomes_of_the_sitting(client_as, site):
    """Keeping the panel member role, the chair of a live sitting lost the chair role without a question, and stayed
    its chair. The page now says that they can no longer chair it, and the sitting's page records it."""
    chair = demo_user(Role.CHAIR)
    Membership.objects.create(user=chair, site=site, role=Role.PANEL_MEMBER)
    scheduled = MeetingAttendee.objects.select_related("meeting").get(user=chair).meeting  # the demo's sitting
    assert scheduled.chair_id == chair.pk
    client = client_as(Role.SITE_ADMIN)
    page = client.post(f"/account/users/{site.slug}/{chair.pk}/", {"roles": [Role.PANEL_MEMBER]})
    body = page.content.decode()
    assert page.status_code == 200
    assert f"Take roles away from {chair.full_name}?" in body
    when = long_datetime(scheduled.starts_at, weekday=True)
    assert (
        f"{when}: they chair this sitting. Without the panel chair role they can no longer chair it: they stay named "
        "as its chair, and no decision can be signed off there, until the panel coordinator chooses another chair."
        in body
    )
    assert "The sitting’s page tells the panel coordinator what changed and why." in body
    assert _roles(chair, site) == {Role.CHAIR, Role.PANEL_MEMBER}
    confirmed = client.post(
        f"/account/users/{site.slug}/{chair.pk}/", {"roles": [Role.PANEL_MEMBER], "confirmed": "yes"}
    )
    assert confirmed.status_code == 302
    assert _roles(chair, site) == {Role.PANEL_MEMBER}
    assert rules.chair_refusal(scheduled) is not None
    assert scheduled.attendance_ended.get(user=chair).as_chair
