"""FanFicFare output: its HTML file and the title page of its EPUBs.

FanFicFare writes ``<h1><a>Title</a> by <a>Author</a></h1>`` (``<h3>`` in EPUBs), a title
page of ``<b>Label:</b> value`` entries (a ``table.full`` or a ``<div>`` with ``<br/>``),
an optional table of contents (``<a name="TOCTOP">``) and one ``<a name="sectionNNNN"><h2>``
per chapter. Labels map onto the AO3 metadata keys.
"""

from __future__ import annotations

import re
from typing import Any

from ficlens.errors import InputError
from ficlens.ingest._common import empty_metadata, split_list
from ficlens.ingest._htmltext import HtmlPageReader, TextBuilder, classes, inline_text, local_name
from ficlens.ingest.ao3 import finish_ao3_warnings
from ficlens.model import Document

# FanFicFare's title-page labels -> metadata keys.
_LABELS = {
    "category": "fandoms",
    "fandom": "fandoms",
    "fandoms": "fandoms",
    "genre": "additional_tags",
    "freeform tags": "additional_tags",
    "additional tags": "additional_tags",
    "categories": "categories",
    "rated": "rating",
    "original source": "url",
    "extra tags": "additional_tags",
    "warnings": "archive_warnings",
    "characters": "characters",
    "relationships": "relationships",
    "pairing": "relationships",
    "ships": "relationships",
    "rating": "rating",
    "language": "language",
    "series": "series",
    "collections": "collections",
    "published": "published",
    "updated": "updated",
    "chapters": "chapters",
    "words": "words",
    "summary": "summary",
    "status": "status",
    "story url": "url",
    "title": "title",
    "author": "authors",
}
_LIST = {
    "fandoms",
    "additional_tags",
    "archive_warnings",
    "characters",
    "relationships",
    "collections",
    "authors",
    "categories",
}


def _chapter_anchor(el: Any) -> bool:
    return local_name(el) == "a" and (el.get("name") or "").startswith("section")


def is_fanficfare_html(root: Any) -> bool:
    anchors = [a for a in root.iter("a") if _chapter_anchor(a)]
    has_title_page = any("full" in classes(t) for t in root.iter("table"))
    toc = any(a.get("name") == "TOCTOP" for a in root.iter("a"))
    gen = any("fanficfare" in (m.get("content") or "").lower() for m in root.iter("meta"))
    return bool(anchors) and (has_title_page or toc or gen)


def title_entries(container: Any) -> dict[str, str]:
    """``<b>Label:</b> value`` pairs (table rows or ``<br/>``-separated lines)."""
    out: dict[str, str] = {}
    for b in container.iter("b"):
        label = inline_text(b)
        if not label.endswith(":"):
            continue
        parent = b.getparent()
        if local_name(parent) == "td" and parent.getnext() is not None and inline_text(parent) == label:
            value = inline_text(parent.getnext())  # <tr><td><b>L:</b></td><td>value</td></tr>
        else:
            pieces = [b.tail or ""]
            sib = b.getnext()
            while sib is not None and local_name(sib) not in ("br", "b", "tr"):
                pieces.append(sib.text_content() + (sib.tail or ""))
                sib = sib.getnext()
            value = re.sub(r"\s+", " ", "".join(pieces)).strip()
        out[label.rstrip(":").strip().lower()] = value
    return out


def apply_entries(meta: dict[str, Any], entries: dict[str, str]) -> None:
    for label, value in entries.items():
        key = _LABELS.get(label)
        if key is None or not value:
            continue
        if key == "words":
            digits = re.sub(r"\D", "", value)
            meta["words"] = int(digits) if digits else None
        elif key == "series":
            m = re.match(r"(.*?)\s*\[(\d+)\]\s*$", value)  # FanFicFare writes "Name [2]"
            meta["series"] = [{"title": m.group(1), "part": int(m.group(2))} if m else {"title": value, "part": None}]
        elif key in _LIST:
            meta[key] = split_list(value)
        else:
            meta[key] = value
    if str(meta.get("status") or "").lower().startswith("complete") and meta.get("updated"):
        meta["completed"] = meta["updated"]


def title_and_authors(heading: Any, meta: dict[str, Any]) -> None:
    """``<a>Title</a> by <a>Author</a>, <a>Other</a>``."""
    links = [a for a in heading.iter("a")]
    if len(links) >= 2:
        meta["title"] = inline_text(links[0])
        meta["authors"] = [inline_text(a) for a in links[1:] if inline_text(a)]
        if links[0].get("href"):
            meta["url"] = links[0].get("href")
    else:
        text = inline_text(heading)
        title, _, author = text.rpartition(" by ")
        meta["title"] = title or text
        if author:
            meta["authors"] = split_list(author)


class FanFicFareHtmlReader(HtmlPageReader):
    format = "fanficfare"

    def read_tree(self, root: Any, source: str, warnings: list[str] | None = None) -> Document:
        meta = empty_metadata()
        meta["url"] = None
        meta["status"] = None
        body = root.find(".//body")
        body = body if body is not None else root
        skip: list[Any] = []
        heading = next((el for el in body.iter("h1", "h3") if el.find(".//a") is not None), None)
        if heading is not None:
            title_and_authors(heading, meta)
            skip.append(heading)
        for table in body.iter("table"):
            if "full" in classes(table):
                apply_entries(meta, title_entries(table))
                skip.append(table)
        # The table of contents: the TOCTOP anchor and the paragraph of links after it.
        for a in body.iter("a"):
            if a.get("name") == "TOCTOP":
                skip.append(a)
                nxt = a.getnext()
                if nxt is not None and local_name(nxt) == "p":
                    skip.append(nxt)
        marks = {a: inline_text(a) for a in body.iter("a") if _chapter_anchor(a)}
        builder = TextBuilder()
        builder.walk(body, skip=skip, chapter_marks=marks)
        builder.end_chapter()
        if not builder.text.strip():
            raise InputError(source, "FanFicFare file has no story text")
        meta["chapter_titles"] = [t for t in marks.values() if t]
        out_warnings = list(warnings or [])
        finish_ao3_warnings(meta, builder.text, out_warnings)
        return Document(
            text=builder.text, source=source, format=self.format, metadata=meta, warnings=out_warnings, hints=builder.hints
        )
