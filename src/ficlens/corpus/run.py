"""`ficlens corpus run`: analyse many stories with worker processes or Ray Data.

The driver walks the inputs, hashes each story (the hash is its ``story_id``), skips what
the manifest already holds and what this run has already seen (same bytes = same story),
and hands the rest to an engine. Engines only turn ``StoryTask``s into ``StoryResult``s;
the driver alone writes, one committed batch at a time (``CorpusStore``).

- ``local``: a ``multiprocessing`` pool; each worker loads the spaCy model and the pipeline
  once. At most ``4 * workers`` stories are in flight, so memory does not grow with the corpus.
- ``ray``: Ray Data ``map_batches`` over an actor pool (each actor loads the pipeline once);
  ``ray.init()`` joins a cluster when ``RAY_ADDRESS`` is set, else starts a local instance.
"""

from __future__ import annotations

import json
import multiprocessing
import os
import queue
import tempfile
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ficlens.corpus import ENGINES
from ficlens.corpus.inputs import StoryRef, content_hash, iter_story_refs
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


def _init_worker(max_bytes: int | None) -> None:
    global _worker  # one analyzer per worker process (spawn platforms only; see below)
    _worker = StoryAnalyzer(max_bytes)


def _run_task(task: StoryTask) -> StoryResult:
    assert _worker is not None
    return _worker(task)


def _local_results(tasks: Iterator[StoryTask], workers: int, max_bytes: int | None) -> Iterator[StoryResult]:
    global _worker
    # The driver builds the analyzer first: a pipeline that cannot load (a missing model)
    # fails here, once, with its own error, instead of inside a pool that would restart
    # failing workers forever. Forked workers inherit it (copy-on-write), so the model is
    # loaded once for the whole run.
    try:
        _worker = StoryAnalyzer(max_bytes)
    except Exception as err:  # noqa: BLE001 - whatever stops the model loading, say it once
        raise FiclensError(f"cannot start the analysis pipeline: {type(err).__name__}: {err}") from err
    if workers <= 1:
        for task in tasks:
            yield _worker(task)
        return
    in_flight = threading.BoundedSemaphore(4 * workers)

    def bounded() -> Iterator[StoryTask]:
        for task in tasks:
            in_flight.acquire()
            yield task

    if "fork" in multiprocessing.get_all_start_methods():
        pool = multiprocessing.get_context("fork").Pool(workers, maxtasksperchild=500)
    else:
        pool = multiprocessing.get_context("spawn").Pool(
            workers, initializer=_init_worker, initargs=(max_bytes,), maxtasksperchild=500
        )
    with pool:
        for result in pool.imap_unordered(_run_task, bounded(), chunksize=1):
            in_flight.release()
            yield result


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
    batch_seconds: float = 30.0,
    max_bytes: int | None = None,
    progress: Progress | None = None,
) -> RunSummary:
    """Analyse every story under ``inputs`` into Parquet tables under ``out``; resumable."""
    if engine not in ENGINES:
        raise FiclensError(f"unknown engine {engine!r} (choose from {', '.join(ENGINES)})")
    refs = list(iter_story_refs(inputs))
    store = CorpusStore(Path(out))
    store.open()
    done = store.done_story_ids()
    summary = RunSummary(stories=len(refs))
    started = time.perf_counter()
    seen: dict[str, str] = {}
    # Duplicates and unreadable files are settled while tasks are generated, which in the
    # local engine happens on the pool's feeder thread: they reach the driver through a queue.
    settled: queue.SimpleQueue[StoryResult] = queue.SimpleQueue()
    pending: list[StoryResult] = []  # results waiting for the next commit
    last_commit = time.perf_counter()

    def tasks() -> Iterator[StoryTask]:
        for ref in refs:
            try:
                data = ref.read_bytes()
            except (OSError, FiclensError, KeyError) as err:
                settled.put(StoryResult(content_hash(ref.name.encode()), ref.name, "error", error=f"{ref.name}: {err}"))
                continue
            story_id = content_hash(data)
            if ref.work:
                story_id += f"#work-{ref.work}"  # one file, several works (EpubMerge)
            if story_id in done:
                summary.skipped += 1
                continue
            if story_id in seen:
                settled.put(StoryResult(story_id, ref.name, "duplicate", duplicate_of=seen[story_id]))
                continue
            seen[story_id] = ref.name
            yield StoryTask(ref, story_id, data if ref.member else None)

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

    results = (
        _local_results(tasks(), workers, max_bytes)
        if engine == "local"
        else _ray_results(tasks(), workers, max_bytes)
    )
    for result in results:
        record(result)
        drain()
        if len(pending) >= batch_size or time.perf_counter() - last_commit >= batch_seconds:
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
