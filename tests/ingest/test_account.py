"""The words account: hand-made pages and books (CC0, see tests/fixtures/ingest/README.md),
Documents standing for a reader that lost a part, and a run over every real download."""

from __future__ import annotations

import time
from pathlib import Path

import pytest
from ebooklib import epub

from ficlens.errors import InputError
from ficlens.ingest import read_document
from ficlens.ingest._htmltext import parse_html
from ficlens.ingest.account import (
    account_warning,
    account_words,
    html_parts,
    surplus_warning,
    words,
)
from ficlens.model import Document

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "ingest"
FANFIC = Path(__file__).resolve().parents[2].parent / "shared" / "data" / "fanfic"

CH1 = "Mirela counted the lanterns on the bridge, twelve of them, and one was out."
CH2 = "By morning the river had risen to the second step of the mill, and Tomas laughed at it."
CH3 = (
    "The epilogue came a year later. Mirela lit the thirteenth lantern herself, "
    "and the ferryman said it was the brightest on the river, brighter than the moon."
)
NAV = "Home Log In Forgot password? Next Chapter"
HEAD3 = " ".join(CH3.split()[:7])  # the epilogue's first seven words


def page(*chapters: str, nav: bool = True, script: bool = True) -> bytes:
    head = "<head><title>The Lanterns</title><style>p { color: red }</style></head>"
    body = '<nav id="menu"><a href="/">Home</a> <a href="/login">Log In</a> <a>Forgot password?</a></nav>' if nav else ""
    if script:
        body += "<script>var tracking = function(){ return 'analytics beacon'; };</script>"
    for i, text in enumerate(chapters, 1):
        body += f'<div id="chapter-{i}"><p>{text}</p></div>'
    if nav:
        body += '<div class="navigation"><a>Next Chapter</a></div>'
    return f"<!DOCTYPE html><html>{head}<body>{body}</body></html>".encode()


def test_words_fold_case_and_thousands() -> None:
    # case folded, punctuation dropped, "3,419" is the number 3419
    assert words("Hello, WORLD: 3,419 words") == ["hello", "world", "3419", "words"]


def test_words_empty() -> None:
    assert words("") == []


def test_html_parts_by_id_scripts_invisible_navigation_by_rule() -> None:
    parts = {p.name: p for p in html_parts(parse_html(page(CH1, CH2)))}
    assert set(parts) == {"nav#menu", "div#chapter-1", "div#chapter-2", "div.navigation"}
    assert parts["nav#menu"].rule == "navigation"
    assert parts["div#chapter-1"].rule is None
    assert parts["div#chapter-1"].words == words(CH1)
    everything = [w for p in parts.values() for w in p.words]
    assert "analytics" not in everything and "color" not in everything  # script and style are not visible


def test_reader_lost_a_part_warns_naming_it() -> None:
    # a reader that read chapters 1 and 2 but not chapter 3
    doc = Document(text=f"{CH1}\n\n{CH2}", source="lanterns.html", format="html")
    account = account_words(doc, page(CH1, CH2, CH3))
    assert account is not None
    assert account["unaccounted"] == len(words(CH3))
    assert account["lost_parts"][0]["part"] == "div#chapter-3"
    assert doc.warnings and "div#chapter-3" in doc.warnings[0]
    assert f"{len(words(CH3))} of {len(words(CH3))} words not read" in doc.warnings[0]
    assert doc.metadata["account"] is account


def test_lost_part_is_charged_with_the_common_words() -> None:
    # "the", "river", "Mirela" also occur in the chapters that were read: the lost chapter
    # still gets all of its words, not a share spread over every chapter
    doc = Document(text=f"{CH1}\n\n{CH2}", format="html")
    account = account_words(doc, page(CH1, CH2, CH3, nav=False))
    assert [p["part"] for p in account["lost_parts"]] == ["div#chapter-3"]


def test_only_navigation_dropped_no_warning() -> None:
    doc = Document(text=f"{CH1}\n\n{CH2}", format="html")
    account = account_words(doc, page(CH1, CH2))
    assert account["unaccounted"] == 0
    assert account["dropped"] == len(words(NAV))
    assert account["dropped_by"] == {"navigation": len(words(NAV))}
    assert account["visible"] == account["story"] + account["dropped"]
    assert doc.warnings == []


