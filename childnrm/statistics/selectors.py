"""Reads for statistics: which sites a user's statistics cover, and the case data behind every table.

Aggregate-first: each read is one query over the filtered cases (a handful of columns, no names, no free text),
taken into pandas in one pass; every table is then counted from those frames. Nothing here returns a child's
record: the frames carry internal ids only to join, and never leave the statistics app except as protected
counts.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import date, datetime, time
from typing import Any

import pandas as pd
from django.conf import settings
from django.db import connections
from django.db.models import Q
from django.utils import timezone
from django.utils.text import slugify

from childnrm.access.policy import Perm, has_perm, sites_where
from childnrm.accounts.models import Site
from childnrm.decisions.models import Decision, DecisionKind, DecisionStatus, Outcome, PlanBasis, Stage
from childnrm.handovers.models import CaseTransfer, TransferDestination
from childnrm.outcomes.models import Answer, Exploitation, MissingEpisode, Occupation, OutcomeReview, PlacementStability
from childnrm.people.selectors import linked_groups
from childnrm.referrals.models import Referral
from childnrm.reviews.models import ReconsiderationRequest
from childnrm.safeguarding.models import ActionStatus, PlanAction, PlanActionUpdate, SafeguardingPlan
from childnrm.statistics import dimensions as dim
from childnrm.statistics.dimensions import Quarter
from childnrm.triage.models import OnwardReferral, TriageOutcome

# --- Who sees which sites --------------------------------------------------------------------------------


def statistics_sites(user) -> list[Site]:
    """The sites whose aggregates this user may see: every active site for an analyst (the pilot is compared
    across sites), only their own site(s) for a coordinator. Never a child's record, whatever the scope."""
    if has_perm(user, Perm.STATISTICS_VIEW):
        return list(Site.objects.filter(active=True).order_by("name"))
    return list(Site.objects.filter(pk__in=sites_where(user, Perm.STATISTICS_VIEW_SITE), active=True).order_by("name"))


def sees_every_pilot_site(user) -> bool:
    """Whether the user may compare every pilot site (an analyst), not only their own (a coordinator)."""
    return has_perm(user, Perm.STATISTICS_VIEW)


def own_statistics_sites(user, sites: list[Site]) -> list[Site]:
    """Of `sites` (`statistics_sites`), the user's own: those where they hold a statistics permission, shown until
    they choose others. All of `sites` when they hold it at none of them."""
    own = {*sites_where(user, Perm.STATISTICS_VIEW), *sites_where(user, Perm.STATISTICS_VIEW_SITE)}
    return [site for site in sites if site.pk in own] or list(sites)


def purpose_for(user) -> str:
    from childnrm.access.policy import PURPOSES

    perm = Perm.STATISTICS_VIEW if has_perm(user, Perm.STATISTICS_VIEW) else Perm.STATISTICS_VIEW_SITE
    return PURPOSES[perm]


# --- The filters -------------------------------------------------------------------------------------------

# The filters that narrow the children counted, as the page asks them.
_NARROWING = ("nationality", "gender", "age_band", "ethnicity", "exploitation_type", "first_responder_type")


@dataclass(frozen=True)
class StatisticsFilters:
    """What the analyst asked for. `site_ids` is already limited to the sites the user may see."""

    site_ids: tuple[int, ...]
    first: Quarter
    last: Quarter
    nationality: str = ""  # ISO 3166 code of the first nationality, or "unknown"
    gender: str = ""  # people.Sex code
    age_band: str = ""  # dimensions.AGE_BANDS
    ethnicity: str = ""  # dimensions.ETHNIC_GROUPS
    exploitation_type: str = ""  # referrals.vocab.ExploitationType code
    first_responder_type: str = ""  # dimensions.FIRST_RESPONDER_TYPES

    @property
    def quarters(self) -> list[Quarter]:
        return dim.quarters_between(self.first, self.last)

    @property
    def narrowed(self) -> bool:
        """Whether filters other than the sites and period narrow the children counted."""
        return any(getattr(self, name) for name in _NARROWING)

    def file_name_part(self) -> str:
        """The filters other than sites and period, for a download's file name ("gender-female_nationality-al"): a
        CSV holds the table alone, so its name is all that tells a filtered table from the whole one."""
        chosen = [(name, getattr(self, name)) for name in _NARROWING if getattr(self, name)]
        return "_".join(f"{name.replace('_', '-')}-{slugify(value)}" for name, value in chosen)

    @property
    def starts_on(self) -> date:
        return self.first.first_day

    @property
    def ends_on(self) -> date:
        return self.last.last_day


def _local_midnight(day: date) -> datetime:
    return timezone.make_aware(datetime.combine(day, time.min))


def _local_dates(values: pd.Series) -> pd.Series:
    """Aware moments as UK calendar days (naive datetime64 at midnight)."""
    moments = pd.to_datetime(values, utc=True)
    return moments.dt.tz_convert(settings.TIME_ZONE).dt.tz_localize(None).dt.normalize()


def _as_days(values: pd.Series) -> pd.Series:
    """Dates (or None) as naive datetime64 days; a date pandas cannot hold counts as not known."""
    if str(values.dtype) == "datetime64[ns]":  # already days: pd.to_datetime would walk it value by value
        return values
    return pd.to_datetime(values, errors="coerce").astype("datetime64[ns]")


