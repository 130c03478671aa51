"""Demo safeguarding for each site's first child: a plan with two actions (one owned by the demo
health panel member, one overdue with a named police officer), a child in need period, a strategy
discussion and two safety map entries; lead social workers of the site's first three children.
Idempotent and cheap: a handful of rows per site.

Also `plan_at_sitting`, the plan a positive reasonable grounds decision needs, for the decisions the demo
cases and the tests make (`decisions.demo.final_decision(agree_plan=...)`)."""

from __future__ import annotations

from datetime import timedelta

from django.utils import timezone

from childnrm.accounts import nations
from childnrm.accounts.models import Role, User
from childnrm.decisions import services as decision_services
from childnrm.decisions.models import Decision, PlanBasis
from childnrm.panels.models import Agency, Meeting
from childnrm.people.demo import demo_email
from childnrm.people.models import Child, LeadSocialWorker, SocialWorkerSource
from childnrm.safeguarding.models import (
    ActionStatus,
    ContextKind,
    ContextualLink,
    PlanAction,
    PlanActionUpdate,
    PlanStatus,
    Risk,
    SafeguardingPlan,
    StatutoryKind,
    StatutoryPeriod,
    StrategyDiscussion,
)
from childnrm.safeguarding.services import plan_create


def demo_child(site) -> Child | None:
    return Child.objects.filter(site=site).order_by("pk").first()


# Lead social workers of the first children of each site (none of them a user of the service, so the
# demo chairs stay free to chair): (name, team, phone).
DEMO_SOCIAL_WORKERS = (
    ("Jo Whitfield", "Children in Care Team 2", "01632 960 214"),
    ("Sam Okoro", "Exploitation and Missing Team", "01632 960 377"),
    ("Priya Nair", "Child in Need Team East", ""),
)


def _demo_social_workers(site, site_users, organisations) -> None:
    children = list(Child.objects.filter(site=site).order_by("pk")[: len(DEMO_SOCIAL_WORKERS)])
    recorded = set(LeadSocialWorker.objects.filter(child__in=children).values_list("child_id", flat=True))
    now = timezone.now()
    LeadSocialWorker.objects.bulk_create(
        LeadSocialWorker(
            child=child,
            name=name,
            team=team,
            local_authority=child.local_authority or organisations["la"],
            email=f"{name.split()[0].lower()}.{name.split()[-1].lower()}@{site.slug}.example.org",
            phone=phone,
            source=SocialWorkerSource.SAFEGUARDING,
            recorded_by=site_users[Role.COORDINATOR],
            starts_at=now - timedelta(days=30),
        )
        for child, (name, team, phone) in zip(children, DEMO_SOCIAL_WORKERS, strict=False)
        if child.pk not in recorded
    )


def load_demo(*, site, site_users, organisations) -> None:
    _demo_social_workers(site, site_users, organisations)
    child = demo_child(site)
    if child is None or child.safeguarding_plans.exists():
        return
    coordinator = site_users[Role.COORDINATOR]
    today = timezone.localdate()
    meeting = Meeting.objects.filter(site=site, starts_at__lte=timezone.now()).order_by("-starts_at").first()
    plan = SafeguardingPlan.objects.create(
        child=child,
        agreed_at_meeting=meeting,
        summary="Reduce the risk of criminal exploitation through county lines: keep the child safe in school "
        "and at home, disrupt contact with the older group, and support the child to talk about what happened.",
        next_review_on=today + timedelta(days=28),
        created_by=coordinator,
    )
    health = PlanAction.objects.create(
        plan=plan,
        description="Arrange an initial health assessment, including sexual health and substance use.",
        agency=Agency.HEALTH,
        organisation=organisations["health"],
        owner_name=site_users[Role.PANEL_MEMBER].full_name,
        owner=site_users[Role.PANEL_MEMBER],
        due_on=today + timedelta(days=10),
        created_by=coordinator,
    )
    police = PlanAction.objects.create(
        plan=plan,
        description="Disruption visit to the address where the child was found; record intelligence.",
        agency=Agency.POLICE,
        organisation=organisations["police"],
        owner_name="DC Sam Rowe",
        due_on=today - timedelta(days=3),
        status=ActionStatus.IN_PROGRESS,
        created_by=coordinator,
    )
    PlanActionUpdate.objects.bulk_create(
        [
            PlanActionUpdate(
                action=health, to_status=ActionStatus.NOT_STARTED, note="Action agreed", actor=coordinator
            ),
            PlanActionUpdate(
                action=police, to_status=ActionStatus.NOT_STARTED, note="Action agreed", actor=coordinator
            ),
            PlanActionUpdate(
                action=police,
                from_status=ActionStatus.NOT_STARTED,
                to_status=ActionStatus.IN_PROGRESS,
                note="Visit booked with the neighbourhood team.",
                actor=coordinator,
            ),
        ]
    )
    # In the site's nation's law (accounts.nations): a child in need in England and Wales, on the child
    # protection register in Scotland and Northern Ireland.
    law = nations.rules(site)
    StatutoryPeriod.objects.create(
        child=child,
        kind=law.statutory_categories[0] if not law.english_law else StatutoryKind.CHILD_IN_NEED,
        starts_on=today - timedelta(days=60),
        recorded_by=coordinator,
    )
    StrategyDiscussion.objects.create(
        child=child,
        held_on=today - timedelta(days=62),
        agencies=[Agency.SOCIAL_CARE, Agency.POLICE, Agency.HEALTH],
        outcome=(
            "Section 47 enquiry not needed; child in need plan and NRM referral agreed."
            if law.english_law
            else "Child protection case conference agreed registration; NRM referral agreed."
        ),
        recorded_by=coordinator,
    )
    ContextualLink.objects.bulk_create(
        [
            ContextualLink(
                child=child,
                kind=ContextKind.PLACE,
                name="Bus station, Market Street",
                description="Where the child was picked up by older boys.",
                risk=Risk.HIGH,
                recorded_by=coordinator,
            ),
            ContextualLink(
                child=child,
                kind=ContextKind.PLACE,
                name="Youth club, Church Lane",
                description="Trusted youth worker; the child goes twice a week.",
                risk=Risk.SAFE,
                recorded_by=coordinator,
            ),
        ]
    )


def plan_at_sitting(decision: Decision, user: User | None = None) -> Decision:
    """The safeguarding plan agreed at the decision's sitting (a positive reasonable grounds decision needs it),
    or, when the child already has an active plan, the record that the plan already in place protects them."""
    site_slug = decision.referral.site.slug
    user = user or User.objects.get(email=demo_email(Role.COORDINATOR, site_slug))
    child = decision.referral.child
    active = SafeguardingPlan.objects.filter(child=child, status=PlanStatus.ACTIVE).first()
    if active is not None and active.agreed_at_meeting_id != decision.meeting_id:
        return decision_services.decision_save(
            decision=decision,
            user=user,
            data={"plan_basis": PlanBasis.ALREADY_IN_PLACE, "plan_in_place_reason": f"Plan {active.pk} continues."},
        )
    if active is None:
        plan_create(
            child=child,
            user=user,
            meeting=decision.meeting,
            decision=decision,
            summary="Keep him away from the group that exploited him; a school place and a health assessment.",
            next_review_on=None,
        )
    return decision_services.decision_save(
        decision=decision, user=user, data={"plan_basis": PlanBasis.AGREED_AT_SITTING}
    )
