"""Panel services: membership, guarded meeting transitions, the chair rule, declarations, suggestions."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, transaction
from django.utils import timezone

from childnrm.accounts.models import Membership, Role, Site
from childnrm.audit.models import AuditEvent
from childnrm.decisions.models import Decision, DecisionStatus, DecisionVote, Outcome, Stage
from childnrm.kit.errors import Problem
from childnrm.panels import rules, services, suggestions
from childnrm.panels.demo import working_day
from childnrm.panels.models import (
    Agency,
    AgendaStage,
    AttendsAs,
    MeetingKind,
    MeetingStatus,
    MeetingStatusChange,
    PanelMember,
)
from childnrm.panels.services import PanelError
from childnrm.panels.tests.factories import (
    accepted_referral,
    add_to_agenda,
    meeting_in_session,
    scheduled_meeting,
)
from childnrm.people.demo import demo_account
from childnrm.people.models import AssociationKind, ChildAssociation
from childnrm.reviews.models import ReconsiderationRequest, RequesterKind
from conftest import demo_user

NB = "northbridge"


def coordinator():
    return demo_user(Role.COORDINATOR, NB)


# --- Membership -------------------------------------------------------------------------------


def test_demo_panel_is_quorate_with_non_voting_guardian_and_adviser(demo):
    seats = {m.user.email: m for m in PanelMember.objects.filter(site__slug=NB).select_related("user")}
    voting = {m.agency for m in seats.values() if m.voting}
    assert voting == {Agency.SOCIAL_CARE, Agency.POLICE, Agency.HEALTH}
    assert not seats[demo_user(Role.ICTG).email].voting
    assert not seats[demo_user(Role.ADVISER).email].voting
    assert seats["police-member.northbridge@childnrm.example"].agency == Agency.POLICE


def test_guardians_and_advisers_never_vote(site):
    analyst = demo_user(Role.ANALYST)
    with pytest.raises(PanelError) as error:
        services.panel_member_add(
            site=site,
            user=coordinator(),
            member_user=analyst,
            agency=Agency.EDUCATION,
            attends_as=AttendsAs.ADVISER,
            voting=True,
        )
    assert error.value.field == "voting"
    assert not PanelMember.objects.filter(user=analyst).exists()
    # The database refuses it too, whoever writes the row.
    with pytest.raises(IntegrityError), transaction.atomic():
        PanelMember.objects.create(
            site=site, user=analyst, agency=Agency.ICTG, attends_as=AttendsAs.ICTG, voting=True, added_by=analyst
        )


def test_a_member_must_hold_a_role_at_the_site_and_sits_once(site, other_site):
    outsider = demo_user(Role.ANALYST, "three-rivers")
    with pytest.raises(PanelError, match="holds a role at this site"):
        services.panel_member_add(
            site=site, user=coordinator(), member_user=outsider, agency="health", attends_as="member", voting=True
        )
    with pytest.raises(PanelError, match="already sits"):
        services.panel_member_add(
            site=site,
            user=coordinator(),
            member_user=demo_user(Role.PANEL_MEMBER),
            agency="health",
            attends_as="member",
            voting=True,
        )
    # Someone of another site cannot change this site's panel.
    with pytest.raises(PermissionDenied):
        services.panel_member_add(
            site=site,
            user=demo_user(Role.COORDINATOR, "three-rivers"),
            member_user=demo_user(Role.ANALYST),
            agency="health",
            attends_as="member",
            voting=True,
        )


def test_removed_member_is_not_invited_but_past_meetings_keep_them(site):
    seat = PanelMember.objects.get(site=site, user=demo_user(Role.ADVISER))
    before = scheduled_meeting(NB)
    services.panel_member_remove(member=seat, user=coordinator())
    seat.refresh_from_db()
    assert seat.active is False
    after = scheduled_meeting(NB)
    assert before.attendees.filter(user=seat.user).exists()
    assert not after.attendees.filter(user=seat.user).exists()
    with pytest.raises(PanelError):
        services.panel_member_remove(member=seat, user=coordinator())
    # Added again: the same seat comes back with the new details.
    again = services.panel_member_add(
        site=site, user=coordinator(), member_user=seat.user, agency="youth_justice", attends_as="adviser", voting=False
    )
    assert again.pk == seat.pk and again.active and again.agency == "youth_justice"


# --- Meetings and transitions -------------------------------------------------------------------


def test_scheduling_snapshots_the_panel_and_invites_the_chair(demo):
    meeting = scheduled_meeting(NB)
    invited = {a.user_id: a for a in meeting.attendees.all()}
    seats = PanelMember.objects.filter(site__slug=NB, active=True)
    assert {s.user_id for s in seats} | {meeting.chair_id} == set(invited)
    chair = invited[meeting.chair_id]
    assert chair.voting is False and chair.agency == Agency.SOCIAL_CARE
    assert list(meeting.status_changes.values_list("from_status", "to_status")) == [("", "scheduled")]
    assert AuditEvent.objects.filter(object_type="panels.meeting", object_id=str(meeting.pk), action="create").exists()


def test_only_a_chair_of_the_site_can_chair(site):
    with pytest.raises(PanelError) as error:
        services.meeting_schedule(
            site=site,
            user=coordinator(),
            kind=MeetingKind.EXTRA,
            starts_at=timezone.now() + timedelta(days=3),
            location="",
            chair=demo_user(Role.PANEL_MEMBER),
        )
    assert error.value.field == "chair"


def test_transitions_are_guarded_and_recorded(demo):
    user = coordinator()
    meeting = scheduled_meeting(NB)
    with pytest.raises(PanelError, match="only a meeting in session can be closed"):
        services.meeting_close(meeting=meeting, user=user)
    services.meeting_open(meeting=meeting, user=user, move_to_today=True)  # set for next week
    with pytest.raises(PanelError, match="only a scheduled meeting can be opened"):
        services.meeting_open(meeting=meeting, user=user)
    with pytest.raises(PanelError, match="only a scheduled meeting can be cancelled"):
        services.meeting_cancel(meeting=meeting, user=user)
    closed = services.meeting_close(meeting=meeting, user=user)
    assert closed.status == MeetingStatus.CLOSED and closed.opened_at and closed.closed_at
    steps = list(MeetingStatusChange.objects.filter(meeting=meeting).values_list("from_status", "to_status", "actor"))
    assert steps == [("", "scheduled", user.pk), ("scheduled", "open", user.pk), ("open", "closed", user.pk)]
    # A closed meeting's agenda and attendance no longer change.
    with pytest.raises(PanelError, match="closed"):
        services.attendance_mark(meeting=meeting, user=user, present_ids=set())
    with pytest.raises(PanelError, match="closed"):
        services.agenda_item_add(meeting=meeting, user=user, referral=accepted_referral(NB), stage="reasonable_grounds")


def test_a_chair_cannot_run_someone_elses_site(demo):
    meeting = scheduled_meeting(NB)
    # Another chair of the site does not run the demo chair's sitting (issue 9: the chair runs only their own).
    other_chair = demo_account(
        "chair-other.northbridge@childnrm.example", "Other chair", demo_user(Role.CHAIR).organisation
    )
    Membership.objects.get_or_create(user=other_chair, site=meeting.site, role=Role.CHAIR)
    with pytest.raises(PermissionDenied):
        services.meeting_open(meeting=meeting, user=other_chair)
    with pytest.raises(PermissionDenied):
        services.meeting_open(meeting=meeting, user=demo_user(Role.CHAIR, "three-rivers"))
    with pytest.raises(PermissionDenied):
        services.meeting_cancel(meeting=meeting, user=demo_user(Role.COORDINATOR, "three-rivers"))
    meeting.refresh_from_db()
    assert meeting.status == MeetingStatus.SCHEDULED


def test_cancel_a_scheduled_meeting(demo):
    meeting = services.meeting_cancel(meeting=scheduled_meeting(NB), user=coordinator())
    assert meeting.status == MeetingStatus.CANCELLED


def test_attendance_and_invitations(site):
    user = coordinator()
    meeting = scheduled_meeting(NB)
    adviser = meeting.attendees.get(user=demo_user(Role.ADVISER))
    services.attendance_mark(meeting=meeting, user=user, present_ids={adviser.pk})
    assert list(meeting.attendees.filter(present=True)) == [adviser]
    with pytest.raises(PanelError):
        services.attendance_mark(meeting=meeting, user=user, present_ids={adviser.pk, 10**9})
    chair = meeting.attendees.get(user=meeting.chair)
    with pytest.raises(PanelError, match="chair cannot be removed"):
        services.attendee_remove(attendee=chair, user=user)
    services.attendee_remove(attendee=adviser, user=user)
    assert not meeting.attendees.filter(user=adviser.user).exists()
    seat = PanelMember.objects.get(site=site, user=adviser.user)
    services.attendee_add(meeting=meeting, user=user, member=seat)
    with pytest.raises(PanelError, match="already invited"):
        services.attendee_add(meeting=meeting, user=user, member=seat)


# --- Chair rule ---------------------------------------------------------------------------------


def _second_chair(site: Site):
    user = demo_account("chair-two.northbridge@childnrm.example", "Second chair", demo_user(Role.CHAIR).organisation)
    Membership.objects.get_or_create(user=user, site=site, role=Role.CHAIR)
    return user


def _chair_refused(meeting, chair, referral) -> None:
    """Changing the meeting's chair to `chair` is refused, naming the case they may not chair."""
    with pytest.raises(PanelError) as error:
        services.meeting_change(
            meeting=meeting,
            user=coordinator(),
            kind=meeting.kind,
            starts_at=meeting.starts_at,
            location=meeting.location,
            chair=chair,
        )
    assert error.value.field == "chair" and referral.reference in str(error.value)


