"""PDF with ``pypdf``: text lines with their positions; AO3's PDF layout rebuilt and read as AO3.

AO3 makes its PDF with Calibre from its HTML download: the preface on its own pages (the tag
list as "Label: value" lines, then title, byline, summary and notes), each chapter from a new
page (heading in a larger font, chapter notes indented under their labels), the afterword
last; the PDF outline names each chapter and its page. That is rebuilt into AO3's download
layout and read by the AO3 reader, so the metadata keys and chapters match the other formats.
Any other PDF gives its text, a chapter per outline entry.

What a PDF loses, and how it is guessed back: paragraphs (a vertical gap larger than the
line step starts one; a paragraph that runs onto the next page continues unless the page's
last line ends a sentence), ``<br>`` lines inside a paragraph (a line stays its own line when
its text ends in a space, as Chromium writes most hard breaks, or when the next line's first
word would have fitted on it, counted in characters against the document's usual full line), words hyphenated at a
line end (a line ending in letter-hyphen is joined to the next without a space: right for
compounds such as "salt-streaked", the only kind Chromium breaks), scene breaks (a gap half as tall
again as the chapter's usual gap between paragraphs is taken for one; the rule or ornament
itself is not kept), tags containing a comma (a PDF tag list is split at commas), italics
and links. A scanned PDF (no text layer) is an
InputError.
"""

from __future__ import annotations

import io
import logging
import re
import statistics
from dataclasses import dataclass, field
from typing import Any

import lxml.html

from ficlens.errors import InputError
from ficlens.model import Document

_TAG_LABELS = (
    "Rating", "Ratings", "Archive Warning", "Archive Warnings", "Category", "Categories", "Fandom",
    "Fandoms", "Relationship", "Relationships", "Character", "Characters", "Additional Tags",
    "Language", "Series", "Collections", "Stats",
)  # fmt: skip
_TAG_LINE = re.compile(rf"^({'|'.join(_TAG_LABELS)}):\s*(.*)$")
_SENTENCE_END = re.compile(r"[.!?…\"”’')\]]\s*$")


def is_pdf(data: bytes) -> bool:
    return data[:1024].lstrip().startswith(b"%PDF-")


@dataclass
class _Line:
    x: float
    y: float
    size: float
    text: str = ""
    hard: bool = False  # ended with a space: a <br> in the source
    page: int = 0
    step: float = 0.0  # the document's usual distance between lines
    width: int = 0  # the document's usual number of characters in a full line


@dataclass
class _Block:
    """A run of lines: a paragraph's lines (each with whether a hard break follows)."""

    lines: list[_Line] = field(default_factory=list)
    gap: float = 0.0  # the space above it, on the same page (0 at a page's top)


def _page_lines(page: Any, index: int) -> list[_Line]:
    lines: list[_Line] = []
    current: _Line | None = None

    def visit(text: str, cm: Any, tm: Any, _font: Any, size: float) -> None:
        nonlocal current
        if not text:
            return
        x = tm[4] * cm[0] + cm[4]
        y = tm[5] * cm[3] + cm[5]
        scale = abs(tm[0] * cm[0]) or 1.0
        for i, piece in enumerate(text.split("\n")):
            if i > 0:
                current = None
            if not piece:
                continue
            if current is None or (i == 0 and abs(current.y - y) > 0.5 and piece.strip()):
                if not piece.strip() and current is None:
                    continue
                current = _Line(x=x, y=y, size=round(size * scale, 1), page=index)
                lines.append(current)
            current.text += piece

    page.extract_text(visitor_text=visit)
    for line in lines:
        line.hard = line.text.endswith((" ", "\u00a0"))
        line.text = re.sub(r"\s+", " ", line.text).strip()
    return [line for line in lines if line.text]


def _outline(reader: Any) -> list[tuple[str, int]]:
    out: list[tuple[str, int]] = []

    def walk(items: Any) -> None:
        for item in items:
            if isinstance(item, list):
                walk(item)
                continue
            try:
                out.append((str(item.title).strip(), reader.get_destination_page_number(item)))
            except Exception:  # an outline entry pointing nowhere
                continue

    try:
        walk(reader.outline)
    except Exception:
        return []
    return out


