"""How the readers do on the real downloads in ../shared/data/fanfic: one row per file, docs/ingest.md.

    PYTHONPATH=src .venv/bin/python bench/ingest_table.py [--data ../shared/data/fanfic] [--write docs/ingest.md]

For each story file (ao3/, ffn/, epub/) and each page without a story (not-a-story/), it runs
``read_document`` (the reader and the words account) and measures the result against the file's
own markup, read here independently of the readers:

- chapters: CHAPTER_START hints found (1 when the text has none) vs the chapters the file holds:
  AO3 pages: elements ``#chapter-N`` (else the ``#chapters h2.heading`` of a download, else 1 when
  there is a ``div.userstuff``); fanfiction.net pages: 1 (the page holds one chapter; the chapter
  select's count is shown as "of N"); EPUBs: the table of contents' entries less the front and back
  matter (title page, notes, preface, afterword, information, introduction, contents: entries so
  titled that come first or last or sit in a file so named).
- words: words of the story text (``text[front_matter_end:]``) vs words of the file's story
  elements: AO3 pages: the ``div.userstuff`` that are not notes (without the hidden "Chapter Text"
  landmark) and the chapter titles; fanfiction.net: ``#storytext``; EPUBs: the bodies of the
  documents the table of contents points to as chapters (and the split files after each), less
  ``#preface`` and ``#afterword`` blocks; a chapter document in AO3's markup (``div.userstuff``
  and the landmark heading, as third-party builders of AO3 works keep it) counts as an AO3 page does, without its chapter
  notes. Words as the account counts them (``account.words``).
- nav/script: does a run of four words from the page's scripts, styles, navigation, site chrome or
  forms (as the account finds them; not one the page's other text also holds) occur in the story
  text or the metadata? (EPUBs: runs from their documents' scripts and styles.)
- unaccounted: the words account's share of visible words that are in neither text nor metadata.

Only file names and counts are printed: no story text. A file a reader refuses shows the refusal.
"""

from __future__ import annotations

import argparse
import io
import re
import sys
import time
from pathlib import Path
from typing import Any

from ficlens.errors import InputError
from ficlens.ingest import read_document
from ficlens.ingest._htmltext import classes, decode_html, local_name, parse_html
from ficlens.ingest._visible import INVISIBLE_TAGS, html_parts, words
from ficlens.model import HintKind

ROOT = Path(__file__).resolve().parents[1]
FOLDERS = ("ao3", "ffn", "epub", "not-a-story")
FRONT_BACK = re.compile(
    r"^(title ?page|notes|end notes|preface|afterword|information|introduction|"
    r"(table of )?contents|cover)$",
    re.IGNORECASE,
)
FRONT_BACK_FILE = re.compile(r"title_?page|notes|preface|afterword|information|introduction|toc|nav|cover", re.I)
CHROME_RULES = {"navigation", "site chrome", "kudos and comments", "<form>", "<button>", "<input>", "<textarea>"}
_CHAPTER_ID = re.compile(r"^chapter-\d+$")


# --- the file's own story elements -------------------------------------------------------


def element_words(el: Any, skip_class: str = "landmark") -> list[str]:
    """Visible words under ``el``: no scripts or styles, no element of class ``skip_class``."""
    out: list[str] = []
    stack: list[tuple[Any, bool]] = [(el, True)]
    while stack:
        node, inside = stack.pop()
        if isinstance(node, str):
            out.extend(words(node))
            continue
        tag = local_name(node)
        if tag is None or tag in INVISIBLE_TAGS or skip_class in classes(node):
            continue
        if node.text:
            out.extend(words(node.text))
        for child in reversed(list(node)):
            if child.tail:
                stack.append((child.tail, True))
            stack.append((child, True))
    return out


def _outermost(elements: list[Any]) -> list[Any]:
    chosen = set(elements)
    return [e for e in elements if not any(a in chosen for a in e.iterancestors())]


