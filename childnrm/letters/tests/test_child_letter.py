"""The child's letter, improved (issue 9, item 8): dated, naming the guardian and social worker and how to reach
them, worded for the child's age on the letter's date, and laid out so no sentence is cut by a page break.
(Its reading level, for each wording, is in test_readability.py.)"""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

import pytest
from django.urls import reverse
from django.utils import timezone
from weasyprint import HTML

from childnrm.accounts.models import Role, Site
from childnrm.decisions.models import Decision, Outcome, Stage
from childnrm.letters import content, services
from childnrm.letters.models import Letter, LetterKind
from childnrm.letters.tests.factories import accepted_referral, allocate, final_decision
from childnrm.letters.tests.factories import demo as staff
from childnrm.letters.tests.pdftext import pdf_text
from childnrm.people.models import Child
from childnrm.people.services import lead_social_worker_record
from childnrm.referrals.models import Referral
from childnrm.referrals.tests.factories import years_ago

YOUNGER, TEENAGER = content.Wording.YOUNGER, content.Wording.TEENAGER


def child_letter_of(decision: Decision) -> Letter:
    produced = services.letters_produce(decision=decision, user=staff(Role.COORDINATOR))
    return next(letter for letter in produced.letters if letter.kind == LetterKind.CHILD_FRIENDLY)


# --- The age, and the wording it chooses ------------------------------------------------------------


def unsaved_decision(
    *, child_born: date | None = None, referral_born: date | None = None, estimated: int | None = None
) -> Decision:
    site = Site(name="Northbridge Child Panel", slug="northbridge")
    child = Child(site=site, given_names="Amara", date_of_birth=child_born)
    referral = Referral(
        site=site,
        child=child,
        date_of_birth=referral_born,
        estimated_age_years=estimated,
        submitted_at=timezone.make_aware(timezone.datetime(2026, 3, 2, 10, 0)),
    )
    return Decision(referral=referral, stage=Stage.REASONABLE_GROUNDS, outcome=Outcome.POSITIVE)


def test_the_boundary_is_the_twelfth_birthday():
    assert content.wording_for(11) == YOUNGER
    assert content.wording_for(12) == TEENAGER
    assert content.wording_for(15) == TEENAGER
    assert content.wording_for(None) == TEENAGER  # no age known: plain, and never talks down


def test_age_is_counted_to_the_birthday_and_a_29_february_birthday_falls_on_1_march():
    assert content.age_on(date(2014, 12, 4), date(2026, 12, 3)) == 11
    assert content.age_on(date(2014, 12, 3), date(2026, 12, 3)) == 12
    assert content.age_on(date(2012, 2, 29), date(2024, 2, 28)) == 11
    assert content.age_on(date(2012, 2, 29), date(2024, 2, 29)) == 12
    assert content.age_on(date(2012, 2, 29), date(2023, 2, 28)) == 10
    assert content.age_on(date(2012, 2, 29), date(2023, 3, 1)) == 11


def test_the_wording_follows_the_age_on_the_letters_date_not_the_decisions():
    """Decided when the child was 11; the letter is produced on their 12th birthday: the teenagers' wording."""
    decision = unsaved_decision(child_born=date(2014, 12, 3))
    decision.decided_on = date(2026, 11, 30)
    people = content.LetterPeople(coordinator=content.Contact("Jo Smith"), site_name="Northbridge Child Panel")
    day_before = content.child_letter(decision, people=people, dated=date(2026, 12, 2))
    birthday = content.child_letter(decision, people=people, dated=date(2026, 12, 3))
    assert day_before["wording"] == YOUNGER and "grown-up" in content.letter_text(day_before)
    assert birthday["wording"] == TEENAGER and "grown-up" not in content.letter_text(birthday)


def test_the_age_comes_from_the_childs_record_then_the_referral_then_the_estimated_age():
    on = date(2026, 12, 3)
    # The child record's date of birth wins over the referral's (the coordinator may have corrected it).
    assert content.child_age_on(unsaved_decision(child_born=date(2016, 1, 1), referral_born=date(2010, 1, 1)), on) == 10
    assert content.child_age_on(unsaved_decision(referral_born=date(2010, 1, 1)), on) == 16
    # Only an estimated age: the child turned it on the day of referral (2 March 2026), as triage reads it.
    assert content.child_age_on(unsaved_decision(estimated=11), on) == 11
    assert content.child_age_on(unsaved_decision(estimated=11), date(2027, 3, 1)) == 11
    assert content.child_age_on(unsaved_decision(estimated=11), date(2027, 3, 2)) == 12
    assert content.child_age_on(unsaved_decision(), on) is None


