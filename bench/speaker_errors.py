"""Why PDNC quotes get the wrong speaker: every gold quote classified by the speech tag the
speakers stage found and by whether the gold speaker was among its candidates (the error
analysis in docs/evaluation.md).

Usage::

    .venv/bin/python bench/speaker_errors.py --cache /tmp/final-cache [--mode gold-characters] [--model FILE]

``--cache`` is a ``ficlens train --cache`` folder (staged Documents are made there when missing).
Each novel is scored with the fold model that never saw it, as ``ficlens eval pdnc`` does.
Classes: ``ok``; ``undetected``; else ``<tag kind>:<reason>`` where the tag kind is ``notag``,
``name``, ``coref``, ``nominal``, ``pronoun`` or ``narrator`` (``-res`` when it names a character)
and the reason is ``gold-not-candidate``, ``gold-cut-by-max-candidates`` or ``ranked/decoded-wrong``.
"""

from __future__ import annotations

import argparse
from collections import Counter
from pathlib import Path

from ficlens.eval.pdnc import list_novels, load_novel
from ficlens.stages.speakers import SpeakerConfig, SpeakerStage, load_ranker
from ficlens.train.speaker_ranker import align_gold, gold_truth, stage_novel

ROOT = Path(__file__).resolve().parents[1]
PDNC = ROOT.parent / "shared" / "data" / "pdnc"


def classify(data: Path, cache: Path, mode: str, model: str | None) -> tuple[Counter[tuple[str, str]], Counter[str]]:
    bundle = load_ranker(model)
    classes: Counter[tuple[str, str]] = Counter()
    totals: Counter[str] = Counter()
    holder: list[object] = []
    for name in list_novels(data):
        novel = load_novel(data / "data" / name)
        doc = stage_novel(data / "data" / name, mode, cache, holder)
        truth = gold_truth(novel, doc)
        stage = SpeakerStage(SpeakerConfig(), bundle=bundle).heldout(name)
        turn_of = {}
        for conversation, speakers in stage.decode_conversations(stage.turns(doc)):
            for turn, speaker in zip(conversation, speakers, strict=True):
                turn_of.update({qi: (turn, speaker) for qi in turn.quotes})
        for gold, qi in align_gold(novel, doc):
            if gold.speaker_id is None:
                continue
            kind = gold.quote_type or "none"
            totals[kind] += 1
            if qi is None or qi not in turn_of:
                classes[(kind, "undetected")] += 1
                continue
            turn, speaker = turn_of[qi]
            if truth.characters.get(speaker) == gold.speaker_id:
                classes[(kind, "ok")] += 1
                continue
            gold_ids = [c for c in turn.features if truth.characters.get(c) == gold.speaker_id]
            tag = turn.tag
            tag_kind = "notag" if tag is None else tag.ref.kind + ("-res" if tag.ref.ids else "")
            if not gold_ids:
                reason = "gold-not-candidate"
            elif gold_ids[0] not in turn.candidates:
                reason = "gold-cut-by-max-candidates"
            else:
                reason = "ranked/decoded-wrong"
            classes[(kind, f"{tag_kind}:{reason}")] += 1
    return classes, totals


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, default=PDNC)
    parser.add_argument("--cache", type=Path, required=True)
    parser.add_argument("--mode", default="gold-characters", choices=("gold-characters", "end-to-end"))
    parser.add_argument("--model", default=None, help="model file (default: the shipped one)")
    args = parser.parse_args()
    classes, totals = classify(args.data, args.cache, args.mode, args.model)
    for kind in sorted(totals):
        print(f"== {kind}: {totals[kind]}")
        for (k, label), n in sorted(classes.items(), key=lambda item: -item[1]):
            if k == kind:
                print(f"   {n:6d} {100 * n / totals[kind]:5.1f}%  {label}")


if __name__ == "__main__":
    main()
