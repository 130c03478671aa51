"""The agenda page builds only the page of suggestions it shows: the same statements, and the same referrals made into
objects, however many cases are waiting; and it still says how many are suggested and how many are urgent."""

from __future__ import annotations

from datetime import timedelta

from django.urls import reverse
from django.utils import timezone

from childnrm.accounts.models import Role
from childnrm.core.tests.queries import CountedQueries
from childnrm.panels import suggestions
from childnrm.panels.tests.factories import accepted_referral, scheduled_meeting
from childnrm.panels.tests.test_agenda_suggestions_paged import _referrals_built
from childnrm.panels.views import SUGGESTIONS_PER_PAGE

NB = "northbridge"


def _page(client, url: str) -> tuple[int, int, str]:
    assert client.get(url).status_code == 200  # warm: the first request reads the session's sites and caches
    with CountedQueries() as statements, _referrals_built() as built:
        response = client.get(url)
    assert response.status_code == 200
    return len(statements), built(), response.content.decode()


def test_the_agenda_page_builds_only_the_suggestions_it_shows(client_as):
    meeting = scheduled_meeting(NB, starts_at=timezone.now() + timedelta(days=2))
    today = timezone.localdate()
    for days in range(max(0, SUGGESTIONS_PER_PAGE + 2 - len(suggestions.agenda_suggestions(meeting)))):
        accepted_referral(NB, submitted_on=today - timedelta(days=days % 60))
    client = client_as(Role.COORDINATOR)
    url = reverse("panels:agenda", args=[meeting.pk])
    fewer = _page(client, url)
    for days in range(SUGGESTIONS_PER_PAGE):
        accepted_referral(NB, submitted_on=today - timedelta(days=days % 60))
    more = _page(client, url)
    items = suggestions.agenda_suggestions(meeting)
    everything = list(items)
    assert f"of {len(everything)} suggested cases" in more[2]
    assert items.urgent == sum(s.urgent for s in everything)
    assert more[1] == fewer[1]  # the cases shown, not every case waiting
    assert more[0] == fewer[0]
