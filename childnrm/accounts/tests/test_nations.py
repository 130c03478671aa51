"""A site's nation drives the rules that differ by nation (issue 13 item 2; accounts.nations).

A site in Scotland offers Scotland's statutory categories, lawful bases, guidance and test wording and guardian
service, and never England's; likewise Northern Ireland. England and Wales are as before. The Scottish site is the
demo's Glasgow; the Northern Irish one is a demo site in England moved to Northern Ireland by the test.
"""

from __future__ import annotations

import json
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone
from markupsafe import escape

from childnrm.accounts import nations
from childnrm.accounts.models import Nation, Organisation, Role, Site
from childnrm.decisions import guidance
from childnrm.decisions.demo import draft_decision
from childnrm.decisions.models import SlaveryFinding, Stage
from childnrm.information import services as information_services
from childnrm.information.models import LawfulBasis, ProtocolBasis
from childnrm.kit.i18n import Language, LetterLanguage
from childnrm.letters import content
from childnrm.letters.tests.factories import accepted_referral, final_decision
from childnrm.people.models import Child
from childnrm.safeguarding import services as safeguarding_services
from childnrm.safeguarding.models import StatutoryKind, StatutoryPeriod
from childnrm.triage.demo import submitted_referral
from conftest import demo_user, signed_in

# What only England and Wales offer: category labels, statutes, guidance and the guardian service's name.
ENGLISH_CATEGORIES = [str(StatutoryKind(code).label) for code in nations.rules(Nation.ENGLAND).statutory_categories]
ENGLISH_BASES = [
    str(LawfulBasis(code).label)
    for code in nations.ENGLAND_REQUEST_BASES + nations.WALES_REQUEST_BASES
    if code in LawfulBasis.values
]
ENGLISH_PROTOCOL_BASES = [
    str(ProtocolBasis(code).label) for code in nations.ENGLAND_PROTOCOL_BASES + nations.WALES_PROTOCOL_BASES
]
ENGLISH_LAW = ["Modern Slavery Act 2015", "Statutory Guidance for England and Wales", "Children Act 1989"]
ENGLISH_GUARDIAN = ["Independent Child Trafficking Guardian", "ICTG"]


def shown(text) -> str:
    """Text as a page shows it (HTML-escaped)."""
    return str(escape(str(text)))


def never_english(body: str, *extra: list[str]) -> None:
    # Organisations are named by their names: any site may ask England's guardian service for information.
    for name in Organisation.objects.values_list("name", flat=True):
        body = body.replace(shown(name), "")
    for words in (ENGLISH_LAW, ENGLISH_GUARDIAN, *extra):
        for text in words:
            assert text not in body and shown(text) not in body, f"{text!r} on a page of a site outside England"


def northern_ireland(slug: str = "three-rivers") -> Site:
    """A demo site moved to Northern Ireland (its earlier records keep the law they were recorded under)."""
    Site.objects.filter(slug=slug).update(nation=Nation.NORTHERN_IRELAND)
    return Site.objects.get(slug=slug)


def new_child(site_slug: str) -> Child:
    """The child of a newly accepted referral that said nothing was in place: no statutory status yet."""
    referral = accepted_referral(site_slug, child_in_need=False, child_protection_plan=False, looked_after=False)
    assert referral.child is not None
    return referral.child


def page(role: str, site_slug: str, name: str, *args) -> str:
    response = signed_in(demo_user(role, site_slug)).get(reverse(name, args=args))
    assert response.status_code == 200
    return response.content.decode()


# The rules themselves --------------------------------------------------------------------------------------------


