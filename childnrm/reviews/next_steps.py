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
from childnrm.kit import prepared
from childnrm.kit.dates import long_date, long_datetime
from childnrm.reviews import selectors
from childnrm.reviews.models import ReconsiderationRequest
from childnrm.reviews.services import OPEN_STATUSES


def request_in_progress(decision: Decision) -> ReconsiderationRequest | None:
    """The request in progress on any version of the decision's stage (one taken in before a correction stays on the
    version the correction replaced), or None. The service takes in one at a time on a stage, so there is at most one.
    """

    def build(referral_id: int, stage: str):
        found = ReconsiderationRequest.objects.filter(
            decision__referral_id=referral_id, decision__stage=stage, status__in=OPEN_STATUSES
        )
        return found.select_related("decision").order_by("-received_on", "-id")[:1]

    key = ("reviews:reconsideration-in-progress",)
    return prepared.first(ReconsiderationRequest, key, build, decision.referral_id, str(decision.stage))


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
        may_record = has_perm(user, Perm.RECONSIDERATION_RECORD, site_id)
        in_progress = request_in_progress(decision)
        asked = in_progress or selectors.latest_reconsideration_request(decision)
        title = gettext("Take in a request for reconsideration")
        if asked is not None:
            url = reverse("reviews:reconsideration", args=[asked.pk]) if may_record else ""
            hint = gettext("Asked for on %(date)s: %(status)s") % {
                "date": long_date(asked.received_on),
                "status": asked.get_status_display().lower(),
            }
            if in_progress is not None:
                # Never a second request while one runs on the case: the step leads to the one in progress.
                title = gettext("See the request for reconsideration in progress")
                if asked.decision_id != decision.pk:
                    hint = gettext("Asked for on %(date)s, of version %(version)s: %(status)s") % {
                        "date": long_date(asked.received_on),
                        "version": asked.decision.version,
                        "status": asked.get_status_display().lower(),
                    }
        else:
            url = f"{reverse('reviews:reconsideration-new')}?{query}" if may_record else ""
            hint = gettext("If the child, their representative or the referrer asks for it")
        steps.append(NextStep(order=60, key="reconsideration", title=title, url=url, hint=hint))
    return steps
