"""Rule 10: the child's lead social worker is recorded on the child, with history, and the chair rule
uses them across every record linked to the same child."""

from __future__ import annotations

import pytest
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone

from childnrm.accounts.models import Organisation, OrganisationType, Role, Site
from childnrm.audit.models import AuditEvent
from childnrm.audit.services import Action
from childnrm.decisions.models import Decision, Outcome, Stage
from childnrm.kit.errors import Problem
from childnrm.letters import content
from childnrm.letters import services as letter_services
from childnrm.panels import rules
from childnrm.panels.tests.factories import accepted_referral, add_to_agenda, scheduled_meeting
from childnrm.people import selectors, services
from childnrm.people.demo import demo_account
from childnrm.people.models import (
    AssociationKind,
    Child,
    ChildAssociation,
    LeadSocialWorker,
    LinkStatus,
    SocialWorkerSource,
)
from childnrm.people.services import SocialWorkerInvalid, lead_social_worker_record
from conftest import demo_user

NB = "northbridge"


def coordinator(site_slug: str = NB):
    return demo_user(Role.COORDINATOR, site_slug)


def new_child(site: Site, given: str = "Amir") -> Child:
    return Child.objects.create(site=site, given_names=given, family_name="Hoxha")


def la(site: Site) -> Organisation:
    return site.local_authorities.order_by("pk").first()


def record(child: Child, name: str = "Jo Whitfield", **details) -> LeadSocialWorker:
    return lead_social_worker_record(child=child, user=coordinator(child.site.slug), name=name, **details)


# --- Recording and changing -----------------------------------------------------------------------


def test_a_social_worker_who_is_not_a_user_is_recorded_with_team_and_contact_details(site):
    child = new_child(site)
    worker = record(
        child, team="Children in Care Team 2", local_authority=la(site), email="Jo.W@LA.example", phone="01632 960 214"
    )
    assert worker.current and worker.user is None
    assert (worker.name, worker.team, worker.local_authority, worker.email, worker.phone) == (
        "Jo Whitfield",
        "Children in Care Team 2",
        la(site),
        "jo.w@la.example",
        "01632 960 214",
    )
    assert services.current_lead_social_worker(child) == worker
    event = AuditEvent.objects.filter(object_type="people.child", object_id=str(child.pk)).latest("seq")
    assert event.action == Action.CREATE
    assert event.detail["record"] == "lead social worker" and event.detail["lead_social_worker"] == worker.pk


def test_a_social_worker_who_uses_the_service_is_linked_by_email_and_associated_while_current(site):
    child = new_child(site)
    member = demo_user(Role.PANEL_MEMBER)
    worker = record(child, name=member.full_name, email=member.email.upper())
    assert worker.user == member
    association = ChildAssociation.objects.get(child=child, user=member, kind=AssociationKind.LEAD_SOCIAL_WORKER)
    assert association.ends_at is None

    record(child, name="Sam Okoro", reason="Case moved to the exploitation team")
    association.refresh_from_db()
    assert association.ends_at is not None  # no longer the child's social worker: the association ends

    again = record(child, name=member.full_name, email=member.email, reason="Back with the first worker")
    association.refresh_from_db()
    assert again.user == member and association.ends_at is None


def test_a_change_ends_the_current_record_and_keeps_the_history_audited(site):
    child = new_child(site)
    first = record(child, team="Team A")
    second = record(child, name="Sam Okoro", team="Team B", reason="Case moved to the leaving care team")
    first.refresh_from_db()
    assert first.ends_at == second.starts_at and first.ended_by == coordinator()
    current, earlier = selectors.lead_social_worker_history(child)
    assert current == second
    assert earlier == [first] and earlier[0].next_reason == "Case moved to the leaving care team"
    event = AuditEvent.objects.filter(object_type="people.child", object_id=str(child.pk)).latest("seq")
    assert event.action == Action.UPDATE
    assert (event.detail["lead_social_worker"], event.detail["ended"]) == (second.pk, first.pk)


