"""Finding possible earlier records of the same child, with the evidence for each match.

A child is often referred more than once, by different agencies, with names spelt or
transliterated differently (Mohammed/Muhammad, Nguyễn/Nguyen, Krasniqi/Krasniqui, Tesfay/Tesfaye),
given and family names swapped, an alias used, or a date of birth that is estimated, mistyped or
has day and month transposed. This module finds such records and explains each match; it never
decides. The coordinator links or rejects (`people.services`); records are never merged. This module is the
database side (keys kept current, the blocked search, the scoped reads); the scoring is `people.linkage_scoring`,
pure functions with no database.

How it works
------------
1. **Blocking.** Each child has rows in `ChildBlockingKey` (kept current when a child or its
   referral is saved, indexed on site, key and birth year): a phonetic key (NYSIIS, `n:`) of each name
   token, of aliases on the child's referrals and of joined multi-part names, all after folding
   scripts and diacritics (`anyascii`) and mapping known transliterations to one spelling; the
   consonants of each token as said (`s:`, letters for one sound folded: j/y, w/v, ph/f, kh/h, q/k,
   Albanian xh/gj, so Mohammed, Muhamad and Mohamed share `s:mhmd` where NYSIIS splits them); for a
   date of birth that is not estimated, the date with day and month in order (so a transposed date
   shares it), and day-and-month with each name key (so a mistyped year, or the same birthday a year
   out, is still found). Keys are derived by `linkage_scoring.blocking_keys`; when that changes,
   `blocking_keys_rebuild()` recomputes every child's rows (issue 15 only added `s:` keys, so rows
   written before still find what they found; the rebuild lets them be found by the new keys). Each row
   carries the birth year (from the date of birth or the estimated age). Candidates are the
   children of the same site(s) sharing a key within `YEAR_TOLERANCE` years
   (`YEAR_TOLERANCE_ESTIMATED` when either year is estimated), ranked in the database by the rarity
   of the keys they share (log2 of the site's children over the children holding the key), then by
   closeness of birth year; the best `max_candidates` are scored (MAX_CANDIDATES up to REGISTER_REFERENCE
   children, growing with the register within MAX_CANDIDATES_MOST). A site of 100,000 children is
   never compared pair by pair: a handful of queries and at most that many comparisons.
   At national scale (issue 15 item 5, a million children) a key held by more than COMMON_KEY_CHILDREN
   children (Nguyen, Mohammed, 1 January of a year) is not read whole: the children found by the rarer keys
   add its weight (the holders of the least common of those keys read whole within the birth-year limits, up to
   COMMON_KEY_READ holders; the rest looked up from the children's own rows), children sharing nothing but common
   keys are not compared, and the result says so (`more_than_shown`), as it does when more than MAX_CANDIDATES
   were found. Counts that
   large are kept a few minutes. Below that size the ranking is exactly that of every child sharing a key.
   The candidates are read as plain values (`_candidate_profiles`, one query with their referrals), scored in
   points first (`linkage_scoring.PointsScorer`: the evidence's words are built only for those reaching the
   threshold), and only those shown are read as records: at a million children building a hundred records
   through the ORM cost more than the blocking query (profiled, issue 15 item 5; docs/benchmarks.md).
2. **Scoring.** Each candidate is compared feature by feature (`linkage_scoring.compare`). Every feature adds or
   subtracts points and says why, in words a coordinator can check ("Date of birth 4 March 2011 and
   3 April 2011: day and month swapped"). The points are log-odds-like weights set by hand from
   what each agreement is worth (a given-name disagreement is strong evidence against: siblings
   share a family name and often a birth year). `MATCH_THRESHOLD` decides what is shown. Names agree
   by level: the same, accents, a listed transliteration, the same once letters for one sound are
   folded, the same consonants with vowels that may be one sound (Mohammed/Muhamad, not Hassan/Hussein;
   not for Vietnamese names), sounds alike, a spelling slip. Dates of birth by level: the same full
   date; the same 1st of the month or 1 January (perhaps placeholders) or estimated date, for less;
   day and month swapped; the same birthday a year apart; a digit; days apart; a placeholder that fits
   the other date; estimates. Twins (same family name and date of birth, another given name) are
   never shown, whatever else agrees. ADR 0028. An agreeing name gains or loses points by its own share of the
   children searched (`name_shares`, from the key counts the blocking reads), and beyond REGISTER_REFERENCE children
   every score loses points for the size of the register (`register_prior`): ADR 0029, Amendment 4. Where the
   child lives (the local authority) counts too: a shared area by how many of the children searched live there
   (nothing at a site of one area; its holders are counted with the keys, `stored_keys`), another area against,
   and nothing between brothers and sisters, who live together: ADR 0029, Amendment 6. An NHS number or Home Office
   reference given on both records counts for or against whatever the names say, and is itself a key found whatever
   the birth year (`i:`): ADR 0029, Amendment 7.
3. **Measured** on a generated, labelled set (`bench/generated_set.py`, `bench/linkage_quality.py`):
   precision, recall and F1 at the threshold and candidate-generation time per record. On
   2,000 base children (3,172 records, 836 true pairs), same figures on SQLite and PostgreSQL:
   blocking reaches 98.6% of true pairs; at MATCH_THRESHOLD 6.0 precision 0.703, recall 0.932,
   F1 0.801 (at 8.0: 0.826 / 0.862 / 0.844). The threshold favours recall: a missed duplicate
   means two cases for one child, a false candidate costs the coordinator a glance. Most false
   candidates are different children with the same common name and an estimated birth date,
   which no comparison of these fields can tell apart. Issue 15 (ADR 0028) made the set harder
   (unflagged placeholder dates, year-apart birthdays, rule-based transliterations, missing fields,
   twins) and reports by kind of pair: on 19,618 records (`--base 12600 --memory`), at 6.0, precision
   0.371 → 0.367, recall 0.885 → 0.948, F1 0.523 → 0.529 (at 8.0: 0.621/0.827/0.709 →
   0.615/0.890/0.727); blocking reach 98.0% → 99.0%; recall on unflagged placeholder dates 0.550 →
   0.920, year-apart birthdays 0.717 → 0.871, transliterations 0.766 → 0.871; twins shown 20 → 16.
   Precision falls with the size of this set (its name lists are short: at 20,000 records most false
   candidates are two originals with the same common name), not with these changes.

Splink: trained weights and the national sweep (ADR 0029)
--------------------------------------------------------
The per-referral search stays here, in PostgreSQL, within a page request: a coordinator needs a handful of
candidates with reasons in plain words. Splink (on DuckDB, in batch jobs only: `people.linkage_splink`,
`people.linkage_national`) does two things beside it. **Training**: EM on the service's own records estimates
m and u for each comparison level, the same levels this scoring knows; the latest model (`LinkageModel`)
replaces the hand-set points level by level (`trained_weights`, cached for a few minutes), adjusts an agreeing
name by how common it is (term frequency, from the site's own key counts), and adds a prior that falls as the
number of children searched grows. The words, the twins rule and the swapped-names alignment are unchanged;
levels the model lacks keep their hand-set points. **The national sweep**: every record of every site linked
in one batch, pairs across sites told to each coordinator with minimum disclosure (`views_linkage.other_sites`).
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from django.conf import settings
from django.core.cache import cache
from django.db import connection, transaction
from django.db.models import (
    Count,
    Exists,
    FilteredRelation,
    OuterRef,
    Prefetch,
    Q,
    QuerySet,
    prefetch_related_objects,
)
from django.db.models.signals import post_save
from django.dispatch import receiver
from django.http import Http404
from django.utils import timezone

from childnrm.access.policy import Perm, sites_where
from childnrm.kit import prepared
from childnrm.people.linkage_scoring import (
    MATCH_THRESHOLD,
    MAX_CANDIDATES,
    MAX_CANDIDATES_MOST,
    PLACE_KEY_PREFIX,
    YEAR_TOLERANCE,
    YEAR_TOLERANCE_ESTIMATED,
    Match,
    PointsScorer,
    Profile,
    TrainedWeights,
    any_year,
    blocking_keys,
    compare,
    key_weight,
    max_candidates,
    name_shares,
    place_shares,
    profile_from_values,
    review_threshold,
    stored_keys,
)
from childnrm.people.locks import link_decisions_held_still
from childnrm.people.models import (
    Child,
    ChildBlockingKey,
    ChildLinkDecision,
    LinkageModel,
    LinkStatus,
    PossibleEarlierRecord,
)
from childnrm.people.selectors import settled_ids, settled_through_others

MAX_SHOWN = 20  # possible matches shown on one page
MAX_EARLIER_KEPT = 10  # possible earlier records kept per referral (the triage page shows the best few)


# ---------------------------------------------------------------------------------------------------
# The database: keeping keys current, and the blocked candidate search
# ---------------------------------------------------------------------------------------------------


def profile_of(child: Child) -> Profile:
    """The profile of a child record: its own name, aliases and any estimated age from its referrals.

    Uses `child.referrals.all()`: prefetch it (`_referrals_prefetch`) when profiling many children.
    """
    return profile_from_values(
        id=child.pk,
        reference=child.reference,
        given_names=child.given_names,
        family_name=child.family_name,
        date_of_birth=child.date_of_birth,
        date_of_birth_estimated=child.date_of_birth_estimated,
        sex=child.sex,
        nationalities=child.nationalities,
        referrals=[
            (r.reference, r.aliases, r.estimated_age_years, r.submitted_at or r.created_at)
            for r in child.referrals.all()
        ],
        local_authority=child.local_authority_id,
        # the area's name for the words, when it was read with the child (keys need only its id)
        local_authority_name=child.local_authority.name
        if child.local_authority_id and Child.local_authority.is_cached(child)
        else "",
        nhs_numbers=[r.nhs_number for r in child.referrals.all()],
        home_office_references=[r.home_office_reference for r in child.referrals.all()],
    )


def _referrals_prefetch():
    # people must not import referrals (the dependency runs the other way): reach it through the relation.
    referral_model = Child._meta.get_field("referrals").related_model
    fields = (
        "id",
        "child_id",
        "reference",
        "aliases",
        "estimated_age_years",
        "submitted_at",
        "created_at",
        "nhs_number",
        "home_office_reference",
    )
    return Prefetch("referrals", queryset=referral_model.objects.only(*fields).order_by("created_at", "id"))


def blocking_keys_refresh(child_ids: Iterable[int]) -> int:
    """Recompute the blocking keys of these children (after a save, or after bulk writes). Returns rows written."""
    ids = list(child_ids)
    rows = []
    for start in range(0, len(ids), 2000):
        chunk = ids[start : start + 2000]
        children = Child.objects.filter(pk__in=chunk).prefetch_related(_referrals_prefetch())
        for child in children:
            profile = profile_of(child)
            year, estimated = profile.birth_year
            rows += [
                ChildBlockingKey(
                    child_id=child.pk, site_id=child.site_id, key=key, birth_year=year, birth_year_estimated=estimated
                )
                for key in sorted(stored_keys(profile))
            ]
        ChildBlockingKey.objects.filter(child_id__in=chunk).delete()
    ChildBlockingKey.objects.bulk_create(rows, batch_size=5000)
    return len(rows)


# Keys are kept current by these receivers (connected when the app is ready, see people.apps).


@receiver(post_save, sender=Child, dispatch_uid="people.child_blocking_keys")
def _child_saved(sender, instance: Child, raw: bool = False, **kwargs) -> None:
    if raw:
        return
    blocking_keys_refresh([instance.pk])


@receiver(post_save, sender="referrals.Referral", dispatch_uid="people.referral_blocking_keys")
def _referral_saved(sender, instance, raw: bool = False, **kwargs) -> None:
    # Aliases and estimated ages live on the child's referrals.
    if raw or instance.child_id is None:
        return
    blocking_keys_refresh([instance.child_id])


def blocking_keys_rebuild(*, site_ids: Sequence[int] | None = None, batch: int = 2000) -> int:
    """Recompute the blocking keys of every child (of `site_ids`, if given), a batch per transaction.

    Run once after a change to how keys are derived (`linkage_scoring.blocking_keys`):
    `manage.py shell -c "from childnrm.people.linkage import blocking_keys_rebuild; blocking_keys_rebuild()"`.
    Returns the rows written.
    """
    children = Child.objects.order_by("pk")
    if site_ids is not None:
        children = children.filter(site_id__in=site_ids)
    ids = list(children.values_list("pk", flat=True))
    written = 0
    for start in range(0, len(ids), batch):
        with transaction.atomic():
            written += blocking_keys_refresh(ids[start : start + batch])
    return written


def _year_filter(year: int | None, estimated: bool):
    if year is None:
        return Q()
    wide = Q(birth_year__range=(year - YEAR_TOLERANCE_ESTIMATED, year + YEAR_TOLERANCE_ESTIMATED))
    unknown = Q(birth_year__isnull=True)
    if estimated:
        return wide | unknown
    narrow = Q(birth_year__range=(year - YEAR_TOLERANCE, year + YEAR_TOLERANCE))
    return narrow | (wide & Q(birth_year_estimated=True)) | unknown


# At national scale (issue 15 item 5: one referral against a million children within 50 ms) a count over every
# child, or over every holder of "Nguyen", costs more than the whole search may. Counts this large are kept for
# a few minutes per process: a few minutes' growth of a register this size moves no weight.
LARGE_COUNT = 50_000  # children at the sites searched from which their number is kept, not counted each time
COMMON_KEY_CHILDREN = 5_000  # a key held by more children is common: counted once per COUNTS_CACHE_SECONDS
COUNTS_CACHE_SECONDS = 600


def _counts_cache_key(what: str, site_ids: Sequence[int]) -> str:
    sites = ",".join(str(s) for s in sorted(set(site_ids)))
    return "people.linkage.count:" + hashlib.sha256(f"{sites}|{what}".encode()).hexdigest()[:32]


def site_children_total(site_ids: Sequence[int]) -> int:
    """How many children the sites hold (an index-only count; it scales the key weights).

    Counted each time below LARGE_COUNT; a larger number is kept for COUNTS_CACHE_SECONDS.
    """
    cache_key = _counts_cache_key("children", site_ids)
    total = cache.get(cache_key)
    if total is None:
        total = Child.objects.filter(site_id__in=site_ids).count()
        if total >= LARGE_COUNT:
            cache.set(cache_key, total, COUNTS_CACHE_SECONDS)
    return max(total, 1)


def _counts_up_to(keys: Sequence[str], site_ids: Sequence[int], most: int) -> dict[str, int]:
    """How many of the sites' children hold each key, counting no further than `most` + 1 (one query).

    Each count is an index range scan that stops at the limit, so a key held by 50,000 children costs no more
    than one held by 5,000; a grouped count would read every holder. Plain SQL: the ORM has no per-key limit.
    """
    table = connection.ops.quote_name(ChildBlockingKey._meta.db_table)
    sites = ", ".join(["%s"] * len(site_ids))
    one = (
        f"SELECT CAST(%s AS varchar(64)), (SELECT COUNT(*) FROM (SELECT 1 FROM {table} WHERE site_id IN ({sites}) "  # noqa: S608
        f'AND "key" = %s LIMIT {int(most) + 1}) AS held)'
    )
    params = [p for key in keys for p in (key, *site_ids, key)]
    with connection.cursor() as cursor:
        cursor.execute(" UNION ALL ".join([one] * len(keys)), params)
        return {key: n for key, n in cursor.fetchall()}


def key_counts(keys: Iterable[str], site_ids: Sequence[int]) -> dict[str, int]:
    """How many of the sites' children hold each key (keys no child holds are left out).

    A key held by more than COMMON_KEY_CHILDREN (a common name, 1 January of a year, a town many children live in)
    is counted exactly once per COUNTS_CACHE_SECONDS and its count kept; the others are counted in one query, each
    up to COMMON_KEY_CHILDREN. A kept count is not counted again, even up to the limit: at a million children nearly
    every search holds a common name or a large town, whose limited scans cost PostgreSQL time on every search
    (docs/benchmarks.md, session 8).
    """
    keys = sorted(set(keys))
    if not keys or not site_ids:
        return {}
    names = {k: _counts_cache_key("key:" + k, site_ids) for k in keys}
    kept = cache.get_many(list(names.values()))  # only common keys' counts are kept
    counts = {k: kept[names[k]] for k in keys if names[k] in kept}
    rest = [k for k in keys if k not in counts]
    if rest:
        counts |= _counts_up_to(rest, site_ids, COMMON_KEY_CHILDREN)
    common = [k for k in rest if counts[k] > COMMON_KEY_CHILDREN]
    if common:
        exact = dict(
            ChildBlockingKey.objects.filter(site_id__in=site_ids, key__in=common)
            .values("key")
            .annotate(n=Count("id"))
            .values_list("key", "n")
        )
        cache.set_many({names[k]: n for k, n in exact.items()}, COUNTS_CACHE_SECONDS)
        counts |= exact
    return {k: n for k, n in counts.items() if n}


def _shares(me: Profile, site_ids: Sequence[int]) -> dict[str, float]:
    """The share of the sites' children holding each of this record's name keys and its area (they weigh by it:
    `linkage_scoring.name_shares`, `place_shares`)."""
    keys = [k for k in stored_keys(me) if k.startswith(("n:", PLACE_KEY_PREFIX))]
    if not keys:
        return {}
    return shares_of(key_counts(keys, site_ids), site_children_total(site_ids))


def shares_of(counts: dict[str, int], total: int) -> dict[str, float]:
    """Name keys' and areas' shares of `total` children, from their holders' counts."""
    places = {k: n for k, n in counts.items() if k.startswith(PLACE_KEY_PREFIX)}
    names = {k: n for k, n in counts.items() if k.startswith("n:")}
    return name_shares(names, total) | place_shares(places, total)


