"""Corpus-mode benchmarks: worker scaling, per-story overhead, worker memory, Ray beside local.

    .venv/bin/python bench/corpus_bench.py --stories 200 --rounds 2 --modes w1,w2,concat,ray
    .venv/bin/python bench/corpus_bench.py --stories 1000 --rounds 1 --modes w1,concat,w2 --markdown

``--stories N`` short stories of ~1,000 words are cut from the PDNC novels
(``bench/make_short_stories.py``) into a temporary folder, with the same stories concatenated
into one file. Every mode is one fresh subprocess calling ``run_corpus`` into a fresh output
folder; modes alternate within each round (the order rotates by one each round) so that the
shared machine's noise hits all of them alike. Times are ``run_corpus`` wall time, model loading
(per worker) and Ray start-up included. Ratios use each mode's best round.

Modes: ``w1`` local engine, 1 worker (in-process); ``w2`` local engine, 2 worker processes;
``concat`` the concatenated file, local engine, 1 worker; ``ray`` Ray engine, 2 actors
(local Ray instance); ``analyze`` ``ficlens analyze`` on the concatenated file.

Memory: while a mode runs, a thread in its process samples ``VmHWM`` (peak resident set) of
itself and every descendant process from ``/proc`` every 0.25 s; the worker peak is the
largest descendant's (the process itself for ``w1``/``concat``; ``ray::`` processes for Ray).
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path
from typing import Any

from _common import machine  # bench/ is the script directory, so it is on sys.path

BENCH = Path(__file__).resolve().parent
ROOT = BENCH.parent
MODES = {
    "w1": {"engine": "local", "workers": 1, "input": "stories"},
    "w2": {"engine": "local", "workers": 2, "input": "stories"},
    "concat": {"engine": "local", "workers": 1, "input": "concat"},
    "ray": {"engine": "ray", "workers": 2, "input": "stories"},
    "analyze": {"engine": "cli", "workers": 1, "input": "concat"},
}


# --- memory sampling (Linux /proc; no psutil) -----------------------------------------
def _proc_table() -> dict[int, int]:
    """pid -> parent pid for every process we can read."""
    table: dict[int, int] = {}
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/stat", encoding="utf-8", errors="replace") as handle:
                stat = handle.read()
        except OSError:
            continue
        # The command name sits in parentheses and may contain spaces: split after the last ')'.
        table[int(entry)] = int(stat.rsplit(")", 1)[1].split()[1])
    return table


def _descendants(root: int) -> list[int]:
    table = _proc_table()
    children: dict[int, list[int]] = {}
    for pid, ppid in table.items():
        children.setdefault(ppid, []).append(pid)
    found, todo = [], [root]
    while todo:
        for child in children.get(todo.pop(), []):
            found.append(child)
            todo.append(child)
    return found


def _status(pid: int) -> tuple[str, float] | None:
    """(name, VmHWM in MB) of a process, or None once it is gone."""
    try:
        with open(f"/proc/{pid}/status", encoding="utf-8", errors="replace") as handle:
            fields = dict(line.split(":", 1) for line in handle if ":" in line)
    except OSError:
        return None
    if "VmHWM" not in fields:
        return None
    return fields["Name"].strip(), int(fields["VmHWM"].split()[0]) / 1024.0


class PeakSampler(threading.Thread):
    """Keeps the largest VmHWM seen for each descendant of this process."""

    def __init__(self, interval: float = 0.25) -> None:
        super().__init__(daemon=True)
        self.interval = interval
        self.peaks: dict[int, tuple[str, float]] = {}
        self._done = threading.Event()

    def sample(self) -> None:
        for pid in _descendants(os.getpid()):
            status = _status(pid)
            if status is not None:
                name, hwm = status
                if hwm >= self.peaks.get(pid, ("", 0.0))[1]:
                    self.peaks[pid] = (name, hwm)

    def run(self) -> None:
        while not self._done.wait(self.interval):
            self.sample()

    def stop(self) -> None:
        self._done.set()
        self.join()


def _run_one(args: argparse.Namespace) -> None:
    """One measured mode, in its own process; prints one JSON line."""
    sampler = PeakSampler()
    sampler.start()
    started = time.perf_counter()
    if args.engine == "cli":
        ficlens = str(Path(sys.executable).with_name("ficlens"))
        subprocess.run([ficlens, "analyze", args.inputs[0], "-o", args.out, "--quiet"], check=True)
        summary: dict[str, Any] = {}
    else:
        from ficlens.corpus.run import run_corpus

        summary = run_corpus(
            args.inputs, args.out, workers=args.workers, engine=args.engine
        ).to_dict()
    seconds = time.perf_counter() - started
    sampler.sample()
    sampler.stop()
    own = resource.getrusage(resource.RUSAGE_SELF)
    self_mb = own.ru_maxrss / 1024.0
    kids = resource.getrusage(resource.RUSAGE_CHILDREN)
    children_mb = kids.ru_maxrss / 1024.0
    peaks = sorted(sampler.peaks.values(), key=lambda p: -p[1])
    ray_peaks = [mb for name, mb in peaks if name.startswith("ray::")]
    if args.engine == "ray":
        worker_mb = max(ray_peaks, default=0.0)
    elif args.workers > 1:
        worker_mb = max((mb for _, mb in peaks), default=0.0)
    else:
        worker_mb = self_mb if args.engine != "cli" else children_mb
    out = Path(args.out)
    parquet = sum(p.stat().st_size for p in out.rglob("*.parquet"))
    total = sum(p.stat().st_size for p in out.rglob("*") if p.is_file())
    print(
        json.dumps(
            {
                "seconds": seconds,
                "summary": summary,
                "driver_peak_mb": self_mb,
                # CPU of this process alone (not its workers): with workers > 1 that is the driver's
                # share (receiving rows, Arrow tables, Parquet); it bounds how many workers one driver feeds.
                "driver_cpu_seconds": own.ru_utime + own.ru_stime,
                # Driver and the workers it waited for (pool workers; not Ray's actors, which Ray reaps).
                "total_cpu_seconds": own.ru_utime + own.ru_stime + kids.ru_utime + kids.ru_stime,
                "worker_peak_mb": worker_mb,
                "children_maxrss_mb": children_mb,
                "top_processes": [[name, round(mb)] for name, mb in peaks[:6]],
                "parquet_bytes": parquet,
                "output_bytes": total,
            }
        )
    )


# --- the benchmark ----------------------------------------------------------------------
def _measure(mode: str, inputs: list[str], out: Path, timeout: float) -> dict[str, Any]:
    spec = MODES[mode]
    cmd = [
        sys.executable,
        __file__,
        "_run",
        "--out",
        str(out),
        "--workers",
        str(spec["workers"]),
        "--engine",
        str(spec["engine"]),
        *inputs,
    ]
    load_before = os.getloadavg()[0]
    proc = subprocess.run(cmd, capture_output=True, text=True, timeout=timeout, cwd=ROOT)
    if proc.returncode != 0:
        raise SystemExit(f"{mode} failed ({proc.returncode}):\n{proc.stderr[-3000:]}")
    result = json.loads(proc.stdout.strip().splitlines()[-1])
    result["load_before"] = round(load_before, 2)
    return result


def run_bench(stories: int, rounds: int, modes: list[str], timeout: float) -> dict[str, Any]:
    sys.path.insert(0, str(BENCH))
    from make_short_stories import make_stories, write_stories

    info = machine()
    runs: dict[str, list[dict[str, Any]]] = {m: [] for m in modes}
    with tempfile.TemporaryDirectory(prefix="ficlens-corpus-bench-") as tmp:
        story_dir = Path(tmp) / "stories"
        concat = Path(tmp) / "concat" / "all.txt"
        words = write_stories(story_dir, make_stories(stories), concat)
        inputs = {"stories": [str(story_dir)], "concat": [str(concat)]}
        for r in range(rounds):
            order = modes[r % len(modes) :] + modes[: r % len(modes)]
            for mode in order:
                out = Path(tmp) / f"out-{mode}-{r}"
                result = _measure(mode, inputs[MODES[mode]["input"]], out, timeout)
                subprocess.run(["rm", "-rf", str(out)], check=True)
                runs[mode].append(result)
                print(
                    f"round {r + 1} {mode}: {result['seconds']:.1f}s, worker peak "
                    f"{result['worker_peak_mb']:.0f} MB (load {result['load_before']})",
                    file=sys.stderr,
                )
    return {
        "machine": info,
        "stories": stories,
        "words": words,
        "rounds": rounds,
        "modes": modes,
        "runs": runs,
        "derived": derive(runs, words),
    }


def derive(runs: dict[str, list[dict[str, Any]]], words: int) -> dict[str, Any]:
    best = {m: min(r["seconds"] for r in rs) for m, rs in runs.items() if rs}
    med = {m: statistics.median(r["seconds"] for r in rs) for m, rs in runs.items() if rs}
    out: dict[str, Any] = {
        "best_seconds": {m: round(s, 2) for m, s in best.items()},
        "median_seconds": {m: round(s, 2) for m, s in med.items()},
        "words_per_second_best": {m: round(words / s) for m, s in best.items()},
        "worker_peak_mb": {
            m: round(max(r["worker_peak_mb"] for r in rs)) for m, rs in runs.items() if rs
        },
        "driver_peak_mb": {
            m: round(max(r["driver_peak_mb"] for r in rs)) for m, rs in runs.items() if rs
        },
    }
    cpu = {m: min(r.get("driver_cpu_seconds", 0.0) for r in rs) for m, rs in runs.items() if rs}
    out["driver_cpu_seconds"] = {m: round(c, 2) for m, c in cpu.items()}
    total = {m: min(r.get("total_cpu_seconds", 0.0) for r in rs) for m, rs in runs.items() if rs}
    out["total_cpu_seconds"] = {m: round(c, 2) for m, c in total.items()}
    for mode in ("w2", "ray"):
        if cpu.get(mode):
            # Words per second one driver process could take in if it did nothing else.
            out[f"driver_words_per_cpu_second_{mode}"] = round(words / cpu[mode])
    if "w1" in best and "w2" in best:
        out["speedup_w2_over_w1"] = round(best["w1"] / best["w2"], 3)
    if "w1" in best and "concat" in best:
        out["overhead_stories_over_concat"] = round(best["w1"] / best["concat"], 3)
        # The same ratio by CPU time, which other processes on the machine barely move.
        out["overhead_stories_over_concat_cpu"] = round(total["w1"] / total["concat"], 3)
    if "w1" in total and "w2" in total:
        # CPU spent by 2 workers for the same work, relative to 1 (1.0 = no parallel overhead).
        out["cpu_w2_over_w1"] = round(total["w2"] / total["w1"], 3)
    if "ray" in best and "w2" in best:
        out["ray_over_local_w2_time"] = round(best["ray"] / best["w2"], 3)
    parquet = [r["parquet_bytes"] for m in ("w1", "w2", "concat") for r in runs.get(m, [])]
    if parquet:
        out["parquet_bytes_per_word"] = round(max(parquet) / words, 2)
    return out


# Assumptions of the cluster projection (stated in the output).
ARCHIVE_WORDS = 5e9  # ~1 million stories of ~5,000 words
ARCHIVE_STORIES = 1e6
NODES, CORES_PER_NODE = 100, 16
# AWS c7i.4xlarge (16 vCPU, 32 GiB) on-demand, us-east-1 list price $0.714/h -> per vCPU-hour.
PRICE_PER_VCPU_HOUR = 0.714 / 16


def projection(derived: dict[str, Any], words: int) -> dict[str, Any]:
    """A 1-million-story archive on a cluster, from the measured per-core throughput."""
    cpu = derived.get("total_cpu_seconds", {}).get("w1")
    if not cpu:
        return {}
    # CPU time, not wall: on a dedicated core the two agree; on this shared machine only CPU is clean.
    per_core = words / cpu
    core_hours = ARCHIVE_WORDS / per_core / 3600
    workers = NODES * CORES_PER_NODE
    out = {
        "words_per_core_second": round(per_core),
        "core_hours": round(core_hours),
        "wall_hours_ideal": round(core_hours / workers, 2),
        "cost_usd": round(core_hours * PRICE_PER_VCPU_HOUR),
        "node_ram_gb_needed": round(
            CORES_PER_NODE
            * derived["worker_peak_mb"].get("w2", derived["worker_peak_mb"]["w1"])
            / 1024,
            1,
        ),
    }
    if "parquet_bytes_per_word" in derived:
        out["parquet_gb"] = round(derived["parquet_bytes_per_word"] * ARCHIVE_WORDS / 1e9, 1)
    for mode in ("w2", "ray"):
        ceiling = derived.get(f"driver_words_per_cpu_second_{mode}")
        if ceiling:
            # Cores one driver would need to take in the whole cluster's output.
            out[f"driver_cores_needed_{mode}"] = round(per_core * workers / ceiling, 1)
    return out


def markdown(result: dict[str, Any], command: str) -> str:
    m, d = result["machine"], result["derived"]
    lines = [
        f"### Corpus mode, {result['stories']} stories ({result['words']:,} words)",
        "",
        f"`{command}` — {m['date']}, commit `{m['commit']}`, {m['nproc']} cores, {m['ram_gb']} GB RAM, "
        f"Python {m['python']}; {result['rounds']} round(s), modes alternating; ratios from each mode's best round.",
        "",
        "| mode | wall s per round | best s | words/s (best) | CPU s (best) | worker peak RSS MB | driver peak RSS MB | load avg before |",
        "|---|---|---|---|---|---|---|---|",
    ]
    for mode in result["modes"]:
        runs = result["runs"][mode]
        loads = ", ".join(str(r["load_before"]) for r in runs)
        lines.append(
            f"| {mode} | {', '.join(str(round(r['seconds'], 1)) for r in runs)} | {d['best_seconds'][mode]} "
            f"| {d['words_per_second_best'][mode]:,} | {d['total_cpu_seconds'][mode]} "
            f"| {d['worker_peak_mb'][mode]} | {d['driver_peak_mb'][mode]} | {loads} |"
        )
    lines.append("")
    for key, label in (
        ("speedup_w2_over_w1", "2 workers vs 1 (time w1 / time w2; target ≥ 1.7)"),
        (
            "overhead_stories_over_concat",
            "stories vs one concatenated text (time w1 / time concat; target ≤ 1.3)",
        ),
        ("overhead_stories_over_concat_cpu", "the same by CPU time"),
        (
            "cpu_w2_over_w1",
            "CPU time of 2 workers / 1 worker, same corpus (1.0 = no parallel overhead)",
        ),
        ("ray_over_local_w2_time", "Ray, 2 actors, time / local 2 workers time"),
        ("parquet_bytes_per_word", "Parquet bytes per word"),
        (
            "driver_words_per_cpu_second_w2",
            "driver ceiling, local 2 workers: words per driver CPU-second",
        ),
        ("driver_words_per_cpu_second_ray", "driver ceiling, Ray: words per driver CPU-second"),
    ):
        if key in d:
            lines.append(f"- {label}: **{d[key]}**")
    p = projection(d, result["words"])
    if p:
        lines += [
            "",
            f"Projection for {ARCHIVE_STORIES:,.0f} stories / {ARCHIVE_WORDS:,.0f} words on {NODES} x {CORES_PER_NODE}-vCPU "
            f"nodes (one worker per vCPU, ${PRICE_PER_VCPU_HOUR:.4f} per vCPU-hour = c7i.4xlarge on-demand $0.714/h), "
            f"from w1's words per CPU-second:",
            "",
            f"- {p['words_per_core_second']:,} words per core-second -> **{p['core_hours']:,} core-hours**, "
            f"**{p['wall_hours_ideal']} h** wall on {NODES * CORES_PER_NODE} workers (ideal), **${p['cost_usd']:,}**",
            f"- node RAM for {CORES_PER_NODE} workers at the measured worker peak: {p['node_ram_gb_needed']} GB",
        ]
        if "parquet_gb" in p:
            lines.append(f"- Parquet output: **{p['parquet_gb']} GB**")
        for mode in ("w2", "ray"):
            if f"driver_cores_needed_{mode}" in p:
                lines.append(
                    f"- one {mode} driver taking in the cluster's output would need "
                    f"**{p[f'driver_cores_needed_{mode}']}** cores' worth of CPU"
                )
    return "\n".join(lines) + "\n"


def main() -> None:
    if len(sys.argv) > 1 and sys.argv[1] == "_run":
        inner = argparse.ArgumentParser()
        inner.add_argument("inputs", nargs="+")
        inner.add_argument("--out", required=True)
        inner.add_argument("--workers", type=int, default=1)
        inner.add_argument("--engine", default="local")
        _run_one(inner.parse_args(sys.argv[2:]))
        return
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--stories", type=int, default=200)
    parser.add_argument("--rounds", type=int, default=2)
    parser.add_argument(
        "--modes", default="w1,w2,concat", help=f"comma-separated, from {', '.join(MODES)}"
    )
    parser.add_argument("--timeout", type=float, default=3600, help="seconds per mode run")
    parser.add_argument("--json", type=Path, help="also write the figures here")
    parser.add_argument(
        "--markdown", action="store_true", help="print the docs/benchmarks.md section"
    )
    parser.add_argument(
        "--from-json", type=Path, help="print the Markdown of a saved --json result; run nothing"
    )
    args = parser.parse_args()
    if args.from_json:
        saved = json.loads(args.from_json.read_text(encoding="utf-8"))
        saved["derived"] = derive(saved["runs"], saved["words"])
        print(markdown(saved, saved.get("command", "bench/corpus_bench.py")))
        return
    modes = [m.strip() for m in args.modes.split(",") if m.strip()]
    unknown = [m for m in modes if m not in MODES]
    if unknown:
        raise SystemExit(f"unknown mode(s) {unknown}; choose from {', '.join(MODES)}")
    result = run_bench(args.stories, args.rounds, modes, args.timeout)
    result["projection"] = projection(result["derived"], result["words"])
    result["command"] = "bench/corpus_bench.py " + " ".join(sys.argv[1:])
    print(json.dumps({**result["derived"], "projection": result["projection"]}, indent=2))
    if args.json:
        args.json.write_text(json.dumps(result, indent=2) + "\n", encoding="utf-8")
    if args.markdown:
        print(markdown(result, result["command"]))


if __name__ == "__main__":
    main()
