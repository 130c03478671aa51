"""The triage app walked in Welsh by a Welsh site's coordinator (ADR 0023, issue 13).

The queue (and its filters), triage of a referral awaiting it and of one already triaged, correcting the facts,
consent at 18 and the case packet page. Each fails on English left on the page, other than names, references and
the allowed terms (core/tests/welsh.py). The rules' reasons are recorded in English and said in Welsh on the page
(tests/test_reasons_in_the_readers_language.py); the case packet itself stays English: a referral sent on from a Welsh
page stores the English packet.
"""

from __future__ import annotations

import hashlib

from django.urls import reverse

from childnrm.accounts.models import Organisation, Role
from childnrm.api.tests.conftest import NORTHBRIDGE_LA_GSS, token_client
from childnrm.api.tests.test_home_office import HOME_OFFICE_FORM, IMPORT, add_form_councils
from childnrm.core.tests.welsh import english_left, walk_in_welsh
from childnrm.kit.i18n import language
from childnrm.referrals.models import Referral, ReferralStatus
from childnrm.referrals.tests.factories import submitted_referral
from childnrm.referrals.tests.test_welsh_referrals import REASON, names_on
from childnrm.triage.eligibility import AGE_DISPUTED, PUBLIC_ORDER, hard_exclusion_message
from childnrm.triage.services import triage_confirm
from conftest import demo_user, signed_in


def test_the_coordinators_pages_are_in_welsh(welsh_site):
    user = demo_user(Role.COORDINATOR)
    client = signed_in(user)
    awaiting = submitted_referral(welsh_site.slug)
    referred_on = submitted_referral(welsh_site.slug)
    triage_confirm(referral=referred_on, user=user, final_outcome="sca", final_site=None, reason=REASON)
    accepted = submitted_referral(welsh_site.slug)
    triage_confirm(referral=accepted, user=user, final_outcome="panel", final_site=welsh_site, reason="")
    triaged = [
        accepted,
        *Referral.objects.filter(site=welsh_site, status=ReferralStatus.ACCEPTED).exclude(pk=accepted.pk),
    ]
    paths = [
        reverse("triage:queue"),
        reverse("triage:queue") + "?status=all&sort=name&overdue=on",
        reverse("triage:triage", args=[awaiting.reference]),
        reverse("triage:facts", args=[awaiting.reference]),
        reverse("triage:case-packet", args=[awaiting.reference]),
        reverse("triage:triage", args=[referred_on.reference]),
        reverse("triage:case-packet", args=[referred_on.reference]),
    ]
    for referral in triaged[:3]:
        paths += [
            reverse("triage:triage", args=[referral.reference]),
            reverse("triage:adult-consent", args=[referral.reference]),
            reverse("triage:case-packet", args=[referral.reference]),
        ]
    page = client.get(reverse("triage:triage", args=[awaiting.reference])).content.decode()
    assert "Beth mae’r rheolau’n ei awgrymu" in page and "Cadarnhau’r brysbennu" in page
    problems = walk_in_welsh(client, paths, names=names_on(user, welsh_site))
    assert problems == {}, "\n".join(f"{p}: {v}" for p, v in problems.items())


def test_triage_errors_are_in_welsh(welsh_site):
    user = demo_user(Role.COORDINATOR)
    client = signed_in(user)
    awaiting = submitted_referral(welsh_site.slug)
    page = client.post(reverse("triage:triage", args=[awaiting.reference]), {}).content.decode()
    assert "Mae problem wedi codi" in page and "Dewiswch pwy sy’n penderfynu ar yr atgyfeiriad hwn" in page
    assert english_left(page, names=names_on(user, welsh_site)) == []


def test_a_welsh_coordinators_case_packet_is_the_english_one_sent(welsh_site):
    """The packet goes to the Home Office or another site's systems, in English, and its fingerprint is of
    what was sent: a referral sent on from a Welsh page stores the English packet, and the download matches it."""
    user = demo_user(Role.COORDINATOR)
    client = signed_in(user)
    referral = submitted_referral(welsh_site.slug)
    page = client.post(
        reverse("triage:triage", args=[referral.reference]), {"outcome": "sca", "reason": REASON}, follow=True
    ).content.decode()
    assert "Achos wedi’i atgyfeirio ymlaen" in page
    sent = referral.onward_referrals.get()
    assert sent.packet["handoff"]["outcome_label"] == "The Single Competent Authority decides"
    download = client.get(reverse("triage:case-packet-json", args=[referral.reference]))
    assert (
        hashlib.sha256(b"".join(download.streaming_content if download.streaming else [download.content])).hexdigest()
        == sent.sha256
    )


def test_two_reasons_no_panel_may_decide_are_joined_by_a_semicolon_in_welsh():
    """The reasons are whole clauses: Welsh joins them with a semicolon, never "a" ("… anghydfod a mae …" is not
    Welsh). Kit's "%(list)s and %(last)s", for a list of words, says "a", and Django's merged catalogue gave it to
    triage's clauses too."""
    with language("cy"):
        message = hard_exclusion_message([AGE_DISPUTED, PUBLIC_ORDER])
    assert message.startswith(
        "Ni all panel benderfynu ar yr atgyfeiriad hwn oherwydd mae oedran y plentyn yn destun anghydfod; "
        "mae anghymhwyso ar sail trefn gyhoeddus yn cael ei ystyried. Rheol yw hon"
    ), message


def test_the_home_office_forms_own_words_are_marked_english_on_a_welsh_triage_page(welsh_site):
    """An imported Home Office form is shown under its own headings and labels, quoted in English: on a Welsh page
    they are marked lang="en" (as the panel's papers mark them), so a screen reader says them in English (WCAG 3.1.2,
    ADR 0023). The first responder's answers stay as they typed them, and are not judged here."""
    add_form_councils()
    api = token_client(Organisation.objects.get(gss_code=NORTHBRIDGE_LA_GSS))
    response = api.post(IMPORT, HOME_OFFICE_FORM)
    assert response.status_code == 201, response.content
    referral = Referral.objects.get(reference=response.json()["reference"])
    assert referral.form_sections
    user = demo_user(Role.COORDINATOR)
    html = signed_in(user).get(reverse("triage:triage", args=[referral.reference])).content.decode()
    assert "From the Home Office form" not in html  # the page itself is in Welsh
    start = html.index('<section id="home-office-form"')
    block = html[start : html.index("</section>", start)]
    assert 'lang="en"' in block
    typed = [item["value"] for section in referral.form_sections for item in section["items"]]
    left = english_left(block, names=[*names_on(user, welsh_site), *typed])
    assert left == [], left