def test_metadata_words_are_accounted() -> None:
    # the reader moved the summary (the first part) into the metadata
    doc = Document(text=CH2, format="html", metadata={"summary": CH1})
    account = account_words(doc, page(CH1, CH2, nav=False))
    assert (account["story"], account["metadata"], account["unaccounted"]) == (len(words(CH2)), len(words(CH1)), 0)


def test_recorded_drops_count_and_leave_the_metadata() -> None:
    # a reader that drops chapter 3 by a rule of its own records it; nothing is lost
    doc = Document(
        text=f"{CH1}\n\n{CH2}",
        format="html",
        metadata={"dropped": [{"part": "div#chapter-3", "reason": "site boilerplate", "text": CH3}]},
    )
    account = account_words(doc, page(CH1, CH2, CH3, nav=False))
    assert account["unaccounted"] == 0
    assert account["dropped_by"] == {"site boilerplate": len(words(CH3))}
    assert "dropped" not in doc.metadata  # dropped text never reaches metadata.json
    assert doc.warnings == []


def test_small_loss_under_one_percent_no_warning() -> None:
    account = {"visible": 10_000, "unaccounted": 100, "lost_parts": [{"part": "p", "words": 100, "not_read": 100}]}
    assert account_warning(account) is None
    account["unaccounted"] = 101
    assert account_warning(account) is not None


def test_empty_input() -> None:
    doc = Document(text="", format="text")
    account = account_words(doc, b"")
    assert account["visible"] == 0 and account["unaccounted"] == 0
    assert doc.warnings == []


def test_unknown_format_is_recorded_not_guessed() -> None:
    doc = Document(text="words", format="rtf")
    assert account_words(doc, b"{\\rtf1 words}") is None
    assert "skipped" in doc.metadata["account"]


def _book(tmp_path: Path, chapters: list[tuple[str, str]]) -> Path:
    book = epub.EpubBook()
    book.set_identifier("ficlens-account-test")
    book.set_title("The Lanterns")
    book.set_language("en")
    book.add_author("Test Writer")
    items = []
    for i, (name, text) in enumerate(chapters):
        item = epub.EpubHtml(uid=f"c{i}", file_name=name, title=name)
        item.content = f"<html><head><title>x</title></head><body><h1>{name}</h1><p>{text}</p></body></html>"
        book.add_item(item)
        items.append(item)
    book.add_item(epub.EpubNcx())
    book.add_item(epub.EpubNav())
    book.toc = items
    book.spine = ["nav", *items]
    path = tmp_path / "lanterns.epub"
    epub.write_epub(str(path), book)
    return path


def test_epub_lost_spine_document_is_named(tmp_path: Path) -> None:
    path = _book(tmp_path, [("one.xhtml", CH1), ("two.xhtml", CH2), ("epilogue.xhtml", CH3)])
    # a reader that stopped before the last spine document
    doc = Document(text=f"one.xhtml\n\n{CH1}\n\ntwo.xhtml\n\n{CH2}", source=str(path), format="epub")
    account_words(doc, path.read_bytes())
    assert doc.warnings and "file epilogue.xhtml" in doc.warnings[0]
    assert doc.metadata["account"]["dropped_by"].get("navigation", 0) > 0  # the nav document, by rule


def test_read_document_accounts_an_epub(tmp_path: Path) -> None:
    path = _book(tmp_path, [("one.xhtml", CH1), ("two.xhtml", CH2)])
    doc = read_document(path)
    account = doc.metadata["account"]
    assert account["unaccounted"] == 0
    assert not any("not read" in w for w in doc.warnings)


def test_read_document_accounts_html_navigation_only(tmp_path: Path) -> None:
    path = tmp_path / "lanterns.html"
    path.write_bytes(page(CH1, CH2, CH3))
    doc = read_document(path)
    account = doc.metadata["account"]
    assert account["unaccounted"] <= 0.01 * account["visible"]
    assert not any("not read" in w for w in doc.warnings)


_NOT_INPUTS = {".py", ".sh", ".json", ".toml"}


