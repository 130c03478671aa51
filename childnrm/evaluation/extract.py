"""The record-level evaluation extract: one row per case (referral) a site holds, pseudonymised.

Built aggregate-first: one query per table (referrals with their child, final decisions, confirmed triage,
recorded outcome reviews, missing episode counts, links between records of the same child), joined in memory
by id; never a query per row. Then, for the file:

- the child and the case are named by keyed pseudonyms (evaluation.pseudonyms), per agreement and the extract's
  own (the HTCDS export's differ, so the two files cannot be joined on them);
- every date is coarsened to the month (YYYY-MM); a date of birth becomes an age band at referral;
- free text (the account, reasons, notes, the young person's own words) is never read;
- small groups are flagged: a row whose quasi-identifiers occur fewer than SMALL_GROUP times has its nationality
  generalised to a region; the `small_group` column marks rows still in a combination of fewer than SMALL_GROUP after
  that. The quasi-identifiers are those of the field groups released (`quasi_identifiers_for`): site and referral
  month (case), nationality, sex and age band (child), ethnicity, exploitation group.

The fields are described in docs/evaluation-extract.md; keep the two in step.
"""

from __future__ import annotations

import csv
import io
from collections import Counter
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date

from django.db.models import Count
from django.utils import timezone

from childnrm.decisions.models import Decision, DecisionKind, DecisionStatus, PlanBasis, Stage
from childnrm.evaluation.models import Dataset, FieldGroup
from childnrm.evaluation.pseudonyms import Pseudonymiser
from childnrm.evaluation.regions import region_of
from childnrm.outcomes.models import MissingEpisode, OutcomeReview, ReviewPoint
from childnrm.people.selectors import linked_groups
from childnrm.referrals.models import Referral, ReferralStatus
from childnrm.referrals.vocab import ExploitationType
from childnrm.triage.models import TriageAssessment

SMALL_GROUP = 5  # a combination of quasi-identifiers seen fewer times than this is a small group
NOT_KNOWN = "not_known"
YES, NO = "yes", "no"

# The outcome review points with columns of their own (the default schedule, and at 18). Reviews a site has
# scheduled at other months are not in the extract.
REVIEW_POINTS = ("3m", "6m", "12m", "24m", "18")
REVIEW_FIELDS = ("placement_stability", "went_missing", "re_referred", "further_exploitation", "occupation")


@dataclass(frozen=True)
class FinalDecision:
    outcome: str
    decided_on: date
    on_reconsideration: bool
    plan_agreed_at_sitting: bool


@dataclass
class CaseSource:
    """What the extract, the HTCDS export and the synthetic data are made from: one case, before any of it is
    pseudonymised or coarsened. Never leaves the service as it is."""

    referral_id: int
    child_id: int  # the child record of this referral
    person_id: int  # the lowest id among the records linked as the same child: one pseudonym for all of them
    site: str  # the site's slug
    referred_on: date
    source: str
    referrer_type: str
    route: str
    status: str
    sex: str
    age: int | None
    nationality: str
    ethnicity: str
    exploitation_types: list[str]
    county_lines: bool
    exploitation_location: str
    indicators: list[str]
    rg: FinalDecision | None = None
    cg: FinalDecision | None = None
    reviews: dict[str, dict[str, str]] = field(default_factory=dict)
    missing_episodes: int = 0


def _age_on(born: date | None, day: date) -> int | None:
    if born is None:
        return None
    return day.year - born.year - ((day.month, day.day) < (born.month, born.day))


def age_band(age: int | None) -> str:
    if age is None:
        return NOT_KNOWN
    if age < 10:
        return "0-9"
    if age <= 13:
        return "10-13"
    if age <= 15:
        return "14-15"
    if age <= 17:
        return "16-17"
    return "18_or_over"


def exploitation_group(types: Sequence[str]) -> str:
    """One value for the exploitation: its type, "multiple" for a combination, or not known."""
    known = sorted({t for t in types if t and t != ExploitationType.NOT_KNOWN})
    if not known:
        return NOT_KNOWN
    return known[0] if len(known) == 1 else "multiple"


def month(day: date | None) -> str:
    return day.strftime("%Y-%m") if day else ""


def _review_point(point: str, months: int | None) -> str | None:
    key = "18" if point == ReviewPoint.EIGHTEEN else f"{months}m"
    return key if key in REVIEW_POINTS else None


