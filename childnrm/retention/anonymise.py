"""Anonymising a case, or one part of it, at the end of its retention period.

What goes: names, aliases, the day of birth, addresses and places, contact details, every free-text
account, reason and note, letters as sent, packets as sent, and uploaded files (deleted from disk
once the transaction commits, so a rollback never loses a file the database still points to).

What stays, so the site's statistics stay countable: the rows themselves, sex, nationality, year and
month of birth (the day is set to the 1st), age at referral in years, the local authority, the
exploitation types and indicators (codes), county lines, location of exploitation (UK/overseas),
statutory status periods, decisions' stages, outcomes, dates and votes, and every status and date.

Rows are changed with queryset `update()`: a model's `save()` would re-derive the linkage blocking
keys from the names being removed.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date

from django.core.files.storage import default_storage
from django.db import models, transaction
from django.db.models import Q
from django.utils import timezone

from childnrm.people.models import Child

ANONYMISED_NAME = "Anonymised"
ANONYMISED_MARK = {"anonymised": True}
# Why a child's active safeguarding plan was closed when the child's record was anonymised (kept in the record).
PLAN_CLOSED_REASON = "Closed when the child's records were anonymised at the end of their retention period."


def _delete_files_after_commit(names: Iterable[str]) -> None:
    names = [n for n in names if n]

    def delete() -> None:
        for name in names:
            default_storage.delete(name)

    transaction.on_commit(delete)


def _clear(queryset: models.QuerySet, **values) -> int:
    return queryset.update(**values)


def coarse_birth_date(day: date | None) -> date | None:
    """Year and month kept (the day set to the 1st): age bands and ages at referral stay computable."""
    return day.replace(day=1) if day else None


def documents_delete(referral) -> dict[str, int]:
    """Uploaded files of the case: the referral's documents and those attached to agencies' answers."""
    from childnrm.decisions.models import DecisionEvidence
    from childnrm.information.models import ResponseDocument
    from childnrm.referrals.models import ReferralDocument

    referral_documents = ReferralDocument.objects.filter(referral=referral)
    answer_documents = ResponseDocument.objects.filter(response__request__referral=referral)
    names = list(referral_documents.values_list("file", flat=True)) + list(
        answer_documents.values_list("file", flat=True)
    )
    # Evidence that pointed at a document stays (the panel weighed it); the pointer goes with the file.
    DecisionEvidence.objects.filter(referral_document__referral=referral).update(referral_document=None)
    deleted = referral_documents.delete()[0] + answer_documents.delete()[0]
    _delete_files_after_commit(names)
    return {"documents_deleted": deleted}


def information_answers_clear(referral) -> dict[str, int]:
    from childnrm.information.models import InformationRequest, InformationResponse

    requests = _clear(
        InformationRequest.objects.filter(referral=referral), question="", purpose="", withdrawn_reason=""
    )
    answers = _clear(InformationResponse.objects.filter(request__referral=referral), text="", purpose="")
    counts = documents_of_answers_delete(referral)
    return {"information_requests_cleared": requests, "answers_cleared": answers, **counts}


def documents_of_answers_delete(referral) -> dict[str, int]:
    from childnrm.information.models import ResponseDocument

    documents = ResponseDocument.objects.filter(response__request__referral=referral)
    names = list(documents.values_list("file", flat=True))
    deleted = documents.delete()[0]
    _delete_files_after_commit(names)
    return {"documents_deleted": deleted}


def letters_clear(referral) -> dict[str, int]:
    from childnrm.letters.models import DecisionExplanation, Letter

    # When, with the mark: the letters' page says the letters were cleared, and when, instead of an empty file.
    letters = _clear(
        Letter.objects.filter(decision__referral=referral),
        content={**ANONYMISED_MARK, "at": timezone.now().isoformat()},
        pdf=b"",
    )
    _clear(DecisionExplanation.objects.filter(decision__referral=referral), explained_by_name="", child_response="")
    return {"letters_cleared": letters}


@transaction.atomic  # the approval's transaction (retention.services), or its own when called alone
def case_anonymise(referral) -> dict[str, int]:
    """The whole case: the referral and everything hung from it, then the child if no other case remains."""
    from childnrm.case_reviews.services import names_redact
    from childnrm.decisions import locks
    from childnrm.decisions.models import AgencyNilReturn, Decision, DecisionEvidence, DecisionVote, TieDeferral
    from childnrm.handovers.models import CaseTransfer
    from childnrm.panels.models import ConflictDeclaration
    from childnrm.referrals.models import AdultConsent, Referral, ReferralStatusChange, working_eighteenth_birthday
    from childnrm.reviews.models import DecisionReturn, QualityFinding, ReconsiderationRequest
    from childnrm.triage.models import OnwardReferral, TriageAssessment

    # The case's lock, which every write into the case takes (information answers, transfers, the SCA's decisions,
    # consent): one waiting for it finds the case anonymised (`referrals.anonymised`) and is refused. Taken first, in
    # the one order (`decisions.locks`): the case's decisions are changed after it, and the child's record last.
    referral = locks.case_lock(referral)
    # Case reviews of the case stay (the site's learning) with their link to it; the child's names leave their
    # words first, while the names are still there to find (case_reviews.services.names_redact).
    counts = names_redact(referral)
    counts |= documents_delete(referral)
    counts |= {k: v for k, v in information_answers_clear(referral).items() if k != "documents_deleted"}
    counts |= letters_clear(referral)

    age_years = referral.estimated_age_years
    birth = referral.date_of_birth
    if birth and referral.submitted_at:
        on = referral.submitted_at.date()
        age_years = on.year - birth.year - ((on.month, on.day) < (birth.month, birth.day))
    _clear(
        Referral.objects.filter(pk=referral.pk),
        given_names="",
        family_name="",
        aliases=[],
        date_of_birth=None,
        estimated_age_years=age_years,
        # Worked out again from the age kept: the stored birthday would otherwise give the date of birth away.
        turns_18_on=working_eighteenth_birthday(None, age_years, referral.submitted_at),
        gender_identity="",
        nhs_number="",  # the child's identifiers (issue 15)
        home_office_reference="",
        languages=[],
        ethnicity="",
        address="",
        found_location="",
        account="",
        safeguarding_notes="",
        referrer_name="",
        referrer_job_title="",
        referrer_email="",
        referrer_phone="",
        unmapped={},
        form_sections=[],  # an imported Home Office form's answers, labelled
        form_reference="",
        form_fingerprint="",
        social_worker_name="",  # the child's social worker named at referral (the local authority stays)
        social_worker_team="",
        social_worker_email="",
        social_worker_phone="",
        # From now on the case is kept for the figures, not for work: its open information requests end with it, and
        # nothing more is asked, answered, recorded or sent on (`referrals.anonymised`).
        anonymised_at=timezone.now(),
    )
    _clear(ReferralStatusChange.objects.filter(referral=referral), reason="")
    _clear(AdultConsent.objects.filter(referral=referral), notes="")  # the answer, its day and how it was asked stay
    # The rules' reasons quote the date of birth (triage.reasons); the outcome and the rules' version stay.
    _clear(TriageAssessment.objects.filter(referral=referral), override_reason="", reasons=[])
    _clear(OnwardReferral.objects.filter(referral=referral), packet=ANONYMISED_MARK)
    _clear(CaseTransfer.objects.filter(referral=referral), packet=ANONYMISED_MARK, reason="")
    # The SCA's reported decisions and the time spent on the case stay (the pilot's evaluation, the cost of the
    # panel); the words about them go.
    from childnrm.burdens.models import TimeEntry
    from childnrm.handovers.models import ScaReportedDecision

    _clear(ScaReportedDecision.objects.filter(referral=referral), correction_reason="")
    _clear(TimeEntry.objects.filter(referral=referral), note="")
    _clear(ConflictDeclaration.objects.filter(agenda_item__referral=referral), details="")
    decisions = Decision.objects.filter(referral=referral)
    counts["decisions_cleared"] = _clear(
        decisions,
        correction_reason="",
        act_reasoning="",
        purpose_reasoning="",
        credibility_reasoning="",
        wishes_and_feelings="",
        wishes_how_gathered="",
        wishes_gathered_by="",
        wishes_not_gathered_reason="",
        dissent="",
        casting_vote_reasons="",
        second_review_reasons="",
        slavery_reasoning="",  # the findings (codes) stay
        best_interests="",
        plan_in_place_reason="",
        support_after_negative="",
    )
    _clear(AgencyNilReturn.objects.filter(decision__referral=referral), statement="")
    for deferral in TieDeferral.objects.filter(decision__referral=referral):
        _clear(TieDeferral.objects.filter(pk=deferral.pk), votes=[{**v, "reasons": ""} for v in deferral.votes])
    _clear(DecisionEvidence.objects.filter(decision__referral=referral), description="", supplied_by="", weight="")
    _clear(DecisionVote.objects.filter(decision__referral=referral), reasons="")
    _clear(
        ReconsiderationRequest.objects.filter(decision__referral=referral),
        requester_name="",
        requester_organisation="",
        details="",
        late_reason_accepted="",
    )
    # Who brought someone else's request: the database wants a name there (reconsideration_request_route).
    _clear(
        ReconsiderationRequest.objects.filter(decision__referral=referral).exclude(routed_through_name=""),
        routed_through_name=ANONYMISED_NAME,
    )
    _clear(DecisionReturn.objects.filter(decision__referral=referral), export=ANONYMISED_MARK)
    _clear(QualityFinding.objects.filter(decision_return__decision__referral=referral), finding="", panel_response="")

    counts["child_anonymised"] = 0
    if referral.child_id is not None and not _other_cases_remain(referral):
        child_anonymise(locks.child_lock(referral.child_id))  # the child after the case; its records after it
        counts["child_anonymised"] = 1
    return counts


def _other_cases_remain(referral) -> bool:
    """Another case of the child not anonymised yet keeps the child's record: the child's record is anonymised with
    the last of the child's cases (`referrals.anonymised`, which reads the same marks)."""
    from childnrm.referrals.anonymised import live
    from childnrm.referrals.models import Referral

    return Referral.objects.filter(live(), child_id=referral.child_id).exclude(pk=referral.pk).exists()


