"""Issue 8, rules 3, 4 and 6, at the service boundary: honest negative decisions (each element found or not,
with reasons; a coded negative reason consistent with the findings; s1 without an act), best interests before
sign-off, and a decision that is never only a status (the plan of a positive reasonable grounds decision, the
support after a negative one). What is printed (record, export, letter) lists only what was found."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.urls import reverse
from django.utils import timezone

from childnrm.accounts.models import Role
from childnrm.decisions import export, services
from childnrm.decisions.models import (
    Act,
    ActFinding,
    Decision,
    DecisionStatus,
    NegativeReason,
    Outcome,
    PlanBasis,
    PurposeFinding,
    SlaveryFinding,
    Stage,
)
from childnrm.decisions.tests.factories import demo, draft_decision, final_decision, record_complete, sitting
from childnrm.letters.content import Contact, LetterPeople, letter_text, referrer_letter
from childnrm.panels.models import AgendaStage
from childnrm.reviews import export as sca_return
from childnrm.safeguarding.models import PlanStatus, SafeguardingPlan, StatutoryKind
from childnrm.safeguarding.services import plan_close, plan_create, statutory_period_add

SITE = "northbridge"
PEOPLE = LetterPeople(coordinator=Contact("Pat Coordinator"), site_name="Northbridge panel")

NO_ACT = {
    "act_finding": ActFinding.NOT_FOUND,
    "act_found": [],
    "act_reasoning": "He travelled alone to see his cousin; no one arranged or controlled the journey.",
    "negative_reason": "act-not-met",
    "support_after_negative": "Early help family support and a youth worker each week.",
}


def missing(decision) -> list[str]:
    """What the completeness check lists, in the words the chair reads."""
    return [p.message for p in services.decision_completeness(decision)]


def coordinator():
    return demo(Role.COORDINATOR, SITE)


def save(decision: Decision, **data) -> Decision:
    return services.decision_save(decision=decision, user=coordinator(), data=data)


def finalise(decision: Decision) -> Decision:
    return services.decision_finalise(decision=decision, user=decision.meeting.chair)


def negative_draft(**overrides) -> Decision:
    """A complete negative reasonable grounds draft: no act found, coded act-not-met."""
    decision = record_complete(draft_decision(SITE), outcome=Outcome.NEGATIVE, decided_on=timezone.localdate())
    return save(decision, **{**NO_ACT, **overrides})


def letter(decision: Decision) -> str:
    decision = Decision.objects.select_related("referral__site", "negative_reason").get(pk=decision.pk)
    return letter_text(referrer_letter(decision, people=PEOPLE, reconsider_by=timezone.localdate()))


# --- Rule 3: honest negative decisions -------------------------------------------------------------------


def test_a_negative_decision_with_no_act_found_is_finalised_and_printed_without_any_act(demo):
    decision = negative_draft()
    assert missing(decision) == []
    final = finalise(decision)
    assert final.status in (DecisionStatus.FINAL, DecisionStatus.SECOND_REVIEW)

    data = export.decision_export(final)
    assert data["act_finding"] == ActFinding.NOT_FOUND and data["act_found"] == []
    sent = sca_return.readable(sca_return.decision_export(final))  # the SCA return, as its page lays it out
    printed = " ".join(text for section in sent for _label, text in section["rows"])
    assert "The panel found no act of trafficking" in printed and "recruitment" not in printed.lower()
    assert data["negative_reason"] == {"code": "act-not-met", "label": "The act element was not met"}
    text = letter(final)
    assert "The panel did not find an act of trafficking" in text
    assert "The act element was not met" in text and NO_ACT["act_reasoning"] in text
    assert "Recruitment" not in text and "Transport" not in text


def test_an_act_ticked_as_found_with_not_found_is_refused_and_a_change_of_finding_clears_the_ticks(demo):
    decision = draft_decision(SITE)
    with pytest.raises(services.DecisionInvalid, match="found no act of trafficking, so select no acts") as refused:
        save(decision, act_finding=ActFinding.NOT_FOUND, act_found=[Act.RECRUITMENT])
    assert refused.value.field == "act_found"

    decision = save(decision, act_found=[Act.RECRUITMENT])
    assert decision.act_finding == ActFinding.FOUND  # ticking what was found states the finding
    decision = save(decision, act_finding=ActFinding.NOT_FOUND)
    assert decision.act_found == []
    with pytest.raises(services.DecisionInvalid, match="found no act"):
        save(decision, act_found=[Act.TRANSPORT])
    decision = save(decision, purpose_found=["criminal"], purpose_finding=PurposeFinding.FOUND)
    decision = save(decision, purpose_finding=PurposeFinding.NOT_FOUND)
    assert decision.purpose_found == []
    with pytest.raises(services.DecisionInvalid, match="Select whether the panel found an act"):
        save(decision, act_finding="maybe")


def test_each_element_is_recorded_either_way_with_reasons(demo):
    decision = draft_decision(SITE)
    problems = missing(decision)
    assert "Record whether the panel found an act of trafficking" in problems
    assert "Record whether the panel found an exploitative purpose" in problems
    assert "Enter the panel's reasons on the act" in problems
    decision = save(decision, act_finding=ActFinding.FOUND, purpose_finding=PurposeFinding.NOT_FOUND)
    problems = missing(decision)
    assert "Select the acts the panel found" in problems
    assert "Enter the panel's reasons on the exploitative purpose" in problems
    assert "Select the exploitative purposes the panel found" not in problems  # none found, none to select


def test_a_negative_decision_needs_a_coded_reason(demo):
    decision = negative_draft(negative_reason=None)
    assert "Select the reason for the negative decision" in missing(decision)
    with pytest.raises(services.DecisionIncomplete, match="Select the reason for the negative decision"):
        finalise(decision)
    with pytest.raises(services.DecisionInvalid, match="from the list"):
        save(decision, negative_reason="no-such-code")


def test_the_coded_reason_must_agree_with_the_findings(demo):
    # "Purpose not met" while the panel found the purpose (and found no act): the reason says something else.
    decision = negative_draft(negative_reason="purpose-not-met", purpose_finding=PurposeFinding.FOUND)
    decision = save(decision, purpose_found=["criminal"])
    problems = missing(decision)
    assert any("needs the panel found no exploitative purpose" in p for p in problems)
    decision = save(decision, negative_reason="act-not-met")
    assert missing(decision) == []


def test_a_negative_decision_cannot_be_finalised_as_if_everything_were_found(demo):
    decision = negative_draft(act_finding=ActFinding.FOUND, act_found=[Act.RECRUITMENT], negative_reason="not-credible")
    decision = save(decision, purpose_finding=PurposeFinding.FOUND, purpose_found=["criminal"])
    problems = missing(decision)
    assert "A negative decision cannot record every element as found. Record which element was not met" in problems
    with pytest.raises(services.DecisionIncomplete):
        finalise(decision)


def test_a_retired_reason_is_offered_no_more_and_blocks_sign_off(demo):
    decision = negative_draft()
    NegativeReason.objects.filter(code="act-not-met").update(active=False)
    decision.refresh_from_db()
    assert any("is no longer in use" in p for p in missing(decision))
    fresh = draft_decision(SITE)
    with pytest.raises(services.DecisionInvalid, match="no longer in use"):
        save(fresh, negative_reason="act-not-met")


def test_a_positive_decision_needs_the_elements_found_and_carries_no_negative_reason(demo):
    decision = record_complete(draft_decision(SITE), outcome=Outcome.POSITIVE, decided_on=timezone.localdate())
    decision = save(decision, purpose_finding=PurposeFinding.NOT_FOUND)
    problems = missing(decision)
    assert any(p.startswith("A positive decision needs the act and an exploitative purpose found") for p in problems)
    decision = save(decision, purpose_finding=PurposeFinding.FOUND, purpose_found=["criminal"])
    with pytest.raises(services.DecisionInvalid, match="no reason for a negative decision"):
        save(decision, negative_reason="act-not-met")
    # Turning a negative decision positive drops its coded reason.
    negative = negative_draft()
    assert negative.negative_reason.code == "act-not-met"
    negative = save(negative, outcome=Outcome.POSITIVE)
    assert negative.negative_reason is None


def test_slavery_servitude_or_forced_labour_is_positive_without_a_trafficking_act(demo):
    decision = record_complete(draft_decision(SITE), outcome=Outcome.POSITIVE, decided_on=timezone.localdate())
    decision = save(
        decision,
        act_finding=ActFinding.NOT_NEEDED,
        act_reasoning="",
        slavery_found=[SlaveryFinding.FORCED_LABOUR],
        purpose_finding="",
        purpose_reasoning="",
    )
    assert decision.act_found == []  # "not needed" cleared the ticked acts
    assert missing(decision) == [
        "Enter the panel's reasons for finding slavery, servitude or forced or compulsory labour"
    ]
    decision = save(decision, slavery_reasoning="Made to work in a car wash for no pay under threat.")
    assert missing(decision) == []
    final = finalise(decision)
    text = letter(final)
    assert "None is needed: the panel found slavery, servitude or forced or compulsory labour" in text
    assert "Forced or compulsory labour" in text
    # "Not needed" is only for s1: without it ticked, the record is incomplete.
    other = record_complete(draft_decision(SITE), outcome=Outcome.POSITIVE, decided_on=timezone.localdate())
    other = save(other, act_finding=ActFinding.NOT_NEEDED)
    assert any(p.startswith("Select the slavery, servitude") for p in missing(other))


def test_the_negative_reasons_command_lists_adds_and_retires(demo, capsys):
    call_command("negative_reasons", "add", "age-disputed", "The child's age was not established")
    assert NegativeReason.objects.get(code="age-disputed").active
    call_command("negative_reasons", "retire", "age-disputed")
    assert not NegativeReason.objects.get(code="age-disputed").active
    call_command("negative_reasons", "list")
    out = capsys.readouterr().out
    assert "act-not-met\tactive" in out and "age-disputed\tretired" in out
    with pytest.raises(CommandError, match="already in the list"):
        call_command("negative_reasons", "add", "act-not-met", "Again")
    with pytest.raises(CommandError, match="lower-case"):
        call_command("negative_reasons", "add", "Bad Code", "Label")


# --- Rule 4: best interests --------------------------------------------------------------------------------


def test_best_interests_are_required_before_sign_off_and_printed(demo):
    decision = negative_draft(best_interests="")
    problems = missing(decision)
    assert "Record how the decision and the plan serve the child's best interests" in problems
    with pytest.raises(services.DecisionIncomplete, match="best interests"):
        finalise(decision)
    decision = save(decision, best_interests="Stays with his aunt; the plan keeps him in school.")
    final = finalise(decision)
    assert export.decision_export(final)["best_interests"] == "Stays with his aunt; the plan keeps him in school."
    assert "The child's best interests\nStays with his aunt; the plan keeps him in school." in letter(final)


# --- Rule 6: a decision is never only a status ---------------------------------------------------------


def positive_rg(**data) -> Decision:
    """A complete positive reasonable grounds draft, its plan not yet recorded."""
    decision = record_complete(draft_decision(SITE), outcome=Outcome.POSITIVE, decided_on=timezone.localdate())
    SafeguardingPlan.objects.filter(child=decision.referral.child).delete()  # the factory agreed one
    return save(decision, **{"plan_basis": "", "plan_in_place_reason": "", **data})


def test_a_positive_rg_needs_a_plan_agreed_at_the_same_sitting(demo):
    decision = positive_rg()
    assert any(p.startswith("Record how the child is protected") for p in missing(decision))
    decision = save(decision, plan_basis=PlanBasis.AGREED_AT_SITTING)
    problems = missing(decision)
    assert any(p.startswith("No safeguarding plan agreed at this sitting is recorded") for p in problems)
    with pytest.raises(services.DecisionIncomplete, match="safeguarding plan agreed at this sitting"):
        finalise(decision)

    # A plan agreed at another sitting is not "agreed at this sitting".
    other = sitting(SITE, stage=AgendaStage.REASONABLE_GROUNDS)
    plan = plan_create(
        child=decision.referral.child, user=coordinator(), meeting=other, summary="Elsewhere", next_review_on=None
    )
    assert any(p.startswith("No safeguarding plan agreed at this sitting") for p in missing(decision))
    plan_close(plan=plan, user=coordinator(), reason="Replaced at the sitting")
    plan_create(
        child=decision.referral.child,
        user=coordinator(),
        meeting=decision.meeting,
        decision=decision,
        summary="Agreed at the sitting",
        next_review_on=None,
    )
    assert missing(decision) == []
    assert finalise(decision).status == DecisionStatus.FINAL


def test_a_positive_rg_may_rely_on_a_plan_already_in_place_with_a_reason(demo):
    decision = positive_rg(plan_basis=PlanBasis.ALREADY_IN_PLACE)
    assert "Enter why the plan already in place protects the child" in missing(decision)
    decision = save(decision, plan_in_place_reason="The child protection plan covers the exploitation.")
    problems = missing(decision)
    assert any(p.startswith("No safeguarding plan or statutory plan") for p in problems)
    statutory_period_add(
        child=decision.referral.child,
        user=coordinator(),
        kind=StatutoryKind.CHILD_PROTECTION_PLAN,
        starts_on=timezone.localdate() - timedelta(days=30),
        ends_on=None,
    )
    assert missing(decision) == []
    final = finalise(decision)
    assert export.decision_export(final)["plan_basis"] == PlanBasis.ALREADY_IN_PLACE


def test_an_ended_statutory_period_is_not_a_plan_in_place(demo):
    decision = positive_rg(plan_basis=PlanBasis.ALREADY_IN_PLACE, plan_in_place_reason="The old plan.")
    child = decision.referral.child
    statutory_period_add(
        child=child,
        user=coordinator(),
        kind=StatutoryKind.CHILD_IN_NEED,
        starts_on=timezone.localdate() - timedelta(days=90),
        ends_on=timezone.localdate() - timedelta(days=10),
    )
    assert any(p.startswith("No safeguarding plan") for p in missing(decision))
    assert not SafeguardingPlan.objects.filter(child=child, status=PlanStatus.ACTIVE).exists()


def test_only_a_positive_reasonable_grounds_decision_needs_the_plan(demo):
    cg = final_decision(SITE, stage=Stage.CONCLUSIVE_GROUNDS)
    assert cg.plan_basis == ""  # the conclusive grounds decision follows the plan already agreed
    negative = negative_draft()
    assert negative.plan_basis == "" and missing(negative) == []


def test_a_negative_decision_records_the_support_the_child_will_still_get(demo):
    decision = negative_draft(support_after_negative="")
    assert "Record the support the child will still get after this negative decision" in missing(decision)
    decision = save(decision, support_after_negative="A youth worker each week and a school mentor.")
    final = finalise(decision)
    assert "The support the child will still get: A youth worker each week and a school mentor." in letter(final)
    assert export.decision_export(final)["support_after_negative"] == "A youth worker each week and a school mentor."


def test_decisions_reach_the_plan_only_through_the_registered_check():
    from childnrm.decisions import checks
    from childnrm.safeguarding.decision_checks import plan_problems

    assert plan_problems in checks._finalise_checks
    source = Path(services.__file__).read_text() + Path(checks.__file__).read_text()
    assert "childnrm.safeguarding" not in source


# --- The pages: what the record shows, and the sections that save these parts ----------------------------


def test_the_record_page_prints_only_what_was_found_and_links_the_safeguarding_page(client_as):
    final = finalise(negative_draft())
    page = client_as(Role.COORDINATOR).get(reverse("decisions:detail", args=[final.pk])).content.decode()
    assert "The panel found no act of trafficking" in page
    assert "Recruitment" not in page  # the acts ticked before "not found" was chosen were cleared
    assert "The act element was not met" in page
    assert NO_ACT["support_after_negative"] in page
    assert reverse("safeguarding:child", args=[final.referral.child.reference]) in page
    assert "Keeps him safe with his aunt" in page  # best interests


def test_the_sections_save_the_findings_reason_best_interests_and_plan(client_as):
    decision = draft_decision(SITE)
    client = client_as(Role.COORDINATOR)
    refused = client.post(
        reverse("decisions:section-act", args=[decision.pk]),
        {"act_finding": ActFinding.NOT_FOUND, "act_found": [Act.RECRUITMENT], "act_reasoning": "No one arranged it"},
    )
    assert refused.status_code == 200 and "so select no acts" in refused.content.decode()
    client.post(
        reverse("decisions:section-outcome", args=[decision.pk]),
        {"outcome": Outcome.POSITIVE, "negative_reason": NegativeReason.objects.get(code="not-credible").pk},
    )
    client.post(reverse("decisions:section-best-interests", args=[decision.pk]), {"best_interests": "Safe at home"})
    client.post(
        reverse("decisions:section-plan", args=[decision.pk]),
        {"plan_basis": PlanBasis.AGREED_AT_SITTING, "plan_in_place_reason": "Not for this choice"},
    )
    decision.refresh_from_db()
    assert decision.act_found == [] and decision.act_finding == ""
    assert decision.outcome == Outcome.POSITIVE and decision.negative_reason is None  # a positive has none
    assert decision.best_interests == "Safe at home"
    assert decision.plan_basis == PlanBasis.AGREED_AT_SITTING and decision.plan_in_place_reason == ""


def test_each_missing_part_links_to_the_section_that_puts_it_right(demo):
    from childnrm.decisions.views import problem_links

    decision = negative_draft(negative_reason=None, support_after_negative="", best_interests="")
    decision = save(decision, act_finding="")
    links = dict(
        (problem, target)
        for target, problem in problem_links(coordinator(), decision, services.decision_completeness(decision))
    )
    section = lambda slug: reverse(f"decisions:section-{slug}", args=[decision.pk])  # noqa: E731
    assert links["Record whether the panel found an act of trafficking"] == section("act")
    assert links["Select the reason for the negative decision"] == section("outcome")
    assert links["Record how the decision and the plan serve the child's best interests"] == section("best-interests")
    assert links["Record the support the child will still get after this negative decision"] == section("plan")
    positive = positive_rg()
    links = {p: t for t, p in problem_links(coordinator(), positive, services.decision_completeness(positive))}
    assert any(
        t == reverse("decisions:section-plan", args=[positive.pk]) and p.startswith("Record how the child is")
        for p, t in links.items()
    )
