"""Each kind of file has its own pseudonyms under one agreement (ADR 0020 amendment 5): the evaluation extract and
the HTCDS export cannot be joined on them, since each file's small-group flag counts only its own columns. The
extract's pseudonyms are those it was first released with, so an agreement's extracts still join over time; linked
records of one child share one pseudonym in each file."""

from __future__ import annotations

import csv
import io
import re
from datetime import date

import pytest

from childnrm.accounts.models import Role
from childnrm.evaluation.extract import CaseSource, case_sources, extract_rows
from childnrm.evaluation.htcds import htcds_rows
from childnrm.evaluation.models import Dataset
from childnrm.evaluation.pseudonyms import Pseudonymiser
from childnrm.evaluation.tests.factories import another_agreement, case_source, demo_agreement, known_cases

HEX64 = re.compile(r"[0-9a-f]{64}")


def downloaded(client, path: str) -> list[dict[str, str]]:
    response = client.post(path)
    assert response.status_code == 200
    return list(csv.DictReader(io.StringIO(response.content.decode())))


def pseudonym_cells(rows: list[dict[str, str]]) -> set[str]:
    """Every cell of the file that looks like a pseudonym, whatever its column."""
    return {cell for row in rows for cell in row.values() if HEX64.fullmatch(cell)}


@pytest.mark.django_db
def test_the_extract_and_the_htcds_export_of_one_agreement_cannot_be_joined(client_as, demo):
    cases = known_cases()
    agreement = demo_agreement()
    assert set(agreement.datasets) == {Dataset.EXTRACT, Dataset.HTCDS}
    analyst = client_as(Role.ANALYST)
    extract = downloaded(analyst, f"/evaluation/agreements/{agreement.pk}/extract/")
    htcds = downloaded(analyst, f"/evaluation/agreements/{agreement.pk}/htcds/")
    assert len(extract) == len(htcds) == 4

    # No pseudonym of one file is anywhere in the other: joining them on any column matches nothing.
    ours, theirs = pseudonym_cells(extract), pseudonym_cells(htcds)
    assert len(ours) == len(theirs) == 7  # 4 cases and 3 children (two records linked as one) in each
    assert not ours & theirs
    assert not {r["child_pseudonym"] for r in extract} & {r["x_PersonPseudonym"] for r in htcds}
    assert not {r["case_pseudonym"] for r in extract} & {r["x_CasePseudonym"] for r in htcds}

    # The same child, found in each file by what it shows (the only male child; the only conclusive decision).
    (child_in_extract,) = [r for r in extract if r["sex"] == "male"]
    (child_in_htcds,) = [r for r in htcds if r["vic_TraffickingStatus"] == "Actual victim of trafficking"]
    assert child_in_extract["referral_month"] == child_in_htcds["cas_IncomingReferralDate"]
    assert child_in_extract["child_pseudonym"] != child_in_htcds["x_PersonPseudonym"]
    assert child_in_extract["case_pseudonym"] != child_in_htcds["x_CasePseudonym"]

    # Records linked as the same child still share one pseudonym in each file, a different one in each.
    linked_in_extract = [r for r in extract if r["exploitation_types"] == "labour;sexual"]
    linked_in_htcds = [r for r in htcds if r["vic_TypeOfExploitation"] == "Forced labour;Sexual exploitation"]
    assert len(linked_in_extract) == len(linked_in_htcds) == 2
    (person_in_extract,) = {r["child_pseudonym"] for r in linked_in_extract}
    (person_in_htcds,) = {r["x_PersonPseudonym"] for r in linked_in_htcds}
    assert person_in_extract != person_in_htcds
    assert cases.waiting.child_id != cases.duplicate.child_id  # two records, one pseudonym


def source() -> CaseSource:
    """The record whose pseudonyms were first released: person 41 is the lowest record id of its linked group."""
    return case_source(1041, child_id=52, person_id=41, referred_on=date(2026, 3, 10), county_lines=False)


def test_the_extract_s_pseudonyms_are_those_it_was_first_released_with(settings):
    """Values computed by the code before amendment 5, for this secret, salt and record: an agreement's earlier
    extracts still join with its later ones."""
    settings.EVALUATION_PSEUDONYM_KEY = "evaluation-test-secret"
    salt = "ab" * 32
    header, rows = extract_rows([source()], salt=salt, field_groups=[])
    assert header == ["child_pseudonym", "case_pseudonym", "small_group"]
    assert rows == [
        [
            "2faa2c75c6440f0809a0408fa90e5e9b586ffbfed65c3b1da01381143ffd5292",
            "b20bc43d2925bdd23614ac7c495209c0ac5322b8cbba254b3fabe4cad53d5816",
            "yes",
        ]
    ]
    # The HTCDS export of the same record under the same agreement names it otherwise.
    _, (htcds,) = htcds_rows([source()], salt=salt)
    assert not set(htcds[:2]) & set(rows[0][:2])
    assert all(HEX64.fullmatch(p) for p in htcds[:2])


@pytest.mark.django_db
def test_htcds_pseudonyms_are_stable_within_an_agreement_and_differ_between_agreements(demo):
    known_cases()
    first, second = demo_agreement(), another_agreement()
    sources = case_sources([first.site_id])
    once = htcds_rows(sources, salt=first.salt)
    again = htcds_rows(case_sources([first.site_id]), salt=first.salt)
    other = htcds_rows(sources, salt=second.salt)
    assert once == again
    ours = {cell for row in once[1] for cell in row[:2]}
    theirs = {cell for row in other[1] for cell in row[:2]}
    assert ours and not ours & theirs


def test_a_pseudonymiser_is_for_one_named_kind_of_file():
    salt = "00" * 32
    with pytest.raises(ValueError):
        Pseudonymiser(salt, dataset="synthetic")  # not a file released under an agreement
    extract, htcds = (Pseudonymiser(salt, dataset=d) for d in (Dataset.EXTRACT, Dataset.HTCDS))
    assert extract.of("child", 1) != htcds.of("child", 1)
    assert extract.of("child", 1) == Pseudonymiser(salt, dataset="evaluation_extract").of("child", 1)