@pytest.mark.django_db
def test_a_nine_year_old_and_a_fifteen_year_old_get_their_own_wording_in_the_letter_produced(demo):
    young = child_letter_of(final_decision("northbridge", referral=accepted_referral(date_of_birth=years_ago(9))))
    teen = child_letter_of(final_decision("northbridge", referral=accepted_referral(date_of_birth=years_ago(15))))

    assert young.content["wording"] == YOUNGER
    assert "A grown-up you know will read this letter with you." in pdf_text(bytes(young.pdf))
    assert teen.content["wording"] == TEENAGER
    printed = pdf_text(bytes(teen.pdf))
    assert "grown-up" not in content.letter_text(teen.content).lower() and "grown-up" not in printed.lower()
    assert "Someone you trust, like your social worker or guardian, can go through this letter with you." in printed


@pytest.mark.django_db
def test_the_letters_page_says_which_wording_the_childs_letter_has(demo, client_as):
    decision = final_decision("northbridge", referral=accepted_referral(date_of_birth=years_ago(9)))
    child_letter_of(decision)
    url = reverse("letters:decision", kwargs={"letters_decision_id": decision.pk})
    assert "Worded for a child aged under 12" in client_as(Role.COORDINATOR).get(url).content.decode()


# --- Dated ------------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_the_childs_letter_is_dated_the_day_it_is_produced_in_gov_uk_style(demo):
    decision = final_decision("northbridge", decided_on=timezone.localdate() - timedelta(days=3))
    letter = child_letter_of(decision)
    today = content.long_date(timezone.localdate())
    assert letter.content["date"] == today
    assert content.letter_text(letter.content).splitlines()[1] == today
    printed = pdf_text(bytes(letter.pdf))
    assert printed.index(today) < printed.index("A letter for you")  # at the head of the letter
    assert content.long_date(decision.decided_on) not in printed  # the letter's date, not the decision's


# --- Who the child can talk to, and how to reach them -----------------------------------------------


def talk_section(letter: Letter) -> list[str]:
    return next(s["paragraphs"] for s in letter.content["sections"] if s["heading"] == "Who you can talk to")


@pytest.mark.django_db
def test_the_letter_names_the_allocated_guardian_and_the_social_worker_with_how_to_reach_them(demo):
    decision = final_decision("northbridge")
    guardian = staff(Role.ICTG)
    allocate(decision.referral, guardian)
    lead_social_worker_record(
        child=decision.referral.child,
        user=staff(Role.COORDINATOR),
        name="Jo Whitfield",
        email="jo.whitfield@la.example",
        phone="01632 960 214",
    )
    letter = child_letter_of(decision)
    talk = talk_section(letter)
    coordinator = staff(Role.COORDINATOR)
    assert talk[:6] == [
        f"{guardian.full_name} is your guardian. It is their job to help you and be on your side.",
        f"Their email is {guardian.email}.",
        "You can talk to Jo Whitfield, your social worker.",
        "Their phone number is 01632 960 214.",
        "Their email is jo.whitfield@la.example.",
        f"You can ask {coordinator.full_name} about this letter too. They look after the panel.",
    ]
    printed = pdf_text(bytes(letter.pdf))
    for paragraph in talk:
        assert paragraph in printed, paragraph


@pytest.mark.django_db
def test_with_nobody_recorded_the_letter_says_so_and_who_to_talk_to_instead(demo):
    decision = final_decision("northbridge")
    ended = allocate(decision.referral, staff(Role.ICTG))
    ended.ends_at = timezone.now()  # a guardian no longer allocated is not named
    ended.save()
    coordinator = staff(Role.COORDINATOR)
    talk = talk_section(child_letter_of(decision))
    assert staff(Role.ICTG).full_name not in " ".join(talk)
    assert talk[:4] == [
        "We do not have the name of your social worker yet.",
        f"You can talk to {coordinator.full_name}. They look after the panel.",
        f"Their email is {coordinator.email}.",
        "They can tell you who your social worker is, and if you have a guardian.",
    ]


