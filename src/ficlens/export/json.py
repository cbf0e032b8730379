"""``analysis.json``: the whole Document (``Document.to_dict()``), described by the JSON Schema
in ``ficlens/schema/analysis.schema.json``."""

from __future__ import annotations

import json
from collections.abc import Iterator
from functools import cache
from importlib import resources
from itertools import islice
from pathlib import Path
from typing import IO, Any

from ficlens.export._files import atomic_write
from ficlens.model import Document

ROWS_PER_WRITE = 20_000


def write_analysis_json(doc: Document, path: str | Path, indent: int | None = None) -> Path:
    """Write ``doc.to_dict()`` as UTF-8 JSON (non-ASCII kept as is).

    Without ``indent`` the lists (tokens above all) are written ``ROWS_PER_WRITE`` rows at a
    time, the same bytes as one ``json.dumps`` of the whole dict: a 2-million-word book's
    token rows and their JSON text are never all in memory at once."""
    if indent is not None:
        text = json.dumps(doc.to_dict(), ensure_ascii=False, indent=indent)
        return atomic_write(path, lambda f: f.write(text))
    return atomic_write(path, lambda f: _stream(doc, f))


def _stream(doc: Document, f: IO[str]) -> None:
    # json.dumps uses the C encoder; json.dump to a file goes through the slow Python one.
    f.write("{")
    for n, (key, value) in enumerate(doc.to_items()):
        f.write(f"{', ' if n else ''}{json.dumps(key)}: ")
        if not isinstance(value, Iterator):
            f.write(json.dumps(value, ensure_ascii=False))
            continue
        f.write("[")
        first = True
        while rows := list(islice(value, ROWS_PER_WRITE)):
            f.write(("" if first else ", ") + json.dumps(rows, ensure_ascii=False)[1:-1])
            first = False
        f.write("]")
    f.write("}")


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
