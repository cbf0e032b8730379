"""Readers: a story file -> ``Document`` with ``text``, ``metadata``, ``warnings`` and ``hints``.

``read_document(path)`` picks the reader by content (``detect.py``) unless ``format`` is given:
"text", "markdown", "html", "ao3", "epub", "fanficfare", "ffn", "mobi"/"azw3" (Kindle books,
unpacked by the ``mobi`` library) or "pdf". Every reader fills the
metadata keys in ``AO3_METADATA_KEYS`` (None or [] where absent) and
``metadata["front_matter_end"]``, the offset in ``text`` where the story proper starts.
``read_works(path)`` gives one ``Document`` per work: several for an EpubMerge book (each merged
book with its own metadata, ``metadata["work_index"]`` and ``metadata["book"]``), else
``[read_document(path)]``; ``work_count`` says how many without reading them, ``read_work`` reads one.
Problems a user can cause raise ``ficlens.errors.InputError``.
"""

from __future__ import annotations

import zipfile
from pathlib import Path

from ficlens.errors import InputError
from ficlens.ingest._common import (
    AO3_METADATA_KEYS,
    DEFAULT_MAX_BYTES,
    decode_bytes,
    metadata_keys,
    read_bytes,
    remove_invisible,
)
from ficlens.ingest._htmltext import decode_html, parse_html
from ficlens.ingest.account import account_words
from ficlens.ingest.ao3 import Ao3Reader
from ficlens.ingest.detect import (
    FORMATS,
    classify_html,
    detect_binary,
    detect_zip,
    is_zip,
    looks_like_html,
    looks_like_markdown,
)
from ficlens.ingest.epub import (
    EpubReader,
    check_zip,
    epubmerge_book,
    epubmerge_parts,
    epubmerge_work,
    series_metadata,
)
from ficlens.ingest.fanficfare import FanFicFareHtmlReader
from ficlens.ingest.ffn import FfnReader
from ficlens.ingest.html import HtmlReader
from ficlens.ingest.kindle import KindleReader
from ficlens.ingest.markdown import MarkdownReader
from ficlens.ingest.pdf import PdfReader
from ficlens.ingest.text import TextReader
from ficlens.model import Document

__all__ = [
    "AO3_METADATA_KEYS",
    "DEFAULT_MAX_BYTES",
    "FORMATS",
    "Ao3Reader",
    "EpubReader",
    "FanFicFareHtmlReader",
    "FfnReader",
    "HtmlReader",
    "KindleReader",
    "MarkdownReader",
    "PdfReader",
    "TextReader",
    "metadata_keys",
    "read_document",
    "read_work",
    "read_works",
    "work_count",
    "read_text_document",
]

_HTML_READERS = {"html": HtmlReader, "ao3": Ao3Reader, "fanficfare": FanFicFareHtmlReader, "ffn": FfnReader}


def read_document(path: Path, max_bytes: int = DEFAULT_MAX_BYTES, format: str | None = None) -> Document:
    """Read one story file; the reader is chosen by content unless ``format`` names one.

    Then the words account (``account.py``): ``metadata["account"]``, and a warning when more
    than 1% of the file's visible words are in neither the text nor the metadata.
    """
    path = Path(path)
    _check_format(path, format)
    return _read_one(path, read_bytes(path, max_bytes), max_bytes, format)


def work_count(path: Path, max_bytes: int = DEFAULT_MAX_BYTES, format: str | None = None) -> int:
    """How many works the file holds (the parts of an EpubMerge book; 1 for any other file).

    Cheap (the zip's directory and top OPF only) and never raises for a bad file: the reader
    says what is wrong with it (a corrupt zip, a file over ``max_bytes``) when it is read.
    """
    path = Path(path)
    if format not in (None, "epub", "fanficfare") or not path.is_file() or not zipfile.is_zipfile(path):
        return 1
    return max(len(epubmerge_parts(path)), 1)