def _cached_map(values: pd.Series, function: Any) -> pd.Series:
    """`function` of each value, computed once per distinct value (lists made hashable)."""
    cache: dict[Any, Any] = {}
    out = []
    for value in values:
        key = tuple(value) if isinstance(value, list) else value
        if key not in cache:
            cache[key] = function(value)
        out.append(cache[key])
    return pd.Series(out, index=values.index, dtype=object)


# --- The cases ---------------------------------------------------------------------------------------------

# (frame column, referral field): one list, so the frame's column names cannot drift from the fields fetched.
CASE_FIELDS: tuple[tuple[str, str], ...] = (
    ("referral_id", "pk"),
    ("held_site_id", "site_id"),  # the site holding it now: where it was received is worked out (`event_sites`)
    ("child_id", "child_id"),
    ("status", "status"),
    ("submitted_at", "submitted_at"),
    ("sex", "sex"),
    ("nationalities", "nationalities"),
    ("ethnicity", "ethnicity"),
    ("date_of_birth", "date_of_birth"),
    ("estimated_age_years", "estimated_age_years"),
    ("exploitation_types", "exploitation_types"),
    ("exploitation_location", "exploitation_location"),
    ("organisation_type", "referrer_organisation__type"),
    ("age_at_exploitation", "age_at_exploitation"),
    ("county_lines", "county_lines"),
)
CASE_COLUMNS = [column for column, _ in CASE_FIELDS]


def referrals_in_scope(filters: StatisticsFilters):
    """The submitted referrals the chosen sites held, now or before a transfer, that the filters the database can
    apply keep: submitted before the period ends (earlier referrals count in the decision tables when decided in
    the period). Each is counted only for what happened at the chosen sites (`at_sites`).

    Of every age at exploitation: whether a referral is of someone exploited as a child is worked out in the case
    frame (`exploited_as`, from the age at exploitation or at referral), and the child tables keep only those
    (`children`)."""
    # Held by a chosen site now, or by one before a transfer: a case carries its history to the site it moves to,
    # but what it was received or decided at a site counts there (`event_sites`, `at_sites`).
    moved_from_there = CaseTransfer.objects.filter(
        destination=TransferDestination.SITE, from_site_id__in=filters.site_ids
    ).values("referral__child_id")
    qs = Referral.objects.filter(
        Q(site_id__in=filters.site_ids) | Q(child_id__in=moved_from_there),
        submitted_at__isnull=False,
        submitted_at__lt=_local_midnight(filters.last.next().first_day),
    )
    if filters.gender:
        qs = qs.filter(sex=filters.gender) if filters.gender != "not_known" else qs.filter(sex__in=["not_known", ""])
    if filters.ethnicity:
        codes = dim.ethnicity_codes_of(filters.ethnicity)
        qs = (
            qs.filter(ethnicity__in=codes)
            if filters.ethnicity != dim.NOT_KNOWN
            else qs.exclude(
                ethnicity__in=[c for g in dim.ETHNIC_GROUPS if g != dim.NOT_KNOWN for c in dim.ethnicity_codes_of(g)]
            )
        )
    if filters.first_responder_type:
        qs = qs.filter(referrer_organisation__type__in=dim.organisation_types_of(filters.first_responder_type))
    return qs


def _fetched(queryset: Any, *, json_columns: tuple[int, ...] = ()) -> list[tuple]:
    """The rows of a `values_list` query. On PostgreSQL with a plain cursor: the ORM's work on each row (a tuple
    built, each JSON value decoded) cost more than fetching it, and the JSON text (lists of a few codes) is
    decoded once per distinct value. Elsewhere through the ORM (SQLite's driver returns dates as text)."""
    connection = connections[queryset.db]
    if connection.vendor != "postgresql":
        return list(queryset)
    sql, params = queryset.query.sql_with_params()
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        rows = cursor.fetchall()
    if not json_columns:
        return rows
    decoded: dict[str, Any] = {}

    def value(raw: Any) -> Any:
        if not isinstance(raw, str):  # already decoded by the driver, or NULL
            return raw
        if raw not in decoded:
            decoded[raw] = json.loads(raw)
        return decoded[raw]

    return [tuple(value(v) if i in json_columns else v for i, v in enumerate(row)) for row in rows]


