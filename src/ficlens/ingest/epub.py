"""EPUB 2/3 with EbookLib: spine order, one chapter per spine document unless headings say more.

Each spine document gets a role from its markup and place (``_roles``). Navigation,
table-of-contents and cover pages are skipped. AO3 EPUBs (their preface and afterword
documents), FanFicFare EPUBs (``title_page.xhtml``) and books that other builders make from
AO3's pages (chapter documents in AO3's work-page markup, the work's notes in documents of
their own) give the same metadata and chapters as their HTML files. A page before the first
chapter that restates the book's metadata (FicHub's introduction, WebToEpub's information
page with fanfiction.net's story header, a builder's title page) is front matter: its
labelled values fill the metadata, its text is not story. A one-shot's heading that repeats
the work's title is not a chapter title. AO3's own EPUB (and AZW3), made by Calibre from its HTML download and
split into ``_split_NNN`` files, is joined back into that download and read by the AO3
reader (``calibre_ao3_tree``). The zip's declared sizes are checked against a limit before anything is
extracted, so a zip bomb is refused; a corrupt or truncated zip is an InputError.
An EpubMerge book (its top OPF lists each merged book's own OPF as ``origrootfile/xml``) holds
several works: ``epubmerge_parts`` finds them and ``epubmerge_work`` cuts one out as an EPUB of
its own, which this reader reads with its own metadata (``ficlens.ingest.read_works``).
"""

from __future__ import annotations

import copy
import io
import re
import struct
import zipfile
import zlib
from collections import Counter
from pathlib import Path
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
from ficlens.ingest.ao3 import (
    Ao3Reader,
    collect_chapters,
    finish_ao3_warnings,
    parse_preface,
    render_chapters,
)
from ficlens.ingest.fanficfare import apply_entries, title_and_authors, title_entries
from ficlens.ingest.ffn import header_metadata as ffn_header_metadata
from ficlens.model import Document

# Uncompressed total allowed: ten times the file-size limit, at most 500 MB.
MAX_UNCOMPRESSED = 500 * 1024 * 1024
# Spine documents that hold no story, by file name or FanFicFare body class. Title pages are
# skipped as story text too, but their metadata is read, so the words account (``account.py``)
# counts only the others as dropped.
_NOT_STORY_NAMES = "cover|toc|nav|contents|copyright|colophon|toc_page|log_page|about|halftitle"
DROPPED_NAME = re.compile(rf"(?:^|/)(?:{_NOT_STORY_NAMES})[^/]*\.x?html?$", re.IGNORECASE)
DROPPED_BODY_CLASSES = frozenset({"fff_tocpage", "fff_logpage", "fff_coverpage"})
_SKIP_NAME = re.compile(rf"(?:^|/)(?:titlepage|title_page|title-page|{_NOT_STORY_NAMES})[^/]*\.x?html?$", re.IGNORECASE)
_SPLIT = re.compile(r"_split_(\d+)\.x?html?$", re.IGNORECASE)
_SKIP_BODY_CLASSES = DROPPED_BODY_CLASSES | {"fff_titlepage"}


def check_zip(data: bytes, source: str, max_bytes: int) -> list[str]:
    """Refuse corrupt zips and zip bombs before extraction; return warnings.

    The declared sizes are checked first; then every member is inflated once, in bounded
    chunks (``_inflates_as_declared``), so a member whose header understates its size is
    refused after at most its declared size plus one chunk, before EbookLib reads it whole.
    """
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
            for info in infos:
                problem = _inflates_as_declared(data, info)
                if problem:
                    raise InputError(source, f"refusing to extract {info.filename!r}: {problem}")
            names = {i.filename for i in infos}
            warnings = []
            if "mimetype" not in names:
                warnings.append("EPUB has no mimetype file; read it anyway")
            elif read_member(zf, "mimetype").strip() != b"application/epub+zip":
                warnings.append("EPUB mimetype is not application/epub+zip; read it anyway")
            return warnings
    except zipfile.BadZipFile as err:
        raise InputError(source, f"is not a readable EPUB (corrupt or truncated zip: {err})") from None


_CHUNK = 1 << 16
_LOCAL_HEADER = struct.Struct("<4s2B4HL2L2H")


