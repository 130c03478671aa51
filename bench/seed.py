"""Seed the benchmark database at national scale: sites, staff, children, referrals, associations, audit events.

Run by bench/run.py after it has created and migrated the database:

    DJANGO_SETTINGS_MODULE=bench.settings_bench DATABASE_URL=... CHILDNRM_ENV=development \
        .venv/bin/python -m bench.seed --children 100000 --events 10000000

Children, associations and audit events are streamed with PostgreSQL COPY (psycopg 3). The audit
events carry HMACs made with the application's key: each body is built as the exact canonical JSON that
`childnrm.audit.chain.seal` produces (checked against `seal` itself on a sample), and HMAC-SHA256 uses
precomputed inner/outer pads. The trail is then sealed in Merkle batches as the service's every-minute sealer
would have sealed it (`seal_seeded_trail`; `--seal-only` does just that on a database seeded before). Prints one
JSON line `SEED_RESULT {...}` at the end.
"""

from __future__ import annotations

import argparse
import bisect
import hashlib
import json
import random
import sys
import time
from datetime import UTC, date, datetime, timedelta

SEED = 20260101
ACTOR_IP_BASE = 10

GIVEN_EXTRA = [
    "Aaliyah",
    "Adam",
    "Ahmed",
    "Alfie",
    "Amir",
    "Ana",
    "Arben",
    "Bao",
    "Blerim",
    "Callum",
    "Chloe",
    "Connor",
    "Daniel",
    "Dawit",
    "Ellie",
    "Erion",
    "Fatima",
    "Filmon",
    "Grace",
    "Hamid",
    "Harvey",
    "Huy",
    "Isaac",
    "Jack",
    "Jamal",
    "Kacper",
    "Kian",
    "Klodian",
    "Lamin",
    "Liam",
    "Lily",
    "Lucas",
    "Mason",
    "Mohammed",
    "Musa",
    "Nathan",
    "Noah",
    "Olivia",
    "Omar",
    "Quang",
    "Rahel",
    "Riley",
    "Sara",
    "Semere",
    "Thanh",
    "Tyler",
    "Yusuf",
    "Zara",
]
FAMILY_EXTRA = [
    "Ahmed",
    "Ali",
    "Bajrami",
    "Begum",
    "Bui",
    "Cooper",
    "Davies",
    "Do",
    "Edwards",
    "Gashi",
    "Ghebre",
    "Green",
    "Hall",
    "Hassan",
    "Hussain",
    "Ibrahim",
    "Jones",
    "Kelmendi",
    "Khan",
    "Lewis",
    "Mehari",
    "Mohamed",
    "Morris",
    "Murphy",
    "Ngo",
    "Ozturk",
    "Popescu",
    "Roberts",
    "Smith",
    "Taylor",
    "Thomas",
    "Vu",
    "Wilson",
    "Wright",
    "Yusuf",
]
SYNTHETIC_PLACES = [
    "Ashmoor",
    "Brackenfield",
    "Castlereach",
    "Dunmere",
    "Elmstead",
    "Fernhollow",
    "Greyhaven",
    "Hartwell",
    "Ironbridge Vale",
    "Kingsmead",
]


def log(message: str) -> None:
    print(f"    {message}", flush=True)


# ------------------------------------------------------------------------------------------------ helpers


class Weighted:
    """Fast weighted choice from a fixed table (cumulative weights + bisect)."""

    def __init__(self, pairs, rng: random.Random) -> None:
        self.values = [v for v, _ in pairs]
        total = 0.0
        self.cum = []
        for _, w in pairs:
            total += w
            self.cum.append(total)
        self.total = total
        self.rnd = rng.random

    def __call__(self):
        return self.values[bisect.bisect_right(self.cum, self.rnd() * self.total)]


def _hmac_pads(key: bytes):
    block = key.ljust(64, b"\0") if len(key) <= 64 else hashlib.sha256(key).digest().ljust(64, b"\0")
    inner = hashlib.sha256(bytes(b ^ 0x36 for b in block))
    outer = hashlib.sha256(bytes(b ^ 0x5C for b in block))
    return inner, outer


def _j(value) -> str:
    """The JSON text `seal` would produce for one scalar field."""
    return json.dumps(value, separators=(",", ":"))


def _copy_text(value) -> str:
    """COPY text-format field (our values contain no tab, newline or backslash)."""
    if value is None:
        return "\\N"
    text = str(value)
    assert not any(c in text for c in "\t\n\\"), text
    return text


# ------------------------------------------------------------------------------------------------ sites & staff