def test_the_childs_page_reads_the_current_social_worker_and_the_history_with_their_local_authority_in_one_statement(
    site,
):
    from childnrm.core.tests.queries import CountedQueries

    child, authority = new_child(site), la(site)
    assert selectors.current_lead_social_worker_of(child) is None
    first = record(child, team="Team A", local_authority=authority)
    second = record(child, name="Sam Okoro", local_authority=authority, reason="Case moved to the leaving care team")
    with CountedQueries() as captured:
        current = selectors.current_lead_social_worker_of(child)
        assert (current, current.local_authority.name) == (second, authority.name)
    assert len(captured) == 1
    with CountedQueries() as captured:
        current, earlier = selectors.lead_social_worker_history(child)
        assert current == second and earlier == [first]
        assert earlier[0].local_authority.name == authority.name and earlier[0].child is child
    assert len(captured) == 1


def test_a_change_of_contact_details_alone_is_a_new_record(site):
    child = new_child(site)
    first = record(child, phone="01632 960 000")
    second = record(child, phone="01632 960 999")
    assert second.pk != first.pk and LeadSocialWorker.objects.filter(child=child).count() == 2


@pytest.mark.parametrize(
    ("details", "field", "message"),
    [
        ({"name": "  "}, "name", "Enter the social worker's name"),
        ({"email": "not-an-email"}, "email", "Enter an email address in the correct format"),
        ({"phone": "0" * 41}, "phone", "Telephone number must be 40 characters or fewer"),
    ],
)
def test_bad_details_are_refused(site, details, field, message):
    child = new_child(site)
    with pytest.raises(SocialWorkerInvalid) as problem:
        lead_social_worker_record(child=child, user=coordinator(), **{"name": "Jo Whitfield", **details})
    assert problem.value.field == field and str(problem.value).startswith(message)
    assert not LeadSocialWorker.objects.filter(child=child).exists()


def test_only_a_local_authority_may_be_the_social_workers_authority(site):
    police = Organisation.objects.filter(type=OrganisationType.POLICE).first()
    with pytest.raises(SocialWorkerInvalid, match="Select a local authority"):
        record(new_child(site), local_authority=police)


def test_recording_the_same_details_again_is_refused_not_duplicated(site):
    child = new_child(site)
    record(child, team="Team A")
    with pytest.raises(SocialWorkerInvalid, match="already recorded"):
        record(child, team="Team A")
    assert LeadSocialWorker.objects.filter(child=child).count() == 1


def test_only_the_coordinator_of_the_childs_site_may_record_it(site, other_site):
    child = new_child(site)
    for user in (demo_user(Role.PANEL_MEMBER), demo_user(Role.ICTG), coordinator(other_site.slug)):
        with pytest.raises(PermissionError):
            lead_social_worker_record(child=child, user=user, name="Jo Whitfield")
    assert not LeadSocialWorker.objects.filter(child=child).exists()


def test_the_database_allows_one_current_social_worker_per_child(site):
    child = new_child(site)
    record(child)
    with pytest.raises(IntegrityError), transaction.atomic():
        LeadSocialWorker.objects.create(
            child=child,
            name="Someone else",
            source=SocialWorkerSource.SAFEGUARDING,
            recorded_by=coordinator(),
            starts_at=timezone.now(),
        )
    with pytest.raises(IntegrityError), transaction.atomic():
        LeadSocialWorker.objects.create(
            child=new_child(site, "Bea"),
            name="",
            source=SocialWorkerSource.SAFEGUARDING,
            recorded_by=coordinator(),
            starts_at=timezone.now(),
        )


# --- From the referral, at acceptance -------------------------------------------------------------


def test_accepting_a_referral_makes_its_social_worker_the_childs_lead_social_worker(site):
    referral = accepted_referral(
        NB,
        social_worker_name="Priya Nair",
        social_worker_team="Child in Need Team East",
        social_worker_local_authority=la(site),
        social_worker_email="priya.nair@la.example",
        social_worker_phone="01632 960 377",
    )
    worker = services.current_lead_social_worker(referral.child)
    assert (worker.name, worker.team, worker.local_authority, worker.email, worker.phone) == (
        "Priya Nair",
        "Child in Need Team East",
        la(site),
        "priya.nair@la.example",
        "01632 960 377",
    )
    assert worker.source == SocialWorkerSource.REFERRAL and worker.referral == referral
    assert worker.recorded_by == coordinator()


