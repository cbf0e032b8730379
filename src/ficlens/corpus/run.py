"""`ficlens corpus run`: analyse many stories with worker processes or Ray Data.

The driver walks the inputs, hashes each story (the hash is its ``story_id``), skips what
the manifest already holds and what this run has already seen (same bytes = same story),
and hands the rest to an engine. Engines only turn ``StoryTask``s into ``StoryResult``s;
the driver alone writes, one committed batch at a time (``CorpusStore``).

- ``local``: worker processes, forked after the driver loads the spaCy model and the
  pipeline once; each holds one story at a time, so memory does not grow with the corpus,
  and a worker that dies (the out-of-memory killer's SIGKILL) is noticed and its story
  tried once more, then recorded as failed. Finished stories are committed every
  ``batch_size`` stories or ``batch_seconds`` seconds, whichever comes first, even while
  another story is still running.
- ``ray``: Ray Data ``map_batches`` over an actor pool (each actor loads the pipeline once);
  ``ray.init()`` joins a cluster when ``RAY_ADDRESS`` is set, else starts a local instance.
"""

from __future__ import annotations

import contextlib
import json
import multiprocessing
import os
import queue
import signal
import tempfile
import time
from collections import deque
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from multiprocessing.connection import Connection, wait
from multiprocessing.process import BaseProcess
from pathlib import Path
from typing import Any

from ficlens.corpus import ENGINES
from ficlens.corpus.inputs import StoryRef, content_hash, file_hash, iter_story_refs
from ficlens.corpus.store import CorpusStore, StoryResult
from ficlens.corpus.tables import document_rows
from ficlens.errors import FiclensError


@dataclass(frozen=True)
class StoryTask:
    ref: StoryRef
    story_id: str
    data: bytes | None = None  # archive members travel as bytes; files are read by the worker


@dataclass
class RunSummary:
    stories: int = 0
    analysed: int = 0
    failed: int = 0
    duplicates: int = 0
    skipped: int = 0  # done in an earlier run
    words: int = 0
    seconds: float = 0.0

    def to_dict(self) -> dict[str, Any]:
        return dict(self.__dict__)


Progress = Callable[[RunSummary, int], None]


class StoryAnalyzer:
    """Owns one pipeline; turns a task into a result and never raises for a bad story."""

    def __init__(self, max_bytes: int | None = None) -> None:
        from ficlens.api import get_pipeline

        self.pipeline = get_pipeline()
        self.max_bytes = max_bytes

    def __call__(self, task: StoryTask) -> StoryResult:
        from ficlens.ingest import DEFAULT_MAX_BYTES, read_document, read_work

        name = task.ref.name
        work = task.ref.work

        def read(path: Path) -> Any:
            limit = self.max_bytes or DEFAULT_MAX_BYTES
            return read_work(path, work, max_bytes=limit) if work else read_document(path, max_bytes=limit)

        try:
            if task.data is None:
                doc = read(Path(task.ref.path))
            else:
                # Readers take a path; give the member a temporary file with its own suffix.
                with tempfile.TemporaryDirectory() as tmp:
                    path = Path(tmp) / Path(task.ref.member or "story").name
                    path.write_bytes(task.data)
                    try:
                        doc = read(path)
                    except FiclensError as err:
                        raise FiclensError(str(err).replace(str(path), task.ref.path + "!" + str(task.ref.member))) from None
            doc.source = name
            doc = self.pipeline(doc)
            rows = document_rows(doc, task.story_id, name)
            return StoryResult(
                story_id=task.story_id, source=name, status="ok", words=rows["works"][0]["words"], rows=rows
            )
        except FiclensError as err:
            return StoryResult(task.story_id, name, "error", error=str(err))
        except Exception as err:  # noqa: BLE001 - one bad story never stops a batch
            return StoryResult(task.story_id, name, "error", error=f"{name}: {type(err).__name__}: {err}")


# --- local engine ------------------------------------------------------------------
_worker: StoryAnalyzer | None = None
# A fresh process after this many stories keeps a worker's memory from creeping up.
TASKS_PER_WORKER = 500
# How often the driver looks up from its workers (to commit, to notice a stalled story).
POLL_SECONDS = 1.0


