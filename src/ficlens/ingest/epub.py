"""EPUB 2/3 with EbookLib: spine order, one chapter per spine document unless headings say more.

Navigation, table-of-contents, cover and title pages are skipped. AO3 EPUBs (their preface
and afterword documents) and FanFicFare EPUBs (``title_page.xhtml``) give the same metadata
as their HTML files. The zip's declared sizes are checked against a limit before anything is
extracted, so a zip bomb is refused; a corrupt or truncated zip is an InputError.
"""

from __future__ import annotations

import io
import re
import zipfile
from typing import Any

from ficlens.errors import InputError
from ficlens.ingest._common import empty_metadata, human_size, split_names
from ficlens.ingest._htmltext import (
    TextBuilder,
    classes,
    inline_text,
    local_name,
    parse_html,
    plain_text,
)
from ficlens.ingest.ao3 import collect_chapters, finish_ao3_warnings, parse_preface, render_chapters
from ficlens.ingest.fanficfare import apply_entries, title_and_authors, title_entries
from ficlens.model import Document

# Uncompressed total allowed: ten times the file-size limit, at most 500 MB.
MAX_UNCOMPRESSED = 500 * 1024 * 1024
_SKIP_NAME = re.compile(
    r"(?:^|/)(?:cover|titlepage|title_page|title-page|toc|nav|contents|copyright|colophon|"
    r"toc_page|log_page|about|halftitle)[^/]*\.x?html?$",
    re.IGNORECASE,
)
_SPLIT = re.compile(r"_split_(\d+)\.x?html?$", re.IGNORECASE)
_SKIP_BODY_CLASSES = {"fff_tocpage", "fff_logpage", "fff_coverpage", "fff_titlepage"}


def check_zip(data: bytes, source: str, max_bytes: int) -> list[str]:
    """Refuse corrupt zips and zip bombs before extraction; return warnings."""
    limit = min(MAX_UNCOMPRESSED, 10 * max_bytes)
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as zf:
            infos = zf.infolist()
            total = 0
            for info in infos:
                if info.file_size > limit:
                    raise InputError(
                        source,
                        f"refusing to extract {info.filename!r}: it declares {human_size(info.file_size)} "
                        f"uncompressed, over the {human_size(limit)} limit (zip bomb?)",
                    )
                total += info.file_size
            if total > limit:
                raise InputError(
                    source,
                    f"refusing to extract: the EPUB declares {human_size(total)} uncompressed, "
                    f"over the {human_size(limit)} limit (zip bomb?)",
                )
            names = {i.filename for i in infos}
            warnings = []
            if "mimetype" not in names:
                warnings.append("EPUB has no mimetype file; read it anyway")
            elif zf.read("mimetype").strip() != b"application/epub+zip":
                warnings.append("EPUB mimetype is not application/epub+zip; read it anyway")
            return warnings
    except zipfile.BadZipFile as err:
        raise InputError(source, f"is not a readable EPUB (corrupt or truncated zip: {err})") from None


def _first(book: Any, name: str) -> str | None:
    values = book.get_metadata("DC", name)
    for value, _attrs in values:
        if value and str(value).strip():
            return str(value).strip()
    return None


def _book_metadata(book: Any) -> tuple[dict[str, Any], str | None]:
    meta = empty_metadata()
    meta["url"] = None
    meta["title"] = _first(book, "title")
    creators = [str(v).strip() for v, _a in book.get_metadata("DC", "creator") if v and str(v).strip()]
    meta["authors"] = [n for c in creators for n in (split_names(c) if " and " in c else [c])]
    meta["language"] = _first(book, "language")
    desc = _first(book, "description")
    if desc:
        meta["summary"] = plain_text(parse_html(desc)) if "<" in desc else desc
    meta["additional_tags"] = [str(v).strip() for v, _a in book.get_metadata("DC", "subject") if v]
    meta["published"] = _first(book, "date")
    producer = None
    publisher = (_first(book, "publisher") or "").lower()
    contributors = " ".join(str(v) for v, _a in book.get_metadata("DC", "contributor")).lower()
    if "archive of our own" in publisher:
        producer = "ao3"
    elif "fanficfare" in contributors:
        producer = "fanficfare"
    return meta, producer


def _merge(meta: dict[str, Any], extra: dict[str, Any]) -> None:
    """Values from the AO3 preface or FanFicFare title page win over the OPF's."""
    for key, value in extra.items():
        if key in ("front_matter_end", "chapter_notes", "chapter_titles"):
            continue
        if value not in (None, [], ""):
            meta[key] = value


def _has(root: Any, tag: str, cls: str) -> bool:
    return any(cls in classes(el) for el in root.iter(tag))