def test_every_nations_choices_are_in_the_apps_lists_and_every_choice_is_some_nations():
    for law in nations.RULES.values():
        assert set(law.statutory_categories) <= set(StatutoryKind.values)
        assert set(law.request_bases) <= set(LawfulBasis.values)
        assert set(law.protocol_bases) <= set(ProtocolBasis.values)
        assert set(law.referral_categories.values()) <= set(law.statutory_categories)
        # Every nation has a UK GDPR basis to share on.
        assert LawfulBasis.PUBLIC_TASK_SAFEGUARDING in law.request_bases and "gdpr_6_1_e" in law.protocol_bases
    assert set(nations.all_statutory_categories()) == set(StatutoryKind.values)
    assert set(nations.all_request_bases()) == set(LawfulBasis.values)
    assert set(nations.all_protocol_bases()) == set(ProtocolBasis.values)
    assert set(nations.LOOKED_AFTER_CATEGORIES) <= set(StatutoryKind.values)


def test_england_and_wales_offer_what_they_did_before():
    for nation in (Nation.ENGLAND, Nation.WALES):
        law = nations.rules(nation)
        assert law.statutory_categories == ("child_in_need", "child_protection_plan", "looked_after")
        assert law.referral_categories == {n: n for n in nations.REFERRAL_ANSWERS}
        assert {
            "public_task_safeguarding",
            "children_act_2004_s11",
            "children_act_1989_s47",
            "crime_and_disorder_s115",
            "legal_obligation",
        } <= set(law.request_bases)
        assert str(law.guardian_title) == "Independent Child Trafficking Guardian"
        assert guidance.versions_for(nation) == guidance.VERSIONS
    assert [v.code for v in guidance.VERSIONS] == ["sg-2021", "sg-2023-01", "sg-2023-07"]
    assert guidance.RG_GENERAL_EVIDENCE.endswith("that the person is a victim of modern slavery")
    # Wales adds its own statutes (section 28, the 2014 Act) and says what differs in its help text.
    wales = nations.rules(Nation.WALES)
    assert "children_act_2004_s28" in wales.request_bases
    assert "children_act_2004_s28" not in nations.rules(Nation.ENGLAND).request_bases
    assert "Social Services and Well-being (Wales) Act 2014" in str(wales.statutory_help)


@pytest.mark.parametrize("nation", [Nation.SCOTLAND, Nation.NORTHERN_IRELAND])
def test_scotland_and_northern_ireland_share_no_category_basis_or_guidance_with_england(nation):
    law, england = nations.rules(nation), nations.rules(Nation.ENGLAND)
    assert not set(law.statutory_categories) & set(england.statutory_categories)
    assert set(law.request_bases) & set(england.request_bases) == set(nations.UK_GDPR_REQUEST_BASES)
    assert set(law.protocol_bases) & set(england.protocol_bases) == set(nations.UK_GDPR_PROTOCOL_BASES)
    versions = guidance.versions_for(nation)
    assert not {v.code for v in versions} & {v.code for v in guidance.VERSIONS}
    for version in versions:
        for test in version.tests.values():
            assert "modern slavery" not in test and str(law.law) in test
        assert "England and Wales" not in version.title
    # The same dates as the Home Office guidance, and the uncertainty said on the page.
    assert guidance.version_on(timezone.localdate(), nation).code.endswith("-2023-07")
    assert guidance.version_on(timezone.localdate().replace(year=2023, month=3, day=1), nation).code.endswith(
        "-2023-01"
    )
    assert law.guidance_help and law.bases_help and law.statutory_help


# Safeguarding record ----------------------------------------------------------------------------------------------