def ao3_story(root: Any) -> tuple[int, list[str]]:
    """(chapters, words) of an AO3 page's or download's story elements."""
    notes = ("preface", "notes", "end", "summary", "afterword", "endnotes")
    stuff = [
        el
        for el in root.iter("div")
        if "userstuff" in classes(el)
        and not any(
            local_name(a) == "blockquote" or classes(a) & set(notes) or a.get("id") in notes for a in el.iterancestors()
        )
        and el.get("id") not in notes
    ]
    stuff = _outermost(stuff)
    found: list[str] = []
    for el in stuff:
        found.extend(element_words(el))
    chapter_divs = [el for el in root.iter("div") if _CHAPTER_ID.match(el.get("id") or "")]
    headings = [h for d in chapter_divs for h in d.iter("h3") if "title" in classes(h)]
    chapters_div = next(iter(root.xpath('//*[@id="chapters"]')), None)
    if not headings and chapters_div is not None:
        headings = [h for h in chapters_div.iter("h2") if classes(h) & {"heading", "toc-heading"}]
    for h in headings:
        found.extend(element_words(h))
    if chapter_divs:
        count = len(chapter_divs)
    elif chapters_div is not None and headings:
        count = len(headings)
    else:
        count = 1 if stuff else 0
    return count, found


def ffn_story(root: Any) -> tuple[int, int, list[str]]:
    """(chapters on the page, chapters in the select, words) of a fanfiction.net page."""
    text = next(iter(root.xpath('//*[@id="storytext"]')), None)
    select = next(iter(root.xpath('//select[@id="chap_select"]')), None)
    in_work = len(select.findall(".//option")) if select is not None else 1
    return (1 if text is not None else 0), in_work, (element_words(text) if text is not None else [])


def _toc_leaves(toc: Any) -> list[Any]:
    out: list[Any] = []
    for entry in toc:
        if isinstance(entry, tuple):
            out.extend(_toc_leaves(entry[1]))
        else:
            out.append(entry)
    return out


def _front_or_back(entry: Any, index: int, count: int) -> bool:
    """A title-page, notes, preface... entry: by its title, and first, last or in a file so named
    (a chapter may be called "Information")."""
    if not FRONT_BACK.match((entry.title or "").strip()):
        return False
    name = entry.href.split("#")[0].rsplit("/", 1)[-1]
    return index in (0, count - 1) or bool(FRONT_BACK_FILE.search(name))


def epub_script_grams(data: bytes) -> set[tuple[str, ...]]:
    """Four-word runs of the scripts and styles in an EPUB's documents."""
    import ebooklib
    from ebooklib import epub

    grams: set[tuple[str, ...]] = set()
    for item in epub.read_epub(io.BytesIO(data)).get_items_of_type(ebooklib.ITEM_DOCUMENT):
        content = item.get_content()
        if b"<script" in content or b"<style" in content:
            for el in parse_html(content).iter("script", "style"):
                grams |= _grams(words(el.text_content()))
    return grams


def epub_story(data: bytes) -> tuple[int, list[str]]:
    """(chapters, words) from the table of contents and the chapter documents it points to."""
    import ebooklib
    from ebooklib import epub

    book = epub.read_epub(io.BytesIO(data))
    leaves = _toc_leaves(book.toc)
    matter = [e for i, e in enumerate(leaves) if _front_or_back(e, i, len(leaves))]
    chapters = [e for e in leaves if e not in matter]
    front = {e.href.split("#")[0] for e in matter}
    targets = {e.href.split("#")[0] for e in chapters}
    found: list[str] = []
    inside = False
    for idref, _linear in book.spine:
        item = book.get_item_with_id(idref)
        if item is None or item.get_type() != ebooklib.ITEM_DOCUMENT:
            continue
        name = item.get_name()
        if name in targets:
            inside = True
        elif name in front or isinstance(item, epub.EpubNav):
            inside = False
        if not inside:
            continue
        root = parse_html(item.get_content())
        for block in root.xpath('//*[@id="afterword"] | //*[@id="preface"]'):
            block.drop_tree()
        # AO3's page markup (div.userstuff under the hidden landmark heading): notes are not story.
        if any("landmark" in classes(el) for el in root.iter("h3")) and any(
            "userstuff" in classes(el) for el in root.iter("div")
        ):
            found.extend(ao3_story(root)[1])
            continue
        body = root.find(".//body")
        found.extend(element_words(body if body is not None else root))
    return len(chapters), found


# --- one row ------------------------------------------------------------------------------


def _grams(seq: list[str], n: int = 4) -> set[tuple[str, ...]]:
    return {tuple(seq[i : i + n]) for i in range(len(seq) - n + 1)}