class EpubReader:
    format = "epub"

    def __init__(self, max_bytes: int | None = None) -> None:
        from ficlens.ingest._common import DEFAULT_MAX_BYTES

        self.max_bytes = max_bytes or DEFAULT_MAX_BYTES

    def read(self, data: bytes, source: str) -> Document:
        import ebooklib
        from ebooklib import epub

        warnings = check_zip(data, source, self.max_bytes)
        try:
            book = epub.read_epub(io.BytesIO(data), options={"ignore_ncx": True})
        except InputError:
            raise
        except Exception as err:  # EbookLib raises many kinds for a broken book
            raise InputError(source, f"is not a readable EPUB ({type(err).__name__}: {err})") from None
        meta, producer = _book_metadata(book)
        builder = TextBuilder()
        chapter_notes: list[dict[str, Any]] = []
        chapter_titles: list[str] = []
        for idref, linear in book.spine:
            item = book.get_item_with_id(idref)
            if item is None or item.get_type() != ebooklib.ITEM_DOCUMENT:
                continue
            if str(linear).lower() == "no" or isinstance(item, epub.EpubNav):
                continue
            name = item.get_name() or ""
            props = getattr(item, "properties", []) or []
            if "nav" in props:
                continue
            root = parse_html(item.get_content())
            body = root.find(".//body")
            body = body if body is not None else root
            body_cls = classes(body)
            # AO3 preface / afterword documents: metadata only.
            if root.xpath('//*[@id="preface"]') or _has(root, "dl", "tags") or (
                _has(root, "div", "byline") and not _has(root, "div", "userstuff")
            ):
                producer = producer or "ao3"
                _merge(meta, parse_preface(root))
                continue
            if root.xpath('//*[@id="afterword"] | //*[@id="endnotes"]'):
                end = parse_preface(root).get("end_notes")
                if end:
                    meta["end_notes"] = end
                continue
            # FanFicFare title page: "<b>Label:</b> value" entries.
            if "fff_titlepage" in body_cls or re.search(r"(?:^|/)title_page\.x?html?$", name):
                producer = producer or "fanficfare"
                heading = next((el for el in body.iter("h3", "h1") if el.find(".//a") is not None), None)
                extra = empty_metadata()
                if heading is not None:
                    title_and_authors(heading, extra)
                apply_entries(extra, title_entries(body))
                _merge(meta, extra)
                continue
            if body_cls & _SKIP_BODY_CLASSES or _SKIP_NAME.search(name):
                continue
            if not inline_text(body):
                continue  # an image-only page
            # AO3 chapter documents: same structure as div#chapters in the HTML download.
            if _has(root, "div", "userstuff") and (_has(root, "h2", "heading") or _has(root, "div", "meta")):
                container = next(iter(root.xpath('//*[@id="chapters"]')), body)
                sub = {"chapter_titles": [], "chapter_notes": []}
                render_chapters(builder, collect_chapters(container), sub)
                chapter_titles.extend(sub["chapter_titles"])
                chapter_notes.extend(sub["chapter_notes"])
                continue
            self._generic_document(builder, body, name, chapter_titles)
        builder.end_chapter()
        if not builder.text.strip():
            raise InputError(source, "EPUB has no story text (every spine document is empty or front matter)")
        meta["chapter_titles"] = chapter_titles
        if chapter_notes:
            meta["chapter_notes"] = chapter_notes
        meta["producer"] = producer
        finish_ao3_warnings(meta, builder.text, warnings)
        return Document(
            text=builder.text, source=source, format=self.format, metadata=meta, warnings=warnings, hints=builder.hints
        )

    @staticmethod
    def _generic_document(builder: TextBuilder, body: Any, name: str, titles: list[str]) -> None:
        """One chapter per document, or one per top-level heading when it holds several."""
        headings: list[Any] = []
        for level in ("h1", "h2", "h3"):
            headings = [h for h in body.iter(level) if inline_text(h)]
            if headings:
                break
        split = _SPLIT.search(name)
        continuation = split is not None and int(split.group(1)) > 0 and not headings
        marks: dict[Any, str] = {}
        if not continuation:
            first = headings[0] if headings else None
            # Text before the first heading belongs to the chapter the document opens.
            before = first is not None and _text_before(body, first)
            title = inline_text(first) if first is not None and not before else ""
            builder.start_chapter(title)
            if title:
                titles.append(title)
            for h in headings[1:] if not before else headings:
                marks[h] = inline_text(h)
                titles.append(marks[h])
        builder.walk(body, chapter_marks=marks)


def _text_before(body: Any, heading: Any) -> bool:
    """Is there text in ``body`` before ``heading``? (walks document order once)."""
    ancestors = set(heading.iterancestors())
    for el in body.iter():
        if el is heading:
            return False
        if local_name(el) is not None and el.text and el.text.strip():
            return True
        # An ancestor's tail comes after the heading; anyone else's comes before it.
        if el.tail and el.tail.strip() and el is not body and el not in ancestors:
            return True
    return False