def _worker_loop(conn: Connection, max_bytes: int | None, driver_ends: list[Connection]) -> None:
    """One worker process: analyse each task the driver sends until it sends None."""
    global _worker
    # A forked worker holds copies of the driver's pipe ends; closed, so that the driver's
    # death is an EOF here. And the kernel kills the worker when the driver dies (Linux).
    for end in driver_ends:
        end.close()
    _die_with_parent()
    if _worker is None:  # spawn platforms; a forked worker inherits the driver's analyzer
        _worker = StoryAnalyzer(max_bytes)
    while True:
        try:
            task = conn.recv()
        except (EOFError, OSError):
            return
        if task is None:
            return
        conn.send(_worker(task))


def _die_with_parent() -> None:
    import ctypes
    import sys

    if sys.platform.startswith("linux"):
        with contextlib.suppress(OSError, AttributeError):
            ctypes.CDLL(None, use_errno=True).prctl(1, signal.SIGKILL)  # PR_SET_PDEATHSIG


@dataclass
class _Slot:
    process: BaseProcess
    conn: Connection
    task: StoryTask | None = None
    started: float = 0.0
    count: int = 0


def _died(process: BaseProcess) -> str:
    code = process.exitcode
    if code is not None and code < 0:
        try:
            name = signal.Signals(-code).name
        except ValueError:
            name = f"signal {-code}"
        return f"killed by {name}" + (" (as the out-of-memory killer does)" if name == "SIGKILL" else "")
    return f"exited with code {code}"


def _local_results(
    tasks: Iterator[StoryTask], workers: int, max_bytes: int | None, story_timeout: float | None = None
) -> Iterator[StoryResult | None]:
    """Results as workers finish them, and None every ``POLL_SECONDS`` while none does.

    Each worker holds one story at a time, so the driver knows which story a worker that
    dies was analysing: that story is tried once more on a fresh worker, then recorded as
    failed. A story still running after ``story_timeout`` seconds is stopped and failed.
    """
    global _worker
    # The driver builds the analyzer first: a pipeline that cannot load (a missing model)
    # fails here, once, with its own error. Forked workers inherit it (copy-on-write), so
    # the model is loaded once for the whole run.
    try:
        _worker = StoryAnalyzer(max_bytes)
    except Exception as err:  # noqa: BLE001 - whatever stops the model loading, say it once
        raise FiclensError(f"cannot start the analysis pipeline: {type(err).__name__}: {err}") from err
    method = "fork" if "fork" in multiprocessing.get_all_start_methods() else "spawn"
    ctx = multiprocessing.get_context(method)
    retry: deque[StoryTask] = deque()
    deaths: dict[str, int] = {}
    source = iter(tasks)
    exhausted = False
    slots: list[_Slot] = []

    def start() -> _Slot:
        parent, child = ctx.Pipe()
        # A forked worker must not keep the other pipes' driver ends open (see _worker_loop).
        ends = [parent, *(s.conn for s in slots)] if method == "fork" else []
        process = ctx.Process(target=_worker_loop, args=(child, max_bytes, ends), daemon=True)
        process.start()
        child.close()
        return _Slot(process, parent)

    def stop(slot: _Slot, kill: bool = False) -> None:
        if kill and slot.process.is_alive():
            slot.process.kill()
        else:
            with contextlib.suppress(OSError, ValueError):
                slot.conn.send(None)
        slot.process.join(timeout=5)
        if slot.process.is_alive():
            slot.process.kill()
            slot.process.join()
        slot.conn.close()

    def next_task() -> StoryTask | None:
        nonlocal exhausted
        if retry:
            return retry.popleft()
        if exhausted:
            return None
        task = next(source, None)
        exhausted = task is None
        return task

    def failed(task: StoryTask, problem: str) -> StoryResult:
        return StoryResult(task.story_id, task.ref.name, "error", error=f"{task.ref.name}: {problem}")

    try:
        while True:
            for i, slot in enumerate(slots):
                if slot.task is None and (slot.count >= TASKS_PER_WORKER or not slot.process.is_alive()):
                    stop(slot)
                    slots[i] = start()
            idle = [s for s in slots if s.task is None]
            while True:
                if not idle and len(slots) < workers and (retry or not exhausted):
                    slots.append(start())
                    idle.append(slots[-1])
                if not idle:
                    break
                task = next_task()
                if task is None:
                    break
                slot = idle.pop()
                slot.task, slot.started, slot.count = task, time.monotonic(), slot.count + 1
                # A worker that died while idle: its sentinel is seen below, and the task retried.
                with contextlib.suppress(OSError):
                    slot.conn.send(task)
            busy = [s for s in slots if s.task is not None]
            if not busy:
                if exhausted and not retry:
                    return
                continue
            ready = set(wait([s.conn for s in busy] + [s.process.sentinel for s in busy], timeout=POLL_SECONDS))
            if not ready:
                yield None
            now = time.monotonic()
            for i, slot in enumerate(slots):
                task = slot.task
                if task is None:
                    continue
                if slot.conn in ready:
                    try:
                        result = slot.conn.recv()
                    except (EOFError, OSError):
                        result = None
                    if result is not None:
                        slot.task = None
                        yield result
                        continue
                if slot.conn in ready or slot.process.sentinel in ready or not slot.process.is_alive():
                    slot.process.join(timeout=5)
                    why = _died(slot.process)
                    stop(slot, kill=True)
                    slots[i] = start()
                    deaths[task.story_id] = deaths.get(task.story_id, 0) + 1
                    if deaths[task.story_id] == 1:
                        retry.append(task)  # maybe it was not this story's fault: once more
                    else:
                        yield failed(task, f"the worker analysing it died twice ({why}); not retried again")
                elif story_timeout is not None and now - slot.started > story_timeout:
                    stop(slot, kill=True)
                    slots[i] = start()
                    yield failed(task, f"analysis took longer than {story_timeout:g} s (--story-timeout); stopped")
    finally:
        for slot in slots:
            stop(slot, kill=slot.task is not None)


