"""Distributions for synthetic children, derived from the published NRM statistics where available.

Sources (see ../shared/data/nrm-statistics/README.md beside the project root):
- nationality and sex of referred children: the Q4 2023 referral tables (local authority, NGO and
  government first responders), rows for "Child (17 or under)";
- referrals per year (used to spread children's `created_at` over time): the longitudinal table, child
  rows with location "Total".
If the files are not found, built-in weights with the same shape are used (and the caller says so).
"""

from __future__ import annotations

import csv
import os
from collections import Counter
from pathlib import Path

# Demonyms used in the Home Office tables -> ISO 3166-1 alpha-2. Tokens not listed are dropped.
DEMONYMS = {
    "UK": "GB",
    "Albanian": "AL",
    "Sudanese": "SD",
    "South Sudanese": "SS",
    "Eritrean": "ER",
    "Afghan": "AF",
    "Vietnamese": "VN",
    "Iranian": "IR",
    "Iraqi": "IQ",
    "Nigerian": "NG",
    "Romanian": "RO",
    "Syrian": "SY",
    "Ethiopian": "ET",
    "Somali": "SO",
    "Egyptian": "EG",
    "Pakistani": "PK",
    "Chadian": "TD",
    "Polish": "PL",
    "Jamaican": "JM",
    "Algerian": "DZ",
    "Bangladeshi": "BD",
    "Moroccan": "MA",
    "Turkish": "TR",
    "Namibian": "NA",
    "Sierra Leonean": "SL",
    "Chinese": "CN",
    "Gambian": "GM",
    "Indian": "IN",
    "Sri Lankan": "LK",
    "Brazilian": "BR",
    "Ghanaian": "GH",
    "Lithuanian": "LT",
    "Portuguese": "PT",
    "Slovak": "SK",
    "Central African": "CF",
    "Kuwaiti": "KW",
    "Libyan": "LY",
    "Grenadian": "GD",
    "Malawian": "MW",
    "Bulgarian": "BG",
    "Czech": "CZ",
    "Guinean": "GN",
    "Hungarian": "HU",
    "Irish": "IE",
    "Saudi Arabian": "SA",
    "South African": "ZA",
    "Trinidadian": "TT",
    "Bolivian": "BO",
    "Botswanan": "BW",
    "Malian": "ML",
    "Nepalese": "NP",
    "Ukrainian": "UA",
    "Italian": "IT",
    "Spanish": "ES",
    "French": "FR",
    "Ivorian": "CI",
    "Latvian": "LV",
    "Ugandan": "UG",
    "Tanzanian": "TZ",
    "Zambian": "ZM",
    "Zimbabwean": "ZW",
    "Palestinian": "PS",
    "Congolese (Drc)": "CD",
    "Congolese (Congo)": "CG",
}

# Used when the statistics files are not available (same order of magnitude as Q4 2023).
FALLBACK_NATIONALITIES = {
    ("GB",): 622,
    ("AL",): 137,
    ("SD",): 129,
    ("ER",): 77,
    ("AF",): 51,
    ("VN",): 43,
    ("IR",): 38,
    ("IQ",): 22,
    ("SS",): 21,
    ("NG",): 20,
    ("RO",): 20,
    ("SY",): 20,
    ("ET",): 18,
    ("PK", "GB"): 13,
    (): 4,
}
FALLBACK_SEXES = {"male": 1212, "female": 302, "not_known": 3}
FALLBACK_YEARS = {2017: 2114, 2018: 3129, 2019: 4548, 2020: 5016, 2021: 5447, 2022: 7004, 2023: 7432}


def data_dir() -> Path | None:
    candidates = [
        os.environ.get("BENCH_NRM_DATA", ""),
        # ../shared beside the project root, as on every development and CI machine.
        Path(__file__).resolve().parent.parent.parent / "shared" / "data" / "nrm-statistics",
    ]
    for candidate in candidates:
        if candidate and (Path(candidate) / "nrm_referrals_longitudinal.csv").exists():
            return Path(candidate)
    return None