TRAINED_CACHE_KEY = "people.linkage.trained_weights"
TRAINED_CACHE_SECONDS = 300  # a new model is used by every web process within five minutes (models train daily)


@receiver(post_save, sender=LinkageModel, dispatch_uid="people.linkage_model_saved")
def _linkage_model_saved(sender, instance: LinkageModel, **kwargs) -> None:
    cache.delete(TRAINED_CACHE_KEY)  # this process at once; the others when their copy expires


def trained_weights() -> TrainedWeights | None:
    """The latest trained model's weights (ADR 0029), or None while no model has been trained (hand-set points).

    Cached, so the search costs no query more than with hand-set points. None, too, unless the service is set to
    use trained weights (`settings.LINKAGE_TRAINED_WEIGHTS`): until then models are trained and kept, not used.
    """
    if not settings.LINKAGE_TRAINED_WEIGHTS:
        return None
    cached = cache.get(TRAINED_CACHE_KEY)
    if cached is None:
        cached = _trained_weights_read() or "none"
        cache.set(TRAINED_CACHE_KEY, cached, TRAINED_CACHE_SECONDS)
    return None if cached == "none" else cached


def _trained_weights_read() -> TrainedWeights | None:
    model = (
        LinkageModel.objects.only("trained_at", "records", "probability_two_random_records_match", "weights")
        .order_by("-trained_at", "-id")
        .first()
    )
    if model is None or not model.weights:
        return None
    return TrainedWeights(
        weights={level: float(v["weight"]) for level, v in model.weights.items()},
        u={level: float(v["u"]) for level, v in model.weights.items() if v.get("u")},
        probability_two_random_records_match=model.probability_two_random_records_match,
        records=model.records,
        label=f"trained {model.trained_at:%-d %B %Y} on {model.records:,} records",
        trained_on=model.trained_at.date(),
    )


