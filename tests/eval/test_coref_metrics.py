"""Coreference scorers against published worked examples.

Cases TC2-TC4 come from the CoNLL reference scorer's own tests
(conll/reference-coreference-scorers, test/TestCases.README and test/CorefMetricTestConfig.pm):
key {a} {bc} {def} against several responses, with the expected CEAF-e values listed there.
The MUC / B-cubed case is the worked example of Pradhan et al. 2014 (key {abc} {defg},
response {ab} {cd} {fghi}); the arithmetic is in the comments.
"""

from __future__ import annotations

import pytest

from ficlens.eval.coref_metrics import b_cubed, ceaf_e, muc, score_all

KEY = [["a"], ["b", "c"], ["d", "e", "f"]]


@pytest.mark.parametrize(
    ("response", "recall", "precision"),
    [
        # TC1 perfect response
        ([["a"], ["b", "c"], ["d", "e", "f"]], 1.0, 1.0),
        # TC2 missing mentions/entities: common = 1 + 4/5 = 1.8; R = 1.8/3, P = 1.8/2
        ([["a"], ["d", "e"]], 0.6, 0.9),
        # TC3 false-alarm mentions: common = 1 + 4/5 + 6/7 = 2.657; R = /3, P = /4
        ([["a"], ["b", "c", "x"], ["d", "e", "f", "y"], ["z"]], 0.88571, 0.66429),
        # TC4 missing and false-alarm: common = 1 + 4/5 + 2/5 = 2.2; R = 2.2/3, P = 2.2/4
        ([["a"], ["b", "c", "x"], ["d", "y"], ["z"]], 0.73333, 0.55),
        # TC7 duplicate mention B is de-duplicated (same as TC4)
        ([["a"], ["b", "c", "x", "b"], ["d", "y"], ["z"]], 0.73333, 0.55),
    ],
)
def test_ceaf_e_reference_cases(response: list[list[str]], recall: float, precision: float) -> None:
    score = ceaf_e(KEY, response)
    assert score.recall == pytest.approx(recall, abs=1e-5)
    assert score.precision == pytest.approx(precision, abs=1e-5)


PRADHAN_KEY = [["a", "b", "c"], ["d", "e", "f", "g"]]
PRADHAN_RESPONSE = [["a", "b"], ["c", "d"], ["f", "g", "h", "i"]]


def test_muc_pradhan_example() -> None:
    score = muc(PRADHAN_KEY, PRADHAN_RESPONSE)
    # Recall: {abc} splits into {ab},{c} -> 3-2 = 1; {defg} into {d},{e missing},{fg} -> 4-3 = 1;
    # denominators 2 + 3 = 5 -> 2/5.
    assert score.recall == pytest.approx(0.4)
    # Precision: {ab} -> 1; {cd} -> 2-2 = 0; {fghi} -> {fg},{h},{i} -> 4-3 = 1; den 1+1+3 = 5.
    assert score.precision == pytest.approx(0.4)


def test_b_cubed_pradhan_example() -> None:
    score = b_cubed(PRADHAN_KEY, PRADHAN_RESPONSE)
    # Recall: (2^2/3 + 1^2/3 + 1^2/4 + 2^2/4) / 7 = (4/3 + 1/3 + 1/4 + 1) / 7 = 35/84
    assert score.recall == pytest.approx(35 / 84)
    # Precision: (2^2/2 + 1^2/2 + 1^2/2 + 2^2/4) / 8 = (2 + 0.5 + 0.5 + 1) / 8 = 0.5
    assert score.precision == pytest.approx(0.5)


def test_ceaf_e_pradhan_example() -> None:
    # phi4: K1-R1 = 4/5, K1-R2 = 2/5, K2-R2 = 2/6, K2-R3 = 4/8; best = 0.8 + 0.5 = 1.3
    score = ceaf_e(PRADHAN_KEY, PRADHAN_RESPONSE)
    assert score.recall == pytest.approx(1.3 / 2)
    assert score.precision == pytest.approx(1.3 / 3)


def test_conll_f1_is_the_mean_of_three_f1() -> None:
    s = score_all(PRADHAN_KEY, PRADHAN_RESPONSE)
    assert s.conll_f1 == pytest.approx((s.muc.f1 + s.b_cubed.f1 + s.ceaf_e.f1) / 3)
    assert s.muc.f1 == pytest.approx(0.4)


def test_singletons_score_zero_muc_but_count_in_b_cubed() -> None:
    # MUC has no links to find among singletons: 0/0 -> 0; B-cubed is perfect.
    s = score_all([["a"], ["b"]], [["a"], ["b"]])
    assert s.muc.recall_den == 0 and s.muc.f1 == 0.0
    assert s.b_cubed.f1 == 1.0


def test_sum_over_documents_is_micro() -> None:
    one = b_cubed([["a", "b"]], [["a"], ["b"]])  # R = (1+1)/2/2 = 0.5, P = 1
    two = b_cubed([["c"]], [["c"]])  # perfect
    total = one + two
    assert total.recall == pytest.approx((1.0 + 1.0) / 3)


def test_empty_response() -> None:
    s = score_all(KEY, [])
    assert (s.muc.f1, s.b_cubed.f1, s.ceaf_e.f1) == (0.0, 0.0, 0.0)
