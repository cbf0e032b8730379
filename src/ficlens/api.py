"""Plain functions behind the CLI: read a story, run the pipeline, write the outputs."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from ficlens.model import Document
from ficlens.pipeline import Pipeline, PipelineConfig

_PIPELINES: dict[int, Pipeline] = {}


def get_pipeline(config: PipelineConfig | None = None, cast: Any | None = None) -> Pipeline:
    """A Pipeline per (config, cast); the spaCy model itself is loaded once per process."""
    key = hash((repr(config), repr(cast)))
    pipeline = _PIPELINES.get(key)
    if pipeline is None:
        pipeline = Pipeline(config, cast=cast)
        _PIPELINES[key] = pipeline
    return pipeline


def analyze_document(
    text_or_path: str | Path,
    config: PipelineConfig | None = None,
    cast: Any | None = None,
    max_bytes: int | None = None,
) -> Document:
    from ficlens.ingest import DEFAULT_MAX_BYTES, read_document, read_text_document

    if isinstance(text_or_path, Path) or (
        isinstance(text_or_path, str) and "\n" not in text_or_path and len(text_or_path) < 4096
        and Path(text_or_path).exists()
    ):
        doc = read_document(Path(text_or_path), max_bytes=max_bytes or DEFAULT_MAX_BYTES)
    else:
        doc = read_text_document(str(text_or_path))
    return get_pipeline(config, cast)(doc)
