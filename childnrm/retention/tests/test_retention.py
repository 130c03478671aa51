"""Retention: schedule boundaries, approval, legal holds, anonymisation, the dry run and who may do it."""

from __future__ import annotations

import hashlib
from collections import Counter
from datetime import date, datetime, timedelta
from io import StringIO

import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.core.management import call_command
from django.utils import timezone

from childnrm.accounts.models import Role, Site
from childnrm.audit.models import AuditEvent
from childnrm.dashboard.tests.factories import accepted_referral, final_decision
from childnrm.decisions.models import Decision, Outcome, Stage
from childnrm.kit.dates import long_date
from childnrm.outcomes.models import MissingEpisode, OutcomeReview
from childnrm.outcomes.services import follow_up_start
from childnrm.people.models import AssociationKind, Child, ChildAssociation, LinkStatus, PossibleEarlierRecord
from childnrm.people.services import child_link_decide
from childnrm.referrals.models import Referral, ReferralDocument, ReferralStatus, ReferralStatusChange
from childnrm.referrals.services import referral_start
from childnrm.retention.models import ItemStatus, LegalHold, RetentionItem
from childnrm.retention.schedule import RecordType, add_years
from childnrm.retention.services import (
    RetentionError,
    legal_hold_lift,
    legal_hold_place,
    retention_items_approve,
    retention_review_run,
    retention_rule_set,
    site_due,
)
from conftest import demo_user, signed_in

BORN = date(2000, 3, 15)
DECIDED = date(2016, 6, 1)


@pytest.fixture(autouse=True)
def _files_in_private_storage(private_storage):
    """Every test here stores files in its own folder (root conftest)."""
    return private_storage


def decided_case(site_slug: str = "northbridge", *, born: date = BORN, **answers) -> Referral:
    """A case the panel accepted and closed with a final conclusive grounds decision on DECIDED."""
    referral = accepted_referral(site_slug, **answers)
    final_decision(referral, stage=Stage.REASONABLE_GROUNDS, decided_on=DECIDED - timedelta(days=60))
    final_decision(referral, stage=Stage.CONCLUSIVE_GROUNDS, decided_on=DECIDED)
    Child.objects.filter(pk=referral.child_id).update(date_of_birth=born)
    Referral.objects.filter(pk=referral.pk).update(date_of_birth=born)
    referral.refresh_from_db()
    return referral


def due_types(referral: Referral, today: date) -> set[str]:
    return {
        d.record_type
        for d in site_due(referral.site, today=today)
        if d.referral_id == referral.pk and not d.no_date_of_birth
    }


def with_document(referral: Referral) -> ReferralDocument:
    content = b"%PDF-1.4 evidence"
    return ReferralDocument.objects.create(
        referral=referral,
        file=ContentFile(content, name="statement.pdf"),
        original_name="statement.pdf",
        content_type="application/pdf",
        size=len(content),
        sha256=hashlib.sha256(content).hexdigest(),
        uploaded_by=referral.created_by,
    )


def listed(referral: Referral, today: date, record_type: str = RecordType.DECIDED_CASE) -> RetentionItem:
    retention_review_run(today=today)
    return RetentionItem.objects.get(referral=referral, record_type=record_type)


# ------------------------------------------------------------------------------------------------
# The schedule's boundaries
# ------------------------------------------------------------------------------------------------


def test_decided_case_falls_due_on_the_25th_birthday_not_the_day_before(demo):
    referral = decided_case()
    birthday = add_years(BORN, 25)
    assert RecordType.DECIDED_CASE not in due_types(referral, birthday - timedelta(days=1))
    assert RecordType.DECIDED_CASE in due_types(referral, birthday)
    assert RecordType.DECIDED_CASE in due_types(referral, birthday + timedelta(days=1))


