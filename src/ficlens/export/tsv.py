"""BookNLP-style TSV tables, one ``write_<layer>(doc, path)`` per file.

Every file is UTF-8 with a snake_case header row and one record per line. Inside a
field, backslash, tab, newline and carriage return are written as ``\\\\``, ``\\t``,
``\\n`` and ``\\r`` (``unescape_field`` reverses it), lists are joined with ``|``, a
missing value is the empty string, booleans are ``true``/``false``. Character offsets
(``start``, ``end``) are half-open positions in ``story.txt``; token offsets are
``start_token`` / ``end_token_excl``. Leading columns are a contract; new columns go
after them.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import IO, Any

from ficlens.export._files import atomic_write
from ficlens.model import Document

QUOTE_COLUMNS = (
    "quote_id", "start", "end", "speaker_id", "speaker", "addressee_ids", "evidence", "confidence", "text",
    "paragraph", "chapter", "scene", "mark", "continues", "nested_in", "addressees", "candidate_ids",
)  # fmt: skip
CHARACTER_COLUMNS = (
    "character_id", "name", "aliases", "gender", "mentions", "quotes",
    "is_narrator", "is_reader", "from_cast", "gender_confidence", "found_by",
)  # fmt: skip
NARRATION_COLUMNS = (
    "chapter", "scene", "start", "end", "person", "tense", "pov_character_id", "confidence",
    "past_share", "present_share", "pov_character", "flags",
    "person_confidence", "tense_confidence", "pov_confidence",
)  # fmt: skip
CHAPTER_COLUMNS = (
    "chapter", "title", "start", "end", "person", "tense", "pov_character_id", "confidence",
    "words", "scenes", "pov_character", "flags",
)  # fmt: skip
FLAG_COLUMNS = ("chapter", "scene", "kind", "start", "end", "text", "detail")
TOKEN_COLUMNS = (
    "token_id", "start", "end", "text", "lemma", "pos", "tag", "dep", "head",
    "sentence", "paragraph", "ent_iob", "ent_type", "in_quote",
)  # fmt: skip
MENTION_COLUMNS = (
    "start", "end", "text", "character_id", "kind",
    "start_token", "end_token_excl", "in_quote", "sentence", "character",
)  # fmt: skip
INTERACTION_COLUMNS = ("source_id", "target_id", "kind", "weight", "source", "target", "scenes")

_ESCAPES = {"\\": "\\\\", "\t": "\\t", "\n": "\\n", "\r": "\\r"}
_ESCAPE_RE = re.compile(r"[\\\t\n\r]")
_UNESCAPES = {"\\\\": "\\", "\\t": "\t", "\\n": "\n", "\\r": "\r"}
_UNESCAPE_RE = re.compile(r"\\[\\tnr]")


def escape_field(text: str) -> str:
    return _ESCAPE_RE.sub(lambda m: _ESCAPES[m.group()], text)


def unescape_field(text: str) -> str:
    """The inverse of the escaping in every ficlens TSV (for readers in Python)."""
    return _UNESCAPE_RE.sub(lambda m: _UNESCAPES[m.group()], text)


def _cell(value: Any) -> str:
    # Plain strings and ints are most cells (tokens.tsv): answer them first.
    kind = type(value)
    if kind is int:
        return str(value)
    if kind is str:
        return escape_field(value) if _ESCAPE_RE.search(value) else value
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float):
        # Four decimals is more than any score here means; keeps files diffable.
        return f"{round(value, 4):g}" if value == value else ""
    if isinstance(value, list | tuple):
        return escape_field("|".join(str(v) for v in value))
    return escape_field(str(value))


def _write_rows(path: str | Path, columns: Sequence[str], rows: Iterable[Sequence[Any]]) -> Path:
    def write(f: IO[str]) -> None:
        f.write("\t".join(columns) + "\n")
        f.writelines("\t".join(_cell(v) for v in row) + "\n" for row in rows)

    return atomic_write(path, write)


def _names(doc: Document, ids: Iterable[str]) -> list[str]:
    index = doc.character_index()
    return [index[i].name if i in index else i for i in ids]


def write_quotes(doc: Document, path: str | Path) -> Path:
    index = doc.character_index()
    paragraphs = {p.id: p for p in doc.paragraphs}

    def rows() -> Iterable[list[Any]]:
        for q in doc.quotes:
            speaker = index.get(q.speaker_id) if q.speaker_id else None
            para = paragraphs.get(q.paragraph)
            yield [
                q.id, q.start, q.end, q.speaker_id, speaker.name if speaker else None,
                q.addressee_ids, q.evidence, q.confidence, q.text,
                q.paragraph, para.chapter if para else None, para.scene if para else None,
                q.mark, q.continues, q.nested_in, _names(doc, q.addressee_ids), q.candidates,
            ]  # fmt: skip

    return _write_rows(path, QUOTE_COLUMNS, rows())


def write_characters(doc: Document, path: str | Path) -> Path:
    rows = (
        [c.id, c.name, c.aliases, c.gender, c.mentions, c.quotes, c.is_narrator, c.is_reader, c.from_cast, c.gender_confidence, c.found_by]
        for c in doc.characters
    )
    return _write_rows(path, CHARACTER_COLUMNS, rows)


def write_narration(doc: Document, path: str | Path) -> Path:
    index = doc.character_index()

    def rows() -> Iterable[list[Any]]:
        for n in doc.narration:
            pov = index.get(n.pov_character_id) if n.pov_character_id else None
            yield [
                n.chapter, n.scene, n.start, n.end, n.person, n.tense, n.pov_character_id, n.confidence,
                n.past_share, n.present_share, pov.name if pov else None, [f.kind for f in n.flags],
                n.person_confidence, n.tense_confidence, n.pov_confidence,
            ]  # fmt: skip

    return _write_rows(path, NARRATION_COLUMNS, rows())


def write_chapters(doc: Document, path: str | Path) -> Path:
    """Per chapter: the person, tense and POV that cover most of its words (``chapter_narration``)."""
    from ficlens.stages.narration import chapter_narration

    index = doc.character_index()
    chapters = {c.id: c for c in doc.chapters}

    def rows() -> Iterable[list[Any]]:
        for row in chapter_narration(doc):
            chapter = chapters[row["chapter"]]
            pov = index.get(row["pov_character_id"]) if row["pov_character_id"] else None
            yield [
                row["chapter"], row["title"], chapter.start, chapter.end, row["person"], row["tense"],
                row["pov_character_id"], row["confidence"], row["words"], row["scenes"],
                pov.name if pov else None, row["flags"],
            ]  # fmt: skip

    return _write_rows(path, CHAPTER_COLUMNS, rows())


def write_flags(doc: Document, path: str | Path) -> Path:
    """Every narration shift flag with the sentence that shows it."""
    rows = (
        [n.chapter, n.scene, f.kind, f.sentence_start, f.sentence_end, f.text, f.detail]
        for n in doc.narration
        for f in n.flags
    )
    return _write_rows(path, FLAG_COLUMNS, rows)


def write_tokens(doc: Document, path: str | Path) -> Path:
    """One row a token, as ``_write_rows`` would write it, a line per f-string: a long book has
    millions of tokens and a few thousand distinct strings, each escaped once."""
    in_quote = doc.quote_token_mask()
    escaped: dict[str, str] = {}

    def cell(value: str) -> str:
        out = escaped.get(value)
        if out is None:
            out = escaped[value] = _cell(value)
        return out

    def write(f: IO[str]) -> None:
        f.write("\t".join(TOKEN_COLUMNS) + "\n")
        f.writelines(
            f"{t.i}\t{t.start}\t{t.end}\t{cell(t.text)}\t{cell(t.lemma)}\t{cell(t.pos)}\t{cell(t.tag)}\t"
            f"{cell(t.dep)}\t{t.head}\t{t.sentence}\t{t.paragraph}\t{cell(t.ent_iob)}\t{cell(t.ent_type)}\t"
            f"{'true' if q else 'false'}\n"
            for t, q in zip(doc.tokens, in_quote, strict=True)
        )

    return atomic_write(path, write)


def write_mentions(doc: Document, path: str | Path) -> Path:
    index = doc.character_index()
    rows = (
        [
            m.start, m.end, m.text, m.character_id, m.kind, m.start_token, m.end_token_excl, m.in_quote, m.sentence,
            index[m.character_id].name if m.character_id in index else None,
        ]  # fmt: skip
        for m in doc.mentions
    )
    return _write_rows(path, MENTION_COLUMNS, rows)


def write_interactions(doc: Document, path: str | Path) -> Path:
    index = doc.character_index()
    rows = (
        [
            i.source, i.target, i.kind, i.weight,
            index[i.source].name if i.source in index else None,
            index[i.target].name if i.target in index else None,
            i.scenes,
        ]  # fmt: skip
        for i in doc.interactions
    )
    return _write_rows(path, INTERACTION_COLUMNS, rows)


def read_tsv(path: str | Path) -> list[dict[str, str]]:
    """Read a ficlens TSV back: one dict per row, fields unescaped (lists stay ``|``-joined)."""
    import csv

    with open(path, encoding="utf-8", newline="") as f:
        reader = csv.reader(f, delimiter="\t", quoting=csv.QUOTE_NONE)
        header = next(reader, None)
        if header is None:
            return []
        return [dict(zip(header, (unescape_field(v) for v in row), strict=True)) for row in reader]
