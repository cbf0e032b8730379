"""Generic HTML and FanFicFare HTML."""

from __future__ import annotations

from pathlib import Path

import pytest

from ficlens.errors import InputError
from ficlens.ingest import read_document
from ficlens.ingest.fanficfare import FanFicFareHtmlReader
from ficlens.ingest.html import HtmlReader
from ficlens.model import HintKind

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "ingest"

PAGE = b"""<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>Night Ferry | My Blog</title>
<meta name="author" content="Ines Moor">
<style>p { color: red }</style><script>alert("no")</script></head>
<body>
<nav><a href="/">Home</a> <a href="/about">About</a></nav>
<article>
<h1>Night Ferry</h1>
<p>by Ines Moor</p>
<h2>The Crossing</h2>
<p>The ferry left at nine &amp; nobody   waved.
It was <em>cold</em>.</p>
<p>Line one<br>line two</p>
<hr>
<p style="text-align:center">&#9671; &#9671; &#9671;</p>
<p>At dawn the harbour appeared.</p>
<p class="c">* * *</p>
<p>They landed.</p>
</article>
<footer>Copyright me</footer>
</body></html>"""


def hints(doc, kind):
    return [doc.text[h.start : h.end] for h in doc.hints if h.kind == kind]


def test_generic_html_text_and_hints() -> None:
    doc = HtmlReader().read(PAGE, "page.html")
    assert doc.text == (
        "Night Ferry\n\nby Ines Moor\n\nThe Crossing\n\n"
        "The ferry left at nine & nobody waved. It was cold.\n\n"
        "Line one\nline two\n\n* * *\n\nAt dawn the harbour appeared.\n\n* * *\n\nThey landed."
    )
    assert hints(doc, HintKind.HEADING) == ["Night Ferry", "The Crossing"]
    # <hr> followed by an ornament paragraph is one break, not two.
    assert hints(doc, HintKind.SCENE_BREAK) == ["* * *", "* * *"]
    for h in doc.hints:
        assert doc.text[h.start : h.end] == h.text


def test_generic_html_metadata_and_front_matter() -> None:
    doc = HtmlReader().read(PAGE, "page.html")
    assert doc.metadata["title"] == "Night Ferry"
    assert doc.metadata["authors"] == ["Ines Moor"]
    assert doc.metadata["language"] == "en"
    assert doc.text[doc.metadata["front_matter_end"] :].startswith("The Crossing")


def test_script_style_nav_footer_are_skipped() -> None:
    doc = HtmlReader().read(PAGE, "page.html")
    for word in ("alert", "color", "Home", "Copyright"):
        assert word not in doc.text


def test_html_without_text_is_an_error() -> None:
    with pytest.raises(InputError, match="no story text"):
        HtmlReader().read(b"<html><body><script>x</script></body></html>", "e.html")


def test_html_declared_charset_is_used() -> None:
    data = '<html><head><meta charset="windows-1252"></head><body><p>\u201cCaf\u00e9,\u201d she said.</p></body></html>'.encode("cp1252")
    doc = HtmlReader().read(data, "c.html")
    assert doc.text == "\u201cCaf\u00e9,\u201d she said."


def test_deeply_nested_html_does_not_recurse() -> None:
    # 2000 levels: the parser keeps them (huge_tree) and the walker must not recurse.
    data = ("<div>" * 2000 + "<p>Deep.</p>" + "</div>" * 2000).encode()
    doc = HtmlReader().read(b"<html><body>" + data + b"</body></html>", "deep.html")
    assert doc.text == "Deep."


def test_markup_too_deep_for_the_parser_is_a_warning() -> None:
    data = ("<div>" * 6000 + "<p>Lost.</p>" + "</div>" * 6000).encode()
    doc = HtmlReader().read(b"<html><body><p>Top.</p>" + data + b"</body></html>", "deep.html")
    assert doc.text == "Top."
    assert any("nested" in w for w in doc.warnings)


