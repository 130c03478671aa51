"""The decision pages in Welsh, as each role of a Welsh site that reaches them (ADR 0023, issue 13).

A Welsh site's default language is Welsh. Every page here must be wholly Welsh apart from names, references,
what the panel typed (reasons, evidence, statements: printed as written) and the allowed terms
(core/tests/welsh.py). The guidance's title and the test are said in Welsh; the test's English wording, as the
decision records it, is quoted beside it, marked lang="en".

The decision pages also show words other apps write (the evidence library's links, the steps after sign-off that
other apps register): each app translates its own, and they must be Welsh here too.
"""

from __future__ import annotations

import pytest
from django.urls import reverse
from django.utils import timezone

from childnrm.accounts.models import Organisation, Role, Site, User
from childnrm.core.tests.welsh import walk_in_welsh
from childnrm.decisions.forms import SECTION_FORMS
from childnrm.decisions.models import AgencyNilReturn, Decision, DecisionEvidence, DecisionVote, Outcome
from childnrm.decisions.tests.factories import (
    draft_decision,
    final_decision,
    record_complete,
    sample_decision,
    second_reviewer,
)
from childnrm.panels.demo import DEMO_LOCATION
from childnrm.referrals.models import Referral
from conftest import demo_user, signed_in

pytestmark = pytest.mark.django_db

SITE = "northbridge"
TYPED_FIELDS = (
    "act_reasoning",
    "slavery_reasoning",
    "purpose_reasoning",
    "credibility_reasoning",
    "wishes_and_feelings",
    "wishes_how_gathered",
    "wishes_gathered_by",
    "wishes_not_gathered_reason",
    "best_interests",
    "plan_in_place_reason",
    "support_after_negative",
    "dissent",
    "correction_reason",
    "second_review_reasons",
    "casting_vote_reasons",
)


def names() -> list[str]:
    """What a page may show in any language: people, organisations, sites, children, references, and what
    the panel typed into the record."""
    people = [n for u in User.objects.all() for n in (u.full_name, u.email)]
    children = [n for r in Referral.objects.all() for n in (r.child_display_name, r.reference)]
    places = [*Organisation.objects.values_list("name", flat=True), *Site.objects.values_list("name", flat=True)]
    typed = [t for row in Decision.objects.values_list(*TYPED_FIELDS) for t in row]
    typed += [t for row in DecisionEvidence.objects.values_list("description", "supplied_by", "weight") for t in row]
    typed += list(AgencyNilReturn.objects.values_list("statement", flat=True))
    typed += list(DecisionVote.objects.values_list("reasons", flat=True))
    return [*people, *children, *places, *typed, DEMO_LOCATION, "demo"]


def english_on(user: User, paths: list[str]) -> dict[str, list[str]]:
    return walk_in_welsh(signed_in(user), paths, names=names())


def url(name: str, decision: Decision) -> str:
    return reverse(f"decisions:{name}", args=[decision.pk])


def recording_pages(decision: Decision) -> list[str]:
    return [
        reverse("decisions:index"),
        url("detail", decision),
        url("record", decision),
        url("evidence", decision),
        *(url(f"section-{slug}", decision) for slug in SECTION_FORMS),
        url("votes", decision),
    ]


@pytest.mark.parametrize("role", [Role.COORDINATOR, Role.CHAIR])
def test_recording_a_decision_is_welsh(welsh_site, role):
    """A draft at a sitting in session, with evidence, a nil return and a vote: every page of the record."""
    decision = sample_decision(SITE)
    paths = recording_pages(decision)
    if role == Role.CHAIR:
        paths.append(url("finalise", decision))
    assert english_on(demo_user(role, SITE), paths) == {}


def test_a_complete_record_and_its_sign_off_are_welsh(welsh_site):
    """The whole record read back (findings, votes, the outcome in the law's words) before the chair signs."""
    decision = record_complete(draft_decision(SITE), outcome=Outcome.POSITIVE, decided_on=timezone.localdate())
    chair = demo_user(Role.CHAIR, SITE)
    assert english_on(chair, [url("record", decision), url("finalise", decision), url("votes", decision)]) == {}


def test_a_final_decision_its_correction_and_a_second_review_are_welsh(welsh_site):
    final = final_decision(SITE)
    coordinator = demo_user(Role.COORDINATOR, SITE)
    assert english_on(coordinator, [url("detail", final), url("correct", final)]) == {}

    negative = record_complete(draft_decision(SITE), outcome=Outcome.NEGATIVE, decided_on=timezone.localdate())
    signed_in(demo_user(Role.CHAIR, SITE)).post(url("finalise", negative))
    reviewer = second_reviewer(SITE)
    assert english_on(reviewer, [url("second-review", negative), url("detail", negative)]) == {}


def test_the_decision_record_pdf_of_a_welsh_site_is_welsh_to_its_footer_and_says_so(welsh_site):
    """The PDF frame (pdf_base.html) takes the record's language: <html lang="cy"> (the PDF's /Lang) and the
    footer on each page, "Cofnod y penderfyniad ... - tudalen 1 o 2". The packets it also frames stay English."""
    import re

    from django.utils import translation

    from childnrm.letters.tests.pdftext import pdf_lang, pdf_text
    from childnrm.triage.packet import case_packet, packet_pdf

    decision = final_decision(SITE)
    reference = decision.referral.reference
    client = signed_in(demo_user(Role.COORDINATOR))
    pdf = client.get(reverse("decisions:export-pdf", args=[decision.pk])).content
    assert pdf_lang(pdf) == "cy"
    text = pdf_text(pdf)
    pages = int(re.search(rf"Cofnod y penderfyniad {reference} – OFFICIAL-SENSITIVE – tudalen 1 o (\d+)", text)[1])
    assert f"tudalen {pages} o {pages}" in text and " page " not in text

    # In English, the same record is English to its footer.
    welsh_site.default_language = "en-gb"
    welsh_site.save(update_fields=["default_language"])
    pdf = signed_in(demo_user(Role.COORDINATOR)).get(reverse("decisions:export-pdf", args=[decision.pk])).content
    assert pdf_lang(pdf) == "en"
    assert f"Decision record {reference} – OFFICIAL-SENSITIVE – page 1 of" in pdf_text(pdf)

    # A case packet is English on purpose, whatever the language it is printed in.
    with translation.override("cy"):
        packet = packet_pdf(case_packet(decision.referral))
    assert pdf_lang(packet) == "en" and f"Case packet {reference} – OFFICIAL-SENSITIVE – page 1 of" in pdf_text(packet)