def test_looked_after_childs_case_is_kept_until_the_75th_birthday(demo):
    referral = decided_case(looked_after=True)
    assert due_types(referral, add_years(BORN, 25)) == set()
    # Its documents and letters are kept whole with it: no part goes early either.
    with_document(referral)
    assert due_types(referral, add_years(BORN, 74)) == set()
    assert due_types(referral, add_years(BORN, 75) - timedelta(days=1)) == set()
    assert due_types(referral, add_years(BORN, 75)) == {RecordType.LOOKED_AFTER_CASE}


def test_looked_after_status_recorded_by_the_plan_counts_too(demo):
    from childnrm.safeguarding.models import StatutoryKind, StatutoryPeriod

    referral = decided_case()
    StatutoryPeriod.objects.create(
        child=referral.child,
        kind=StatutoryKind.LOOKED_AFTER,
        starts_on=date(2015, 1, 1),
        recorded_by=demo_user(Role.COORDINATOR),
    )
    assert due_types(referral, add_years(BORN, 30)) == set()
    assert RecordType.LOOKED_AFTER_CASE in due_types(referral, add_years(BORN, 75))


def test_withdrawn_referral_falls_due_six_years_after_it_closed(demo):
    referral = accepted_referral("northbridge")
    closed = date(2020, 2, 29)
    Referral.objects.filter(pk=referral.pk).update(status=ReferralStatus.WITHDRAWN)
    change = ReferralStatusChange.objects.create(
        referral=referral, from_status=ReferralStatus.ACCEPTED, to_status=ReferralStatus.WITHDRAWN
    )
    ReferralStatusChange.objects.filter(referral=referral).update(at=change.at.replace(year=2020, month=2, day=29))
    due = date(2026, 3, 1)  # six years after 29 February 2020
    assert RecordType.REFERRAL_NOT_ACCEPTED not in due_types(referral, due - timedelta(days=1))
    assert RecordType.REFERRAL_NOT_ACCEPTED in due_types(referral, due)
    assert closed < due


def test_an_open_case_is_never_due(demo):
    referral = accepted_referral("northbridge")
    Child.objects.filter(pk=referral.child_id).update(date_of_birth=BORN)
    assert due_types(referral, date(2200, 1, 1)) == set()


def test_documents_go_before_the_case_under_their_own_rule(demo):
    referral = decided_case()
    with_document(referral)
    six_years = add_years(DECIDED, 6)
    assert RecordType.DOCUMENTS not in due_types(referral, six_years - timedelta(days=1))
    assert due_types(referral, six_years) == {RecordType.DOCUMENTS}


def test_a_site_can_change_its_rule_but_not_below_the_looked_after_minimum(demo, site):
    referral = decided_case()
    dpo = demo_user(Role.DATA_PROTECTION_OFFICER)
    retention_rule_set(site=site, user=dpo, record_type=RecordType.DECIDED_CASE, basis="birthday", years=30)
    assert RecordType.DECIDED_CASE not in due_types(referral, add_years(BORN, 29))
    assert RecordType.DECIDED_CASE in due_types(referral, add_years(BORN, 30))
    assert AuditEvent.objects.filter(action="retention_rule_change", site_id=site.pk).exists()
    with pytest.raises(RetentionError):
        retention_rule_set(site=site, user=dpo, record_type=RecordType.LOOKED_AFTER_CASE, basis="birthday", years=25)
    with pytest.raises(RetentionError):
        retention_rule_set(
            site=site, user=demo_user(Role.COORDINATOR), record_type=RecordType.DECIDED_CASE, basis="birthday", years=2
        )


# ------------------------------------------------------------------------------------------------
# Approval, holds and anonymisation
# ------------------------------------------------------------------------------------------------


def test_the_review_lists_but_changes_nothing_until_the_dpo_approves(demo):
    referral = decided_case()
    today = add_years(BORN, 25)
    item = listed(referral, today)
    assert item.status == ItemStatus.LISTED
    referral.refresh_from_db()
    assert referral.given_names and referral.account
    # Running again the same day lists nothing twice.
    retention_review_run(today=today)
    assert RetentionItem.objects.filter(referral=referral).count() == 1
    with pytest.raises(RetentionError):
        retention_items_approve(user=demo_user(Role.COORDINATOR), site=referral.site, item_ids=[item.pk], today=today)
    item.refresh_from_db()
    assert item.status == ItemStatus.LISTED


