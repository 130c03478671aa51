"""The queue's status filter offers only statuses a referral can reach.

The domain has no withdrawing of a referral (shared/domain.md: a referral is triaged, decided, sent on or transferred)
and nothing sets "withdrawn", so a "Withdrawn" choice could only ever show an empty queue. An old link that still
asks for it shows the default queue, as any value the filter does not know.
"""

from __future__ import annotations

import re

from childnrm.accounts.models import Role
from childnrm.triage.demo import submitted_referral

QUEUE = "/referrals/queue/"


def _status_choices(html: str) -> list[str]:
    select = re.search(r'<select[^>]*name="status"[^>]*>(.*?)</select>', html, re.S)
    assert select, "the queue has a status filter"
    return re.findall(r'<option value="([^"]*)"', select.group(1))


def test_the_status_filter_offers_no_withdrawn_choice(demo, client_as):
    html = client_as(Role.COORDINATOR, "northbridge").get(QUEUE).content.decode()
    assert _status_choices(html) == ["open", "awaiting", "accepted", "handed_off", "all"]


def test_an_old_link_to_withdrawn_referrals_shows_the_open_queue(demo, client_as):
    referral = submitted_referral("northbridge")
    response = client_as(Role.COORDINATOR, "northbridge").get(QUEUE, {"status": "withdrawn"})
    assert response.status_code == 200
    assert f'data-reference="{referral.reference}"' in response.content.decode()
