"""Issue 8 rules 2 and 5, through the services: the outcome is the majority of votes cast, a tie follows the
site's rule (the chair's casting vote with reasons, or deferral), every vote against the outcome is dissent
with its reasons, and sign-off needs input from each statutory partner. Plus the database's own guards: one
final version per referral and stage, and an outcome on every decision taken."""

from __future__ import annotations

import json

import pytest
from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone

from childnrm.accounts.models import Role, Site, SitePolicy, TieRule
from childnrm.accounts.policy import current_policy
from childnrm.audit.models import AuditEvent
from childnrm.decisions import services
from childnrm.decisions.export import decision_export, decision_export_json
from childnrm.decisions.models import AgencyNilReturn, Decision, DecisionStatus, Outcome, TieDeferral, Vote
from childnrm.decisions.tests.factories import (
    demo,
    draft_decision,
    final_decision,
    record_complete,
    second_reviewer,
    sitting,
)
from childnrm.panels import services as panel_services
from childnrm.panels.models import Agency, AgendaItem

SITE = "northbridge"


def missing(decision) -> list[str]:
    """What the completeness check lists, in the words the chair reads."""
    return [p.message for p in services.decision_completeness(decision)]


def coordinator():
    return demo(Role.COORDINATOR, SITE)


def voter(decision: Decision, agency: str):
    return decision.meeting.attendees.select_related("user").get(agency=agency, voting=True).user


def cast(decision: Decision, **votes: tuple[str, str]) -> None:
    """Record (or change) the vote of each statutory partner's member: agency=(vote, reasons)."""
    for agency, (vote, reasons) in votes.items():
        services.vote_record(
            decision=decision, voter=voter(decision, agency), vote=vote, reasons=reasons, user=coordinator()
        )


def complete(outcome: str = Outcome.POSITIVE) -> Decision:
    """A complete draft whose votes all agree with `outcome` (the factory), ready to change."""
    return record_complete(draft_decision(SITE), outcome=outcome, decided_on=timezone.localdate())


def finalise(decision: Decision) -> Decision:
    return services.decision_finalise(decision=decision, user=decision.meeting.chair)


def set_outcome(decision: Decision, outcome: str) -> Decision:
    return services.decision_save(decision=decision, user=coordinator(), data={"outcome": outcome})


def set_tie_rule(rule: str) -> None:
    Site.objects.filter(slug=SITE).update(tie_rule=rule)


# --- Rule 2: the outcome is the majority of votes cast ------------------------------------------------------


def test_a_two_to_one_majority_decides_and_the_minority_vote_is_dissent(demo):
    decision = complete(Outcome.POSITIVE)
    cast(decision, health=(Vote.NEGATIVE, ""))
    problems = missing(decision)
    member = voter(decision, Agency.HEALTH).full_name
    # The vote against the outcome needs its reasons before sign-off, naming the member.
    assert problems == [f"Record the reasons of {member}, who voted against the outcome"]
    with pytest.raises(services.DecisionIncomplete):
        finalise(decision)

    cast(decision, health=(Vote.NEGATIVE, "The account of the journey is not supported by the records."))
    assert services.vote_tally(decision) == services.Tally(positive=2, negative=1, abstain=0)
    assert [v.voter.full_name for v in services.dissenting_votes(decision)] == [member]
    final = finalise(decision)
    assert final.status == DecisionStatus.FINAL and final.outcome == Outcome.POSITIVE


def test_an_outcome_against_the_majority_is_refused_with_the_count(demo):
    decision = complete(Outcome.POSITIVE)
    cast(decision, health=(Vote.NEGATIVE, "Not enough to meet the test."))
    decision = set_outcome(decision, Outcome.NEGATIVE)
    with pytest.raises(services.DecisionIncomplete) as refused:
        finalise(decision)
    assert "The outcome must be the majority of votes cast: 2 positive, 1 negative gives a positive outcome" in [
        p.message for p in refused.value.problems
    ]
    decision.refresh_from_db()
    assert decision.status == DecisionStatus.DRAFT

    # An outcome contrary to every vote is refused the same way.
    cast(decision, health=(Vote.POSITIVE, ""))
    with pytest.raises(services.DecisionIncomplete, match="3 positive, 0 negative gives a positive outcome"):
        finalise(decision)


