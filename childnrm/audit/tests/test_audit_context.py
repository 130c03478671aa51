"""Services record who acted from an AuditContext, not a request (ADR 0012, amendment of 2026-12-04): the web layer
builds one from the request; a task or a command calls the same service without any request."""

from __future__ import annotations

from datetime import timedelta

from django.contrib.auth.models import AnonymousUser
from django.test import RequestFactory
from django.utils import timezone

from childnrm.access.policy import roles_at
from childnrm.accounts import services as account_services
from childnrm.accounts.models import Organisation, Role, User
from childnrm.audit.context import AuditContext
from childnrm.audit.models import AuditEvent
from childnrm.audit.services import Action, audit_record
from childnrm.feedback import services as feedback_services
from childnrm.information import services as information_services
from childnrm.information.models import InformationRequest, LawfulBasis
from childnrm.panels.models import Agency
from childnrm.referrals.tests.factories import submitted_referral
from conftest import demo_user


def request_from(address: str, user=None):
    request = RequestFactory().post("/", REMOTE_ADDR=address)
    request.user = user if user is not None else AnonymousUser()
    return request


def newest_event_about(user: User) -> AuditEvent:
    return AuditEvent.objects.filter(object_type="accounts.user", object_id=str(user.pk)).latest("seq")


def test_a_service_called_with_a_context_from_a_request_records_that_requests_user_and_address(demo):
    user = demo_user(Role.COORDINATOR)
    context = AuditContext.from_request(request_from("203.0.113.7", user))

    account_services.user_language_set(user=user, language="cy", audit=context)

    event = newest_event_about(user)
    assert (event.actor_id, event.organisation_id, event.ip) == (user.pk, user.organisation_id, "203.0.113.7")
    assert event.role == ",".join(roles_at(user, None)) and Role.COORDINATOR in event.role.split(",")
    assert (event.action, event.purpose, event.detail) == (Action.UPDATE, "Account settings", {"language": "cy"})


def test_a_context_from_an_anonymous_request_records_the_address_and_no_one(demo):
    feedback_services.code_refused(audit=AuditContext.from_request(request_from("198.51.100.9")), reason="unknown")

    event = AuditEvent.objects.filter(action=Action.REFUSED, object_type="feedback.feedbacksession").latest("seq")
    assert (event.actor_id, event.organisation_id, event.role, event.ip) == (None, None, "", "198.51.100.9")


def test_a_command_calls_a_service_as_its_user_without_any_request(demo):
    user = demo_user(Role.COORDINATOR)

    account_services.user_language_set(user=user, language="cy", audit=AuditContext.system(user))

    event = newest_event_about(user)
    assert (event.actor_id, event.ip, event.role) == (user.pk, None, ",".join(roles_at(user, None)))
    assert event.detail == {"language": "cy"}


def test_the_daily_chase_task_audits_each_chase_with_no_request_no_actor_and_no_address(demo):
    referral = submitted_referral("northbridge")
    asked = information_services.information_request_create(
        referral=referral,
        user=demo_user(Role.COORDINATOR),
        organisation=Organisation.objects.get(name="Northbridge Police"),
        agency=Agency.POLICE,
        question="What do you know about the adults he was found with?",
        purpose="To decide reasonable grounds and plan his safeguarding",
        lawful_basis=LawfulBasis.CHILDREN_ACT_2004_S11,
        due_on=timezone.localdate() + timedelta(days=10),
    )
    InformationRequest.objects.filter(pk=asked.pk).update(due_on=timezone.localdate() - timedelta(days=1))

    assert information_services.chase_overdue(timezone.localdate()) == 1

    event = AuditEvent.objects.filter(object_type="information.informationrequest", object_id=str(asked.pk)).latest(
        "seq"
    )
    assert (event.actor_id, event.role, event.ip, event.site_id) == (None, "", None, referral.site_id)
    assert event.purpose == information_services.REQUEST_PURPOSE
    assert event.detail["automatic"] is True and event.detail["chase"] == 1


def test_the_context_gives_the_actor_site_and_purpose_the_service_does_not(demo, site):
    coordinator = demo_user(Role.COORDINATOR)
    context = AuditContext(actor=coordinator, ip="192.0.2.1", site_id=site.pk, purpose="From the context")

    event = audit_record(context=context, action=Action.VIEW, object_type="test.thing")

    assert event is not None
    assert (event.actor_id, event.site_id, event.purpose, event.ip) == (
        coordinator.pk,
        site.pk,
        "From the context",
        "192.0.2.1",
    )


def test_an_actor_site_and_purpose_the_service_passes_win_over_the_context(demo, site, other_site):
    coordinator, adviser = demo_user(Role.COORDINATOR), demo_user(Role.ADVISER, "three-rivers")
    context = AuditContext(actor=coordinator, ip="192.0.2.1", site_id=site.pk, purpose="From the context")

    event = audit_record(
        context=context,
        action=Action.VIEW,
        object_type="test.thing",
        actor=adviser,
        site_id=other_site.pk,
        purpose="Given by the service",
    )

    assert event is not None
    assert (event.actor_id, event.site_id, event.purpose, event.ip) == (
        adviser.pk,
        other_site.pk,
        "Given by the service",
        "192.0.2.1",
    )
    assert event.role == ",".join(roles_at(adviser, other_site.pk))