def compare_children(a: Child, b: Child) -> Match:
    """Score two child records as the candidate search would (used to keep the evidence with a decision)."""
    prefetch_related_objects([a, b], _referrals_prefetch(), "local_authority")
    me = profile_of(a)
    total = site_children_total([a.site_id])
    return compare(
        me,
        profile_of(b),
        common=_shares(me, [a.site_id]),
        trained=trained_weights(),
        searched=total,
    )


@dataclass(frozen=True)
class Candidate:
    child: Child
    match: Match


class Candidates(list):
    """The candidates found, best first; `more_than_shown` says the search held some back (the page says so).

    A list, so every caller of `candidates_for` reads it as before.
    """

    more_than_shown: bool = False
    blocked: int = 0  # candidates the blocking brought (at most `max_candidates` of the register)
    compared: int = 0  # of those, compared name by name (the others could not reach the threshold)


DRIVER_ROWS = 2_000  # when every key is common: holders of the rarest one compared, nearest birth years first
# The children (this many times MAX_CANDIDATES) with most weight from the rarer keys, whose common keys are looked
# up first: the weight of the MAX_CANDIDATES + 1st best of them bounds which of the others could still rank.
COMMON_FIRST = 3
# The common keys held by fewest children are read whole (within the birth-year limits) while their holders add up
# to no more than this: reading a few thousand index entries costs less than looking up each of thousands of
# children found by the rarer keys (profiled at a million children, issue 15 item 5).
COMMON_KEY_READ = 60_000


