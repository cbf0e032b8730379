"""The Document model: JSON round trip, schema version, the views stages and exporters use."""

from __future__ import annotations

import importlib.util
import json
from pathlib import Path

import jsonschema
import pytest

from ficlens.model import (
    SCHEMA_VERSION,
    Character,
    Document,
    Evidence,
    Gender,
    Mention,
    MentionKind,
    Quote,
    Signal,
    Token,
)

SCHEMA = Path(__file__).resolve().parents[1] / "src" / "ficlens" / "schema" / "analysis.schema.json"


def _sample() -> Document:
    path = Path(__file__).parent / "export" / "sample_doc.py"
    spec = importlib.util.spec_from_file_location("sample_doc_for_model", path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module.sample_document()


def test_json_round_trip_gives_the_same_document() -> None:
    doc = _sample()
    again = Document.from_dict(json.loads(doc.to_json()))
    assert again == doc
    # Enums come back as enums, not strings that merely compare equal.
    assert any(isinstance(q.evidence, Evidence) for q in again.quotes)
    assert all(isinstance(c.gender, Gender) for c in again.characters)


def test_to_dict_validates_against_the_schema() -> None:
    schema = json.loads(SCHEMA.read_text(encoding="utf-8"))
    data = _sample().to_dict()
    jsonschema.validate(data, schema)
    assert data["schema_version"] == SCHEMA_VERSION


def test_tokens_are_written_as_rows_and_read_back() -> None:
    doc = Document(text="Hi.")
    doc.tokens = [Token(0, 0, 2, "Hi", "hi", "INTJ", "UH", "ROOT", 0, 0, 0), Token(1, 2, 3, ".", ".", "PUNCT", ".", "punct", 0, 0, 0)]
    data = doc.to_dict()
    assert data["tokens"][0][:4] == [0, 0, 2, "Hi"]
    assert Document.from_dict(data).tokens == doc.tokens


def test_other_schema_versions_are_refused() -> None:
    data = Document(text="x").to_dict()
    data["schema_version"] = "0.9"
    with pytest.raises(ValueError, match="schema_version"):
        Document.from_dict(data)


def test_schema_1_0_files_load_with_signal_defaults() -> None:
    # 1.0 wrote signals without time and concerns: they load as present, concerning no one.
    doc = Document(text="He was stabbed.", signals=[Signal("graphic_violence", 0, 0, 15, "He was stabbed.", 0.9, "past", "Ann")])
    data = doc.to_dict()
    assert data["signals"][0]["time"] == "past" and data["signals"][0]["concerns"] == "Ann"
    assert Document.from_dict(data).signals == doc.signals
    data["schema_version"] = "1.0"
    for row in data["signals"]:
        del row["time"], row["concerns"]
    old = Document.from_dict(data).signals[0]
    assert (old.kind, old.time, old.concerns) == ("graphic_violence", "present", None)


def test_schema_1_1_files_load_with_mention_defaults() -> None:
    # 1.1 wrote mentions without the noun phrase extent and group: they load as their own span, in no group.
    doc = Document(text="The men sat.", mentions=[Mention(0, 7, 0, 2, "The men", MentionKind.NOMINAL, None, np_start=0, np_end=7, group="G0")])
    data = doc.to_dict()
    assert Document.from_dict(data).mentions == doc.mentions
    data["schema_version"] = "1.1"
    for row in data["mentions"]:
        del row["np_start"], row["np_end"], row["group"]
    old = Document.from_dict(data).mentions[0]
    assert (old.np_start, old.np_end, old.group) == (-1, -1, None)


def test_character_lookup() -> None:
    doc = Document(text="", characters=[Character("C0", "Ann"), Character("C1", "Bob")])
    assert doc.character("C1").name == "Bob"  # type: ignore[union-attr]
    assert doc.character("C9") is None and doc.character(None) is None
    assert set(doc.character_index()) == {"C0", "C1"}


def test_quote_token_mask_marks_tokens_inside_quotes() -> None:
    text = 'He said "go now" and left.'
    words = [(0, 2), (3, 7), (8, 9), (9, 11), (12, 15), (15, 16), (17, 20), (21, 25), (25, 26)]
    doc = Document(text=text, tokens=[Token(i, s, e, text[s:e], "", "", "", "", i, 0, 0) for i, (s, e) in enumerate(words)])
    doc.quotes = [Quote(id="Q0", start=9, end=15, text="go now", paragraph=0, mark="double", open_start=8)]
    assert doc.quote_token_mask() == [False, False, False, True, True, False, False, False, False]
    # With the opening mark: the '"' token at 8 counts as inside too.
    assert doc.quote_token_mask(include_open_mark=True)[2] is True


def test_word_count_skips_punctuation_and_spaces() -> None:
    doc = Document(text="Yes . ")
    doc.tokens = [Token(0, 0, 3, "Yes", "", "INTJ", "", "", 0, 0, 0), Token(1, 4, 5, ".", "", "PUNCT", "", "", 0, 0, 0)]
    assert doc.word_count == 1


def test_an_empty_document_round_trips() -> None:
    doc = Document(text="")
    assert Document.from_dict(doc.to_dict()) == doc
    assert doc.paragraphs == [] and doc.quote_token_mask() == [] and doc.word_count == 0
