"""Train the content-signals classifier (``data/models/signals-classifier.json``) on the dev split
of the signals gold.

::

    python -m ficlens.train.signals --gold gold/signals/sentences.tsv --data ../shared/data -o src/ficlens/data/models

Only the gold's dev works are read (the test split never). Each gold sentence is found in the
text ficlens reads for its work (``signals_gold.locate_sentence``) and turned into the features
the stage computes (``signals_model.sentence_features``: text only, so training and run time
agree). Per kind, a logistic regression (scikit-learn, lbfgs, deterministic) learns whether the
sentence shows the kind as a fact of the story (gold time present or past).

Cross-validation over the dev works (``FOLDS`` folds; the works of one file or one chaptered
story stay in one fold) chooses each kind's regularisation and class weighting (by average
precision of the out-of-fold probabilities) and its threshold: the one with the best
out-of-fold F1, or, where it still finds ``MIN_RECALL`` of the kind, the lowest at which
precision stays at least ``TARGET_PRECISION`` (precision first: a reader must be able to trust
what is found). The out-of-fold precision and recall at that threshold are the
dev figures the summary reports; the thresholds were chosen on the same predictions, so they
lean optimistic (test is the honest figure). The time model (a multinomial regression over the
same features plus the kind) learns from every labelled (sentence, kind). For each kind whose
lexicon hits at the stage's presence threshold are at least ``LEXICON_PRECISION`` precise on
dev, or out of fold find more beside the classifier's findings without lowering their precision
(``lexicon_floor``), the stage keeps them as findings beside the classifier's.

The work rule (``SignalsModel.work_rule``: a kind is found in a whole work with
``min_sentences`` sentences at or above the presence confidence, or one at ``high``) is chosen
on the dev fan-fiction works whose AO3 archive warnings say something: every sentence of each
scored by the models of the fold that did not see its gold sentences, the rule that finds most
declared warnings among those that find warnings in at most ``WORK_MAX_FALSE_ALARMS`` of the
clear cases (a warning in a work declaring none apply), over ``WORK_MIN_SENTENCES`` x
``WORK_HIGH`` x ``WORK_RATE`` x ``WORK_AT``.

The same gold and data give the same bytes: rows in sorted order, numbers rounded.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import pickle
import re
import time
from collections import defaultdict
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from ficlens.eval.signals_gold import (
    KINDS,
    TIMES,
    WARNING_KINDS,
    GoldSentence,
    Roots,
    load_sentences,
    locate_sentence,
    text_sentences,
    work_text,
)
from ficlens.eval.splits import split_of_work
from ficlens.stages.signals_model import (
    MODEL_FILE,
    SignalsModel,
    WorkContext,
    lexicon_floor,
    model_from_data,
    model_to_data,
    sentence_features,
    shift_for,
)

FOLDS = 5
GRID_C = (0.3, 1.0, 3.0)
GRID_WEIGHT = (None, "balanced")
TARGET_PRECISION = 0.8
MIN_RECALL = 0.3  # the precision bar is kept where it finds at least this share of the kind
# The work rule's grid: a kind is found in a work with this many sentences at or above the
# presence confidence, or one at ``high`` or above.
WORK_MIN_SENTENCES = (1, 2, 3, 4, 6, 8)
WORK_HIGH = (0.8, 0.9, 0.95, 1.01)
# ... or this many findings per sentence of the work (0: no such clause), at least one.
WORK_RATE = (0.0, 0.005, 0.01, 0.02, 0.04)
# A finding counts toward the work when its confidence reaches this (0.6: the presence bar).
WORK_AT = (0.6, 0.7, 0.8)
# The work rule keeps false alarms (a warning found in a work declaring none apply) at most
# this share of the clear cases, and among those rules finds most declared warnings.
WORK_MAX_FALSE_ALARMS = 0.10
TIME_C = 0.5
LEXICON_PRESENT = 0.6  # the stage's presence threshold, for the lexicon's own score
# The lexicon's hits count beside the classifier where dev precision reaches this, or where
# they find more without lowering the precision of the classifier's findings.
LEXICON_PRECISION = 0.6
MIN_WORKS = 3  # a word seen in fewer training works is dropped
# The lexicon features enter the kind classifiers' training at this scale: a weaker L2 pull on
# their weights. Out of fold on dev, 2 raised the nine kinds' mean average precision from 0.452
# to 0.493 (self-harm 0.55 -> 0.79, underage 0.17 -> 0.25, death 0.22 -> 0.26); 4 gave 0.487.
LEXICON_SCALE = 2.0
Log = Callable[[str], None]


@dataclass(frozen=True)
class Example:
    work: str
    group: str  # works of one file or one chaptered story share a fold
    features: dict[str, float]
    positive: frozenset[str]  # kinds shown as a fact
    times: tuple[tuple[str, str], ...]  # every labelled (kind, time)


def group_of(work: str) -> str:
    """``fanfic:ao3/misfits3.html#1`` -> ``fanfic:ao3/misfits.html#1``: chapter files of one story
    fall together (the works of an EpubMerge book stay apart, as the gold's split keeps them)."""
    path, _, index = work.partition("#")
    return re.sub(r"\d+(\.html)$", r"\1", path) + (f"#{index}" if index else "")


def fold_of(group: str) -> int:
    return int(hashlib.sha256(group.encode("utf-8")).hexdigest(), 16) % FOLDS


def load_examples(gold: Path, roots: Roots, log: Log = print) -> tuple[list[Example], int]:
    """The dev split's gold sentences as examples, in sorted order; and how many were not found."""
    by_work: dict[str, list[GoldSentence]] = defaultdict(list)
    for s in load_sentences(gold):
        if split_of_work(s.work) == "dev":
            by_work[s.work].append(s)
    out: list[Example] = []
    lost = 0
    for work in sorted(by_work):
        text = work_text(work, roots)
        context = WorkContext.of(text)
        for s in sorted(by_work[work], key=lambda g: (g.start, g.end)):
            span = locate_sentence(text, s)
            if span is None:
                lost += 1
                continue
            out.append(
                Example(
                    work, group_of(work), sentence_features(text, span[0], span[1], context),
                    frozenset(k for k in KINDS if s.positive(k)), tuple((lab.kind, lab.time) for lab in s.labels),
                )
            )
        log(f"read {work}: {len(by_work[work])} sentences")
    return out, lost


@dataclass(frozen=True)
class WorkExample:
    """A whole dev work that declares AO3 archive warnings, or declares that none apply: every
    sentence's features, and the gold kinds it declares (``declares_none``: none of the warnings)."""

    work: str
    group: str
    rows: list[dict[str, float]]
    declared: frozenset[str]
    declares_none: bool


# The AO3 archive warnings by gold kind (the work rule is chosen on them).
WARNING_GOLD_KINDS = tuple(dict.fromkeys(WARNING_KINDS.values()))


def load_work_examples(roots: Roots, log: Log = print) -> list[WorkExample]:
    """The dev fan-fiction works whose archive warnings say something (a warning of the gold, or
    "No Archive Warnings Apply"), each as the features of all its sentences."""
    from ficlens.eval.signals import declared_warnings, declares_none_apply, fanfic_works

    out = []
    for work, doc in fanfic_works(roots):
        declared = declared_warnings(doc.metadata)
        none = declares_none_apply(doc.metadata)
        if split_of_work(work) != "dev" or not (declared or none):
            continue
        context = WorkContext.of(doc.text)
        rows = [sentence_features(doc.text, s, e, context) for s, e in text_sentences(doc.text)]
        out.append(WorkExample(work, group_of(work), rows, frozenset(declared), none))
        log(f"read {work}: {len(rows)} sentences, declares {sorted(declared) or 'none'}")
    return out


def _rule_fields(rule: tuple[int, float, float, float]) -> dict[str, Any]:
    """A grid point as the work rule's fields (``signals_model.work_found``)."""
    return dict(zip(("min_sentences", "high", "rate", "at"), rule, strict=True))


Rule = tuple[int, float, float, float]


def choose_work_rule(
    confidences: Sequence[dict[str, np.ndarray]], works: Sequence[WorkExample]
) -> tuple[dict[str, Any], dict[str, Any]]:
    """The rule (``min_sentences``, ``high``, ``rate``, ``at``: see ``signals_model.work_found``)
    that finds most declared warnings among the rules whose false alarms (a warning found in a
    work that declares none apply) stay within ``WORK_MAX_FALSE_ALARMS`` of the clear cases (else
    the fewest false alarms); then the fewest false alarms; ties go to the smaller count, the
    higher bar, the higher rate, the lower finding bar. ``confidences``: per work, per kind, its sentences' confidences.
    Two ways are cross-validated over the works (a rule chosen without each fold's works, scored
    on them: the honest dev figure for choosing a rule on 20 works): one rule for every warning,
    and one rule per warning (each under the bar on its own clear cases: a kind's own count or
    rate of findings per sentence, against what the works declaring none show of it). The
    per-warning rules are kept (``per_kind``) only where their cross-validated figure is better."""
    grid = [(n, h, r, a) for n in WORK_MIN_SENTENCES for h in WORK_HIGH for r in WORK_RATE for a in WORK_AT]

    # Per work and kind, what the rule reads (``work_found`` on these, without the arrays): how
    # many sentences reach each finding bar, the highest confidence, the work's sentences.
    stats = [
        {
            kind: ({a: int((np.asarray(conf[kind]) >= a).sum()) for a in WORK_AT}, float(np.max(conf[kind], initial=0.0)), len(w.rows))
            for kind in WARNING_GOLD_KINDS
        }
        for conf, w in zip(confidences, works, strict=True)
    ]

    def found_by(stat: tuple[dict[float, int], float, int], rule: Rule) -> bool:
        n, high, rate, at = rule
        strong = stat[0][at]
        return strong >= n or stat[1] >= high or (bool(rate) and strong >= 1 and strong / max(stat[2], 1) >= rate)

    def outcome(rules: dict[str, Rule], only: Sequence[int] | None = None) -> dict[str, list[int]]:
        out: dict[str, list[int]] = {"declared_found": [0, 0], "none_clear": [0, 0]}
        for j in range(len(works)) if only is None else only:
            w = works[j]
            for kind, rule in rules.items():
                found = found_by(stats[j][kind], rule)
                if kind in w.declared:
                    out["declared_found"][0] += int(found)
                    out["declared_found"][1] += 1
                elif w.declares_none:
                    out["none_clear"][0] += int(not found)
                    out["none_clear"][1] += 1
        return out

    def score(o: dict[str, list[int]]) -> tuple[bool, float, float]:
        found = o["declared_found"][0] / max(o["declared_found"][1], 1)
        clear = o["none_clear"][0] / max(o["none_clear"][1], 1)
        # False alarms within the bar first, then most declared warnings found (no rule within
        # the bar: fewest false alarms first).
        within = clear >= 1 - WORK_MAX_FALSE_ALARMS - 1e-9
        first, second = (found, clear) if within else (clear, found)
        return (within, round(first, 6), round(second, 6))

    def best(kinds: Sequence[str], only: Sequence[int] | None = None) -> Rule:
        # Ties to the simpler rule (a smaller count, the presence bar).
        return max(grid, key=lambda r: (*score(outcome(dict.fromkeys(kinds, r), only)), -r[0], r[1], r[2] or 1.0, -r[3]))

    def shared(only: Sequence[int] | None = None) -> dict[str, Rule]:
        return dict.fromkeys(WARNING_GOLD_KINDS, best(WARNING_GOLD_KINDS, only))

    def per_kind(only: Sequence[int] | None = None) -> dict[str, Rule]:
        return {kind: best((kind,), only) for kind in WARNING_GOLD_KINDS}

    def cross(choose: Callable[[Sequence[int] | None], dict[str, Rule]]) -> dict[str, list[int]]:
        total: dict[str, list[int]] = {"declared_found": [0, 0], "none_clear": [0, 0]}
        for f in range(FOLDS):
            held = [j for j, w in enumerate(works) if fold_of(w.group) == f]
            if not held:
                continue
            for key, (a, b) in outcome(choose([j for j, w in enumerate(works) if fold_of(w.group) != f]), held).items():
                total[key][0] += a
                total[key][1] += b
        return total

    one, each = shared(), per_kind()
    cross_one, cross_each = cross(shared), cross(per_kind)
    use_each = score(cross_each) > score(cross_one)
    chosen = each if use_each else one
    summary = {
        "out_of_fold": outcome(chosen),
        "cross_validated": cross_each if use_each else cross_one,
        "shared_rule": {"out_of_fold": outcome(one), "cross_validated": cross_one},
        "per_kind_rules": {"out_of_fold": outcome(each), "cross_validated": cross_each},
        "one_sentence_out_of_fold": outcome(dict.fromkeys(WARNING_GOLD_KINDS, (1, 1.01, 0.0, 0.6))),
        "works": len(works),
    }
    rule: dict[str, Any] = {**_rule_fields(one[WARNING_GOLD_KINDS[0]]), "kinds": list(WARNING_GOLD_KINDS)}
    if use_each:
        rule["per_kind"] = {kind: _rule_fields(r) for kind, r in each.items()}
    return rule, summary


def vocabulary(rows: Sequence[dict[str, float]], works: Sequence[str]) -> dict[str, int]:
    """Feature names in sorted order; a word must be seen in ``MIN_WORKS`` works (a character's
    name or one story's idiom says nothing about the next story)."""
    seen: dict[str, set[str]] = defaultdict(set)
    for row, work in zip(rows, works, strict=True):
        for name in row:
            seen[name].add(work)
    names = sorted(n for n, w in seen.items() if len(w) >= MIN_WORKS or not n.startswith("w:"))
    return {n: j for j, n in enumerate(names)}


def lexicon_scale(vocab: dict[str, int]) -> np.ndarray:
    """Per column, how much the kind classifiers' training multiplies the feature: the lexicon's
    hits (``lex:``, ``lexd:``, ``clex:``) by ``LEXICON_SCALE``, so that the L2 penalty holds their
    weights back less than a word's (the lexicon is prior knowledge, not one story's word). The
    shipped weights are multiplied back, so run time reads the features unscaled."""
    scale = np.ones(len(vocab))
    for name, j in vocab.items():
        if name.startswith(("lex:", "lexd:", "clex:")):
            scale[j] = LEXICON_SCALE
    return scale


def _matrix(rows: Sequence[dict[str, float]], vocab: dict[str, int], scaled: bool = False) -> Any:
    from scipy.sparse import diags

    probe = SignalsModel((), vocab, np.zeros((0, 0)), np.zeros(0), np.zeros(0), frozenset(), (), np.zeros((0, 0)), np.zeros(0), {})
    x = probe.matrix(rows)
    return (x @ diags(lexicon_scale(vocab))).tocsr() if scaled else x


def _fit(x: Any, y: np.ndarray, c: float, weight: str | None) -> Any:
    from sklearn.linear_model import LogisticRegression

    # liblinear: fast on sparse binary rows; a fixed random_state keeps its coordinate order.
    # The time model has several classes: lbfgs (deterministic) fits them jointly.
    solver = "liblinear" if len(set(y.tolist())) <= 2 else "lbfgs"
    clf = LogisticRegression(C=c, class_weight=weight, solver=solver, random_state=0, max_iter=2000)
    clf.fit(x, y)
    return clf


def average_precision(y: np.ndarray, p: np.ndarray) -> float:
    from sklearn.metrics import average_precision_score

    return float(average_precision_score(y, p)) if y.sum() else 0.0


def choose_threshold(y: np.ndarray, p: np.ndarray) -> tuple[float, str]:
    """The probability with the best F1, or the lowest at which precision stays at least
    ``TARGET_PRECISION`` where that finds as much. Returns the threshold and the rule."""
    order = np.argsort(-p, kind="stable")
    ys, ps = y[order], p[order]
    tp = np.cumsum(ys)
    k = np.arange(1, len(ys) + 1)
    precision = tp / k
    total = max(int(y.sum()), 1)
    recall = tp / total
    # Only cut between distinct probabilities.
    cuts = [i for i in range(len(ps)) if i == len(ps) - 1 or ps[i] > ps[i + 1]]
    f1 = 2 * precision * recall / np.maximum(precision + recall, 1e-9)
    # Tried: among the cuts within 0.02 of the best F1, the one that finds most. Out of fold it
    # doubled death's findings at precision 0.20 and cost the work rule 4 of 44 clear works.
    best = max(cuts, key=lambda i: (f1[i], -i))
    ok = [i for i in cuts if precision[i] >= TARGET_PRECISION and tp[i] >= 3]
    # Precision first (a reader must be able to trust what is found): the precision bar wherever
    # it still finds ``MIN_RECALL`` of the kind; else the best F1.
    if ok and recall[max(ok, key=lambda i: (recall[i], -i))] >= min(MIN_RECALL, recall[best]):
        i = max(ok, key=lambda i: (recall[i], -i))
        rule = f"precision >= {TARGET_PRECISION}"
    else:
        i, rule = best, "best F1"
    nxt = ps[i + 1] if i + 1 < len(ps) else 0.0
    return float((ps[i] + nxt) / 2), rule


def prf(y: np.ndarray, p: np.ndarray, threshold: float) -> dict[str, float]:
    pred = p >= threshold
    tp = int((pred & (y == 1)).sum())
    found, gold = int(pred.sum()), int(y.sum())
    return {
        "gold": gold,
        "found": found,
        "right": tp,
        "precision": round(tp / found, 3) if found else 0.0,
        "recall": round(tp / gold, 3) if gold else 0.0,
    }


def keeps_lexicon_floor(lexicon: dict[str, float], alone: dict[str, float], union: dict[str, float]) -> bool:
    """Whether a kind's strong lexicon hits count beside its classifier (``prf`` figures, out of
    fold: the hits alone, the classifier alone, either). Where they are precise enough on their
    own (``LEXICON_PRECISION``), or where they find more without lowering the precision of what
    the classifier finds: a kind learnt badly, as substance abuse, whose strong hits ("OD'd",
    "relapsed ... using again") fell under a best-F1 threshold set among weak findings."""
    if lexicon["found"] < 3:
        return False
    return lexicon["precision"] >= LEXICON_PRECISION or (union["right"] > alone["right"] and union["precision"] >= alone["precision"])


def _time_rows(examples: Sequence[Example]) -> tuple[list[dict[str, float]], list[str], list[str]]:
    rows, kinds, labels = [], [], []
    for ex in examples:
        for kind, t in ex.times:
            rows.append(ex.features)
            kinds.append(kind)
            labels.append(t)
    return rows, kinds, labels


def _time_matrix(rows: Sequence[dict[str, float]], kinds: Sequence[str], vocab: dict[str, int]) -> Any:
    from scipy.sparse import csr_matrix, hstack

    onehot = csr_matrix((np.ones(len(kinds)), ([i for i in range(len(kinds))], [KINDS.index(k) for k in kinds])), shape=(len(kinds), len(KINDS)))
    return hstack([_matrix(rows, vocab), onehot]).tocsr()


def train_signals(gold: Path, roots: Roots, out: Path, cache: Path | None = None, log: Log = print) -> dict[str, Any]:
    """Write ``out/signals-classifier.json``; return the cross-validation summary. ``cache``
    keeps the examples (features of the gold sentences) between runs."""
    started = time.perf_counter()
    if cache is not None and cache.is_file():
        rows, lost, plain_works = pickle.loads(cache.read_bytes())
        examples = [Example(w, g, f, frozenset(p), tuple(map(tuple, t))) for w, g, f, p, t in rows]
        works = [WorkExample(w, g, r, frozenset(d), n) for w, g, r, d, n in plain_works]
    else:
        examples, lost = load_examples(gold, roots, log)
        works = load_work_examples(roots, log)
        if cache is not None:
            # Plain tuples: the file loads whichever module name pickled it.
            plain = [(e.work, e.group, e.features, sorted(e.positive), e.times) for e in examples]
            plain_works = [(w.work, w.group, w.rows, sorted(w.declared), w.declares_none) for w in works]
            cache.parent.mkdir(parents=True, exist_ok=True)
            cache.write_bytes(pickle.dumps((plain, lost, plain_works)))
    model = fit_signals(examples, log, works=works)
    path = write_model(model, Path(out))
    return {"model": str(path), **model.meta, "sentences_not_found": lost, "seconds": round(time.perf_counter() - started, 1)}


def fit_signals(
    examples: Sequence[Example],
    log: Log = print,
    grid_c: Sequence[float] = GRID_C,
    grid_weight: Sequence[str | None] = GRID_WEIGHT,
    works: Sequence[WorkExample] = (),
) -> SignalsModel:
    """Cross-validate over the examples' works (each setting of ``grid_c`` x ``grid_weight``),
    then fit the shipped models on all of them. With ``works`` (whole dev works and what they
    declare), the work rule is chosen on them, each work scored by the models of the fold that
    did not see its gold sentences."""
    folds = np.array([fold_of(ex.group) for ex in examples])
    rows = [ex.features for ex in examples]
    labels = {k: np.array([int(k in ex.positive) for ex in examples]) for k in KINDS}
    # Out-of-fold probabilities per kind and setting.
    oof: dict[tuple[str, float, str | None], np.ndarray] = {}
    for f in range(FOLDS):
        train, held = np.where(folds != f)[0], np.where(folds == f)[0]
        if not len(held):
            continue
        vocab = vocabulary([rows[i] for i in train], [examples[i].work for i in train])
        x_train, x_held = _matrix([rows[i] for i in train], vocab, True), _matrix([rows[i] for i in held], vocab, True)
        for kind in KINDS:
            y = labels[kind][train]
            for c in grid_c:
                for weight in grid_weight:
                    p = oof.setdefault((kind, c, weight), np.zeros(len(examples)))
                    if y.sum() == 0:
                        continue
                    p[held] = _fit(x_train, y, c, weight).predict_proba(x_held)[:, 1]
        log(f"fold {f}: {len(held)} sentences held out")
    chosen: dict[str, dict[str, Any]] = {}
    for kind in KINDS:
        c, weight = max(
            ((c, w) for c in grid_c for w in grid_weight),
            key=lambda cw: (round(average_precision(labels[kind], oof[(kind, *cw)]), 6), -cw[0]),
        )
        p = oof[(kind, c, weight)]
        threshold, rule = choose_threshold(labels[kind], p)
        # The lexicon's strong hits (text only here; the stage also weighs who is involved) keep
        # counting beside the classifier where they are precise enough on dev.
        lexicon = np.array([row.get(f"lexd:{kind}", 0.0) for row in rows])
        lex = prf(labels[kind], lexicon, LEXICON_PRESENT)
        alone = prf(labels[kind], p, threshold)
        union = prf(labels[kind], np.maximum(p >= threshold, lexicon >= LEXICON_PRESENT).astype(float), 0.5)
        floor = keeps_lexicon_floor(lex, alone, union)
        with_lexicon = union if floor else alone
        chosen[kind] = {
            "C": c,
            "class_weight": weight or "none",
            "threshold": round(threshold, 4),
            "rule": rule,
            "average_precision": round(average_precision(labels[kind], p), 3),
            **alone,
            "lexicon_alone": lex,
            "lexicon_floor": floor,
            "with_lexicon": with_lexicon,
        }
        log(f"{kind}: C={c} weight={weight} {chosen[kind]}")
    work_rule: dict[str, Any] = {}
    if works:
        work_rule, work_summary = choose_work_rule(_work_confidences(examples, rows, labels, folds, chosen, works), works)
        log(f"work rule: {work_rule} {work_summary}")
    # Time: out-of-fold accuracy, then the full model.
    vocab = vocabulary(rows, [ex.work for ex in examples])
    t_rows, t_kinds, t_labels = _time_rows(examples)
    t_folds = np.array([fold_of(ex.group) for ex in examples for _ in ex.times])
    t_works = [ex.work for ex in examples for _ in ex.times]
    t_y = np.array(t_labels)
    right = 0
    for f in range(FOLDS):
        train, held = np.where(t_folds != f)[0], np.where(t_folds == f)[0]
        if not len(held):
            continue
        fv = vocabulary([t_rows[i] for i in train], [t_works[i] for i in train])
        clf = _fit(_time_matrix([t_rows[i] for i in train], [t_kinds[i] for i in train], fv), t_y[train], TIME_C, None)
        pred = clf.predict(_time_matrix([t_rows[i] for i in held], [t_kinds[i] for i in held], fv))
        right += int((pred == t_y[held]).sum())
    time_clf = _fit(_time_matrix(t_rows, t_kinds, vocab), t_y, TIME_C, None)
    x = _matrix(rows, vocab, True)
    weights, intercepts, offsets = [], [], []
    for kind in KINDS:
        clf = _fit(x, labels[kind], chosen[kind]["C"], None if chosen[kind]["class_weight"] == "none" else "balanced")
        weights.append(clf.coef_[0] * lexicon_scale(vocab))  # run time reads the features unscaled
        intercepts.append(float(clf.intercept_[0]))
        offsets.append(shift_for(chosen[kind]["threshold"]))
    classes = list(time_clf.classes_)
    times = tuple(t for t in TIMES if t in classes)
    time_weights = np.vstack([time_clf.coef_[classes.index(t)] for t in times])
    time_intercepts = np.array([time_clf.intercept_[classes.index(t)] for t in times])
    training = {
        "data": "signals gold (gold/signals/sentences.tsv), dev split only",
        "sentences": len(examples),
        "works": len({ex.work for ex in examples}),
        "folds": FOLDS,
        "positives": {k: int(labels[k].sum()) for k in KINDS},
        "per_kind": chosen,
        "time_examples": len(t_labels),
        "time_cv_accuracy": round(right / max(len(t_labels), 1), 3),
    }
    if works:
        training["work_rule"] = work_summary
    model = SignalsModel(
        KINDS, vocab, np.vstack(weights), np.array(intercepts), np.array(offsets),
        frozenset(k for k in KINDS if chosen[k]["lexicon_floor"]), times, time_weights, time_intercepts, training,
        work_rule,
    )
    return model


def _work_confidences(
    examples: Sequence[Example],
    rows: Sequence[dict[str, float]],
    labels: dict[str, np.ndarray],
    folds: np.ndarray,
    chosen: dict[str, dict[str, Any]],
    works: Sequence[WorkExample],
) -> list[dict[str, np.ndarray]]:
    """Per work, per kind: its sentences' confidences (as the stage computes them: the kind's
    threshold shifted onto the presence confidence, the lexicon floor beside it) from models
    fitted without the gold sentences of the work's fold."""
    out: list[dict[str, np.ndarray]] = [{} for _ in works]
    for f in range(FOLDS):
        mine = [j for j, w in enumerate(works) if fold_of(w.group) == f]
        if not mine:
            continue
        train = np.where(folds != f)[0]
        vocab = vocabulary([rows[i] for i in train], [examples[i].work for i in train])
        x_train = _matrix([rows[i] for i in train], vocab, True)
        for kind in KINDS:
            y = labels[kind][train]
            setting = chosen[kind]
            clf = _fit(x_train, y, setting["C"], None if setting["class_weight"] == "none" else "balanced") if y.sum() else None
            for j in mine:
                w_rows = works[j].rows
                if clf is None or not w_rows:
                    out[j][kind] = np.zeros(len(w_rows))
                    continue
                margin = clf.decision_function(_matrix(w_rows, vocab, True)) + shift_for(setting["threshold"])
                conf = 1.0 / (1.0 + np.exp(-margin))
                if setting["lexicon_floor"]:
                    conf = lexicon_floor(conf, w_rows, kind)
                out[j][kind] = conf
    return out


def write_model(model: SignalsModel, out: Path) -> Path:
    """``out/signals-classifier.json``, written whole (a temporary file renamed into place)."""
    data = model_to_data(model)
    model_from_data(data)  # what is written must load
    out.mkdir(parents=True, exist_ok=True)
    path = out / MODEL_FILE
    tmp = path.with_suffix(".tmp")
    tmp.write_text(json.dumps(data, sort_keys=True, separators=(",", ":")) + "\n", encoding="utf-8")
    tmp.replace(path)
    return path


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m ficlens.train.signals", description=__doc__.splitlines()[0])
    parser.add_argument("--gold", type=Path, default=Path("gold/signals/sentences.tsv"), help="the signals gold")
    parser.add_argument("--data", type=Path, default=Path("../shared/data"), help="folder holding fanfic/, pdnc/, litbank/")
    parser.add_argument("-o", "--out", type=Path, default=Path("models"), help="folder for signals-classifier.json")
    parser.add_argument("--cache", type=Path, default=None, help="keep the examples in this file between runs")
    args = parser.parse_args(argv)
    roots = Roots(args.data / "fanfic", args.data / "pdnc", args.data / "litbank")
    summary = train_signals(args.gold, roots, args.out, args.cache, log=lambda m: print(m, flush=True))
    print(json.dumps(summary, indent=1))


if __name__ == "__main__":
    main()