def _year_parts(alias: str, year: int | None, estimated: bool) -> list[tuple[str, list]]:
    """`_year_filter` as conditions no row meets twice, each a range of the search index (no OR within one)."""
    if year is None:
        return [("1 = 1", [])]
    wide = f"{alias}.birth_year BETWEEN %s AND %s"
    wide_params = [year - YEAR_TOLERANCE_ESTIMATED, year + YEAR_TOLERANCE_ESTIMATED]
    unknown = (f"{alias}.birth_year IS NULL", [])
    if estimated:
        return [(wide, wide_params), unknown]
    narrow = [year - YEAR_TOLERANCE, year + YEAR_TOLERANCE]
    return [
        (f"{alias}.birth_year BETWEEN %s AND %s", narrow),
        # The wider range of an estimated year, outside the narrow one (which the first part reads whole)
        (
            f"{alias}.birth_year_estimated AND {wide} AND {alias}.birth_year NOT BETWEEN %s AND %s",
            [*wide_params, *narrow],
        ),
        unknown,
    ]


def _key_parts(alias: str, keys: Sequence[str], year: int | None, estimated: bool) -> list[tuple[str, list]]:
    """Rows of these keys, as conditions no row meets twice: those of a birth year within the limits, and any
    `x:` key (it carries day and month). Each is one range of the search index, read by an index-only scan."""
    dated = [k for k in keys if not any_year(k)]
    undated = [k for k in keys if any_year(k)]
    parts = []
    if dated:
        in_dated = f'{alias}."key" IN ({", ".join(["%s"] * len(dated))})'
        parts += [
            (f"{in_dated} AND {years}", [*dated, *params]) for years, params in _year_parts(alias, year, estimated)
        ]
    if undated:
        parts.append((f'{alias}."key" IN ({", ".join(["%s"] * len(undated))})', list(undated)))
    return parts


