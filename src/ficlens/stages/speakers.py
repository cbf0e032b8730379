"""Speakers: who says each quote, and to whom.

::

    "Well," she said, "I never."   -> Q0, Q1 one turn: she -> coref (or gender), ANAPHORIC
    "Teddy, stop."                 -> addressee Teddy (vocative)
    He turns. "You came back?"     -> he acts in the paragraph: IMPLICIT
    "Yes," said Elizabeth.         -> EXPLICIT

The work is split the way a learned ranker (issue 4) took over:

1. **turns**: quotes grouped into speaking turns (pieces linked by ``continues`` and the
   pieces of one paragraph, unless their tags name different people);
2. **candidates and features** per (turn, character): the speech tag, the actor of the
   paragraph, a vocative in the previous turn, the character named inside the quote,
   salience (how recently the narration mentioned them), and style: how much the turn's
   words sound like the lines the story's name tags give the character (``style_features``);
3. **scoring** by a pluggable ``Scorer``: ``RankerScorer`` (default; gradient-boosted trees
   trained on PDNC, docs/model-card-speakers.md) or ``RuleScorer`` (hand weights);
4. **decoding**: a conversation (run of quote paragraphs) is decoded with a second-order
   Viterbi whose transitions penalise a speaker talking in two paragraphs in a row and
   reward A, B, A, B turn-taking, so an untagged line takes its speaker from the exchange;
   with a model file that has a ``second`` section, a **second pass** then rescores every
   candidate with the first pass's decoding as extra features (``STACK_FEATURES``: its own
   first-pass score and posterior (forward-backward over the same transitions), its and its
   neighbours', whether it was decoded for the turns around, its share of the
   conversation, the last first-pass speaker of the tag's gender, style by all the lines the
   first pass decoded) and each turn takes its best candidate; the second pass runs again
   (``second_pass_rounds``) with the speakers it decoded in place of the first pass's, the
   scores still the first pass's (what the model learnt from);
5. **addressees** of each turn, once its conversation's speakers are known
   (``ficlens.stages.addressees``: the model file's addressee ranker, or hand rules).

Everything is one pass over tokens, quotes and mentions (linear in book length); the
Viterbi is bounded by ``max_candidates`` cubed per turn.
"""

from __future__ import annotations

import math
from bisect import bisect_left
from collections import Counter, OrderedDict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any, Protocol

from ficlens.model import Character, Document, Evidence, Gender, Mention, MentionKind, Quote, Token
from ficlens.stages.addressees import model_addressees, rule_addressees
from ficlens.stages.characters import ROLE_NOUNS
from ficlens.stages.speech_verbs import (
    ADDRESS_GENDER,
    ADDRESS_MODIFIERS,
    ADJACENT_SPEECH_LEMMAS,
    FIRST_PERSON,
    IRREGULAR_SPEECH,
    MANNER_LEMMAS,
    NOUN_GENDER,
    PHRASAL_SPEECH,
    PRONOUN_GENDER,
    SECOND_PERSON,
    SPEECH_LEMMAS,
    SUBJECT_DEPS,
    TITLES,
    UNNAMED_SPEAKERS,
    VOCATIVE_OPENERS,
    address_agreement,
)

_SENTENCE_END = frozenset({".", "!", "?", "…"})
_FUNCTION_WORDS = frozenset("at of in on to and or with from for by as who his her their its is was".split())
# Style profiles: Dirichlet smoothing towards the story's quoted words, and the fewest
# tagged words a character needs before its profile counts.
STYLE_SMOOTHING = 200.0
STYLE_MIN_WORDS = 100
_QUOTE_MARKS = frozenset("\"'“”‘’«»„‟‹›")
_MALE_TITLES = frozenset({"mr", "sir", "lord", "monsieur", "father", "brother", "uncle", "master"})
_FEMALE_TITLES = frozenset(
    {"mrs", "miss", "ms", "lady", "madam", "madame", "mme", "mlle", "mother", "sister", "aunt", "mistress", "dame"}
)


@dataclass(frozen=True)
class SpeakerConfig:
    # Narration tokens after (or before) a quote searched for a speech tag.
    tag_window_tokens: int = 12
    # A character mentioned within this many paragraphs is a candidate speaker.
    salience_paragraphs: int = 30
    # Most recent characters taken as candidates from salience alone.
    salient_candidates: int = 6
    # Candidates kept per turn for decoding (the Viterbi costs this number cubed per turn).
    max_candidates: int = 5
    # Narration paragraphs allowed inside one conversation.
    conversation_gap: int = 1
    # Transition scores of the decoder.
    same_speaker_penalty: float = 1.0
    alternation_bonus: float = 2.0
    # Accept manner verbs as speech tags ("Hi," she smiled), common in fan fiction.
    manner_verbs: bool = True
    # "ranker" (default): the learned ranker (RankerScorer, beat the rules on PDNC CV), whose
    # model file also carries the decoder's transition scores; "rules": hand weights.
    scorer: str = "ranker"
    # Ranker model file; empty: the one shipped in ficlens/data/models.
    model: str = ""
    # Rescore with the model file's second-pass ranker (when it has one), which sees the
    # first pass's decoded speakers as features.
    second_pass: bool = True
    # Times the second-pass ranker runs, each on the speakers the round before decoded (2: PDNC
    # +0.2 points with gold characters, +0.1 end to end; a third round changed nothing).
    second_pass_rounds: int = 2


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

    def score(self, features: Mapping[str, float]) -> float:
        weights = self.weights
        return sum(weights.get(name, 0.0) * value for name, value in features.items())


MODEL_FILE = "speakers-ranker.json"
MODEL_FORMAT = "ficlens-speaker-ranker/1"


class TreeEnsemble:
    """Gradient-boosted trees (exported from scikit-learn's HistGradientBoostingClassifier)
    evaluated with numpy, all rows and trees at once: a handful of array operations per
    document, no per-candidate Python model calls."""

    def __init__(self, data: Mapping[str, object]) -> None:
        import numpy as np

        trees: list[dict[str, list[float]]] = list(data["trees"])  # type: ignore[call-overload]
        sizes = [len(t["feature"]) for t in trees]
        offsets = np.cumsum([0, *sizes[:-1]]).astype(np.int64)
        self.roots = offsets
        cat = lambda key, dtype: np.concatenate([np.asarray(t[key], dtype=dtype) for t in trees]) if trees else np.zeros(0, dtype)  # noqa: E731
        self.feature = cat("feature", np.int64)
        self.threshold = cat("threshold", np.float64)
        self.value = cat("value", np.float64)
        self.missing_left = cat("missing_left", bool)
        # Children are stored per tree; shift them to the concatenated index.
        self.left = cat("left", np.int64) + np.repeat(offsets, sizes)
        self.right = cat("right", np.int64) + np.repeat(offsets, sizes)
        self.is_leaf = cat("left", np.int64) == 0
        self.depth = int(data.get("max_depth", 64))  # type: ignore[call-overload]
        self.baseline = float(data["baseline"])  # type: ignore[arg-type]

    def raw(self, x: object) -> object:
        """Raw margin (log-odds) per row of ``x`` (n_rows x n_features)."""
        import numpy as np

        x = np.asarray(x, dtype=np.float64)
        if x.shape[0] == 0 or self.roots.size == 0:
            return np.full(x.shape[0], self.baseline)
        rows = np.arange(x.shape[0])[:, None]
        node = np.broadcast_to(self.roots, (x.shape[0], self.roots.size)).copy()
        for _ in range(self.depth + 1):
            leaf = self.is_leaf[node]
            if leaf.all():
                break
            values = x[rows, self.feature[node]]
            go_left = np.where(np.isnan(values), self.missing_left[node], values <= self.threshold[node])
            node = np.where(leaf, node, np.where(go_left, self.left[node], self.right[node]))
        return self.baseline + self.value[node].sum(axis=1)


@dataclass(frozen=True)
class RankerScorer:
    """The learned ranker: a tree ensemble over the (turn, candidate) features; scores are
    log-odds that the candidate is the speaker."""

    features: tuple[str, ...]
    model: TreeEnsemble

    def score(self, features: Mapping[str, float]) -> float:
        return float(self.score_many([features])[0])

    def score_many(self, rows: list[Mapping[str, float]]) -> list[float]:
        return self.model.raw(feature_matrix(rows, self.features)).tolist()  # type: ignore[attr-defined]


def feature_matrix(rows: Sequence[Mapping[str, float]], names: Sequence[str]) -> Any:
    """Rows of named features as a numpy matrix with one column per name (absent: 0; names
    not listed: ignored), the layout the models are trained and scored on."""
    import numpy as np

    index = {name: i for i, name in enumerate(names)}
    x = np.zeros((len(rows), len(names)))
    for r, feats in enumerate(rows):
        for name, value in feats.items():
            i = index.get(name)
            if i is not None:
                x[r, i] = value
    return x


