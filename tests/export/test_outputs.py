"""write_outputs: every file, story.txt byte for byte, and nothing half-written on failure."""

from __future__ import annotations

import importlib.util
import json
from pathlib import Path

import pytest

import ficlens.export as export
from ficlens.export import OUTPUT_FILES, write_outputs
from ficlens.model import Document

_spec = importlib.util.spec_from_file_location("export_sample_doc", Path(__file__).with_name("sample_doc.py"))
sample_doc = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(sample_doc)


def test_writes_every_file(tmp_path: Path) -> None:
    doc = sample_doc.sample_document()
    doc.text = doc.text.replace("\n\n", "\r\n\r\n", 1)  # CRLF must not be translated
    out = tmp_path / "nested" / "out"
    written = write_outputs(doc, out)
    assert [p.name for p in written] == list(OUTPUT_FILES)
    assert sorted(p.name for p in out.iterdir()) == sorted(OUTPUT_FILES)
    assert (out / "story.txt").read_bytes() == doc.text.encode("utf-8")
    assert json.loads((out / "metadata.json").read_text(encoding="utf-8")) == doc.metadata
    assert Document.from_json(out / "analysis.json").text == doc.text
    # no staging folder or temp file left anywhere
    assert [p.name for p in (tmp_path / "nested").iterdir()] == ["out"]


def test_formats_subset(tmp_path: Path) -> None:
    write_outputs(sample_doc.sample_document(), tmp_path / "out", formats={"tsv"})
    assert sorted(p.name for p in (tmp_path / "out").iterdir()) == sorted(n for n, (g, _) in OUTPUT_FILES.items() if g == "tsv")
    with pytest.raises(ValueError, match="unknown output format"):
        write_outputs(sample_doc.sample_document(), tmp_path / "out2", formats={"pdf"})


def test_failure_leaves_nothing(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # The report (written last) fails: OUTDIR must not appear, and no staging folder stays.
    def broken(doc: Document, path: Path) -> Path:
        path.write_text("half", encoding="utf-8")
        raise RuntimeError("disk full")

    monkeypatch.setitem(OUTPUT_FILES, "report.html", ("html", broken))
    with pytest.raises(RuntimeError):
        write_outputs(sample_doc.sample_document(), tmp_path / "out")
    assert list(tmp_path.iterdir()) == []


def test_failure_keeps_previous_outputs(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    out = tmp_path / "out"
    write_outputs(Document(text="old story\n"), out)
    monkeypatch.setattr(export, "OUTPUT_FILES", {**OUTPUT_FILES, "report.html": ("html", _raise)})
    with pytest.raises(RuntimeError):
        export.write_outputs(sample_doc.sample_document(), out)
    assert (out / "story.txt").read_text(encoding="utf-8") == "old story\n"


def _raise(doc: Document, path: Path) -> Path:
    raise RuntimeError("boom")


def test_outdir_is_a_file(tmp_path: Path) -> None:
    from ficlens.errors import InputError

    (tmp_path / "out").write_text("x", encoding="utf-8")
    with pytest.raises(InputError, match="not a directory"):
        write_outputs(Document(text=""), tmp_path / "out")


def test_empty_document(tmp_path: Path) -> None:
    write_outputs(Document(text=""), tmp_path / "out")
    assert (tmp_path / "out" / "story.txt").read_bytes() == b""
    assert "No characters were found." in (tmp_path / "out" / "report.html").read_text(encoding="utf-8")
