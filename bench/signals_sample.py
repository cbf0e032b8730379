"""Sample content signals on PDNC novels for hand judgment, and score the judgments.

Usage:
    .venv/bin/python bench/signals_sample.py [--novels A,B,...] [--max-chars N]
        [--low-sample K] [--seed S] [--judgments bench/signals_judgments.tsv]
        [--cache-dir /tmp/ficlens-signals-cache] [--out sample.tsv] [--method lexicon|classifier]

Runs segment -> quotes -> characters -> coref -> signals on each novel (PDNC, public domain,
read from ../shared/data) and lists every signal with confidence >= the stage's
``present_confidence`` plus a seeded random sample of ``--low-sample`` lower ones per novel.
With ``--judgments`` (TSV: novel, start, end, kind, confidence, judgment, note; judgment is
``true`` when the sentence really depicts or states that content, ``false`` otherwise) it
prints precision per kind and per confidence band over the listed hits that have a judgment,
and lists the hits that still need one. Judgments are keyed by (novel, start, end, kind), so
they carry over when the lexicon changes a confidence; a hit that is new needs judging.

``--cache-dir`` keeps each novel's Document after coref (JSON), so re-running after a change
to the signals stage only re-runs that stage.
"""

from __future__ import annotations

import argparse
import csv
import random
import sys
import time
from collections import defaultdict
from pathlib import Path

from ficlens.model import Document, Signal
from ficlens.pipeline import Pipeline, PipelineConfig
from ficlens.stages.signals import KINDS, SignalConfig, SignalStage

PDNC = Path(__file__).resolve().parents[2] / "shared" / "data" / "pdnc" / "data"
DEFAULT_NOVELS = (
    "OliverTwist",
    "TheAwakening",
    "TheMysteriousAffairAtStyles",
    "APassageToIndia",
    "AHandfulOfDust",
    "TheSunAlsoRises",
)
BANDS = ((0.3, 0.45), (0.45, 0.6), (0.6, 0.8), (0.8, 1.01))
UPSTREAM = ("segment", "quotes", "characters", "coref")


def parsed(novel: str, max_chars: int, pipeline: Pipeline | None, cache: Path | None) -> tuple[Document, Pipeline | None]:
    """The novel after segment..coref (from the cache when there)."""
    cached = cache / f"{novel}.{max_chars}.json" if cache else None
    if cached is not None and cached.exists():
        return Document.from_json(cached), pipeline
    if pipeline is None:
        pipeline = Pipeline(PipelineConfig(stages=UPSTREAM))
    text = (PDNC / novel / "novel_text.txt").read_text(encoding="utf-8")
    if max_chars:
        text = text[:max_chars]
    doc = pipeline(Document(text=text, source=novel))
    if cached is not None:
        cached.parent.mkdir(parents=True, exist_ok=True)
        cached.write_text(doc.to_json(), encoding="utf-8")
    return doc, pipeline


def read_judgments(path: Path | None) -> dict[tuple[str, int, int, str], tuple[str, str]]:
    if path is None or not path.exists():
        return {}
    out = {}
    with path.open(encoding="utf-8", newline="") as f:
        for row in csv.DictReader(f, delimiter="\t", quoting=csv.QUOTE_NONE):
            key = (row["novel"], int(row["start"]), int(row["end"]), row["kind"])
            out[key] = (row["judgment"].strip().lower(), row.get("note", ""))
    return out


def band(confidence: float) -> str:
    for lo, hi in BANDS:
        if lo <= confidence < hi:
            return f"[{lo:.2f},{min(hi, 1.0):.2f}{']' if hi > 1 else ')'}"
    return "<0.30"


