"""Train the speaker and addressee rankers on PDNC: features per (turn, candidate), gradient-boosted trees,
leave-novels-out cross-validation, one JSON model file.

::

    summary = train_speaker_ranker(Path("../shared/data/pdnc"), Path("out"), seed=0, folds=5)
    # out/speakers-ranker.json: the full model (all novels), the k fold models (each without
    # its held-out novels, the assignment stored with it) and the decoder settings;
    # summary["cv"]: per-fold and micro accuracy, each novel scored by the fold that never saw it.

Training examples come from two runs of the pipeline over each novel, both as ``ficlens eval
pdnc`` runs them: **gold-characters** (the gold character list handed in as a cast) and
**end-to-end** (characters found by the pipeline). Each predicted quote aligned to a gold quote
gives its turn a gold speaker; every candidate of the turn is one binary example (is it the
speaker?). The classifier is scikit-learn's ``HistGradientBoostingClassifier`` (no early
stopping, fixed ``random_state``), exported to plain JSON so the file is the same bytes for the
same seed and data, and scored with numpy at run time (``ficlens.stages.speakers.TreeEnsemble``).

The **second-pass ranker** (the file's ``second`` section) sees, besides the same features,
what a first pass decoded around each turn (``ficlens.stages.speakers.STACK_FEATURES``). Its
training rows must carry the first-pass decoding of novels that first pass never saw, as at
run time: the full second-pass model learns from each novel as decoded by the first-pass fold
model that held it out; fold k's second-pass model learns from each of its training novels
(fold j) as decoded by a *pair model* trained without folds j and k (one per pair of folds,
not shipped), so neither the novel nor fold k's held-out novels reach it.

The **addressee ranker** (the file's ``addressee`` section) is trained the same way, after the
speaker models: its examples are (turn, candidate) pairs of the conversations as the speaker
models of the same fold decode them (``ficlens.stages.speakers.addressees.addressee_features``),
positive when the candidate is one of the gold addressees: the second-pass model of the fold
over the rows it learnt from. So no held-out novel reaches a fold model through the speakers
either.

Parsing the 21 novels with spaCy takes about 5 minutes on two cores; ``cache_dir`` keeps the
staged Documents (pickles) between runs. Fitting the 2 x (1 + k) models takes a few more minutes.
"""

from __future__ import annotations

import json
import pickle
import tempfile
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from ficlens.eval.pdnc import PdncNovel, list_novels, load_novel
from ficlens.eval.run import (
    PdncScores,
    align_pdnc_quotes,
    map_pdnc_characters,
    score_pdnc_novel,
    write_cast,
)
from ficlens.model import Document
from ficlens.pipeline import Pipeline, PipelineConfig, stage_names
from ficlens.stages.speakers import (
    ADDRESSEE_FEATURES,
    FEATURES,
    MODEL_FILE,
    MODEL_FORMAT,
    SECOND_FEATURES,
    RankerBundle,
    RankerScorer,
    SpeakerConfig,
    SpeakerStage,
    TreeEnsemble,
    bundle_from_data,
    feature_matrix,
    stack_features,
)
from ficlens.stages.speakers.addressees import addressee_features, cast_facts

MODES = ("gold-characters", "end-to-end")
# Settled by leave-novels-out cross-validation on PDNC (see docs/model-card-speakers.md).
PARAMS: dict[str, Any] = {
    "max_iter": 150,
    "learning_rate": 0.08,
    "max_leaf_nodes": 31,
    "min_samples_leaf": 40,
    "l2_regularization": 1.0,
}
DECODER = {"same_speaker_penalty": 1.0, "alternation_bonus": 1.5}
# Log-odds above which a candidate is an addressee (0.5: probability 0.62), the best of
# -1.5..1.0 by leave-novels-out cross-validation (docs/model-card-speakers.md).
ADDRESSEE_THRESHOLD = 0.5
Log = Callable[[str], None]


@dataclass
class Staged:
    """One novel after segment, quotes, characters and coref, in one mode."""

    novel: str
    mode: str
    doc: Document


# --- documents -------------------------------------------------------------------------


