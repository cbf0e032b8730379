"""Markdown: the file text unchanged is ``Document.text``; markup becomes hints.

Headings (ATX ``#`` and setext) become HEADING hints over their line(s); thematic
breaks (``***``, ``---``, ``* * *``), an empty ``#`` line and ornament lines become
SCENE_BREAK hints. Emphasis markers stay in the text (removing them would move offsets).
A YAML front-matter block (``---`` ... ``---``) with title/author goes to metadata, and
``metadata["front_matter_end"]`` points past it. Blocks are found with markdown-it-py's
CommonMark block parser (inline parsing off: it is not needed and keeps this linear).
"""

from __future__ import annotations

import re
from typing import Any

from markdown_it import MarkdownIt

from ficlens.errors import InputError
from ficlens.ingest._common import (
    _BYLINE,
    DecodedTextReader,
    _is_name,
    apply_front_matter,
    empty_metadata,
    find_front_matter,
    is_ornament,
    language_warning,
    repair_mojibake,
    split_list,
    split_names,
)
from ficlens.model import Document, Hint, HintKind

_LINE_END = re.compile(r"\r\n|\r|\n")
_TILDE_BREAK = re.compile(r"^[ \t]*~{3,}[ \t]*$")
_YAML_LINE = re.compile(r"^(?P<key>[A-Za-z_][\w -]*?)\s*:\s*(?P<value>.*?)\s*$")
_YAML_ITEM = re.compile(r"^\s+-\s+(?P<value>.*?)\s*$|^-\s+(?P<top>.*?)\s*$")
# YAML front-matter keys -> metadata keys.
_YAML_KEYS = {
    "title": "title",
    "author": "authors",
    "authors": "authors",
    "rating": "rating",
    "fandom": "fandoms",
    "fandoms": "fandoms",
    "relationships": "relationships",
    "pairings": "relationships",
    "characters": "characters",
    "tags": "additional_tags",
    "additional_tags": "additional_tags",
    "warnings": "archive_warnings",
    "archive_warnings": "archive_warnings",
    "categories": "categories",
    "category": "categories",
    "language": "language",
    "lang": "language",
    "summary": "summary",
    "description": "summary",
    "notes": "notes",
    "series": "series",
    "date": "published",
    "published": "published",
    "updated": "updated",
    "words": "words",
}


def _line_starts(text: str) -> tuple[list[int], list[int]]:
    """Start and end (before the line break) of every line, as markdown-it numbers them."""
    starts = [0]
    ends: list[int] = []
    for m in _LINE_END.finditer(text):
        ends.append(m.start())
        starts.append(m.end())
    ends.append(len(text))
    return starts, ends


def _unquote(value: str) -> str:
    value = value.strip()
    if len(value) >= 2 and value[0] == value[-1] and value[0] in "\"'":
        return value[1:-1]
    return value


def _parse_yaml_block(lines: list[str]) -> dict[str, Any]:
    """Flat YAML: ``key: value``, ``key: [a, b]`` and ``key:`` followed by ``- item`` lines."""
    out: dict[str, Any] = {}
    current: str | None = None
    for line in lines:
        if not line.strip() or line.lstrip().startswith("#"):
            continue
        item = _YAML_ITEM.match(line)
        if item and current is not None:
            value = _unquote(item.group("value") if item.group("value") is not None else item.group("top"))
            existing = out.get(current)
            if not isinstance(existing, list):
                existing = [] if not existing else [existing]
            existing.append(value)
            out[current] = existing
            continue
        m = _YAML_LINE.match(line)
        if not m:
            continue
        current = m.group("key").strip().lower()
        value = m.group("value")
        if value.startswith("[") and value.endswith("]"):
            out[current] = [_unquote(v) for v in value[1:-1].split(",") if v.strip()]
        elif value in ("", "|", ">", "|-", ">-"):
            out[current] = ""
        else:
            out[current] = _unquote(value)
    return out


def _apply_yaml(meta: dict[str, Any], data: dict[str, Any]) -> None:
    for key, value in data.items():
        target = _YAML_KEYS.get(key)
        if target is None:
            continue
        if target == "authors":
            names = value if isinstance(value, list) else split_names(str(value))
            meta["authors"] = [str(n) for n in names if str(n).strip()]
        elif target == "words":
            digits = re.sub(r"[^\d]", "", str(value))
            meta["words"] = int(digits) if digits else None
        elif isinstance(meta.get(target), list):
            meta[target] = [str(v) for v in value] if isinstance(value, list) else split_list(str(value))
        else:
            meta[target] = ", ".join(map(str, value)) if isinstance(value, list) else (str(value) or None)


