"""Anonymising a case leaves none of the child's details behind, in any record linked to the case or the child.

The guard at the end reads `retention/anonymise.py` itself: every text field of every model linked to a referral or a
child (directly or through other such models) must be cleared or coarsened there, belong to a model deleted there, or
be on `HOLDS_NO_PERSONAL_DATA` below with the reason. A new text field therefore fails the suite until someone decides
which it is (ADR 0008: "a new personal field must be added to anonymise.py").
"""

from __future__ import annotations

import ast
import inspect
import re
from datetime import date

from django.apps import apps
from django.db import models
from django.utils import timezone

from childnrm.accounts.models import Role
from childnrm.decisions.models import Decision
from childnrm.handovers.tests.case_records import linked_models
from childnrm.people.models import Child, LeadSocialWorker
from childnrm.people.services import lead_social_worker_record
from childnrm.referrals.models import AdultConsent, Referral
from childnrm.retention import anonymise
from childnrm.retention.schedule import add_years
from childnrm.retention.services import retention_items_approve
from childnrm.retention.tests.test_retention import BORN, decided_case, listed
from childnrm.triage.models import TriageAssessment
from conftest import demo_user

WORDS = "Amira Haile, who lives at 12 Canal Street"


def _anonymise(referral):
    today = add_years(BORN, 25)
    item = listed(referral, today)
    result = retention_items_approve(
        user=demo_user(Role.DATA_PROTECTION_OFFICER), site=referral.site, item_ids=[item.pk], today=today
    )
    assert result.anonymised == [item.pk], result.refused


def test_decision_reasoning_fields_are_cleared(demo):
    referral = decided_case()
    Decision.objects.filter(referral=referral).update(
        best_interests=WORDS, slavery_reasoning=WORDS, plan_in_place_reason=WORDS, support_after_negative=WORDS
    )
    _anonymise(referral)
    left = {
        name: value
        for d in Decision.objects.filter(referral=referral)
        for name, value in (
            ("best_interests", d.best_interests),
            ("slavery_reasoning", d.slavery_reasoning),
            ("plan_in_place_reason", d.plan_in_place_reason),
            ("support_after_negative", d.support_after_negative),
        )
        if WORDS in value
    }
    assert left == {}, f"still holding the child's details after anonymisation: {sorted(left)}"


def test_adult_consent_notes_are_cleared(demo):
    referral = decided_case()
    consent = AdultConsent.objects.create(
        referral=referral,
        answer="given",
        given_on=date(2018, 3, 1),
        method="in_person",
        notes=WORDS,
        recorded_by=demo_user(Role.COORDINATOR),
    )
    _anonymise(referral)
    consent.refresh_from_db()
    # The answer, its day and how it was asked stay (the young person's consent is a fact of the case).
    assert (consent.notes, consent.answer, consent.given_on) == ("", "given", date(2018, 3, 1))


def test_the_childs_social_workers_are_cleared_and_the_current_one_ends(demo):
    referral = decided_case()
    Referral.objects.filter(pk=referral.pk).update(
        social_worker_name="Sam Social",
        social_worker_team="Canal Street team",
        social_worker_email="sam@example.org",
        social_worker_phone="0123",
    )
    lead = lead_social_worker_record(
        child=Child.objects.get(pk=referral.child_id),
        user=demo_user(Role.COORDINATOR),
        name="Sam Social",
        team="Canal Street team",
        email="sam@example.org",
        phone="0123 456",
        reason=f"Moved to {WORDS}",
    )
    _anonymise(referral)
    referral.refresh_from_db()
    assert (
        referral.social_worker_name,
        referral.social_worker_team,
        referral.social_worker_email,
        referral.social_worker_phone,
    ) == ("", "", "", "")
    lead = LeadSocialWorker.objects.get(pk=lead.pk)
    assert (lead.name, lead.team, lead.email, lead.phone, lead.reason) == (anonymise.ANONYMISED_NAME, "", "", "", "")
    assert lead.ends_at is not None  # nobody leads a record kept only for its figures


def test_the_rules_reasons_which_quote_the_date_of_birth_are_cleared(demo):
    referral = decided_case()
    TriageAssessment.objects.filter(referral=referral).update(
        reasons=["On the date of birth given (15 March 2000), the child was under 18."]
    )
    _anonymise(referral)
    assert [a.reasons for a in TriageAssessment.objects.filter(referral=referral)] == [[]]


