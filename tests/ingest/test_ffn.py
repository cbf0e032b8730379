"""fanfiction.net chapter pages saved from the site (ffn.py)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from ficlens.errors import InputError
from ficlens.ingest import AO3_METADATA_KEYS, FfnReader, read_document
from ficlens.ingest._htmltext import parse_html
from ficlens.ingest.ffn import is_ffn
from ficlens.model import HintKind

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "ingest"
SHARED = Path(__file__).resolve().parents[3] / "shared" / "data" / "fanfic"
NEEDS_SHARED = pytest.mark.skipif(
    not (SHARED / "ffn").is_dir(), reason=f"the team's real fan-fiction files are not here ({SHARED})"
)
# The site's furniture: menus, font controls, the review box, story actions, footer, scripts.
FFN_CHROME = (
    "unleash your imagination",
    "FanFiction.Net",
    "Sign Up",
    "Login",
    "Follow/Fav",
    "Review this",
    "Post Review",
    "Report Possible Abuse",
    "Add Story to",
    "Add Author to",
    "Author of ",
    "Next >",
    "< Prev",
    "Privacy",
    "Terms of Service",
    "fontastic",
    "function(",
    "self.location",
    "document.write",
)


def chrome_in(doc) -> list[str]:
    meta = json.dumps(doc.metadata, ensure_ascii=False, default=str)
    return [s for s in FFN_CHROME if s in doc.text or s in meta]


def chapter_starts(doc) -> list[tuple[str, str]]:
    return [(h.text, doc.text[h.start : h.end]) for h in doc.hints if h.kind == HintKind.CHAPTER_START]


def test_2014_layout_every_field() -> None:
    doc = read_document(FIXTURES / "ffn_chapter_2014.html")
    assert doc.format == "ffn"
    m = doc.metadata
    assert set(AO3_METADATA_KEYS) <= set(m)
    assert m["title"] == "The Clockmaker's Apprentice"
    assert m["authors"] == ["tickwright"]
    assert m["fandoms"] == ["Original Tales"]
    assert m["summary"] == "Nell mends clocks; one of them mends her back."
    assert m["rating"] == "T"
    assert m["language"] == "English"
    assert m["additional_tags"] == ["Drama", "Hurt/Comfort"]
    assert m["characters"] == ["Nell", "Master Oswin"]
    assert (m["words"], m["chapters"]) == (2048, "3/?")
    assert (m["published"], m["updated"], m["completed"]) == ("1/17/2014", "5/13/2014", None)
    assert (m["chapter_number"], m["chapter_titles"]) == (2, ["Springs"])
    assert m["url"] == "https://www.fanfiction.net/s/1234567/2/"
    assert doc.text == (
        "A/N: Thanks for the kind words on the first chapter!\n\n"
        "Nell opened the back of the clock and found the spring wound too tight.\n\n"
        '"Easy," said Master Oswin. "A spring remembers every hand that forced it."\n\n'
        "* * *\n\n"
        "By evening the clock was ticking again, slow and sure."
    )
    assert chapter_starts(doc) == [("Springs", doc.text)]
    assert chrome_in(doc) == []
    assert doc.warnings == []


def test_2008_layout_breadcrumb_title_and_loose_stats_line() -> None:
    doc = read_document(FIXTURES / "ffn_chapter_2008.html")
    assert doc.format == "ffn"
    m = doc.metadata
    assert (m["title"], m["authors"], m["fandoms"]) == ("Salt and Iron", ["harrowgate"], ["Original Tales"])
    assert (m["rating"], m["language"], m["additional_tags"]) == ("K+", "English", ["Adventure"])
    assert m["characters"] == ["Bram", "Tessa"]
    assert (m["published"], m["updated"], m["words"], m["chapters"]) == ("01-12-08", "03-02-08", None, "2/?")
    assert (m["chapter_number"], m["chapter_titles"]) == (1, ["Harbour"])
    assert m["summary"] is None
    assert doc.text == (
        "Bram hauled the net over the rail and counted the fish twice.\n\n"
        '"Forty," said Tessa. "Father will want fifty."\n\n'
        "The harbour bell rang across the water."
    )
    assert chrome_in(doc) == []


def test_2012_layout_title_before_the_byline(tmp_path: Path) -> None:
    # 2012: no #profile_top and no breadcrumb <b>: "<b>Title</b> <hr> Author: <a href=/u/...>".
    html = (FIXTURES / "ffn_chapter_2008.html").read_text(encoding="utf-8")
    html = html.replace("&#187; <b>Salt and Iron</b>", "&#187;")
    html = html.replace("<td><a href='/u/4321/harrowgate'>", "<td><b>Salt and Iron</b> <hr> Author: <a href='/u/4321/harrowgate'>")
    html = html.replace("<title>Salt and Iron Chapter 1, a Original Tales fanfic - FanFiction.Net</title>", "")
    path = tmp_path / "2012.html"
    path.write_text(html, encoding="utf-8")
    assert read_document(path).metadata["title"] == "Salt and Iron"


def test_one_shot_has_no_chapter_menu(tmp_path: Path) -> None:
    html = (FIXTURES / "ffn_chapter_2014.html").read_text(encoding="utf-8")
    start = html.index("<span style='float:right;'>")
    end = html.index("<div role='main'")
    html = html[:start] + html[end:]
    html = html.replace("Chapters: 3 - ", "").replace("Updated: <span data-xutime='1400000000'>5/13/2014</span> - ", "")
    html = html.replace(" - id: 1234567", " - Status: Complete - id: 1234567")
    html = html.replace("<title>The Clockmaker's Apprentice Chapter 2: Springs,", "<title>The Clockmaker's Apprentice,")
    start = html.index("<span style='float:right;'>")
    end = html.index("<div id=review_success")
    html = html[:start] + html[end:]
    path = tmp_path / "oneshot.html"
    path.write_text(html, encoding="utf-8")
    doc = read_document(path)
    m = doc.metadata
    assert (m["chapters"], m["chapter_number"], m["chapter_titles"], m["completed"]) == ("1/1", 1, [], "1/17/2014")
    assert chapter_starts(doc) == [("", doc.text)]


def test_detected_by_structure_not_by_name(tmp_path: Path) -> None:
    path = tmp_path / "story.htm"
    path.write_bytes((FIXTURES / "ffn_chapter_2014.html").read_bytes())
    assert read_document(path).format == "ffn"
    assert is_ffn(parse_html((FIXTURES / "ffn_chapter_2008.html").read_bytes()))
    for name in ("ao3_workpage.html", "fanficfare.html", "ao3_series_page.html"):
        assert not is_ffn(parse_html((FIXTURES / name).read_bytes())), name
    # A page that merely has a div#storytext is not fanfiction.net.
    assert not is_ffn(parse_html(b"<html><body><div id='storytext'><p>Hi.</p></div></body></html>"))


def test_empty_storytext_is_an_error(tmp_path: Path) -> None:
    html = (FIXTURES / "ffn_chapter_2008.html").read_text(encoding="utf-8")
    start = html.index("<div id=storytext class=storytext>") + len("<div id=storytext class=storytext>")
    end = html.index("</div></div>", start)
    path = tmp_path / "empty.html"
    path.write_text(html[:start] + html[end:], encoding="utf-8")
    with pytest.raises(InputError, match=r"empty.html: fanfiction.net page has no story text"):
        read_document(path)


def test_reader_refuses_a_page_without_storytext() -> None:
    with pytest.raises(InputError, match="not a fanfiction.net story page"):
        FfnReader().read(b"<html><body><p>Just a page.</p></body></html>", "x.html")


# (file, title, author, fandom, chapter number, chapter title) for ../shared/data/fanfic/ffn/.
FFN_PAGES = [
    ("78.html", "Child of Four", "sarini", "Harry Potter", 78, "Chapter 78"),
    ("counting1.html", "Counting", "ambtus", "Harry Potter", 1, "Skipping Stones"),
    ("counting2.html", "Counting", "ambtus", "Harry Potter", 2, "The Flower"),
    ("first.html", "Child of Four", "sarini", "Harry Potter", 3, "Chapter 3"),
    ("ibiki.html", "Ibiki's Apprentice", "May Wren", "Naruto", 1, None),
    ("intro.html", "Child of Four", "sarini", "Harry Potter", 1, "Chapter 1"),
    ("part6.html", "It's For a Good Cause, I Swear!", "Sarah1281", "Naruto", 6, "He Could Be A Zombie"),
    ("stars1.html", "Of Western Stars", "neutral", "Harry Potter", 1, "of blurry pictures"),
    ("stars2.html", "Of Western Stars", "neutral", "Harry Potter", 2, "of comings and goings"),
    ("stuck1.html", "Stuck!", "kolyaaa", "Stargate: Atlantis", 1, "1:A Scowl Like a Thundercloud"),
]


@NEEDS_SHARED
@pytest.mark.parametrize(("name", "title", "author", "fandom", "number", "chapter"), FFN_PAGES, ids=[p[0] for p in FFN_PAGES])
def test_real_ffn_page(name: str, title: str, author: str, fandom: str, number: int, chapter: str | None) -> None:
    doc = read_document(SHARED / "ffn" / name)
    assert doc.format == "ffn"
    m = doc.metadata
    assert (m["title"], m["authors"], m["fandoms"]) == (title, [author], [fandom])
    assert (m["chapter_number"], m["chapter_titles"]) == (number, [chapter] if chapter else [])
    assert len(chapter_starts(doc)) == 1
    assert m["rating"] and m["language"] == "English" and m["published"]
    assert chrome_in(doc) == []
    # The story text is div#storytext and nothing else: its letters and digits, give or take 1%
    # (ornament lines made of many <b> pieces make word counts of the markup unreliable; ASCII only,
    # as the reader repairs mojibake that the raw markup still has).
    story = parse_html((SHARED / "ffn" / name).read_bytes()).xpath('//*[@id="storytext"]')[0]
    expected = sum(c.isascii() and c.isalnum() for c in story.text_content())
    assert abs(sum(c.isascii() and c.isalnum() for c in doc.text) - expected) <= expected // 100


def test_real_ffn_file_list_is_complete() -> None:
    if not (SHARED / "ffn").is_dir():
        pytest.skip(f"the team's real fan-fiction files are not here ({SHARED})")
    assert sorted(p.name for p in (SHARED / "ffn").glob("*.html")) == sorted(p[0] for p in FFN_PAGES)
