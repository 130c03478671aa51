"""A final decision's page leads the coordinator to what follows it: letters, reconsideration, the SCA return."""

from __future__ import annotations

import re

from django.urls import reverse

from childnrm.accounts.models import Role
from childnrm.decisions.models import Outcome
from childnrm.decisions.tests.factories import draft_decision, final_decision


def links_in(body: str) -> set[str]:
    return set(re.findall(r'href="([^"]+)"', body))


def test_a_final_negative_decision_links_to_letters_reconsideration_and_the_return(client_as):
    decision = final_decision("northbridge", outcome=Outcome.NEGATIVE)
    coordinator = client_as(Role.COORDINATOR)
    body = coordinator.get(reverse("decisions:detail", args=[decision.pk])).content.decode().replace("&amp;", "&")
    wanted = {
        reverse("letters:decision", args=[decision.pk]),
        f"{reverse('reviews:reconsideration-new')}?decision={decision.pk}",
        f"{reverse('reviews:return-new')}?decision={decision.pk}",
    }
    assert wanted <= links_in(body)
    for url in wanted:
        response = coordinator.get(url)
        assert response.status_code == 200, url
        assert decision.referral.reference in response.content.decode()


def test_a_positive_decision_offers_no_reconsideration_and_a_draft_no_next_steps(client_as):
    positive = final_decision("northbridge")
    coordinator = client_as(Role.COORDINATOR)
    body = coordinator.get(reverse("decisions:detail", args=[positive.pk])).content.decode()
    assert reverse("reviews:reconsideration-new") not in body
    assert reverse("letters:decision", args=[positive.pk]) in body

    draft = draft_decision("northbridge")
    body = coordinator.get(reverse("decisions:detail", args=[draft.pk])).content.decode()
    assert "What happens next" not in body
