"""The speakers stage: the steps put together (find, then apply).

``SpeakerStage`` builds the turns (``turns``) with their candidates and features
(``candidates``, ``features``), scores them (``scoring``: the model file's ranker by default,
``ranker``), decodes each conversation (``decoding``, then ``second_pass``), picks the
addressees (``addressees``) and turns each decision into evidence and a confidence. It writes
the quotes' speaker, addressees, evidence, confidence, tag span and candidates, and each
character's quote count. ``heldout(novel)`` swaps in the fold models that never saw a PDNC
novel (cross-validated evaluation); ``turns`` and ``decode_conversations`` are what training
(``ficlens.train.speaker_ranker``) calls.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

from ficlens.model import Document, Evidence
from ficlens.stages.characters.cast import recount_lookalike_warnings
from ficlens.stages.speakers.addressees import (
    beat_addressees,
    model_addressees,
    recipient_addressees,
    rule_addressees,
    vocative_addressees,
)
from ficlens.stages.speakers.attention import attention_pairs
from ficlens.stages.speakers.candidates import add_candidates
from ficlens.stages.speakers.config import SpeakerConfig
from ficlens.stages.speakers.cues import add_cues, unaddressed
from ficlens.stages.speakers.decoding import alternate, decode
from ficlens.stages.speakers.index import DocumentIndex
from ficlens.stages.speakers.ranker import RankerBundle, RankerScorer, load_ranker
from ficlens.stages.speakers.scoring import RuleScorer, Scorer, score_turns
from ficlens.stages.speakers.second_pass import first_pass_marginals, stack_features
from ficlens.stages.speakers.tags import TagFinder
from ficlens.stages.speakers.turns import Turn, build_turns, conversations


@dataclass(frozen=True)
class _Decision:
    """What the stage writes on each quote of one turn."""

    speaker_id: str | None
    addressee_ids: tuple[str, ...]
    evidence: Evidence | None
    confidence: float
    speaker_mention: tuple[int, int] | None
    candidates: tuple[str, ...]


@dataclass
class _Found:
    decisions: dict[int, _Decision]  # quote index -> decision


class SpeakerStage:
    """Who says each quote, and to whom: fills ``Quote.speaker_id``, ``addressee_ids``,
    ``evidence``, ``confidence``, ``speaker_mention`` and ``candidates``, and
    ``Character.quotes``. ``scorer``, ``bundle``, ``addressee_scorer`` and ``second_scorer``
    override what ``config`` would load (tests, training, the fold models of ``heldout``)."""

    name = "speakers"
    requires: tuple[str, ...] = ("tokens", "quotes", "characters", "mentions")
    assigns: tuple[str, ...] = ("quotes", "characters", "warnings")

    def __init__(
        self,
        config: SpeakerConfig | None = None,
        scorer: Scorer | None = None,
        bundle: RankerBundle | None = None,
        addressee_scorer: RankerScorer | None = None,
        second_scorer: RankerScorer | None = None,
    ) -> None:
        config = config or SpeakerConfig()
        if config.scorer not in ("rules", "ranker"):
            raise ValueError(f"speakers.scorer must be 'rules' or 'ranker', not {config.scorer!r}")
        self.bundle = bundle
        if scorer is None and config.scorer == "ranker":
            # The model is loaded once, here, by the stage that owns it.
            self.bundle = bundle or load_ranker(config.model or None)
            scorer = self.bundle.full
        if self.bundle is not None:
            # The ranker's scores are log-odds: it carries the transition scores tuned for them.
            known = {k: float(v) for k, v in self.bundle.decoder.items() if k in ("same_speaker_penalty", "alternation_bonus")}
            config = replace(config, **known)  # type: ignore[arg-type]
        self.config = config
        self.scorer: Scorer = scorer or RuleScorer()
        # Addressees: the bundle's learned scorer when it has one, else the hand rules.
        self.addressee_scorer = addressee_scorer or (self.bundle.addressee if self.bundle is not None else None)
        # The second pass only rescores what this bundle's first pass decoded.
        if second_scorer is None and self.bundle is not None and scorer is not None and scorer is self.bundle.full:
            second_scorer = self.bundle.second
        self.second_scorer = second_scorer if config.second_pass else None

    def heldout(self, name: str) -> SpeakerStage:
        """This stage with the fold model that never saw the novel ``name`` (cross-validated
        evaluation); itself when it has no fold models or none held ``name`` out."""
        if self.bundle is None:
            return self
        scorer = self.bundle.for_heldout(name)
        if scorer is None:
            return self
        addressee = self.bundle.addressee_for_heldout(name)
        second = self.bundle.second_for_heldout(name)
        return SpeakerStage(self.config, scorer=scorer, bundle=self.bundle, addressee_scorer=addressee, second_scorer=second)

    def __call__(self, doc: Document) -> Document:
        found = self._find(doc)
        self._apply(doc, found)
        # A character that may be a cast member is reported by the lines it took.
        doc.warnings = recount_lookalike_warnings(doc.warnings, doc.characters)
        return doc

    # --- find --------------------------------------------------------------------
    def candidate_features(self, doc: Document) -> list[tuple[tuple[int, ...], dict[str, dict[str, float]]]]:
        """Per speaking turn: its quote indices and the features of each candidate (training data)."""
        return [(tuple(t.quotes), t.features) for t in self.turns(doc)]

    def turns(self, doc: Document) -> list[Turn]:
        """The speaking turns with their candidates' features, not yet scored (the part of the
        stage that does not depend on the model; training scores them with each fold model)."""
        if not doc.quotes or not doc.characters or not doc.tokens:
            return []
        index = DocumentIndex(doc)
        tags = TagFinder(index, self.config)
        turns = build_turns(index, tags)
        if turns:
            add_candidates(index, turns, self.config)
            if self.config.cues:
                add_cues(index, turns, tags, self.config.conversation_gap)
                # One paragraph's beats serve every turn in it.
                by_paragraph: dict[int, list] = {}
                for turn in turns:
                    if turn.paragraph not in by_paragraph:
                        by_paragraph[turn.paragraph] = attention_pairs(index, tags, turn.paragraph)
                    turn.attention = by_paragraph[turn.paragraph]
        return turns

    def decode_conversations(self, turns: list[Turn]) -> list[tuple[list[Turn], list[str | None]]]:
        """Score the turns with this stage's scorer and decode each conversation's speakers
        (then rescore and decode again with the second-pass scorer, when there is one)."""
        score_turns(turns, self.scorer, self.config.max_candidates)
        decoded = [(c, decode(c, self.config)) for c in conversations(turns, self.config.conversation_gap)]
        if self.second_scorer is None:
            return decoded
        first = [(t.scores, t.candidates) for t in turns]
        # The first pass's posteriors, once: every round reads the same.
        marginals = first_pass_marginals([conversation for conversation, _ in decoded], self.config)
        for _ in range(max(1, self.config.second_pass_rounds)):
            # Each round sees the first pass's scores, as in training, and the speakers the
            # round before decoded.
            for turn, (scores, candidates) in zip(turns, first, strict=True):
                turn.scores, turn.candidates = scores, candidates
            stack_features(decoded, self.config, marginals)
            decoded = self.decode_stacked(turns, self.second_scorer)
        return decoded

    def decode_stacked(self, turns: list[Turn], scorer: Scorer) -> list[tuple[list[Turn], list[str | None]]]:
        """Score the turns' second-pass features (``stack_features``) with ``scorer``; each turn's
        best candidate speaks it. The features already carry the first pass's turn-taking, and a
        second Viterbi over them measured no better on PDNC (and lost explicit quotes)."""
        score_turns(turns, scorer, self.config.max_candidates, stacked=True)
        out: list[tuple[list[Turn], list[str | None]]] = []
        for c in conversations(turns, self.config.conversation_gap):
            speakers = [t.candidates[0] if t.candidates else None for t in c]
            if self.config.cues:
                speakers = alternate(c, speakers, self.config.alternation_margin)
            out.append((c, speakers))
        return out

    def _find(self, doc: Document) -> _Found:
        turns = self.turns(doc)
        if not turns:
            return _Found({})
        decoded = self.decode_conversations(turns)
        if self.config.cues:
            decoded = [(c, [unaddressed(t, s) for t, s in zip(c, speakers, strict=True)]) for c, speakers in decoded]
        if self.addressee_scorer is not None:
            threshold = self.bundle.addressee_threshold if self.bundle is not None else 0.0
            addressees = model_addressees(decoded, doc.characters, self.addressee_scorer, threshold)
        else:
            addressees = [[rule_addressees(c, speakers, k) for k in range(len(c))] for c, speakers in decoded]
        if self.config.cues:
            # A vocative narrows the addressees; a tag that says whom the line is said to decides.
            genders = {c.id: c.gender for c in doc.characters}
            addressees = [
                [
                    recipient_addressees(t, s, beat_addressees(t, s, vocative_addressees(t, s, found), genders), genders)
                    for t, s, found in zip(c, speakers, by, strict=True)
                ]
                for (c, speakers), by in zip(decoded, addressees, strict=True)
            ]
        decisions: dict[int, _Decision] = {}
        for (conversation, speakers), found in zip(decoded, addressees, strict=True):
            for k, turn in enumerate(conversation):
                decision = self._decide(conversation, speakers, k, found[k])
                for qi in turn.quotes:
                    decisions[qi] = decision
        return _Found(decisions)

    def _decide(self, turns: list[Turn], speakers: list[str | None], k: int, addressees: tuple[str, ...]) -> _Decision:
        """Turn ``k``'s decision: its decoded speaker with the evidence (the tag named them,
        a pronoun tag fits them, or nothing but the exchange) and a confidence from it."""
        turn = turns[k]
        speaker = speakers[k]
        ranked = tuple(sorted(turn.scores, key=lambda c: -turn.scores[c]))
        if speaker is None:
            return _Decision(None, (), None, 0.0, None, ranked)
        feats = turn.features.get(speaker, {})
        tag = turn.tag
        span = None
        if tag is not None and (speaker in tag.ref.ids or feats.get("tag_gender", 0) > 0):
            span = tag.ref.span
            if tag.ref.kind in ("name", "alias"):
                evidence = Evidence.EXPLICIT
                confidence = 0.95 if len(tag.ref.ids) == 1 else 0.8
            elif tag.ref.kind in ("coref", "narrator"):
                evidence = Evidence.ANAPHORIC
                confidence = 0.88
            else:
                evidence = Evidence.ANAPHORIC
                rivals = sum(1 for c in turn.candidates if turn.features[c].get("tag_gender", 0) > 0)
                confidence = 0.8 if rivals <= 1 else 0.6
            confidence *= 0.7 + 0.3 * tag.strength
        else:
            evidence = Evidence.ANAPHORIC if tag is not None and tag.ref.kind not in ("name", "alias") else Evidence.IMPLICIT
            previous = speakers[k - 2] if k >= 2 else None
            if feats.get("vocative_prev", 0) > 0 or feats.get("actor", 0) > 0:
                confidence = 0.65
            elif previous == speaker and speakers[k - 1] != speaker:
                confidence = 0.6
            else:
                confidence = 0.3
            if tag is not None:
                confidence = min(confidence, 0.3)
        return _Decision(speaker, addressees, evidence, confidence, span, ranked)

    # --- apply -------------------------------------------------------------------
    def _apply(self, doc: Document, found: _Found) -> None:
        decisions = found.decisions
        if not decisions:
            return
        quotes = list(doc.quotes)
        counts: dict[str, int] = {}
        for qi, d in decisions.items():
            q = quotes[qi]
            quotes[qi] = replace(
                q,
                speaker_id=d.speaker_id,
                addressee_ids=d.addressee_ids,
                evidence=d.evidence,
                confidence=round(d.confidence, 3),
                speaker_mention=d.speaker_mention,
                candidates=d.candidates,
            )
            # A quote broken by narration counts once.
            if d.speaker_id is not None and q.continues is None:
                counts[d.speaker_id] = counts.get(d.speaker_id, 0) + 1
        doc.quotes = quotes
        doc.characters = [replace(c, quotes=counts.get(c.id, 0)) for c in doc.characters]
