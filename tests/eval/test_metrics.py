"""Metrics on small hand-computed examples (the arithmetic is in the comments)."""

from __future__ import annotations

import pytest

from ficlens.eval.metrics import (
    PRF,
    addressee_scores,
    align_quotes,
    candidate_oracle,
    character_scores,
    map_clusters,
    norm_name,
    span_prf,
    speaker_accuracy,
    strip_span,
)


def test_span_prf_exact_and_overlap() -> None:
    gold = [(0, 10), (20, 30), (40, 50)]
    pred = [(0, 10), (22, 30), (41, 44), (60, 70)]
    exact, overlap = span_prf(gold, pred)
    # exact: only (0,10) -> P = 1/4, R = 1/3
    assert (exact.precision, exact.recall) == (0.25, pytest.approx(1 / 3))
    # overlap: (22,30) covers 8/10 of (20,30); (41,44) covers 3/10 of (40,50) -> not enough.
    # gold found 2/3; predicted spans right 2/4.
    assert (overlap.matched_gold, overlap.matched_pred) == (2, 2)
    assert overlap.f1 == pytest.approx(2 * 0.5 * (2 / 3) / (0.5 + 2 / 3))


def test_span_prf_exactly_half_counts() -> None:
    # (0,5) covers exactly 50% of (0,10): >= 50% counts.
    _, overlap = span_prf([(0, 10)], [(0, 5)])
    assert overlap.recall == 1.0


def test_span_prf_empty() -> None:
    exact, overlap = span_prf([], [])
    assert exact == PRF(0, 0, 0, 0) and overlap.f1 == 0.0


def test_prf_adds_counts_not_ratios() -> None:
    total = PRF(1, 1, 1, 1) + PRF(0, 3, 0, 3)
    assert total.precision == 0.25  # micro: 1/4, not the mean of 1.0 and 0.0


def test_strip_span() -> None:
    assert strip_span("  ab \n", (0, 6)) == (2, 4)


def test_align_quotes_picks_largest_cover() -> None:
    gold = [[(10, 20), (30, 40)], [(100, 110)], [(200, 210)]]
    pred = [(10, 16), (28, 40), (100, 104), (150, 300)]
    # quote 0: pred 0 covers 6 of (10,20), pred 1 covers 10 of (30,40) -> pred 1
    # quote 1: pred 2 covers 4/10 < 50% -> undetected
    # quote 2: pred 3 covers all of (200,210)
    assert align_quotes(gold, pred) == [1, None, 3]


def test_norm_name() -> None:
    assert norm_name("Mr.  Darcy's") == "mr darcy"


def test_map_clusters_one_to_one_by_mention_texts() -> None:
    gold = {0: {"Elizabeth", "Lizzy", "Elizabeth Bennet"}, 1: {"Jane", "Miss Bennet"}, 2: {"Mr. Bennet"}}
    pred = {
        "C0": ["Elizabeth", "Lizzy", "she", "Jane"],  # 2 matches for gold 0, 1 for gold 1
        "C1": ["Jane", "Jane", "Miss Bennet"],  # 3 for gold 1
        "C2": ["Lizzy"],  # 1 for gold 0, but C0 is the better owner
        "C3": ["the stranger"],  # nothing
    }
    assert map_clusters(pred, gold) == {"C0": 0, "C1": 1}


def test_map_clusters_empty() -> None:
    assert map_clusters({}, {0: {"x"}}) == {}