@dataclass(frozen=True)
class RankerBundle:
    """A ranker model file: the full model, the k fold models (each trained without its
    held-out novels) and the decoder settings they were tuned with."""

    full: RankerScorer
    folds: tuple[tuple[frozenset[str], RankerScorer], ...]
    decoder: Mapping[str, float]
    meta: Mapping[str, object]
    # The addressee scorer (same layout: full model and fold models) and its threshold.
    addressee: RankerScorer | None = None
    addressee_folds: tuple[tuple[frozenset[str], RankerScorer], ...] = ()
    addressee_threshold: float = 0.0
    # The second-pass speaker scorer (same layout), over FEATURES + STACK_FEATURES.
    second: RankerScorer | None = None
    second_folds: tuple[tuple[frozenset[str], RankerScorer], ...] = ()

    def for_heldout(self, name: str) -> RankerScorer | None:
        """The fold model that never saw ``name`` (None when no fold held it out)."""
        return _fold_for(self.folds, name)

    def second_for_heldout(self, name: str) -> RankerScorer | None:
        """The second-pass fold model that never saw ``name``."""
        return _fold_for(self.second_folds, name)

    def addressee_for_heldout(self, name: str) -> RankerScorer | None:
        """The addressee fold model that never saw ``name``."""
        return _fold_for(self.addressee_folds, name)


def _fold_for(folds: tuple[tuple[frozenset[str], RankerScorer], ...], name: str) -> RankerScorer | None:
    for heldout, scorer in folds:
        if name in heldout:
            return scorer
    return None


def load_ranker(path: str | Path | None = None) -> RankerBundle:
    """Read a ranker model file (JSON); without a path, the shipped one."""
    import json

    if path:
        text = Path(path).read_text(encoding="utf-8")
    else:
        from importlib.resources import files

        text = files("ficlens").joinpath("data", "models", MODEL_FILE).read_text(encoding="utf-8")
    data = json.loads(text)
    if data.get("format") != MODEL_FORMAT:
        raise ValueError(f"{path or MODEL_FILE}: not a {MODEL_FORMAT} model file")
    return bundle_from_data(data)


def bundle_from_data(data: Mapping[str, object]) -> RankerBundle:
    """A RankerBundle from a model file's parsed JSON."""

    def scorers(section: Mapping[str, object]) -> tuple[RankerScorer, tuple[tuple[frozenset[str], RankerScorer], ...]]:
        names = tuple(section["features"])  # type: ignore[call-overload]
        full = RankerScorer(names, TreeEnsemble(section["full"]))  # type: ignore[arg-type]
        folds = tuple(
            (frozenset(f["heldout"]), RankerScorer(names, TreeEnsemble(f["model"])))
            for f in section.get("folds", [])  # type: ignore[attr-defined]
        )
        return full, folds

    full, folds = scorers(data)
    meta = {k: v for k, v in data.items() if k not in ("full", "folds", "addressee", "second")}
    bundle = RankerBundle(full, folds, dict(data.get("decoder", {})), meta)  # type: ignore[call-overload]
    section = data.get("addressee")
    if section:
        addressee, addressee_folds = scorers(section)  # type: ignore[arg-type]
        threshold = float(section.get("threshold", 0.0))  # type: ignore[attr-defined]
        bundle = replace(bundle, addressee=addressee, addressee_folds=addressee_folds, addressee_threshold=threshold)
    section = data.get("second")
    if section:
        second, second_folds = scorers(section)  # type: ignore[arg-type]
        bundle = replace(bundle, second=second, second_folds=second_folds)
    return bundle


# --- internal records ----------------------------------------------------------


@dataclass(frozen=True)
class _Ref:
    """A character reference in narration: a tag subject or an actor."""

    ids: tuple[str, ...]  # characters it may be (empty when unresolved)
    # "name", "alias" (a description that is a character's alias), "coref" (pronoun/nominal
    # resolved by coref), "pronoun", "nominal", "narrator"
    kind: str
    gender: Gender | None
    span: tuple[int, int]


@dataclass(frozen=True)
class _Tag:
    ref: _Ref
    verb: int  # token index of the speech verb (one tag can serve two pieces)
    strength: float  # 1 for speech verbs, lower for manner verbs


@dataclass
class _Turn:
    quotes: list[int]  # indices into doc.quotes
    paragraph: int
    last_paragraph: int
    scene: int
    tag: _Tag | None = None
    actors: list[_Ref] = field(default_factory=list)
    prev_actors: list[_Ref] = field(default_factory=list)  # last sentence of the narration before
    para_mentions: set[str] = field(default_factory=set)
    vocatives: list[str] = field(default_factory=list)
    addressed: set[Gender] = field(default_factory=set)  # genders its quotes address ("sir")
    named: set[str] = field(default_factory=set)  # characters named inside the quote
    candidates: list[str] = field(default_factory=list)
    features: dict[str, dict[str, float]] = field(default_factory=dict)
    scores: dict[str, float] = field(default_factory=dict)
    # Second pass: the features above plus STACK_FEATURES, per candidate.
    stacked: dict[str, dict[str, float]] = field(default_factory=dict)
    words: list[str] = field(default_factory=list)  # the quotes' words, lowercased (style)


@dataclass(frozen=True)
class _Decision:
    speaker_id: str | None
    addressee_ids: tuple[str, ...]
    evidence: Evidence | None
    confidence: float
    speaker_mention: tuple[int, int] | None
    candidates: tuple[str, ...]


@dataclass
class _Found:
    decisions: dict[int, _Decision]  # quote index -> decision


class _Names:
    """Character lookup by alias text: full aliases first, then unambiguous name parts."""

    def __init__(self, characters: list[Character]) -> None:
        self.gender = {c.id: c.gender for c in characters}
        self.full: dict[str, set[str]] = {}
        self.part: dict[str, set[str]] = {}
        for c in characters:
            for alias in (c.name, *c.aliases):
                key = _normalise(alias)
                if not key:
                    continue
                self.full.setdefault(key, set()).add(c.id)
                for word in key.split():
                    # Function words of descriptive aliases ("the clerk at the trial") name nobody.
                    if word not in TITLES and word not in _FUNCTION_WORDS and len(word) > 1 and word[0].isalpha():
                        self.part.setdefault(word, set()).add(c.id)

    def alias_owners(self, text: str) -> set[str]:
        """The characters whose name or one of whose aliases the text is in full (articles
        aside); empty when it is nobody's."""
        return self.full.get(_normalise(text), set())

    def lookup(self, text: str) -> tuple[str, ...]:
        key = _normalise(text)
        if not key:
            return ()
        if key in self.full:
            return tuple(sorted(self.full[key]))
        words = key.split()
        content = [w for w in words if w not in TITLES]
        if not content:
            return ()
        ids: set[str] | None = None
        for word in content:
            found = self.part.get(word)
            if not found:
                return ()
            ids = set(found) if ids is None else ids & found
        if not ids:
            return ()
        # A title says the gender: "Mr. Bennet" is not Mrs. Bennet.
        wanted = None
        if words[0] in _MALE_TITLES:
            wanted = Gender.MALE
        elif words[0] in _FEMALE_TITLES:
            wanted = Gender.FEMALE
        if wanted is not None:
            kept = {i for i in ids if self.gender.get(i) in (wanted, Gender.UNKNOWN, Gender.NONBINARY)}
            ids = kept or ids
        return tuple(sorted(ids))


def _normalise(text: str) -> str:
    words = text.lower().replace(".", " ").replace("’", "'").split()
    while words and words[0] in ("the", "a", "an"):
        words = words[1:]
    # End dashes too: "said Margaret--" is Margaret.
    return " ".join(w.strip(",;:!?\"'-—–") for w in words).strip()


# --- the stage -----------------------------------------------------------------


class SpeakerStage:
    name = "speakers"
    requires: tuple[str, ...] = ("tokens", "quotes", "characters", "mentions")
    assigns: tuple[str, ...] = ("quotes", "characters", "mentions")

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
        return doc

    # --- find --------------------------------------------------------------------
    def candidate_features(self, doc: Document) -> list[tuple[tuple[int, ...], dict[str, dict[str, float]]]]:
        """Per speaking turn: its quote indices and the features of each candidate (training data)."""
        return [(tuple(t.quotes), t.features) for t in self.turns(doc)]

    def turns(self, doc: Document) -> list[_Turn]:
        """The speaking turns with their candidates' features, not yet scored (the part of the
        stage that does not depend on the model; training scores them with each fold model)."""
        if not doc.quotes or not doc.characters or not doc.tokens:
            return []
        ctx = _Context(doc, self.config)
        turns = ctx.build_turns()
        if turns:
            ctx.add_candidates(turns)
        return turns

    def decode_conversations(self, turns: list[_Turn]) -> list[tuple[list[_Turn], list[str | None]]]:
        """Score the turns with this stage's scorer and decode each conversation's speakers
        (then rescore and decode again with the second-pass scorer, when there is one)."""
        score_turns(turns, self.scorer, self.config.max_candidates)
        decoded = [(c, self._decode(c)) for c in _conversations(turns, self.config.conversation_gap)]
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

    def decode_stacked(self, turns: list[_Turn], scorer: Scorer) -> list[tuple[list[_Turn], list[str | None]]]:
        """Score the turns' second-pass features (``stack_features``) with ``scorer``; each turn's
        best candidate speaks it. The features already carry the first pass's turn-taking, and a
        second Viterbi over them measured no better on PDNC (and lost explicit quotes)."""
        score_turns(turns, scorer, self.config.max_candidates, stacked=True)
        return [
            (c, [t.candidates[0] if t.candidates else None for t in c])
            for c in _conversations(turns, self.config.conversation_gap)
        ]

    def _find(self, doc: Document) -> _Found:
        turns = self.turns(doc)
        if not turns:
            return _Found({})
        decoded = self.decode_conversations(turns)
        if self.addressee_scorer is not None:
            threshold = self.bundle.addressee_threshold if self.bundle is not None else 0.0
            addressees = model_addressees(decoded, doc.characters, self.addressee_scorer, threshold)
        else:
            addressees = [[rule_addressees(c, speakers, k) for k in range(len(c))] for c, speakers in decoded]
        decisions: dict[int, _Decision] = {}
        for (conversation, speakers), found in zip(decoded, addressees, strict=True):
            for k, turn in enumerate(conversation):
                decision = self._decide(conversation, speakers, k, found[k])
                for qi in turn.quotes:
                    decisions[qi] = decision
        return _Found(decisions)

    def _decode(self, turns: list[_Turn]) -> list[str | None]:
        """Second-order Viterbi over the turns' candidates (turn-taking transitions)."""
        result: list[str | None] = [None] * len(turns)
        for start, chain in _chains(turns):
            for k, speaker in enumerate(_viterbi(chain, self.config)):
                result[start + k] = speaker
        return result

    def _decide(self, turns: list[_Turn], speakers: list[str | None], k: int, addressees: tuple[str, ...]) -> _Decision:
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
        doc.mentions = _resolve_quote_pronouns(doc.mentions, quotes)