def test_a_scottish_site_records_scottish_statutory_status_and_names_its_guardian_service(demo_nations):
    child = new_child("glasgow")
    form = page(Role.COORDINATOR, "glasgow", "safeguarding:period-add", child.reference)
    for code in nations.rules(Nation.SCOTLAND).statutory_categories:
        assert shown(StatutoryKind(code).label) in form
    assert "never brought into force" not in form  # the categories' help, not the bases'
    never_english(form, ENGLISH_CATEGORIES)

    # An English category is refused, by the form and by the service; a Scottish one is recorded.
    client = signed_in(demo_user(Role.COORDINATOR, "glasgow"))
    today = timezone.localdate()
    dates = {"starts_on_day": today.day, "starts_on_month": today.month, "starts_on_year": today.year}
    url = reverse("safeguarding:period-add", args=[child.reference])
    refused = client.post(url, {"kind": StatutoryKind.CHILD_PROTECTION_PLAN, **dates})
    assert refused.status_code == 200 and "Select the statutory status" in refused.content.decode()
    with pytest.raises(safeguarding_services.SafeguardingError):
        safeguarding_services.statutory_period_add(
            child=child,
            user=demo_user(Role.COORDINATOR, "glasgow"),
            kind=StatutoryKind.LOOKED_AFTER,
            starts_on=today,
            ends_on=None,
        )
    assert client.post(url, {"kind": StatutoryKind.COMPULSORY_SUPERVISION_ORDER, **dates}).status_code == 302
    assert list(child.statutory_periods.values_list("kind", flat=True)) == [StatutoryKind.COMPULSORY_SUPERVISION_ORDER]

    record = page(Role.COORDINATOR, "glasgow", "safeguarding:child", child.reference)
    assert "Guardian (Scottish Guardianship Service)" in record
    assert "Compulsory supervision order" in record
    never_english(record, ENGLISH_CATEGORIES)
    guardian = page(Role.COORDINATOR, "glasgow", "safeguarding:guardian", child.reference)
    assert "Guardian from the Scottish Guardianship Service" in guardian
    never_english(guardian)


def test_what_a_referral_said_becomes_the_nations_status_or_nothing(demo):
    site = northern_ireland()
    referral = accepted_referral(site.slug, child_in_need=True, child_protection_plan=True, looked_after=True)
    kinds = set(StatutoryPeriod.objects.filter(child=referral.child).values_list("kind", flat=True))
    # Northern Ireland has no "child in need plan" status here: it becomes no period, and the page says so.
    assert kinds == {StatutoryKind.CP_REGISTER_NI, StatutoryKind.LOOKED_AFTER_NI}
    record = page(Role.COORDINATOR, site.slug, "safeguarding:child", referral.child.reference)
    assert "On the child protection register (Northern Ireland)" in record
    assert "Looked after (Children (Northern Ireland) Order 1995 Article 25)" in record
    assert "The referral said a child in need plan is in place: that is not a statutory status here" in record
    assert "Guardian (Independent Guardian Service)" in record
    never_english(record, ENGLISH_CATEGORIES)
    # In England, as before.
    english = accepted_referral("northbridge", child_in_need=True, child_protection_plan=False, looked_after=False)
    assert list(english.child.statutory_periods.values_list("kind", flat=True)) == [StatutoryKind.CHILD_IN_NEED]


def test_a_northern_irish_site_offers_its_own_categories(demo):
    site = northern_ireland()
    child = new_child(site.slug)
    form = page(Role.COORDINATOR, site.slug, "safeguarding:period-add", child.reference)
    assert "On the child protection register (Northern Ireland)" in form
    assert "Looked after (Children (Northern Ireland) Order 1995 Article 25)" in form
    assert "Compulsory supervision order" not in form
    never_english(form, ENGLISH_CATEGORIES)


def test_an_english_site_offers_the_english_categories_only(demo):
    child = new_child("northbridge")
    form = page(Role.COORDINATOR, "northbridge", "safeguarding:period-add", child.reference)
    for label in ENGLISH_CATEGORIES:
        assert label in form
    assert "Scotland" not in form and "Northern Ireland" not in form
    record = page(Role.COORDINATOR, "northbridge", "safeguarding:child", child.reference)
    assert "Guardian (ICTG)" in record
    assert "No child in need, child protection plan or looked after periods recorded." in record