def _inflates_as_declared(data: bytes, info: zipfile.ZipInfo) -> str | None:
    """None when the member's data inflates to exactly its declared size, else the problem.

    Reads the raw deflate stream with zlib in chunks of at most ``_CHUNK`` output bytes, so a
    lying header costs no more memory than the size it declares."""
    if info.compress_type == zipfile.ZIP_STORED:
        return None if info.compress_size == info.file_size else "its stored size does not match its declared size"
    if info.compress_type != zipfile.ZIP_DEFLATED:
        return f"it uses compression method {info.compress_type}; EPUBs use deflate"
    head = data[info.header_offset : info.header_offset + _LOCAL_HEADER.size]
    if len(head) < _LOCAL_HEADER.size or head[:4] != b"PK\x03\x04":
        raise zipfile.BadZipFile(f"bad local header for {info.filename!r}")
    fields = _LOCAL_HEADER.unpack(head)
    start = info.header_offset + _LOCAL_HEADER.size + fields[-2] + fields[-1]
    raw = memoryview(data)[start : start + info.compress_size]
    inflater = zlib.decompressobj(-zlib.MAX_WBITS)
    out = 0
    pending = bytes(raw)
    try:
        while pending and not inflater.eof:
            out += len(inflater.decompress(pending, _CHUNK))
            if out > info.file_size:
                return f"it inflates past the {human_size(info.file_size)} its header declares (zip bomb?)"
            pending = inflater.unconsumed_tail
    except zlib.error as err:
        raise zipfile.BadZipFile(f"corrupt data in {info.filename!r} ({err})") from None
    if out != info.file_size:
        return f"it inflates to {human_size(out)}, not the {human_size(info.file_size)} its header declares"
    return None


