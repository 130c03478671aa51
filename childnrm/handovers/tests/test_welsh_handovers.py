"""The hand-over pages in Welsh, as the coordinator of a Welsh site (the only role that reaches them; ADR 0023,
issue 13).

Northbridge is made a Welsh site (its users see Welsh until they choose otherwise) and given every kind of hand-over,
so that every branch is drawn: a case transferred to the SCA with the SCA's decisions reported (one corrected), a
case sent to another site, a case received from another site, and young people turning 18 (one with their consent
and a completed hand-over, one with adult support under way, one not started). The transfer packet itself (its PDF
and JSON) stays English (its fingerprint must not depend on the reader's language). What people typed (reasons,
providers, notes) and names stay as written; everything else must be Welsh. The receiving site's coordinators are
told of a transfer in their own language.
"""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from childnrm.accounts.models import Organisation, Role, Site, User
from childnrm.core.tests.welsh import english_left, walk_in_welsh
from childnrm.dashboard.tests.factories import accepted_referral, child_born
from childnrm.decisions.models import Stage
from childnrm.handovers.models import AdultTransition, CaseTransfer, ScaOutcome, TransferDestination
from childnrm.handovers.selectors import sca_case_get
from childnrm.handovers.services import (
    ScaDecisionAnswers,
    TransitionAnswers,
    adult_transition_save,
    case_transfer,
    sca_decision_record,
)
from childnrm.handovers.tasks import transfer_email
from childnrm.information import services as information_services
from childnrm.information.models import LawfulBasis
from childnrm.panels.models import Agency
from childnrm.people.models import Child
from childnrm.referrals.models import AdultConsent, ConsentAnswer, ConsentMethod
from conftest import demo_user, signed_in

NB, TR = "northbridge", "three-rivers"


def coordinator(site_slug: str = NB) -> User:
    return demo_user(Role.COORDINATOR, site_slug)


def _born_18_years_before(days_from_now: int):
    birthday = timezone.localdate() + timedelta(days=days_from_now)
    return birthday.replace(year=birthday.year - 18)


@pytest.fixture
def welsh_handovers(welsh_site, django_capture_on_commit_callbacks) -> dict:
    today = timezone.localdate()
    # To the SCA, with its decisions reported: reasonable grounds (then corrected), conclusive grounds.
    to_sca = case_transfer(
        child=accepted_referral(NB).child,
        user=coordinator(),
        destination=TransferDestination.SCA,
        to_site=None,
        reason="The child turns 18 before the panel can sit.",
    )
    for answers in (
        {"stage": Stage.REASONABLE_GROUNDS, "outcome": ScaOutcome.POSITIVE},
        {"stage": Stage.REASONABLE_GROUNDS, "outcome": ScaOutcome.POSITIVE, "correction_reason": "Wrong date typed"},
        {"stage": Stage.CONCLUSIVE_GROUNDS, "outcome": ScaOutcome.NEGATIVE},
    ):
        sca_decision_record(
            case=sca_case_get(coordinator(), to_sca.referral.reference),
            user=coordinator(),
            answers=ScaDecisionAnswers(**{"correction_reason": "", **answers}, decided_on=today, reported_on=today),
        )
    # Sent to Three Rivers, and received from it (its coordinators are told in English, Northbridge's in Welsh).
    with django_capture_on_commit_callbacks(execute=True):
        sent = case_transfer(
            child=accepted_referral(NB).child,
            user=coordinator(),
            destination=TransferDestination.SITE,
            to_site=Site.objects.get(slug=TR),
            reason="The family moved to Three Rivers.",
        )
        received = case_transfer(
            child=accepted_referral(TR).child,
            user=coordinator(TR),
            destination=TransferDestination.SITE,
            to_site=welsh_site,
            reason="The family moved to Northbridge.",
        )
    # Turning 18: a completed hand-over with consent, one under way, one not started (within the cut-off).
    completed = accepted_referral(NB, submitted_on=today - timedelta(days=200), date_of_birth=_born_18_years_before(60))
    AdultConsent.objects.create(
        referral=completed,
        answer=ConsentAnswer.GIVEN,
        given_on=today,
        method=ConsentMethod.IN_PERSON,
        recorded_by=coordinator(),
    )
    adult_transition_save(
        child=completed.child,
        user=coordinator(),
        answers=TransitionAnswers(
            adult_support_referral_on=today,
            adult_support_provider="Adult Victim Care Contract provider",
            notes="Explained with the guardian present.",
            completed_on=today,
        ),
    )
    under_way = child_born(NB, _born_18_years_before(30), given_names="Ayo", family_name="Test")
    adult_transition_save(
        child=under_way,
        user=coordinator(),
        answers=TransitionAnswers(
            adult_support_referral_on=today, adult_support_provider="Kept provider", notes="", completed_on=None
        ),
    )
    not_started = child_born(NB, _born_18_years_before(10), given_names="Bea", family_name="Test")
    no_birthday = child_born(NB, None, given_names="Cai", family_name="Test")
    return {
        "to_sca": to_sca,
        "sent": sent,
        "received": received,
        "turning_18": [completed.child, under_way, not_started, no_birthday],
        "undecided": accepted_referral(NB).child,
    }


