"""The decisions that stand, as their referral keeps them: `Referral.standing_rg_decided_on`, `standing_rg_outcome`
and `standing_cg_decided_on`.

The version of a stage that stands is its one final version (a DB constraint). A stage, once decided, stays
decided: a correction, a second review's agreement or a reconsideration finalises a new version that supersedes
the old, and the referral then keeps the new one's date and outcome. Nothing makes a final decision un-final, and
reviews (reconsideration requests, returns to the SCA) and the SCA's own reported decisions on handed-off cases
write no decision. So the referral is kept right by `record_standing`, which the decisions service calls whenever a
version becomes final; `refresh_standing` works the same from the decisions table (seeding, backfills, test data written
with the ORM).
"""

from __future__ import annotations

from typing import Any

from django.db.models import OuterRef, QuerySet, Subquery, Value
from django.db.models.functions import Coalesce

from childnrm.decisions.models import Decision, DecisionStatus, Stage
from childnrm.referrals.models import Referral


def record_standing(decision: Decision) -> None:
    """`decision` now stands for its stage (it is being made final): its referral keeps its date and outcome."""
    fields: dict[str, Any]
    if decision.stage == Stage.REASONABLE_GROUNDS:
        fields = {"standing_rg_decided_on": decision.decided_on, "standing_rg_outcome": decision.outcome}
    else:
        fields = {"standing_cg_decided_on": decision.decided_on}
    Referral.objects.filter(pk=decision.referral_id).update(**fields)
    if Decision.referral.is_cached(decision):  # the copy in hand says the same
        for name, value in fields.items():
            setattr(decision.referral, name, value)


def refresh_standing(referrals: QuerySet[Referral]) -> int:
    """Set the standing decisions of `referrals` from the decisions table, in one statement. Returns the rows."""
    standing = Decision.objects.filter(referral=OuterRef("pk"), status=DecisionStatus.FINAL)
    rg = standing.filter(stage=Stage.REASONABLE_GROUNDS)
    cg = standing.filter(stage=Stage.CONCLUSIVE_GROUNDS)
    return referrals.update(
        standing_rg_decided_on=Subquery(rg.values("decided_on")[:1]),
        standing_rg_outcome=Coalesce(Subquery(rg.values("outcome")[:1]), Value("")),
        standing_cg_decided_on=Subquery(cg.values("decided_on")[:1]),
    )
