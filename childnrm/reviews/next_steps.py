"""The SCA return, and a reconsideration of a negative decision, in a final decision's "What happens next"
(registered with decisions.next_steps)."""

from __future__ import annotations

from typing import Any

from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext

from childnrm.access.policy import Perm, has_perm
from childnrm.decisions.models import Decision, Outcome
from childnrm.decisions.next_steps import NextStep
from childnrm.kit.dates import long_date, long_datetime
from childnrm.reviews import selectors


def review_steps(decision: Decision, user: Any) -> list[NextStep]:
    site_id = decision.referral.site_id
    query = urlencode({"decision": decision.pk})
    sent = selectors.last_return(decision)
    if sent is not None:
        sent_id, sent_at = sent
        url = reverse("reviews:return", args=[sent_id]) if selectors.return_reached(user, sent_id) else ""
        steps = [
            NextStep(
                order=50,
                key="sca-return",
                title=gettext("Send the decision to the Single Competent Authority for quality assurance"),
                url=url,
                done=True,
                hint=gettext("Sent on %(when)s") % {"when": long_datetime(sent_at)},
            )
        ]
    else:
        may_send = has_perm(user, Perm.DECISION_RETURN, site_id)
        steps = [
            NextStep(
                order=50,
                key="sca-return",
                title=gettext("Send the decision to the Single Competent Authority for quality assurance"),
                url=f"{reverse('reviews:return-new')}?{query}" if may_send else "",
                done=False,
                hint=gettext("The SCA return"),
            )
        ]
    if decision.outcome == Outcome.NEGATIVE:
        asked = selectors.latest_reconsideration_request(decision)
        may_record = has_perm(user, Perm.RECONSIDERATION_RECORD, site_id)
        if asked is not None:
            url = reverse("reviews:reconsideration", args=[asked.pk]) if may_record else ""
            hint = gettext("Asked for on %(date)s: %(status)s") % {
                "date": long_date(asked.received_on),
                "status": asked.get_status_display().lower(),
            }
        else:
            url = f"{reverse('reviews:reconsideration-new')}?{query}" if may_record else ""
            hint = gettext("If the child, their representative or the referrer asks for it")
        steps.append(
            NextStep(
                order=60,
                key="reconsideration",
                title=gettext("Take in a request for reconsideration"),
                url=url,
                hint=hint,
            )
        )
    return steps