def _check_account(doc: Document, name: str) -> None:
    a = doc.metadata["account"]
    if "skipped" in a:  # a format the account does not read (none of the readers' today)
        return
    assert a["visible"] == a["story"] + a["metadata"] + a["dropped"] + a["unaccounted"], name
    assert a["dropped"] == sum(a["dropped_by"].values()), name


def test_account_runs_over_every_fixture() -> None:
    paths = sorted(p for p in FIXTURES.rglob("*") if p.is_file() and p.suffix not in _NOT_INPUTS and p.name != "README.md")
    assert paths
    for path in paths:
        try:
            doc = read_document(path)
        except InputError:
            continue  # a fixture made to be refused
        _check_account(doc, path.name)


@pytest.mark.data
@pytest.mark.slow  # the big EPUBs hold 500-880k words: about 10 s in all
def test_account_runs_over_every_real_download() -> None:
    if not FANFIC.is_dir():
        pytest.skip(f"real downloads not found at {FANFIC} (they live in ../shared/data/fanfic)")
    paths = [p for sub in ("ao3", "ffn", "epub", "not-a-story") for p in sorted((FANFIC / sub).glob("*")) if p.is_file()]
    assert len(paths) >= 56
    for path in paths:
        start = time.perf_counter()
        try:
            doc = read_document(path)
        except InputError:
            continue  # a page with no story (or a file a reader cannot read yet) may be refused
        _check_account(doc, path.name)
        assert doc.metadata["account"].get("visible", 0) > 0 or "skipped" in doc.metadata["account"], path.name
        assert time.perf_counter() - start < 60, path.name


def test_account_warning_reaches_the_corpus_works_table() -> None:
    from ficlens.corpus.tables import document_rows

    doc = Document(text=f"{CH1}\n\n{CH2}", source="lanterns.html", format="html")
    account_words(doc, page(CH1, CH2, CH3))
    works = document_rows(doc, "s1", "lanterns.html")["works"]
    assert any("div#chapter-3" in w for w in works[0]["warnings"])


def test_account_that_cannot_read_the_input_says_so() -> None:
    # a zip signature the reader got past but no EPUB behind it
    doc = Document(text="words", format="epub")
    assert account_words(doc, b"PK\x03\x04 not really a zip") is None
    assert "skipped" in doc.metadata["account"]
    assert any("could not read" in w for w in doc.warnings)


def _calibre_ao3_book(tmp_path: Path) -> Path:
    """An AO3 download as Calibre splits it: the last chapter's file also holds the afterword."""
    book = epub.EpubBook()
    book.set_identifier("ficlens-account-calibre")
    book.set_title("The Lanterns")
    book.set_language("en")
    book.add_author("Test Writer")
    book.add_metadata("DC", "publisher", "Archive of Our Own")
    files = [
        (
            "The_Lanterns_split_000.xhtml",
            '<div id="preface" class="calibre1"><p class="message">Posted originally on the Archive of Our Own.</p>'
            '<div class="meta"><dl class="tags"><dt class="calibre3">Rating:</dt><dd class="calibre4">General Audiences</dd>'
            '</dl><h1 class="calibre6">The Lanterns</h1><div class="byline">by Test Writer</div></div></div>',
        ),
        (
            "The_Lanterns_split_001.xhtml",
            '<div id="chapters" class="userstuff1"><div class="meta"><h2 class="heading">Chapter 1</h2></div>'
            f'<div class="userstuff2"><p class="calibre7">{CH1}</p><p class="calibre7">{CH2}</p></div></div>',
        ),
        (
            "The_Lanterns_split_002.xhtml",
            '<div id="chapters" class="userstuff1"><div class="meta"><h2 class="heading">Chapter 2: Epilogue</h2></div>'
            f'<div class="userstuff2"><p class="calibre7">{CH3}</p></div></div>'
            '<div id="afterword" class="calibre1"><div id="works_links"><p>Please drop by the Archive and comment.</p></div></div>',
        ),
    ]
    items = []
    for i, (name, body) in enumerate(files):
        item = epub.EpubHtml(uid=f"s{i}", file_name=name, title=name)
        item.content = f"<html><head><title>x</title></head><body class=\"calibre\">{body}</body></html>"
        book.add_item(item)
        items.append(item)
    book.add_item(epub.EpubNcx())
    book.toc = items
    book.spine = items
    path = tmp_path / "The_Lanterns.epub"
    epub.write_epub(str(path), book)
    return path


