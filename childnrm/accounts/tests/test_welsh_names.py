"""Sites and organisations are named in Welsh on Welsh pages, in Welsh letters and in Welsh emails (ADR 0023,
amendment 2; Welsh Language Standards): `display_name` is the Welsh name where one is set, else the English name.
The English name stays the record's (statistics, audit, exports, file names).

Cardiff (the demo's Welsh site) has Welsh names for the site, its council, police and health board.
"""

from __future__ import annotations

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone, translation
from markupsafe import escape

from childnrm.accounts import selectors
from childnrm.accounts.models import Organisation, Role, Site
from childnrm.accounts.welsh_names import WELSH_COUNCIL_NAMES
from childnrm.audit.models import AuditEvent
from childnrm.kit.i18n import LetterLanguage
from childnrm.letters import content, services
from childnrm.letters.models import LetterKind
from childnrm.letters.tests.factories import final_decision
from childnrm.letters.tests.pdftext import pdf_text
from childnrm.people.demo import load_demo_sites
from conftest import demo_user, signed_in

pytestmark = pytest.mark.django_db

CARDIFF = "cardiff"
# English name -> Welsh name, as the demo records them.
CARDIFF_NAMES = {
    "Cardiff Child Panel": "Panel Plant Caerdydd",
    "Cardiff Council": "Cyngor Caerdydd",
    "South Wales Police": "Heddlu De Cymru",
    "Cardiff and Vale University Health Board": "Bwrdd Iechyd Prifysgol Caerdydd a’r Fro",
}


def shown(text: str) -> str:
    return str(escape(text))


def cardiff_pages(client, decision) -> dict[str, str]:
    """The pages of a Cardiff case a coordinator reads: home (their roles), the child's record, triage, the panel's
    sitting and the decision's letters."""
    referral = decision.referral
    paths = {
        "home": reverse("core:home"),
        "child": reverse("people:detail", args=[referral.child.reference]),
        "triage": reverse("triage:triage", args=[referral.reference]),
        "sitting": reverse("panels:meeting", args=[decision.meeting_id]),
        "letters": reverse("letters:decision", args=[decision.pk]),
    }
    pages = {}
    for name, path in paths.items():
        response = client.get(path)
        assert response.status_code == 200, name
        pages[name] = response.content.decode()
    return pages


def test_the_demo_names_cardiff_and_its_agencies_in_welsh_and_keeps_a_welsh_name_set_since(demo_nations):
    cardiff = Site.objects.get(slug=CARDIFF)
    assert cardiff.name_cy == "Panel Plant Caerdydd"
    for english, welsh in CARDIFF_NAMES.items():
        if english != cardiff.name:
            assert Organisation.objects.get(name=english).name_cy == welsh
    assert Organisation.objects.get(gss_code="W06000015").name_cy == WELSH_COUNCIL_NAMES["W06000015"]
    # An earlier demo, without Welsh names, gets them when loaded again; a Welsh name changed since is kept.
    Site.objects.filter(pk=cardiff.pk).update(name_cy="")
    Organisation.objects.filter(name="South Wales Police").update(name_cy="")
    Organisation.objects.filter(name="Cardiff Council").update(name_cy="Cyngor Dinas Caerdydd")
    load_demo_sites(children_per_site=0, sites=(CARDIFF,))
    assert Site.objects.get(slug=CARDIFF).name_cy == "Panel Plant Caerdydd"
    assert Organisation.objects.get(name="South Wales Police").name_cy == "Heddlu De Cymru"
    assert Organisation.objects.get(name="Cardiff Council").name_cy == "Cyngor Dinas Caerdydd"


