"""The second pass: features from the first pass's decoding, and the rounds that rescore with
them (``speakers/second_pass.py``; no spaCy)."""

from __future__ import annotations

import pytest

from ficlens.model import Gender
from ficlens.stages.speakers import (
    STACK_FEATURES,
    RuleScorer,
    SpeakerConfig,
    SpeakerStage,
    stack_features,
)
from ficlens.stages.speakers.tags import Ref, Tag
from ficlens.stages.speakers.turns import Turn


def _turn(paragraph: int, scores: dict[str, float], tag: Tag | None = None, gendered: tuple[str, ...] = ()) -> Turn:
    features = {c: ({"tag_word_gender": 1.0} if c in gendered else {"salience": 0.5}) for c in scores}
    return Turn(quotes=[paragraph], paragraph=paragraph, last_paragraph=paragraph, scene=0, tag=tag, features=features, scores=dict(scores))


def _he() -> Tag:
    return Tag(Ref((), "pronoun", Gender.MALE, (0, 2)), verb=1, strength=1.0)


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
        turn.features["A"]["actor"] = 1.0
    first = SpeakerStage(SpeakerConfig(scorer="rules"), scorer=Likes("actor"))
    [(_, speakers)] = first.decode_conversations(turns)
    assert speakers[0] == "A"
    # The second scorer reads a stack feature: the candidate the first pass did not decode.
    second = SpeakerStage(SpeakerConfig(scorer="rules"), scorer=Likes("actor"), second_scorer=Likes("p1_gap"))
    [(_, again)] = second.decode_conversations(turns)
    assert again[0] == "B" and turns[0].stacked["B"]["p1_gap"] > 0
    off = SpeakerStage(SpeakerConfig(scorer="rules", second_pass=False), scorer=Likes("actor"), second_scorer=Likes("p1_gap"))
    assert off.second_scorer is None


def _worded(words: str, candidates: tuple[str, ...]) -> Turn:
    turn = Turn(quotes=[], paragraph=0, last_paragraph=0, scene=0)
    turn.words = words.split()
    turn.features = {c: {} for c in candidates}
    return turn


def test_second_pass_style_learns_from_the_decoded_lines():
    # No tags at all: the profiles come from whom the first pass decoded.
    turns = [_worded("darling darling how lovely " * 20, ("B", "M")) for _ in range(2)]
    turns += [_worded("my dear sir indeed " * 20, ("B", "M")) for _ in range(2)]
    line = _worded("darling", ("B", "M"))
    for t in [*turns, line]:
        t.scores = {"B": 0.0, "M": 0.0}
    stack_features([([*turns, line], ["B", "B", "M", "M", None])], SpeakerConfig())
    assert line.stacked["B"]["p1_style"] > line.stacked["M"]["p1_style"]
    assert "style" not in line.stacked["B"]  # first-pass features copied, not recomputed


class _NextDecoded:
    """A second-pass scorer for the test below: the candidate the round before decoded for
    the next turn; it records the first-pass scores each round shows it."""

    def __init__(self) -> None:
        self.p1_scores: list[float] = []

    def score(self, features):
        self.p1_scores.append(features["p1_score"])
        return features.get("p1_next1", 0.0)


def test_each_second_pass_round_reads_the_round_before_and_the_first_pass_scores():
    turns = []
    for k, strength in enumerate((1.0, 0.2)):
        turn = Turn(quotes=[k], paragraph=k, last_paragraph=k, scene=0)
        turn.features = {"A": {"tag_name": strength}, "B": {}}
        turns.append(turn)
    first = RuleScorer({"tag_name": 1.0})
    decoded = {}
    for rounds in (1, 2):
        second = _NextDecoded()
        stage = SpeakerStage(SpeakerConfig(scorer="rules", second_pass_rounds=rounds), scorer=first, second_scorer=second)
        decoded[rounds] = stage.decode_conversations(turns)[0][1]
        # Every round (four pairs each) sees the first pass's scores, not the round before's.
        rounds_seen = [sorted(second.p1_scores[i : i + 4]) for i in range(0, len(second.p1_scores), 4)]
        assert rounds_seen == [[0.0, 0.0, 0.2, 1.0]] * rounds
    # The first pass decodes A, B; round one follows it to B, A; round two follows that to A.
    assert decoded[1] == ["B", "A"] and decoded[2][0] == "A"
