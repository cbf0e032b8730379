"""Plain text: decoding, mojibake repair, unchanged offsets, title/byline front matter."""

from __future__ import annotations

import codecs
from pathlib import Path

import pytest

from ficlens.errors import InputError
from ficlens.ingest import read_document, read_text_document
from ficlens.ingest.text import TextReader

STORY = (
    "The Quiet Field\r\n"
    "\r\n"
    "By Marta Quill\r\n"
    "\r\n"
    "\u201cWe\u2019re late,\u201d said Jonah, and he pulled the gate shut behind them.\r\n"
    "The cows did not care; the caf\u00e9 across the road was already closed.\r\n"
)


def write(tmp_path: Path, name: str, data: bytes) -> Path:
    path = tmp_path / name
    path.write_bytes(data)
    return path


def test_utf8_text_is_unchanged_including_crlf(tmp_path: Path) -> None:
    doc = read_document(write(tmp_path, "s.txt", STORY.encode("utf-8")))
    assert doc.text == STORY
    assert doc.format == "text"
    assert doc.warnings == []
    assert doc.metadata["encoding"] == "utf-8"


def test_title_and_byline_go_to_metadata_and_stay_in_text(tmp_path: Path) -> None:
    doc = read_document(write(tmp_path, "s.txt", STORY.encode("utf-8")))
    assert doc.metadata["title"] == "The Quiet Field"
    assert doc.metadata["authors"] == ["Marta Quill"]
    start = doc.metadata["front_matter_end"]
    assert doc.text[start:].startswith("\u201cWe\u2019re late")
    assert doc.text.startswith("The Quiet Field")


def test_cp1252_file_is_decoded(tmp_path: Path) -> None:
    doc = read_document(write(tmp_path, "s.txt", STORY.encode("cp1252")))
    assert doc.text == STORY
    assert doc.metadata["encoding"] in ("cp1252", "windows-1252")
    assert any("not UTF-8" in w for w in doc.warnings)


@pytest.mark.parametrize(
    "codec",
    [
        "utf-16",  # BOM, little endian on this machine
        "utf-16-be",  # written with an explicit big-endian BOM below
        "utf-8-sig",  # UTF-8 with BOM
        "utf-32",
    ],
)
def test_unicode_with_bom(tmp_path: Path, codec: str) -> None:
    data = STORY.encode(codec)
    if codec == "utf-16-be":
        data = codecs.BOM_UTF16_BE + data
    doc = read_document(write(tmp_path, "s.txt", data))
    assert doc.text == STORY


def test_utf16_without_bom(tmp_path: Path) -> None:
    doc = read_document(write(tmp_path, "s.txt", STORY.encode("utf-16-le")))
    assert doc.text == STORY


def test_latin1_file_is_decoded(tmp_path: Path) -> None:
    text = "Der Caf\u00e9 war leer.\n\nJos\u00e9 sa\u00df am Fenster, and he waited for the rain to stop.\n"
    doc = read_document(write(tmp_path, "s.txt", text.encode("latin-1")))
    assert doc.text == text


def test_mojibake_is_repaired_with_a_warning(tmp_path: Path) -> None:
    clean = "\u201cIt\u2019s over,\u201d she said. The caf\u00e9 was dark.\n"
    import ftfy.bad_codecs  # noqa: F401  (registers "sloppy-windows-1252")

    # UTF-8 read as Windows-1252 and saved again as UTF-8: the classic "â€™".
    mojibake = clean.encode("utf-8").decode("sloppy-windows-1252")
    assert mojibake != clean
    doc = read_document(write(tmp_path, "s.txt", mojibake.encode("utf-8")))
    assert doc.text == clean
    assert any("mojibake" in w for w in doc.warnings)


@pytest.mark.parametrize(
    "text",
    [
        "Straight \"quotes\" and 'single' ones stay.\n",  # no uncurling, no curling
        "Curly \u201cquotes\u201d stay curly.\r\n",  # CRLF kept
        "Ligature \ufb01ne and full\uff37idth stay.\n",  # no ligature or width fixing
        "Cafe\u0301 in decomposed form stays.\n",  # no Unicode normalisation
        "Old Mac line breaks\rstay as they are.\r",
    ],
)
def test_clean_text_is_not_touched(text: str) -> None:
    doc = read_text_document(text)
    assert doc.text == text
    assert doc.warnings == []


