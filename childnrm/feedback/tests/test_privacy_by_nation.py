"""The child's privacy page names who keeps their answers as the child's nation runs children's social care: their
council, or in Northern Ireland their Health and Social Care Trust (never "your council" there)."""

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


@pytest.mark.parametrize("nation", [Nation.ENGLAND, Nation.WALES, Nation.SCOTLAND, None])
def test_elsewhere_the_council_keeps_them(nation):
    assert "Your council looks after your answers. It keeps them safe." in wording.privacy(nation)


def test_the_trusts_sentence_is_as_easy_to_read():
    import textstat

    text = " ".join(wording.privacy(Nation.NORTHERN_IRELAND))
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
    # Opened on its own (no child's form on this visit), it says what most children read.
    assert "Your council looks after your answers." in Client().get(reverse("feedback:privacy")).content.decode()