def read_member(zf: zipfile.ZipFile, name: str | zipfile.ZipInfo) -> bytes:
    """A member's bytes, read in bounded chunks: zipfile stops at the declared size, where
    ``ZipFile.read`` would inflate a lying member whole before noticing."""
    with zf.open(name) as fh:
        return b"".join(iter(lambda: fh.read(_CHUNK), b""))


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
        from ebooklib import epub

        warnings = check_zip(data, source, self.max_bytes)
        try:
            book = epub.read_epub(io.BytesIO(data), options={"ignore_ncx": True})
        except InputError:
            raise
        except Exception as err:  # EbookLib raises many kinds for a broken book
            raise InputError(source, f"is not a readable EPUB ({type(err).__name__}: {err})") from None
        meta, producer = _book_metadata(book)
        spine = list(_spine_documents(book))
        roots = [parse_html(item.get_content()) for item in spine]
        joined = calibre_ao3_tree(roots)
        if joined is not None:
            return _read_calibre_ao3(joined, source, warnings, meta)
        builder = TextBuilder()
        chapter_notes: list[dict[str, Any]] = []
        chapter_titles: list[str] = []
        dropped: list[dict[str, str]] = []
        bodies = [_body(root) for root in roots]
        roles = _roles(spine, roots, bodies, _opf_words(book))
        one_shot = sum(1 for r in roles if r in ("chapter", "ao3_chapter")) == 1
        for item, root, body, role in zip(spine, roots, bodies, roles, strict=True):
            name = item.get_name() or ""
            if role == "ao3_preface":
                producer = producer or "ao3"
                _merge(meta, parse_preface(root))
                continue
            if role == "ao3_notes":
                # Work notes and end notes in documents of their own (AO3 markup, other builders).
                producer = producer or "ao3"
                extra = parse_preface(root)
                _merge(meta, {k: extra[k] for k in ("notes", "associations", "end_notes")})
                continue
            if role == "ao3_afterword":
                end = parse_preface(root).get("end_notes")
                if end:
                    meta["end_notes"] = end
                continue
            if role == "front_matter":
                # A page that restates the book's metadata (title, author, summary, "Label: value"
                # lines, the source site's story header): not story. Its labelled values fill
                # the metadata; the account reads the whole page from ``dropped``.
                extra = empty_metadata()
                apply_entries(extra, label_entries(body))
                _merge(extra, ffn_header_metadata(root))  # fanfiction.net's #profile_top
                if extra.get("rating"):
                    # fanfiction.net's "Rated: Fiction M": the rating is "M", as its reader gives it.
                    extra["rating"] = re.sub(r"^Fiction\s+", "", extra["rating"])
                _merge(meta, {k: v for k, v in extra.items() if k not in ("title", "authors")})
                dropped.append({"part": name, "reason": "front matter", "text": plain_text(body)})
                continue
            if role == "fff_title":
                producer = producer or "fanficfare"
                heading = next((el for el in body.iter("h3", "h1") if el.find(".//a") is not None), None)
                extra = empty_metadata()
                if heading is not None:
                    title_and_authors(heading, extra)
                apply_entries(extra, title_entries(body))
                _merge(meta, extra)
                continue
            if role == "skip":
                continue
            if role == "ao3_chapter":
                # AO3 chapter documents: same structure as div#chapters in the HTML download.
                container = next(iter(root.xpath('//*[@id="chapters"]')), body)
                sub = {"chapter_titles": [], "chapter_notes": []}
                render_chapters(builder, collect_chapters(container), sub)
                chapter_titles.extend(sub["chapter_titles"])
                chapter_notes.extend(sub["chapter_notes"])
                chrome = _notes_chrome(root)
                if chrome:
                    dropped.append({"part": name, "reason": "AO3 notes labels", "text": chrome})
                continue
            work_title = meta.get("title") if one_shot else None
            self._generic_document(builder, body, name, chapter_titles, work_title)
        builder.end_chapter()
        if not builder.text.strip():
            raise InputError(source, "EPUB has no story text (every spine document is empty or front matter)")
        meta["chapter_titles"] = chapter_titles
        if dropped:
            meta["dropped"] = dropped
        if chapter_notes:
            meta["chapter_notes"] = chapter_notes
        meta["producer"] = producer
        finish_ao3_warnings(meta, builder.text, warnings)
        return Document(
            text=builder.text, source=source, format=self.format, metadata=meta, warnings=warnings, hints=builder.hints
        )

    @staticmethod
    def _generic_document(
        builder: TextBuilder, body: Any, name: str, titles: list[str], work_title: str | None = None
    ) -> None:
        """One chapter per document, or one per top-level heading when it holds several.

        ``work_title`` is given when the book holds this one story document (a one-shot): a
        first heading that repeats the work's title heads the work, not a chapter, and is left
        out (the title is in the metadata).
        """
        headings: list[Any] = []
        for level in ("h1", "h2", "h3"):
            headings = [h for h in body.iter(level) if inline_text(h)]
            if headings:
                break
        split = _SPLIT.search(name)
        continuation = split is not None and int(split.group(1)) > 0 and not headings
        marks: dict[Any, str] = {}
        skip: list[Any] = []
        if not continuation:
            first = headings[0] if headings else None
            # Text before the first heading belongs to the chapter the document opens.
            before = first is not None and _text_before(body, first)
            title = inline_text(first) if first is not None and not before else ""
            if title and work_title and _same_title(title, work_title):
                skip.append(first)
                title = ""
            builder.start_chapter(title)
            if title:
                titles.append(title)
            for h in headings[1:] if not before else headings:
                marks[h] = inline_text(h)
                titles.append(marks[h])
        builder.walk(body, skip=skip, chapter_marks=marks)


def _notes_chrome(root: Any) -> str:
    """The text of AO3's notes modules outside the notes themselves: the "Notes:" label and
    "(See the end of the chapter for notes.)", which the AO3 reader leaves out."""
    out = []
    for module in root.iter("div"):
        if "notes" in classes(module):
            out.extend(plain_text(el) for el in module if local_name(el) not in (None, "blockquote"))
    return "\n".join(t for t in out if t)


def _body(root: Any) -> Any:
    body = root.find(".//body")
    return body if body is not None else root


def _same_title(a: str, b: str) -> bool:
    return " ".join(a.casefold().split()) == " ".join(b.casefold().split())


_USERSTUFF_DIV = '//div[contains(concat(" ", normalize-space(@class), " "), " userstuff ")]'
# AO3's chapter markup around a div.userstuff: the download's "meta group" with h2.heading, a
# work page's chapter preface (div.chapter.preface > h3.title), the hidden landmark heading.
_AO3_CHAPTER_MARKS = (
    '//h2[contains(concat(" ", normalize-space(@class), " "), " heading ")]'
    ' | //div[contains(concat(" ", normalize-space(@class), " "), " meta ")]'
    ' | //div[contains(concat(" ", normalize-space(@class), " "), " preface ")]'
    '//h3[contains(concat(" ", normalize-space(@class), " "), " title ")]'
    ' | //*[contains(concat(" ", normalize-space(@class), " "), " landmark ")]'
)