def _blocks(lines: list[_Line]) -> list[_Block]:
    """Paragraphs: a vertical gap larger than the usual line step, or a new page after a sentence end."""
    step = lines[0].step if lines else 0.0
    blocks: list[_Block] = []
    prev: _Line | None = None
    for line in lines:
        new = prev is None
        if prev is not None:
            if line.page != prev.page:
                new = bool(_SENTENCE_END.search(prev.text)) and not prev.hard or prev.hard
            else:
                new = step > 0 and (prev.y - line.y) > step * 1.4
        if new:
            blocks.append(_Block(gap=prev.y - line.y if prev is not None and prev.page == line.page else 0.0))
        blocks[-1].lines.append(line)
        prev = line
    return blocks


def _block_html(block: _Block, tag: str = "p") -> Any:
    el = lxml.html.Element(tag)
    parts: list[Any] = []
    text = ""
    for i, line in enumerate(block.lines):
        text += line.text
        last = i == len(block.lines) - 1
        if last:
            break
        following = block.lines[i + 1].text.split(" ", 1)[0]
        # A hard break: the line ends in a space, or the next line's first word would have fit on it.
        if line.hard or len(line.text) + 1 + len(following) < line.width * 0.85:
            parts.append(text)
            text = ""
        elif re.search(r"[^\W\d_]-$", line.text):
            continue
        else:
            text += " "
    parts.append(text)
    el.text = parts[0]
    for piece in parts[1:]:
        br = lxml.html.Element("br")
        br.tail = piece
        el.append(br)
    return el


def _E(tag: str, cls: str | None = None, ident: str | None = None, text: str | None = None) -> Any:
    el = lxml.html.Element(tag)
    if cls:
        el.set("class", cls)
    if ident:
        el.set("id", ident)
    if text is not None:
        el.text = text
    return el


class PdfReader:
    format = "pdf"

    def read(self, data: bytes, source: str) -> Document:
        import pypdf

        # pypdf logs what it repairs ("EOF marker not found"); a bad file becomes one InputError.
        logging.getLogger("pypdf").setLevel(logging.ERROR)
        try:
            reader = pypdf.PdfReader(io.BytesIO(data))
            if reader.is_encrypted and not reader.decrypt(""):
                raise InputError(source, "is an encrypted PDF (needs a password)")
            pages = [_page_lines(page, i) for i, page in enumerate(reader.pages)]
        except InputError:
            raise
        except Exception as err:  # pypdf raises many kinds for a broken file
            raise InputError(source, f"is not a readable PDF ({type(err).__name__}: {err})") from None
        if not any(pages):
            raise InputError(source, "PDF has no text layer (a scan?); run OCR first")
        steps = [a.y - b.y for page in pages for a, b in zip(page, page[1:], strict=False) if a.y > b.y]
        step = statistics.median(steps) if steps else 0.0
        lengths = sorted(len(line.text) for page in pages for line in page)
        width = lengths[int(len(lengths) * 0.9)] if lengths else 0
        for line in (line for page in pages for line in page):
            line.step, line.width = step, width
        outline = _outline(reader)
        head = " ".join(line.text for line in (pages[0] if pages else [])[:4])
        if "Posted originally on the Archive of Our Own" in head:
            from ficlens.ingest.ao3 import Ao3Reader

            doc = Ao3Reader().read_tree(_ao3_tree(pages, outline), source, [])
        else:
            from ficlens.ingest.kindle import sections_document

            doc = sections_document(_generic_sections(pages, outline), _pdf_metadata(reader), source)
        doc.format = self.format
        return doc


def _pdf_metadata(reader: Any) -> dict[str, Any]:
    info = reader.metadata or {}
    meta: dict[str, Any] = {}
    if info.get("/Title"):
        meta["title"] = str(info["/Title"]).strip()
    if info.get("/Author"):
        meta["authors"] = [str(info["/Author"]).strip()]
    return meta


