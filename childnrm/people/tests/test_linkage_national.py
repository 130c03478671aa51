"""Trained linkage weights and the national sweep (issue 15 items 1 and 4, ADR 0029).

Splink really trains here, on DuckDB, on a generated labelled set (bench/generated_set.py); the sweep links the
real database's children. What a coordinator depends on: the trained weights are used once a model exists, with
the evidence still in plain words and twins still kept apart; and a record of the same child at another site is
told with minimum disclosure (the site and whom to contact), audited, and never that site's record.
"""

from __future__ import annotations

from datetime import date

import pytest
from django.urls import reverse
from django.utils import timezone

from bench import generated_set
from childnrm.accounts.models import Organisation, OrganisationType, Role, Site
from childnrm.audit.models import AuditEvent
from childnrm.people import linkage, linkage_national, linkage_splink
from childnrm.people.linkage_scoring import MATCH_THRESHOLD, TWINS_CAP
from childnrm.people.models import Child, LinkageModel, NationalLinkCandidate, NationalLinkPair
from conftest import demo_user

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _trained_weights_in_use(settings) -> None:
    """The service set to score with trained weights (off by default: see the next test)."""
    settings.LINKAGE_TRAINED_WEIGHTS = True


@pytest.fixture(scope="module")
def trained() -> linkage_splink.Trained:
    """One model trained by Splink on about 600 generated records (shared by the tests: training takes seconds)."""
    records = generated_set.generate(400, seed=20260601)
    return linkage_splink.train([linkage_splink.splink_row(r.profile(), site_id=1) for r in records])


def _store(trained: linkage_splink.Trained) -> LinkageModel:
    return LinkageModel.objects.create(
        trained_at=timezone.now(),
        records=trained.records,
        probability_two_random_records_match=trained.probability_two_random_records_match,
        weights=trained.weights,
        training=trained.figures,
        settings=trained.settings,
    )


def test_training_estimates_a_weight_for_every_level_the_scoring_uses(trained):
    # EM learnt that agreement is evidence for and disagreement against, on every field the coordinator sees.
    w = {level: v["weight"] for level, v in trained.weights.items()}
    for field in ("given", "family"):
        assert w[f"{field}:same"] > 3 > w[f"{field}:different"]
    assert w["date_of_birth:same"] > w["date_of_birth:same_placeholder"] > 0 > w["date_of_birth:different"]
    assert w["date_of_birth:swapped"] > 0 and w["date_of_birth:year_apart"] > 0
    assert w["sex:same"] > 0 > w["sex:different"] or "sex:different" not in w
    assert not any(level.startswith("local_authority") for level in w)  # the sweep leaves the area out (ADR)
    # An NHS number is one child's: the same one near proof, another strong evidence against (amendment 7)
    assert w["nhs_number:same"] > 8 > 0 > w["nhs_number:different"]
    assert not any(level.startswith("home_office") for level in w)  # a family's reference would pull siblings
    assert 0 < trained.probability_two_random_records_match < 0.01
    # The model keeps Splink's settings (to run again, on DuckDB or Spark) and how it was trained.
    assert trained.settings["comparisons"][0]["comparison_levels"][1]["tf_adjustment_column"] == "given"
    assert [run["blocking_rule"] for run in trained.figures["em"]] == list(linkage_splink.TRAINING_RULES)


def test_the_command_trains_on_the_service_records_and_stores_the_model(site, monkeypatch):
    from django.core.management import call_command

    organisation = Organisation.objects.create(name="Generated police", type=OrganisationType.POLICE)
    generated_set.load(generated_set.generate(330, seed=7), site=site, organisation=organisation)
    assert Child.objects.count() >= linkage_national.MIN_TRAINING_RECORDS
    call_command("linkage_train")
    model = LinkageModel.objects.get()
    assert model.records == Child.objects.count()
    assert model.weights["date_of_birth:same"]["m"] > model.weights["date_of_birth:same"]["u"]
    assert model.training["seconds"] > 0 and model.settings["link_type"] == "dedupe_only"