def test_the_childs_lead_social_worker_may_not_chair(site):
    other_chair = _second_chair(site)
    referral = accepted_referral(NB)
    ChildAssociation.objects.create(child=referral.child, user=other_chair, kind=AssociationKind.LEAD_SOCIAL_WORKER)
    meeting = scheduled_meeting(NB)
    item = add_to_agenda(meeting, referral)
    assert rules.chair_problems(item) == []
    _chair_refused(meeting, other_chair, referral)
    meeting.refresh_from_db()
    assert meeting.chair == demo_user(Role.CHAIR)

    # Scheduled with that chair first, the case can still be listed, and the problem shows against it.
    theirs = scheduled_meeting(NB, chair=other_chair)
    listed = add_to_agenda(theirs, referral)
    assert rules.chair_problems(listed) == [
        Problem("chair-lead-social-worker", "The chair is the child's lead social worker and may not chair this case")
    ]
    assert [p.code for p in services.item_problems(listed)][:1] == ["chair-lead-social-worker"]


def test_the_lead_social_worker_on_a_linked_record_may_not_chair_on_any_screen(site):
    """Recorded by email on an earlier record of the same child (domain: "across linked records"): the meeting
    form, the agenda suggestions and sign-off apply the one rule."""
    from childnrm.people.models import ChildLinkDecision, LeadSocialWorker, LinkStatus, SocialWorkerSource

    other_chair = _second_chair(site)
    earlier, referral = accepted_referral(NB), accepted_referral(NB)
    LeadSocialWorker.objects.create(
        child=earlier.child,
        name="Second chair",
        email=other_chair.email.upper(),
        source=SocialWorkerSource.SAFEGUARDING,
        recorded_by=coordinator(),
        starts_at=timezone.now(),
    )
    ChildLinkDecision.objects.create(
        child_a=earlier.child, child_b=referral.child, status=LinkStatus.LINKED, decided_by=coordinator()
    )
    meeting = scheduled_meeting(NB)
    add_to_agenda(meeting, referral)
    _chair_refused(meeting, other_chair, referral)

    theirs = scheduled_meeting(NB, chair=other_chair)
    found = {s.referral.pk: s for s in suggestions.agenda_suggestions(theirs)}
    assert any("lead social worker" in r for r in found[referral.pk].reasons)
    listed = add_to_agenda(theirs, referral)
    assert [p.code for p in rules.chair_problems(listed)] == ["chair-lead-social-worker"]


