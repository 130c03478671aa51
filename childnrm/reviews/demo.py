"""Demo records for reviews: a reconsideration request and an SCA return with a finding.

Built on the decisions the decisions app's demo made (nothing here if there are none), through this
app's services. Idempotent and cheap: at most one of each per site.
"""

from __future__ import annotations

from django.utils import timezone

from childnrm.accounts.models import Role
from childnrm.decisions.models import Decision, DecisionStatus, Outcome
from childnrm.reviews import services
from childnrm.reviews.models import DecisionReturn, ReconsiderationGround, ReconsiderationRequest, RequesterKind


def load_demo(*, site, site_users, organisations) -> None:
    coordinator = site_users[Role.COORDINATOR]
    finals = Decision.objects.filter(referral__site=site, status=DecisionStatus.FINAL).order_by("-decided_on", "-id")

    negative = finals.filter(outcome=Outcome.NEGATIVE).first()
    if negative is not None and not ReconsiderationRequest.objects.filter(decision__referral__site=site).exists():
        services.reconsideration_receive(
            decision=negative,
            user=coordinator,
            requester_kind=RequesterKind.REFERRER,
            requester_name=site_users[Role.FIRST_RESPONDER].full_name,
            requester_organisation=organisations["police"].name,
            grounds=[ReconsiderationGround.NEW_EVIDENCE],
            details="A statement from the child's school that the panel did not have.",
            received_on=max(negative.decided_on or timezone.localdate(), timezone.localdate()),
            accept_late=True,
            late_reason="The school's statement arrived late through no fault of the referrer.",
        )

    decision = finals.first()
    if decision is not None and not DecisionReturn.objects.filter(site=site).exists():
        sent = services.return_send(decision=decision, user=coordinator)
        services.finding_record(
            decision_return=sent,
            user=site_users[Role.SCA_QUALITY_ASSURER],
            rating="minor",
            finding="The reasons say what was found but not how the child's account was weighed.",
        )
