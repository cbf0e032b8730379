"""The words account: every visible word of the input is story text, metadata, or dropped by rule.

``account_words(doc, data)`` reads the input bytes again, independently of the reader that made
``doc``, and splits its visible words into parts: one per element with an ``id`` (its own text,
not that of id-bearing descendants), per spine document of an EPUB, or the whole file for plain
text and Markdown. A MOBI or AZW3 is unpacked again (``kindle.unpack``): an AZW3's EPUB is read
as any EPUB (the document its OPF guide calls the table of contents is navigation); an old
MOBI's one HTML file gives a part per table-of-contents entry ("section 'Chapter 2'"). A PDF
gives a part per page of pypdf's plain ``extract_text()`` ("page 7"), not the positioned lines
the PDF reader works from. The MOBI and PDF readers rebuild AO3's layout and record what the
rules below drop from it (``rule_drops``). Scripts, styles, ``noscript``, ``template``, ``head`` and hidden elements are
not visible words. Elements the readers drop by rule are counted as dropped: the tags every
HTML reader skips (``_htmltext.SKIP_TAGS``: ``nav``, ``form``, ``footer``, ...) and the site
chrome, boilerplate and labels of saved AO3 and fanfiction.net pages and AO3 downloads
(``CHROME_IDS``, ``CHROME_CLASSES``, ``_rule`` in ingest/_visible.py), never inside an author's text. A reader may record what else it drops by rule
in ``doc.metadata["dropped"]`` (a list of ``{"part", "reason", "text"}``); the account takes that
list out of the metadata, so dropped text never reaches ``metadata.json``.

Words (``\\w+`` runs, NFKC, case-folded) are matched as multisets: each part takes its words
from the story text first, then the metadata values, then the recorded drops. Parts whose word
trigrams are mostly present in the output take their words first, so the words a lost part
shares with the rest ("the", names) are charged to the lost part, not spread over all of them.
When more than 1% of the visible words (and at least ``MIN_WORDS``) land nowhere, a warning
names the parts that lost the most. The other way round, story-text words left over once every
visible part outside the rule parts has taken its words (``story_unmatched``: navigation or
script text kept, words a reader made up) warn over the same limits. Everything here is linear
in the size of the input.

Example: an EPUB whose reader skips the last spine document (an epilogue followed by the
afterword block) gets ``doc.metadata["account"] == {"visible": 5210, "story": 3702, ...,
"unaccounted": 1208}`` and the warning "1,208 of 5,210 visible words (23.2%) are in neither the
story text nor the metadata: Chapter 8 (file Title_split_009.xhtml, div#chapters): 1,204 of 1,310 words
not read".
"""

from __future__ import annotations

import io
import re
from collections import Counter
from collections.abc import Iterable, Iterator
from typing import Any

from ficlens.ingest._common import strip_invisible
from ficlens.ingest._htmltext import decode_html, local_name, parse_html
from ficlens.ingest._visible import Part, _count_words, html_parts, rule_drops, words
from ficlens.model import Document

__all__ = [
    "MIN_WORDS",
    "THRESHOLD",
    "Part",
    "account_warning",
    "account_words",
    "html_parts",
    "rule_drops",
    "surplus_warning",
    "visible_parts",
    "words",
]

THRESHOLD = 0.01  # share of the visible words that may land nowhere without a warning
MIN_WORDS = 10  # ... and a floor, so a stray label ("by") in a 200-word page does not warn
MAX_NAMED = 3  # parts named in the warning

# Metadata keys that are not words of the input.
_NOT_INPUT_KEYS = frozenset({"account", "dropped", "encoding", "front_matter_end", "producer"})