def _generic_sections(pages: list[list[_Line]], outline: list[tuple[str, int]]) -> list[tuple[str, list[Any]]]:
    """Sections of a PDF that is not AO3's: a line in a large font heads one; else the outline's pages."""
    lines = [line for page in pages for line in page]
    sizes = [line.size for line in lines]
    body = statistics.median(sizes) if sizes else 0.0
    sections: list[tuple[str, list[_Line]]] = [("", [])]
    previous_big = False
    for line in lines:
        big = line.size > body * 1.2
        if big and previous_big:
            sections[-1] = ((sections[-1][0] + " " + line.text).strip(), sections[-1][1])
        elif big:
            sections.append((line.text, []))
        else:
            sections[-1][1].append(line)
        previous_big = big
    if len(sections) == 1:
        starts = {page: title for title, page in outline}
        sections = [("", [])]
        for line in lines:
            if line.page in starts and (not sections[-1][1] or sections[-1][1][-1].page != line.page):
                sections.append((starts.pop(line.page), []))
            sections[-1][1].append(line)
    return [(title, [_block_html(b) for b in _blocks(ls)]) for title, ls in sections if title or ls]


def _layout(pages: list[list[_Line]], outline: list[tuple[str, int]]) -> tuple[int, list[tuple[str, int]], int]:
    """(title page, [(chapter title, first page)], afterword's first page) of an AO3 PDF.

    The preface's title is the first line in a large font; each chapter starts a page with its
    heading in a large font. A one-shot's heading is hidden (and Calibre's outline sends it to
    page 0), so a one-shot is the pages after the title page, named by the outline.
    """
    sizes = [line.size for page in pages for line in page]
    body = statistics.median(sizes) if sizes else 0.0
    title_page = next((i for i, page in enumerate(pages) if any(line.size > body * 1.2 for line in page)), 0)
    starts = []
    for index in range(title_page + 1, len(pages)):
        lines = pages[index]
        if lines and lines[0].size > body * 1.2:
            starts.append((lines[0].text, index))
    after = len(pages)
    for index in range(len(pages) - 1, (starts[-1][1] if starts else title_page), -1):
        texts = [line.text for line in pages[index]]
        if texts and (texts[0] == "End Notes" or any("drop by the Archive and comment" in t for t in texts)):
            after = index
    if not starts and title_page + 1 < after:
        named = [t for t, _p in outline if t not in ("Preface", "Afterword")]
        starts = [(named[0] if named else "", title_page + 1)]
    return title_page, starts, after


def _labelled(lines: list[_Line], i: int, min_x: float) -> tuple[list[_Line], int]:
    """The lines after a label at ``i`` indented past ``min_x``: (lines, index after them)."""
    j = i + 1
    while j < len(lines) and lines[j].x > min_x and "drop by the Archive and comment" not in lines[j].text:
        j += 1
    return lines[i + 1 : j], j


def _ao3_tree(pages: list[list[_Line]], outline: list[tuple[str, int]]) -> Any:
    _title_page, chapters, after = _layout(pages, outline)
    first = chapters[0][1] if chapters else after
    html = _E("html")
    body = _E("body")
    html.append(body)
    preface = _E("div", ident="preface")
    meta = _E("div", "meta")
    dl = _E("dl", "tags")
    meta.append(dl)
    preface.append(meta)
    body.append(preface)
    _preface([line for page in pages[:first] for line in page], preface, meta, dl)
    container = _E("div", "userstuff", "chapters")
    body.append(container)
    one_shot = len(chapters) == 1
    for n, (title, start) in enumerate(chapters):
        end = chapters[n + 1][1] if n + 1 < len(chapters) else after
        _chapter(title, [line for page in pages[start:end] for line in page], container, one_shot, n + 1)
    afterword = _E("div", ident="afterword")
    body.append(afterword)
    lines = [line for page in pages[after:] for line in page]
    i = 0
    while i < len(lines):
        if lines[i].text == "End Notes":
            block, i = _labelled(lines, i, lines[i].x + 1)
            endnotes = _E("div", ident="endnotes")
            endnotes.append(_E("p", text="End Notes"))
            quote = _E("blockquote", "userstuff")
            quote.extend(_block_html(b) for b in _blocks(block))
            endnotes.append(quote)
            afterword.append(endnotes)
            continue
        i += 1
    return html