def case_frame(filters: StatisticsFilters) -> pd.DataFrame:
    """One row per referral in scope, with its categories and its reasonable and conclusive grounds decisions.

    A decision is dated by the day the panel first made it (its first version's day, as corrections of it last put
    it; a reconsideration leaves it) and has the outcome that stands now (a correction or reconsideration may
    have changed it).

    Each thing is counted at the site where it happened, not at the site holding the case now (a transferred case
    takes its history with it): `site_id` is where the referral was received, `rg_site_id` and `cg_site_id` where
    the panel made the decision (`event_sites`). What happened at sites the filters did not choose is blanked
    (`at_sites`).
    """
    rows = _fetched(
        referrals_in_scope(filters).values_list(*(field for _, field in CASE_FIELDS)),
        json_columns=(CASE_COLUMNS.index("nationalities"), CASE_COLUMNS.index("exploitation_types")),
    )
    frame = pd.DataFrame.from_records(rows, columns=CASE_COLUMNS)
    frame["child_id"] = frame["child_id"].astype("Int64")
    frame["referred_on"] = _local_dates(frame["submitted_at"])
    moves = site_moves(filters)
    frame["site_id"] = event_sites(moves, frame["referral_id"], frame["referred_on"], frame["held_site_id"])
    frame["quarter"] = _quarter_codes(frame["referred_on"])
    frame["gender"] = frame["sex"].map(dim.gender_label).fillna(dim.NOT_KNOWN)
    age = _ages(frame)
    bands = {a: dim.age_band(a) for a in range(0, 30)}
    frame["age_band"] = age.map(lambda a: dim.NOT_KNOWN if pd.isna(a) else bands.get(int(a)) or dim.age_band(int(a)))
    at_exploitation = pd.to_numeric(frame["age_at_exploitation"], errors="coerce")
    frame["exploited_as"] = _exploited_as(at_exploitation, age)
    frame["county_lines"] = frame["county_lines"].fillna(False).astype(bool)
    frame["county_lines_flag"] = frame["county_lines"].map({True: dim.COUNTY_LINES, False: dim.NOT_COUNTY_LINES})
    frame["nationality"] = _cached_map(frame["nationalities"], dim.nationality_label)
    frame["nationality_code"] = frame["nationalities"].map(lambda codes: codes[0] if codes else "unknown")
    frame["nationality_group"] = _cached_map(frame["nationalities"], dim.nationality_group)
    frame["ethnic_group"] = frame["ethnicity"].fillna("").map(dim.ethnic_group)
    frame["exploitation"] = _cached_map(frame["exploitation_types"], dim.exploitation_label)
    frame["exploitation_group"] = _cached_map(frame["exploitation_types"], dim.exploitation_group)
    frame["location"] = frame["exploitation_location"].fillna("").map(dim.location_label)
    frame["first_responder_type"] = frame["organisation_type"].fillna("").map(dim.first_responder_label)
    frame = _apply_frame_filters(frame, filters)
    frame = _with_decisions(frame, filters, moves)
    names = _site_names(frame[["site_id", "rg_site_id", "cg_site_id"]])
    for prefix in ("", "rg_", "cg_"):
        frame[f"{prefix}site"] = frame[f"{prefix}site_id"].map(names)
    frame = at_sites(frame, filters.site_ids)
    return frame.drop(
        columns=[
            "held_site_id",
            "sex",
            "nationalities",
            "ethnicity",
            "date_of_birth",
            "estimated_age_years",
            "submitted_at",
            "age_at_exploitation",
        ]
    ).reset_index(drop=True)


def _quarter_codes(days: pd.Series) -> pd.Series:
    """ "2026Q3" for each day (None where there is no day), vectorised: a release reads every referral."""
    if not pd.api.types.is_datetime64_dtype(days):  # pd.to_datetime walks a datetime column value by value
        days = pd.to_datetime(days)
    # Each distinct quarter written once: turning every row's year and quarter into text cost seconds.
    keys = days.dt.year * 10 + days.dt.quarter
    labels = {key: f"{int(key) // 10}Q{int(key) % 10}" for key in keys.dropna().unique()}
    return keys.map(labels).astype(object).where(days.notna(), None)


def _ages(frame: pd.DataFrame) -> pd.Series:
    """Age at referral in whole years, from the date of birth (or the estimated age when no date is given)."""
    born = _as_days(frame["date_of_birth"])
    on = frame["referred_on"]
    before_birthday = (on.dt.month < born.dt.month) | ((on.dt.month == born.dt.month) & (on.dt.day < born.dt.day))
    age = on.dt.year - born.dt.year - before_birthday.astype("int64")
    return age.where(born.notna(), pd.to_numeric(frame["estimated_age_years"], errors="coerce"))


def _exploited_as(at_exploitation: pd.Series, at_referral: pd.Series) -> pd.Series:
    """`dimensions.exploited_as` of each referral, vectorised (a release reads every referral)."""
    recorded = at_exploitation.notna() & at_exploitation.ge(0)
    groups = pd.Series(dim.NOT_KNOWN, index=at_exploitation.index, dtype=object)
    groups[recorded & at_exploitation.lt(18)] = dim.CHILD
    groups[recorded & at_exploitation.ge(18)] = dim.ADULT
    groups[~recorded & at_referral.ge(0) & at_referral.lt(18)] = dim.CHILD
    return groups


def children(frame: pd.DataFrame) -> pd.DataFrame:
    """The referrals of those exploited as children (`dimensions.exploited_as`): what the child tables count."""
    return frame[frame["exploited_as"] == dim.CHILD]


def _apply_frame_filters(frame: pd.DataFrame, filters: StatisticsFilters) -> pd.DataFrame:
    """The filters the database cannot apply on both engines (list fields, computed bands)."""
    keep = pd.Series(True, index=frame.index)
    if filters.nationality:
        keep &= frame["nationality_code"] == filters.nationality
    if filters.age_band:
        keep &= frame["age_band"] == filters.age_band
    if filters.exploitation_type:
        wanted = filters.exploitation_type
        keep &= frame["exploitation_types"].map(lambda types: wanted in (types or []))
    return frame[keep]


# What is read of each decision taken (final, or superseded since): the versions of one decision, to follow its
# corrections and reconsiderations.
_DECISION_COLUMNS = (
    "referral_id",
    "stage",
    "status",
    "version",
    "kind",
    "outcome",
    "decided_on",
    "meeting_id",
    "meeting__site_id",
    "plan_basis",
)


