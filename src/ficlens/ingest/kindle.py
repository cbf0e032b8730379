"""MOBI and AZW3 (Kindle) books, unpacked by the ``mobi`` library, then read by the other readers.

``mobi.extract`` (KindleUnpack) turns a KF8 book (AZW3, or the KF8 half of a joint MOBI) into
an EPUB, read by ``EpubReader``: AO3's AZW3 is Calibre's split layout again. An old-style
MOBI (MOBI 6, what AO3's ``.mobi`` is) unpacks to one flat HTML file (``mobi7/book.html``)
where Calibre has turned every ``div``, class and id into ``<p>``/``<blockquote>``/``<font>``,
plus a ``toc.ncx`` whose entries point at ``filepos`` anchors. For an AO3 book that HTML is
rebuilt into AO3's download layout (``#preface`` with ``dl.tags``, ``#chapters`` with one
``h2.heading`` per table-of-contents entry, ``#afterword``) and read by the AO3 reader;
anything else is read as generic HTML with a chapter per table-of-contents entry.

What MOBI 6 loses: markup classes (so a paragraph that reads exactly "Chapter Notes" and is
followed by an indented block right after a chapter heading is taken for AO3's label), and
the one-shot's hidden title heading (the table of contents still names it).
"""

from __future__ import annotations

import re
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from lxml import etree

from ficlens.errors import InputError
from ficlens.ingest._htmltext import ao3_download_frame, inline_text, local_name, parse_html
from ficlens.ingest._htmltext import element as _E
from ficlens.model import Document

_FILEPOS_ANCHOR = re.compile(rb'<a\s+id="(filepos\d+)"\s*/>', re.IGNORECASE)
_PAGEBREAK = re.compile(rb"<mbp:pagebreak\s*/?>(?:\s*</mbp:pagebreak>)?", re.IGNORECASE)
_GUIDE_TOC = re.compile(rb'<reference[^>]*type="toc"[^>]*filepos=0*(\d+)', re.IGNORECASE)
_TAG_LABELS = {
    "rating", "ratings", "archive warning", "archive warnings", "category", "categories", "fandom",
    "fandoms", "relationship", "relationships", "character", "characters", "additional tags",
    "language", "series", "collections", "stats",
}  # fmt: skip
_PREFACE_NOTES = {"summary", "notes"}
_CHAPTER_NOTES = {"chapter summary", "chapter notes"}


def is_kindle(data: bytes) -> bool:
    """A PalmDB book with the MOBI type: ``BOOKMOBI`` at offset 60."""
    return data[60:68] == b"BOOKMOBI"


class KindleReader:
    format = "mobi"

    def __init__(self, max_bytes: int | None = None) -> None:
        self.max_bytes = max_bytes

    def read(self, data: bytes, source: str) -> Document:
        book = unpack(data, source)
        if book.epub is not None:
            from ficlens.ingest.epub import EpubReader

            doc = EpubReader(self.max_bytes).read(book.epub, source)
            doc.format = "azw3" if _kf8_only(data) else "mobi"
            return doc
        return read_mobi7_html(book.html or b"", book.ncx, source, self.format, book.opf)


@dataclass
class Unpacked:
    """What KindleUnpack makes of a book: the KF8 half as an EPUB, or MOBI 6's one HTML file
    with its ``toc.ncx`` and ``content.opf``."""

    epub: bytes | None = None
    html: bytes | None = None
    ncx: bytes = b""
    opf: bytes = b""


def unpack(data: bytes, source: str) -> Unpacked:
    """The book unpacked by the ``mobi`` library (KindleUnpack); an InputError when it cannot be.
    The reader and the words account (``account.py``) both start here."""
    try:
        from loguru import logger
        from mobi.kindleunpack import unpackBook
    except ImportError:
        raise InputError(
            source, "reading MOBI/AZW3 needs the 'mobi' package (pip install 'ficlens[kindle]')"
        ) from None
    logger.disable("mobi")
    with tempfile.TemporaryDirectory(prefix="ficlens-mobi-") as tmp:
        book = Path(tmp) / "book.mobi"
        book.write_bytes(data)
        out_dir = Path(tmp) / "out"
        out_dir.mkdir()
        try:
            unpackBook(str(book), str(out_dir), epubver="A")
        except Exception as err:  # KindleUnpack raises bare Exceptions (DRM, bad headers)
            problem = "DRM-protected" if "encrypted" in str(err).lower() else "truncated or corrupt"
            raise InputError(source, f"is not a readable MOBI/AZW3 book ({problem}: {err})") from None
        epub_file = out_dir / "mobi8" / "book.epub"
        html_file = out_dir / "mobi7" / "book.html"
        if epub_file.is_file():
            return Unpacked(epub=epub_file.read_bytes())
        if not html_file.is_file():
            raise InputError(source, "MOBI/AZW3 book has no text (KindleUnpack found none)")
        ncx, opf = html_file.parent / "toc.ncx", html_file.parent / "content.opf"
        return Unpacked(
            html=html_file.read_bytes(),
            ncx=ncx.read_bytes() if ncx.is_file() else b"",
            opf=opf.read_bytes() if opf.is_file() else b"",
        )


