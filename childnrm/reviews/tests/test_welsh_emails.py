"""Reviews' emails in the reader's language (ADR 0023, issue 13): a return sent for quality assurance, a finding
recorded, a finding answered and a reconsideration decided each go in the reader's own language, else their
site's default. The same reader gets Welsh on a Welsh site, then English once they choose it."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from django.core import mail
from django.core.mail import EmailMessage

from childnrm.accounts.models import Role, Site, User
from childnrm.core.tests.welsh import english_left
from childnrm.reviews import services, tasks
from childnrm.reviews.tests import factories as f

pytestmark = pytest.mark.django_db


def _sent_to(user: User, send: Callable[[], None]) -> EmailMessage:
    mail.outbox.clear()
    send()
    [message] = [m for m in mail.outbox if m.to == [user.email]]
    return message


def _welsh_then_english(user: User, send: Callable[[], None], names: list[str]) -> tuple[EmailMessage, EmailMessage]:
    user.language = ""  # not chosen: the site's default
    user.save(update_fields=["language"])
    welsh = _sent_to(user, send)
    assert english_left(f"{welsh.subject}\n{welsh.body}", names=names) == [], welsh.body
    assert welsh.body.endswith("Peidiwch ag ateb yr e-bost hwn.") and "Do not reply" not in welsh.body
    user.language = "en-gb"
    user.save(update_fields=["language"])
    english = _sent_to(user, send)
    assert english.body.endswith("Do not reply to this email.")
    return welsh, english


def test_the_returns_and_findings_emails_go_in_each_readers_language(welsh_site: Site):
    finding = f.finding(welsh_site.slug)
    sent = finding.decision_return
    reference = sent.decision.referral.reference
    names = [welsh_site.name]
    assurer = f.site_user(Role.SCA_QUALITY_ASSURER, welsh_site.slug)
    coordinator = f.site_user(Role.COORDINATOR, welsh_site.slug)

    welsh, english = _welsh_then_english(assurer, lambda: tasks.notify_return_sent.call(sent.pk), names)
    assert (
        welsh.subject
        == f"Penderfyniad ffurflen {sent.pk} (atgyfeiriad {reference}) wedi’i anfon ar gyfer sicrhau ansawdd"
    )
    assert english.subject == f"Decision return {sent.pk} (referral {reference}) sent for quality assurance"

    welsh, english = _welsh_then_english(coordinator, lambda: tasks.notify_finding_recorded.call(finding.pk), names)
    assert welsh.subject == f"Canfyddiad sicrhau ansawdd ar ffurflen {sent.pk} (atgyfeiriad {reference})"
    assert "Awdurdod Cymwys Sengl" in welsh.body and finding.finding not in welsh.body
    assert english.subject == f"Quality assurance finding on return {sent.pk} (referral {reference})"

    services.finding_respond(finding=finding, user=coordinator, response="Rydym wedi ailhyfforddi’r panel.")
    welsh, english = _welsh_then_english(assurer, lambda: tasks.notify_finding_answered.call(finding.pk), names)
    assert welsh.subject == f"Mae’r panel wedi ateb canfyddiad ar ffurflen {sent.pk} (atgyfeiriad {reference})"
    assert "ailhyfforddi" not in welsh.body
    assert english.subject == f"The panel has answered a finding on return {sent.pk} (referral {reference})"


def test_the_referrer_is_told_of_a_reconsideration_in_their_language(welsh_site: Site):
    asked = f.reconsideration(welsh_site.slug)
    referral = asked.decision.referral
    referrer = referral.created_by
    welsh, english = _welsh_then_english(
        referrer, lambda: tasks.notify_reconsideration_outcome.call(asked.pk), [welsh_site.name]
    )
    assert welsh.subject == f"Penderfynwyd ar yr ailystyriaeth: atgyfeiriad {referral.reference}"
    assert "‘Eich atgyfeiriadau’" in welsh.body
    assert english.subject == f"Reconsideration decided: referral {referral.reference}"
    assert "'Your referrals'" in english.body
