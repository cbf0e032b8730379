"""Scores the signals stage on the content-signals gold (``gold/signals/sentences.tsv``).

Sentence level, per kind: a gold sentence is positive when a reader labelled the kind as a
fact of the story (``present`` or ``past``; feared, threatened, hypothetical, negated and
figurative mentions are negatives). ficlens says a sentence shows a kind when a signal of that
kind at or above the stage's presence threshold overlaps at least half of the shorter of the
two spans. Precision and recall are over the gold sentences, which are a sample drawn to hold
every kind (see ``gold/signals/README.md``), not over whole works.

Work level: every fan-fiction work whose AO3 archive warnings declare a kind the stage
checks must have that kind detected (``doc.signal_checks``) with evidence.
"""

from __future__ import annotations

import time
from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any

from ficlens.eval import metrics as M
from ficlens.eval.signals_gold import (
    KINDS,
    WARNING_KINDS,
    GoldSentence,
    Roots,
    load_sentences,
    locate_sentence,
    text_sentences,
    work_text,
)
from ficlens.model import Document

SIGNAL_STAGES = ("segment", "quotes", "characters", "coref", "signals")


@dataclass(frozen=True)
class SignalScores:
    per_kind: dict[str, M.PRF] = field(default_factory=dict)
    declared: dict[str, M.Ratio] = field(default_factory=dict)  # per warning: declaring works where it was found
    sentences_lost: M.Ratio = M.Ratio(0, 0)
    seconds: float = 0.0
    # One work's declared warnings: the evidence found for each (chapter, offsets, confidence;
    # no text), or None. Per work only: a sum over works drops it, so test works never show it.
    evidence: dict[str, dict[str, Any] | None] = field(default_factory=dict)
    # Works that declare "No Archive Warnings Apply": per warning, those where it was found anyway.
    undeclared: dict[str, M.Ratio] = field(default_factory=dict)
    # The same sentences scored with the lexicon alone (``SignalConfig(method="lexicon")``).
    lexicon: dict[str, M.PRF] = field(default_factory=dict)

    def __add__(self, other: SignalScores) -> SignalScores:
        return SignalScores(
            _merge(self.per_kind, other.per_kind),
            _merge(self.declared, other.declared),
            self.sentences_lost + other.sentences_lost,
            self.seconds + other.seconds,
            undeclared=_merge(self.undeclared, other.undeclared),
            lexicon=_merge(self.lexicon, other.lexicon),
        )

    def to_dict(self) -> dict[str, Any]:
        out = {
            "sentences": {k: self.per_kind[k].to_dict() for k in KINDS if k in self.per_kind},
            "works_declaring": {k: v.to_dict() for k, v in sorted(self.declared.items())},
            "works_declaring_none": {k: v.to_dict() for k, v in sorted(self.undeclared.items())},
            "sentences_lexicon_alone": {k: self.lexicon[k].to_dict() for k in KINDS if k in self.lexicon},
            "sentences_lost": self.sentences_lost.to_dict(),
            "seconds": round(self.seconds, 2),
        }
        if self.evidence:
            out["declared_evidence"] = dict(sorted(self.evidence.items()))
        return out


def _merge(a: dict, b: dict) -> dict:
    out = dict(a)
    for k, v in b.items():
        out[k] = out[k] + v if k in out else v
    return out


def predicted_kinds(doc: Document, span: tuple[int, int], threshold: float) -> set[str]:
    """Kinds whose signals (at or above ``threshold``) overlap at least half of the shorter span."""
    s, e = span
    out = set()
    for sig in doc.signals:
        if sig.confidence < threshold:
            continue
        cover = min(e, sig.end) - max(s, sig.start)
        if cover > 0 and cover >= 0.5 * min(e - s, sig.end - sig.start):
            out.add(sig.kind)
    return out


