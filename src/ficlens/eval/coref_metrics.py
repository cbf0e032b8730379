"""Coreference scores: MUC, B-cubed, CEAF-e and the CoNLL F1 mean.

Standard definitions as in the CoNLL reference scorer (Pradhan et al. 2014, "Scoring
Coreference Partitions of Predicted Mentions"), applied to predicted mentions without any
mention manipulation: a key mention the response lacks (or the reverse) simply earns nothing.

- MUC (Vilain et al. 1995): recall = sum(|K| - |p(K)|) / sum(|K| - 1), where p(K) is the
  partition of key entity K by the response entities, each mention absent from the response
  counting as its own part; precision swaps key and response.
- B-cubed (Bagga & Baldwin 1998): recall = sum_K sum_R |K & R|^2 / |K| / sum_K |K|;
  precision swaps key and response.
- CEAF-e (Luo 2005): phi4(K, R) = 2|K & R| / (|K| + |R|); the best one-to-one alignment
  (Hungarian, scipy) gives total similarity S; recall = S / #key entities,
  precision = S / #response entities.

Entities are iterables of hashable mentions (e.g. ``(start, end)`` spans). A mention repeated
in one partition is counted once (the scorer's de-duplication).

We checked PyPI for a packaged scorer: ``scorch`` (0.2.0) exists but adds a dependency for
~80 lines of arithmetic, so we implement the definitions and test them against the
reference scorer's published test cases.
"""

from __future__ import annotations

from collections.abc import Hashable, Iterable, Sequence
from dataclasses import dataclass

Entity = Iterable[Hashable]


@dataclass(frozen=True)
class CorefScore:
    """Numerators and denominators kept apart so several documents can be summed (micro)."""

    recall_num: float
    recall_den: float
    precision_num: float
    precision_den: float

    @property
    def recall(self) -> float:
        return self.recall_num / self.recall_den if self.recall_den else 0.0

    @property
    def precision(self) -> float:
        return self.precision_num / self.precision_den if self.precision_den else 0.0

    @property
    def f1(self) -> float:
        p, r = self.precision, self.recall
        return 2 * p * r / (p + r) if p + r else 0.0

    def __add__(self, other: CorefScore) -> CorefScore:
        return CorefScore(
            self.recall_num + other.recall_num,
            self.recall_den + other.recall_den,
            self.precision_num + other.precision_num,
            self.precision_den + other.precision_den,
        )

    def to_dict(self) -> dict[str, float]:
        return {"precision": self.precision, "recall": self.recall, "f1": self.f1}


def _clean(entities: Iterable[Entity]) -> list[frozenset[Hashable]]:
    """De-duplicate mentions: a mention keeps only its first entity; empty entities are dropped."""
    seen: set[Hashable] = set()
    out = []
    for entity in entities:
        members = frozenset(m for m in entity if m not in seen)
        seen |= members
        if members:
            out.append(members)
    return out


def _muc_side(key: list[frozenset[Hashable]], response: list[frozenset[Hashable]]) -> tuple[float, float]:
    where = {m: i for i, e in enumerate(response) for m in e}
    num = den = 0
    for entity in key:
        parts = {where.get(m, ("missing", m)) for m in entity}
        num += len(entity) - len(parts)
        den += len(entity) - 1
    return num, den


def muc(key: Iterable[Entity], response: Iterable[Entity]) -> CorefScore:
    k, r = _clean(key), _clean(response)
    rn, rd = _muc_side(k, r)
    pn, pd = _muc_side(r, k)
    return CorefScore(rn, rd, pn, pd)


def _b3_side(key: list[frozenset[Hashable]], response: list[frozenset[Hashable]]) -> tuple[float, float]:
    where = {m: e for e in response for m in e}
    num = 0.0
    for entity in key:
        overlaps: dict[frozenset[Hashable], int] = {}
        for m in entity:
            r = where.get(m)
            if r is not None:
                overlaps[r] = overlaps.get(r, 0) + 1
        num += sum(n * n for n in overlaps.values()) / len(entity)
    return num, sum(len(e) for e in key)


def b_cubed(key: Iterable[Entity], response: Iterable[Entity]) -> CorefScore:
    k, r = _clean(key), _clean(response)
    rn, rd = _b3_side(k, r)
    pn, pd = _b3_side(r, k)
    return CorefScore(rn, rd, pn, pd)


def ceaf_e(key: Iterable[Entity], response: Iterable[Entity]) -> CorefScore:
    import numpy as np
    from scipy.optimize import linear_sum_assignment

    k, r = _clean(key), _clean(response)
    if not k or not r:
        return CorefScore(0.0, len(k), 0.0, len(r))
    sim = np.zeros((len(k), len(r)))
    where = {m: j for j, e in enumerate(r) for m in e}
    for i, entity in enumerate(k):
        for m in entity:
            j = where.get(m)
            if j is not None:
                sim[i, j] += 1
    sizes_k = np.array([len(e) for e in k], dtype=float)[:, None]
    sizes_r = np.array([len(e) for e in r], dtype=float)[None, :]
    sim = 2 * sim / (sizes_k + sizes_r)
    rows, cols = linear_sum_assignment(sim, maximize=True)
    total = float(sim[rows, cols].sum())
    return CorefScore(total, len(k), total, len(r))


@dataclass(frozen=True)
class CorefScores:
    muc: CorefScore
    b_cubed: CorefScore
    ceaf_e: CorefScore

    @property
    def conll_f1(self) -> float:
        return (self.muc.f1 + self.b_cubed.f1 + self.ceaf_e.f1) / 3

    def __add__(self, other: CorefScores) -> CorefScores:
        return CorefScores(self.muc + other.muc, self.b_cubed + other.b_cubed, self.ceaf_e + other.ceaf_e)

    def to_dict(self) -> dict[str, object]:
        return {
            "muc": self.muc.to_dict(),
            "b_cubed": self.b_cubed.to_dict(),
            "ceaf_e": self.ceaf_e.to_dict(),
            "conll_f1": self.conll_f1,
        }


def score_all(key: Sequence[Entity], response: Sequence[Entity]) -> CorefScores:
    key = [list(e) for e in key]
    response = [list(e) for e in response]
    return CorefScores(muc(key, response), b_cubed(key, response), ceaf_e(key, response))
