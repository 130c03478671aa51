"""The referral form asks in the terms of its referrer's nation (issue 13 item 2, ADR 0027).

A referral is written before it is routed to a site, so its questions follow the nation of the sites where the
referrer works. A Scottish or Northern Irish referrer is never asked about England's child in need plans, strategy
discussions (Scotland) or the Independent Child Trafficking Guardian service, on the form, its help text, its
errors or the check-your-answers page; England and Wales keep their words.
"""

from __future__ import annotations

import pytest
from django.urls import reverse

from childnrm.accounts.models import Nation, Role
from childnrm.accounts.tests.test_nations import never_english
from childnrm.referrals.models import Referral
from childnrm.referrals.services import referral_start
from conftest import demo_user, signed_in

pytestmark = pytest.mark.django_db

ENGLAND_ONLY = ["Child in need plan", "child in need"]
GUARDIAN = {Nation.SCOTLAND: "Scottish Guardianship Service", Nation.NORTHERN_IRELAND: "Independent Guardian Service"}


def _draft_at(site, nation: str) -> tuple[object, Referral]:
    site.nation = nation
    site.save(update_fields=["nation"])
    responder = demo_user(Role.FIRST_RESPONDER)
    return signed_in(responder), referral_start(user=responder)


def _safeguarding(referral: Referral) -> str:
    return reverse("referrals:section", args=[referral.reference, "safeguarding"])


@pytest.mark.parametrize("nation", [Nation.SCOTLAND, Nation.NORTHERN_IRELAND])
def test_a_scottish_or_northern_irish_referrer_is_asked_in_their_nations_terms(site, nation):
    client, referral = _draft_at(site, nation)
    page = client.get(_safeguarding(referral)).content.decode()
    never_english(page, ENGLAND_ONLY)
    assert f"Has the child been referred to the {GUARDIAN[nation]}?" in page
    assert "name is on the child protection register" in page
    if nation == Nation.SCOTLAND:
        assert "inter-agency referral discussion (IRD)" in page and "strategy discussion" not in page
    else:
        assert "looked after by a Health and Social Care Trust" in page

    # England's answer is not offered, and a wrong date is told in the nation's words.
    answers = {
        "ictg_referral_made": "yes",
        "in_place": ["child_protection_plan", "looked_after"],
        "continue": "",
    }
    refused = client.post(_safeguarding(referral), {**answers, "in_place": ["child_in_need"]}).content.decode()
    assert "Select a valid choice" in refused or "govuk-error-summary" in refused
    future = {"strategy_discussion_date_day": "1", "strategy_discussion_date_month": "1"}
    wrong = client.post(_safeguarding(referral), {**answers, **future, "strategy_discussion_date_year": "2999"})
    never_english(wrong.content.decode(), ENGLAND_ONLY)
    if nation == Nation.SCOTLAND:
        assert "inter-agency referral discussion must be today or in the past" in wrong.content.decode()

    assert client.post(_safeguarding(referral), answers).status_code == 302
    referral.refresh_from_db()
    assert (referral.child_protection_plan, referral.looked_after, referral.child_in_need) == (True, True, False)
    check = client.get(reverse("referrals:check-answers", args=[referral.reference])).content.decode()
    never_english(check, ENGLAND_ONLY, ["Child protection plan"])
    assert "On the child protection register" in check
    if nation == Nation.SCOTLAND:
        assert "Inter-agency referral discussion" in check and "trategy discussion" not in check


def test_an_english_referrer_is_asked_as_before(site):
    client, referral = _draft_at(site, Nation.ENGLAND)
    page = client.get(_safeguarding(referral)).content.decode()
    for words in (
        "Has the child been referred to the Independent Child Trafficking Guardian service?",
        "Child in need plan",
        "Child protection plan",
        "When was the strategy discussion held? (optional)",
    ):
        assert words in page
    assert all(text not in page for text in GUARDIAN.values())


def test_a_referrer_at_sites_in_two_nations_is_asked_in_england_and_waless_words(site, other_site):
    site.nation = Nation.SCOTLAND
    site.save(update_fields=["nation"])
    responder = demo_user(Role.FIRST_RESPONDER)
    responder.memberships.create(site=other_site, role=Role.FIRST_RESPONDER)
    referral = referral_start(user=responder)
    page = signed_in(responder).get(_safeguarding(referral)).content.decode()
    assert "Independent Child Trafficking Guardian service" in page  # no one nation: the form as it was