def test_too_few_records_keep_the_hand_set_points(site):
    assert linkage_national.linkage_model_train() is None
    assert not LinkageModel.objects.exists() and linkage.trained_weights() is None


def _child(site: Site, given: str, family: str, born: date, **extra) -> Child:
    return Child.objects.create(
        site=site, given_names=given, family_name=family, date_of_birth=born, sex="male", nationalities=["ER"], **extra
    )


def test_by_default_a_stored_model_is_kept_but_the_search_keeps_the_hand_set_points(site, trained, settings):
    settings.LINKAGE_TRAINED_WEIGHTS = False
    first = _child(site, "Yonas", "Tesfay", date(2010, 5, 17))
    again = _child(site, "Jonas", "Tesfaye", date(2010, 5, 17))
    hand_set = {c.child: c.match for c in linkage.candidates_for(again, site_ids=[site.pk], threshold=None)}[first]
    _store(trained)
    after = {c.child: c.match for c in linkage.candidates_for(again, site_ids=[site.pk], threshold=None)}[first]
    assert linkage.trained_weights() is None
    assert after.score == hand_set.score and "prior" not in {e.feature for e in after.evidence}


def test_with_a_model_the_search_scores_with_trained_weights_and_keeps_the_words(site, trained):
    first = _child(site, "Yonas", "Tesfay", date(2010, 5, 17))
    again = _child(site, "Jonas", "Tesfaye", date(2010, 5, 17))
    hand_set = {c.child: c.match for c in linkage.candidates_for(again, site_ids=[site.pk], threshold=None)}[first]
    model = _store(trained)
    found = {c.child: c.match for c in linkage.candidates_for(again, site_ids=[site.pk], threshold=None)}[first]
    by_feature = {e.feature: e for e in found.evidence}
    # The date's points are the model's weight for the same full date; the prior for the children searched is added.
    assert by_feature["date_of_birth"].points == round(model.weights["date_of_birth:same"]["weight"], 2)
    searched = Child.objects.filter(site=site).count()
    assert f"{searched:,} children" in by_feature["prior"].text
    assert found.score != hand_set.score and found.score >= MATCH_THRESHOLD
    # The plain words are those of the hand-set scoring: the coordinator reads the same evidence.
    assert found.in_words == hand_set.in_words
    assert "same date of birth" in found.in_words


def test_the_prior_falls_as_more_children_are_searched(trained):
    model = linkage.TrainedWeights(
        weights={},
        u={},
        probability_two_random_records_match=trained.probability_two_random_records_match,
        records=trained.records,
    )
    assert model.prior(1_000) > model.prior(20_000) > model.prior(100_000)
    assert model.prior(100_000) == pytest.approx(model.prior(50_000) - 1, abs=0.01)  # twice the children: one bit


def test_with_a_model_twins_are_still_kept_apart(site, trained):
    _store(trained)
    abel = _child(site, "Abel", "Tesfamariam", date(2012, 2, 9))
    twin = _child(site, "Aron", "Tesfamariam", date(2012, 2, 9))
    found = {c.child: c.match for c in linkage.candidates_for(twin, site_ids=[site.pk], threshold=None)}
    assert found[abel].score <= TWINS_CAP < MATCH_THRESHOLD
    assert "same surname and date of birth but a different given name (likely twins)" in found[abel].in_words


def test_with_a_model_swapped_names_are_still_found(site, trained):
    _store(trained)
    first = _child(site, "Dawit", "Gebremedhin", date(2009, 11, 3))
    swapped = _child(site, "Gebremedhin", "Dawit", date(2009, 11, 3))
    found = {c.child: c.match for c in linkage.candidates_for(swapped, site_ids=[site.pk])}
    assert first in found
    assert "given name and surname the other way round" in found[first].in_words


