"""Shared pieces of the readers: reading bytes safely, decoding, front matter, language check.

Everything here is linear in the size of the input: a 50 MB file with no line breaks
must not hang a reader.
"""

from __future__ import annotations

import bisect
import codecs
import re
import stat
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import ftfy
from ftfy import badness

from ficlens.errors import InputError
from ficlens.model import Document, Hint, HintKind

DEFAULT_MAX_BYTES = 50 * 1024 * 1024

# The metadata keys every reader fills (None or [] where the source says nothing), so a
# corpus table has the same columns whatever the format. AO3 defines the vocabulary.
AO3_METADATA_KEYS: tuple[str, ...] = (
    "title",
    "authors",
    "rating",
    "archive_warnings",
    "categories",
    "fandoms",
    "relationships",
    "characters",
    "additional_tags",
    "language",
    "series",
    "collections",
    "published",
    "updated",
    "completed",
    "words",
    "chapters",
    "summary",
    "notes",
    "end_notes",
    "chapter_titles",
)
_LIST_KEYS = frozenset(
    {
        "authors",
        "archive_warnings",
        "categories",
        "fandoms",
        "relationships",
        "characters",
        "additional_tags",
        "series",
        "collections",
        "chapter_titles",
    }
)


def metadata_keys() -> tuple[str, ...]:
    """The metadata keys every reader sets (AO3's vocabulary)."""
    return AO3_METADATA_KEYS


def empty_metadata() -> dict[str, Any]:
    meta: dict[str, Any] = {key: ([] if key in _LIST_KEYS else None) for key in AO3_METADATA_KEYS}
    meta["front_matter_end"] = 0
    return meta


# --- reading -------------------------------------------------------------------

