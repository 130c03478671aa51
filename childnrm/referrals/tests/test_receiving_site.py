"""Which site's queue a web referral goes to: a site where the referrer may refer, the child's area's when they may
refer at several, and never an inactive site, where no coordinator would see it."""

from __future__ import annotations

import pytest

from childnrm.accounts.models import Membership, Role, Site, User
from childnrm.referrals.models import Referral, ReferralStatus
from childnrm.referrals.services import ReferralStateError, referral_save, referral_start, referral_submit
from childnrm.referrals.tests.factories import complete_answers
from childnrm.triage.models import TriageAssessment, TriageOutcome
from conftest import demo_user

pytestmark = pytest.mark.django_db


def referrer_holding(*roles: tuple[Site, str]) -> User:
    """A referrer of the demo first responder's organisation, holding these roles in this order (the first
    membership is the first row)."""
    organisation = demo_user(Role.FIRST_RESPONDER).organisation
    user = User.objects.create_user(
        "multi.site@childnrm.example", None, full_name="Multi Site", organisation=organisation, job_title="Officer"
    )
    for site, role in roles:
        Membership.objects.create(user=user, site=site, role=role, active=True)
    return user


def refer(user: User, lives_in: Site) -> Referral:
    draft = referral_save(referral=referral_start(user=user), user=user, data=complete_answers(lives_in))
    return referral_submit(referral=draft, user=user)


def outcome(referral: Referral) -> str:
    return TriageAssessment.objects.get(referral=referral).outcome


def test_the_site_where_the_referrer_may_refer_not_their_first_membership(demo):
    northbridge, three_rivers = Site.objects.get(slug="northbridge"), Site.objects.get(slug="three-rivers")
    # An analyst at Three Rivers (the first membership) and a first responder at Northbridge.
    user = referrer_holding((three_rivers, Role.ANALYST), (northbridge, Role.FIRST_RESPONDER))
    referral = refer(user, lives_in=northbridge)
    assert referral.site == northbridge
    assert outcome(referral) == TriageOutcome.PANEL


def test_of_several_sites_the_childs_area(demo):
    northbridge, three_rivers = Site.objects.get(slug="northbridge"), Site.objects.get(slug="three-rivers")
    user = referrer_holding((three_rivers, Role.FIRST_RESPONDER), (northbridge, Role.FIRST_RESPONDER))
    assert refer(user, lives_in=northbridge).site == northbridge
    assert refer(user, lives_in=three_rivers).site == three_rivers


def test_never_held_at_an_inactive_site(demo):
    northbridge, three_rivers = Site.objects.get(slug="northbridge"), Site.objects.get(slug="three-rivers")
    old = Site.objects.create(name="Old pilot", slug="old-pilot", active=False)
    user = referrer_holding((old, Role.FIRST_RESPONDER), (three_rivers, Role.FIRST_RESPONDER))
    referral = refer(user, lives_in=northbridge)
    # Sent to Three Rivers, whose coordinator sends it on to Northbridge, where the child lives.
    assert referral.site == three_rivers
    assert outcome(referral) == TriageOutcome.OTHER_SITE
    assert TriageAssessment.objects.get(referral=referral).target_site == northbridge


def test_refused_when_no_active_site_lets_the_referrer_refer(demo):
    northbridge, three_rivers = Site.objects.get(slug="northbridge"), Site.objects.get(slug="three-rivers")
    old = Site.objects.create(name="Old pilot", slug="old-pilot", active=False)
    user = referrer_holding((old, Role.FIRST_RESPONDER), (three_rivers, Role.ANALYST))
    draft = referral_save(referral=referral_start(user=user), user=user, data=complete_answers(northbridge))
    with pytest.raises(ReferralStateError, match="first responder role at any panel site"):
        referral_submit(referral=draft, user=user)
    draft.refresh_from_db()
    assert draft.status == ReferralStatus.DRAFT and draft.site is None and draft.child is None
