"""Slice the PDNC novels into ~1,000-word "short stories" for the corpus benchmarks.

    .venv/bin/python bench/make_short_stories.py OUTDIR [--count 1000] [--words 1000] [--concat FILE]

Public-domain text only (the PDNC novels in ../shared/data). Each story is a run of whole
paragraphs (blank-line separated) of at least ``--words`` whitespace words. Stories are taken
round-robin across the novels so that any prefix (the first 200 of 1,000) samples every
novel rather than the first two alphabetically. ``--concat`` also writes the same stories,
in the same order, as one long text. Generate into a temporary folder: never commit these.
"""

from __future__ import annotations

import argparse
import re
from itertools import zip_longest
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PDNC = ROOT.parent / "shared" / "data" / "pdnc" / "data"


def slice_novel(text: str, words: int) -> list[str]:
    """Whole-paragraph pieces of at least ``words`` words; a short tail (< half) is dropped."""
    pieces: list[str] = []
    current: list[str] = []
    count = 0
    for paragraph in re.split(r"\n\s*\n", text):
        if not paragraph.strip():
            continue
        current.append(paragraph.strip("\n"))
        count += len(paragraph.split())
        if count >= words:
            pieces.append("\n\n".join(current) + "\n")
            current, count = [], 0
    if current and count >= words // 2:
        pieces.append("\n\n".join(current) + "\n")
    return pieces


def make_stories(count: int, words: int = 1000, pdnc: Path = PDNC) -> list[str]:
    novels = sorted(p for p in pdnc.glob("*/novel_text.txt"))
    if not novels:
        raise SystemExit(f"{pdnc}: no PDNC novels (they live in ../shared/data)")
    per_novel = [slice_novel(p.read_text(encoding="utf-8"), words) for p in novels]
    stories = [s for group in zip_longest(*per_novel) for s in group if s is not None]
    if len(stories) < count:
        raise SystemExit(f"only {len(stories)} stories of {words} words in PDNC, {count} asked")
    return stories[:count]


def write_stories(outdir: Path, stories: list[str], concat: Path | None = None) -> int:
    """Write story_00001.txt ...; return the total whitespace word count."""
    outdir.mkdir(parents=True, exist_ok=True)
    for i, story in enumerate(stories, 1):
        (outdir / f"story_{i:05d}.txt").write_text(story, encoding="utf-8")
    if concat is not None:
        concat.parent.mkdir(parents=True, exist_ok=True)
        concat.write_text("\n\n".join(stories), encoding="utf-8")
    return sum(len(s.split()) for s in stories)


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("outdir", type=Path)
    parser.add_argument("--count", type=int, default=1000)
    parser.add_argument("--words", type=int, default=1000)
    parser.add_argument("--concat", type=Path, help="also write all stories as one file here")
    args = parser.parse_args()
    stories = make_stories(args.count, args.words)
    total = write_stories(args.outdir, stories, args.concat)
    print(f"{len(stories)} stories, {total:,} words -> {args.outdir}")


if __name__ == "__main__":
    main()