def chrome_grams(root: Any) -> set[tuple[str, ...]]:
    """Four-word runs of scripts, styles and the parts the account drops as chrome, less the runs
    that the page's other visible text also holds (a share box repeats the summary, a chapter
    select the chapter titles: finding those in the output proves nothing)."""
    parts = html_parts(root)
    chrome: set[tuple[str, ...]] = set()
    for el in root.iter("script", "style", "noscript"):
        chrome |= _grams(words(el.text_content()))
    for p in parts:
        if p.rule in CHROME_RULES:
            chrome |= _grams(p.words)
    for p in parts:
        if p.rule not in CHROME_RULES:
            chrome -= _grams(p.words)
    return chrome


def row(path: Path) -> dict[str, Any]:
    folder = path.parent.name
    data = path.read_bytes()
    r: dict[str, Any] = {"file": f"{folder}/{path.name}", "chapters_in_work": None}
    root = None
    if path.suffix == ".epub":
        r["chapters_own"], elem = epub_story(data)
    else:
        text, _w = decode_html(data, str(path))
        root = parse_html(text)
        if folder == "ffn":
            r["chapters_own"], r["chapters_in_work"], elem = ffn_story(root)
        else:
            r["chapters_own"], elem = ao3_story(root)
    r["words_elements"] = len(elem)
    start = time.perf_counter()
    try:
        doc = read_document(path)
    except InputError as err:
        r["reader"] = "refused: " + str(err).split(": ", 1)[-1]
        r["seconds"] = time.perf_counter() - start
        return r
    r["seconds"] = time.perf_counter() - start
    producer = doc.metadata.get("producer")
    r["reader"] = doc.format + (f" ({producer})" if producer and producer != doc.format else "")
    r["chapters_found"] = sum(1 for h in doc.hints if h.kind == HintKind.CHAPTER_START) or (1 if doc.text.strip() else 0)
    story = words(doc.text[int(doc.metadata.get("front_matter_end") or 0) :])
    r["words_story"] = len(story)
    # Each metadata value on its own (a run across two list items is no run of the page), less
    # the values the reader builds rather than reads (the story's address).
    meta_words = [
        words(str(item))
        for k, v in doc.metadata.items()
        if k not in ("account", "url")
        for item in (v if isinstance(v, list) else [v])
    ]
    out = _grams(story).union(*(_grams(m) for m in meta_words))
    r["nav_hits"] = len((chrome_grams(root) if root is not None else epub_script_grams(data)) & out)
    account = doc.metadata.get("account") or {}
    if "visible" in account:
        r["unaccounted"] = account["unaccounted"] / account["visible"] if account["visible"] else 0.0
        total = account["story"] + account["story_unmatched"]
        r["unmatched"] = account["story_unmatched"] / total if total else 0.0
    r["warnings"] = list(doc.warnings)
    return r


# --- the table ----------------------------------------------------------------------------


def _words_ok(r: dict[str, Any]) -> bool | None:
    if "words_story" not in r:
        return None
    a, b = r["words_story"], r["words_elements"]
    return abs(a - b) <= 0.01 * max(b, 1)


def _warning_kinds(warnings: list[str]) -> str:
    """Warnings, shortened to what they are about (no quoted text)."""
    kinds = []
    for w in warnings:
        if "not read" in w:
            kinds.append("account: " + w.split(" are in", 1)[0])
        elif "navigation or script text in the story" in w:
            kinds.append("account: " + w.split(" are not", 1)[0] + " not in the input's text")
        else:
            kinds.append(re.sub(r"[\"“'‘].*", "…", w)[:70])
    return "; ".join(kinds)


