"""A child's case in Welsh, from the referral to both letters, in a real browser (ADR 0023, issue 13).

On a site in Wales, with Welsh chosen on the sign-in page by each person: the first responder makes a referral
(an empty section first, so the errors show), checks the answers and sends it; the coordinator triages it; it
is taken to a sitting; the coordinator records the reasonable grounds decision and the chair signs it off; the
coordinator sets the child's letters to Welsh and produces both letters, which are written in Welsh.

Every page is axe-clean (support.visit / submit), has <html lang="cy"> and no English left but names, what
people typed and fragments marked lang="en". The words the journey clicks and reads are looked up in the Welsh
catalogues (`t`), so the journey follows the English case journeys' steps in the Welsh the pages show.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from datetime import date
from typing import Any

from django.apps import apps
from django.utils import timezone, translation
from django.utils.translation import gettext
from playwright.sync_api import Locator, Page, expect

from childnrm.accounts.models import Nation, Organisation, Role, Site, User
from childnrm.core.tests.welsh import english_left, html_lang
from childnrm.decisions.models import Decision, Outcome, Stage
from childnrm.decisions.tests.factories import sitting
from childnrm.decisions.wording import outcome_words
from childnrm.kit import i18n
from childnrm.letters.models import Letter, LetterKind
from childnrm.letters.services import letter_html
from childnrm.panels.models import AgendaStage
from childnrm.people.demo import DEMO_PASSWORD, demo_email
from childnrm.referrals.answers import SECTIONS
from childnrm.referrals.demo import complete_answers
from childnrm.referrals.models import Referral, ReferralStatus
from childnrm.referrals.services import referral_save
from childnrm.safeguarding.demo import plan_at_sitting
from tests.browser.support import (
    click_button,
    click_link,
    error_summary,
    heading,
    security_code,
    submit,
    visit,
    wait_for_unused_code,
)
from tests.browser.test_case_journeys import final

SITE = "northbridge"
QUEUE = "/referrals/queue/"


def t(msgid: str, **values: Any) -> str:
    """What the Welsh pages say for `msgid` (the English the code and templates are written in)."""
    with translation.override(i18n.WELSH):
        text = gettext(msgid)
    return text % values if values else text


class Journey:
    """One person's browser, every page of which is checked to be Welsh as they go."""

    def __init__(self, page: Page, names: list[str]) -> None:
        self.page = page
        self.names = names

    def in_welsh(self) -> None:
        page = self.page
        expect(page.locator("html")).to_have_attribute("lang", "cy")
        assert english_left(page.content(), names=self.names) == [], page.url
        # The language switch offers English, marked as English for a screen reader.
        expect(page.locator('.app-language-select a[hreflang="en"]')).to_have_attribute("lang", "en")

    def visit(self, path: str) -> None:
        visit(self.page, path)
        self.in_welsh()

    def submit(self, action: Callable[[], object]) -> None:
        submit(self.page, action)
        self.in_welsh()

    def button(self, name: str, *, within: Locator | None = None) -> None:
        if within is None:
            click_button(self.page, name)
        else:
            submit(self.page, lambda: within.get_by_role("button", name=name, exact=True).click())
        self.in_welsh()

    def link(self, name: str, *, within: Locator | None = None) -> None:
        click_link(self.page, name, within=within)
        self.in_welsh()

    def label(self, text: str) -> Locator:
        return self.page.get_by_label(text, exact=True)

    def sign_in(self, email: str) -> None:
        """Welsh chosen with the switch on the sign-in page, then the password and the security code."""
        page = self.page
        visit(page, "/account/sign-in/")
        welsh = page.locator('.app-language-select a[hreflang="cy"]')
        if welsh.count():  # not yet chosen in this browser (it is kept after signing out)
            submit(page, lambda: welsh.click())
        self.in_welsh()
        self.label(t("Email address")).fill(email)
        self.label(t("Password")).fill(DEMO_PASSWORD)
        self.button(t("Continue"))
        expect(heading(page)).to_have_text(t("Enter your security code"))
        wait_for_unused_code(email)
        self.label(t("Security code")).fill(security_code(email))
        self.button(t("Sign in"))
        expect(page).to_have_url(re.compile(r"/$"))

    def sign_out(self) -> None:
        self.button(t("Sign out"))

    def success(self) -> Locator:
        return self.page.locator(".govuk-notification-banner--success")


