"""Hostile inputs (issue 25, items 1-4): what one input file does to the readers and stages.

Each case writes its input under the folder it is given and returns the ``ficlens`` argv
(``analyze FILE -o OUT --quiet``). Small cases run in ``tests/hostile/test_inputs.py``;
``large=True`` ones are the sizes the issue reported, for ``bench/reliability.py`` only.
Every story text here is written for these tests and is CC0.
"""

from __future__ import annotations

import io
import struct
import zipfile
from collections.abc import Callable
from functools import partial
from pathlib import Path

from hostile.case import Case

# A short story with three named characters and attributed dialogue (CC0).
STORY = (
    "Chapter 1\n\n"
    "\u201cWhere are you going?\u201d asked Harriet Vane.\n\n"
    "\u201cTo the station,\u201d said Peter Wimsey. \u201cThe train leaves at noon.\u201d\n\n"
    "Harriet looked at him. \u201cThen I will come with you,\u201d she said.\n\n"
    "Bunter coughed. \u201cYou two are hopeless,\u201d Bunter said. \u201cWait for me.\u201d\n\n"
    "\u201cHurry up, Bunter,\u201d Peter said.\n"
)
# Latin-1 / cp1252 prose: accents and (in cp1252) curly quotes in the 0x80-0xFF range.
ACCENTED = (
    "\u201cVoil\u00e0,\u201d said Ren\u00e9e Dufresne. \u201cThe caf\u00e9 is closed.\u201d\n\n"
    "Andr\u00e9 Marchetti shrugged. \u201cThen we go \u00e0 c\u00f4t\u00e9,\u201d Andr\u00e9 said.\n\n"
    "\u201cFine,\u201d Ren\u00e9e said, and they walked on past the na\u00efve painter.\n"
)
SENTENCE = "She walks to the window and watches the rain for a while. "


def _analyze(path: Path, folder: Path, *extra: str) -> list[str]:
    return ["analyze", str(path), "-o", str(folder / "out"), "--quiet", *extra]


def _text_case(name: str, make: Callable[[], bytes], suffix: str = ".txt") -> Callable[[Path], list[str]]:
    def build(folder: Path) -> list[str]:
        path = folder / f"{name}{suffix}"
        path.write_bytes(make())
        return _analyze(path, folder)

    return build


def quote_marks(size: int) -> bytes:
    return b'"' * size


