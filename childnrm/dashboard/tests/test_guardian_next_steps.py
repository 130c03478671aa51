"""A guardian's (ICTG) next steps on their home page: for the children allocated to them (in force only), the
decisions to explain to the child, the outcome reviews overdue or due soon and the feedback to gather, each linking
to the page where it is done, with counts; "Nothing needs you now" when nothing does. Shown to guardians only,
audited, in Welsh on a Welsh site, and in a number of statements that does not grow with the number of children."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from childnrm.accounts.models import Membership, Role, Site
from childnrm.audit.models import AuditEvent
from childnrm.core.tests.queries import CountedQueries
from childnrm.core.tests.welsh import walk_in_welsh
from childnrm.decisions.models import Decision
from childnrm.feedback.models import FeedbackSession
from childnrm.letters import services as letter_services
from childnrm.letters.models import ExplainedHow
from childnrm.outcomes.models import OutcomeReview
from childnrm.outcomes.services import follow_up_start
from childnrm.people.models import AssociationKind, Child, ChildAssociation
from conftest import demo_user, signed_in

from .factories import accepted_referral, days_ago, final_decision

NB = "northbridge"
pytestmark = pytest.mark.django_db


@pytest.fixture
def guardian(demo):
    """The site's demo guardian, allocated to no child yet (the demo's allocations ended)."""
    user = demo_user(Role.ICTG, NB)
    ChildAssociation.objects.filter(user=user).update(ends_at=timezone.now())
    return user


def allocate(child: Child, user) -> None:
    ChildAssociation.objects.update_or_create(
        child=child, user=user, kind=AssociationKind.ICTG, defaults={"ends_at": None}
    )


def decided_child(guardian, site_slug: str = NB, *, decided: int = 5) -> Decision:
    """A child allocated to the guardian, with a final decision `decided` days ago nobody has explained yet."""
    decision = final_decision(accepted_referral(site_slug), decided_on=days_ago(decided))
    allocate(decision.referral.child, guardian)
    return decision


def explained(decision: Decision, *, on: int = 2) -> Decision:
    letter_services.explanation_record(
        decision=decision,
        user=demo_user(Role.COORDINATOR, decision.referral.site.slug),
        explained_by_name="Sam Patel",
        explained_by_role="Social worker",
        explained_on=days_ago(on),
        how=ExplainedHow.IN_PERSON,
    )
    return decision


def reviews_due(decision: Decision, *, overdue: int = 3, due_in: int = 10) -> list[OutcomeReview]:
    """The child's follow-up, its first review overdue by `overdue` days and its second due in `due_in` days."""
    follow_up_start(decision=decision)
    reviews = list(OutcomeReview.objects.filter(child=decision.referral.child).order_by("due_on"))
    OutcomeReview.objects.filter(pk=reviews[0].pk).update(due_on=days_ago(overdue))
    OutcomeReview.objects.filter(pk=reviews[1].pk).update(due_on=days_ago(-due_in))
    return reviews


def answered(decision: Decision, guardian) -> None:
    now = timezone.now()
    FeedbackSession.objects.create(
        child=decision.referral.child,
        referral=decision.referral,
        decision=decision,
        started_by=guardian,
        started_as=AssociationKind.ICTG,
        expires_at=now + timedelta(minutes=30),
        code_hash=f"test-{decision.pk}",
        answered_at=now,
        listened="yes",
        understood="yes",
    )


def home(client) -> str:
    return client.get(reverse("core:home")).content.decode()


def next_steps(body: str) -> str:
    start = body.find('id="your-next-steps"')
    return body[start : body.index("</section>", start)] if start != -1 else ""


def listed(body: str, kind: str) -> str:
    """One list of the guardian's next steps: its heading and items."""
    steps = next_steps(body)
    start = steps.find(f'data-kind="{kind}"')
    if start == -1:
        return ""
    end = steps.find("<h3", start)
    return steps[start : end if end != -1 else len(steps)]


