"""Duplicate detection quality on a small generated, labelled set, through the real database search.

Floors are set a few points under what was measured (issue 15, with the harder set that has
placeholder dates, year-apart birthdays, transliterations, missing fields and twins: precision 0.867,
recall 0.949 at the threshold, blocking 98.3%, on this seed and size; the scoring before issue 15 gave
0.879 and 0.872 on the same set), so a change that makes matching worse fails here. The full measure is
`bench/linkage_quality.py` (`--base 12600`, about 20,000 records).
"""

from __future__ import annotations

import pytest

from bench import generated_set
from childnrm.accounts.models import Organisation
from childnrm.people.linkage_scoring import MATCH_THRESHOLD

PRECISION_FLOOR = 0.82
RECALL_FLOOR = 0.90  # 0.906 measured with names weighed by their own shares (was 0.92 with the flat discount)
BLOCKING_RECALL_FLOOR = 0.96


@pytest.fixture(autouse=True)
def _fast_passwords(settings):
    # The demo data creates 18 users per test; the production password hasher would take seconds.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


def test_precision_and_recall_on_a_generated_set_stay_above_their_floors(site):
    records = generated_set.generate(300)
    mapping = generated_set.load(records, site=site, organisation=Organisation.objects.order_by("pk").first())
    measure = generated_set.measure(records, generated_set.database_search(mapping, [site.pk]))

    precision, recall, _f1, _tp, _fp, _fn = measure.at(MATCH_THRESHOLD)
    assert measure.blocked_true_pairs / measure.true_pairs >= BLOCKING_RECALL_FLOOR
    assert precision >= PRECISION_FLOOR, f"precision {precision:.3f}"
    assert recall >= RECALL_FLOOR, f"recall {recall:.3f}"


def test_the_generated_set_has_the_hard_cases_it_claims():
    records = generated_set.generate(300)
    kinds = {r.kind for r in records}
    assert kinds == {"original", "duplicate", "sibling", "twin", "namesake"}
    corruptions = {c for r in records for c in r.corruptions}
    assert {"spelling", "typo", "swapped", "alias", "dob_swapped", "dob_days", "age_only"} <= corruptions
    assert {"dob_placeholder", "dob_year", "transliteration", "missing"} <= corruptions
    # placeholders typed as if known: 1 January without the "estimated" flag
    assert any(
        r.date_of_birth and (r.date_of_birth.day, r.date_of_birth.month) == (1, 1)
        for r in records
        if not r.date_of_birth_estimated
    )
    # twins share the family name and date of birth of the child they were made from
    clusters = {r.cluster: r for r in records if r.kind == "original"}
    twins = [r for r in records if r.kind == "twin"]
    assert twins and all(
        (t.family_name, t.date_of_birth) == (clusters[t.related].family_name, clusters[t.related].date_of_birth)
        for t in twins
    )
    # the same seed gives the same set
    assert [r.given_names for r in generated_set.generate(300)] == [r.given_names for r in records]


def test_the_quality_report_has_figures_by_kind_of_pair():
    from bench.linkage_quality import by_kind_table

    records = generated_set.generate(150)
    table = by_kind_table(
        records, generated_set.measure(records, generated_set.memory_search(records)), MATCH_THRESHOLD
    )
    for kind in ("placeholder date (not flagged)", "birthday a year apart", "transliteration", "twins", "all pairs"):
        assert kind in table


def test_the_quality_summary_gives_f1_at_the_decision_threshold_and_recall_at_the_review_threshold():
    from bench.linkage_quality import summary_line
    from childnrm.people.linkage_scoring import STRONG_MATCH

    records = generated_set.generate(150)
    measure = generated_set.measure(records, generated_set.memory_search(records))
    line = summary_line("ours", records, measure)
    p, r, f1, *_ = measure.at(STRONG_MATCH)
    assert f"decision ({STRONG_MATCH}) P/R/F1 {p:.3f}/{r:.3f}/{f1:.3f}" in line
    # Below the register size the prior starts at, the review threshold is MATCH_THRESHOLD itself.
    assert f"review ({MATCH_THRESHOLD:g})" in line and "twins flagged" in line