# --- Conflicts ----------------------------------------------------------------------------------


def test_declarations_decide_who_may_vote(demo):
    referral = accepted_referral(NB)
    meeting = meeting_in_session(NB, referrals=[referral])
    item = meeting.agenda_items.get()
    assert rules.quorum_problems(item) == [] and rules.sitting_problems(item) == []
    police_user = meeting.attendees.get(agency=Agency.POLICE).user
    police = meeting.attendees.get(user=police_user)

    with pytest.raises(PanelError) as error:
        services.conflict_declare(item=item, attendee=police, user=police_user, has_conflict=True, details=" ")
    assert error.value.field == "details"

    services.conflict_declare(
        item=item, attendee=police, user=police_user, has_conflict=True, details="I arrested the child's brother"
    )
    assert police.pk not in {a.pk for a in rules.eligible_voters(item)}
    assert rules.quorum_problems(item) == [
        Problem("quorum", "No voting member from police is present and free of conflict on this case")
    ]
    event = AuditEvent.objects.filter(object_type="panels.conflictdeclaration").latest("seq")
    assert event.actor_id == police_user.pk and event.detail["meeting"] == meeting.pk


def test_only_the_attendee_or_the_coordinator_declares(demo):
    meeting = meeting_in_session(NB, referrals=[accepted_referral(NB)])
    item = meeting.agenda_items.get()
    police = meeting.attendees.get(agency=Agency.POLICE)
    with pytest.raises(PermissionDenied):
        services.conflict_declare(
            item=item, attendee=police, user=demo_user(Role.ADVISER), has_conflict=False, details=""
        )
    services.conflict_declare(item=item, attendee=police, user=coordinator(), has_conflict=False, details="")
    services.meeting_close(meeting=meeting, user=coordinator())
    with pytest.raises(PanelError, match="declarations are closed"):
        services.conflict_declare(item=item, attendee=police, user=police.user, has_conflict=True, details="x")