def case_sources(site_ids: Sequence[int]) -> list[CaseSource]:
    """Every submitted case the sites hold, with its decisions and outcomes: six queries, whatever the size."""
    site_ids = list(site_ids)
    persons = linked_groups()
    referrals = (
        Referral.objects.filter(site_id__in=site_ids, submitted_at__isnull=False, child__isnull=False)
        .exclude(status=ReferralStatus.DRAFT)
        .order_by("submitted_at", "id")
        .values(
            "id",
            "child_id",
            "site__slug",
            "submitted_at",
            "source",
            "referrer_organisation__type",
            "status",
            "sex",
            "child__sex",
            "date_of_birth",
            "child__date_of_birth",
            "estimated_age_years",
            "nationalities",
            "child__nationalities",
            "ethnicity",
            "exploitation_types",
            "county_lines",
            "exploitation_location",
            "indicators",
        )
    )
    routes: dict[int, str] = {}
    for referral_id, final_outcome, outcome in (
        TriageAssessment.objects.filter(referral__site_id__in=site_ids, confirmed_at__isnull=False)
        .order_by("confirmed_at", "id")
        .values_list("referral_id", "final_outcome", "outcome")
    ):
        routes[referral_id] = final_outcome or outcome  # the latest confirmation wins
    decisions: dict[tuple[int, str], FinalDecision] = {}
    for row in Decision.objects.filter(referral__site_id__in=site_ids, status=DecisionStatus.FINAL).values(
        "referral_id", "stage", "outcome", "decided_on", "kind", "plan_basis"
    ):
        decisions[(row["referral_id"], row["stage"])] = FinalDecision(
            outcome=row["outcome"],
            decided_on=row["decided_on"],
            on_reconsideration=row["kind"] == DecisionKind.RECONSIDERATION,
            plan_agreed_at_sitting=row["plan_basis"] == PlanBasis.AGREED_AT_SITTING,
        )
    reviews: dict[int, dict[str, dict[str, str]]] = {}
    for row in (
        OutcomeReview.objects.filter(child__site_id__in=site_ids, recorded_at__isnull=False)
        .order_by("due_on", "id")
        .values("child_id", "point", "months", *REVIEW_FIELDS)
    ):
        key = _review_point(row["point"], row["months"])
        if key is not None:
            reviews.setdefault(row["child_id"], {})[key] = {f: row[f] for f in REVIEW_FIELDS}
    missing = dict(
        MissingEpisode.objects.filter(child__site_id__in=site_ids)
        .values("child_id")
        .annotate(n=Count("id"))
        .values_list("child_id", "n")
    )
    sources = []
    for r in referrals:
        referred_on = timezone.localtime(r["submitted_at"]).date()
        born = r["child__date_of_birth"] or r["date_of_birth"]
        age = _age_on(born, referred_on) if born else r["estimated_age_years"]
        nationalities = r["child__nationalities"] or r["nationalities"] or []
        sources.append(
            CaseSource(
                referral_id=r["id"],
                child_id=r["child_id"],
                person_id=persons.get(r["child_id"], r["child_id"]),
                site=r["site__slug"],
                referred_on=referred_on,
                source=r["source"],
                referrer_type=r["referrer_organisation__type"] or NOT_KNOWN,
                route=routes.get(r["id"], "awaiting_triage"),
                status=r["status"],
                sex=r["child__sex"] or r["sex"] or NOT_KNOWN,
                age=age,
                nationality=(nationalities[0] if nationalities else "").upper(),
                ethnicity=r["ethnicity"] or NOT_KNOWN,
                exploitation_types=sorted(set(r["exploitation_types"] or [])),
                county_lines=bool(r["county_lines"]),
                exploitation_location=r["exploitation_location"] or NOT_KNOWN,
                indicators=list(r["indicators"] or []),
                rg=decisions.get((r["id"], Stage.REASONABLE_GROUNDS)),
                cg=decisions.get((r["id"], Stage.CONCLUSIVE_GROUNDS)),
                reviews=reviews.get(r["child_id"], {}),
                missing_episodes=missing.get(r["child_id"], 0),
            )
        )
    return sources


# Small groups ------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Protection:
    nationality: str  # the ISO code, or its region when generalised
    generalised: bool
    small_group: bool


# One field that could single a child out, as a file shows it, for a row: of its case and its nationality as
# released (its code, or its region once generalised).
QuasiIdentifier = Callable[[CaseSource, str], str]