def _roles(spine: list[Any], roots: list[Any], bodies: list[Any], opf_words: Counter[str]) -> list[str]:
    """What each spine document is, from its markup and place in the spine.

    ``ao3_preface``/``ao3_afterword``/``ao3_notes`` and ``fff_title``: metadata only;
    ``skip``: cover, contents, image-only pages; ``front_matter``: a page before the first
    story document that restates the book's metadata (``_metadata_page``); ``ao3_chapter``
    and ``chapter``: story.
    """
    roles: list[str] = []
    story_seen = False
    for item, root, body in zip(spine, roots, bodies, strict=True):
        name = item.get_name() or ""
        has_userstuff = bool(root.xpath(_USERSTUFF_DIV))
        if root.xpath('//*[@id="preface"]') or _has(root, "dl", "tags") or (
            _has(root, "div", "byline") and not has_userstuff
        ):
            role = "ao3_preface"
        elif root.xpath('//*[@id="afterword"] | //*[@id="endnotes"]'):
            role = "ao3_afterword"
        elif "fff_titlepage" in classes(body) or re.search(r"(?:^|/)title_page\.x?html?$", name):
            role = "fff_title"
        elif not has_userstuff and any({"notes", "module"} <= classes(el) for el in root.iter("div")):
            role = "ao3_notes"
        elif has_userstuff and root.xpath(_AO3_CHAPTER_MARKS):
            role = "ao3_chapter"
        elif classes(body) & _SKIP_BODY_CLASSES or not inline_text(body):
            role = "skip"  # FanFicFare's contents and log pages, an image-only page
        elif not story_seen and _metadata_page(body, opf_words):
            role = "front_matter"
        elif _SKIP_NAME.search(name):
            role = "skip"  # cover, contents, copyright...
        else:
            role = "chapter"
        story_seen = story_seen or role in ("chapter", "ao3_chapter")
        roles.append(role)
    return roles


_WORD = re.compile(r"\w+")
# "Status: complete", "<b>By:</b> name", "Rated: Fiction M - Language: English - ...".
_LABEL_LINE = re.compile(r"^\s*[^\W\d_][\w '()/&-]{0,30}:\s*\S")
_LINE_TAGS = ("p", "div", "li", "dd", "dt", "span", "h1", "h2", "h3", "h4", "h5", "h6", "td")
_BLOCKS = frozenset(_LINE_TAGS) - {"span"} | {"blockquote", "ul", "ol", "table", "section"}
# Largest page taken for a metadata page, and the words it may hold that the metadata does not.
_METADATA_PAGE_WORDS = 1000
_METADATA_PAGE_UNEXPLAINED = 0.2


def _labelled_quote(el: Any) -> Any | None:
    """The blockquote of ``<div>Summary: <blockquote>...</blockquote></div>``, else None."""
    own = (el.text or "").strip()
    if not own.endswith(":") or not _LABEL_LINE.match(own + " x"):
        return None
    return next((c for c in el if local_name(c) == "blockquote"), None)


def _leaf(el: Any) -> bool:
    return not any(local_name(d) in _BLOCKS for d in el.iterdescendants())


def label_entries(body: Any) -> dict[str, str]:
    """``Label: value`` lines of a metadata page, labels lower-cased.

    A line is a block of its own (``<p>Status: complete</p>``, ``<p><b>By:</b> name</p>``); a
    line of several (``Rated: Fiction M - Language: English - Genre: Romance``) gives one entry
    each; ``Summary:`` followed by a blockquote takes the blockquote's text.
    """
    out: dict[str, str] = {}
    for el in body.iter(*_LINE_TAGS):
        if local_name(el) == "span" and el.getparent() is not None and local_name(el.getparent()) == "span":
            continue
        if _labelled_quote(el) is not None:
            label, _, value = plain_text(el).partition(":")  # the summary runs on after the quote
            out.setdefault(label.strip().lower(), value.strip())
            continue
        if not _leaf(el):
            continue
        text = inline_text(el) or ""
        if not _LABEL_LINE.match(text):
            continue
        pieces = [text]
        if " - " in text:
            parts = text.split(" - ")
            if all(_LABEL_LINE.match(part) for part in parts[:2]):
                pieces = parts
        for piece in pieces:
            label, _, value = piece.partition(":")
            if value.strip() and _LABEL_LINE.match(piece):
                out.setdefault(label.strip().lower(), value.strip())
    return out