# --- Agenda -------------------------------------------------------------------------------------


def test_only_accepted_cases_of_the_site_go_on_the_agenda(demo):
    from childnrm.referrals.tests.factories import submitted_referral

    meeting = scheduled_meeting(NB)
    with pytest.raises(PanelError, match="accepted"):
        services.agenda_item_add(
            meeting=meeting, user=coordinator(), referral=submitted_referral(NB), stage="reasonable_grounds"
        )
    with pytest.raises(PanelError, match="accepted"):
        services.agenda_item_add(
            meeting=meeting,
            user=coordinator(),
            referral=accepted_referral("three-rivers"),
            stage="reasonable_grounds",
        )
    referral = accepted_referral(NB)
    item = services.agenda_item_add(meeting=meeting, user=coordinator(), referral=referral, stage="reasonable_grounds")
    with pytest.raises(PanelError, match="already on this agenda"):
        services.agenda_item_add(meeting=meeting, user=coordinator(), referral=referral, stage="both")
    services.agenda_item_remove(item=item, user=coordinator())
    assert not meeting.agenda_items.exists()


def _final_decision(referral, *, stage, outcome, decided_on):
    return Decision.objects.create(
        referral=referral,
        stage=stage,
        status=DecisionStatus.FINAL,
        outcome=outcome,
        decided_on=decided_on,
        guidance_version="test",
        test_applied="test",
        created_by=coordinator(),
    )


