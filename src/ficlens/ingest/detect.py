"""Pick a reader by content (the extension only breaks ties for text vs. markdown).

zip with an EPUB mimetype (or container.xml)     -> epub
"BOOKMOBI" at offset 60 (PalmDB type)            -> mobi (MOBI and AZW3)
"%PDF-" at the start                             -> pdf
HTML with AO3 structure                          -> ao3
HTML with FanFicFare structure                   -> fanficfare
HTML with fanfiction.net structure (#storytext)  -> ffn
other HTML                                       -> html
markdown signals (front matter, # headings, .md) -> markdown
anything else                                    -> text
"""

from __future__ import annotations

import io
import re
import zipfile
from pathlib import Path
from typing import Any

from ficlens.errors import InputError

FORMATS = ("text", "markdown", "html", "ao3", "epub", "fanficfare", "ffn", "mobi", "azw3", "pdf")

_HTML_START = re.compile(r"^\s*(?:<\?xml[^>]*>\s*)?(?:<!--.*?-->\s*)*<(?:!doctype\s+html|html|head|body)\b", re.IGNORECASE | re.DOTALL)
_HTML_TAGS = re.compile(r"<(?:p|div|br|h[1-6]|span|em|i|b|hr|body|html|head|meta|title)\b[^>]*>", re.IGNORECASE)
_MD_HEADING = re.compile(r"^ {0,3}#{1,6}[ \t]+\S", re.MULTILINE)
_MD_FRONT = re.compile(r"\A---[ \t]*\r?\n(?:[A-Za-z_][\w -]*:.*\r?\n|[ \t]*-.*\r?\n|\s*\r?\n)+?(?:---|\.\.\.)[ \t]*(?:\r?\n|\Z)")
_MD_SETEXT = re.compile(r"^\S[^\n]{0,80}\r?\n={3,}[ \t]*$", re.MULTILINE)
_MD_EXT = {".md", ".markdown", ".mdown", ".mkd"}
_HTML_EXT = {".html", ".htm", ".xhtml"}


def is_zip(data: bytes) -> bool:
    return data[:4] in (b"PK\x03\x04", b"PK\x05\x06")


def detect_binary(data: bytes) -> str | None:
    """'mobi' for a MOBI/AZW3 book (PalmDB type BOOKMOBI at offset 60), 'pdf' for a PDF, else None."""
    if data[60:68] == b"BOOKMOBI":
        return "mobi"
    if data[:1024].lstrip().startswith(b"%PDF-"):
        return "pdf"
    return None


def detect_zip(data: bytes, source: str) -> str:
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as zf:
            names = set(zf.namelist())
            if "mimetype" in names and zf.getinfo("mimetype").file_size < 100:
                with zf.open("mimetype") as fh:  # bounded: a lying size header inflates no further
                    if fh.read(100).strip() == b"application/epub+zip":
                        return "epub"
            if "META-INF/container.xml" in names:
                return "epub"
    except zipfile.BadZipFile as err:
        raise InputError(source, f"is a corrupt or truncated zip/EPUB ({err})") from None
    raise InputError(source, "is a zip archive but not an EPUB (no mimetype or META-INF/container.xml)")


def looks_like_html(text: str, suffix: str = "") -> bool:
    head = text[:65536]
    if _HTML_START.match(head):
        return True
    tags = len(_HTML_TAGS.findall(head, 0, 65536))
    if suffix in _HTML_EXT:
        return tags >= 1
    # A text story may mention <br> once; HTML has many tags and starts with one.
    return head.lstrip().startswith("<") and tags >= 3


def looks_like_markdown(text: str, suffix: str = "") -> bool:
    if suffix in _MD_EXT:
        return True
    head = text[:200_000]
    if _MD_FRONT.match(head):
        return True
    return bool(_MD_HEADING.search(head) or _MD_SETEXT.search(head))


def classify_html(root: Any) -> tuple[str, list[str]]:
    """'ao3', 'fanficfare', 'ffn' or 'html' for a parsed page, with warnings."""
    from ficlens.ingest.ao3 import is_ao3
    from ficlens.ingest.fanficfare import is_fanficfare_html
    from ficlens.ingest.ffn import is_ffn

    if is_ao3(root):
        return "ao3", []
    if is_fanficfare_html(root):
        return "fanficfare", []
    if is_ffn(root):
        return "ffn", []
    body_text = root.text_content()[:20000] if root is not None else ""
    if "archive of our own" in body_text.lower() or "archiveofourown.org" in body_text.lower():
        return "html", [
            "mentions Archive of Our Own but lacks AO3's structure (div#preface with dl.tags, "
            "or #workskin); read as generic HTML, AO3 metadata not extracted"
        ]
    return "html", []


def detect_format(data: bytes, path: Path | None = None, text: str | None = None) -> str:
    """The format name for raw bytes (text is the decoded content when already known).

    HTML is reported as 'html' here; ``classify_html`` refines it once the page is parsed.
    """
    source = str(path) if path is not None else "<bytes>"
    suffix = path.suffix.lower() if path is not None else ""
    if is_zip(data):
        return detect_zip(data, source)
    binary = detect_binary(data)
    if binary is not None:
        return binary
    if text is None:
        text = data[:262144].decode("utf-8", errors="replace")
    if looks_like_html(text, suffix):
        return "html"
    if looks_like_markdown(text, suffix):
        return "markdown"
    return "text"
