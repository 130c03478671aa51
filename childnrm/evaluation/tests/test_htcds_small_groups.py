"""The HTCDS export's `x_SmallGroup` counts every field the file releases that could single a child out, as the file
shows it (ADR 0020 amendment 3): who referred, the exploitation types, where it happened and the methods of control
as well as month, nationality, gender and CTDC's age band. Analysts are told to respect the flag before publishing,
so a child alone in any of these must not go out marked "no"."""

from __future__ import annotations

import csv
import io
from datetime import date
from functools import partial

from childnrm.evaluation.extract import CaseSource, csv_bytes, extract_rows
from childnrm.evaluation.htcds import htcds_rows
from childnrm.evaluation.models import FieldGroup
from childnrm.evaluation.tests.factories import case_source

SALT = "00" * 32
ALIKE = dict(referrer_type="police", exploitation_types=["criminal", "sexual"])


# This file's cases: referred in March 2026, not county lines.
source = partial(case_source, referred_on=date(2026, 3, 10), county_lines=False)


def released(header: list[str], rows: list[list[str]]) -> list[dict[str, str]]:
    """The file as an analyst reads it."""
    return list(csv.DictReader(io.StringIO(csv_bytes(header, rows).decode())))


def htcds_file(sources: list[CaseSource]) -> list[dict[str, str]]:
    return released(*htcds_rows(sources, salt=SALT))


def flags(sources: list[CaseSource]) -> list[str]:
    return [row["x_SmallGroup"] for row in htcds_file(sources)]


def test_the_only_ngo_referral_with_the_only_labour_and_sexual_exploitation_is_flagged_as_the_extract_flags_it():
    # Six boys of 15, British, referred in March 2026, every one "multiple" in the coarse exploitation group. Five
    # were referred by the police for criminal and sexual exploitation; the sixth by a charity, for forced labour and
    # sexual exploitation: the file shows that child alone.
    sources = [source(i, **ALIKE) for i in range(5)] + [
        source(5, referrer_type="ngo", exploitation_types=["labour", "sexual"])
    ]
    rows = htcds_file(sources)
    alone = rows[5]
    assert alone["cas_ReferringOrganisationType"] == "NGO"
    assert alone["vic_TypeOfExploitation"] == "Forced labour;Sexual exploitation"
    assert [r["x_SmallGroup"] for r in rows] == ["no"] * 5 + ["yes"]
    # Alone, their nationality is generalised too, as in the extract.
    assert alone["prs_Nationality"] == "" and alone["x_CitizenshipRegion"] == "United Kingdom"
    assert rows[0]["prs_Nationality"] == "GB"

    # The extract of the same cases, releasing the same kinds of field, says the same of every row.
    extract = released(
        *extract_rows(sources, salt=SALT, field_groups=[FieldGroup.CASE, FieldGroup.CHILD, FieldGroup.EXPLOITATION])
    )
    assert [r["small_group"] for r in extract] == [r["x_SmallGroup"] for r in rows]

    # Each of the two is enough on its own.
    assert flags([source(i, **ALIKE) for i in range(5)] + [source(5, **{**ALIKE, "referrer_type": "ngo"})])[5] == "yes"
    assert flags([source(i, **ALIKE) for i in range(5)] + [source(5, exploitation_types=["labour", "sexual"])])[5] == (
        "yes"
    )


def test_where_it_happened_and_the_methods_of_control_are_counted_as_the_file_shows_them():
    alike = [source(i) for i in range(5)]
    overseas = htcds_file([*alike, source(5, exploitation_location="overseas")])
    assert overseas[5]["vic_LocationOfExploitation"] == "" and overseas[0]["vic_LocationOfExploitation"] == "GB"
    assert overseas[5]["x_SmallGroup"] == "yes"
    # UK and overseas is "GB" too: nothing in the file tells that child apart.
    assert flags([*alike, source(5, exploitation_location="both")]) == ["no"] * 6

    debt = htcds_file([*alike, source(5, indicators=["debt_bondage", "going_missing"])])
    assert debt[5]["vic_MethodsOfControl"] == "DebtBondage"
    assert [r["x_SmallGroup"] for r in debt] == ["no"] * 5 + ["yes"]
    # An indicator that is not a method of control is not released.
    assert flags([*alike, source(5, indicators=["going_missing"])]) == ["no"] * 6

    # A guardian service's referral is released as an NGO's.
    ngos = [source(i, referrer_type="ngo") for i in range(5)]
    assert flags([*ngos, source(5, referrer_type="ictg_service")]) == ["no"] * 6

    # Domestic servitude shows as forced labour, told apart by its industry.
    servitude = htcds_file(
        [source(i, exploitation_types=["labour"]) for i in range(5)]
        + [source(5, exploitation_types=["domestic_servitude"])]
    )
    assert servitude[5]["vic_TypeOfExploitation"] == servitude[0]["vic_TypeOfExploitation"] == "Forced labour"
    assert servitude[5]["x_SmallGroup"] == "yes"


def test_small_groups_are_counted_in_ctdcs_age_bands_which_the_file_releases():
    # Four children of 8 and one of 9: one age band in the extract (0-9), two in the file (0--8, 9--17), where each
    # is a group of fewer than five.
    sources = [source(i, age=8) for i in range(4)] + [source(4, age=9)]
    rows = htcds_file(sources)
    assert [r["ageBroad"] for r in rows] == ["0--8"] * 4 + ["9--17"]
    assert [r["x_SmallGroup"] for r in rows] == ["yes"] * 5
