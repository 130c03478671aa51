"""The synthetic dataset on a factory dataset: the same columns and categories as the real cases, no real
pseudonym or reference in it, and a report whose privacy budget and fidelity figures agree with a computation
made here, independently, with plain counting."""

from __future__ import annotations

import hashlib
import json
import math
from collections import Counter
from itertools import combinations

import pandas as pd
import pytest
from django.core.management import CommandError, call_command

from childnrm.accounts.models import Role, Site
from childnrm.evaluation.extract import case_sources
from childnrm.evaluation.models import Dataset, DataSharingAgreement, SyntheticRelease
from childnrm.evaluation.synthetic import COLUMNS, NRM_TABLES, synthetic_source_frame
from childnrm.evaluation.tests.factories import many_cases, pseudonym
from childnrm.people.models import Child
from childnrm.referrals.models import Referral

pytestmark = pytest.mark.django_db


def counts(frame: pd.DataFrame, columns) -> Counter:
    return Counter(tuple(row) for row in frame[list(columns)].itertuples(index=False, name=None))


def tvd(real: pd.DataFrame, synthetic: pd.DataFrame, columns) -> float:
    p, q = counts(real, columns), counts(synthetic, columns)
    return sum(abs(p[k] / len(real) - q[k] / len(synthetic)) for k in set(p) | set(q)) / 2


def test_a_synthetic_copy_with_its_report(demo, tmp_path, client_as, private_storage):
    many_cases("northbridge", 90)
    many_cases("three-rivers", 40, seed=11)
    call_command("evaluation_synthetic", "--out", str(tmp_path), "--epsilon", "4")
    (csv_path,) = tmp_path.glob("*.csv")
    (report_path,) = tmp_path.glob("*-report.json")
    synthetic = pd.read_csv(csv_path, dtype=str, keep_default_na=False)
    real = synthetic_source_frame(case_sources(list(Site.objects.values_list("pk", flat=True))))
    referrals = Referral.objects.filter(submitted_at__isnull=False)
    assert len(real) == referrals.count() == 130

    # The same columns; every category one the real cases have (or blank: withheld by the synthesiser).
    assert list(synthetic.columns) == COLUMNS
    assert len(synthetic) > 0
    for column in COLUMNS:
        assert set(synthetic[column]) <= set(real[column]) | {""}, column
    assert set(synthetic["site"]) <= {"northbridge", "three-rivers", ""}
    assert set(synthetic["sex"]) <= set(referrals.values_list("child__sex", flat=True)) | {""}

    # Nothing that names a real child or case: no pseudonym under any agreement, no reference, no name.
    text = csv_path.read_text()
    for agreement in DataSharingAgreement.objects.all():
        for referral in referrals:
            for dataset in Dataset.values:
                assert pseudonym(agreement.salt, "case", referral.pk, dataset) not in text
                assert pseudonym(agreement.salt, "child", referral.child_id, dataset) not in text
    for referral in referrals:
        assert referral.reference not in text
    for child in Child.objects.all():
        assert child.reference not in text and child.family_name not in text

    # The report's figures, worked out again here.
    report = json.loads(report_path.read_text())
    n = len(real)
    assert report["privacy"]["epsilon"] == 4.0
    assert report["privacy"]["delta"] == pytest.approx(1 / (math.log(n) * n))
    assert report["privacy"]["reporting_length"] == 2
    assert report["synthetic_rows"] == len(synthetic)
    blanks = sum(1 for column in COLUMNS for value in synthetic[column] if value == "")
    assert report["blank_cells_share"] == pytest.approx(blanks / (len(synthetic) * len(COLUMNS)), abs=1e-6)
    one = {c: tvd(real, synthetic, [c]) for c in COLUMNS}
    assert report["one_way"]["by_column"] == pytest.approx(one, abs=1e-6)
    assert report["one_way"]["mean_tvd"] == pytest.approx(sum(one.values()) / len(one), abs=1e-6)
    assert report["one_way"]["max_tvd"] == pytest.approx(max(one.values()), abs=1e-6)
    two = [tvd(real, synthetic, [a, b]) for a, b in combinations(COLUMNS, 2)]
    assert len(report["two_way"]["by_pair"]) == len(two) == 78
    assert report["two_way"]["mean_tvd"] == pytest.approx(sum(two) / len(two), abs=1e-6)
    assert report["two_way"]["max_tvd"] == pytest.approx(max(two), abs=1e-6)
    errors, cells = 0, 0
    for table in NRM_TABLES:
        p, q = counts(real, table), counts(synthetic, table)
        table_errors = [abs(p[k] - q[k]) for k in set(p) | set(q)]
        assert report["nrm_counts"]["by_table"][" × ".join(table)] == pytest.approx(
            sum(table_errors) / len(table_errors), abs=1e-4
        )
        errors, cells = errors + sum(table_errors), cells + len(table_errors)
    assert report["nrm_counts"]["mean_absolute_error"] == pytest.approx(errors / cells, abs=1e-4)

    # Kept for the analysts: the page shows the report, and the file downloads as it was written.
    kept = SyntheticRelease.objects.get()
    assert kept.sha256 == hashlib.sha256(csv_path.read_bytes()).hexdigest() == report["sha256"]
    analyst = client_as(Role.ANALYST)
    page = analyst.get("/evaluation/synthetic/").content.decode()
    assert f"mean {report['one_way']['mean_tvd']:.3f}" in page and "4.0" in page
    download = analyst.get("/evaluation/synthetic/file/")
    assert download.status_code == 200
    assert b"".join(download.streaming_content) == csv_path.read_bytes()


def test_too_few_cases_for_a_synthetic_copy(demo, tmp_path, client_as, private_storage):
    many_cases("northbridge", 8)
    with pytest.raises(CommandError, match="too few for a synthetic dataset"):
        call_command("evaluation_synthetic", "--out", str(tmp_path))
    assert not SyntheticRelease.objects.exists()
    analyst = client_as(Role.ANALYST)
    assert "No synthetic dataset has been made yet" in analyst.get("/evaluation/synthetic/").content.decode()
    assert analyst.get("/evaluation/synthetic/file/")["Location"] == "/evaluation/synthetic/"
