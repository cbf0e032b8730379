"""HTML -> (text, hints): block structure with a blank line between paragraphs.

Shared by the HTML, AO3, FanFicFare and EPUB readers. The tree is walked with
``lxml.etree.iterwalk`` (no recursion, so deeply nested markup cannot overflow the stack).
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Any

import lxml.html
from lxml import etree

from ficlens.ingest._common import decode_bytes, is_ornament, repair_mojibake
from ficlens.model import Hint, HintKind

SCENE_BREAK_TEXT = "* * *"

BLOCK_TAGS = frozenset(
    """p div section article main header blockquote li ul ol dl dt dd table thead tbody tfoot
    tr td th figure figcaption center address aside details summary body html hgroup
    fieldset legend caption""".split()
)
HEADING_TAGS = frozenset({"h1", "h2", "h3", "h4", "h5", "h6"})
# Site chrome and non-text; never part of the story.
SKIP_TAGS = frozenset(
    """script style noscript template head nav form button select textarea input svg math
    iframe object embed footer title meta link audio video canvas map""".split()
)

_WS = re.compile(r"[ \t\n\r\f\v\u00a0\u200b]+")
_BR = "\x00"  # stands for <br> until whitespace is collapsed (NUL never survives parsing)
_MANY_NL = re.compile(r"\n{3,}")


def local_name(el: Any) -> str | None:
    tag = el.tag
    if not isinstance(tag, str):
        return None
    if tag.startswith("{"):
        tag = tag.rsplit("}", 1)[1]
    return tag.lower()


def classes(el: Any) -> set[str]:
    return set((el.get("class") or "").split())


def parse_html(data: bytes | str, warnings: list[str] | None = None) -> Any:
    """An lxml HTML tree; accepts XHTML with an XML declaration, as bytes or str.

    libxml2 drops markup nested too deep (a few thousand levels, even with huge_tree);
    that loss goes into ``warnings``.
    """
    if isinstance(data, str):
        # lxml refuses a str that carries an encoding declaration.
        data = re.sub(r"^\s*<\?xml[^>]*\?>", "", data, count=1)
        if not data.strip():
            data = "<html></html>"
    elif not data.strip():
        data = b"<html></html>"
    parser = lxml.html.HTMLParser(huge_tree=True)
    root = lxml.html.document_fromstring(data, parser=parser)
    if warnings is not None and any("Excessive depth" in e.message for e in parser.error_log):
        warnings.append("markup is nested too deep for the HTML parser; text below that depth was lost")
    return root


def plain_text(el: Any) -> str:
    """Text of an element as paragraphs separated by a blank line (for metadata values)."""
    builder = TextBuilder()
    builder.walk(el)
    return builder.text


_NOT_TEXT = ("script", "style", "noscript", "template")
_VISIBLE_TEXT = "|".join(f"self::{t}" for t in _NOT_TEXT)


def inline_text(el: Any) -> str:
    """The element's text on one line, without the code of any script or style inside it
    (AO3's logo heading holds a script: "Archive of Our Own beta(function(){...")."""
    if local_name(el) in _NOT_TEXT:
        return ""
    if next(el.iter(*_NOT_TEXT), None) is None:
        return _WS.sub(" ", el.text_content()).strip()
    texts = el.xpath(f".//text()[not(ancestor::*[{_VISIBLE_TEXT}])]")
    return _WS.sub(" ", "".join(texts)).strip()


def _hidden(el: Any) -> bool:
    if el.get("hidden") is not None or el.get("aria-hidden") == "true":
        return True
    if el.get("role") == "navigation":
        return True
    style = (el.get("style") or "").replace(" ", "").lower()
    return "display:none" in style or "visibility:hidden" in style


class TextBuilder:
    """Collects blocks into one text with hints whose offsets index that text."""

    def __init__(self) -> None:
        self._parts: list[str] = []
        self._len = 0
        self.hints: list[Hint] = []
        self._last_kind: str | None = None  # "scene_break", "heading", "text"
        self._chapter: tuple[int, str] | None = None  # open CHAPTER_START: hint index, title
        self._chapter_has_text = False

    @property
    def text(self) -> str:
        return "".join(self._parts)

    @property
    def length(self) -> int:
        return self._len

    def _append(self, s: str) -> int:
        if self._len:
            self._parts.append("\n\n")
            self._len += 2
        start = self._len
        self._parts.append(s)
        self._len += len(s)
        return start

    # --- chapters --------------------------------------------------------------
    def start_chapter(self, title: str = "") -> None:
        """The next block opens a chapter; the hint spans the chapter's text."""
        self.end_chapter()
        self._chapter = (-1, title)
        self._chapter_has_text = False

    def end_chapter(self) -> None:
        if self._chapter is None:
            return
        index, _title = self._chapter
        if index >= 0:
            h = self.hints[index]
            self.hints[index] = Hint(h.kind, h.start, self._len, h.text)
        self._chapter = None

    def _open_chapter_at(self, start: int) -> None:
        if self._chapter is not None and self._chapter[0] < 0:
            title = self._chapter[1]
            self.hints.append(Hint(HintKind.CHAPTER_START, start, start, title))
            self._chapter = (len(self.hints) - 1, title)

    # --- blocks ----------------------------------------------------------------
    def add_heading(self, text: str) -> None:
        text = _normalise(text).replace("\n", " ").strip()
        if not text:
            return
        start = self._append(text)
        self._open_chapter_at(start)
        self.hints.append(Hint(HintKind.HEADING, start, start + len(text), text))
        self._last_kind = "heading"

    def add_scene_break(self, text: str = SCENE_BREAK_TEXT) -> None:
        # Not twice in a row, and not before any text of the chapter: a rule right under
        # a chapter heading is decoration, not a scene change.
        if self._last_kind in (None, "scene_break", "heading") or not self._chapter_has_text:
            return
        start = self._append(text)
        self.hints.append(Hint(HintKind.SCENE_BREAK, start, start + len(text), text))
        self._last_kind = "scene_break"

    def add_paragraph(self, raw: str, normalised: bool = False) -> None:
        text = raw if normalised else _normalise(raw)
        if not text:
            return
        lines = text.split("\n")
        if len(lines) == 1 and is_ornament(text):
            self.add_scene_break(text)
            return
        start = self._append(text)
        self._open_chapter_at(start)
        # Ornament lines inside a <br>-separated block, set off by blank lines.
        if len(lines) > 1:
            pos = start
            for i, line in enumerate(lines):
                if is_ornament(line) and (i == 0 or not lines[i - 1]) and (
                    i == len(lines) - 1 or not lines[i + 1]
                ):
                    s = pos + (len(line) - len(line.lstrip()))
                    self.hints.append(Hint(HintKind.SCENE_BREAK, s, s + len(line.strip()), line.strip()))
                pos += len(line) + 1
        self._last_kind = "text"
        self._chapter_has_text = True

    def add_preformatted(self, raw: str) -> None:
        raw = raw.replace("\r\n", "\n").replace("\r", "\n").strip("\n")
        for block in re.split(r"\n[ \t]*\n", raw):
            lines = [ln.rstrip() for ln in block.split("\n")]
            self.add_paragraph("\n".join(lines).strip("\n"), normalised=True)

    # --- walking an element ------------------------------------------------------
    def walk(self, root: Any, skip: Iterable[Any] = (), chapter_marks: dict[Any, str] | None = None) -> None:
        """Add the blocks of ``root`` (an lxml element); elements in ``skip`` are left out.

        An element in ``chapter_marks`` opens a chapter (with that title) where it starts.
        """
        marks = chapter_marks or {}
        # Element proxies are kept alive in these sets, so identity comparison is safe.
        skip_set = set(skip)
        buf: list[str] = []
        skipped: set[Any] = set()
        heading_depth = 0

        def flush() -> None:
            if buf:
                text = "".join(buf)
                buf.clear()
                if heading_depth:
                    buf.append(text)  # still inside the heading
                else:
                    self.add_paragraph(text)

        walker = etree.iterwalk(root, events=("start", "end", "comment", "pi"))
        for event, el in walker:
            if event in ("comment", "pi"):
                if el.tail:
                    buf.append(el.tail)
                continue
            tag = local_name(el)
            if event == "start":
                if tag is None or tag in SKIP_TAGS or el in skip_set or _hidden(el):
                    walker.skip_subtree()
                    skipped.add(el)
                    continue
                if el in marks:
                    flush()
                    self.start_chapter(marks[el])
                if tag == "br":
                    buf.append(_BR)
                elif tag == "hr":
                    flush()
                    self.add_scene_break()
                elif tag in HEADING_TAGS:
                    flush()
                    heading_depth += 1
                    buf.append(el.text or "")
                elif tag == "pre":
                    flush()
                    self.add_preformatted(el.text_content())
                    walker.skip_subtree()
                elif tag == "img":
                    pass
                elif tag in BLOCK_TAGS:
                    flush()
                    buf.append(el.text or "")
                else:
                    buf.append(el.text or "")
            else:  # end
                if el in skipped:
                    pass
                elif tag in HEADING_TAGS and heading_depth:
                    heading_depth -= 1
                    if not heading_depth:
                        text = "".join(buf)
                        buf.clear()
                        self.add_heading(text)
                elif tag in BLOCK_TAGS or tag == "pre":
                    flush()
                if el is not root and el.tail:
                    buf.append(el.tail)
        heading_depth = 0
        flush()


def _normalise(raw: str) -> str:
    """Collapse HTML whitespace; <br> markers become line breaks; trim each line."""
    text = _WS.sub(" ", raw)
    if _BR in text:
        lines = [line.strip() for line in text.split(_BR)]
        text = _MANY_NL.sub("\n\n", "\n".join(lines)).strip("\n")
    return text.strip()


def element(
    tag: str, cls: str | None = None, ident: str | None = None, text: str | None = None, children: Iterable[Any] = ()
) -> Any:
    """A new HTML element with a class, an id, text and children (the readers that rebuild
    AO3's download layout from a MOBI or a PDF build it with this)."""
    el = lxml.html.Element(tag)
    if cls:
        el.set("class", cls)
    if ident:
        el.set("id", ident)
    if text is not None:
        el.text = text
    for child in children:
        el.append(child)
    return el


def ao3_download_frame() -> tuple[Any, Any, Any, Any, Any]:
    """The empty frame of AO3's HTML download: ``html`` holding ``body``, and, not yet placed,
    ``div#preface``, its ``div.meta`` and the tag list ``dl.tags`` (the AO3 reader's landmarks)."""
    html = element("html")
    body = element("body")
    html.append(body)
    return html, body, element("div", ident="preface"), element("div", "meta"), element("dl", "tags")


# The charset a page declares (what a browser's pre-scan reads), tried before guessing.
_META_CHARSET = re.compile(rb"""<meta[^>]{0,200}?charset\s*=\s*["']?\s*([A-Za-z0-9_.:-]+)""", re.IGNORECASE)


def decode_html(data: bytes, source: str) -> tuple[str, list[str]]:
    """Decode HTML bytes (declared charset if UTF-8 fails), then repair mojibake."""
    warnings: list[str] = []
    text: str | None = None
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        m = _META_CHARSET.search(data[:4096])
        if m:
            try:
                text = data.decode(m.group(1).decode("ascii"))
                warnings.append(f"decoded as {m.group(1).decode('ascii')} (declared by the page)")
            except (LookupError, UnicodeDecodeError):
                text = None
    if text is None or "\x00" in text:
        decoded = decode_bytes(data, source)
        text, warnings = decoded.text, decoded.warnings
    text, repaired = repair_mojibake(text)
    if repaired:
        warnings.append(repaired)
    return text, warnings


class HtmlPageReader:
    """Base of the readers of one HTML page (generic, AO3, FanFicFare, fanfiction.net): ``read``
    decodes the bytes and parses them; each reader reads the tree in ``read_tree``."""

    format = "html"

    def read(self, data: bytes, source: str) -> Any:
        text, warnings = decode_html(data, source)
        return self.read_tree(parse_html(text, warnings), source, warnings)

    def read_tree(self, root: Any, source: str, warnings: list[str] | None = None) -> Any:
        raise NotImplementedError
