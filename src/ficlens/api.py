"""Plain functions behind the CLI and the Python API: read a story, run the pipeline."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path
from typing import Any

from ficlens.errors import InputError
from ficlens.model import Document
from ficlens.pipeline import Pipeline, PipelineConfig

# A string with no line break that ends like a story file is meant as a path.
_STORY_SUFFIXES = (".txt", ".md", ".markdown", ".html", ".htm", ".xhtml", ".epub", ".text")


def get_pipeline(config: PipelineConfig | None = None, cast: Any | None = None) -> Pipeline:
    """A Pipeline for (config, cast), reused across calls; spaCy is loaded once per process."""
    return _cached_pipeline(config or PipelineConfig(), tuple(cast) if cast is not None else None)


@lru_cache(maxsize=8)
def _cached_pipeline(config: PipelineConfig, cast: tuple[Any, ...] | None) -> Pipeline:
    return Pipeline(config, cast=list(cast) if cast is not None else None)


def analyze_document(
    text_or_path: str | Path,
    config: PipelineConfig | None = None,
    cast: Any | None = None,
    max_bytes: int | None = None,
) -> Document:
    """Analyse a story file (a Path, or a string naming an existing file) or the story text itself."""
    from ficlens.ingest import DEFAULT_MAX_BYTES, read_document, read_text_document

    if isinstance(text_or_path, Path) or _looks_like_path(text_or_path):
        path = Path(text_or_path)
        if not path.exists():
            raise InputError(str(path), "no such file")
        doc = read_document(path, max_bytes=max_bytes or DEFAULT_MAX_BYTES)
    else:
        doc = read_text_document(text_or_path)
    return get_pipeline(config, cast)(doc)


def _looks_like_path(value: str) -> bool:
    if "\n" in value or len(value) > 4096:
        return False
    return Path(value).exists() or value.strip().lower().endswith(_STORY_SUFFIXES)