def test_suggestions_and_their_reasons(site):
    today = timezone.localdate()
    overdue = accepted_referral(NB, submitted_on=today - timedelta(days=50))
    soon = accepted_referral(NB, submitted_on=today - timedelta(days=35))
    later = accepted_referral(NB, submitted_on=today)
    decided = accepted_referral(NB, submitted_on=today - timedelta(days=70))
    _final_decision(
        decided, stage=Stage.REASONABLE_GROUNDS, outcome=Outcome.POSITIVE, decided_on=today - timedelta(days=40)
    )
    recovering = accepted_referral(NB, submitted_on=today - timedelta(days=30))
    _final_decision(
        recovering, stage=Stage.REASONABLE_GROUNDS, outcome=Outcome.POSITIVE, decided_on=today - timedelta(days=5)
    )
    refused = accepted_referral(NB, submitted_on=today - timedelta(days=60))
    negative = _final_decision(
        refused, stage=Stage.REASONABLE_GROUNDS, outcome=Outcome.NEGATIVE, decided_on=today - timedelta(days=10)
    )
    police_member = PanelMember.objects.get(site=site, agency=Agency.POLICE).user
    DecisionVote.objects.create(
        decision=negative, voter=police_member, agency=Agency.POLICE, vote="negative", recorded_by=coordinator()
    )
    ChildAssociation.objects.create(
        child=soon.child, user=demo_user(Role.CHAIR), kind=AssociationKind.LEAD_SOCIAL_WORKER
    )
    ReconsiderationRequest.objects.create(
        decision=negative,
        requester_kind=RequesterKind.REFERRER,
        requester_name="A referrer",
        grounds=["new_evidence"],
        details="New evidence",
        received_on=today - timedelta(days=2),
        within_window=True,
        recorded_by=coordinator(),
    )

    # This extra sitting is in two days; the next regular one is the demo sitting in two weeks (on a working day:
    # when the day two weeks on is a weekend or bank holiday, the demo sits on the next working day).
    meeting = scheduled_meeting(NB, starts_at=timezone.now() + timedelta(days=2), kind=MeetingKind.EXTRA)
    next_sitting = suggestions.next_regular_sitting(meeting)
    demo_day = working_day(today + timedelta(days=14), meeting.site.nation)
    assert timezone.localtime(next_sitting.starts_at).date() == demo_day
    found = {s.referral.pk: s for s in suggestions.agenda_suggestions(meeting)}

    assert found[overdue.pk].urgent and any(r.startswith("Overdue by 5 days") for r in found[overdue.pk].reasons)
    assert found[soon.pk].urgent and any("next regular sitting" in r for r in found[soon.pk].reasons)
    assert not found[later.pk].urgent
    assert found[later.pk].stage == AgendaStage.REASONABLE_GROUNDS
    rg_order = [s.referral.pk for s in suggestions.agenda_suggestions(meeting) if s.stage == "reasonable_grounds"]
    assert rg_order.index(overdue.pk) < rg_order.index(soon.pk) < rg_order.index(later.pk)

    cg = found[decided.pk]
    assert cg.stage == AgendaStage.CONCLUSIVE_GROUNDS
    assert any("Recovery period of 30 days ended" in r for r in cg.reasons)
    assert recovering.pk not in found  # recovery period still running
    assert found[refused.pk].stage == AgendaStage.RECONSIDERATION
    assert "Reconsideration of the negative reasonable grounds decision" in found[refused.pk].reasons[0]
    assert f"voted on the original decision: {police_member.full_name}" in found[refused.pk].reasons[1]
    assert any("lead social worker" in r for r in found[soon.pk].reasons)
    assert not any("lead social worker" in r for r in found[later.pk].reasons)

    # A site that takes RG and CG at one sitting sees every positive RG case, and RG cases as "both".
    Site.objects.filter(pk=site.pk).update(rg_and_cg_at_one_sitting=True)
    meeting.refresh_from_db()
    meeting.site.refresh_from_db()
    found = {s.referral.pk: s for s in suggestions.agenda_suggestions(meeting)}
    assert found[recovering.pk].stage == AgendaStage.CONCLUSIVE_GROUNDS
    assert found[later.pk].stage == AgendaStage.BOTH

    # Once on the agenda a case is no longer suggested for this sitting, and other sittings say where it is.
    add_to_agenda(meeting, later)
    assert later.pk not in {s.referral.pk for s in suggestions.agenda_suggestions(meeting)}
    other = scheduled_meeting(NB, starts_at=timezone.now() + timedelta(days=4))
    elsewhere = {s.referral.pk: s for s in suggestions.agenda_suggestions(other)}[later.pk]
    assert elsewhere.listed_elsewhere == [meeting]


def test_attendees_are_invited_by_email_without_case_details(demo, mailoutbox, django_capture_on_commit_callbacks):
    referral = accepted_referral(NB)
    mailoutbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        meeting = scheduled_meeting(NB)
    invited = set(meeting.attendees.values_list("user__email", flat=True))
    assert {m.to[0] for m in mailoutbox} == invited and all(len(m.to) == 1 for m in mailoutbox)
    assert mailoutbox[0].subject.startswith("Panel meeting ")
    add_to_agenda(meeting, referral)
    mailoutbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        services.meeting_change(
            meeting=meeting,
            user=coordinator(),
            kind=meeting.kind,
            starts_at=meeting.starts_at + timedelta(hours=2),
            location="Room 9",
            chair=meeting.chair,
        )
    assert len(mailoutbox) == len(invited) and mailoutbox[0].subject.startswith("Changed: Panel meeting")
    assert "Room 9" in mailoutbox[0].body
    mailoutbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        services.meeting_cancel(meeting=meeting, user=coordinator())
    assert {m.to[0] for m in mailoutbox} == invited
    for message in mailoutbox:
        assert message.subject.startswith("Cancelled: panel meeting")
        for secret in (referral.reference, referral.given_names, referral.family_name):
            assert secret not in message.subject and secret not in message.body


def test_panel_views_reach_records_only_through_scoped_selectors():
    """A view that fetched a row by id alone would skip the access policy (design.md: scope in the query layer)."""
    from pathlib import Path

    source = (Path(__file__).resolve().parents[1] / "views.py").read_text()
    assert ".objects.get(" not in source
    for line in source.splitlines():
        if ".objects.filter(" in line and "pk=" in line:
            assert "site_id=" in line, f"unscoped lookup in panels/views.py: {line.strip()}"
