"""The learned content-signals classifier: one logistic regression per kind over a sentence's
words, the lexicon's hits in it and in its neighbours, cue words, and the whole work's lexicon
density; and one over the same features that says when (present, past, feared, ...).

::

    model = load_signals_model()                 # data/models/signals-classifier.json
    context = WorkContext.of(doc.text)           # once per work
    rows = [sentence_features(doc.text, s.start, s.end, context) for s in doc.sentences]
    conf = model.confidence(rows)                # n_sentences x n_kinds; >= 0.6: the kind is shown
    times = model.times(rows, kinds)             # the time label of each (sentence, kind)

Features read only the text (no parse), so the training script (``ficlens.train.signals``)
computes exactly what the stage computes, from the gold's offsets. The weights are plain
JSON (scikit-learn at training time); scoring is a sparse dot product in numpy.

A kind's ``confidence`` is its probability shifted in log-odds so that the kind's threshold
(chosen by cross-validation over the dev works) lands on 0.6, the stage's presence threshold:
a confidence of 0.6 or more means the classifier says the sentence shows the kind.
"""

from __future__ import annotations

import json
import math
import re
from bisect import bisect_left
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any

import numpy as np

from ficlens.stages.signals_frames import death_of_person, frame_at
from ficlens.stages.signals_lexicon import (
    _ANY_TRIGGER,
    _COMPILED,
    _IDIOMS,
    BROAD,
    KIND_PATTERNS,
    cue_time,
    discount,
    lexicon_hits,
    underage_context,
)

MODEL_FILE = "signals-classifier.json"
MODEL_FORMAT = "ficlens-signals-classifier/1"
CONTEXT_CHARS = 250  # neighbouring text read on each side: about a sentence or two
NEAR_CHARS = 1500  # the scene around a sentence (``near:`` features): a few paragraphs each side
PRESENT_AT = 0.6  # a kind's threshold maps to this confidence

# A cheap test before the idiom pass: the idioms that hold a broad word all hold one of these.
_ANY_BROAD_IDIOM = re.compile(r"\b(?:kill|dying|dead|death|blood|tortur|abuse|sex|cut|shot|stab|hit|do it again|died|dies|beat)")
_WORD = re.compile(r"[a-z0-9]+(?:'[a-z]+)?")
_QUOTE_CHARS = re.compile(r"[\"“”«»]")
_SUFFIXES = ("ingly", "edly", "ness", "ings", "ing", "ies", "ied", "ed", "es", "ly", "s")


@lru_cache(maxsize=1 << 16)
def stem(word: str) -> str:
    """A crude suffix stripper (the same at training and run time): "bleeding" -> "bleed",
    "cuts" -> "cut", "overdosed" -> "overdos"."""
    if "'" in word:
        return word
    for suffix in _SUFFIXES:
        if word.endswith(suffix) and len(word) - len(suffix) >= 3:
            return word[: -len(suffix)]
    return word


def words(text: str) -> list[str]:
    """Lower-cased, stemmed words; curly apostrophes made straight."""
    return [stem(w) for w in _WORD.findall(text.lower().replace("’", "'").replace("‘", "'"))]


