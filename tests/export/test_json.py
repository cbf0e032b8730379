"""analysis.json and its JSON Schema."""

from __future__ import annotations

import copy
import importlib.util
import json
from dataclasses import fields
from pathlib import Path

import jsonschema
import pytest

from ficlens import model
from ficlens.export.json import analysis_schema, validate_analysis, write_analysis_json
from ficlens.model import Document

_spec = importlib.util.spec_from_file_location("export_sample_doc", Path(__file__).with_name("sample_doc.py"))
sample_doc = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(sample_doc)


def test_full_document_json_validates_and_round_trips(tmp_path: Path) -> None:
    doc = sample_doc.sample_document()
    out = write_analysis_json(doc, tmp_path / "analysis.json")
    raw = out.read_bytes()
    data = json.loads(raw.decode("utf-8"))
    validate_analysis(data)
    assert data["schema_version"] == model.SCHEMA_VERSION
    assert "caf\u00e9" in raw.decode("utf-8")  # non-ASCII kept as is, not \u-escaped
    assert Document.from_dict(data) == doc
    assert list(tmp_path.iterdir()) == [out]  # no temp file left


def test_empty_document_validates(tmp_path: Path) -> None:
    out = write_analysis_json(Document(text=""), tmp_path / "analysis.json")
    validate_analysis(json.loads(out.read_text(encoding="utf-8")))


def test_schema_matches_the_model() -> None:
    # Every record's property list is exactly the dataclass fields, so a model change that
    # forgets the schema fails here rather than in a user's validator.
    schema = analysis_schema()
    defs = schema["$defs"]
    pairs = {
        "hint": model.Hint,
        "chapter": model.Chapter,
        "scene": model.Scene,
        "paragraph": model.Paragraph,
        "sentence": model.Sentence,
        "entity": model.Entity,
        "quote": model.Quote,
        "character": model.Character,
        "mention": model.Mention,
        "narration_flag": model.NarrationFlag,
        "scene_narration": model.SceneNarration,
        "interaction": model.Interaction,
        "signal": model.Signal,
        "signal_check": model.SignalCheck,
    }
    for name, record in pairs.items():
        assert list(defs[name]["properties"]) == [f.name for f in fields(record)], name
        assert defs[name]["required"] == [f.name for f in fields(record)], name
    assert [item["title"] for item in defs["token"]["prefixItems"]] == model.TOKEN_FIELDS
    doc_fields = ["schema_version", "ficlens_version"] + [f.name for f in fields(Document)]
    assert sorted(schema["properties"]) == sorted(doc_fields)
    assert schema["properties"]["schema_version"]["const"] == model.SCHEMA_VERSION
    assert schema["properties"]["format"]  # enum present
    assert defs["mention"]["properties"]["kind"]["enum"] == [k.value for k in model.MentionKind]
    assert defs["character"]["properties"]["gender"]["enum"] == [g.value for g in model.Gender]
    assert defs["scene_narration"]["properties"]["person"]["enum"] == [p.value for p in model.Person]
    assert defs["scene_narration"]["properties"]["tense"]["enum"] == [t.value for t in model.Tense]
    assert defs["hint"]["properties"]["kind"]["enum"] == [h.value for h in model.HintKind]
    assert defs["quote"]["properties"]["evidence"]["enum"] == [e.value for e in model.Evidence] + [None]
    jsonschema.Draft202012Validator.check_schema(schema)


def _broken(path: list, value: object) -> dict:
    data = sample_doc.sample_document().to_dict()
    data = copy.deepcopy(data)
    target = data
    for key in path[:-1]:
        target = target[key]
    if value is _DELETE:
        del target[path[-1]]
    else:
        target[path[-1]] = value
    return data


_DELETE = object()


@pytest.mark.parametrize(
    ("path", "value"),
    [
        (["schema_version"], "0.9"),  # another schema version
        (["quotes", 0, "evidence"], "guessed"),  # not an Evidence value
        (["quotes", 0, "confidence"], 1.5),  # confidence above 1
        (["characters", 0, "gender"], "f"),  # not a Gender value
        (["narration", 0, "tense"], "future"),  # not a Tense value
        (["mentions", 0, "kind"], "alias"),  # not a MentionKind value
        (["tokens", 0, 1], -3),  # negative token offset
        (["tokens", 0], [0, 1, 2]),  # token row too short
        (["chapters", 0, "title"], _DELETE),  # missing required field
        (["quotes", 0, "extra"], 1),  # unknown field
        (["text"], _DELETE),  # no text at all
    ],
)
def test_broken_document_fails_validation(path: list, value: object) -> None:
    with pytest.raises(jsonschema.ValidationError):
        validate_analysis(_broken(path, value))


def test_streamed_json_is_one_json_dumps_of_to_dict(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # Rows are written a few at a time: the bytes are those of json.dumps(doc.to_dict()).
    import ficlens.export.json as json_export

    monkeypatch.setattr(json_export, "ROWS_PER_WRITE", 2)
    doc = sample_doc.sample_document()
    out = write_analysis_json(doc, tmp_path / "analysis.json")
    assert len(doc.tokens) > 2
    assert out.read_text(encoding="utf-8") == json.dumps(doc.to_dict(), ensure_ascii=False)
