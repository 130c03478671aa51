"""Referrals for the benchmark's children: one referral per child, as the application makes them.

Each synthetic child was created when its referral was submitted (referral_submit creates a new
child record for every referral), so each gets exactly one referral, submitted at the child's
`created_at`, by a first responder of the referring site, with:

- who referred and for what from the Home Office Q4 2023 child tables, jointly, given the child's
  nationality (UK children: mostly local authorities and criminal exploitation; Sudanese children:
  mostly UK Visas and Immigration and labour exploitation). The police are missing from the
  republished tables: their share is the Q4 2023 child total less the three files' totals (22%),
  with the local authorities' mix of exploitation types for the same nationality;
- where the exploitation happened from the longitudinal table (Q4 2023 children), UK children in
  the UK (ethnicity and language are not published nationally: they follow the nationality);
- the real eligibility engine (`childnrm.triage.eligibility.assess`) deciding who decides: ages
  near 18, disputed or uncertain ages and public-order cases go to the SCA; about 2% are referred by
  a first responder of another site and transferred;
- then the coordinator's triage a day or two later (rarely an override with a reason), the status
  changes as `triage_confirm` writes them (accepted; handed off with the case packet built by
  `childnrm.triage.packet.case_packet`; transferred, received and accepted at the child's site),
  a few withdrawn, and those referred in the last days still awaiting triage.

Rows are written with COPY from unsaved model instances (bench/bulk.py). Returns counts and sample
references for the pages the benchmark measures.
"""

from __future__ import annotations

import random
import time
from collections import Counter
from datetime import UTC, datetime, timedelta

from bench.bulk import copy_instances, next_id

SECTIONS = ["child", "background", "location", "exploitation", "account", "safeguarding", "referrer"]
LANGUAGE = {
    "GB": "en",
    "AL": "sq",
    "SD": "ar",
    "SS": "en",
    "ER": "ti",
    "AF": "ps",
    "VN": "vi",
    "IR": "fa",
    "IQ": "ku",
    "NG": "en",
    "RO": "ro",
    "SY": "ar",
    "ET": "am",
    "SO": "so",
    "EG": "ar",
    "PK": "ur",
    "TD": "ar",
    "PL": "pl",
    "JM": "en",
    "DZ": "ar",
    "BD": "bn",
    "MA": "ar",
    "TR": "tr",
    "CN": "zh",
    "IN": "pa",
    "LT": "lt",
    "UA": "uk",
    "KW": "ar",
    "LY": "ar",
    "GN": "fr",
    "CI": "fr",
    "CD": "fr",
    "CG": "fr",
}
BLACK_AFRICAN = {"SD", "SS", "ER", "ET", "SO", "NG", "TD", "GM", "SL", "GH", "GN", "CI", "CD", "CG", "UG", "ZW"}
WHITE_OTHER = {"AL", "RO", "PL", "LT", "UA", "BG", "CZ", "HU", "SK", "PT", "LV", "IT", "ES", "FR"}
ARAB = {"SY", "IQ", "EG", "DZ", "MA", "LY", "KW", "SA", "PS"}
UK_ETHNICITY = [
    ("white_british", 62),
    ("black_caribbean", 6),
    ("black_african", 6),
    ("mixed_white_black_caribbean", 8),
    ("mixed_other", 4),
    ("asian_pakistani", 4),
    ("asian_bangladeshi", 2),
    ("white_other", 3),
    ("white_gypsy_traveller", 1),
    ("not_known", 4),
]
FOUND = [
    "A railway station",
    "A bus station",
    "A flat in a block the police were watching",
    "A car stopped by police",
    "A hotel",
    "A car wash",
    "A nail bar",
    "A takeaway",
    "A lorry at the port",
    "A park",
    "Their school",
    "Their placement",
    "A short-term let",
    "A cannabis farm in a house",
]
ACCOUNT = {
    "criminal": "Found holding drugs and cash far from home; older men hold a debt over them and send them out.",
    "labour": "Worked long hours for no pay to repay the cost of the journey; documents kept by the employer.",
    "sexual": "Groomed online, then taken to addresses by adults who controlled who they saw.",
    "domestic_servitude": "Kept at home to cook, clean and look after children; not sent to school.",
    "organ_harvesting": "Told that a debt would be cleared in exchange for an operation abroad.",
    "not_known": "Disclosed exploitation to a social worker; the details are not yet known.",
}
INDICATORS = {
    "criminal": [
        "going_missing",
        "unexpected_money",
        "found_out_of_area",
        "older_associates",
        "debt_bondage",
        "arrested_for_offences",
    ],
    "labour": ["working_long_hours", "no_documents", "debt_bondage", "restricted_movement", "unaccompanied_arrival"],
    "sexual": ["online_grooming", "sexual_health", "older_associates", "going_missing", "physical_injuries"],
    "domestic_servitude": ["restricted_movement", "working_long_hours", "no_documents", "fear_of_authorities"],
    "organ_harvesting": ["debt_bondage", "no_documents", "fear_of_authorities"],
    "not_known": ["going_missing", "fear_of_authorities", "coached_account"],
}
JOB_TITLE = {
    "police": "Detective Constable",
    "la": "Social Worker",
    "ngo": "Children's Services Practitioner",
    "gov": "Immigration Officer",
}
GOVERNMENT_ORGANISATIONS = (
    "Home Office – UK Visas and Immigration",
    "Home Office – Immigration Enforcement",
    "Home Office – UK Border Force",
)
OVERRIDE_REASON = "An age assessment by the local authority is under way: the Single Competent Authority decides."
WITHDRAWN_REASON = "Withdrawn by the referrer: the same child had already been referred by a colleague."