def _with_decisions(frame: pd.DataFrame, filters: StatisticsFilters, moves: pd.DataFrame) -> pd.DataFrame:
    # A subquery, not a list of ids: the list could outgrow SQLite's limit on query parameters.
    decisions = pd.DataFrame.from_records(
        _fetched(
            Decision.objects.filter(
                referral_id__in=referrals_in_scope(filters).values("pk"),
                status__in=[DecisionStatus.FINAL, DecisionStatus.SUPERSEDED],
            ).values_list(*_DECISION_COLUMNS)
        ),
        columns=list(_DECISION_COLUMNS),
    )
    decisions["decided_on"] = _as_days(decisions["decided_on"])
    for stage, prefix in ((Stage.REASONABLE_GROUNDS, "rg"), (Stage.CONCLUSIVE_GROUNDS, "cg")):
        of_stage = decisions[decisions["stage"] == stage].sort_values(["referral_id", "version"])
        first = of_stage.drop_duplicates("referral_id").set_index("referral_id")
        # The day the panel first made the decision: the first decision's, as its corrections last put it (a
        # correction may correct the date). A reconsideration is a decision made again: it and every version
        # after it (its own corrections) leave that day as it was.
        reconsidered = (
            of_stage["kind"].eq(DecisionKind.RECONSIDERATION).astype(int).groupby(of_stage["referral_id"]).cummax()
        )
        made = of_stage[reconsidered.eq(0)].drop_duplicates("referral_id", keep="last").set_index("referral_id")
        made_on = made["decided_on"].reindex(first.index).fillna(first["decided_on"])
        standing = of_stage[of_stage["status"] == DecisionStatus.FINAL].set_index("referral_id")["outcome"]
        frame[f"{prefix}_on"] = frame["referral_id"].map(made_on)
        frame[f"{prefix}_positive"] = frame["referral_id"].map(standing == Outcome.POSITIVE)
        frame[f"{prefix}_meeting_id"] = frame["referral_id"].map(first["meeting_id"])
        frame[f"{prefix}_plan_basis"] = frame["referral_id"].map(first["plan_basis"]).fillna("")
        frame[f"{prefix}_quarter"] = _quarter_codes(_as_days(frame[f"{prefix}_on"]))
        frame[f"{prefix}_days"] = (_as_days(frame[f"{prefix}_on"]) - frame["referred_on"]).dt.days
        # Where the panel that first made it sat (its first version's sitting; a correction fixes that panel's
        # decision, it is not another panel's).
        frame[f"{prefix}_site_id"] = event_sites(
            moves,
            frame["referral_id"],
            _as_days(frame[f"{prefix}_on"]),
            frame["held_site_id"],
            sittings=frame["referral_id"].map(first["meeting__site_id"]),
        ).where(frame[f"{prefix}_on"].notna())
    return frame


# --- Where each thing happened -----------------------------------------------------------------------------
#
# A case transferred to another site takes its whole history there, and its referral then names only the new site.
# The statistics count each thing at the site where it happened: a referral where it was received, a decision where
# the panel that made it sat. Every site they give a case's referral, decision or request comes from
# `event_sites`, and `at_sites` keeps what happened at the chosen sites.

MOVE_COLUMNS = ["referral_id", "moved_on", "from_site_id"]


def site_moves(filters: StatisticsFilters) -> pd.DataFrame:
    """Each move of a referral in scope from one site to another (`MOVE_COLUMNS`: the UK day, and the site it left),
    read from the case transfers of its child. Two queries, over the few children ever transferred.

    A transfer moves every case of the child that the sending site's panel holds, but is recorded on one of them
    (`handovers.services.case_transfer`). So a referral's moves are read back from its child's transfers after it
    was submitted, from the site holding it now: a transfer into the site it was at moved it there from the
    transfer's `from_site`; a transfer between other sites left it where it was (it was not the panel's then).
    """
    to_sites = CaseTransfer.objects.filter(destination=TransferDestination.SITE)
    transfers = pd.DataFrame.from_records(
        list(
            to_sites.filter(referral__child_id__in=referrals_in_scope(filters).values("child_id"))
            .order_by("-transferred_at", "-id")
            .values_list("referral__child_id", "transferred_at", "from_site_id", "to_site_id")
        ),
        columns=["child_id", "at", "from_site_id", "to_site_id"],
    )
    if transfers.empty:
        return pd.DataFrame(columns=MOVE_COLUMNS)
    moved = referrals_in_scope(filters).filter(child_id__in=to_sites.values("referral__child_id"))
    latest_first = {child: list(group.itertuples(index=False)) for child, group in transfers.groupby("child_id")}
    rows = []
    for referral_id, child_id, site_id, submitted_at in moved.values_list("pk", "child_id", "site_id", "submitted_at"):
        site = site_id
        for transfer in latest_first.get(child_id, []):
            if transfer.at <= submitted_at:
                break
            if transfer.to_site_id == site:
                rows.append((referral_id, transfer.at, transfer.from_site_id))
                site = transfer.from_site_id
    moves = pd.DataFrame.from_records(rows, columns=["referral_id", "at", "from_site_id"])
    moves["moved_on"] = _local_dates(moves["at"]) if not moves.empty else pd.Series(dtype="datetime64[ns]")
    return moves[MOVE_COLUMNS]