def _codes(name: str) -> tuple[str, ...] | None:
    """'Pakistani UK' -> ('PK', 'GB'); 'Unknown' -> (); None when a token is not mapped."""
    if name.startswith("Unknown"):
        return ()
    if name in DEMONYMS:
        return (DEMONYMS[name],)
    codes: list[str] = []
    rest = name
    while rest:
        for demonym in sorted(DEMONYMS, key=len, reverse=True):
            if rest == demonym or rest.startswith(demonym + " "):
                codes.append(DEMONYMS[demonym])
                rest = rest[len(demonym) :].strip()
                break
        else:
            if rest.startswith("Unknown"):
                rest = rest[len("Unknown") :].strip()
                continue
            return None
    return tuple(dict.fromkeys(codes))


def load() -> dict:
    """{'nationalities': {codes: weight}, 'sexes': {sex: weight}, 'years': {year: weight}, 'source': str}."""
    directory = data_dir()
    if directory is None:
        return {
            "nationalities": FALLBACK_NATIONALITIES,
            "sexes": FALLBACK_SEXES,
            "years": FALLBACK_YEARS,
            "source": "built-in weights (NRM statistics files not found)",
        }
    nationalities: Counter = Counter()
    sexes: Counter = Counter()
    dropped = 0
    for path in sorted(directory.glob("nrm_referrals_*_2023_q4.csv")):
        with path.open(newline="") as handle:
            for row in csv.DictReader(handle):
                if row["Age at exploitation"] != "Child (17 or under)":
                    continue
                people = int(row["People"] or 0)
                if row["Gender"] == "Total" and row["Nationality"] != "Total":
                    codes = _codes(row["Nationality"])
                    if codes is None:
                        dropped += people
                    elif people:
                        nationalities[codes] += people
                elif row["Nationality"] == "Total" and row["Gender"] != "Total":
                    sex = {"Male": "male", "Female": "female"}.get(row["Gender"], "not_known")
                    sexes[sex] += people
    years: Counter = Counter()
    with (directory / "nrm_referrals_longitudinal.csv").open(newline="") as handle:
        for row in csv.DictReader(handle):
            is_child = row["Age at exploitation"].startswith("Child")
            if is_child and row["Location of exploitation"] == "Total" and row["Quarter"] != "Total":
                years[int(row["Year"])] += int(row["NRM referrals"] or 0)
    total = sum(nationalities.values())
    return {
        "nationalities": dict(nationalities),
        "sexes": dict(sexes),
        "years": {y: n for y, n in years.items() if y >= 2013},
        "source": f"{directory} ({total} child referrals in Q4 2023 by nationality, {dropped} unmapped left out)",
    }


# ------------------------------------------------------------------------------------------------ referrals

# Exploitation types as the Home Office tables name them -> the referral's codes (several allowed).
EXPLOITATION_WORDS = {
    "Criminal": "criminal",
    "Labour": "labour",
    "Sexual": "sexual",
    "Domestic": "domestic_servitude",
    "Organ Harvesting": "organ_harvesting",
}
# First-responder types in the tables -> the organisation key of the bench staff who refer.
FIRST_RESPONDER_TYPES = {"Local Authority": "la", "Government agency": "gov", "NGO and third sector": "ngo"}

# Used when the statistics files are not available: Q4 2023 child referrals (computed from those files).
FALLBACK_EXPLOITATION = {
    ("la", ("criminal",)): 537,
    ("la", ("not_known",)): 113,
    ("la", ("sexual",)): 93,
    ("la", ("labour",)): 61,
    ("la", ("labour", "criminal")): 49,
    ("la", ("sexual", "criminal")): 42,
    ("gov", ("labour",)): 263,
    ("gov", ("not_known",)): 82,
    ("gov", ("labour", "criminal")): 45,
    ("gov", ("labour", "domestic_servitude")): 37,
    ("gov", ("sexual",)): 36,
    ("ngo", ("labour",)): 17,
    ("ngo", ("criminal",)): 11,
}
FALLBACK_LOCATIONS = {"uk": 1216, "overseas": 587, "both": 142}
FALLBACK_CHILD_REFERRALS_Q4_2023 = 1945


