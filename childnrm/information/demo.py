"""Demo information-sharing protocols and requests.

Each site has a protocol with its police force and one with its health body (the health one due
for review within the month, so the dashboard shows it), then one open request to the police force
about a case of the site, relying on that protocol. Idempotent and cheap (a query or two per site).
"""

from __future__ import annotations

from datetime import timedelta

from django.utils import timezone

from childnrm.accounts.models import Role
from childnrm.information.models import InformationRequest, LawfulBasis, ProtocolBasis, SharingProtocol
from childnrm.information.services_protocols import current_protocol, protocol_snapshot
from childnrm.panels.models import Agency
from childnrm.referrals.models import Referral, ReferralStatus

PROTOCOLS = {
    "police": {
        "information_shared": "Intelligence and crime reports about the child, the adults around them and the places "
        "they were found; missing episodes; the outcome of any investigation.",
        "lawful_bases": [
            ProtocolBasis.GDPR_PUBLIC_TASK,
            ProtocolBasis.GDPR_SAFEGUARDING,
            ProtocolBasis.GDPR_UNLAWFUL_ACTS,
            ProtocolBasis.CHILDREN_ACT_1989_S47,
            ProtocolBasis.CRIME_AND_DISORDER_S115,
        ],
        "started_days_ago": 300,
        "review_in_days": 400,
    },
    "health": {
        "information_shared": "Health assessments, injuries and treatment relevant to exploitation; sexual and mental "
        "health needs; registration with a GP.",
        "lawful_bases": [
            ProtocolBasis.GDPR_PUBLIC_TASK,
            ProtocolBasis.GDPR_HEALTH_SOCIAL_CARE,
            ProtocolBasis.GDPR_SAFEGUARDING,
            ProtocolBasis.CHILDREN_ACT_2004_S11,
        ],
        "started_days_ago": 700,
        "review_in_days": 14,  # due for review: on the dashboard
    },
}


def _protocols(*, site, coordinator, organisations) -> None:
    today = timezone.localdate()
    la = organisations["la"]
    for key, spec in PROTOCOLS.items():
        partner = organisations[key]
        if SharingProtocol.objects.filter(site=site, organisation=partner).exists():
            continue
        starts_on = today - timedelta(days=spec["started_days_ago"])
        protocol = SharingProtocol.objects.create(
            site=site,
            organisation=partner,
            title=f"{site.name} and {partner.name}: sharing information about children at risk of exploitation",
            parties=f"{la.name}\n{partner.name}",
            information_shared=spec["information_shared"],
            purpose="To decide whether a child is a victim of modern slavery, and to plan and review their "
            "safeguarding.",
            lawful_bases=[str(b) for b in spec["lawful_bases"]],
            lawful_basis_detail="",
            signatories=f"Director of Children's Services, {la.name}\nInformation governance lead, {partner.name}",
            starts_on=starts_on,
            review_on=today + timedelta(days=spec["review_in_days"]),
            created_by=coordinator,
            updated_by=coordinator,
        )
        protocol.versions.create(number=1, content=protocol_snapshot(protocol), changed_by=coordinator)


def load_demo(*, site, site_users, organisations) -> None:
    coordinator = site_users[Role.COORDINATOR]
    _protocols(site=site, coordinator=coordinator, organisations=organisations)
    if InformationRequest.objects.filter(referral__site=site).exists():
        return
    referral = (
        Referral.objects.filter(site=site, status__in=(ReferralStatus.SUBMITTED, ReferralStatus.ACCEPTED))
        .order_by("pk")
        .first()
    )
    if referral is None:
        return
    protocol = current_protocol(site.pk, organisations["police"].pk)
    InformationRequest.objects.create(
        referral=referral,
        organisation=organisations["police"],
        agency=Agency.POLICE,
        question="What do you know of the adults the child was found with, and of any previous missing episodes?",
        purpose="To decide whether there are reasonable grounds to believe the child is a victim of modern slavery, "
        "and to plan the child's safeguarding.",
        lawful_basis=LawfulBasis.PUBLIC_TASK_SAFEGUARDING,
        protocol=protocol,
        protocol_version=protocol.version if protocol else None,
        lawful_basis_detail="" if protocol else "UK GDPR Article 6(1)(e) with DPA 2018 Schedule 1 paragraph 18",
        due_on=timezone.localdate() + timedelta(days=site.information_request_days),
        requested_by=coordinator,
    )