def test_read_text_document_source_and_format() -> None:
    doc = read_text_document("She opened the door.")
    assert doc.source == "<string>"
    assert doc.format == "text"
    assert doc.metadata["front_matter_end"] == 0
    assert doc.metadata["title"] is None


@pytest.mark.parametrize("text", ["", "   \n\t\n"])
def test_empty_string_is_an_input_error(text: str) -> None:
    with pytest.raises(InputError, match="empty"):
        read_text_document(text)


@pytest.mark.parametrize(
    ("text", "title", "authors", "story_start"),
    [
        # title, blank line, byline
        ("Ashes\n\nby K. Lee\n\nThe fire was out.\n", "Ashes", ["K. Lee"], "The fire"),
        # title directly over "Written by"
        ("Ashes\nWritten by Kim Lee and Sam Roe\n\nThe fire was out.\n", "Ashes", ["Kim Lee", "Sam Roe"], "The fire"),
        # byline only
        ("By Kim Lee\n\nThe fire was out.\n", None, ["Kim Lee"], "The fire"),
        # a header block of "Key: value" lines
        ("Title: Ashes\nAuthor: Kim Lee\nRating: T\n\nThe fire was out.\n", "Ashes", ["Kim Lee"], "The fire"),
        # title followed by prose
        ("Ashes\n\nThe fire had been out for hours when the first of them came back.\n", "Ashes", [], "The fire"),
    ],
)
def test_front_matter(text: str, title: str | None, authors: list[str], story_start: str) -> None:
    doc = read_text_document(text)
    assert doc.metadata["title"] == title
    assert doc.metadata["authors"] == authors
    assert doc.text[doc.metadata["front_matter_end"] :].startswith(story_start)
    assert doc.text == text


@pytest.mark.parametrize(
    "text",
    [
        "\u201cRun!\u201d\n\nShe ran.\n",  # dialogue first line
        "It was late.\n\nShe ran out of the house and down the long road.\n",  # a sentence
        "By the time she woke, the fire was out.\n\nShe swore.\n",  # "By" starting a sentence
        "Chapter 1\n\nShe ran out of the house and down the long road.\n",  # a chapter heading
        "Hello there\nshe said to nobody in particular.\n",  # no blank line after the first line
    ],
)
def test_first_line_that_is_not_a_title(text: str) -> None:
    doc = read_text_document(text)
    assert doc.metadata["title"] is None
    assert doc.metadata["authors"] == []
    assert doc.metadata["front_matter_end"] == 0


def test_only_a_title_like_line_is_not_front_matter() -> None:
    doc = read_text_document("Ashes\n")
    assert doc.metadata["front_matter_end"] == 0


def test_non_english_text_is_a_warning_not_an_error() -> None:
    spanish = (
        "Mar\u00eda abri\u00f3 la puerta de la cocina y mir\u00f3 hacia el jard\u00edn. "
        "Llov\u00eda desde la ma\u00f1ana y los perros dorm\u00edan junto al fuego. "
        "Su hermano no hab\u00eda vuelto todav\u00eda del mercado, y ella empezaba a preocuparse "
        "porque el camino estaba lleno de barro y los caballos estaban cansados. "
    ) * 3
    doc = read_text_document(spanish)
    assert doc.text == spanish
    assert any("English" in w for w in doc.warnings)


def test_english_text_has_no_language_warning() -> None:
    english = (
        "She opened the kitchen door and looked out at the garden. It had been raining "
        "since the morning and the dogs were asleep by the fire. Her brother had not come "
        "back from the market yet, and she was starting to worry about him. "
    ) * 3
    assert read_text_document(english).warnings == []


def test_text_reader_read_bytes() -> None:
    doc = TextReader().read(b"Plain words here.\n", "mem.txt")
    assert doc.text == "Plain words here.\n"
    assert doc.source == "mem.txt"


