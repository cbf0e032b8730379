"""AO3 downloads (current and old layout) and saved work pages."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from ficlens.errors import InputError
from ficlens.ingest import AO3_METADATA_KEYS, read_document
from ficlens.ingest.ao3 import Ao3Reader, metadata_keys
from ficlens.model import HintKind

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "ingest"


def chapter_starts(doc):
    return [(h.text, doc.text[h.start : h.end]) for h in doc.hints if h.kind == HintKind.CHAPTER_START]


def test_metadata_keys_are_exported() -> None:
    assert metadata_keys() == AO3_METADATA_KEYS
    assert "archive_warnings" in AO3_METADATA_KEYS and "chapter_titles" in AO3_METADATA_KEYS


def test_multi_chapter_download_every_field() -> None:
    doc = read_document(FIXTURES / "ao3_multi.html")
    assert doc.format == "ao3"
    m = doc.metadata
    assert set(AO3_METADATA_KEYS) <= set(m)
    assert m["title"] == "The Lantern Keeper"
    assert m["authors"] == ["tinwhistle", "orphan_account"]
    assert m["rating"] == "Teen And Up Audiences"
    assert m["archive_warnings"] == ["No Archive Warnings Apply"]
    assert m["categories"] == ["F/M", "Gen"]
    assert m["fandoms"] == ["Original Work"]
    assert m["relationships"] == ["Mira/Tobin"]
    assert m["characters"] == ["Mira Vance", "Tobin Hale", "Old Sela"]
    assert m["additional_tags"] == ["Slow Burn", "Lighthouses"]
    assert m["language"] == "English"
    assert m["series"] == [{"title": "Harbour Lights", "part": 2}]
    assert m["collections"] == ["Sea Fest 2021"]
    assert m["published"] == "2021-03-04"
    assert m["updated"] == "2021-04-11"
    assert m["completed"] is None
    assert m["words"] == 1234
    assert m["chapters"] == "3/?"
    assert m["summary"] == "Mira keeps the light.\n\nTobin keeps coming back."
    assert m["notes"] == "Written for a friend."
    assert m["end_notes"] == "Come say hello."
    assert m["chapter_titles"] == ["Chapter 1: Salt", "Chapter 2", "Chapter 3: Glass"]
    assert m["chapter_notes"][0] == {
        "title": "Chapter 1: Salt",
        "summary": "The storm arrives.",
        "notes": "Thanks for reading!",
        "end_notes": "More soon.",
    }
    assert m["front_matter_end"] == 0
    assert doc.warnings == []


def test_notes_and_summaries_stay_out_of_text() -> None:
    doc = read_document(FIXTURES / "ao3_multi.html")
    for phrase in ("Mira keeps the light", "Written for a friend", "Thanks for reading", "More soon",
                   "Come say hello", "See the end", "Posted originally", "Rating", "Afterword"):
        assert phrase not in doc.text


def test_multi_chapter_text_and_hints() -> None:
    doc = read_document(FIXTURES / "ao3_multi.html")
    starts = chapter_starts(doc)
    assert [t for t, _ in starts] == ["Chapter 1: Salt", "Chapter 2", "Chapter 3: Glass"]
    assert starts[0][1].startswith("Chapter 1: Salt\n\nThe wind came")
    assert starts[2][1] == "Chapter 3: Glass\n\nOld Sela polished the lens and said nothing for an hour."
    headings = [doc.text[h.start : h.end] for h in doc.hints if h.kind == HintKind.HEADING]
    assert headings == ["Chapter 1: Salt", "Chapter 2", "Chapter 3: Glass"]
    breaks = [doc.text[h.start : h.end] for h in doc.hints if h.kind == HintKind.SCENE_BREAK]
    assert breaks == ["* * *", "~ ~ ~"]
    assert "Morning was grey and quiet.\nThe gulls were loud." in doc.text
    assert "\u201cYou again,\u201d she said" in doc.text


def test_old_layout_single_chapter_without_notes() -> None:
    doc = read_document(FIXTURES / "ao3_single_old.html")
    assert doc.format == "ao3"
    m = doc.metadata
    assert m["title"] == "Winter Orchard"
    assert m["authors"] == ["Anonymous"]
    assert m["rating"] == "General Audiences"
    assert m["archive_warnings"] == ["No Archive Warnings Apply"]
    assert m["fandoms"] == ["Original Work"]
    assert m["characters"] == ["Ada Penn"]
    assert m["published"] == "2012-11-20"
    assert m["completed"] == "2012-11-20"
    assert m["updated"] is None
    assert m["chapters"] == "1/1"
    assert m["words"] == 250
    assert m["summary"] is None and m["notes"] is None and m["end_notes"] is None
    assert m["relationships"] == [] and m["series"] == [] and m["chapter_titles"] == []
    assert doc.text == (
        "Ada walked the rows of bare trees and counted the ones that would need cutting.\n\n"
        "Snow fell on her sleeves, soft as flour."
    )
    assert chapter_starts(doc) == [("", doc.text)]


def test_saved_work_page() -> None:
    doc = read_document(FIXTURES / "ao3_workpage.html")
    assert doc.format == "ao3"
    m = doc.metadata
    assert m["title"] == "Two Kettles"
    assert m["authors"] == ["brasskey"]
    assert m["archive_warnings"] == ["Creator Chose Not To Use Archive Warnings"]
    assert m["categories"] == ["F/F"]
    assert m["relationships"] == ["Wren/Ilse"]
    assert m["characters"] == ["Wren", "Ilse"]
    assert m["additional_tags"] == ["Tea", "Fluff"]
    assert m["series"] == [{"title": "Small Comforts", "part": 1}]
    assert (m["published"], m["completed"], m["words"], m["chapters"]) == ("2022-01-02", "2022-01-09", 2345, "2/2")
    assert m["summary"] == "Wren buys a second kettle."
    assert m["notes"] == "A gift for a tea lover."
    assert m["end_notes"] == "Thank you for reading."
    assert m["chapter_notes"][0]["summary"] == "The first kettle."
    assert m["chapter_notes"][0]["end_notes"] == "Chapter two soon."
    assert m["chapter_titles"] == ["Chapter 1: Steam", "Chapter 2: Whistle"]
    assert doc.text == (
        "Chapter 1: Steam\n\nWren set the kettle on the stove and waited for it to sing.\n\n"
        '"Two sugars," Ilse called from the hall.\n\n'
        "Chapter 2: Whistle\n\nThe second kettle whistled in a different key."
    )
    for chrome in ("Chapter Text", "Browse", "Footer", "not story", "Kudos"):
        assert chrome not in doc.text


def test_all_chapters_empty_is_an_error(tmp_path: Path) -> None:
    html = (FIXTURES / "ao3_multi.html").read_text(encoding="utf-8")
    start = html.index('<div id="chapters"')
    end = html.index('<div id="afterword">')
    empty = (
        '<div id="chapters" class="userstuff">'
        '<div class="meta group"><h2 class="heading">Chapter 1</h2></div><div class="userstuff"></div>'
        '<div class="meta group"><h2 class="heading">Chapter 2</h2></div><div class="userstuff"> </div>'
        "</div>"
    )
    path = tmp_path / "empty.html"
    path.write_text(html[:start] + empty + html[end:], encoding="utf-8")
    with pytest.raises(InputError, match="no story text"):
        read_document(path)


def test_some_chapters_empty_is_a_warning(tmp_path: Path) -> None:
    html = (FIXTURES / "ao3_multi.html").read_text(encoding="utf-8")
    html = html.replace("<p>Old Sela polished the lens and said nothing for an hour.</p>", "")
    path = tmp_path / "partial.html"
    path.write_text(html, encoding="utf-8")
    doc = read_document(path)
    assert any("1 of 3 chapters are empty" in w for w in doc.warnings)


def test_non_english_ao3_language_is_a_warning(tmp_path: Path) -> None:
    html = (FIXTURES / "ao3_single_old.html").read_text(encoding="utf-8")
    html = html.replace("<dt>Stats:</dt>", "<dt>Language:</dt><dd>Deutsch</dd><dt>Stats:</dt>")
    path = tmp_path / "de.html"
    path.write_text(html, encoding="utf-8")
    doc = read_document(path)
    assert doc.metadata["language"] == "Deutsch"
    assert any("Deutsch" in w for w in doc.warnings)


def test_ao3_reader_refuses_non_ao3_html() -> None:
    with pytest.raises(InputError, match="not an AO3 work"):
        Ao3Reader().read(b"<html><body><p>Just a page.</p></body></html>", "x.html")


# --- pages saved from the site: work and chapter pages, pages that hold no story ---------------

SHARED = Path(__file__).resolve().parents[3] / "shared" / "data" / "fanfic"
NEEDS_SHARED = pytest.mark.skipif(
    not (SHARED / "ao3").is_dir(), reason=f"the team's real fan-fiction files are not here ({SHARED})"
)
# Site chrome that must never reach the text or the metadata of a saved AO3 page.
AO3_CHROME = (
    "Log In",
    "Forgot password",
    "Kudos",
    "Bookmark",
    "Previous Chapter",
    "Next Chapter",
    "Edit Chapter",
    "Entire Work",
    "Chapter Index",
    "Chapter Text",
    "See the end of the chapter",
    "Archive of Our Own",
    "function(",
    "pagespeed",
)


def chrome_in(doc, strings=AO3_CHROME) -> list[str]:
    meta = json.dumps(doc.metadata, ensure_ascii=False, default=str)
    return [s for s in strings if s in doc.text or s in meta]


def test_chapter_page_2025_layout() -> None:
    # A full page with scripts, <p dir="ltr">, an Edit Chapter menu, chapter navigation,
    # kudos and comments, and forum-import markup (div.messageContent) in the chapter text.
    doc = read_document(FIXTURES / "ao3_chapter_page_2025.html")
    assert doc.format == "ao3"
    m = doc.metadata
    assert (m["title"], m["authors"], m["fandoms"]) == ("Lantern Street", ["cobbleglow"], ["Original Work"])
    assert (m["chapters"], m["words"], m["updated"]) == ("2/3", 640, "2025-02-08")
    assert m["chapter_titles"] == ["Chapter 2: Lamps"]
    assert m["chapter_notes"] == [
        {"title": "Chapter 2: Lamps", "summary": None, "notes": "Written on a train.", "end_notes": "One chapter to go."}
    ]
    assert doc.text == (
        "Chapter 2: Lamps\n\n"
        "Pell lit the lamps on Lantern Street one by one.\n\n"
        '"You missed one," said Odo Marr, pointing with his pipe.\n\n'
        "Pell climbed the ladder again.\nThe last lamp hissed and caught.\n\n"
        "They walked home under the light."
    )
    assert len(chapter_starts(doc)) == 1
    assert chrome_in(doc) == []


def test_notes_after_an_associations_list() -> None:
    html = (FIXTURES / "ao3_workpage.html").read_text(encoding="utf-8")
    html = html.replace(
        '<div class="notes module"><h3 class="heading">Notes:</h3>',
        '<div class="notes module"><h3 class="heading">Notes:</h3>'
        '<ul class="associations"><li>For <a href="/users/tallow/gifts">tallow</a>.</li></ul>',
    )
    doc = Ao3Reader().read(html.encode("utf-8"), "gift.html")
    assert doc.metadata["notes"] == "A gift for a tea lover."
    assert doc.metadata["associations"] == ["For tallow."]


def test_series_page_is_refused_with_what_it_is() -> None:
    with pytest.raises(InputError) as err:
        read_document(FIXTURES / "ao3_series_page.html")
    assert err.value.problem == (
        "an AO3 series page ('Small Comforts'): 3 works, no story text; save or download each work instead"
    )


def test_series_page_that_lists_fewer_works_than_it_has(tmp_path: Path) -> None:
    html = (FIXTURES / "ao3_series_page.html").read_text(encoding="utf-8")
    path = tmp_path / "series.html"
    path.write_text(html.replace("<dt>Works:</dt><dd>3</dd>", "<dt>Works:</dt><dd>12</dd>"), encoding="utf-8")
    with pytest.raises(InputError, match=r"12 works \(3 listed on the page\), no story text"):
        read_document(path)


def test_adult_content_notice_is_refused_with_what_to_do() -> None:
    with pytest.raises(InputError) as err:
        read_document(FIXTURES / "ao3_adult_notice.html")
    assert err.value.problem == (
        "AO3's adult-content notice for 'Night Ferry', not the work: save the page after Proceed"
    )


def test_other_ao3_listing_is_refused(tmp_path: Path) -> None:
    html = (FIXTURES / "ao3_series_page.html").read_text(encoding="utf-8")
    html = html.replace('class="series-show region"', 'class="works-index region"')
    html = html.replace('<dl class="series meta group">', '<dl class="listing meta group">')
    path = tmp_path / "works.html"
    path.write_text(html, encoding="utf-8")
    with pytest.raises(InputError, match="an AO3 listing page: 3 works, no story text"):
        read_document(path)


def test_not_a_story_is_told_apart_from_a_work() -> None:
    from ficlens.ingest._htmltext import parse_html
    from ficlens.ingest.ao3 import not_a_story

    for name in ("ao3_workpage.html", "ao3_multi.html", "ao3_single_old.html", "ao3_chapter_page_2025.html"):
        assert not_a_story(parse_html((FIXTURES / name).read_bytes())) is None, name


def test_cli_refuses_a_series_page_and_writes_nothing(tmp_path: Path) -> None:
    from typer.testing import CliRunner

    from ficlens.cli import app

    out = tmp_path / "out"
    result = CliRunner().invoke(app, ["analyze", str(FIXTURES / "ao3_series_page.html"), "-o", str(out)])
    assert result.exit_code == 2
    assert "an AO3 series page ('Small Comforts'): 3 works, no story text" in result.output
    assert not out.exists() or not any(out.iterdir())


# (file, title, authors, chapter title) for the AO3 pages in ../shared/data/fanfic/ao3/:
# every one holds one chapter (a chapter page, or a one-chapter work).
AO3_PAGES = [
    ("Fuuinjutsu.html", "Fuuinjutsu+Chakra+Bonds+Clones, Should not be mixed by Uzumakis", ["A_Lysdove63"], "Chapter 1: Chapter 1"),
    ("alan.html", "Alan Rickman", ["manicmea"], None),
    ("brave1.html", "Brave New World", ["TardisIsTheOnlyWayToTravel"], "Chapter 1"),
    ("brave2.html", "Brave New World", ["TardisIsTheOnlyWayToTravel"], "Chapter 2"),
    ("danielbrenom-chapter.html", "Magnet", ["elidoo"], "Chapter 1"),
    ("drive.html", "I Drive Myself Crazy", ["Sidra"], None),
    ("end_notes.html", "New Day Dawning", ["IncompleteSentanc (Erava)"], "Chapter 1"),
    ("five.html", "Cold Water, Unsnuffed Torch", ["LesbianOzoneLizard"], "Chapter 5: Weeping Light, Tested Coward"),
    ("flower.html", "The Flower [sequel to Skipping Stones]", ["Sidra"], None),
    ("heart.html", "if i only had a heart", ["thedevilchicken"], None),
    ("hogwarts.html", "Time Was, Time Is", ["Sidra"], "Chapter 2: Hogwarts"),
    ("misfits1.html", "Three Misfits in New York", ["Morraine"], "Chapter 1"),
    ("misfits2.html", "Three Misfits in New York", ["Morraine"], "Chapter 2"),
    ("misfits3.html", "A Misfit Working Holiday In New York", ["Morraine"], "Chapter 1"),
    ("misfits4.html", "A Misfit Working Holiday In New York", ["Morraine"], "Chapter 2"),
    ("multi.html", "edge of providence", ["adiduck (book_people)", "whimsicalimages"], "Chapter 1"),
    ("notes.html", "He is ours", ["SWModdy"], None),
    ("one.html", "Cold Water, Unsnuffed Torch", ["LesbianOzoneLizard"], "Chapter 1: One Torch, Burning Bright"),
    ("open1.html", "Open the Door", ["eternalbreath"], "Chapter 1"),
    ("open2.html", "Open the Door", ["eternalbreath"], "Chapter 2: Ours"),
    ("picture.html", "I Guess It Was An Accident", ["MusicLover19"], "Chapter 1: The Picture"),
    ("prologue.html", "Complementarity, Entanglement and the Uncertainty of Destiny —or— A Feminist Mage in King Arthur's Court", ["Jenrose", "procoffeinating"], "Chapter 1: Prologue: After the World Burns"),
    ("quotes.html", "The Various Triumphs of Mischief Bilinski", ["Whispering_Sumire"], "Chapter 1: Deucalion, Paige, and The Argents"),
    ("right.html", "The Right Path", ["TardisIsTheOnlyWayToTravel"], None),
    ("skipping.html", "Skipping Stones", ["Sidra"], None),
    ("that.html", "that was a spring of storms", ["blackkat"], "Chapter 1"),
    ("three.html", "Cold Water, Unsnuffed Torch", ["LesbianOzoneLizard"], "Chapter 3: Run Boy Run"),
    ("tubring25-chapter-111132400.html", "Fake it 'til you make it.", ["La_Medica90"], "Chapter 2: Impossible Standards"),
    ("tubring25-chapter-89729749.html", "Thank God You Introduced Me to Your Sister", ["AmberZ10"], "Chapter 2"),
    ("tubring25-work-35961484.html", "Thank God You Introduced Me to Your Sister", ["AmberZ10"], "Chapter 1"),
    ("tubring25-work-44173573.html", "Fake it 'til you make it.", ["La_Medica90"], "Chapter 1: Adolescent Introductions"),
    ("tubring25-work-57038482.html", "Lleno de zafiros", ["Anonymous"], None),
    ("tubring25-work-66534724.html", "The right tool for everything", ["scrhn"], None),
    ("wheel.html", "Potter's Wheel", ["esama"], None),
    ("where.html", "Time Was, Time Is", ["Sidra"], "Chapter 1: Where am I?"),
    ("yer.html", "Yer a Wizard, Drizzt", ["Merfilly"], None),
]  # fmt: skip


@NEEDS_SHARED
@pytest.mark.parametrize(("name", "title", "authors", "chapter"), AO3_PAGES, ids=[p[0] for p in AO3_PAGES])
def test_real_ao3_page(name: str, title: str, authors: list[str], chapter: str | None) -> None:
    doc = read_document(SHARED / "ao3" / name)
    assert doc.format == "ao3"
    m = doc.metadata
    assert (m["title"], m["authors"]) == (title, authors)
    assert m["chapter_titles"] == ([chapter] if chapter else [])
    assert len(chapter_starts(doc)) == 1 and len(m["chapter_notes"]) == 1
    assert m["fandoms"] and m["rating"]
    assert chrome_in(doc) == []
    # The text is the chapter's userstuff and nothing else (letters and digits, chapter heading aside).
    from ficlens.ingest._htmltext import classes, parse_html

    def alnum(s: str) -> int:
        return sum(c.isascii() and c.isalnum() for c in s)

    chapters = parse_html((SHARED / "ao3" / name).read_bytes()).xpath('//*[@id="chapters"]')[0]
    bodies = [d for d in chapters.iter("div") if "userstuff" in classes(d)] or [chapters]
    expected = sum(
        alnum(d.text_content()) - sum(alnum(h.text_content()) for h in d.iter("h3") if "landmark" in classes(h))
        for d in bodies
    )
    assert alnum(doc.text) - alnum(chapter or "") == expected


def test_real_ao3_file_list_is_complete() -> None:
    if not (SHARED / "ao3").is_dir():
        pytest.skip(f"the team's real fan-fiction files are not here ({SHARED})")
    assert sorted(p.name for p in (SHARED / "ao3").glob("*.html")) == sorted(p[0] for p in AO3_PAGES)


# What each page of ../shared/data/fanfic/not-a-story/ is.
NOT_A_STORY = [
    ("drabbles.html", "an AO3 series page ('Counting Drabbles'): 2 works, no story text"),
    ("partial.html", "an AO3 series page ('Counting Drabbles'): 2 works (1 listed on the page), no story text"),
    ("wip.html", "AO3's adult-content notice for 'Once an Ootsutsuki, always an Ootsutsuki', not the work: save the page after Proceed"),
]  # fmt: skip


@NEEDS_SHARED
@pytest.mark.parametrize(("name", "says"), NOT_A_STORY, ids=[p[0] for p in NOT_A_STORY])
def test_real_page_without_a_story_is_refused(name: str, says: str) -> None:
    with pytest.raises(InputError) as err:
        read_document(SHARED / "not-a-story" / name)
    assert err.value.problem.startswith(says)
    assert name in str(err.value)
