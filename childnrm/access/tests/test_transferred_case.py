"""The access matrix for a transferred case: once a case has moved to another site, the sending site's
people reach none of it, through any route, and see nothing the receiving site adds afterwards.

The sample records of the access matrix (a meeting's agenda item, decisions, letters, the safeguarding
plan, reconsiderations…) are made for Northbridge first; then every Northbridge case with the panel
moves to Three Rivers, which adds an agency answer and a plan action of its own. Every route naming one
of the moved records must refuse every Northbridge role, for GET and POST; no other route may show the
receiving site's additions or, outside the sending site's own record of the transfer, the child's name.
"""

from __future__ import annotations

from collections.abc import Callable

import pytest
from django.urls import reverse

from childnrm.accounts.models import Role, Site
from childnrm.handovers.models import TransferDestination
from childnrm.handovers.services import case_transfer
from childnrm.people.models import Child
from childnrm.referrals.models import Referral, ReferralStatus
from conftest import demo_user, signed_in

from .test_access_matrix import EXPECTED, REFUSED, ROUTES, sample_kwargs

ADDED_BY_NEW_SITE = "Added by the receiving site after the transfer"
# The sending site keeps its own record of what it shared, with whom and why (handovers app).
# The referrer keeps seeing their own referral and its status: that basis is being its referrer (the
# outcome letter and any reconsideration are theirs), not a place at the sending site. The sample letter is
# the outcome letter addressed to the demo first responder, who sent the sample decision's referral.
REFERRERS_OWN = {
    (Role.FIRST_RESPONDER, "referrals:mine"),
    (Role.FIRST_RESPONDER, "referrals:your-referral"),
    (Role.FIRST_RESPONDER, "letters:download"),
}
SENDING_SITE_RECORD = {"handovers:transfers", "handovers:transfer", "handovers:transfer-json", "handovers:transfer-pdf"}


def _child_of_referral(reference: str) -> int | None:
    return Referral.objects.filter(reference=reference).values_list("child_id", flat=True).first()


def _owner_child_id(name: str, value: object) -> int | None:
    """The child whose case the URL parameter `name` names, if it names part of a case."""
    from childnrm.decisions.models import Decision, DecisionEvidence, DecisionVote
    from childnrm.information.models import InformationRequest, ResponseDocument
    from childnrm.letters.models import DecisionExplanation, Letter
    from childnrm.panels.models import AgendaItem
    from childnrm.referrals.models import ReferralDocument
    from childnrm.reviews.models import ReconsiderationRequest
    from childnrm.safeguarding.models import ContextualLink, PlanAction, SafeguardingPlan, StatutoryPeriod

    by_pk: dict[str, Callable[[object], int | None]] = {
        "item_id": lambda v: AgendaItem.objects.filter(pk=v).values_list("referral__child_id", flat=True).first(),
        "plan_id": lambda v: SafeguardingPlan.objects.filter(pk=v).values_list("child_id", flat=True).first(),
        "action_id": lambda v: PlanAction.objects.filter(pk=v).values_list("plan__child_id", flat=True).first(),
        "period_id": lambda v: StatutoryPeriod.objects.filter(pk=v).values_list("child_id", flat=True).first(),
        "link_id": lambda v: ContextualLink.objects.filter(pk=v).values_list("child_id", flat=True).first(),
        "letter_id": lambda v: (
            Letter.objects.filter(pk=v).values_list("decision__referral__child_id", flat=True).first()
        ),
        "explanation_id": lambda v: (
            DecisionExplanation.objects.filter(pk=v).values_list("decision__referral__child_id", flat=True).first()
        ),
        "reconsideration_id": lambda v: (
            ReconsiderationRequest.objects.filter(pk=v).values_list("decision__referral__child_id", flat=True).first()
        ),
        "reference": lambda v: (
            Child.objects.filter(reference=v).values_list("pk", flat=True).first() or _child_of_referral(v)
        ),
        "child_reference": lambda v: Child.objects.filter(reference=v).values_list("pk", flat=True).first(),
        "referral_reference": _child_of_referral,
        "info_case_reference": _child_of_referral,
        "burden_case_reference": _child_of_referral,
        "sca_case_reference": _child_of_referral,
        "response_document_id": lambda v: (
            ResponseDocument.objects.filter(pk=v)
            .values_list("response__request__referral__child_id", flat=True)
            .first()
        ),
        "evidence_id": lambda v: (
            DecisionEvidence.objects.filter(pk=v).values_list("decision__referral__child_id", flat=True).first()
        ),
        "vote_id": lambda v: (
            DecisionVote.objects.filter(pk=v).values_list("decision__referral__child_id", flat=True).first()
        ),
        "request_reference": lambda v: (
            InformationRequest.objects.filter(reference=v).values_list("referral__child_id", flat=True).first()
        ),
        "document_id": lambda v: (
            ReferralDocument.objects.filter(pk=v).values_list("referral__child_id", flat=True).first()
        ),
    }
    if name.endswith("decision_id"):
        return Decision.objects.filter(pk=value).values_list("referral__child_id", flat=True).first()
    find = by_pk.get(name)
    return find(value) if find else None


