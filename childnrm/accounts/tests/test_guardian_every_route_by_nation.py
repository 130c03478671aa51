"""Every route of a Scottish site never names England and Wales's guardian (issue 13 item 2, ADR 0027).

The net under the apps' own tests of the guardian by nation: every route the access matrix knows, opened on
Northbridge made a Scottish site as the role that sees most of it (as the Welsh walk does), and every route the
guardian may open, as the guardian. The guardian service owns one of the plan's actions, attended its strategy
discussion and was asked for information, so the pages that show an agency show it. A page fails if it says
"Independent Child Trafficking Guardian" or "ICTG" other than in a name (a person, an organisation) or in what
someone typed. Downloads, JSON and POST-only routes have no page to read.
"""

from __future__ import annotations

import json

import pytest
from django.urls import reverse

from childnrm.access.tests.test_access_matrix import EXPECTED, ROUTES, sample_kwargs
from childnrm.access.tests.welsh_every_route import who_may_open
from childnrm.accounts.models import Nation, Role
from childnrm.accounts.tests.test_nations import ENGLISH_GUARDIAN
from childnrm.decisions.models import Decision
from childnrm.information.models import InformationRequest
from childnrm.panels.demo import accepted_referral
from childnrm.panels.models import Agency
from childnrm.reviews.models import DecisionReturn
from childnrm.safeguarding.demo import demo_child
from childnrm.safeguarding.tests.test_guardian_agency_by_nation import (
    SERVICE,
    _guardian_owns_an_action,
    no_english_guardian,
    set_aside,
)
from childnrm.triage.packet import case_packet
from conftest import demo_user, signed_in

pytestmark = pytest.mark.django_db


SCOTTISH_GUARDIAN = "Guardian from the Scottish Guardianship Service"
# Who opens each page on the walk: the first of these the page lets in (the coordinator sees the most).
PREFERENCE = [Role.COORDINATOR, Role.CHAIR, Role.PANEL_MEMBER, Role.ICTG, Role.FIRST_RESPONDER, *Role]


def who_opens(name: str) -> Role | None:
    """One role of the site that may open the route's page (None: the route has no page to read)."""
    may_open = who_may_open(name)
    return next((role for role in PREFERENCE if role in may_open), None)


def _as_typed_in_scotland(value):
    """Stored data with England's guardian typed on its own (a JSON value) as a Scottish site's would hold it."""
    if isinstance(value, str):
        return SCOTTISH_GUARDIAN if value in ENGLISH_GUARDIAN else value
    if isinstance(value, dict):
        return {k: _as_typed_in_scotland(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_as_typed_in_scotland(v) for v in value]
    return value


def test_no_page_of_a_scottish_site_names_the_english_guardian(site):
    # The sample records first, while the site is in England (the samples record England's law, which a Scottish
    # site would refuse; a record keeps the law it was recorded under): then the site moves to Scotland.
    urls: list[tuple[str, str, str]] = []
    for name, route in ROUTES:
        role = who_opens(name)
        if role is None:
            continue
        url = reverse(name, kwargs=sample_kwargs(route, site.slug))
        urls.append((name, role, url))
        roles = EXPECTED[name]
        if role != Role.ICTG and isinstance(roles, set | frozenset) and Role.ICTG in roles:
            urls.append((name, Role.ICTG, url))
    site.nation = Nation.SCOTLAND
    site.save(update_fields=["nation"])
    _guardian_owns_an_action(site)
    InformationRequest.objects.filter(referral__site=site).update(agency=Agency.ICTG)
    # The decisions (and the records returned to the SCA), written when the site was in England, say who gathered the
    # child's wishes in England's words: typed as a Scottish site's would be, so that the words on their own are never
    # set aside.
    Decision.objects.filter(referral__site=site, wishes_gathered_by__in=ENGLISH_GUARDIAN).update(
        wishes_gathered_by=SCOTTISH_GUARDIAN
    )
    for returned in DecisionReturn.objects.filter(site=site):
        DecisionReturn.objects.filter(pk=returned.pk).update(export=_as_typed_in_scotland(returned.export))
    assert demo_child(site) is not None
    names = set_aside(site)
    clients = {}
    found: dict[str, str] = {}
    opened = 0
    for name, role, url in sorted(urls):
        client = clients.get(role) or clients.setdefault(role, signed_in(demo_user(role, site.slug)))
        response = client.get(url, follow=True)
        if response.status_code == 405 or "text/html" not in response.get("Content-Type", ""):
            continue
        assert response.status_code == 200, f"{name} as {role}: {response.status_code}"
        opened += 1
        try:
            no_english_guardian(response.content.decode(), names)
        except AssertionError as problem:
            found[f"{name} as {role}"] = " ".join(str(problem).split())[:400]
    assert opened > 150
    assert found == {}, json.dumps(found, indent=1)


def test_the_case_packet_names_the_nations_guardian_service(scottish_or_northern_irish_site):
    """The packet (a download, written in English for its receivers) says which guardian service it means."""
    site = scottish_or_northern_irish_site
    service = SERVICE[site.nation]
    referral = accepted_referral(site.slug)
    packet = case_packet(referral)
    labels = {f["name"]: f["label"] for section in packet["referral"]["sections"] for f in section["fields"]}
    assert labels["ictg_referral_made"] == f"Referred to the {service}"
    assert not any(words in json.dumps(packet) for words in ENGLISH_GUARDIAN)