def precision(rows: list[tuple[str, float, str]], key) -> dict[str, tuple[int, int]]:
    out: dict[str, list[int]] = defaultdict(lambda: [0, 0])
    for kind, conf, judgment in rows:
        k = key(kind, conf)
        out[k][1] += 1
        out[k][0] += judgment == "true"
    return {k: (v[0], v[1]) for k, v in sorted(out.items())}


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--novels", default=",".join(DEFAULT_NOVELS))
    ap.add_argument("--max-chars", type=int, default=0, help="only the first N characters (0: all)")
    ap.add_argument("--low-sample", type=int, default=6, help="random lower-confidence hits per novel")
    ap.add_argument("--seed", type=int, default=13)
    ap.add_argument("--judgments", type=Path)
    ap.add_argument("--cache-dir", type=Path)
    ap.add_argument("--out", type=Path, help="write the listed hits here as a TSV to judge")
    ap.add_argument("--method", default="lexicon", choices=("lexicon", "classifier"), help="the signals method to sample (the judgments were made for the lexicon)")
    args = ap.parse_args(argv)
    if not PDNC.is_dir():
        print(f"PDNC not found at {PDNC}", file=sys.stderr)
        return 2

    config = SignalConfig(method=args.method)
    stage = SignalStage(config)
    judgments = read_judgments(args.judgments)
    rng = random.Random(args.seed)
    listed: list[tuple[str, Signal, str]] = []  # novel, signal, "high" / "sample"
    pipeline: Pipeline | None = None
    for novel in args.novels.split(","):
        started = time.perf_counter()
        doc, pipeline = parsed(novel, args.max_chars, pipeline, args.cache_dir)
        t_sig = time.perf_counter()
        doc = stage(doc)
        t_sig = time.perf_counter() - t_sig
        high = [s for s in doc.signals if s.confidence >= config.present_confidence]
        low = [s for s in doc.signals if s.confidence < config.present_confidence]
        sample = rng.sample(low, min(args.low_sample, len(low)))
        listed += [(novel, s, "high") for s in high] + [(novel, s, "sample") for s in sorted(sample, key=lambda s: s.start)]
        print(
            f"# {novel}: {len(doc.text)} chars, {len(doc.sentences)} sentences, {len(doc.signals)} signals "
            f"({len(high)} >= {config.present_confidence}); signals stage {t_sig:.2f}s, total {time.perf_counter() - started:.1f}s",
            file=sys.stderr,
        )
        for check in doc.signal_checks:
            if check.detected:
                print(f"#   {novel} check: {check.kind} conf={check.confidence} chapters={len(check.chapters)}", file=sys.stderr)

    header = ["novel", "start", "end", "kind", "confidence", "judgment", "note", "evidence"]
    lines = ["\t".join(header)]
    scored: list[tuple[str, float, str]] = []
    sampled: list[tuple[str, float, str]] = []
    missing = 0
    for novel, s, why in listed:
        judgment, note = judgments.get((novel, s.start, s.end, s.kind), ("", ""))
        if judgment in ("true", "false"):
            (scored if why == "high" else sampled).append((s.kind, s.confidence, judgment))
        else:
            missing += 1
        evidence = s.evidence.replace("\t", " ")[:300]
        lines.append("\t".join([novel, str(s.start), str(s.end), s.kind, f"{s.confidence:.3f}", judgment, note, evidence]))
    if args.out:
        args.out.write_text("\n".join(lines) + "\n", encoding="utf-8")
    else:
        print("\n".join(lines))

    if judgments:
        every = scored + sampled
        print(f"\n# judged {len(every)} of {len(listed)} listed hits ({missing} still need a judgment)")
        print(f"# confidence >= {config.present_confidence} (every hit listed):")
        for kind in KINDS:
            rows = [r for r in scored if r[0] == kind]
            t = sum(r[2] == "true" for r in rows)
            print(f"#   {kind:24s} {t:3d}/{len(rows):3d}" + (f"  precision {t / len(rows):.2f}" if rows else ""))
        t = sum(r[2] == "true" for r in scored)
        if scored:
            print(f"#   {'all':24s} {t:3d}/{len(scored):3d}  precision {t / len(scored):.2f}")
        print("# by confidence band (high hits: all; lower bands: the random sample):")
        for name, (t, n) in precision(every, lambda k, c: band(c)).items():
            print(f"#   {name:12s} {t:3d}/{n:3d}  precision {t / n:.2f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
