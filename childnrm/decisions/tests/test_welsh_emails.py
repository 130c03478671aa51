"""Decisions' emails in the reader's language (ADR 0023, issue 13): the call for a second review of a negative
decision goes in each reviewer's own language, else their site's default."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core import mail
from django.core.mail import EmailMessage
from django.utils import timezone

from childnrm.accounts.models import Site, User
from childnrm.core.tests.welsh import english_left
from childnrm.decisions import services
from childnrm.decisions.models import Decision, DecisionStatus, Outcome, Stage
from childnrm.decisions.tasks import notify_second_review_needed
from childnrm.decisions.tests.factories import draft_decision, final_decision, record_complete, second_reviewer

pytestmark = pytest.mark.django_db


def _sent_to(user: User, decision: Decision) -> EmailMessage:
    mail.outbox.clear()
    notify_second_review_needed.call(decision.pk)
    [message] = [m for m in mail.outbox if m.to == [user.email]]
    return message


@pytest.mark.parametrize("stage", [Stage.REASONABLE_GROUNDS, Stage.CONCLUSIVE_GROUNDS])
def test_a_second_reviewer_is_asked_in_their_language(welsh_site: Site, stage: str, django_capture_on_commit_callbacks):
    reviewer = second_reviewer(welsh_site.slug)
    referral = None
    if stage == Stage.CONCLUSIVE_GROUNDS:  # after a positive reasonable grounds decision and the recovery period
        referral = final_decision(welsh_site.slug, decided_on=timezone.localdate() - timedelta(days=60)).referral
    decision = record_complete(
        draft_decision(welsh_site.slug, stage=stage, referral=referral),
        outcome=Outcome.NEGATIVE,
        decided_on=timezone.localdate(),
    )
    services.decision_finalise(decision=decision, user=decision.meeting.chair)
    decision.refresh_from_db()
    assert decision.status == DecisionStatus.SECOND_REVIEW
    reference = decision.referral.reference

    # Not chosen: the site's default, Welsh.
    welsh = _sent_to(reviewer, decision)
    assert welsh.subject == f"Mae angen ail adolygiad ar y penderfyniad ar achos {reference}"
    assert english_left(f"{welsh.subject}\n{welsh.body}", names=[welsh_site.name]) == [], welsh.body
    wording = "sail derfynol" if stage == Stage.CONCLUSIVE_GROUNDS else "sail resymol"
    assert f"penderfyniad {wording} negyddol" in welsh.body
    assert welsh.body.endswith("Peidiwch ag ateb yr e-bost hwn.") and f"/decisions/{decision.pk}/" in welsh.body

    # Chosen: English, on the same Welsh site.
    reviewer.language = "en-gb"
    reviewer.save(update_fields=["language"])
    english = _sent_to(reviewer, decision)
    assert english.subject == f"Decision on case {reference} needs a second review"
    assert f"A negative {stage.replace('_', ' ')} decision on case {reference}" in english.body
    assert english.body.endswith("Do not reply to this email.")