def _keys_sql(alias: str, keys: Sequence[str], year: int | None, estimated: bool) -> tuple[str, list]:
    """Rows of these keys: those of a birth year within the limits, and any `x:` key (it carries day and month)."""
    parts = _key_parts(alias, keys, year, estimated)
    return "(" + " OR ".join(f"({sql})" for sql, _ in parts) + ")", [p for _, params in parts for p in params]


def _weight_sql(alias: str, weights: dict[str, int]) -> tuple[str, list]:
    # Whole thousandths of a bit (`_milli`): sums of whole numbers are the same in any order, so two children
    # sharing the same keys tie exactly and fall by birth year, then id (sums of floats differed in the last digit).
    whens = " ".join(["WHEN %s THEN %s"] * len(weights))
    return f'CASE {alias}."key" {whens} ELSE 0 END', [p for k in sorted(weights) for p in (k, weights[k])]


def _milli(weight: float) -> int:
    return round(weight * 1000)  # key_weight is rounded to thousandths


def _rows_sql(alias: str, parts: list[tuple[str, list]], site_ids: Sequence[int], exclude: set[int]):
    """Rows (child, key, birth year) of the sites' children meeting these conditions, bar `exclude`: one index
    range each, joined by UNION ALL (no row meets two)."""
    table = connection.ops.quote_name(ChildBlockingKey._meta.db_table)
    where = (
        f"{alias}.site_id IN ({', '.join(['%s'] * len(site_ids))}) "
        f"AND {alias}.child_id NOT IN ({', '.join(['%s'] * len(exclude))})"
    )
    sql = " UNION ALL ".join(
        f'SELECT {alias}.child_id, {alias}."key", {alias}.birth_year FROM {table} {alias} '  # noqa: S608
        f"WHERE {where} AND {part}"
        for part, _ in parts
    )
    return sql, [p for _, part_params in parts for p in (*site_ids, *exclude, *part_params)]


def _common_read(common: Sequence[str], counts: dict[str, int]) -> tuple[list[str], list[str]]:
    """The common keys whose holders are read whole (the least common, up to COMMON_KEY_READ holders in all), and
    those looked up child by child (the most common: Nguyen, Mohammed)."""
    read: list[str] = []
    held = 0
    for key in sorted(common, key=lambda k: (counts[k], k)):
        if held + counts[key] > COMMON_KEY_READ:
            break
        read.append(key)
        held += counts[key]
    return read, [k for k in common if k not in read]


