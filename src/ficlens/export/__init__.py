"""Writers for everything ``ficlens analyze`` puts in its output folder.

``write_outputs`` writes all files into a temporary folder next to OUTDIR, then moves
them into OUTDIR, so a failure (a bug, a full disk, Ctrl-C) never leaves a half-written
set of files behind. See docs/outputs.md for every file and column.
"""

from __future__ import annotations

import os
import shutil
import tempfile
from collections.abc import Callable, Iterable
from pathlib import Path

from ficlens.export._files import atomic_write
from ficlens.export.html import write_report_html
from ficlens.export.json import write_analysis_json, write_metadata_json
from ficlens.export.tsv import (
    write_chapters,
    write_characters,
    write_flags,
    write_interactions,
    write_mentions,
    write_narration,
    write_quotes,
    write_tokens,
)
from ficlens.model import Document

__all__ = [
    "FORMATS",
    "OUTPUT_FILES",
    "write_analysis_json",
    "write_outputs",
    "write_report_html",
    "write_story_text",
]


def write_story_text(doc: Document, path: str | Path) -> Path:
    """``story.txt``: ``doc.text`` exactly (UTF-8, no newline translation); every offset points here."""
    return atomic_write(path, lambda f: f.write(doc.text))


Writer = Callable[[Document, Path], Path]

# file name -> (format group, writer), in the order they are written
OUTPUT_FILES: dict[str, tuple[str, Writer]] = {
    "story.txt": ("text", write_story_text),
    "analysis.json": ("json", write_analysis_json),
    "metadata.json": ("json", write_metadata_json),
    "quotes.tsv": ("tsv", write_quotes),
    "characters.tsv": ("tsv", write_characters),
    "narration.tsv": ("tsv", write_narration),
    "chapters.tsv": ("tsv", write_chapters),
    "flags.tsv": ("tsv", write_flags),
    "tokens.tsv": ("tsv", write_tokens),
    "mentions.tsv": ("tsv", write_mentions),
    "interactions.tsv": ("tsv", write_interactions),
    "report.html": ("html", write_report_html),
}
FORMATS = frozenset(group for group, _ in OUTPUT_FILES.values())


def write_outputs(
    doc: Document,
    outdir: str | Path,
    formats: Iterable[str] = FORMATS,
    on_file: Callable[[str], None] | None = None,
) -> list[Path]:
    """Write the chosen format groups (``text``, ``json``, ``tsv``, ``html``) into ``outdir``.

    Returns the paths written, in ``OUTPUT_FILES`` order. Files already in ``outdir`` with
    other names are left alone; files with these names are replaced.
    """
    wanted = set(formats)
    unknown = wanted - FORMATS
    if unknown:
        raise ValueError(f"unknown output format(s) {sorted(unknown)}; choose from {sorted(FORMATS)}")
    outdir = Path(outdir)
    if outdir.exists() and not outdir.is_dir():
        from ficlens.errors import InputError

        raise InputError(str(outdir), "exists and is not a directory")
    parent = outdir.absolute().parent
    parent.mkdir(parents=True, exist_ok=True)
    # The staging folder sits beside OUTDIR so the final moves are renames on one filesystem.
    staging = Path(tempfile.mkdtemp(prefix=f".{outdir.name}.", suffix=".tmp", dir=parent))
    try:
        staged: list[str] = []
        for name, (group, writer) in OUTPUT_FILES.items():
            if group in wanted:
                if on_file is not None:
                    on_file(name)
                writer(doc, staging / name)
                staged.append(name)
        outdir.mkdir(exist_ok=True)
        written = []
        for name in staged:
            os.replace(staging / name, outdir / name)
            written.append(outdir / name)
        return written
    finally:
        shutil.rmtree(staging, ignore_errors=True)