def test_looked_after_in_any_nation_counts_for_retention(demo):
    from childnrm.retention.services import site_assess

    site = northern_ireland()
    referral = accepted_referral(site.slug, child_in_need=False, child_protection_plan=False, looked_after=False)

    def record_types() -> set[str]:
        return {d.record_type for d in site_assess(site, today=timezone.localdate()) if d.referral_id == referral.pk}

    assert "looked_after_case" not in record_types()
    StatutoryPeriod.objects.create(
        child=referral.child,
        kind=StatutoryKind.LOOKED_AFTER_NI,
        starts_on=timezone.localdate() - timedelta(days=30),
        recorded_by=demo_user(Role.COORDINATOR, site.slug),
    )
    assert "looked_after_case" in record_types()


# Information sharing ------------------------------------------------------------------------------------------


@pytest.mark.parametrize("nation", [Nation.SCOTLAND, Nation.NORTHERN_IRELAND])
def test_lawful_bases_offered_are_the_nations(demo, nation):
    Site.objects.filter(slug="three-rivers").update(nation=nation)
    law = nations.rules(nation)
    referral = submitted_referral("three-rivers")
    form = page(Role.COORDINATOR, "three-rivers", "information:new", referral.reference)
    for code in law.request_bases:
        assert shown(LawfulBasis(code).label) in form
    assert "UK GDPR Article 6(1)(e) public task" in form
    never_english(form, ENGLISH_BASES)
    assert shown(str(law.bases_help).split(".")[0]) in form

    protocol_form = page(Role.COORDINATOR, "three-rivers", "information:protocol-new")
    for code in law.protocol_bases:
        assert shown(ProtocolBasis(code).label) in protocol_form
    never_english(protocol_form, ENGLISH_PROTOCOL_BASES)

    # The service refuses an English statute on a case of this site, and accepts the nation's own.
    coordinator = demo_user(Role.COORDINATOR, "three-rivers")
    organisation = coordinator.organisation
    asked = dict(
        referral=referral,
        user=coordinator,
        organisation=organisation,
        agency="social_care",
        question="What support is in place?",
        purpose="To plan the child's safeguarding",
        lawful_basis_detail="The statute in full, and why it applies to this request, for the record.",
        due_on=timezone.localdate() + timedelta(days=10),
    )
    with pytest.raises(information_services.InformationError):
        information_services.information_request_create(lawful_basis=LawfulBasis.CHILDREN_ACT_2004_S11, **asked)
    created = information_services.information_request_create(lawful_basis=law.request_bases[1], **asked)
    assert created.lawful_basis == law.request_bases[1]


def test_an_english_site_offers_the_english_lawful_bases(demo):
    referral = submitted_referral("northbridge")
    form = page(Role.COORDINATOR, "northbridge", "information:new", referral.reference)
    for label in ENGLISH_BASES[:3]:
        assert label in form
    assert "Scotland" not in form and "Northern Ireland" not in form and "Wales)" not in form


# Decision guidance, test wording and letters ------------------------------------------------------------------


@pytest.mark.parametrize(
    ("slug", "nation", "law_words"),
    [
        ("glasgow", Nation.SCOTLAND, "Human Trafficking and Exploitation (Scotland) Act 2015"),
        ("three-rivers", Nation.NORTHERN_IRELAND, "Act (Northern Ireland) 2015"),
    ],
)
def test_decisions_and_letters_apply_the_nations_guidance_and_name_its_guardian(demo_nations, slug, nation, law_words):
    Site.objects.filter(slug=slug).update(nation=nation)
    law = nations.rules(nation)
    today = timezone.localdate()
    draft = draft_decision(slug)
    assert draft.guidance_version == guidance.version_on(today, nation).code
    assert draft.test_applied == guidance.version_on(today, nation).test_for(Stage.REASONABLE_GROUNDS)
    assert law_words in draft.test_applied and "modern slavery" not in draft.test_applied
    record = page(Role.COORDINATOR, slug, "decisions:record", draft.pk)
    assert shown(law.guidance) in record
    assert shown(str(law.guidance_help).split(".")[0]) in record
    never_english(record)
    act_section = page(Role.COORDINATOR, slug, "decisions:section-act", draft.pk)
    assert shown(f"{law.slavery_law}. These need no act of trafficking") in act_section
    never_english(act_section)

    decision = final_decision(slug)
    assert law_words in decision.test_applied
    detail = page(Role.COORDINATOR, slug, "decisions:detail", decision.pk)
    assert shown(law.guidance) in detail
    never_english(detail)
    letters = page(Role.COORDINATOR, slug, "letters:decision", decision.pk)
    assert shown(f"No {law.guardian_title} is allocated to this child.") in letters
    never_english(letters)

    # The referrer's letter prints the test as applied and the nation's slavery law.
    decision.slavery_found = [SlaveryFinding.FORCED_LABOUR]
    letter = content.referrer_letter(
        decision, people=content.LetterPeople(coordinator=content.Contact(name="A Coordinator"), site_name="Site")
    )
    words = json.dumps(letter)
    assert str(law.slavery_law) in words and law_words in words
    never_english(words)