@dataclass(frozen=True)
class WorkContext:
    """What the whole work says: how dense each kind's lexicon hits are (per 10,000 characters);
    and where any lexicon pattern can match (``candidates``, sorted offsets; None: unknown), so
    that sentences and neighbourhoods without one skip the lexicon (most of a long book)."""

    density: Mapping[str, float]
    candidates: tuple[int, ...] | None = None
    # Per kind, the sorted offsets of its lexicon matches in the whole work (``near:`` features:
    # a kind shown in the surrounding scene raises a weaker sentence, "the coffin was carried").
    positions: Mapping[str, tuple[int, ...]] = field(default_factory=dict)

    @classmethod
    def of(cls, text: str) -> WorkContext:
        lowered = text.lower()
        if len(lowered) != len(text):  # a few characters lower-case to two; keep the offsets
            lowered = "".join(c if len(c.lower()) != 1 else c.lower() for c in text)
        # One pass over the whole text for any pattern; each kind is counted on the lines that
        # hold a candidate only (one pass per kind over a whole book takes seconds).
        candidates = tuple(m.start() for m in _ANY_TRIGGER.finditer(lowered.replace("\n", " ")))
        # Each candidate's line through the sorted newline offsets: a search back and forth
        # from every candidate is quadratic in a text of one huge paragraph.
        newlines = [m.start() for m in re.finditer("\n", lowered)]
        spans: set[tuple[int, int]] = set()
        for c in candidates:
            i = bisect_left(newlines, c)
            spans.add((newlines[i - 1] + 1 if i else 0, newlines[i] if i < len(newlines) else len(lowered)))
        lines = sorted(spans)
        positions = {
            kind: tuple(m.start() for s, e in lines for m in pattern.finditer(lowered, s, e)) for kind, pattern in KIND_PATTERNS.items()
        }
        # Short texts count as 50,000 characters: one hit in a drabble is not a dense work.
        size = max(len(text), 50_000) / 10_000
        return cls({kind: math.log1p(len(p) / size) for kind, p in positions.items()}, candidates, positions)

    def near(self, start: int, end: int) -> dict[str, int]:
        """Per kind, its lexicon matches within ``NEAR_CHARS`` before or after ``[start, end)``,
        outside it."""
        out = {}
        for kind, pos in self.positions.items():
            n = (bisect_left(pos, start) - bisect_left(pos, start - NEAR_CHARS)) + (bisect_left(pos, end + NEAR_CHARS) - bisect_left(pos, end))
            if n:
                out[kind] = n
        return out

    def may_match(self, start: int, end: int) -> bool:
        """Can a lexicon pattern match in ``[start, end)``?"""
        if self.candidates is None:
            return True
        i = bisect_left(self.candidates, max(0, start - 60))  # a match may start a little before
        return i < len(self.candidates) and self.candidates[i] < end


def _window(text: str, start: int, end: int) -> tuple[str, str]:
    """The text before and after a sentence, cut to whole words."""
    before = text[max(0, start - CONTEXT_CHARS) : start]
    after = text[end : end + CONTEXT_CHARS]
    return before.split(" ", 1)[-1] if start > CONTEXT_CHARS else before, after.rsplit(" ", 1)[0]


