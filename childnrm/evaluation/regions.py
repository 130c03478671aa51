"""Countries grouped into regions, to generalise a nationality that would single a child out.

The regions are the United Nations M49 continental regions (Africa, Americas, Asia, Europe, Oceania), with the
United Kingdom on its own: most children referred are UK nationals, and "Europe" would hide that. Codes are
ISO 3166-1 alpha-2, as the referral records nationalities (referrals.vocab).
"""

from __future__ import annotations

UNITED_KINGDOM = "United Kingdom"
NOT_KNOWN = "Not known"

_REGIONS: dict[str, str] = {
    "Africa": (
        "DZ EG LY MA SD TN EH "  # Northern Africa
        "BI KM DJ ER ET IO TF KE MG MW MU YT MZ RE RW SC SO SS UG TZ ZM ZW "  # Eastern Africa
        "AO CM CF TD CG CD GQ GA ST "  # Middle Africa
        "BW SZ LS NA ZA "  # Southern Africa
        "BJ BF CV CI GM GH GN GW LR ML MR NE NG SH SN SL TG"  # Western Africa
    ),
    "Americas": (
        "AI AG AW BS BB BQ VG KY CU CW DM DO GD GP HT JM MQ MS PR BL KN LC MF VC SX TT TC VI "  # Caribbean
        "BZ CR SV GT HN MX NI PA "  # Central America
        "AR BO BV BR CL CO EC FK GF GY PY PE GS SR UY VE "  # South America
        "BM CA GL PM US"  # Northern America
    ),
    "Asia": (
        "KZ KG TJ TM UZ "  # Central Asia
        "CN HK MO KP JP MN KR TW "  # Eastern Asia
        "BN KH ID LA MY MM PH SG TH TL VN "  # South-eastern Asia
        "AF BD BT IN IR MV NP PK LK "  # Southern Asia
        "AM AZ BH CY GE IQ IL JO KW LB OM QA SA PS SY TR AE YE"  # Western Asia
    ),
    "Europe": (
        "BY BG CZ HU PL MD RO RU SK UA "  # Eastern Europe
        "AX DK EE FO FI GG IS IE IM JE LV LT NO SJ SE "  # Northern Europe
        "AL AD BA HR GI GR VA IT MT ME MK PT SM RS SI ES XK "  # Southern Europe
        "AT BE FR DE LI LU MC NL CH"  # Western Europe
    ),
    "Oceania": "AU NZ NF HM CX CC FJ NC PG SB VU GU KI MH FM NR MP PW UM AS CK PF NU PN WS TK TO TV WF",
    "Antarctica": "AQ",
}
REGION_OF: dict[str, str] = {code: region for region, codes in _REGIONS.items() for code in codes.split()}
REGION_OF["GB"] = UNITED_KINGDOM


def region_of(code: str) -> str:
    """The region of an ISO 3166-1 alpha-2 country code ("Not known" for none or a code not in the list)."""
    return REGION_OF.get((code or "").upper(), NOT_KNOWN)