class _Pick:
    def __init__(self, pairs, rng: random.Random) -> None:
        from bench.seed import Weighted

        self._w = Weighted(pairs, rng)

    def __call__(self):
        return self._w()


def _ethnicity(nationalities: list[str], rng: random.Random, uk: _Pick) -> str:
    first = nationalities[0] if nationalities else ""
    if rng.random() < 0.05:
        return "not_known"
    if first == "GB" or not first:
        return uk()
    if first in BLACK_AFRICAN:
        return "black_african"
    if first in WHITE_OTHER:
        return "white_other"
    if first in ARAB:
        return "other_arab"
    if first in ("VN", "CN"):
        return "asian_chinese" if first == "CN" else "asian_other"
    if first == "PK":
        return "asian_pakistani"
    if first == "BD":
        return "asian_bangladeshi"
    if first == "IN":
        return "asian_indian"
    if first in ("AF", "IR", "LK", "NP"):
        return "asian_other"
    if first == "JM":
        return "black_caribbean"
    return "other_any"


def _alias(given: str, family: str, rng: random.Random) -> dict:
    r = rng.random()
    if r < 0.4:
        return {"given_names": family, "family_name": given}  # name order swapped
    if r < 0.7 and len(given) > 3:
        i = rng.randrange(1, len(given) - 1)
        return {"given_names": given[:i] + given[i + 1 :], "family_name": family}  # a spelling variant
    return {"given_names": given, "family_name": family + rng.choice(("i", "a", "aj", "e"))}


