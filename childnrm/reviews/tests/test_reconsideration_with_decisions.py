"""A reconsideration end to end through the panels and decisions apps' own services.

The original negative decision is made by the demo panel; the demo meeting (the same panel) is
refused; a meeting from which the original voters are removed, with three fresh members, takes the
reconsideration, records it as a new version with the decisions services, and that is the outcome.
"""

from __future__ import annotations

import pytest
from django.utils import timezone

from childnrm.accounts.models import Membership, Organisation, Role, Site
from childnrm.dashboard import clocks
from childnrm.dashboard.clocks import Kind
from childnrm.decisions import services as decision_services
from childnrm.decisions.models import Decision, DecisionKind, DecisionStatus, Outcome
from childnrm.decisions.tests.factories import final_decision, record_complete
from childnrm.panels import services as panel_services
from childnrm.panels.models import Agency, AgendaItem, AttendsAs, Meeting, PanelMember
from childnrm.panels.rules import SEAT_ORGANISATION_TYPE
from childnrm.people.demo import DEMO_EMAIL_DOMAIN, demo_account
from childnrm.referrals.models import Referral
from childnrm.reviews import services
from childnrm.reviews.models import ReconsiderationStatus
from childnrm.reviews.tests import factories as f

pytestmark = pytest.mark.django_db


def standing_rg(decision: Decision) -> tuple:
    referral = Referral.objects.get(pk=decision.referral_id)
    return referral.standing_rg_decided_on, referral.standing_rg_outcome


def fresh_panel_meeting(site: Site, original_voters: set[int], chair) -> Meeting:
    """A future sitting with three new voting members and none of the original voters."""
    coordinator = f.site_user(Role.COORDINATOR)
    for agency in (Agency.SOCIAL_CARE, Agency.POLICE, Agency.HEALTH):
        # From the kind of organisation whose vote the seat is (panels.rules.seat_refusal).
        organisation = Organisation.objects.filter(type=SEAT_ORGANISATION_TYPE[agency]).first()
        member = demo_account(f"fresh-{agency}.{site.slug}@{DEMO_EMAIL_DOMAIN}", f"Fresh {agency} member", organisation)
        Membership.objects.get_or_create(user=member, site=site, role=Role.PANEL_MEMBER)
        if PanelMember.objects.filter(site=site, user=member, active=True).exists():
            continue
        panel_services.panel_member_add(
            site=site, user=coordinator, member_user=member, agency=agency, attends_as=AttendsAs.MEMBER, voting=True
        )
    meeting = panel_services.meeting_schedule(
        site=site,
        user=coordinator,
        kind="extra",
        starts_at=timezone.now() + timezone.timedelta(minutes=5),  # later today: decided today
        location="Reconsideration room",
        chair=chair,
    )
    for attendee in meeting.attendees.filter(user_id__in=original_voters):
        panel_services.attendee_remove(attendee=attendee, user=coordinator)
    return meeting


def test_a_reconsideration_decided_through_the_decisions_services(demo, client_as):
    site = Site.objects.get(slug="northbridge")
    coordinator = f.site_user(Role.COORDINATOR)
    original = final_decision("northbridge", outcome=Outcome.NEGATIVE)
    voters = set(original.votes.values_list("voter_id", flat=True))
    assert voters
    asked = f.reconsideration(decision=original)

    # The demo meeting: the whole panel, so the original voters with it.
    same_panel = Meeting.objects.filter(site=site, location__isnull=False, starts_at__gt=timezone.now()).exclude(
        pk=original.meeting_id
    )
    same_panel = next(m for m in same_panel if m.attendees.filter(user_id__in=voters, voting=True).exists())
    with pytest.raises(services.ReviewInvalid) as problem:
        services.reconsideration_list(reconsideration=asked, meeting=same_panel, user=coordinator)
    voter_names = set(original.votes.values_list("voter__full_name", flat=True))
    assert all(name in str(problem.value) for name in voter_names)

    # None of the original voters, but the original decision's chair in the chair: refused too.
    original_chair = original.meeting.chair
    chaired_by_original = fresh_panel_meeting(site, voters, original_chair)
    with pytest.raises(services.ReviewInvalid, match="chaired the decision being reconsidered"):
        services.reconsideration_list(reconsideration=asked, meeting=chaired_by_original, user=coordinator)
    panel_services.meeting_cancel(meeting=chaired_by_original, user=coordinator)

    chair = f.other_chair()
    meeting = fresh_panel_meeting(site, voters, chair)
    services.reconsideration_list(reconsideration=asked, meeting=meeting, user=coordinator)
    item = AgendaItem.objects.get(meeting=meeting, referral=original.referral)

    # The sitting: everyone present, no conflicts, in session; the decision is a new version.
    panel_services.attendance_mark(
        meeting=meeting, user=coordinator, present_ids=set(meeting.attendees.values_list("pk", flat=True))
    )
    for attendee in meeting.attendees.all():
        panel_services.conflict_declare(item=item, attendee=attendee, user=coordinator, has_conflict=False, details="")
    panel_services.meeting_open(meeting=meeting, user=coordinator)
    # The reconsideration's page starts the decision on it in the decisions app.
    client = client_as(Role.COORDINATOR)
    page = client.get(f"/reviews/reconsiderations/{asked.pk}/").content.decode()
    assert "Record the decision on reconsideration" in page and f'value="{item.pk}"' in page
    response = client.post("/decisions/start/", {"agenda_item": item.pk, "stage": original.stage})
    draft = Decision.objects.get(agenda_item=item)
    assert response.status_code == 302 and response["Location"] == f"/decisions/{draft.pk}/record/"
    assert draft.kind == DecisionKind.RECONSIDERATION and draft.supersedes_id == original.pk
    assert draft.version == original.version + 1
    with pytest.raises(services.ReviewStateError):
        services.reconsideration_decide(reconsideration=asked, user=coordinator)
    record_complete(draft, outcome=Outcome.POSITIVE, decided_on=timezone.localdate())
    assert standing_rg(original) == (original.decided_on, Outcome.NEGATIVE)  # the original stands until then
    decided = decision_services.decision_finalise(decision=draft, user=chair)
    assert decided.status == DecisionStatus.FINAL
    assert not set(decided.votes.values_list("voter_id", flat=True)) & voters

    services.reconsideration_decide(reconsideration=asked, user=coordinator)
    asked.refresh_from_db()
    original.refresh_from_db()
    assert asked.status == ReconsiderationStatus.DECIDED
    assert asked.reconsidered_decision == decided
    assert original.status == DecisionStatus.SUPERSEDED
    # Overturned: the referral keeps the positive decision, and the case waits out the recovery period on the
    # dashboard (which reads the referral's standing decisions).
    assert standing_rg(original) == (decided.decided_on, Outcome.POSITIVE)
    recovery = clocks.alert_list(site, Kind.CG_RECOVERY, timezone.localdate(), limit=1000)
    assert str(decided.pk) in {a.object_id for a in recovery.items}
