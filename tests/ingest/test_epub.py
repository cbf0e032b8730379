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

FANFIC = Path(__file__).resolve().parents[2].parent / "shared" / "data" / "fanfic"


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
    if "description" in meta:
        book.add_metadata("DC", "description", meta["description"])
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


# --- spine documents by role -------------------------------------------------------------
# The stories below are the team's own (CC0).

# AO3's work-page markup as third-party builders keep it, one chapter a file: a chapter
# preface (h3.title, notes module) and headings inside the chapter ("Notes:", the hidden
# "Chapter Text" landmark) that are not chapter starts.
AO3_PAGE_CHAPTER = (
    '<div class="chapter" id="chapter-{n}"><div class="chapter preface group">'
    '<h3 class="title">Chapter {n}: {t}</h3>'
    '<div id="notes" class="notes module"><h3 class="heading">Notes:</h3>'
    "<p>(See the end of the chapter for notes.)</p></div></div>"
    '<div class="userstuff module"><h3 class="landmark heading" id="work">Chapter Text</h3>'
    "<p>{p}</p><p>The gulls agreed.</p></div>"
    '<div class="chapter preface group"><div class="end notes module" id="chapter_{n}_endnotes">'
    '<h3 class="heading">Notes:</h3><blockquote class="userstuff"><p>Thanks, reader {n}.</p>'
    "</blockquote></div></div></div>"
)
AO3_WORK_NOTES = xhtml(
    '<div class="notes module"><h3 class="heading">Notes:</h3>'
    '<blockquote class="userstuff"><p>Written on a ferry.</p></blockquote></div>'
)
AO3_WORK_END_NOTES = xhtml(
    '<div id="work_endnotes" class="end notes module"><h3 class="heading">Notes:</h3>'
    '<blockquote class="userstuff"><p>More soon.</p></blockquote></div>'
)


def test_ao3_page_markup_one_chapter_per_document(tmp_path: Path) -> None:
    # Before: every h3 (title, "Notes:", "Chapter Text", "Notes:") opened a chapter, and the
    # work's notes documents were chapters of their own.
    path = build(
        tmp_path,
        [
            ("notes.xhtml", AO3_WORK_NOTES),
            ("chapter1.xhtml", xhtml(AO3_PAGE_CHAPTER.format(n=1, t="tide", p="The tide came in."))),
            ("chapter2.xhtml", xhtml(AO3_PAGE_CHAPTER.format(n=2, t="ebb", p="The tide went out."))),
            ("endnotes.xhtml", AO3_WORK_END_NOTES),
        ],
        title="Harbour Days",
    )
    doc = read_document(path)
    m = doc.metadata
    assert [t for t, _ in starts(doc)] == ["Chapter 1: tide", "Chapter 2: ebb"]
    assert doc.text == (
        "Chapter 1: tide\n\nThe tide came in.\n\nThe gulls agreed.\n\n"
        "Chapter 2: ebb\n\nThe tide went out.\n\nThe gulls agreed."
    )
    assert (m["notes"], m["end_notes"]) == ("Written on a ferry.", "More soon.")
    assert [n["end_notes"] for n in m["chapter_notes"]] == ["Thanks, reader 1.", "Thanks, reader 2."]
    assert m["account"]["unaccounted"] == 0, m["account"]["lost_parts"]


def test_ao3_page_markup_one_shot(tmp_path: Path) -> None:
    # A one-shot: div#chapters with the "Work Text:" landmark, no chapter title.
    one_shot = xhtml(
        '<div id="chapters" role="article"><h3 class="landmark heading" id="work">Work Text:</h3>'
        '<div class="userstuff"><p>The kettle sang.</p><p>Nobody came.</p></div></div>'
    )
    path = build(tmp_path, [("notes.xhtml", AO3_WORK_NOTES), ("chapter1.xhtml", one_shot), ("endnotes.xhtml", AO3_WORK_END_NOTES)])
    doc = read_document(path)
    assert [t for t, _ in starts(doc)] == [""]
    assert doc.text == "The kettle sang.\n\nNobody came."
    assert doc.metadata["end_notes"] == "More soon."


