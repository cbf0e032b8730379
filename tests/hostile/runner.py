"""Run one catalogue case as a user would: ``python -m ficlens ARGV`` in a child process.

Measures what the catalogue promises: the exit code, the one-line error, wall time, the
child's peak memory (``os.wait4``'s rusage, so only that child counts), whether a traceback
escaped, and what OUTDIR holds afterwards. A case is killed as a hang at ``timeout`` wall
seconds or, with ``cpu_timeout``, once the child has used that many CPU seconds: on a shared
machine a busy child gets a third of a CPU, and a wall-clock limit alone calls it hung. A case's build may put a ``sitecustomize.py`` in
``<tmp>/inject/`` to simulate a machine fault (a full disk); the runner puts that folder on
the child's PYTHONPATH.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

from hostile.case import Case

SRC = Path(__file__).resolve().parents[2] / "src"
OUT_OPTIONS = ("-o", "--output", "--out")
TIMEOUT_S = 120.0
_TICK = os.sysconf("SC_CLK_TCK")


def _cpu_so_far(pid: int) -> float:
    """CPU seconds (user + system, its reaped children's included) of a running process."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return 0.0
    fields = stat.rsplit(")", 1)[1].split()  # after the command name, which may hold spaces
    return sum(int(f) for f in fields[11:15]) / _TICK  # utime, stime, cutime, cstime


@dataclass
class Result:
    case: str
    exit: int | None  # None: killed at the timeout (a hang)
    stderr: str
    stdout: str
    seconds: float
    peak_mb: float  # the child's peak resident memory
    outdir: list[str] | None = None  # what OUTDIR holds after the run (None: it does not exist)
    staging_left: list[str] = field(default_factory=list)  # staging folders left beside OUTDIR
    input_bytes: int = 0  # length of the files the case built (sparse files count whole)
    bare_file: float | None = None  # bench only: a bare spaCy parse of the input text (CPU seconds)
    cpu_seconds: float = 0.0  # the child's user + system time

    @property
    def hung(self) -> bool:
        return self.exit is None

    @property
    def traceback(self) -> bool:
        return "Traceback (most recent call last)" in self.stderr

    @property
    def error_lines(self) -> list[str]:
        return [line for line in self.stderr.splitlines() if line.strip()]


def outdir_of(argv: list[str]) -> Path | None:
    for flag, value in zip(argv, argv[1:], strict=False):
        if flag in OUT_OPTIONS:
            return Path(value)
    return None


def _listing(folder: Path) -> list[str] | None:
    if not folder.is_dir():
        return None
    return sorted(str(p.relative_to(folder)) for p in folder.rglob("*"))


def run_case(case: Case, tmp: Path, timeout: float = TIMEOUT_S, cpu_timeout: float | None = None) -> Result:
    """Build the case under ``tmp`` and run it; never raises for what ficlens does. Killed as a
    hang past ``timeout`` wall seconds or ``cpu_timeout`` CPU seconds, whichever comes first."""
    argv = case.build(tmp)
    size = sum(p.stat().st_size for p in tmp.rglob("*") if p.is_file() and not p.is_symlink() and "inject" not in p.parts)
    env = dict(os.environ)
    paths = [str(tmp / "inject")] if (tmp / "inject").is_dir() else []
    env["PYTHONPATH"] = os.pathsep.join([*paths, str(SRC), env.get("PYTHONPATH", "")]).rstrip(os.pathsep)
    env.pop("FICLENS_DEBUG", None)
    env["COLUMNS"] = "200"
    with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err:
        started = time.perf_counter()
        child = subprocess.Popen([sys.executable, "-m", "ficlens", *argv], cwd=tmp, env=env,
                                 stdout=out, stderr=err, stdin=subprocess.DEVNULL, start_new_session=True)  # fmt: skip
        code: int | None = None
        rusage = None
        while True:
            pid, status, rusage = os.wait4(child.pid, os.WNOHANG)
            if pid:
                code = os.waitstatus_to_exitcode(status)
                break
            over_cpu = cpu_timeout is not None and _cpu_so_far(child.pid) > cpu_timeout
            if over_cpu or time.perf_counter() - started > timeout:
                os.killpg(child.pid, signal.SIGKILL)
                _, _, rusage = os.wait4(child.pid, 0)
                break
            time.sleep(0.02)
        seconds = time.perf_counter() - started
        child.returncode = code if code is not None else -9  # reaped here, not by Popen
        out.seek(0)
        err.seek(0)
        stdout = out.read().decode("utf-8", "replace")
        stderr = err.read().decode("utf-8", "replace")
    peak_mb = (rusage.ru_maxrss / 1024) if rusage is not None else 0.0  # KiB on Linux
    outdir = outdir_of(argv)
    listing = staging = None
    if outdir is not None:
        outdir = outdir if outdir.is_absolute() else tmp / outdir
        listing = _listing(outdir)
        parent = outdir.parent
        staging = sorted(p.name for p in parent.iterdir() if p.name.startswith(f".{outdir.name}.")) if parent.is_dir() else []
    cpu = (rusage.ru_utime + rusage.ru_stime) if rusage is not None else 0.0
    return Result(case.name, code, stderr, stdout, seconds, peak_mb, listing, staging or [], size, cpu_seconds=cpu)
