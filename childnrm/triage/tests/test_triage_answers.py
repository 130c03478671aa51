"""The triage page shows the whole referral in HTML, with the journey's own check-answers rendering."""

from __future__ import annotations

import pytest
from django.urls import reverse
from django.utils import timezone

from childnrm.accounts.models import Role, Site
from childnrm.audit.models import AuditEvent
from childnrm.referrals.services import referral_document_add, referral_save, referral_start, referral_submit
from childnrm.referrals.tests.factories import complete_answers
from childnrm.referrals.tests.test_documents import png_bytes
from childnrm.referrals.vocab import ExploitationType, Indicator
from conftest import demo_user


@pytest.fixture
def sent_with_a_document(demo, private_storage):
    site = Site.objects.get(slug="northbridge")
    user = demo_user(Role.FIRST_RESPONDER)
    referral = referral_start(user=user)
    answers = {
        **complete_answers(site),
        "child_protection_plan": True,
        "strategy_discussion_date": timezone.localdate(),
        "safeguarding_notes": "Missing from home twice this month.",
    }
    referral = referral_save(referral=referral, user=user, data=answers)
    document = referral_document_add(
        referral=referral, user=user, data=png_bytes(), original_name="message.png", description="Text messages"
    )
    return referral_submit(referral=referral, user=user), document


def test_triage_shows_the_account_indicators_exploitation_safeguarding_and_documents(sent_with_a_document, client_as):
    referral, document = sent_with_a_document
    coordinator = client_as(Role.COORDINATOR)
    body = coordinator.get(reverse("triage:triage", args=[referral.reference])).content.decode()
    assert "What the referral says" in body
    assert referral.account in body
    assert str(dict(Indicator.choices)[Indicator.DEBT_BONDAGE]) in body
    assert str(dict(ExploitationType.choices)[ExploitationType.CRIMINAL]) in body
    assert "Child protection plan" in body and "Child in need plan" in body
    assert "Missing from home twice this month." in body
    assert "The referrer" in body and "Your details" not in body
    # Read-only: no "Change" links into the referrer's draft.
    assert "?return=check" not in body
    download = reverse("referrals:document-download", args=[referral.reference, document.pk])
    assert f'href="{download}"' in body
    assert "message.png: Text messages" in body
    response = coordinator.get(download)
    assert response.status_code == 200
    assert AuditEvent.objects.filter(action="download", object_id=str(document.pk)).exists()


def test_check_answers_keeps_its_change_links_through_the_shared_rendering(demo, client_as):
    site = Site.objects.get(slug="northbridge")
    user = demo_user(Role.FIRST_RESPONDER)
    referral = referral_save(referral=referral_start(user=user), user=user, data=complete_answers(site))
    body = client_as(Role.FIRST_RESPONDER).get(reverse("referrals:check-answers", args=[referral.reference]))
    body = body.content.decode()
    assert "Check your answers before sending the referral" in body
    assert f"/draft/{referral.reference}/account/?return=check" in body
    assert "Your details" in body
    assert referral.account in body