CHAPTER = "<h2>{t}</h2><p>{p}</p>"
STORY = [
    ("c1.xhtml", xhtml(CHAPTER.format(t="Lanterns", p="Mara hung the lanterns along the pier before dusk."))),
    ("c2.xhtml", xhtml(CHAPTER.format(t="Boats", p="The boats came home one by one, low in the water."))),
]
SUMMARY = "Two sisters keep the harbour lights through one long winter."


def test_leading_title_page_that_restates_the_metadata_is_front_matter(tmp_path: Path) -> None:
    # FicHub's introduction: title, byline, the OPF's summary, "Label: value" lines, links.
    intro = xhtml(
        f"<h1>Harbour Lights</h1><p><b>By: Ness</b></p><p>{SUMMARY}</p><p>Status: complete</p>"
        "<p>Words: 21</p><p>Original source: <a href=\"https://example.org/s/1\">https://example.org/s/1</a></p>"
        '<p>Exported with the assistance of <a href="https://example.org">Example</a></p>'
    )
    path = build(
        tmp_path, [("introduction.xhtml", intro), *STORY], title="Harbour Lights", author="Ness", description=SUMMARY
    )
    doc = read_document(path)
    m = doc.metadata
    assert [t for t, _ in starts(doc)] == ["Lanterns", "Boats"]
    assert doc.text.startswith("Lanterns\n\nMara")
    assert (m["status"], m["words"], m["url"]) == ("complete", 21, "https://example.org/s/1")
    assert m["account"]["unaccounted"] == 0


def test_leading_site_story_header_page_is_front_matter(tmp_path: Path) -> None:
    # WebToEpub's information page: fanfiction.net's story header (#profile_top), whose
    # summary the OPF does not carry.
    info = xhtml(
        "<h1>Information</h1><div><p><b>Table of Contents URL: </b>https://example.org/s/1/1/</p></div>"
        '<div id="profile_top"><b>Harbour Lights</b> <span>By:</span> <a href="/u/1">Ness</a>'
        f'<div class="xcontrast_txt">{SUMMARY} Winter is long and the oil runs low.</div>'
        "<span>Rated: Fiction K - English - Chapters: 2 - Words: 21 - Status: Complete - id: 1</span></div>"
    )
    path = build(tmp_path, [("0000_Information.xhtml", info), *STORY], title="Harbour Lights", author="Ness")
    doc = read_document(path)
    m = doc.metadata
    assert [t for t, _ in starts(doc)] == ["Lanterns", "Boats"]
    assert "oil runs low" not in doc.text
    assert m["summary"] == f"{SUMMARY} Winter is long and the oil runs low."
    assert (m["rating"], m["language"], m["words"], m["chapters"]) == ("K", "English", 21, "2/2")
    assert m["account"]["unaccounted"] == 0


def test_builder_title_page_with_label_lines_is_read_as_metadata(tmp_path: Path) -> None:
    # A third-party builder's title page: "<p>Label: value</p>" lines, the summary in a
    # blockquote after "Summary:".
    title_page = xhtml(
        '<h3><a href="https://example.org/works/9">Harbour Lights</a> by Ness</h3>'
        "<p>Fandoms: Original Work</p><p>Status: In-Progress</p><p>Published: 2024-01-02</p>"
        "<p>Chapters: 2/?</p><p>Relationships: Mara/Ines</p><p>Additional tags: Winter, Lighthouses</p>"
        "<p>Categories: F/F</p><p>Rating: General Audiences</p>"
        f"<div>Summary: <blockquote><p>{SUMMARY}</p></blockquote></div>"
    )
    path = build(tmp_path, [("titlepage.xhtml", title_page), *STORY], title="Harbour Lights", author="Ness")
    doc = read_document(path)
    m = doc.metadata
    assert [t for t, _ in starts(doc)] == ["Lanterns", "Boats"]
    assert (m["fandoms"], m["relationships"], m["categories"]) == (["Original Work"], ["Mara/Ines"], ["F/F"])
    assert (m["additional_tags"], m["rating"]) == (["Winter", "Lighthouses"], "General Audiences")
    assert (m["published"], m["chapters"], m["summary"]) == ("2024-01-02", "2/?", SUMMARY)
    assert m["account"]["unaccounted"] == 0