def test_abstentions_are_not_votes_cast(demo):
    decision = complete(Outcome.POSITIVE)
    cast(decision, police=(Vote.ABSTAIN, ""), health=(Vote.ABSTAIN, ""))
    assert services.vote_tally(decision).majority == Outcome.POSITIVE  # 1-0: abstentions do not count
    # An abstention is not dissent, and needs no reasons.
    assert services.dissenting_votes(decision) == []
    negative = set_outcome(decision, Outcome.NEGATIVE)
    assert (
        "The outcome must be the majority of votes cast: 1 positive, 0 negative, 2 abstaining gives a positive "
        "outcome" in missing(negative)
    )
    decision = set_outcome(decision, Outcome.POSITIVE)
    assert finalise(decision).status == DecisionStatus.FINAL


def test_a_tie_with_no_votes_cast_is_not_a_decision(demo):
    decision = complete(Outcome.POSITIVE)
    cast(
        decision,
        social_care=(Vote.ABSTAIN, ""),
        police=(Vote.ABSTAIN, ""),
        health=(Vote.ABSTAIN, ""),
    )
    assert not services.vote_tally(decision).tied
    with pytest.raises(services.DecisionIncomplete, match="Every member abstained"):
        finalise(decision)
    with pytest.raises(services.DecisionStateError, match="No votes were cast"):
        services.casting_vote_record(
            decision=decision, user=decision.meeting.chair, vote=Outcome.POSITIVE, reasons="To decide"
        )


def test_a_tie_under_the_casting_vote_rule_follows_the_chairs_casting_vote(demo):
    set_tie_rule(TieRule.CASTING_VOTE)
    decision = complete(Outcome.POSITIVE)
    cast(decision, police=(Vote.NEGATIVE, ""), health=(Vote.ABSTAIN, ""))
    chair = decision.meeting.chair
    with pytest.raises(services.DecisionIncomplete) as refused:
        finalise(decision)
    assert (
        "The votes are tied (1 positive, 1 negative, 1 abstaining). The chair must record a casting vote with reasons"
        in [p.message for p in refused.value.problems]
    )

    # Only the chair of the sitting, and only with reasons.
    with pytest.raises(PermissionDenied):
        services.casting_vote_record(decision=decision, user=coordinator(), vote=Outcome.NEGATIVE, reasons="x")
    with pytest.raises(services.DecisionInvalid, match="Enter the reasons"):
        services.casting_vote_record(decision=decision, user=chair, vote=Outcome.NEGATIVE, reasons=" ")
    services.casting_vote_record(
        decision=decision, user=chair, vote=Outcome.NEGATIVE, reasons="The account is not corroborated."
    )
    decision.refresh_from_db()
    assert (decision.casting_vote, decision.casting_vote_reasons) == (
        Outcome.NEGATIVE,
        "The account is not corroborated.",
    )
    assert AuditEvent.objects.filter(object_id=str(decision.pk), detail__casting_vote=Outcome.NEGATIVE).exists()

    # The outcome must then follow the casting vote.
    with pytest.raises(services.DecisionIncomplete) as refused:
        finalise(decision)
    assert (
        "The outcome must follow the chair's casting vote (negative) on the tied votes "
        "(1 positive, 1 negative, 1 abstaining)" in [p.message for p in refused.value.problems]
    )

    # The chair, having heard more, casts the other way: the positive outcome now follows it.
    services.casting_vote_record(
        decision=decision, user=chair, vote=Outcome.POSITIVE, reasons="The social care evidence is specific."
    )
    decision.refresh_from_db()
    # The police member voted against the outcome, with no reasons yet: their dissent needs them.
    police = voter(decision, Agency.POLICE).full_name
    assert missing(decision) == [f"Record the reasons of {police}, who voted against the outcome"]
    cast(decision, police=(Vote.NEGATIVE, "Not corroborated."))
    final = finalise(decision)
    assert final.status == DecisionStatus.FINAL and final.outcome == Outcome.POSITIVE
    assert final.casting_vote == Outcome.POSITIVE


