"""Scoring: how a (turn, candidate) pair gets its score, and the hand-weighted scorer.

::

    RuleScorer().score({"tag_name": 1.0, "salience": 0.5})   # 10.0 + 2.0 * 0.5 = 11.0

A ``Scorer`` maps a candidate's features to a score, higher is more likely. The stage uses the
learned ranker (``ranker.RankerScorer``) by default; ``RuleScorer`` is the hand-weighted linear
scorer it replaced (``SpeakerConfig(scorer="rules")``). ``score_turns`` scores every pair of a
document in one batch and keeps each turn's best ``max_candidates``.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Protocol

from ficlens.stages.speakers.features import check_known
from ficlens.stages.speakers.turns import Turn


class Scorer(Protocol):
    """Scores one (turn, candidate) pair from its features; higher is more likely."""

    def score(self, features: Mapping[str, float]) -> float: ...


DEFAULT_WEIGHTS: Mapping[str, float] = {
    "tag_name": 10.0,  # the tag names this character ("said Elizabeth")
    "tag_alias": 9.0,  # the tag's description is their alias ("said nanny", "the subaltern")
    "tag_coref": 7.0,  # the tag's pronoun/description was resolved to them by coref
    "tag_narrator": 9.0,  # "I said" in a first-person story
    "tag_gender": 2.5,  # unresolved "she said": a salient woman
    "tag_gender_recent": 1.5,  # ... the last one the narration named
    "tag_gender_mismatch": -6.0,
    "tag_other": -6.0,  # the tag names someone else
    "actor": 1.5,  # subject of a narration clause in the quote's paragraph
    "actor_gender": 1.5,  # an unresolved "he"/"she" acts in the paragraph
    "actor_gender_mismatch": -1.0,
    "actor_gender_recent": 0.0,  # measured no help on PDNC; kept for the ranker
    "prev_actor": 0.8,  # subject of the narration sentence just before the quote paragraph
    "prev_actor_gender": 0.5,
    "para_mention": 0.2,  # named in the paragraph's narration (not as a subject)
    "vocative_prev": 2.0,  # addressed by name in the previous turn
    "named_in_quote": -1.5,  # people rarely say their own name
    "salience": 2.0,  # 1 / (1 + paragraphs since last mention)
    "narrator": 0.3,  # the first-person narrator is in every scene
}


@dataclass(frozen=True)
class RuleScorer:
    """Hand-weighted linear scorer; the learned ranker of issue 4 replaces it."""

    weights: Mapping[str, float] = field(default_factory=lambda: dict(DEFAULT_WEIGHTS))

    def __post_init__(self) -> None:
        check_known(self.weights, "RuleScorer weights")

    def score(self, features: Mapping[str, float]) -> float:
        weights = self.weights
        return sum(weights.get(name, 0.0) * value for name, value in features.items())


def score_turns(turns: list[Turn], scorer: Scorer, max_candidates: int, stacked: bool = False) -> None:
    """Score every (turn, candidate) pair, in one batch when the scorer can, plus the turn's
    ``bias`` (``cues``), and keep the best (``stacked``: the second-pass features)."""
    rows = [(turn, cid) for turn in turns for cid in turn.features]
    feats = [(turn.stacked if stacked else turn.features)[cid] for turn, cid in rows]
    batch = getattr(scorer, "score_many", None)
    values = list(batch(feats)) if batch is not None else [scorer.score(f) for f in feats]
    for turn in turns:
        turn.scores = {}
    for (turn, cid), value in zip(rows, values, strict=True):
        turn.scores[cid] = float(value) + turn.bias.get(cid, 0.0)
    for turn in turns:
        turn.candidates = sorted(turn.features, key=lambda c: -turn.scores[c])[:max_candidates]