# --- context: indexes over one document -----------------------------------------


class _Context:
    def __init__(self, doc: Document, cfg: SpeakerConfig) -> None:
        self.doc = doc
        self.cfg = cfg
        self.tokens = doc.tokens
        self.names = _Names(doc.characters)
        self.chars = doc.character_index()
        narrators = [c.id for c in doc.characters if c.is_narrator]
        self.narrator = narrators[0] if narrators else None
        self.starts = [t.start for t in doc.tokens]
        n = len(doc.tokens)
        # token -> index of the mention covering it (-1 for none)
        self.mention_at = [-1] * n
        for mi, m in enumerate(doc.mentions):
            for t in range(max(0, m.start_token), min(n, m.end_token_excl)):
                self.mention_at[t] = mi
        # token -> inside a quote (marks included)
        self.in_quote = [False] * n
        self.quote_tokens: list[tuple[int, int]] = []
        text = doc.text
        for q in doc.quotes:
            lo_char = q.open_start if q.open_start >= 0 else q.start
            hi_char = q.end + 1 if q.end < len(text) and text[q.end] in _QUOTE_MARKS else q.end
            lo = bisect_left(self.starts, lo_char)
            hi = bisect_left(self.starts, hi_char)
            inner_lo = bisect_left(self.starts, q.start)
            inner_hi = bisect_left(self.starts, q.end)
            self.quote_tokens.append((inner_lo, inner_hi))
            for t in range(lo, hi):
                self.in_quote[t] = True
        counts: dict[str, int] = {}
        for m in doc.mentions:
            if m.character_id is not None:
                counts[m.character_id] = counts.get(m.character_id, 0) + 1
        most = max(counts.values(), default=0)
        self.mention_share = {cid: n / most for cid, n in counts.items()} if most else {}
        self.top_by_gender: dict[Gender, str] = {}
        for c in sorted(doc.characters, key=lambda c: -max(c.mentions, counts.get(c.id, 0))):
            self.top_by_gender.setdefault(c.gender, c.id)
        self.paragraph_tokens = {p.id: (p.start_token, p.end_token_excl) for p in doc.paragraphs}
        self.paragraph_scene = {p.id: p.scene for p in doc.paragraphs}
        self.quote_index = {q.id: i for i, q in enumerate(doc.quotes)}
        self.quote_paragraphs = {q.paragraph for q in doc.quotes}

    # --- turns -------------------------------------------------------------------
    def build_turns(self) -> list[_Turn]:
        quotes = self.doc.quotes
        order = sorted(
            (i for i, q in enumerate(quotes) if q.nested_in is None), key=lambda i: quotes[i].start
        )
        turn_of: dict[int, _Turn] = {}
        turns: list[_Turn] = []
        by_paragraph: dict[int, list[int]] = {}
        for i in order:
            by_paragraph.setdefault(quotes[i].paragraph, []).append(i)
        for i in order:
            q = quotes[i]
            tag = self._tag(i, by_paragraph[q.paragraph])
            parent = self.quote_index.get(q.continues) if q.continues else None
            current = turns[-1] if turns else None
            joined: _Turn | None = None
            parent_tag = turn_of[parent].tag if parent is not None and parent in turn_of else None
            if parent is not None and parent in turn_of and not (
                tag is not None and parent_tag is not None and tag.ref.kind == parent_tag.ref.kind == "name"
                and _different(parent_tag, tag)
            ):
                # (a piece whose own tag names someone else is a reply the quote stage linked)
                joined = turn_of[parent]
            elif current is not None and current.last_paragraph == q.paragraph and not _different(current.tag, tag):
                joined = current
            if joined is None:
                joined = _Turn([], q.paragraph, q.paragraph, self.paragraph_scene.get(q.paragraph, 0))
                turns.append(joined)
            joined.quotes.append(i)
            joined.last_paragraph = max(joined.last_paragraph, q.paragraph)
            if joined.tag is None and tag is not None:
                joined.tag = tag
            turn_of[i] = joined
        for turn in turns:
            self._describe(turn)
        return turns

    def _tag(self, qi: int, paragraph_quotes: list[int]) -> _Tag | None:
        """The speech tag right after the quote, else right before it (same paragraph)."""
        q = self.doc.quotes[qi]
        p_lo, p_hi = self.paragraph_tokens.get(q.paragraph, (0, len(self.tokens)))
        lo, hi = self.quote_tokens[qi]
        window = self.cfg.tag_window_tokens
        tokens = self.tokens
        # After: narration from the closing mark to the next quote or the sentence end.
        after: list[int] = []
        j = hi
        while j < p_hi and self.in_quote[j]:
            j += 1
        ends_sentence = q.text.rstrip().endswith(".")
        first_word = True
        while j < p_hi and not self.in_quote[j] and len(after) < window:
            tok = tokens[j]
            if first_word and tok.pos != "PUNCT":
                # "Hello." John turned: a capital after a full stop starts a new sentence.
                if ends_sentence and tok.text[:1].isupper() and tok.text != "I" and not _is_speech(tok.lemma, tok.tag, False):
                    break
                first_word = False
            after.append(j)
            if tok.text in _SENTENCE_END:
                break
            j += 1
        fallback = self._tag_in(after, after=True)
        # '"...": and Tibby implored the company' is narration going on, not a tag: a tag
        # before the quote comes first ("Helen said to her aunt: "...""), else that one.
        if fallback is not None and not (
            tokens[after[0]].text in (";", ":") or any(tokens[x].pos == "CCONJ" for x in after[:2])
        ):
            return fallback
        # Before: the clause leading into the quote ("John said, ..." / "She turned: ...").
        before: list[int] = []
        j = lo - 1
        while j >= p_lo and self.in_quote[j]:
            j -= 1
        if j >= p_lo and not self.in_quote[j] and tokens[j].text in _SENTENCE_END:
            if fallback is not None:
                return fallback
            # "Miss Bertram began again. "You seemed..."": a short sentence ending in a speech
            # verb just before the quote, as at the end of a narration paragraph (below).
            # Or a short last clause: "He wavered, but Blenkinsop interposed."
            last: list[int] = []
            k = j - 1
            while k >= p_lo and not self.in_quote[k] and not _clause_start(tokens[k]) and len(last) < 6:
                last.append(k)
                k -= 1
            if not last or not (k < p_lo or self.in_quote[k] or _clause_start(tokens[k])):
                return None  # only a whole short sentence or clause
            tag = self._tag_in(last[::-1])
            return replace(tag, strength=tag.strength * 0.7) if tag is not None else None
        while j >= p_lo and not self.in_quote[j] and len(before) < window:
            if tokens[j].text in _SENTENCE_END:
                break
            before.append(j)
            j -= 1
        before.reverse()
        tag = self._tag_in(before)
        if tag is not None or j >= p_lo or qi != paragraph_quotes[0]:
            return tag or fallback
        # The quote opens its paragraph: the tag may end the narration paragraph before it
        # ("Elizabeth called out,\n\n"Dear Ma'am..."), common in older novels.
        window_tokens = self._last_clause(q.paragraph - 1)
        if not window_tokens:
            return fallback
        last = tokens[window_tokens[-1]].text
        lead_in = last in (",", ":", ";") or last.endswith(("-", "—"))  # "Charles said--"
        if not lead_in:
            # "Mrs. Hurst began again." ends the paragraph: only its last few words.
            window_tokens = window_tokens[-6:]
        tag = self._tag_in(window_tokens)
        if tag is None:
            return fallback
        return replace(tag, strength=tag.strength * (1.0 if lead_in else 0.7))

    def _last_clause(self, paragraph: int) -> list[int]:
        """Tokens of the last sentence of a narration-only paragraph (empty otherwise)."""
        if paragraph < 0 or paragraph in self.quote_paragraphs or paragraph not in self.paragraph_tokens:
            return []
        p_lo, p_hi = self.paragraph_tokens[paragraph]
        if p_hi <= p_lo:
            return []
        out: list[int] = []
        j = p_hi - 1
        while j >= p_lo and len(out) < 2 * self.cfg.tag_window_tokens:
            if self.tokens[j].text in _SENTENCE_END and out:
                break
            out.append(j)
            j -= 1
        out.reverse()
        return out

    def _tag_in(self, window: list[int], after: bool = False) -> _Tag | None:
        tokens = self.tokens
        order = list(enumerate(window))
        if not after:
            # Before a quote the verb nearest it leads in: "She spoke with agitation; and
            # Emma replied, "..."" is Emma's.
            order.reverse()
        for pos, j in order:
            strength = self._speech_strength(j, after and pos <= 1)
            if not strength:
                continue
            subject = self._subject_of(j)
            ref = self._resolve(subject) if subject is not None else None
            if ref is None and subject is None and pos > 0:
                # "Milly said," with the name read as a modifier: the word before the verb
                # (and before its adverbs: "May brightly agreed", "May" read as a modal).
                before = pos - 1
                while before > 0 and tokens[window[before]].pos == "ADV":
                    before -= 1
                k = window[before]
                t = tokens[k]
                if t.dep not in ("poss", "pobj", "dobj") and (
                    t.pos in ("PROPN", "PRON") or self.mention_at[k] >= 0 or _name_like(t.text)
                ):
                    ref = self._resolve(k)
            if ref is None and (subject is None or subject > j):
                # Inverted tags the parser missed ("said Elizabeth", "cried Mrs. Bennet") or
                # misparsed ("said Cecil stiffly" with "stiffly" as the subject).
                for k in window[pos + 1 :]:
                    t = tokens[k]
                    if t.dep == "poss" or t.tag == "PRP$" or t.pos == "DET":
                        continue  # "cried his wife": the noun is the subject, not "his"
                    if k == j + 1 and (t.dep == "prt" or t.lemma.lower() in PHRASAL_SPEECH.get(tokens[j].lemma.lower(), ())):
                        continue  # the particle of "put in Lucy", "cried out the Colonel"
                    if (
                        t.pos in ("PROPN", "PRON", "NOUN")
                        or self.mention_at[k] >= 0
                        or (t.text[:1].isupper() and self.names.lookup(t.text))
                    ):
                        ref = self._resolve(k)
                        head = t.head
                        if ref is None and t.dep == "compound" and head in window[pos + 1 :]:
                            ref = self._resolve(head)  # "the station-master": the head noun
                        if (ref is None or not ref.ids) and t.lemma.lower() == "voice":
                            # "said the voice of Mr. Haq": the voice's owner
                            owner = [
                                x for x in window
                                if tokens[x].head == k and tokens[x].dep == "poss"
                                or tokens[x].dep == "pobj" and tokens[tokens[x].head].head == k
                            ]
                            ref = (self._resolve(owner[0]) if owner else None) or ref
                        break
                    if t.pos in ("VERB", "PUNCT", "ADP") and t.text not in ("'", "’") and t.tag != "HYPH" and t.dep != "amod":
                        break  # (but on through "a sleepy-faced carpenter")
            if ref is None:
                continue
            return _Tag(ref, j, strength)
        if after and window and tokens[window[0]].lemma == "be":
            # "..." was Kit's first question / were Colonel Fitzwilliam's words.
            for k in window[1:6]:
                if tokens[k].dep == "poss" or (k + 1 < len(tokens) and tokens[k + 1].text in ("'s", "’s")):
                    ref = self._resolve(k)
                    if ref is not None:
                        return _Tag(ref, window[0], 0.9)
                    break
        return None

    def _speech_strength(self, j: int, adjacent: bool) -> float:
        """1 for a speech verb, 0.6 for a manner verb ("she smiled"), 0 otherwise."""
        tok = self.tokens[j]
        lemma = tok.lemma.lower()
        if not tok.tag.startswith("VB"):
            # Right after the quote a mis-tagged "sneered" is still the tag verb.
            # A dash glued to the verb ("Charles said--") also spoils the tagging.
            glued = tok.text[-1:] in "-—–" and tok.text.rstrip("-—–").isalpha()
            if not (adjacent or glued) or tok.pos not in ("ADJ", "NOUN", "PROPN", "VERB"):
                return 0.0
            low = tok.text.lower().rstrip("-—–")
            forms = {lemma, low, low[:-1], low[:-2], low[:-3] + "y", IRREGULAR_SPEECH.get(low, "")}
            return 1.0 if forms & (SPEECH_LEMMAS | ADJACENT_SPEECH_LEMMAS) else 0.0
        if lemma in SPEECH_LEMMAS:
            return 1.0
        if adjacent and lemma in ADJACENT_SPEECH_LEMMAS:
            return 1.0  # '"...," flashed Helen': inverted right after the quote
        particles = PHRASAL_SPEECH.get(lemma)
        if particles and any(
            t.lemma.lower() in particles and (t.head == j and t.dep == "prt" or (adjacent and k == 0))
            for k, t in enumerate(self.tokens[j + 1 : j + 3])
        ):
            # "Kitty put in", "he went on", "she broke in"; right after the quote the parser
            # often reads the particle as a preposition ("put in Lucy").
            return 1.0
        if self.cfg.manner_verbs and lemma in MANNER_LEMMAS:
            return 0.6
        return 0.0

    def _subject_of(self, verb: int) -> int | None:
        """The verb's narration subject, climbing "hastened to protest" / "leaned over and began"."""
        tokens = self.tokens
        sentence = self.doc.sentences[tokens[verb].sentence] if self.doc.sentences else None
        lo, hi = (sentence.start_token, sentence.end_token_excl) if sentence else (verb - 15, verb + 15)
        lo, hi = max(lo, 0), min(hi, len(tokens))
        v = verb
        for _ in range(3):
            for k in range(lo, hi):
                if tokens[k].head == v and k != v and tokens[k].dep in SUBJECT_DEPS and not self.in_quote[k]:
                    if tokens[k].text.lower() in ("who", "that") and tokens[v].dep == "relcl" and not self.in_quote[tokens[v].head]:
                        return tokens[v].head  # "Ben, who said": the noun the clause describes
                    return k
            prev = tokens[v - 1] if v == verb and v > lo else None
            if prev is not None and prev.head == v and prev.dep in ("advmod", "compound", "npadvmod", "dep") and (
                self.mention_at[v - 1] >= 0 or (_name_like(prev.text) and self.names.lookup(prev.text))
            ) and not self.in_quote[v - 1]:
                return v - 1  # "and Dolly said": the name read as a modifier of the verb
            if tokens[v].dep not in ("xcomp", "conj", "advcl") or tokens[v].head == v or self.in_quote[tokens[v].head]:
                return None
            v = tokens[v].head
        return None

    def _resolve(self, t: int) -> _Ref | None:
        """What character a subject token refers to (mention, pronoun, name or description)."""
        tok = self.tokens[t]
        mi = self.mention_at[t]
        if mi >= 0:
            m = self.doc.mentions[mi]
            span = (m.start, m.end)
            if m.character_id is not None:
                if m.kind == MentionKind.NAME:
                    return _Ref((m.character_id,), "name", None, span)
                if m.text.lower() in FIRST_PERSON:
                    return _Ref((m.character_id,), "narrator", None, span)
                if m.kind == MentionKind.NOMINAL and m.character_id in self.names.alias_owners(m.text):
                    return _Ref((m.character_id,), "alias", None, span)  # "the beadle", their alias
                # The pronoun still says the gender, whoever coref chose ("she" -> a woman).
                return _Ref((m.character_id,), "coref", _word_gender(m.text), span)
            if m.kind == MentionKind.NAME:
                ids = self.names.lookup(m.text)
                return _Ref(ids, "name", None, span) if ids else None
        low = tok.text.lower()
        span = (tok.start, tok.end)
        if low in FIRST_PERSON:
            return _Ref((self.narrator,), "narrator", None, span) if self.narrator else None
        if low in PRONOUN_GENDER:
            return _Ref((), "pronoun", PRONOUN_GENDER[low], span)
        if tok.pos == "PRON" and low != "one":
            return None
        # A name or description without a mention: expand to its modifiers and look it up,
        # with its prepositional phrase first ("the gentleman in the white waistcoat"). A
        # compound ("the medicine man") is looked up from its head noun.
        head = tok.head
        if tok.dep == "compound" and t < head <= t + 3 and self.tokens[head].pos == "NOUN" and not self.in_quote[head]:
            t, tok = head, self.tokens[head]
            low = tok.text.lower()
        start, end, phrase_end = self._description(t)
        ids: tuple[str, ...] = ()
        if phrase_end > end:
            ids = self.names.lookup(self.doc.text[start:phrase_end])
            if ids:
                end = phrase_end
        if not ids and low == "one":
            # "said one of the magistrates": whoever the group is; "one of them": someone
            of = self._child(t, "prep", "of")
            pobj = self._child(of, "pobj") if of is not None else None
            if pobj is None:
                return None
            return self._resolve(pobj) or _Ref((), "nominal", None, (start, phrase_end))
        if not ids:
            ids = self.names.lookup(self.doc.text[start:end])
        if not ids and tok.pos == "PROPN":
            ids = self.names.lookup(tok.text)
        if not ids and tok.pos == "NOUN" and tok.lemma.lower() != low:
            ids = self.names.lookup(tok.lemma)  # "the magistrates" for "the magistrate"
        if not ids:
            low = tok.lemma.lower()
            gender = NOUN_GENDER.get(low) if tok.pos == "NOUN" else None
            # "her mother replied": unresolved, but the noun still says the gender; "said the
            # other", "said the stranger": nobody named, but a line someone was heard to say.
            if gender is None and low not in UNNAMED_SPEAKERS and not (tok.pos == "NOUN" and low in ROLE_NOUNS):
                return None
            return _Ref((), "nominal", gender, (start, end))
        # A capitalised name the tagger missed ("cried Dolly" read as an adverb) is still a name;
        # a description written as one of the characters' aliases ("said nanny", "the medicine
        # man" in a cast) names them, though less surely than a proper name.
        if tok.pos == "PROPN" or _name_like(tok.text):
            kind = "name"
        elif self.names.alias_owners(self.doc.text[start:end]):
            kind = "alias"
        else:
            kind = "nominal"
        return _Ref(ids, kind, None, (start, end))

    def _description(self, t: int) -> tuple[int, int, int]:
        """Character offsets of the noun phrase headed by token ``t``: its start, its end
        without a following prepositional phrase, and its end with one ("the gentleman | in
        the white waistcoat", "one | of the young fellows"; the same end when none)."""
        tokens = self.tokens
        lo = t
        while lo - 1 >= 0 and tokens[lo - 1].head in range(lo - 1, t + 1) and tokens[lo - 1].dep in (
            "compound", "flat", "amod", "det", "poss", "nmod", "punct"
        ) and not self.in_quote[lo - 1]:
            lo -= 1
        hi = t + 1
        while hi < len(tokens) and tokens[hi].head == t and tokens[hi].dep in ("flat", "compound"):
            hi += 1
        start, end = tokens[lo].start, tokens[hi - 1].end
        phrase_end = end
        if hi < len(tokens) and tokens[hi].head == t and tokens[hi].dep == "prep" and not self.in_quote[hi]:
            last = hi
            # The phrase is the preposition's subtree; it ends at the first token outside it.
            while last + 1 < len(tokens) and not self.in_quote[last + 1] and self._within(last + 1, hi):
                last += 1
            if last - hi <= 6:
                phrase_end = tokens[last].end
        return start, end, phrase_end

    def _within(self, k: int, root: int) -> bool:
        """Token ``k`` lies in the syntactic subtree of ``root`` (same sentence)."""
        tokens = self.tokens
        for _ in range(12):
            if k == root:
                return True
            if tokens[k].head == k:
                return False
            k = tokens[k].head
        return False

    def _child(self, head: int, dep: str, lemma: str | None = None) -> int | None:
        """The first token after ``head`` attached to it with ``dep`` (and ``lemma``)."""
        tokens = self.tokens
        for k in range(head + 1, min(head + 8, len(tokens))):
            if tokens[k].head == head and tokens[k].dep == dep and (lemma is None or tokens[k].lemma.lower() == lemma):
                return k
        return None

    def _describe(self, turn: _Turn) -> None:
        """Actors and names in the turn's paragraph narration; vocatives and names in its quotes."""
        tokens = self.tokens
        tag_verb = turn.tag.verb if turn.tag else -1
        p_lo, p_hi = self.paragraph_tokens.get(turn.paragraph, (0, 0))
        for j in range(p_lo, p_hi):
            if self.in_quote[j]:
                continue
            tok = tokens[j]
            mi = self.mention_at[j]
            if mi >= 0:
                cid = self.doc.mentions[mi].character_id
                if cid:
                    turn.para_mentions.add(cid)
            if tok.dep in SUBJECT_DEPS and tok.head != tag_verb and not self.in_quote[tok.head]:
                ref = self._resolve(j)
                if ref is not None and (ref.ids or ref.gender is not None):
                    turn.actors.append(ref)
        for j in self._last_clause(turn.paragraph - 1):
            tok = tokens[j]
            if tok.dep in SUBJECT_DEPS and tok.head != tag_verb:
                ref = self._resolve(j)
                if ref is not None and (ref.ids or ref.gender is not None):
                    turn.prev_actors.append(ref)
        for qi in turn.quotes:
            lo, hi = self.quote_tokens[qi]
            for j in range(lo, hi):
                mi = self.mention_at[j]
                if mi >= 0 and self.doc.mentions[mi].kind == MentionKind.NAME:
                    cid = self.doc.mentions[mi].character_id
                    if cid:
                        turn.named.add(cid)
            for cid in self._vocatives(lo, hi):
                if cid not in turn.vocatives:
                    turn.vocatives.append(cid)
            turn.addressed.update(self._address_genders(lo, hi))

    def _vocatives(self, lo: int, hi: int) -> list[str]:
        """Names set off by commas at the start or end of the quote: "Teddy, stop." / "Come, Marcus!"."""
        tokens = self.tokens
        found: list[str] = []
        j = lo
        while j < hi:
            if not _name_like(tokens[j].text):
                j += 1
                continue
            k = j
            while k < hi and _name_like(tokens[k].text):
                k += 1
            before = tokens[j - 1].text.lower() if j > lo else ""
            after = tokens[k].text if k < hi else ""
            at_start = j == lo or all(
                tokens[x].text.lower() in VOCATIVE_OPENERS or tokens[x].pos == "PUNCT" for x in range(lo, j)
            )
            closed = after in (",", "!", "?", ".", ";", "") or k == hi
            opened = before in (",", "", "dear", "oh", "o") or at_start
            if closed and opened:
                ids = self._name_ids(j, k)
                if len(ids) == 1:
                    found.append(ids[0])
            j = k
        return found

    def _address_genders(self, lo: int, hi: int) -> set[Gender]:
        """Genders the quote's words of address say: "Yes, sir." / "Oh, my dear girl!" (set off
        by punctuation, after nothing but "my", "dear" and the like; "Sir William," is a name)."""
        tokens = self.tokens
        found: set[Gender] = set()
        for j in range(lo, hi):
            gender = ADDRESS_GENDER.get(tokens[j].text.lower())
            if gender is None or (j + 1 < hi and tokens[j + 1].pos != "PUNCT"):
                continue
            i = j - 1
            while i >= lo and tokens[i].text.lower() in ADDRESS_MODIFIERS:
                i -= 1
            if i < lo or tokens[i].pos == "PUNCT" or tokens[i].text.lower() in VOCATIVE_OPENERS:
                found.add(gender)
        return found

    def _name_ids(self, j: int, k: int) -> tuple[str, ...]:
        mi = self.mention_at[j]
        if mi >= 0 and self.doc.mentions[mi].character_id:
            return (self.doc.mentions[mi].character_id,)  # type: ignore[return-value]
        text = self.doc.text[self.tokens[j].start : self.tokens[k - 1].end]
        if _normalise(text) in TITLES:
            return ()
        return self.names.lookup(text)

    # --- candidates and features -------------------------------------------------
    def add_candidates(self, turns: list[_Turn]) -> None:
        cfg = self.cfg
        mentions = sorted(
            (m for m in self.doc.mentions if not m.in_quote and m.character_id is not None),
            key=lambda m: m.start,
        )
        paragraph_of_token = self.tokens
        last_seen: OrderedDict[str, int] = OrderedDict()
        last_pos: dict[str, int] = {}  # character -> offset of its last narration mention
        # The same by name mentions only: coref's pronoun resolutions, often wrong, left out.
        last_named: OrderedDict[str, int] = OrderedDict()
        mp = 0
        conversation_pool: dict[int, set[str]] = {}
        for conversation in _conversations(turns, cfg.conversation_gap):
            pool: set[str] = set()
            for turn in conversation:
                if turn.tag is not None:
                    pool.update(turn.tag.ref.ids)
                pool.update(turn.vocatives)
            for turn in conversation:
                conversation_pool[id(turn)] = pool
        previous: _Turn | None = None
        for turn in turns:
            first_start = self.doc.quotes[turn.quotes[0]].start
            while mp < len(mentions) and mentions[mp].start < first_start:
                m = mentions[mp]
                cid = m.character_id
                if cid and not self.in_quote[min(max(m.start_token, 0), len(self.in_quote) - 1)]:
                    last_seen[cid] = paragraph_of_token[max(m.start_token, 0)].paragraph
                    last_seen.move_to_end(cid)
                    last_pos[cid] = m.start
                    if m.kind == MentionKind.NAME:
                        last_named[cid] = last_seen[cid]
                        last_named.move_to_end(cid)
                mp += 1
            p = turn.paragraph
            salient: list[str] = []
            for cid in reversed(last_seen):
                if p - last_seen[cid] > cfg.salience_paragraphs or len(salient) >= cfg.salient_candidates:
                    break
                salient.append(cid)
            adjacent = previous is not None and previous.scene == turn.scene and p - previous.last_paragraph <= cfg.conversation_gap + 1
            vocative_prev = set(previous.vocatives) if adjacent and previous is not None else set()
            wanted: list[str | None] = []
            if turn.tag is not None:
                wanted.extend(turn.tag.ref.ids)
            for ref in (*turn.actors, *turn.prev_actors):
                wanted.extend(ref.ids)
            wanted.extend(sorted(turn.para_mentions))
            wanted.extend(sorted(vocative_prev))
            wanted.extend(sorted(conversation_pool.get(id(turn), ())))
            wanted.extend(salient)
            wanted.append(self.narrator)
            pool = [c for c in dict.fromkeys(wanted) if c is not None and c in self.chars]
            # An unresolved "he"/"she" with nobody of that gender around: the story's most
            # mentioned character of that gender (short fics name their cast once).
            refs = [*turn.actors, *([turn.tag.ref] if turn.tag is not None else [])]
            genders = {r.gender for r in refs}
            for gender in genders - {None}:
                top = self.top_by_gender.get(gender)  # type: ignore[arg-type]
                if top is not None and top not in pool and not any(self.chars[c].gender == gender for c in pool):
                    pool.append(top)
            feats_by: dict[str, dict[str, float]] = {}
            for cid in pool:
                feats_by[cid] = self._features(turn, cid, last_seen, vocative_prev)
            # Without coref, "she said" most often means the last woman the narration named.
            for refs, name in (([turn.tag.ref] if turn.tag else [], "tag_gender_recent"), (turn.actors, "actor_gender_recent")):
                for ref in refs:
                    if ref.ids or ref.gender is None:
                        continue
                    same = [c for c in pool if self.chars[c].gender == ref.gender and c in last_pos]
                    if same:
                        feats_by[max(same, key=lambda c: last_pos[c])][name] = 1.0
            # Rank of each candidate by recency of mention (0 = the last one named).
            recency = {cid: r for r, cid in enumerate(reversed(last_seen))}
            named_recency = {cid: r for r, cid in enumerate(reversed(last_named))}
            for cid, f in feats_by.items():
                r = recency.get(cid)
                if r is not None:
                    f["recency_rank"] = 1.0 / (1.0 + r)
                r = named_recency.get(cid)
                if r is not None:
                    f["named_recency_rank"] = 1.0 / (1.0 + r)
                    f["named_salience"] = 1.0 / (1.0 + max(0, p - last_named[cid]))
                f["mention_share"] = self.mention_share.get(cid, 0.0)
                f["pool_size"] = float(len(pool))
            turn.features = feats_by
            # Speakers named by a tag count as mentioned now, for later turns' salience.
            if turn.tag is not None:
                for cid in turn.tag.ref.ids:
                    last_seen[cid] = turn.last_paragraph
                    last_seen.move_to_end(cid)
            previous = turn
        self._context_features(turns)
        self._style_features(turns)

    def _style_features(self, turns: list[_Turn]) -> None:
        """How much a turn's words sound like each candidate, by the turns whose tag names them
        (``style_features``). Characters have habits ("darling", "my dear", "I say") that
        turn-taking cannot see."""
        for turn in turns:
            turn.words = self._turn_words(turn)
        owners = [ids[0] if len(ids) == 1 else None for ids in map(_tag_names, turns)]
        style_features(turns, owners, [t.features for t in turns], "style")

    def _turn_words(self, turn: _Turn) -> list[str]:
        """The quotes' tokens, lowercased (punctuation included: "--" and "!" are habits too;
        adding bigrams measured worse)."""
        tokens = self.tokens
        out: list[str] = []
        for qi in turn.quotes:
            lo, hi = self.quote_tokens[qi]
            out.extend(tokens[j].text.lower() for j in range(lo, hi) if not tokens[j].text.isspace())
        return out

    def _context_features(self, turns: list[_Turn]) -> None:
        """Features from the neighbouring turns of the conversation: who the tags around name,
        who the next line addresses, who the previous line names (turn-taking without decoding)."""
        for conversation in _conversations(turns, self.cfg.conversation_gap):
            n = len(conversation)
            # Tags that name someone, and tags coref resolved (kept apart: a wrong coref
            # resolution would otherwise make a bystander look like a party to the exchange).
            tagged = [set(_tag_names(t)) for t in conversation]
            coref_tagged = [
                set(t.tag.ref.ids) if t.tag is not None and t.tag.ref.kind == "coref" else set() for t in conversation
            ]
            tag_counts = _counts(tagged)
            coref_counts = _counts(coref_tagged)
            # Who takes part: characters a tag names, or a quote addresses by name.
            participants = set(tag_counts).union(*(t.vocatives for t in conversation))
            for k, turn in enumerate(conversation):
                p_lo, p_hi = self.paragraph_tokens.get(turn.paragraph, (0, 0))
                narration = sum(1 for j in range(p_lo, p_hi) if not self.in_quote[j])
                # "he said" with one man among the participants: him.
                tag_genders = [r.gender for r in ([turn.tag.ref] if turn.tag is not None else []) if r.kind != "name" and r.gender]
                only: set[str] = set()
                for gender in tag_genders:
                    same = [c for c in participants if c in self.chars and self.chars[c].gender == gender]
                    if len(same) == 1:
                        only.add(same[0])
                # Rank among the candidates of the tag's gender by recency of mention.
                gender_rank: dict[str, float] = {}
                for gender in tag_genders:
                    same = sorted(
                        (c for c in turn.features if self.chars[c].gender == gender),
                        key=lambda c: -turn.features[c].get("recency_rank", 0.0),
                    )
                    gender_rank.update({c: 1.0 / (1.0 + r) for r, c in enumerate(same)})
                has_tag = turn.tag.strength if turn.tag is not None else 0.0
                resolved = 1.0 if turn.tag is not None and turn.tag.ref.ids else 0.0
                first_actor = turn.actors[0].ids if turn.actors else ()
                for cid, f in turn.features.items():
                    for offset, name in ((-1, "tag_prev1"), (-2, "tag_prev2"), (1, "tag_next1"), (2, "tag_next2")):
                        if 0 <= k + offset < n:
                            if cid in tagged[k + offset]:
                                f[name] = 1.0
                            elif cid in coref_tagged[k + offset]:
                                f["coref_" + name] = 1.0
                    if k + 1 < n and cid in conversation[k + 1].vocatives:
                        f["vocative_next"] = 1.0
                    # "Yes, sir." answers a man and is answered by one.
                    for offset, name in ((-1, "address_prev"), (1, "address_next")):
                        if 0 <= k + offset < n:
                            agreement = address_agreement(self.chars[cid].gender, conversation[k + offset].addressed)
                            if agreement is not None:
                                f[name] = agreement
                    if k > 0 and cid in conversation[k - 1].named:
                        f["named_prev_quote"] = 1.0
                    if cid in first_actor:
                        f["actor_first"] = 1.0
                    others = tag_counts.get(cid, 0) - (1 if cid in tagged[k] else 0)
                    if others:
                        f["conv_tagged"] = min(others, 10) / 10.0
                    others = coref_counts.get(cid, 0) - (1 if cid in coref_tagged[k] else 0)
                    if others:
                        f["conv_coref_tagged"] = min(others, 10) / 10.0
                    if cid in only:
                        f["conv_gender_only"] = 1.0
                    if cid in gender_rank:
                        f["tag_gender_rank"] = gender_rank[cid]
                    f["turn_tagged"] = has_tag
                    f["turn_tag_resolved"] = resolved
                    f["narration_tokens"] = min(narration, 60) / 60.0
                    f["conv_position"] = min(k, 10) / 10.0
                    f["conv_length"] = min(n, 20) / 20.0
                    f["pieces"] = float(len(turn.quotes))

    def _features(
        self, turn: _Turn, cid: str, last_seen: Mapping[str, int], vocative_prev: set[str]
    ) -> dict[str, float]:
        f: dict[str, float] = {}
        gender = self.chars[cid].gender
        tag = turn.tag
        if tag is not None:
            ref = tag.ref
            if ref.ids:
                if cid in ref.ids:
                    name = {"name": "tag_name", "alias": "tag_alias", "narrator": "tag_narrator"}.get(ref.kind, "tag_coref")
                    f[name] = tag.strength / len(ref.ids) ** 0.5
                else:
                    f["tag_other"] = tag.strength
            elif ref.gender is not None:
                if gender == ref.gender:
                    f["tag_gender"] = tag.strength
                elif gender in (Gender.MALE, Gender.FEMALE):
                    f["tag_gender_mismatch"] = tag.strength
            if ref.gender is not None:
                # Resolved or not, the pronoun's gender: coref is wrong often enough to check.
                if gender == ref.gender:
                    f["tag_word_gender"] = 1.0
                elif gender in (Gender.MALE, Gender.FEMALE):
                    f["tag_word_gender_mismatch"] = 1.0
        other_gender = False
        for ref in turn.actors:
            if cid in ref.ids:
                f["actor"] = 1.0
            elif not ref.ids and ref.gender is not None:
                if ref.gender == gender:
                    f["actor_gender"] = 1.0
                elif gender in (Gender.MALE, Gender.FEMALE):
                    other_gender = True
        if other_gender and "actor" not in f and "actor_gender" not in f:
            # Only people of the other gender act in the paragraph.
            f["actor_gender_mismatch"] = 1.0
        for ref in turn.prev_actors:
            if cid in ref.ids:
                f["prev_actor"] = 1.0
            elif not ref.ids and ref.gender is not None and ref.gender == gender:
                f["prev_actor_gender"] = 1.0
        if cid in turn.para_mentions and "actor" not in f:
            f["para_mention"] = 1.0
        if cid in vocative_prev:
            f["vocative_prev"] = 1.0
        if cid in turn.named or cid in turn.vocatives:
            f["named_in_quote"] = 1.0
        seen = last_seen.get(cid)
        if seen is not None:
            f["salience"] = 1.0 / (1.0 + max(0, turn.paragraph - seen))
        if cid == self.narrator:
            f["narrator"] = 1.0
        return f