def test_a_cardiff_coordinators_welsh_pages_name_the_site_and_agencies_in_welsh(demo_nations):
    decision = final_decision(CARDIFF)
    services.letters_produce(decision=decision, user=demo_user(Role.COORDINATOR, CARDIFF))
    coordinator = demo_user(Role.COORDINATOR, CARDIFF)
    assert coordinator.language == "cy"  # as the demo has them
    pages = cardiff_pages(signed_in(coordinator), decision)

    for name, page in pages.items():
        assert '<html lang="cy"' in page, name
        for english in CARDIFF_NAMES:
            assert shown(english) not in page, f"{english!r} on the Welsh {name} page"
        # Their own council, in the header.
        assert shown("Cyngor Caerdydd") in page, name
    assert "ym Mhanel Plant Caerdydd</li>" in pages["home"]  # "<role> at <site>", each of their roles
    for name in ("child", "triage", "sitting"):
        assert shown("Panel Plant Caerdydd") in pages[name], name
    assert "Heddlu De Cymru" in pages["child"]  # the case's timeline: the referral came from the police

    # The same pages in English name them in English.
    coordinator.language = "en-gb"
    coordinator.save(update_fields=["language"])
    pages = cardiff_pages(signed_in(coordinator), decision)
    for name, page in pages.items():
        assert '<html lang="en"' in page, name
        for welsh in CARDIFF_NAMES.values():
            assert shown(welsh) not in page, f"{welsh!r} on the English {name} page"
        assert "Signed in as" in page and "Cardiff Council" in page, name
    assert "at Cardiff Child Panel</li>" in pages["home"]
    for name in ("child", "triage", "sitting"):
        assert "Cardiff Child Panel" in pages[name], name
    assert "South Wales Police" in pages["child"]


def test_a_childs_welsh_letter_is_headed_with_the_sites_welsh_name(demo_nations):
    decision = final_decision(CARDIFF)
    child = decision.referral.child
    child.correspondence_language = LetterLanguage.WELSH
    child.save(update_fields=["correspondence_language"])
    # Written from a page in English: the letter is in the child's language, and names the site in it.
    with translation.override("en-gb"):
        produced = services.letters_produce(decision=decision, user=demo_user(Role.COORDINATOR, CARDIFF))
    letter = next(letter for letter in produced.letters if letter.kind == LetterKind.CHILD_FRIENDLY)
    assert letter.content["language"] == "cy"
    html = services.letter_html(
        letter.content,
        kind=letter.kind,
        reference=decision.referral.reference,
        site_name=services.site_name_in_letter(decision.referral.site),
        produced_on=timezone.localtime(letter.produced_at).date(),
    )
    assert '<p class="from">Panel Plant Caerdydd</p>' in html and "Cardiff Child Panel" not in html
    printed = pdf_text(bytes(letter.pdf))
    assert "Panel Plant Caerdydd" in printed and "Cardiff Child Panel" not in printed


def test_a_bilingual_letter_names_the_site_in_each_of_its_languages(demo_nations):
    decision = final_decision(CARDIFF)
    referrer = decision.referral.created_by
    referrer.language = ""  # no choice recorded: a site in Wales writes both languages
    referrer.save(update_fields=["language"])
    produced = services.letters_produce(decision=decision, user=demo_user(Role.COORDINATOR, CARDIFF))
    letter = next(letter for letter in produced.letters if letter.kind == LetterKind.REFERRER_OUTCOME)
    welsh, english = letter.content["versions"]
    assert welsh["sign_off"] == "Panel Plant Caerdydd" and english["sign_off"] == "Cardiff Child Panel"
    assert "Panel Plant Caerdydd" in content.letter_text(welsh) and "Cardiff Child Panel" not in content.letter_text(
        welsh
    )
    assert "Cardiff Child Panel" in content.letter_text(english) and "Panel Plant" not in content.letter_text(english)
    printed = pdf_text(bytes(letter.pdf))
    assert printed.index("Panel Plant Caerdydd") < printed.index("Cardiff Child Panel")


def test_a_site_without_a_welsh_name_is_named_in_english_on_welsh_pages(welsh_site):
    assert welsh_site.name_cy == ""
    page = signed_in(demo_user(Role.COORDINATOR)).get(reverse("core:home")).content.decode()
    assert '<html lang="cy"' in page and shown(welsh_site.name) in page
    with translation.override("cy"):
        assert welsh_site.display_name == str(welsh_site) == "Northbridge Child Panel"
        welsh_site.name_cy = "Panel Plant Pontgogledd"
        assert welsh_site.display_name == str(welsh_site) == "Panel Plant Pontgogledd"
    assert welsh_site.display_name == "Northbridge Child Panel"  # in English