def html_entities(size: int) -> bytes:
    body = "&ldquo;&hellip;&rdquo;&mdash;&#8220;&amp;" * (size // 40)
    return f"<html><body><p>{body}</p></body></html>".encode()


def nested_quotes(depth: int) -> bytes:
    opens = "\u201c\u2018" * (depth // 2)
    closes = "\u2019\u201d" * (depth // 2)
    return f"{STORY}\n{opens}deep{closes}\n".encode()


def markdown_run(char: str, count: int) -> bytes:
    return f"# A story\n\n{char * count} text\n\n{STORY}".encode()


def unbalanced_quotes(size: int) -> bytes:
    unit = '"He went out. She stayed. '
    return (STORY + "\n\n" + unit * (size // len(unit)) + "\n").encode()


def chapter_headings(count: int) -> bytes:
    return "".join(f"Chapter {i}\n\nShe ran.\n\n" for i in range(1, count + 1)).encode()


def long_story(size: int) -> bytes:
    para = SENTENCE * 8 + "\n\n"
    return (para * (size // len(para))).encode()


def long_token(size: int) -> bytes:
    return (STORY + "\n\n" + "ab" * (size // 2) + "\n").encode()


def zero_width() -> bytes:
    invisible = "\u200b\u200c\u200d\u2060\ufeff\u00ad\u200e"
    out = []
    for i, ch in enumerate(STORY):
        out.append(ch)
        if ch.isalpha() and i % 3 == 0:
            out.append(invisible[i % len(invisible)])
    return "".join(out).encode()


def utf8_bad_bytes() -> bytes:
    good = STORY.encode()
    return good[:200] + b"\xe9\x93" + good[200:] + b"\n\x94\n"


def mixed_encodings() -> bytes:
    return (STORY * 3).encode() + ACCENTED.encode("cp1252")


def cyrillic_cp1251() -> bytes:
    return ("\u041f\u0440\u0438\u0432\u0435\u0442, \u0441\u043a\u0430\u0437\u0430\u043b \u043e\u043d. " * 40).encode("cp1251")


def lying_epub(inflated: int) -> bytes:
    """An EPUB whose chapter declares 1 KB but inflates to ``inflated`` bytes (written in
    chunks, so building a 2 GB bomb needs no 2 GB of memory)."""
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr(zipfile.ZipInfo("mimetype"), b"application/epub+zip")
        zf.writestr(
            "META-INF/container.xml",
            '<?xml version="1.0"?><container version="1.0" xmlns="urn:oasis:names:tc:opendocument:xmlns:container">'
            '<rootfiles><rootfile full-path="content.opf" media-type="application/oebps-package+xml"/></rootfiles></container>',
        )
        zf.writestr(
            "content.opf",
            '<?xml version="1.0"?><package xmlns="http://www.idpf.org/2007/opf" version="2.0" unique-identifier="id">'
            '<metadata xmlns:dc="http://purl.org/dc/elements/1.1/"><dc:title>T</dc:title>'
            '<dc:identifier id="id">x</dc:identifier><dc:language>en</dc:language></metadata>'
            '<manifest><item id="c1" href="c1.xhtml" media-type="application/xhtml+xml"/></manifest>'
            '<spine><itemref idref="c1"/></spine></package>',
        )
        with zf.open("c1.xhtml", "w") as fh:
            fh.write(b"<html><body><p>")
            block = b"a" * (1 << 20)
            for _ in range(inflated >> 20):
                fh.write(block)
            fh.write(b"</p></body></html>")
    data = bytearray(buf.getvalue())
    with zipfile.ZipFile(io.BytesIO(bytes(data))) as zf:
        info = zf.getinfo("c1.xhtml")
    # The uncompressed size in the local header (offset 22) and the central directory (24).
    struct.pack_into("<L", data, info.header_offset + 22, 1024)
    central = data.rfind(b"PK\x01\x02", 0, data.rfind(b"c1.xhtml"))
    struct.pack_into("<L", data, central + 24, 1024)
    return bytes(data)


def _cases() -> list[Case]:
    cases: list[Case] = []

    def add(name: str, make: Callable[[], bytes], exit: int = 0, message: str = "", words: int = 0,
            large: bool = False, suffix: str = ".txt") -> None:
        cases.append(Case(name, _text_case(name, make, suffix), exit, message, words, large))

    # (name, input maker, small size, large size (the issue's), words per unit of size, suffix)
    scaled: list[tuple[str, Callable[[int], bytes], int, int, float, str]] = [
        ("quote-marks", quote_marks, 100_000, 5_000_000, 0, ".txt"),
        ("html-entities", html_entities, 200_000, 12_000_000, 0, ".html"),
        ("nested-quotes", nested_quotes, 5_000, 50_000, 0, ".txt"),
        ("markdown-gt", partial(markdown_run, ">"), 5_000, 50_000, 0, ".md"),
        ("markdown-brackets", partial(markdown_run, "["), 5_000, 50_000, 0, ".md"),
        ("unbalanced-quotes", unbalanced_quotes, 8_000, 336_000, 0.2, ".txt"),
        ("chapter-headings", chapter_headings, 300, 30_000, 4, ".txt"),
        ("long-token", long_token, 200_000, 5_000_000, 0, ".txt"),
    ]
    for name, make, small, big, per_unit, suffix in scaled:
        for large, n in ((False, small), (True, big)):
            add(f"{name}-large" if large else name, partial(make, n), words=60 + int(n * per_unit),
                large=large, suffix=suffix)
    add("story-1mb-large", lambda: long_story(1_000_000), words=1_000_000 // 6, large=True)
    add("story-50mb-large", lambda: long_story(50_000_000), words=50_000_000 // 6, large=True)
    add("epub-lying-size", lambda: lying_epub(50_000_000), 2, r"zip bomb|inflates", suffix=".epub")
    add("epub-lying-size-large", lambda: lying_epub(2_000_000_000), 2, r"zip bomb|inflates", suffix=".epub", large=True)
    add("latin1", lambda: ACCENTED.replace("\u201c", '"').replace("\u201d", '"').encode("latin-1"), words=50)
    add("cp1252", lambda: ACCENTED.encode("cp1252"), words=50)
    add("utf8-bad-bytes", utf8_bad_bytes, words=60)
    add("mixed-encodings", mixed_encodings, words=230)
    add("cyrillic-cp1251", cyrillic_cp1251, 2, r"neither UTF-8 nor Windows-1252")
    add("zero-width", zero_width, words=60)
    return cases


CASES: list[Case] = _cases()
