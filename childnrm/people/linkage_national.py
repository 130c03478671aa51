"""The linkage model trained on the service's own records, and the national sweep (ADR 0029; issue 15).

- `linkage_model_train()`: every child record of every site, as Splink compares them, trained by EM on
  DuckDB (`people.linkage_splink.train`); the model is stored (`LinkageModel`) and its weights replace the
  hand-set points in the per-referral search from then on (`people.linkage.trained_weights`).
- `national_sweep_run()`: every child record linked in one batch with the latest model; the pairs over
  the sweep's threshold are stored (`NationalLinkCandidate`), replacing the last sweep's.
- `other_sites_for(child)`: for the coordinator of a child's site, the other sites that may hold a record
  of the same child, whom to contact there and where each pair's review stands: minimum disclosure, never the
  other record. The pairs at two sites are kept from sweep to sweep (`NationalLinkPair`) with each site's review
  (`people.national_review`); a pair found not to be the same child is never stored again.

Both batches run daily (`people.tasks`, from the daily task) and as commands (`linkage_train`,
`national_sweep`). Splink and DuckDB are imported only when a batch runs.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from childnrm.accounts.models import Site
from childnrm.people.linkage import _referrals_prefetch, profile_of
from childnrm.people.models import (
    Child,
    LinkageModel,
    NationalLinkCandidate,
    NationalLinkPair,
    NationalReviewStatus,
    NationalSweep,
    unused_references,
)
from childnrm.people.national_review import PairShown, coordinator_contacts, latest_reviews
from childnrm.people.selectors import settled_pair_test

BATCH = 5000  # children read from the database at a time
# Fewer records than this give EM too few pairs to learn from: the hand-set points stay (and no sweep runs).
MIN_TRAINING_RECORDS = 500


def national_rows(site_ids: list[int] | None = None) -> list[dict]:
    """Every child record (of `site_ids`, if given) as Splink compares them."""
    from childnrm.people.linkage_splink import splink_row

    children = Child.objects.order_by("pk")
    if site_ids is not None:
        children = children.filter(site_id__in=site_ids)
    ids = list(children.values_list("pk", flat=True))
    rows = []
    for start in range(0, len(ids), BATCH):
        chunk = Child.objects.filter(pk__in=ids[start : start + BATCH]).prefetch_related(_referrals_prefetch())
        rows += [splink_row(profile_of(child), site_id=child.site_id) for child in chunk]
    return rows


def linkage_model_train() -> LinkageModel | None:
    """Train a model on every child record and store it. None when there are too few records to train on."""
    from childnrm.people.linkage_splink import train

    if Child.objects.count() < MIN_TRAINING_RECORDS:
        return None
    rows = national_rows()
    trained = train(rows)
    return LinkageModel.objects.create(
        trained_at=timezone.now(),
        records=trained.records,
        probability_two_random_records_match=trained.probability_two_random_records_match,
        weights=trained.weights,
        training=trained.figures,
        settings=trained.settings,
    )


def national_sweep_run(*, train_if_needed: bool = True) -> NationalSweep | None:
    """Link every child record nationally with the latest model, keeping the pairs for review.

    The last sweep's pairs are replaced (a sweep is a whole picture, not an increment), but not their review:
    a pair at two sites is kept (`NationalLinkPair`), and one a coordinator found not to be the same child is
    left out, so a new sweep never offers it again. Pairs the coordinators' link decisions have settled (linked,
    directly or through others, or marked not the same child: `selectors.settled_pair_test`, ADR 0034) are left out
    too: a record moved to another site with its case stays linked, and is not offered for review as a stranger.
    None when there is no model and none could be trained.
    """
    from childnrm.people.linkage_splink import predict

    model = LinkageModel.objects.order_by("-trained_at", "-id").first()
    if model is None and train_if_needed:
        model = linkage_model_train()
    if model is None:
        return None
    started = timezone.now()
    rows = national_rows()
    pairs, figures = predict(rows, model.settings)
    with transaction.atomic():
        rejected = set(
            NationalLinkPair.objects.filter(status=NationalReviewStatus.NOT_SAME_CHILD).values_list(
                "child_a_id", "child_b_id"
            )
        )
        settled = settled_pair_test()
        NationalSweep.objects.all().delete()
        sweep = NationalSweep.objects.create(started_at=started, model=model, records=len(rows), figures=figures)
        NationalLinkCandidate.objects.bulk_create(
            (
                NationalLinkCandidate(
                    sweep=sweep,
                    child_a_id=min(p.id_l, p.id_r),
                    child_b_id=max(p.id_l, p.id_r),
                    cross_site=p.site_l != p.site_r,
                    match_probability=p.match_probability,
                    match_weight=p.match_weight,
                )
                for p in pairs
                if p.id_l != p.id_r
                and (min(p.id_l, p.id_r), max(p.id_l, p.id_r)) not in rejected
                and not settled(p.id_l, p.id_r)
            ),
            batch_size=5000,
            ignore_conflicts=True,
        )
        _pairs_keep(sweep)
        sweep.pairs = NationalLinkCandidate.objects.filter(sweep=sweep).count()
        sweep.finished_at = timezone.now()
        sweep.save(update_fields=["pairs", "finished_at"])
    return sweep


def _pairs_keep(sweep: NationalSweep) -> None:
    """The sweep's pairs at two sites as `NationalLinkPair`: new ones open, known ones found again by this sweep."""
    found = {
        (a, b): p
        for a, b, p in NationalLinkCandidate.objects.filter(sweep=sweep, cross_site=True).values_list(
            "child_a_id", "child_b_id", "match_probability"
        )
    }
    known: list[NationalLinkPair] = []
    keys = list(found)
    for start in range(0, len(keys), BATCH):
        ids = {a for a, _ in keys[start : start + BATCH]}
        for pair in NationalLinkPair.objects.filter(child_a_id__in=ids):
            if (pair.child_a_id, pair.child_b_id) in found:
                pair.sweep = sweep
                pair.match_probability = found[(pair.child_a_id, pair.child_b_id)]
                known.append(pair)
    NationalLinkPair.objects.bulk_update(known, ["sweep", "match_probability"], batch_size=BATCH)
    seen = {(p.child_a_id, p.child_b_id) for p in known}
    new = [(pair, p) for pair, p in found.items() if pair not in seen]
    for start in range(0, len(new), BATCH):
        batch = new[start : start + BATCH]
        # keys drawn unused for the whole batch: a bulk create does not go through the model's save, which draws
        # again on a clash, and it ignores conflicts, so a held key would drop the pair
        pair_keys = unused_references(NationalLinkPair, "NL-", len(batch), length=10, field="key")
        NationalLinkPair.objects.bulk_create(
            [
                NationalLinkPair(
                    key=key,
                    child_a_id=a,
                    child_b_id=b,
                    match_probability=p,
                    first_found_at=sweep.started_at,
                    sweep=sweep,
                )
                for key, ((a, b), p) in zip(pair_keys, batch, strict=True)
            ],
            ignore_conflicts=True,  # a pair another sweep stored meanwhile (the pair is unique), not a key
        )


