"""PDF with ``pypdf``: text lines with their positions; AO3's PDF layout rebuilt and read as AO3.

AO3 makes its PDF with Calibre from its HTML download (older AO3 PDFs came from wkhtmltopdf,
same HTML): the preface (the tag list as "Label: value" lines, then the title in a large font,
byline, summary and notes), each chapter headed in a large font (chapter notes indented under
their labels), the afterword last. Pages only help where Calibre starts the story on a new
one; the rules work on the stream of lines. That is rebuilt into AO3's download
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
from ficlens.ingest._htmltext import ao3_download_frame
from ficlens.ingest._htmltext import element as _E
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
    merged: list[_Line] = []
    for line in (line for line in lines if line.text):
        last = merged[-1] if merged else None
        if last is not None and abs(last.y - line.y) <= 1.0 and line.x > last.x:
            # One line drawn in pieces (a link, italics; wkhtmltopdf draws each apart).
            glue = "" if re.match(r"[,.;:!?)\]]", line.text) or last.text.endswith("(") else " "
            last.text += glue + line.text
            last.hard = line.hard
            last.size = max(last.size, line.size) if last.text == line.text else last.size
        else:
            merged.append(line)
    return merged


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
            from ficlens.ingest._visible import rule_drops
            from ficlens.ingest.ao3 import Ao3Reader

            tree = _ao3_tree(pages, outline)
            dropped = rule_drops(tree)  # AO3's labels and boilerplate, for the words account
            doc = Ao3Reader().read_tree(tree, source, [])
            doc.metadata["dropped"] = dropped
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


def _labelled(lines: list[_Line], i: int, min_x: float) -> tuple[list[_Line], int]:
    """The lines after a label at ``i`` indented past ``min_x``: (lines, index after them)."""
    j = i + 1
    if j < len(lines):
        min_x = max(min_x, lines[j].x - 1)  # the note's own indent: text less indented is not the note's
    while j < len(lines) and lines[j].x > min_x and "drop by the Archive and comment" not in lines[j].text:
        if j > i + 1 and lines[j].page != lines[j - 1].page:
            break  # the story starts a new page (Calibre); a note running over a page is cut here
        j += 1
    return lines[i + 1 : j], j


def _ao3_tree(pages: list[list[_Line]], outline: list[tuple[str, int]]) -> Any:
    """AO3's download rebuilt from the lines of its PDF (Calibre's, or wkhtmltopdf's of older AO3).

    The preface runs to the title (the first line in a large font) and what follows it (byline,
    labelled summary and notes); then come the chapters, each headed by lines in a large font
    (a one-shot's heading is hidden, so a one-shot is all the rest), then the afterword: the
    "End Notes" label and the "drop by the Archive and comment" line.
    """
    lines = [line for page in pages for line in page]
    sizes = [line.size for line in lines]
    body_size = statistics.median(sizes) if sizes else 0.0
    html, body, preface, meta, dl = ao3_download_frame()
    meta.append(dl)
    preface.append(meta)
    body.append(preface)
    stop = _preface(lines, preface, meta, dl, body_size)
    please = max((j for j, line in enumerate(lines) if "drop by the Archive and comment" in line.text), default=len(lines))
    after = please
    for j in range(please - 1, stop - 1, -1):
        if lines[j].size > body_size * 1.2:
            break  # a chapter heading: no end notes after the last chapter
        if lines[j].text == "End Notes":
            after = j
            break
    starts = [
        j
        for j in range(stop, after)
        if lines[j].size > body_size * 1.2 and (j == stop or lines[j - 1].size <= body_size * 1.2)
    ]
    container = _E("div", "userstuff", "chapters")
    body.append(container)
    if not starts:
        named = [t for t, _p in outline if t not in ("Preface", "Afterword")]
        _chapter(named[0] if named else "", lines[stop:after], container, True, 1)
    for n, start in enumerate(starts):
        end = starts[n + 1] if n + 1 < len(starts) else after
        _chapter("", lines[start:end], container, False, n + 1)
    afterword = _E("div", ident="afterword")
    body.append(afterword)
    if after < len(lines) and lines[after].text == "End Notes":
        block, _ = _labelled(lines, after, lines[after].x + 1)
        endnotes = _E("div", ident="endnotes")
        endnotes.append(_E("p", text="End Notes"))
        quote = _E("blockquote", "userstuff")
        quote.extend(_block_html(b) for b in _blocks(block))
        endnotes.append(quote)
        afterword.append(endnotes)
    if please < len(lines):  # AO3's closing line, dropped by rule as in the HTML
        afterword.append(_E("p", "message", text=" ".join(line.text for line in lines[please:])))
    return html


def _preface(lines: list[_Line], preface: Any, meta: Any, dl: Any, body_size: float) -> int:
    """Fill the preface from the first lines; the index of the first line after it."""
    dd = None
    i = 0
    title_seen = False
    title_done = False
    before: list[str] = []  # lines above the "Posted originally" line: the work's title, in bold
    while i < len(lines):
        line = lines[i]
        big = line.size > body_size * 1.2
        if title_done and big:
            break  # the first chapter's heading
        if title_seen and not big:
            title_done = True
        match = _TAG_LINE.match(line.text)
        if match and not title_seen:
            dl.append(_E("dt", text=match.group(1) + ":"))
            dd = _E("dd", text=match.group(2))
            dl.append(dd)
        elif line.text.startswith("Posted originally on the"):
            message = _E("p", "message", text=" ".join([*before, line.text]))
            preface.insert(0, message)
            before = []
            dd = None
        elif big:
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
            if block:
                meta.append(_E("p", text=line.text))
                quote = _E("blockquote", "userstuff")
                quote.extend(_block_html(b) for b in _blocks(block))
                meta.append(quote)
            continue
        elif title_seen and line.text.startswith("(See the end of the work"):
            meta.append(_E("div", "endnote-link", text=line.text))
        elif title_seen:
            break  # the story (a one-shot's heading is hidden)
        elif dd is not None:
            dd.text = (dd.text + " " + line.text).strip()  # the value's line, or a long tag list wrapping
        elif not title_seen:
            before.append(line.text)
        i += 1
    for dt in dl.iter("dt"):
        value = dt.getnext()
        series = re.fullmatch(r"Part (\d+) of (.+)", (value.text or "").strip()) if dt.text == "Series:" else None
        if series:  # the series link, as the HTML has it, for the AO3 reader's series rule
            value.text = f"Part {series.group(1)} of "
            link = _E("a", text=series.group(2))
            link.set("href", "/series/")
            value.append(link)
    return i


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
            group.append(_E("div", "endnote-link", text=line.text))
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
