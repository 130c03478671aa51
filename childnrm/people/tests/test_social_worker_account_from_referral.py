"""The referral's social worker email is what the referrer typed: it links an account as the child's lead social
worker, with the reach that gives (the child's record, outcome reviews, feedback sessions, the chair rule), only
when that account is plausibly the child's social worker (ADR 0002, amendment). Otherwise the social worker is
recorded as contact details only."""

from __future__ import annotations

from django.urls import reverse

from childnrm.accounts.models import Membership, Organisation, Role, Site
from childnrm.feedback.selectors import gathering_children
from childnrm.outcomes.selectors import owned_children
from childnrm.panels import rules
from childnrm.panels.tests.factories import accepted_referral, add_to_agenda, scheduled_meeting
from childnrm.people import selectors, services
from childnrm.people.demo import demo_account
from childnrm.people.models import AssociationKind, ChildAssociation, SocialWorkerSource
from conftest import demo_user, signed_in

NB = "northbridge"


def la(site: Site) -> Organisation:
    return site.local_authorities.order_by("pk").first()


def account(email: str, name: str, organisation: Organisation, site: Site, *roles: str):
    user = demo_account(email, name, organisation)
    for role in roles:
        Membership.objects.get_or_create(user=user, site=site, role=role)
    return user


def naming(user, **more):
    """A referral from the site's demo first responder naming `user` as the child's social worker, accepted."""
    return accepted_referral(NB, social_worker_name=user.full_name, social_worker_email=user.email.upper(), **more)


def lead_associations(user):
    return ChildAssociation.objects.filter(user=user, kind=AssociationKind.LEAD_SOCIAL_WORKER, ends_at__isnull=True)


def test_a_first_responder_naming_themselves_gets_no_lead_social_workers_reach(site):
    referrer = demo_user(Role.FIRST_RESPONDER)
    referral = naming(referrer)
    worker = services.current_lead_social_worker(referral.child)
    # Recorded as contact details, as for a social worker with no account.
    assert (worker.name, worker.email, worker.source) == (
        referrer.full_name,
        referrer.email.lower(),
        SocialWorkerSource.REFERRAL,
    )
    assert worker.user is None
    assert not lead_associations(referrer).exists()
    assert not owned_children(referrer).filter(pk=referral.child_id).exists()
    assert not gathering_children(referrer).filter(pk=referral.child_id).exists()
    assert referral.child_id not in selectors.children_led_by(referrer)


def test_a_colleague_named_by_a_first_responder_cannot_open_the_childs_record(site):
    referrer = demo_user(Role.FIRST_RESPONDER)
    colleague = account(
        "colleague.police@childnrm.example", "Colleague Officer", referrer.organisation, site, Role.FIRST_RESPONDER
    )
    referral = naming(colleague)
    assert services.current_lead_social_worker(referral.child).user is None
    assert not lead_associations(colleague).exists()
    assert not selectors.children_visible_to(colleague).filter(pk=referral.child_id).exists()
    assert signed_in(colleague).get(reverse("people:detail", args=[referral.child.reference])).status_code == 404


def test_a_genuine_social_worker_at_the_site_is_still_linked(site):
    social_worker = account("priya.nair@childnrm.example", "Priya Nair", la(site), site, Role.FIRST_RESPONDER)
    referral = naming(social_worker, social_worker_local_authority=la(site))
    worker = services.current_lead_social_worker(referral.child)
    assert worker.user == social_worker
    assert lead_associations(social_worker).filter(child=referral.child).exists()
    assert selectors.children_visible_to(social_worker).filter(pk=referral.child_id).exists()
    assert owned_children(social_worker).filter(pk=referral.child_id).exists()
    page = signed_in(social_worker).get(reverse("people:detail", args=[referral.child.reference]))
    assert page.status_code == 200


def test_a_social_worker_sitting_for_childrens_social_care_on_the_panel_is_linked(site):
    member = account("sam.okoro@childnrm.example", "Sam Okoro", la(site), site, Role.PANEL_MEMBER)
    referral = naming(member)
    assert services.current_lead_social_worker(referral.child).user == member


def test_an_account_of_another_local_authority_than_the_referral_names_is_not_linked(site, other_site):
    social_worker = account("priya.nair@childnrm.example", "Priya Nair", la(site), site, Role.FIRST_RESPONDER)
    referral = naming(social_worker, social_worker_local_authority=la(other_site))
    assert services.current_lead_social_worker(referral.child).user is None


