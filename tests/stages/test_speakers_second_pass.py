"""The speakers stage's second pass: features from the first pass's decoding (no spaCy)."""

from __future__ import annotations

import itertools
import math

import pytest

from ficlens.model import Gender
from ficlens.stages.speakers import (
    STACK_FEATURES,
    SpeakerConfig,
    SpeakerStage,
    _marginals,
    _Ref,
    _Tag,
    _transition,
    _Turn,
    _viterbi,
    stack_features,
)


def _turn(paragraph: int, scores: dict[str, float], tag: _Tag | None = None, gendered: tuple[str, ...] = ()) -> _Turn:
    features = {c: ({"tag_word_gender": 1.0} if c in gendered else {"salience": 0.5}) for c in scores}
    return _Turn(quotes=[paragraph], paragraph=paragraph, last_paragraph=paragraph, scene=0, tag=tag, features=features, scores=dict(scores))


def _he() -> _Tag:
    return _Tag(_Ref((), "pronoun", Gender.MALE, (0, 2)), verb=1, strength=1.0)


def test_stack_features_describe_the_first_pass():
    a, b, c = "A", "B", "C"  # A and C are men, B a woman
    turns = [
        _turn(0, {a: 2.0, b: -1.0, c: -3.0}),
        _turn(1, {a: -1.0, b: 1.5, c: -2.0}),
        _turn(2, {a: 0.5, b: -0.5, c: 0.0}),
        _turn(3, {a: -0.2, b: 0.3, c: -1.0}, tag=_he(), gendered=(a, c)),
    ]
    stack_features([(turns, [c, b, a, b])], SpeakerConfig())
    last = turns[3].stacked
    assert set(last) == {a, b, c}
    assert last[a]["tag_word_gender"] == 1.0 and last[b]["salience"] == 0.5  # first-pass features kept
    assert last[b]["p1_decoded"] == 1.0 and "p1_decoded" not in last[a]
    assert last[a]["p1_prev1"] == 1.0 and last[b]["p1_prev2"] == 1.0
    assert last[b]["p1_score"] == pytest.approx(0.3) and last[a]["p1_gap"] == pytest.approx(0.5)
    # "he said" after A spoke: the man heard before him, C.
    assert last[c]["p1_gender_last"] == 1.0 and "p1_gender_last" not in last[a]
    assert not any("p1_gender_only" in f for f in last.values())  # two men spoke
    assert [last[x]["p1_share"] for x in (a, b, c)] == pytest.approx([1 / 3] * 3)
    assert last[b]["p1_prev2_gap"] == pytest.approx(2.5)  # turn 1: 1.5 against -1.0
    assert last[a]["p1_speakers"] == pytest.approx(3 / 6)
    first = turns[0].stacked
    assert first[c]["p1_decoded"] == 1.0 and first[b]["p1_next1"] == 1.0 and first[a]["p1_next2"] == 1.0
    assert all(name in STACK_FEATURES for f in (*first.values(), *last.values()) for name in f if name.startswith("p1_"))
    # Only one man heard: him.
    stack_features([(turns, [a, b, a, b])], SpeakerConfig())
    assert turns[3].stacked[a]["p1_gender_only"] == 1.0 and "p1_gender_last" not in turns[3].stacked[a]
    # The first pass's own features are left as they were.
    assert not any(name.startswith("p1_") for t in turns for f in t.features.values() for name in f)


def test_second_pass_rescores_and_decodes_again():
    class Likes:
        """A scorer that scores one feature only."""

        def __init__(self, key: str) -> None:
            self.key = key

        def score(self, features):  # noqa: ANN001 - the Scorer protocol
            return features.get(self.key, 0.0)

    turns = [_turn(0, {"A": 0.0, "B": 0.0}), _turn(1, {"A": 0.0, "B": 0.0})]
    for turn in turns:
        turn.features["A"]["likes_a"] = 1.0
    first = SpeakerStage(SpeakerConfig(scorer="rules"), scorer=Likes("likes_a"))
    [(_, speakers)] = first.decode_conversations(turns)
    assert speakers[0] == "A"
    # The second scorer reads a stack feature: the candidate the first pass did not decode.
    second = SpeakerStage(SpeakerConfig(scorer="rules"), scorer=Likes("likes_a"), second_scorer=Likes("p1_gap"))
    [(_, again)] = second.decode_conversations(turns)
    assert again[0] == "B" and turns[0].stacked["B"]["p1_gap"] > 0
    off = SpeakerStage(SpeakerConfig(scorer="rules", second_pass=False), scorer=Likes("likes_a"), second_scorer=Likes("p1_gap"))
    assert off.second_scorer is None


def test_marginals_are_the_decoders_posteriors():
    # Checked against every sequence summed by brute force (turn 2 is two paragraphs on).
    turns = [
        _turn(0, {"A": 1.0, "B": 0.2, "C": -1.0}),
        _turn(1, {"A": -0.5, "B": 0.8}),
        _turn(3, {"A": 0.1, "B": 0.0, "C": 0.4}),
        _turn(4, {"B": -0.3, "C": 0.6}),
    ]
    for turn in turns:
        turn.candidates = list(turn.scores)
    cfg = SpeakerConfig(same_speaker_penalty=1.0, alternation_bonus=1.5)

    def score(path: tuple[str, ...]) -> float:
        total = sum(t.scores[c] for t, c in zip(turns, path, strict=True))
        for k in range(1, len(path)):
            before = path[k - 2] if k >= 2 else None
            adjacent = turns[k].paragraph - turns[k - 1].last_paragraph <= 1
            total += _transition(cfg, before, path[k - 1], path[k], adjacent)
        return total

    paths = list(itertools.product(*(t.candidates for t in turns)))
    weights = {p: math.exp(score(p)) for p in paths}
    z = sum(weights.values())
    got = _marginals(turns, cfg)
    for k, turn in enumerate(turns):
        for cid in turn.candidates:
            expected = sum(w for p, w in weights.items() if p[k] == cid) / z
            assert got[k][cid] == pytest.approx(expected)
    assert tuple(_viterbi(turns, cfg)) == max(paths, key=score)
