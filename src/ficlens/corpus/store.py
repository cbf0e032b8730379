"""The output folder of a corpus run: Parquet parts per batch, and the manifest of what is done.

Layout::

    OUT/works/part-<batch>.parquet        one file per table per batch
    OUT/quotes/part-<batch>.parquet ...
    OUT/_batches/<batch>.json             the manifest: one file per committed batch
    OUT/errors.jsonl                      stories that failed, rebuilt from the manifest

A batch is committed when its manifest file exists. Every file is written to a temporary
name and renamed into place, and the manifest file is renamed last, so a run killed at any
point (SIGKILL included) leaves either a whole batch or Parquet parts with no manifest file;
``open`` deletes the latter, and their stories are analysed again. Nothing is lost and
nothing is counted twice.

One run at a time: ``open`` takes an exclusive lock on ``OUT/.ficlens.lock`` (a POSIX record
lock: a run that dies, even by SIGKILL, releases it, and forked workers do not inherit it;
the file holds the pid for the message), and a second run on the same folder is refused
with one line while the first holds it.
A manifest file that cannot be read is one line naming it (``CorpusError``).
"""

from __future__ import annotations

import errno
import json
import os
import time
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pyarrow.parquet as pq

from ficlens.corpus.tables import TABLES, rows_to_table
from ficlens.errors import FiclensError

MANIFEST_DIR = "_batches"
ERRORS_FILE = "errors.jsonl"
LOCK_FILE = ".ficlens.lock"


class CorpusError(FiclensError):
    """A corpus folder that cannot be used: locked by another run, a corrupt manifest or part."""


@dataclass
class StoryResult:
    """What a worker returns for one story."""

    story_id: str
    source: str
    status: str  # "ok", "error" or "duplicate"
    words: int = 0
    error: str | None = None
    duplicate_of: str | None = None
    rows: dict[str, list[dict[str, Any]]] = field(default_factory=dict)

    def manifest_entry(self) -> dict[str, Any]:
        entry: dict[str, Any] = {"story_id": self.story_id, "source": self.source, "status": self.status}
        if self.error:
            entry["error"] = self.error
        if self.duplicate_of:
            entry["duplicate_of"] = self.duplicate_of
        if self.status == "ok":
            entry["words"] = self.words
        return entry


def write_atomic(path: Path, data: bytes) -> None:
    tmp = path.with_name(f".tmp-{os.getpid()}-{path.name}")
    with open(tmp, "wb") as handle:
        handle.write(data)
        handle.flush()
        os.fsync(handle.fileno())
    os.replace(tmp, path)


class CorpusStore:
    def __init__(self, out: Path) -> None:
        self.out = Path(out)
        self.manifest_dir = self.out / MANIFEST_DIR
        self._lock: int | None = None

    def lock(self) -> None:
        """Hold ``OUT/.ficlens.lock`` for this process, or refuse: another run is writing here."""
        import fcntl

        if self.out.exists() and not self.out.is_dir():
            raise CorpusError(f"{self.out}: output path exists and is not a directory")
        self.out.mkdir(parents=True, exist_ok=True)
        fd = os.open(self.out / LOCK_FILE, os.O_RDWR | os.O_CREAT, 0o644)
        try:
            fcntl.lockf(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError as err:
            holder = os.read(fd, 32).decode("ascii", "replace").strip() or "?"
            os.close(fd)
            if err.errno in (errno.EWOULDBLOCK, errno.EAGAIN, errno.EACCES):
                raise CorpusError(
                    f"{self.out}: another ficlens corpus run (pid {holder}) is writing this folder; "
                    "wait for it to finish or stop it"
                ) from None
            raise
        # The lock is the record lock, not the file: a lock file left by a killed run is stale
        # by construction. The pid is only for the message above.
        os.ftruncate(fd, 0)
        os.write(fd, f"{os.getpid()}\n".encode())
        self._lock = fd

    def unlock(self) -> None:
        if self._lock is not None:
            os.close(self._lock)
            self._lock = None

    def open(self) -> None:
        """Lock the folder, create it, and remove what an interrupted run left uncommitted."""
        if self._lock is None:
            self.lock()
        self.manifest_dir.mkdir(parents=True, exist_ok=True)
        committed = self.committed_batches()
        for table in TABLES:
            folder = self.out / table
            folder.mkdir(exist_ok=True)
            for part in folder.iterdir():
                batch = part.name.removeprefix("part-").removesuffix(".parquet")
                if part.name.startswith(".tmp-") or batch not in committed:
                    part.unlink()
        for leftover in self.manifest_dir.glob(".tmp-*"):
            leftover.unlink()

    def committed_batches(self) -> set[str]:
        if not self.manifest_dir.is_dir():
            return set()
        return {p.stem for p in self.manifest_dir.glob("*.json") if not p.name.startswith(".tmp-")}

    def manifest(self) -> Iterable[dict[str, Any]]:
        for path in sorted(self.manifest_dir.glob("*.json")):
            if path.name.startswith(".tmp-"):
                continue
            try:
                stories = json.loads(path.read_text(encoding="utf-8"))["stories"]
                if not isinstance(stories, list) or not all(isinstance(e, dict) and "story_id" in e for e in stories):
                    raise ValueError("no list of stories")
            except (ValueError, KeyError, TypeError) as err:
                raise CorpusError(
                    f"{path}: corrupt manifest file ({type(err).__name__}); "
                    "remove it (and its part-<batch>.parquet files) to analyse its stories again"
                ) from None
            yield from stories

    def done_story_ids(self) -> set[str]:
        """Stories already analysed or already failed: a resumed run skips them."""
        return {entry["story_id"] for entry in self.manifest() if entry.get("status") != "duplicate"}

    def commit(self, results: list[StoryResult]) -> str:
        """Write one batch: Parquet parts first, the manifest file last (the commit point)."""
        batch = f"{time.time_ns():020d}-{os.getpid()}"
        for table in TABLES:
            rows = [row for r in results if r.status == "ok" for row in r.rows.get(table, [])]
            if not rows:
                continue
            path = self.out / table / f"part-{batch}.parquet"
            tmp = path.with_name(f".tmp-{path.name}")
            pq.write_table(rows_to_table(table, rows), tmp, compression="zstd")
            with open(tmp, "rb") as handle:
                os.fsync(handle.fileno())
            os.replace(tmp, path)
        manifest = {"batch": batch, "committed_at": time.time(), "stories": [r.manifest_entry() for r in results]}
        write_atomic(self.manifest_dir / f"{batch}.json", json.dumps(manifest).encode("utf-8"))
        if any(r.status == "error" for r in results):
            self.rebuild_errors()
        return batch

    def rebuild_errors(self) -> None:
        lines = [
            json.dumps({"story_id": e["story_id"], "source": e.get("source"), "error": e.get("error")}, ensure_ascii=False)
            for e in self.manifest()
            if e.get("status") == "error"
        ]
        write_atomic(self.out / ERRORS_FILE, ("\n".join(lines) + "\n" if lines else "").encode("utf-8"))
