"""AO3's five downloads (HTML, EPUB, MOBI, AZW3, PDF) of two CC0 stories, made by Calibre as AO3 makes them.

The fixtures and the script that made them are in ``tests/fixtures/ingest/ao3_downloads/``;
the truth is the story source (``sources/*.txt``). Every format must give the same story
words (within 1%), the same chapters and the same metadata. The real AO3 EPUB in
``../shared/data/fanfic/epub/`` is read the same way (skipped when absent).
"""

from __future__ import annotations

import io
import re
import shutil
import zipfile
from pathlib import Path

import pytest
from lxml import etree

from ficlens.ingest import read_document
from ficlens.model import HintKind

HERE = Path(__file__).resolve().parent
FIXTURES = HERE.parent / "fixtures" / "ingest" / "ao3_downloads"
SHARED_EPUB = HERE.parents[2] / "shared" / "data" / "fanfic" / "epub"
FORMATS = ["html", "epub", "mobi", "azw3", "pdf", "wkhtmltopdf.pdf"]  # the last: older AO3 PDFs
EBOOKS = ["epub", "mobi", "azw3", "pdf"]
STORIES = ["lamplighter", "ferry", "orchard"]
LIST_KEYS = {"authors", "warnings", "categories", "fandoms", "relationships", "characters", "additional_tags"}
BOILERPLATE = ["Posted originally", "Archive of Our Own", "drop by the Archive", "See the end of", "Chapter Notes",
               "Chapter Summary", "End Notes", "Preface", "Afterword", "Rating:"]  # fmt: skip


def words_of(text: str) -> list[str]:
    """Words with a letter or digit (scene-break marks and other lone punctuation left out)."""
    return [w for w in text.replace("*", "").split() if re.search(r"\w", w)]


def source(name: str) -> dict:
    """The story source: headers, chapters (title, summary, notes, end notes) and the story's words."""
    work: dict = {"chapters": [], "words": []}
    for line in (FIXTURES / "sources" / f"{name}.txt").read_text(encoding="utf-8").splitlines():
        if line == "@chapter" or line.startswith("@chapter "):
            work["chapters"].append({"title": line[len("@chapter") :].strip()})
        elif line.startswith("@chapter_"):
            key, _, value = line[len("@chapter_") :].partition(" ")
            work["chapters"][-1][key] = value.strip().replace(" | ", "\n\n")
        elif line.startswith("@"):
            key, _, value = line[1:].partition(" ")
            work[key] = [v.strip() for v in value.split(",")] if key in LIST_KEYS else value.strip().replace(" | ", "\n\n")
        else:
            work["words"].extend(words_of(line))
    return work


def chapter_heading(i: int, title: str) -> str:
    return f"Chapter {i}: {title}" if title else f"Chapter {i}"


def read(name: str, fmt: str, tmp_path: Path, suffix: str | None = None):
    if fmt in ("mobi", "azw3"):
        pytest.importorskip("mobi", reason="MOBI/AZW3 need the optional 'mobi' package (ficlens[kindle])")
    path = FIXTURES / f"{name}.{fmt}"
    if suffix is not None:
        path = Path(shutil.copy(path, tmp_path / f"{name}{suffix}"))
    return read_document(path)


def chapter_count(doc) -> int:
    return sum(h.kind == HintKind.CHAPTER_START for h in doc.hints)


def story_words(doc) -> list[str]:
    """The text's words without the chapter headings (the source has none)."""
    text = doc.text
    for h in sorted((h for h in doc.hints if h.kind == HintKind.HEADING), key=lambda h: -h.start):
        text = text[: h.start] + text[h.end :]
    return words_of(text)