def event_sites(
    moves: pd.DataFrame,
    referral_ids: pd.Series,
    days: pd.Series,
    held: pd.Series,
    *,
    sittings: pd.Series | None = None,
) -> pd.Series:
    """The site where something happened to each referral on each day (the series aligned): at a sitting, the
    sitting's site (`sittings`, NA where there was none); otherwise the site holding the case that day. That is
    the site it left by its first move (`site_moves`) on or after that day, or, without one, the site holding it
    now (`held`). A transfer on the day itself counts as after: a case is transferred once its decisions are made.
    """
    site = pd.Series(held.to_numpy(), index=referral_ids.index, dtype="Int64")
    if not moves.empty:
        asked = pd.DataFrame(
            {
                "row": range(len(referral_ids)),
                "referral_id": referral_ids.astype("int64").to_numpy(),
                "day": _as_days(days).to_numpy(),
            }
        ).dropna(subset=["day"])
        found = pd.merge_asof(
            asked.astype({"day": "datetime64[ns]"}).sort_values("day"),
            moves.astype({"referral_id": "int64", "moved_on": "datetime64[ns]"}).sort_values("moved_on"),
            left_on="day",
            right_on="moved_on",
            by="referral_id",
            direction="forward",
        ).dropna(subset=["from_site_id"])
        values = site.to_numpy(dtype=object)
        values[found["row"].to_numpy()] = found["from_site_id"].astype("int64").to_numpy()
        site = pd.Series(values, index=referral_ids.index).astype("Int64")
    if sittings is not None:
        sat = pd.Series(sittings.to_numpy(), index=referral_ids.index).astype("Int64")
        site = sat.where(sat.notna(), site)
    return site


def _site_names(site_ids: pd.DataFrame) -> dict[int, str]:
    ids = {int(v) for column in site_ids for v in site_ids[column].dropna().unique()}
    return dict(Site.objects.filter(pk__in=ids).values_list("pk", "name"))


# What a decision's row holds of it: blanked when the decision was made at a site the statistics do not cover.
_STAGE_EVENT = {"on": pd.NaT, "positive": None, "meeting_id": None, "plan_basis": "", "quarter": None, "days": None}


def at_sites(frame: pd.DataFrame, site_ids: tuple[int, ...] | list[int]) -> pd.DataFrame:
    """The case frame as the statistics of `site_ids` count it: a referral received elsewhere has no quarter of
    referral, a decision made elsewhere no day, quarter or outcome, so that every table counts each referral where
    it was received and each decision where it was made. The rows stay (a site may have decided about a case
    received elsewhere, or received a case decided elsewhere)."""
    chosen = set(site_ids)
    frame = frame.copy()
    frame["quarter"] = frame["quarter"].where(frame["site_id"].isin(chosen), None)
    for prefix in ("rg", "cg"):
        here = frame[f"{prefix}_site_id"].isin(chosen)
        for name, blank in _STAGE_EVENT.items():
            column = f"{prefix}_{name}"
            frame[column] = frame[column].where(here, blank)
    return frame


# --- Reconsiderations -------------------------------------------------------------------------------------

RECONSIDERATION_COLUMNS = [
    "referral_id",
    "requested_quarter",
    "requested_site_id",
    "decided_quarter",
    "decided_site_id",
    "changed",
]


def reconsiderations(filters: StatisticsFilters, cases: pd.DataFrame) -> pd.DataFrame:
    """Each request to reconsider a decision on a referral of `cases` (the case frame the other tables count: the
    same children and filters), one row each (`RECONSIDERATION_COLUMNS`): the quarter it was received and the site
    holding the case then; once the reconsidering panel's decision is final, the quarter it was made and the site
    whose panel made it, and whether it changed the outcome reconsidered. Two queries.

    The reconsidering decision is dated, and its outcome taken, as its own corrections last put them (not a later
    reconsideration's), as the first decision is (`_with_decisions`). A request received, or a decision made, at
    a site the filters did not choose has no quarter, as in `at_sites`.
    """
    scope = referrals_in_scope(filters).values("pk")
    asked = ReconsiderationRequest.objects.filter(decision__referral_id__in=scope)
    requests = pd.DataFrame.from_records(
        list(
            asked.values_list(
                "decision__referral_id",
                "decision__referral__site_id",
                "decision__stage",
                "decision__outcome",
                "received_on",
                "reconsidered_decision__version",
                "meeting__site_id",
            )
        ),
        columns=["referral_id", "held_site_id", "stage", "outcome", "received_on", "version", "listed_site_id"],
    )
    requests = requests[requests["referral_id"].isin(set(cases["referral_id"]))].reset_index(drop=True)
    if requests.empty:
        return pd.DataFrame(columns=RECONSIDERATION_COLUMNS)
    versions = pd.DataFrame.from_records(
        list(
            Decision.objects.filter(
                referral_id__in=asked.values("decision__referral_id"),
                status__in=[DecisionStatus.FINAL, DecisionStatus.SUPERSEDED],
            ).values_list("referral_id", "stage", "version", "kind", "outcome", "decided_on", "meeting__site_id")
        ),
        columns=["referral_id", "stage", "version", "kind", "outcome", "decided_on", "site_id"],
    ).sort_values("version")
    chains = {key: list(group.itertuples(index=False)) for key, group in versions.groupby(["referral_id", "stage"])}
    decided: list[tuple[Any, Any, Any]] = []  # (day, outcome, site of its sitting) of each request's decision
    asked_for = zip(requests["referral_id"], requests["stage"], requests["version"], strict=True)
    for referral_id, stage, version in asked_for:
        chain = [v for v in chains.get((referral_id, stage), []) if not pd.isna(version) and v.version >= version]
        if not chain or chain[0].version != version:  # not reconsidered yet, or its decision is not final
            decided.append((None, None, None))
            continue
        last = chain[0]
        for later in chain[1:]:
            if later.kind == DecisionKind.RECONSIDERATION:
                break
            last = later
        decided.append((last.decided_on, last.outcome, chain[0].site_id))
    on, outcome, sat = (pd.Series(column, dtype=object) for column in zip(*decided, strict=True))
    moves = site_moves(filters)
    held = requests["held_site_id"]
    requested_site = event_sites(moves, requests["referral_id"], requests["received_on"], held)
    decided_on = _as_days(on)
    decided_site = event_sites(
        moves, requests["referral_id"], decided_on, held, sittings=sat.where(sat.notna(), requests["listed_site_id"])
    ).where(decided_on.notna())
    chosen = set(filters.site_ids)
    return pd.DataFrame(
        {
            "referral_id": requests["referral_id"],
            "requested_quarter": _quarter_codes(_as_days(requests["received_on"])).where(
                requested_site.isin(chosen), None
            ),
            "requested_site_id": requested_site,
            "decided_quarter": _quarter_codes(decided_on).where(decided_site.isin(chosen), None),
            "decided_site_id": decided_site,
            "changed": (outcome != requests["outcome"]).where(decided_on.notna(), None),
        }
    )[RECONSIDERATION_COLUMNS]