def test_fanficfare_html() -> None:
    doc = read_document(FIXTURES / "fanficfare.html")
    assert doc.format == "fanficfare"
    meta = doc.metadata
    assert meta["title"] == "Paper Boats"
    assert meta["authors"] == ["quillfeather"]
    assert meta["fandoms"] == ["Original Fiction"]
    assert meta["additional_tags"] == ["Friendship", "Hurt/Comfort"]
    assert meta["characters"] == ["Pell", "Juno"]
    assert meta["rating"] == "K+"
    assert meta["published"] == "2019-07-01"
    assert meta["updated"] == "2019-08-15"
    assert meta["completed"] == "2019-08-15"
    assert meta["words"] == 2017
    assert meta["chapters"] == "2"
    assert meta["summary"] == "Two children race boats down a gutter."
    assert meta["chapter_titles"] == ["The Gutter", "The Drain"]
    # Title page and table of contents are not story text.
    assert "Table of Contents" not in doc.text
    assert "Category" not in doc.text
    assert doc.text.startswith("The Gutter\n\nPell folded")
    starts = [(h.text, doc.text[h.start : h.start + 9]) for h in doc.hints if h.kind == HintKind.CHAPTER_START]
    assert starts == [("The Gutter", "The Gutte"), ("The Drain", "The Drain")]


def test_fanficfare_reader_directly() -> None:
    doc = FanFicFareHtmlReader().read((FIXTURES / "fanficfare.html").read_bytes(), "f.html")
    assert hints(doc, HintKind.HEADING) == ["The Gutter", "The Drain"]


# --- which reader a saved page goes to ------------------------------------------------------------


@pytest.mark.parametrize(
    ("fixture", "expected"),
    [
        ("ao3_workpage.html", "ao3"),  # a saved work page
        ("ao3_chapter_page_2025.html", "ao3"),  # a 2025 chapter page with scripts
        ("ao3_series_page.html", "ao3"),  # no story: the AO3 reader refuses it with what it is
        ("ao3_adult_notice.html", "ao3"),  # no story: the adult-content notice
        ("ffn_chapter_2014.html", "ffn"),  # fanfiction.net, #profile_top layout
        ("ffn_chapter_2008.html", "ffn"),  # fanfiction.net, breadcrumb layout
        ("fanficfare.html", "fanficfare"),
    ],
)
def test_saved_pages_are_classified_by_structure(fixture: str, expected: str) -> None:
    from ficlens.ingest._htmltext import parse_html
    from ficlens.ingest.detect import classify_html

    assert classify_html(parse_html((FIXTURES / fixture).read_bytes())) == (expected, [])


@pytest.mark.parametrize("fixture", ["ao3_series_page.html", "ao3_adult_notice.html"])
def test_pages_without_a_story_never_become_generic_html_stories(fixture: str, tmp_path: Path) -> None:
    # Named .txt and .htm, read with detection: still refused, never "Log In" as story text.
    for name in ("page.txt", "page.htm"):
        path = tmp_path / name
        path.write_bytes((FIXTURES / fixture).read_bytes())
        with pytest.raises(InputError, match="no story text|not the work"):
            read_document(path)


SHARED = Path(__file__).resolve().parents[3] / "shared" / "data" / "fanfic"


@pytest.mark.skipif(not (SHARED / "ao3").is_dir(), reason=f"the team's real fan-fiction files are not here ({SHARED})")
def test_no_real_saved_page_falls_back_to_generic_html() -> None:
    from ficlens.ingest._htmltext import parse_html
    from ficlens.ingest.detect import classify_html

    for folder, expected in (("ao3", "ao3"), ("ffn", "ffn"), ("not-a-story", "ao3")):
        for path in sorted((SHARED / folder).glob("*.html")):
            assert classify_html(parse_html(path.read_bytes()))[0] == expected, path.name


def test_title_never_holds_script_text_or_the_site_logo() -> None:
    page = b"""<html><head><title>Gull Song | Tidewrack</title></head><body>
    <div id="header"><h1 class="heading"><a href="/">Tidewrack<sup> beta</sup><script>(function(){var g=1;})();</script></a></h1></div>
    <div id="main"><h1>Gull <script>window.x = 1;</script>Song</h1><p>The gulls sang at noon.</p></div>
    </body></html>"""
    doc = HtmlReader().read(page, "gull.html")
    assert doc.metadata["title"] == "Gull Song"
    assert "function" not in doc.text and "window" not in doc.text