@pytest.fixture
def across_sites(demo, trained):
    """The same child at both demo sites, a different child at the other, and a sweep with a trained model."""
    northbridge, rivers = Site.objects.get(slug="northbridge"), Site.objects.get(slug="three-rivers")
    here = _child(northbridge, "Filmon", "Woldemariam", date(2011, 8, 21))
    there = _child(rivers, "Philmon", "Weldemariam", date(2011, 8, 21))
    unrelated = _child(rivers, "Saba", "Kidane", date(2008, 1, 30))
    _store(trained)
    sweep = linkage_national.national_sweep_run(train_if_needed=False)
    return here, there, unrelated, sweep


def test_the_sweep_links_every_record_nationally_and_stores_the_pairs(across_sites):
    here, there, _, sweep = across_sites
    assert sweep.records == Child.objects.count() and sweep.finished_at is not None
    pair = NationalLinkCandidate.objects.get(sweep=sweep, child_a=min(here, there, key=lambda c: c.pk))
    assert pair.cross_site and pair.match_probability >= linkage_splink.SWEEP_MATCH_PROBABILITY
    # A second sweep replaces the first: one picture, not an accumulation.
    again = linkage_national.national_sweep_run(train_if_needed=False)
    assert NationalLinkCandidate.objects.exclude(sweep=again).count() == 0


def test_the_sweep_leaves_out_pairs_the_coordinators_decisions_settle(demo, trained):
    """Linked (here, through a record at a third place in the chain) or marked not the same child: not offered for
    review again, whatever the sweep finds (a record moved to another site with its case stays linked)."""
    from childnrm.people.models import ChildLinkDecision, LinkStatus

    northbridge, rivers = Site.objects.get(slug="northbridge"), Site.objects.get(slug="three-rivers")
    here = _child(northbridge, "Filmon", "Woldemariam", date(2011, 8, 21))
    there = _child(rivers, "Philmon", "Weldemariam", date(2011, 8, 21))
    middle = _child(northbridge, "Saba", "Kidane", date(2008, 1, 30))
    also_here = _child(northbridge, "Yonas", "Tesfay", date(2010, 5, 2))
    also_there = _child(rivers, "Yonas", "Tesfai", date(2010, 5, 2))
    _store(trained)
    sweep = linkage_national.national_sweep_run(train_if_needed=False)
    assert NationalLinkPair.objects.filter(child_a=here, child_b=there).exists()
    assert NationalLinkCandidate.objects.filter(sweep=sweep, child_a=also_here, child_b=also_there).exists()

    coordinator = demo_user(Role.COORDINATOR)
    ChildLinkDecision.objects.create(child_a=here, child_b=middle, status=LinkStatus.LINKED, decided_by=coordinator)
    ChildLinkDecision.objects.create(child_a=there, child_b=middle, status=LinkStatus.LINKED, decided_by=coordinator)
    ChildLinkDecision.objects.create(
        child_a=also_here, child_b=also_there, status=LinkStatus.REJECTED, decided_by=coordinator, reason="Cousins"
    )
    again = linkage_national.national_sweep_run(train_if_needed=False)
    assert not NationalLinkCandidate.objects.filter(sweep=again, child_a=here, child_b=there).exists()
    assert not NationalLinkCandidate.objects.filter(sweep=again, child_a=also_here, child_b=also_there).exists()
    # The pair kept from the first sweep is no longer found, so it leaves the review queues.
    assert NationalLinkPair.objects.get(child_a=here, child_b=there).sweep_id is None