def _epub_parts(data: bytes) -> list[Part]:
    import ebooklib
    from ebooklib import epub

    from ficlens.ingest.epub import DROPPED_BODY_CLASSES, DROPPED_NAME

    book = epub.read_epub(io.BytesIO(data), options={"ignore_ncx": True})
    # The documents the OPF guide calls the table of contents (Calibre's, in a Kindle book).
    guide_toc = {(ref.get("href") or "").split("#", 1)[0] for ref in book.guide if ref.get("type") == "toc"}
    parts: list[Part] = []
    for idref, _linear in book.spine:
        item = book.get_item_with_id(idref)
        if item is None or item.get_type() != ebooklib.ITEM_DOCUMENT:
            continue
        name = item.get_name() or idref
        root = parse_html(item.get_content())
        body = root.find(".//body")
        rule = None
        if isinstance(item, epub.EpubNav) or "nav" in (getattr(item, "properties", []) or []) or name in guide_toc:
            rule = "navigation"
        elif DROPPED_NAME.search(name) or (body is not None and set((body.get("class") or "").split()) & DROPPED_BODY_CLASSES):
            rule = "front and back matter"
        for part in html_parts(root, prefix=f"file {name}, "):
            if rule and part.rule is None:
                part.rule = rule
            parts.append(part)
    return parts


def _kindle_parts(data: bytes, source: str) -> list[Part]:
    """A MOBI/AZW3 book as KindleUnpack unpacks it (``kindle.unpack``, where the reader starts
    too): the KF8 half's EPUB by spine document, as any EPUB; MOBI 6's one HTML file by
    table-of-contents entry (the NCX's anchors split the body), each entry's elements read as
    any HTML. The book's own table of contents, where the OPF guide says it starts, is
    navigation."""
    from ficlens.ingest.kindle import mobi7_tree, unpack

    book = unpack(data, source)
    if book.epub is not None:
        return _epub_parts(book.epub)
    body, toc, toc_start = mobi7_tree(book.html or b"", book.ncx)
    if body is None:
        return []
    labels = {anchor: label for label, anchor in toc}
    current = Part("before the table of contents' first entry")
    parts = [current]
    for child in body:
        tag = local_name(child)
        if tag is None:
            continue
        ident = child.get("id") if tag == "a" else None
        if ident is not None and ident == toc_start:
            current = Part("the book's table of contents", rule="navigation")
            parts.append(current)
        elif ident in labels and current.rule is None:
            current = Part(f"section {labels[ident]!r}")
            parts.append(current)
        for part in html_parts(child):
            current.words.extend(part.words)  # id-less MOBI 6 markup: one part per section
        if child.tail:
            current.words.extend(words(child.tail))
    return [p for p in parts if p.words]


def _pdf_parts(data: bytes) -> list[Part]:
    """A PDF's text as pypdf extracts it, plainly (not the reader's positioned lines), a part a
    page: "page 7"."""
    import logging

    import pypdf

    logging.getLogger("pypdf").setLevel(logging.ERROR)
    reader = pypdf.PdfReader(io.BytesIO(data))
    if reader.is_encrypted:
        reader.decrypt("")
    return [Part(f"page {i}", words(page.extract_text() or "")) for i, page in enumerate(reader.pages, 1)]


def visible_parts(doc: Document, data: bytes) -> list[Part] | None:
    """The input's visible words by part, or None for a format the account does not read."""
    from ficlens.ingest.detect import is_zip
    from ficlens.ingest.kindle import is_kindle
    from ficlens.ingest.pdf import is_pdf

    if is_zip(data):
        return _epub_parts(data)
    if is_kindle(data):
        return _kindle_parts(data, doc.source)
    if is_pdf(data):
        return _pdf_parts(data)
    if doc.format in ("text", "markdown"):
        return [Part("text", words(_plain_text(data, doc.source)))]
    if doc.format in ("html", "ao3", "fanficfare") or _looks_html(data):  # and readers added later
        text, _warnings = decode_html(data, doc.source)
        return html_parts(parse_html(text))
    return None


_HTML_TAG = re.compile(rb"<(?:html|body|div|p)\b", re.IGNORECASE)