def exploitation_codes(label: str) -> tuple[str, ...]:
    """'Sexual, Labour & Criminal' -> ('sexual', 'labour', 'criminal'); 'Not specified or unknown' -> ('not_known',)."""
    if label.startswith("Not specified"):
        return ("not_known",)
    words = [w.strip() for part in label.split("&") for w in part.split(",")]
    return tuple(EXPLOITATION_WORDS[w] for w in words if w)


def referral_weights() -> dict:
    """What a child's referral looks like, from the Q4 2023 tables.

    - 'joint': {nationality codes: {(first responder key, exploitation codes): people}} and 'joint_all' (all
      nationalities): who referred the child and for what, given the child's nationality;
    - 'police_share': the share of child referrals not made by a local authority, government agency or NGO.
      The republished tables have no police file; the longitudinal table's Q4 2023 child total minus the
      three files' child totals is taken as the police (and other) first responders' share;
    - 'locations': {"uk" | "overseas" | "both": people} (longitudinal table, children, Q4 2023).
    """
    directory = data_dir()
    if directory is None:
        total = sum(FALLBACK_EXPLOITATION.values())
        return {
            "joint": {},
            "joint_all": dict(FALLBACK_EXPLOITATION),
            "police_share": max(FALLBACK_CHILD_REFERRALS_Q4_2023 - total, 0) / FALLBACK_CHILD_REFERRALS_Q4_2023,
            "locations": dict(FALLBACK_LOCATIONS),
            "source": "built-in weights (NRM statistics files not found)",
        }
    joint: dict[tuple[str, ...], Counter] = {}
    joint_all: Counter = Counter()
    for path in sorted(directory.glob("nrm_referrals_*_2023_q4.csv")):
        with path.open(newline="") as handle:
            for row in csv.DictReader(handle):
                if row["Age at exploitation"] != "Child (17 or under)" or row["Gender"] != "Total":
                    continue
                if row["First responder"].endswith("total") or row["Exploitation type"] == "Total":
                    continue
                people = int(row["People"] or 0)
                if not people:
                    continue
                key = (FIRST_RESPONDER_TYPES[row["First responder type"]], exploitation_codes(row["Exploitation type"]))
                if row["Nationality"] == "Total":
                    joint_all[key] += people
                    continue
                codes = _codes(row["Nationality"])
                if codes is not None:
                    joint.setdefault(codes, Counter())[key] += people
    locations: Counter = Counter()
    child_total = 0
    with (directory / "nrm_referrals_longitudinal.csv").open(newline="") as handle:
        for row in csv.DictReader(handle):
            if row["Year"] != "2023" or row["Quarter"] != "Q4" or not row["Age at exploitation"].startswith("Child"):
                continue
            n = int(row["NRM referrals"] or 0)
            where = row["Location of exploitation"]
            if where == "Total":
                child_total = n
            elif where in ("UK", "Overseas", "UK and Overseas"):
                locations[{"UK": "uk", "Overseas": "overseas", "UK and Overseas": "both"}[where]] += n
    three = sum(joint_all.values())
    return {
        "joint": {k: dict(v) for k, v in joint.items()},
        "joint_all": dict(joint_all),
        "police_share": max(child_total - three, 0) / max(child_total, 1),
        "locations": dict(locations),
        "source": f"{directory} (Q4 2023: {three} child referrals by local authorities, government agencies and "
        f"NGOs; {child_total} child referrals in all)",
    }