def _kf8_only(data: bytes) -> bool:
    """AZW3 is a KF8-only book: its first MOBI header says version 8."""
    # PalmDB header (78 bytes) + record list; record 0 starts at the first offset.
    if len(data) < 86:
        return False
    rec0 = int.from_bytes(data[78:82], "big")
    version = data[rec0 + 36 : rec0 + 40]
    return len(version) == 4 and int.from_bytes(version, "big") == 8


def _toc(ncx: bytes) -> list[tuple[str, str]]:
    """(label, anchor id) for each navPoint of the NCX, in order."""
    if not ncx.strip():
        return []
    try:
        root = etree.fromstring(ncx, etree.XMLParser(recover=True, resolve_entities=False, no_network=True))
    except etree.XMLSyntaxError:
        return []
    if root is None:
        return []
    out = []
    for point in root.iter("{*}navPoint"):
        label = " ".join("".join(t.itertext()) for t in point.iter("{*}text")).strip()
        content = next(point.iter("{*}content"), None)
        src = content.get("src", "") if content is not None else ""
        if "#" in src:
            out.append((re.sub(r"\s+", " ", label), src.split("#", 1)[1]))
    return out


def mobi7_tree(html: bytes, ncx: bytes) -> tuple[Any, list[tuple[str, str]], str | None]:
    """MOBI 6's unpacked HTML parsed: (its body or None, the NCX's (label, anchor id) entries,
    the anchor id where the book's own table of contents starts, from the OPF guide written
    into the HTML). The ``filepos`` anchors become empty ``<a id>`` elements."""
    guide = _GUIDE_TOC.search(html)
    html = _FILEPOS_ANCHOR.sub(rb'<a id="\1"></a>', html)
    html = _PAGEBREAK.sub(b'<hr class="mbp-pagebreak"/>', html)
    body = parse_html(html).find(".//body")
    toc_start = f"filepos{int(guide.group(1))}" if guide else None
    return body, _toc(ncx), toc_start


def read_mobi7_html(html: bytes, ncx: bytes, source: str, fmt: str = "mobi", opf: bytes = b"") -> Document:
    """An old-style MOBI's unpacked HTML (with its NCX and OPF) read into a Document."""
    from ficlens.ingest.ao3 import Ao3Reader

    body, toc, toc_start = mobi7_tree(html, ncx)
    if body is None:
        raise InputError(source, "MOBI book has no text")
    sections = _sections(body, toc, toc_start)
    opf_meta = _opf_metadata(opf)
    if _looks_ao3(sections):
        from ficlens.ingest._visible import rule_drops

        tree = _ao3_tree(sections)
        dropped = rule_drops(tree)  # AO3's labels and boilerplate, for the words account
        doc = Ao3Reader().read_tree(tree, source, [])
        doc.metadata["dropped"] = dropped
        for key, value in opf_meta.items():
            if doc.metadata.get(key) in (None, [], "") and key != "additional_tags":
                doc.metadata[key] = value
        doc.metadata["producer"] = "ao3"
    else:
        named = [(label or "", els) for label, els in sections]
        if len(named) == 1:  # no table of contents: MOBI 6's big bold lines were the headings
            named = _split_at_headings(named[0][1])
        doc = sections_document(named, opf_meta, source)
    doc.format = fmt
    return doc


def _split_at_headings(els: list[Any]) -> list[tuple[str, list[Any]]]:
    """Sections headed by a paragraph that is all large type (``<font size="5">`` or more)."""
    out: list[tuple[str, list[Any]]] = [("", [])]
    for el in els:
        font = el.find("font") if local_name(el) == "p" else None
        size = (font.get("size") or "") if font is not None else ""
        if size.isdigit() and int(size) >= 5 and inline_text(font) == inline_text(el) and inline_text(el):
            out.append((inline_text(el), []))
        else:
            out[-1][1].append(el)
    return [(title, section) for title, section in out if title or section]


