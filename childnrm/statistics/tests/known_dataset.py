"""A known dataset for the statistics tests, and the expected figures computed from its specification with
plain pandas (never from the service's own code), so a test compares two independent countings.

Three quarters, all in the past (A, B, C = three, two and one quarters before this one), at two sites:
- Northbridge: 14 referrals in A, 12 decided (reasonable grounds) in B, 4 of them also conclusive grounds in C;
  4 referrals in B (2 decided in C), 3 in C (a small quarter, suppressed);
- Three Rivers: 10 referrals in A, all decided in B (4 positive), 3 in B undecided.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

import pandas as pd
from django.utils import timezone

from childnrm.accounts.models import Site
from childnrm.panels.demo import working_day
from childnrm.statistics.dimensions import Quarter
from childnrm.statistics.tests.factories import NEGATIVE, POSITIVE, CaseSpec, make_case

COUNTRY = {"GB": "United Kingdom", "AL": "Albania", "VN": "Vietnam", "ER": "Eritrea"}
GENDER = {"male": "Male", "female": "Female", "not_known": "Not specified or unknown"}
LOCATION = {"uk": "UK", "overseas": "Overseas", "both": "UK and Overseas"}
WORDS = {"sexual": "Sexual", "labour": "Labour", "domestic_servitude": "Domestic", "criminal": "Criminal"}
ORDER = ["sexual", "labour", "domestic_servitude", "criminal"]


@dataclass(frozen=True)
class Known:
    a: Quarter
    b: Quarter
    c: Quarter
    specs: list[CaseSpec]

    @property
    def quarters(self) -> list[Quarter]:
        return [self.a, self.b, self.c]


def _day(quarter: Quarter, offset: int) -> date:
    """A working day (panels sit on working days) `offset` days into the quarter, by the demo sites' calendar."""
    nation = Site.objects.filter(slug="northbridge").values_list("nation", flat=True).first()
    return working_day(quarter.first_day + timedelta(days=offset), nation)


def known_specs(today: date | None = None) -> Known:
    c = Quarter.of(today or timezone.localdate()).previous()
    b = c.previous()
    a = b.previous()
    specs: list[CaseSpec] = []
    for i in range(12):
        nationality = "GB" if i < 7 else "AL" if i < 10 else "VN"
        specs.append(
            CaseSpec(
                site="northbridge",
                submitted_on=_day(a, 2 * i),
                sex="female" if i % 4 == 3 else "male",
                nationality=nationality,
                ethnicity={"GB": "white_british", "AL": "white_other", "VN": "asian_other"}[nationality],
                exploitation=("sexual", "criminal") if i in (8, 9) else ("labour",) if i == 10 else ("criminal",),
                location="overseas" if i == 10 else "both" if i == 11 else "uk",
                age=14 + i % 3,
                ngo=i % 5 == 4,
                rg=(NEGATIVE if i in (0, 3, 7) else POSITIVE, _day(b, 3 * i + 1)),
                cg=(NEGATIVE if i == 5 else POSITIVE, _day(c, 2 * i + 5)) if i in (1, 2, 4, 5) else None,
            )
        )
    specs.append(CaseSpec(site="northbridge", submitted_on=_day(a, 40), to_sca=True, nationality="ER"))
    specs.append(
        CaseSpec(
            site="northbridge",
            submitted_on=_day(a, 45),
            sex="female",
            ngo=True,
            exploitation=("sexual",),
            ethnicity="black_african",
            nationality="ER",
            age=16,
        )
    )
    for i in range(4):
        specs.append(
            CaseSpec(
                site="northbridge",
                submitted_on=_day(b, 10 + 5 * i),
                sex="female" if i == 0 else "male",
                age=13 + i,
                rg=((POSITIVE if i == 0 else NEGATIVE), _day(c, 20 + i)) if i < 2 else None,
            )
        )
    for i in range(3):
        specs.append(CaseSpec(site="northbridge", submitted_on=_day(c, 5 + 7 * i), exploitation=("labour",)))
    for i in range(10):
        specs.append(
            CaseSpec(
                site="three-rivers",
                submitted_on=_day(a, 3 * i + 1),
                sex="female" if i % 2 else "male",
                age=15 + i % 3,
                rg=(POSITIVE if i < 4 else NEGATIVE, _day(b, 4 * i + 2)),
            )
        )
    for i in range(3):
        specs.append(CaseSpec(site="three-rivers", submitted_on=_day(b, 20 + i), nationality="AL"))
    return Known(a, b, c, specs)


def build_known_dataset(today: date | None = None) -> Known:
    known = known_specs(today)
    for spec in known.specs:
        make_case(spec)
    return known


SITE_NAMES = {"northbridge": "Northbridge Child Panel", "three-rivers": "Three Rivers Consortium Panel"}


def expected_frame(known: Known) -> pd.DataFrame:
    """The specification as a table, with the categories the published tables use, worked out here."""
    rows = []
    for spec in known.specs:
        types = [t for t in ORDER if t in spec.exploitation]
        rows.append(
            {
                "site": SITE_NAMES[spec.site],
                "quarter": Quarter.of(spec.submitted_on).code,
                "referred_on": pd.Timestamp(spec.submitted_on),
                "gender": GENDER[spec.sex],
                "nationality": COUNTRY[spec.nationality],
                "location": LOCATION[spec.location],
                "exploitation": " & ".join(WORDS[t] for t in types),
                "first_responder_type": "NGO and third sector" if spec.ngo else "Police",
                "ethnic_group": {"white": "White", "asian": "Asian", "black": "Black"}[spec.ethnicity.split("_")[0]],
                "age_band": {13: "12 to 13", 14: "14 to 15", 15: "14 to 15", 16: "16 to 17", 17: "16 to 17"}[spec.age],
                "rg_positive": None if spec.rg is None else spec.rg[0] == POSITIVE,
                "rg_on": None if spec.rg is None else pd.Timestamp(spec.rg[1]),
                "cg_positive": None if spec.cg is None else spec.cg[0] == POSITIVE,
                "cg_on": None if spec.cg is None else pd.Timestamp(spec.cg[1]),
                "to_sca": spec.to_sca,
            }
        )
    frame = pd.DataFrame(rows)
    for stage in ("rg", "cg"):
        on = pd.to_datetime(frame[f"{stage}_on"])
        frame[f"{stage}_quarter"] = [Quarter.of(d.date()).code if not pd.isna(d) else None for d in on]
        frame[f"{stage}_days"] = (on - frame["referred_on"]).dt.days
    return frame
