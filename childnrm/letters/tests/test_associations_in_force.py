"""Letters follow ADR 0002 amendment 2: a guardian (ICTG) or lead social worker counts only while they hold the
matching role at the child's active site (people.selectors.associations_in_force). A guardian whose role there was
replaced kept the child's decisions, letters and explanations; a letter named a social worker who had left. The
guardian in force records who explained the decision to the child: they usually do, and they are told to read it."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied
from django.urls import reverse
from django.utils import timezone

from childnrm.access.policy import PURPOSES, Perm
from childnrm.accounts.models import Membership, Role
from childnrm.audit.models import AuditEvent
from childnrm.audit.services import Action
from childnrm.letters import content, services
from childnrm.letters.models import DecisionExplanation, LetterKind
from childnrm.letters.tests.factories import allocate, final_decision
from childnrm.letters.tests.factories import demo as staff
from childnrm.people.models import AssociationKind
from childnrm.people.services import lead_social_worker_record
from conftest import signed_in

pytestmark = pytest.mark.django_db


def take_role_away(user, site, role: str) -> None:
    """The reviewer's reproduction: their role at the site replaced by the first responder's only."""
    assert Membership.objects.filter(user=user, site=site, role=role, active=True).update(role=Role.FIRST_RESPONDER)


def decision_url(decision) -> str:
    return reverse("letters:decision", args=[decision.pk])


def explanation_add_url(decision) -> str:
    return reverse("letters:explanation-add", args=[decision.pk])


def explanation_answers(**overrides) -> dict[str, str]:
    today = timezone.localdate()
    return {
        "explained_by_name": "Guardian (Northbridge demo)",
        "explained_by_role": "Guardian (ICTG)",
        "explained_on_day": str(today.day),
        "explained_on_month": str(today.month),
        "explained_on_year": str(today.year),
        "how": "in_person",
        **overrides,
    }


def test_a_guardian_whose_role_at_the_site_was_replaced_is_refused_the_decision_its_letters_and_explanations(demo):
    decision = final_decision("northbridge", decided_on=timezone.localdate() - timedelta(days=2))
    child = decision.referral.child
    guardian = staff(Role.ICTG)
    allocate(decision.referral, guardian)
    letters = {
        letter.kind: letter
        for letter in services.letters_produce(decision=decision, user=staff(Role.COORDINATOR)).letters
    }
    explanation = services.explanation_record(
        decision=decision,
        user=staff(Role.COORDINATOR),
        explained_by_name="Sam Jones",
        explained_by_role="Social worker",
        explained_on=decision.decided_on,
        how="in_person",
    )
    pages = [
        decision_url(decision),
        explanation_add_url(decision),
        reverse("letters:explanation", args=[explanation.pk]),
        reverse("letters:download", args=[letters[LetterKind.CHILD_FRIENDLY].pk]),
        reverse("letters:download", args=[letters[LetterKind.REFERRER_OUTCOME].pk]),
    ]
    client = signed_in(guardian)
    assert [client.get(url).status_code for url in pages] == [200] * len(pages)

    take_role_away(guardian, decision.referral.site, Role.ICTG)
    client = signed_in(guardian)
    assert client.get(reverse("people:detail", args=[child.reference])).status_code == 404  # as the record
    assert [client.get(url).status_code for url in pages] == [404] * len(pages)
    assert client.post(explanation_add_url(decision), explanation_answers()).status_code == 404
    with pytest.raises(PermissionDenied):
        services.explanation_record(
            decision=decision,
            user=guardian,
            explained_by_name="Guardian",
            explained_by_role="Guardian (ICTG)",
            explained_on=decision.decided_on,
            how="in_person",
        )
    assert services.guardians_of(decision) == []
    assert DecisionExplanation.objects.filter(decision=decision).count() == 1


def test_a_guardian_is_the_childs_only_at_the_childs_site_and_while_it_is_active(demo):
    decision = final_decision("northbridge")
    guardian = staff(Role.ICTG)
    allocate(decision.referral, guardian)
    assert services.guardians_of(decision) == [guardian]
    site = decision.referral.child.site
    site.active = False
    site.save(update_fields=["active"])
    assert services.guardians_of(decision) == []


def test_a_letter_no_longer_names_a_social_worker_whose_role_ended(demo):
    """Neither one associated directly (the fallback: any association not ended) nor one recorded on the child whose
    account the record links: their email printed in the child's letter went to someone who had left."""
    decision = final_decision("northbridge")
    child = decision.referral.child
    site = decision.referral.site
    worker = staff(Role.PANEL_MEMBER)
    allocate(decision.referral, worker, kind=AssociationKind.LEAD_SOCIAL_WORKER)
    assert services.social_worker_of(decision) == content.Contact(worker.full_name, worker.email)

    Membership.objects.filter(user=worker, site=site, role=Role.PANEL_MEMBER).update(active=False)
    assert services.social_worker_of(decision) is None
    produced = services.letters_produce(decision=decision, user=staff(Role.COORDINATOR))
    child_letter = next(letter for letter in produced.letters if letter.kind == LetterKind.CHILD_FRIENDLY)
    text = content.letter_text(child_letter.content)
    assert worker.full_name not in text and worker.email not in text
    assert "We do not have the name of your social worker yet" in text

    # Recorded on the child with their account linked: named while they hold the role, not after.
    Membership.objects.filter(user=worker, site=site, role=Role.PANEL_MEMBER).update(active=True)
    lead_social_worker_record(child=child, user=staff(Role.COORDINATOR), name="Alex Social", email=worker.email)
    assert services.social_worker_of(decision) == content.Contact("Alex Social", worker.email, "")
    take_role_away(worker, site, Role.PANEL_MEMBER)  # a first responder still: a social worker's role
    assert services.social_worker_of(decision) == content.Contact("Alex Social", worker.email, "")
    Membership.objects.filter(user=worker, site=site).update(active=False)
    assert services.social_worker_of(decision) is None

    # Recorded as contact details only (no account): named as recorded.
    lead_social_worker_record(child=child, user=staff(Role.COORDINATOR), name="Jo Whitfield", email="jo@example.org")
    assert services.social_worker_of(decision) == content.Contact("Jo Whitfield", "jo@example.org", "")


