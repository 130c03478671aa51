"""Background tasks for information requests: telling the organisation asked, and the daily chase.

Emails carry the request's reference and a link only: no child's details in the subject or the body.
"""

from __future__ import annotations

from datetime import date

from django.utils import timezone
from django_tasks import task

from childnrm.information import services
from childnrm.information.models import InformationRequest, RequestStatus
from childnrm.kit import mail


@task()
def notify_information_requested(request_id: int, only: list[str] | None = None, attempt: int = 1) -> int:
    """Email each user of the organisation asked who may answer at the case's site; the number emailed. One refused
    stops none of the others, and only those not sent are tried again (kit.mail.send_or_retry)."""
    info_request = InformationRequest.objects.select_related("referral").get(pk=request_id)
    if info_request.status != RequestStatus.OPEN or services.case_left_panel(info_request):
        return 0
    messages = {
        mail.user_key(user): services.request_email(info_request, user) for user in services.responders(info_request)
    }
    return mail.send_or_retry(
        notify_information_requested,
        "information requested",
        messages,
        only=only,
        attempt=attempt,
        request_id=request_id,
    )


@task()
def chase_overdue_information_requests(today: str | None = None) -> int:
    """The daily chase (see services.chase_overdue); `today` as an ISO date, for a run that catches up. Every request
    due is chased; if any email was not sent, the task then fails, naming nobody (kit.mail)."""
    with mail.failures_raised("information request chase"):
        return services.chase_overdue(date.fromisoformat(today) if today else timezone.localdate())