def test_calibre_epilogue_with_afterword_is_read_or_named(tmp_path: Path) -> None:
    # issue 21: the file holding the epilogue also holds the afterword block. Nothing lost
    # silently: the epilogue is in the story text, or a warning names its file.
    doc = read_document(_calibre_ao3_book(tmp_path))
    epilogue_read = "thirteenth lantern" in doc.text
    named = any("The_Lanterns_split_002.xhtml" in w and "not read" in w for w in doc.warnings)
    assert epilogue_read or named, doc.warnings


def test_every_visible_word_lands_in_exactly_one_place() -> None:
    # visible = story + metadata + dropped + unaccounted, and dropped is the sum of its reasons
    doc = Document(
        text=CH2,
        format="html",
        metadata={"summary": CH1, "dropped": [{"part": "div#chapter-3", "reason": "boilerplate", "text": HEAD3}]},
    )
    a = account_words(doc, page(CH1, CH2, CH3))
    assert a["visible"] == a["story"] + a["metadata"] + a["dropped"] + a["unaccounted"]
    assert a["dropped"] == sum(a["dropped_by"].values())
    assert a["dropped_by"]["boilerplate"] == len(words(HEAD3))


def test_chrome_classes_do_not_apply_inside_the_story() -> None:
    # an AO3 work skin styles a text message as p.message: the author's words, not AO3's banner
    html = (
        '<html><body><div id="workskin"><div class="userstuff">'
        f'<p>{CH1}</p><p class="message">{CH3}</p></div></div></body></html>'
    ).encode()
    doc = Document(text=CH1, format="ao3")
    account = account_words(doc, html)
    assert account["unaccounted"] == len(words(CH3))
    assert doc.warnings


@pytest.mark.parametrize(
    "text",
    [
        "word " * 300_000,  # long text: read in chunks cut at whitespace
        "x" * 2_500_000,  # one word longer than a chunk: no cut, no endless loop
    ],
    ids=["many-words", "one-long-word"],
)
def test_words_of_long_text_in_chunks(text: str) -> None:
    assert len(words(text)) == len(text.split())


def test_unchanged_plain_text_is_all_story(tmp_path: Path) -> None:
    path = tmp_path / "lanterns.txt"
    path.write_text(f"{CH1}\n\n{CH2}\n", encoding="utf-8")
    account = read_document(path).metadata["account"]
    assert account["visible"] == account["story"] == len(words(CH1 + " " + CH2))
    assert account["unaccounted"] == 0


def test_navigation_kept_in_the_story_warns() -> None:
    # a reader that kept the menu and the script's words in the story text
    script = "var tracking = function(){ return 'analytics beacon'; };"
    doc = Document(text=f"{NAV} {script} {NAV}\n\n{CH1}", format="html")
    account = account_words(doc, page(CH1))
    assert account["unaccounted"] == 0
    assert account["story_unmatched"] == 2 * len(words(NAV)) + len(words(script))
    assert any("navigation or script text in the story" in w for w in doc.warnings)


def test_epub_documents_skipped_by_name_are_dropped_by_rule(tmp_path: Path) -> None:
    # the EPUB reader skips copyright and about pages by name: not a loss
    path = _book(tmp_path, [("one.xhtml", CH1), ("copyright.xhtml", CH3)])
    doc = Document(text=f"one.xhtml\n\n{CH1}", source=str(path), format="epub")
    account = account_words(doc, path.read_bytes())
    assert account["unaccounted"] == 0
    assert account["dropped_by"]["front and back matter"] >= len(words(CH3))


def test_html_read_by_a_reader_of_another_name_is_accounted() -> None:
    # a saved-page reader added later (format "ffn", say) still gets the HTML account
    doc = Document(text=CH1, format="ffn")
    account = account_words(doc, page(CH1, CH2))
    assert account is not None and account["lost_parts"][0]["part"] == "div#chapter-2"


