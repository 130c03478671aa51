"""Records the reviews tests need: accepted cases, final decisions with their votes, meetings.

Decisions and meetings are written with the ORM here because the decisions and panels apps' own
services and factories are being built alongside; everything of this app goes through its services.
"""

from __future__ import annotations

import itertools
from datetime import date, datetime, time, timedelta

from django.utils import timezone

from childnrm.accounts.models import Membership, Organisation, Role, Site, User
from childnrm.decisions.models import Decision, DecisionStatus, DecisionVote, Outcome, Stage, Vote
from childnrm.panels.models import Agency, AttendsAs, Meeting, MeetingAttendee, MeetingStatus
from childnrm.panels.rules import SEAT_ORGANISATION_TYPE
from childnrm.people.demo import demo_email
from childnrm.referrals.models import Referral
from childnrm.referrals.tests.factories import submitted_referral
from childnrm.reviews import services
from childnrm.reviews.models import DecisionReturn, QualityFinding, ReconsiderationGround, ReconsiderationRequest
from childnrm.triage.models import TriageOutcome
from childnrm.triage.services import triage_confirm

_n = itertools.count(1)
VOTING_AGENCIES = (Agency.SOCIAL_CARE, Agency.POLICE, Agency.HEALTH)


def site_user(role: str, site_slug: str = "northbridge") -> User:
    return User.objects.get(email=demo_email(role, site_slug))


def panel_user(site_slug: str, name: str, agency: str = Agency.SOCIAL_CARE) -> User:
    """A panel member of the site (a voter for `agency`, from that kind of organisation), created once per name."""
    site = Site.objects.get(slug=site_slug)
    email = f"{name.lower().replace(' ', '.')}.{site_slug}@panel.childnrm.example"
    user = User.objects.filter(email=email).first()
    if user is None:
        organisation = Organisation.objects.filter(type=SEAT_ORGANISATION_TYPE[agency]).first()
        user = User.objects.create_user(
            email, None, full_name=f"{name} ({site.name.split()[0]})", organisation=organisation
        )
    Membership.objects.get_or_create(user=user, site=site, role=Role.PANEL_MEMBER)
    return user


def other_chair(site_slug: str = "northbridge") -> User:
    """A second chair of the site. It signs off the factory's decisions, so that the demo chair, who chairs the
    factory's meetings, may chair their reconsideration (a differently constituted panel)."""
    site = Site.objects.get(slug=site_slug)
    email = f"other.chair.{site_slug}@panel.childnrm.example"
    user = User.objects.filter(email=email).first()
    if user is None:
        user = User.objects.create_user(email, None, full_name=f"Other Chair ({site.name.split()[0]})")
    Membership.objects.get_or_create(user=user, site=site, role=Role.CHAIR)
    return user


def panel_trio(site_slug: str, prefix: str) -> list[User]:
    """Three voting members, one for each statutory partner."""
    return [
        panel_user(site_slug, f"{prefix} {agency.label.split()[-1].capitalize()}", agency) for agency in VOTING_AGENCIES
    ]


def accepted_referral(site_slug: str = "northbridge") -> Referral:
    referral = submitted_referral(site_slug)
    triage_confirm(
        referral=referral,
        user=site_user(Role.COORDINATOR, site_slug),
        final_outcome=TriageOutcome.PANEL,
        final_site=None,
        reason="",
    )
    referral.refresh_from_db()
    return referral


def meeting(
    site_slug: str = "northbridge",
    *,
    voters: list[User] | None = None,
    starts_in_days: int = 14,
    status: str = MeetingStatus.SCHEDULED,
    location: str = "",
    chair: User | None = None,
) -> Meeting:
    site = Site.objects.get(slug=site_slug)
    starts = timezone.make_aware(datetime.combine(timezone.localdate() + timedelta(days=starts_in_days), time(10, 0)))
    sitting = Meeting.objects.create(
        site=site,
        starts_at=starts,
        status=status,
        location=location or f"Room {next(_n)}",
        chair=chair or site_user(Role.CHAIR, site_slug),
        created_by=site_user(Role.COORDINATOR, site_slug),
    )
    for user, agency in zip(voters or [], itertools.cycle(VOTING_AGENCIES), strict=False):
        MeetingAttendee.objects.create(
            meeting=sitting, user=user, agency=agency, attends_as=AttendsAs.MEMBER, voting=True, present=False
        )
    return sitting