# --- The pilot evaluation's extra reads -------------------------------------------------------------------


@dataclass
class PilotData:
    """What the pilot evaluation compares, for panel-decided cases and cases handed to the SCA."""

    cases: pd.DataFrame
    sca: pd.DataFrame  # referral_id, handed_on, rg_on, rg_positive, cg_on, cg_positive (reported by the SCA)
    plans_at_sitting: set[tuple[int, int]]  # (child_id, meeting_id) of plans agreed at a sitting
    actions: pd.DataFrame  # child_id, due_on, done_on, cancelled
    reviews: pd.DataFrame  # child_id, point, months, due_on, recorded, stable, went_missing, re_referred, ...
    episodes: pd.DataFrame  # child_id, started_on
    referrals_of_children: pd.DataFrame  # person (linked group id), referred_on
    person_of: dict[int, int] = field(default_factory=dict)  # linked child id -> its group's id
    sca_hook_present: bool = False


def plans_agreed_at_sitting(filters: StatisticsFilters, cases: pd.DataFrame) -> set[tuple[int, int]]:
    """(child_id, meeting_id) of each plan agreed at a sitting, for the children of `cases`. One query (a subquery)."""
    child_ids = {int(c) for c in cases["child_id"].dropna()}
    return {
        (c, m)
        for c, m in SafeguardingPlan.objects.filter(
            child_id__in=referrals_in_scope(filters).values("child_id"), agreed_at_meeting__isnull=False
        ).values_list("child_id", "agreed_at_meeting_id")
        if c in child_ids
    }


def pilot_data(filters: StatisticsFilters, cases: pd.DataFrame) -> PilotData:
    """The reads behind the pilot evaluation, each one query over the children in scope (a subquery; the frames
    are then narrowed to the cases the filters kept)."""
    scope = referrals_in_scope(filters)
    in_scope = scope.values("child_id")
    child_ids = {int(c) for c in cases["child_id"].dropna()}
    sca, hook = sca_reported_decisions(scope.values("pk"))
    sca = sca[sca["referral_id"].isin(set(cases["referral_id"])) & sca["handed_site_id"].isin(filters.site_ids)]
    plans = plans_agreed_at_sitting(filters, cases)
    actions = pd.DataFrame.from_records(
        list(
            PlanAction.objects.filter(plan__child_id__in=in_scope).values_list(
                "pk", "plan__child_id", "due_on", "status"
            )
        ),
        columns=["action_id", "child_id", "due_on", "status"],
    )
    actions = actions[actions["child_id"].isin(child_ids)]
    # Each action, review and missing episode counts at the site holding the child's case on its day (an action
    # or review the day it is due, an episode the day it started): a transferred case's later work is the
    # receiving site's (`child_event_sites`).
    sites_of = _child_sites(filters, scope)
    actions = _at_chosen_sites(actions, sites_of, "due_on", filters)
    done = pd.DataFrame.from_records(
        list(
            PlanActionUpdate.objects.filter(
                action__plan__child_id__in=in_scope, to_status=ActionStatus.DONE
            ).values_list("action_id", "at")
        ),
        columns=["action_id", "at"],
    )
    done["done_on"] = _local_dates(done["at"])
    first_done = done.groupby("action_id")["done_on"].min()
    actions["due_on"] = _as_days(actions["due_on"])
    actions["done_on"] = actions["action_id"].map(first_done)
    actions["cancelled"] = actions["status"] == ActionStatus.CANCELLED
    reviews = pd.DataFrame.from_records(
        list(
            OutcomeReview.objects.filter(child_id__in=in_scope).values_list(
                "child_id",
                "point",
                "months",
                "due_on",
                "recorded_at",
                "placement_stability",
                "went_missing",
                "re_referred",
                "further_exploitation",
                "occupation",
            )
        ),
        columns=[
            "child_id",
            "point",
            "months",
            "due_on",
            "recorded_at",
            "placement_stability",
            "went_missing",
            "re_referred",
            "further_exploitation",
            "occupation",
        ],
    )
    reviews = reviews[reviews["child_id"].isin(child_ids)].copy()
    reviews["due_on"] = _as_days(reviews["due_on"])
    reviews = _at_chosen_sites(reviews, sites_of, "due_on", filters)
    reviews["recorded"] = reviews["recorded_at"].notna()
    reviews["stable"] = reviews["placement_stability"] == PlacementStability.STABLE
    reviews["missing"] = reviews["went_missing"] == Answer.YES
    reviews["re_referred_answer"] = reviews["re_referred"] == Answer.YES
    reviews["exploited"] = reviews["further_exploitation"].isin([Exploitation.YES, Exploitation.SUSPECTED])
    reviews["in_eet"] = reviews["occupation"].isin(
        [c for c in Occupation.values if c not in (Occupation.NONE, Occupation.NOT_KNOWN)]
    )
    episodes = pd.DataFrame.from_records(
        list(MissingEpisode.objects.filter(child_id__in=in_scope).values_list("child_id", "started_on")),
        columns=["child_id", "started_on"],
    )
    episodes = episodes[episodes["child_id"].isin(child_ids)].copy()
    episodes["started_on"] = _as_days(episodes["started_on"])
    episodes = _at_chosen_sites(episodes, sites_of, "started_on", filters)
    person_of = linked_groups()
    linked = [c for c in person_of if c not in child_ids]
    later = pd.DataFrame.from_records(
        list(
            Referral.objects.filter(
                Q(child_id__in=in_scope) | Q(child_id__in=linked), submitted_at__isnull=False
            ).values_list("child_id", "submitted_at")
        ),
        columns=["child_id", "submitted_at"],
    )
    later["person"] = pd.Series([person_of.get(c, c) for c in later["child_id"]], index=later.index, dtype="int64")
    later["referred_on"] = _local_dates(later["submitted_at"])
    return PilotData(
        cases=cases,
        sca=sca,
        plans_at_sitting=plans,
        actions=actions,
        reviews=reviews,
        episodes=episodes,
        referrals_of_children=later[["person", "referred_on"]],
        person_of=person_of,
        sca_hook_present=hook,
    )


