"""A seat on the panel is held as a panel member (domain.md step 7). Someone who loses the panel member role but
keeps another role at the site (here: chair) kept their vote and their place in quorum, while the site
administrator's page warned that the seat went with the role. Now the vote goes with the role: at the sitting, on the
panel members page and for the sittings scheduled next, all by the one rule (`rules.seat_refusals`)."""

from __future__ import annotations

import pytest
from django.urls import reverse

from childnrm.accounts.models import Role, User
from childnrm.accounts.services import site_user_roles_set
from childnrm.audit.context import AuditContext
from childnrm.decisions import services as decision_services
from childnrm.decisions.models import Vote
from childnrm.decisions.services import DecisionInvalid
from childnrm.decisions.tests.factories import draft_decision
from childnrm.kit.errors import Problem
from childnrm.panels import rules, services
from childnrm.panels.demo import demo_member_email
from childnrm.panels.models import Agency, AttendsAs, PanelMember
from childnrm.panels.services import PanelError
from childnrm.panels.tests.factories import scheduled_meeting
from conftest import demo_user

NB = "northbridge"


def _roles_set(site, user: User, roles: list[str]) -> None:
    admin = demo_user(Role.SITE_ADMIN)
    site_user_roles_set(site=site, user=user, roles=roles, by=admin, audit=AuditContext(actor=admin))


def test_keeping_another_role_does_not_keep_the_vote(demo):
    decision = draft_decision(NB)
    item, meeting = decision.agenda_item, decision.meeting
    police = meeting.attendees.select_related("user").get(agency=Agency.POLICE, voting=True)
    assert rules.quorum_problems(item) == []

    _roles_set(meeting.site, police.user, [Role.CHAIR])
    # Even marked present again by the coordinator, the seat has no vote.
    services.attendance_mark(
        meeting=meeting,
        user=demo_user(Role.COORDINATOR),
        present_ids=set(meeting.attendees.values_list("pk", flat=True)),
    )

    refusal = f"{police.user.full_name} does not hold the panel member role at this site: their seat has no vote"
    assert rules.seat_refusal(police.user, Agency.POLICE, meeting.site) == refusal
    assert police.pk not in {a.pk for a in rules.eligible_voters(item)}
    assert rules.quorum_problems(item) == [
        Problem("quorum", "No voting member from police is present and free of conflict on this case")
    ]
    assert decision_services.vote_refusal(decision, police.user) == refusal
    with pytest.raises(DecisionInvalid, match="does not hold the panel member role"):
        decision_services.vote_record(
            decision=decision, voter=police.user, vote=Vote.POSITIVE, user=demo_user(Role.COORDINATOR)
        )
    # The next sitting scheduled does not invite them: their seat no longer sits.
    assert not scheduled_meeting(NB).attendees.filter(user=police.user).exists()

    # Given the role back, the seat votes again.
    _roles_set(meeting.site, police.user, [Role.CHAIR, Role.PANEL_MEMBER])
    assert decision_services.vote_refusal(decision, police.user) is None
    assert rules.quorum_problems(item) == []


def test_the_panel_members_page_counts_by_the_same_rule(client_as, site):
    police = User.objects.get(email=demo_member_email("police-member", site.slug))
    _roles_set(site, police, [Role.CHAIR])
    body = client_as(Role.COORDINATOR).get(reverse("panels:members")).content.decode()
    assert "The panel cannot be quorate: it has no voting member from police." in body
    assert f"{police.full_name} does not hold the panel member role at this site: their seat has no vote" in body


def test_a_member_seat_is_given_only_to_someone_with_the_panel_member_role(site):
    officer = User.objects.get(email=demo_member_email("police-member", site.slug))
    PanelMember.objects.filter(user=officer).delete()
    _roles_set(site, officer, [Role.CHAIR])
    with pytest.raises(PanelError) as refused:
        services.panel_member_add(
            site=site,
            user=demo_user(Role.COORDINATOR),
            member_user=officer,
            agency=Agency.POLICE,
            attends_as=AttendsAs.MEMBER,
            voting=True,
        )
    assert refused.value.field == "user"
    assert str(refused.value) == "Select someone who holds the panel member role at this site to sit as a member"
    assert not PanelMember.objects.filter(user=officer).exists()