def seed_sites_and_staff(extra_sites: int):
    """Demo data, plus synthetic sites and staff. Returns (sites, staff) for the generators."""
    from django.contrib.auth.hashers import make_password
    from django.core.management import call_command

    from childnrm.accounts.models import Membership, Organisation, OrganisationType, Role, Site, User
    from childnrm.people.demo import demo_email

    call_command("seed_demo", verbosity=0)
    from bench.seed_referrals import GOVERNMENT_ORGANISATIONS

    ngo = Organisation.objects.get(name="Safe Futures Children's Charity")
    # Government first responders of children: UK Visas and Immigration, Immigration Enforcement, Border Force.
    government = [
        Organisation.objects.get_or_create(name=name, defaults={"type": OrganisationType.HOME_OFFICE})[0]
        for name in GOVERNMENT_ORGANISATIONS
    ]
    ictg_service = Organisation.objects.get(name="Independent Child Trafficking Guardian Service")
    unusable = make_password(None)

    for i, place in enumerate(SYNTHETIC_PLACES[:extra_sites]):
        slug = "bench-" + place.lower().replace(" ", "-")
        if Site.objects.filter(slug=slug).exists():
            continue
        la, _ = Organisation.objects.get_or_create(
            name=f"{place} Council",
            defaults={"type": OrganisationType.LOCAL_AUTHORITY, "gss_code": f"E0699{i:04d}"},
        )
        site = Site.objects.create(slug=slug, name=f"{place} Child Panel")
        site.local_authorities.add(la)
        Organisation.objects.get_or_create(name=f"{place} Police", defaults={"type": OrganisationType.POLICE})
        Organisation.objects.get_or_create(
            name=f"{place} Integrated Care Board", defaults={"type": OrganisationType.HEALTH}
        )

    # Synthetic staff at every site (demo sites too): several people per role, one role each.
    staff_plan = [
        (Role.COORDINATOR, "la", 3),
        (Role.PANEL_MEMBER, "health", 2),
        (Role.PANEL_MEMBER, "police", 2),
        (Role.FIRST_RESPONDER, "police", 4),
        (Role.FIRST_RESPONDER, "la", 3),
        (Role.FIRST_RESPONDER, "ngo", 2),
        (Role.FIRST_RESPONDER, "gov", 3),
        (Role.ICTG, "ictg", 3),
        (Role.ANALYST, "la", 1),
        (Role.SITE_ADMIN, "la", 1),
    ]
    for site_number, site in enumerate(Site.objects.order_by("id")):
        if User.objects.filter(email__startswith=f"bench.{site.slug}.").exists():
            continue
        la = site.local_authorities.order_by("name").first()
        place = site.name.split(" Child Panel")[0].split(" Consortium")[0]
        police = Organisation.objects.filter(type=OrganisationType.POLICE, name__startswith=place.split()[0]).first()
        health = Organisation.objects.filter(type=OrganisationType.HEALTH, name__startswith=place.split()[0]).first()
        orgs = {"la": la, "police": police or la, "health": health or la, "ngo": ngo, "ictg": ictg_service}
        users, memberships = [], []
        for role, org_key, count in staff_plan:
            for n in range(count):
                org = government[(site_number + n) % len(government)] if org_key == "gov" else orgs[org_key]
                users.append(
                    User(
                        email=f"bench.{site.slug}.{role.value}.{org_key}.{n}@childnrm.example",
                        full_name=f"{role.label} {n + 1} ({site.name})",
                        organisation=org,
                        password=unusable,
                    )
                )
        User.objects.bulk_create(users)
        for user in User.objects.filter(email__startswith=f"bench.{site.slug}."):
            role = user.email.split(".")[2]
            memberships.append(Membership(user=user, site=site, role=role))
        Membership.objects.bulk_create(memberships)

    sites = []
    for site in Site.objects.order_by("id"):
        las = list(site.local_authorities.order_by("id").values_list("id", flat=True))
        sites.append({"id": site.id, "slug": site.slug, "las": las})
    staff = []  # one entry per (user, site, role) membership; every bench/demo user has exactly one
    for m in Membership.objects.filter(active=True).select_related("user").order_by("id"):
        staff.append(
            {
                "user_id": m.user_id,
                "org_id": m.user.organisation_id,
                "site_id": m.site_id,
                "role": m.role,
                "email": m.user.email,
                "demo": m.user.email == demo_email(m.role, next(s["slug"] for s in sites if s["id"] == m.site_id)),
            }
        )
    return sites, staff


# ------------------------------------------------------------------------------------------------ children


