"""Hand-overs of a case retention anonymised: the transfer's page says its packet was anonymised (and when) instead of
offering it, and nothing more is transferred, handed over at 18 or recorded of the SCA's decisions (docs/retention.md:
an anonymised record is kept for the figures, not for work)."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from childnrm.accounts.models import Organisation, Role, Site, User
from childnrm.core.tests.welsh import walk_in_welsh
from childnrm.handovers.models import AdultTransition, CaseTransfer, ScaReportedDecision, TransferDestination
from childnrm.handovers.selectors import sca_case_get, turning_18_children
from childnrm.handovers.services import (
    HandoverError,
    ScaDecisionAnswers,
    TransitionAnswers,
    adult_transition_save,
    case_transfer,
    sca_decision_record,
)
from childnrm.kit.dates import long_date
from childnrm.panels.tests.factories import accepted_referral
from childnrm.people.models import Child
from childnrm.referrals.models import Referral, ReferralStatus
from childnrm.retention.anonymise import case_anonymise
from childnrm.retention.schedule import add_years
from childnrm.retention.services import retention_items_approve
from childnrm.retention.tests.test_retention import BORN, decided_case, listed
from conftest import demo_user, signed_in

ANONYMISED = "at the end of"


def _anonymised_transfer() -> CaseTransfer:
    referral = decided_case()
    coordinator = demo_user(Role.COORDINATOR)
    transfer = case_transfer(
        child=referral.child,
        user=coordinator,
        destination=TransferDestination.SCA,
        to_site=None,
        reason="The child will turn 18 before a decision",
    )
    today = max(add_years(BORN, 25), timezone.localdate())  # closed on the hand-off day
    item = listed(referral, today)
    result = retention_items_approve(
        user=demo_user(Role.DATA_PROTECTION_OFFICER), site=referral.site, item_ids=[item.pk], today=today
    )
    assert result.anonymised == [item.pk], result.refused
    transfer.refresh_from_db()
    assert transfer.packet == {"anonymised": True}
    return transfer


def test_the_transfer_page_says_the_packet_was_anonymised_and_when(demo):
    transfer = _anonymised_transfer()
    client = signed_in(demo_user(Role.COORDINATOR))
    response = client.get(reverse("handovers:transfer", args=[transfer.pk]))
    assert response.status_code == 200
    page = response.content.decode()
    assert "What was sent was anonymised on" in page and long_date(transfer.referral.anonymised_at) in page
    assert reverse("handovers:transfer-pdf", args=[transfer.pk]) not in page
    assert reverse("handovers:transfer-json", args=[transfer.pk]) not in page
    # Nothing more is recorded of the SCA's decisions on it either.
    assert reverse("handovers:sca-decision", args=[transfer.referral.reference]) not in page
    # The list of transfers still shows it, by its reference.
    listed_page = client.get(reverse("handovers:transfers"))
    assert listed_page.status_code == 200 and transfer.referral.reference in listed_page.content.decode()


@pytest.mark.parametrize("route", ["handovers:transfer-pdf", "handovers:transfer-json"])
def test_the_packet_of_an_anonymised_case_is_not_offered_for_download(demo, route):
    transfer = _anonymised_transfer()
    client = signed_in(demo_user(Role.COORDINATOR))
    client.raise_request_exception = False
    response = client.get(reverse(route, args=[transfer.pk]), follow=True)
    assert response.status_code == 200, "the transfer packet of an anonymised case is a server error"
    assert response.redirect_chain == [(reverse("handovers:transfer", args=[transfer.pk]), 302)]
    assert "What was sent was anonymised on" in response.content.decode()


def test_the_scas_decision_on_an_anonymised_case_is_no_longer_recorded(demo):
    transfer = _anonymised_transfer()
    coordinator = demo_user(Role.COORDINATOR)
    case = sca_case_get(coordinator, transfer.referral.reference)
    answers = ScaDecisionAnswers(
        stage="reasonable_grounds",
        outcome="positive",
        decided_on=timezone.localdate(),
        reported_on=timezone.localdate(),
    )
    with pytest.raises(HandoverError, match=ANONYMISED):
        sca_decision_record(case=case, user=coordinator, answers=answers, today=timezone.localdate())
    assert not ScaReportedDecision.objects.exists()
    client = signed_in(coordinator)
    url = reverse("handovers:sca-decision", args=[transfer.referral.reference])
    page = client.get(url).content.decode()
    assert ANONYMISED in page and "Record the SCA&#39;s decision" not in page
    response = client.post(url, {"stage": "reasonable_grounds", "outcome": "positive"}, follow=True)
    assert ANONYMISED in response.content.decode() and not ScaReportedDecision.objects.exists()


def test_an_anonymised_case_is_not_transferred(demo):
    referral = decided_case()
    case_anonymise(Referral.objects.get(pk=referral.pk))
    child = Child.objects.get(pk=referral.child_id)
    with pytest.raises(HandoverError, match=ANONYMISED):
        case_transfer(
            child=child,
            user=demo_user(Role.COORDINATOR),
            destination=TransferDestination.SCA,
            to_site=None,
            reason="Sent on",
        )
    assert not CaseTransfer.objects.exists()
    assert Referral.objects.get(pk=referral.pk).status == ReferralStatus.ACCEPTED
    client = signed_in(demo_user(Role.COORDINATOR))
    url = reverse("handovers:transfer-new", args=[child.reference])
    page = client.get(url).content.decode()
    assert ANONYMISED in page and "Transfer the case</button>" not in page
    response = client.post(url, {"destination": "sca", "reason": "Sent on"}, follow=True)
    assert ANONYMISED in response.content.decode() and not CaseTransfer.objects.exists()


@pytest.fixture
def anonymised_nearly_18(demo) -> Child:
    """A young person who turns 18 in about a month, whose only case retention has anonymised."""
    today = timezone.localdate()
    birthday = today + timedelta(days=60)
    referral = accepted_referral(
        "northbridge", submitted_on=today - timedelta(days=200), date_of_birth=birthday.replace(year=birthday.year - 18)
    )
    Child.objects.filter(pk=referral.child_id).update(date_of_birth=referral.date_of_birth)
    case_anonymise(Referral.objects.get(pk=referral.pk))
    return Child.objects.get(pk=referral.child_id)


def test_an_anonymised_child_is_not_on_the_turning_18_list(anonymised_nearly_18):
    child = anonymised_nearly_18
    assert child not in turning_18_children(child.site, timezone.localdate())
    # A record not anonymised, in the same window, is.
    Referral.objects.filter(child=child).update(anonymised_at=None)
    assert child in turning_18_children(child.site, timezone.localdate())


def test_the_turning_18_hand_over_of_an_anonymised_child_records_nothing(anonymised_nearly_18):
    child = anonymised_nearly_18
    with pytest.raises(HandoverError, match=ANONYMISED):
        adult_transition_save(
            child=child,
            user=demo_user(Role.COORDINATOR),
            answers=TransitionAnswers(
                adult_support_referral_on=None, adult_support_provider="", notes="New words", completed_on=None
            ),
        )
    client = signed_in(demo_user(Role.COORDINATOR))
    url = reverse("handovers:adult-transition", args=[child.reference])
    page = client.get(url).content.decode()
    assert ANONYMISED in page and 'name="notes"' not in page
    response = client.post(url, {"notes": "New words about the young person"}, follow=True)
    assert ANONYMISED in response.content.decode()
    assert not AdultTransition.objects.filter(child=child).exists()


def test_the_pages_of_an_anonymised_case_say_so_in_welsh(welsh_site, anonymised_nearly_18):
    """On a Welsh site every notice of an anonymised record is Welsh: the transfer's packet, the SCA's decisions, the
    transfer and turning-18 forms refused, the case's information requests, its case packet and consent."""
    transfer = _anonymised_transfer()
    referral = transfer.referral
    client = signed_in(demo_user(Role.COORDINATOR))
    paths = [
        reverse("handovers:transfer", args=[transfer.pk]),
        reverse("handovers:sca-decision", args=[referral.reference]),
        reverse("handovers:transfer-new", args=[referral.child.reference]),
        reverse("handovers:adult-transition", args=[anonymised_nearly_18.reference]),
        reverse("information:case", args=[referral.reference]),
        reverse("triage:case-packet", args=[referral.reference]),
        reverse("triage:adult-consent", args=[referral.reference]),
    ]
    for path in paths:
        response = client.get(path)
        assert response.status_code == 200, path
        page = response.content.decode()
        assert "ddienwi" in page or "dienwi" in page, path  # the notice, in Welsh
        assert "at the end of" not in page, path
    # Names as written: people, sites, organisations; the child record's name reads "Anonymised".
    names = ["demo", "Anonymised", *User.objects.values_list("full_name", flat=True)]
    names += [*Site.objects.values_list("name", flat=True), *Organisation.objects.values_list("name", flat=True)]
    assert walk_in_welsh(client, paths, names=names) == {}