def _blocked(
    keys: set[str],
    counts: dict[str, int],
    total: int,
    *,
    site_ids: Sequence[int],
    year: int | None,
    estimated: bool,
    exclude: set[int],
    cap: int = MAX_CANDIDATES,
) -> tuple[list[int], bool]:
    """The blocked candidates, best first (at most `cap`: `max_candidates` of the register), and whether some
    were held back.

    Ranked by the summed weight of the keys shared (log2 of the children over the key's holders), then by the
    closeness of birth year. The children sharing a rare key are found through the index, and the common keys
    they also share (a common name, 1 January) add their weight by the child's own rows: the holders of a
    common key are never all read, which at a million children is most of the work (Nguyen is held by one
    Vietnamese child in three). Children sharing only common keys are not compared, and neither are those past
    MAX_CANDIDATES: either sets the signal, so the page can say that more records may exist than were shown.
    Below COMMON_KEY_CHILDREN holders per key (every register of 20,000 children here) the result is exactly
    that of ranking every child sharing any key.

    The query (issue 15 item 5, profiled at a million children): each range of keys and birth years is read on
    its own (an index-only scan; one condition with OR made PostgreSQL visit the table for every row). The
    common keys add their weight to the children found in two ways. The least common of them (`_common_read`:
    up to COMMON_KEY_READ holders in all, a few thousand index entries within the birth-year limits) are read
    whole and joined on the children found: their weight is exact for every child, however many were found
    (the searches whose rarer keys are each held by 4,000-5,000 children found that many, and looked each up).
    The most common (Nguyen, Mohammed) are looked up child by child (the (child, key) index), not by reading
    every holder: first for the MAX_CANDIDATES * COMMON_FIRST children with most weight so far, then only for
    the others whose weight, with every looked-up key added, could still reach the MAX_CANDIDATES + 1st best of
    those. The children left out could not rank: the result is the same, without reading thousands of
    children's rows. Weights are summed in whole thousandths (`_milli`), so equal sums tie exactly.
    """
    table = connection.ops.quote_name(ChildBlockingKey._meta.db_table)
    common = sorted(k for k in keys if counts[k] > COMMON_KEY_CHILDREN)
    rare = sorted(keys - set(common))
    weights = {k: _milli(key_weight(counts[k], total)) for k in keys}
    sites = ", ".join(["%s"] * len(site_ids))
    distance = "COALESCE(MIN(ABS(b.birth_year - %s)), 99)" if year is not None else "0"
    distance_params = [year] if year is not None else []
    limit = ""
    driver_keys = rare
    if not rare:
        # Every key is common (one common name, no date to go by): the holders of the rarest key, nearest
        # birth years first, are the ones compared.
        driver_keys = [min(common, key=lambda k: (counts[k], k))]
        limit = f"ORDER BY 3, 1 DESC LIMIT {DRIVER_ROWS}"
    rows, rows_params = _rows_sql("r", _key_parts("r", driver_keys, year, estimated), site_ids, exclude)
    weight, weight_params = _weight_sql("b", {k: weights[k] for k in driver_keys})
    found = (
        f"SELECT b.child_id, SUM({weight}) AS weight, {distance} AS distance "  # noqa: S608
        f"FROM ({rows}) AS b GROUP BY b.child_id {limit}"
    )
    params = [*weight_params, *distance_params, *rows_params]
    read, looked_up = _common_read(sorted(set(common) - set(driver_keys)), counts)
    if read:
        # Holders of the less common keys, read whole within the birth-year limits: their weight is exact.
        held, held_params = _rows_sql("c", _key_parts("c", read, year, estimated), site_ids, exclude)
        also, also_params = _weight_sql("c", {k: weights[k] for k in read})
        found = (
            f"WITH d AS ({found}) SELECT d.child_id, d.weight + COALESCE(h.weight, 0) AS weight, d.distance FROM d "  # noqa: S608
            f"LEFT JOIN (SELECT c.child_id, SUM({also}) AS weight FROM ({held}) AS c "
            f"WHERE c.child_id IN (SELECT child_id FROM d) GROUP BY c.child_id) AS h "
            f"ON h.child_id = d.child_id"
        )
        params = [*params, *also_params, *held_params]
    if looked_up:
        joined, joined_params = _keys_sql("c", looked_up, year, estimated)
        also, also_params = _weight_sql("c", {k: weights[k] for k in looked_up})
        most = sum(weights[k] for k in looked_up)  # the most the looked-up keys can add to any child
        plus = (
            f"COALESCE((SELECT SUM({also}) FROM {table} c "  # noqa: S608
            f"WHERE c.child_id = {{}}.child_id AND c.site_id IN ({sites}) AND {joined}), 0)"
        )
        plus_params = [*also_params, *site_ids, *joined_params]
        first = cap * COMMON_FIRST
        sql = (
            f"WITH found AS ({found}), "  # noqa: S608
            f"best AS (SELECT child_id, weight, distance FROM found ORDER BY weight DESC, distance, child_id DESC "
            f"LIMIT {first}), "
            f"scored AS (SELECT t.child_id, t.weight + {plus.format('t')} AS weight, t.distance FROM best t), "
            f"cut AS (SELECT weight FROM scored ORDER BY weight DESC LIMIT 1 OFFSET {cap}) "
            f"SELECT child_id, weight, distance FROM scored UNION ALL "
            f"SELECT f.child_id, f.weight + {plus.format('f')}, f.distance FROM found f "
            f"WHERE f.child_id NOT IN (SELECT child_id FROM best) "
            f"AND f.weight + %s >= COALESCE((SELECT weight FROM cut), f.weight + %s)"
        )
        params = [*params, *plus_params, *plus_params, most, most]
    else:
        sql = f"SELECT child_id, weight, distance FROM ({found}) AS f"  # noqa: S608
    sql += f" ORDER BY 2 DESC, 3, 1 DESC LIMIT {cap + 1}"
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        ids = [row[0] for row in cursor.fetchall()]
    held_back = len(ids) > cap or bool(common) or bool(limit)
    return ids[:cap], held_back


# The sizes of the search's reads by id: a search's own record, a few matches, and up to MAX_CANDIDATES_MOST.
_READ_SIZES = (1, 10, 25, 50, MAX_CANDIDATES_MOST)


def _padded(ids: Sequence[int]) -> list[int]:
    """The ids padded with 0 (which no child has) to the next of _READ_SIZES: a read compiled once per size
    (kit.prepared), and a few statements for PostgreSQL to plan, not one for each number of ids."""
    size = next((n for n in _READ_SIZES if n >= len(ids)), len(ids))
    return [*ids, *[0] * (size - len(ids))]


def _profiles_query(ids: Sequence[int], site_ids: Sequence[int]):
    """The children of these ids at these sites, a row per referral that adds to the profile (`_candidate_profiles`)."""
    adds_to_profile = (
        Q(referrals__aliases__0__isnull=False)  # a first alias (not: "not []", whose parameter is no plain value)
        | Q(referrals__estimated_age_years__isnull=False)
        | ~Q(referrals__nhs_number="")
        | ~Q(referrals__home_office_reference="")
    )
    return (
        # At the sites searched, whatever the keys say: a record moved to another site is not compared here.
        Child.objects.filter(pk__in=ids, site_id__in=site_ids)
        .annotate(referral=FilteredRelation("referrals", condition=Q(referrals__child_id__in=ids) & adds_to_profile))
        .order_by("id", "referral__created_at", "referral__id")  # the referrals in the order of `_referrals_prefetch`
        .values_list(
            "id",
            "reference",
            "given_names",
            "family_name",
            "date_of_birth",
            "date_of_birth_estimated",
            "sex",
            "nationalities",
            "local_authority_id",
            "local_authority__name",
            "referral__id",
            "referral__reference",
            "referral__aliases",
            "referral__estimated_age_years",
            "referral__submitted_at",
            "referral__created_at",
            "referral__nhs_number",
            "referral__home_office_reference",
        )
    )