# --- helpers -------------------------------------------------------------------


def score_turns(turns: list[_Turn], scorer: Scorer, max_candidates: int, stacked: bool = False) -> None:
    """Score every (turn, candidate) pair, in one batch when the scorer can, and keep the best
    (``stacked``: the second-pass features)."""
    rows = [(turn, cid) for turn in turns for cid in turn.features]
    feats = [(turn.stacked if stacked else turn.features)[cid] for turn, cid in rows]
    batch = getattr(scorer, "score_many", None)
    values = list(batch(feats)) if batch is not None else [scorer.score(f) for f in feats]
    for turn in turns:
        turn.scores = {}
    for (turn, cid), value in zip(rows, values, strict=True):
        turn.scores[cid] = float(value)
    for turn in turns:
        turn.candidates = sorted(turn.features, key=lambda c: -turn.scores[c])[:max_candidates]


def style_features(
    turns: Sequence[_Turn], owners: Sequence[str | None], features: Sequence[dict[str, dict[str, float]]], prefix: str
) -> None:
    """Score each turn's words against a unigram profile of each candidate, built from the
    turns ``owners`` gives them (leaving the turn itself out), as the mean log-likelihood ratio
    against all the story's quoted words (Dirichlet-smoothed). Sets ``{prefix}``,
    ``{prefix}_rank`` and ``{prefix}_margin`` (to the best other profiled candidate) in
    ``features``, for candidates whose profile holds at least STYLE_MIN_WORDS words."""
    background: Counter[str] = Counter()
    profiles: dict[str, Counter[str]] = {}
    for turn, cid in zip(turns, owners, strict=True):
        background.update(turn.words)
        if cid is not None:
            profiles.setdefault(cid, Counter()).update(turn.words)
    sizes = {cid: counts.total() for cid, counts in profiles.items()}
    total, vocab = background.total(), len(background)
    # Each word's add-one background probability, once (not per turn and candidate).
    prob = {w: (n + 1) / (total + vocab) for w, n in background.items()}
    alpha = STYLE_SMOOTHING
    for turn, own, feats in zip(turns, owners, features, strict=True):
        if not turn.words:
            continue
        mine = Counter(turn.words)
        style: dict[str, float] = {}
        for cid in feats:
            counts = profiles.get(cid)
            if counts is None:
                continue
            left_out = cid == own  # the turn's own words do not vouch for it
            size = sizes[cid] - (len(turn.words) if left_out else 0)
            if size < STYLE_MIN_WORDS:
                continue
            llr = 0.0
            for w, k in mine.items():
                bg = prob[w]
                c = counts[w] - (k if left_out else 0)
                llr += k * math.log((c + alpha * bg) / (size + alpha) / bg)
            style[cid] = llr / len(turn.words)
        ranked = sorted(style, key=lambda c: -style[c])
        for r, cid in enumerate(ranked):
            f = feats[cid]
            f[prefix] = style[cid]
            f[prefix + "_rank"] = 1.0 / (1.0 + r)
            if len(ranked) > 1:
                f[prefix + "_margin"] = style[cid] - style[ranked[1 if r == 0 else 0]]


