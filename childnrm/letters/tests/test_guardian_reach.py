"""After a case moves or a guardian's role ends: the guardian a decision's letters name and tell is one who can open
the case where it is now, and the letters name the panel that decided."""

from __future__ import annotations

import pytest
from django.core import mail

from childnrm.accounts.models import Membership, Role, Site
from childnrm.letters import content, services
from childnrm.letters.models import LetterKind
from childnrm.letters.tests.factories import allocate, final_decision
from childnrm.letters.tests.factories import demo as staff
from childnrm.referrals.models import Referral

pytestmark = pytest.mark.django_db


def test_a_guardian_whose_role_at_the_site_ended_is_not_named_or_told(demo, django_capture_on_commit_callbacks):
    """Allocated, then their guardian role at the site removed (or left at the site that transferred the case): the
    child's letter said "your guardian is …, contact them", and they were emailed a link that showed them nothing."""
    decision = final_decision("northbridge")
    guardian = staff(Role.ICTG)
    allocate(decision.referral, guardian)
    assert services.guardians_of(decision) == [guardian]

    Membership.objects.filter(user=guardian, site=decision.referral.site, role=Role.ICTG).update(active=False)
    assert services.guardians_of(decision) == []
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        produced = services.letters_produce(decision=decision, user=staff(Role.COORDINATOR))
    assert produced.notices == [] and mail.outbox == []
    child_letter = next(letter for letter in produced.letters if letter.kind == LetterKind.CHILD_FRIENDLY)
    assert guardian.full_name not in content.letter_text(child_letter.content)


def test_letters_produced_after_a_transfer_say_which_panel_decided(demo):
    """Northbridge's panel decided, then the case moved to Three Rivers, whose coordinator produces the letters: the
    referrer's letter said "Decided by Three Rivers". It names the panel that decided; who to contact now is the
    coordinator producing it."""
    decision = final_decision("northbridge")
    three_rivers = Site.objects.get(slug="three-rivers")
    Referral.objects.filter(pk=decision.referral_id).update(site=three_rivers)
    decision.refresh_from_db()
    letter = content.referrer_letter(
        decision, people=services.letter_people(decision, coordinator=staff(Role.COORDINATOR, "three-rivers"))
    )
    facts = dict(letter["facts"])
    assert facts["Decided by"] == "Northbridge Child Panel"
    assert three_rivers.name in " ".join(letter["sections"][-1]["paragraphs"])  # who to contact now
