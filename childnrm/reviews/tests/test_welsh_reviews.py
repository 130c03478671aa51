"""Reconsiderations and SCA returns in Welsh, as each role of a Welsh site that reaches them (ADR 0023, issue 13).

A Welsh site's default language is Welsh. Every page here must be wholly Welsh apart from names, references,
what people typed (printed as written) and the allowed terms (core/tests/welsh.py). The decision record as sent
to the SCA was sent in English: the words it holds are quoted as sent, marked lang="en".
"""

from __future__ import annotations

import json

import pytest
from django.urls import reverse
from django.utils import translation

from childnrm.accounts.models import Organisation, Role, Site, User
from childnrm.core.tests.welsh import walk_in_welsh
from childnrm.decisions.models import Decision, DecisionVote
from childnrm.decisions.tests.test_welsh_decisions import TYPED_FIELDS
from childnrm.referrals.models import Referral
from childnrm.reviews.models import QualityFinding, ReconsiderationRequest
from childnrm.reviews.tests.factories import decision_return, final_decision, finding, reconsideration, site_user
from conftest import signed_in

pytestmark = pytest.mark.django_db

SITE = "northbridge"


def names() -> list[str]:
    """What a page may show in any language: people, organisations, sites, children, references, and what
    people typed (the decision's reasons, the request, the SCA's finding and the panel's answer)."""
    people = [n for u in User.objects.all() for n in (u.full_name, u.email)]
    children = [n for r in Referral.objects.all() for n in (r.child_display_name, r.reference)]
    places = [*Organisation.objects.values_list("name", flat=True), *Site.objects.values_list("name", flat=True)]
    typed = [t for row in Decision.objects.values_list(*TYPED_FIELDS) for t in row]
    typed += list(DecisionVote.objects.values_list("reasons", flat=True))
    typed += [
        t
        for row in ReconsiderationRequest.objects.values_list(
            "requester_name", "requester_organisation", "routed_through_name", "details", "late_reason_accepted"
        )
        for t in row
    ]
    typed += [t for row in QualityFinding.objects.values_list("finding", "panel_response") for t in row]
    return [*people, *children, *places, *typed, "demo"]


def english_on(user: User, paths: list[str]) -> dict[str, list[str]]:
    return walk_in_welsh(signed_in(user), paths, names=names())


def test_the_coordinators_reconsideration_pages_are_welsh(welsh_site):
    asked = reconsideration(SITE)
    final_decision(SITE)  # another negative decision, so the request form offers one
    paths = [
        reverse("reviews:reconsiderations"),
        reverse("reviews:reconsideration-new"),
        reverse("reviews:reconsideration", args=[asked.pk]),
        reverse("reviews:reconsideration-listing", args=[asked.pk]),
    ]
    assert english_on(site_user(Role.COORDINATOR, SITE), paths) == {}


def test_returns_to_the_sca_are_welsh_for_the_panel_and_the_sca(welsh_site):
    noted = finding(SITE)
    sent = noted.decision_return
    final_decision(SITE)  # a decision not yet sent, so the send form offers one
    panel = [
        reverse("reviews:returns"),
        reverse("reviews:return-new"),
        reverse("reviews:return", args=[sent.pk]),
        reverse("reviews:finding-answer", args=[noted.pk]),
    ]
    assert english_on(site_user(Role.COORDINATOR, SITE), panel) == {}
    sca = [reverse("reviews:returns"), reverse("reviews:return", args=[sent.pk])]
    assert english_on(site_user(Role.SCA_QUALITY_ASSURER, SITE), sca) == {}


def test_a_return_sent_from_a_welsh_page_is_the_english_record(welsh_site):
    """The SCA reads English: the stored record, and so its hash, do not depend on the sender's language."""
    with translation.override("cy"):
        sent = decision_return(SITE)
    assert sent.export["stage_label"] == "Reasonable grounds"
    assert sent.export["outcome_label"].startswith("Negative: there are not reasonable grounds to believe")
    assert "Sail resymol" not in json.dumps(sent.export, ensure_ascii=False)