STACK_FEATURES: tuple[str, ...] = (
    "p1_score", "p1_gap", "p1_decoded", "p1_prev1", "p1_prev2", "p1_next1", "p1_next2", "p1_share",
    "p1_gender_last", "p1_gender_only", "p1_speakers", "p1_prev2_gap", "p1_style", "p1_style_rank",
    "p1_style_margin", "p1_marginal", "p1_marginal_prev1", "p1_marginal_prev2", "p1_marginal_next1",
    "p1_marginal_next2",
)


def first_pass_marginals(conversations: Sequence[list[_Turn]], cfg: SpeakerConfig) -> list[list[dict[str, float]]]:
    """Each conversation's turns' posteriors over their first-pass candidates (``_marginals``
    over each chain; empty for a turn without candidates)."""
    out: list[list[dict[str, float]]] = []
    for conversation in conversations:
        marginals: list[dict[str, float]] = [{} for _ in conversation]
        for start, chain in _chains(conversation):
            marginals[start : start + len(chain)] = _marginals(chain, cfg)
        out.append(marginals)
    return out


def stack_features(
    decoded: Sequence[tuple[list[_Turn], Sequence[str | None]]],
    cfg: SpeakerConfig,
    marginals: Sequence[Sequence[Mapping[str, float]]] | None = None,
) -> None:
    """Second-pass features of each turn's candidates from the first pass's scores and decoded
    speakers (all the story's conversations): the candidate's own score and gap to the best,
    its posterior under the turn-taking model ``cfg``'s decoder uses (``_marginals``),
    whether it was decoded here and one or two turns either side, its share of the
    conversation, whether it is the last decoded speaker (before the previous turn) or the only
    one of the tag pronoun's gender, how many people the first pass heard, how sure it was two
    turns back, and how much the turn sounds like the candidate's decoded lines (``p1_style``:
    nearly three times the words the tags alone give). Sets ``turn.stacked``. ``marginals``:
    ``first_pass_marginals`` of the conversations, when the caller already has them."""
    if marginals is None:
        marginals = first_pass_marginals([conversation for conversation, _ in decoded], cfg)
    for (conversation, speakers), posteriors in zip(decoded, marginals, strict=True):
        _stack_conversation(conversation, speakers, posteriors)
    turns = [t for conversation, _ in decoded for t in conversation]
    owners = [s for _, speakers in decoded for s in speakers]
    style_features(turns, owners, [t.stacked for t in turns], "p1_style")