def stage_novel(folder: Path, mode: str, cache_dir: Path | None, parser: list[Pipeline]) -> Document:
    """The novel run through the pipeline up to (not including) the speakers stage, exactly as
    ``ficlens eval pdnc`` runs it in ``mode``; cached as a pickle under ``cache_dir``.
    ``parser`` holds the segment pipeline once one was needed (spaCy loads once)."""
    from ficlens.cast import load_cast

    staged = cache_dir / f"speakers-{folder.name}-{mode}.pkl" if cache_dir else None
    if staged is not None and staged.exists():
        with open(staged, "rb") as fh:
            return pickle.load(fh)
    segmented = cache_dir / f"speakers-{folder.name}-segment.pkl" if cache_dir else None
    if segmented is not None and segmented.exists():
        with open(segmented, "rb") as fh:
            doc = pickle.load(fh)
        if not doc.stages:  # caches written before the pipeline recorded the segment stage
            doc.stages.append("segment")
    else:
        if not parser:
            parser.append(Pipeline(PipelineConfig(stages=("segment",))))
        text = (folder / "novel_text.txt").read_text(encoding="utf-8")
        doc = parser[0](Document(text=text, source=str(folder / "novel_text.txt"), format="text"))
        if segmented is not None:
            with open(segmented, "wb") as fh:
                pickle.dump(doc, fh)
    doc = pickle.loads(pickle.dumps(doc))  # the segment cache stays untouched
    cast = None
    if mode == "gold-characters":
        with tempfile.TemporaryDirectory() as tmp:
            novel = load_novel(folder)
            cast = load_cast(write_cast(novel.characters, Path(tmp) / "cast.tsv"))
    doc = Pipeline(PipelineConfig(stages=stage_names(after="segment", before="speakers")), cast=cast)(doc)
    if staged is not None:
        with open(staged, "wb") as fh:
            pickle.dump(doc, fh)
    return doc


def stage_all(
    data_dir: Path, novels: Sequence[str], cache_dir: Path | None, log: Log | None = None
) -> list[Staged]:
    holder: list[Pipeline] = []
    out = []
    if cache_dir is not None:
        cache_dir.mkdir(parents=True, exist_ok=True)
    for name in novels:
        started = time.perf_counter()
        for mode in MODES:
            out.append(Staged(name, mode, stage_novel(data_dir / "data" / name, mode, cache_dir, holder)))
        if log:
            log(f"staged {name} ({time.perf_counter() - started:.0f}s)")
    return out


# --- examples ----------------------------------------------------------------------------


@dataclass(frozen=True)
class Truth:
    """The gold answers for one staged Document, in its own ids: predicted character -> gold
    character, predicted quote index -> gold speaker and -> gold addressees (when any)."""

    characters: dict[Any, Any]
    speakers: dict[int, int]
    addressees: dict[int, frozenset[int]]


def align_gold(novel: PdncNovel, doc: Document) -> list[tuple[Any, int | None]]:
    """Each gold quote with the index of its predicted quote (None: undetected), by the
    evaluation's own alignment."""
    return list(zip(novel.quotes, align_pdnc_quotes(novel, doc), strict=True))


def gold_truth(novel: PdncNovel, doc: Document) -> Truth:
    """Gold speakers and addressees through the evaluation's own quote alignment and
    character mapping."""
    speakers: dict[int, int] = {}
    addressees: dict[int, frozenset[int]] = {}
    for gold, qi in align_gold(novel, doc):
        if qi is None:
            continue
        if gold.speaker_id is not None:
            speakers.setdefault(qi, gold.speaker_id)
        if gold.addressee_ids:
            addressees.setdefault(qi, gold.addressee_ids)
    return Truth(map_pdnc_characters(novel, doc), speakers, addressees)


def _concat(parts: list[tuple[np.ndarray, np.ndarray]]) -> tuple[np.ndarray, np.ndarray]:
    """Example matrices and labels stacked into one."""
    return np.vstack([p[0] for p in parts]), np.concatenate([p[1] for p in parts])


