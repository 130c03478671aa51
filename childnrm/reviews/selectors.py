"""Scoped reads for reconsiderations and SCA returns: each takes the acting user.

A reconsideration belongs to the site holding the case. A return belongs to the site that sent it;
the SCA quality assurer reaches the returns of the sites where they hold that role, and only as
sent (the stored export), never the live case.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.db.models import Exists, OuterRef, Q, QuerySet, Subquery
from django.http import Http404
from django.utils import timezone

from childnrm.access.policy import Perm, sites_where
from childnrm.accounts.models import Site
from childnrm.decisions.models import Decision, DecisionKind, DecisionStatus, Outcome
from childnrm.kit import prepared
from childnrm.panels.models import Meeting, MeetingStatus
from childnrm.referrals.anonymised import live
from childnrm.referrals.models import ReferralStatus
from childnrm.reviews.models import DecisionReturn, QualityFinding, ReconsiderationRequest, ReconsiderationWindow

# The window a version is judged by (domain step 11) -------------------------------------------------------------
# A correction does not reopen or restart the window: it inherits the window of the decision it corrects. Only a
# decision the panel took (the original, or a reconsideration's new decision) opens one, when it is communicated to
# the referrer. So a version's line is every version of its stage from the newest one at or before it that stood and
# was not a correction (the version that opens the line) up to itself; its window is the first opened along that line
# (a correction communicated before the version it corrects ever was opens the line's window itself). Every page,
# the letters, the request service, the SCA return and the dashboard read the window through `_line`.

STOOD = (DecisionStatus.FINAL, DecisionStatus.SUPERSEDED)


def _deeper(value: Any) -> Any:
    return OuterRef(value) if isinstance(value, OuterRef) else value


def _line(field: str, referral_id: Any, stage: Any, version: Any) -> list[Q | Exists]:
    """Filters keeping the rows whose decision (`field`) is on the line of the version `version` of `stage` of
    `referral_id`: values, or OuterRefs to a decision in an outer query."""
    line_opened_since = Decision.objects.filter(
        referral_id=OuterRef(f"{field}__referral_id"),
        stage=OuterRef(f"{field}__stage"),
        version__gt=OuterRef(f"{field}__version"),
        version__lte=_deeper(version),
        status__in=STOOD,
    ).exclude(kind=DecisionKind.CORRECTION)
    same_stage = Q(
        **{f"{field}__referral_id": referral_id, f"{field}__stage": stage, f"{field}__version__lte": version}
    )
    return [same_stage, ~Exists(line_opened_since)]


def window_of(decision: Decision) -> ReconsiderationWindow | None:
    """The reconsideration window the decision is judged by (its own, or the one a correction inherits), or None
    while it has not started (not yet communicated)."""
    line = _line("decision", decision.referral_id, decision.stage, decision.version)
    return ReconsiderationWindow.objects.filter(*line).order_by("decision__version", "id").first()


def window_last_day() -> Subquery:
    """For annotating a queryset of decisions: the last day of each one's window (`window_of`), or None."""
    line = _line("decision", OuterRef("referral_id"), OuterRef("stage"), OuterRef("version"))
    windows = ReconsiderationWindow.objects.filter(*line).order_by("decision__version", "id")
    return Subquery(windows.values("last_day")[:1])


def requested_in_window() -> Exists:
    """For annotating a queryset of decisions: whether a reconsideration was asked of it, or of a version it
    corrects (a request taken in before a correction is still the one being dealt with)."""
    line = _line("decision", OuterRef("referral_id"), OuterRef("stage"), OuterRef("version"))
    return Exists(ReconsiderationRequest.objects.filter(*line))


def reconsideration_sites(user) -> list[Site]:
    return list(Site.objects.filter(pk__in=sites_where(user, Perm.RECONSIDERATION_RECORD), active=True))


def reconsiderations_for(user) -> QuerySet[ReconsiderationRequest]:
    return ReconsiderationRequest.objects.filter(
        decision__referral__site_id__in=sites_where(user, Perm.RECONSIDERATION_RECORD)
    ).select_related("decision__referral__site", "decision__referral__child", "meeting")


def reconsideration_get(user, reconsideration_id: int) -> ReconsiderationRequest:
    found = reconsiderations_for(user).filter(pk=reconsideration_id).first()
    if found is None:
        raise Http404
    return found


