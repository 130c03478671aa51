"""Voting seats (issue 8, rule 9): a seat votes only in the hands of someone of that statutory partner,
and a guardian never votes or makes quorum, whether the seat is given now or was recorded before the rule."""

from __future__ import annotations

import pytest
from django.db import IntegrityError, transaction
from django.urls import reverse

from childnrm.accounts.models import Membership, Organisation, OrganisationType, Role, Site, User
from childnrm.accounts.services import site_user_roles_set
from childnrm.audit.context import AuditContext
from childnrm.decisions import services as decision_services
from childnrm.decisions.models import Vote
from childnrm.decisions.services import DecisionInvalid
from childnrm.decisions.tests.factories import draft_decision
from childnrm.kit.errors import Problem
from childnrm.panels import rules, services
from childnrm.panels.models import Agency, AttendsAs, PanelMember
from childnrm.panels.services import PanelError
from childnrm.panels.tests.factories import scheduled_meeting
from childnrm.people.demo import DEMO_EMAIL_DOMAIN, demo_account
from conftest import demo_user

NB = "northbridge"


def coordinator() -> User:
    return demo_user(Role.COORDINATOR, NB)


def person(name: str, organisation: Organisation, *roles: str, site_slug: str = NB) -> User:
    """Someone of `organisation` holding `roles` (panel member if none given) at the site."""
    user = demo_account(f"{name.lower().replace(' ', '-')}.{site_slug}@{DEMO_EMAIL_DOMAIN}", name, organisation)
    for role in roles or (Role.PANEL_MEMBER,):
        Membership.objects.get_or_create(user=user, site=Site.objects.get(slug=site_slug), role=role)
    return user


def local_authority() -> Organisation:
    return demo_user(Role.COORDINATOR).organisation


def police_force() -> Organisation:
    return demo_user(Role.FIRST_RESPONDER).organisation


def health_body() -> Organisation:
    return demo_user(Role.PANEL_MEMBER).organisation


def guardian_service() -> Organisation:
    return Organisation.objects.get(type=OrganisationType.ICTG_SERVICE)


def add_seat(site: Site, member: User, agency: str, voting: bool = True) -> PanelMember:
    return services.panel_member_add(
        site=site, user=coordinator(), member_user=member, agency=agency, attends_as=AttendsAs.MEMBER, voting=voting
    )


# --- Giving a seat ------------------------------------------------------------------------------


def test_a_local_authority_person_cannot_take_the_police_vote(site):
    officer = person("Council officer", local_authority())
    with pytest.raises(PanelError) as refused:
        add_seat(site, officer, Agency.POLICE)
    assert refused.value.field == "voting"
    assert str(refused.value) == (
        f"Only someone from a police force can hold the police vote: Council officer works for {local_authority()}"
    )
    assert not PanelMember.objects.filter(user=officer).exists()
    # Their own agency's seat is theirs to hold; a police officer holds the police seat.
    assert add_seat(site, officer, Agency.SOCIAL_CARE).voting is True
    assert add_seat(site, person("Detective", police_force()), Agency.POLICE).voting is True


def test_each_seat_needs_its_own_kind_of_organisation(site):
    nurse = person("Named nurse", health_body())
    with pytest.raises(PanelError, match="Only someone from a local authority can hold the children's social care"):
        add_seat(site, nurse, Agency.SOCIAL_CARE)
    with pytest.raises(PanelError, match="Only someone from a health body can hold the health vote"):
        add_seat(site, person("Detective", police_force()), Agency.HEALTH)
    with pytest.raises(PanelError, match="has no organisation recorded"):
        add_seat(site, person("Nobody in particular", None), Agency.HEALTH)
    assert add_seat(site, nurse, Agency.HEALTH).voting is True


def test_someone_from_a_guardian_service_never_holds_a_vote(site):
    guardian = person("Service guardian", guardian_service())  # a panel member role, not the ICTG role
    with pytest.raises(PanelError, match="a guardian service: a guardian never votes") as refused:
        add_seat(site, guardian, Agency.HEALTH)
    assert refused.value.field == "voting"
    # They may still attend, without a vote.
    seat = services.panel_member_add(
        site=site, user=coordinator(), member_user=guardian, agency=Agency.ICTG, attends_as=AttendsAs.ICTG, voting=False
    )
    assert seat.voting is False


def test_the_demo_guardian_cannot_take_the_health_seat(site):
    # Today's bug: the guardian given the health seat, with a vote.
    seat = PanelMember.objects.get(site=site, user=demo_user(Role.ICTG))
    with pytest.raises(PanelError, match="guardian never votes"):
        services.panel_member_change(
            member=seat, user=coordinator(), agency=Agency.HEALTH, attends_as=AttendsAs.MEMBER, voting=True
        )
    seat.refresh_from_db()
    assert (seat.agency, seat.voting) == (Agency.ICTG, False)