def test_a_new_pair_is_stored_even_when_its_first_drawn_key_is_held(demo, trained, reference_draws):
    # The pairs are created in bulk, ignoring pairs stored meanwhile: a key clash must draw again, not drop the pair.
    northbridge, rivers = Site.objects.get(slug="northbridge"), Site.objects.get(slug="three-rivers")
    held = NationalLinkPair.objects.create(
        child_a=_child(northbridge, "Saba", "Kidane", date(2008, 1, 30)),
        child_b=_child(rivers, "Helen", "Berhe", date(2007, 6, 2)),
        match_probability=0.9,
        first_found_at=timezone.now(),
    )
    here = _child(northbridge, "Filmon", "Woldemariam", date(2011, 8, 21))
    there = _child(rivers, "Philmon", "Weldemariam", date(2011, 8, 21))
    reference_draws.append(held.key)
    _store(trained)
    linkage_national.national_sweep_run(train_if_needed=False)
    pair = NationalLinkPair.objects.get(child_a=here, child_b=there)
    assert NationalLinkPair.objects.exclude(pk=held.pk).get() == pair  # the only new pair: the held key was its own
    assert pair.key != held.key and not reference_draws  # the held key was drawn, and another taken


def test_the_sweep_links_records_of_one_nhs_number_at_two_sites_whatever_else_was_written(demo, trained):
    # Recorded under another given name, a spelling of the family name and a placeholder date five years out at the
    # other site: no name or date rule of the sweep joins them, the NHS number does.
    from childnrm.referrals.models import Referral, ReferralStatus

    northbridge, rivers = Site.objects.get(slug="northbridge"), Site.objects.get(slug="three-rivers")
    police = Organisation.objects.create(name="Sweep test police", type=OrganisationType.POLICE)
    here = _child(northbridge, "Dritan", "Hoxha", date(2011, 3, 4))
    there = _child(rivers, "Tani", "Hoxhaj", date(2006, 1, 1))
    for child in (here, there):
        Referral.objects.create(
            site=child.site,
            child=child,
            status=ReferralStatus.SUBMITTED,
            referrer_organisation=police,
            nhs_number="4857773457",
        )
    _store(trained)
    sweep = linkage_national.national_sweep_run(train_if_needed=False)
    pair = NationalLinkCandidate.objects.get(sweep=sweep, child_a=here, child_b=there)
    assert pair.cross_site and pair.match_probability >= linkage_splink.SWEEP_MATCH_PROBABILITY
    # the same record without the number: not linked
    Referral.objects.filter(child=there).update(nhs_number="")
    again = linkage_national.national_sweep_run(train_if_needed=False)
    assert not NationalLinkCandidate.objects.filter(sweep=again, child_a=here, child_b=there).exists()


def test_a_coordinator_is_told_another_site_may_hold_a_record_and_whom_to_contact(across_sites, client_as):
    here, there, unrelated, _ = across_sites
    response = client_as(Role.COORDINATOR, "northbridge").get(reverse("people:other-sites", args=[here.reference]))
    body = response.content.decode()
    assert response.status_code == 200
    assert "Three Rivers Consortium Panel" in body
    assert demo_user(Role.COORDINATOR, "three-rivers").email in body
    # Minimum disclosure: nothing of the other site's record.
    for leaked in (there.reference, "Philmon", "Weldemariam", unrelated.reference, "Kidane"):
        assert leaked not in body
    # Both records are audited: this site's as viewed, the other's as told of, for the other site's trail.
    events = AuditEvent.objects.filter(detail__page="other-sites")
    assert events.filter(object_id=str(here.pk)).exists()
    told = events.get(object_id=str(there.pk))
    assert told.detail["for_child"] == here.pk and told.detail["disclosed"] == "site and coordinator contact"


def test_the_other_site_is_not_told_to_a_coordinator_of_a_child_with_no_match(across_sites, client_as):
    _, _, unrelated, _ = across_sites
    url = reverse("people:other-sites", args=[unrelated.reference])
    response = client_as(Role.COORDINATOR, "three-rivers").get(url)
    assert response.status_code == 200
    assert "found no record of this child at another site" in response.content.decode()


def test_only_the_coordinator_of_the_child_site_may_ask(across_sites, client_as):
    here, *_ = across_sites
    url = reverse("people:other-sites", args=[here.reference])
    assert client_as(Role.COORDINATOR, "three-rivers").get(url).status_code == 404
    assert client_as(Role.PANEL_MEMBER, "northbridge").get(url).status_code in {403, 404}