@pytest.mark.parametrize("fmt", FORMATS)
@pytest.mark.parametrize("name", STORIES)
def test_every_format_gives_the_story(name: str, fmt: str, tmp_path: Path) -> None:
    work = source(name)
    # Detected by content: the file is read the same under a meaningless name.
    doc = read(name, fmt, tmp_path, suffix=".download" if fmt != "html" else None)
    assert doc.format == {"html": "ao3", "wkhtmltopdf.pdf": "pdf"}.get(fmt, fmt)
    words = story_words(doc)
    assert abs(len(words) - len(work["words"])) <= 0.01 * len(work["words"]), (len(words), len(work["words"]))
    assert words[:12] == work["words"][:12] and words[-12:] == work["words"][-12:]
    for phrase in BOILERPLATE:
        assert phrase not in doc.text, phrase
    chaptered = len(work["chapters"]) > 0
    assert chapter_count(doc) == max(1, len(work["chapters"]))
    expected_titles = [chapter_heading(i, c["title"]) for i, c in enumerate(work["chapters"], 1)]
    assert doc.metadata["chapter_titles"] == expected_titles  # a one-shot's chapter is not titled with the work's title
    m = doc.metadata
    assert m["title"] == work["title"]
    assert m["authors"] == work["authors"]
    assert m["rating"] == work["rating"]
    for key, ours in (("archive_warnings", "warnings"), ("categories", "categories"), ("fandoms", "fandoms"),
                      ("characters", "characters"), ("additional_tags", "additional_tags")):  # fmt: skip
        assert m[key] == work[ours], key
    assert m["relationships"] == work.get("relationships", [])
    assert m["language"] == "English"
    assert m["published"] == work["published"]
    assert m["summary"] == work["summary"]
    assert m["notes"] == work["notes"]
    assert m["end_notes"] == work.get("end_notes")
    if "series" in work:
        title, _, part = work["series"].partition("|")
        assert m["series"] == [{"title": title, "part": int(part)}]
    if chaptered:
        notes = [(c["summary"], c["notes"], c["end_notes"]) for c in m["chapter_notes"]]
        assert notes == [(c.get("summary"), c.get("notes"), c.get("end_notes")) for c in work["chapters"]]


@pytest.mark.parametrize("fmt", EBOOKS)
@pytest.mark.parametrize("name", STORIES)
def test_every_ebook_gives_the_html_downloads_text(name: str, fmt: str, tmp_path: Path) -> None:
    """Same paragraphs, <br> lines, scene breaks and chapter spans as AO3's HTML download.

    A PDF has none of these marked; on these fixtures its layout is read back exactly
    (see ``ingest/pdf.py`` for the rules and where they can fail).
    """
    html = read(name, "html", tmp_path)
    doc = read(name, fmt, tmp_path)
    assert doc.text == html.text
    spans = [(h.kind, h.start, h.end, h.text) for h in doc.hints if h.kind in (HintKind.CHAPTER_START, HintKind.HEADING)]
    assert spans == [(h.kind, h.start, h.end, h.text) for h in html.hints if h.kind in (HintKind.CHAPTER_START, HintKind.HEADING)]


@pytest.mark.parametrize("fmt", FORMATS)
def test_dialogue_lines_inside_one_paragraph_stay_lines(fmt: str, tmp_path: Path) -> None:
    doc = read("ferry", fmt, tmp_path)
    # AO3 stores these as <br/> lines of one <p>: one line each, no blank line between them.
    assert '\n"By nine minutes."\n"Ten, now. I\'m Bree."\n' in doc.text


def _rezip(src: Path, dst: Path, edit) -> Path:
    """A copy of an EPUB with its files changed by ``edit(files) -> files`` (mimetype first)."""
    with zipfile.ZipFile(src) as zf:
        files = {n: zf.read(n) for n in zf.namelist()}
    files = edit(files)
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as out:
        out.writestr("mimetype", files.pop("mimetype"), compress_type=zipfile.ZIP_STORED)
        for name, data in files.items():
            out.writestr(name, data, compress_type=zipfile.ZIP_DEFLATED)
    dst.write_bytes(buf.getvalue())
    return dst