def typed_and_names() -> list[str]:
    """What a hand-over page may show as it was written: names, and what the coordinators typed."""
    found = ["demo"]
    found += User.objects.values_list("full_name", flat=True)
    found += Organisation.objects.values_list("name", flat=True)
    found += Site.objects.values_list("name", flat=True)
    found += [c.display_name for c in Child.objects.all()]
    found += CaseTransfer.objects.values_list("reason", flat=True)
    for provider, notes in AdultTransition.objects.values_list("adult_support_provider", "notes"):
        found += [provider, notes]
    found += ["Wrong date typed"]
    return [f for f in found if f]


def found(client, paths: list[str]) -> list[str]:
    """The paths, each checked to be a page the client reaches (a 404 in Welsh would pass the walk unseen)."""
    for path in paths:
        assert client.get(path).status_code == 200, path
    return paths


def test_a_welsh_sites_coordinator_sees_the_hand_over_pages_in_welsh(welsh_handovers):
    client = signed_in(coordinator())
    paths = [
        reverse("handovers:transfers"),
        reverse("handovers:transfer", args=[welsh_handovers["to_sca"].pk]),
        reverse("handovers:transfer", args=[welsh_handovers["sent"].pk]),
        reverse("handovers:transfer", args=[welsh_handovers["received"].pk]),
        reverse("handovers:transfer-new", args=[welsh_handovers["undecided"].reference]),
        # A child whose case has gone: nothing to transfer.
        reverse("handovers:transfer-new", args=[welsh_handovers["to_sca"].referral.child.reference]),
        reverse("handovers:sca-decision", args=[welsh_handovers["to_sca"].referral.reference]),
        reverse("handovers:turning-18"),
        *(reverse("handovers:adult-transition", args=[c.reference]) for c in welsh_handovers["turning_18"]),
    ]
    page = client.get(paths[1]).content.decode()
    assert "Achos wedi’i drosglwyddo" in page and "(PDF, yn Saesneg)" in page
    assert walk_in_welsh(client, found(client, paths), names=typed_and_names()) == {}


