"""Duplicate detection quality on a small generated, labelled set, through the real database search.

Floors are set a few points under what was measured (precision 0.894, recall 0.982 at the
threshold, on this seed and size), so a change that makes matching worse fails here. The full
measure is `bench/linkage_quality.py` (2,000 base children).
"""

from __future__ import annotations

import pytest

from bench import generated_set
from childnrm.accounts.models import Organisation
from childnrm.people.linkage_scoring import MATCH_THRESHOLD

PRECISION_FLOOR = 0.85
RECALL_FLOOR = 0.94
BLOCKING_RECALL_FLOOR = 0.97


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
    assert kinds == {"original", "duplicate", "sibling", "namesake"}
    corruptions = {c for r in records for c in r.corruptions}
    assert {"spelling", "typo", "swapped", "alias", "dob_swapped", "dob_days", "age_only"} <= corruptions
    # the same seed gives the same set
    assert [r.given_names for r in generated_set.generate(300)] == [r.given_names for r in records]