@pytest.mark.parametrize(
    "first",
    [
        # a short first chapter that opens with a note is still a chapter
        "<h2>Prologue</h2><p>Author's note: thanks for reading.</p><p>Mara woke before the bells and went down to the water.</p>",
        # a first chapter headed by the work's title, in a book of two chapters
        "<h2>Harbour Lights</h2><p>Mara woke before the bells and went down to the water.</p>",
    ],
    ids=["note-then-prose", "headed-by-work-title"],
)
def test_a_short_first_chapter_is_not_front_matter(tmp_path: Path, first: str) -> None:
    path = build(tmp_path, [("c0.xhtml", xhtml(first)), *STORY], title="Harbour Lights", author="Ness", description=SUMMARY)
    doc = read_document(path)
    assert len(starts(doc)) == 3
    assert "Mara woke before the bells" in doc.text


def test_one_shot_heading_with_the_work_title_is_not_a_chapter_title(tmp_path: Path) -> None:
    # FanFicFare heads a one-shot's only chapter with the work's title.
    ch = xhtml('<h3 class="fff_chapter_title">Lamp Oil</h3><p>Oona lit the lamp.</p>', "fff_chapter")
    path = build(tmp_path, [("file0001.xhtml", ch)], title="Lamp Oil")
    doc = read_document(path)
    assert [t for t, _ in starts(doc)] == [""]
    assert doc.text == "Oona lit the lamp."
    assert doc.metadata["chapter_titles"] == []


# --- real downloads (../shared/data/fanfic/epub; skipped when absent) -----------------------

# (file, chapters, first chapter's title)
REAL = [
    # a third-party builder of AO3 works: AO3 work-page markup, notes in files of their own
    ("crimson_supernova.epub", 41, "Chapter 1: ignition"),
    ("sigh_no_more.epub", 1, ""),
    # FicHub, EPUB 3: an introduction page before the nav document
    ("hunted.epub", 36, "Changes"),
    # WebToEpub: fanfiction.net's story header kept as an information page
    ("isolation.epub", 49, "1. Haven"),
    # FanFicFare one-shot: its chapter is headed by the work's title
    ("like_fire_and_water.epub", 1, ""),
    ("anthology_in_arduis_fidelis.epub", 344, "1. The Term Begins"),
    ("johnlock_a_random_day.epub", 1, ""),
]


@pytest.mark.parametrize(("name", "chapters", "first"), REAL, ids=[r[0].removesuffix(".epub") for r in REAL])
def test_real_epub_chapters(name: str, chapters: int, first: str) -> None:
    path = FANFIC / "epub" / name
    if not path.is_file():
        pytest.skip(f"{path} absent (the real downloads live in ../shared/data/fanfic)")
    doc = read_document(path)
    found = starts(doc)
    assert len(found) == chapters
    assert found[0][0] == first
    account = doc.metadata["account"]
    assert account["unaccounted"] <= 0.01 * account["visible"]


# (file, metadata key, value) read from a front-matter page or a notes document
REAL_META = [
    # FicHub's introduction: "Rated: Fiction M - ..." line
    ("hunted.epub", "rating", "M"),
    # WebToEpub's information page: fanfiction.net's #profile_top
    ("isolation.epub", "chapters", "49/49"),
    ("isolation.epub", "fandoms", ["Harry Potter"]),
    # the third-party builder's title page: "<p>Label: value</p>"
    ("crimson_supernova.epub", "categories", ["M/M"]),
    ("sigh_no_more.epub", "rating", "Mature"),
]


@pytest.mark.parametrize(("name", "key", "value"), REAL_META, ids=[f"{r[0].removesuffix('.epub')}-{r[1]}" for r in REAL_META])
def test_real_epub_front_matter_metadata(name: str, key: str, value: object) -> None:
    path = FANFIC / "epub" / name
    if not path.is_file():
        pytest.skip(f"{path} absent (the real downloads live in ../shared/data/fanfic)")
    assert read_document(path).metadata[key] == value


# --- EpubMerge: one book, several works -------------------------------------------------------


