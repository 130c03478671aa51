"""The child's own pages go by a plain name ("Your say") in their header and title, and never show the service's name
or credits: "Child NRM Panels" tells anyone looking over the child's shoulder what their case is about (ADR 0022:
the pages name nothing of the child or their case)."""

from __future__ import annotations

import re

import pytest
from django.test import Client
from django.urls import reverse

pytestmark = pytest.mark.django_db


def _shown(html: str) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))


@pytest.mark.parametrize("language", ["en", "cy"])
def test_the_code_page_names_neither_the_service_nor_the_nrm(demo, language):
    page = Client().get(reverse("feedback:code"), HTTP_ACCEPT_LANGUAGE=language)
    assert page.status_code == 200
    html = page.content.decode()
    assert "NRM" not in html and "Child NRM Panels" not in _shown(html)
    title = re.search(r"<title>(.*?)</title>", html, re.S).group(1).strip()
    assert title.endswith("– Your say" if language == "en" else "– Dy ddweud di")
    # The header's name leads back to the child's code page, not the practitioners' sign-in.
    header = re.search(r'<header class="govuk-template__header">(.*?)</header>', html, re.S).group(1)
    assert f'href="{reverse("feedback:code")}"' in header
    assert "Your say" in header if language == "en" else "Dy ddweud di" in header
    # The footer leaves out the credits, and its support links are the child's own: the service's privacy notice
    # and accessibility statement say what the case is about.
    footer = re.search(r'<footer class="govuk-template__footer">(.*?)</footer>', html, re.S).group(1)
    assert "©" not in footer and "Crown copyright" not in footer
    assert reverse("core:accessibility") not in footer and reverse("core:privacy") not in footer
    for name in ("feedback:privacy", "feedback:accessibility"):
        assert f'href="{reverse(name)}"' in footer
        support = Client().get(reverse(name), HTTP_ACCEPT_LANGUAGE=language)
        assert support.status_code == 200
        shown = _shown(support.content.decode())
        assert "NRM" not in shown and "Child NRM Panels" not in shown and "trafficking" not in shown.lower()
        assert "Your say" in shown if language == "en" else "Dy ddweud di" in shown


def test_the_childs_privacy_page_says_who_reads_the_answers_and_how_to_see_them(demo):
    shown = _shown(Client().get(reverse("feedback:privacy")).content.decode())
    assert "What happens to your answers" in shown
    assert "can read them" in shown and "with no names" in shown and "Ask the person helping you" in shown


def test_a_link_that_opens_nothing_names_nothing_either(demo):
    html = Client().get(reverse("feedback:form", args=["NOT-A-TOKEN"])).content.decode()
    assert "NRM" not in html and "Your say" in html


def test_practitioners_pages_keep_the_service_name(client_as, demo):
    from childnrm.accounts.models import Role

    html = client_as(Role.COORDINATOR, "northbridge").get(reverse("feedback:summary")).content.decode()
    assert "Child NRM Panels" in html and "© Child NRM Panels" in html