# The extract's quasi-identifiers, by name.
_QUASI_IDENTIFIER_VALUES: dict[str, QuasiIdentifier] = {
    "site": lambda s, nationality: s.site,
    "referral_month": lambda s, nationality: month(s.referred_on),
    "nationality": lambda s, nationality: nationality,
    "sex": lambda s, nationality: s.sex,
    "age_band": lambda s, nationality: age_band(s.age),
    "ethnicity": lambda s, nationality: s.ethnicity,
    "exploitation_group": lambda s, nationality: exploitation_group(s.exploitation_types),
    "first_responder_type": lambda s, nationality: s.referrer_type,
    "referral_source": lambda s, nationality: s.source,
    "exploitation_types": lambda s, nationality: ";".join(sorted(set(s.exploitation_types))),
    "county_lines": lambda s, nationality: _yes_no(s.county_lines),
    "exploitation_location": lambda s, nationality: s.exploitation_location,
    "rg_month": lambda s, nationality: month(s.rg.decided_on) if s.rg else "",
    "cg_month": lambda s, nationality: month(s.cg.decided_on) if s.cg else "",
    "missing_episodes": lambda s, nationality: str(s.missing_episodes),
}
# The quasi-identifiers each field group releases: a row is singled out by what the file holds and someone outside
# could know (who referred, the exploitation as recorded, when a decision was made), so the small groups are counted
# over every such field of the groups released (ethnicity, special category data, and the referral month included).
# The full combination of exploitation types is counted, not only its coarse group: the file releases both. How the
# referral came in is known to whoever sent it, and how often a child went missing to the police who looked for them;
# the outcome reviews' answers are not known outside, so they are not counted.
QUASI_IDENTIFIERS_OF: dict[str, tuple[str, ...]] = {
    FieldGroup.CASE: ("site", "referral_month", "referral_source", "first_responder_type"),
    FieldGroup.CHILD: ("nationality", "sex", "age_band"),
    FieldGroup.ETHNICITY: ("ethnicity",),
    FieldGroup.EXPLOITATION: ("exploitation_types", "county_lines", "exploitation_location"),
    FieldGroup.DECISIONS: ("rg_month", "cg_month"),
    FieldGroup.OUTCOMES: ("missing_episodes",),
}
# Without field groups (`protect`'s callers before they were counted): site, nationality, sex, age band, exploitation.
DEFAULT_QUASI_IDENTIFIERS = ("site", "nationality", "sex", "age_band", "exploitation_group")


def quasi_identifiers_for(field_groups: Iterable[str]) -> tuple[str, ...]:
    """The quasi-identifiers of the extract released with these field groups, in a fixed order."""
    chosen = set(field_groups)
    return tuple(name for group in FieldGroup.values if group in chosen for name in QUASI_IDENTIFIERS_OF.get(group, ()))


def protect(
    sources: Sequence[CaseSource],
    quasi_identifiers: Sequence[str] | Mapping[str, QuasiIdentifier] = DEFAULT_QUASI_IDENTIFIERS,
) -> dict[int, Protection]:
    """Per referral id: the nationality to release and whether the row is in a small group, counted over
    `quasi_identifiers`: the extract's, by name (`quasi_identifiers_for` its field groups), or another file's own,
    each with how that file shows it (`htcds.QUASI_IDENTIFIERS`). One count for every file.

    When "nationality" is one of them, a row whose quasi-identifiers occur fewer than SMALL_GROUP times has its
    nationality generalised to its region; the counts are then taken again, and a row still in a combination of
    fewer than SMALL_GROUP is flagged.
    """
    if isinstance(quasi_identifiers, Mapping):
        values = list(quasi_identifiers.values())
    else:
        unknown = set(quasi_identifiers) - set(_QUASI_IDENTIFIER_VALUES)
        if unknown:
            raise ValueError(f"Not a quasi-identifier: {sorted(unknown)}")
        values = [_QUASI_IDENTIFIER_VALUES[name] for name in quasi_identifiers]
    generalises = "nationality" in quasi_identifiers

    def key(source: CaseSource, nationality: str) -> tuple[str, ...]:
        return tuple(value(source, nationality) for value in values)

    first = Counter(key(s, s.nationality or NOT_KNOWN) for s in sources)
    released: dict[int, tuple[str, bool]] = {}
    for s in sources:
        code = s.nationality or NOT_KNOWN
        if generalises and first[key(s, code)] < SMALL_GROUP:
            released[s.referral_id] = (region_of(s.nationality), True)
        else:
            released[s.referral_id] = (code, False)
    second = Counter(key(s, released[s.referral_id][0]) for s in sources)
    return {
        s.referral_id: Protection(
            nationality=released[s.referral_id][0],
            generalised=released[s.referral_id][1],
            small_group=second[key(s, released[s.referral_id][0])] < SMALL_GROUP,
        )
        for s in sources
    }


# The extract's columns ---------------------------------------------------------------------------------