def test_a_legal_hold_stops_anonymisation_until_lifted(demo):
    referral = decided_case()
    today = add_years(BORN, 25)
    item = listed(referral, today)
    dpo = demo_user(Role.DATA_PROTECTION_OFFICER)
    hold = legal_hold_place(user=demo_user(Role.COORDINATOR), child=referral.child, reason="A claim has been brought.")

    result = retention_items_approve(user=dpo, site=referral.site, item_ids=[item.pk], today=today)
    assert result.refused == {item.pk: "on legal hold"}
    referral.refresh_from_db()
    assert referral.given_names
    assert not AuditEvent.objects.filter(action="retention_anonymise").exists()

    legal_hold_lift(user=dpo, hold=hold, reason="The claim was settled.")
    result = retention_items_approve(user=dpo, site=referral.site, item_ids=[item.pk], today=today)
    assert result.anonymised == [item.pk]
    actions = list(AuditEvent.objects.filter(site_id=referral.site_id).values_list("action", flat=True))
    assert {"legal_hold_place", "legal_hold_lift", "retention_approve", "retention_anonymise"} <= set(actions)


def test_a_hold_cannot_be_placed_on_another_sites_child(demo):
    other = accepted_referral("three-rivers")
    with pytest.raises(RetentionError):
        legal_hold_place(user=demo_user(Role.COORDINATOR), child=other.child, reason="Inquiry")
    assert not LegalHold.objects.exists()