def _child_sites(filters: StatisticsFilters, scope: Any) -> Any:
    """A function giving, for child ids and days (series aligned), the site where something that day happened to
    each child's case (`child_event_sites`), from one read of the referrals in `scope` and the moves."""
    referrals = pd.DataFrame.from_records(
        list(scope.values_list("pk", "child_id", "site_id", "submitted_at")),
        columns=["referral_id", "child_id", "held_site_id", "submitted_at"],
    )
    referrals["referred_on"] = _local_dates(referrals["submitted_at"]) if not referrals.empty else pd.NaT
    moves = site_moves(filters)

    def sites(child_ids: pd.Series, days: pd.Series) -> pd.Series:
        return child_event_sites(referrals, moves, child_ids, days)

    return sites


def child_event_sites(referrals: pd.DataFrame, moves: pd.DataFrame, child_ids: pd.Series, days: pd.Series) -> pd.Series:
    """The site where something happened to each child's case on each day (the series aligned), for what is
    recorded against the child rather than a referral (a plan action, an outcome review, a missing episode): the
    site holding (`event_sites`) the child's latest referral submitted by that day, or, for a day before any, the
    child's first. `referrals`: referral_id, child_id, held_site_id, referred_on. NA for a child with none."""
    if child_ids.empty or referrals.empty:
        return pd.Series(pd.NA, index=child_ids.index, dtype="Int64")
    known = referrals.dropna(subset=["child_id", "referred_on"]).astype(
        {"child_id": "int64", "referred_on": "datetime64[ns]"}
    )
    asked = pd.DataFrame(
        {"row": range(len(child_ids)), "child_id": child_ids.astype("int64").to_numpy(), "day": _as_days(days)}
    )
    dated = asked.dropna(subset=["day"]).astype({"day": "datetime64[ns]"}).sort_values("day")
    found = pd.merge_asof(
        dated,
        known[["child_id", "referred_on", "referral_id"]].sort_values("referred_on"),
        left_on="day",
        right_on="referred_on",
        by="child_id",
        direction="backward",
    )
    chosen = pd.Series(pd.NA, index=range(len(child_ids)), dtype="Int64")
    chosen[found["row"].to_numpy()] = found["referral_id"].astype("Int64").to_numpy()
    first = known.sort_values("referred_on").drop_duplicates("child_id").set_index("child_id")["referral_id"]
    fallback = pd.Series(asked["child_id"].map(first).to_numpy(), dtype="Int64")
    chosen = chosen.where(chosen.notna(), fallback)
    held = chosen.map(known.set_index("referral_id")["held_site_id"])
    site = pd.Series(pd.NA, index=range(len(child_ids)), dtype="Int64")
    has = chosen.notna()
    if has.any():
        site[has] = event_sites(
            moves, chosen[has].astype("int64"), pd.Series(asked["day"].to_numpy())[has], held[has]
        ).to_numpy()
    return pd.Series(site.to_numpy(), index=child_ids.index, dtype="Int64")


def _at_chosen_sites(frame: pd.DataFrame, sites_of: Any, day_column: str, filters: StatisticsFilters) -> pd.DataFrame:
    """The rows of `frame` (child_id and a day) that happened at the chosen sites (`child_event_sites`)."""
    if frame.empty:
        return frame
    site = sites_of(frame["child_id"], frame[day_column])
    return frame[site.isin(set(filters.site_ids)).fillna(False).to_numpy(dtype=bool)].copy()


