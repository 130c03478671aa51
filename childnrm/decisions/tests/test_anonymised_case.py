"""A case retention anonymised: no panel is asked to decide anything more about it. The agenda does not suggest it
nor take it, and no decision is started on it (referrals.anonymised; docs/retention.md, "After anonymisation")."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from childnrm.accounts.models import Role
from childnrm.decisions import services
from childnrm.decisions.models import Decision, Stage
from childnrm.panels import services as panel_services
from childnrm.panels import suggestions
from childnrm.panels.models import AgendaItem, AgendaStage
from childnrm.panels.tests.factories import accepted_referral, add_to_agenda, scheduled_meeting
from childnrm.retention.anonymise import case_anonymise
from conftest import demo_user

pytestmark = pytest.mark.django_db


def test_an_anonymised_case_is_not_suggested_listed_or_decided(demo):
    referral = accepted_referral("northbridge")
    coordinator = demo_user(Role.COORDINATOR)
    listed = scheduled_meeting("northbridge", starts_at=timezone.now() + timedelta(days=2))
    item = add_to_agenda(listed, referral)
    later = scheduled_meeting("northbridge", starts_at=timezone.now() + timedelta(days=9))
    assert referral.pk in {s.referral.pk for s in suggestions.agenda_suggestions(later)}

    case_anonymise(referral)
    assert referral.pk not in {s.referral.pk for s in suggestions.agenda_suggestions(later)}
    with pytest.raises(panel_services.PanelError, match="anonymised"):
        panel_services.agenda_item_add(
            meeting=later, user=coordinator, referral=referral, stage=AgendaStage.REASONABLE_GROUNDS
        )
    assert not AgendaItem.objects.filter(meeting=later, referral=referral).exists()
    with pytest.raises(services.DecisionStateError, match="anonymised"):
        services.decision_start(agenda_item=item, stage=Stage.REASONABLE_GROUNDS, user=coordinator)
    assert not Decision.objects.filter(referral=referral).exists()