def _labelled(
    rows: list[Mapping[str, float]], labels: list[int], names: Sequence[str]
) -> tuple[np.ndarray, np.ndarray]:
    return feature_matrix(rows, names), np.asarray(labels, dtype=np.int64)


def examples(truth: Truth, turns: list[Any], stacked: bool = False) -> tuple[np.ndarray, np.ndarray]:
    """Feature matrix and 0/1 labels over the (turn, candidate) pairs of turns with a gold speaker
    (``stacked``: the second-pass features the turns carry)."""
    rows: list[Mapping[str, float]] = []
    labels: list[int] = []
    for turn in turns:
        speaker = next((truth.speakers[q] for q in turn.quotes if q in truth.speakers), None)
        if speaker is None:
            continue
        feats = turn.stacked if stacked else turn.features
        for cid in sorted(feats):
            rows.append(feats[cid])
            labels.append(int(truth.characters.get(cid) == speaker))
    return _labelled(rows, labels, SECOND_FEATURES if stacked else FEATURES)


def stack_after(turns: list[Any], scorer: RankerScorer, config: SpeakerConfig) -> None:
    """Set each turn's second-pass features (``turn.stacked``) from ``scorer``'s decoding (a
    first-pass model)."""
    stack_features(SpeakerStage(config, scorer=scorer).decode_conversations(turns), config)


def addressee_examples(
    truth: Truth, doc: Document, decoded: list[tuple[list[Any], list[str | None]]]
) -> tuple[np.ndarray, np.ndarray]:
    """Addressee feature matrix and labels over ``decoded`` conversations (the addressee model
    learns from the speakers it will be handed, mistakes included)."""
    genders, narrator = cast_facts(doc.characters)
    rows: list[Mapping[str, float]] = []
    labels: list[int] = []
    for conversation, speakers in decoded:
        for turn, feats in zip(conversation, addressee_features(conversation, speakers, genders, narrator), strict=True):
            wanted = next((truth.addressees[q] for q in turn.quotes if q in truth.addressees), None)
            if wanted is None:
                continue
            for cid in sorted(feats):
                rows.append(feats[cid])
                labels.append(int(truth.characters.get(cid) in wanted))
    return _labelled(rows, labels, ADDRESSEE_FEATURES)


# --- fitting and export ----------------------------------------------------------------


def fit(x: np.ndarray, y: np.ndarray, seed: int, params: dict[str, Any] | None = None) -> dict[str, Any]:
    """Fit the classifier and export its trees as plain lists (the model file's format)."""
    from sklearn.ensemble import HistGradientBoostingClassifier

    clf = HistGradientBoostingClassifier(
        **(params or PARAMS), early_stopping=False, random_state=seed, categorical_features=None
    )
    clf.fit(x, y)
    trees = []
    max_depth = 0
    for (predictor,) in clf._predictors:  # one tree per iteration for a binary classifier
        nodes = predictor.nodes
        max_depth = max(max_depth, int(nodes["depth"].max()))
        trees.append(
            {
                "feature": [int(v) for v in nodes["feature_idx"]],
                "threshold": [float(v) for v in nodes["num_threshold"]],
                "left": [int(v) for v in nodes["left"]],
                "right": [int(v) for v in nodes["right"]],
                "value": [float(v) for v in nodes["value"]],
                "missing_left": [int(v) for v in nodes["missing_go_to_left"]],
            }
        )
    baseline = float(np.asarray(clf._baseline_prediction).ravel()[0])
    return {"baseline": baseline, "max_depth": max_depth, "trees": trees}


def assign_folds(novels: Sequence[str], folds: int, seed: int) -> list[list[str]]:
    """Novels shuffled by ``seed`` and dealt into ``folds`` groups (sorted inside each)."""
    order = sorted(novels)
    perm = np.random.RandomState(seed).permutation(len(order))
    groups: list[list[str]] = [[] for _ in range(max(1, min(folds, len(order))))]
    for k, i in enumerate(perm):
        groups[k % len(groups)].append(order[int(i)])
    return [sorted(g) for g in groups]


