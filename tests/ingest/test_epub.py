"""EPUB: generic, AO3-style and FanFicFare-style books built here with EbookLib; zip safety."""

from __future__ import annotations

import io
import zipfile
from pathlib import Path

import pytest
from ebooklib import epub

from ficlens.errors import InputError
from ficlens.ingest import read_document
from ficlens.model import HintKind


def xhtml(body: str, body_class: str = "") -> str:
    cls = f' class="{body_class}"' if body_class else ""
    return f'<html xmlns="http://www.w3.org/1999/xhtml"><head><title>x</title></head><body{cls}>{body}</body></html>'


def build(tmp_path: Path, docs: list[tuple[str, str]], name: str = "book.epub", **meta: str) -> Path:
    book = epub.EpubBook()
    book.set_identifier("ficlens-test")
    book.set_title(meta.get("title", "A Test Book"))
    book.set_language(meta.get("language", "en"))
    book.add_author(meta.get("author", "Test Writer"))
    if "publisher" in meta:
        book.add_metadata("DC", "publisher", meta["publisher"])
    if "contributor" in meta:
        book.add_metadata("DC", "contributor", meta["contributor"])
    items = []
    for i, (file_name, content) in enumerate(docs):
        item = epub.EpubHtml(uid=f"d{i}", file_name=file_name, title=file_name)
        item.content = content
        book.add_item(item)
        items.append(item)
    book.add_item(epub.EpubNcx())
    book.add_item(epub.EpubNav())
    book.toc = items
    book.spine = ["nav", *items]
    path = tmp_path / name
    epub.write_epub(str(path), book)
    return path


def starts(doc):
    return [(h.text, doc.text[h.start : h.end]) for h in doc.hints if h.kind == HintKind.CHAPTER_START]


def test_generic_epub_spine_order_and_chapters(tmp_path: Path) -> None:
    path = build(
        tmp_path,
        [
            ("cover.xhtml", xhtml('<img src="cover.jpg" alt="cover"/>')),
            ("ch1.xhtml", xhtml("<h1>One</h1><p>First it rained.</p><hr/><p>Then it stopped.</p>")),
            ("ch2.xhtml", xhtml("<h1>Two</h1><p>The sun came out.</p>")),
            # one document holding two chapters: the headings say so
            ("ch3.xhtml", xhtml("<h2>Three</h2><p>Evening.</p><h2>Four</h2><p>Night.</p>")),
        ],
    )
    doc = read_document(path)
    assert doc.format == "epub"
    assert doc.metadata["title"] == "A Test Book"
    assert doc.metadata["authors"] == ["Test Writer"]
    assert doc.metadata["language"] == "en"
    assert doc.text == (
        "One\n\nFirst it rained.\n\n* * *\n\nThen it stopped.\n\nTwo\n\nThe sun came out.\n\n"
        "Three\n\nEvening.\n\nFour\n\nNight."
    )
    assert [t for t, _ in starts(doc)] == ["One", "Two", "Three", "Four"]
    assert starts(doc)[3][1] == "Four\n\nNight."
    assert doc.metadata["chapter_titles"] == ["One", "Two", "Three", "Four"]


def test_calibre_split_continuation_is_not_a_new_chapter(tmp_path: Path) -> None:
    path = build(
        tmp_path,
        [
            ("book_split_000.xhtml", xhtml("<h1>One</h1><p>Start.</p>")),
            ("book_split_001.xhtml", xhtml("<p>Still chapter one.</p>")),
        ],
    )
    doc = read_document(path)
    assert [t for t, _ in starts(doc)] == ["One"]
    assert starts(doc)[0][1] == "One\n\nStart.\n\nStill chapter one."


AO3_PREFACE = xhtml(
    '<div id="preface"><h2 class="toc-heading">Preface</h2>'
    '<p class="message"><b>Tide Tables</b><br/>Posted originally on the Archive of Our Own at '
    '<a href="https://archiveofourown.org/works/42">https://archiveofourown.org/works/42</a>.</p>'
    '<div class="meta"><dl class="tags"><dt>Rating:</dt><dd><a href="#">Mature</a></dd>'
    '<dt>Fandom:</dt><dd><a href="#">Original Work</a></dd>'
    "<dt>Stats:</dt><dd>Published: 2020-05-05 Words: 99 Chapters: 2/2</dd></dl>"
    '<h1>Tide Tables</h1><div class="byline">by <a rel="author" href="/users/kelp">kelp</a></div>'
    '<p>Summary</p><blockquote class="userstuff"><p>The sea keeps time.</p></blockquote></div></div>'
)
AO3_CH = (
    '<div class="meta group"><h2 class="heading">Chapter {n}</h2></div>'
    '<div class="userstuff"><p>Wave {n} came in.</p></div>'
)
AO3_AFTER = xhtml(
    '<div id="afterword"><div id="endnotes"><p>End Notes</p>'
    '<blockquote class="userstuff"><p>Bye for now.</p></blockquote></div></div>'
)


