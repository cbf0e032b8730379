"""Evaluation metrics on plain inputs (spans, ids, name sets), so they test without a pipeline.

Every score keeps its counts (not just a ratio), so per-novel results add up to a
micro-average with ``+``.
"""

from __future__ import annotations

import re
from collections import Counter, defaultdict
from collections.abc import Hashable, Iterable, Mapping, Sequence
from dataclasses import dataclass

from ficlens.eval.coref_metrics import CorefScore, b_cubed

Span = tuple[int, int]
OVERLAP = 0.5  # a gold span counts as found when a predicted span covers at least half of it


@dataclass(frozen=True)
class PRF:
    """Precision from predicted items that match, recall from gold items matched."""

    matched_pred: int
    n_pred: int
    matched_gold: int
    n_gold: int

    @property
    def precision(self) -> float:
        return self.matched_pred / self.n_pred if self.n_pred else 0.0

    @property
    def recall(self) -> float:
        return self.matched_gold / self.n_gold if self.n_gold else 0.0

    @property
    def f1(self) -> float:
        p, r = self.precision, self.recall
        return 2 * p * r / (p + r) if p + r else 0.0

    def __add__(self, other: PRF) -> PRF:
        return PRF(
            self.matched_pred + other.matched_pred,
            self.n_pred + other.n_pred,
            self.matched_gold + other.matched_gold,
            self.n_gold + other.n_gold,
        )

    def to_dict(self) -> dict[str, float]:
        return {"precision": self.precision, "recall": self.recall, "f1": self.f1, "n_gold": self.n_gold, "n_pred": self.n_pred}


@dataclass(frozen=True)
class Ratio:
    """``correct`` may be fractional (a sum of Jaccard scores)."""

    correct: float
    total: int

    @property
    def value(self) -> float:
        return self.correct / self.total if self.total else 0.0

    def __add__(self, other: Ratio) -> Ratio:
        return Ratio(self.correct + other.correct, self.total + other.total)

    def to_dict(self) -> dict[str, float]:
        return {"value": self.value, "correct": self.correct, "total": self.total}


# --- spans -----------------------------------------------------------------------------


def strip_span(text: str, span: Span) -> Span:
    """Trim whitespace at both ends: annotations and readers disagree on trailing spaces/newlines."""
    s, e = span
    while s < e and text[s].isspace():
        s += 1
    while e > s and text[e - 1].isspace():
        e -= 1
    return s, e


def _covered(gold: Span, pred: Span) -> int:
    return max(0, min(gold[1], pred[1]) - max(gold[0], pred[0]))


def _overlaps(gold: Span, pred: Span, share: float = OVERLAP) -> bool:
    length = gold[1] - gold[0]
    return length > 0 and _covered(gold, pred) >= share * length


def span_prf(gold: Iterable[Span], pred: Iterable[Span]) -> tuple[PRF, PRF]:
    """(exact, overlap) detection scores. Overlap: a gold span is found when one predicted span
    covers >= 50% of its characters; a predicted span is right when it so covers some gold span."""
    gold_set, pred_set = set(gold), set(pred)
    exact_hits = len(gold_set & pred_set)
    exact = PRF(exact_hits, len(pred_set), exact_hits, len(gold_set))
    golds, preds = sorted(gold_set), sorted(pred_set)
    matched_gold = matched_pred = 0
    hit_pred: set[Span] = set()
    # Sweep: both lists sorted by start; only spans that intersect can match.
    j0 = 0
    for g in golds:
        while j0 < len(preds) and preds[j0][1] <= g[0]:
            j0 += 1
        found = False
        j = j0
        while j < len(preds) and preds[j][0] < g[1]:
            if _overlaps(g, preds[j]):
                found = True
                hit_pred.add(preds[j])
            j += 1
        matched_gold += found
    matched_pred = len(hit_pred)
    return exact, PRF(matched_pred, len(preds), matched_gold, len(golds))


def align_quotes(gold_quotes: Sequence[Sequence[Span]], pred: Sequence[Span]) -> list[int | None]:
    """For each gold quote (its sub-spans), the index of the predicted span that covers most of
    it, among those that cover >= 50% of one of its sub-spans; None when undetected."""
    order = sorted(range(len(pred)), key=lambda i: pred[i])
    starts = [pred[i][0] for i in order]
    import bisect

    out: list[int | None] = []
    for spans in gold_quotes:
        best, best_cover = None, 0
        for g in spans:
            # Predicted spans starting before g ends; walk back while they may still reach g.
            k = bisect.bisect_left(starts, g[1])
            for idx in range(k - 1, -1, -1):
                p = pred[order[idx]]
                cover = _covered(g, p)
                if cover and _overlaps(g, p) and cover > best_cover:
                    best, best_cover = order[idx], cover
                if g[0] - p[0] > 20000:  # no quote is that long; stop the walk
                    break
        out.append(best)
    return out


