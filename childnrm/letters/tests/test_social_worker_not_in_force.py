"""A lead social worker recorded on the child whose linked account no longer counts (no social worker's role at the
child's site, or a closed account: ADR 0002 amendments 2 and 5) is not named in the child's letter. The letters
page told the coordinator the letter would name no lead social worker "because none is recorded", which was false:
one is. It now says who is recorded, why the letter leaves them out, and what to do."""

from __future__ import annotations

import pytest
from django.urls import reverse

from childnrm.accounts.models import Membership, Role
from childnrm.letters import content, services
from childnrm.letters.models import LetterKind
from childnrm.letters.tests.factories import allocate, final_decision
from childnrm.letters.tests.factories import demo as staff
from childnrm.people.models import AssociationKind
from childnrm.people.services import lead_social_worker_record
from conftest import signed_in

pytestmark = pytest.mark.django_db


def warnings_on(client, decision) -> str:
    """The warnings above the button that produces the letters."""
    page = client.get(reverse("letters:decision", args=[decision.pk])).content.decode()
    start = page.find('class="govuk-warning-text"')
    return page[start : page.index("<form", start)] if start != -1 else ""


def recorded_with_account(decision):
    """The child's guardian allocated, and a panel member (a social worker's role) recorded as lead social worker."""
    worker = staff(Role.PANEL_MEMBER)
    allocate(decision.referral, staff(Role.ICTG))
    lead_social_worker_record(
        child=decision.referral.child, user=staff(Role.COORDINATOR), name="Alex Social", email=worker.email
    )
    return worker


def test_the_letters_page_says_the_recorded_social_worker_holds_no_role_here_not_that_none_is_recorded(demo):
    decision = final_decision("northbridge")
    site = decision.referral.child.site
    worker = recorded_with_account(decision)
    client = signed_in(staff(Role.COORDINATOR))
    assert warnings_on(client, decision) == ""  # named: nothing to warn of

    Membership.objects.filter(user=worker, site=site).update(active=False)
    warnings = warnings_on(client, decision)
    assert "none is recorded" not in warnings and "neither is recorded" not in warnings
    assert (
        f"Alex Social is recorded as the child's lead social worker, but they do not hold a first responder or "
        f"panel member role at {site.name}." in warnings
    )
    assert "The letter for the child will name no lead social worker." in warnings
    safeguarding = reverse("safeguarding:child", args=[decision.referral.child.reference])
    assert f'record the new one on <a class="govuk-link" href="{safeguarding}">' in warnings
    assert "ask your site administrator to give them a first responder or panel member role" in warnings

    # The letter still names only a social worker in force.
    produced = services.letters_produce(decision=decision, user=staff(Role.COORDINATOR))
    child_letter = next(letter for letter in produced.letters if letter.kind == LetterKind.CHILD_FRIENDLY)
    assert "Alex Social" not in content.letter_text(child_letter.content)
    warnings = warnings_on(client, decision)
    assert "If the letters are produced again, the letter for the child will name no lead social worker." in warnings
    assert "Then produce the letters again." in warnings


def test_a_closed_account_is_said_and_a_social_worker_in_force_named_instead_is_named_on_the_page(demo):
    decision = final_decision("northbridge")
    worker = recorded_with_account(decision)
    other = staff(Role.FIRST_RESPONDER)
    allocate(decision.referral, other, kind=AssociationKind.LEAD_SOCIAL_WORKER)
    worker.is_active = False
    worker.save(update_fields=["is_active"])
    assert services.social_worker_of(decision) == content.Contact(other.full_name, other.email)

    warnings = warnings_on(signed_in(staff(Role.COORDINATOR)), decision)
    assert (
        "Alex Social is recorded as the child's lead social worker, but their account in this service is closed."
        in warnings
    )
    assert (
        "The letter for the child will not name them: it will name "
        f"{other.full_name}, who is associated with the child as their social worker." in warnings
    )
    assert "Record the child's lead social worker again on" in warnings
    assert "none is recorded" not in warnings