def fill_day(page: Page, day: date) -> None:
    page.get_by_label(t("Day"), exact=True).fill(str(day.day))
    page.get_by_label(t("Month"), exact=True).fill(str(day.month))
    page.get_by_label(t("Year"), exact=True).fill(str(day.year))


def names_of(site: Site, users: Iterable[User]) -> list[str]:
    """What may stay as it is on a Welsh page: people's, organisations' and sites' names, addresses, and what
    practitioners wrote (the evidence library's titles)."""
    names = [
        "demo",
        *Site.objects.values_list("name", flat=True),
        *Organisation.objects.values_list("name", flat=True),
        *apps.get_model("learning", "LibraryItemVersion").objects.values_list("title", flat=True),
        # Every person's name: a sitting's page lists its attendees ("Independent Child Trafficking Guardian
        # (Northbridge demo)" is the demo guardian's name, not English left untranslated).
        *User.objects.values_list("full_name", flat=True),
    ]
    for user in users:
        names += [user.full_name, user.email]
    return names


def make_referral(responder: Journey, site: Site) -> Referral:
    page = responder.page
    responder.link(t("Your referrals"), within=page.locator(".govuk-service-navigation"))
    responder.button(t("Refer a child"))
    expect(heading(page)).to_have_text(t("Refer a child"))
    reference = page.locator(".govuk-caption-l").inner_text().split()[-1]
    referral = Referral.objects.get(reference=reference)

    # The first section sent empty: the errors in Welsh; then the child's name, date of birth and sex.
    responder.link(t("Name, date of birth and sex"), within=page.locator(".govuk-task-list"))
    responder.button(t("Save and continue"))
    expect(error_summary(page)).to_contain_text(t("There is a problem"))
    responder.label(t("Given names")).first.fill("Dafydd")
    responder.label(t("Family name")).first.fill("Prys")
    born = date(timezone.localdate().year - 14, 3, 1)
    fill_day(page, born)
    responder.label(t("Male")).check()
    responder.button(t("Save and continue"))
    expect(heading(page)).to_have_text(t("Refer a child"))

    # The other sections' answers, saved as the questions would save them (the referral pages' Welsh is walked
    # page by page in referrals/tests/test_welsh_referrals.py); what was typed is Welsh.
    answers = {
        **complete_answers(site),
        "given_names": "Dafydd",
        "family_name": "Prys",
        "date_of_birth": born,
        "found_location": "Gorsaf fysiau Northbridge",
        "account": "Fe’i cafwyd yn cario cyffuriau ar ran dynion hŷn.",
    }
    referral_save(referral=referral, user=referral.created_by, data=answers)
    Referral.objects.filter(pk=referral.pk).update(sections_saved=[section.slug for section in SECTIONS])
    responder.visit(page.url)
    responder.link(t("Check your answers and send"), within=page.locator(".govuk-task-list"))
    expect(heading(page)).to_have_text(t("Check your answers before sending the referral"))
    responder.button(t("Accept and send"))
    expect(page.locator(".govuk-panel__title")).to_have_text(t("Referral sent"))
    referral.refresh_from_db()
    assert referral.status == ReferralStatus.SUBMITTED
    return referral


def triage(coordinator: Journey, referral: Referral, site: Site) -> None:
    page = coordinator.page
    coordinator.visit(QUEUE)
    coordinator.link(referral.reference, within=page.locator(f'tr[data-reference="{referral.reference}"]'))
    coordinator.button(t("Confirm triage"))
    expect(coordinator.success()).to_contain_text(
        t("Referral %(reference)s accepted by %(site)s", reference=referral.reference, site=site.name)
    )
    referral.refresh_from_db()
    assert referral.status == ReferralStatus.ACCEPTED