def test_ao3_epub_metadata_and_chapters(tmp_path: Path) -> None:
    path = build(
        tmp_path,
        [
            ("preface.xhtml", AO3_PREFACE),
            ("chapter1.xhtml", xhtml(AO3_CH.format(n=1))),
            ("chapter2.xhtml", xhtml(AO3_CH.format(n=2))),
            ("afterword.xhtml", AO3_AFTER),
        ],
        publisher="Archive of Our Own",
        title="Tide Tables",
        author="kelp",
    )
    doc = read_document(path)
    m = doc.metadata
    assert m["producer"] == "ao3"
    assert (m["title"], m["authors"], m["rating"], m["fandoms"]) == ("Tide Tables", ["kelp"], "Mature", ["Original Work"])
    assert (m["published"], m["words"], m["chapters"]) == ("2020-05-05", 99, "2/2")
    assert m["summary"] == "The sea keeps time."
    assert m["end_notes"] == "Bye for now."
    assert m["chapter_titles"] == ["Chapter 1", "Chapter 2"]
    assert doc.text == "Chapter 1\n\nWave 1 came in.\n\nChapter 2\n\nWave 2 came in."
    assert "Posted originally" not in doc.text


def test_fanficfare_epub_title_page(tmp_path: Path) -> None:
    title_page = xhtml(
        '<h3><a href="https://example.org/s/7">Lamp Oil</a> by <a href="https://example.org/u/1">wick</a></h3>'
        "<div><b>Category:</b> Original Fiction<br/><b>Characters:</b> Oona, Bram<br/>"
        "<b>Status:</b> In-Progress<br/><b>Words:</b> 1,010<br/><b>Summary:</b> A lamp <i>flickers</i>.<br/></div>",
        body_class="fff_titlepage",
    )
    ch = '<h3 class="fff_chapter_title">{t}</h3><p>{p}</p>'
    path = build(
        tmp_path,
        [
            ("title_page.xhtml", title_page),
            ("file0001.xhtml", xhtml(ch.format(t="Dusk", p="Oona lit the lamp."), "fff_chapter")),
            ("file0002.xhtml", xhtml(ch.format(t="Dawn", p="Bram blew it out."), "fff_chapter")),
        ],
        contributor="FanFicFare [https://github.com/JimmXinu/FanFicFare]",
    )
    doc = read_document(path)
    m = doc.metadata
    assert m["producer"] == "fanficfare"
    assert m["title"] == "Lamp Oil"
    assert m["authors"] == ["wick"]
    assert m["fandoms"] == ["Original Fiction"]
    assert m["characters"] == ["Oona", "Bram"]
    assert m["words"] == 1010
    assert m["summary"] == "A lamp flickers."
    assert m["completed"] is None
    assert doc.text == "Dusk\n\nOona lit the lamp.\n\nDawn\n\nBram blew it out."
    assert [t for t, _ in starts(doc)] == ["Dusk", "Dawn"]


def test_epub_with_misleading_extension_is_detected(tmp_path: Path) -> None:
    path = build(tmp_path, [("c.xhtml", xhtml("<h1>Only</h1><p>Text.</p>"))], name="story.txt")
    assert read_document(path).format == "epub"


def test_truncated_epub_is_an_input_error(tmp_path: Path) -> None:
    path = build(tmp_path, [("c.xhtml", xhtml("<p>Text.</p>"))])
    data = path.read_bytes()
    path.write_bytes(data[: len(data) // 2])
    with pytest.raises(InputError, match="corrupt or truncated"):
        read_document(path)


def test_zip_bomb_is_refused_before_extraction(tmp_path: Path) -> None:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", compression=zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("mimetype", "application/epub+zip", compress_type=zipfile.ZIP_STORED)
        zf.writestr("OEBPS/huge.xhtml", b"\0" * 2_000_000)  # compresses to about 2 KB
    path = tmp_path / "bomb.epub"
    path.write_bytes(buf.getvalue())
    assert path.stat().st_size < 20_000
    with pytest.raises(InputError, match="zip bomb"):
        read_document(path, max_bytes=100_000)  # limit: 10 x 100 KB uncompressed


def test_zip_that_is_not_an_epub(tmp_path: Path) -> None:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as zf:
        zf.writestr("notes.txt", "hello")
    path = tmp_path / "x.epub"
    path.write_bytes(buf.getvalue())
    with pytest.raises(InputError, match="not an EPUB"):
        read_document(path)


def test_epub_without_story_text(tmp_path: Path) -> None:
    path = build(tmp_path, [("cover.xhtml", xhtml('<img src="c.jpg"/>'))])
    with pytest.raises(InputError, match="no story text"):
        read_document(path)