def _stack_conversation(
    conversation: list[_Turn], speakers: Sequence[str | None], marginals: Sequence[Mapping[str, float]]
) -> None:
    n = len(conversation)
    share: dict[str, int] = {}
    for s in speakers:
        if s is not None:
            share[s] = share.get(s, 0) + 1
    for k, turn in enumerate(conversation):
        best = max(turn.scores.values(), default=0.0)
        previous = speakers[k - 1] if k > 0 else None
        # "he said": the first pass's last speaker of that gender, the previous one aside.
        gendered = turn.tag is not None and turn.tag.ref.kind != "name" and turn.tag.ref.gender is not None
        fits = {c for c, f in turn.features.items() if f.get("tag_word_gender")} if gendered else set()
        last_of_gender = next((s for s in reversed(speakers[:k]) if s in fits and s != previous), None)
        heard = [c for c in share if c in fits]
        only_of_gender = heard[0] if len(heard) == 1 else None
        prev2_gap = 0.0
        if k >= 2 and speakers[k - 2] is not None:
            top = sorted(conversation[k - 2].scores.values(), reverse=True)
            prev2_gap = min(top[0] - top[1], 5.0) if len(top) > 1 else 5.0
        stacked: dict[str, dict[str, float]] = {}
        for cid, feats in turn.features.items():
            f = dict(feats)
            score = turn.scores[cid]
            f["p1_score"] = score
            f["p1_marginal"] = marginals[k].get(cid, 0.0)
            # How sure the exchange is that they spoke around: a soft A, B, A.
            for offset, name in ((-1, "p1_marginal_prev1"), (-2, "p1_marginal_prev2"), (1, "p1_marginal_next1"), (2, "p1_marginal_next2")):
                if 0 <= k + offset < n:
                    f[name] = marginals[k + offset].get(cid, 0.0)
            f["p1_gap"] = best - score
            for offset, name in ((0, "p1_decoded"), (-1, "p1_prev1"), (-2, "p1_prev2"), (1, "p1_next1"), (2, "p1_next2")):
                if 0 <= k + offset < n and speakers[k + offset] == cid:
                    f[name] = 1.0
            f["p1_share"] = (share.get(cid, 0) - (speakers[k] == cid)) / max(1, n - 1)
            if cid == last_of_gender:
                f["p1_gender_last"] = 1.0
            if cid == only_of_gender:
                f["p1_gender_only"] = 1.0
            f["p1_speakers"] = min(len(share), 6) / 6.0
            if k >= 2 and speakers[k - 2] == cid:
                f["p1_prev2_gap"] = prev2_gap
            stacked[cid] = f
        turn.stacked = stacked