def test_a_guardian_role_holder_from_a_health_body_never_holds_a_vote(site):
    both = person("Health guardian", health_body(), Role.PANEL_MEMBER, Role.ICTG)
    with pytest.raises(PanelError) as refused:
        add_seat(site, both, Agency.HEALTH)
    assert "holds the Independent Child Trafficking Guardian role at this site" in str(refused.value)
    # The role at another site does not count here.
    other = person("Other site guardian", health_body(), Role.PANEL_MEMBER)
    Membership.objects.create(user=other, site=Site.objects.get(slug="three-rivers"), role=Role.ICTG)
    assert add_seat(site, other, Agency.HEALTH).voting is True
    # Given the role after taking the seat: the seat can no longer be changed with its vote.
    Membership.objects.create(user=other, site=site, role=Role.ICTG)
    seat = PanelMember.objects.get(site=site, user=other)
    with pytest.raises(PanelError, match="guardian never votes"):
        services.panel_member_change(
            member=seat, user=coordinator(), agency=Agency.HEALTH, attends_as=AttendsAs.MEMBER, voting=True
        )


def test_a_changed_seat_must_still_match_its_holder(site):
    police_seat = PanelMember.objects.get(site=site, agency=Agency.POLICE)
    with pytest.raises(PanelError, match="Only someone from a health body can hold the health vote"):
        services.panel_member_change(
            member=police_seat, user=coordinator(), agency=Agency.HEALTH, attends_as=AttendsAs.MEMBER, voting=True
        )
    police_seat.refresh_from_db()
    assert police_seat.agency == Agency.POLICE


def test_only_the_statutory_partners_have_a_vote(site):
    teacher = person("Designated teacher", local_authority())
    with pytest.raises(PanelError, match="education attends without one"):
        add_seat(site, teacher, Agency.EDUCATION)
    assert add_seat(site, teacher, Agency.EDUCATION, voting=False).voting is False
    # The database refuses a vote outside the three partners, whoever writes the row.
    with pytest.raises(IntegrityError), transaction.atomic():
        PanelMember.objects.filter(user=teacher).update(voting=True)


# --- Seats recorded before the rule -------------------------------------------------------------


def legacy_seat(site: Site, member: User, agency: str = Agency.HEALTH) -> PanelMember:
    """A voting seat written as the old services allowed: the rule is not checked."""
    return PanelMember.objects.create(
        site=site, user=member, agency=agency, attends_as=AttendsAs.MEMBER, voting=True, added_by=coordinator()
    )


def test_a_seat_from_before_is_not_invited_with_its_vote(site):
    guardian = person("Old guardian", guardian_service())
    meeting = scheduled_meeting(NB)  # before the seat: not invited
    seat = legacy_seat(site, guardian)
    with pytest.raises(PanelError) as refused:
        services.attendee_add(meeting=meeting, user=coordinator(), member=seat)
    assert refused.value.field == "member" and "a guardian never votes" in str(refused.value)
    assert not meeting.attendees.filter(user=guardian).exists()
    # A meeting scheduled with the seat on the panel invites them, without the vote.
    later = scheduled_meeting(NB)
    assert later.attendees.get(user=guardian).voting is False


def test_a_guardian_in_the_health_seat_neither_votes_nor_makes_quorum(demo):
    decision = draft_decision(NB)
    item, meeting = decision.agenda_item, decision.meeting
    health = meeting.attendees.get(agency=Agency.HEALTH, voting=True)
    guardian = meeting.attendees.get(user=demo_user(Role.ICTG))
    assert rules.quorum_problems(item) == []
    # As things were: the health member away, the guardian sat in the health seat with a vote.
    services.attendance_mark(
        meeting=meeting,
        user=coordinator(),
        present_ids=set(meeting.attendees.exclude(pk=health.pk).values_list("pk", flat=True)),
    )
    meeting.attendees.filter(pk=guardian.pk).update(agency=Agency.HEALTH, attends_as=AttendsAs.MEMBER, voting=True)

    assert guardian.pk not in {a.pk for a in rules.eligible_voters(item)}
    assert rules.quorum_problems(item) == [
        Problem("quorum", "No voting member from health is present and free of conflict on this case")
    ]
    refusal = decision_services.vote_refusal(decision, guardian.user)
    assert refusal == rules.seat_refusal(guardian.user, Agency.HEALTH, meeting.site)
    assert "a guardian never votes" in refusal
    with pytest.raises(DecisionInvalid, match="a guardian never votes"):
        decision_services.vote_record(decision=decision, voter=guardian.user, vote=Vote.POSITIVE, user=coordinator())
    # The police member (from a police force) still votes.
    police = meeting.attendees.get(agency=Agency.POLICE, voting=True)
    assert decision_services.vote_refusal(decision, police.user) is None


def test_a_local_authority_person_in_the_police_seat_does_not_count(demo):
    decision = draft_decision(NB)
    item = decision.agenda_item
    police = decision.meeting.attendees.get(agency=Agency.POLICE, voting=True)
    assert rules.quorum_problems(item) == []
    # Moved to the council after being invited: their police vote no longer counts.
    police.user.organisation = local_authority()
    police.user.save(update_fields=["organisation"])
    assert rules.quorum_problems(item) == [
        Problem("quorum", "No voting member from police is present and free of conflict on this case")
    ]
    assert decision_services.vote_refusal(decision, police.user).startswith(
        "Only someone from a police force can hold the police vote"
    )


