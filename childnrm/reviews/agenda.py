"""What reviews adds to a sitting's agenda: reconsideration requests received (suggested, see
`panels.suggestions`), and listing one when the coordinator puts its case on the agenda to reconsider
(`panels.services.agenda_case_add`)."""

from __future__ import annotations

from datetime import date

from django.utils.translation import gettext

from childnrm.audit.context import AuditContext
from childnrm.decisions.models import DecisionVote, Outcome
from childnrm.panels.models import AgendaStage, Meeting
from childnrm.panels.services import PanelError
from childnrm.panels.suggestions import OrderedKind, SuggestedKind, Suggestion, long_day
from childnrm.referrals.anonymised import live
from childnrm.referrals.models import Referral
from childnrm.reviews.models import ReconsiderationRequest, ReconsiderationStatus
from childnrm.reviews.services import ReviewInvalid, ReviewStateError, reconsideration_list


def reconsiderations_received(meeting: Meeting, on_agenda: set[int], today: date) -> SuggestedKind:
    """Reconsideration requests received and not yet listed, the earliest received first, with who invited voted on
    the original (read for the requests shown only)."""
    requests = (
        ReconsiderationRequest.objects.filter(
            decision__referral__site_id=meeting.site_id, status=ReconsiderationStatus.RECEIVED
        )
        .filter(live("decision__referral__"))  # an anonymised case is never offered (`referrals.anonymised`)
        .exclude(decision__referral_id__in=on_agenda)
        .select_related("decision", "decision__referral", "decision__referral__child")
        .order_by("received_on", "pk")
    )

    def make(shown: list[ReconsiderationRequest]) -> list[Suggestion]:
        invited = dict(meeting.attendees.values_list("user_id", "user__full_name"))
        voted: dict[int, set[int]] = {}
        for decision_id, voter_id in DecisionVote.objects.filter(
            decision_id__in={r.decision_id for r in shown}
        ).values_list("decision_id", "voter_id"):
            voted.setdefault(decision_id, set()).add(voter_id)
        result = []
        for request in shown:
            decision = request.decision
            reasons = [
                gettext("Reconsideration of the %(outcome)s %(stage)s decision requested on %(date)s")
                % {
                    "outcome": Outcome(decision.outcome).label.lower(),
                    "stage": decision.get_stage_display().lower(),
                    "date": long_day(request.received_on),
                },
            ]
            again = sorted(invited[u] for u in voted.get(decision.pk, set()) if u in invited)
            if again:
                reasons.append(
                    gettext(
                        "A differently constituted panel should reconsider. Invited to this meeting and voted on the "
                        "original decision: %(names)s"
                    )
                    % {"names": ", ".join(again)}
                )
            else:
                reasons.append(
                    gettext("A differently constituted panel should reconsider: no one invited voted on the original")
                )
            result.append(
                Suggestion(
                    referral=decision.referral,
                    stage=AgendaStage.RECONSIDERATION,
                    reasons=reasons,
                    urgent=True,
                )
            )
        return result

    # Every request received is urgent.
    return OrderedKind(AgendaStage.RECONSIDERATION, requests, make, referral="decision__referral_id", all_urgent=True)


def list_received_reconsideration(
    *, meeting: Meeting, user, referral: Referral, audit: AuditContext | None = None
) -> bool:
    """A reconsideration request received for the case is listed through this app (which checks the panel is
    differently constituted and marks the request listed). False when there is none to list."""
    pending = (
        ReconsiderationRequest.objects.filter(decision__referral=referral, status=ReconsiderationStatus.RECEIVED)
        .order_by("received_on", "pk")
        .first()
    )
    if pending is None:
        return False
    try:
        reconsideration_list(reconsideration=pending, meeting=meeting, user=user, audit=audit)
    except (ReviewInvalid, ReviewStateError) as problem:
        # Refused as the agenda refuses: the coordinator's form shows it against the case.
        raise PanelError(problem.message, "referral", problem.code) from problem
    return True
