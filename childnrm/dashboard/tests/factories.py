"""Cases at the stages the clocks watch: accepted through triage, decided, planned and asked about.

Referrals are made and accepted through the real services; the rows of the stages other engineers
are still building (decisions, plans, information requests) are written with the ORM here (a decision's
referral then keeps it as the decisions service would: `decisions.standing.refresh_standing`).
"""

from __future__ import annotations

from datetime import date, timedelta

from django.utils import timezone

from childnrm.accounts.models import Organisation, Role, Site
from childnrm.decisions.models import Decision, DecisionStatus, Outcome, Stage
from childnrm.decisions.standing import refresh_standing
from childnrm.information.models import InformationRequest, LawfulBasis, RequestStatus
from childnrm.panels.models import Agency
from childnrm.people.models import Child
from childnrm.referrals.models import Referral
from childnrm.referrals.tests.factories import submitted_referral
from childnrm.safeguarding.models import ActionStatus, PlanAction, SafeguardingPlan
from childnrm.triage.models import TriageOutcome
from childnrm.triage.services import triage_confirm
from conftest import demo_user


def accepted_referral(site_slug: str = "northbridge", *, submitted_on: date | None = None, **answers) -> Referral:
    """A referral submitted by the site's first responder and accepted by its coordinator."""
    referral = submitted_referral(site_slug, submitted_on=submitted_on, **answers)
    triage_confirm(
        referral=referral,
        user=demo_user(Role.COORDINATOR, site_slug),
        final_outcome=TriageOutcome.PANEL,
        final_site=None,
        reason="",
    )
    referral.refresh_from_db()
    return referral


def final_decision(
    referral: Referral,
    *,
    stage: str = Stage.REASONABLE_GROUNDS,
    outcome: str = Outcome.POSITIVE,
    decided_on: date | None = None,
    status: str = DecisionStatus.FINAL,
) -> Decision:
    site_slug = referral.site.slug
    chair = demo_user(Role.CHAIR, site_slug)
    version = Decision.objects.filter(referral=referral, stage=stage).count() + 1
    decision = Decision.objects.create(
        referral=referral,
        stage=stage,
        version=version,
        status=status,
        guidance_version="2025-09",
        test_applied="Reasonable grounds" if stage == Stage.REASONABLE_GROUNDS else "Balance of probabilities",
        act_found=["recruitment"],
        act_reasoning="Recruited at a railway station.",
        purpose_found=["criminal"],
        purpose_reasoning="Made to carry drugs.",
        credibility_reasoning="Consistent account.",
        wishes_gathered=True,
        wishes_and_feelings="Wants to stay with his foster carer.",
        outcome=outcome,
        decided_on=decided_on or timezone.localdate(),
        created_by=demo_user(Role.COORDINATOR, site_slug),
        finalised_by=chair if status != DecisionStatus.DRAFT else None,
        finalised_at=timezone.now() if status != DecisionStatus.DRAFT else None,
    )
    # Written with the ORM, not through the service that finalises: the referral's standing decisions from the table.
    refresh_standing(Referral.objects.filter(pk=referral.pk))
    return decision


def plan_with_action(child: Child, *, due_on: date, status: str = ActionStatus.NOT_STARTED, owner=None) -> PlanAction:
    coordinator = demo_user(Role.COORDINATOR, child.site.slug)
    plan = SafeguardingPlan.objects.filter(child=child, status="active").first() or SafeguardingPlan.objects.create(
        child=child, summary="Keep him safe from the group at the station.", created_by=coordinator
    )
    return PlanAction.objects.create(
        plan=plan,
        description="Return home interview",
        agency=Agency.SOCIAL_CARE,
        owner_name=owner.full_name if owner else "A social worker",
        owner=owner,
        due_on=due_on,
        status=status,
        created_by=coordinator,
    )


def information_request(referral: Referral, *, due_on: date, status: str = RequestStatus.OPEN) -> InformationRequest:
    site_slug = referral.site.slug
    police = (
        Organisation.objects.filter(type="police", sites__isnull=True).first()
        or Organisation.objects.filter(type="police").first()
    )
    return InformationRequest.objects.create(
        referral=referral,
        organisation=police,
        agency=Agency.POLICE,
        question="What do you know of the group at the station?",
        purpose="Evidence for the reasonable grounds decision",
        lawful_basis=LawfulBasis.PUBLIC_TASK_SAFEGUARDING,
        lawful_basis_detail="UK GDPR Article 6(1)(e) with DPA 2018 Schedule 1 paragraph 18",
        due_on=due_on,
        status=status,
        requested_by=demo_user(Role.COORDINATOR, site_slug),
    )


def child_born(site_slug: str, date_of_birth: date, **fields) -> Child:
    fields = {"given_names": "Test", "family_name": "Person", **fields}
    return Child.objects.create(site=Site.objects.get(slug=site_slug), date_of_birth=date_of_birth, **fields)


def days_ago(days: int) -> date:
    return timezone.localdate() - timedelta(days=days)