def record_reasonable_grounds(coordinator: Journey, referral: Referral, *, decided_on: date) -> str:
    """The coordinator records a complete, positive decision at the sitting, as the English journey does."""
    page = coordinator.page
    with translation.override(i18n.WELSH):
        stage = str(Stage.REASONABLE_GROUNDS.label).lower()
        positive = str(outcome_words(Stage.REASONABLE_GROUNDS, Outcome.POSITIVE))
    coordinator.visit("/decisions/")
    coordinator.button(
        f"{t('Record %(stage)s decision', stage=stage)} {t('for %(reference)s', reference=referral.reference)}"
    )
    expect(heading(page)).to_have_text(
        t("Record the %(stage)s decision: %(name)s", stage=stage, name=referral.child_display_name)
    )
    record_url = page.url
    # The plan agreed at the sitting, recorded as the safeguarding pages record it (walked in Welsh in
    # safeguarding/tests/test_welsh_safeguarding.py); the decision's own page for it is taken below.
    plan_at_sitting(Decision.objects.get(referral=referral, stage=Stage.REASONABLE_GROUNDS))

    def back() -> None:
        coordinator.button(t("Save and return to the record"))

    coordinator.link(t("Evidence weighed"))
    for description, agency in (
        ("Cudd-wybodaeth yr heddlu am y grŵp", "Police"),
        ("Cronoleg gofal cymdeithasol o gyfnodau ar goll", "Children's social care"),
    ):
        page.get_by_label(t("What is the evidence?")).fill(description)
        page.get_by_label(t("Which agency supplied it?")).select_option(label=t(agency))
        coordinator.button(t("Add evidence"))
    page.get_by_label(t("Which agency holds nothing relevant?")).select_option(label=t("Health"))
    page.get_by_label(t("Who in the agency confirmed it, and when")).fill("Y nyrs ddynodedig, dros y ffôn heddiw")
    coordinator.button(t("Record nothing relevant"))
    coordinator.link(t("Return to the record"))

    coordinator.link(t("The act"))
    coordinator.label(t("The panel found an act of trafficking")).check()
    page.get_by_label(t("Recruitment")).check()
    page.get_by_label(t("The panel's reasons on the act")).fill("Wedi’i recriwtio ar-lein gan ddynion hŷn")
    back()

    coordinator.link(t("The exploitative purpose"))
    coordinator.label(t("The panel found an exploitative purpose")).check()
    page.get_by_label(t("Criminal exploitation")).check()
    page.get_by_label(t("The panel's reasons on the purpose")).fill("I werthu cyffuriau i’r grŵp")
    back()

    coordinator.link(t("The child's best interests"))
    page.get_by_label(t("How do the decision and the plan serve the child's best interests?")).fill(
        "Mae’n ei amddiffyn rhag y grŵp ac yn ei gadw yn yr ysgol"
    )
    back()

    coordinator.link(t("Safeguarding and support"))
    page.get_by_label(t("A safeguarding plan was agreed at this sitting")).check()
    back()

    coordinator.link(t("Credibility"))
    page.get_by_label(t("The panel's reasoning on credibility")).fill("Cyson yn ei hanfod")
    back()

    coordinator.link(t("The child's wishes and feelings"))
    page.get_by_label(t("Yes")).check()
    page.get_by_label(t("What the child wants and feels")).fill("Aros gyda’i fodryb")
    page.get_by_label(t("How they were gathered")).fill("Ymweliad cartref gyda’r gwarcheidwad")
    page.get_by_label(t("Who gathered them")).fill("Gwarcheidwad")
    back()

    coordinator.link(t("Outcome, dissent and date"))
    page.get_by_label(positive).check()
    fill_day(page, decided_on)
    back()
    expect(page).to_have_url(record_url)

    coordinator.link(t("Votes"))
    cards = page.locator(".govuk-summary-card")
    expect(cards).to_have_count(3)  # social care, police and health: the quorum
    for index in range(3):
        card = cards.nth(index)
        card.get_by_label(t("Positive")).check()
        coordinator.button(card.get_by_role("button").inner_text().strip())
        expect(coordinator.success()).to_be_visible()
    coordinator.link(t("Return to the record"))
    expect(page.locator("main")).not_to_contain_text(t("Still needed before sign-off"))
    return record_url