def render(rows: list[dict[str, Any]], seconds: float) -> str:
    stories = [r for r in rows if not r["file"].startswith("not-a-story/")]
    pages = [r for r in rows if r["file"].startswith("not-a-story/")]
    read = [r for r in stories if "words_story" in r]
    chap_ok = [r for r in read if r["chapters_found"] == r["chapters_own"]]
    words_ok = [r for r in read if _words_ok(r)]
    nav_clean = [r for r in read if not r.get("nav_hits")]
    acct_ok = [r for r in read if r.get("unaccounted", 0) <= 0.01]
    unmatched_ok = [r for r in read if r.get("unmatched", 0) <= 0.01]
    refused_pages = [r for r in pages if r["reader"].startswith("refused")]
    lines = [
        "| | pass |",
        "|---|---|",
        f"| story files read (not refused) | {len(read)} of {len(stories)} |",
        f"| chapters found = the file's own | {len(chap_ok)} of {len(stories)} |",
        f"| story words within 1% of the story elements' | {len(words_ok)} of {len(stories)} |",
        f"| no navigation or script text in text or metadata | {len(nav_clean)} of {len(read)} read |",
        f"| words account: at most 1% unaccounted | {len(acct_ok)} of {len(read)} read |",
        f"| words account: at most 1% of the story text unmatched | {len(unmatched_ok)} of {len(read)} read |",
        f"| pages without a story refused | {len(refused_pages)} of {len(pages)} |",
        "",
        "| file | reader | chapters found / own | story words / elements' | within 1% | nav/script in output "
        "| unaccounted | story unmatched | warnings |",
        "|---|---|---|---|---|---|---|---|---|",
    ]
    for r in rows:
        if "words_story" not in r:
            story_file = not r["file"].startswith("not-a-story/")
            mark, within = (" ✗", "no") if story_file else ("", "")
            lines.append(
                f"| {r['file']} | {r['reader']} | - / {r['chapters_own']}{mark} | - / {r['words_elements']:,} | {within} | | | | |"
            )
            continue
        own = f"{r['chapters_own']}" + (f" (of {r['chapters_in_work']})" if r.get("chapters_in_work") else "")
        mark = "" if r["chapters_found"] == r["chapters_own"] else " ✗"
        diff = (r["words_story"] - r["words_elements"]) / r["words_elements"] if r["words_elements"] else None
        ratio = f"{diff:+.1%}" if diff is not None else "no story elements"
        nav = "no" if not r["nav_hits"] else f"yes ({r['nav_hits']} runs)"
        unacc = f"{r['unaccounted']:.1%}" if "unaccounted" in r else "n/a"
        unmatched = f"{r['unmatched']:.1%}" if "unmatched" in r else "n/a"
        lines.append(
            f"| {r['file']} | {r['reader']} | {r['chapters_found']} / {own}{mark} | "
            f"{r['words_story']:,} / {r['words_elements']:,} ({ratio}) | {'yes' if _words_ok(r) else 'no'} | "
            f"{nav} | {unacc} | {unmatched} | {_warning_kinds(r['warnings'])} |"
        )
    lines.append("")
    lines.append(f"{len(rows)} files in {seconds:.0f} s.")
    return "\n".join(lines)