def test_anonymising_marks_the_case_with_when(demo):
    referral = decided_case()
    before = timezone.now()
    _anonymise(referral)
    referral.refresh_from_db()
    assert referral.anonymised_at is not None and referral.anonymised_at >= before


# ------------------------------------------------------------------------------------------------
# The guard: no text field of a case's or a child's records is left undecided
# ------------------------------------------------------------------------------------------------

# Text fields (free text and JSON) of records linked to a case or a child that anonymisation keeps, each with why it
# holds no personal data. A field with choices holds a code and needs no entry.
HOLDS_NO_PERSONAL_DATA: dict[str, str] = {
    # References, fingerprints and the service's own bookkeeping.
    "referrals.Referral.reference": "the case's reference (the DPO's list shows it)",
    "people.Child.reference": "the child record's reference",
    "information.InformationRequest.reference": "the request's reference",
    "people.NationalLinkPair.key": "the pair's random address",
    "referrals.Referral.sections_saved": "which web form sections were saved (section names)",
    "referrals.Referral.standing_rg_outcome": "an outcome code",
    "referrals.Referral.standing_triage_outcome": "a triage outcome code",
    "handovers.CaseTransfer.sha256": "the fingerprint of the packet as sent (kept as proof of what was sent)",
    "triage.OnwardReferral.sha256": "the fingerprint of the packet as sent",
    "letters.Letter.sha256": "the letter's hash (docs/retention.md: kept)",
    "reviews.DecisionReturn.sha256": "the fingerprint of the record as sent",
    "reviews.DecisionReturn.sent_reference": "the referral's reference, as the returns list shows it",
    "reviews.DecisionReturn.sent_stage": "the decision's stage, as the returns list shows it",
    "reviews.DecisionReturn.sent_version": "the decision's version, as the returns list shows it",
    "reviews.DecisionReturn.sent_outcome": "the decision's outcome, as the returns list shows it",
    "feedback.FeedbackSession.started_as": "what the practitioner is to the child (an association kind code)",
    "feedback.FeedbackSession.code_hash": "the hash of the child's one-time code",
    "api.IdempotencyRecord.key": "the client's idempotency key",
    "api.IdempotencyRecord.request_hash": "a hash of the request",
    "api.IdempotencyRecord.response_body": "the reference, status, site and field names the API answered",
    "retention.RetentionItem.rule": "the rule as described (words of the schedule)",
    "retention.RetentionItem.summary": "counts of what was cleared",
    # Codes and lists of codes: the figures the record is kept for (docs/retention.md, "Kept").
    "referrals.Referral.nationalities": "country codes (kept for the statistics)",
    "people.Child.nationalities": "country codes (kept for the statistics)",
    "referrals.Referral.exploitation_types": "exploitation type codes",
    "referrals.Referral.indicators": "indicator codes",
    "decisions.Decision.guidance_version": "the guidance version applied",
    "decisions.Decision.test_applied": "the test as the guidance words it",
    "decisions.Decision.act_found": "act codes",
    "decisions.Decision.purpose_found": "exploitation type codes",
    "decisions.Decision.exploitation_types": "exploitation type codes",
    "decisions.Decision.indicators": "indicator codes",
    "decisions.Decision.slavery_found": "slavery finding codes",
    "triage.TriageAssessment.rules_version": "the triage rules' version",
    "reviews.ReconsiderationRequest.grounds": "reconsideration ground codes",
    "safeguarding.StrategyDiscussion.agencies": "agency codes present",
    "outcomes.OutcomeReview.exploitation_types": "exploitation type codes",
    "outcomes.OutcomeReview.justice": "justice outcome codes",
    "outcomes.OutcomeReview.support": "support codes",
    "outcomes.OutcomeFollowUp.months": "months after the decision",
    "outcomes.MissingEpisode.guardians_told": "ids of the staff told the child is missing (no words about the child)",
    # Roles and the law, never a person's name or the child's details.
    "letters.DecisionExplanation.explained_by_role": "the explainer's role (their name is cleared)",
    "safeguarding.ChildPlanView.gathered_by_role": "the gatherer's role (their name is cleared)",
    "information.InformationRequest.lawful_basis_detail": (
        "the law relied on, stated in full (docs/retention.md: the request's lawful basis stays)"
    ),
}

# Relations that tie a row to the case or the child: a delete filtered on nothing else takes every row of the model
# that belongs to the case or child (a delete filtered on more, such as the follow-up reviews still to come, does not).
_LINKS = re.compile(r"(^|__)(referral|child|earlier)$")