def evaluate(
    staged: list[Staged], novels: dict[str, PdncNovel], bundle: RankerBundle | None, config: SpeakerConfig
) -> dict[tuple[str, str], PdncScores]:
    """Each (novel, mode) scored with the fold model that never saw it (rules without a bundle):
    the staged Document goes through the speakers stage with ``bundle`` and the stages after it
    up to narration, as ``ficlens eval pdnc`` runs them."""
    speakers = SpeakerStage(config, bundle=bundle, scorer=bundle.full if bundle else None)
    after = Pipeline(PipelineConfig(stages=stage_names(after="speakers", before="narration")))
    pipeline = Pipeline(stages=[speakers, *after.stages])
    out = {}
    for item in staged:
        doc = pickle.loads(pickle.dumps(item.doc))
        doc = pipeline.heldout(item.novel)(doc)
        out[(item.novel, item.mode)] = score_pdnc_novel(novels[item.novel], doc)
    return out


def train_speaker_ranker(
    data_dir: Path,
    out_dir: Path,
    seed: int = 0,
    folds: int = 5,
    novels: Sequence[str] | None = None,
    cache_dir: Path | None = None,
    params: dict[str, Any] | None = None,
    log: Log | None = None,
) -> dict[str, Any]:
    """Train the full model and ``folds`` leave-novels-out models on PDNC (``data_dir`` is the
    folder holding ``PDNC-Novel-Index.csv``); write ``out_dir/speakers-ranker.json`` and return
    a summary: the file, the fold assignment and the cross-validated scores per fold and micro."""
    data_dir, out_dir = Path(data_dir), Path(out_dir)
    started = time.perf_counter()
    names = list(novels) if novels else list_novels(data_dir)
    staged = stage_all(data_dir, names, Path(cache_dir) if cache_dir else None, log)
    gold = {n: load_novel(data_dir / "data" / n) for n in names}
    # Features do not depend on the scorer; the first-pass decodings the second pass and the
    # addressees learn from use the transition scores the model file ships (as at run time);
    # without the stage's cues (``speakers.cues``), as the shipped file was trained.
    config = SpeakerConfig(scorer="rules", cues=False, **DECODER)
    # Features and gold answers once per staged Document; each fold model only rescores.
    turns = {id(s): SpeakerStage(config).turns(s.doc) for s in staged}
    truth = {id(s): gold_truth(gold[s.novel], s.doc) for s in staged}
    per_novel: dict[str, tuple[np.ndarray, np.ndarray]] = {}
    for name in names:
        parts = [examples(truth[id(s)], turns[id(s)]) for s in staged if s.novel == name]
        per_novel[name] = _concat(parts)

    def fit_parts(parts: list[tuple[np.ndarray, np.ndarray]]) -> dict[str, Any]:
        return fit(*_concat(parts), seed, params)

    def fit_on(members: list[str]) -> dict[str, Any]:
        return fit_parts([per_novel[n] for n in members])

    def folded(fit_view: Callable[[int | None, list[str]], dict[str, Any]]) -> dict[str, Any]:
        # A model section: the full model (view None, all novels) and one per fold.
        return {
            "full": fit_view(None, names),
            "folds": [
                {"heldout": held, "model": fit_view(k, [n for n in names if n not in held])}
                for k, held in enumerate(groups)
            ],
        }

    groups = assign_folds(names, folds, seed)
    data = {
        "format": MODEL_FORMAT,
        "features": list(FEATURES),
        "decoder": dict(DECODER),
        "seed": seed,
        "params": dict(params or PARAMS),
        "trained_on": sorted(names),
        **folded(lambda _view, members: fit_on(members)),
    }
    if log:
        for k, heldout in enumerate(groups):
            log(f"fold {k}: held out {', '.join(heldout)}")

    # Second pass (needs 3 folds or more: fold k learns from pair models without folds j, k).
    fold_of = {n: k for k, g in enumerate(groups) for n in g}
    first = bundle_from_data(data)
    pair: dict[tuple[int, int], RankerScorer] = {}

    def first_pass(item: Staged, view: int | None) -> RankerScorer:
        # The first-pass model whose decoding of ``item`` the view's second-pass model learns
        # from: never trained on the item's novel, nor (view k) on fold k's novels.
        j = fold_of[item.novel]
        return first.folds[j][1] if view is None else pair[(view, j)]

    if len(groups) >= 3:
        for a in range(len(groups)):
            for b in range(a + 1, len(groups)):
                model = fit_on([n for n in names if fold_of[n] not in (a, b)])
                pair[(a, b)] = pair[(b, a)] = RankerScorer(FEATURES, TreeEnsemble(model))
        if log:
            log(f"{len(pair) // 2} pair models fitted")

        def fit_second(view: int | None, members: list[str]) -> dict[str, Any]:
            parts = []
            for item in staged:
                if item.novel in members:
                    stack_after(turns[id(item)], first_pass(item, view), config)
                    parts.append(examples(truth[id(item)], turns[id(item)], stacked=True))
            return fit_parts(parts)

        data["second"] = {"features": list(SECOND_FEATURES), **folded(fit_second)}
        if log:
            log("second-pass models fitted")

    speakers = bundle_from_data(data)

    def fit_addressees(view: int | None, members: list[str]) -> dict[str, Any]:
        # Speakers decoded as the fold decodes them (full model: view None), so no held-out
        # novel leaks in: the first-pass model of the fold, then its second-pass model over
        # the rows it learnt from.
        parts = []
        for item in staged:
            if item.novel not in members:
                continue
            item_turns = turns[id(item)]
            if speakers.second is not None:
                # Both passes and every second-pass round, as the stage runs them.
                second = speakers.second if view is None else speakers.second_folds[view][1]
                stage = SpeakerStage(config, scorer=first_pass(item, view), second_scorer=second)
                decoded = stage.decode_conversations(item_turns)
            else:
                scorer = speakers.full if view is None else speakers.folds[view][1]
                decoded = SpeakerStage(config, scorer=scorer).decode_conversations(item_turns)
            parts.append(addressee_examples(truth[id(item)], item.doc, decoded))
        return fit_parts(parts)

    data["addressee"] = {"features": list(ADDRESSEE_FEATURES), "threshold": ADDRESSEE_THRESHOLD, **folded(fit_addressees)}
    if log:
        log("addressee models fitted")
    out_dir.mkdir(parents=True, exist_ok=True)
    path = out_dir / MODEL_FILE
    path.write_text(json.dumps(data, sort_keys=True, separators=(",", ":")) + "\n", encoding="utf-8")
    scores = evaluate(staged, gold, bundle_from_data(data), config)
    summary = {
        "model": str(path),
        "seed": seed,
        "folds": groups,
        "examples": int(sum(len(v[1]) for v in per_novel.values())),
        "cv": cv_table(scores, groups),
        "seconds": round(time.perf_counter() - started, 1),
    }
    return summary