def score_work(
    golds: list[GoldSentence], doc: Document, threshold: float, declared: set[str] | None = None, declares_none: bool = False
) -> SignalScores:
    """Sentence-level counts per kind; for a work that declares warnings, whether each was found
    (``declared``), and for one that declares "No Archive Warnings Apply" (``declares_none``),
    whether each warning was found anyway."""
    tp: dict[str, int] = defaultdict(int)
    fp: dict[str, int] = defaultdict(int)
    fn: dict[str, int] = defaultdict(int)
    lost = 0
    for g in golds:
        span = locate_sentence(doc.text, g)
        if span is None:
            lost += 1
            continue
        found = predicted_kinds(doc, span, threshold)
        for kind in KINDS:
            gold, pred = g.positive(kind), kind in found
            tp[kind] += gold and pred
            fp[kind] += pred and not gold
            fn[kind] += gold and not pred
    per_kind = {k: M.PRF(tp[k], tp[k] + fp[k], tp[k], tp[k] + fn[k]) for k in KINDS}
    checks = {c.kind: c for c in doc.signal_checks}
    found_declared = {
        kind: M.Ratio(float(kind in checks and checks[kind].detected and bool(checks[kind].chapters)), 1)
        for kind in sorted(declared or ())
    }
    evidence: dict[str, dict[str, Any] | None] = {}
    for kind in sorted(declared or ()):
        best = max((sig for sig in doc.signals if sig.kind == kind and sig.confidence >= threshold), key=lambda sig: sig.confidence, default=None)
        evidence[kind] = (
            {"chapter": best.chapter + 1, "start": best.start, "end": best.end, "confidence": best.confidence, "time": best.time}
            if best is not None
            else None
        )
    undeclared = (
        {kind: M.Ratio(float(kind in checks and checks[kind].detected), 1) for kind in dict.fromkeys(WARNING_KINDS.values())}
        if declares_none
        else {}
    )
    return SignalScores(per_kind, found_declared, M.Ratio(lost, len(golds)), evidence=evidence, undeclared=undeclared)


def declared_warnings(metadata: dict) -> set[str]:
    """The gold kinds a work's AO3 archive warnings declare."""
    return {WARNING_KINDS[w] for w in (str(x).strip().lower() for x in metadata.get("archive_warnings") or []) if w in WARNING_KINDS}


def _document(work: str, roots: Roots) -> Document:
    dataset, _, rest = work.partition(":")
    if dataset == "fanfic":
        from ficlens.ingest import read_work

        rel, _, index = rest.partition("#")
        return read_work(roots.fanfic / rel, int(index or 1))
    return Document(text=work_text(work, roots), source=work, format="text")


def _signals_one(work: str, golds: list[GoldSentence], roots: Roots, factory: Any) -> tuple[str, SignalScores]:
    from dataclasses import replace

    from ficlens.stages.signals import SignalConfig, SignalStage

    started = time.perf_counter()
    doc = factory(None).select(SIGNAL_STAGES[:-1])(_document(work, roots))
    # Every sentence's signal, not only the strongest per kind that analysis.json keeps: a gold
    # sentence is scored whatever the rest of the work holds.
    config = replace(SignalConfig(), max_evidence_per_kind=1_000_000)
    doc = SignalStage(config, model=_model())(doc)
    fanfic = work.startswith("fanfic:")
    declared = declared_warnings(doc.metadata) if fanfic else set()
    none = fanfic and any("no archive warnings apply" in str(w).lower() for w in doc.metadata.get("archive_warnings") or [])
    scores = score_work(golds, doc, config.present_confidence, declared, declares_none=none)
    lexicon = SignalStage(replace(config, method="lexicon"))(doc)
    lexicon_scores = score_work(golds, lexicon, config.present_confidence)
    return work, replace(scores, seconds=time.perf_counter() - started, lexicon=lexicon_scores.per_kind)


@cache
def _model() -> Any:
    from ficlens.stages.signals_model import load_signals_model

    return load_signals_model()


def fanfic_works(roots: Roots) -> Iterator[tuple[str, Document]]:
    """Every work of the fan-fiction folder's AO3 pages and EPUBs, as ``(work id, Document)``;
    a file ficlens refuses holds no story and is passed over."""
    from ficlens.ingest import read_works

    for folder in ("ao3", "epub"):
        for path in sorted((roots.fanfic / folder).glob("*")):
            try:
                docs = read_works(path)
            except Exception:  # a file ficlens refuses holds no story
                continue
            for i, doc in enumerate(docs, start=1):
                yield f"fanfic:{folder}/{path.name}#{i}", doc


def declares_none_apply(metadata: dict[str, Any]) -> bool:
    """The work's archive warnings say "No Archive Warnings Apply"."""
    return any("no archive warnings apply" in str(w).lower() for w in metadata.get("archive_warnings") or [])


def declaring_works(roots: Roots) -> list[str]:
    """Fan-fiction works whose archive warnings declare a kind of the gold."""
    return [work for work, doc in fanfic_works(roots) if declared_warnings(doc.metadata)]


def evaluate_signals(
    gold: Path,
    roots: Roots,
    out: Path | None = None,
    workers: int = 2,
    progress: Any = None,
    pipeline_factory: Any = None,
    split: str = "all",
) -> Any:
    from ficlens.eval.run import EvalRun, _map, _meta, default_pipeline
    from ficlens.eval.splits import select

    sentences = load_sentences(gold)
    by_work: dict[str, list[GoldSentence]] = defaultdict(list)
    for s in sentences:
        by_work[s.work].append(s)
    works = list(dict.fromkeys([*by_work, *declaring_works(roots)]))
    chosen = select("signals", works, split)
    run = EvalRun("signals", "end-to-end", meta=_meta(roots.fanfic.parent, workers), split=split)
    run.meta["gold"] = str(gold)
    run.meta["gold_sentences"] = sum(len(by_work.get(w, [])) for w in chosen)
    started = time.perf_counter()
    factory = pipeline_factory or default_pipeline
    results = _map(_signals_one, [(w, by_work.get(w, []), roots, factory) for w in chosen], workers, progress)
    run.per_item = {w: results[w] for w in chosen if w in results}
    return run.finish(started, out)


