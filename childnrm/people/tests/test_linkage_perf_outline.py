"""The search's points-only scoring compares name parts by their folded names (`linkage_scoring.field_outline`) and
leaves uncompared what cannot reach the threshold (issue 15 item 5). What a coordinator is shown must not change: the
outline says what `field_similarity` says, and the points at any threshold are the score `compare` gives."""

from __future__ import annotations

from dataclasses import astuple

from childnrm.people import linkage_scoring
from childnrm.people.linkage_scoring import _AGREEING, ACCENTS, DIFFERENT, SAME, field_outline, field_similarity
from childnrm.people.tests.test_linkage_instant import _blocked_pairs, own_shares


def _outline_of(match) -> tuple | None:
    """What the points need of a `FieldMatch`: "same but for accents" scores and pairs as "same"."""
    if match is None:
        return None
    kinds = tuple(SAME if p.kind == ACCENTS else p.kind for p in match.pairs)
    return (
        kinds,
        bool(match.unmatched),
        match.primary_agrees,
        match.share_keys,
        set(kinds) <= _AGREEING,
        DIFFERENT in kinds,
    )


def test_the_outline_of_two_name_parts_is_what_field_similarity_says():
    # Every pair of name parts of the blocked pairs of the generated set (transliterations, swapped and regrouped
    # names, particles, names split differently), as written and folded, Vietnamese or not.
    profiles, others, _ = _blocked_pairs()
    multi = 0
    for a, bs in others.items():
        for b in bs:
            for x in profiles[a].names:
                for y in profiles[b].names:
                    ta = tuple(t for t in x.all_tokens if t.informative)
                    tb = tuple(t for t in y.all_tokens if t.informative)
                    for p, q in ((x.given, y.given), (x.family, y.family), (x.given, y.family), (ta, tb)):
                        for vietnamese in (False, True):
                            outline = field_outline(tuple(t.norm for t in p), tuple(t.norm for t in q), vietnamese)
                            expected = _outline_of(field_similarity(p, q, vietnamese=vietnamese))
                            got = None if outline is None else astuple(outline)
                            assert got == expected, (p, q, vietnamese)
                            multi += len(p) > 1 or len(q) > 1
    assert multi > 1000  # names of several parts were compared, not only one name against one


def test_points_at_any_threshold_are_the_score_compare_gives():
    # The names are compared only as far as the threshold needs: at every threshold, the score is compare's when it
    # reaches the threshold, and None only when compare's is below it.
    profiles, others, shares = _blocked_pairs()
    searched = 4 * linkage_scoring.REGISTER_REFERENCE
    left_out = 0
    for threshold in (-6.0, 0.0, 3.0, 4.5, 6.0, 8.0, 10.0, 14.0):
        for a, bs in others.items():
            common = own_shares(profiles[a], shares)
            points = linkage_scoring.PointsScorer(profiles[a], common=common, searched=searched)
            for b in bs:
                expected = linkage_scoring.compare(profiles[a], profiles[b], common=common, searched=searched).score
                got = points.score(profiles[b], at_least=threshold)
                assert got == expected if got is not None else expected < threshold, (a, b, threshold)
                left_out += got is None
    assert left_out > 1000
