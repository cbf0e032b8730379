"""``analysis.json``: the whole Document (``Document.to_dict()``), described by the JSON Schema
in ``ficlens/schema/analysis.schema.json``."""

from __future__ import annotations

import json
from functools import cache
from importlib import resources
from pathlib import Path
from typing import Any

from ficlens.export._files import atomic_write
from ficlens.model import Document


def write_analysis_json(doc: Document, path: str | Path, indent: int | None = None) -> Path:
    """Write ``doc.to_dict()`` as UTF-8 JSON (non-ASCII kept as is)."""
    # json.dumps uses the C encoder; json.dump to a file streams through the slow Python one.
    text = json.dumps(doc.to_dict(), ensure_ascii=False, indent=indent)
    return atomic_write(path, lambda f: f.write(text))


def write_metadata_json(doc: Document, path: str | Path) -> Path:
    """``metadata.json``: what the reader found (title, authors, fandoms, ...), pretty-printed."""
    meta = doc.metadata
    # default=str: a reader may leave a date or Path in metadata; the file must still be written.
    return atomic_write(path, lambda f: json.dump(meta, f, ensure_ascii=False, indent=2, default=str))


@cache
def analysis_schema() -> dict[str, Any]:
    """The JSON Schema (draft 2020-12) of ``analysis.json``."""
    text = resources.files("ficlens").joinpath("schema/analysis.schema.json").read_text(encoding="utf-8")
    return json.loads(text)


def validate_analysis(data: dict[str, Any]) -> None:
    """Raise ``jsonschema.ValidationError`` when ``data`` does not match the schema."""
    import jsonschema

    schema = analysis_schema()
    jsonschema.Draft202012Validator(schema, format_checker=jsonschema.FormatChecker()).validate(data)