def test_a_casting_vote_is_given_only_on_a_tie_and_goes_when_the_tie_does(demo):
    set_tie_rule(TieRule.CASTING_VOTE)
    decision = complete(Outcome.POSITIVE)
    chair = decision.meeting.chair
    with pytest.raises(services.DecisionStateError, match="not tied"):
        services.casting_vote_record(decision=decision, user=chair, vote=Outcome.POSITIVE, reasons="No tie")
    cast(decision, police=(Vote.NEGATIVE, "Doubts"), health=(Vote.ABSTAIN, ""))
    services.casting_vote_record(decision=decision, user=chair, vote=Outcome.POSITIVE, reasons="Decides it")
    # A member changes their vote: the tie is gone, and the casting vote with it.
    cast(decision, health=(Vote.POSITIVE, ""))
    decision.refresh_from_db()
    assert decision.casting_vote == "" and decision.casting_vote_reasons == ""

    set_tie_rule(TieRule.DEFER)
    cast(decision, health=(Vote.ABSTAIN, ""))
    with pytest.raises(services.DecisionStateError, match="no casting vote"):
        services.casting_vote_record(decision=decision, user=chair, vote=Outcome.POSITIVE, reasons="Decides it")


def test_a_tie_under_the_defer_rule_is_refused_then_deferred_to_a_further_sitting(demo):
    set_tie_rule(TieRule.DEFER)
    decision = complete(Outcome.POSITIVE)
    cast(decision, police=(Vote.NEGATIVE, "Not enough evidence"), health=(Vote.ABSTAIN, ""))
    with pytest.raises(services.DecisionIncomplete) as refused:
        finalise(decision)
    assert (
        "The votes are tied (1 positive, 1 negative, 1 abstaining). This site defers a tied decision to a "
        "further sitting: record the deferral on the votes page" in [p.message for p in refused.value.problems]
    )
    with pytest.raises(services.DecisionStateError, match="This site defers"):
        services.casting_vote_record(
            decision=decision, user=decision.meeting.chair, vote=Outcome.POSITIVE, reasons="To decide"
        )

    first_sitting = decision.meeting
    deferral = services.tie_defer(decision=decision, user=coordinator())
    assert deferral.meeting == first_sitting
    assert sorted((v["agency"], v["vote"], v["reasons"]) for v in deferral.votes) == [
        (Agency.HEALTH, Vote.ABSTAIN, ""),
        (Agency.POLICE, Vote.NEGATIVE, "Not enough evidence"),
        (Agency.SOCIAL_CARE, Vote.POSITIVE, ""),
    ]
    decision.refresh_from_db()
    assert decision.status == DecisionStatus.DRAFT
    # Deferred: the votes at this sitting stand as cast, and it is not finalised here.
    with pytest.raises(services.DecisionStateError, match="deferred"):
        cast(decision, health=(Vote.POSITIVE, ""))
    with pytest.raises(services.DecisionStateError, match="deferred"):
        services.tie_defer(decision=decision, user=coordinator())
    with pytest.raises(services.DecisionIncomplete, match="deferred at this sitting"):
        finalise(decision)

    # The further sitting: the draft moves there and its votes start again; the deferral keeps the old ones.
    panel_services.meeting_close(meeting=first_sitting, user=coordinator())
    meeting = sitting(SITE, referrals=[decision.referral])
    item = AgendaItem.objects.get(meeting=meeting, referral=decision.referral)
    moved = services.decision_start(agenda_item=item, stage=decision.stage, user=coordinator())
    assert moved.pk == decision.pk and not moved.votes.exists()
    assert TieDeferral.objects.get(decision=moved).votes == deferral.votes
    moved = record_complete(moved, outcome=Outcome.POSITIVE, decided_on=timezone.localdate())
    cast(moved, health=(Vote.NEGATIVE, "Unsure"))
    assert finalise(moved).status == DecisionStatus.FINAL


def test_a_deferral_is_refused_under_the_casting_vote_rule_and_without_a_tie(demo):
    set_tie_rule(TieRule.CASTING_VOTE)
    decision = complete(Outcome.POSITIVE)
    cast(decision, police=(Vote.NEGATIVE, "Doubts"), health=(Vote.ABSTAIN, ""))
    with pytest.raises(services.DecisionStateError, match="casting vote"):
        services.tie_defer(decision=decision, user=coordinator())
    set_tie_rule(TieRule.DEFER)
    cast(decision, health=(Vote.POSITIVE, ""))
    with pytest.raises(services.DecisionStateError, match="not tied"):
        services.tie_defer(decision=decision, user=coordinator())
    assert not TieDeferral.objects.exists()