def seed_referrals(conn, *, children: list[tuple], staff: list[dict], sites: list[dict], rng: random.Random) -> dict:
    """One referral per new child; see the module docstring. Returns {'counts': ..., 'samples': ...}."""
    from bench import nrm_weights
    from bench.seed import log
    from childnrm.accounts.models import Organisation, Site, User
    from childnrm.people.models import AssociationKind, ChildAssociation, random_reference
    from childnrm.referrals.models import (
        Referral,
        ReferralSource,
        ReferralStatus,
        ReferralStatusChange,
        working_eighteenth_birthday,
    )
    from childnrm.triage import eligibility
    from childnrm.triage import packet as case_packets
    from childnrm.triage.models import OnwardReferral, TriageAssessment, TriageOutcome

    weights = nrm_weights.referral_weights()
    log(f"referral distributions from {weights['source']}; police share {weights['police_share']:.0%}")
    now = datetime.now(UTC)

    site_by_id = {s.pk: s for s in Site.objects.all()}
    org_by_id = {o.pk: o for o in Organisation.objects.all()}
    users = {u.pk: u for u in User.objects.select_related("organisation")}
    by_site_kind: dict[tuple[int, str], list[dict]] = {}
    coordinators: dict[int, list[dict]] = {}
    for s in staff:
        if s["role"] == "first_responder":
            kind = _referrer_kind(org_by_id.get(s["org_id"]))
            by_site_kind.setdefault((s["site_id"], kind), []).append(s)
        elif s["role"] == "coordinator":
            coordinators.setdefault(s["site_id"], []).append(s)
    site_ids_with_staff = sorted({sid for sid, _ in by_site_kind if sid in coordinators})

    # Who referred and for what, given the nationality (a nationality seen fewer than 30 times in the tables
    # uses the whole table).
    pick_all = _Pick(list(weights["joint_all"].items()), rng)
    pickers = {codes: _Pick(list(c.items()), rng) for codes, c in weights["joint"].items() if sum(c.values()) >= 30}
    la_only = {
        codes: _Pick([(k, v) for k, v in c.items() if k[0] == "la"], rng)
        for codes, c in weights["joint"].items()
        if sum(v for k, v in c.items() if k[0] == "la") >= 30
    }
    la_all = _Pick([(k, v) for k, v in weights["joint_all"].items() if k[0] == "la"], rng)
    loc = weights["locations"]
    uk_share = sum(v for codes, c in weights["joint"].items() if codes == ("GB",) for v in c.values())
    uk_share /= max(sum(weights["joint_all"].values()), 1)
    total_loc = sum(loc.values())
    # UK children are exploited in the UK (a few also overseas); the rest of the published split is theirs.
    non_uk = {
        "uk": max(loc.get("uk", 0) - 0.97 * uk_share * total_loc, 1),
        "overseas": loc.get("overseas", 0),
        "both": max(loc.get("both", 0) - 0.03 * uk_share * total_loc, 1),
    }
    pick_location = _Pick(list(non_uk.items()), rng)
    pick_uk_ethnicity = _Pick(UK_ETHNICITY, rng)

    # The engine asks which site covers a local authority for every referral: the answer cannot change while
    # seeding, so it is remembered (the application's own function, memoised for this run only).
    original_site_covering = eligibility.site_covering
    covering: dict[int | None, Site | None] = {}

    def site_covering(authority):
        key = authority.pk if authority is not None else None
        if key not in covering:
            covering[key] = original_site_covering(authority)
        return covering[key]

    eligibility.site_covering = site_covering

    def change(from_status: str, to_status: str, actor, at: datetime, reason: str) -> None:
        changes.append(_change(ReferralStatusChange, referral, from_status, to_status, actor, at, reason))

    referrals: list = []
    changes: list = []
    assessments: list = []
    associations: list = []
    handoffs_todo: list[tuple] = []  # (referral, outcome, from_site, to_site, user, reason, at)
    references = set(Referral.objects.values_list("reference", flat=True))
    ref_id = next_id(conn, Referral)
    counts: Counter = Counter()
    t0 = time.perf_counter()
    try:
        for child_id, site_id, created, _ref, given, family, dob, estimated, sex, nationalities, la_id in children:
            nationalities = list(nationalities or [])
            codes = tuple(nationalities)
            home = site_by_id[site_id]
            # The referring site: the child's own, or (2%) another site's first responder, who sends it there.
            origin = home
            if rng.random() < 0.02 and len(site_ids_with_staff) > 1:
                origin = site_by_id[rng.choice([s for s in site_ids_with_staff if s != site_id])]
            if rng.random() < weights["police_share"]:
                picker = la_only.get(codes, la_all)
                kind, types = "police", picker()[1]
            else:
                kind, types = pickers.get(codes, pick_all)()
            candidates = by_site_kind.get((origin.pk, kind)) or by_site_kind.get((origin.pk, "police")) or []
            demo = [s for s in candidates if s["demo"]]
            if demo and rng.random() < 0.1:
                referrer = demo[0]  # the demo first responder has a few hundred referrals at full scale
            else:
                referrer = rng.choice([s for s in candidates if not s["demo"]] or candidates)
            user = users[referrer["user_id"]]
            via_api = kind == "la" and rng.random() < 0.1  # the local authority's case system submits by API

            submitted = created
            started = submitted - timedelta(minutes=10 + int(rng.expovariate(1 / 600)))
            age_years = (submitted.date() - dob).days / 365.25 if dob else 15
            foreign = codes not in ((), ("GB",))
            disputed = foreign and rng.random() < 0.08
            location = ("uk" if rng.random() < 0.97 else "both") if not foreign else pick_location()
            began = submitted.date() - timedelta(days=30 + int(rng.expovariate(1 / 250)))
            ended = submitted.date() - timedelta(days=rng.randrange(0, 30)) if rng.random() < 0.5 else None
            main = types[0]
            indicators = rng.sample(INDICATORS[main], k=min(len(INDICATORS[main]), rng.randint(2, 4)))
            aliases = [_alias(given, family, rng)] if rng.random() < 0.12 else []
            la = org_by_id.get(la_id)
            referral = Referral(
                id=ref_id,
                reference=_unique(lambda: random_reference("NRM-"), references),
                status=ReferralStatus.SUBMITTED,
                source=ReferralSource.API if via_api else ReferralSource.WEB,
                created_by=None if via_api else user,
                referrer_organisation_id=user.organisation_id,
                created_at=started,
                updated_at=submitted,
                submitted_at=submitted,
                site=origin,
                child_id=child_id,
                given_names=given,
                family_name=family,
                aliases=aliases,
                date_of_birth=dob,
                date_of_birth_estimated=estimated,
                turns_18_on=working_eighteenth_birthday(dob, None, submitted),  # COPY skips Referral.save()
                age_uncertain=estimated and rng.random() < 0.1,
                age_disputed=disputed,
                sex=sex,
                nationalities=nationalities,
                languages=[LANGUAGE.get(nationalities[0], "en")] if nationalities else [],
                interpreter_needed=foreign and LANGUAGE.get(nationalities[0], "en") != "en",
                ethnicity=_ethnicity(nationalities, rng, pick_uk_ethnicity),
                residence_local_authority=la,
                found_local_authority=la if rng.random() < 0.7 else None,
                found_location=rng.choice(FOUND),
                exploitation_types=list(types),
                county_lines="criminal" in types and rng.random() < 0.5,
                exploitation_location=location,
                exploitation_started=began,
                exploitation_ended=ended,
                age_at_exploitation=max(int(age_years - (submitted.date() - began).days / 365.25), 5),
                public_order_disqualification=rng.random() < 0.003,
                account=ACCOUNT[main],
                indicators=indicators,
                ictg_referral_made=rng.random() < 0.7,
                child_in_need=rng.random() < 0.4,
                child_protection_plan=rng.random() < 0.2,
                looked_after=rng.random() < (0.8 if foreign else 0.2),
                strategy_discussion_date=submitted.date() - timedelta(days=rng.randrange(0, 14))
                if rng.random() < 0.6
                else None,
                referrer_name=user.full_name,
                referrer_job_title=JOB_TITLE[kind],
                referrer_email=user.email,
                referrer_phone=f"01632 960{rng.randrange(1000):03d}",
                sections_saved=list(SECTIONS),
            )
            ref_id += 1
            referrals.append(referral)
            actor = None if via_api else user
            change("draft", "submitted", actor, submitted, "")
            if not via_api:
                associations.append(
                    ChildAssociation(child_id=child_id, user=user, kind=AssociationKind.REFERRER, starts_at=submitted)
                )
            engine = eligibility.assess(referral, receiving_site=origin)
            referral.site = engine.site or origin
            first = TriageAssessment(
                referral=referral,
                outcome=engine.outcome,
                target_site=engine.target_site,
                reasons=engine.reasons,
                rules_version=engine.rules_version,
                assessed_at=submitted,
            )
            assessments.append(first)

            # Triage one to three days later; the last few days' referrals (and a small backlog) are waiting.
            at = submitted + timedelta(hours=3 + rng.expovariate(1 / 36))
            if at > now or rng.random() < 0.005:
                counts["awaiting triage"] += 1
                continue
            if rng.random() < 0.007:
                referral.status = ReferralStatus.WITHDRAWN
                change("submitted", "withdrawn", actor, at, WITHDRAWN_REASON)
                counts["withdrawn"] += 1
                continue
            holding = referral.site
            coordinator = users[rng.choice(coordinators[holding.pk])["user_id"]]
            final, final_site, reason = engine.outcome, engine.target_site, ""
            if final == TriageOutcome.PANEL and rng.random() < 0.005:
                final, final_site, reason = TriageOutcome.SCA, None, OVERRIDE_REASON
            first.confirmed_by, first.confirmed_at = coordinator, at
            first.final_outcome, first.final_site, first.override_reason = final, final_site, reason
            if final == TriageOutcome.PANEL:
                words = f"Triage confirmed: {holding.name} decides."
                change("submitted", "accepted", coordinator, at, words)
                referral.status = ReferralStatus.ACCEPTED
                counts["accepted"] += 1
                continue
            if final == TriageOutcome.SCA:
                words = "handed off to the Single Competent Authority"
                words = f"Triage {'changed' if reason else 'confirmed'}: {words}." + (
                    f" Reason: {reason}" if reason else ""
                )
                change("submitted", "handed_off", coordinator, at, words)
                referral.status = ReferralStatus.HANDED_OFF
                handoffs_todo.append((referral, final, holding, None, coordinator, words, at))
                counts["handed off to the SCA"] += 1
                continue
            # Transferred to the child's own site, received there, and triaged again.
            words = f"Triage confirmed: transferred to {final_site.name}."
            change("submitted", "handed_off", coordinator, at, words)
            handoffs_todo.append((referral, final, holding, final_site, coordinator, words, at))
            received = at + timedelta(seconds=1)  # just after the packet was sent
            change("handed_off", "submitted", coordinator, received, f"Received from {holding.name}: awaiting triage.")
            referral.site = final_site
            fresh = eligibility.assess(referral, receiving_site=final_site, on=eligibility.referral_date(referral))
            again = TriageAssessment(
                referral=referral,
                outcome=fresh.outcome,
                target_site=fresh.target_site,
                reasons=[f"Transferred from {holding.name}.", *fresh.reasons],
                rules_version=fresh.rules_version,
                assessed_at=received,
            )
            assessments.append(again)
            later = at + timedelta(hours=3 + rng.expovariate(1 / 36))
            counts["transferred from another site first"] += 1
            if later > now or fresh.outcome != TriageOutcome.PANEL:
                referral.status = ReferralStatus.SUBMITTED
                counts["awaiting triage"] += 1
                continue
            receiver = users[rng.choice(coordinators[final_site.pk])["user_id"]]
            again.confirmed_by, again.confirmed_at, again.final_outcome, again.final_site = (
                receiver,
                later,
                TriageOutcome.PANEL,
                final_site,
            )
            change("submitted", "accepted", receiver, later, f"Triage confirmed: {final_site.name} decides.")
            referral.status = ReferralStatus.ACCEPTED
            counts["accepted"] += 1
    finally:
        eligibility.site_covering = original_site_covering
    log(f"referrals planned in {time.perf_counter() - t0:.1f}s: " + ", ".join(f"{v:,} {k}" for k, v in counts.items()))
    # COPY bypasses the triage services, which keep who decides on the referral (`triage.standing`): the outcome of
    # each referral's latest assessment (a transferred case's is its second, assessed after the first).
    for a in assessments:
        a.referral.standing_triage_outcome = a.final_outcome or a.outcome

    copy_instances(conn, Referral, referrals, log=log)
    sc_id = next_id(conn, ReferralStatusChange)
    for i, c in enumerate(changes):
        c.id = sc_id + i
    copy_instances(conn, ReferralStatusChange, changes, log=log)
    ta_id = next_id(conn, TriageAssessment)
    for i, a in enumerate(assessments):
        a.id = ta_id + i
    copy_instances(conn, TriageAssessment, assessments, log=log)
    ca_id = next_id(conn, ChildAssociation)
    for i, a in enumerate(associations):
        a.id = ca_id + i
    copy_instances(conn, ChildAssociation, associations, label="child associations (referrers)", log=log)

    # Case packets, as `triage_confirm` builds them at the moment of hand-off: the referral as it then was,
    # its history up to then. Built by the application's own function from the rows just written.
    t0 = time.perf_counter()
    ho_id = next_id(conn, OnwardReferral)
    packets = []
    todo = {t[0].pk: t for t in handoffs_todo}
    related = [f.name for f in Referral._meta.concrete_fields if f.is_relation]
    rows = Referral.objects.filter(pk__in=list(todo)).select_related(*related)
    for row in rows.iterator(chunk_size=2000):
        _referral, outcome, from_site, to_site, user, words, at = todo[row.pk]
        row.status, row.site = ReferralStatus.HANDED_OFF, from_site  # as it was when the packet was sent
        details = case_packets.onward_details(
            outcome=outcome, from_site=from_site, to_site=to_site, user=user, reason=words
        )
        details["produced_at"] = at.astimezone(UTC).isoformat()
        packet = case_packets.case_packet(row, sent=details)
        packet["generated_at"] = details["produced_at"]
        packet["status_history"] = [h for h in packet["status_history"] if _before(h["at"], at)]
        packet["triage"] = [t for t in packet["triage"] if _before(t["assessed_at"], at)]
        packets.append(
            OnwardReferral(
                id=ho_id + len(packets),
                referral_id=row.pk,
                outcome=outcome,
                from_site=from_site,
                to_site=to_site,
                produced_by=user,
                produced_at=at,
                packet=packet,
                sha256=case_packets.packet_sha256(packet),
            )
        )
    log(f"case packets: {len(packets):,} built with triage.packet.case_packet in {time.perf_counter() - t0:.1f}s")
    copy_instances(conn, OnwardReferral, packets, log=log)
    with conn.cursor() as cur:
        for table in (
            "referrals_referral",
            "referrals_referralstatuschange",
            "referrals_triageassessment",
            "referrals_handoff",
        ):
            cur.execute(f"ANALYZE {table}")

    samples = _samples(referrals, handoffs_todo)
    return {
        "counts": dict(counts, referrals=len(referrals), status_changes=len(changes), assessments=len(assessments)),
        "samples": samples,
        "source": weights["source"],
    }


