"""A decision's evidence, votes and exports name the guardian service as the site's nation names it (issue 13 item 2,
ADR 0027).

The agency of a piece of evidence, of an attendee and of a vote is stored as a code (`panels.Agency.ICTG` is England
and Wales's "Independent Child Trafficking Guardian service"). On a site in Scotland or Northern Ireland the
evidence page, the votes page (the guardian's seat and why they do not vote), the decision's record, its JSON export
and its PDF say the nation's guardian service, never England's; the stored code stays "ictg".
"""

from __future__ import annotations

import json

import pytest
from django.template.loader import render_to_string
from django.urls import reverse

from childnrm.accounts.models import Nation, Role, Site
from childnrm.accounts.tests.test_nations import shown
from childnrm.decisions import services
from childnrm.decisions.export import VOTE_WORDS, decision_export
from childnrm.decisions.models import Decision
from childnrm.decisions.tests.factories import draft_decision
from childnrm.panels import rules
from childnrm.panels.models import Agency, AttendsAs
from childnrm.safeguarding.tests.test_guardian_agency_by_nation import SERVICE, no_english_guardian, set_aside
from conftest import demo_user, signed_in

pytestmark = pytest.mark.django_db


def _guardian_gives_evidence_and_attends(site: Site) -> Decision:
    """A draft on the agenda of a sitting in session: the guardian service gave evidence and the guardian attends."""
    decision = draft_decision(site.slug)
    decision.meeting.attendees.update_or_create(
        user=demo_user(Role.ICTG, site.slug), defaults={"agency": Agency.ICTG, "attends_as": AttendsAs.ICTG}
    )
    services.evidence_add(
        decision=decision,
        user=demo_user(Role.COORDINATOR, site.slug),
        description="The guardian's account of how the child was moved between towns.",
        agency=Agency.ICTG,
        supplied_by="The child's guardian",
    )
    return decision


def _pages(decision: Decision) -> dict[str, str]:
    client = signed_in(demo_user(Role.COORDINATOR, decision.referral.site.slug))
    pages = {}
    for name in ("evidence", "votes", "detail"):
        response = client.get(reverse(f"decisions:{name}", args=[decision.pk]))
        assert response.status_code == 200, name
        pages[name] = response.content.decode()
    return pages


def _exports(decision: Decision) -> tuple[dict, str]:
    client = signed_in(demo_user(Role.COORDINATOR, decision.referral.site.slug))
    response = client.get(reverse("decisions:export-json", args=[decision.pk]))
    assert response.status_code == 200
    record = json.loads(b"".join(response.streaming_content) if response.streaming else response.content)
    pdf_html = render_to_string("decisions/export_pdf.html", {"d": decision_export(decision), "vote_words": VOTE_WORDS})
    return record, pdf_html


def test_a_decisions_pages_and_exports_name_the_nations_guardian_service(scottish_or_northern_irish_site):
    site = scottish_or_northern_irish_site
    nation = site.nation
    decision = _guardian_gives_evidence_and_attends(site)
    pages = _pages(decision)
    record, pdf_html = _exports(decision)
    names = set_aside(site)
    for page in [*pages.values(), pdf_html, json.dumps(record, ensure_ascii=False)]:
        no_english_guardian(page, names)
    service = SERVICE[nation]
    assert service in pages["evidence"] and service in pages["detail"]  # the evidence's agency
    # Why the guardian does not vote, among those who may not.
    assert shown(f"attends as the child's guardian ({service}), without a vote.") in pages["votes"]
    # The export keeps the stored code and says the nation's service.
    assert [(e["agency"], e["agency_label"]) for e in record["evidence"]] == [("ictg", service)]
    assert service in pdf_html


def test_an_english_decision_keeps_the_independent_child_trafficking_guardian_service(site):
    decision = _guardian_gives_evidence_and_attends(site)
    pages = _pages(decision)
    record, pdf_html = _exports(decision)
    english = SERVICE[Nation.ENGLAND]
    assert english in pages["evidence"] and english in pages["detail"] and english in pdf_html
    assert shown("attends as the child's Independent Child Trafficking Guardian, without a vote.") in pages["votes"]
    assert [(e["agency"], e["agency_label"]) for e in record["evidence"]] == [("ictg", english)]
    for page in (*pages.values(), pdf_html):
        assert SERVICE[Nation.SCOTLAND] not in page and SERVICE[Nation.NORTHERN_IRELAND] not in page


def test_a_vote_for_the_guardian_or_the_guardian_service_is_refused_in_the_nations_words(
    scottish_or_northern_irish_site,
):
    """Why a seat has no vote, as the votes page and the panel's seats show it (panels.rules)."""
    site = scottish_or_northern_irish_site
    nation = site.nation
    guardian = demo_user(Role.ICTG, site.slug)
    assert rules.seat_refusal(guardian, Agency.SOCIAL_CARE, site.pk) == (
        f"{guardian.full_name} holds the guardian role at this site ({SERVICE[nation]}): a guardian never votes"
    )
    assert rules.seat_refusal(demo_user(Role.PANEL_MEMBER, site.slug), Agency.ICTG, site) == (
        f"Only children’s social care, police and health have a vote: {SERVICE[nation]} attends without one"
    )
