"""Train the pronoun ranker of the coref stage (``data/models/coref-ranker.json``) on LitBank.

::

    python -m ficlens.train.coref --data ../shared/data/litbank -o models/ [--cache DIR]

Only LitBank's dev works are read (the frozen test split, ``data/splits/litbank-test.txt``,
never). Each is analysed as ``ficlens eval litbank`` analyses it (the original book's
paragraphs covering the excerpt) through the characters stage; the coref stage's rules then
resolve the pronouns, and every third-person singular pronoun whose excerpt span is a gold
PER mention gives one example per candidate character (``coref_model.pair_rows``): positive
when the character's name mentions mostly lie in the pronoun's gold chain. A logistic
regression (scikit-learn, lbfgs, deterministic) is fitted on standardised features.

The scope (rank every pronoun, or only those the rules leave open) and the threshold (a
pronoun keeps the rules' answer when no candidate scores at least this) are chosen by
work-level cross-validation on the CoNLL F1 of the whole pipeline, as ``eval
litbank`` scores it: each dev work analysed with a fold model that never saw it. The same
data give the same bytes: rows are built in sorted work order and numbers are rounded.
"""

from __future__ import annotations

import argparse
import copy
import dataclasses
import json
import pickle
import time
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from ficlens.eval.coref_metrics import CorefScores
from ficlens.eval.litbank import (
    AlignedSource,
    LitBankWork,
    aligned_source,
    list_works,
    load_work,
    name_core,
)
from ficlens.eval.splits import select
from ficlens.model import Document, Gender, Mention, Token
from ficlens.pipeline import Pipeline, PipelineConfig
from ficlens.stages.coref import CorefConfig, CorefStage
from ficlens.stages.coref_model import (
    FEATURES,
    MODEL_FILE,
    MODEL_FORMAT,
    WINDOW,
    CorefModel,
    pair_rows,
)

FOLDS = 5
C = 1.0  # inverse regularisation strength of the logistic regression
THRESHOLDS = (0.0, 0.2, 0.4)
_UPSTREAM = ("segment", "quotes", "characters")
_DOWNSTREAM = ("speakers", "quote_pronouns")  # the stages after coref that add to the mentions


@dataclass
class Staged:
    """One dev work analysed up to the coref stage."""

    work: LitBankWork
    src: AlignedSource
    doc: Document


class _Recorder:
    """Stands in for the model inside the coref stage: keeps what the rules resolved."""

    def __init__(self) -> None:
        self.args: tuple[Any, ...] = ()

    def resolve(
        self,
        doc: Document,
        in_quote: list[bool],
        names: list[Mention],
        pronouns: list[Token],
        genders: dict[str, Gender],
        rule: dict[int, str | None],
    ) -> dict[int, str | None]:
        self.args = (doc, in_quote, names, pronouns, genders, rule)
        return rule


def dev_stems(root: Path) -> list[str]:
    """LitBank's works outside the frozen test split, sorted."""
    return select("litbank", list_works(root), "dev")


def staged_works(
    root: Path, cache_dir: Path | None = None, log: Callable[[str], None] = print
) -> list[Staged]:
    """LitBank's dev works through segment, quotes and characters, in sorted order."""
    pipeline = Pipeline(PipelineConfig()).select(_UPSTREAM)
    out = []
    for stem in dev_stems(root):
        cached = cache_dir / f"{stem}.pkl" if cache_dir is not None else None
        if cached is not None and cached.is_file():
            out.append(Staged(*pickle.loads(cached.read_bytes())))
            continue
        work = load_work(root, stem)
        src = aligned_source(root, work)
        doc = pipeline(Document(text=src.text, source=str(src.path), format="text"))
        if cached is not None:
            cached.parent.mkdir(parents=True, exist_ok=True)
            cached.write_bytes(pickle.dumps((work, src, doc)))
        log(f"staged {stem}")
        out.append(Staged(work, src, doc))
    return out


def examples(item: Staged) -> tuple[np.ndarray, np.ndarray]:
    """Feature rows and 0/1 labels of one work's (pronoun, candidate) pairs."""
    recorder = _Recorder()
    CorefStage(CorefConfig(), model=recorder)(copy.deepcopy(item.doc))  # type: ignore[arg-type]
    doc, in_quote, names, pronouns, genders, rule = recorder.args
    owner = gold_owner(item.work)
    chain_of = character_chains(item.src, names, owner)
    xs, ys = [], []
    for index, cands, rows in pair_rows(doc, in_quote, names, pronouns, genders, rule, WINDOW):
        tok = doc.tokens[index]
        span = item.src.to_excerpt(tok.start, tok.end)
        gold = owner.get(span) if span is not None else None
        if gold is None:
            continue
        for cid, row in zip(cands, rows, strict=True):
            xs.append(row)
            ys.append(int(chain_of.get(cid) == gold))
    if not xs:
        return np.zeros((0, len(FEATURES))), np.zeros(0, dtype=int)
    return np.asarray(xs), np.asarray(ys)


def gold_owner(work: LitBankWork) -> dict[tuple[int, int], str]:
    """Excerpt span -> PER chain; a proper-name mention also under its name core ("Miss Elliot")."""
    owner: dict[tuple[int, int], str] = {}
    for m in work.mentions:
        if m.chain is None or m.entity_type != "PER":
            continue
        owner[(m.start, m.end)] = m.chain
        if m.mention_type == "PROP":
            owner.setdefault(name_core(work.text, m.start, m.end), m.chain)
    return owner


