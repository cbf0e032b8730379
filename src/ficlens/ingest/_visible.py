"""The visible words of an HTML tree, part by part, and what the readers drop from it by rule.

Shared by the words account (ingest/account.py, which matches these parts against a reader's
output) and the MOBI and PDF readers, which rebuild AO3's layout and record what the rules drop
from it (``rule_drops``). See account.py for what counts as visible and which rules apply.
"""

from __future__ import annotations

import re
import sys
import unicodedata
from dataclasses import dataclass, field
from typing import Any

from ficlens.ingest._common import strip_invisible
from ficlens.ingest._htmltext import SKIP_TAGS, local_name

# Not visible at all: never counted.
INVISIBLE_TAGS = frozenset({"script", "style", "noscript", "template", "head", "title", "meta", "link"})
# Visible, but every reader drops them by rule (site chrome, widgets).
RULE_TAGS = SKIP_TAGS - INVISIBLE_TAGS
# Site chrome the readers leave out by rule: saved AO3 and fanfiction.net pages.
CHROME_IDS = {
    "header": "site chrome",
    "footer": "site chrome",
    "skiplinks": "site chrome",
    "greeting": "site chrome",
    "login": "site chrome",
    "admin-banner": "site chrome",
    "kudos": "kudos and comments",
    "feedback": "kudos and comments",
    "comments_placeholder": "kudos and comments",
    "share": "kudos and comments",
    "collection-form": "site chrome",
    "top": "site chrome",
    "pre_story_links": "site chrome",
    # fanfiction.net: font controls, review box, favourite/alert widgets, share links, footer.
    "f_width": "site chrome",
    "review": "kudos and comments",
    "review_success": "kudos and comments",
    "story_actions": "kudos and comments",
    "follow_area": "kudos and comments",
    "p_footer": "site chrome",
    "works_links": "boilerplate",  # AO3 download: "Please drop by the archive and comment..."
}
CHROME_CLASSES = {
    "navigation": "navigation",
    "actions": "navigation",
    "landmark": "label",
    "message": "boilerplate",  # AO3 download: "Posted originally on the Archive of Our Own at..."
    "jump": "navigation",  # AO3: "(See the end of the chapter for more notes.)"
    "endnote-link": "navigation",  # AO3 download: the same link
    "previous": "navigation",  # AO3 series links: "← Previous Work", "Next Work →"
    "next": "navigation",
    "position": "label",  # AO3: "Part 2 of the <series> series"
    "lc-wrapper": "site chrome",  # fanfiction.net: the text size and width controls
}
_SECTION_LABELS = frozenset(
    {"preface", "afterword", "end notes", "chapter end notes", "notes", "summary", "chapter notes", "chapter summary"}
)
_WORD = re.compile(r"\d{1,3}(?:,\d{3})+\b|\w+")
_SPACE = re.compile(r"\s")
_CHUNK = 1 << 20  # characters
_LABEL_TAGS = frozenset({"b", "strong", "span", "em", "i", "dt", "label"})


def words(text: str) -> list[str]:
    """The words of ``text`` as the account counts them: ``\\w+`` runs, NFKC, case-folded;
    a number with thousands separators is one word ("3,419" and 3419 are the same). Words are
    interned, and a long text is read in chunks cut at whitespace, so a list of words costs a
    pointer a word."""
    if len(text) <= _CHUNK:
        return _chunk_words(text)
    out: list[str] = []
    start = 0
    while start < len(text):
        cut = _SPACE.search(text, start + _CHUNK) if start + _CHUNK < len(text) else None
        end = cut.start() if cut else len(text)
        out.extend(_chunk_words(text[start:end]))
        start = end
    return out


def _count_words(text: str) -> int:
    """``len(words(text))`` without the list: counted a chunk at a time at C speed (a
    generator over 9 million matches of a 50 MB file took a minute on a loaded machine)."""
    n = 0
    start = 0
    while start < len(text):
        cut = _SPACE.search(text, start + _CHUNK) if start + _CHUNK < len(text) else None
        end = cut.start() if cut else len(text)
        n += len(_WORD.findall(unicodedata.normalize("NFKC", text[start:end])))
        start = end
    return n


def _chunk_words(text: str) -> list[str]:
    # Invisible characters are removed from the story text (``remove_invisible``); not words.
    found = _WORD.findall(unicodedata.normalize("NFKC", strip_invisible(text)).casefold())
    if "," in text:
        found = [w.replace(",", "") if "," in w else w for w in found]
    return list(map(sys.intern, found))


@dataclass
class Part:
    """One named part of the input and its visible words, in order."""

    name: str
    words: list[str] = field(default_factory=list)
    rule: str | None = None  # set when the readers drop this part by rule ("navigation", ...)
    heading: str | None = None  # the first h1-h3 inside the part, to name it ("Chapter 8")

    @property
    def label(self) -> str:
        """``Chapter 8: Home (file x_split_009.xhtml, div#chapters)``, or the name alone."""
        if not self.heading:
            return self.name
        return f"{self.heading} ({self.name})"


# --- the input's visible words -------------------------------------------------------------