def read_works(path: Path, max_bytes: int = DEFAULT_MAX_BYTES, format: str | None = None) -> list[Document]:
    """One Document per work: each merged book of an EpubMerge book, else ``[read_document(...)]``."""
    path = Path(path)
    _check_format(path, format)
    data = read_bytes(path, max_bytes)
    parts = _parts(data, format)
    if not parts:
        return [_read_one(path, data, max_bytes, format)]
    return [_read_work(data, str(path), parts, index, max_bytes) for index in range(1, len(parts) + 1)]


def read_work(path: Path, index: int, max_bytes: int = DEFAULT_MAX_BYTES, format: str | None = None) -> Document:
    """Work ``index`` (from 1) of the file, read on its own; ``source`` is ``<path>#work-<index>``.

    A file of one work has only work 1, which is ``read_document(path)``.
    """
    path = Path(path)
    _check_format(path, format)
    data = read_bytes(path, max_bytes)
    parts = _parts(data, format)
    if not parts and index == 1:
        return _read_one(path, data, max_bytes, format)
    if not 1 <= index <= len(parts):
        raise InputError(str(path), f"has no work {index} (it holds {max(len(parts), 1)})")
    return _read_work(data, str(path), parts, index, max_bytes)


def _parts(data: bytes, format: str | None) -> list[str]:
    return epubmerge_parts(data) if format in (None, "epub", "fanficfare") and is_zip(data) else []


def _read_work(data: bytes, source: str, parts: list[str], index: int, max_bytes: int) -> Document:
    check_zip(data, source, max_bytes)  # corrupt zips and zip bombs, before any extraction
    work = epubmerge_work(data, parts[index - 1])
    doc = EpubReader(max_bytes).read(work, f"{source}#work-{index}")
    remove_invisible(doc)
    account_words(doc, work)
    series_metadata(doc, epubmerge_book(data), index, len(parts))
    return doc


def _check_format(path: Path, format: str | None) -> None:
    if format is not None and format not in FORMATS:
        raise InputError(str(path), f"unknown format {format!r} (choose one of {', '.join(FORMATS)})")


def _read_one(path: Path, data: bytes, max_bytes: int, format: str | None) -> Document:
    """The file's one work by its reader, then the words account over the same bytes."""
    doc = _read(path, data, max_bytes, format)
    remove_invisible(doc)  # the readers' shared normalisation, before anything reads offsets
    account_words(doc, data)
    return doc


def _read(path: Path, data: bytes, max_bytes: int, format: str | None) -> Document:
    source = str(path)
    zipped = is_zip(data)
    if format == "epub" or (zipped and format in (None, "fanficfare")):
        if format is None:
            detect_zip(data, source)  # a zip that is not an EPUB is an error, not a story
        return EpubReader(max_bytes).read(data, source)
    binary = detect_binary(data) if format is None and not zipped else None
    if format in ("mobi", "azw3") or binary == "mobi":
        return KindleReader(max_bytes).read(data, source)
    if format == "pdf" or binary == "pdf":
        return PdfReader().read(data, source)
    decoded = decode_bytes(data, source)
    suffix = path.suffix.lower()
    html = format in _HTML_READERS or (format is None and looks_like_html(decoded.text, suffix))
    if html:
        text, warnings = decode_html(data, source)
        root = parse_html(text, warnings)
        fmt = format
        if fmt is None:
            fmt, more = classify_html(root)
            warnings.extend(more)
        return _HTML_READERS[fmt]().read_tree(root, source, warnings)
    if format == "markdown" or (format is None and looks_like_markdown(decoded.text, suffix)):
        doc = MarkdownReader().read_string(decoded.text, source, decoded.warnings)
    else:
        doc = TextReader().read_string(decoded.text, source, decoded.warnings)
    doc.metadata["encoding"] = decoded.encoding
    return doc


def read_text_document(text: str, source: str = "<string>") -> Document:
    """The text reader on a string (``ficlens.analyze("...story text...")``)."""
    doc = TextReader().read_string(text, source)
    remove_invisible(doc)
    return doc