def _root_and_filter(node: ast.AST, names: dict[str, tuple[str, list[str]]]) -> tuple[str, list[str]] | None:
    """The model a queryset expression starts from (`Model.objects...` or a name assigned one) and its filter's keys."""
    keys: list[str] = []
    while isinstance(node, ast.Call | ast.Attribute):
        if isinstance(node, ast.Call):
            if isinstance(node.func, ast.Attribute) and node.func.attr in ("filter", "exclude"):
                keys += [k.arg for k in node.keywords if k.arg]
                for arg in node.args:  # Q(...) | Q(...)
                    keys += [k.arg for k in ast.walk(arg) if isinstance(k, ast.keyword) and k.arg]
            node = node.func
        else:
            if node.attr == "objects" and isinstance(node.value, ast.Name):
                return node.value.id, keys
            node = node.value
    if isinstance(node, ast.Name) and node.id in names:
        model, more = names[node.id]
        return model, more + keys
    return None


def _handled_by_anonymise() -> tuple[dict[str, set[str]], set[str]]:
    """From anonymise.py's source: the fields each model has cleared or coarsened, and the models deleted whole."""
    cleared: dict[str, set[str]] = {}
    deleted: set[str] = set()
    tree = ast.parse(inspect.getsource(anonymise))
    for function in [n for n in ast.walk(tree) if isinstance(n, ast.FunctionDef)]:
        names: dict[str, tuple[str, list[str]]] = {}
        for node in ast.walk(function):
            if isinstance(node, ast.Assign) and len(node.targets) == 1 and isinstance(node.targets[0], ast.Name):
                found = _root_and_filter(node.value, names)
                if found:
                    names[node.targets[0].id] = found
        for node in ast.walk(function):
            if not isinstance(node, ast.Call):
                continue
            func = node.func
            if isinstance(func, ast.Name) and func.id == "_clear" and node.args:
                found = _root_and_filter(node.args[0], names)
                if found:
                    cleared.setdefault(found[0], set()).update(k.arg for k in node.keywords if k.arg)
            elif isinstance(func, ast.Attribute) and func.attr == "update":
                found = _root_and_filter(func.value, names)
                if found:
                    cleared.setdefault(found[0], set()).update(k.arg for k in node.keywords if k.arg)
            elif isinstance(func, ast.Attribute) and func.attr == "delete":
                found = _root_and_filter(func.value, names)
                # Only a delete of the model's every row of the case or child counts (not, say, the reviews to come).
                if found and found[1] and all(_LINKS.search(k) for k in found[1]):
                    deleted.add(found[0])
    return cleared, deleted


def _text_fields(model: type[models.Model]) -> list[str]:
    return [
        f.name
        for f in model._meta.concrete_fields
        if isinstance(f, models.CharField | models.TextField | models.JSONField) and not f.choices
    ]


def test_every_text_field_of_a_case_or_child_is_cleared_or_said_to_hold_no_personal_data():
    cleared, deleted = _handled_by_anonymise()
    linked = linked_models()
    by_name = {m.__name__: m for m in linked}
    assert len(by_name) == len(linked), "two linked models share a class name: the guard cannot tell them apart"
    assert {*cleared, *deleted} <= {m.__name__ for m in apps.get_models()}, "anonymise.py names an unknown model"
    undecided = [
        f"{model._meta.label}.{name}"
        for model in linked
        if model.__name__ not in deleted
        for name in _text_fields(model)
        if name not in cleared.get(model.__name__, set())
        and f"{model._meta.label}.{name}" not in HOLDS_NO_PERSONAL_DATA
    ]
    assert undecided == [], (
        "Text fields of a case's or a child's records that anonymisation neither clears nor is told hold no personal "
        "data: clear them in retention/anonymise.py, or add them to HOLDS_NO_PERSONAL_DATA with the reason: "
        f"{undecided}"
    )
    # The list names only text fields of such records that are kept: one cleared after all, or gone, comes off it.
    kept = {
        f"{model._meta.label}.{name}"
        for model in linked
        if model.__name__ not in deleted
        for name in _text_fields(model)
        if name not in cleared.get(model.__name__, set())
    }
    stale = sorted(set(HOLDS_NO_PERSONAL_DATA) - kept)
    assert stale == [], f"HOLDS_NO_PERSONAL_DATA names fields that are not kept text fields of such records: {stale}"
