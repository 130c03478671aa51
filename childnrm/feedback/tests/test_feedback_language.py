"""The child's feedback pages open in the child's own language (issue 13, ADR 0023): the language of the child's
letters (`Child.correspondence_language`), without the child having to use the switch, which still lets them
change it for the rest of the visit (feedback/language.py)."""

from __future__ import annotations

import pytest
from django.conf import settings
from django.test import Client
from django.urls import reverse

from childnrm.accounts.models import Nation, Role
from childnrm.feedback.demo import open_session
from childnrm.kit.i18n import LetterLanguage
from childnrm.outcomes.demo import allocate_guardian
from childnrm.people.models import Child
from childnrm.safeguarding.demo import demo_child
from conftest import demo_user

pytestmark = pytest.mark.django_db

WELSH_TITLE = "Dweda wrthon ni beth rwyt ti’n ei feddwl"
ENGLISH_TITLE = "Tell us what you think"
ANSWERS = {"listened": "yes", "understood": "a_bit", "better": ""}


def child_with(site, language: str) -> Child:
    child = demo_child(site)
    child.correspondence_language = language
    child.save(update_fields=["correspondence_language"])
    return child


def form_url(child: Child) -> str:
    return reverse("feedback:form", args=[open_session(child, demo_user(Role.ICTG)).token])


def page(client: Client, path: str, data: dict | None = None) -> str:
    response = client.post(path, data) if data is not None else client.get(path)
    return response.content.decode()


def language_of(html: str) -> str:
    return html.split('<html lang="', 1)[1].split('"', 1)[0]


def switch(client: Client, language: str, back_to: str) -> str:
    """The header's language switch, as the child clicks it: back to the page, which is then shown."""
    response = client.get(reverse("accounts:language"), {"language": language, "next": back_to})
    assert response.status_code == 302 and response["Location"] == back_to
    return page(client, back_to)


def switch_offered(html: str, language: str) -> bool:
    """The header's switch links to the other language, back to this page."""
    return f"?language={language}&amp;next=%2Ffeedback%2Fyour-say%2F" in html


def test_a_welsh_speaking_child_sees_welsh_first_and_may_switch_to_english(site):
    device = Client()
    form = form_url(child_with(site, LetterLanguage.WELSH))  # at an English site, on a device nobody set
    first = page(device, form)
    assert language_of(first) == "cy" and WELSH_TITLE in first
    assert switch_offered(first, "en-gb")
    assert settings.LANGUAGE_COOKIE_NAME not in device.cookies  # for the visit only: the device keeps its own

    english = switch(device, "en-gb", form)
    assert language_of(english) == "en" and ENGLISH_TITLE in english
    # The switch holds for the visit: the form opened again, its errors and the thank-you page stay English.
    assert ENGLISH_TITLE in page(device, form)
    assert "Pick an answer to: did you feel listened to?" in page(device, form, {"better": ""})
    thanks = device.post(form, ANSWERS, follow=True).content.decode()
    assert language_of(thanks) == "en" and "We got your answers." in thanks


def test_an_english_speaking_child_sees_english_first_even_on_a_welsh_device(welsh_site):
    device = Client()
    device.get(reverse("accounts:language"), {"language": "cy"})  # the device was left in Welsh
    form = form_url(child_with(welsh_site, LetterLanguage.ENGLISH))
    first = page(device, form)
    assert language_of(first) == "en" and ENGLISH_TITLE in first
    assert switch_offered(first, "cy")

    welsh = switch(device, "cy", form)
    assert language_of(welsh) == "cy" and WELSH_TITLE in welsh
    unanswered = page(device, form, {"better": ""})
    assert language_of(unanswered) == "cy" and "Dewisa ateb i: wnest ti ddeall" in unanswered
    thanks = device.post(form, ANSWERS, follow=True).content.decode()
    assert language_of(thanks) == "cy" and "Diolch" in thanks


def test_a_child_who_reads_both_languages_sees_welsh_first_with_the_switch_offered(site):
    device = Client()
    device.get(reverse("accounts:language"), {"language": "en-gb"})
    form = form_url(child_with(site, LetterLanguage.BILINGUAL))
    first = page(device, form)
    assert language_of(first) == "cy" and WELSH_TITLE in first
    assert switch_offered(first, "en-gb")
    assert ENGLISH_TITLE in switch(device, "en-gb", form)


@pytest.mark.parametrize(
    ("in_wales", "expected"),
    [pytest.param(True, "cy", id="site in Wales: both languages, Welsh first"), pytest.param(False, "en", id="other")],
)
def test_an_unrecorded_preference_follows_what_the_childs_letters_would_be_in(site, in_wales, expected):
    if in_wales:
        site.nation, site.default_language = Nation.WALES, "cy"
        site.save()
    assert language_of(page(Client(), form_url(child_with(site, "")))) == expected


def test_the_code_page_leads_to_the_form_in_the_childs_language_and_keeps_it_after(site):
    child = child_with(site, LetterLanguage.WELSH)
    started = open_session(child, demo_user(Role.ICTG))
    device = Client()
    code_page = page(device, reverse("feedback:code"))
    assert language_of(code_page) == "en"  # nobody is known yet: the device's language
    opened = device.post(reverse("feedback:code"), {"code": started.code}, follow=True).content.decode()
    assert language_of(opened) == "cy" and WELSH_TITLE in opened
    assert language_of(page(device, reverse("feedback:code"))) == "cy"  # back to the code page: the visit's language


def test_the_next_child_on_the_same_device_gets_their_own_language(site):
    device = Client()
    welsh_form = form_url(child_with(site, LetterLanguage.WELSH))
    assert language_of(page(device, welsh_form)) == "cy"
    device.post(welsh_form, ANSWERS)
    other = Child.objects.filter(site=site).exclude(pk=demo_child(site).pk).order_by("pk").first()
    other.correspondence_language = LetterLanguage.ENGLISH
    other.save(update_fields=["correspondence_language"])
    allocate_guardian(other, demo_user(Role.ICTG))
    english_form = form_url(other)
    assert language_of(page(device, english_form)) == "en"


def test_a_signed_in_practitioner_lending_their_device_keeps_their_own_language_elsewhere(client_as, site):
    """The child's language is for the child's pages of this visit: the practitioner's account is not changed."""
    before = demo_user(Role.ICTG).language
    device = client_as(Role.ICTG)
    form = form_url(child_with(site, LetterLanguage.WELSH))
    assert language_of(page(device, form)) == "cy"
    assert language_of(page(device, reverse("feedback:child", args=[demo_child(site).reference]))) == "en"
    assert demo_user(Role.ICTG).language == before and settings.LANGUAGE_COOKIE_NAME not in device.cookies