def _is_speech(lemma: str, tag: str, manner: bool) -> bool:
    if not tag.startswith("VB"):
        return False
    low = lemma.lower()
    return low in SPEECH_LEMMAS or (manner and low in MANNER_LEMMAS)


def _clause_start(tok: Token) -> bool:
    """A sentence end, or the word joining a last clause on ("but", "and", a semicolon)."""
    return tok.text in _SENTENCE_END or tok.text == ";" or (tok.pos == "CCONJ" and tok.dep == "cc")


def _word_gender(text: str) -> Gender | None:
    """The gender a pronoun or a description's head says: "she", "his wife", "the old man"."""
    words = text.lower().split()
    if not words:
        return None
    return PRONOUN_GENDER.get(words[0]) if len(words) == 1 else NOUN_GENDER.get(words[-1])


def _name_like(text: str) -> bool:
    return bool(text) and text[0].isupper() and (text.isalpha() or text.rstrip(".").isalpha()) and text != "I"


def _different(a: _Tag | None, b: _Tag | None) -> bool:
    """Two tags in one paragraph that name different people start a new turn."""
    if a is None or b is None or a.verb == b.verb:
        return False
    if a.ref.ids and b.ref.ids:
        return not set(a.ref.ids) & set(b.ref.ids)
    if a.ref.gender is not None and b.ref.gender is not None:
        return a.ref.gender != b.ref.gender
    return False


