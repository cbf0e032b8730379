"""AO3 downloads (current and old layout) and saved work pages."""

from __future__ import annotations

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