def test_the_site_administrator_sets_the_welsh_name_audited_and_a_blank_clears_it(site, client_as):
    admin = client_as(Role.SITE_ADMIN)
    url = reverse("accounts:site-language", args=[site.slug])
    form = admin.get(url).content.decode()
    assert "Name of the site in Welsh" in form and 'lang="cy"' in form
    assert "Leave blank to use the English name everywhere." in form

    response = admin.post(url, {"default_language": "en-gb", "name_cy": "  Panel Plant  Pontgogledd "})
    assert response.status_code == 302
    site.refresh_from_db()
    assert site.name_cy == "Panel Plant Pontgogledd" and site.default_language == "en-gb"
    event = AuditEvent.objects.filter(object_id=str(site.pk), detail__name_cy__after="Panel Plant Pontgogledd").get()
    assert event.detail == {"name_cy": {"before": "", "after": "Panel Plant Pontgogledd"}}
    assert 'value="Panel Plant Pontgogledd"' in admin.get(url).content.decode()
    policy = admin.get(reverse("accounts:site-policy", args=[site.slug])).content.decode()
    assert '<span lang="cy">Panel Plant Pontgogledd</span>' in policy

    # Too long: said, and nothing saved.
    refused = admin.post(url, {"default_language": "cy", "name_cy": "P" * 201})
    assert (
        refused.status_code == 200 and "The name in Welsh must be 200 characters or fewer" in refused.content.decode()
    )
    site.refresh_from_db()
    assert (site.name_cy, site.default_language) == ("Panel Plant Pontgogledd", "en-gb")

    assert admin.post(url, {"default_language": "en-gb", "name_cy": ""}).status_code == 302
    site.refresh_from_db()
    assert site.name_cy == ""
    assert AuditEvent.objects.filter(object_id=str(site.pk), detail__name_cy__after="").exists()
    # Only the site's administrators.
    assert client_as(Role.COORDINATOR).post(url, {"default_language": "en-gb", "name_cy": "X"}).status_code in (
        403,
        404,
    )
    site.refresh_from_db()
    assert site.name_cy == ""


def test_an_invitation_in_welsh_names_the_site_and_the_inviters_council_in_welsh(
    client_as, welsh_site, django_capture_on_commit_callbacks
):
    admin = demo_user(Role.SITE_ADMIN)
    Site.objects.filter(pk=welsh_site.pk).update(name_cy="Panel Plant Pontgogledd")
    Organisation.objects.filter(pk=admin.organisation_id).update(name_cy="Cyngor Dinas Pontgogledd")
    police = Organisation.objects.get(name="Northbridge Police")
    # The email is sent by the queue's task once the change is committed (at once, in the tests' queue).
    with django_capture_on_commit_callbacks(execute=True):
        response = client_as(Role.SITE_ADMIN).post(
            reverse("accounts:site-user-add", args=[welsh_site.slug]),
            {
                "full_name": "Priya Shah",
                "email": "priya.shah@police.example",
                "organisation": police.pk,
                "job_title": "Detective Sergeant",
                "roles": [Role.PANEL_MEMBER],
            },
        )
    assert response.status_code == 302
    body = mail.outbox[-1].body
    assert "Panel Plant Pontgogledd" in body and "Cyngor Dinas Pontgogledd" in body
    assert welsh_site.name not in body and admin.organisation.name not in body


def test_triage_reasons_recorded_in_english_name_the_site_in_welsh_on_a_welsh_page(demo_nations):
    decision = final_decision(CARDIFF)
    referral = decision.referral
    assessment = referral.triage_assessments.order_by("-pk").first()
    assert any("Cardiff Child Panel" in reason for reason in assessment.reasons)  # the record keeps English
    page = signed_in(demo_user(Role.COORDINATOR, CARDIFF)).get(reverse("triage:triage", args=[referral.reference]))
    assert "Cardiff Child Panel" not in page.content.decode()
    with translation.override("cy"):
        assert selectors.welsh_names()["Cardiff Child Panel"] == "Panel Plant Caerdydd"
    assert selectors.welsh_names() == {}  # an English page reads the reasons as recorded
