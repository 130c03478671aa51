"""The referrals app walked in Welsh by those of a Welsh site who reach it (ADR 0023, issue 13).

The first responder: their referrals, a draft's task list and every question page, checking the answers, the
confirmation and a sent referral with what has happened to it (the coordinator's pages are walked by
triage/tests/test_welsh_triage.py). Each fails on English left on the page, other than names, references and
the allowed terms (core/tests/welsh.py).
"""

from __future__ import annotations

import re

import pytest
from django.apps import apps
from django.core import mail
from django.urls import reverse
from django.utils import translation

from childnrm.accounts.models import Membership, Organisation, Role, Site, User
from childnrm.core.tests.welsh import english_left, walk_in_welsh
from childnrm.referrals.answers import SECTIONS
from childnrm.referrals.models import Referral
from childnrm.referrals.services import referral_save, referral_start, referral_submit
from childnrm.referrals.tests.factories import complete_answers, submitted_referral
from childnrm.triage.services import triage_confirm
from conftest import demo_user, signed_in

REASON = "Rheswm y cydgysylltydd"  # what the coordinator typed, printed as written


def names_on(user: User, site: Site) -> list[str]:
    """What a page may show in any language: people's, organisations' and sites' names and what users typed."""
    referrals = Referral.objects.all()
    return [
        user.full_name,
        user.email,
        site.name,
        *Organisation.objects.values_list("name", flat=True),
        *Site.objects.values_list("name", flat=True),
        *(r.child_display_name for r in referrals),
        *(r.referrer_name for r in referrals),
        *(r.referrer_job_title for r in referrals),
        *(r.referrer_email for r in referrals),
        *(r.account for r in referrals),
        *(r.safeguarding_notes for r in referrals),
        *(r.found_location for r in referrals),
        *(r.address for r in referrals),
        *apps.get_model("learning", "LibraryItemVersion").objects.values_list("title", flat=True),
    ]


def _draft_paths(draft: Referral) -> list[str]:
    paths = [reverse("referrals:task-list", args=[draft.reference])]
    for section in SECTIONS:
        if section.slug == "documents":
            paths.append(reverse("referrals:documents", args=[draft.reference]))
        else:
            paths.append(reverse("referrals:section", args=[draft.reference, section.slug]))
    return [*paths, reverse("referrals:check-answers", args=[draft.reference])]


def test_the_first_responders_journey_is_in_welsh(welsh_site):
    user = demo_user(Role.FIRST_RESPONDER)
    client = signed_in(user)
    empty = referral_start(user=user)
    answered = referral_save(referral=referral_start(user=user), user=user, data=complete_answers(welsh_site))
    sent = submitted_referral(welsh_site.slug)
    # One accepted at triage and one referred on to the SCA, so that "what has happened" has those steps.
    coordinator = demo_user(Role.COORDINATOR)
    for outcome, site in (("panel", welsh_site), ("sca", None)):
        triaged = submitted_referral(welsh_site.slug)
        triage_confirm(referral=triaged, user=coordinator, final_outcome=outcome, final_site=site, reason=REASON)
    paths = [
        reverse("referrals:mine"),
        *_draft_paths(empty),
        *_draft_paths(answered),
        reverse("referrals:confirmation", args=[sent.reference]),
        *(reverse("referrals:your-referral", args=[r.reference]) for r in Referral.objects.filter(created_by=user)),
    ]
    page = client.get(reverse("referrals:mine")).content.decode()
    assert "Eich atgyfeiriadau" in page and "Atgyfeirio plentyn" in page
    problems = walk_in_welsh(client, paths, names=names_on(user, welsh_site))
    assert problems == {}, "\n".join(f"{p}: {v}" for p, v in problems.items())


def test_question_pages_say_what_is_wrong_in_welsh(welsh_site):
    user = demo_user(Role.FIRST_RESPONDER)
    client = signed_in(user)
    draft = referral_start(user=user)
    names = names_on(user, welsh_site)
    page = client.post(
        reverse("referrals:section", args=[draft.reference, "child"]), {"continue": "", "given_names": "x" * 201}
    ).content.decode()
    assert "Mae problem wedi codi" in page and "Dewiswch ryw’r plentyn" in page
    assert "Rhaid i ‘Enwau cyntaf’ fod yn 200 nod neu lai" in page
    assert english_left(page, names=names) == []
    sent = client.post(reverse("referrals:check-answers", args=[draft.reference])).content.decode()
    assert "Cwblhewch yr adran ‘Enw, dyddiad geni a rhyw’" in sent
    assert english_left(sent, names=names) == []