# --- cluster mapping -------------------------------------------------------------------

_WS = re.compile(r"\s+")


def norm_name(text: str) -> str:
    """Case, spacing and a trailing possessive don't decide whether two names match."""
    t = _WS.sub(" ", text.strip().lower()).replace("’", "'")
    if t.endswith("'s"):
        t = t[:-2]
    return t.replace(".", "")


def map_clusters(
    pred_texts: Mapping[Hashable, Iterable[str]],
    gold_names: Mapping[Hashable, Iterable[str]],
) -> dict[Hashable, Hashable]:
    """One-to-one map predicted cluster -> gold character.

    The score of a pair is how many of the cluster's texts (its name, aliases and mention
    texts) match one of the gold character's names/aliases; the Hungarian method
    (scipy.optimize.linear_sum_assignment) picks the assignment with the largest total.
    Pairs scoring 0 are not mapped.
    """
    import numpy as np
    from scipy.optimize import linear_sum_assignment

    pred_ids = list(pred_texts)
    gold_ids = list(gold_names)
    if not pred_ids or not gold_ids:
        return {}
    owners: dict[str, list[int]] = defaultdict(list)
    for j, g in enumerate(gold_ids):
        for name in {norm_name(n) for n in gold_names[g]}:
            owners[name].append(j)
    scores = np.zeros((len(pred_ids), len(gold_ids)))
    for i, p in enumerate(pred_ids):
        for text, n in Counter(norm_name(t) for t in pred_texts[p]).items():
            for j in owners.get(text, ()):
                scores[i, j] += n
    rows, cols = linear_sum_assignment(scores, maximize=True)
    return {pred_ids[i]: gold_ids[j] for i, j in zip(rows, cols, strict=True) if scores[i, j] > 0}


# --- speakers and addressees -----------------------------------------------------------


@dataclass(frozen=True)
class SpeakerScores:
    all: Ratio  # over every gold quote; an undetected one is wrong
    detected: Ratio  # over gold quotes a predicted quote was aligned to
    by_type: dict[str, Ratio]
    detected_by_type: dict[str, Ratio]

    def __add__(self, other: SpeakerScores) -> SpeakerScores:
        return SpeakerScores(
            self.all + other.all,
            self.detected + other.detected,
            _add_dicts(self.by_type, other.by_type),
            _add_dicts(self.detected_by_type, other.detected_by_type),
        )

    def to_dict(self) -> dict[str, object]:
        return {
            "all": self.all.to_dict(),
            "detected": self.detected.to_dict(),
            "by_type": {k: v.to_dict() for k, v in sorted(self.by_type.items())},
            "detected_by_type": {k: v.to_dict() for k, v in sorted(self.detected_by_type.items())},
        }


def _add_dicts(a: dict[str, Ratio], b: dict[str, Ratio]) -> dict[str, Ratio]:
    out = dict(a)
    for k, v in b.items():
        out[k] = out[k] + v if k in out else v
    return out


def speaker_accuracy(
    gold: Sequence[Hashable | None],
    predicted: Sequence[Hashable | None],
    detected: Sequence[bool],
    quote_types: Sequence[str | None],
) -> SpeakerScores:
    """``predicted`` is already mapped to gold ids (None: no speaker or an unmapped cluster).
    A gold quote without a resolvable gold speaker is skipped. Types: explicit / anaphoric /
    implicit, plus ``non_explicit`` (anaphoric + implicit) for comparison with published work."""
    all_c = all_n = det_c = det_n = 0
    by: dict[str, list[int]] = defaultdict(lambda: [0, 0])
    by_det: dict[str, list[int]] = defaultdict(lambda: [0, 0])
    for g, p, d, t in zip(gold, predicted, detected, quote_types, strict=True):
        if g is None:
            continue
        ok = bool(d) and p is not None and p == g
        all_c += ok
        all_n += 1
        groups = [t] if t else []
        if t in ("anaphoric", "implicit"):
            groups.append("non_explicit")
        for key in groups:
            by[key][0] += ok
            by[key][1] += 1
        if d:
            det_c += ok
            det_n += 1
            for key in groups:
                by_det[key][0] += ok
                by_det[key][1] += 1
    return SpeakerScores(
        Ratio(all_c, all_n),
        Ratio(det_c, det_n),
        {k: Ratio(*v) for k, v in by.items()},
        {k: Ratio(*v) for k, v in by_det.items()},
    )


@dataclass(frozen=True)
class AddresseeScores:
    exact: Ratio  # exact set equality after mapping
    jaccard: Ratio  # mean Jaccard of the sets

    def __add__(self, other: AddresseeScores) -> AddresseeScores:
        return AddresseeScores(self.exact + other.exact, self.jaccard + other.jaccard)

    def to_dict(self) -> dict[str, object]:
        return {"exact": self.exact.to_dict(), "jaccard": self.jaccard.to_dict()}