def test_a_guardian_sees_what_is_due_for_each_of_their_children_linking_to_where_it_is_done(guardian):
    to_explain = decided_child(guardian, decided=5)
    child = to_explain.referral.child
    reviews = reviews_due(to_explain, overdue=3, due_in=10)
    to_gather = explained(decided_child(guardian, decided=9), on=2)
    gathered = explained(decided_child(guardian, decided=9), on=2)
    answered(gathered, guardian)
    not_theirs = final_decision(accepted_referral(), decided_on=days_ago(5))  # another child: no guardian
    ended = decided_child(guardian)
    ChildAssociation.objects.filter(child=ended.referral.child, user=guardian).update(ends_at=timezone.now())
    role_elsewhere = decided_child(guardian, "three-rivers")  # no guardian's role at that site: not in force

    body = home(signed_in(guardian))
    explain = listed(body, "explain-decision")
    assert "Decisions to explain to the child (1)" in explain
    assert f'href="{reverse("letters:explanation-add", args=[to_explain.pk])}"' in explain
    assert f"{child.display_name} ({child.reference})" in explain
    assert "5 days ago" in explain and f"(referral {to_explain.referral.reference})" in explain
    assert "The letter for the child has not been produced yet." in explain
    for other in (to_gather, gathered, not_theirs, ended, role_elsewhere):
        assert f'href="{reverse("letters:explanation-add", args=[other.pk])}"' not in body

    outcome = listed(body, "outcome-review")
    assert "Outcome reviews overdue or due soon (2)" in outcome
    assert f'href="{reverse("outcomes:review", args=[reviews[0].pk])}"' in outcome
    assert 'govuk-tag--red">Overdue by 3 days' in outcome
    assert f'href="{reverse("outcomes:review", args=[reviews[1].pk])}"' in outcome and "In 10 days" in outcome
    assert f'href="{reverse("outcomes:review", args=[reviews[2].pk])}"' not in outcome  # not due for months

    feedback = listed(body, "gather-feedback")
    assert "Feedback to gather from the child (1)" in feedback
    assert f'href="{reverse("feedback:child", args=[to_gather.referral.child.reference])}"' in feedback
    assert reverse("feedback:child", args=[gathered.referral.child.reference]) not in feedback
    assert "2 days ago" in feedback

    # Every link opens to the guardian.
    client = signed_in(guardian)
    for url in (
        reverse("letters:explanation-add", args=[to_explain.pk]),
        reverse("outcomes:review", args=[reviews[0].pk]),
        reverse("feedback:child", args=[to_gather.referral.child.reference]),
    ):
        assert client.get(url).status_code == 200, url

    # Recording the explanation takes the decision off the first list and puts the child's feedback on the last.
    explained(to_explain, on=0)
    body = home(signed_in(guardian))
    assert listed(body, "explain-decision") == ""
    assert "Feedback to gather from the child (2)" in listed(body, "gather-feedback")


def test_nothing_needs_you_now_and_a_guardian_whose_role_ended_is_told_nothing_of_the_child(guardian):
    body = home(signed_in(guardian))
    assert "Your next steps" in body and "Nothing needs you now." in next_steps(body)

    decision = decided_child(guardian)
    assert "Decisions to explain to the child (1)" in home(signed_in(guardian))
    Membership.objects.filter(user=guardian, role=Role.ICTG).update(role=Role.FIRST_RESPONDER)
    body = home(signed_in(guardian))
    assert next_steps(body) == "" and str(decision.referral.child.reference) not in body


@pytest.mark.parametrize("role", [Role.COORDINATOR, Role.FIRST_RESPONDER, Role.PANEL_MEMBER, Role.CHAIR])
def test_only_guardians_get_the_list(guardian, role):
    decided_child(guardian)
    assert next_steps(home(signed_in(demo_user(role, NB)))) == ""


def test_showing_the_list_is_audited_with_what_it_showed(guardian):
    decision = decided_child(guardian)
    reviews = reviews_due(decision)
    home(signed_in(guardian))
    event = AuditEvent.objects.filter(actor=guardian, action="list", detail__page="your next steps").get()
    assert event.purpose == "Work on a case I am associated with"
    assert event.detail["shown"] == {
        "missing-episode": [],
        "explain-decision": [f"decisions.decision:{decision.pk}"],
        "outcome-review": [f"outcomes.outcomereview:{reviews[0].pk}", f"outcomes.outcomereview:{reviews[1].pk}"],
        "gather-feedback": [],
    }


def test_the_number_of_statements_does_not_grow_with_the_guardians_children(guardian):
    def one_more_child() -> None:
        reviews_due(decided_child(guardian))  # to explain, and two reviews due
        explained(decided_child(guardian))  # feedback to gather

    def statements() -> int:
        with CountedQueries() as captured:
            assert client.get(reverse("core:home")).status_code == 200
        return len(captured)

    one_more_child()
    client = signed_in(guardian)
    client.get(reverse("core:home"))  # a session's first page looks up its site's language and renews the session
    first = statements()
    for _ in range(3):
        one_more_child()
    body = client.get(reverse("core:home")).content.decode()
    assert "Decisions to explain to the child (4)" in body and "Outcome reviews overdue or due soon (8)" in body
    assert "Feedback to gather from the child (4)" in body
    assert statements() == first


def test_the_list_is_in_welsh_on_a_welsh_site(guardian, welsh_site: Site):
    decision = decided_child(guardian)
    reviews_due(decision)
    gather = explained(decided_child(guardian))
    children = [decision.referral.child, gather.referral.child]
    names = [guardian.full_name, guardian.email, guardian.organisation.name, welsh_site.name, "demo"]
    names += [c.display_name for c in children] + [c.reference for c in children] + [decision.referral.reference]
    client = signed_in(guardian)
    assert walk_in_welsh(client, [reverse("core:home")], names=names) == {}
    body = home(client)
    assert 'data-kind="explain-decision"' in body and 'data-kind="gather-feedback"' in body