def reconsiderable_decisions(user) -> QuerySet[Decision]:
    """Final negative decisions of the user's sites: the ones a reconsideration can be asked of (not of a case
    retention anonymised: `referrals.anonymised`, nor of one the panel no longer holds), each with its window's
    last day (`window_last_day`)."""
    return (
        Decision.objects.filter(
            live("referral__"),
            referral__site_id__in=sites_where(user, Perm.RECONSIDERATION_RECORD),
            referral__status=ReferralStatus.ACCEPTED,
            status=DecisionStatus.FINAL,
            outcome=Outcome.NEGATIVE,
        )
        .annotate(window_last_day=window_last_day())
        .select_related("referral__child", "referral__site")
        .order_by("-decided_on", "-id")
    )


def listing_meetings(reconsideration: ReconsiderationRequest) -> QuerySet[Meeting]:
    """Future scheduled meetings of the case's site, soonest first."""
    return Meeting.objects.filter(
        site_id=reconsideration.decision.referral.site_id,
        status=MeetingStatus.SCHEDULED,
        starts_at__gt=timezone.now(),
    ).order_by("starts_at", "id")


def returnable_decisions(user) -> QuerySet[Decision]:
    """Finalised decisions of the sites where the user sends returns (superseded versions included), of cases not
    anonymised (nothing more is sent of those: `referrals.anonymised`)."""
    return (
        Decision.objects.filter(
            live("referral__"),
            referral__site_id__in=sites_where(user, Perm.DECISION_RETURN),
            status__in=[DecisionStatus.FINAL, DecisionStatus.SUPERSEDED],
        )
        .select_related("referral__child")
        .order_by("-finalised_at", "-id")
    )


def returns_sites(user) -> list[int]:
    """Sites whose returns the user reaches: as their panel (coordinator) or as their SCA quality assurer."""
    return sorted(set(sites_where(user, Perm.DECISION_RETURN)) | set(sites_where(user, Perm.SCA_AUDIT)))


def returns_for(user) -> QuerySet[DecisionReturn]:
    return DecisionReturn.objects.filter(site_id__in=returns_sites(user)).select_related("site", "sent_by")


def returns_listed_for(user) -> QuerySet[DecisionReturn]:
    """The returns as the list shows them: what it shows of each export is kept on the return (`sent_*`), so the
    exports themselves (each a whole decision record) are not read."""
    return returns_for(user).defer("export").prefetch_related("findings")


def return_get(user, return_id: int) -> DecisionReturn:
    found = returns_for(user).filter(pk=return_id).first()
    if found is None:
        raise Http404
    return found


def finding_get_for_panel(user, finding_id: int) -> QualityFinding:
    """A finding the user's panel may answer (DECISION_RETURN at the returning site)."""
    found = (
        QualityFinding.objects.filter(
            pk=finding_id, decision_return__site_id__in=sites_where(user, Perm.DECISION_RETURN)
        )
        .select_related("decision_return__site", "recorded_by", "responded_by")
        .first()
    )
    if found is None:
        raise Http404
    return found


# What a final decision's "What happens next" reads (reviews.next_steps): the same statements for every decision,
# compiled once (kit.prepared), and only what it shows (a return holds the whole decision as exported).


def last_return(decision: Decision) -> tuple[int, datetime] | None:
    """The id and time of the decision's latest SCA return, or None."""

    def build(pk: int) -> QuerySet[DecisionReturn]:
        latest = DecisionReturn.objects.filter(decision_id=pk).order_by("-sent_at", "-id")
        return latest.values_list("pk", "sent_at")[:1]

    return prepared.first(DecisionReturn, ("reviews:last-return",), build, decision.pk)


def return_reached(user, return_id: int) -> bool:
    """Whether the user reaches this return (`returns_for`)."""
    sites = tuple(returns_sites(user))
    return bool(
        prepared.rows(
            DecisionReturn,
            ("reviews:return-reached", sites),
            lambda pk: DecisionReturn.objects.filter(site_id__in=sites, pk=pk).values_list("pk", flat=True)[:1],
            return_id,
        )
    )


def latest_reconsideration_request(decision: Decision) -> ReconsiderationRequest | None:
    """The latest request to reconsider the decision, or None."""
    return prepared.latest_of(
        ReconsiderationRequest,
        ("reviews:latest-reconsideration",),
        decision,
        via="decision",
        order_by=("-received_on", "-id"),
    )