def _candidate_profiles(ids: Sequence[int], site_ids: Sequence[int]) -> list[Profile]:
    """The profiles of these children (as `profile_of` makes them), from one query of plain values.

    No model instances: building a hundred children with their referrals through the ORM cost more than the
    blocking query at a million children. A row per referral that adds to the profile (a child with none: one
    row without); the referrals are joined on these children's ids, so that they are read through their index,
    not all of them. A referral giving no alias, estimated age or identifier adds nothing, and most give none:
    they are not read.
    """
    # Compiled once for each of a few sizes (kit.prepared): building and compiling this read cost more than running it.
    padded = _padded(ids)
    rows = prepared.rows(
        Child,
        ("people.linkage:profiles", len(padded), tuple(site_ids)),
        lambda *ids: _profiles_query(ids, site_ids),
        *padded,
    )
    children: dict[int, tuple] = {}
    referrals: dict[int, list[tuple]] = {}
    identifiers: dict[int, tuple[list[str], list[str]]] = {}
    for row in rows:
        children.setdefault(row[0], row[:10])
        if row[10] is not None:
            reference, aliases, age, submitted_at, created_at, nhs_number, home_office = row[11:]
            referrals.setdefault(row[0], []).append((reference, aliases, age, submitted_at or created_at))
            nhs_numbers, home_office_references = identifiers.setdefault(row[0], ([], []))
            nhs_numbers.append(nhs_number)
            home_office_references.append(home_office)
    return [
        profile_from_values(
            id=pk,
            reference=row[1],
            given_names=row[2],
            family_name=row[3],
            date_of_birth=row[4],
            date_of_birth_estimated=row[5],
            sex=row[6],
            nationalities=row[7],
            referrals=referrals.get(pk, ()),
            local_authority=row[8],
            local_authority_name=row[9] or "",
            nhs_numbers=identifiers.get(pk, ((), ()))[0],
            home_office_references=identifiers.get(pk, ((), ()))[1],
        )
        for pk, row in children.items()
    ]


def _records_read(ids: Sequence[int]) -> dict[int, Child]:
    """The matched children's records with their sites, by id (compiled once per size: `_padded`)."""
    padded = _padded(ids)
    found = prepared.rows(
        Child,
        ("people.linkage:matched", len(padded)),
        lambda *ids: Child.objects.select_related("site").filter(pk__in=ids),
        *padded,
    )
    return {child.pk: child for child in found}


def candidates_for(
    child: Child,
    *,
    site_ids: Sequence[int],
    threshold: float | None = MATCH_THRESHOLD,
    limit: int | None = MAX_SHOWN,
    exclude_ids: Iterable[int] = (),
) -> list[Candidate]:
    """Possible other records of this child among the children of `site_ids`, best first.

    A fixed number of queries whatever the size of the site: how many children hold each of this
    child's keys; the blocked candidates, ranked in the database by the rarity of the keys they
    share (a shared rare family name or date of birth before a shared "Mohammed"), at most
    MAX_CANDIDATES (`_blocked`); and those candidates with their referrals, scored here. The list says
    (`more_than_shown`) when the search held candidates back.
    """
    found = Candidates()
    if not site_ids:
        return found
    me = _candidate_profiles([child.pk], [child.site_id])[0]  # the record as saved, read as its candidates are
    keys = blocking_keys(me)
    if not keys:
        return found
    total = site_children_total(site_ids)
    counts = key_counts(stored_keys(me), site_ids)  # the area's holders too, to weigh it; the area finds no one
    keys = {k for k in keys if counts.get(k)}
    if not keys:
        return found
    year, estimated = me.birth_year
    ids, found.more_than_shown = _blocked(
        keys,
        counts,
        total,
        site_ids=site_ids,
        year=year,
        estimated=estimated,
        exclude={child.pk, *exclude_ids},
        cap=max_candidates(total, base=MAX_CANDIDATES),
    )
    if not ids:
        return found
    shares = shares_of(counts, total)
    trained = trained_weights()
    # With a threshold and the hand-set points, candidates are scored in points first (`PointsScorer`, the score
    # `compare` gives without its words), and only those reaching the threshold are compared with their evidence:
    # most candidates of a large register share a name and nothing else. One whose date of birth, sex and
    # nationality leave the threshold out of reach even with both names the same is not compared name by name, and
    # the names of the others only as far as the threshold needs (given names that differ rule most out).
    # What is shown is the same; only the work is less.
    points = PointsScorer(me, common=shares, searched=total) if threshold is not None and trained is None else None
    if points is not None:
        threshold = review_threshold(total, threshold)  # the register's prior raises "Strong" only
    matches: list[Match] = []
    for profile in _candidate_profiles(ids, site_ids):
        if points is not None:
            score = points.score(profile, at_least=threshold)
            if score is None or score < threshold:
                continue
        matches.append(compare(me, profile, common=shares, trained=trained, searched=total))
    found.blocked, found.compared = len(ids), points.compared if points is not None else len(matches)
    if threshold is not None:
        matches = [m for m in matches if m.score >= threshold]
    # Records are read whole only for the matches kept (at a million children most of those compared are not).
    records = _records_read([m.b.id for m in matches]) if matches else {}
    found.extend(Candidate(records[m.b.id], m) for m in matches if m.b.id in records)
    found.sort(key=lambda c: (-c.match.score, c.child.reference))
    if limit is not None and len(found) > limit:
        found.more_than_shown = True  # matches beyond the page's limit are held back too: say so
        del found[limit:]
    return found


# ---------------------------------------------------------------------------------------------------
# Scoped reads for the pages (the access policy applied in the query)
# ---------------------------------------------------------------------------------------------------


def child_get_for_linking(user, reference: str) -> Child:
    """The child with this reference if the user may decide links at its site; otherwise 404."""
    child = (
        Child.objects.select_related("site")
        .filter(site_id__in=sites_where(user, Perm.CHILD_LINK), reference=reference)
        .first()
    )
    if child is None:
        raise Http404
    return child


def decisions_in_force(child: Child, *, site_ids: Sequence[int] | None) -> list:
    """Linked and rejected pairs involving this child (not undone), the other record in `site_ids` if given."""
    decisions = (
        ChildLinkDecision.objects.filter(Q(child_a=child) | Q(child_b=child), superseded_by__isnull=True)
        .exclude(status=LinkStatus.UNDONE)
        .select_related("child_a", "child_b", "child_a__site", "child_b__site", "decided_by")
        .order_by("-decided_at", "-id")
    )
    if site_ids is not None:
        decisions = decisions.filter(
            Q(child_a=child, child_b__site_id__in=site_ids) | Q(child_b=child, child_a__site_id__in=site_ids)
        )
    return list(decisions)