def seed_children(conn, *, total: int, sites: list[dict], weights: dict, rng: random.Random) -> dict:
    """COPY children so that the table holds `total`; returns arrays used by the event generator."""
    from childnrm.people.demo import FAMILY, GIVEN
    from childnrm.people.models import _REFERENCE_ALPHABET

    with conn.cursor() as cur:
        cur.execute("SELECT count(*) FROM people_child")
        existing = cur.fetchone()[0]
        cur.execute("SELECT reference FROM people_child")
        references = {r for (r,) in cur.fetchall()}
        cur.execute("SELECT coalesce(max(id), 0) FROM people_child")
        max_id_before = cur.fetchone()[0]
    to_make = max(total - existing, 0)

    # Site shares: the demo coordinator's site (northbridge) holds most children so that its
    # list is the worst case (over 50,000 rows at full scale: page 2,000 exists).
    site_pairs = []
    others = [s for s in sites if s["slug"] not in ("northbridge", "three-rivers")]
    for s in sites:
        if s["slug"] == "northbridge":
            site_pairs.append((s, 0.55))
        elif s["slug"] == "three-rivers":
            site_pairs.append((s, 0.25))
        else:
            site_pairs.append((s, 0.20 / max(len(others), 1)))
    pick_site = Weighted(site_pairs, rng)
    pick_nat = Weighted(list(weights["nationalities"].items()), rng)
    pick_sex = Weighted(list(weights["sexes"].items()), rng)
    # Referral years: published child referrals per year; later years repeat the latest figure.
    years = dict(weights["years"])
    now = datetime.now(UTC)
    latest = max(years)
    for y in range(latest + 1, now.year + 1):
        years[y] = years[latest]
    year_pairs = []
    for y, n in sorted(years.items()):
        share = 1.0
        if y == now.year:
            share = (now - datetime(y, 1, 1, tzinfo=UTC)) / timedelta(days=365)
        year_pairs.append((y, n * share))
    pick_year = Weighted(year_pairs, rng)
    given = GIVEN + GIVEN_EXTRA
    family = FAMILY + FAMILY_EXTRA

    rows = []
    for _ in range(to_make):
        site = pick_site()
        year = pick_year()
        start = datetime(year, 1, 1, tzinfo=UTC)
        end = min(datetime(year + 1, 1, 1, tzinfo=UTC), now - timedelta(days=3))
        created = start + (end - start) * rng.random()
        created = created.replace(microsecond=rng.randrange(1_000_000))
        # Age at referral: 10 to 17, most referred children are 15-17.
        age_days = int(365.25 * rng.choice((10, 11, 12, 13, 14, 14, 15, 15, 15, 16, 16, 16, 16, 17, 17, 17)))
        age_days += rng.randrange(365)
        dob = created.date() - timedelta(days=age_days)
        while True:
            ref = "CH-" + "".join(rng.choice(_REFERENCE_ALPHABET) for _ in range(8))
            if ref not in references:
                references.add(ref)
                break
        rows.append(
            (
                created,
                ref,
                site["id"],
                rng.choice(given),
                rng.choice(family),
                dob,
                rng.random() < 0.15,
                pick_sex(),
                json.dumps(list(pick_nat())),
                rng.choice(site["las"]) if site["las"] else None,
            )
        )
    rows.sort(key=lambda r: r[0])  # ids grow with time, as they would in real life
    t0 = time.perf_counter()
    with conn.cursor() as cur:
        copy_sql = (
            "COPY people_child (created_at, reference, site_id, given_names, family_name, date_of_birth, "
            "date_of_birth_estimated, sex, nationalities, local_authority_id, updated_at, correspondence_language) "
            "FROM STDIN"
        )
        with cur.copy(copy_sql) as copy:
            for r in rows:
                copy.write_row((*r, r[0], ""))  # letters in the site's language
    log(f"children: {to_make:,} copied in {time.perf_counter() - t0:.1f}s ({existing} already there)")

    with conn.cursor() as cur:
        cur.execute("SELECT id, site_id, created_at, reference FROM people_child ORDER BY created_at, id")
        all_children = cur.fetchall()
        # What a referral repeats of its child (the child record is made from the referral on submission).
        cur.execute(
            "SELECT id, site_id, created_at, reference, given_names, family_name, date_of_birth, "
            "date_of_birth_estimated, sex, nationalities, local_authority_id FROM people_child WHERE id > %s "
            "ORDER BY created_at, id",
            [max_id_before],
        )
        new_children = cur.fetchall()
    return {"rows": all_children, "max_id_before": max_id_before, "new": new_children}


def seed_associations(conn, *, children: dict, staff: list[dict], rng: random.Random) -> int:
    """About 30% of new children have an allocated ICTG (half since ended); the demo ICTG holds about 1%.

    The referrer of each child is associated by bench/seed_referrals.py, with the referral.
    """
    by_site_role: dict[tuple[int, str], list[dict]] = {}
    for s in staff:
        by_site_role.setdefault((s["site_id"], s["role"]), []).append(s)
    rows = []
    for child_id, site_id, created, _ref in children["rows"]:
        if child_id <= children["max_id_before"]:
            continue  # demo children keep their demo associations
        ictgs = by_site_role.get((site_id, "ictg"), [])
        demo_ictg = [s for s in ictgs if s["demo"]]
        synthetic_ictg = [s for s in ictgs if not s["demo"]] or ictgs
        r = rng.random()
        if demo_ictg and r < 0.01:
            rows.append((child_id, demo_ictg[0]["user_id"], "ictg", created, None))
        elif synthetic_ictg and r < 0.30:
            ended = created + timedelta(days=540) if rng.random() < 0.5 else None
            rows.append((child_id, rng.choice(synthetic_ictg)["user_id"], "ictg", created, ended))
    t0 = time.perf_counter()
    copy_sql = "COPY people_childassociation (child_id, user_id, kind, starts_at, ends_at) FROM STDIN"
    with conn.cursor() as cur, cur.copy(copy_sql) as copy:
        for r in rows:
            copy.write_row(r)
    log(f"child associations (guardians): {len(rows):,} copied in {time.perf_counter() - t0:.1f}s")
    return len(rows)