def test_huge_single_paragraph_is_linear(tmp_path: Path) -> None:
    # 8 MB with no line break: must finish quickly (a quadratic scan would not).
    import time

    text = "She walked on and on. " * 400_000
    path = write(tmp_path, "big.txt", text.encode("utf-8"))
    started = time.perf_counter()
    doc = read_document(path)
    assert doc.text == text
    assert time.perf_counter() - started < 10


@pytest.mark.parametrize(
    ("broken", "clean"),
    [
        ("The caf\u00c3\u00a9 was shut.", "The caf\u00e9 was shut."),  # é as "Ã©"
        ("Wait \u00e2\u20ac\u201d no.", "Wait \u2014 no."),  # em dash as "â€”"
        ("She\u00e2\u20ac\u2122s here.", "She\u2019s here."),  # apostrophe as "â€™"
    ],
)
def test_mojibake_variants(broken: str, clean: str) -> None:
    doc = read_text_document(broken)
    assert doc.text == clean
    assert any("mojibake" in w for w in doc.warnings)


# --- encodings: UTF-8, else cp1252 when the bytes say so, else a one-line refusal -------------

CURLY = "\u201cIt\u2019s late,\u201d said Ren\u00e9e. \u201cThe caf\u00e9 is closed.\u201d\n\n" * 5


def test_utf8_with_a_few_bad_bytes_is_utf8_with_replacements(tmp_path: Path) -> None:
    data = CURLY.encode() + b"A stray \xe9 and \x93 byte.\n"
    doc = read_document(write(tmp_path, "s.txt", data))
    assert doc.metadata["encoding"] == "utf-8"
    assert doc.text.startswith(CURLY)  # the quote marks stay quote marks
    assert doc.text.count("\ufffd") == 2
    assert any("not valid UTF-8 in 2 places" in w for w in doc.warnings)


def test_latin1_is_read_as_cp1252_never_as_another_code_page(tmp_path: Path) -> None:
    text = "Voil\u00e0, said Ren\u00e9e. The caf\u00e9 \u00e0 c\u00f4t\u00e9 was closed.\n" * 4
    doc = read_document(write(tmp_path, "s.txt", text.encode("latin-1")))
    assert doc.text == text  # not cp1250's "Voil\u0155"
    assert doc.metadata["encoding"] == "cp1252"


def test_mixed_file_mostly_utf8_keeps_its_utf8(tmp_path: Path) -> None:
    data = (CURLY * 3).encode() + CURLY.encode("cp1252")
    doc = read_document(write(tmp_path, "s.txt", data))
    assert doc.text.startswith(CURLY * 3)
    assert "\u00c4\u00fa" not in doc.text


@pytest.mark.parametrize("codec", ["cp1251", "koi8_r", "cp1253"])
def test_other_code_pages_are_refused_in_one_line(tmp_path: Path, codec: str) -> None:
    text = "\u041f\u0440\u0438\u0432\u0435\u0442, \u0441\u043a\u0430\u0437\u0430\u043b \u043e\u043d. " * 20
    if codec == "cp1253":
        text = "\u0393\u03b5\u03b9\u03b1 \u03c3\u03bf\u03c5, \u03b5\u03af\u03c0\u03b5. " * 20
    with pytest.raises(InputError, match="neither UTF-8 nor Windows-1252") as err:
        read_document(write(tmp_path, "s.txt", text.encode(codec)))
    assert "\n" not in str(err.value)


# --- invisible characters ------------------------------------------------------------------


def test_invisible_characters_are_removed_and_offsets_follow(tmp_path: Path) -> None:
    text = "Title\u200b Here\n\nby Ma\u00adrta\n\n\u201cHa\u200brry,\u201d said Gin\u2060ny.\u200e\n"
    doc = read_document(write(tmp_path, "s.txt", text.encode()))
    assert doc.text == "Title Here\n\nby Marta\n\n\u201cHarry,\u201d said Ginny.\n"
    assert doc.metadata["authors"] == ["Marta"]
    assert doc.text[doc.metadata["front_matter_end"] :].startswith("\u201cHarry")
    assert any("removed 5 invisible characters" in w for w in doc.warnings)


def test_only_invisible_characters_is_empty(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="empty"):
        read_document(write(tmp_path, "s.txt", "\u200b\u200c \u2060\n".encode()))
