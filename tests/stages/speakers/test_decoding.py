"""Decoding: chains, turn-taking transitions, Viterbi and its forward-backward posteriors
(``speakers/decoding.py``; no spaCy)."""

from __future__ import annotations

import itertools
import math

import pytest

from ficlens.stages.speakers import SpeakerConfig
from ficlens.stages.speakers.decoding import chains, decode, marginals, transition, viterbi
from ficlens.stages.speakers.turns import Turn

CFG = SpeakerConfig(same_speaker_penalty=1.0, alternation_bonus=1.5)


def _turn(paragraph: int, scores: dict[str, float]) -> Turn:
    turn = Turn(quotes=[paragraph], paragraph=paragraph, last_paragraph=paragraph, scene=0, scores=dict(scores))
    turn.candidates = list(scores)
    return turn


@pytest.mark.parametrize(
    ("before", "a", "b", "adjacent", "expected"),
    [
        (None, "A", "A", True, -1.0),  # the same voice twice running
        (None, "A", "A", False, -0.25),  # ... across narration: weaker
        ("B", "A", "B", True, 1.5),  # A, B, A turn-taking
        ("B", "A", "B", False, 0.75),
        ("C", "A", "B", True, 0.0),  # a third voice: no opinion
    ],
)
def test_transition(before, a, b, adjacent, expected):
    assert transition(CFG, before, a, b, adjacent) == expected


def test_turn_taking_outweighs_a_weak_preference():
    # Tom is a little likelier on every line; turn-taking alternates them.
    turns = [_turn(k, {"Tom": 0.3, "Anna": 0.0}) for k in range(4)]
    turns[0].scores = {"Tom": 5.0, "Anna": 0.0}
    assert viterbi(turns, CFG) == ["Tom", "Anna", "Tom", "Anna"]


def test_a_turn_without_candidates_cuts_the_chain():
    turns = [_turn(0, {"A": 1.0}), _turn(1, {}), _turn(2, {"B": 1.0, "A": 0.0}), _turn(3, {"A": 1.0})]
    assert [(start, len(chain)) for start, chain in chains(turns)] == [(0, 1), (2, 2)]
    assert decode(turns, CFG) == ["A", None, "B", "A"]


def test_marginals_are_the_decoders_posteriors():
    # Checked against every sequence summed by brute force (turn 2 is two paragraphs on).
    turns = [
        _turn(0, {"A": 1.0, "B": 0.2, "C": -1.0}),
        _turn(1, {"A": -0.5, "B": 0.8}),
        _turn(3, {"A": 0.1, "B": 0.0, "C": 0.4}),
        _turn(4, {"B": -0.3, "C": 0.6}),
    ]
    cfg = CFG

    def score(path: tuple[str, ...]) -> float:
        total = sum(t.scores[c] for t, c in zip(turns, path, strict=True))
        for k in range(1, len(path)):
            before = path[k - 2] if k >= 2 else None
            adjacent = turns[k].paragraph - turns[k - 1].last_paragraph <= 1
            total += transition(cfg, before, path[k - 1], path[k], adjacent)
        return total

    paths = list(itertools.product(*(t.candidates for t in turns)))
    weights = {p: math.exp(score(p)) for p in paths}
    z = sum(weights.values())
    got = marginals(turns, cfg)
    for k, turn in enumerate(turns):
        for cid in turn.candidates:
            expected = sum(w for p, w in weights.items() if p[k] == cid) / z
            assert got[k][cid] == pytest.approx(expected)
    assert tuple(viterbi(turns, cfg)) == max(paths, key=score)