def sentence_features(text: str, start: int, end: int, context: WorkContext) -> dict[str, float]:
    """Named features of the sentence ``text[start:end]``: ``w:`` its words, ``lex:``/``lexd:``
    each kind's strongest lexicon hit
    (raw, and discounted for negation, hypotheticals, dialogue and questions), ``clex:`` the
    neighbours' hits, ``cue:`` time and mood cues, ``work:`` the work's lexicon density."""
    sentence = text[start:end]
    toks = words(sentence)
    feats: dict[str, float] = {"bias:1": 1.0}
    # Word pairs, the neighbours' words and words marked in the scope of a negation or a held-back
    # wish ("resisted the urge to punch") were tried: with this little gold they add noise
    # (cross-validated average precision fell); the neighbours count through their lexicon hits.
    for w in toks:
        feats[f"w:{w}"] = 1.0
    before, after = _window(text, start, end)
    lowered = " ".join(sentence.split()).lower()
    in_quote = bool(_QUOTE_CHARS.match(lowered.lstrip()))
    if _QUOTE_CHARS.search(lowered):
        feats["cue:dialogue"] = 1.0
    times: set[str] = set()
    hits = lexicon_hits(lowered, in_quote) if context.may_match(start, end) else []
    for kind, raw, discounted, position in hits:
        feats[f"lex:{kind}"] = raw
        feats[f"lexd:{kind}"] = discounted
        times.add(cue_time(lowered, position, in_quote))
    # An age under 18 stated just before a sentence of sex (the lexicon sees one sentence).
    weight, at = underage_context(lowered, " ".join(before.split()).lower()) if hits else (0.0, -1)
    if at >= 0 and weight > feats.get("lex:underage", 0.0):
        feats["lex:underage"] = weight
        feats["lexd:underage"] = weight * discount(lowered, at, in_quote)
        times.add(cue_time(lowered, at, in_quote))
    for t in times:
        feats[f"cue:{t}"] = 1.0
    # Idioms ("kill for a coffee", "dying to see you") are no search word either.
    # (Blanked to the same length: the frames read offsets of ``lowered``.)
    plain = _IDIOMS.sub(lambda m: " " * len(m.group(0)), lowered) if _ANY_BROAD_IDIOM.search(lowered) else lowered
    # Each kind's words (its lexicon's and its broad list's) in their frames: a word the story
    # states as a fact, or only one supposed, threatened, feared, denied, generic or compared.
    frames: dict[int, str | None] = {}

    def frame(at: int) -> str | None:
        if at not in frames:
            frames[at] = frame_at(lowered, at, in_quote)
        return frames[at]

    broad: dict[str, list[int]] = {}
    for kind, pattern in BROAD.items():
        found = [m.start() for m in pattern.finditer(plain)]
        if found:
            feats[f"broad:{kind}"] = min(len(found), 3) / 3
            broad[kind] = found
    _frame_features(feats, plain, broad, {kind for kind, *_ in hits}, frame)
    # A person who dies, not death talk ("Marcus bled out", "after Jamie's death"; not "everyone
    # dies eventually"), and in which frame.
    if "broad:major_character_death" in feats:
        who = death_of_person(" ".join(sentence.split()), lowered, in_quote)
        if who:
            feats[f"death:{who}"] = 1.0
    if context.may_match(start - CONTEXT_CHARS, end + CONTEXT_CHARS):
        for kind, raw, _, _ in lexicon_hits(" ".join(f"{before} {after}".split()).lower(), False):
            feats[f"clex:{kind}"] = raw
    for kind, n in context.near(start, end).items():
        feats[f"near:{kind}"] = min(n, 6) / 6
    for kind, value in context.density.items():
        feats[f"work:{kind}"] = value
    feats["len:log"] = math.log1p(len(toks)) / 4
    return feats


def _frame_features(
    feats: dict[str, float], plain: str, broad: Mapping[str, list[int]], hit_kinds: set[str], frame: Callable[[int], str | None]
) -> None:
    """``frame:KIND:F``: the frames the kind's words (broad and lexicon) stand in: ``fact`` when
    any is stated as a fact, else each frame seen; ``cue:F`` the same frames for the time model
    ("he didn't kill her": negated, though "kill" is no lexicon word). Tried on dev and not kept
    (out-of-fold mean AP 0.513 with these features): ``lex:`` counting only the lexicon hits
    stated as facts, 0.502 (suicide 0.64 -> 0.62: dev holds suicide attempts asked about in
    questions and negated blame, "not your fault he tried to kill himself"); the same moved
    to its own feature, 0.502; the same with questions and attempts left as facts, 0.506
    (self-harm 0.81 -> 0.71); the broad counts split by fact, 0.513."""
    for kind in KIND_PATTERNS:
        anchors = list(broad.get(kind, ()))
        if kind in hit_kinds:
            anchors += [m.start() for pattern, _ in _COMPILED[kind] for m in pattern.finditer(plain)]
        if not anchors:
            continue
        seen: set[str | None] = set()
        for at in sorted(anchors):
            seen.add(frame(at))
            if None in seen:  # one word stated as a fact is enough; the rest need no reading
                break
        if None in seen:
            feats[f"frame:{kind}:fact"] = 1.0
        else:
            for f in seen:
                feats[f"frame:{kind}:{f}"] = 1.0
                feats[f"cue:{f}"] = 1.0