def test_the_childs_identifiers_are_asked_checked_and_shown_in_welsh(welsh_site):
    user = demo_user(Role.FIRST_RESPONDER)
    client = signed_in(user)
    draft = referral_save(referral=referral_start(user=user), user=user, data=complete_answers(welsh_site))
    names = names_on(user, welsh_site)
    url = reverse("referrals:section", args=[draft.reference, "child"])
    page = client.get(url).content.decode()
    assert "Rhif GIG (dewisol)" in page and "Cyfeirnod Swyddfa Gartref (dewisol)" in page
    assert english_left(page, names=names) == []
    answers = {"continue": "", "given_names": draft.given_names, "sex": "male", "estimated_age_years": "14"}
    for typed, message in (
        ("943 476 591", "Rhowch y rhif GIG ar ffurf 10 digid, fel 485 777 3456"),
        ("943 476 5918", "Rhowch rif GIG dilys: gwiriwch ef yn erbyn cofnodion iechyd y plentyn"),
    ):
        page = client.post(url, {**answers, "nhs_number": typed}).content.decode()
        assert message in page
        assert english_left(page, names=names) == []
    page = client.post(url, {**answers, "home_office_reference": "x" * 101}).content.decode()
    assert "Rhaid i ‘Cyfeirnod Swyddfa Gartref’ fod yn 100 nod neu lai" in page
    client.post(url, {**answers, "nhs_number": "9434765919", "home_office_reference": "B1234567"})
    page = client.get(reverse("referrals:check-answers", args=[draft.reference])).content.decode()
    assert "Rhif GIG" in page and "943 476 5919" in page and "Cyfeirnod Swyddfa Gartref" in page
    assert english_left(page, names=[*names, "B1234567"]) == []


def test_uploading_and_removing_a_document_is_said_in_welsh(welsh_site, private_storage):
    from childnrm.referrals.tests.test_documents import pdf_bytes, upload

    user = demo_user(Role.FIRST_RESPONDER)
    client = signed_in(user)
    draft = referral_start(user=user)
    url = reverse("referrals:documents", args=[draft.reference])
    names = [*names_on(user, welsh_site), "statement.pdf"]
    upload(client, draft, "statement.pdf", pdf_bytes(), description="Datganiad")
    page = client.get(url).content.decode()
    assert "Mae ‘statement.pdf’ wedi’i uwchlwytho" in page
    assert english_left(page, names=[*names, "Datganiad"]) == []
    document = draft.documents.get()
    page = client.post(url, {"remove": document.pk}, follow=True).content.decode()
    assert "Mae ‘statement.pdf’ wedi’i dynnu" in page
    assert english_left(page, names=names) == []


@pytest.mark.django_db
def test_the_emails_about_a_sent_referral_go_in_each_readers_language(welsh_site, django_capture_on_commit_callbacks):
    """The acknowledgement and the coordinators' notices follow each reader (ADR 0023): a coordinator who has not
    chosen reads Welsh at a Welsh site, one who chose English reads English. They were written in whatever language
    the task ran in: English on the worker, the referrer's page language in the request."""
    english_coordinator = User.objects.create_user(
        "english.coordinator@childnrm.example", "x" * 16, full_name="English Coordinator", language="en-gb"
    )
    Membership.objects.create(user=english_coordinator, site=welsh_site, role=Role.COORDINATOR)
    first_responder = demo_user(Role.FIRST_RESPONDER, welsh_site.slug)
    with translation.override("en-gb"), django_capture_on_commit_callbacks(execute=True):
        draft = referral_save(
            referral=referral_start(user=first_responder), user=first_responder, data=complete_answers(welsh_site)
        )
        referral = referral_submit(referral=draft, user=first_responder)
    by_reader = {message.to[0]: message for message in mail.outbox}
    acknowledgement = by_reader[referral.referrer_email]
    assert acknowledgement.subject == f"Atgyfeiriad {referral.reference} wedi dod i law"
    welsh_notice = by_reader[demo_user(Role.COORDINATOR, welsh_site.slug).email]
    assert welsh_notice.subject == f"Atgyfeiriad newydd {referral.reference} i’w frysbennu"
    for message in (acknowledgement, welsh_notice):
        text = re.sub(r"https?://\S+", " ", message.body)
        assert english_left(text, names=[referral.reference]) == [], message.body
    english_notice = by_reader[english_coordinator.email]
    assert english_notice.subject == f"New referral {referral.reference} to triage"
    assert english_notice.body.endswith("Do not reply to this email.")
