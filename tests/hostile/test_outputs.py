"""Errors a user can cause are one line and exit 2, with OUTDIR as it was; a crash inside
ficlens is one "internal error" line; OUTDIR is swapped in whole and staging never stays."""

from __future__ import annotations

import errno
import os
import re
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest

from ficlens import cli
from hostile.cases_outputs import CASES
from hostile.runner import SRC, run_case

# A simulated machine fault (sitecustomize) needs an interpreter of its own.
CHILD_CASES = {"out-unwritable"}
FAST = [c for c in CASES if c.expect_exit == 2 and not c.large and c.name not in CHILD_CASES and c.name != "out-disk-full"]


def _snapshot(folder: Path) -> dict[str, bytes | None]:
    out: dict[str, bytes | None] = {}
    for p in sorted(folder.rglob("*")):
        if p.name == "sitecustomize.py" or "__pycache__" in p.parts:
            continue
        out[str(p.relative_to(folder))] = p.read_bytes() if p.is_file() and not p.is_symlink() else None
    return out


def run_main(argv: list[str], cwd: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> tuple[int, str]:
    """``ficlens ARGV`` in this process, through the console entry point."""
    monkeypatch.chdir(cwd)
    try:
        cli.main(argv)
        code = 0
    except SystemExit as exit_:
        code = exit_.code if isinstance(exit_.code, int) else (0 if exit_.code is None else 1)
    return code, capsys.readouterr().err


@pytest.mark.parametrize("case", FAST, ids=lambda c: c.name)
def test_one_line_error_and_nothing_changed(case, tmp_path, monkeypatch, capsys) -> None:
    argv = case.build(tmp_path)
    before = _snapshot(tmp_path)
    started = time.perf_counter()
    code, err = run_main(argv, tmp_path, monkeypatch, capsys)
    assert time.perf_counter() - started < 10
    lines = err.strip().splitlines()
    assert code == 2, err
    assert len(lines) == 1 and lines[0].startswith("error: "), err
    assert "internal error" not in err and "Traceback" not in err
    assert re.search(case.message, lines[0]), (case.message, lines[0])
    assert _snapshot(tmp_path) == before  # nothing written, no staging folder, OUTDIR as it was


@pytest.mark.parametrize("name", sorted(CHILD_CASES))
def test_simulated_fault_in_a_child_process(name, tmp_path) -> None:
    case = next(c for c in CASES if c.name == name)
    result = run_case(case, tmp_path)
    assert result.exit == 2 and not result.traceback, result.stderr
    assert len(result.error_lines) == 1 and re.search(case.message, result.error_lines[0]), result.stderr
    assert result.outdir is None and result.staging_left == []
    assert result.seconds < 10 and result.peak_mb < 2048


def test_disk_full_while_writing_keeps_the_old_outdir(tmp_path, monkeypatch) -> None:
    import ficlens.export as export
    from ficlens.errors import OutputError
    from ficlens.model import Document

    out = tmp_path / "out"
    export.write_outputs(Document(text="old story\n"), out)
    (out / "notes.txt").write_text("mine\n", encoding="utf-8")
    before = _snapshot(tmp_path)

    def full(doc: Document, path: Path) -> Path:
        path.write_text("half a report", encoding="utf-8")
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setitem(export.OUTPUT_FILES, "report.html", ("html", full))
    with pytest.raises(OutputError, match=r"out: cannot write: no space left on device"):
        export.write_outputs(Document(text="new story\n"), out)
    assert _snapshot(tmp_path) == before  # old analysis whole, no staging folder


def test_a_new_analysis_replaces_ours_and_keeps_other_files(tmp_path) -> None:
    from ficlens.export import OUTPUT_FILES, write_outputs
    from ficlens.model import Document

    out = tmp_path / "out"
    write_outputs(Document(text="old story\n"), out)
    (out / "notes.txt").write_text("mine\n", encoding="utf-8")
    (out / "mine").mkdir()
    (out / "mine" / "a.txt").write_text("a\n", encoding="utf-8")
    write_outputs(Document(text="new story\n"), out)
    assert (out / "story.txt").read_text(encoding="utf-8") == "new story\n"
    assert (out / "notes.txt").read_text(encoding="utf-8") == "mine\n"
    assert (out / "mine" / "a.txt").read_text(encoding="utf-8") == "a\n"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out"]
    assert set(OUTPUT_FILES) <= {p.name for p in out.iterdir()}


def test_outdir_through_a_symlink_writes_the_target(tmp_path) -> None:
    from ficlens.export import write_outputs
    from ficlens.model import Document

    (tmp_path / "real").mkdir()
    (tmp_path / "link").symlink_to(tmp_path / "real")
    write_outputs(Document(text="a story\n"), tmp_path / "link")
    assert (tmp_path / "link").is_symlink()
    assert (tmp_path / "real" / "story.txt").read_text(encoding="utf-8") == "a story\n"


def _dead_pid() -> int:
    child = subprocess.Popen([sys.executable, "-c", "pass"])
    child.wait()
    return child.pid


def test_staging_left_by_a_dead_run_is_removed(tmp_path) -> None:
    from ficlens.export._files import check_outdir

    dead = _dead_pid()
    stale = tmp_path / f".out.ficlens-{dead}-0a1b2c3d.tmp"
    stale.mkdir()
    (stale / "story.txt").write_text("half\n", encoding="utf-8")
    live = tmp_path / f".out.ficlens-{os.getppid()}-0a1b2c3d.tmp"  # a run still going
    live.mkdir()
    other = tmp_path / f".other.ficlens-{dead}-0a1b2c3d.tmp"  # another OUTDIR's business
    other.mkdir()
    check_outdir(tmp_path / "out")
    assert not stale.exists() and live.exists() and other.exists()


def test_outdir_moved_aside_by_a_dead_run_is_put_back(tmp_path) -> None:
    from ficlens.export._files import check_outdir

    old = tmp_path / f".out.ficlens-{_dead_pid()}-0a1b2c3d.old"
    old.mkdir()
    (old / "story.txt").write_text("the last whole analysis\n", encoding="utf-8")
    check_outdir(tmp_path / "out")
    assert (tmp_path / "out" / "story.txt").read_text(encoding="utf-8") == "the last whole analysis\n"
    assert not old.exists()


def test_sigkill_while_writing_then_the_next_run_cleans_up(tmp_path) -> None:
    """A run killed mid-write leaves OUTDIR as it was; the next run removes its staging folder."""
    script = textwrap.dedent(f"""
        import time, ficlens.export as export
        from ficlens.model import Document
        def slow(doc, path):
            path.write_text("half", encoding="utf-8")
            print("writing", flush=True)
            time.sleep(60)
        export.OUTPUT_FILES["report.html"] = ("html", slow)
        export.write_outputs(Document(text="new story\\n"), {str(tmp_path / "out")!r})
    """)
    from ficlens.export import write_outputs
    from ficlens.model import Document

    write_outputs(Document(text="old story\n"), tmp_path / "out")
    env = {**os.environ, "PYTHONPATH": str(SRC)}
    child = subprocess.Popen([sys.executable, "-c", script], env=env, stdout=subprocess.PIPE, text=True)
    assert child.stdout is not None and child.stdout.readline().strip() == "writing"
    child.send_signal(signal.SIGKILL)
    child.wait()
    left = [p.name for p in tmp_path.iterdir() if p.name != "out"]
    assert len(left) == 1 and left[0].startswith(".out.ficlens-")  # what SIGKILL leaves
    assert (tmp_path / "out" / "story.txt").read_text(encoding="utf-8") == "old story\n"
    write_outputs(Document(text="new story\n"), tmp_path / "out")
    assert [p.name for p in tmp_path.iterdir()] == ["out"]
    assert (tmp_path / "out" / "story.txt").read_text(encoding="utf-8") == "new story\n"


def _crash(*args: object, **kwargs: object) -> None:
    raise RuntimeError("a bug in a stage")


def test_internal_error_is_one_line_saying_where_to_report(tmp_path, monkeypatch, capsys) -> None:
    (tmp_path / "s.txt").write_text("A story.\n", encoding="utf-8")
    monkeypatch.setattr(cli, "run_analysis", _crash)
    monkeypatch.delenv("FICLENS_DEBUG", raising=False)
    code, err = run_main(["analyze", "s.txt", "-o", "out"], tmp_path, monkeypatch, capsys)
    lines = err.strip().splitlines()
    assert code == cli.INTERNAL_ERROR_EXIT and len(lines) == 1, err
    assert "internal error" in lines[0] and "RuntimeError: a bug in a stage" in lines[0]
    assert "report it to" in lines[0] and "ficlens analyze s.txt -o out" in lines[0]
    code, err = run_main(["--debug", "analyze", "s.txt", "-o", "out"], tmp_path, monkeypatch, capsys)
    assert code == cli.INTERNAL_ERROR_EXIT and "Traceback (most recent call last)" in err


def test_an_os_error_from_the_machine_is_one_line(tmp_path, monkeypatch, capsys) -> None:
    def denied(*args: object, **kwargs: object) -> None:
        raise PermissionError(errno.EACCES, "Permission denied", "/somewhere/file")

    (tmp_path / "s.txt").write_text("A story.\n", encoding="utf-8")
    monkeypatch.setattr(cli, "run_analysis", denied)
    code, err = run_main(["analyze", "s.txt", "-o", "out"], tmp_path, monkeypatch, capsys)
    assert code == 2 and err.strip() == "error: /somewhere/file: permission denied"