def _looks_html(data: bytes) -> bool:
    """HTML a reader of another name read (a saved-page reader, say); never a PDF or a MOBI."""
    if data.startswith(b"%PDF") or data[60:68] in (b"BOOKMOBI", b"TEXtREAd") or b"\x00" in data[:4096]:
        return False
    return _HTML_TAG.search(data[:65536]) is not None


def _plain_text(data: bytes, source: str) -> str:
    """A text or Markdown file as its readers decode it (mojibake repaired: decoding, not reading)."""
    from ficlens.ingest._common import decode_bytes, repair_mojibake

    return strip_invisible(repair_mojibake(decode_bytes(data, source).text)[0])


def _unchanged_text_account(doc: Document, data: bytes) -> dict[str, Any] | None:
    """Plain text and Markdown readers keep the decoded file as ``text``: when it is unchanged,
    every word is story and nothing needs matching (a 50 MB file costs one pass, no word lists)."""
    from ficlens.ingest.detect import is_zip

    if doc.format not in ("text", "markdown") or is_zip(data) or _plain_text(data, doc.source) != doc.text:
        return None
    n = _count_words(doc.text)
    return {
        "visible": n,
        "story": n,
        "metadata": 0,
        "dropped": 0,
        "dropped_by": {},
        "unaccounted": 0,
        "story_unmatched": 0,
        "lost_parts": [],
    }


# --- what the reader produced -------------------------------------------------------------


def _strings(value: Any) -> Iterator[str]:
    if isinstance(value, str):
        yield value
    elif isinstance(value, dict):
        for v in value.values():
            yield from _strings(v)
    elif isinstance(value, (list, tuple)):
        for v in value:
            yield from _strings(v)
    elif value is not None and not isinstance(value, bool):
        yield str(value)


def _trigrams(seq: list[str]) -> Iterator[int]:
    """Hashes of the word trigrams of ``seq`` (map and zip keep the loop out of Python)."""
    return map(hash, zip(seq, seq[1:], seq[2:], strict=False))


def _presence(part: Part, grams: set[int], pool: Counter[str]) -> float:
    """Share of the part's trigrams (words, for a part under three words) found in the output."""
    if len(part.words) < 3:
        return sum(1 for w in part.words if pool[w] > 0) / max(len(part.words), 1)
    return sum(map(grams.__contains__, _trigrams(part.words))) / (len(part.words) - 2)


def _fmt_part(name: str, lost: int, total: int) -> str:
    return f"{name}: {lost:,} of {total:,} words not read"