@pytest.mark.django_db
def test_with_only_one_of_them_recorded_the_letter_says_who_can_find_out_the_other(demo):
    decision = final_decision("northbridge")
    guardian = staff(Role.ICTG)
    allocate(decision.referral, guardian)
    talk = talk_section(child_letter_of(decision))
    assert "We do not have the name of your social worker yet. Your guardian can find out for you." in talk
    assert "Your social worker can tell you if you have a guardian." not in talk

    other = final_decision("northbridge")
    lead_social_worker_record(child=other.referral.child, user=staff(Role.COORDINATOR), name="Jo Whitfield")
    talk = talk_section(child_letter_of(other))
    assert "You can talk to Jo Whitfield, your social worker." in talk
    assert "Your social worker can tell you if you have a guardian." in talk
    assert not any(line.startswith("Their phone number") for line in talk[:2])  # none recorded, none printed


# --- No sentence cut by a page break ----------------------------------------------------------------
#
# The letter's HTML is laid out by WeasyPrint, as render_pdf does, and each paragraph's lines are found on their
# pages. Filler lines at the top move every later paragraph down a little at a time, so that across the sweep a
# page break falls inside each paragraph in turn.


def lines_by_page(html: str) -> list[tuple[int, float, Any]]:
    """(page index, y, element) for every line of a paragraph or heading, in reading order."""
    found = []
    for index, page in enumerate(HTML(string=html).render().pages):
        boxes = [page._page_box]
        while boxes:
            box = boxes.pop()
            if type(box).__name__ == "LineBox" and getattr(box, "element_tag", None) in ("p", "h1", "h2", "li"):
                found.append((index, box.position_y, box.element))
            boxes.extend(getattr(box, "children", None) or [])
    return sorted(found, key=lambda line: (line[0], line[1]))


def pages_of_each(html: str) -> list[tuple[Any, list[int]]]:
    """Each paragraph or heading, in reading order, with the page of each of its lines."""
    order: dict[int, tuple[Any, list[int]]] = {}
    for page, _, element in lines_by_page(html):
        order.setdefault(id(element), (element, []))[1].append(page)
    return list(order.values())


def html_for(kind: str, letter_content: dict[str, Any]) -> str:
    return services.letter_html(
        letter_content,
        kind=kind,
        reference="RF-ABCDEFGH",
        site_name="Northbridge Child Panel",
        produced_on=date(2026, 12, 3),
    )


# Longer than any paragraph the letter has today (four or five lines at the child's 18pt), so that a page break
# could fall inside one at all: with the usual two lines either side, it did.
LONG = (
    "They can do this if there is new information, or if they think the panel got it wrong. They have until "
    "31 December 2026 to ask, and they can send more. They can send it by email or by post to the panel."
)


@pytest.mark.parametrize("filler", range(16))
def test_no_paragraph_of_the_childs_letter_is_split_and_each_heading_stays_with_its_text(filler):
    letter = {
        "title": "A letter for you",
        "date": "3 December 2026",
        "greeting": "Dear Amara",
        "facts": [],
        "sections": [
            {"heading": "What the panel said", "paragraphs": ["A short line."] * filler + [LONG, "Short.", LONG]},
            {"heading": "What happens next", "paragraphs": [LONG, LONG]},
            {"heading": "Who you can talk to", "paragraphs": [LONG, "Short.", LONG, LONG]},
        ],
        "sign_off": "From the panel",
    }
    laid_out = pages_of_each(html_for(LetterKind.CHILD_FRIENDLY, letter))
    assert max(p for _, pages in laid_out for p in pages) >= 1  # it does run over a page
    for number, (element, pages) in enumerate(laid_out):
        assert len(set(pages)) == 1, f"split over pages {sorted(set(pages))}: {element.text[:50]}"
        if element.tag == "h2":
            following = laid_out[number + 1][1][0]
            assert following == pages[-1], f"heading {element.text!r} left at the foot of page {pages[-1] + 1}"


@pytest.mark.parametrize("filler", range(0, 30, 2))
def test_a_long_paragraph_of_the_formal_letter_keeps_three_lines_either_side_of_a_break(filler):
    reasons = " ".join(["The account is consistent in its core and gaps in dates are expected after trauma."] * 8)
    letter = {
        "title": "Outcome of the reasonable grounds decision on referral RF-ABCDEFGH",
        "greeting": "Dear referrer",
        "facts": [["Referral reference", "RF-ABCDEFGH"]] * 3,
        "sections": [{"heading": "The reasons in brief", "paragraphs": ["A short line."] * filler + [reasons] * 6}],
        "sign_off": "Northbridge Child Panel",
    }
    for element, pages in pages_of_each(html_for(LetterKind.REFERRER_OUTCOME, letter)):
        if len(set(pages)) > 1:
            assert min(pages.count(p) for p in set(pages)) >= 3, f"{element.tag}: lines per page {pages}"