def test_a_referral_naming_no_social_worker_records_none(site):
    referral = accepted_referral(NB)
    assert services.current_lead_social_worker(referral.child) is None


def test_a_referral_naming_the_recorded_social_worker_again_keeps_the_record(site):
    referral = accepted_referral(NB, social_worker_name="Priya Nair", social_worker_email="priya.nair@la.example")
    worker = services.current_lead_social_worker(referral.child)
    referral.social_worker_name = "PRIYA NAIR"
    assert services.lead_social_worker_from_referral(referral=referral, user=coordinator()) is None
    assert services.current_lead_social_worker(referral.child) == worker


# --- The chair rule, across linked records ---------------------------------------------------------


def _second_chair(site: Site):
    from childnrm.accounts.models import Membership

    user = demo_account("chair-two.northbridge@childnrm.example", "Second chair", demo_user(Role.CHAIR).organisation)
    Membership.objects.get_or_create(user=user, site=site, role=Role.CHAIR)
    return user


def _link(child, other) -> None:
    services.child_link_decide(child=child, other=other, status=LinkStatus.LINKED, user=coordinator())


def test_the_recorded_social_worker_may_not_chair_the_childs_case(site):
    chair = _second_chair(site)
    referral = accepted_referral(NB)
    item = add_to_agenda(scheduled_meeting(NB, chair=chair), referral)
    assert rules.chair_problems(item) == []
    record(referral.child, name=chair.full_name, email=chair.email)
    assert rules.chair_problems(item) == [
        Problem("chair-lead-social-worker", "The chair is the child's lead social worker and may not chair this case")
    ]
    record(referral.child, name="Sam Okoro", reason="Reallocated")
    assert rules.chair_problems(item) == []  # a former social worker is not barred


def test_the_social_worker_of_any_linked_record_of_the_child_may_not_chair(site):
    chair = _second_chair(site)
    referral = accepted_referral(NB)
    earlier, middle = new_child(site, "Amiri"), new_child(site, "Amir H")
    record(earlier, name=chair.full_name, email=chair.email)
    item = add_to_agenda(scheduled_meeting(NB, chair=chair), referral)
    assert chair.pk not in rules.lead_social_worker_ids(item)

    # The referral's child is linked to middle, middle to earlier: linked through another record, still the same child.
    _link(referral.child, middle)
    _link(middle, earlier)
    assert selectors.linked_child_ids(referral.child_id) == {referral.child_id, middle.pk, earlier.pk}
    assert chair.pk in rules.lead_social_worker_ids(item)
    assert rules.chair_problems(item) == [
        Problem("chair-lead-social-worker", "The chair is the child's lead social worker and may not chair this case")
    ]

    # An undone link no longer joins the records.
    services.child_link_undo(child=middle, other=earlier, user=coordinator(), reason="Different children after all")
    assert chair.pk not in rules.lead_social_worker_ids(item)


def test_a_rejected_link_does_not_join_records(site):
    child, other = new_child(site), new_child(site, "Bea")
    services.child_link_decide(
        child=child, other=other, status=LinkStatus.REJECTED, user=coordinator(), reason="Different dates of birth"
    )
    assert selectors.linked_child_ids(child.pk) == {child.pk}


def test_a_social_worker_recorded_before_their_account_existed_is_matched_by_email(site):
    referral = accepted_referral(NB)
    record(referral.child, name="Later Chair", email="later.chair@la.example")
    chair = demo_account("later.chair@la.example", "Later Chair", demo_user(Role.CHAIR).organisation)
    item = add_to_agenda(scheduled_meeting(NB), referral)
    assert chair.pk in rules.lead_social_worker_ids(item)


# --- Shown on the case and named in the child's letter ------------------------------------------------


