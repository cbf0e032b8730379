"""The signals stage's share of the pipeline on a PDNC novel: one parse through ``coref``, then
``SignalStage`` timed alone (best of ``--rounds``).

    PYTHONPATH=src python bench/signals_speed.py --data ../shared/data --novel DaisyMiller
"""

from __future__ import annotations

import argparse
import copy
import time
from pathlib import Path

from ficlens.eval.run import default_pipeline
from ficlens.eval.signals import SIGNAL_STAGES
from ficlens.eval.signals_gold import Roots, work_text
from ficlens.model import Document
from ficlens.stages.signals import SignalStage


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, default=Path("../shared/data"))
    parser.add_argument("--novel", default="DaisyMiller")
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()
    roots = Roots(args.data / "fanfic", args.data / "pdnc", args.data / "litbank")
    work = f"pdnc:{args.novel}"
    started = time.perf_counter()
    doc = default_pipeline(None).select(SIGNAL_STAGES[:-1])(Document(text=work_text(work, roots), source=work, format="text"))
    before = time.perf_counter() - started
    stage = SignalStage()
    best = float("inf")
    for _ in range(args.rounds):
        copy_ = copy.copy(doc)
        t = time.perf_counter()
        stage(copy_)
        best = min(best, time.perf_counter() - t)
    print(f"{args.novel}: {len(doc.sentences)} sentences; stages before signals {before:.1f} s; signals {best:.2f} s "
          f"(best of {args.rounds}); share {best / (before + best):.1%}")


if __name__ == "__main__":
    main()