@pytest.mark.parametrize(
    "data",
    [
        b"%PDF-1.4\n<p>not HTML</p>",  # a PDF
        b"\0" * 60 + b"BOOKMOBI" + b"<html>",  # a MOBI: the name sits at offset 60
    ],
    ids=["pdf", "mobi"],
)
def test_broken_pdf_and_mobi_are_said_so_not_misread_as_html(data: bytes) -> None:
    doc = Document(text="words", format="other")
    assert account_words(doc, data) is None
    assert "could not read" in doc.metadata["account"]["skipped"]
    assert any("could not read" in w for w in doc.warnings)


# --- MOBI, AZW3 and PDF: AO3's downloads of three CC0 stories, made with Calibre ----------

DOWNLOADS = FIXTURES / "ao3_downloads"
KINDLE_AND_PDF = sorted(p.name for p in DOWNLOADS.glob("*") if p.suffix in (".mobi", ".azw3", ".pdf"))


@pytest.mark.parametrize("name", KINDLE_AND_PDF)
def test_kindle_and_pdf_downloads_account_for_every_word(name: str) -> None:
    doc = read_document(DOWNLOADS / name)
    a = doc.metadata["account"]
    assert "skipped" not in a, a
    assert a["visible"] > 100 and a["story"] > 100
    _check_account(doc, name)
    assert account_warning(a) is None and surplus_warning(a) is None, a["lost_parts"]
    assert "dropped" not in doc.metadata  # the readers' records are taken out of the metadata
    if not name.startswith("plain"):  # AO3's labels and boilerplate count as dropped by rule
        assert {"label", "boilerplate"} <= set(a["dropped_by"]), a["dropped_by"]


@pytest.mark.parametrize("name", sorted(p.name for p in DOWNLOADS.glob("*") if p.suffix in (".html", ".epub")))
def test_ao3_html_and_epub_downloads_account_for_every_word(name: str) -> None:
    # AO3's "(See the end of the chapter for more notes.)" (div.endnote-link) and its
    # "Chapter Notes"/"Chapter Summary" labels are dropped by rule, as in the MOBI and PDF.
    a = read_document(DOWNLOADS / name).metadata["account"]
    assert account_warning(a) is None and a["unaccounted"] <= 5, a["lost_parts"]


def test_kindle_and_pdf_fixtures_are_all_there() -> None:
    assert len(KINDLE_AND_PDF) == 15


@pytest.mark.parametrize(
    ("name", "part"),
    [
        ("ferry.mobi", "section 'Chapter 2: The Boat That Was Not There'"),
        ("ferry.azw3", "Chapter 2: The Boat That Was Not There (file Text/part0003.xhtml, div#chapters)"),
        ("ferry.pdf", "page 4"),
        ("ferry.wkhtmltopdf.pdf", "page 3"),
    ],
)
def test_chapter_lost_by_the_reader_is_named(name: str, part: str, monkeypatch: pytest.MonkeyPatch) -> None:
    import ficlens.ingest.ao3 as ao3
    import ficlens.ingest.epub as epub_reader

    real = ao3.collect_chapters

    def lossy(container: object) -> list:
        return [c for c in real(container) if not (c.title or "").startswith("Chapter 2")]

    monkeypatch.setattr(ao3, "collect_chapters", lossy)
    monkeypatch.setattr(epub_reader, "collect_chapters", lossy)
    doc = read_document(DOWNLOADS / name)
    assert "Here the story turns strange" not in doc.text
    assert doc.warnings and "are in neither the story text nor the metadata" in doc.warnings[0]
    assert f"{part}: " in doc.warnings[0]
    assert doc.metadata["account"]["lost_parts"][0]["part"] == part


def test_pdf_page_the_reader_never_saw_is_named(monkeypatch: pytest.MonkeyPatch) -> None:
    import ficlens.ingest.pdf as pdf

    real = pdf._page_lines
    monkeypatch.setattr(pdf, "_page_lines", lambda page, index: [] if index == 3 else real(page, index))
    doc = read_document(DOWNLOADS / "ferry.pdf")
    lost = doc.metadata["account"]["lost_parts"][0]
    assert lost["part"] == "page 4" and lost["not_read"] > 150
    assert "page 4: " in doc.warnings[0]
