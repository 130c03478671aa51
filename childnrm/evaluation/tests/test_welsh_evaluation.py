"""The evaluation pages in Welsh, as each role of a Welsh site that reaches them (ADR 0023, issue 13).

Northbridge is made a Welsh site. Its demo agreement is in force; a second one waits for the data protection
officer, so both the analyst's downloads (and the refusal to release under an agreement not yet approved) and the
officer's decision are drawn. What the analyst typed (organisation, contact, purpose, legal basis details) and
names stay as written; so do the synthetic report's column names, which are the file's own (in `<code>`).
"""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from childnrm.accounts.models import Nation, Organisation, Role, Site, User
from childnrm.core.tests.welsh import english_left, walk_in_welsh
from childnrm.evaluation import services
from childnrm.evaluation.demo import demo_answers
from childnrm.evaluation.models import DataSharingAgreement
from childnrm.evaluation.tests.factories import demo_agreement, many_cases
from conftest import demo_user, signed_in

WAITING_ORGANISATION = "Eastfield Evaluation Partnership"


@pytest.fixture
def welsh_agreements(site):
    site.nation = Nation.WALES
    site.default_language = "cy"
    site.save()
    waiting = services.agreement_request(
        site=site, user=demo_user(Role.ANALYST), answers=demo_answers(organisation_name=WAITING_ORGANISATION)
    )
    return demo_agreement(), waiting


def names() -> list[str]:
    found = ["demo", WAITING_ORGANISATION]
    found += User.objects.values_list("full_name", flat=True)
    found += Organisation.objects.values_list("name", flat=True)
    found += Site.objects.values_list("name", flat=True)
    for agreement in DataSharingAgreement.objects.all():
        found += [agreement.organisation_name, agreement.contact_name, agreement.purpose, agreement.legal_basis_details]
    return [f for f in found if f]


def test_an_analyst_sees_data_for_evaluators_in_welsh(welsh_agreements):
    in_force, waiting = welsh_agreements
    paths = [
        reverse("evaluation:index"),
        reverse("evaluation:agreement-new"),
        reverse("evaluation:agreement", args=[in_force.pk]),  # the downloads
        reverse("evaluation:agreement", args=[waiting.pk]),  # why nothing may be released yet
        reverse("evaluation:synthetic"),
    ]
    client = signed_in(demo_user(Role.ANALYST))
    assert walk_in_welsh(client, paths, names=names()) == {}
    page = client.get(paths[3]).content.decode()
    assert "Nid yw’r cytundeb hwn wedi’i gymeradwyo eto" in page


def test_the_data_protection_officer_decides_in_welsh(welsh_agreements):
    in_force, waiting = welsh_agreements
    client = signed_in(demo_user(Role.DATA_PROTECTION_OFFICER))
    paths = [
        reverse("evaluation:index"),
        reverse("evaluation:agreement", args=[waiting.pk]),  # approve or refuse
        reverse("evaluation:agreement", args=[in_force.pk]),  # revoke
    ]
    assert walk_in_welsh(client, paths, names=names()) == {}
    # Refused without a reason: the error in Welsh; then approved, with its confirmation in Welsh.
    page = client.post(reverse("evaluation:agreement-refuse", args=[waiting.pk]), {"refuse-reason": ""})
    body = page.content.decode()
    assert "Mae problem wedi codi" in body and english_left(body, names=names()) == []
    page = client.post(reverse("evaluation:agreement-approve", args=[waiting.pk]), follow=True).content.decode()
    assert f"Cymeradwywyd cytundeb {waiting.reference}" in page and english_left(page, names=names()) == []


def test_an_analysts_request_with_mistakes_is_answered_in_welsh(welsh_agreements):
    client = signed_in(demo_user(Role.ANALYST))
    yesterday = timezone.localdate() - timedelta(days=1)
    form = {
        "organisation_name": "",
        "expires_on_day": yesterday.day,
        "expires_on_month": yesterday.month,
        "expires_on_year": yesterday.year,
    }
    body = client.post(reverse("evaluation:agreement-new"), form).content.decode()
    assert "Rhowch y sefydliad a fydd yn derbyn y data" in body and "Rhowch y dyddiad dechrau" in body
    assert english_left(body, names=names()) == []


def test_the_synthetic_datasets_report_is_in_welsh(welsh_agreements, tmp_path, private_storage):
    """The report's figures and headings in Welsh; its column names are the file's own, in `<code>`."""
    many_cases("northbridge", 110)
    call_command("evaluation_synthetic", "--out", str(tmp_path), "--epsilon", "4")
    client = signed_in(demo_user(Role.ANALYST))
    assert walk_in_welsh(client, [reverse("evaluation:synthetic")], names=names()) == {}
    page = client.get(reverse("evaluation:synthetic")).content.decode()
    assert "Cyllideb preifatrwydd" in page and "<code>sex</code>" in page