def _tag_names(turn: _Turn) -> tuple[str, ...]:
    """Who the turn's tag names ("said Anna", "said nanny" for a Nanny, a first-person
    narrator's "I said"); nothing for a tag coref resolved, which is weaker evidence."""
    tag = turn.tag
    return tag.ref.ids if tag is not None and tag.ref.kind in ("name", "alias", "narrator") else ()


def _counts(id_sets: list[set[str]]) -> dict[str, int]:
    counts: dict[str, int] = {}
    for ids in id_sets:
        for cid in ids:
            counts[cid] = counts.get(cid, 0) + 1
    return counts


def _conversations(turns: list[_Turn], gap: int) -> list[list[_Turn]]:
    out: list[list[_Turn]] = []
    for turn in turns:
        if out:
            last = out[-1][-1]
            if last.scene == turn.scene and turn.paragraph - last.last_paragraph <= gap + 1:
                out[-1].append(turn)
                continue
        out.append([turn])
    return out


def _chains(turns: list[_Turn]) -> list[tuple[int, list[_Turn]]]:
    """The runs of turns that have candidates, with their start: a turn without candidates
    cuts a conversation into pieces decoded independently."""
    out: list[tuple[int, list[_Turn]]] = []
    start = 0
    while start < len(turns):
        if not turns[start].candidates:
            start += 1
            continue
        end = start
        while end < len(turns) and turns[end].candidates:
            end += 1
        out.append((start, turns[start:end]))
        start = end
    return out


def _transition(cfg: SpeakerConfig, z: str | None, a: str, b: str, adjacent: bool) -> float:
    """Turn-taking score of speaker ``b`` after ``a`` (and ``z`` before ``a``): the same voice
    twice running is rare, an A, B, A exchange common."""
    if a == b:
        return -cfg.same_speaker_penalty if adjacent else -cfg.same_speaker_penalty * 0.25
    if z is not None and z == b:
        return cfg.alternation_bonus if adjacent else cfg.alternation_bonus * 0.5
    return 0.0


def _adjacent(turns: list[_Turn], t: int) -> bool:
    return turns[t].paragraph - turns[t - 1].last_paragraph <= 1


def _logsumexp(values: Sequence[float]) -> float:
    top = max(values)
    return top + math.log(sum(math.exp(v - top) for v in values))


def _marginals(turns: list[_Turn], cfg: SpeakerConfig) -> list[dict[str, float]]:
    """Each turn's posterior over its kept candidates under the model ``_viterbi`` maximises
    (forward-backward: sums where Viterbi takes the best): how sure the whole exchange makes
    the first pass of each line, not only which path won."""
    n = len(turns)
    alphas: list[dict[tuple[int, int], float]] = [
        {(-1, b): turns[0].scores[c] for b, c in enumerate(turns[0].candidates)}
    ]
    for t in range(1, n):
        prev_c, cur = turns[t - 1].candidates, turns[t]
        prev2_c = turns[t - 2].candidates if t >= 2 else []
        adjacent = _adjacent(turns, t)
        terms: dict[tuple[int, int], list[float]] = {}
        for (z, a), score in alphas[-1].items():
            cz = prev2_c[z] if z >= 0 else None
            for b, cb in enumerate(cur.candidates):
                terms.setdefault((a, b), []).append(score + _transition(cfg, cz, prev_c[a], cb, adjacent))
        alphas.append({(a, b): _logsumexp(v) + cur.scores[cur.candidates[b]] for (a, b), v in terms.items()})
    # Built from the last turn back, then put in turn order.
    betas: list[dict[tuple[int, int], float]] = [dict.fromkeys(alphas[-1], 0.0)]
    for t in range(n - 1, 0, -1):
        prev_c, cur, after = turns[t - 1].candidates, turns[t], betas[-1]
        prev2_c = turns[t - 2].candidates if t >= 2 else []
        adjacent = _adjacent(turns, t)
        beta: dict[tuple[int, int], float] = {}
        for z, a in alphas[t - 1]:
            cz = prev2_c[z] if z >= 0 else None
            beta[(z, a)] = _logsumexp(
                [
                    _transition(cfg, cz, prev_c[a], cb, adjacent) + cur.scores[cb] + after[(a, b)]
                    for b, cb in enumerate(cur.candidates)
                ]
            )
        betas.append(beta)
    betas.reverse()
    total = _logsumexp(list(alphas[-1].values()))
    out: list[dict[str, float]] = []
    for turn, alpha, beta in zip(turns, alphas, betas, strict=True):
        mass: dict[str, float] = {}
        for (a, b), value in alpha.items():
            cid = turn.candidates[b]
            mass[cid] = mass.get(cid, 0.0) + math.exp(value + beta[(a, b)] - total)
        out.append(mass)
    return out


def _viterbi(turns: list[_Turn], cfg: SpeakerConfig) -> list[str]:
    """Best speaker sequence; states are (previous speaker, current speaker) pairs."""
    first = turns[0]
    # layer: (a_index, b_index) -> score ; a_index -1 means "no previous turn"
    layer: dict[tuple[int, int], float] = {(-1, b): first.scores[c] for b, c in enumerate(first.candidates)}
    back: list[dict[tuple[int, int], int]] = [{}]
    for t in range(1, len(turns)):
        prev_c = turns[t - 1].candidates
        prev2_c = turns[t - 2].candidates if t >= 2 else []
        cur = turns[t]
        adjacent = _adjacent(turns, t)
        new: dict[tuple[int, int], float] = {}
        pointers: dict[tuple[int, int], int] = {}
        for b, cb in enumerate(cur.candidates):
            emit = cur.scores[cb]
            for (z, a), score in layer.items():
                cz = prev2_c[z] if z >= 0 else None
                value = score + _transition(cfg, cz, prev_c[a], cb, adjacent) + emit
                key = (a, b)
                if key not in new or value > new[key]:
                    new[key] = value
                    pointers[key] = z
        layer = new
        back.append(pointers)
    (a, b), _ = max(layer.items(), key=lambda item: item[1])
    path = [b]
    for t in range(len(turns) - 1, 0, -1):
        z = back[t][(a, b)]
        path.append(a)
        a, b = z, a
    path.reverse()
    return [turns[t].candidates[i] for t, i in enumerate(path)]


def _resolve_quote_pronouns(mentions: list[Mention], quotes: list[Quote]) -> list[Mention]:
    """In-quote I/me/my -> the speaker; you -> the addressee when there is exactly one."""
    spans = sorted(
        (q.start, q.end, q.speaker_id, q.addressee_ids, q.nested_in is not None) for q in quotes
    )
    nested = [(s, e) for s, e, _, _, n in spans if n]
    outer = [(s, e, sp, ad) for s, e, sp, ad, n in spans if not n]
    starts = [s for s, _, _, _ in outer]
    nested_starts = [s for s, _ in nested]
    out: list[Mention] = []
    for m in mentions:
        if m.kind != MentionKind.PRONOUN:
            out.append(m)
            continue
        low = m.text.lower()
        if low not in FIRST_PERSON and low not in SECOND_PERSON:
            out.append(m)
            continue
        i = bisect_left(starts, m.start + 1) - 1
        n = bisect_left(nested_starts, m.start + 1) - 1
        inside_nested = n >= 0 and nested[n][0] <= m.start < nested[n][1]
        if i < 0 or inside_nested or not (outer[i][0] <= m.start < outer[i][1]):
            out.append(m)
            continue
        _, _, speaker, addressees = outer[i]
        target = speaker if low in FIRST_PERSON else (addressees[0] if len(addressees) == 1 else None)
        if target is None:
            out.append(m)
        else:
            out.append(replace(m, character_id=target, in_quote=True))
    return out
