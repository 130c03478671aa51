"""One ServiceError base and one way to put it on a form; the completeness check's problems carry stable codes."""

from __future__ import annotations

import pytest
from django import forms
from django.urls import reverse

from childnrm.accounts.models import Role
from childnrm.accounts.policy import PolicyInvalid
from childnrm.decisions import services as decision_services
from childnrm.decisions.tests.factories import draft_decision
from childnrm.decisions.views import PROBLEM_PAGES, SITTING_PROBLEMS, problem_links
from childnrm.kit.errors import Problem, ServiceError, add_to_form
from childnrm.panels.services import ConflictsInvalid, PanelError
from conftest import demo_user


class ReasonForm(forms.Form):
    reason = forms.CharField()
    day = forms.DateField()


def bound() -> ReasonForm:
    form = ReasonForm({"reason": "Because", "day": "2026-01-05"})
    assert form.is_valid()
    return form


def test_a_refusal_about_a_field_the_form_has_is_shown_against_that_field():
    form = bound()
    add_to_form(form, ServiceError("Enter why the records must be kept", field="reason"))
    assert form.errors == {"reason": ["Enter why the records must be kept"]}
    assert not form.is_valid()


@pytest.mark.parametrize("field", [None, "", "child_reference"])
def test_a_refusal_with_no_field_or_one_the_form_lacks_is_about_the_whole_form(field):
    form = bound()
    add_to_form(form, ServiceError("You cannot place a legal hold at this site", field=field))
    assert form.non_field_errors() == ["You cannot place a legal hold at this site"]
    assert form["reason"].errors == [] and form["day"].errors == []


def test_the_message_is_the_exception_and_old_except_clauses_still_catch_it():
    refusal = PanelError("Choose a chair before opening the sitting", field="chair", code="no-chair")
    assert str(refusal) == refusal.message == "Choose a chair before opening the sitting"
    assert (refusal.field, refusal.code) == ("chair", "no-chair")
    with pytest.raises(ValueError, match="Choose a chair"):  # PanelError was a ValueError before the base
        raise refusal
    assert isinstance(refusal, ServiceError)


def test_a_refusal_of_several_fields_puts_every_one_on_the_form():
    form = bound()
    add_to_form(form, PolicyInvalid({"reason": "Enter the reason for the change", None: "Nothing has changed"}))
    assert form.errors["reason"] == ["Enter the reason for the change"]
    assert form.non_field_errors() == ["Nothing has changed"]

    form = bound()
    add_to_form(form, ConflictsInvalid({"day": "Select whether they have a conflict", "a9-details": "Describe it"}))
    assert form.errors["day"] == ["Select whether they have a conflict"]
    assert form.non_field_errors() == ["Describe it"]  # a row the form does not have: still shown


def test_a_problem_reads_as_its_message():
    problem = Problem("best-interests", "Record how the decision and the plan serve the child's best interests")
    assert str(problem) == problem.message
    assert problem == Problem("best-interests", problem.message)


# The decision's completeness check -----------------------------------------------------------------------


def test_a_new_draft_lists_its_problems_by_stable_codes(demo):
    decision = draft_decision("northbridge")
    problems = decision_services.decision_completeness(decision)
    assert [p.code for p in problems] == [
        "evidence-missing",
        "agency-input",
        "agency-input",
        "agency-input",
        "act-finding",
        "act-reasoning",
        "purpose-finding",
        "purpose-reasoning",
        "credibility-reasoning",
        "wishes-gathered",
        "vote-missing",
        "outcome-missing",
        "decided-on-missing",
        "best-interests",
    ]
    with pytest.raises(decision_services.DecisionIncomplete) as refused:
        decision_services.decision_finalise(decision=decision, user=decision.meeting.chair)
    assert refused.value.problems == problems
    assert str(refused.value) == "; ".join(p.message for p in problems)


def test_each_problem_links_to_its_page_by_code_not_by_its_words(demo):
    decision = draft_decision("northbridge")
    coordinator = demo_user(Role.COORDINATOR)
    # A retired reason whose label mentions evidence: the words once sent the chair to the evidence page.
    retired = Problem("negative-reason-retired", "“Insufficient evidence” is no longer in use. Select another reason")
    chair = Problem("original-chair", "Sam Chair chaired the decision being reconsidered")
    consent = Problem("adult-consent-missing", "Record the young person's consent to remain in the NRM")
    links = problem_links(coordinator, decision, [retired, chair, consent])
    assert links == [
        (reverse("decisions:section-outcome", args=[decision.pk]), retired.message),
        (reverse("panels:meeting", args=[decision.meeting_id]), chair.message),
        (reverse("decisions:record", args=[decision.pk]), consent.message),
    ]
    assert not set(PROBLEM_PAGES) & SITTING_PROBLEMS