def _referrer_kind(org) -> str:
    from childnrm.accounts.models import OrganisationType

    if org is None:
        return "police"
    return {
        OrganisationType.POLICE: "police",
        OrganisationType.LOCAL_AUTHORITY: "la",
        OrganisationType.NGO: "ngo",
        OrganisationType.HOME_OFFICE: "gov",
    }.get(org.type, "police")


def _unique(make, taken: set[str]) -> str:
    while True:
        value = make()
        if value not in taken:
            taken.add(value)
            return value


def _change(model, referral, from_status: str, to_status: str, actor, at: datetime, reason: str):
    referral.updated_at = max(referral.updated_at, at)
    return model(referral=referral, from_status=from_status, to_status=to_status, actor=actor, at=at, reason=reason)


def _before(iso: str | None, at: datetime) -> bool:
    return iso is not None and datetime.fromisoformat(iso) <= at


def _samples(referrals: list, handoffs_todo: list[tuple]) -> dict[str, str]:
    """References the measured pages use: a Northbridge referral awaiting triage and one handed off."""
    from childnrm.referrals.models import ReferralStatus

    ours = [r for r in referrals if r.site.slug == "northbridge"]
    awaiting = [r for r in ours if r.status == ReferralStatus.SUBMITTED]
    handed = [t[0] for t in handoffs_todo if t[2].slug == "northbridge" and t[3] is None]
    samples = {}
    if awaiting:
        samples["triage_referral"] = awaiting[len(awaiting) // 2].reference
    if handed:
        samples["handoff_referral"] = handed[len(handed) // 2].reference
    return samples