def test_anonymisation_clears_personal_data_deletes_files_and_keeps_statistics(
    demo, private_storage, django_capture_on_commit_callbacks
):
    referral = decided_case(nhs_number="9434765919", home_office_reference="Port reference EDD/1234567")
    assert (referral.nhs_number, referral.home_office_reference) == ("9434765919", "Port reference EDD/1234567")
    document = with_document(referral)
    stored = document.file.name
    assert default_storage.exists(stored)
    site = referral.site
    before = Counter(
        (c.sex, tuple(c.nationalities), c.date_of_birth.year if c.date_of_birth else None)
        for c in Child.objects.filter(site=site)
    )
    outcomes_before = Counter(
        Decision.objects.filter(referral__site=site).values_list("stage", "outcome", "decided_on")
    )
    # The child's outcome follow-up, with words about them (started as the daily task does for a decided child).
    follow_up_start(decision=Decision.objects.filter(referral=referral).order_by("decided_on").first())
    reviews = OutcomeReview.objects.filter(child_id=referral.child_id)
    assert reviews.exists()
    reviews.update(
        young_person_view="I feel safe with my foster carer now.", view_given=True, recorded_at=timezone.now()
    )
    # The last review was never recorded: anonymised, the follow-up ends (nothing left to chase or to write in).
    unrecorded = reviews.order_by("due_on").last()
    OutcomeReview.objects.filter(pk=unrecorded.pk).update(recorded_at=None, young_person_view="")
    guardian = ChildAssociation.objects.create(
        child_id=referral.child_id, user=demo_user(Role.ICTG), kind=AssociationKind.ICTG
    )
    recorder = demo_user(Role.ICTG)
    episode = MissingEpisode.objects.create(
        child_id=referral.child_id,
        started_on=date(2026, 5, 1),
        ended_on=date(2026, 5, 2),
        learned="Went to see an older cousin in Leeds.",
        recorded_by=recorder,
        updated_by=recorder,
    )
    # A possible earlier record found by the candidate search quotes the child's name in its evidence.
    earlier = Child.objects.filter(site=site).exclude(pk=referral.child_id).first()
    PossibleEarlierRecord.objects.create(
        referral=referral,
        child_id=referral.child_id,
        earlier=earlier,
        score=9.5,
        words=["same given name"],
        evidence=[{"feature": "given name", "a": referral.given_names, "b": earlier.given_names}],
        found_at=timezone.now(),
    )
    today = add_years(BORN, 25)
    item = listed(referral, today)

    with django_capture_on_commit_callbacks(execute=True):  # files go once the anonymisation commits
        result = retention_items_approve(
            user=demo_user(Role.DATA_PROTECTION_OFFICER), site=site, item_ids=[item.pk], today=today
        )

    assert result.anonymised == [item.pk]
    referral.refresh_from_db()
    child = Child.objects.get(pk=referral.child_id)
    assert (referral.given_names, referral.family_name, referral.address, referral.account) == ("", "", "", "")
    assert referral.date_of_birth is None and referral.referrer_phone == "" and referral.found_location == ""
    assert (referral.nhs_number, referral.home_office_reference) == ("", "")  # identifiers of the child
    assert referral.estimated_age_years is not None  # age at referral stays countable
    assert child.given_names == "Anonymised" and child.family_name == ""
    assert child.date_of_birth == date(2000, 3, 1)  # year and month kept
    assert not child.blocking_keys.exists()
    assert not PossibleEarlierRecord.objects.filter(child=child).exists()
    assert set(reviews.values_list("young_person_view", flat=True)) == {""}
    assert not OutcomeReview.objects.filter(pk=unrecorded.pk).exists()
    guardian.refresh_from_db()
    assert guardian.ends_at is not None
    episode.refresh_from_db()
    assert episode.learned == "" and episode.started_on == date(2026, 5, 1)  # the episode still counts
    assert not ReferralDocument.objects.filter(referral=referral).exists()
    assert not default_storage.exists(stored)
    for decision in Decision.objects.filter(referral=referral):
        assert decision.act_reasoning == "" and decision.wishes_and_feelings == ""
        assert decision.outcome == Outcome.POSITIVE
    after = Counter(
        (c.sex, tuple(c.nationalities), c.date_of_birth.year if c.date_of_birth else None)
        for c in Child.objects.filter(site=site)
    )
    assert after == before
    assert Counter(Decision.objects.filter(referral__site=site).values_list("stage", "outcome", "decided_on")) == (
        outcomes_before
    )
    item.refresh_from_db()
    assert item.status == ItemStatus.ANONYMISED and item.summary["documents_deleted"] == 1
    event = AuditEvent.objects.get(action="retention_anonymise", object_id=str(referral.pk))
    assert event.detail["documents_deleted"] == 1
    # Nothing more is listed for it, however late.
    retention_review_run(today=add_years(BORN, 80))
    assert RetentionItem.objects.filter(referral=referral).count() == 1


def test_a_rolled_back_anonymisation_keeps_the_file(demo, private_storage, django_capture_on_commit_callbacks):
    from django.db import transaction

    referral = decided_case()
    document = with_document(referral)
    today = add_years(BORN, 25)
    item = listed(referral, today)
    with django_capture_on_commit_callbacks(execute=True), pytest.raises(RuntimeError), transaction.atomic():
        retention_items_approve(
            user=demo_user(Role.DATA_PROTECTION_OFFICER), site=referral.site, item_ids=[item.pk], today=today
        )
        raise RuntimeError("the request failed after the approval")
    assert default_storage.exists(document.file.name)
    assert ReferralDocument.objects.filter(pk=document.pk).exists()


# ------------------------------------------------------------------------------------------------
# The dry run and the daily task
# ------------------------------------------------------------------------------------------------


def test_the_dry_run_counts_and_changes_nothing(demo):
    referral = decided_case()
    decided_case("three-rivers")
    names = list(Referral.objects.values_list("pk", "given_names", "family_name"))
    events = AuditEvent.objects.count()
    out = StringIO()

    call_command("retention_review", "--dry-run", "--date", add_years(BORN, 25).isoformat(), stdout=out)

    text = out.getvalue()
    assert "dry run: nothing changed" in text
    assert "Case with the panel: 1 past its date (1 would be listed for anonymisation, 0 on legal hold)" in text
    assert text.count("1 would be listed") == 2  # one per site
    assert not RetentionItem.objects.exists()
    assert list(Referral.objects.values_list("pk", "given_names", "family_name")) == names
    assert AuditEvent.objects.count() == events
    for child in Child.objects.all():
        assert child.reference not in text and child.given_names not in text
    assert referral.reference not in text