def addressee_scores(
    gold: Sequence[frozenset[Hashable]],
    predicted: Sequence[frozenset[Hashable]],
) -> AddresseeScores:
    """Over the gold quotes that have at least one gold addressee; ``predicted`` holds mapped
    ids (an undetected quote or an unmapped cluster contributes nothing)."""
    exact = jac = 0.0
    n = 0
    for g, p in zip(gold, predicted, strict=True):
        if not g:
            continue
        n += 1
        exact += g == p
        jac += len(g & p) / len(g | p)
    return AddresseeScores(Ratio(exact, n), Ratio(jac, n))


def candidate_oracle(
    gold: Sequence[Hashable | None],
    candidates: Sequence[Iterable[Hashable]],
) -> Ratio:
    """Share of gold quotes whose gold speaker is among the (mapped) candidates the speaker stage
    considered: the ceiling of any choice among those candidates. Undetected quotes have none."""
    hit = n = 0
    for g, cands in zip(gold, candidates, strict=True):
        if g is None:
            continue
        n += 1
        hit += g in set(cands)
    return Ratio(hit, n)


# --- character identification ----------------------------------------------------------


@dataclass(frozen=True)
class CharacterScores:
    recall_all: Ratio  # gold characters some predicted cluster maps to
    recall_frequent: Ratio  # the same over gold characters with >= 5 quotes
    purity: Ratio  # mentions in their cluster's majority gold character
    b_cubed: CorefScore
    gender: Ratio  # mapped predicted characters whose gold character is M or F: gender right

    def __add__(self, other: CharacterScores) -> CharacterScores:
        return CharacterScores(
            self.recall_all + other.recall_all,
            self.recall_frequent + other.recall_frequent,
            self.purity + other.purity,
            self.b_cubed + other.b_cubed,
            self.gender + other.gender,
        )

    def to_dict(self) -> dict[str, object]:
        return {
            "recall_all": self.recall_all.to_dict(),
            "recall_frequent": self.recall_frequent.to_dict(),
            "purity": self.purity.to_dict(),
            "b_cubed": self.b_cubed.to_dict(),
            "gender": self.gender.to_dict(),
        }


FREQUENT = 5
_GOLD_GENDER = {"M": "male", "F": "female"}  # the PDNC genders a predicted gender is checked against


def character_scores(
    gold_names: Mapping[Hashable, Iterable[str]],
    gold_quote_counts: Mapping[Hashable, int],
    mapping: Mapping[Hashable, Hashable],
    mentions: Iterable[tuple[Hashable, str]],
    gold_genders: Mapping[Hashable, str],
    pred_genders: Mapping[Hashable, str],
) -> CharacterScores:
    """``mentions`` are (predicted cluster id, mention text). Only mentions whose text matches
    the names/aliases of exactly one gold character are scored (an ambiguous or unknown text
    has no gold cluster), for purity and B-cubed of the predicted clusters.

    Gender is scored over the predicted characters ``mapping`` maps to a gold character of
    gender "M" or "F" (PDNC's codes; "U" and "X" give nothing to check against): right when
    the predicted gender (``ficlens.model.Gender`` values) is "male" for M, "female" for F."""
    found = set(mapping.values())
    gold_ids = list(gold_names)
    frequent = [g for g in gold_ids if gold_quote_counts.get(g, 0) >= FREQUENT]
    recall_all = Ratio(sum(g in found for g in gold_ids), len(gold_ids))
    recall_freq = Ratio(sum(g in found for g in frequent), len(frequent))

    owners: dict[str, set[Hashable]] = defaultdict(set)
    for g, names in gold_names.items():
        for n in names:
            owners[norm_name(n)].add(g)
    pred_clusters: dict[Hashable, list[int]] = defaultdict(list)
    gold_clusters: dict[Hashable, list[int]] = defaultdict(list)
    labels: list[Hashable] = []
    for i, (cluster, text) in enumerate(mentions):
        who = owners.get(norm_name(text), set())
        if len(who) != 1 or cluster is None:
            continue
        (g,) = who
        pred_clusters[cluster].append(i)
        gold_clusters[g].append(i)
        labels.append(g)
    gold_of = {i: g for g, items in gold_clusters.items() for i in items}
    pure = sum(max(Counter(gold_of[i] for i in items).values()) for items in pred_clusters.values())
    checked = [
        (pred_genders.get(p), _GOLD_GENDER[gold_genders[g]])
        for p, g in mapping.items()
        if gold_genders.get(g) in _GOLD_GENDER
    ]
    return CharacterScores(
        recall_all,
        recall_freq,
        Ratio(pure, len(labels)),
        b_cubed(gold_clusters.values(), pred_clusters.values()),
        Ratio(sum(pred == gold for pred, gold in checked), len(checked)),
    )
