"""The decisions a sitting in session is asked to record, case by case, for its meeting page.

The meeting page belongs to panels, which may not import this app: `templating.sitting_decisions` hands the
page what is read here. Each case on the agenda asks for one decision (or two, where the agenda asks for both
stages); each is offered as "Record the decision", which starts the draft at this sitting or opens the draft
already started (decisions.services.decision_start), or, once signed off, as a link to the decision.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from childnrm.decisions.models import Decision, DecisionStatus, Stage
from childnrm.decisions.selectors import agenda_items_for
from childnrm.decisions.services import STAGES_ON_AGENDA
from childnrm.panels.models import AgendaItem, AgendaStage, Meeting, MeetingStatus

_STAGE_ORDER = (Stage.REASONABLE_GROUNDS, Stage.CONCLUSIVE_GROUNDS)
# The button's words where a case asks for both decisions, each a whole phrase.
RECORD_STAGE: dict[str, Any] = {
    Stage.REASONABLE_GROUNDS: _("Record the reasonable grounds decision"),
    Stage.CONCLUSIVE_GROUNDS: _("Record the conclusive grounds decision"),
}


@dataclass(frozen=True)
class DecisionStep:
    stage: str
    action: str  # the button's words: "Record the decision", or naming the stage when the case asks for two
    decision: Decision | None  # started at this agenda item (a draft, or signed off); None: not started here

    @property
    def recordable(self) -> bool:
        """Still to record: not started here, or a draft (the start service opens it)."""
        return self.decision is None or self.decision.status == DecisionStatus.DRAFT


def _stages(item: AgendaItem, standing: set[tuple[int, str]]) -> list[str]:
    stages = STAGES_ON_AGENDA.get(item.stage, set())
    if item.stage == AgendaStage.RECONSIDERATION:
        # A reconsideration looks again at a decision made: the stage that has one (both, if neither has).
        made = {s for s in stages if (item.referral_id, s) in standing}
        stages = made or stages
    return [s for s in _STAGE_ORDER if s in stages]


def sitting_decision_steps(user, meeting: Meeting) -> dict[int, list[DecisionStep]]:
    """For each case on the agenda of `meeting` while it is in session, on which the user may record a decision
    (decisions.selectors.agenda_items_for: the site's coordinator, the sitting's chair), the decisions it asks
    for, with the one started at this sitting if any. Empty for anyone else, and before or after the sitting."""
    if meeting.status != MeetingStatus.OPEN:
        return {}
    items = list(agenda_items_for(user).filter(meeting_id=meeting.pk))
    if not items:
        return {}
    started: dict[tuple[int | None, str], Decision] = {}
    for decision in (
        Decision.objects.filter(agenda_item__in=items).exclude(status=DecisionStatus.RETURNED).order_by("version")
    ):
        started[(decision.agenda_item_id, decision.stage)] = decision  # the newest version wins
    standing = set(
        Decision.objects.filter(
            referral_id__in=[i.referral_id for i in items], status=DecisionStatus.FINAL
        ).values_list("referral_id", "stage")
    )
    steps: dict[int, list[DecisionStep]] = {}
    for item in items:
        stages = _stages(item, standing)
        steps[item.pk] = [
            DecisionStep(
                stage=stage,
                action=gettext("Record the decision") if len(stages) == 1 else str(RECORD_STAGE[stage]),
                decision=started.get((item.pk, stage)),
            )
            for stage in stages
        ]
    return steps