def _body(xhtml: bytes) -> bytes:
    return re.search(rb"<body[^>]*>(.*)</body>", xhtml, re.DOTALL).group(1)


def test_epilogue_kept_when_the_afterword_shares_its_file(tmp_path: Path) -> None:
    """Calibre may put the whole afterword in the file that ends the last chapter."""

    def edit(files: dict) -> dict:
        last, after = "ferry_split_004.xhtml", "ferry_split_005.xhtml"
        files[last] = files[last].replace(b"</body>", _body(files.pop(after)) + b"</body>")
        opf = files["content.opf"].decode()
        ident = re.search(r'<item id="([^"]+)" href="ferry_split_005.xhtml"', opf).group(1)
        opf = re.sub(rf'\s*<item id="{ident}"[^>]*/>', "", opf)
        files["content.opf"] = re.sub(rf'\s*<itemref idref="{ident}"/>', "", opf).encode()
        return files

    doc = read_document(_rezip(FIXTURES / "ferry.epub", tmp_path / "shared.epub", edit))
    assert chapter_count(doc) == 3
    assert doc.text.rstrip().endswith("not a wake, not a gull.")
    assert doc.metadata["end_notes"] == source("ferry")["end_notes"]
    assert "drop by the Archive" not in doc.text


def test_a_chapter_calibre_split_over_two_files_is_one_chapter(tmp_path: Path) -> None:
    def edit(files: dict) -> dict:
        name = "ferry_split_003.xhtml"
        text = files[name].decode()
        cut = text.index("<p", text.index('<div class="userstuff2">') + 30)
        cut = text.index("<p", cut + 3)  # after the chapter's second paragraph
        head = text[: text.index("<body")]
        first = text[:cut] + "</div></div></body></html>"
        second = head + '<body class="calibre"><div class="userstuff1" id="chapters"><div class="userstuff2">' + text[cut:]
        files[name] = first.encode()
        files["ferry_split_003b.xhtml"] = second.encode()
        opf = files["content.opf"].decode()
        ident = re.search(r'<item id="([^"]+)" href="ferry_split_003.xhtml"', opf).group(1)
        opf = opf.replace(
            f'<itemref idref="{ident}"/>', f'<itemref idref="{ident}"/>\n    <itemref idref="extra"/>'
        ).replace("</manifest>", '<item id="extra" href="ferry_split_003b.xhtml" media-type="application/xhtml+xml"/></manifest>')
        files["content.opf"] = opf.encode()
        return files

    doc = read_document(_rezip(FIXTURES / "ferry.epub", tmp_path / "split.epub", edit))
    assert chapter_count(doc) == 3
    assert doc.metadata["chapter_titles"] == [f"Chapter {i}: {t}" for i, t in
                                              enumerate(["The Pier", "The Boat That Was Not There", "Corran"], 1)]  # fmt: skip
    assert story_words(doc) == source("ferry")["words"]


# --- the real AO3 EPUB (not in the repository) ------------------------------------------

JOHNLOCK = SHARED_EPUB / "johnlock_a_random_day.epub"
needs_johnlock = pytest.mark.skipif(not JOHNLOCK.is_file(), reason=f"{JOHNLOCK} absent (../shared/data not here)")


def _xhtml_files(path: Path) -> dict[str, bytes]:
    with zipfile.ZipFile(path) as zf:
        return {n: zf.read(n) for n in zf.namelist() if n.endswith(".xhtml")}