SCA_COLUMNS = ["referral_id", "handed_on", "handed_site_id", "rg_on", "rg_positive", "cg_on", "cg_positive"]


def sca_reported_decisions(referral_ids: Any) -> tuple[pd.DataFrame, bool]:
    """Cases handed to the Single Competent Authority (at triage, or transferred after a decision) and the
    decisions the SCA reported on them. Returns the frame and whether the record of reported decisions exists.

    The SCA's reported decision and its date come from `handovers` (`_sca_reported`); a case handed over without
    a reported decision counts in the hand-offs, not in the SCA's decision times. `handed_site_id` is the site that
    handed it over: the one that transferred it, or, at triage, the one holding it (a referral handed off at
    triage is never transferred: a transfer moves only the cases the panel accepted).
    """
    handed = pd.DataFrame.from_records(
        list(
            OnwardReferral.objects.filter(referral_id__in=referral_ids, outcome=TriageOutcome.SCA).values_list(
                "referral_id", "produced_at", "referral__site_id"
            )
        )
        + list(
            CaseTransfer.objects.filter(referral_id__in=referral_ids, destination=TransferDestination.SCA).values_list(
                "referral_id", "transferred_at", "from_site_id"
            )
        ),
        columns=["referral_id", "at", "handed_site_id"],
    )
    handed["handed_on"] = _local_dates(handed["at"])
    # The first hand-over of each case: its day and the site that made it.
    frame = handed.sort_values(["referral_id", "handed_on"], kind="stable").drop_duplicates("referral_id")
    frame = frame[["referral_id", "handed_on", "handed_site_id"]].reset_index(drop=True)
    reported, present = _sca_reported(referral_ids)
    for column in ("rg_on", "rg_positive", "cg_on", "cg_positive"):
        frame[column] = frame["referral_id"].map(reported[column]) if not reported.empty else None
    return frame[SCA_COLUMNS], present


def _sca_reported(referral_ids: Any) -> tuple[pd.DataFrame, bool]:
    """The SCA's reported decisions in force, one row per referral (index): from `handovers.ScaReportedDecision`
    when that record exists (the sending site records what the SCA reports), else nothing."""
    columns = ["rg_on", "rg_positive", "cg_on", "cg_positive"]
    try:
        from childnrm.handovers.models import ScaReportedDecision
    except ImportError:  # HOOK: no record of the SCA's reported decisions in this tree
        return pd.DataFrame(columns=columns), False
    rows = pd.DataFrame.from_records(
        list(
            ScaReportedDecision.objects.filter(referral_id__in=referral_ids, replaced_at__isnull=True).values_list(
                "referral_id", "stage", "outcome", "decided_on"
            )
        ),
        columns=["referral_id", "stage", "outcome", "decided_on"],
    )
    frame = pd.DataFrame(index=pd.Index(sorted(set(rows["referral_id"])), name="referral_id"), columns=columns)
    for stage, prefix in ((Stage.REASONABLE_GROUNDS, "rg"), (Stage.CONCLUSIVE_GROUNDS, "cg")):
        of_stage = rows[rows["stage"] == stage].set_index("referral_id")
        frame[f"{prefix}_on"] = _as_days(of_stage["decided_on"]).reindex(frame.index)
        frame[f"{prefix}_positive"] = (of_stage["outcome"] == Outcome.POSITIVE).reindex(frame.index)
    return frame, True


def plan_agreed_at_sitting(frame: pd.DataFrame, plans: set[tuple[int, int]], prefix: str = "rg") -> pd.Series:
    """Whether each decided case's plan was agreed at the sitting that decided it (the decision says so, or a
    plan of the child's was agreed at that meeting)."""
    by_basis = frame[f"{prefix}_plan_basis"] == PlanBasis.AGREED_AT_SITTING
    by_plan = [
        (int(c), int(m)) in plans if not (pd.isna(c) or pd.isna(m)) else False
        for c, m in zip(frame["child_id"], frame[f"{prefix}_meeting_id"], strict=True)
    ]
    return by_basis | pd.Series(by_plan, index=frame.index, dtype=bool)


def review_flags(filters: StatisticsFilters) -> pd.DataFrame:
    """Per child in scope with at least one recorded outcome review: whether any reported going missing, and
    whether any reported further exploitation (known or suspected). One grouped query."""
    from django.db.models import Case, IntegerField, Max, Value, When

    rows = (
        OutcomeReview.objects.filter(
            child_id__in=referrals_in_scope(filters).values("child_id"), recorded_at__isnull=False
        )
        .values("child_id")
        .annotate(
            missing=Max(
                Case(When(went_missing=Answer.YES, then=Value(1)), default=Value(0), output_field=IntegerField())
            ),
            exploited=Max(
                Case(
                    When(further_exploitation__in=[Exploitation.YES, Exploitation.SUSPECTED], then=Value(1)),
                    default=Value(0),
                    output_field=IntegerField(),
                )
            ),
        )
        .values_list("child_id", "missing", "exploited")
    )
    frame = pd.DataFrame.from_records(list(rows), columns=["child_id", "missing", "exploited"])
    frame["missing"] = frame["missing"].astype(bool)
    frame["exploited"] = frame["exploited"].astype(bool)
    return frame
