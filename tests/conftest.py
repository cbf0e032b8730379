"""Shared fixtures: the spaCy model is loaded once per test session."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

SHARED_DATA = Path(__file__).resolve().parents[1].parent / "shared" / "data"


@pytest.fixture(scope="session")
def nlp():
    from ficlens.nlp import load_nlp

    return load_nlp()


@pytest.fixture(scope="session")
def shared_data() -> Path:
    """../shared/data, or skip: evaluation data is not in the repo."""
    if not (SHARED_DATA / "pdnc").is_dir() or not (SHARED_DATA / "litbank").is_dir():
        pytest.skip(f"evaluation data not found at {SHARED_DATA} (PDNC and LitBank live in ../shared/data)")
    return SHARED_DATA


def _straight_quotes(text: str) -> list:
    from ficlens.model import Quote

    return [
        Quote(id=f"Q{i}", start=m.start(1), end=m.end(1), text=m.group(1), paragraph=0, mark="double")
        for i, m in enumerate(re.finditer(r'"([^"]*)"', text))
    ]


@pytest.fixture(scope="session")
def straight_quotes():
    """Quotes from straight double quote marks only: stage tests that must not depend on the quotes stage."""
    return _straight_quotes


# --- an EpubMerge book (CC0 text written for these tests) -------------------------------------
# The layout copies EpubMerge's: the top content.opf (identifier "epubmerge-uid-...",
# contributor "epubmerge") lists each merged FanFicFare book's own OPF and NCX under the media
# types "origrootfile/xml" / "origtocncx/xml", every file of book N in folder N/ (ids "aN...").
MERGED_WORKS = [
    ("The Lamp Keeper", "Wren Hollis", "Oona keeps the harbour lamp.", [
        ("1. Oil", ['"Is there oil?" asked Oona.', '"Enough for tonight," said Pell.']),
        ("2. Wick", ["Pell trimmed the wick while the gulls slept."]),
    ]),
    ("The Lamp Keeper's Heir", "Wren Hollis", "Pell takes the lamp when Oona sails.", [
        ("1. Departure", ['"Keep it lit," said Oona.', "The boat left at dawn."]),
        ("2. Storm", ["Rain came sideways off the sea."]),
        ("3. Return", ['"You kept it," Oona said.', '"Every night," said Pell.']),
    ]),
]

_OPF = """<?xml version="1.0" encoding="utf-8"?>
<package version="2.0" xmlns="http://www.idpf.org/2007/opf" unique-identifier="{uid_id}">
<metadata xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:opf="http://www.idpf.org/2007/opf">
<dc:identifier id="{uid_id}">{uid}</dc:identifier><dc:title>{title}</dc:title>
<dc:creator opf:role="aut">{author}</dc:creator><dc:contributor>{contributor}</dc:contributor>
<dc:language>en</dc:language><dc:description>{summary}</dc:description>{subjects}
</metadata><manifest>{items}</manifest><spine toc="ncx">{spine}</spine></package>"""
_NCX = """<?xml version="1.0" encoding="utf-8"?>
<ncx version="2005-1" xmlns="http://www.daisy.org/z3986/2005/ncx/"><head/><docTitle><text>{title}</text></docTitle><navMap/></ncx>"""
_XHTML = """<?xml version='1.0' encoding='utf-8'?>
<html xmlns="http://www.w3.org/1999/xhtml"><head><title>{title}</title></head><body class="{cls}">{body}</body></html>"""


def _item(id_: str, href: str, media: str = "application/xhtml+xml") -> str:
    return f'<item id="{id_}" href="{href}" media-type="{media}"/>'


def build_epubmerge(path: Path, works=MERGED_WORKS, broken: int | None = None) -> Path:
    """Write an EpubMerge-like book of ``works``; ``broken`` (a work number) gets an unreadable OPF."""
    import zipfile

    top_items = [_item("ncx", "toc.ncx", "application/x-dtbncx+xml")]
    top_spine = []
    files: dict[str, str] = {}
    for n, (title, author, summary, chapters) in enumerate(works, 1):
        items = [_item("ncx", "toc.ncx", "application/x-dtbncx+xml"), _item("title_page", "OEBPS/title_page.xhtml")]
        spine = ['<itemref idref="title_page" linear="yes"/>']
        files[f"{n}/OEBPS/title_page.xhtml"] = _XHTML.format(
            title=title, cls="fff_titlepage",
            body=f'<h3><a href="https://example.org/works/{n}">{title}</a> by <a class="authorlink" '
            f'href="https://example.org/users/{n}">{author}</a></h3><div><b>Summary:</b> {summary}<br/>'
            f"<b>Chapters:</b> {len(chapters)}<br/></div>",
        )  # fmt: skip
        for c, (heading, paras) in enumerate(chapters, 1):
            name = f"file{c:04d}"
            items.append(_item(name, f"OEBPS/{name}.xhtml"))
            spine.append(f'<itemref idref="{name}" linear="yes"/>')
            body = f'<h3 class="fff_chapter_title">{heading}</h3><div class="story">' + "".join(f"<p>{p}</p>" for p in paras) + "</div>"
            files[f"{n}/OEBPS/{name}.xhtml"] = _XHTML.format(title=heading, cls="fff_chapter", body=body)
        files[f"{n}/content.opf"] = _OPF.format(
            uid_id="fanficfare-uid", uid=f"fanficfare-uid:example.org-s{n}", title=title, author=author,
            contributor="FanFicFare [https://github.com/JimmXinu/FanFicFare]", summary=summary,
            subjects="<dc:subject>Lighthouses</dc:subject>", items="".join(items), spine="".join(spine),
        )  # fmt: skip
        if broken == n:
            files[f"{n}/content.opf"] = "<package><manifest>"
        files[f"{n}/toc.ncx"] = _NCX.format(title=title)
        top_items += [_item(f"a{n}rootfile", f"{n}/content.opf", "origrootfile/xml"),
                      _item(f"a{n}ncx", f"{n}/toc.ncx", "origtocncx/xml")]  # fmt: skip
        for line in items[1:]:
            id_ = line.split('"')[1]
            href = line.split('"')[3]
            top_items.append(_item(f"a{n}{id_}", f"{n}/{href}"))
            top_spine.append(f'<itemref idref="a{n}{id_}" linear="yes"/>')
    files["content.opf"] = _OPF.format(
        uid_id="epubmerge-id", uid="epubmerge-uid-12345", title="The Lamp Keeper Anthology", author=works[0][1],
        contributor="epubmerge", summary="Anthology containing: " + ", ".join(w[0] for w in works),
        subjects="", items="".join(top_items), spine="".join(top_spine),
    )  # fmt: skip
    files["toc.ncx"] = _NCX.format(title="The Lamp Keeper Anthology")
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr(zipfile.ZipInfo("mimetype"), "application/epub+zip")
        zf.writestr(
            "META-INF/container.xml",
            '<?xml version="1.0" encoding="utf-8"?><container version="1.0" '
            'xmlns="urn:oasis:names:tc:opendocument:xmlns:container"><rootfiles>'
            '<rootfile full-path="content.opf" media-type="application/oebps-package+xml"/></rootfiles></container>',
        )
        for name, text in files.items():
            zf.writestr(name, text)
    return path


@pytest.fixture
def epubmerge_book(tmp_path):
    """A two-work EpubMerge book (``tests/conftest.py``'s ``MERGED_WORKS``) in tmp_path."""
    return build_epubmerge(tmp_path / "lamp_keeper_anthology.epub")


@pytest.fixture
def make_epubmerge():
    """``build_epubmerge(path, works=MERGED_WORKS, broken=None)``, for a book of other works or a corrupt one."""
    return build_epubmerge