def test_the_site_policy_in_force_is_stamped_at_sign_off_and_at_second_review(demo):
    site = Site.objects.get(slug=SITE)
    decision = finalise(complete(Outcome.POSITIVE))
    assert decision.site_policy == current_policy(site)
    assert Decision.objects.get(pk=decision.pk).site_policy_id == current_policy(site).pk

    Site.objects.filter(pk=site.pk).update(negative_second_review=True)
    negative = finalise(complete(Outcome.NEGATIVE))
    assert negative.status == DecisionStatus.SECOND_REVIEW
    newer = SitePolicy.objects.create(site=site, version=current_policy(site).version + 1, values={})
    reviewed = services.decision_second_review(decision=negative, user=second_reviewer(SITE), agrees=True)
    assert reviewed.status == DecisionStatus.FINAL
    assert Decision.objects.get(pk=negative.pk).site_policy == newer


# --- Dissent on the record, the page and the export ----------------------------------------------------------


def test_dissent_is_shown_with_its_reasons_on_the_page_and_the_export(client_as):
    decision = complete(Outcome.POSITIVE)
    cast(decision, health=(Vote.NEGATIVE, "The medical evidence points elsewhere."))
    decision = finalise(decision)
    member = voter(decision, Agency.HEALTH).full_name

    data = decision_export(decision)
    assert data["dissenting_votes"] == [
        {
            "voter": member,
            "agency": Agency.HEALTH,
            "agency_label": "Health",
            "vote": Vote.NEGATIVE,
            "reasons": "The medical evidence points elsewhere.",
        }
    ]
    assert data["votes_cast"] == {"positive": 2, "negative": 1, "abstaining": 0}
    assert json.loads(decision_export_json(data))["dissenting_votes"][0]["voter"] == member
    # The PDF is made from this HTML.
    pdf_html = render_to_string("decisions/export_pdf.html", {"d": data})
    dissent_part = pdf_html.split("<h2>Dissent</h2>", 1)[1].split("<h2>", 1)[0]
    assert member in dissent_part and "The medical evidence points elsewhere." in dissent_part
    assert "None recorded" not in dissent_part

    body = client_as(Role.COORDINATOR).get(reverse("decisions:detail", args=[decision.pk])).content.decode()
    assert "The medical evidence points elsewhere." in body
    assert f"{member} (Health) voted negative" in body
    assert "2 positive, 1 negative" in body
    dissent_row = body.split("Dissent</dt>", 1)[1].split("</div>", 1)[0]
    assert "None recorded" not in dissent_row


# --- Rule 5: multi-agency input ---------------------------------------------------------------------------------


def test_each_missing_statutory_partner_is_named_and_a_nil_return_satisfies_it(demo):
    decision = draft_decision(SITE)
    user = coordinator()
    expected = {
        Agency.SOCIAL_CARE: "Add evidence from children's social care, or record that it holds nothing relevant",
        Agency.POLICE: "Add evidence from the police, or record that it holds nothing relevant",
        Agency.HEALTH: "Add evidence from health, or record that it holds nothing relevant",
    }
    problems = missing(decision)
    assert all(line in problems for line in expected.values())

    services.evidence_add(decision=decision, user=user, description="Police report", agency=Agency.POLICE)
    # Evidence from another agency does not stand in for a statutory partner.
    services.evidence_add(decision=decision, user=user, description="School report", agency=Agency.EDUCATION)
    problems = missing(decision)
    assert expected[Agency.POLICE] not in problems
    assert expected[Agency.SOCIAL_CARE] in problems and expected[Agency.HEALTH] in problems

    services.nil_return_record(
        decision=decision, user=user, agency=Agency.HEALTH, statement="Designated nurse, by email on 1 March"
    )
    problems = missing(decision)
    assert expected[Agency.HEALTH] not in problems and expected[Agency.SOCIAL_CARE] in problems
    assert AuditEvent.objects.filter(object_id=str(decision.pk), detail__nil_return_added=Agency.HEALTH).exists()

    services.evidence_add(decision=decision, user=user, description="Chronology", agency=Agency.SOCIAL_CARE)
    assert services.agency_input_problems(decision) == []


