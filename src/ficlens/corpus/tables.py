"""The corpus tables: one row set per analysed Document, with one Arrow schema per table.

Every table has ``story_id`` (the content hash of the story file) as its first column, so
any two tables join on it. docs/corpus.md lists every column; tests check that the
written Parquet files have exactly these schemas.
"""

from __future__ import annotations

from collections import Counter
from typing import Any

import pyarrow as pa

from ficlens.model import Document
from ficlens.stages.narration import chapter_narration

_STR = pa.string()
_INT = pa.int64()
_FLOAT = pa.float64()
_BOOL = pa.bool_()
_STRS = pa.list_(pa.string())

SCHEMAS: dict[str, pa.Schema] = {
    "works": pa.schema(
        [
            ("story_id", _STR),
            ("source", _STR),
            ("format", _STR),
            ("title", _STR),
            ("authors", _STRS),
            ("rating", _STR),
            ("archive_warnings", _STRS),
            ("categories", _STRS),
            ("fandoms", _STRS),
            ("relationships", _STRS),
            ("tagged_characters", _STRS),
            ("additional_tags", _STRS),
            ("language", _STR),
            ("published", _STR),
            ("updated", _STR),
            ("completed", _STR),
            ("declared_words", _INT),
            ("declared_chapters", _STR),
            ("summary", _STR),
            ("words", _INT),
            ("chapters", _INT),
            ("scenes", _INT),
            ("quotes", _INT),
            ("characters", _INT),
            ("person", _STR),
            ("tense", _STR),
            ("pov_character", _STR),
            ("warnings", _STRS),
            ("ficlens_version", _STR),
        ]
    ),
    "chapters": pa.schema(
        [
            ("story_id", _STR),
            ("chapter", _INT),
            ("title", _STR),
            ("start", _INT),
            ("end", _INT),
            ("words", _INT),
            ("quotes", _INT),
            ("person", _STR),
            ("tense", _STR),
            ("pov_character_id", _STR),
        ]
    ),
    "characters": pa.schema(
        [
            ("story_id", _STR),
            ("character_id", _STR),
            ("name", _STR),
            ("aliases", _STRS),
            ("gender", _STR),
            ("mentions", _INT),
            ("quotes", _INT),
            ("is_narrator", _BOOL),
            ("is_reader", _BOOL),
        ]
    ),
    "quotes": pa.schema(
        [
            ("story_id", _STR),
            ("quote_id", _STR),
            ("chapter", _INT),
            ("start", _INT),
            ("end", _INT),
            ("speaker_id", _STR),
            ("speaker", _STR),
            ("addressee_ids", _STRS),
            ("evidence", _STR),
            ("confidence", _FLOAT),
            ("text", _STR),
        ]
    ),
    "mentions": pa.schema(
        [
            ("story_id", _STR),
            ("start", _INT),
            ("end", _INT),
            ("text", _STR),
            ("character_id", _STR),
            ("kind", _STR),
            ("in_quote", _BOOL),
        ]
    ),
    "interactions": pa.schema(
        [
            ("story_id", _STR),
            ("source", _STR),
            ("target", _STR),
            ("kind", _STR),
            ("weight", _FLOAT),
        ]
    ),
    "signals": pa.schema(
        [
            ("story_id", _STR),
            ("kind", _STR),
            ("chapter", _INT),
            ("start", _INT),
            ("end", _INT),
            ("evidence", _STR),
            ("confidence", _FLOAT),
            ("time", _STR),
            ("concerns", _STR),
        ]
    ),
}

TABLES = tuple(SCHEMAS)


def _str_list(value: Any) -> list[str]:
    if value is None:
        return []
    if isinstance(value, str):
        return [value]
    return [str(v) for v in value]


def _opt_str(value: Any) -> str | None:
    return None if value is None else str(value)


def _opt_int(value: Any) -> int | None:
    try:
        return None if value is None else int(str(value).replace(",", ""))
    except ValueError:
        return None


