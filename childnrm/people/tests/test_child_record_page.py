"""The child's record page: what it shows of the case, in a number of queries that does not grow with the case."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone

from childnrm.accounts.models import Role, Site
from childnrm.core.tests.queries import CountedQueries
from childnrm.decisions.models import Stage
from childnrm.decisions.tests import factories as decisions
from childnrm.kit.dates import long_date
from childnrm.letters.models import Letter, LetterKind
from childnrm.letters.services import letters_produce
from childnrm.panels.tests.factories import accepted_referral
from childnrm.people.models import ChildLinkDecision, LinkStatus
from conftest import demo_user

pytestmark = pytest.mark.django_db


def decided_case(outcomes: int):
    """An accepted referral with `outcomes` final decisions (reasonable grounds, then conclusive grounds), each
    with its letters produced."""
    referral = accepted_referral("northbridge")
    coordinator = demo_user(Role.COORDINATOR)
    rg_on = timezone.localdate() - timedelta(days=45 if outcomes > 1 else 0)
    rg = decisions.final_decision("northbridge", referral=referral, decided_on=rg_on)
    letters_produce(decision=rg, user=coordinator)
    if outcomes > 1:
        cg = decisions.final_decision(
            "northbridge", stage=Stage.CONCLUSIVE_GROUNDS, referral=referral, decided_on=timezone.localdate()
        )
        letters_produce(decision=cg, user=coordinator)
    return referral


def record_queries(client, child) -> tuple[int, str]:
    with CountedQueries() as queries:
        body = client.get(reverse("people:detail", args=[child.reference])).content.decode()
    return len(queries), body


def test_the_record_takes_the_same_number_of_queries_however_much_has_happened(client_as):
    small, large = decided_case(outcomes=1), decided_case(outcomes=2)
    client = client_as(Role.COORDINATOR)
    client.get(reverse("people:detail", args=[small.child.reference]))  # sign-in and session reads settle first

    few, small_body = record_queries(client, small.child)
    many, large_body = record_queries(client, large.child)
    assert large_body.count("letters and explaining it to the child") == 2
    assert small_body.count("letters and explaining it to the child") == 1
    # Each decision says what was decided: the guardian learns it here.
    assert f", {small.decisions.get().outcome}: letters and explaining it to the child" in small_body
    assert large_body.count("Letter for the child produced") == 2
    assert many == few


def test_each_decision_links_to_the_newest_letter_for_the_child(client_as):
    referral = decided_case(outcomes=1)
    letter = Letter.objects.filter(decision__referral=referral, kind=LetterKind.CHILD_FRIENDLY).latest("produced_at")
    body = client_as(Role.COORDINATOR).get(reverse("people:detail", args=[referral.child.reference])).content.decode()
    assert f'href="{reverse("letters:download", args=[letter.pk])}" download>' in body


def test_linked_records_show_only_those_the_user_may_open_with_the_day_they_were_linked(client_as):
    referral = accepted_referral("northbridge")
    child = referral.child
    here = accepted_referral("northbridge").child
    elsewhere = accepted_referral("three-rivers").child
    assert elsewhere.site == Site.objects.get(slug="three-rivers")
    coordinator = demo_user(Role.COORDINATOR)
    for other in (here, elsewhere):
        a, b = sorted((child, other), key=lambda c: c.pk)  # a pair is stored in order
        ChildLinkDecision.objects.create(child_a=a, child_b=b, status=LinkStatus.LINKED, decided_by=coordinator)
    body = client_as(Role.COORDINATOR).get(reverse("people:detail", args=[child.reference])).content.decode()
    link = ChildLinkDecision.objects.get(Q(child_a=here) | Q(child_b=here))
    href = reverse("people:detail", args=[here.reference])
    assert (
        f'<a class="govuk-link" href="{href}">{here.reference}</a>: the same child, linked on '
        f"{long_date(link.decided_at)}</li>"
    ) in body
    assert elsewhere.reference not in body


def test_a_record_linked_only_through_one_the_user_cannot_open_is_listed_without_naming_that_one(client_as):
    """A guardian allocated to two records of a child, linked through a third they are not allocated to."""
    from childnrm.people.models import AssociationKind, ChildAssociation

    first, hidden, third = (accepted_referral("northbridge").child for _ in range(3))
    coordinator = demo_user(Role.COORDINATOR)
    for a, b in ((first, hidden), (hidden, third)):
        ChildLinkDecision.objects.create(child_a=a, child_b=b, status=LinkStatus.LINKED, decided_by=coordinator)
    guardian = demo_user(Role.ICTG)
    for child in (first, third):
        ChildAssociation.objects.get_or_create(child=child, user=guardian, kind=AssociationKind.ICTG)
    body = client_as(Role.ICTG).get(reverse("people:detail", args=[first.reference])).content.decode()
    linked = body.split("Linked records", 1)[1].split("</ul>", 1)[0]
    assert f'id="linked-through-{third.reference}"' in linked and ": the same child, through other links" in linked
    assert hidden.reference not in body