def sign_off(chair: Journey, record_url: str) -> None:
    chair.visit(record_url)
    chair.link(t("Check and sign off the decision"))
    expect(error_summary(chair.page)).to_have_count(0)
    chair.button(t("Sign off the decision"))
    expect(chair.success()).to_contain_text(t("Decision finalised"))


def test_a_case_in_welsh_from_the_referral_to_both_letters(page: Page, second_page: Page, demo):
    site = Site.objects.get(slug=SITE)
    site.nation = Nation.WALES
    site.default_language = i18n.WELSH
    site.save()
    responder_user, coordinator_user, chair_user = (
        User.objects.get(email=demo_email(role, SITE)) for role in (Role.FIRST_RESPONDER, Role.COORDINATOR, Role.CHAIR)
    )
    # The first responder chose Welsh for the service some time ago: their letters are written in Welsh.
    responder_user.language = i18n.WELSH
    responder_user.save(update_fields=["language"])
    names = names_of(site, [responder_user, coordinator_user, chair_user])
    # The child's name as typed, and the plan's summary as the safeguarding demo records it (in English).
    names += [
        "Dafydd Prys",
        "Dafydd",
        "Prys",
        "Northbridge",
        "Keep him away from the group that exploited him; a school place and a health assessment.",
    ]
    today = timezone.localdate()

    # The live server's first page (its templates compiled) may be slow on a loaded machine: not a page checked.
    page.goto("/account/sign-in/", timeout=60_000)

    # The first responder makes the referral.
    responder = Journey(page, names)
    responder.sign_in(responder_user.email)
    referral = make_referral(responder, site)
    responder.sign_out()

    # The coordinator triages it (in the same browser, after the first responder signed out); it is taken to a
    # sitting, where the coordinator records the decision and the chair, in a browser of their own, signs it off.
    coordinator = Journey(page, names)
    coordinator.sign_in(coordinator_user.email)
    triage(coordinator, referral, site)
    meeting = sitting(SITE, referrals=[referral], stage=AgendaStage.REASONABLE_GROUNDS)
    coordinator.visit(f"/panels/meetings/{meeting.pk}/")
    expect(coordinator.page.locator("main")).to_contain_text(referral.reference)
    record_url = record_reasonable_grounds(coordinator, referral, decided_on=today)
    chair = Journey(second_page, names)
    chair.sign_in(chair_user.email)
    sign_off(chair, record_url)
    decision = final(referral, Stage.REASONABLE_GROUNDS)
    assert decision.outcome == Outcome.POSITIVE

    # The letters: the child's in Welsh (chosen on the child's record), the referrer's in the referrer's language
    # (Welsh); both produced, both written in Welsh.
    with translation.override(i18n.WELSH):
        stage = str(Stage.REASONABLE_GROUNDS.label).lower()
    coordinator.visit("/letters/")
    coordinator.link(
        f"{referral.reference} ({t('letters for the %(stage)s decision', stage=stage)})",
        within=coordinator.page.locator(f'tr[data-decision="{decision.pk}"]'),
    )
    coordinator.visit(f"/letters/decisions/{decision.pk}/language/")
    coordinator.label(t("Welsh")).check()
    coordinator.button(t("Save"))
    expect(coordinator.success()).to_contain_text(t("The language of the child's letters has been saved"))
    coordinator.button(t("Produce both letters"))
    expect(coordinator.success()).to_contain_text(
        t("Letters produced for referral %(reference)s", reference=referral.reference)
    )
    letters = {letter.kind: letter for letter in Letter.objects.filter(decision=decision)}
    assert set(letters) == {LetterKind.REFERRER_OUTCOME, LetterKind.CHILD_FRIENDLY}
    for letter in letters.values():
        assert letter.content["language"] == i18n.WELSH and "versions" not in letter.content, letter.kind
        # The letter as its PDF is made: Welsh, but for what it quotes of the English guidance, marked lang="en".
        html = letter_html(
            letter.content,
            kind=letter.kind,
            reference=referral.reference,
            site_name=site.name,
            produced_on=timezone.localtime(letter.produced_at).date(),
        )
        assert html_lang(html) == i18n.WELSH, letter.kind
        people = [referral.referrer_name, *User.objects.values_list("full_name", flat=True)]
        assert english_left(html, names=[*names, *people]) == [], letter.kind