def document_rows(doc: Document, story_id: str, source: str) -> dict[str, list[dict[str, Any]]]:
    """All table rows for one analysed story."""
    from ficlens._version import __version__

    names = {c.id: c.name for c in doc.characters}
    chapter_of_quote = _chapter_lookup(doc)
    per_chapter = chapter_narration(doc)
    chapter_rows = _chapter_rows(doc, story_id, chapter_of_quote, per_chapter)
    meta = doc.metadata
    person, tense, pov = _majority_narration(per_chapter)
    works = [
        {
            "story_id": story_id,
            "source": source,
            "format": doc.format,
            "title": _opt_str(meta.get("title")),
            "authors": _str_list(meta.get("authors")),
            "rating": _opt_str(meta.get("rating")),
            "archive_warnings": _str_list(meta.get("archive_warnings")),
            "categories": _str_list(meta.get("categories")),
            "fandoms": _str_list(meta.get("fandoms")),
            "relationships": _str_list(meta.get("relationships")),
            "tagged_characters": _str_list(meta.get("characters")),
            "additional_tags": _str_list(meta.get("additional_tags")),
            "language": _opt_str(meta.get("language")),
            "published": _opt_str(meta.get("published")),
            "updated": _opt_str(meta.get("updated")),
            "completed": _opt_str(meta.get("completed")),
            "declared_words": _opt_int(meta.get("words")),
            "declared_chapters": _opt_str(meta.get("chapters")),
            "summary": _opt_str(meta.get("summary")),
            "words": doc.word_count,
            "chapters": len(doc.chapters),
            "scenes": len(doc.scenes),
            "quotes": len(doc.quotes),
            "characters": len(doc.characters),
            "person": person,
            "tense": tense,
            "pov_character": names.get(pov) if pov else None,
            "warnings": list(doc.warnings),
            "ficlens_version": __version__,
        }
    ]
    characters = [
        {
            "story_id": story_id,
            "character_id": c.id,
            "name": c.name,
            "aliases": list(c.aliases),
            "gender": str(c.gender),
            "mentions": c.mentions,
            "quotes": c.quotes,
            "is_narrator": c.is_narrator,
            "is_reader": c.is_reader,
        }
        for c in doc.characters
    ]
    quotes = [
        {
            "story_id": story_id,
            "quote_id": q.id,
            "chapter": chapter_of_quote(q.start),
            "start": q.start,
            "end": q.end,
            "speaker_id": q.speaker_id,
            "speaker": names.get(q.speaker_id) if q.speaker_id else None,
            "addressee_ids": list(q.addressee_ids),
            "evidence": _opt_str(q.evidence),
            "confidence": float(q.confidence),
            "text": q.text,
        }
        for q in doc.quotes
    ]
    mentions = [
        {
            "story_id": story_id,
            "start": m.start,
            "end": m.end,
            "text": m.text,
            "character_id": m.character_id,
            "kind": str(m.kind),
            "in_quote": m.in_quote,
        }
        for m in doc.mentions
    ]
    interactions = [
        {
            "story_id": story_id,
            "source": i.source,
            "target": i.target,
            "kind": i.kind,
            "weight": float(i.weight),
        }
        for i in doc.interactions
    ]
    signals = [
        {
            "story_id": story_id,
            "kind": s.kind,
            "chapter": s.chapter,
            "start": s.start,
            "end": s.end,
            "evidence": s.evidence,
            "confidence": float(s.confidence),
            "time": s.time,
            "concerns": s.concerns,
        }
        for s in doc.signals
    ]
    return {
        "works": works,
        "chapters": chapter_rows,
        "characters": characters,
        "quotes": quotes,
        "mentions": mentions,
        "interactions": interactions,
        "signals": signals,
    }


def _chapter_lookup(doc: Document):
    """A function from a character offset to its chapter id (binary search over chapter starts)."""
    import bisect

    starts = [c.start for c in doc.chapters]

    def chapter_of(offset: int) -> int | None:
        if not starts:
            return None
        index = bisect.bisect_right(starts, offset) - 1
        return doc.chapters[max(index, 0)].id

    return chapter_of


def _chapter_rows(
    doc: Document, story_id: str, chapter_of, per_chapter: list[dict[str, Any]]
) -> list[dict[str, Any]]:
    quotes: Counter[int] = Counter(chapter_of(q.start) for q in doc.quotes)
    return [
        {
            "story_id": story_id,
            "chapter": row["chapter"],
            "title": row["title"],
            "start": chapter.start,
            "end": chapter.end,
            "words": row["words"],
            "quotes": quotes.get(chapter.id, 0),
            "person": row["person"],
            "tense": row["tense"],
            "pov_character_id": row["pov_character_id"],
        }
        for chapter, row in zip(doc.chapters, per_chapter, strict=True)
    ]


def _majority_narration(per_chapter: list[dict[str, Any]]) -> tuple[str | None, str | None, str | None]:
    """Person, tense and POV of the whole work: the chapters' choices weighted by words."""
    person: Counter[str] = Counter()
    tense: Counter[str] = Counter()
    pov: Counter[str] = Counter()
    for row in per_chapter:
        weight = max(row["words"], 1)
        if row["person"]:
            person[row["person"]] += weight
        if row["tense"]:
            tense[row["tense"]] += weight
        if row["pov_character_id"]:
            pov[row["pov_character_id"]] += weight
    top = lambda counter: counter.most_common(1)[0][0] if counter else None  # noqa: E731
    return top(person), top(tense), top(pov)


def rows_to_table(name: str, rows: list[dict[str, Any]]) -> pa.Table:
    return pa.Table.from_pylist(rows, schema=SCHEMAS[name])