def child_anonymise(child: Child) -> None:
    from childnrm.feedback.models import FeedbackSession
    from childnrm.handovers.models import AdultTransition
    from childnrm.outcomes.models import MissingEpisode, OutcomeReview
    from childnrm.people.models import (
        ChildAssociation,
        ChildBlockingKey,
        ChildLinkDecision,
        LeadSocialWorker,
        NationalLinkReview,
        PossibleEarlierRecord,
    )
    from childnrm.retention.models import LegalHold
    from childnrm.safeguarding.models import (
        ChildPlanView,
        ContextualLink,
        PlanAction,
        PlanActionUpdate,
        PlanStatus,
        SafeguardingPlan,
        StrategyDiscussion,
    )

    Child.objects.filter(pk=child.pk).update(
        given_names=ANONYMISED_NAME,
        family_name="",
        date_of_birth=coarse_birth_date(child.date_of_birth),
        date_of_birth_estimated=True,
    )
    ChildBlockingKey.objects.filter(child=child).delete()
    # Candidate pairs are derived (the search finds them again) and their evidence quotes the names.
    PossibleEarlierRecord.objects.filter(Q(child=child) | Q(earlier=child)).delete()
    _clear(ChildLinkDecision.objects.filter(Q(child_a=child) | Q(child_b=child)), reason="", evidence=[])
    # What this site's coordinators found about a national pair may describe the child: the outcome stays. The
    # database wants a reason there (national_link_review_reason).
    _clear(NationalLinkReview.objects.filter(child=child), reason=ANONYMISED_NAME)
    # The child's lead social workers over time: who, their team and contacts, and why it changed. The local authority
    # and the dates stay; the one current ends with everyone's association with the child (below). The database wants
    # a name there (lead_social_worker_named).
    now = timezone.now()
    _clear(
        LeadSocialWorker.objects.filter(child=child),
        name=ANONYMISED_NAME,
        team="",
        email="",
        phone="",
        reason="",
    )
    LeadSocialWorker.objects.filter(child=child, ends_at__isnull=True, starts_at__lte=now).update(ends_at=now)
    # Holds on the child were all lifted (else nothing was anonymised): why they were placed and lifted goes, the
    # dates and who stay (the audit trail holds the rest).
    _clear(LegalHold.objects.filter(child=child), reason="", lift_reason="")
    _clear(SafeguardingPlan.objects.filter(child=child), summary="", close_reason="")
    # The active plan ends with the record, as the plan's own close ends it (its open actions as they are): an active
    # plan would chase its owners, and invite new words, about a child whose record no longer holds them. The reason
    # is the service's own words, not the child's.
    SafeguardingPlan.objects.filter(child=child, status=PlanStatus.ACTIVE).update(
        status=PlanStatus.CLOSED, closed_at=now, closed_by=None, close_reason=PLAN_CLOSED_REASON
    )
    # The child's agreement with an action stays (agreed or not); what they said goes.
    _clear(PlanAction.objects.filter(plan__child=child), description="", owner_name="", child_agreement_note="")
    _clear(PlanActionUpdate.objects.filter(action__plan__child=child), note="")
    _clear(StrategyDiscussion.objects.filter(child=child), outcome="")
    _clear(ContextualLink.objects.filter(child=child), name="", description="")
    _clear(AdultTransition.objects.filter(child=child), notes="", adult_support_provider="")
    # Outcome follow-up: the answers chosen from lists stay (for the statistics); the words go.
    _clear(
        OutcomeReview.objects.filter(child=child),
        placement_other="",
        re_referral_details="",
        young_person_view="",
        view_not_given_reason="",
    )
    _clear(MissingEpisode.objects.filter(child=child), learned="")
    # The follow-up ends with the record: a review not yet recorded would chase its owner, and invite new words,
    # about a child whose record no longer holds them. So does everyone's association with the child (guardian,
    # social worker, the people following up): the record is kept for its figures, not for work.
    OutcomeReview.objects.filter(child=child, recorded_at__isnull=True).delete()
    ChildAssociation.objects.filter(child=child, ends_at__isnull=True).update(ends_at=now)
    # The child's own words: their views on the plan, and what would make it better. How and when they were gathered
    # stay, and so do the feedback answers chosen from the scale (for the summary).
    _clear(ChildPlanView.objects.filter(plan__child=child), in_their_words="", gathered_by_name="")
    _clear(FeedbackSession.objects.filter(child=child), better="")