def account_words(doc: Document, data: bytes) -> dict[str, Any] | None:
    """Account for the input's visible words; write ``doc.metadata["account"]`` and maybe a warning.

    Returns the account, or None (and records why) when the format has no account yet.
    """
    recorded = doc.metadata.pop("dropped", None) or []
    if not recorded:
        unchanged = _unchanged_text_account(doc, data)
        if unchanged is not None:
            doc.metadata["account"] = unchanged
            return unchanged
    try:
        parts = visible_parts(doc, data)
    except Exception as err:  # the reader read the file; a check that cannot must say so, not stop it
        doc.metadata["account"] = {"skipped": f"the words account could not read the file ({type(err).__name__})"}
        doc.warnings.append(f"the words account could not read the file ({type(err).__name__}: {err}); words lost are not checked")
        return None
    if parts is None:
        doc.metadata["account"] = {"skipped": f"no words account for the {doc.format} format yet"}
        return None
    story_words = words(doc.text)
    meta_values = [words(s) for k, v in doc.metadata.items() if k not in _NOT_INPUT_KEYS for s in _strings(v)]
    dropped_values = [(d.get("reason") or "dropped", words(d.get("text") or "")) for d in recorded]
    # Pools in the order a visible word takes from them: story, metadata, then each reason a
    # reader recorded for what it dropped.
    pools: dict[str, Counter[str]] = {"story": Counter(story_words), "metadata": Counter(w for ws in meta_values for w in ws)}
    for reason, ws in dropped_values:
        pools.setdefault(f"dropped:{reason}", Counter()).update(ws)
    grams: set[int] = set(_trigrams(story_words))
    for ws in meta_values:
        grams.update(_trigrams(ws))
    for _r, ws in dropped_values:
        grams.update(_trigrams(ws))
    anywhere: Counter[str] = Counter()
    for pool in pools.values():
        anywhere.update(pool)

    totals = Counter({"story": 0, "metadata": 0, "dropped": 0, "unaccounted": 0})
    dropped_by: Counter[str] = Counter()
    lost: list[tuple[int, Part]] = []
    ranked = sorted(
        (p for p in parts if p.rule is None), key=lambda p: -_presence(p, grams, anywhere)
    )  # stable: equal presence keeps document order
    for part in parts:
        if part.rule is not None:
            totals["dropped"] += len(part.words)
            dropped_by[part.rule] += len(part.words)
    for part in ranked:
        missing = 0
        for w, need in Counter(part.words).items():
            for key, pool in pools.items():
                have = pool.get(w, 0)
                if not have:
                    continue
                take = min(have, need)
                pool[w] = have - take
                need -= take
                if key.startswith("dropped:"):
                    totals["dropped"] += take
                    dropped_by[key.removeprefix("dropped:")] += take
                else:
                    totals[key] += take
                if not need:
                    break
            missing += need
        totals["unaccounted"] += missing
        if missing:
            lost.append((missing, part))
    visible = sum(len(p.words) for p in parts)
    account: dict[str, Any] = {
        "visible": visible,
        "story": totals["story"],
        "metadata": totals["metadata"],
        "dropped": totals["dropped"],
        "dropped_by": dict(sorted(dropped_by.items())),
        "unaccounted": totals["unaccounted"],
        # story words no visible word outside the rule parts matched: kept navigation or
        # script text, or words the reader made up ("Chapter 1")
        "story_unmatched": sum(pools["story"].values()),
    }
    lost.sort(key=lambda t: -t[0])
    account["lost_parts"] = [{"part": p.label, "words": len(p.words), "not_read": n} for n, p in lost[:10]]
    doc.metadata["account"] = account
    for warning in (surplus_warning(account), account_warning(account)):
        if warning:
            doc.warnings.insert(0, warning)  # first: the CLI summary shows the first warnings
    return account


def account_warning(account: dict[str, Any]) -> str | None:
    """The warning for an account, or None when (almost) every visible word is accounted for."""
    visible, lost = account.get("visible", 0), account.get("unaccounted", 0)
    if not visible or lost < MIN_WORDS or lost <= THRESHOLD * visible:
        return None
    parts: Iterable[dict[str, Any]] = account.get("lost_parts", [])
    named = [_fmt_part(p["part"], p["not_read"], p["words"]) for p in list(parts)[:MAX_NAMED]]
    more = len(account.get("lost_parts", [])) - len(named)
    tail = f"; and {more} more part{'s' if more > 1 else ''}" if more > 0 else ""
    return (
        f"{lost:,} of {visible:,} visible words ({lost / visible:.1%}) are in neither the story text "
        f"nor the metadata: " + "; ".join(named) + tail
    )


def surplus_warning(account: dict[str, Any]) -> str | None:
    """The warning when the story text holds words the input shows nowhere but in navigation or
    site chrome (or not at all: script text, words a reader made up), over 1% and 10 words."""
    story, extra = account.get("story", 0) + account.get("story_unmatched", 0), account.get("story_unmatched", 0)
    if not story or extra < MIN_WORDS or extra <= THRESHOLD * story:
        return None
    return (
        f"{extra:,} of the story text's {story:,} words ({extra / story:.1%}) are not in the input's visible "
        "text outside navigation and site chrome: navigation or script text in the story?"
    )