def test_the_childs_guardian_records_who_explained_the_decision(demo):
    """The guardian is emailed to read the decision and the letter for the child, and usually explains it: the page
    told them no one had recorded explaining it, and the form answered 403."""
    decision = final_decision("northbridge", decided_on=timezone.localdate() - timedelta(days=2))
    guardian = staff(Role.ICTG)
    client = signed_in(guardian)
    assert client.get(explanation_add_url(decision)).status_code == 404  # not their child yet
    allocate(decision.referral, guardian)

    page = client.get(decision_url(decision)).content.decode()
    assert f'href="{explanation_add_url(decision)}"' in page and "Record who explained the decision" in page
    assert client.get(explanation_add_url(decision)).status_code == 200
    response = client.post(explanation_add_url(decision), explanation_answers())
    assert response.status_code == 302 and response["Location"] == decision_url(decision)

    explanation = DecisionExplanation.objects.get(decision=decision)
    assert explanation.recorded_by == guardian and explanation.explained_by_name == "Guardian (Northbridge demo)"
    event = AuditEvent.objects.get(action=Action.CREATE, object_type="letters.decisionexplanation")
    assert event.object_id == str(explanation.pk) and event.actor_id == guardian.pk
    assert event.purpose == PURPOSES[Perm.CHILD_VIEW_ASSOCIATED]
    assert (
        "Guardian (Northbridge demo), Guardian (ICTG): in person" in client.get(decision_url(decision)).content.decode()
    )


def test_only_the_childs_guardian_and_the_coordinator_record_the_explanation(demo):
    decision = final_decision("northbridge")
    # The child's lead social worker (a panel member) and another guardian of the site: not theirs to record.
    allocate(decision.referral, staff(Role.PANEL_MEMBER), kind=AssociationKind.LEAD_SOCIAL_WORKER)
    for role in (Role.PANEL_MEMBER, Role.FIRST_RESPONDER, Role.CHAIR, Role.ICTG):
        client = signed_in(staff(role))
        assert client.get(explanation_add_url(decision)).status_code in (403, 404), role
        assert client.post(explanation_add_url(decision), explanation_answers()).status_code in (403, 404), role
    assert signed_in(staff(Role.ICTG, "three-rivers")).get(explanation_add_url(decision)).status_code in (403, 404)
    assert not DecisionExplanation.objects.exists()
    assert (
        "Record who explained the decision"
        in signed_in(staff(Role.COORDINATOR)).get(decision_url(decision)).content.decode()
    )