_MAGIC: tuple[tuple[bytes, str], ...] = (
    (b"\x89PNG\r\n\x1a\n", "a PNG image"),
    (b"\xff\xd8\xff", "a JPEG image"),
    (b"GIF87a", "a GIF image"),
    (b"GIF89a", "a GIF image"),
    (b"%PDF-", "a PDF (convert it to text or EPUB first)"),
    (b"\x1f\x8b", "a gzip archive"),
    (b"BZh", "a bzip2 archive"),
    (b"\xfd7zXZ\x00", "an xz archive"),
    (b"7z\xbc\xaf\x27\x1c", "a 7-Zip archive"),
    (b"Rar!\x1a\x07", "a RAR archive"),
    (b"\x7fELF", "an executable"),
    (b"MZ", "a Windows executable"),
    (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", "an old Word/Office document (save it as text, HTML or EPUB)"),
    (b"{\\rtf", "an RTF document (save it as text, HTML or EPUB)"),
)


def human_size(n: int) -> str:
    if n >= 1024 * 1024:
        return f"{n / (1024 * 1024):.1f} MB"
    if n >= 1024:
        return f"{n / 1024:.1f} KB"
    return f"{n} bytes"


def read_bytes(path: Path, max_bytes: int) -> bytes:
    """The file's bytes, or an InputError for a missing, odd, unreadable, empty or huge file."""
    where = str(path)
    try:
        st = path.stat()
    except FileNotFoundError:
        raise InputError(where, "no such file") from None
    except PermissionError:
        raise InputError(where, "cannot be read (permission denied)") from None
    except OSError as err:
        raise InputError(where, f"cannot be read ({err.strerror or err})") from None
    if stat.S_ISDIR(st.st_mode):
        raise InputError(where, "is a directory, not a story file (pass one file)")
    if not stat.S_ISREG(st.st_mode):
        raise InputError(where, "is not a regular file")
    if st.st_size > max_bytes:
        raise InputError(where, _too_big(st.st_size, max_bytes))
    try:
        with path.open("rb") as fh:
            # Read one byte past the size stat() gave (read(n) allocates n bytes up front, so
            # not max_bytes + 1 for every small file); a file that grew since is read on, to
            # one byte past the limit.
            want = min(st.st_size, max_bytes) + 1
            data = fh.read(want)
            if len(data) == want and want <= max_bytes:
                data += fh.read(max_bytes + 1 - len(data))
    except PermissionError:
        raise InputError(where, "cannot be read (permission denied)") from None
    except OSError as err:
        raise InputError(where, f"cannot be read ({err.strerror or err})") from None
    if len(data) > max_bytes:
        raise InputError(where, _too_big(len(data), max_bytes))
    if not data.strip():
        raise InputError(where, "is empty" if not data else "is empty (only whitespace)")
    return data


def _too_big(size: int, limit: int) -> str:
    return (
        f"file is {human_size(size)}, over the {human_size(limit)} limit "
        f"(raise it with --max-size)"
    )


def binary_kind(data: bytes) -> str | None:
    """A name for a known binary format by its magic number, else None."""
    for magic, name in _MAGIC:
        if data.startswith(magic):
            return name
    return None


# --- decoding ------------------------------------------------------------------

_BOMS: tuple[tuple[bytes, str], ...] = (
    (codecs.BOM_UTF32_LE, "utf-32"),
    (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)

# Control characters that never occur in prose (tab, LF, VT, FF, CR and ESC excluded).
_CONTROL = re.compile(r"[\x00-\x08\x0e-\x1a\x1c-\x1f\x7f]")
_C1 = re.compile(r"[\x80-\x9f]")
# A cheap necessary condition for the mojibake ftfy fixes: a UTF-8 lead byte read as
# Latin-1/cp1252 (Â, Ã, â, ð, ...) followed by a continuation byte read the same way, a C1
# control, cp437's "ΓÇ", or U+FFFD. ftfy's own badness regex is ~0.2 s/MB, too slow to run
# on every clean 50 MB file, so it only confirms what this finds.
_MOJIBAKE_HINT = re.compile(
    "[\u00c2-\u00f4][\u0080-\u00bf\u0152\u0153\u0160\u0161\u0178\u017d\u017e\u0192"
    "\u02c6\u02dc\u2013\u2014\u2018-\u201e\u2020-\u2022\u2026\u2030\u2039\u203a\u20ac\u2122]"
    "|[\u0080-\u009f]|\u0393\u00c7|\ufffd"
)

# ftfy with everything off except real mojibake repair: quotes stay curly, line breaks,
# ligatures, widths and Unicode normalisation stay as written.
_FTFY_CONFIG = ftfy.TextFixerConfig(
    unescape_html=False,
    remove_terminal_escapes=False,
    fix_encoding=True,
    restore_byte_a0=True,
    replace_lossy_sequences=True,
    decode_inconsistent_utf8=True,
    fix_c1_controls=True,
    fix_latin_ligatures=False,
    fix_character_width=False,
    uncurl_quotes=False,
    fix_line_breaks=False,
    fix_surrogates=True,
    remove_control_chars=False,
    normalization=None,
    explain=False,
)


@dataclass
class Decoded:
    text: str
    encoding: str
    warnings: list[str] = field(default_factory=list)


def _looks_utf16(data: bytes) -> str | None:
    """UTF-16 without a BOM: ASCII-range text has a NUL in every other byte."""
    head = data[:4096]
    if len(head) < 4:
        return None
    even = head[0::2].count(0)
    odd = head[1::2].count(0)
    half = len(head) // 2
    if odd > 0.4 * half and even < 0.05 * half:
        return "utf-16-le"
    if even > 0.4 * half and odd < 0.05 * half:
        return "utf-16-be"
    return None


# Bytes 0x80-0x9F that Windows-1252 leaves undefined: a file holding one is not cp1252.
_CP1252_UNDEFINED = re.compile(rb"[\x81\x8d\x8f\x90\x9d]")
_NOT_ASCII_LETTERS = bytes(b for b in range(256) if not (65 <= b <= 90 or 97 <= b <= 122))


def _decode_8bit(data: bytes, where: str) -> tuple[str, str, str | None]:
    """Text, encoding and a warning for bytes without a BOM (see ``decode_bytes``)."""
    try:
        return data.decode("utf-8"), "utf-8", None
    except UnicodeDecodeError as err:
        first_bad = err.start
    text = data.decode("utf-8", errors="replace")
    # Each maximal bad sequence became one U+FFFD; U+FFFD written in the file is not bad.
    bad = text.count("\ufffd") - data.count(b"\xef\xbf\xbd")
    good = len(text) - len(text.encode("ascii", "ignore")) - text.count("\ufffd")
    if good >= bad:  # mostly UTF-8: more valid multibyte characters than bad sequences
        return text, "utf-8", (
            f"not valid UTF-8 in {bad:,} place{'s' if bad != 1 else ''} (first at byte {first_bad:,}); "
            "read as UTF-8 with those bytes replaced by U+FFFD"
        )
    high = len(data) - len(data.decode("ascii", "ignore"))
    letters = len(data.translate(None, _NOT_ASCII_LETTERS))
    undefined = _CP1252_UNDEFINED.search(data)
    # Western European prose in cp1252 is mostly ASCII letters with a few accents and curly
    # quotes; a file that is mostly high bytes is in some other code page (Cyrillic, Greek...).
    if undefined is None and high <= 0.3 * (letters + high):
        return data.decode("cp1252"), "cp1252", "decoded as cp1252 (Windows-1252, not UTF-8)"
    at = undefined.start() if undefined is not None else first_bad
    raise InputError(
        where,
        f"is neither UTF-8 nor Windows-1252 text (byte 0x{data[at]:02x} at offset {at:,}); save it as UTF-8",
    )


def decode_bytes(data: bytes, where: str) -> Decoded:
    """Decode a text file: a BOM, else UTF-8, else Windows-1252 when the bytes say so.

    A file that is mostly UTF-8 is read as UTF-8 with its few bad bytes replaced (U+FFFD) and
    counted in a warning. One that is not, whose bytes are all defined in Windows-1252 and
    whose letters are mostly ASCII (Western European prose), is read as cp1252. Anything
    else is refused: a guessed code page turns quote marks into letters.
    Raises InputError for binary data or bytes neither encoding explains.
    """
    kind = binary_kind(data)
    if kind is not None:
        raise InputError(where, f"is a binary file ({kind}), not a story")
    encoding: str | None = None
    for bom, name in _BOMS:
        if data.startswith(bom):
            encoding = name
            break
    if encoding is None and b"\x00" in data:
        encoding = _looks_utf16(data)
        if encoding is None:
            raise InputError(where, "is a binary file (it contains NUL bytes), not a story")
    warnings: list[str] = []
    if encoding is not None:
        try:
            text = data.decode(encoding)
        except UnicodeDecodeError:
            raise InputError(where, f"is not valid {encoding.upper()} although it starts like it") from None
    else:
        text, encoding, warning = _decode_8bit(data, where)
        if warning:
            warnings.append(warning)
    # Too many control characters: a binary file that happened to decode.
    controls = len(_CONTROL.findall(text, 0, 200_000))
    if controls > max(8, 0.01 * min(len(text), 200_000)):
        raise InputError(where, "looks like a binary file (many control characters), not a story")
    return Decoded(text, encoding, warnings)


def repair_mojibake(text: str) -> tuple[str, str | None]:
    """Text with real mojibake repaired by ftfy, and a warning when anything changed."""
    # ftfy only changes text that its badness check flags or that holds C1 controls.
    if text.isascii() or not _MOJIBAKE_HINT.search(text):
        return text, None
    if not (_C1.search(text) or badness.is_bad(text)):
        return text, None
    fixed = ftfy.fix_text(text, config=_FTFY_CONFIG)
    if fixed == text:
        return text, None
    changed = sum(1 for a, b in zip(text, fixed, strict=False) if a != b) if len(text) == len(fixed) else None
    detail = f" ({changed} characters)" if changed else ""
    return fixed, f"repaired mojibake (text double-encoded, e.g. 'â€™' for '’') with ftfy{detail}"


# --- invisible characters -------------------------------------------------------

# Characters that change no word a reader sees but split the words a program sees: zero-width
# space, non-joiner and joiner, word joiner and the invisible operators, BOMs inside the text,
# the soft hyphen, the Mongolian vowel separator, and bidi controls (marks, embeddings, isolates).
INVISIBLE = re.compile("[\u00ad\u061c\u180e\u200b-\u200f\u202a-\u202e\u2060-\u2064\u2066-\u2069\ufeff]")


def strip_invisible(text: str) -> str:
    """``text`` without the characters ``INVISIBLE`` matches."""
    return INVISIBLE.sub("", text) if INVISIBLE.search(text) else text


def remove_invisible(doc: Document) -> None:
    """Remove invisible characters from ``doc.text`` and its metadata, moving every offset the
    reader set (hints, ``front_matter_end``) with the text, and say how many went in a warning.

    The Document's text is what offsets refer to (and what ``story.txt`` holds), so later
    stages see "Harry" where the file had "Ha<U+200B>rry". A text of nothing else is empty: an
    InputError."""
    text = doc.text
    if not INVISIBLE.search(text):
        doc.metadata = _strip_meta(doc.metadata)
        return
    removed = [m.start() for m in INVISIBLE.finditer(text)]

    def moved(offset: int) -> int:
        return offset - bisect.bisect_left(removed, offset)

    doc.text = INVISIBLE.sub("", text)
    if not doc.text.strip():
        raise InputError(doc.source, "is empty (only invisible characters and whitespace)")
    doc.hints = [Hint(h.kind, moved(h.start), moved(h.end), strip_invisible(h.text)) for h in doc.hints]
    doc.metadata = _strip_meta(doc.metadata)
    if isinstance(doc.metadata.get("front_matter_end"), int):
        doc.metadata["front_matter_end"] = moved(doc.metadata["front_matter_end"])
    doc.warnings.append(
        f"removed {len(removed):,} invisible character{'s' if len(removed) != 1 else ''} "
        "(zero-width spaces and joiners, soft hyphens, bidi controls) from the text; "
        "offsets refer to the text without them (story.txt)"
    )


def _strip_meta(value: Any) -> Any:
    if isinstance(value, str):
        return strip_invisible(value)
    if isinstance(value, list):
        return [_strip_meta(v) for v in value]
    if isinstance(value, dict):
        return {k: _strip_meta(v) for k, v in value.items()}
    return value


# --- language --------------------------------------------------------------------

_EN_STOPWORDS = frozenset(
    "the a an and or but of to in on at for with from by as is was were be been are am "
    "i you he she it we they me him her us them my your his its our their this that "
    "not no so if then than there what who when where how all had have has do did said "
    "would could will can just up out into about".split()
)
_WORD = re.compile(r"[^\W\d_]+")


def language_warning(text: str, sample: int = 50_000) -> str | None:
    """A warning when the text does not look English (share of English function words)."""
    words = _WORD.findall(text[:sample])
    if len(words) < 40:
        return None
    hits = sum(1 for w in words if w.lower() in _EN_STOPWORDS)
    share = hits / len(words)
    # English prose runs at 35-55 % function words; other languages share few of these.
    if share < 0.12:
        return (
            f"the text does not look like English ({share:.0%} English function words); "
            "ficlens's models are English-only, expect poor results"
        )
    return None


# --- front matter in plain text ------------------------------------------------

_LINE = re.compile(r"[^\r\n]*(?:\r\n|\r|\n|$)")
_BYLINE = re.compile(
    r"^\s*(?:(?:written|story|a\s+story|a\s+fic)\s+by|by|author\s*:|authors\s*:|author\(s\)\s*:)\s*(?P<name>.+?)\s*$",
    re.IGNORECASE,
)
_HEADER_FIELD = re.compile(r"^\s*(?P<key>[A-Za-z][A-Za-z ()']{1,24}?)\s*:\s*(?P<value>.*?)\s*$")
_HEADER_KEYS = {
    "title": "title",
    "author": "authors",
    "authors": "authors",
    "author(s)": "authors",
    "rating": "rating",
    "fandom": "fandoms",
    "fandoms": "fandoms",
    "pairing": "relationships",
    "pairings": "relationships",
    "relationship": "relationships",
    "relationships": "relationships",
    "characters": "characters",
    "warnings": "archive_warnings",
    "warning": "archive_warnings",
    "summary": "summary",
    "notes": "notes",
    "author's note": "notes",
    "authors note": "notes",
    "a/n": "notes",
    "tags": "additional_tags",
    "word count": "words",
    "words": "words",
    "disclaimer": None,
    "category": "categories",
    "categories": "categories",
    "series": "series",
    "language": "language",
    "status": None,
    "genre": "additional_tags",
}
_CHAPTERISH = re.compile(
    r"^\s*(?:chapter|part|book|volume|prologue|epilogue|interlude|act|section|ch\.?)\b",
    re.IGNORECASE,
)
_QUOTE_START = re.compile(r"^\s*[\"'\u201c\u2018\u00ab\u2014\u2013\-\[(*_~]")


@dataclass
class FrontMatter:
    title: str | None = None
    authors: list[str] = field(default_factory=list)
    fields: dict[str, Any] = field(default_factory=dict)
    end: int = 0  # offset where the story proper starts


def split_names(value: str) -> list[str]:
    """'A, B and C' -> ['A', 'B', 'C']."""
    parts = re.split(r"\s*(?:,|&|\band\b|;)\s*", value.strip())
    return [p.strip() for p in parts if p.strip()]


def _is_name(value: str) -> bool:
    value = value.strip()
    if not value or len(value) > 80 or len(value.split()) > 10:
        return False
    # A sentence after "By" ("By the time she woke, ...") is story, not a byline.
    if re.search(r"[.!?,;:]\s*$", value) and not re.search(r"\b[A-Z]\.$", value):
        return False
    return not re.search(r",\s+[a-z]", value)


def is_title_line(line: str) -> bool:
    s = line.strip()
    if not s or len(s) > 90 or len(s.split()) > 14:
        return False
    if _QUOTE_START.match(s) or _CHAPTERISH.match(s):
        return False
    if s[-1] in ".,;:!?\u2026\"'\u201d\u2019" and not s.endswith("?!"):
        return False
    return any(ch.isalpha() for ch in s)


def _lines(text: str, limit: int) -> list[tuple[int, int, str]]:
    """(start, end, content) of the first ``limit`` lines; linear in what it reads."""
    out: list[tuple[int, int, str]] = []
    pos = 0
    n = len(text)
    while pos < n and len(out) < limit:
        # Bound the search: one enormous first line must not be scanned more than once.
        nl = text.find("\n", pos, pos + 2000)
        cr = text.find("\r", pos, pos + 2000)
        ends = [e for e in (nl, cr) if e != -1]
        if not ends:
            out.append((pos, min(n, pos + 2000), text[pos : pos + 2000]))
            break
        end = min(ends)
        out.append((pos, end, text[pos:end]))
        pos = end + 2 if text.startswith("\r\n", end) else end + 1
    return out


def find_front_matter(text: str) -> FrontMatter:
    """Title, byline and ``Key: value`` header lines at the top of a plain-text story.

    The lines stay in the text (offsets must not move); ``end`` says where the story starts.
    A first line is a title only when it is short, has no sentence punctuation at its end,
    is not dialogue or a chapter heading, and is followed by a blank line or a byline.
    """
    fm = FrontMatter()
    lines = _lines(text, 40)
    i = 0
    while i < len(lines) and not lines[i][2].strip():
        i += 1
    last = -1  # index of the last front-matter line

    # 1. A header block: "Title: X", "Author: Y", "Rating: T", ...
    j = i
    header: dict[str, Any] = {}
    current: str | None = None
    while j < len(lines):
        content = lines[j][2]
        if not content.strip():
            break
        m = _HEADER_FIELD.match(content)
        key = m.group("key").strip().lower() if m else None
        if m and key in _HEADER_KEYS:
            current = _HEADER_KEYS[key]
            if current is not None and m.group("value"):
                header.setdefault(current, []).append(m.group("value"))
            j += 1
            continue
        if current == "summary" and header:  # a summary that runs on over a second line
            header.setdefault("summary", []).append(content.strip())
            j += 1
            continue
        break
    if len(header) >= 2 or "title" in header or "authors" in header:
        last = j - 1
        if "title" in header:
            fm.title = header["title"][0]
        for name in header.get("authors", []):
            fm.authors.extend(split_names(name))
        for key, values in header.items():
            if key not in ("title", "authors"):
                fm.fields[key] = " ".join(values)
    else:
        # 2. Title line, byline (either order, either may be missing).
        k = i
        if k < len(lines):
            m = _BYLINE.match(lines[k][2])
            if m and _is_name(m.group("name")) and _next_blank_or_end(lines, k):
                fm.authors = split_names(m.group("name"))
                last = k
            elif is_title_line(lines[k][2]):
                nxt = k + 1
                blank_after = nxt >= len(lines) or not lines[nxt][2].strip()
                # The byline may follow directly or after one blank line.
                byline_at = None
                for cand in (nxt, nxt + 1):
                    if cand < len(lines):
                        mb = _BYLINE.match(lines[cand][2])
                        if mb and _is_name(mb.group("name")) and (cand == nxt or blank_after):
                            byline_at = cand
                            break
                if byline_at is not None:
                    fm.title = lines[k][2].strip()
                    fm.authors = split_names(_BYLINE.match(lines[byline_at][2]).group("name"))  # type: ignore[union-attr]
                    last = byline_at
                elif blank_after and _story_follows(lines, nxt):
                    fm.title = lines[k][2].strip()
                    last = k
    if last < 0:
        return fm
    # The story starts at the first non-blank line after the front matter.
    k = last + 1
    while k < len(lines) and not lines[k][2].strip():
        k += 1
    fm.end = lines[k][0] if k < len(lines) else len(text)
    if fm.end >= len(text.rstrip()):
        # Nothing but front matter: then it was the story after all.
        return FrontMatter()
    return fm


def _next_blank_or_end(lines: list[tuple[int, int, str]], k: int) -> bool:
    return k + 1 >= len(lines) or not lines[k + 1][2].strip()


def _story_follows(lines: list[tuple[int, int, str]], k: int) -> bool:
    """After a candidate title: the next non-blank line is prose (a longer line)."""
    while k < len(lines) and not lines[k][2].strip():
        k += 1
    if k >= len(lines):
        return False
    nxt = lines[k][2].strip()
    # Title followed by a chapter heading or by real prose; not by another short caption.
    return bool(_CHAPTERISH.match(nxt)) or len(nxt) > 40 or _QUOTE_START.match(nxt) is not None


def apply_front_matter(meta: dict[str, Any], fm: FrontMatter) -> None:
    if fm.title and not meta.get("title"):
        meta["title"] = fm.title
    if fm.authors and not meta.get("authors"):
        meta["authors"] = fm.authors
    for key, value in fm.fields.items():
        if key == "words":
            digits = re.sub(r"[^\d]", "", value)
            if digits and meta.get("words") is None:
                meta["words"] = int(digits)
        elif key in _LIST_KEYS:
            if not meta.get(key):
                meta[key] = split_list(value)
        elif not meta.get(key):
            meta[key] = value
    meta["front_matter_end"] = fm.end


def split_list(value: str) -> list[str]:
    return [p.strip() for p in re.split(r"\s*[,;]\s*", value) if p.strip()]


# --- scene-break ornaments -----------------------------------------------------

_ORNAMENT = re.compile(
    r"^\s*(?:[^\w\s]|_){1,}(?:\s*(?:[^\w\s]|_))*\s*$"  # * * *, ~~~, ###, -o-, ◇◇◇
    r"|^\s*(?:o+O+o+|O+o+O+|x+X+x+|X+x+X+|0+O+0+)\s*$"  # oOo, xXx: fanfiction.net habit
    r"|^\s*[-~=*]+\s*[oOxX0]\s*[-~=*]+\s*$",
)


_NOT_ORNAMENT = re.compile(r"[\"'\u201c\u201d\u2018\u2019\u00ab\u00bb]|^[.\u2026\s]+$|^[?!\s]+$")


def is_ornament(line: str) -> bool:
    """A line of symbols only (``* * *``, ``~~~``, ``oOo``): a scene break.

    Quote marks, lone ellipses and ``?!`` are excluded: they are wordless dialogue.
    """
    s = line.strip()
    if not s or len(s) > 60 or _NOT_ORNAMENT.search(s):
        return False
    return _ORNAMENT.match(s) is not None


def hint(kind: HintKind, start: int, end: int, text: str) -> Hint:
    return Hint(kind=kind, start=start, end=end, text=text)


class DecodedTextReader:
    """Base for readers of plain-text files (text, Markdown): decode the bytes, then ``read_string``."""

    format = "text"

    def read(self, data: bytes, source: str) -> Document:
        decoded = decode_bytes(data, source)
        doc = self.read_string(decoded.text, source, decoded.warnings)
        doc.metadata["encoding"] = decoded.encoding
        return doc

    def read_string(self, text: str, source: str = "<string>", warnings: Iterable[str] = ()) -> Document:
        raise NotImplementedError
