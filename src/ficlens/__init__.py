"""ficlens: who is in a story, who speaks each line and to whom, whose point of view, which tense."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

from ficlens._version import __version__

if TYPE_CHECKING:
    from ficlens.model import Document

__all__ = ["__version__", "analyze"]


def analyze(text_or_path: str | Path, **options: Any) -> Document:
    """Analyse one story: a path to a file in any supported format, or the story text itself.

    Returns the same Document that ``ficlens analyze`` writes. Options are passed to
    ``ficlens.api.analyze_document`` (``config``, ``cast``, ``max_bytes``).
    """
    from ficlens.api import analyze_document

    return analyze_document(text_or_path, **options)
