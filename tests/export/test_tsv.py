"""The TSV tables: header, column order, escaping, and a round trip through csv."""

from __future__ import annotations

import csv
import importlib.util
from pathlib import Path

import pytest

from ficlens.export import tsv
from ficlens.model import Document

_spec = importlib.util.spec_from_file_location("export_sample_doc", Path(__file__).with_name("sample_doc.py"))
sample_doc = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(sample_doc)

LEADING = {
    "quotes": ["quote_id", "start", "end", "speaker_id", "speaker", "addressee_ids", "evidence", "confidence", "text"],
    "characters": ["character_id", "name", "aliases", "gender", "mentions", "quotes"],
    "narration": ["chapter", "scene", "start", "end", "person", "tense", "pov_character_id", "confidence"],
    "tokens": [
        "token_id", "start", "end", "text", "lemma", "pos", "tag", "dep", "head",
        "sentence", "paragraph", "ent_iob", "ent_type", "in_quote",
    ],  # fmt: skip
    "mentions": ["start", "end", "text", "character_id", "kind"],
    "interactions": ["source_id", "target_id", "kind", "weight"],
}
WRITERS = {
    "quotes": tsv.write_quotes,
    "characters": tsv.write_characters,
    "narration": tsv.write_narration,
    "tokens": tsv.write_tokens,
    "mentions": tsv.write_mentions,
    "interactions": tsv.write_interactions,
}


def _read(path: Path) -> tuple[list[str], list[list[str]]]:
    with open(path, encoding="utf-8", newline="") as f:
        rows = list(csv.reader(f, delimiter="\t", quoting=csv.QUOTE_NONE))
    return rows[0], rows[1:]


@pytest.mark.parametrize("layer", list(WRITERS))
def test_header_and_shape(tmp_path: Path, layer: str) -> None:
    doc = sample_doc.sample_document()
    path = WRITERS[layer](doc, tmp_path / f"{layer}.tsv")
    header, rows = _read(path)
    assert header[: len(LEADING[layer])] == LEADING[layer]
    assert len(rows) == len(getattr(doc, layer))
    assert all(len(row) == len(header) for row in rows)  # no tab or newline leaked out of a field
    assert path.read_bytes().count(b"\n") == len(rows) + 1


@pytest.mark.parametrize("layer", list(WRITERS))
def test_empty_document_has_header_only(tmp_path: Path, layer: str) -> None:
    path = WRITERS[layer](Document(text=""), tmp_path / f"{layer}.tsv")
    header, rows = _read(path)
    assert header[: len(LEADING[layer])] == LEADING[layer]
    assert rows == []


def test_quotes_round_trip_tricky_text(tmp_path: Path) -> None:
    doc = sample_doc.sample_document()
    rows = tsv.read_tsv(tsv.write_quotes(doc, tmp_path / "quotes.tsv"))
    # the quote with a newline, the one with a tab and a backslash, the one with < and &
    assert [r["text"] for r in rows] == [q.text for q in doc.quotes]
    assert "It is,\nAlice," in [r["text"] for r in rows]
    assert "and the\ttab\\path is fine." in [r["text"] for r in rows]
    # offsets point into story.txt (Document.text) and cut out exactly the quote text
    for r in rows:
        assert doc.text[int(r["start"]) : int(r["end"])] == r["text"]
    first = rows[0]
    assert (first["quote_id"], first["speaker_id"], first["speaker"]) == ("Q0", "C0", "Alice")
    assert (first["addressee_ids"], first["addressees"], first["evidence"]) == ("C1", "Bob", "explicit")
    assert float(first["confidence"]) == pytest.approx(0.95)
    assert (first["chapter"], first["scene"], first["mark"]) == ("0", "0", "double")
    assert rows[1]["continues"] == "Q0"
    # an unattributed quote: empty cells, not "None"
    last = rows[-1]
    assert (last["speaker_id"], last["speaker"], last["evidence"], last["addressee_ids"]) == ("", "", "", "")