def refresh_derived_data(child_ids: list[int]) -> str:
    """COPY bypasses model save hooks: rebuild data the application derives from a child on save.

    Uses the application's own bulk-write entry points when they exist (they are optional: the
    benchmark must keep working while the application grows).
    """
    try:
        from childnrm.people import linkage
    except ImportError:
        return ""
    refresh = getattr(linkage, "blocking_keys_refresh", None)
    if refresh is None:
        return ""
    try:
        rows = refresh(child_ids)
    except Exception as exc:  # an in-progress application change must not stop the benchmark
        return f"WARNING: people.linkage.blocking_keys_refresh failed ({exc!r}); linkage data not seeded"
    return f"linkage blocking keys: {rows:,} rows via people.linkage.blocking_keys_refresh"


# ------------------------------------------------------------------------------------------------ audit events

PURPOSE_SITE = "Panel case management"
PURPOSE_ASSOCIATED = "Work on a case I am associated with"
PURPOSE_AUDIT = "Oversight of access to a child's record"
PURPOSE_STATS = "Statistics and equality monitoring"
PURPOSE_USERS = "Site user administration"


def _event_templates(actor: dict | None, *, kind: str, site_id: int | None) -> tuple[str, str, str, str]:
    """(json middle 1, json middle 2, copy middle 1, copy middle 2) around object_id and detail."""
    if actor is None:
        actor_id = org_id = ip = None
        role = ""
    else:
        actor_id, org_id, role, ip = actor["user_id"], actor["org_id"], actor["role"], actor["ip"]
    action, object_type, purpose = {
        "view": ("view", "people.child", PURPOSE_SITE if role == "coordinator" else PURPOSE_ASSOCIATED),
        "audit": ("view", "people.child", PURPOSE_AUDIT),
        "list": ("list", "people.child", PURPOSE_ASSOCIATED),
        "sign_in": ("sign_in", "accounts.user", "Sign in"),
        "sign_out": ("sign_out", "accounts.user", "Sign out"),
        "sign_in_failed": ("sign_in_failed", "accounts.user", ""),
        "stats": ("view", "statistics.children_by_site_and_sex", PURPOSE_STATS),
        "users": ("list", "accounts.user", PURPOSE_USERS),
    }[kind]
    json1 = f"{_j(actor_id)},{_j(org_id)},{_j(site_id)},{_j(role)},{_j(action)},{_j(object_type)},"
    json2 = f",{_j(purpose)},{_j(ip)},"
    copy1 = "\t".join(_copy_text(v) for v in (actor_id, org_id, site_id, role, action, object_type)) + "\t"
    copy2 = "\t" + "\t".join(_copy_text(v) for v in (purpose, ip)) + "\t"
    return json1, json2, copy1, copy2