def _opf_words(book: Any) -> Counter[str]:
    """Case-folded words of the OPF's Dublin Core metadata (title, creators, description...)."""
    out: Counter[str] = Counter()
    for field in ("title", "creator", "description", "subject", "publisher", "identifier", "source", "contributor"):
        for value, _attrs in book.get_metadata("DC", field):
            if value:
                text = plain_text(parse_html(str(value))) if "<" in str(value) else str(value)
                out.update(w.casefold() for w in _WORD.findall(text))
    return out


def _metadata_page(body: Any, opf_words: Counter[str]) -> bool:
    """Does this page hold metadata rather than story?

    Its words are explained by: the OPF's metadata (title, author, summary), "Label: value"
    lines, link texts, and fanfiction.net's story header (``#profile_top``, which a saved
    page or a WebToEpub information page carries). A page is metadata when at most a fifth
    of its words (and never more than 200) are explained by none of these. Each word of the
    metadata explains one word of the page, so a chapter's common words are not all explained
    by a summary that holds them once.
    """
    total = len(_WORD.findall(plain_text(body)))
    if not total or total > _METADATA_PAGE_WORDS:
        return False
    page = copy.deepcopy(body)
    for el in list(page.iter()):
        if local_name(el) is None or el.getparent() is None:
            continue
        # A label line is one block of its own (a wrapper that opens with a label is not).
        line = local_name(el) in _LINE_TAGS and (
            _leaf(el) and _LABEL_LINE.match(inline_text(el) or "") or _labelled_quote(el) is not None
        )
        if el.get("id") == "profile_top" or local_name(el) == "a" or line:
            _drop(el)
    rest = Counter(w.casefold() for w in _WORD.findall(plain_text(page)))
    unexplained = sum((rest - opf_words).values())
    return unexplained <= min(200, _METADATA_PAGE_UNEXPLAINED * total)


def _spine_documents(book: Any) -> Any:
    """The linear XHTML documents of the spine, in order (no navigation document)."""
    import ebooklib
    from ebooklib import epub

    for idref, linear in book.spine:
        item = book.get_item_with_id(idref)
        if item is None or item.get_type() != ebooklib.ITEM_DOCUMENT:
            continue
        if str(linear).lower() == "no" or isinstance(item, epub.EpubNav):
            continue
        if "nav" in (getattr(item, "properties", []) or []):
            continue
        yield item


_CALIBRE_USERSTUFF = re.compile(r"^userstuff\d+$")
_ENDNOTES_ID = re.compile(r"^endnotes\d*$")


def calibre_ao3_tree(roots: list[Any]) -> Any | None:
    """AO3's one HTML download back from the files Calibre split it into; None if not that.

    AO3 makes its EPUB (and AZW3) with Calibre from one HTML file: ``div#preface``,
    ``div#chapters``, ``div#afterword``. Calibre splits it into ``_split_NNN`` files, repeating
    the open ancestors (with their ids) in each, so one file may end a chapter and start the
    afterword, and a long chapter spans files. Joining the files where they repeat an id gives
    the download back. Calibre also renames classes; the AO3 reader needs ``userstuff``
    (``userstuff1``, ``userstuff2``), ``meta group`` around ``h2.heading`` and ``meta`` on the
    chapter end notes (both renamed ``calibreN``), so those are restored.
    """
    bodies = []
    for root in roots:
        body = root.find(".//body")
        bodies.append(body if body is not None else root)
    if not any(b.xpath('.//*[@id="chapters"]') for b in bodies):
        return None
    if not any(
        b.xpath('.//*[@id="preface"]//dl[contains(concat(" ", @class, " "), " tags ")]')
        for b in bodies
    ):
        return None
    first = copy.deepcopy(roots[0])
    target = first.find(".//body")
    if target is None:
        return None
    for body in bodies[1:]:
        _join(target, copy.deepcopy(body))
    for chapters in target.xpath('.//*[@id="chapters"]'):
        for child in list(chapters):
            # Calibre's empty page-break markers (div#calibre_pb_N) would open an empty chapter.
            if local_name(child) == "div" and not inline_text(child) and not child.xpath(".//img"):
                _drop(child)
    for el in target.iter():
        if local_name(el) is None:
            continue
        cls = classes(el)
        add = {"userstuff"} if any(_CALIBRE_USERSTUFF.match(c) for c in cls) else set()
        if _ENDNOTES_ID.match(el.get("id") or "") and el.get("id") != "endnotes":
            add.add("meta")
        if add:
            el.set("class", " ".join(sorted(cls | add)))
        parent = el.getparent()
        if (
            local_name(el) == "h2"
            and "heading" in cls
            and parent is not None
            and local_name(parent) == "div"
            and parent.get("id") != "chapters"
        ):
            parent.set("class", " ".join(sorted(classes(parent) | {"meta", "group"})))
    return first