class MarkdownReader(DecodedTextReader):
    format = "markdown"

    def read_string(self, text: str, source: str = "<string>", warnings: list[str] | None = None) -> Document:
        if not text.strip():
            raise InputError(source, "is empty")
        out_warnings = list(warnings or [])
        text, repaired = repair_mojibake(text)
        if repaired:
            out_warnings.append(repaired)
        starts, ends = _line_starts(text)
        lines_n = len(starts)
        meta = empty_metadata()
        meta["encoding"] = None

        # YAML front matter: "---" on the first line, closed by "---" or "...".
        fm_lines = 0
        first = text[starts[0] : ends[0]]
        if first.strip() == "---":
            for i in range(1, min(lines_n, 200)):
                if text[starts[i] : ends[i]].strip() in ("---", "..."):
                    block = [text[starts[j] : ends[j]] for j in range(1, i)]
                    _apply_yaml(meta, _parse_yaml_block(block))
                    fm_lines = i + 1
                    break

        hints: list[Hint] = []
        # "~~~" lines are scene breaks in fiction, not code fences; blank them for the parser.
        md_lines: list[str] = []
        for i in range(lines_n):
            line = text[starts[i] : ends[i]]
            if i < fm_lines:
                md_lines.append("")
            elif _TILDE_BREAK.match(line):
                md_lines.append("")
                hints.append(Hint(HintKind.SCENE_BREAK, starts[i], ends[i], line.strip()))
            else:
                md_lines.append(line)
        tokens = MarkdownIt("commonmark").disable("inline").parse("\n".join(md_lines))

        first_block: tuple[str, int, int, str] | None = None  # kind, first line, last line, text
        second_block: tuple[str, int, int, str] | None = None
        for idx, tok in enumerate(tokens):
            if tok.map is None or tok.level != 0:
                continue
            l0, l1 = tok.map
            span_start, span_end = starts[l0], ends[max(l0, l1 - 1)]
            if tok.type == "heading_open":
                content = tokens[idx + 1].content.strip() if idx + 1 < len(tokens) else ""
                setext = tok.markup in ("=", "-")
                if not content:
                    hints.append(Hint(HintKind.SCENE_BREAK, span_start, span_end, text[span_start:span_end].strip()))
                    kind = "break"
                elif setext and tok.markup == "-" and (len(content) > 80 or "\n" in content or content[-1] in ".,;:!?\"”"):
                    # A paragraph directly over "---": prose then a scene break, not a heading.
                    u = l1 - 1
                    hints.append(Hint(HintKind.SCENE_BREAK, starts[u], ends[u], text[starts[u] : ends[u]].strip()))
                    kind = "text"
                else:
                    hints.append(Hint(HintKind.HEADING, span_start, span_end, content))
                    kind = f"heading{tok.tag[1:]}"
            elif tok.type == "hr":
                hints.append(Hint(HintKind.SCENE_BREAK, span_start, span_end, text[span_start:span_end].strip()))
                kind = "break"
            elif tok.type == "paragraph_open":
                content = tokens[idx + 1].content if idx + 1 < len(tokens) else ""
                if "\n" not in content.strip() and is_ornament(content):
                    hints.append(Hint(HintKind.SCENE_BREAK, span_start, span_end, content.strip()))
                    kind = "break"
                else:
                    kind = "text"
            elif tok.type.endswith("_open") or tok.type in ("fence", "code_block", "html_block"):
                kind = "other"
            else:
                continue
            block = (kind, l0, l1, tokens[idx + 1].content.strip() if idx + 1 < len(tokens) and tokens[idx + 1].type == "inline" else "")
            if first_block is None:
                first_block = block
            elif second_block is None:
                second_block = block
        hints.sort(key=lambda h: (h.start, h.end))

        if fm_lines:
            k = fm_lines
            while k < lines_n and not text[starts[k] : ends[k]].strip():
                k += 1
            meta["front_matter_end"] = starts[k] if k < lines_n else len(text)
        elif first_block is not None and first_block[0] == "heading1":
            # "# Title" at the top, maybe "by Name" under it.
            meta["title"] = first_block[3]
            last_line = first_block[2]
            if second_block is not None and second_block[0] == "text":
                m = _BYLINE.match(second_block[3])
                if m and "\n" not in second_block[3] and _is_name(m.group("name").strip("*_")):
                    meta["authors"] = split_names(m.group("name").strip("*_"))
                    last_line = second_block[2]
            k = last_line
            while k < lines_n and not text[starts[k] : ends[k]].strip():
                k += 1
            meta["front_matter_end"] = starts[k] if k < lines_n else len(text)
        else:
            apply_front_matter(meta, find_front_matter(text))
        lang = language_warning(text[meta["front_matter_end"] :])
        if lang:
            out_warnings.append(lang)
        return Document(
            text=text, source=source, format=self.format, metadata=meta, warnings=out_warnings, hints=hints
        )
