"""The reconsideration window across a correction (domain.md step 11; ADR 0015, amendment 2).

The window is 30 calendar days from when the decision became final and was communicated to the referrer. A
correction of the decision (a new version) does not reopen or restart it: the correction is judged by, and its
letters print, the window of the decision it corrects. A request in progress on any version of the stage blocks a
second one, and a case the panel no longer holds cannot be asked to be reconsidered here.
"""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from django.utils import timezone

from childnrm.accounts.models import Role
from childnrm.decisions import services as decision_services
from childnrm.decisions.models import Decision, Outcome
from childnrm.decisions.tests.factories import demo as demo_of
from childnrm.decisions.tests.factories import draft_decision, record_complete, second_reviewer
from childnrm.handovers.services import case_transfer
from childnrm.kit.dates import long_date
from childnrm.letters.services import letters_produce
from childnrm.panels import services as panel_services
from childnrm.reviews import selectors, services
from childnrm.reviews.forms import window_text
from childnrm.reviews.models import ReconsiderationGround, ReconsiderationStatus, ReconsiderationWindow

SITE = "northbridge"
pytestmark = pytest.mark.django_db


def coordinator():
    return demo_of(Role.COORDINATOR, SITE)


def communicated_negative(days_ago: int) -> Decision:
    """A negative RG decision, agreed at second review, its sitting closed, communicated to the referrer `days_ago`
    days ago: its window, as opened then, ends 30 days after."""
    decision = record_complete(draft_decision(SITE), outcome=Outcome.NEGATIVE, decided_on=timezone.localdate())
    decision = decision_services.decision_finalise(decision=decision, user=decision.meeting.chair)
    decision = decision_services.decision_second_review(decision=decision, user=second_reviewer(SITE), agrees=True)
    panel_services.meeting_close(meeting=decision.meeting, user=coordinator())
    decision = Decision.objects.get(pk=decision.pk)
    services.window_open(decision=decision, communicated_on=timezone.localdate())
    then = timezone.localdate() - timedelta(days=days_ago)
    ReconsiderationWindow.objects.filter(decision=decision).update(
        final_on=then, communicated_on=then, last_day=then + timedelta(days=30)
    )
    return decision


def corrected(original: Decision) -> Decision:
    """A slip in the reasons corrected (the outcome cannot change), signed off and agreed at second review."""
    correction = decision_services.decision_correct(decision=original, user=coordinator(), reason="A typing slip")
    correction = decision_services.decision_save(
        decision=correction, user=coordinator(), data={"credibility_reasoning": "Corrected reasoning"}
    )
    signed = decision_services.decision_finalise(decision=correction, user=original.meeting.chair)
    return decision_services.decision_second_review(decision=signed, user=second_reviewer(SITE), agrees=True)


def receive(decision: Decision, *, accept_late: bool | None = None):
    return services.reconsideration_receive(
        decision=decision,
        user=coordinator(),
        requester_kind="referrer",
        requester_name="Sam Referrer",
        requester_organisation="Northbridge Police",
        grounds=[ReconsiderationGround.NEW_EVIDENCE],
        details="A school report.",
        received_on=timezone.localdate(),
        accept_late=accept_late,
        late_reason="",
    )


def last_day_of(decision: Decision) -> date:
    return ReconsiderationWindow.objects.get(decision=decision).last_day


def test_a_correction_does_not_reopen_a_window_that_has_closed(demo):
    """Before the correction's letters are produced, a request on it is late if the original's window has closed
    (it was treated as 'window not started', so in time)."""
    original = communicated_negative(days_ago=60)  # its window closed 30 days ago
    final = corrected(original)

    assert services.window_closes_on(final) == last_day_of(original)
    with pytest.raises(services.ReviewInvalid, match="late"):
        receive(final)
    refused = receive(final, accept_late=False)
    assert (refused.status, refused.within_window) == (ReconsiderationStatus.REFUSED, False)