@dataclass(frozen=True)
class OtherSite:
    """Another site that may hold a record of this child: its name, whom to contact, and where each pair's review
    stands (outcome, who and when), nothing of the record."""

    site: Site
    contacts: list[tuple[str, str]]  # (name, email) of the site's coordinators
    likelihood: float  # the best match probability among its records (orders the list; not shown)
    other_child_ids: tuple[int, ...]  # for the audit trail only: never shown
    pairs: tuple[PairShown, ...] = ()

    @property
    def still_possible(self) -> bool:
        """Whether any of its records may still be, or is, of this child (not all found not to be)."""
        return any(p.status != NationalReviewStatus.NOT_SAME_CHILD for p in self.pairs)


def latest_sweep() -> NationalSweep | None:
    return NationalSweep.objects.filter(finished_at__isnull=False).order_by("-started_at", "-id").first()


def other_sites_for(child: Child) -> tuple[NationalSweep | None, list[OtherSite]]:
    """Other sites whose records may be of this child (the caller checks access).

    The pairs the latest sweep found, and any pair reviewed as the same child or not (kept, whatever later
    sweeps find), each with its latest review.
    """
    sweep = latest_sweep()
    pairs = list(
        NationalLinkPair.objects.filter(Q(child_a=child) | Q(child_b=child))
        .filter(
            Q(sweep__isnull=False)
            | Q(status__in=[NationalReviewStatus.SAME_CHILD, NationalReviewStatus.NOT_SAME_CHILD])
        )
        .order_by("-match_probability", "id")
    )
    others = {pair.other_id(child): pair for pair in pairs}
    sites = dict(Child.objects.filter(pk__in=others).exclude(site_id=child.site_id).values_list("pk", "site_id"))
    by_site: dict[int, list[NationalLinkPair]] = {}
    for other, site_id in sites.items():
        by_site.setdefault(site_id, []).append(others[other])
    contacts = coordinator_contacts(list(by_site))
    latest = latest_reviews([p for found in by_site.values() for p in found])
    result = []
    for site in Site.objects.filter(pk__in=by_site):
        found = sorted(by_site[site.pk], key=lambda p: (-p.match_probability, p.pk))
        result.append(
            OtherSite(
                site=site,
                contacts=contacts.get(site.pk, []),
                likelihood=max(p.match_probability for p in found),
                other_child_ids=tuple(sorted(p.other_id(child) for p in found)),
                pairs=tuple(PairShown.of(p, latest.get(p.pk)) for p in found),
            )
        )
    result.sort(key=lambda s: (-s.likelihood, s.site.name))
    return sweep, result