def test_an_english_decision_is_as_before(demo):
    draft = draft_decision("northbridge")
    act_section = page(Role.COORDINATOR, "northbridge", "decisions:section-act", draft.pk)
    assert "Modern Slavery Act 2015 section 1. These need no act of trafficking" in act_section
    decision = final_decision("northbridge")
    assert decision.guidance_version == guidance.CURRENT.code
    assert decision.test_applied == guidance.RG_GENERAL_EVIDENCE
    letters = page(Role.COORDINATOR, "northbridge", "letters:decision", decision.pk)
    assert "No Independent Child Trafficking Guardian is allocated to this child." in letters
    decision.slavery_found = [SlaveryFinding.SLAVERY]
    letter = content.referrer_letter(
        decision, people=content.LetterPeople(coordinator=content.Contact(name="A Coordinator"), site_name="Site")
    )
    assert "(Modern Slavery Act 2015, section 1)" in json.dumps(letter)


# The demo (issue 13 item 3) -----------------------------------------------------------------------------------


def test_the_demo_has_a_welsh_site_and_a_scottish_site_with_every_role(demo_nations):
    cardiff, glasgow = Site.objects.get(slug="cardiff"), Site.objects.get(slug="glasgow")
    assert (cardiff.nation, cardiff.default_language) == (Nation.WALES, Language.WELSH)
    assert (glasgow.nation, glasgow.default_language) == (Nation.SCOTLAND, Language.ENGLISH)
    for site in (cardiff, glasgow):
        assert {str(r) for r in site.memberships.values_list("role", flat=True)} >= set(Role.values)
    # Welsh speakers who chose Welsh, and one who chose English.
    assert demo_user(Role.COORDINATOR, "cardiff").language == Language.WELSH
    assert demo_user(Role.ICTG, "cardiff").language == Language.WELSH
    assert demo_user(Role.ANALYST, "cardiff").language == Language.ENGLISH
    assert Child.objects.filter(site=cardiff, correspondence_language=LetterLanguage.WELSH).count() == 1
    # Glasgow's guardian is from the Scottish Guardianship Service, and its records are in Scottish law.
    guardian = demo_user(Role.ICTG, "glasgow")
    assert guardian.organisation.name == "Scottish Guardianship Service"
    assert "Independent Child Trafficking Guardian" not in guardian.full_name
    glasgow_kinds = set(StatutoryPeriod.objects.filter(child__site=glasgow).values_list("kind", flat=True))
    assert glasgow_kinds and glasgow_kinds <= set(nations.rules(Nation.SCOTLAND).statutory_categories)
    # Loading it again changes nothing.
    from childnrm.demo.compose import load_demo_data

    before = (Site.objects.count(), Child.objects.count(), StatutoryPeriod.objects.count())
    load_demo_data(children_per_site=6)
    assert (Site.objects.count(), Child.objects.count(), StatutoryPeriod.objects.count()) == before