def _opf_metadata(opf: bytes) -> dict[str, Any]:
    """Title, authors, language, summary, tags and date from the unpacked book's content.opf."""
    meta: dict[str, Any] = {}
    if not opf.strip():
        return meta
    try:
        root = etree.fromstring(opf, etree.XMLParser(recover=True, resolve_entities=False, no_network=True))
    except etree.XMLSyntaxError:
        return meta
    if root is None:
        return meta

    def values(name: str) -> list[str]:
        return [" ".join("".join(el.itertext()).split()) for el in root.iter(f"{{*}}{name}") if "".join(el.itertext()).strip()]

    if values("title"):
        meta["title"] = values("title")[0]
    if values("creator"):
        meta["authors"] = values("creator")
    if values("language"):
        meta["language"] = values("language")[0]
    if values("description"):
        from ficlens.ingest._htmltext import plain_text

        desc = values("description")[0]
        meta["summary"] = plain_text(parse_html(desc)) if "<" in desc else desc
    tags = [t for t in values("subject") if t != "Fanworks"]
    if tags:
        meta["additional_tags"] = tags
    if values("date"):
        meta["published"] = values("date")[0][:10]
    return meta


def sections_document(sections: list[tuple[str, list[Any]]], meta_in: dict[str, Any], source: str) -> Document:
    """A book that is not AO3's: one chapter per named section (a table-of-contents entry)."""
    from ficlens.ingest._common import empty_metadata, language_warning
    from ficlens.ingest._htmltext import TextBuilder

    meta = empty_metadata()
    meta.update({k: v for k, v in meta_in.items() if v not in (None, [], "")})
    builder = TextBuilder()
    titles: list[str] = []
    for label, els in sections:
        if label:
            builder.start_chapter(label)
            builder.add_heading(label)
            titles.append(label)
            if els and inline_text(els[0]) == label:
                els = els[1:]  # the section's own heading, already written
        elif titles:
            builder.start_chapter("")
        for el in els:
            builder.walk(el)
    builder.end_chapter()
    if not builder.text.strip():
        raise InputError(source, "book has no story text")
    meta["chapter_titles"] = titles
    warnings = []
    lang = str(meta.get("language") or "").lower()
    if lang and lang.split("-")[0] not in ("en", "eng", "english"):
        warnings.append(f"the book gives its language as {meta['language']}; ficlens's models are English-only")
    else:
        lw = language_warning(builder.text)
        if lw:
            warnings.append(lw)
    return Document(text=builder.text, source=source, format="mobi", metadata=meta, warnings=warnings, hints=builder.hints)


def _sections(body: Any, toc: list[tuple[str, str]], toc_start: str | None) -> list[tuple[str | None, list[Any]]]:
    """Body children grouped by table-of-contents entry: [(label or None, elements)]."""
    labels = dict((anchor, label) for label, anchor in toc)
    sections: list[tuple[str | None, list[Any]]] = [(None, [])]
    for child in list(body):
        if local_name(child) is None:
            continue
        ident = child.get("id") if local_name(child) == "a" else None
        if ident is not None and ident == toc_start:
            break  # the book's own table of contents, at the end
        if ident in labels:
            sections.append((labels[ident], []))
            continue
        if local_name(child) == "hr" and "mbp-pagebreak" in (child.get("class") or ""):
            continue
        sections[-1][1].append(child)
    return [(label, els) for label, els in sections if label is not None or any(inline_text(e) for e in els)]


def _looks_ao3(sections: list[tuple[str | None, list[Any]]]) -> bool:
    first = " ".join(inline_text(e) for _label, els in sections[:2] for e in els[:3])
    return "Archive of Our Own" in first and any(label == "Preface" for label, _ in sections[:2])


def _label(el: Any) -> str:
    return inline_text(el).rstrip(":").strip().lower()


def _is_big_centered(el: Any) -> bool:
    return local_name(el) == "p" and el.find(".//font[@size='5']") is not None


def _move_content(src: Any, tag: str, cls: str | None = None) -> Any:
    """A new element holding ``src``'s text and children."""
    el = _E(tag, cls)
    el.text = src.text
    for child in list(src):
        el.append(child)
    return el