def test_hand_over_forms_errors_and_messages_are_in_welsh(welsh_handovers):
    client = signed_in(coordinator())
    names = typed_and_names()
    undecided = welsh_handovers["undecided"]
    # The transfer form: a site with no site chosen, then no reason.
    url = reverse("handovers:transfer-new", args=[undecided.reference])
    page = client.post(url, {"destination": "site", "reason": "Moved away"}).content.decode()
    assert "Mae problem wedi codi" in page and "Dewiswch y safle i drosglwyddo’r achos iddo" in page
    assert english_left(page, names=[*names, "Moved away"]) == []
    page = client.post(url, {"destination": "sca"}).content.decode()
    assert "Rhowch y rheswm dros y trosglwyddiad" in page and english_left(page, names=names) == []
    # The SCA's decision: sent empty, then a stage recorded already without a reason.
    url = reverse("handovers:sca-decision", args=[welsh_handovers["to_sca"].referral.reference])
    page = client.post(url, {}).content.decode()
    assert "Dewiswch pa benderfyniad a wnaeth yr Awdurdod Cymwys Sengl" in page
    assert english_left(page, names=names) == []
    today = timezone.localdate()
    answers = {
        "stage": Stage.CONCLUSIVE_GROUNDS,
        "outcome": ScaOutcome.POSITIVE,
        **{f"decided_on_{k}": str(v) for k, v in (("day", today.day), ("month", today.month), ("year", today.year))},
        **{f"reported_on_{k}": str(v) for k, v in (("day", today.day), ("month", today.month), ("year", today.year))},
    }
    page = client.post(url, answers).content.decode()
    assert "rhowch pam rydych chi’n ei gywiro" in page and english_left(page, names=names) == []
    page = client.post(url, {**answers, "correction_reason": "Misread the letter"}, follow=True).content.decode()
    assert "Cofnodwyd penderfyniad yr Awdurdod Cymwys Sengl" in page
    assert english_left(page, names=[*names, "Misread the letter"]) == []
    # The turning-18 hand-over: completion before their answer on consent, then a saved hand-over.
    not_started = welsh_handovers["turning_18"][2]
    url = reverse("handovers:adult-transition", args=[not_started.reference])
    dated = {f"completed_on_{k}": str(v) for k, v in (("day", today.day), ("month", today.month), ("year", today.year))}
    page = client.post(url, dated).content.decode()
    assert "Cofnodwch ateb y person ifanc ar gydsyniad" in page and english_left(page, names=names) == []
    page = client.post(url, {"notes": "Met with the guardian."}, follow=True).content.decode()
    assert "Cadwyd y trosglwyddo wrth droi’n 18 oed" in page
    assert english_left(page, names=[*names, "Met with the guardian."]) == []
    # A transfer made: the confirmation.
    url = reverse("handovers:transfer-new", args=[undecided.reference])
    page = client.post(url, {"destination": "sca", "reason": "Turns 18 soon."}, follow=True).content.decode()
    assert "Trosglwyddwyd achos" in page and english_left(page, names=[*names, "Turns 18 soon."]) == []


def test_the_transfer_packet_stays_english_whatever_the_page_language(welsh_handovers):
    """A Welsh coordinator's transfer: the packet's labels are English (its hash must not depend on the page)."""
    undecided = welsh_handovers["undecided"]
    referral = undecided.referrals.get()
    information_services.information_request_create(
        referral=referral,
        user=coordinator(),
        organisation=Organisation.objects.get(name="Northbridge Police"),
        agency=Agency.POLICE,
        question="Anything known?",
        purpose="Planning",
        lawful_basis=LawfulBasis.CHILDREN_ACT_2004_S28,
        due_on=timezone.localdate() + timedelta(days=5),
    )
    client = signed_in(coordinator())
    client.post(reverse("handovers:transfer-new", args=[undecided.reference]), {"destination": "sca", "reason": "x"})
    made = CaseTransfer.objects.get(referral=referral)
    [asked] = made.packet["information_requests"]
    assert asked["status_label"] == "Waiting for an answer"
    assert asked["lawful_basis_label"] == "Children Act 2004 section 28 (duty to safeguard, Wales)"
    assert made.packet["transfer"]["to"] == "Home Office Single Competent Authority"
    pdf = client.get(reverse("handovers:transfer-pdf", args=[made.pk]))
    assert pdf.status_code == 200 and pdf["Content-Type"] == "application/pdf"


def test_the_receiving_coordinators_are_told_in_their_language(welsh_handovers):
    """Three Rivers' case sent to Northbridge: Northbridge's coordinator is told in Welsh; the other way, English."""
    welsh = transfer_email(welsh_handovers["received"], coordinator())
    assert welsh.subject.endswith("wedi’i drosglwyddo i’ch panel")
    assert "Peidiwch ag ateb yr e-bost hwn." in welsh.body and "Do not reply" not in welsh.body
    english = transfer_email(welsh_handovers["sent"], coordinator(TR))
    assert english.subject.endswith("transferred to your panel") and "Do not reply" in english.body