DOC_HEAD = """# Reading real downloads

What the readers keep of a file, how that is checked on every read (the words account), and how
the readers do on the real downloads in `../shared/data/fanfic/`.

## The words account

After the reader, `read_document` runs `ficlens/ingest/account.py` on the same bytes. It reads the
input's visible words independently of the reader: the text of `body` less `script`, `style`,
`noscript`, `template` and hidden elements, one part per element with an `id` (per spine document
of an EPUB, then per element; all of a plain-text or Markdown file). It then matches them, as
multisets of words (`\\w+` runs, case-folded), against what the reader produced: the story text,
the metadata values, and what the readers drop by rule. Rules: the tags every HTML reader skips
(`nav`, `form`, `footer`, `select`, ...), site chrome of saved AO3 and fanfiction.net pages
(`#header`, `#footer`, `#kudos`, `#feedback`, `#share`, `ul.navigation`, `.actions`, the hidden
`h3.landmark`, the `Stats` list), AO3 download boilerplate (`p.message`, `#works_links`,
`p.jump`, `div.endnote-link`), labels (`dt`, "Summary:", "Chapter Notes", `<b>Category:</b>`),
never inside an author's text (`userstuff`, `#storytext`), and the EPUB documents the EPUB reader
skips by name (cover, contents, copyright, about, ...) or the OPF guide calls the table of
contents. A reader may record more in
`metadata["dropped"]` (`{"part", "reason", "text"}`); the account takes that list out of the
metadata. Parts whose word trigrams are mostly present in the output take their words first, so a
lost part is charged with its common words too.

`metadata.json` carries the result as `account`: `visible`, `story`, `metadata`, `dropped`,
`dropped_by` (words per rule), `unaccounted` (visible = story + metadata + dropped +
unaccounted), `lost_parts` (the ten parts that lost the most, each named by its first heading,
its file and its element) and `story_unmatched` (story-text words that no visible word outside
the parts dropped by rule accounts for: navigation or script text the reader kept, or words it
made up).

MOBI, AZW3 and PDF are read again from the bytes as well: a MOBI or AZW3 is unpacked again by
the `mobi` library (KindleUnpack); an AZW3's EPUB is accounted as any EPUB, an old MOBI's one
HTML file a part per table-of-contents entry (`section 'Chapter 2'`). A PDF is pypdf's plain
`extract_text()`, a part per page (`page 7: 240 of 251 words not read`), not the positioned lines
the PDF reader rebuilds AO3's layout from. The MOBI and PDF readers record in
`metadata["dropped"]` what the rules drop from the AO3 layout they rebuild (labels, boilerplate,
the "See the end of the chapter" links). A file the account cannot read records
`account: {"skipped": ...}` and a warning.

Two warnings, each when its count is over 1% and at least 10 words, go first in the document's
warnings, so they show in `ficlens analyze`'s summary, the report's Warnings box and the corpus
`works` table's `warnings`:

- words not read: `1,208 of 5,210 visible words (23.2%) are in neither the story text nor the
  metadata: Chapter 8 (file Title_split_009.xhtml, div#chapters): 1,204 of 1,310 words not read`;
- words from nowhere: `86 of the story text's 278 words (30.9%) are not in the input's visible
  text outside navigation and site chrome: navigation or script text in the story?`.

What it cannot catch: words kept but out of order or in the wrong chapter (it counts words, not
their order); a lost passage whose every word the metadata also holds; and site chrome of a
layout its rules do not know, which shows as words not read (a warning too many, not one too
few).

An EpubMerge book (several downloads merged into one EPUB; its top OPF lists each book's own
OPF) holds several works: `ficlens.ingest.read_works` gives one Document per work, each read
from its own OPF and title page (`metadata["work_index"]`, `metadata["book"]`), `ficlens analyze`
writes one folder per work and corpus mode one row per work. `read_document` still reads the
whole book as one (the table below counts it so).

## Real downloads

53 story files (`ao3/`, `ffn/`, `epub/`) and 3 AO3 pages that hold no story (`not-a-story/`);
what each file is: `../shared/data/fanfic/README.md`. File names and counts only: the stories
belong to their authors.

Regenerate (the table below is this command's output; nothing is edited by hand):

    PYTHONPATH=src .venv/bin/python bench/ingest_table.py --write docs/ingest.md

Columns (the file's own counts are read from its markup by the script, independently of the readers):

- **chapters found / own**: chapters the reader found (CHAPTER_START hints; 1 when none) vs the
  chapters the file holds: AO3 pages `#chapter-N` (else the download's `#chapters h2.heading`, else 1);
  a fanfiction.net page holds one chapter ("of N": the chapter select's count for the work); EPUBs:
  table-of-contents entries less front and back matter (title page, notes, preface, afterword,
  information, introduction, contents: entries so titled that come first or last or sit in a
  file so named). ✗ marks a difference.
- **story words / elements'**: words of the story text (`text[front_matter_end:]`) vs words of the
  file's story elements (AO3: `div.userstuff` that are not notes, without the hidden "Chapter Text"
  landmark, plus chapter titles; fanfiction.net: `#storytext`; EPUB: the chapter documents less
  `#preface`/`#afterword` blocks, and a chapter document in AO3's markup (`div.userstuff`,
  `h3.landmark`) as an AO3 page, without its chapter notes). Words as the account counts them (`\\w+` runs).
- **nav/script in output**: runs of four words from the page's scripts, styles, navigation, site
  chrome and forms (less the runs its other visible text also holds: a share box repeats the
  summary) found in the story text or the metadata; for EPUBs, runs from their scripts and styles.
- **unaccounted**: share of the file's visible words in neither the story text, the metadata nor
  what the readers drop by rule (`ficlens/ingest/account.py`); over 1% (and 10 words) the reader
  warns, naming the parts.
- **story unmatched**: share of the story text's words that no visible word outside navigation
  and site chrome accounts for (`account.story_unmatched`); over 1% (and 10 words) a warning.

"""


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, default=ROOT.parent / "shared" / "data" / "fanfic")
    parser.add_argument("--write", type=Path, help="write the whole doc (docs/ingest.md) instead of printing the table")
    args = parser.parse_args(argv)
    if not args.data.is_dir():
        print(f"no data at {args.data} (the real downloads live in ../shared/data/fanfic)", file=sys.stderr)
        return 2
    start = time.perf_counter()
    rows = []
    for folder in FOLDERS:
        for path in sorted((args.data / folder).glob("*")):
            if path.is_file():
                rows.append(row(path))
                print(f"{rows[-1]['file']}: {rows[-1]['seconds']:.1f} s", file=sys.stderr)
    table = render(rows, time.perf_counter() - start)
    if args.write:
        args.write.write_text(DOC_HEAD + table + "\n", encoding="utf-8")
    else:
        print(table)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
