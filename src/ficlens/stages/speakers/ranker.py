"""The learned ranker: the model file, its gradient-boosted trees, and its fold models.

::

    bundle = load_ranker()                  # ficlens/data/models/speakers-ranker.json
    bundle.full.score_many(rows)            # log-odds that each candidate is the speaker
    bundle.for_heldout("Emma")              # the fold model trained without Emma
    bundle.second, bundle.addressee         # the second-pass and addressee rankers

A model file (format ``MODEL_FORMAT``, written by ``ficlens train``) holds the first-pass
ranker, the decoder's transition scores, and optional ``second`` and ``addressee`` sections;
each ranker is a full model plus one model per cross-validation fold, with the novels it
held out. ``TreeEnsemble`` evaluates the exported trees with numpy; ``feature_matrix`` lays
named features out in the model's columns (``features``: an unknown name is an error).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from ficlens.stages.speakers.features import KNOWN_FEATURES, check_known

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
    """Rows of named features as a numpy matrix with one column per name (absent: 0), the
    layout the models are trained and scored on. Every name must be a known feature
    (``features.KNOWN_FEATURES``) and every feature of a row one of the columns: a misspelt
    name raises ValueError instead of becoming a column of zeros."""
    import numpy as np

    check_known(names, "feature matrix columns")
    index = {name: i for i, name in enumerate(names)}
    x = np.zeros((len(rows), len(names)))
    for r, feats in enumerate(rows):
        for name, value in feats.items():
            i = index.get(name)
            if i is None:
                what = "not a column of this model" if name in KNOWN_FEATURES else "an unknown feature name"
                raise ValueError(f"feature {name!r} of row {r} is {what} (ficlens.stages.speakers.features)")
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
