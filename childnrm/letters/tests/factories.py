"""Decisions to write letters about.

A final decision is made the way a panel makes it (decisions' own factory: a sitting, the record, the votes,
the chair's sign-off). Decisions in other states (draft, waiting for second review, superseded) are written
with the ORM, since letters only need to see that they are not final.
"""

from __future__ import annotations

from datetime import date

from django.utils import timezone

from childnrm.accounts.models import Role, Site, User
from childnrm.core.tests.samples import sample_cache
from childnrm.decisions.models import Act, Decision, DecisionStatus, Outcome, Stage
from childnrm.people.demo import demo_email
from childnrm.people.models import AssociationKind, ChildAssociation
from childnrm.referrals.models import Referral, ReferralStatus
from childnrm.referrals.tests.factories import submitted_referral
from childnrm.referrals.vocab import ExploitationType
from childnrm.triage.models import TriageOutcome
from childnrm.triage.services import triage_confirm

TESTS = {
    Stage.REASONABLE_GROUNDS: (
        "whether there are reasonable grounds to believe, based on all available general and specific evidence "
        "but falling short of conclusive proof, that the person is a victim of modern slavery"
    ),
    Stage.CONCLUSIVE_GROUNDS: (
        "whether, on the balance of probabilities, there is sufficient information to decide that the person is "
        "a victim of modern slavery"
    ),
}
GUIDANCE_VERSION = "sg-2023-07"


def demo(role: str, site_slug: str = "northbridge") -> User:
    return User.objects.get(email=demo_email(role, site_slug))


def accepted_referral(site_slug: str = "northbridge", **answers) -> Referral:
    referral = submitted_referral(site_slug, **answers)
    triage_confirm(
        referral=referral,
        user=demo(Role.COORDINATOR, site_slug),
        final_outcome=TriageOutcome.PANEL,
        final_site=None,
        reason="The panel decides this case.",
    )
    referral.refresh_from_db()
    assert referral.status == ReferralStatus.ACCEPTED
    return referral


def final_decision(
    site_slug: str = "northbridge",
    *,
    stage: str = Stage.REASONABLE_GROUNDS,
    outcome: str = Outcome.POSITIVE,
    decided_on: date | None = None,
    referral: Referral | None = None,
    status: str = DecisionStatus.FINAL,
) -> Decision:
    if status == DecisionStatus.FINAL:
        from childnrm.decisions.tests import factories as decisions_factories

        return decisions_factories.final_decision(
            site_slug, stage=stage, outcome=outcome, decided_on=decided_on, referral=referral
        )
    referral = referral or accepted_referral(site_slug)
    chair = demo(Role.CHAIR, site_slug)
    final = status in (DecisionStatus.FINAL, DecisionStatus.SUPERSEDED)
    version = (
        Decision.objects.filter(referral=referral, stage=stage)
        .order_by("-version")
        .values_list("version", flat=True)
        .first()
        or 0
    ) + 1
    return Decision.objects.create(
        referral=referral,
        stage=stage,
        version=version,
        status=status,
        guidance_version=GUIDANCE_VERSION,
        test_applied=TESTS[stage],
        act_found=[Act.RECRUITMENT, Act.TRANSPORT],
        act_reasoning="Recruited through social media by older men and driven to another town to sell drugs.",
        purpose_found=[ExploitationType.CRIMINAL],
        purpose_reasoning="Moved to supply drugs for the group's profit: criminal exploitation (county lines).",
        credibility_reasoning="The account is consistent in its core; gaps in dates are expected after trauma.",
        outcome=outcome,
        decided_on=decided_on or timezone.localdate(),
        created_by=demo(Role.COORDINATOR, site_slug),
        finalised_by=chair if final else None,
        finalised_at=timezone.now() if final else None,
    )


def allocate(referral: Referral, user: User, kind: str = AssociationKind.ICTG) -> ChildAssociation:
    association, _ = ChildAssociation.objects.get_or_create(child=referral.child, user=user, kind=kind)
    return association


_samples: dict[str, int] = sample_cache()


def sample_decision(site_slug: str) -> Decision:
    """A final decision about a child allocated to the site's demo guardian, made once per test."""
    pk = _samples.get(site_slug)
    # A pk cached by an earlier test may name another record in this one: check it is still the sample.
    decision = (
        Decision.objects.filter(pk=pk, referral__site__slug=site_slug, status=DecisionStatus.FINAL).first()
        if pk
        else None
    )
    if decision is None:
        Site.objects.get(slug=site_slug)
        decision = final_decision(site_slug)
        allocate(decision.referral, demo(Role.ICTG, site_slug))
        _samples[site_slug] = decision.pk
    return decision
