"""Writers for everything ``ficlens analyze`` puts in its output folder.

``write_outputs`` writes all files into a staging folder next to OUTDIR, then swaps it in
whole, so a failure (a bug, a full disk, Ctrl-C, SIGKILL) never leaves a half-written set
of files behind. See docs/outputs.md for every file and column.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from pathlib import Path

from ficlens.export._files import atomic_write, resolve_outdir, staged_outdir
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
    "write_files",
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

    Returns the paths written, in ``OUTPUT_FILES`` order. The files are staged beside OUTDIR
    and the folder swapped in whole (see ``staged_outdir``): OUTDIR holds either every new file
    or what it held before. Entries already in ``outdir`` with other names stay.
    """
    wanted = _check_formats(formats)
    with staged_outdir(outdir) as staging:
        names = write_files(doc, staging, wanted, on_file)
    final = resolve_outdir(outdir)
    return [final / name for name in names]


def _check_formats(formats: Iterable[str]) -> set[str]:
    wanted = set(formats)
    unknown = wanted - FORMATS
    if unknown:
        raise ValueError(
            f"unknown output format(s) {sorted(unknown)}; choose from {sorted(FORMATS)}"
        )
    return wanted


def write_files(
    doc: Document,
    folder: Path,
    formats: Iterable[str] = FORMATS,
    on_file: Callable[[str], None] | None = None,
) -> list[str]:
    """Write the outputs straight into ``folder`` (created); for a folder that is itself staged."""
    wanted = _check_formats(formats)
    folder.mkdir(parents=True, exist_ok=True)
    written = []
    for name, (group, writer) in OUTPUT_FILES.items():
        if group in wanted:
            if on_file is not None:
                on_file(name)
            writer(doc, folder / name)
            written.append(name)
    return written