def _hidden(el: Any) -> bool:
    if el.get("hidden") is not None or el.get("aria-hidden") == "true":
        return True
    style = (el.get("style") or "").replace(" ", "").lower()
    return "display:none" in style or "visibility:hidden" in style


def _is_story(el: Any) -> bool:
    """An element that holds an author's text: AO3's ``userstuff`` (any Calibre renaming), FFN's
    ``#storytext``. Inside one, classes and ids are the author's (an AO3 work skin may well style
    a ``p.message``), so only the tag rules and AO3's hidden landmark apply there. An AO3
    download's ``div#chapters`` is also ``userstuff`` but holds AO3's chapter headings and labels."""
    ident = el.get("id")
    if ident == "storytext":
        return True
    return ident != "chapters" and any(c.startswith("userstuff") for c in (el.get("class") or "").split())


def _rule(el: Any, tag: str, in_story: bool = False) -> str | None:
    """Why the readers drop this element by rule, or None when its words must be accounted for."""
    if tag in RULE_TAGS:
        return "navigation" if tag in ("nav", "footer") else f"<{tag}>"
    if el.get("role") == "navigation":
        return "navigation"
    if in_story:
        return "label" if "landmark" in (el.get("class") or "").split() else None
    reason = CHROME_IDS.get(el.get("id") or "")
    if reason:
        return reason
    cls = set((el.get("class") or "").split())
    for name, why in CHROME_CLASSES.items():
        if name in cls:
            return why
    if tag == "dt" or (tag in ("h3", "h4", "h5") and "heading" in cls and "title" not in cls):
        return "label"  # "Rating:", "Summary:", "Notes:"
    if tag in _LABEL_TAGS and len(el) == 0 and _is_label(el.text or ""):
        return "label"  # FanFicFare and FicHub title pages: "<b>Category:</b> ..."
    if tag == "dl" and "stats" in cls:
        return "statistics"
    if tag == "dd":
        prev = el.getprevious()
        if prev is not None and local_name(prev) == "dt" and (prev.text or "").strip().lower() == "stats:":
            return "statistics"
    if tag in ("p", "h2", "h3") and len(el) == 0 and (el.text or "").strip().rstrip(":").lower() in _SECTION_LABELS:
        return "label"  # AO3 download: "Afterword", "Chapter End Notes" before the notes
    return None


_HEADINGS = frozenset({"h1", "h2", "h3"})


def _heading_text(el: Any) -> str | None:
    text = " ".join(el.text_content().split())
    if not text:
        return None
    return text if len(text) <= 60 else text[:59] + "…"


def _is_label(text: str) -> bool:
    text = text.strip()
    return text.endswith(":") and 0 < len(text.split()) <= 3


def _label(el: Any, tag: str) -> str:
    ident = el.get("id")
    if ident:
        return f"{tag}#{ident}"
    cls = (el.get("class") or "").split()
    return f"{tag}.{cls[0]}" if cls else tag


def html_parts(root: Any, prefix: str = "") -> list[Part]:
    """The visible words of an HTML tree, one part per element with an id (plus the body's own).

    An element the readers drop by rule (``RULE_TAGS``, ``role="navigation"``) is a part of its own
    with ``rule`` set. Walks the tree with an explicit stack, in document order.
    """
    body = root.find(".//body")
    body = body if body is not None else root
    top = Part(f"{prefix}body" if not prefix else prefix.rstrip(", "))
    parts: list[Part] = [top]
    # Stack items: ("el", element, owner, inside an author's text) or ("tail", text, owner, ...).
    stack: list[tuple[str, Any, Part, bool]] = [("el", body, top, False)]
    while stack:
        kind, item, owner, in_story = stack.pop()
        if kind == "tail":
            owner.words.extend(words(item))
            continue
        el = item
        tag = local_name(el)
        if tag is None:  # comment or processing instruction: only its tail is text
            continue
        if el is not body:
            if tag in INVISIBLE_TAGS or _hidden(el):
                continue
            if tag in _HEADINGS and owner.heading is None and owner.rule is None:
                owner.heading = _heading_text(el)
            rule = _rule(el, tag, in_story)
            in_story = in_story or _is_story(el)
            if rule and owner.rule is None:
                owner = Part(prefix + _label(el, tag), rule=rule)
                parts.append(owner)
            elif el.get("id") and owner.rule is None:
                owner = Part(prefix + _label(el, tag), heading=_heading_text(el) if tag in _HEADINGS else None)
                parts.append(owner)
        if el.text:
            owner.words.extend(words(el.text))
        children = list(el)
        for child in reversed(children):
            if child.tail:
                stack.append(("tail", child.tail, owner, in_story))
            stack.append(("el", child, owner, in_story))
    return [p for p in parts if p.words]


def rule_drops(root: Any) -> list[dict[str, str]]:
    """What the readers drop by rule from an HTML tree (labels, boilerplate, navigation), as
    ``metadata["dropped"]`` records: for a reader that rebuilds AO3's layout from a MOBI or a
    PDF and reads it with the AO3 reader, whose input has none of the classes the rules see."""
    return [{"part": p.name, "reason": p.rule, "text": " ".join(p.words)} for p in html_parts(root) if p.rule]