def test_epubmerge_book_is_one_document_per_work(epubmerge_book: Path) -> None:
    from ficlens.ingest import read_works, work_count

    assert work_count(epubmerge_book) == 2
    works = read_works(epubmerge_book)
    assert [w.metadata["title"] for w in works] == ["The Lamp Keeper", "The Lamp Keeper's Heir"]
    assert [w.metadata["chapter_titles"] for w in works] == [["1. Oil", "2. Wick"], ["1. Departure", "2. Storm", "3. Return"]]
    assert [w.metadata["summary"] for w in works] == ["Oona keeps the harbour lamp.", "Pell takes the lamp when Oona sails."]
    assert [w.metadata["work_index"] for w in works] == [1, 2]
    assert works[1].metadata["book"]["title"] == "The Lamp Keeper Anthology"
    assert works[1].metadata["series"] == [{"title": "The Lamp Keeper Anthology", "part": 2}]
    assert [w.source for w in works] == [f"{epubmerge_book}#work-1", f"{epubmerge_book}#work-2"]
    assert "Pell trimmed the wick" in works[0].text and "Pell trimmed the wick" not in works[1].text
    assert all(w.metadata["authors"] == ["Wren Hollis"] and not w.warnings for w in works)


def test_epubmerge_corrupt_work_is_an_input_error(tmp_path: Path, make_epubmerge) -> None:
    from ficlens.ingest import read_work, read_works

    path = make_epubmerge(tmp_path / "broken.epub", broken=2)
    assert read_work(path, 1).metadata["title"] == "The Lamp Keeper"
    with pytest.raises(InputError, match=r"broken\.epub#work-2"):
        read_works(path)
    with pytest.raises(InputError, match="has no work 3"):
        read_work(path, 3)


def test_other_files_are_one_work(tmp_path: Path) -> None:
    from ficlens.ingest import read_works, work_count

    ch = '<html><body><h1>Chapter 1</h1><p>Oona lit the lamp.</p></body></html>'
    path = build(tmp_path, [("file0001.xhtml", ch)], title="Lamp Oil")
    assert work_count(path) == 1
    assert [d.text for d in read_works(path)] == [read_document(path).text]


# (title, chapters) of each work of the real EpubMerge book: seven FanFicFare EPUBs of an AO3 series
ANTHOLOGY = [("In Arduis Fidelis 1", 12), ("In Arduis Fidelis 2", 18), ("In Arduis Fidelis 3", 18),
             ("In Arduis Fidelis 4", 37), ("In Arduis Fidelis 5", 56), ("In Arduis Fidelis 6", 93),
             ("In Arduis Fidelis 7", 110)]  # fmt: skip


def test_real_epubmerge_anthology_works() -> None:
    from ficlens.ingest import read_works

    path = FANFIC / "epub" / "anthology_in_arduis_fidelis.epub"
    if not path.is_file():
        pytest.skip(f"{path} absent (the real downloads live in ../shared/data/fanfic)")
    works = read_works(path)
    assert [(w.metadata["title"], len(starts(w))) for w in works] == ANTHOLOGY
    assert [w.metadata["chapters"] for w in works] == [str(c) for _, c in ANTHOLOGY]
    assert all(w.metadata["authors"] == ["DontAppallMeWhenImHigh"] for w in works)
    assert works[0].metadata["series"] == [{"title": "In Arduis Fidelis", "part": 1}]
    for w in works:
        account = w.metadata["account"]
        assert account["unaccounted"] <= 0.01 * account["visible"], w.source


def test_member_that_inflates_past_its_declared_size_is_refused_while_inflating(tmp_path: Path) -> None:
    # The headers say 1 KB; the data inflates to 20 MB. Refused after about 1 KB + 64 KB.
    import struct
    import tracemalloc

    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", compression=zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("mimetype", "application/epub+zip", compress_type=zipfile.ZIP_STORED)
        zf.writestr("META-INF/container.xml", "<container/>")
        zf.writestr("OEBPS/ch1.xhtml", b"<p>" + b"a" * 20_000_000 + b"</p>")
    data = bytearray(buf.getvalue())
    with zipfile.ZipFile(io.BytesIO(bytes(data))) as zf:
        info = zf.getinfo("OEBPS/ch1.xhtml")
    struct.pack_into("<L", data, info.header_offset + 22, 1024)  # local header's size
    central = data.rfind(b"PK\x01\x02", 0, data.rfind(b"OEBPS/ch1.xhtml"))
    struct.pack_into("<L", data, central + 24, 1024)  # the central directory's
    path = tmp_path / "liar.epub"
    path.write_bytes(bytes(data))
    tracemalloc.start()
    with pytest.raises(InputError, match="inflates past"):
        read_document(path)
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    assert peak < 5_000_000