def test_a_health_member_who_is_also_a_guardian_does_not_make_quorum(demo):
    decision = draft_decision(NB)
    item = decision.agenda_item
    health = decision.meeting.attendees.get(agency=Agency.HEALTH, voting=True)
    assert health.user.organisation.type == OrganisationType.HEALTH
    # Given the guardian role at the site after being invited: their health vote no longer counts.
    Membership.objects.create(user=health.user, site=decision.meeting.site, role=Role.ICTG)
    assert health.pk not in {a.pk for a in rules.eligible_voters(item)}
    assert rules.quorum_problems(item) == [
        Problem("quorum", "No voting member from health is present and free of conflict on this case")
    ]
    with pytest.raises(DecisionInvalid, match="holds the Independent Child Trafficking Guardian role"):
        decision_services.vote_record(decision=decision, voter=health.user, vote=Vote.NEGATIVE, user=coordinator())


def test_the_demo_panel_seats_are_all_valid(demo):
    for site in Site.objects.all():
        seats = list(PanelMember.objects.filter(site=site, active=True).select_related("user__organisation"))
        assert rules.seat_refusals(seats, site) == {}
        assert {s.agency for s in seats if s.voting} == {Agency.SOCIAL_CARE, Agency.POLICE, Agency.HEALTH}


# --- Pages --------------------------------------------------------------------------------------


def test_the_member_form_shows_the_refusal_against_the_vote(client_as):
    officer = person("Council officer", local_authority())
    response = client_as(Role.COORDINATOR).post(
        reverse("panels:member-add"),
        {"user": officer.pk, "agency": Agency.POLICE, "attends_as": AttendsAs.MEMBER, "voting": "yes"},
    )
    body = response.content.decode()
    assert response.status_code == 200
    assert "There is a problem" in body and 'class="govuk-error-message"' in body
    assert "Only someone from a police force can hold the police vote" in body
    assert not PanelMember.objects.filter(user=officer).exists()


def test_the_invite_form_shows_the_refusal_against_the_member(client_as, site):
    meeting = scheduled_meeting(NB)
    seat = legacy_seat(site, person("Old guardian", guardian_service()))
    client = client_as(Role.COORDINATOR)
    members = client.get(reverse("panels:members")).content.decode()
    assert "Cannot vote" in members and "a guardian never votes" in members
    response = client.post(reverse("panels:attendee-add", args=[meeting.pk]), {"member": seat.pk})
    body = response.content.decode()
    assert response.status_code == 200
    assert "There is a problem" in body and 'id="id_member-error"' in body
    assert "a guardian never votes" in body
    assert not meeting.attendees.filter(user=seat.user).exists()


def test_a_member_whose_roles_are_removed_keeps_no_vote_at_a_sitting_already_scheduled(demo):
    """A seat needs a role at the site (`panel_member_add`). Removing every role, the administrator's page's
    "remove from site", took nothing from the seat: the member was still invited, counted to quorum and could be
    recorded voting. Now the seat's vote goes with the roles, at sittings already scheduled too."""
    decision = draft_decision(NB)
    item, meeting = decision.agenda_item, decision.meeting
    health = meeting.attendees.select_related("user").get(agency=Agency.HEALTH, voting=True)
    assert rules.quorum_problems(item) == [] and health.pk in {a.pk for a in rules.eligible_voters(item)}

    admin = demo_user(Role.SITE_ADMIN)
    site_user_roles_set(site=meeting.site, user=health.user, roles=[], by=admin, audit=AuditContext(actor=admin))

    name = health.user.full_name
    refusal = f"{name} no longer holds a role at this site: their seat has no vote"
    assert rules.seat_refusal(health.user, Agency.HEALTH, meeting.site) == refusal
    assert health.pk not in {a.pk for a in rules.eligible_voters(item)}
    assert rules.quorum_problems(item) == [
        Problem("quorum", "No voting member from health is present and free of conflict on this case")
    ]
    assert decision_services.vote_refusal(decision, health.user) == refusal
    with pytest.raises(DecisionInvalid, match="no longer holds a role at this site"):
        decision_services.vote_record(decision=decision, voter=health.user, vote=Vote.POSITIVE, user=coordinator())
    # Nor is the member invited to the next sitting scheduled, though their seat stays for when roles are given back.
    later = scheduled_meeting(NB)
    assert not later.attendees.filter(user=health.user).exists()
    # Given a role back, the seat votes again, once the coordinator marks them present (removing their access marked
    # them absent at this sitting, where a decision had been started: test_access_removed_attendance.py).
    site_user_roles_set(
        site=meeting.site, user=health.user, roles=[Role.PANEL_MEMBER], by=admin, audit=AuditContext(actor=admin)
    )
    assert decision_services.vote_refusal(decision, health.user).endswith(
        "is not recorded as present at this sitting and cannot vote."
    )
    services.attendance_mark(
        meeting=meeting, user=coordinator(), present_ids=set(meeting.attendees.values_list("pk", flat=True))
    )
    assert decision_services.vote_refusal(decision, health.user) is None
