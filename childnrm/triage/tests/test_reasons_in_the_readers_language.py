"""The rules' reasons at triage in the reader's language, and the way to the child's record (the Cardiff walk of
issue 13).

The reasons are the assessment's record: stored in English (also in the case packet), whatever language the page
that ran the rules was in. A Welsh page used to show them in English ("On the date of birth given (3 Chwefror
2013), the child turns 18 on ..."): it now says each in Welsh (`triage.reasons`), rows stored before this change
included. A reason no message matches is still shown, as recorded, marked lang="en".
"""

from __future__ import annotations

import re
from datetime import date

import pytest
from django.urls import reverse
from django.utils import timezone, translation

from childnrm.accounts.models import Role
from childnrm.core.tests.welsh import english_left
from childnrm.kit.dates import long_date
from childnrm.referrals.tests.test_welsh_referrals import names_on
from childnrm.triage import reasons
from childnrm.triage.demo import submitted_referral
from childnrm.triage.models import TriageAssessment
from childnrm.triage.services import Facts, triage_correct_facts
from conftest import demo_user, signed_in

pytestmark = pytest.mark.django_db

ENGLISH_MONTH = re.compile(
    r"\b(January|February|March|April|May|June|July|August|September|October|November|December)\b"
)
WELSH_MONTH = re.compile(
    r"\b(Ionawr|Chwefror|Mawrth|Ebrill|Mai|Mehefin|Gorffennaf|Awst|Medi|Hydref|Tachwedd|Rhagfyr)\b"
)


def reasons_on(page: str) -> list[tuple[str, str]]:
    """The reasons list on the triage page: (attributes of each item, its text)."""
    listed = re.search(
        r'<ul class="govuk-list govuk-list--bullet"[^>]*>(.*?)</ul>\s*<p class="govuk-body-s">', page, re.S
    )
    assert listed, "no reasons on the page"
    return re.findall(r"<li([^>]*)>(.*?)</li>", listed.group(1), re.S)


def test_the_reasons_are_recorded_in_english_whatever_the_language_of_the_page(welsh_site):
    with translation.override("cy"):
        referral = submitted_referral(welsh_site.slug)
    recorded = referral.triage_assessments.get().reasons
    assert recorded[0].startswith("On the date of birth given (")
    assert ENGLISH_MONTH.search(recorded[0]) and not WELSH_MONTH.search(" ".join(recorded))
    assert recorded[-1] == f"{welsh_site.name} may decide: every rule for a panel decision is met."


def test_a_welsh_coordinator_reads_the_reasons_in_welsh(welsh_site):
    user = demo_user(Role.COORDINATOR)
    referral = submitted_referral(welsh_site.slug)
    page = signed_in(user).get(reverse("triage:triage", args=[referral.reference])).content.decode()
    shown = reasons_on(page)
    assert [attributes for attributes, _ in shown] == [""] * len(shown)  # none left marked as English
    texts = [text for _, text in shown]
    assert texts[0].startswith("Ar sail y dyddiad geni a roddwyd (") and WELSH_MONTH.search(texts[0])
    assert "diwrnod ar ôl yr atgyfeiriad ar" in texts[0] and ": mwy na 100 diwrnod." in texts[0]
    assert texts[1].startswith("Mae’r plentyn yn byw yn ardal ")
    assert (
        texts[-1]
        == f"Caiff {welsh_site.name} benderfynu: mae pob rheol ar gyfer penderfyniad gan banel wedi’i bodloni."
    )
    assert english_left(page, names=names_on(user, welsh_site)) == []


def test_corrected_facts_and_a_referral_to_the_sca_read_in_welsh(welsh_site):
    user = demo_user(Role.COORDINATOR)
    referral = submitted_referral(welsh_site.slug, age_disputed=True)
    facts = Facts(**{**Facts.of(referral).__dict__, "age_uncertain": True, "public_order_disqualification": True})
    triage_correct_facts(referral=referral, user=user, facts=facts, reason="Asesiad oedran ar y gweill.")
    page = signed_in(user).get(reverse("triage:triage", args=[referral.reference])).content.decode()
    texts = [text for attributes, text in reasons_on(page) if not attributes]
    assert texts[0] == (
        f"Cywirwyd y ffeithiau gan {user.full_name} ar {_welsh(timezone.localdate())}: oedran yn ansicr: o na i ie; "
        "anghymhwyso ar sail trefn gyhoeddus yn cael ei ystyried: o na i ie. Rheswm: Asesiad oedran ar y gweill."
    )
    assert "Mae oedran y plentyn yn destun anghydfod." in texts
    assert "Mae anghymhwyso ar sail trefn gyhoeddus yn cael ei ystyried." in texts
    assert texts[-1].startswith("Yr Awdurdod Cymwys Sengl sy’n penderfynu, oherwydd mae oedran y plentyn yn destun")
    assert english_left(page, names=names_on(user, welsh_site)) == []