@dataclass(frozen=True)
class SignalsModel:
    """The shipped weights: a vocabulary, per-kind sparse weights and offsets, a time model."""

    kinds: tuple[str, ...]
    vocab: Mapping[str, int]
    weights: np.ndarray  # n_kinds x n_features
    intercepts: np.ndarray  # n_kinds
    offsets: np.ndarray  # n_kinds: log-odds added so the kind's threshold lands on PRESENT_AT
    lexicon_floor: frozenset[str]  # kinds whose strong lexicon hits count beside the classifier
    times: tuple[str, ...]
    time_weights: np.ndarray  # n_times x (n_features + n_kinds)
    time_intercepts: np.ndarray
    meta: Mapping[str, Any]
    # When a kind counts as found in a whole work (chosen on dev works, ``ficlens.train.signals``):
    # ``min_sentences`` sentences at or above the presence confidence, or one at ``high`` or more,
    # for the ``kinds`` it was chosen on (the AO3 archive warnings); ``per_kind``, when there,
    # holds one such rule per warning. Other kinds, or no rule: one sentence at the presence
    # confidence is enough.
    work_rule: Mapping[str, Any] = field(default_factory=dict)

    def found_in_work(self, confidences: Sequence[float], kind: str | None = None, n_sentences: int | None = None) -> bool:
        """Does a work whose sentences have these confidences (for ``kind``) show the kind?
        ``n_sentences``: how many sentences the work has (default: one per confidence)."""
        rule = self.work_rule
        if not rule or (kind is not None and kind not in rule.get("kinds", (kind,))):
            return any(c >= PRESENT_AT for c in confidences)
        # A rule of the kind's own where training chose one per warning (``per_kind``).
        rule = rule.get("per_kind", {}).get(kind, rule) if kind is not None else rule
        return work_found(confidences, len(confidences) if n_sentences is None else n_sentences, rule)

    def matrix(self, rows: Sequence[Mapping[str, float]], extra: int = 0) -> Any:
        """Rows as a sparse matrix in the vocabulary's columns (unknown names are dropped),
        with ``extra`` empty columns after them."""
        from scipy.sparse import csr_matrix

        data: list[float] = []
        cols: list[int] = []
        indptr = [0]
        for row in rows:
            for name, value in row.items():
                j = self.vocab.get(name)
                if j is not None and value:
                    cols.append(j)
                    data.append(value)
            indptr.append(len(cols))
        return csr_matrix((data, cols, indptr), shape=(len(rows), len(self.vocab) + extra))

    def margins(self, rows: Sequence[Mapping[str, float]]) -> np.ndarray:
        """Log-odds of each kind per row (n_rows x n_kinds), before the threshold shift."""
        if not rows:
            return np.zeros((0, len(self.kinds)))
        return np.asarray(self.matrix(rows) @ self.weights.T) + self.intercepts

    def confidence(self, rows: Sequence[Mapping[str, float]]) -> np.ndarray:
        """Per row and kind, a confidence in [0, 1] where ``PRESENT_AT`` is the kind's threshold;
        for the ``lexicon_floor`` kinds, at least the row's discounted lexicon score (``lexd:``),
        so training, evaluation and the stage count the same lexicon hits."""
        conf = 1.0 / (1.0 + np.exp(-(self.margins(rows) + self.offsets)))
        for j, kind in enumerate(self.kinds):
            if kind in self.lexicon_floor:
                conf[:, j] = lexicon_floor(conf[:, j], rows, kind)
        return conf

    def time_of(self, rows: Sequence[Mapping[str, float]], kinds: Sequence[str], facts_only: Sequence[bool]) -> list[str]:
        """The most likely time of each (row, kind); among present and past only where
        ``facts_only`` (the classifier already says the kind is shown)."""
        if not rows:
            return []
        x = self.matrix(rows, extra=len(self.kinds)).tolil()
        for i, kind in enumerate(kinds):
            x[i, len(self.vocab) + self.kinds.index(kind)] = 1.0
        scores = np.asarray(x.tocsr() @ self.time_weights.T) + self.time_intercepts
        fact = np.array([t in ("present", "past") for t in self.times])
        out = []
        for i, only in enumerate(facts_only):
            row = np.where(fact, scores[i], -np.inf) if only else scores[i]
            out.append(self.times[int(np.argmax(row))])
        return out