def test_the_childs_letter_names_the_recorded_social_worker_with_their_phone(site):
    referral = accepted_referral(NB)
    record(referral.child, name="Jo Whitfield", phone="01632 960 214")
    # The letter is worded from the decision and the people letter_people finds for it.
    decision = Decision(
        referral=referral, stage=Stage.REASONABLE_GROUNDS, outcome=Outcome.POSITIVE, decided_on=timezone.localdate()
    )
    people = letter_services.letter_people(decision, coordinator=coordinator())
    assert people.social_worker == content.Contact("Jo Whitfield", "", "01632 960 214")
    text = content.letter_text(content.child_letter(decision, people=people))
    assert "You can talk to Jo Whitfield, your social worker." in text
    assert "Their phone number is 01632 960 214." in text

    record(referral.child, name="Sam Okoro", reason="Reallocated")
    people = letter_services.letter_people(decision, coordinator=coordinator())
    text = content.letter_text(content.child_letter(decision, people=people))
    assert "You can talk to Sam Okoro, your social worker." in text and "Jo Whitfield" not in text


def test_the_child_record_page_shows_the_social_worker_and_the_coordinator_can_change_it(site, client_as):
    child = new_child(site)
    record(child, team="Children in Care Team 2", phone="01632 960 214")
    page = client_as(Role.COORDINATOR).get(reverse("people:detail", args=[child.reference])).content.decode()
    assert "Lead social worker" in page and "Jo Whitfield" in page and "Children in Care Team 2" in page
    assert reverse("safeguarding:social-worker", args=[child.reference]) in page


def test_the_safeguarding_page_changes_the_social_worker_and_shows_the_history(site, client_as):
    child = new_child(site)
    record(child, team="Team A")
    client = client_as(Role.COORDINATOR)
    url = reverse("safeguarding:social-worker", args=[child.reference])
    form = client.get(url).content.decode()
    assert 'value="Jo Whitfield"' in form  # the current details, ready to change

    refused = client.post(url, {"name": "", "team": "Team B"})
    assert refused.status_code == 200 and "Enter the social worker&#39;s full name" in refused.content.decode()

    response = client.post(
        url,
        {
            "name": "Sam Okoro",
            "team": "Team B",
            "local_authority": la(site).pk,
            "email": "sam.okoro@la.example",
            "phone": "01632 960 377",
            "reason": "Case moved to the exploitation team",
        },
    )
    assert response.status_code == 302
    current, earlier = selectors.lead_social_worker_history(child)
    assert (
        current.name == "Sam Okoro"
        and current.local_authority == la(site)
        and [e.name for e in earlier] == ["Jo Whitfield"]
    )
    page = client.get(reverse("safeguarding:child", args=[child.reference])).content.decode()
    assert (
        "Sam Okoro" in page and "Earlier lead social workers" in page and "Case moved to the exploitation team" in page
    )


def test_the_children_a_user_leads_are_those_whose_lead_social_worker_they_are_across_linked_records(site):
    """The chair rule read from the user's side (meeting form, agenda suggestions) and from the child's (sign-off)
    must agree: recorded by account or by email before the account existed, on the record or a linked one, current
    only."""
    from childnrm.people.models import ChildLinkDecision

    member = demo_user(Role.PANEL_MEMBER)
    by_account, by_email, linked, through, ended, other, named = (new_child(site, given) for given in "ABCDEFG")
    record(by_account, name=member.full_name, email=member.email)
    LeadSocialWorker.objects.create(  # recorded before they had an account: no user, their email in capitals
        child=by_email,
        name=member.full_name,
        email=member.email.upper(),
        source=SocialWorkerSource.SAFEGUARDING,
        recorded_by=coordinator(),
        starts_at=timezone.now(),
    )
    # A referral's email linked no account: what the referrer typed does not make them the child's lead social worker.
    LeadSocialWorker.objects.create(
        child=named,
        name=member.full_name,
        email=member.email,
        source=SocialWorkerSource.REFERRAL,
        recorded_by=coordinator(),
        starts_at=timezone.now(),
    )
    for a, b in ((by_email, linked), (linked, through)):
        ChildLinkDecision.objects.create(child_a=a, child_b=b, status=LinkStatus.LINKED, decided_by=coordinator())
    record(ended, name=member.full_name, email=member.email)
    record(ended, name="Sam Okoro", reason="Case moved to another team")
    record(other, name="Sam Okoro")

    led = selectors.children_led_by(member)
    assert led == {by_account.pk, by_email.pk, linked.pk, through.pk}
    for child in (by_account, by_email, linked, through, ended, other, named):
        assert (child.pk in led) == (member.pk in selectors.lead_social_worker_user_ids(child.pk))