def _welsh(day: date) -> str:
    with translation.override("cy"):
        return long_date(day)


def test_reasons_stored_before_keep_displaying_in_welsh(welsh_site):
    """An assessment stored by the earlier code: the same English sentences (one with a Welsh date, as a Welsh page
    used to store it), a transfer's first line, and a wording no message holds."""
    user = demo_user(Role.COORDINATOR)
    referral = submitted_referral(welsh_site.slug)
    TriageAssessment.objects.filter(referral=referral).update(
        reasons=[
            "Transferred from Northbridge Child Panel.",
            "On the date of birth given (3 Chwefror 2013), the child turns 18 on 3 February 2031, 1706 days after "
            "the referral on 2 June 2026: more than 100 days.",
            "Where the child lives is not known; they were referred in Cardiff Council, in the area of "
            f"{welsh_site.name}.",
            "An older rule's reason.",
        ]
    )
    page = signed_in(user).get(reverse("triage:triage", args=[referral.reference])).content.decode()
    assert reasons_on(page) == [
        ("", "Wedi’i atgyfeirio ymlaen gan Northbridge Child Panel."),
        (
            "",
            "Ar sail y dyddiad geni a roddwyd (3 Chwefror 2013), mae’r plentyn yn troi’n 18 oed ar 3 Chwefror 2031, "
            "1706 diwrnod ar ôl yr atgyfeiriad ar 2 Mehefin 2026: mwy na 100 diwrnod.",
        ),
        (
            "",
            "Nid yw’n hysbys ble mae’r plentyn yn byw; cafodd ei atgyfeirio yn ardal Cardiff Council, sydd o fewn "
            f"ardal {welsh_site.name}.",
        ),
        (' lang="en"', "An older rule&#39;s reason."),
    ]


def test_every_reason_reads_back_in_english_as_recorded_and_in_welsh_whole():
    """Each message, recorded with sample values, is read back: English as it was, Welsh with no English left."""
    values = {
        "age": 15,
        "born": date(2011, 2, 3),
        "referred": date(2026, 6, 2),
        "birthday": date(2029, 2, 3),
        "days": 977,
        "min": 100,
        "area": "Cardiff Council",
        "found": "Newport City Council",
        "site": "Cardiff Child Panel",
        "receiving": "Northbridge Child Panel",
        "name": "Sam Jones",
        "date": date(2026, 6, 3),
        "reason": "Oedran wedi’i gadarnhau.",
        "reasons": reasons.sentence([reasons.AGE_DISPUTED, reasons.TURNS_18_SOON % {"days": 100}, reasons.NO_AREA]),
        "changes": "; ".join(
            [
                reasons.change_recorded("date_of_birth", None, "2011-02-03"),
                reasons.change_recorded("estimated_age_years", 15, None),
                reasons.change_recorded("age_disputed", True, False),
            ]
        ),
    }
    for message in reasons.MESSAGES:
        used = {name: values[name] for name in re.findall(r"%\((\w+)\)s", message)}
        text = reasons.recorded(message, **used)
        assert not WELSH_MONTH.search(text), text
        assert reasons.shown(text) == (text, False)
        with translation.override("cy"):
            welsh, english = reasons.shown(text)
        assert not english and welsh != text, text
        kept = [str(v) for v in used.values() if isinstance(v, str) and not v.startswith(("the ", "date "))]
        assert english_left(f'<html lang="cy"><p>{welsh}</p></html>', names=kept) == [], welsh


def test_the_triage_page_links_to_the_childs_own_record(demo, client_as):
    referral = submitted_referral("northbridge")
    page = client_as(Role.COORDINATOR).get(reverse("triage:triage", args=[referral.reference])).content.decode()
    link = reverse("people:detail", args=[referral.child.reference])
    assert f'<a class="govuk-link" href="{link}">The child\'s record ({referral.child.reference})</a>' in page
