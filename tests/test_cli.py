"""The ``ficlens`` command: error paths (one line, exit 2, nothing written) and the happy path."""

from __future__ import annotations

import io
import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from ficlens import __version__
from ficlens.cli import app, narration_mix
from ficlens.sizes import parse_size

runner = CliRunner()


def _run(*args: str):
    return runner.invoke(app, list(args))


def _assert_one_line_error(result, outdir: Path, needle: str) -> None:
    assert result.exit_code == 2, result.output
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith("error: ")
    assert needle in lines[0]
    assert not outdir.exists() or list(outdir.iterdir()) == []
    # no staging folder left beside OUTDIR either
    assert not [p for p in outdir.parent.iterdir() if p.name.startswith(f".{outdir.name}.")]


def test_version() -> None:
    result = _run("--version")
    assert result.exit_code == 0
    assert result.stdout.strip() == f"ficlens {__version__}"


def test_missing_file(tmp_path: Path) -> None:
    out = tmp_path / "out"
    result = _run("analyze", str(tmp_path / "nope.txt"), "-o", str(out))
    _assert_one_line_error(result, out, "nope.txt")


def test_directory(tmp_path: Path) -> None:
    out = tmp_path / "out"
    (tmp_path / "adir").mkdir()
    result = _run("analyze", str(tmp_path / "adir"), "-o", str(out))
    _assert_one_line_error(result, out, "adir")


def test_empty_file(tmp_path: Path) -> None:
    out = tmp_path / "out"
    (tmp_path / "empty.txt").write_bytes(b"")
    result = _run("analyze", str(tmp_path / "empty.txt"), "-o", str(out))
    _assert_one_line_error(result, out, "empty.txt")


def test_binary_file(tmp_path: Path) -> None:
    out = tmp_path / "out"
    (tmp_path / "image.txt").write_bytes(b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 8)
    result = _run("analyze", str(tmp_path / "image.txt"), "-o", str(out))
    _assert_one_line_error(result, out, "image.txt")


def test_too_large(tmp_path: Path) -> None:
    out = tmp_path / "out"
    (tmp_path / "long.txt").write_text("Once upon a time there was a story.\n", encoding="utf-8")
    result = _run("analyze", str(tmp_path / "long.txt"), "-o", str(out), "--max-size", "10")
    _assert_one_line_error(result, out, "long.txt")


def test_existing_outdir_keeps_its_files_on_error(tmp_path: Path) -> None:
    out = tmp_path / "out"
    out.mkdir()
    (out / "keep.txt").write_text("mine", encoding="utf-8")
    result = _run("analyze", str(tmp_path / "nope.txt"), "-o", str(out))
    assert result.exit_code == 2
    assert [p.name for p in out.iterdir()] == ["keep.txt"]


@pytest.mark.parametrize(
    ("args", "needle"),
    [
        (["--max-size", "lots"], "--max-size"),  # not a size
        (["--format", "docx"], "--format"),  # not a reader
    ],
)
def test_bad_options(tmp_path: Path, args: list[str], needle: str) -> None:
    out = tmp_path / "out"
    (tmp_path / "s.txt").write_text("A story.\n", encoding="utf-8")
    result = _run("analyze", str(tmp_path / "s.txt"), "-o", str(out), *args)
    _assert_one_line_error(result, out, needle)


def test_missing_story_and_outdir(tmp_path: Path) -> None:
    result = _run("analyze", "-o", str(tmp_path / "out"))
    _assert_one_line_error(result, tmp_path / "out", "STORY")
    (tmp_path / "s.txt").write_text("A story.\n", encoding="utf-8")
    result = _run("analyze", str(tmp_path / "s.txt"))
    assert result.exit_code == 2 and "-o" in result.stderr


def test_bad_cast_and_config(tmp_path: Path) -> None:
    out = tmp_path / "out"
    (tmp_path / "s.txt").write_text("A story.\n", encoding="utf-8")
    (tmp_path / "cast.tsv").write_text("who\twhat\n", encoding="utf-8")
    result = _run("analyze", str(tmp_path / "s.txt"), "-o", str(out), "--cast", str(tmp_path / "cast.tsv"))
    _assert_one_line_error(result, out, "cast.tsv")
    (tmp_path / "bad.toml").write_text("[quotes\n", encoding="utf-8")
    result = _run("analyze", str(tmp_path / "s.txt"), "-o", str(out), "--config", str(tmp_path / "bad.toml"))
    _assert_one_line_error(result, out, "bad.toml")


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("50MB", 50 * 1024 * 1024),  # the default
        ("10", 10),  # bare number: bytes
        ("800kb", 800 * 1024),  # lower case unit
        ("1.5 MB", int(1.5 * 1024**2)),  # decimal and a space
    ],
)
def test_parse_size(text: str, expected: int) -> None:
    assert parse_size(text) == expected


@pytest.mark.parametrize("text", ["", "MB", "-1MB", "5 parsecs", "0"])
def test_parse_size_rejects(text: str) -> None:
    with pytest.raises(ValueError):
        parse_size(text)


def test_narration_mix_empty() -> None:
    from ficlens.model import Document

    assert narration_mix(Document(text="")) == ""


