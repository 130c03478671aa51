"""What has happened to a referral, as its referrer is told it: sent, triaged, on a sitting's agenda, decided.

The later stages (panels' agenda items, decisions) sit above referrals in the layers (.importlinter), so they
are read through the referral's reverse relations, never imported: the same way `views.decision_words`
reads the decisions. Words only, with dates: no one's name but the referrer's own organisation's panel, no
internal ids, nothing of the panel's reasons (the outcome letter carries those).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import Any, cast

from django.db.models import Model, Prefetch
from django.utils import timezone
from django.utils.translation import gettext as _

from childnrm.kit.dates import long_date
from childnrm.kit.welsh_mutation import welsh_format
from childnrm.referrals.models import Referral, ReferralStatus, ReferralStatusChange

# Values of panels.MeetingStatus and decisions.DecisionStatus (apps above this one).
_CANCELLED = "cancelled"

# Triage's models are in the triage app, above this one in the layers (.importlinter): they are read through
# the referral's relation, as decisions and agenda items are, and its outcomes by their stored values
# (triage.models.TriageOutcome).
TRIAGE_PANEL, TRIAGE_OTHER_SITE, TRIAGE_SCA = "panel", "other_site", "sca"


def triage_assessments_prefetch() -> Prefetch:
    """A referral's triage assessments (newest first) with their sites, in one query."""
    model = cast("type[Model]", Referral._meta.get_field("triage_assessments").related_model)
    return Prefetch("triage_assessments", queryset=model._default_manager.select_related("target_site", "final_site"))


_DECIDED = ("final", "superseded")


@dataclass(frozen=True)
class Step:
    at: datetime  # for ordering
    on: date  # the day shown
    title: str  # what happened, in the referrer's words
    detail: str = ""

    @property
    def when(self) -> str:
        return long_date(self.on)


def _day(moment: datetime) -> date:
    return timezone.localtime(moment).date()


def _triage_words(assessment: Any) -> tuple[str, str]:
    outcome = assessment.final_outcome or assessment.outcome
    site = assessment.final_site or assessment.target_site
    if outcome == TRIAGE_PANEL:
        if site:
            return _("Accepted by the panel"), _("%(site)s will decide.") % {"site": site.display_name}
        return _("Accepted by the panel"), _("The local panel will decide.")
    if outcome == TRIAGE_OTHER_SITE:
        if site:
            return _("Sent to another panel"), _("%(site)s will decide.") % {"site": site.display_name}
        return _("Sent to another panel"), _("Another panel will decide.")
    return _("Sent to the Home Office"), _("The Single Competent Authority will decide.")


def onward_referrals_prefetch() -> Prefetch:
    """A referral's onward referrals at triage (newest first) with the site that sent each, in one query."""
    model = cast("type[Model]", Referral._meta.get_field("onward_referrals").related_model)
    return Prefetch("onward_referrals", queryset=model._default_manager.select_related("from_site"))


def with_progress(referrals):
    """The referrals with everything `progress` reads, in a fixed number of queries."""
    return referrals.select_related("site").prefetch_related(
        "status_changes",
        triage_assessments_prefetch(),
        onward_referrals_prefetch(),
        "agenda_items__meeting",
        "decisions",
    )


def _sent_to(referral: Referral) -> Any:
    """The site the referrer sent the referral to: the one that first sent it on at triage, if any did (the
    referral has moved since), else the one that holds it."""
    onward = list(referral.onward_referrals.all())  # newest first
    return onward[-1].from_site if onward else referral.site


def progress(referral: Referral) -> list[Step]:
    """Each step of the referral so far, oldest first."""
    steps: list[Step] = []
    changes: list[ReferralStatusChange] = list(referral.status_changes.all())
    # Only the referrer's own sending: a referral sent on at triage is submitted again at the receiving site (its
    # triage step below says so).
    sent_changes = [
        c for c in changes if c.from_status == ReferralStatus.DRAFT and c.to_status == ReferralStatus.SUBMITTED
    ]
    for change in changes:
        if change in sent_changes:
            site = _sent_to(referral)
            if site is not None:
                sent = welsh_format(_("You sent the referral to %(site)s."), {"site": site.display_name})
            else:
                sent = _("You sent the referral.")
            steps.append(Step(change.at, _day(change.at), _("Referral sent"), sent))
        elif change.to_status == ReferralStatus.WITHDRAWN:
            steps.append(Step(change.at, _day(change.at), _("Referral withdrawn")))
        elif change.from_status == ReferralStatus.ACCEPTED and change.to_status == ReferralStatus.ACCEPTED:
            # A case moving to another site's panel (handovers); a referral sent on at triage is the triage step below.
            steps.append(
                Step(change.at, _day(change.at), _("Case transferred"), _("Another panel holds the case now."))
            )
        elif change.from_status == ReferralStatus.ACCEPTED and change.to_status == ReferralStatus.HANDED_OFF:
            detail = _("The Home Office Single Competent Authority holds the case now.")
            steps.append(Step(change.at, _day(change.at), _("Case transferred"), detail))
    if not sent_changes and referral.submitted_at:
        # Referrals that came in through the API or an import have no "sent" change of their own.
        steps.append(Step(referral.submitted_at, _day(referral.submitted_at), _("Referral sent")))

    for assessment in referral.triage_assessments.all():
        if assessment.confirmed_at is not None:
            title, detail = _triage_words(assessment)
            steps.append(Step(assessment.confirmed_at, _day(assessment.confirmed_at), title, detail))

    for item in referral.agenda_items.all():
        meeting = item.meeting
        sitting = long_date(meeting.starts_at)
        if meeting.status == _CANCELLED:
            detail = _("The sitting on %(date)s was cancelled.") % {"date": sitting}
        else:
            detail = _("For the %(stage)s at the panel's sitting on %(date)s.") % {
                "stage": item.get_stage_display().lower(),
                "date": sitting,
            }
        steps.append(Step(item.added_at, _day(item.added_at), _("On the panel's agenda"), detail))

    for decision in referral.decisions.all():
        if decision.status not in _DECIDED or decision.finalised_at is None:
            continue
        on = decision.decided_on or _day(decision.finalised_at)
        steps.append(
            Step(
                decision.finalised_at,
                on,
                _("%(stage)s decision") % {"stage": decision.get_stage_display()},
                _("%(outcome)s. It was later corrected.") % {"outcome": decision.get_outcome_display()}
                if decision.status == "superseded"
                else _("%(outcome)s.") % {"outcome": decision.get_outcome_display()},
            )
        )
    return sorted(steps, key=lambda s: s.at)