def test_speaker_accuracy_all_vs_detected_and_types() -> None:
    gold = [1, 1, 2, 2, None]
    pred = [1, 2, 2, None, 1]
    detected = [True, True, True, False, True]
    types = ["explicit", "implicit", "anaphoric", "implicit", "explicit"]
    s = speaker_accuracy(gold, pred, detected, types)
    # the None-gold quote is skipped; right: quotes 0 and 2 -> 2/4 overall, 2/3 detected
    assert (s.all.correct, s.all.total) == (2, 4)
    assert (s.detected.correct, s.detected.total) == (2, 3)
    assert s.by_type["explicit"].value == 1.0
    assert (s.by_type["implicit"].correct, s.by_type["implicit"].total) == (0, 2)
    # non-explicit = anaphoric + implicit: 1 right of 3
    assert (s.by_type["non_explicit"].correct, s.by_type["non_explicit"].total) == (1, 3)
    assert s.detected_by_type["implicit"].total == 1


def test_addressee_exact_and_jaccard() -> None:
    gold = [frozenset({1}), frozenset({1, 2}), frozenset(), frozenset({3})]
    pred = [frozenset({1}), frozenset({2}), frozenset({5}), frozenset()]
    a = addressee_scores(gold, pred)
    # the quote without gold addressees is skipped: exact 1/3; Jaccard (1 + 1/2 + 0) / 3
    assert a.exact.value == pytest.approx(1 / 3)
    assert a.jaccard.value == pytest.approx(0.5)


def test_candidate_oracle() -> None:
    # speaker 1 among (1, 2); speaker 2 not among (); gold None skipped -> 1/2
    assert candidate_oracle([1, 2, None], [(1, 2), (), (3,)]).value == 0.5


def test_character_scores() -> None:
    gold = {0: {"Emma", "Miss Woodhouse"}, 1: {"Harriet"}, 2: {"Mr. Elton"}}
    counts = {0: 10, 1: 6, 2: 1}
    mapping = {"C0": 0, "C1": 1}
    mentions = [
        ("C0", "Emma"),
        ("C0", "Miss Woodhouse"),
        ("C0", "Harriet"),  # Harriet wrongly in Emma's cluster
        ("C1", "Harriet"),
        ("C1", "she"),  # matches no alias: not scored
    ]
    s = character_scores(gold, counts, mapping, mentions, {0: "F", 1: "F", 2: "M"}, {"C0": "female", "C1": "male"})
    assert (s.recall_all.correct, s.recall_all.total) == (2, 3)
    assert s.recall_frequent.value == 1.0  # Emma and Harriet have >= 5 quotes
    # purity: C0 majority Emma 2 of 3, C1 1 of 1 -> 3/4
    assert s.purity.value == pytest.approx(0.75)
    # B-cubed P: C0 items (2^2/3 + 2^2/3 ... per mention): (2/3+2/3+1/3 + 1)/4 = 2.666/4
    assert s.b_cubed.precision == pytest.approx((2 / 3 + 2 / 3 + 1 / 3 + 1) / 4)
    # B-cubed R: Emma {m0,m1} together -> 1 each; Harriet {m2,m3} split -> 1/2 each -> 3/4
    assert s.b_cubed.recall == pytest.approx(0.75)
    # gender: C0 (Emma, F) female right, C1 (Harriet, F) male wrong
    assert (s.gender.correct, s.gender.total) == (1, 2)


def test_character_gender_counts_mapped_characters_with_a_gold_m_or_f() -> None:
    gold = {0: {"Ann"}, 1: {"Bob"}, 2: {"Cy"}, 3: {"Di"}}
    genders = {0: "F", 1: "M", 2: "X", 3: "U"}
    # C3 maps to no gold character; C1 and C2 map to gold characters of gender X and U
    mapping = {"C0": 0, "C1": 2, "C2": 3, "C4": 1}
    pred = {"C0": "female", "C1": "male", "C2": "female", "C3": "male", "C4": "unknown"}
    s = character_scores(gold, {}, mapping, [], genders, pred)
    # only C0 (right) and C4 (unknown is not M: wrong) are checked
    assert (s.gender.correct, s.gender.total) == (1, 2)
    summed = s + s
    assert (summed.gender.correct, summed.gender.total) == (2, 4)
    assert summed.to_dict()["gender"]["value"] == 0.5