def seed_audit_events(
    conn,
    *,
    count: int,
    children: dict,
    staff: list[dict],
    hot_child_ids: list[int],
    hot_events: int,
    rng: random.Random,
) -> dict:
    from childnrm.audit.chain import GENESIS_HASH, SEALED_FIELDS, _key, seal
    from childnrm.audit.services import forget_taken_seqs

    for i, s in enumerate(staff):
        s["ip"] = f"{ACTOR_IP_BASE}.{s['site_id'] % 250}.{i // 250}.{i % 250 + 1}"
    with conn.cursor() as cur:
        cur.execute("SELECT seq, hash FROM audit_auditevent ORDER BY seq DESC LIMIT 1")
        last = cur.fetchone()
        cur.execute("SELECT coalesce(max(id), 0) FROM audit_auditevent")
        max_id = cur.fetchone()[0]
        # Past every seq a process has taken from the sequence, used or not (audit_record takes them in blocks).
        cur.execute("SELECT nextval(pg_get_serial_sequence('audit_auditevent', 'id'))")
        taken = cur.fetchone()[0]
    seq0, prev = (last[0], last[1]) if last else (0, GENESIS_HASH)
    id0 = max(max_id, seq0, taken)

    # Children as parallel arrays, ordered by creation time.
    ch_ids = [r[0] for r in children["rows"]]
    ch_site = [r[1] for r in children["rows"]]
    ch_created = [int(r[2].timestamp() * 1_000_000) for r in children["rows"]]
    ch_oid = [str(i) for i in ch_ids]
    site_created: dict[int, list[int]] = {}
    site_ids: dict[int, list[int]] = {}
    for cid, sid, cr in zip(ch_ids, ch_site, ch_created, strict=True):
        site_created.setdefault(sid, []).append(cr)
        site_ids.setdefault(sid, []).append(cid)

    # Who does what, per site. Views come from people who work on cases; lists likewise.
    roles_viewing = (("coordinator", 50), ("panel_member", 20), ("first_responder", 20), ("ictg", 10))
    by_site: dict[int, dict[str, list[int]]] = {}
    for i, s in enumerate(staff):
        by_site.setdefault(s["site_id"], {}).setdefault(s["role"], []).append(i)
    site_list = sorted(by_site)
    viewers: dict[int, list[int]] = {}
    for sid, roles in by_site.items():
        pool: list[int] = []
        for role, weight in roles_viewing:
            for actor in roles.get(role, []):
                pool.extend([actor] * max(1, weight // max(len(roles.get(role, [])), 1)))
        viewers[sid] = pool
    all_actors = [i for i, s in enumerate(staff) if s["role"] not in ("chair", "adviser", "sca_quality_assurer")]

    tpl_cache: dict[tuple, tuple[str, str, str, str]] = {}

    def tpl(actor_index: int | None, kind: str, site_id: int | None):
        key = (actor_index, kind, site_id)
        t = tpl_cache.get(key)
        if t is None:
            t = _event_templates(None if actor_index is None else staff[actor_index], kind=kind, site_id=site_id)
            tpl_cache[key] = t
        return t

    now = datetime.now(UTC)
    t_start = int(datetime(2021, 6, 1, tzinfo=UTC).timestamp() * 1_000_000)
    t_end = int((now - timedelta(days=2)).timestamp() * 1_000_000)
    step2 = max(2 * (t_end - t_start) // max(count, 1), 2)
    # Each hot child gets `hot_events` events spread over the whole period (round robin).
    hot_total = hot_events * len(hot_child_ids)
    hot_every = max(count // max(hot_total, 1), 1)
    hot_site = ch_site[ch_ids.index(hot_child_ids[0])]
    assert all(ch_site[ch_ids.index(h)] == hot_site for h in hot_child_ids)
    hot_oids = [str(h) for h in hot_child_ids]
    hot_coordinators = by_site[hot_site].get("coordinator", [])
    anon_ips = [f"192.0.2.{i}" for i in range(1, 255)]

    inner, outer = _hmac_pads(_key())
    inner_copy, outer_copy = inner.copy, outer.copy
    rnd = rng.random
    randrange = rng.randrange
    expovariate = rng.expovariate
    bisect_right = bisect.bisect_right
    n_children = len(ch_ids)

    day_cache_key = -1
    day_json = day_copy = ""
    ptr = bisect_right(ch_created, t_start)
    t = t_start
    seq = seq0
    check_every = 997  # compare with the application's own `seal` on a sample of events
    checks = 0
    hot_written = 0
    chunk: list[str] = []
    chunk_size = 20_000
    started = time.perf_counter()
    last_report = started

    with conn.cursor() as cur:
        cur.execute("SET synchronous_commit = off")
        columns = (
            "id, seq, occurred_at, actor_id, organisation_id, site_id, role, action, object_type, object_id, "
            "purpose, ip, detail, prev_hash, hash"
        )
        with cur.copy(f"COPY audit_auditevent ({columns}) FROM STDIN") as copy:
            for n in range(1, count + 1):
                seq += 1
                t += 1 + int(rnd() * step2)
                if t > t_end:
                    t = t_end + n  # keep strictly increasing in the (unlikely) overshoot
                while ptr < n_children and ch_created[ptr] <= t:
                    ptr += 1
                # Timestamp text for JSON (isoformat) and for COPY.
                day = t // 86_400_000_000
                if day != day_cache_key:
                    day_cache_key = day
                    d = date(1970, 1, 1) + timedelta(days=day)
                    day_json = d.isoformat() + "T"
                    day_copy = d.isoformat() + " "
                rem = t - day * 86_400_000_000
                secs, us = divmod(rem, 1_000_000)
                hh, mm_ss = divmod(secs, 3600)
                mm, ss = divmod(mm_ss, 60)
                clock = f"{hh:02d}:{mm:02d}:{ss:02d}.{us:06d}"
                ts_json = f"{day_json}{clock}+00:00"
                ts_copy = f"{day_copy}{clock}+00"

                detail = "{}"
                oid = ""
                if n % hot_every == 0 and hot_written < hot_total:
                    oid = hot_oids[hot_written % len(hot_oids)]
                    hot_written += 1
                    if hot_coordinators and n % (5 * hot_every) == 0:
                        actor = hot_coordinators[randrange(len(hot_coordinators))]
                        kind = "audit"
                        detail = '{"page":"audit"}'
                    else:
                        pool = viewers[hot_site]
                        actor = pool[randrange(len(pool))]
                        kind = "view"
                    j1, j2, c1, c2 = tpl(actor, kind, hot_site)
                else:
                    r = rnd()
                    if r < 0.53 and ptr:
                        # Mostly recent children, some older ones.
                        recent = rnd() < 0.7
                        idx = ptr - 1 - min(int(expovariate(1 / 3000)), ptr - 1) if recent else randrange(ptr)
                        sid = ch_site[idx]
                        oid = ch_oid[idx]
                        if r < 0.03 and by_site[sid].get("coordinator"):
                            coordinators = by_site[sid]["coordinator"]
                            actor = coordinators[randrange(len(coordinators))]
                            kind = "audit"
                            detail = '{"page":"audit"}'
                        else:
                            pool = viewers[sid]
                            actor = pool[randrange(len(pool))]
                            kind = "view"
                        j1, j2, c1, c2 = tpl(actor, kind, sid)
                    elif r < 0.78:
                        sid = site_list[randrange(len(site_list))]
                        pool = viewers[sid]
                        actor = pool[randrange(len(pool))]
                        page = 1 if rnd() < 0.7 else 2 + int(expovariate(0.3))
                        k = bisect_right(site_created[sid], t) - 25 * (page - 1)
                        ids = site_ids[sid][max(k - 25, 0) : max(k, 0)]
                        ids.reverse()
                        detail = '{"ids":[' + ",".join(map(str, ids)) + '],"page":' + str(page) + "}"
                        j1, j2, c1, c2 = tpl(actor, "list", None)
                    elif r < 0.96:
                        actor = all_actors[randrange(len(all_actors))]
                        kind = "sign_in" if r < 0.88 else "sign_out"
                        oid = str(staff[actor]["user_id"])
                        j1, j2, c1, c2 = tpl(actor, kind, None)
                    elif r < 0.975:
                        ip = anon_ips[randrange(len(anon_ips))]
                        actor = None
                        j1, j2, c1, c2 = tpl(None, "sign_in_failed", None)
                        j2 = f',"",{_j(ip)},'
                        c2 = f"\t\t{ip}\t"
                    else:
                        sid = site_list[randrange(len(site_list))]
                        if r < 0.99 and by_site[sid].get("analyst"):
                            actor = by_site[sid]["analyst"][0]
                            j1, j2, c1, c2 = tpl(actor, "stats", None)
                        elif by_site[sid].get("site_admin"):
                            actor = by_site[sid]["site_admin"][0]
                            detail = '{"count":' + str(20 + randrange(40)) + "}"
                            j1, j2, c1, c2 = tpl(actor, "users", sid)
                        else:
                            actor = None
                            j1, j2, c1, c2 = tpl(None, "sign_in_failed", None)

                body = f'[{seq},"{prev}","{ts_json}",{j1}"{oid}"{j2}{detail}]'
                h = inner_copy()
                h.update(body.encode())
                o = outer_copy()
                o.update(h.digest())
                digest = o.hexdigest()
                chunk.append(f"{id0 + n}\t{seq}\t{ts_copy}\t{c1}{oid}{c2}{detail}\t{prev}\t{digest}\n")

                if n % check_every == 0 or n <= 50:
                    fields = json.loads(body)
                    kwargs = dict(zip(SEALED_FIELDS, fields, strict=True))
                    kwargs["occurred_at"] = datetime.fromisoformat(kwargs["occurred_at"]).astimezone(UTC)
                    expected = seal(**kwargs)
                    if expected != digest:
                        raise SystemExit(f"seal mismatch at seq {seq}: {body}")
                    checks += 1
                prev = digest
                if len(chunk) >= chunk_size:
                    copy.write("".join(chunk))
                    chunk.clear()
                    now_p = time.perf_counter()
                    if now_p - last_report > 30:
                        last_report = now_p
                        rate = n / (now_p - started)
                        log(f"audit events: {n:,}/{count:,} ({rate:,.0f}/s, ~{(count - n) / rate:.0f}s to go)")
            if chunk:
                copy.write("".join(chunk))
        cur.execute(
            "SELECT setval(pg_get_serial_sequence('audit_auditevent', 'id'), (SELECT max(id) FROM audit_auditevent))"
        )
    forget_taken_seqs()
    elapsed = time.perf_counter() - started
    log(
        f"audit events: {count:,} copied in {elapsed:.1f}s ({count / max(elapsed, 1e-9):,.0f}/s); "
        f"{checks:,} seals cross-checked against childnrm.audit.chain.seal; "
        f"{hot_written} for the {len(hot_oids)} hot children"
    )
    return {"head_seq": seq, "head_hash": prev, "seconds": elapsed}


def seal_seeded_trail(conn, *, batch: int | None = None) -> dict:
    """Seal every event after the newest seal, in batches of the service's size, as the every-minute `audit_seal`
    would have done while a real trail was written (ADR 0012).

    Without this the first `audit_verify` seals the whole bulk-loaded trail itself, checking each event's HMAC
    in Python on the way: minutes for 10 million events, a one-off a live service never pays (its sealer runs
    every minute), which the benchmark's `audit_verify` figure then measured instead of the check. Each leaf is
    PostgreSQL's own text (`chain.LEAF_TEXT_SQL`, the one `audit_verify` rebuilds), so a seal here is exactly
    what the service's sealer writes. Events' HMACs are not checked here (the seed made them and checks a sample
    against `chain.seal`): this is for the benchmark's own data only, never for a trail anyone else wrote.
    Holes (seqs taken and never used) are recorded as the sealer records them.
    """
    from childnrm.audit.chain import GENESIS_HASH, LEAF_TEXT_SQL, merkle_root, runs_of, seal_hash
    from childnrm.audit.services import _SEAL_LOCK_KEY, SEAL_BATCH, _subtract

    batch = batch or SEAL_BATCH
    started = time.perf_counter()
    sealed_at = datetime.now(UTC)
    sha256 = hashlib.sha256
    seals = events = 0
    with conn.transaction(), conn.cursor() as cur:
        cur.execute("SELECT pg_advisory_xact_lock(%s)", [_SEAL_LOCK_KEY])  # no service sealer meanwhile
        cur.execute("SELECT number, last_seq, hash FROM audit_auditseal ORDER BY number DESC LIMIT 1")
        number, last_seq, prev_hash = cur.fetchone() or (0, 0, GENESIS_HASH)
        seqs: list[int] = []
        leaves: list[bytes] = []

        def write_seal() -> None:
            nonlocal number, last_seq, prev_hash, seals, events
            first = last_seq + 1
            fields = dict(
                number=number + 1,
                sealed_at=sealed_at,
                first_seq=first,
                last_seq=seqs[-1],
                runs=runs_of(seqs),
                count=len(seqs),
                root=merkle_root(leaves),
                prev_hash=prev_hash,
            )
            digest = seal_hash(**fields)
            holes = _subtract([[first, seqs[-1]]], fields["runs"])
            cur.execute(
                "INSERT INTO audit_auditseal (number, sealed_at, first_seq, last_seq, runs, holes, count, root,"
                " prev_hash, hash) VALUES (%s, %s, %s, %s, %s, %s, %s, %s, %s, %s)",
                [
                    fields["number"],
                    sealed_at,
                    first,
                    fields["last_seq"],
                    json.dumps(fields["runs"]),
                    json.dumps(holes),
                    fields["count"],
                    fields["root"],
                    prev_hash,
                    digest,
                ],
            )
            number, last_seq, prev_hash = fields["number"], fields["last_seq"], digest
            seals += 1
            events += len(seqs)
            seqs.clear()
            leaves.clear()

        with conn.cursor(name="seed_seal_walk") as walk:
            walk.itersize = 20_000
            walk.execute(
                f"SELECT seq, {LEAF_TEXT_SQL} FROM audit_auditevent WHERE seq > %s ORDER BY seq",  # noqa: S608
                [last_seq],
            )
            while rows := walk.fetchmany(20_000):
                for seq, text in rows:
                    seqs.append(seq)
                    leaves.append(sha256(b"\x00" + text.encode()).digest())
                    if len(seqs) == batch:
                        write_seal()
        if seqs:
            write_seal()
    elapsed = time.perf_counter() - started
    log(f"audit trail sealed: {events:,} events in {seals:,} seals ({elapsed:.1f}s), head seal {number}")
    return {"seals": seals, "events": events, "seconds": elapsed, "head_seal": number}


# ------------------------------------------------------------------------------------------------ indexes


def drop_audit_indexes(conn) -> list[tuple[str, str]]:
    """Drop the audit table's secondary indexes for the bulk load; returns their definitions."""
    with conn.cursor() as cur:
        cur.execute(
            "SELECT i.indexname, i.indexdef FROM pg_indexes i "
            "WHERE i.tablename = 'audit_auditevent' AND i.schemaname = current_schema() "
            "AND NOT EXISTS (SELECT 1 FROM pg_constraint c WHERE c.conname = i.indexname)"
        )
        defs = cur.fetchall()
        for name, _ in defs:
            cur.execute(f'DROP INDEX "{name}"')
    return defs


def create_indexes(conn_factory, defs: list[tuple[str, str]]) -> None:
    """Recreate indexes two at a time (one connection per core)."""
    from concurrent.futures import ThreadPoolExecutor

    def build(item):
        name, ddl = item
        t0 = time.perf_counter()
        with conn_factory() as conn, conn.cursor() as cur:
            cur.execute("SET maintenance_work_mem = '512MB'")
            cur.execute(ddl)
        return name, time.perf_counter() - t0

    with ThreadPoolExecutor(max_workers=2) as pool:
        for name, seconds in pool.map(build, defs):
            log(f"index {name} built in {seconds:.1f}s")


# ------------------------------------------------------------------------------------------------ main


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--children", type=int, default=100_000)
    parser.add_argument("--events", type=int, default=10_000_000)
    parser.add_argument("--hot-events", type=int, default=1_000, help="audit events for each 'hot' child")
    parser.add_argument(
        "--hot-children", type=int, default=10, help="children with many events (a run uses the least-viewed one)"
    )
    parser.add_argument("--extra-sites", type=int, default=10)
    parser.add_argument(
        "--seal-only",
        action="store_true",
        help="only seal the audit events not sealed yet (a database seeded before the seed sealed its trail)",
    )
    args = parser.parse_args(argv)

    import django

    django.setup()
    import psycopg
    from django.conf import settings
    from django.db import connection

    from bench import nrm_weights

    if args.seal_only:
        connection.ensure_connection()
        sealed = seal_seeded_trail(connection.connection)
        print("SEAL_RESULT " + json.dumps(sealed), flush=True)
        return 0

    timings: dict[str, float] = {}
    rng = random.Random(SEED)
    weights = nrm_weights.load()
    log(f"distributions from {weights['source']}")

    t0 = time.perf_counter()
    sites, staff = seed_sites_and_staff(args.extra_sites)
    timings["sites_staff"] = time.perf_counter() - t0
    log(f"sites: {len(sites)}, staff memberships: {len(staff)} ({timings['sites_staff']:.1f}s)")

    connection.ensure_connection()
    conn = connection.connection  # the psycopg 3 connection Django opened (autocommit)

    t0 = time.perf_counter()
    children = seed_children(conn, total=args.children, sites=sites, weights=weights, rng=rng)
    seed_associations(conn, children=children, staff=staff, rng=rng)
    timings["children"] = time.perf_counter() - t0
    t0 = time.perf_counter()
    from bench.seed_referrals import seed_referrals

    referrals = seed_referrals(conn, children=children["new"], staff=staff, sites=sites, rng=rng)
    timings["referrals"] = time.perf_counter() - t0
    log(f"referrals: {timings['referrals']:.1f}s in all")
    samples = dict(referrals["samples"])
    t0 = time.perf_counter()
    from bench.seed_panels import seed_panels

    panels = seed_panels(conn, staff=staff, sites=sites, rng=rng)
    timings["panels"] = time.perf_counter() - t0
    log(f"panels, decisions, plans: {timings['panels']:.1f}s in all")
    samples.update(panels["samples"])
    t0 = time.perf_counter()
    derived = refresh_derived_data([r[0] for r in children["rows"] if r[0] > children["max_id_before"]])
    timings["derived"] = time.perf_counter() - t0
    if derived:
        log(f"{derived} ({timings['derived']:.1f}s)")

    # Hot children (for the audit page): northbridge children referred a few years ago, each with
    # `--hot-events` events. The benchmark's own audit-page views add events to the child it uses, so
    # each run picks the hot child with fewest events and reruns on a reused database stay comparable.
    northbridge = next(s["id"] for s in sites if s["slug"] == "northbridge")
    ours = [r for r in children["rows"] if r[1] == northbridge]
    older = [r for r in ours if r[2].year <= 2020] or ours
    step = max(len(older) // (args.hot_children + 1), 1)
    hot = [older[step * (i + 1)] for i in range(args.hot_children)]
    # The child whose record page is loaded: an ordinary northbridge child referred recently.
    record = ours[-max(len(ours) // 20, 1)]
    log(f"hot children: {', '.join(r[3] for r in hot)}; record page child: {record[3]}")
    samples["record"] = record[3]

    db = settings.DATABASES["default"]

    def conn_factory():
        return psycopg.connect(
            host=db["HOST"] or None,
            port=db["PORT"] or None,
            user=db["USER"] or None,
            password=db["PASSWORD"] or None,
            dbname=db["NAME"],
            autocommit=True,
        )

    t0 = time.perf_counter()
    index_defs = drop_audit_indexes(conn)
    chain = seed_audit_events(
        conn,
        count=args.events,
        children=children,
        staff=staff,
        hot_child_ids=[r[0] for r in hot],
        hot_events=args.hot_events,
        rng=rng,
    )
    timings["audit_copy"] = time.perf_counter() - t0
    t0 = time.perf_counter()
    create_indexes(conn_factory, index_defs)
    timings["audit_indexes"] = time.perf_counter() - t0

    t0 = time.perf_counter()
    with conn_factory() as c2, c2.cursor() as cur:
        for table in (
            "people_child",
            "people_childassociation",
            "people_childblockingkey",
            "accounts_user",
            "accounts_membership",
            "referrals_referral",
            "referrals_referralstatuschange",
            "referrals_triageassessment",
            "referrals_handoff",
            *panels["tables"],
        ):
            cur.execute(f"VACUUM ANALYZE {table}")
        # Sets hint bits and the visibility map now (index-only scans), and autovacuum, where it runs,
        # does not start on these tables during the load test.
        cur.execute("VACUUM ANALYZE audit_auditevent")
        cur.execute("CHECKPOINT")
    timings["vacuum_analyze"] = time.perf_counter() - t0
    t0 = time.perf_counter()
    seal_seeded_trail(conn)  # as the every-minute sealer would have: `audit_verify` then checks, not seals
    timings["audit_seal"] = time.perf_counter() - t0

    with conn.cursor() as cur:
        cur.execute("SELECT count(*) FROM people_child")
        n_children = cur.fetchone()[0]
        cur.execute("SELECT count(*) FROM audit_auditevent")
        n_events = cur.fetchone()[0]
        cur.execute(
            "SELECT count(*) FROM audit_auditevent WHERE object_type = 'people.child' AND object_id = %s",
            [str(hot[0][0])],
        )
        n_hot = cur.fetchone()[0]
    result = {
        "children": n_children,
        "events": n_events,
        "hot_references": [r[3] for r in hot],
        "hot_events": n_hot,
        "record_reference": record[3],
        "samples": samples,
        "referrals": referrals["counts"],
        "panels": panels["counts"],
        "head_seq": chain["head_seq"],
        "timings": {k: round(v, 1) for k, v in timings.items()},
        "events_per_second": round(args.events / max(chain["seconds"], 1e-9)),
        "sources": weights["source"],
    }
    print("SEED_RESULT " + json.dumps(result), flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