# --- ray engine ---------------------------------------------------------------------
class _RayAnalyzer:
    """A Ray Data actor: builds its pipeline once, analyses one batch of tasks per call."""

    def __init__(self, max_bytes: int | None = None) -> None:
        self.analyzer = StoryAnalyzer(max_bytes)

    def __call__(self, batch: dict[str, Any]) -> dict[str, Any]:
        out = []
        for path, member, work, story_id, data in zip(
            batch["path"], batch["member"], batch["work"], batch["story_id"], batch["data"], strict=True
        ):
            ref = StoryRef(str(path), member or None, int(work) or None)
            task = StoryTask(ref, str(story_id), bytes(data) if data else None)
            result = self.analyzer(task)
            out.append(json.dumps(result.__dict__, ensure_ascii=False))
        return {"result": out}


def _ray_results(
    tasks: Iterator[StoryTask], workers: int, max_bytes: int | None, window: int = 2000
) -> Iterator[StoryResult]:
    try:
        import ray
    except ImportError as err:
        raise FiclensError("the ray engine needs Ray: pip install 'ficlens[ray]'") from err
    started_here = not ray.is_initialized()
    if started_here:
        ray.init(
            address=os.environ.get("RAY_ADDRESS"),
            num_cpus=None if os.environ.get("RAY_ADDRESS") else max(workers, 1),
            include_dashboard=False,
            log_to_driver=False,
            logging_level="ERROR",
        )
    try:
        from ray.data import DataContext

        DataContext.get_current().enable_progress_bars = False
        # Windows of tasks keep the driver's memory bounded on huge corpora.
        while True:
            chunk = [t for _, t in zip(range(window), tasks, strict=False)]
            if not chunk:
                break
            items = [
                {"path": t.ref.path, "member": t.ref.member or "", "work": t.ref.work or 0, "story_id": t.story_id, "data": t.data or b""}
                for t in chunk
            ]
            dataset = ray.data.from_items(items, override_num_blocks=min(len(items), max(workers, 1) * 4))
            mapped = dataset.map_batches(
                _RayAnalyzer,
                fn_constructor_kwargs={"max_bytes": max_bytes},
                batch_size=1,
                compute=ray.data.ActorPoolStrategy(size=max(workers, 1)),
                num_cpus=1,
            )
            for row in mapped.iter_rows():
                yield StoryResult(**json.loads(row["result"]))
    finally:
        if started_here:
            ray.shutdown()