def _yes_no(value: bool | None) -> str:
    if value is None:
        return ""
    return YES if value else NO


def _days(source: CaseSource, decision: FinalDecision | None) -> str:
    return str((decision.decided_on - source.referred_on).days) if decision else ""


def _review_columns() -> list[str]:
    columns = []
    for point in REVIEW_POINTS:
        columns.append(f"review_{point}_recorded")
        columns += [f"review_{point}_{f}" for f in REVIEW_FIELDS]
    return columns


COLUMNS: dict[str, list[str]] = {
    FieldGroup.CASE: ["site", "referral_month", "referral_source", "first_responder_type", "route", "case_status"],
    FieldGroup.CHILD: ["sex", "age_band", "nationality", "nationality_generalised"],
    FieldGroup.ETHNICITY: ["ethnicity"],
    FieldGroup.EXPLOITATION: ["exploitation_types", "exploitation_group", "county_lines", "exploitation_location"],
    FieldGroup.DECISIONS: [
        "rg_outcome",
        "rg_month",
        "rg_days",
        "rg_on_reconsideration",
        "plan_agreed_at_sitting",
        "cg_outcome",
        "cg_month",
        "cg_days",
    ],
    FieldGroup.OUTCOMES: [*_review_columns(), "missing_episodes"],
}
ALWAYS_FIRST = ["child_pseudonym", "case_pseudonym"]
ALWAYS_LAST = ["small_group"]


def columns_for(field_groups: Iterable[str]) -> list[str]:
    """The extract's columns for these groups, in the documented order (groups in FieldGroup order)."""
    chosen = set(field_groups)
    middle = [c for group in FieldGroup.values if group in chosen for c in COLUMNS[group]]
    return ALWAYS_FIRST + middle + ALWAYS_LAST


def _row(source: CaseSource, protection: Protection, pseudonyms: Pseudonymiser) -> dict[str, str]:
    rg, cg = source.rg, source.cg
    row = {
        "child_pseudonym": pseudonyms.of("child", source.person_id),
        "case_pseudonym": pseudonyms.of("case", source.referral_id),
        "site": source.site,
        "referral_month": month(source.referred_on),
        "referral_source": source.source,
        "first_responder_type": source.referrer_type,
        "route": source.route,
        "case_status": source.status,
        "sex": source.sex,
        "age_band": age_band(source.age),
        "nationality": protection.nationality,
        "nationality_generalised": _yes_no(protection.generalised),
        "ethnicity": source.ethnicity,
        "exploitation_types": ";".join(source.exploitation_types),
        "exploitation_group": exploitation_group(source.exploitation_types),
        "county_lines": _yes_no(source.county_lines),
        "exploitation_location": source.exploitation_location,
        "rg_outcome": rg.outcome if rg else "",
        "rg_month": month(rg.decided_on) if rg else "",
        "rg_days": _days(source, rg),
        "rg_on_reconsideration": _yes_no(rg.on_reconsideration) if rg else "",
        "plan_agreed_at_sitting": _yes_no(rg.plan_agreed_at_sitting) if rg else "",
        "cg_outcome": cg.outcome if cg else "",
        "cg_month": month(cg.decided_on) if cg else "",
        "cg_days": _days(source, cg),
        "missing_episodes": str(source.missing_episodes),
        "small_group": _yes_no(protection.small_group),
    }
    for point in REVIEW_POINTS:
        answers = source.reviews.get(point)
        row[f"review_{point}_recorded"] = YES if answers else ""
        for f in REVIEW_FIELDS:
            row[f"review_{point}_{f}"] = (answers or {}).get(f, "")
    return row


def extract_rows(
    sources: Sequence[CaseSource], *, salt: str, field_groups: Iterable[str]
) -> tuple[list[str], list[list[str]]]:
    """The extract as a header and rows, for these field groups, pseudonymised with the agreement's salt."""
    field_groups = list(field_groups)
    header = columns_for(field_groups)
    pseudonyms = Pseudonymiser(salt, dataset=Dataset.EXTRACT)
    protections = protect(sources, quasi_identifiers_for(field_groups))
    rows = []
    for source in sources:
        row = _row(source, protections[source.referral_id], pseudonyms)
        rows.append([row[c] for c in header])
    return header, rows


def csv_bytes(header: Sequence[str], rows: Iterable[Sequence[str]]) -> bytes:
    """UTF-8 CSV with a header row. Cells that a spreadsheet would run as a formula are quoted as text."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(header)
    for row in rows:
        writer.writerow(["'" + v if v[:1] in ("=", "+", "-", "@") else v for v in row])
    return out.getvalue().encode("utf-8")