def character_chains(
    src: AlignedSource, names: Sequence[Mention], owner: dict[tuple[int, int], str]
) -> dict[str, str]:
    """Character id -> the gold chain most of its name and nominal mentions lie in."""
    votes: dict[str, Counter[str]] = {}
    for m in names:
        if m.character_id is None:
            continue
        span = src.to_excerpt(m.start, m.end)
        chain = owner.get(span) if span is not None else None
        if chain is not None:
            votes.setdefault(m.character_id, Counter())[chain] += 1
    return {cid: v.most_common(1)[0][0] for cid, v in votes.items()}


def fit(x: np.ndarray, y: np.ndarray, threshold: float) -> CorefModel:
    from sklearn.linear_model import LogisticRegression

    mean = x.mean(axis=0)
    scale = x.std(axis=0)
    scale[scale == 0] = 1.0
    clf = LogisticRegression(C=C, max_iter=2000)
    clf.fit((x - mean) / scale, y)
    return CorefModel(
        features=FEATURES,
        mean=np.round(mean, 6),
        scale=np.round(scale, 6),
        coef=np.round(clf.coef_[0], 6),
        intercept=round(float(clf.intercept_[0]), 6),
        threshold=threshold,
    )


def write_model(model: CorefModel, out: Path, training: dict[str, Any]) -> Path:
    """``out/coref-ranker.json``, written whole (a temporary file renamed into place)."""
    payload = {
        "format": MODEL_FORMAT,
        "features": list(model.features),
        "mean": model.mean.tolist(),
        "scale": model.scale.tolist(),
        "coef": model.coef.tolist(),
        "intercept": model.intercept,
        "threshold": model.threshold,
        "window": model.window,
        "scope": model.scope,
        "training": training,
    }
    out.mkdir(parents=True, exist_ok=True)
    path = out / MODEL_FILE
    tmp = path.with_suffix(".tmp")
    tmp.write_text(json.dumps(payload, indent=1, sort_keys=True) + "\n", encoding="utf-8")
    tmp.replace(path)
    return path


def score_work(item: Staged, model: CorefModel | None, downstream: Pipeline) -> CorefScores:
    """The work's coref scores with the pipeline after characters, as ``eval litbank`` scores it."""
    from ficlens.eval.litbank import score_aligned

    doc = CorefStage(CorefConfig(), model=model)(copy.deepcopy(item.doc))
    doc = downstream(doc)
    return score_aligned(item.work, item.src, doc)["coref"]


def fold_of(index: int) -> int:
    return index % FOLDS


def train_coref(
    data: Path, out: Path, cache_dir: Path | None = None, log: Callable[[str], None] = print
) -> dict[str, Any]:
    """Write ``out/coref-ranker.json``; returns the cross-validation summary."""
    started = time.perf_counter()
    items = staged_works(Path(data), cache_dir, log)
    per_work = [examples(item) for item in items]
    downstream = Pipeline(PipelineConfig()).select(_DOWNSTREAM)
    folds = [fold_of(i) for i in range(len(items))]

    def stack(keep: Callable[[int], bool]) -> tuple[np.ndarray, np.ndarray]:
        xs = [per_work[i][0] for i in range(len(items)) if keep(i)]
        ys = [per_work[i][1] for i in range(len(items)) if keep(i)]
        return np.vstack(xs), np.concatenate(ys)

    baseline = sum(
        (score_work(item, None, downstream) for item in items[1:]),
        score_work(items[0], None, downstream),
    )
    cv: dict[str, float] = {"rules": round(100 * baseline.conll_f1, 2)}
    fold_models = {k: fit(*stack(lambda i, k=k: folds[i] != k), 0.0) for k in range(FOLDS)}
    # (scope, threshold) settings: re-rank every pronoun (at each threshold), or only those the
    # rules left open.
    settings = [("all", t) for t in THRESHOLDS] + [("unresolved", 0.0)]
    for scope, threshold in settings:
        total = None
        for i, item in enumerate(items):
            m = dataclasses.replace(fold_models[folds[i]], threshold=threshold, scope=scope)
            s = score_work(item, m, downstream)
            total = s if total is None else total + s
        assert total is not None
        cv[f"{scope} {threshold:.1f}"] = round(100 * total.conll_f1, 2)
        log(
            f"{scope} {threshold:.1f}: CoNLL F1 {cv[f'{scope} {threshold:.1f}']} (rules {cv['rules']})"
        )
    best_scope, best = max(settings, key=lambda st: (cv[f"{st[0]} {st[1]:.1f}"], -st[1]))
    x, y = stack(lambda i: True)
    model = dataclasses.replace(fit(x, y, best), scope=best_scope)
    training = {
        "data": "LitBank dev works (coref/tsv PER chains), the test split left out",
        "works": len(items),
        "pairs": int(len(y)),
        "positive": int(y.sum()),
        "C": C,
        "folds": FOLDS,
        "cv_conll_f1": cv,
    }
    path = write_model(model, Path(out), training)
    return {
        "model": str(path),
        "cv": cv,
        "threshold": best,
        "scope": best_scope,
        "seconds": round(time.perf_counter() - started, 1),
    }


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(
        prog="python -m ficlens.train.coref", description=__doc__.splitlines()[0]
    )
    parser.add_argument(
        "--data", type=Path, default=Path("../shared/data/litbank"), help="the LitBank folder"
    )
    parser.add_argument(
        "-o", "--out", type=Path, default=Path("models"), help="folder for coref-ranker.json"
    )
    parser.add_argument(
        "--cache", type=Path, default=None, help="keep the staged works here between runs"
    )
    args = parser.parse_args(argv)
    summary = train_coref(args.data, args.out, args.cache)
    print(json.dumps(summary, indent=1))


if __name__ == "__main__":
    main()
