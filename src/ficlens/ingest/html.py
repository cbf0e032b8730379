"""Generic HTML: block structure into text, headings and breaks into hints.

Paragraphs are separated by a blank line, ``<br>`` is a line break, headings become
HEADING hints, ``<hr>`` and centred ornament paragraphs (``* * *``, ``~o~``) become a
``* * *`` line with a SCENE_BREAK hint. Scripts, styles, navigation, forms and footers are
left out. Parsing is lxml's HTML parser (never regular expressions).
"""

from __future__ import annotations

from typing import Any

from ficlens.errors import InputError
from ficlens.ingest._common import (
    _BYLINE,
    _is_name,
    apply_front_matter,
    empty_metadata,
    find_front_matter,
    language_warning,
    split_names,
)
from ficlens.ingest._htmltext import (
    HtmlPageReader,
    TextBuilder,
    inline_text,
    local_name,
)
from ficlens.model import Document, HintKind


def meta_content(root: Any, *names: str) -> str | None:
    for el in root.iter("meta"):
        key = (el.get("name") or el.get("property") or "").lower()
        if key in names and (el.get("content") or "").strip():
            return el.get("content").strip()
    return None


def _in_site_header(el: Any) -> bool:
    """Inside the page's banner (``<header>``, ``#header``, ``role="banner"``) or navigation:
    a site's logo heading ("Archive of Our Own beta"), never a story title."""
    for anc in el.iterancestors():
        if local_name(anc) in ("header", "nav") or anc.get("role") in ("banner", "navigation"):
            return True
        if (anc.get("id") or "").lower() in ("header", "top", "site-header", "masthead"):
            return True
    return False


def find_title(root: Any) -> str | None:
    for h1 in root.iter("h1"):
        text = inline_text(h1)
        if text and not _in_site_header(h1):
            return text
    for el in root.iter("title"):
        text = inline_text(el)
        if text:
            return text
    return meta_content(root, "og:title", "dc.title")


def story_root(root: Any) -> Any:
    """The one <main> or <article> of a page if there is exactly one, else <body>."""
    for tag in ("main", "article"):
        found = [el for el in root.iter(tag)]
        if len(found) == 1:
            return found[0]
    body = root.find(".//body")
    return body if body is not None else root


def html_front_matter(text: str, builder: TextBuilder, meta: dict[str, Any]) -> None:
    """A heading equal to the title at the very top, plus a byline under it, is front matter."""
    first = builder.hints[0] if builder.hints else None
    title = meta.get("title")
    if first is not None and first.kind == HintKind.HEADING and first.start == 0 and (
        title is None or first.text.casefold() == str(title).casefold()
    ):
        meta["title"] = title or first.text
        end = first.end
        rest = text[end:].lstrip()
        offset = len(text) - len(rest)
        line = rest.split("\n", 1)[0]
        m = _BYLINE.match(line)
        if m and _is_name(m.group("name")):
            if not meta.get("authors"):
                meta["authors"] = split_names(m.group("name"))
            end = offset + len(line)
        rest = text[end:]
        meta["front_matter_end"] = end + (len(rest) - len(rest.lstrip()))
        if meta["front_matter_end"] >= len(text):
            meta["front_matter_end"] = 0
        return
    fm = find_front_matter(text)
    apply_front_matter(meta, fm)


class HtmlReader(HtmlPageReader):
    format = "html"

    def read_tree(self, root: Any, source: str, warnings: list[str] | None = None) -> Document:
        meta = empty_metadata()
        meta["title"] = find_title(root)
        author = meta_content(root, "author", "dc.creator", "article:author")
        if author:
            meta["authors"] = split_names(author)
        lang = root.get("lang") or root.get("{http://www.w3.org/XML/1998/namespace}lang")
        if lang:
            meta["language"] = lang
        builder = TextBuilder()
        builder.walk(story_root(root))
        text = builder.text
        if not text.strip():
            raise InputError(source, "no story text found in the HTML")
        html_front_matter(text, builder, meta)
        out_warnings = list(warnings or [])
        lw = language_warning(text[meta["front_matter_end"] :])
        if lw:
            out_warnings.append(lw)
        return Document(
            text=text,
            source=source,
            format=self.format,
            metadata=meta,
            warnings=out_warnings,
            hints=builder.hints,
        )


def is_element(el: Any) -> bool:
    return local_name(el) is not None
