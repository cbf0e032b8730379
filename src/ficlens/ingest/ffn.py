"""fanfiction.net chapter pages saved from the site (2002-2015 layouts and today's).

A saved page holds one chapter: the text is ``div#storytext``; nothing else of the page (menus,
font controls, the review box, "Add Story to Favorites", the footer) is read as text. Metadata:

- title: ``#profile_top > b`` (2011 on), else the breadcrumb's ``<b>`` after the fandom link
  ("Books » Harry Potter » <b>Title</b>"), else the page ``<title>`` ("Title Chapter 3, a
  Harry Potter fanfic - FanFiction.Net");
- author: the first ``/u/<id>/`` link outside the story text;
- fandom: ``#pre_story_links``' last link, else the breadcrumb link, else the ``<title>``;
- chapter: the selected option of the chapter menu (``select#chap_select`` or
  ``select[name=chapter]``) without its "N. " prefix; a page with no menu is a one-shot;
- the stats line ("Rated: Fiction T - English - Angst/Romance - Harry P. - Chapters: 2 -
  Words: 204 - Published: 3/29/2010 - Status: Complete - id: 5853866"): rating, language,
  genres (as additional tags), characters, chapters, words (the whole story's), dates;
- summary: the ``#profile_top`` summary (pages before 2011 carry none).

Extra keys: ``chapter_number`` (the page's chapter), ``url``, ``chapter_notes`` (one entry).
"""

from __future__ import annotations

import re
from typing import Any

from ficlens.errors import InputError
from ficlens.ingest._common import empty_metadata, language_warning
from ficlens.ingest._htmltext import HtmlPageReader, TextBuilder, classes, inline_text, local_name
from ficlens.model import Document

__all__ = ["FfnReader", "is_ffn"]

_USER = re.compile(r"^(?:https?://[^/]*fanfiction\.net)?/u/\d+/")
_FANDOM_LINK = re.compile(
    r"^(?:https?://[^/]*fanfiction\.net)?/(?:book|anime|cartoon|comic|game|misc|movie|play|tv)/[^/]+/?$"
)
_STORY_LINK = re.compile(r"/s/(\d+)/")
# "Child of Four Chapter 3, a Harry Potter fanfic - FanFiction.Net",
# "Counting Chapter 2: The Flower, a harry potter fanfic | FanFiction"
_PAGE_TITLE = re.compile(
    r"^(?P<title>.+?)(?:\s+Chapter\s+(?P<n>\d+)(?::\s*(?P<chapter>.+?))?)?,\s+an?\s+(?P<fandom>.+?)\s+fan\s?fic(?:tion)?"
    r"\s*(?:[|-]\s*FanFiction(?:\.Net)?)?\s*$",
    re.IGNORECASE,
)
_OPTION_NUMBER = re.compile(r"^\s*\d+\.\s*")
_GENRES = {
    "adventure", "angst", "crime", "drama", "family", "fantasy", "friendship", "general", "horror",
    "humor", "hurt", "comfort", "mystery", "parody", "poetry", "romance", "sci-fi", "spiritual",
    "supernatural", "suspense", "tragedy", "western",
}  # fmt: skip


def _by_id(root: Any, ident: str) -> Any | None:
    found = root.xpath(f'//*[@id="{ident}"]')
    return found[0] if found else None


def _chapter_menu(root: Any) -> Any | None:
    menus = root.xpath('//select[@id="chap_select" or @name="chapter" or @name="Chapter"]')
    return menus[0] if menus else None


def is_ffn(root: Any) -> bool:
    """A fanfiction.net story page: ``div#storytext`` with the site's story furniture around it
    (``#profile_top``, the chapter menu, the fictionratings.com rating link or a ``/r/<id>/``
    reviews link)."""
    if _by_id(root, "storytext") is None:
        return False
    if _by_id(root, "profile_top") is not None or _chapter_menu(root) is not None:
        return True
    for a in root.iter("a"):
        href = a.get("href") or ""
        if "fictionratings.com" in href or re.match(r"^(?:https?://[^/]*fanfiction\.net)?/r/\d+/", href):
            return True
    return False


def _inside(el: Any, ancestor: Any) -> bool:
    while el is not None:
        if el is ancestor:
            return True
        el = el.getparent()
    return False


_INVISIBLE = frozenset({"script", "style", "noscript", "template", "head", "title"})