def test_the_daily_run_lists_records_for_the_dpo(demo):
    from childnrm.dashboard.tasks import send_daily_reminders

    referral = decided_case()
    summary = send_daily_reminders.call(add_years(BORN, 25).isoformat())
    assert summary["retention"]["sites"]["northbridge"][RecordType.DECIDED_CASE]["listed_now"] == 1
    assert RetentionItem.objects.get(referral=referral).status == ItemStatus.LISTED


def test_the_command_lists_without_dry_run(demo):
    referral = decided_case()
    call_command("retention_review", "--date", add_years(BORN, 25).isoformat(), stdout=StringIO())
    assert RetentionItem.objects.filter(referral=referral, status=ItemStatus.LISTED).exists()


# ------------------------------------------------------------------------------------------------
# Pages: the DPO only, this site only
# ------------------------------------------------------------------------------------------------


def test_dpo_approves_on_the_page_and_sees_references_not_names(demo):
    referral = decided_case()
    item = listed(referral, add_years(BORN, 25))
    # The page reviews as of today: move the item's due date into the past by making the child older.
    Child.objects.filter(pk=referral.child_id).update(date_of_birth=date(1990, 1, 1))
    dpo = signed_in(demo_user(Role.DATA_PROTECTION_OFFICER))

    page = dpo.get("/retention/northbridge/")
    body = page.content.decode()
    assert page.status_code == 200
    assert referral.reference in body and referral.child.reference in body
    assert referral.given_names not in body

    response = dpo.post("/retention/northbridge/approve/", {})
    assert "Select at least one record to anonymise" in response.content.decode()
    response = dpo.post("/retention/northbridge/approve/", {"items": [item.pk]})
    assert response.status_code == 302
    item.refresh_from_db()
    assert item.status == ItemStatus.ANONYMISED
    assert AuditEvent.objects.filter(action="retention_approve", actor=demo_user(Role.DATA_PROTECTION_OFFICER)).exists()


def test_only_the_sites_dpo_can_see_or_approve(demo):
    referral = decided_case()
    item = listed(referral, add_years(BORN, 25))
    Child.objects.filter(pk=referral.child_id).update(date_of_birth=date(1990, 1, 1))
    for role in Role:
        if role == Role.DATA_PROTECTION_OFFICER:
            continue
        client = signed_in(demo_user(role))
        assert client.get("/retention/northbridge/").status_code == 403, role
        assert client.post("/retention/northbridge/approve/", {"items": [item.pk]}).status_code == 403, role
    other_dpo = signed_in(demo_user(Role.DATA_PROTECTION_OFFICER, "three-rivers"))
    assert other_dpo.get("/retention/northbridge/").status_code == 404
    assert other_dpo.post("/retention/northbridge/approve/", {"items": [item.pk]}).status_code == 404
    # Another site's DPO posting the item to their own site's list: not on that list, refused.
    other_dpo.post("/retention/three-rivers/approve/", {"items": [item.pk]})
    item.refresh_from_db()
    assert item.status == ItemStatus.LISTED