def link_candidates(user, child: Child) -> tuple[list[Candidate], list]:
    """Possible other records of this child the user may decide on, and the decisions already in force.

    Records whose relation to this child is settled through other decisions are not offered either
    (`selectors.settled_ids`, ADR 0034): the page lists those linked with `selectors.linked_through_visible_to`."""
    site_ids = sites_where(user, Perm.CHILD_LINK)
    decided = decisions_in_force(child, site_ids=site_ids)
    decided_ids = {d.child_b_id if d.child_a_id == child.pk else d.child_a_id for d in decided}
    return candidates_for(child, site_ids=site_ids, exclude_ids=decided_ids | settled_ids(child.pk)), decided


# ---------------------------------------------------------------------------------------------------
# Possible earlier records of a referral's child: searched in the background, read by the queue and triage
# ---------------------------------------------------------------------------------------------------


def possible_earlier_records_search(*, referral_id: int, child_id: int) -> list[PossibleEarlierRecord]:
    """Look for earlier records of this referral's child and keep them, replacing what the last search kept.

    Run by a background task (`referrals.tasks.find_possible_earlier_records`) when the referral is
    submitted, whenever the child's identifying details or site change, and, while it awaits triage, after an undo
    reopens the child's relation to other records (ADR 0034). It searches the child's site,
    as the possible-matches page does for that site's coordinator (records at other sites are found by the
    national sweep, `people.linkage_national`). Only earlier records are kept (a later record
    is found from its own referral), and none settled through other decisions (ADR 0034); a record decided on
    directly with this one is kept, and the queue and triage page hide it while the decision is in force, so undoing
    it shows it again at once. The child row is locked, so two searches of one child (a quick correction after
    submission) keep one result; no link decision runs meanwhile (`locks.link_decisions_held_still`).
    """
    with transaction.atomic():
        # No link decision may settle a pair between reading what is settled and keeping the rest (people.locks).
        link_decisions_held_still()
        # After the referral's lock, which the task takes (ADR 0035: the case before its child): the rows kept below
        # point at the referral, and hold it too.
        child = Child.objects.select_for_update().filter(pk=child_id).first()
        if child is None:
            return []
        # Details changed with QuerySet.update() send no post_save: make the child's keys current first.
        blocking_keys_refresh([child.pk])
        # Pairs decided directly are kept, hidden while decided; those settled through other records are not.
        settled = settled_through_others(child.pk)
        found = candidates_for(child, site_ids=[child.site_id], limit=None, exclude_ids=settled)
        earlier = [c for c in found if c.child.pk < child.pk][:MAX_EARLIER_KEPT]
        PossibleEarlierRecord.objects.filter(referral_id=referral_id).delete()
        now = timezone.now()
        return PossibleEarlierRecord.objects.bulk_create(
            PossibleEarlierRecord(
                referral_id=referral_id,
                child=child,
                earlier=c.child,
                score=c.match.score,
                words=c.match.phrases_kept(),
                evidence=c.match.evidence_dicts(),
                found_at=now,
            )
            for c in earlier
        )


def _undecided_earlier_records(site_ids: Sequence[int]) -> QuerySet[PossibleEarlierRecord]:
    """Kept possible earlier records, at `site_ids`, whose pair has no link decision in force (linked or not)."""
    in_force = ChildLinkDecision.objects.filter(superseded_by__isnull=True).exclude(status=LinkStatus.UNDONE)
    decided = in_force.filter(
        Q(child_a=OuterRef("child"), child_b=OuterRef("earlier"))
        | Q(child_a=OuterRef("earlier"), child_b=OuterRef("child"))
    )
    return PossibleEarlierRecord.objects.filter(earlier__site_id__in=site_ids).filter(~Exists(decided))


def has_possible_earlier_record(user) -> Exists:
    """For annotating a page of referrals: whether each has a possible earlier record still to decide about.

    Only records at sites where the user decides links count (the rule of the possible-matches page):
    an annotation on the page's own query, so the tag costs no query per row.
    """
    return Exists(_undecided_earlier_records(sites_where(user, Perm.CHILD_LINK)).filter(referral=OuterRef("pk")))


def possible_earlier_records_for(user, referral_id: int) -> list[PossibleEarlierRecord]:
    """The referral's possible earlier records still to decide about that the user may see, best first.

    Compiled once per set of the user's link sites (kit.prepared), which its SQL names: the triage page asks on every
    request, most often to find none."""
    sites = tuple(sites_where(user, Perm.CHILD_LINK))
    found = prepared.rows(
        PossibleEarlierRecord,
        ("people:possible-earlier-records", sites),
        lambda referral: (
            _undecided_earlier_records(sites)
            .filter(referral_id=referral)
            .select_related("earlier", "earlier__site", "child")
            .order_by("-score", "id")
        ),
        referral_id,
    )
    if not found:
        return found
    # A record whose relation to the child was settled through other decisions since the search (ADR 0034).
    settled = settled_ids(found[0].child_id)
    return [r for r in found if r.earlier_id not in settled]


def possible_earlier_record_get(user, referral_id: int, reference: str) -> PossibleEarlierRecord:
    """One kept possible earlier record of the referral, decided or not, if the user may decide links at its site."""
    found = (
        PossibleEarlierRecord.objects.filter(
            referral_id=referral_id,
            earlier__reference=reference,
            earlier__site_id__in=sites_where(user, Perm.CHILD_LINK),
        )
        .select_related("earlier", "earlier__site", "child", "child__site")
        .first()
    )
    if found is None:
        raise Http404
    return found