def _outside(root: Any, story: Any) -> str:
    """The page's visible text outside ``story`` (script and style code left out)."""
    parts: list[str] = []
    for el in root.iter():
        if not isinstance(el.tag, str):
            continue
        name = local_name(el)
        inside = _inside(el, story)
        if not inside and name not in _INVISIBLE and el.text:
            parts.append(el.text)
        parent = el.getparent()
        # A tail is text of the parent: outside when the parent is, and visible when the parent is.
        if el.tail and parent is not None and not _inside(parent, story) and local_name(parent) not in _INVISIBLE:
            parts.append(el.tail)
    return " ".join(parts)


_STATS = re.compile(r"(?:Fiction\s+)?Rated:.*?\bid:\s*\d+", re.IGNORECASE | re.DOTALL)


def _stats_line(root: Any, story: Any) -> str | None:
    """The "Rated: ... - id: N" line: from the smallest element holding it outside the story."""
    best: str | None = None
    for el in root.iter("span", "td", "div", "p", "font", "body"):
        if _inside(el, story) or _inside(story, el) and local_name(el) != "body":
            continue
        m = _STATS.search(inline_text(el))
        if m and (best is None or len(m.group(0)) < len(best)):
            best = m.group(0)
    return best


def _parse_stats(line: str, meta: dict[str, Any]) -> dict[str, str]:
    """Fill rating, language, genres, characters, words, dates from the stats line."""
    fields: dict[str, str] = {}
    segments = [s.strip() for s in line.split(" - ") if s.strip()]
    loose: list[str] = []
    for seg in segments:
        m = re.match(r"^(?:Fiction\s+)?Rated:\s*(?:Fiction\s+)?(.+)$", seg, re.IGNORECASE)
        if m:
            meta["rating"] = m.group(1).strip()
            continue
        m = re.match(r"^([A-Za-z]+):\s*(.+)$", seg)
        if m:
            fields[m.group(1).lower()] = m.group(2).strip()
        else:
            loose.append(seg)
    if loose:
        meta["language"] = loose.pop(0)
    for seg in loose:
        if seg.lower() == "complete":
            fields["status"] = "Complete"
        elif all(g.lower() in _GENRES for g in seg.split("/")):
            meta["additional_tags"] = [g for g in re.split(r"/(?!Comfort)", seg) if g]
        else:
            names = re.split(r"\s*(?:,|&|\[|\])\s*", seg)
            meta["characters"] = [n for n in names if n]
    if fields.get("words"):
        digits = re.sub(r"\D", "", fields["words"])
        meta["words"] = int(digits) if digits else None
    meta["published"] = fields.get("published")
    meta["updated"] = fields.get("updated")
    if fields.get("status", "").lower() == "complete":
        meta["completed"] = meta["updated"] or meta["published"]
    return fields


def _title_and_fandom(root: Any) -> tuple[str | None, str | None]:
    title = fandom = None
    top = _by_id(root, "profile_top")
    if top is not None:
        b = next((el for el in top.iter("b") if inline_text(el)), None)
        title = inline_text(b) if b is not None else None
    pre = _by_id(root, "pre_story_links")
    if pre is not None:
        links = [inline_text(a) for a in pre.iter("a") if inline_text(a)]
        fandom = links[-1] if links else None
    # Breadcrumb: <a href="/book/Harry_Potter/">Harry Potter</a> » <b>Title</b>
    for b in root.iter("b"):
        prev = b.getprevious()
        if prev is not None and local_name(prev) == "a" and _FANDOM_LINK.match(prev.get("href") or ""):
            title = title or inline_text(b) or None
            fandom = fandom or inline_text(prev) or None
            break
    if title is None:
        # 2012 layout: <b>Title</b> <hr> Author: <a href="/u/...">, the <b> just before the byline.
        last_b = None
        for el in root.iter("b", "a"):
            if local_name(el) == "b" and inline_text(el):
                last_b = el
            elif local_name(el) == "a" and _USER.match(el.get("href") or "") and last_b is not None:
                title = inline_text(last_b)
                break
    page_title = next((inline_text(t) for t in root.iter("title")), "")
    m = _PAGE_TITLE.match(page_title)
    if m:
        title = title or m.group("title")
        fandom = fandom or m.group("fandom")
    return title, fandom