def test_a_corrections_letters_print_the_window_of_the_decision_it_corrects(demo):
    """Producing the correction's letters does not restart the window: they print the original's last day, and a
    request is judged against it (they opened a fresh 30 days from the day they were produced)."""
    original = communicated_negative(days_ago=20)  # its window ends in 10 days
    final = corrected(original)

    letters_produce(decision=final, user=coordinator())

    ends = last_day_of(original)
    assert services.window_closes_on(final) == ends
    assert selectors.window_of(final).decision_id == original.pk
    assert not ReconsiderationWindow.objects.filter(decision=final).exists()
    # The request page's list of decisions says the same last day.
    listed = selectors.reconsiderable_decisions(coordinator()).get(pk=final.pk)
    assert listed.window_last_day == ends
    assert window_text(listed).strip() == f"(window ends {long_date(ends)})"


def test_the_dashboard_reads_the_window_a_correction_inherits(demo):
    """What the dashboard's "Reconsideration windows open" reads for the decision that stands after a correction:
    the original's window, still running (it read none, so the case dropped off while its window ran)."""
    original = communicated_negative(days_ago=20)
    final = corrected(original)

    row = Decision.objects.filter(pk=final.pk).annotate(
        last_day=selectors.window_last_day(), requested=selectors.requested_in_window()
    )
    assert list(row.values_list("last_day", "requested")) == [(last_day_of(original), False)]


def test_a_request_in_progress_on_the_corrected_version_blocks_a_second_request(demo):
    """A request taken in before a correction stays in progress on the version the correction superseded: a second
    request on the correction is refused (it was taken in, two requests running on one decision)."""
    original = communicated_negative(days_ago=5)
    receive(original)
    final = corrected(original)

    with pytest.raises(services.ReviewStateError, match="already in progress"):
        receive(final)
    assert Decision.objects.filter(pk=final.pk).annotate(requested=selectors.requested_in_window()).get().requested


def test_a_case_handed_to_the_sca_cannot_be_asked_to_be_reconsidered_here(demo):
    """Once the case is transferred to the Single Competent Authority the panel no longer holds it: no sitting could
    list a request, so none is taken in, and the request page does not offer the decision."""
    decision = communicated_negative(days_ago=5)
    case_transfer(
        child=decision.referral.child,
        user=coordinator(),
        destination="sca",
        to_site=None,
        reason="Turns 18 before the panel can decide.",
    )

    with pytest.raises(services.ReviewStateError, match="not held by this site's panel"):
        receive(decision)
    assert not selectors.reconsiderable_decisions(coordinator()).filter(pk=decision.pk).exists()


def test_after_a_correction_what_happens_next_leads_to_the_request_in_progress_not_a_new_one(demo):
    """The corrected decision's "What happens next" points to the request taken in on the version it replaced (still
    in progress), and offers no second request: the request page would refuse it, as the service does."""
    from django.urls import reverse

    from childnrm.decisions.tests.test_next_steps import next_steps_of
    from conftest import signed_in

    original = communicated_negative(days_ago=5)
    asked = receive(original)
    final = corrected(original)

    body = signed_in(coordinator()).get(reverse("decisions:detail", args=[final.pk])).content.decode()
    step = next_steps_of(body)["reconsideration"]
    assert step["url"] == reverse("reviews:reconsideration", args=[asked.pk])
    listed = body.split('data-step="reconsideration"', 1)[1].split("</li>", 1)[0]
    assert "Take in a request" not in listed
    assert f"version {original.version}" in listed

    # Once the request is no longer in progress, the corrected decision can be asked to be reconsidered again.
    services.reconsideration_withdraw(reconsideration=asked, user=coordinator())
    step = next_steps_of(signed_in(coordinator()).get(reverse("decisions:detail", args=[final.pk])).content.decode())
    assert step["reconsideration"]["url"] == f"{reverse('reviews:reconsideration-new')}?decision={final.pk}"