def _transfer_every_case(from_slug: str, to_slug: str) -> set[int]:
    coordinator = demo_user(Role.COORDINATOR, from_slug)
    to_site = Site.objects.get(slug=to_slug)
    moved = set()
    accepted = Referral.objects.filter(site__slug=from_slug, status=ReferralStatus.ACCEPTED)
    for child in Child.objects.filter(pk__in=accepted.values("child_id")).order_by("pk"):
        case_transfer(
            child=child,
            user=coordinator,
            destination=TransferDestination.SITE,
            to_site=to_site,
            reason="The child has moved to live with a relative in the Three Rivers area.",
        )
        moved.add(child.pk)
    return moved


def _receiving_site_adds_to(child_ids: set[int]) -> None:
    """The receiving site goes on with the cases: an agency answers, the plan gains an action."""
    from childnrm.information.models import InformationRequest, InformationResponse
    from childnrm.safeguarding.models import PlanAction

    for info_request in InformationRequest.objects.filter(referral__child_id__in=child_ids):
        InformationResponse.objects.create(
            request=info_request,
            organisation=info_request.organisation,
            responded_by=demo_user(Role.COORDINATOR, "three-rivers"),
            text=ADDED_BY_NEW_SITE,
        )
    for action in PlanAction.objects.filter(plan__child_id__in=child_ids).order_by("pk")[:3]:
        action.description = ADDED_BY_NEW_SITE
        action.save(update_fields=["description"])


@pytest.mark.django_db
def test_a_transferred_case_is_closed_to_every_role_of_the_sending_site(demo):
    routes = [(name, route) for name, route in ROUTES if EXPECTED[name] != "api"]
    urls: dict[str, tuple[str, set[int]]] = {}
    for name, route in routes:
        kwargs = sample_kwargs(route, "northbridge")
        owners = {_owner_child_id(param, value) for param, value in kwargs.items()} - {None}
        urls[name] = (reverse(name, kwargs=kwargs), owners)

    moved = _transfer_every_case("northbridge", "three-rivers")
    assert moved, "the demo has Northbridge cases with the panel to transfer"
    _receiving_site_adds_to(moved)
    names = {c.display_name for c in Child.objects.filter(pk__in=moved)}
    names -= {c.display_name for c in Child.objects.exclude(pk__in=moved)}

    named_moved_records = 0
    failures: list[str] = []
    for role in Role:
        client = signed_in(demo_user(role, "northbridge"))
        for name, (url, owners) in urls.items():
            names_moved_case = bool(owners & moved)
            named_moved_records += names_moved_case
            for method in ("get", "post") if names_moved_case else ("get",):
                response = getattr(client, method)(url)
                # Documents are streamed (FileResponse): read the stream.
                body = (b"".join(response.streaming_content) if response.streaming else response.content).decode(
                    errors="replace"
                )
                refused = REFUSED | ({405} if method == "get" else set())
                if names_moved_case and (role, name) not in REFERRERS_OWN and response.status_code not in refused:
                    failures.append(f"{method.upper()} {name} as {role}: {response.status_code}, not refused")
                if ADDED_BY_NEW_SITE in body:
                    failures.append(f"{method.upper()} {name} as {role}: shows what the new site added")
                shown = [n for n in names if n in body]
                if shown and name not in SENDING_SITE_RECORD and (role, name) not in REFERRERS_OWN:
                    failures.append(f"{method.upper()} {name} as {role}: shows the moved child's name")
    assert named_moved_records, "some sample records belong to the moved cases"
    assert not failures, "\n".join(failures)
