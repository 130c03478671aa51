"""Background tasks for information requests: telling the organisation asked, and the daily chase.

Emails carry the request's reference and a link only: no child's details in the subject or the body.
"""

from __future__ import annotations

from datetime import date

from django.core.mail import get_connection
from django.utils import timezone
from django_tasks import task

from childnrm.information import services
from childnrm.information.models import InformationRequest, RequestStatus


@task()
def notify_information_requested(request_id: int) -> int:
    """Email each user of the organisation asked who may answer at the case's site; the number emailed."""
    info_request = InformationRequest.objects.select_related("referral").get(pk=request_id)
    if info_request.status != RequestStatus.OPEN or services.case_left_panel(info_request):
        return 0
    messages = [services.request_email(info_request, user) for user in services.responders(info_request)]
    if messages:
        get_connection().send_messages(messages)
    return len(messages)


@task()
def chase_overdue_information_requests(today: str | None = None) -> int:
    """The daily chase (see services.chase_overdue); `today` as an ISO date, for a run that catches up."""
    return services.chase_overdue(date.fromisoformat(today) if today else timezone.localdate())
