"""The decision record's PDF is for people, in the reader's language: it names the case's site by its Welsh name on a
Welsh page (it printed the English name in an otherwise Welsh record). The JSON record, for other systems, keeps the
English name whatever the page's language, so a record gives one file (ADR 0023, amendments 2 and 3)."""

from __future__ import annotations

import json

import pytest
from django.urls import reverse

from childnrm.accounts.models import Role
from childnrm.decisions.tests.factories import final_decision
from childnrm.letters.tests.pdftext import pdf_text
from conftest import demo_user, signed_in

pytestmark = pytest.mark.django_db


def test_the_welsh_pdf_names_the_site_in_welsh_and_the_json_keeps_its_english_name(welsh_site):
    welsh_site.name_cy = "Panel Plant Pontgogledd"
    welsh_site.save(update_fields=["name_cy"])
    decision = final_decision(welsh_site.slug)
    client = signed_in(demo_user(Role.COORDINATOR))

    text = pdf_text(client.get(reverse("decisions:export-pdf", args=[decision.pk])).content)
    assert "Panel Plant Pontgogledd." in text and welsh_site.name not in text
    record = json.loads(client.get(reverse("decisions:export-json", args=[decision.pk])).content)
    assert record["site"] == welsh_site.name

    # In English, the English name.
    welsh_site.default_language = "en-gb"
    welsh_site.save(update_fields=["default_language"])
    text = pdf_text(
        signed_in(demo_user(Role.COORDINATOR)).get(reverse("decisions:export-pdf", args=[decision.pk])).content
    )
    assert f"{welsh_site.name}." in text and "Panel Plant" not in text