def _drop(el: Any) -> None:
    """Remove ``el`` but keep its tail text."""
    parent = el.getparent()
    if el.tail and el.tail.strip():
        prev = el.getprevious()
        if prev is not None:
            prev.tail = (prev.tail or "") + el.tail
        else:
            parent.text = (parent.text or "") + el.tail
    parent.remove(el)


def _join(target: Any, source: Any) -> None:
    """Append ``source``'s content to ``target``, merging a first child that repeats target's last one."""
    if source.text and source.text.strip():
        if len(target):
            target[-1].tail = (target[-1].tail or "") + source.text
        else:
            target.text = (target.text or "") + source.text
    for child in list(source):
        last = target[-1] if len(target) else None
        ident = child.get("id") if local_name(child) is not None else None
        if (
            last is not None
            and ident
            and last.get("id") == ident
            and local_name(last) == local_name(child)
        ):
            tail = child.tail
            _join(last, child)
            last.tail = (last.tail or "") + (tail or "")
        else:
            target.append(child)


def _read_calibre_ao3(
    root: Any, source: str, warnings: list[str], opf_meta: dict[str, Any]
) -> Document:
    """The AO3 reader on the joined download; the OPF fills what the preface lacks."""
    doc = Ao3Reader().read_tree(root, source, warnings)
    meta = doc.metadata
    for key, value in opf_meta.items():
        if key == "additional_tags":
            continue  # dc:subject mixes every tag kind; the preface's dl.tags labels them
        if meta.get(key) in (None, [], "") and value not in (None, [], ""):
            meta[key] = value
    if not meta.get("rating") and opf_meta.get("additional_tags"):
        _subjects_to_tags(opf_meta["additional_tags"], meta)
    meta["producer"] = "ao3"
    doc.format = EpubReader.format
    return doc


_RATINGS = {"General Audiences", "Teen And Up Audiences", "Mature", "Explicit", "Not Rated"}
_CATEGORIES = {"F/F", "F/M", "Gen", "M/M", "Multi", "Other"}
_WARNINGS = {
    "Choose Not To Use Archive Warnings",
    "Creator Chose Not To Use Archive Warnings",
    "No Archive Warnings Apply",
    "Graphic Depictions Of Violence",
    "Major Character Death",
    "Rape/Non-Con",
    "Underage",
    "Underage Sex",
}


def _subjects_to_tags(subjects: list[str], meta: dict[str, Any]) -> None:
    """AO3's ``dc:subject`` order when no preface labels the tags.

    The list runs Fanworks, rating, fandoms, relationships, characters, additional tags,
    category, warnings. Rating, categories and warnings come from AO3's fixed vocabularies
    (from the ends of the list); the rest cannot be told apart without the preface and stay
    in ``additional_tags``.
    """
    rest = [s for s in subjects if s != "Fanworks"]
    if rest and rest[0] in _RATINGS:
        meta["rating"] = rest.pop(0)
    warnings: list[str] = []
    while rest and rest[-1] in _WARNINGS:
        warnings.insert(0, rest.pop())
    cats: list[str] = []
    while rest and rest[-1] in _CATEGORIES:
        cats.insert(0, rest.pop())
    meta["archive_warnings"] = meta["archive_warnings"] or warnings
    meta["categories"] = meta["categories"] or cats
    meta["additional_tags"] = meta["additional_tags"] or rest


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