def cv_table(scores: dict[tuple[str, str], PdncScores], groups: list[list[str]]) -> dict[str, Any]:
    """Speaker accuracy by quote type (and addressee accuracy) per fold and micro, per mode."""
    out: dict[str, Any] = {}
    for mode in MODES:
        rows = {}
        for k, heldout in enumerate(groups):
            items = [scores[(n, mode)] for n in heldout if (n, mode) in scores]
            if items:
                rows[f"fold {k}"] = _summarise(items)
        items = [v for (n, m), v in scores.items() if m == mode]
        if items:
            rows["micro"] = _summarise(items)
        out[mode] = rows
    return out


def _summarise(items: list[PdncScores]) -> dict[str, float]:
    total = items[0]
    for s in items[1:]:
        total = total + s
    sp = total.speaker.to_dict()
    row = {"all": sp["all"]["value"], "n": sp["all"]["total"]}
    for kind, ratio in sp["by_type"].items():
        row[kind] = ratio["value"]
    row["addressee"] = total.addressee.exact.value
    row["candidate_recall"] = total.oracle.to_dict()["value"]
    return row


def replace_decoder(data: dict[str, Any], **decoder: float) -> dict[str, Any]:
    """A copy of a model file's data with other decoder settings (for tuning)."""
    return {**data, "decoder": {**data["decoder"], **decoder}}