# --- driver -------------------------------------------------------------------------
def run_corpus(
    inputs: list[str | Path],
    out: str | Path,
    workers: int = 1,
    engine: str = "local",
    batch_size: int = 50,
    batch_seconds: float = 5.0,
    max_bytes: int | None = None,
    progress: Progress | None = None,
    story_timeout: float | None = None,
) -> RunSummary:
    """Analyse every story under ``inputs`` into Parquet tables under ``out``; resumable.

    Refused (``CorpusError``) while another run holds ``out``.
    """
    from ficlens.ingest import DEFAULT_MAX_BYTES

    if engine not in ENGINES:
        raise FiclensError(f"unknown engine {engine!r} (choose from {', '.join(ENGINES)})")
    limit = max_bytes or DEFAULT_MAX_BYTES
    refs = list(iter_story_refs(inputs, max_bytes=limit))
    store = CorpusStore(Path(out))
    try:
        store.open()
        return _run(refs, store, workers, engine, batch_size, batch_seconds, max_bytes, progress, story_timeout)
    finally:
        store.unlock()


def _run(
    refs: list[StoryRef],
    store: CorpusStore,
    workers: int,
    engine: str,
    batch_size: int,
    batch_seconds: float,
    max_bytes: int | None,
    progress: Progress | None,
    story_timeout: float | None,
) -> RunSummary:
    from ficlens.ingest import DEFAULT_MAX_BYTES

    limit = max_bytes or DEFAULT_MAX_BYTES
    done = store.done_story_ids()
    summary = RunSummary(stories=len(refs))
    started = time.perf_counter()
    seen: dict[str, str] = {}
    # Duplicates and unreadable files are settled while tasks are generated (inside the
    # engine's loop): they reach the driver through a queue.
    settled: queue.SimpleQueue[StoryResult] = queue.SimpleQueue()
    pending: list[StoryResult] = []  # results waiting for the next commit
    last_commit = time.perf_counter()

    def tasks() -> Iterator[StoryTask]:
        for ref in refs:
            data = None
            try:
                if ref.member is None and ref.error is None:
                    story_id = file_hash(ref.path)  # in chunks; the worker reads the file itself
                else:
                    data = ref.read_bytes(limit)
                    story_id = content_hash(data)
            except FiclensError as err:
                settled.put(StoryResult(content_hash(ref.name.encode()), ref.name, "error", error=str(err)))
                continue
            except OSError as err:
                problem = f"cannot be read ({(err.strerror or str(err)).lower()})"
                settled.put(StoryResult(content_hash(ref.name.encode()), ref.name, "error", error=f"{ref.name}: {problem}"))
                continue
            if ref.work:
                story_id += f"#work-{ref.work}"  # one file, several works (EpubMerge)
            if story_id in done:
                summary.skipped += 1
                continue
            if story_id in seen:
                settled.put(StoryResult(story_id, ref.name, "duplicate", duplicate_of=seen[story_id]))
                continue
            seen[story_id] = ref.name
            yield StoryTask(ref, story_id, data)

    def record(result: StoryResult) -> None:
        pending.append(result)
        if result.status == "ok":
            summary.analysed += 1
            summary.words += result.words
        elif result.status == "error":
            summary.failed += 1
        else:
            summary.duplicates += 1
        if progress is not None:
            progress(summary, summary.analysed + summary.failed + summary.duplicates + summary.skipped)

    def drain() -> None:
        while not settled.empty():
            record(settled.get())

    results: Iterator[StoryResult | None] = (
        _local_results(tasks(), workers, max_bytes, story_timeout)
        if engine == "local"
        else _ray_results(tasks(), workers, max_bytes)
    )
    for result in results:  # None: nothing finished in the last POLL_SECONDS
        if result is not None:
            record(result)
        drain()
        if pending and (len(pending) >= batch_size or time.perf_counter() - last_commit >= batch_seconds):
            store.commit(pending)
            pending.clear()
            last_commit = time.perf_counter()
    drain()
    if pending:
        store.commit(pending)
    summary.seconds = time.perf_counter() - started
    if progress is not None:
        progress(summary, summary.stories)
    return summary