# --- EpubMerge: one book, several works ---------------------------------------------
# EpubMerge keeps each merged book's own OPF in the merged manifest under this media type
# ("origrootfile/xml"; its NCX as "origtocncx/xml"), each book in a numbered folder.
_EPUBMERGE_ROOTFILE = "origrootfile/xml"
_CONTAINER = (
    '<?xml version="1.0" encoding="utf-8"?>\n'
    '<container version="1.0" xmlns="urn:oasis:names:tc:opendocument:xmlns:container">'
    '<rootfiles><rootfile full-path="{opf}" media-type="application/oebps-package+xml"/></rootfiles></container>'
)


def _top_opf(zf: zipfile.ZipFile) -> str | None:
    from lxml import etree

    try:
        root = etree.fromstring(read_member(zf, "META-INF/container.xml"))
    except (KeyError, etree.XMLSyntaxError):
        return None
    for el in root.iter("{*}rootfile"):
        if el.get("full-path"):
            return str(el.get("full-path"))
    return None


def epubmerge_parts(data: bytes | Path) -> list[str]:
    """The OPF path (inside the zip) of each work of an EpubMerge book, in the book's order.

    An EpubMerge book is recognised by its top OPF's manifest, which lists every merged book's
    own OPF with the media type ``origrootfile/xml``. Any other EPUB, or a zip that cannot be
    read, gives ``[]`` (the reader then reads it, or says what is wrong with it). Given a path,
    only the zip's directory and top OPF are read.
    """
    from lxml import etree

    try:
        with zipfile.ZipFile(io.BytesIO(data) if isinstance(data, bytes) else data) as zf:
            top = _top_opf(zf)
            if top is None:
                return []
            if zf.getinfo(top).file_size > 64 * 1024 * 1024:
                return []  # not read here; the reader's zip checks refuse it
            root = etree.fromstring(read_member(zf, top))
            names = set(zf.namelist())
    except (zipfile.BadZipFile, KeyError, OSError, etree.XMLSyntaxError, ValueError):
        return []
    base = top.rsplit("/", 1)[0] + "/" if "/" in top else ""
    parts = []
    for item in root.iter("{*}item"):
        if item.get("media-type") == _EPUBMERGE_ROOTFILE and item.get("href"):
            path = base + str(item.get("href"))
            if path in names and path not in parts:
                parts.append(path)
    return parts


def epubmerge_work(data: bytes, opf: str) -> bytes:
    """One merged book as an EPUB of its own: its folder, with a container naming its OPF."""
    folder = opf.rsplit("/", 1)[0] + "/" if "/" in opf else ""
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as zf, zipfile.ZipFile(out, "w") as sub:
        sub.writestr(zipfile.ZipInfo("mimetype"), b"application/epub+zip")
        sub.writestr("META-INF/container.xml", _CONTAINER.format(opf=opf))
        for info in zf.infolist():
            if folder and info.filename.startswith(folder) and not info.is_dir():
                sub.writestr(info.filename, read_member(zf, info), compress_type=zipfile.ZIP_DEFLATED)
    return out.getvalue()


def series_metadata(doc: Document, book: dict[str, Any], index: int, count: int) -> None:
    """Mark a merged book's work: which part of which book it is (``work_index``, ``book``).

    The work's own series (AO3's "Part 2 of ...", read from its title page) is kept; a work
    without one gets the merged book as its series.
    """
    doc.metadata["work_index"] = index
    doc.metadata["book"] = {"title": book.get("title"), "works": count, "merged_by": "EpubMerge", "url": book.get("url")}
    if not doc.metadata.get("series"):
        doc.metadata["series"] = [{"title": book.get("title"), "part": index}]


def epubmerge_book(data: bytes) -> dict[str, Any]:
    """The merged book's own title and URL (its top OPF)."""
    from lxml import etree

    with zipfile.ZipFile(io.BytesIO(data)) as zf:
        top = _top_opf(zf)
        root = etree.fromstring(read_member(zf, top)) if top else None
    if root is None:
        return {"title": None, "url": None}
    title = next((t.text.strip() for t in root.iter("{*}title") if t.text and t.text.strip()), None)
    url = next((t.text.strip() for t in root.iter("{*}source") if t.text and t.text.strip()), None)
    return {"title": title, "url": url}
