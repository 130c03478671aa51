"""Distributions for synthetic children, derived from the published NRM statistics where available.

Sources (see /work/shared/data/nrm-statistics/README.md):
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
        Path(__file__).resolve().parent.parent.parent / "shared" / "data" / "nrm-statistics",
        "/work/shared/data/nrm-statistics",
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