def _ao3_tree(sections: list[tuple[str | None, list[Any]]]) -> Any:
    """AO3's download layout rebuilt from MOBI 6 sections (Preface, chapters, Afterword)."""
    html, body, preface, meta, dl = ao3_download_frame()
    chapters = _E("div", "userstuff", "chapters")
    afterword = _E("div", ident="afterword")
    chapter_sections = [(label, els) for label, els in sections if label not in (None, "Preface", "Afterword")]
    one_shot = len(chapter_sections) == 1
    for label, els in sections:
        if label in (None, "Preface"):
            _preface(els, preface, meta, dl)
        elif label == "Afterword":
            _afterword(els, afterword)
        else:
            _chapter(label or "", els, chapters, one_shot, len(chapters))
    meta.insert(0, dl)
    preface.append(meta)
    body.extend([preface, chapters, afterword])
    return html


def _pairs(els: list[Any], i: int, labels: set[str]) -> bool:
    return (
        i + 1 < len(els)
        and local_name(els[i]) == "p"
        and _label(els[i]) in labels
        and local_name(els[i + 1]) == "blockquote"
    )


def _note(els: list[Any], i: int) -> tuple[Any, int]:
    """The note after the label at ``i``: MOBI 6 gives each of its paragraphs a blockquote."""
    quote = _E("blockquote", "userstuff")
    j = i + 1
    while j < len(els) and local_name(els[j]) == "blockquote":
        quote.append(_move_content(els[j], "p"))
        j += 1
    return quote, j


def _preface(els: list[Any], preface: Any, meta: Any, dl: Any) -> None:
    i = 0
    while i < len(els):
        el = els[i]
        text = inline_text(el)
        bold = el.find("b") if local_name(el) == "p" else None
        if bold is not None and _label(el) in _TAG_LABELS and i + 1 < len(els) and local_name(els[i + 1]) == "blockquote":
            dt = _E("dt")
            dt.text = inline_text(el)
            dl.extend([dt, _move_content(els[i + 1], "dd")])
            i += 2
            continue
        if _pairs(els, i, _PREFACE_NOTES):
            quote, i = _note(els, i)
            meta.extend([el, quote])
            continue
        if "Posted originally on the" in text:
            preface.append(_move_content(el, "p", "message"))
        elif _is_big_centered(el):
            h1 = _E("h1")
            h1.text = text
            meta.append(h1)
        elif re.match(r"by\s", text) and el.find(".//a") is not None:
            meta.append(_move_content(el, "div", "byline"))
        elif text.startswith("(See the end of the work"):
            meta.append(_move_content(el, "div", "endnote-link"))  # AO3's link, dropped by rule
        i += 1


def _chapter(label: str, els: list[Any], chapters: Any, one_shot: bool, position: int) -> None:
    i = 0
    group = _E("div", "meta group")
    if els and _is_big_centered(els[0]):
        heading = _E("h2", "heading")
        heading.text = inline_text(els[0])
        group.append(heading)
        i = 1
    elif one_shot:
        heading = _E("h2", "toc-heading")  # AO3 hides the one-shot's (work title) heading
        heading.text = label
        chapters.append(heading)
    else:
        heading = _E("h2", "heading")
        heading.text = label
        group.append(heading)
    while i < len(els):
        if _pairs(els, i, _CHAPTER_NOTES):
            label = els[i]
            quote, i = _note(els, i)
            group.extend([label, quote])
        elif local_name(els[i]) == "p" and inline_text(els[i]).startswith("(See the end of the chapter"):
            group.append(_move_content(els[i], "div", "endnote-link"))  # AO3's link, dropped by rule
            i += 1
        elif local_name(els[i]) == "p" and _label(els[i]) in _CHAPTER_NOTES:
            label = _E("p")  # "Chapter Notes" over end notes only: a label, dropped by rule
            label.text = inline_text(els[i])
            group.append(label)
            i += 1
        else:
            break
    end = len(els)
    end_notes = None
    start = end
    while start - 1 > i and local_name(els[start - 1]) == "blockquote":
        start -= 1
    if start < end and _pairs(els, start - 1, {"chapter end notes"}):
        label = els[start - 1]
        quote, _ = _note(els, start - 1)
        end_notes = _E("div", "meta", f"endnotes{position}", children=[label, quote])
        end = start - 1
    if len(group):
        chapters.append(group)
    chapters.append(_E("div", "userstuff", children=els[i:end]))
    if end_notes is not None:
        chapters.append(end_notes)


def _afterword(els: list[Any], afterword: Any) -> None:
    i = 0
    while i < len(els):
        if _pairs(els, i, {"end notes"}):
            label = els[i]
            quote, i = _note(els, i)
            afterword.append(_E("div", ident="endnotes", children=[label, quote]))
            continue
        if "drop by the Archive and comment" in inline_text(els[i]):
            afterword.append(_move_content(els[i], "p", "message"))
        i += 1
