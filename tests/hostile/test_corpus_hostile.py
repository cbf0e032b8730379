"""Corpus runs over hostile inputs: bad files and archive members land in errors.jsonl and
the rest completes; a killed worker's story is retried once; a stalled story does not hold
back the others' commits; a second run on the same folder is refused while the first runs.

The pipeline is replaced by one that returns the document as read (no spaCy): these tests
are about the driver, the workers and the store, not the analysis.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest

import ficlens.api
from ficlens.corpus import run as corpus_run
from ficlens.corpus.run import run_corpus
from ficlens.corpus.store import CorpusError, CorpusStore
from hostile.cases_outputs import all_bad_archives_at_once, big_text_sparse, story
from hostile.runner import SRC


@pytest.fixture(autouse=True)
def no_spacy(monkeypatch):
    monkeypatch.setattr(ficlens.api, "get_pipeline", lambda *a, **k: lambda doc, **kw: doc)


@pytest.fixture(autouse=True)
def no_hang():
    """A hang fails the test instead of stalling the suite."""

    def hung(signum, frame):
        raise TimeoutError("the corpus run hung")

    previous = signal.signal(signal.SIGALRM, hung)
    signal.alarm(90)
    yield
    signal.alarm(0)
    signal.signal(signal.SIGALRM, previous)


def _errors(out: Path) -> list[dict]:
    path = out / "errors.jsonl"
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()] if path.exists() else []


def _ok_sources(out: Path) -> list[str]:
    return sorted(e["source"] for e in CorpusStore(out).manifest() if e["status"] == "ok")


def test_bad_files_and_members_land_in_errors_and_the_rest_completes(tmp_path) -> None:
    argv = all_bad_archives_at_once(tmp_path)
    inputs = argv[2 : argv.index("-o")]
    started = time.perf_counter()
    summary = run_corpus(inputs, tmp_path / "corpus", workers=1)
    assert time.perf_counter() - started < 30
    failed = {e["source"].removeprefix(str(tmp_path) + "/"): e["error"] for e in _errors(tmp_path / "corpus")}
    assert any(s.endswith("stories.zip!s1.txt") for s in failed)  # the corrupt member, alone
    assert any(s.endswith("bomb.zip!bomb.txt") for s in failed)  # the lying size header
    assert "fifo_input/pipe.txt" in failed and "FIFO" in failed["fifo_input/pipe.txt"]
    assert "over the" in failed["gib_of_zeros/zeros.bin"]
    assert "truncated or corrupt tar" in failed["truncated_tar/stories.tar"]
    assert "truncated or corrupt tar" in failed["truncated_tar_gz/stories.tar.gz"]
    ok = _ok_sources(tmp_path / "corpus")
    # The good members beside the bad ones, and the good files beside the bad archives.
    assert any(s.endswith("stories.zip!s0.txt") for s in ok) and any(s.endswith("stories.zip!s2.txt") for s in ok)
    assert any(s.endswith("bomb.zip!fine.txt") for s in ok)
    assert any(s.endswith("stories.tar.gz!t0.txt") for s in ok) and any(s.endswith("stories.tar!t0.txt") for s in ok)
    assert sum(s.endswith("good_0.txt") for s in ok) == 1  # the same story elsewhere is a duplicate
    assert summary.failed == len(failed) and summary.analysed == len(ok)


def test_a_huge_file_is_refused_by_its_size_not_read(tmp_path) -> None:
    argv = big_text_sparse(tmp_path)
    started = time.perf_counter()
    summary = run_corpus([tmp_path / "huge.txt", tmp_path / "good"], tmp_path / "corpus", workers=1)
    assert time.perf_counter() - started < 10  # reading 600 MB would be seconds on its own
    assert summary.failed == 1 and summary.analysed == 2
    assert "over the" in _errors(tmp_path / "corpus")[0]["error"]
    assert argv[0] == "corpus"


def _stories(folder: Path, marks: dict[str, str]) -> Path:
    folder.mkdir()
    for i, (name, mark) in enumerate(marks.items()):
        (folder / name).write_text(story(100 + i) + mark + "\n", encoding="utf-8")
    return folder


def _hostile_analyzer(marker: Path):
    real = corpus_run.StoryAnalyzer.__call__

    def call(self, task):
        text = Path(task.ref.path).read_text(encoding="utf-8")
        if "KILL-ALWAYS" in text or ("KILL-ONCE" in text and not marker.exists()):
            marker.touch()
            os.kill(os.getpid(), signal.SIGKILL)  # as the out-of-memory killer would
        if "STALL" in text:
            time.sleep(120)
        return real(self, task)

    return call


def test_a_killed_worker_is_noticed_and_its_story_retried_once(tmp_path, monkeypatch) -> None:
    monkeypatch.setattr(corpus_run.StoryAnalyzer, "__call__", _hostile_analyzer(tmp_path / "killed-once"))
    inputs = _stories(tmp_path / "in", {"a.txt": "", "b.txt": "", "once.txt": "KILL-ONCE", "always.txt": "KILL-ALWAYS", "c.txt": ""})
    summary = run_corpus([inputs], tmp_path / "corpus", workers=2)
    assert summary.analysed == 4 and summary.failed == 1
    (error,) = _errors(tmp_path / "corpus")
    assert error["source"].endswith("always.txt") and "died twice" in error["error"] and "SIGKILL" in error["error"]
    assert any(s.endswith("once.txt") for s in _ok_sources(tmp_path / "corpus"))


def test_a_stalled_story_is_stopped_and_the_rest_complete(tmp_path, monkeypatch) -> None:
    monkeypatch.setattr(corpus_run.StoryAnalyzer, "__call__", _hostile_analyzer(tmp_path / "unused"))
    inputs = _stories(tmp_path / "in", {"a.txt": "", "stall.txt": "STALL", "b.txt": ""})
    started = time.perf_counter()
    summary = run_corpus([inputs], tmp_path / "corpus", workers=1, story_timeout=2)
    assert time.perf_counter() - started < 30
    assert summary.analysed == 2 and summary.failed == 1
    assert "longer than 2 s" in _errors(tmp_path / "corpus")[0]["error"]


def _child(script: str) -> subprocess.Popen[str]:
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(SRC), str(Path(__file__).parents[1])])}
    return subprocess.Popen([sys.executable, "-c", textwrap.dedent(script)], env=env, stdout=subprocess.PIPE, text=True)


def test_finished_stories_are_committed_while_another_still_runs(tmp_path) -> None:
    inputs = _stories(tmp_path / "in", {"a.txt": "", "b.txt": "", "c.txt": "", "stall.txt": "STALL"})
    out = tmp_path / "corpus"
    child = _child(f"""
        import time
        from pathlib import Path
        import ficlens.api
        from ficlens.corpus import run as corpus_run
        ficlens.api.get_pipeline = lambda *a, **k: lambda doc, **kw: doc
        real = corpus_run.StoryAnalyzer.__call__
        def call(self, task):
            if "STALL" in Path(task.ref.path).read_text():
                time.sleep(120)
            return real(self, task)
        corpus_run.StoryAnalyzer.__call__ = call
        corpus_run.run_corpus([{str(inputs)!r}], {str(out)!r}, workers=2, batch_size=50, batch_seconds=0.5)
    """)
    try:
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            if (out / "_batches").is_dir() and len(_ok_sources(out)) == 3:
                break
            time.sleep(0.2)
        assert child.poll() is None  # still running the stalled story
    finally:
        child.send_signal(signal.SIGKILL)
        child.wait()
    assert [Path(s).name for s in _ok_sources(out)] == ["a.txt", "b.txt", "c.txt"]


def test_a_second_run_is_refused_while_the_first_holds_the_folder(tmp_path, monkeypatch, capsys) -> None:
    from ficlens import cli

    out = tmp_path / "corpus"
    holder = _child(f"""
        import time
        from pathlib import Path
        from ficlens.corpus.store import CorpusStore
        CorpusStore(Path({str(out)!r})).lock()
        print("locked", flush=True)
        time.sleep(120)
    """)
    inputs = _stories(tmp_path / "in", {"a.txt": ""})
    try:
        assert holder.stdout is not None and holder.stdout.readline().strip() == "locked"
        with pytest.raises(CorpusError, match=rf"another ficlens corpus run \(pid {holder.pid}\)"):
            run_corpus([inputs], out, workers=1)
        monkeypatch.chdir(tmp_path)
        with pytest.raises(SystemExit) as exit_:
            cli.main(["corpus", "run", str(inputs), "-o", str(out), "--quiet"])
        err = capsys.readouterr().err.strip().splitlines()
        assert exit_.value.code == 2 and len(err) == 1 and "another ficlens corpus run" in err[0]
        assert not (out / "_batches").exists()  # the refused run wrote nothing
    finally:
        holder.send_signal(signal.SIGKILL)  # dies holding the lock: the lock file stays, stale
        holder.wait()
    assert (out / ".ficlens.lock").read_text().strip() == str(holder.pid)
    summary = run_corpus([inputs], out, workers=1)
    assert summary.analysed == 1
    assert run_corpus([inputs], out, workers=1).skipped == 1  # and nothing is counted twice
    assert len(_ok_sources(out)) == 1