def test_a_nil_return_says_who_confirmed_it_and_never_contradicts_evidence(demo):
    decision = draft_decision(SITE)
    user = coordinator()
    with pytest.raises(services.DecisionInvalid, match="who in the agency confirmed") as refused:
        services.nil_return_record(decision=decision, user=user, agency=Agency.HEALTH, statement="  ")
    assert refused.value.field == "statement"
    with pytest.raises(services.DecisionInvalid, match="social care, police or health"):
        services.nil_return_record(decision=decision, user=user, agency=Agency.EDUCATION, statement="School")
    services.evidence_add(decision=decision, user=user, description="Police report", agency=Agency.POLICE)
    with pytest.raises(services.DecisionInvalid, match="Police has supplied evidence"):
        services.nil_return_record(decision=decision, user=user, agency=Agency.POLICE, statement="SPOC")
    nil = services.nil_return_record(decision=decision, user=user, agency=Agency.HEALTH, statement="Nurse")
    with pytest.raises(services.DecisionInvalid, match="already recorded"):
        services.nil_return_record(decision=decision, user=user, agency=Agency.HEALTH, statement="Nurse again")
    with pytest.raises(services.DecisionInvalid, match="Remove that record"):
        services.evidence_add(decision=decision, user=user, description="GP letter", agency=Agency.HEALTH)
    # The database holds one nil return per agency whatever the caller.
    with pytest.raises(IntegrityError), transaction.atomic():
        AgencyNilReturn.objects.create(decision=decision, agency=Agency.HEALTH, statement="Twice", recorded_by=user)

    services.nil_return_remove(nil_return=nil, user=user)
    assert not decision.nil_returns.exists()
    assert AuditEvent.objects.filter(object_id=str(decision.pk), detail__nil_return_removed=Agency.HEALTH).exists()


def test_a_final_decisions_nil_returns_are_never_changed(demo):
    decision = final_decision(SITE)
    nil = decision.nil_returns.get()
    with pytest.raises(services.DecisionStateError, match="finalised by"):
        services.nil_return_remove(nil_return=nil, user=coordinator())
    with pytest.raises(services.DecisionStateError, match="finalised by"):
        services.nil_return_record(decision=decision, user=coordinator(), agency=Agency.POLICE, statement="x")


# --- Database constraints ------------------------------------------------------------------------------------


def test_one_final_version_per_referral_and_stage_in_the_database(demo):
    final = final_decision(SITE)
    second = Decision(
        referral=final.referral,
        stage=final.stage,
        version=final.version + 1,
        status=DecisionStatus.FINAL,
        outcome=Outcome.POSITIVE,
        guidance_version=final.guidance_version,
        test_applied=final.test_applied,
        created_by=final.created_by,
    )
    with pytest.raises(IntegrityError), transaction.atomic():
        second.save()
    # Superseded first, the new version may then be final: the order finalise and second review keep.
    Decision.objects.filter(pk=final.pk).update(status=DecisionStatus.SUPERSEDED)
    second.save()
    assert Decision.objects.filter(referral=final.referral, status=DecisionStatus.FINAL).count() == 1


def test_a_correction_supersedes_the_old_version_when_it_becomes_final(demo):
    original = final_decision(SITE)
    correction = services.decision_correct(decision=original, user=coordinator(), reason="Typo in the reasons")
    corrected = finalise(correction)
    original.refresh_from_db()
    assert (original.status, corrected.status) == (DecisionStatus.SUPERSEDED, DecisionStatus.FINAL)


def test_a_decision_taken_has_an_outcome_in_the_database(demo):
    final = final_decision(SITE)
    with pytest.raises(IntegrityError), transaction.atomic():
        Decision.objects.filter(pk=final.pk).update(outcome="")
    for status in (DecisionStatus.SECOND_REVIEW, DecisionStatus.SUPERSEDED):
        with pytest.raises(IntegrityError), transaction.atomic():
            Decision.objects.filter(pk=final.pk).update(status=status, outcome="")
    # A draft may have no outcome yet.
    draft = draft_decision(SITE)
    assert draft.outcome == "" and draft.status == DecisionStatus.DRAFT


# --- The pages --------------------------------------------------------------------------------------------------