def _preface(lines: list[_Line], preface: Any, meta: Any, dl: Any) -> None:
    dd = None
    sizes = [line.size for line in lines]
    body_size = statistics.median(sizes) if sizes else 0
    i = 0
    title_seen = False
    while i < len(lines):
        line = lines[i]
        match = _TAG_LINE.match(line.text)
        if match and not title_seen:
            dl.append(_E("dt", text=match.group(1) + ":"))
            dd = _E("dd", text=match.group(2))
            dl.append(dd)
        elif line.text.startswith("Posted originally on the"):
            message = _E("p", "message", text=line.text)
            preface.insert(0, message)
            dd = None
        elif line.size > body_size * 1.2:
            if title_seen:
                meta[-1].text += " " + line.text
            else:
                meta.append(_E("h1", text=line.text))
            title_seen = True
            dd = None
        elif title_seen and line.text.startswith("by "):
            meta.append(_E("div", "byline", text=line.text))
        elif title_seen and line.text in ("Summary", "Notes"):
            block, i = _labelled(lines, i, line.x + 1)
            meta.append(_E("p", text=line.text))
            quote = _E("blockquote", "userstuff")
            quote.extend(_block_html(b) for b in _blocks(block))
            meta.append(quote)
            continue
        elif dd is not None and not title_seen:
            dd.text = (dd.text + " " + line.text).strip()  # the value's line, or a long tag list wrapping
        i += 1
    for dt in dl.iter("dt"):
        value = dt.getnext()
        series = re.fullmatch(r"Part (\d+) of (.+)", (value.text or "").strip()) if dt.text == "Series:" else None
        if series:  # the series link, as the HTML has it, for the AO3 reader's series rule
            value.text = f"Part {series.group(1)} of "
            link = _E("a", text=series.group(2))
            link.set("href", "/series/")
            value.append(link)


def _chapter(title: str, lines: list[_Line], container: Any, one_shot: bool, position: int) -> None:
    sizes = [line.size for line in lines]
    body_size = statistics.median(sizes) if sizes else 0
    i = 0
    group = _E("div", "meta group")
    heading_text = []
    while i < len(lines) and lines[i].size > body_size * 1.2:
        heading_text.append(lines[i].text)
        i += 1
    if heading_text:
        group.append(_E("h2", "heading", text=" ".join(heading_text)))
    elif one_shot:
        container.append(_E("h2", "toc-heading", text=title))
    else:
        group.append(_E("h2", "heading", text=title))
    body_x = statistics.median([line.x for line in lines[i:]]) if lines[i:] else 0
    while i < len(lines):
        line = lines[i]
        if line.text in ("Chapter Summary", "Chapter Notes") and line.x < body_x - 1:
            block, i = _labelled(lines, i, body_x + 1)
            group.append(_E("p", text=line.text))
            quote = _E("blockquote", "userstuff")
            quote.extend(_block_html(b) for b in _blocks(block))
            group.append(quote)
        elif line.text.startswith("(See the end of the chapter"):
            i += 1
        else:
            break
    end = len(lines)
    end_notes = None
    for j in range(len(lines) - 1, i - 1, -1):
        if lines[j].text == "Chapter End Notes" and lines[j].x < body_x - 1:
            block, _ = _labelled(lines, j, lines[j].x + 1)
            end_notes = _E("div", "meta", f"endnotes{position}")
            end_notes.append(_E("p", text="Chapter End Notes"))
            quote = _E("blockquote", "userstuff")
            quote.extend(_block_html(b) for b in _blocks(block))
            end_notes.append(quote)
            end = j
            break
    if len(group):
        container.append(group)
    text = _E("div", "userstuff")
    blocks = _blocks(lines[i:end])
    gaps = sorted(b.gap for b in blocks if b.gap > 0)
    usual = gaps[len(gaps) // 2] if gaps else 0.0
    for block in blocks:
        if usual and block.gap > usual * 1.4:
            text.append(_E("hr"))  # a scene break: a rule (invisible to pypdf) or extra space
        text.append(_block_html(block))
    container.append(text)
    if end_notes is not None:
        container.append(end_notes)