def test_an_account_with_no_social_workers_role_at_the_site_is_not_linked(site, other_site):
    guardian, adviser = demo_user(Role.ICTG), demo_user(Role.ADVISER)
    elsewhere = account("priya.nair@childnrm.example", "Priya Nair", la(other_site), other_site, Role.FIRST_RESPONDER)
    analyst = demo_user(Role.ANALYST)  # of the local authority, but no social worker's role
    for user in (guardian, adviser, elsewhere, analyst):
        referral = naming(user)
        assert services.current_lead_social_worker(referral.child).user is None, user
        assert not lead_associations(user).exists(), user


def test_a_chair_named_by_the_referral_is_not_barred_from_the_case(site):
    chair = demo_user(Role.CHAIR)  # of the site's local authority
    referral = naming(chair)
    assert services.current_lead_social_worker(referral.child).user is None
    assert not lead_associations(chair).exists()
    item = add_to_agenda(scheduled_meeting(NB, chair=chair), referral)
    assert chair.pk not in rules.lead_social_worker_ids(item)
    assert referral.child_id not in selectors.children_led_by(chair)
    assert [p.code for p in rules.chair_problems(item)] == []


def test_a_chair_who_also_sits_as_a_social_worker_is_still_not_linked_from_a_referral(site):
    chair = demo_user(Role.CHAIR)
    Membership.objects.get_or_create(user=chair, site=site, role=Role.PANEL_MEMBER)
    referral = naming(chair)
    assert services.current_lead_social_worker(referral.child).user is None


def test_the_coordinator_links_the_account_on_the_safeguarding_page_with_the_same_details(site):
    """Recorded from the referral as contact details only, the coordinator may link the account themselves: the
    same details are not refused as a repeat when the new record links an account the current one does not."""
    chair = demo_user(Role.CHAIR)
    referral = naming(chair)
    current = services.current_lead_social_worker(referral.child)
    linked = services.lead_social_worker_record(
        child=referral.child,
        user=demo_user(Role.COORDINATOR),
        name=current.name,
        email=current.email,
        reason="Confirmed with the local authority",
    )
    assert linked.user == chair and linked.source == SocialWorkerSource.SAFEGUARDING
    item = add_to_agenda(scheduled_meeting(NB, chair=chair), referral)
    assert chair.pk in rules.lead_social_worker_ids(item)


def test_the_childs_page_tells_the_coordinator_whether_an_account_was_linked(site, client_as):
    social_worker = account("priya.nair@childnrm.example", "Priya Nair", la(site), site, Role.FIRST_RESPONDER)
    linked = naming(social_worker)
    unlinked = naming(demo_user(Role.FIRST_RESPONDER))
    coordinator = client_as(Role.COORDINATOR)
    page = coordinator.get(reverse("people:detail", args=[linked.child.reference])).content.decode()
    assert "Linked to their account: they can open this child's record" in page
    page = coordinator.get(reverse("people:detail", args=[unlinked.child.reference])).content.decode()
    assert "Not linked to an account: contact details only" in page
    page = coordinator.get(reverse("safeguarding:child", args=[unlinked.child.reference])).content.decode()
    assert "Not linked to an account: contact details only" in page  # where the coordinator changes it
    # Not shown to others who read the child's page.
    page = signed_in(social_worker).get(reverse("people:detail", args=[linked.child.reference])).content.decode()
    assert "Linked to their account" not in page


def test_a_later_referral_naming_the_linked_address_another_way_does_not_unlink_it(site):
    """The coordinator linked the account by hand; a later referral names the same address with the name written
    another way. The referral rule would not link that account itself, but it keeps the link the coordinator made:
    the social worker was losing the child's record."""
    chair = demo_user(Role.CHAIR)
    referral = naming(chair)
    current = services.current_lead_social_worker(referral.child)
    services.lead_social_worker_record(
        child=referral.child, user=demo_user(Role.COORDINATOR), name=current.name, email=current.email, reason="Checked"
    )
    referral.social_worker_name = "J. " + chair.full_name
    services.lead_social_worker_from_referral(referral=referral, user=demo_user(Role.COORDINATOR))
    worker = services.current_lead_social_worker(referral.child)
    assert worker.name == "J. " + chair.full_name and worker.user == chair
    assert lead_associations(chair).filter(child=referral.child).exists()