@needs_johnlock
def test_real_ao3_epub_reads_whole_story_with_metadata() -> None:
    doc = read_document(JOHNLOCK)
    m = doc.metadata
    assert doc.format == "epub" and m["producer"] == "ao3"
    # The truth, read from the file itself: the words of div.userstuff2 (the chapter text).
    chapter_words = []
    for _name, data in sorted(_xhtml_files(JOHNLOCK).items()):
        root = etree.fromstring(data)
        for el in root.iter("{*}div"):
            if "userstuff2" in (el.get("class") or "").split():
                chapter_words.extend(" ".join(el.itertext()).split())
    words = story_words(doc)
    assert chapter_words and abs(len(words) - len(chapter_words)) <= 0.01 * len(chapter_words)
    assert words[-8:] == chapter_words[-8:]  # the chapter's file also holds the afterword block
    assert m["words"] == len(chapter_words)  # AO3's own count agrees
    assert chapter_count(doc) == 1
    assert m["chapter_titles"] == []  # a one-shot: the hidden heading is the work's title
    assert m["title"] and m["title"] not in doc.text.split("\n")[0]
    assert m["authors"] == ["Sunsoona"]
    assert m["rating"] == "General Audiences"
    assert m["fandoms"] == ["Sherlock (BBC TV 2010)"]
    assert (len(m["relationships"]), len(m["characters"]), len(m["additional_tags"])) == (2, 3, 9)
    assert m["categories"] == ["M/M"] and len(m["archive_warnings"]) == 1
    assert m["summary"] and m["language"] == "English"
    for phrase in BOILERPLATE:
        assert phrase not in doc.text, phrase
    assert doc.warnings == []


# --- books that are not AO3's; bad books --------------------------------------------------


@pytest.mark.parametrize("fmt", ["mobi", "azw3", "pdf"])
def test_plain_book_chapters_from_its_headings(fmt: str, tmp_path: Path) -> None:
    doc = read("plain", fmt, tmp_path, suffix=".bin")
    assert doc.format == fmt
    m = doc.metadata
    assert (m["title"], m["authors"]) == ("The Hollow Oak", ["Juniper Hale"])
    assert m["chapter_titles"] == ["One: The Storm", "Two: The Morning"]
    assert chapter_count(doc) == 2
    source_words = " ".join(etree.fromstring((FIXTURES / "sources" / "plain.html").read_bytes()).find("{*}body").itertext())
    assert doc.text.split() == source_words.split()
    assert '\n"You\'ll catch your death," her brother called after her.\n' in doc.text
    assert doc.warnings == []


def _blank_pdf() -> bytes:
    import pypdf

    writer = pypdf.PdfWriter()
    writer.add_blank_page(200, 200)
    buf = io.BytesIO()
    writer.write(buf)
    return buf.getvalue()


@pytest.mark.parametrize(
    ("make", "match"),
    [
        (lambda: (FIXTURES / "ferry.mobi").read_bytes()[:3000], "not a readable MOBI/AZW3 book"),
        (lambda: (FIXTURES / "ferry.azw3").read_bytes()[:5000], "not a readable MOBI/AZW3 book"),
        (lambda: b"x" * 60 + b"BOOKMOBI" + bytes(500), "not a readable MOBI/AZW3 book"),
        (lambda: (FIXTURES / "ferry.pdf").read_bytes()[:5000], "not a readable PDF"),
        (_blank_pdf, "no text layer"),
    ],
)
def test_bad_books_are_one_clear_error(make, match: str, tmp_path: Path, capsys) -> None:
    pytest.importorskip("mobi")
    from ficlens.errors import InputError

    path = tmp_path / "bad.book"
    path.write_bytes(make())
    with pytest.raises(InputError, match=match) as err:
        read_document(path)
    assert str(err.value).startswith(str(path)) and "\n" not in str(err.value)
    captured = capsys.readouterr()
    assert captured.out == "" and captured.err == ""


def test_mobi_without_the_optional_package_says_how_to_get_it(tmp_path: Path, monkeypatch) -> None:
    import sys

    from ficlens.errors import InputError

    monkeypatch.setitem(sys.modules, "mobi.kindleunpack", None)
    with pytest.raises(InputError, match=r"ficlens\[kindle\]"):
        read_document(FIXTURES / "ferry.mobi")