def test_coordinator_places_and_lifts_a_hold_on_the_page(demo):
    referral = accepted_referral("northbridge")
    coordinator = signed_in(demo_user(Role.COORDINATOR))
    response = coordinator.post("/retention/northbridge/holds/", {"child_reference": "", "reason": ""})
    assert "Enter the child&#39;s reference" in response.content.decode()
    other_child = accepted_referral("three-rivers").child
    response = coordinator.post(
        "/retention/northbridge/holds/", {"child_reference": other_child.reference, "reason": "Inquiry"}
    )
    assert "There is no child with that reference at this site" in response.content.decode()
    response = coordinator.post(
        "/retention/northbridge/holds/", {"child_reference": referral.child.reference.lower(), "reason": "Inquiry"}
    )
    assert response.status_code == 302
    hold = LegalHold.objects.get(child=referral.child, lifted_at__isnull=True)
    assert AuditEvent.objects.filter(action="legal_hold_place", object_id=str(referral.child_id)).exists()
    other_coordinator = signed_in(demo_user(Role.COORDINATOR, "three-rivers"))
    assert other_coordinator.post(f"/retention/holds/{hold.pk}/lift/", {"reason": "x"}).status_code == 404
    response = coordinator.post(f"/retention/holds/{hold.pk}/lift/", {"reason": "Inquiry closed"})
    assert response.status_code == 302
    hold.refresh_from_db()
    assert hold.lifted_at is not None and hold.lift_reason == "Inquiry closed"


def test_dpo_is_a_demo_account_with_the_retention_link(demo):
    user = demo_user(Role.DATA_PROTECTION_OFFICER)
    assert user.email == "data-protection-officer.northbridge@childnrm.example"
    home = signed_in(user).get("/").content.decode()
    assert "/retention/" in home
    assert Site.objects.get(slug="northbridge").memberships.filter(role=Role.DATA_PROTECTION_OFFICER).exists()


def test_the_list_comes_a_page_at_a_time_and_approving_returns_to_the_page(demo, monkeypatch):
    """A backlog lists hundreds of records: a page at a time, soonest due first; only the page's records are recorded
    as seen; approving from a page returns to it."""
    from childnrm.retention import views

    monkeypatch.setattr(views, "ITEMS_PER_PAGE", 2)
    items = [listed(decided_case(born=BORN - timedelta(days=n)), add_years(BORN, 25)) for n in range(3)]
    Child.objects.filter(pk__in=[i.child_id for i in items]).update(date_of_birth=date(1990, 1, 1))
    dpo = signed_in(demo_user(Role.DATA_PROTECTION_OFFICER))

    first = dpo.get("/retention/northbridge/").content.decode()
    second = dpo.get("/retention/northbridge/?page=2").content.decode()
    assert "3 records waiting for your decision: 1 to 2, soonest due first" in first
    assert first.count("data-item=") == 2 and second.count("data-item=") == 1 and 'href="?page=2"' in first
    ordered = list(RetentionItem.objects.filter(pk__in=[i.pk for i in items]).order_by("due_on", "pk"))
    assert f'data-item="{ordered[2].pk}"' in second
    seen = AuditEvent.objects.filter(actor=demo_user(Role.DATA_PROTECTION_OFFICER), action="list").latest("seq")
    assert seen.detail["ids"] == [ordered[2].pk] and seen.detail["count"] == 3

    response = dpo.post("/retention/northbridge/approve/", {"items": [ordered[2].pk], "page": "2"})
    assert response.status_code == 302 and response["Location"] == "/retention/northbridge/?page=2"
    after = dpo.get(response["Location"]).content.decode()
    assert "1 record anonymised" in after and "2 records waiting for your decision" in after


def test_a_hold_on_a_later_referrals_record_keeps_the_earlier_case_of_the_same_child(demo):
    """Records of one child are linked, never merged (ADR 0034), and a hold covers every case of the child (ADR
    0008). A hold placed on the record of the child's later referral kept only that record: the earlier case, linked
    to it, was listed as free and anonymised at approval."""
    earlier = decided_case()
    later = accepted_referral("northbridge")
    coordinator = demo_user(Role.COORDINATOR)
    child_link_decide(child=later.child, other=earlier.child, status=LinkStatus.LINKED, user=coordinator)
    today = add_years(BORN, 25)
    item = listed(earlier, today)
    legal_hold_place(user=coordinator, child=later.child, reason="A claim has been brought.")

    [case] = [d for d in site_due(earlier.site, today=today) if d.referral_id == earlier.pk]
    assert case.held
    dpo = demo_user(Role.DATA_PROTECTION_OFFICER)
    result = retention_items_approve(user=dpo, site=earlier.site, item_ids=[item.pk], today=today)
    assert result.refused == {item.pk: "on legal hold"}
    earlier.refresh_from_db()
    assert earlier.given_names