def score_spans(gold: Path, roots: Roots, split: str = "test", model: Any = None) -> dict[str, dict[str, float]]:
    """The classifier on the gold sentences of ``split`` directly, each on its own span (text
    features; the lexicon floor on the text alone), as the training script scores dev out of
    fold: quick (no parse), and one aggregate per kind (never per work)."""
    import numpy as np

    from ficlens.eval.splits import select
    from ficlens.stages.signals_model import (
        PRESENT_AT,
        WorkContext,
        load_signals_model,
        sentence_features,
    )

    model = model or load_signals_model()
    by_work: dict[str, list[GoldSentence]] = defaultdict(list)
    for s in load_sentences(gold):
        by_work[s.work].append(s)
    rows, golds = [], []
    for work in select("signals", sorted(by_work), split):
        text = work_text(work, roots)
        context = WorkContext.of(text)
        for s in by_work[work]:
            span = locate_sentence(text, s)
            if span is not None:
                rows.append(sentence_features(text, span[0], span[1], context))
                golds.append(s)
    confidence = model.confidence(rows) if rows else np.zeros((0, len(model.kinds)))
    out = {}
    for j, kind in enumerate(model.kinds):
        pred = confidence[:, j] >= PRESENT_AT  # the lexicon floor is in ``confidence``
        truth = np.array([g.positive(kind) for g in golds], dtype=bool)
        right = int((pred & truth).sum())
        out[kind] = M.PRF(right, int(pred.sum()), right, int(truth.sum())).to_dict()
    return out


def score_works_text(roots: Roots, split: str = "test", model: Any = None) -> dict[str, dict[str, Any]]:
    """The work rule on whole fan-fiction works of ``split`` whose AO3 archive warnings say
    something, from the text alone (sentences cut without a parse, the lexicon floor on the
    text): per warning, how many declaring works have it found, and how many works declaring
    "No Archive Warnings Apply" have it found anyway. Aggregates only (never per work)."""
    import numpy as np

    from ficlens.eval.splits import select
    from ficlens.stages.signals_model import WorkContext, load_signals_model, sentence_features

    model = model or load_signals_model()
    works = list(fanfic_works(roots))
    chosen = set(select("signals", [w for w, _ in works], split))
    out = {k: {"declared": [0, 0], "none_apply": [0, 0]} for k in dict.fromkeys(WARNING_KINDS.values())}
    for work, doc in works:
        declared = declared_warnings(doc.metadata)
        none = declares_none_apply(doc.metadata)
        if work not in chosen or not (declared or none):
            continue
        context = WorkContext.of(doc.text)
        rows = [sentence_features(doc.text, s, e, context) for s, e in text_sentences(doc.text)]
        confidence = model.confidence(rows) if rows else np.zeros((0, len(model.kinds)))
        for kind, counts in out.items():
            column = confidence[:, model.kinds.index(kind)]
            found = model.found_in_work(column.tolist(), kind)
            if kind in declared:
                counts["declared"][0] += int(found)
                counts["declared"][1] += 1
            elif none:
                counts["none_apply"][0] += int(found)
                counts["none_apply"][1] += 1
    return out


if __name__ == "__main__":
    import argparse
    import json

    parser = argparse.ArgumentParser(prog="python -m ficlens.eval.signals", description=score_spans.__doc__.splitlines()[0])
    parser.add_argument("--gold", type=Path, default=Path("gold/signals/sentences.tsv"))
    parser.add_argument("--data", type=Path, default=Path("../shared/data"), help="folder holding fanfic/, pdnc/, litbank/")
    parser.add_argument("--split", default="test", choices=("dev", "test", "all"))
    parser.add_argument("--model", type=Path, default=None, help="a model file (default: the shipped one)")
    parser.add_argument("--works", action="store_true", help="also the work rule on whole works (score_works_text)")
    args = parser.parse_args()
    roots = Roots(args.data / "fanfic", args.data / "pdnc", args.data / "litbank")
    from ficlens.stages.signals_model import load_signals_model

    model = load_signals_model(args.model)
    result: dict[str, Any] = {"sentences": score_spans(args.gold, roots, args.split, model)}
    if args.works:
        result["works"] = score_works_text(roots, args.split, model)
    print(json.dumps(result, indent=1))