def work_found(confidences: Sequence[float] | np.ndarray, n_sentences: int, rule: Mapping[str, Any]) -> bool:
    """The work rule: ``min_sentences`` sentences at ``at`` (default: the presence confidence) or
    more, or one at ``high``,
    or (``rate``, when the rule has one) that many findings per sentence of the work, at least
    one: a drabble's one clear sentence weighs what a novel's dozen do."""
    c = np.asarray(confidences, dtype=float)
    strong = int((c >= rule.get("at", PRESENT_AT)).sum())
    if strong >= rule["min_sentences"] or (len(c) and float(c.max()) >= rule["high"]):
        return True
    rate = rule.get("rate")
    return bool(rate) and strong >= 1 and strong / max(n_sentences, 1) >= rate


def lexicon_floor(confidence: np.ndarray, rows: Sequence[Mapping[str, float]], kind: str) -> np.ndarray:
    """A kind's confidences raised to each row's discounted lexicon score where that reaches the
    presence confidence (a weaker lexicon hit is only a feature)."""
    lex = np.array([row.get(f"lexd:{kind}", 0.0) for row in rows])
    return np.where(lex >= PRESENT_AT, np.maximum(confidence, lex), confidence)


def model_to_data(model: SignalsModel) -> dict[str, Any]:
    """The model file's JSON: weights stored sparse (index, value) and rounded."""

    def sparse(vector: np.ndarray) -> list[list[float]]:
        return [[int(j), round(float(v), 4)] for j, v in enumerate(vector) if abs(v) >= 5e-4]

    names = sorted(model.vocab, key=model.vocab.__getitem__)
    return {
        "format": MODEL_FORMAT,
        "kinds": list(model.kinds),
        "vocab": names,
        "weights": {k: sparse(model.weights[i]) for i, k in enumerate(model.kinds)},
        "intercepts": {k: round(float(model.intercepts[i]), 4) for i, k in enumerate(model.kinds)},
        "offsets": {k: round(float(model.offsets[i]), 4) for i, k in enumerate(model.kinds)},
        "lexicon_floor": sorted(model.lexicon_floor),
        "times": list(model.times),
        "time_weights": {t: sparse(model.time_weights[i]) for i, t in enumerate(model.times)},
        "time_intercepts": {t: round(float(model.time_intercepts[i]), 4) for i, t in enumerate(model.times)},
        "training": dict(model.meta),
        "work_rule": dict(model.work_rule),
    }


def model_from_data(data: Mapping[str, Any], where: str = MODEL_FILE) -> SignalsModel:
    if data.get("format") != MODEL_FORMAT:
        raise ValueError(f"{where}: not a {MODEL_FORMAT} model file")
    kinds = tuple(data["kinds"])
    vocab = {name: j for j, name in enumerate(data["vocab"])}
    times = tuple(data["times"])

    def dense(pairs: Iterable[Sequence[float]], size: int) -> np.ndarray:
        out = np.zeros(size)
        for j, v in pairs:
            out[int(j)] = v
        return out

    n = len(vocab)
    return SignalsModel(
        kinds=kinds,
        vocab=vocab,
        weights=np.vstack([dense(data["weights"][k], n) for k in kinds]),
        intercepts=np.array([data["intercepts"][k] for k in kinds]),
        offsets=np.array([data["offsets"][k] for k in kinds]),
        lexicon_floor=frozenset(data.get("lexicon_floor", ())),
        times=times,
        time_weights=np.vstack([dense(data["time_weights"][t], n + len(kinds)) for t in times]),
        time_intercepts=np.array([data["time_intercepts"][t] for t in times]),
        meta=dict(data.get("training", {})),
        work_rule=dict(data.get("work_rule", {})),
    )


def load_signals_model(path: str | Path | None = None) -> SignalsModel:
    """Read a model file; without a path, the shipped one."""
    if path:
        text = Path(path).read_text(encoding="utf-8")
    else:
        from importlib.resources import files

        text = files("ficlens").joinpath("data", "models", MODEL_FILE).read_text(encoding="utf-8")
    return model_from_data(json.loads(text), str(path or MODEL_FILE))


def shift_for(threshold: float) -> float:
    """Log-odds to add so that probability ``threshold`` becomes ``PRESENT_AT``."""
    t = min(max(threshold, 1e-6), 1 - 1e-6)
    return math.log(PRESENT_AT / (1 - PRESENT_AT)) - math.log(t / (1 - t))