STORY = """Chapter 1

"Good morning, Anna," said Tom. "Did you sleep & dream?"

Anna shook her head. "Not at all," she said. "The <storm> kept me up."

* * *

Later, Anna walked to the harbour with Tom. She watched the boats.

Chapter 2

"Where are we going?" asked Anna.

"Home," Tom replied.
"""


@pytest.mark.slow
def test_analyze_happy_path(tmp_path: Path) -> None:
    from ficlens.export import OUTPUT_FILES
    from ficlens.export.json import validate_analysis

    story = tmp_path / "story.txt"
    story.write_bytes(STORY.replace("\n", "\r\n").encode("utf-8"))  # CRLF must survive into story.txt
    out = tmp_path / "out"
    result = _run("analyze", str(story), "-o", str(out))
    assert result.exit_code == 0, result.output
    assert sorted(p.name for p in out.iterdir()) == sorted(OUTPUT_FILES)
    assert (out / "story.txt").read_bytes() == story.read_bytes()
    data = json.loads((out / "analysis.json").read_text(encoding="utf-8"))
    validate_analysis(data)
    assert data["text"] == story.read_bytes().decode("utf-8")
    assert {c["name"] for c in data["characters"]} >= {"Anna", "Tom"}
    report = (out / "report.html").read_text(encoding="utf-8")
    assert "&lt;storm&gt;" in report and "<storm>" not in report
    assert "words" in result.stdout and "Tom" in result.stdout


@pytest.mark.slow
def test_demo(tmp_path: Path) -> None:
    from importlib import resources

    if not resources.files("ficlens").joinpath("data/demo/story_a.txt").is_file():
        pytest.skip("the demo story is not written yet (src/ficlens/data/demo/story_a.txt)")
    out = tmp_path / "demo"
    result = _run("analyze", "--demo", "-o", str(out), "--quiet")
    assert result.exit_code == 0, result.output
    assert result.stdout.strip() == str((out / "report.html").resolve())
    assert (out / "report.html").is_file()


def test_console_entry_point_turns_errors_into_one_line(tmp_path: Path) -> None:
    # `ficlens corpus query` on a folder that is not a corpus: through main(), as a user runs it.
    import subprocess
    import sys

    proc = subprocess.run(
        [sys.executable, "-m", "ficlens", "corpus", "query", str(tmp_path), "SELECT 1"],
        capture_output=True, text=True,
    )
    assert proc.returncode == 2
    assert proc.stderr.strip().splitlines() == [
        f"error: {tmp_path}: not a ficlens corpus folder (no _batches/; run `ficlens corpus run` first)"
    ]


@pytest.mark.slow
def test_analyze_an_epubmerge_book_writes_one_folder_per_work(tmp_path: Path, epubmerge_book: Path) -> None:
    from ficlens.export import OUTPUT_FILES

    out = tmp_path / "out"
    out.mkdir()
    (out / "keep.txt").write_text("mine", encoding="utf-8")
    result = _run("analyze", str(epubmerge_book), "-o", str(out))
    assert result.exit_code == 0, result.output
    assert sorted(p.name for p in out.iterdir()) == ["1-the-lamp-keeper", "2-the-lamp-keeper-s-heir", "keep.txt", "works.tsv"]
    for folder in ("1-the-lamp-keeper", "2-the-lamp-keeper-s-heir"):
        assert sorted(p.name for p in (out / folder).iterdir()) == sorted(OUTPUT_FILES)
    second = json.loads((out / "2-the-lamp-keeper-s-heir" / "analysis.json").read_text(encoding="utf-8"))
    assert second["metadata"]["title"] == "The Lamp Keeper's Heir"
    assert second["metadata"]["work_index"] == 2
    assert "Pell trimmed" not in second["text"] and "Every night" in second["text"]
    rows = (out / "works.tsv").read_text(encoding="utf-8").splitlines()
    assert rows[0].split("\t")[:3] == ["work", "folder", "title"] and len(rows) == 3
    assert "2 works" in result.stdout
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".out.")]


def test_analyze_an_epubmerge_book_with_a_corrupt_work_writes_nothing(tmp_path: Path, make_epubmerge) -> None:
    book = make_epubmerge(tmp_path / "broken.epub", broken=2)
    out = tmp_path / "out"
    _assert_one_line_error(_run("analyze", str(book), "-o", str(out)), out, "broken.epub#work-2")


def test_summary_prints_story_data_as_data(tmp_path: Path) -> None:
    # A title, a warning and a path holding Rich markup and an emoji code print as they are.
    from rich.console import Console

    from ficlens.cli import summary_table
    from ficlens.model import Document

    doc = Document(text="", metadata={"title": "root:x:0:0 [bold]Night[/bold]"})
    doc.warnings.append("[red]odd :thumbs_up: line")
    console = Console(record=True, width=200, file=io.StringIO())
    console.print(summary_table(doc, 1.0, tmp_path / "[out]"))
    shown = console.export_text()
    assert "root:x:0:0 [bold]Night[/bold]" in shown
    assert "[red]odd :thumbs_up: line" in shown
    assert "[out]" in shown