def test_the_evidence_page_records_and_removes_a_nil_return(client_as):
    decision = draft_decision(SITE)
    client = client_as(Role.COORDINATOR)
    page = reverse("decisions:evidence", args=[decision.pk])
    body = client.get(page).content.decode()
    assert "Evidence from each statutory partner" in body and body.count("Missing") == 3

    refused = client.post(reverse("decisions:nil-return", args=[decision.pk]), {"nil_agency": Agency.HEALTH})
    assert refused.status_code == 200
    assert "Enter who in the agency confirmed it holds nothing relevant, and when" in refused.content.decode()
    assert not decision.nil_returns.exists()

    response = client.post(
        reverse("decisions:nil-return", args=[decision.pk]),
        {"nil_agency": Agency.HEALTH, "nil_statement": "Designated nurse, by phone"},
    )
    assert response.status_code == 302 and response["Location"] == page
    nil = decision.nil_returns.get()
    assert (nil.agency, nil.statement) == (Agency.HEALTH, "Designated nurse, by phone")
    assert "Holds nothing relevant: Designated nurse, by phone" in client.get(page).content.decode()

    client.post(reverse("decisions:nil-return-remove", args=[decision.pk, nil.pk]))
    assert not decision.nil_returns.exists()


def test_the_chair_records_a_casting_vote_on_the_votes_page(client_as):
    set_tie_rule(TieRule.CASTING_VOTE)
    decision = complete(Outcome.POSITIVE)
    cast(decision, police=(Vote.NEGATIVE, "Doubts"), health=(Vote.ABSTAIN, ""))
    votes_page = reverse("decisions:votes", args=[decision.pk])
    # The coordinator sees the tie but no casting vote form: it is the chair's.
    body = client_as(Role.COORDINATOR).get(votes_page).content.decode()
    assert "The votes cast are tied" in body and "Record the casting vote" not in body

    chair = client_as(Role.CHAIR)
    assert "Record the casting vote" in chair.get(votes_page).content.decode()
    refused = chair.post(reverse("decisions:casting-vote", args=[decision.pk]), {"casting_vote": Outcome.POSITIVE})
    assert refused.status_code == 200 and "Enter the reasons for the casting vote" in refused.content.decode()
    response = chair.post(
        reverse("decisions:casting-vote", args=[decision.pk]),
        {"casting_vote": Outcome.POSITIVE, "casting_vote_reasons": "The social care evidence is specific."},
    )
    assert response.status_code == 302
    decision.refresh_from_db()
    assert decision.casting_vote == Outcome.POSITIVE
    detail = chair.get(reverse("decisions:detail", args=[decision.pk])).content.decode()
    assert "Chair's casting vote" in detail and "The social care evidence is specific." in detail


def test_the_panel_defers_a_tie_on_the_votes_page(client_as):
    set_tie_rule(TieRule.DEFER)
    decision = complete(Outcome.POSITIVE)
    cast(decision, police=(Vote.NEGATIVE, "Doubts"), health=(Vote.ABSTAIN, ""))
    client = client_as(Role.COORDINATOR)
    votes_page = reverse("decisions:votes", args=[decision.pk])
    assert "Defer the decision to a further sitting" in client.get(votes_page).content.decode()
    response = client.post(reverse("decisions:tie-defer", args=[decision.pk]))
    assert response.status_code == 302 and TieDeferral.objects.filter(decision=decision).count() == 1
    body = client.get(votes_page).content.decode()
    assert "the panel deferred this decision to a further sitting" in body
    assert "Record vote" not in body and "Defer the decision" not in body


def test_anonymising_the_case_clears_the_casting_vote_and_nil_return_text(demo):
    from childnrm.retention.anonymise import case_anonymise

    set_tie_rule(TieRule.CASTING_VOTE)
    decision = complete(Outcome.POSITIVE)
    cast(decision, police=(Vote.NEGATIVE, "Doubts about the child's account"), health=(Vote.ABSTAIN, ""))
    services.casting_vote_record(
        decision=decision, user=decision.meeting.chair, vote=Outcome.POSITIVE, reasons="The child's account is clear"
    )
    decision = finalise(decision)
    case_anonymise(decision.referral)
    decision.refresh_from_db()
    assert decision.casting_vote == Outcome.POSITIVE and decision.casting_vote_reasons == ""
    assert list(decision.nil_returns.values_list("statement", flat=True)) == [""]
