"""The child's privacy page names who keeps their answers as the child's nation runs children's social care: their
council, or in Northern Ireland their Health and Social Care Trust (never "your council" there). Opened before any
form on the visit, when the child's nation is not known, it names no body: its sentence is true in all four."""

from __future__ import annotations

import pytest
from django.utils.translation import gettext

from childnrm.accounts.models import Nation
from childnrm.feedback import wording
from childnrm.feedback.tests.test_wording import (  # noqa: F401 (the fixture: textstat's pronouncing dictionary)
    MAX_GRADE,
    MIN_EASE,
    _pronouncing_dictionary,
)
from childnrm.kit.i18n import language


def test_northern_ireland_names_the_health_and_social_care_trust():
    said = " ".join(wording.privacy(Nation.NORTHERN_IRELAND))
    assert "council" not in said
    assert "Your Health and Social Care Trust looks after your answers." in said
    with language("cy"):
        welsh = " ".join(gettext(p) for p in wording.privacy(Nation.NORTHERN_IRELAND))
    assert "gyngor" not in welsh and "Ymddiriedolaeth Iechyd a Gofal Cymdeithasol" in welsh


@pytest.mark.parametrize("nation", [Nation.ENGLAND, Nation.WALES, Nation.SCOTLAND])
def test_elsewhere_the_council_keeps_them(nation):
    assert "Your council looks after your answers. It keeps them safe." in wording.privacy(nation)


def names_a_body(said: str) -> bool:
    """Whether the privacy notice names who keeps the answers, in English or Welsh ("dy gyngor", "Ymddiriedolaeth")."""
    return any(word in said.lower() for word in ("council", "trust", "cyngor", "gyngor", "ymddiriedolaeth"))


def test_where_the_nation_is_not_known_no_body_is_named_in_either_language():
    said = " ".join(wording.privacy(None))
    assert not names_a_body(said) and wording.PRIVACY_KEEPER_ANYWHERE in said
    with language("cy"):
        welsh = " ".join(gettext(p) for p in wording.privacy(None))
    assert not names_a_body(welsh) and "Lle rwyt ti’n byw, mae gan rai pobl y gwaith o helpu plant." in welsh


@pytest.mark.parametrize("nation", [Nation.NORTHERN_IRELAND, None])
def test_the_trusts_and_the_unnamed_sentences_are_as_easy_to_read(nation):
    import textstat

    text = " ".join(wording.privacy(nation))
    assert textstat.flesch_kincaid_grade(text) <= MAX_GRADE
    assert textstat.flesch_reading_ease(text) >= MIN_EASE


@pytest.mark.django_db
def test_the_privacy_page_opened_from_a_northern_irish_childs_form_names_the_trust(site):
    from django.test import Client
    from django.urls import reverse

    from childnrm.accounts.models import Role
    from childnrm.feedback.demo import open_session
    from childnrm.safeguarding.demo import demo_child
    from conftest import demo_user

    site.nation = Nation.NORTHERN_IRELAND
    site.save(update_fields=["nation"])
    started = open_session(demo_child(site), demo_user(Role.ICTG))
    device = Client()
    device.get(reverse("feedback:form", kwargs={"feedback_token": started.token}))
    page = device.get(reverse("feedback:privacy")).content.decode()
    assert "Your Health and Social Care Trust looks after your answers." in page and "Your council" not in page


@pytest.mark.django_db
@pytest.mark.parametrize("code_language", ["en", "cy"])
def test_the_privacy_page_opened_before_any_form_names_no_body(code_language):
    """From the code page's footer, before a code is typed in on this visit: the child may be anywhere in the UK."""
    from django.test import Client
    from django.urls import reverse

    from childnrm.core.tests.welsh import english_left

    device = Client()
    device.get(reverse("accounts:language"), {"language": code_language})
    code_page = device.get(reverse("feedback:code")).content.decode()
    assert reverse("feedback:privacy") in code_page  # the footer's link
    page = device.get(reverse("feedback:privacy")).content.decode()
    assert not names_a_body(page), page
    if code_language == "cy":
        assert "Lle rwyt ti’n byw, mae gan rai pobl y gwaith o helpu plant." in page and english_left(page) == []
    else:
        assert wording.PRIVACY_KEEPER_ANYWHERE in page