def final_decision(
    site_slug: str = "northbridge",
    *,
    stage: str = Stage.REASONABLE_GROUNDS,
    outcome: str = Outcome.NEGATIVE,
    decided_on: date | None = None,
    referral: Referral | None = None,
    voters: list[User] | None = None,
    sitting: Meeting | None = None,
    communicated_on: date | None = None,
    communicated: bool = True,
    chair: User | None = None,
) -> Decision:
    """A decision finalised on its decision date, with its reasons and one vote per voter.

    A negative one is communicated to the referrer (its reconsideration window opened, as producing the
    referrer's letter does) on `communicated_on`, by default its decision date; `communicated=False` leaves
    it uncommunicated."""
    referral = referral or accepted_referral(site_slug)
    decided_on = decided_on or timezone.localdate()
    voters = voters if voters is not None else panel_trio(site_slug, "Original")
    chair = chair or (sitting.chair if sitting is not None else other_chair(site_slug))
    decision = Decision.objects.create(
        referral=referral,
        stage=stage,
        status=DecisionStatus.FINAL,
        meeting=sitting,
        guidance_version="2025-07",
        test_applied="Reasonable grounds to believe that the child is a victim of modern slavery.",
        act_found=["recruitment"],
        act_reasoning="Recruited by older men at a railway station.",
        purpose_found=["criminal"],
        purpose_reasoning="Carrying drugs between towns.",
        credibility_reasoning="The account was consistent across interviews.",
        wishes_gathered=True,
        wishes_and_feelings="Wants to stay with his carer.",
        wishes_how_gathered="Talked with his social worker.",
        outcome=outcome,
        decided_on=decided_on,
        created_by=site_user(Role.COORDINATOR, site_slug),
        finalised_by=chair,
        finalised_at=timezone.make_aware(datetime.combine(decided_on, time(17, 0))),
    )
    vote = Vote.NEGATIVE if outcome == Outcome.NEGATIVE else Vote.POSITIVE
    for user, agency in zip(voters, itertools.cycle(VOTING_AGENCIES), strict=False):
        DecisionVote.objects.create(
            decision=decision, voter=user, agency=agency, vote=vote, recorded_by=chair, reasons="As discussed."
        )
    if communicated:
        services.window_open(decision=decision, communicated_on=communicated_on or decided_on)
    return decision


def reconsideration(
    site_slug: str = "northbridge", *, decision: Decision | None = None, received_on: date | None = None
) -> ReconsiderationRequest:
    decision = decision or final_decision(site_slug)
    return services.reconsideration_receive(
        decision=decision,
        user=site_user(Role.COORDINATOR, site_slug),
        requester_kind="referrer",
        requester_name="Sam Referrer",
        requester_organisation="Northbridge Police",
        grounds=[ReconsiderationGround.NEW_EVIDENCE],
        details="A school report not seen by the panel.",
        received_on=received_on or decision.decided_on,
        accept_late=None,
        late_reason="",
    )


def decision_return(site_slug: str = "northbridge", *, decision: Decision | None = None) -> DecisionReturn:
    decision = decision or final_decision(site_slug)
    return services.return_send(decision=decision, user=site_user(Role.COORDINATOR, site_slug))


def finding(site_slug: str = "northbridge", *, sent: DecisionReturn | None = None) -> QualityFinding:
    sent = sent or decision_return(site_slug)
    return services.finding_record(
        decision_return=sent,
        user=site_user(Role.SCA_QUALITY_ASSURER, site_slug),
        rating="minor",
        finding="The credibility reasoning does not say how trauma was taken into account.",
    )