def _chapter(root: Any) -> tuple[int, str | None, int]:
    """(chapter number, chapter title, chapters in the menu); (1, None, 1) with no menu."""
    menu = _chapter_menu(root)
    options = menu.xpath(".//option") if menu is not None else []
    if not options:
        page_title = next((inline_text(t) for t in root.iter("title")), "")
        m = _PAGE_TITLE.match(page_title)
        if m and m.group("n"):
            return int(m.group("n")), m.group("chapter") or f"Chapter {m.group('n')}", int(m.group("n"))
        return 1, None, 1
    chosen = next((o for o in options if o.get("selected") is not None), None)
    if chosen is None:  # a page saved without the selected mark: the first chapter
        chosen = options[0]
    number = options.index(chosen) + 1
    value = chosen.get("value") or ""
    if value.isdigit():
        number = int(value)
    name = _OPTION_NUMBER.sub("", inline_text(chosen)).strip() or None
    return number, name, len(options)


def header_metadata(root: Any) -> dict[str, Any]:
    """Title, fandom, summary and the stats line's fields from the story header
    (``#profile_top``) of a page without its story: WebToEpub keeps it as an EPUB's
    information page. Empty when the page has no header."""
    meta = empty_metadata()
    top = _by_id(root, "profile_top")
    if top is None:
        return meta
    meta["title"], fandom = _title_and_fandom(root)
    meta["fandoms"] = [fandom] if fandom else []
    summary = next((d for d in top.iter("div") if "xcontrast_txt" in classes(d) and inline_text(d)), None)
    meta["summary"] = inline_text(summary) if summary is not None else None
    m = _STATS.search(inline_text(top))
    fields = _parse_stats(m.group(0), meta) if m else {}
    if fields.get("chapters"):
        total = re.sub(r"\D", "", fields["chapters"])
        complete = fields.get("status", "").lower() == "complete"
        meta["chapters"] = f"{total}/{total if complete else '?'}" if total else None
    if fields.get("id"):
        meta["url"] = f"https://www.fanfiction.net/s/{fields['id']}/1/"
    return meta


class FfnReader(HtmlPageReader):
    format = "ffn"

    def read_tree(self, root: Any, source: str, warnings: list[str] | None = None) -> Document:
        story = _by_id(root, "storytext")
        if story is None:
            raise InputError(source, "is not a fanfiction.net story page (no div#storytext)")
        meta = empty_metadata()
        meta["title"], fandom = _title_and_fandom(root)
        meta["fandoms"] = [fandom] if fandom else []
        top = _by_id(root, "profile_top")
        scope = top if top is not None else root
        author = next(
            (a for a in scope.iter("a") if _USER.match(a.get("href") or "") and not _inside(a, story) and inline_text(a)),
            None,
        )
        meta["authors"] = [inline_text(author)] if author is not None else []
        if top is not None:
            summary = next((d for d in top.iter("div") if "xcontrast_txt" in classes(d) and inline_text(d)), None)
            meta["summary"] = inline_text(summary) if summary is not None else None
        line = _stats_line(root, story)
        fields = _parse_stats(line, meta) if line else {}
        number, chapter_title, in_menu = _chapter(root)
        total = fields.get("chapters")
        total = int(re.sub(r"\D", "", total)) if total and re.sub(r"\D", "", total) else max(in_menu, number)
        complete = meta["completed"] is not None
        meta["chapters"] = f"{total}/{total if complete else '?'}"
        meta["chapter_number"] = number
        meta["chapter_titles"] = [chapter_title] if chapter_title else []
        meta["chapter_notes"] = [{"title": chapter_title, "summary": None, "notes": None, "end_notes": None}]
        story_id = fields.get("id") or next(
            (m.group(1) for a in root.iter("a") if (m := _STORY_LINK.search(a.get("href") or ""))), None
        )
        meta["url"] = f"https://www.fanfiction.net/s/{story_id}/{number}/" if story_id else None
        # The rule of this reader: the story is div#storytext; the rest of the page (menus,
        # header labels and counts, review box, footer) is the site's, dropped by rule. The
        # words account (ingest/account.py) reads what was dropped from here.
        meta["dropped"] = [{"part": "page outside div#storytext", "reason": "site chrome", "text": _outside(root, story)}]
        builder = TextBuilder()
        builder.start_chapter(chapter_title or "")
        builder.walk(story)
        builder.end_chapter()
        if not builder.text.strip():
            raise InputError(source, "fanfiction.net page has no story text (div#storytext is empty)")
        out_warnings = list(warnings or [])
        lang = meta.get("language")
        if lang and str(lang).strip().lower() != "english":
            out_warnings.append(f"fanfiction.net gives the language as {lang}; ficlens's models are English-only")
        elif (lw := language_warning(builder.text)) is not None:
            out_warnings.append(lw)
        return Document(
            text=builder.text,
            source=source,
            format=self.format,
            metadata=meta,
            warnings=out_warnings,
            hints=builder.hints,
        )