def test_a_decided_case_handed_to_the_sca_keeps_the_decided_rule_and_stays_open_with_its_plan(demo):
    """A case the panel decided, then handed to the Single Competent Authority, was closed on the hand-off day under
    the six-year rule for referrals passed on undecided, its active plan and reasons anonymised with it. It keeps
    the decided-case rule (the 25th birthday here) and stays open while the child's plan is active."""
    from childnrm.safeguarding.models import PlanStatus, SafeguardingPlan

    referral = accepted_referral("northbridge")
    final_decision(referral, stage=Stage.REASONABLE_GROUNDS, decided_on=DECIDED)
    Child.objects.filter(pk=referral.child_id).update(date_of_birth=BORN)
    Referral.objects.filter(pk=referral.pk).update(date_of_birth=BORN, status=ReferralStatus.HANDED_OFF)
    change = ReferralStatusChange.objects.create(
        referral=referral, from_status=ReferralStatus.ACCEPTED, to_status=ReferralStatus.HANDED_OFF
    )
    ReferralStatusChange.objects.filter(pk=change.pk).update(at=change.at.replace(year=2016, month=9, day=1))
    SafeguardingPlan.objects.create(child=referral.child, created_by=demo_user(Role.COORDINATOR))

    # Open while the plan is: never due, not even at 75.
    assert due_types(referral, add_years(BORN, 75)) == set()
    SafeguardingPlan.objects.filter(child=referral.child).update(
        status=PlanStatus.CLOSED, closed_at=timezone.make_aware(datetime(2017, 1, 10, 12))
    )
    # Six years after the hand-off it is not due (the undecided rule); at the 25th birthday it is.
    assert due_types(referral, date(2022, 9, 2)) == set()
    assert due_types(referral, add_years(BORN, 25)) == {RecordType.DECIDED_CASE}


def test_a_case_stays_open_while_its_follow_up_has_reviews_to_come(demo):
    """A site may follow a child up for ten years (120 months): decided at 16, a case fell due at the 25th birthday
    with the 120-month review still to come, which was then recorded, and chased, against an anonymised record."""
    referral = decided_case()
    birthday = add_years(BORN, 25)
    follow_up_start(decision=Decision.objects.filter(referral=referral).order_by("decided_on").first())
    OutcomeReview.objects.filter(child_id=referral.child_id).update(recorded_at=timezone.now())
    review = OutcomeReview.objects.filter(child_id=referral.child_id).order_by("due_on").last()
    OutcomeReview.objects.filter(pk=review.pk).update(recorded_at=None, due_on=birthday + timedelta(days=90))
    assert RecordType.DECIDED_CASE not in due_types(referral, birthday)
    OutcomeReview.objects.filter(pk=review.pk).update(recorded_at=timezone.now())
    assert RecordType.DECIDED_CASE in due_types(referral, birthday)


def test_a_draft_is_described_by_when_it_was_last_saved_and_the_schedule_speaks_to_the_dpo(demo):
    draft = referral_start(user=demo_user(Role.FIRST_RESPONDER))
    saved_at = timezone.now() - timedelta(days=800)
    saved = timezone.localdate(saved_at)
    Referral.objects.filter(pk=draft.pk).update(updated_at=saved_at)
    item = listed(draft, timezone.localdate(), RecordType.DRAFT)
    assert item.rule == "1 year after it was last saved"
    dpo = signed_in(demo_user(Role.DATA_PROTECTION_OFFICER))
    body = dpo.get("/retention/northbridge/").content.decode()
    assert "Closed or last saved" in body
    assert f"Last saved {long_date(saved)}" in body
    # The schedule is read by the data protection officer: it never tells them to ask themselves.
    schedule = dpo.get("/retention/northbridge/schedule/").content.decode()
    assert "confirm it with your data protection officer" not in schedule
    assert "for the site&#39;s data protection officer to confirm" in schedule
