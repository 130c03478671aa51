"""Who decides, as the referral keeps it: `Referral.standing_triage_outcome`, the outcome of its latest assessment.

The latest assessment is the latest by `assessed_at`, then by id: the order of `TriageAssessment.Meta`, in which the
triage page, the services (which lock and confirm `triage_assessments.first()`), the API and the referrer's pages all
read it. Its outcome is the coordinator's once confirmed (`final_outcome`), the engine's until then.

Every assessment is written by the triage services: the engine's first on submission (`first_triage`), the
coordinator's confirmation or override (`triage_confirm`), a transfer's new assessment at the receiving site
(`_receive`) and one after the facts are corrected (`triage_correct_facts`); each calls `record_outcome` in the same
transaction, on the referral it holds locked. `refresh_outcomes` works the same from the assessments table
(backdated demo cases, backfills, seeding).
"""

from __future__ import annotations

from django.db.models import Case, F, OuterRef, QuerySet, Subquery, Value, When
from django.db.models.functions import Coalesce

from childnrm.referrals.models import Referral
from childnrm.triage.models import TriageAssessment


def outcome_of(assessment: TriageAssessment) -> str:
    """Who decides, as `assessment` says: the coordinator's outcome once confirmed, else the engine's."""
    return assessment.final_outcome or assessment.outcome


def record_outcome(referral: Referral, assessment: TriageAssessment) -> None:
    """`assessment`, just written (made, confirmed or changed), is `referral`'s latest: the referral keeps its outcome,
    in the database and on the copy in hand."""
    outcome = outcome_of(assessment)
    Referral.objects.filter(pk=referral.pk).update(standing_triage_outcome=outcome)
    referral.standing_triage_outcome = outcome


def latest_outcome() -> Subquery:
    """The outcome of the latest assessment of the referral `OuterRef("pk")`, as a subquery (null if none)."""
    latest = TriageAssessment.objects.filter(referral=OuterRef("pk")).order_by("-assessed_at", "-id")
    kept = Case(When(final_outcome="", then=F("outcome")), default=F("final_outcome"))
    return Subquery(latest.annotate(kept=kept).values("kept")[:1])


def refresh_outcomes(referrals: QuerySet[Referral]) -> int:
    """Set `standing_triage_outcome` of `referrals` from the assessments table, in one statement. Returns the rows."""
    return referrals.update(standing_triage_outcome=Coalesce(latest_outcome(), Value("")))