def test_raw_escaping_on_disk(tmp_path: Path) -> None:
    doc = sample_doc.sample_document()
    raw = tsv.write_quotes(doc, tmp_path / "quotes.tsv").read_text(encoding="utf-8")
    assert "It is,\\nAlice," in raw
    assert "and the\\ttab\\\\path is fine." in raw


def test_characters_lists_and_escapes(tmp_path: Path) -> None:
    doc = sample_doc.sample_document()
    rows = tsv.read_tsv(tsv.write_characters(doc, tmp_path / "characters.tsv"))
    assert [r["name"] for r in rows] == ["Alice", "Bob", "Mrs. Tab\tby"]
    assert rows[0]["aliases"] == "Al|Miss <A>"
    assert rows[2]["aliases"] == ""
    assert (rows[0]["gender"], rows[0]["mentions"], rows[0]["quotes"], rows[0]["is_narrator"]) == ("female", "5", "2", "false")


def test_narration_rows(tmp_path: Path) -> None:
    doc = sample_doc.sample_document()
    rows = tsv.read_tsv(tsv.write_narration(doc, tmp_path / "narration.tsv"))
    assert [(r["chapter"], r["scene"], r["person"], r["tense"]) for r in rows] == [
        ("0", "0", "third", "past"),
        ("0", "1", "third", "present"),
        ("1", "2", "third", "past"),
    ]
    assert (rows[0]["pov_character_id"], rows[0]["pov_character"]) == ("C0", "Alice")
    assert rows[2]["pov_character_id"] == ""
    assert rows[1]["flags"] == "tense_shift"


def test_tokens_and_mentions_join_on_offsets(tmp_path: Path) -> None:
    doc = sample_doc.sample_document()
    tokens = tsv.read_tsv(tsv.write_tokens(doc, tmp_path / "tokens.tsv"))
    mentions = tsv.read_tsv(tsv.write_mentions(doc, tmp_path / "mentions.tsv"))
    assert [int(t["token_id"]) for t in tokens] == list(range(len(doc.tokens)))
    for t in tokens:
        assert doc.text[int(t["start"]) : int(t["end"])] == t["text"]
    assert {t["in_quote"] for t in tokens} == {"true", "false"}
    for m in mentions:
        first = tokens[int(m["start_token"])]
        assert first["start"] == m["start"]
        assert doc.text[int(m["start"]) : int(m["end"])] == m["text"]
    assert [(m["text"], m["kind"], m["character"]) for m in mentions[:2]] == [("Bob", "name", "Bob"), ("Alice", "name", "Alice")]


@pytest.mark.parametrize(
    "text",
    [
        "plain",  # nothing to escape
        "a\tb",  # a tab
        "line\nbreak\r\nwindows",  # newlines of both kinds
        "back\\slash \\t literal",  # a backslash, and one that looks like an escape
        '"quoted" <tag> & amp',  # quote marks stay as they are (no csv quoting)
        "",  # empty
    ],
)
def test_escape_round_trip(text: str) -> None:
    escaped = tsv.escape_field(text)
    assert not any(ch in escaped for ch in "\t\n\r")
    assert tsv.unescape_field(escaped) == text


def test_chapter_rows_take_the_majority_of_their_scenes(tmp_path: Path) -> None:
    doc = sample_doc.sample_document()
    rows = tsv.read_tsv(tsv.write_chapters(doc, tmp_path / "chapters.tsv"))
    assert [r["chapter"] for r in rows] == [str(c.id) for c in doc.chapters]
    assert list(rows[0])[:8] == list(tsv.CHAPTER_COLUMNS[:8])
    assert rows[1]["person"] == "third" and rows[1]["tense"] == "past"  # chapter 1 has one past scene
    assert rows[0]["flags"] == "1"  # scene 1's tense shift


def test_flag_rows_carry_the_sentence(tmp_path: Path) -> None:
    doc = sample_doc.sample_document()
    rows = tsv.read_tsv(tsv.write_flags(doc, tmp_path / "flags.tsv"))
    assert [(r["scene"], r["kind"], r["text"], r["detail"]) for r in rows] == [
        ("1", "tense_shift", "She was <thinking>", "past -> present")
    ]
