"""Archive of Our Own: "Download as HTML" files (old and current layouts) and saved work pages.

Metadata (the ``dl.tags`` / ``dl.work.meta.group`` dt/dd pairs, title, byline, summary,
notes, end notes, per-chapter notes) goes to ``Document.metadata`` only; ``text`` holds the
chapter headings and chapter text. Each chapter gets a CHAPTER_START hint spanning it and
its heading a HEADING hint. The keys are ``AO3_METADATA_KEYS``; absent values are None / [].
Extra keys: ``chapter_notes`` (one dict per chapter: title, summary, notes, end_notes),
``associations`` (the notes' "For X." / "Inspired by Y." lines), ``url``, ``front_matter_end`` (always 0: the preface is not in ``text``).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from ficlens.errors import InputError
from ficlens.ingest._common import (
    AO3_METADATA_KEYS,
    empty_metadata,
    language_warning,
    metadata_keys,
    split_list,
)
from ficlens.ingest._htmltext import (
    HtmlPageReader,
    TextBuilder,
    classes,
    inline_text,
    local_name,
    plain_text,
)
from ficlens.model import Document

__all__ = ["AO3_METADATA_KEYS", "Ao3Reader", "is_ao3", "metadata_keys", "not_a_story", "parse_preface"]

# dt label (lower case, no colon) -> metadata key.
_DT_KEYS = {
    "rating": "rating",
    "ratings": "rating",
    "archive warning": "archive_warnings",
    "archive warnings": "archive_warnings",
    "warning": "archive_warnings",
    "warnings": "archive_warnings",
    "category": "categories",
    "categories": "categories",
    "fandom": "fandoms",
    "fandoms": "fandoms",
    "relationship": "relationships",
    "relationships": "relationships",
    "character": "characters",
    "characters": "characters",
    "additional tags": "additional_tags",
    "additional tag": "additional_tags",
    "freeform": "additional_tags",
    "language": "language",
    "series": "series",
    "collections": "collections",
    "collection": "collections",
    "stats": "stats",
}
_STAT = re.compile(r"\b(Published|Updated|Completed|Words|Chapters)\s*:\s*(\S+)", re.IGNORECASE)
_PART = re.compile(r"Part\s+([\d,]+)\s+of", re.IGNORECASE)
# Labels AO3 puts before a blockquote.userstuff -> note kind.
_NOTE_LABELS = {
    "summary": "summary",
    "chapter summary": "summary",
    "notes": "notes",
    "chapter notes": "notes",
    "author's note": "notes",
    "end notes": "end_notes",
    "chapter end notes": "end_notes",
}


@dataclass
class _Chapter:
    title: str = ""
    bodies: list[Any] = field(default_factory=list)
    summary: str | None = None
    notes: str | None = None
    end_notes: str | None = None


def _by_id(root: Any, ident: str) -> Any | None:
    found = root.xpath(f'//*[@id="{ident}"]')
    return found[0] if found else None


def _has_class(el: Any, *names: str) -> bool:
    return set(names) <= classes(el)


def _find_class(root: Any, tag: str, *names: str) -> list[Any]:
    return [el for el in root.iter(tag) if _has_class(el, *names)]


def is_ao3(root: Any) -> bool:
    """AO3 structure: a download (div#preface + dl.tags), a work page (#workskin, dl.work.meta),
    or an AO3 page that holds no story (``not_a_story``), which the AO3 reader refuses."""
    preface = _by_id(root, "preface")
    if preface is not None and _find_class(preface, "dl", "tags"):
        return True
    if _by_id(root, "workskin") is not None:
        return True
    return bool(_find_class(root, "dl", "work", "meta")) or not_a_story(root) is not None


def _blurbs(root: Any) -> list[Any]:
    """AO3's work blurbs (``li.work.blurb`` in a series, index or search listing)."""
    return [el for el in root.iter("li", "div") if _has_class(el, "work", "blurb")]


def _blurb_title(blurb: Any) -> str | None:
    link = next((a for a in blurb.iter("a") if re.search(r"/works/\d+", a.get("href") or "")), None)
    if link is None:
        return None
    return inline_text(link) or None


def _series_work_count(root: Any) -> int | None:
    """The "Works:" figure of a series page's stats (a page may list fewer)."""
    for dl in _find_class(root, "dl", "stats"):
        label = None
        for child in dl:
            if local_name(child) == "dt":
                label = _label(child)
            elif local_name(child) == "dd" and label == "works":
                digits = re.sub(r"\D", "", inline_text(child))
                return int(digits) if digits else None
    return None


def not_a_story(root: Any) -> str | None:
    """What an AO3 page that holds no story is, in one line; None for a work, chapter or download.

    Recognised by AO3's markup: the adult-content notice (``p.caution`` "This work could have
    adult content" with a ``?view_adult=true`` Proceed link), a series page (``#main.series-show``,
    ``dl.series.meta``) and other listings of work blurbs (``li.work.blurb``) without ``#workskin``.
    """
    if _by_id(root, "workskin") is not None or _by_id(root, "chapters") is not None:
        return None
    main = _by_id(root, "main")
    blurbs = _blurbs(root)
    proceed = any("view_adult=true" in (a.get("href") or "") for a in root.iter("a"))
    caution = any(
        "could have adult content" in inline_text(p).lower() for p in root.iter("p") if "caution" in classes(p)
    )
    if proceed or caution:
        title = _blurb_title(blurbs[0]) if blurbs else None
        named = f" for {title!r}" if title else ""
        return f"AO3's adult-content notice{named}, not the work: save the page after Proceed"
    main_classes = classes(main) if main is not None else set()
    n = len(blurbs)
    works = f"{n} work{'' if n == 1 else 's'}"
    if "series-show" in main_classes or _find_class(root, "dl", "series", "meta"):
        total = _series_work_count(root)
        if total is not None and total != n:
            works = f"{total} work{'' if total == 1 else 's'} ({n} listed on the page)"
        heading = next((el for el in main.iter("h2") if "heading" in classes(el)), None) if main is not None else None
        name = f" ({inline_text(heading)!r})" if heading is not None and inline_text(heading) else ""
        return f"an AO3 series page{name}: {works}, no story text; save or download each work instead"
    if blurbs and main is not None and "region" in main_classes:
        return f"an AO3 listing page: {works}, no story text; save or download each work instead"
    return None


def _label(el: Any) -> str:
    return inline_text(el).rstrip(":").strip().lower()


def _values(dd: Any) -> list[str]:
    links = [inline_text(a) for a in dd.iter("a")]
    links = [v for v in links if v]
    return links if links else split_list(inline_text(dd))


def _series(dd: Any) -> list[dict[str, Any]]:
    links = [a for a in dd.iter("a") if "/series/" in (a.get("href") or "")]
    if not links:
        links = [a for a in dd.iter("a") if not classes(a) & {"previous", "next"}]
    parts = [int(p.replace(",", "")) for p in _PART.findall(inline_text(dd))]
    out = []
    for i, a in enumerate(links):
        out.append({"title": inline_text(a), "part": parts[i] if i < len(parts) and len(parts) == len(links) else None})
    if not out and inline_text(dd):
        out.append({"title": inline_text(dd), "part": parts[0] if parts else None})
    return out


def _parse_tags(dl: Any, meta: dict[str, Any]) -> None:
    label: str | None = None
    for child in dl:
        tag = local_name(child)
        if tag == "dt":
            label = _DT_KEYS.get(_label(child))
        elif tag == "dd" and label is not None:
            if label == "stats":
                # itertext keeps the work page's <dt>/<dd> pairs apart ("Published: 2022-01-02 ...").
                _parse_stats(" ".join(child.itertext()), meta)
            elif label == "rating":
                meta["rating"] = ", ".join(_values(child)) or None
            elif label == "language":
                meta["language"] = inline_text(child) or None
            elif label == "series":
                meta["series"] = _series(child)
            else:
                meta[label] = _values(child)
            label = None


def _parse_stats(text: str, meta: dict[str, Any]) -> None:
    for name, value in _STAT.findall(text):
        key = name.lower()
        if key == "words":
            digits = re.sub(r"\D", "", value)
            meta["words"] = int(digits) if digits else None
        else:
            meta[key] = value


def _is_associations(el: Any) -> bool:
    """``ul.associations`` ("For X.", "Inspired by Y.") sits between a Notes label and its text."""
    return local_name(el) == "ul" and "associations" in classes(el)


def _labelled_blockquotes(container: Any) -> list[tuple[str, Any]]:
    """(note kind, blockquote) for each blockquote.userstuff after a Summary/Notes label."""
    out = []
    for bq in container.iter("blockquote"):
        prev = bq.getprevious()
        while prev is not None and (local_name(prev) is None or _is_associations(prev)):
            prev = prev.getprevious()
        kind = _NOTE_LABELS.get(_label(prev)) if prev is not None else None
        # Work pages: <div class="end notes module"><h3>Notes:</h3><blockquote>.
        parent = bq.getparent()
        if kind == "notes" and parent is not None and "end" in classes(parent):
            kind = "end_notes"
        if kind is not None:
            out.append((kind, bq))
    return out


def parse_preface(root: Any) -> dict[str, Any]:
    """Work-level metadata from an AO3 download, work page or AO3 EPUB preface."""
    meta = empty_metadata()
    meta["chapter_notes"] = []
    meta["url"] = None
    for dl in _find_class(root, "dl", "tags") or _find_class(root, "dl", "work", "meta"):
        _parse_tags(dl, meta)
    preface = _by_id(root, "preface")
    work_preface = next(
        (el for el in _find_class(root, "div", "preface", "group") if not classes(el) & {"chapter", "afterword"}),
        None,
    )
    scope = preface if preface is not None else work_preface if work_preface is not None else root
    # Title: <h1> (download), h2.title (work page), <p class="message"><b> (fallback).
    title_el = next(iter(scope.iter("h1")), None)
    if title_el is None:
        title_el = next((el for el in scope.iter("h2") if "title" in classes(el)), None)
    if title_el is None:
        message = next((el for el in scope.iter("p") if "message" in classes(el)), None)
        title_el = next(iter(message.iter("b")), None) if message is not None else None
    if title_el is not None:
        meta["title"] = inline_text(title_el) or None
    byline = next((el for el in scope.iter() if local_name(el) in ("div", "h3", "p") and "byline" in classes(el)), None)
    if byline is not None:
        authors = [inline_text(a) for a in byline.iter("a") if a.get("rel") == "author" or "/users/" in (a.get("href") or "")]
        if not authors:
            text = re.sub(r"^\s*by\s+", "", inline_text(byline), flags=re.IGNORECASE)
            authors = [p for p in re.split(r"\s*,\s*|\s+and\s+", text) if p]
        meta["authors"] = authors
    for a in scope.iter("a"):
        href = a.get("href") or ""
        if re.search(r"archiveofourown\.org/works/\d+", href):
            meta["url"] = href
            break
    for kind, bq in _labelled_blockquotes(scope):
        if kind in ("summary", "notes") and meta[kind] is None:
            meta[kind] = plain_text(bq) or None
    meta["associations"] = [
        inline_text(li) for ul in scope.iter("ul") if _is_associations(ul) for li in ul.iter("li") if inline_text(li)
    ]
    for ident in ("afterword", "endnotes", "work_endnotes"):
        after = _by_id(root, ident)
        if after is None:
            continue
        for kind, bq in _labelled_blockquotes(after):
            if kind in ("end_notes", "notes") and meta["end_notes"] is None:
                meta["end_notes"] = plain_text(bq) or None
    return meta


_WRAPPER_CLASSES = {"meta", "chapter", "preface", "group", "notes", "summary", "module", "end", "afterword"}


def collect_chapters(container: Any) -> list[_Chapter]:
    """Chapters of ``div#chapters`` (or an AO3 EPUB chapter document's body), in order."""
    chapters: list[_Chapter] = [_Chapter()]
    consumed: set[Any] = set()

    def current() -> _Chapter:
        return chapters[-1]

    def new_chapter(title: str) -> None:
        if current().bodies or current().title or current().summary or current().notes:
            chapters.append(_Chapter(title=title))
        else:
            current().title = title

    def visit(el: Any, in_meta: bool) -> None:
        tag = local_name(el)
        if tag is None or el in consumed:
            return
        cls = classes(el)
        if tag in ("h1", "h2", "h3", "h4") and "landmark" in cls:
            return
        if tag in ("ul", "ol") and ("actions" in cls or el.get("role") in ("menu", "navigation")):
            return  # a chapter's "Edit Chapter" menu, "Previous/Next Chapter" links
        if tag in ("p", "h3", "h4", "div", "b") and _label(el) in _NOTE_LABELS:
            nxt = el.getnext()
            while nxt is not None and (local_name(nxt) is None or _is_associations(nxt)):
                nxt = nxt.getnext()
            if nxt is not None and local_name(nxt) == "blockquote":
                kind = _NOTE_LABELS[_label(el)]
                if "end" in classes(el.getparent()) and kind == "notes":
                    kind = "end_notes"
                text = plain_text(nxt) or None
                if kind == "end_notes" and current().end_notes is None:
                    current().end_notes = text
                elif kind != "end_notes" and getattr(current(), kind) is None:
                    setattr(current(), kind, text)
                consumed.add(nxt)
                return
        if tag in ("h2", "h3") and (cls & {"heading", "title", "toc-heading"} or in_meta):
            if _label(el) in _NOTE_LABELS:
                return  # a "Notes:" heading with no blockquote after it
            # h2.toc-heading in #chapters: a one-shot, headed (hidden) by the work's title, not a chapter's.
            new_chapter("" if "toc-heading" in cls else inline_text(el))
            return
        if tag == "div" and "userstuff" in cls:
            current().bodies.append(el)
            return
        if tag == "div" and (cls & _WRAPPER_CLASSES or (el.get("id") or "").startswith("chapter")):
            wrapper_meta = bool(cls & (_WRAPPER_CLASSES - {"chapter"})) and "chapter" not in cls or (
                "preface" in cls
            )
            for child in el:
                visit(child, wrapper_meta)
            return
        if in_meta:
            return  # "(See the end of the chapter for more notes.)" and other chrome
        if tag == "div" and el.xpath(
            './/div[contains(concat(" ", normalize-space(@class), " "), " userstuff ")]'
            ' | .//h2[contains(concat(" ", normalize-space(@class), " "), " heading ")]'
        ):
            for child in el:  # a wrapper with no AO3 class (Calibre adds these in EPUBs)
                visit(child, False)
            return
        current().bodies.append(el)

    for child in container:
        visit(child, False)
    # A leading text node directly in the container (old single-chapter layout).
    if container.text and container.text.strip():
        chapters[0].bodies.insert(0, container.text)
    return [c for c in chapters if c.bodies or c.title]


class Ao3Reader(HtmlPageReader):
    format = "ao3"

    def read_tree(self, root: Any, source: str, warnings: list[str] | None = None) -> Document:
        what = not_a_story(root)
        if what is not None:
            raise InputError(source, what)
        if not is_ao3(root):
            raise InputError(source, "is not an AO3 work (no div#preface with dl.tags, no #workskin)")
        meta = parse_preface(root)
        container = _by_id(root, "chapters")
        if container is None:
            raise InputError(source, "AO3 file has no div#chapters: no story text")
        chapters = collect_chapters(container)
        builder = TextBuilder()
        empty = render_chapters(builder, chapters, meta)
        builder.end_chapter()
        out_warnings = list(warnings or [])
        if not chapters or empty == len(chapters):
            raise InputError(source, f"AO3 file has no story text (all {len(chapters)} chapters are empty)")
        if empty:
            out_warnings.append(f"{empty} of {len(chapters)} chapters are empty")
        finish_ao3_warnings(meta, builder.text, out_warnings)
        return Document(
            text=builder.text,
            source=source,
            format=self.format,
            metadata=meta,
            warnings=out_warnings,
            hints=builder.hints,
        )


def render_chapters(builder: TextBuilder, chapters: list[_Chapter], meta: dict[str, Any]) -> int:
    """Write chapters into ``builder``; fill chapter_titles/chapter_notes. Returns the empty count."""
    empty = 0
    for chapter in chapters:
        builder.start_chapter(chapter.title)
        if chapter.title:
            builder.add_heading(chapter.title)
            meta["chapter_titles"].append(chapter.title)
        before = builder.length
        for body in chapter.bodies:
            if isinstance(body, str):
                builder.add_paragraph(body)
                continue
            landmarks = [h for h in body.iter("h3", "h2") if "landmark" in classes(h)]
            builder.walk(body, skip=landmarks)
        if builder.length == before:
            empty += 1
        meta.setdefault("chapter_notes", []).append(
            {"title": chapter.title or None, "summary": chapter.summary, "notes": chapter.notes, "end_notes": chapter.end_notes}
        )
    builder.end_chapter()
    return empty


def finish_ao3_warnings(meta: dict[str, Any], text: str, warnings: list[str]) -> None:
    lang = meta.get("language")
    if lang and str(lang).strip().lower().split("-")[0] not in ("english", "en"):
        warnings.append(f"AO3 gives the language as {lang}; ficlens's models are English-only")
    else:
        lw = language_warning(text)
        if lw:
            warnings.append(lw)
