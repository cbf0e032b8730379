"""``report.html``: one self-contained page a reader can open in any browser.

Everything is inline (CSS, the interaction graph as SVG); no script is needed to read it.
The story text is marked up in one pass over paragraphs and quotes sorted by offset, so a
long book stays linear. Every piece of story text goes through ``markupsafe.escape``; the
template runs with autoescape on.
"""

from __future__ import annotations

import hashlib
import math
from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

from jinja2 import Environment, PackageLoader
from markupsafe import Markup, escape

from ficlens.export._files import atomic_write
from ficlens.model import SCHEMA_VERSION, Character, Document, Quote

# Distinct, readable on white, and not too loud as a tint behind text.
PALETTE = (
    "#3b6fb6", "#d1495b", "#2e9e6b", "#e08a1e", "#8a5cc2", "#1f9aa8",
    "#c2549a", "#7a8b1f", "#a0522d", "#5b6ee1", "#c79a12", "#3d8f6f",
)  # fmt: skip
UNKNOWN_COLOUR = "#9aa0a6"
CLOSING_MARKS = frozenset("\"'\u201d\u2019\u00bb\u00ab\u203a\u2039\u300d\u300f")
MAX_GRAPH_NODES = 24
MAX_CHARACTER_ROWS = 15  # more go behind a <details>

METADATA_FIELDS = (
    ("fandoms", "Fandom"),
    ("rating", "Rating"),
    ("archive_warnings", "Warnings"),
    ("categories", "Category"),
    ("relationships", "Relationships"),
    ("characters", "Characters"),
    ("additional_tags", "Tags"),
    ("language", "Language"),
    ("series", "Series"),
    ("published", "Published"),
    ("updated", "Updated"),
    ("completed", "Completed"),
    ("words", "Words (source)"),
)


@dataclass(frozen=True)
class Swatch:
    css_class: str
    colour: str
    tint: str


def write_report_html(doc: Document, path: str | Path) -> Path:
    html = render_report(doc)
    return atomic_write(path, lambda f: f.write(html))


def render_report(doc: Document) -> str:
    """The report page as a string."""
    swatches = speaker_swatches(doc.characters)
    index = doc.character_index()
    context = {
        "doc": doc,
        "title": _title(doc),
        "authors": _as_list(doc.metadata.get("authors")),
        "metadata": _metadata_rows(doc.metadata),
        "summary": _as_text(doc.metadata.get("summary")),
        "stats": _stats(doc),
        "swatches": swatches,
        "legend": _legend(doc, swatches),
        "characters": _character_rows(doc, swatches),
        "narration": _narration_rows(doc, index),
        "signals": _signal_rows(doc),
        "graph": interaction_svg(doc, swatches),
        "chapters": _chapter_rows(doc, index),
        "story": Markup("").join(_story_html(doc, swatches, index)),
        "version": _version(),
        "schema_version": SCHEMA_VERSION,
        "unknown_colour": UNKNOWN_COLOUR,
        "max_rows": MAX_CHARACTER_ROWS,
    }
    return _environment().get_template("report.html.j2").render(**context)


def _chapter_rows(doc: Document, index: dict[str, Any]) -> list[tuple[str, str, str]]:
    """(anchor, title, narration summary) per chapter, e.g. "third person, past, POV Anna"."""
    from ficlens.stages.narration import chapter_narration

    summaries = {}
    for row in chapter_narration(doc):
        parts = [f"{row['person']} person" if row["person"] else "", row["tense"] or ""]
        pov = index.get(row["pov_character_id"]) if row["pov_character_id"] else None
        if pov is not None:
            parts.append(f"POV {pov.name}")
        if row["flags"]:
            parts.append(f"{row['flags']} flag{'s' if row['flags'] != 1 else ''}")
        summaries[row["chapter"]] = ", ".join(p for p in parts if p)
    return [(f"ch-{c.id}", _chapter_title(doc, c.id, c.title), summaries.get(c.id, "")) for c in doc.chapters]


SIGNAL_EVIDENCE_SHOWN = 5


def _signal_rows(doc: Document) -> list[dict[str, Any]]:
    """Per kind: the check against the declared warnings and the strongest evidence sentences."""
    by_kind: dict[str, list[Any]] = {}
    for signal in doc.signals:
        by_kind.setdefault(signal.kind, []).append(signal)
    rows = []
    for check in doc.signal_checks:
        evidence = sorted(by_kind.get(check.kind, []), key=lambda s: -s.confidence)[:SIGNAL_EVIDENCE_SHOWN]
        rows.append(
            {
                "kind": check.kind.replace("_", " "),
                "status": check.status,
                "message": check.message,
                "confidence": f"{check.confidence:.0%}",
                "declared": {True: "yes", False: "no", None: "not stated"}[check.declared],
                "evidence": [
                    (f"ch-{s.chapter}", _chapter_title(doc, s.chapter, doc.chapters[s.chapter].title if s.chapter < len(doc.chapters) else ""), s.evidence, f"{s.confidence:.0%}", _signal_when(s))
                    for s in evidence
                ],
                "more": len(by_kind.get(check.kind, [])) - len(evidence),
            }
        )
    return rows


def _signal_when(signal: Any) -> str:
    """ "past, concerns Ann": when the content is in the story and whom it concerns."""
    return ", ".join([signal.time] + ([f"concerns {signal.concerns}"] if signal.concerns else []))


@cache
def _environment() -> Environment:
    return Environment(
        loader=PackageLoader("ficlens.export", "templates"),
        autoescape=True,
        trim_blocks=True,
        lstrip_blocks=True,
    )


def _version() -> str:
    from ficlens._version import __version__

    return __version__


# --- colours ---------------------------------------------------------------------


def speaker_swatches(characters: list[Character]) -> dict[str, Swatch]:
    """A colour per character: the palette in order of quotes (then mentions), then hashed hues.

    The same Document always gets the same colours; characters past the palette get a hue
    from their id, so adding one minor character does not recolour the others.
    """
    ranked = sorted(characters, key=lambda c: (-c.quotes, -c.mentions, c.id))
    out: dict[str, Swatch] = {}
    for n, c in enumerate(ranked):
        if n < len(PALETTE):
            colour = PALETTE[n]
        else:
            hue = int(hashlib.sha1(c.id.encode("utf-8")).hexdigest()[:4], 16) % 360
            colour = _hsl_to_hex(hue, 0.45, 0.42)
        out[c.id] = Swatch(f"sp{n}", colour, _tint(colour, 0.15))
    return out


def _hsl_to_hex(h: float, s: float, lightness: float) -> str:
    import colorsys

    r, g, b = colorsys.hls_to_rgb(h / 360, lightness, s)
    return f"#{round(r * 255):02x}{round(g * 255):02x}{round(b * 255):02x}"


def _tint(colour: str, alpha: float) -> str:
    r, g, b = (int(colour[i : i + 2], 16) for i in (1, 3, 5))
    return f"rgba({r},{g},{b},{alpha})"


# --- header and tables -------------------------------------------------------------


def _as_list(value: Any) -> list[str]:
    if value is None or value == "":
        return []
    if isinstance(value, list | tuple):
        return [str(v) for v in value if v not in (None, "")]
    return [str(value)]


def _as_text(value: Any) -> str:
    if isinstance(value, list | tuple):
        return "\n\n".join(str(v) for v in value if v)
    return "" if value is None else str(value)


def _title(doc: Document) -> str:
    title = doc.metadata.get("title")
    if title:
        return str(title)
    return Path(doc.source).stem if doc.source and doc.source != "<string>" else "Untitled story"


def _metadata_rows(meta: dict[str, Any]) -> list[tuple[str, list[str]]]:
    rows = []
    for key, label in METADATA_FIELDS:
        value = meta.get(key)
        if isinstance(value, bool):
            value = "yes" if value else "no"
        items = _as_list(value)
        if items:
            rows.append((label, items))
    return rows


def _stats(doc: Document) -> list[tuple[str, str]]:
    attributed = sum(1 for q in doc.quotes if q.speaker_id)
    stats = [
        ("words", f"{doc.word_count:,}" if doc.tokens else f"{len(doc.text.split()):,}"),
        ("chapters", f"{len(doc.chapters):,}"),
        ("scenes", f"{len(doc.scenes):,}"),
        ("quotes", f"{len(doc.quotes):,}"),
    ]
    if doc.quotes:
        stats.append(("with a speaker", f"{attributed / len(doc.quotes):.0%}"))
    stats.append(("characters", f"{len(doc.characters):,}"))
    return stats


def _legend(doc: Document, swatches: dict[str, Swatch]) -> list[tuple[Swatch, str, int]]:
    speaking = [c for c in doc.characters if c.quotes > 0]
    speaking.sort(key=lambda c: (-c.quotes, c.id))
    return [(swatches[c.id], c.name, c.quotes) for c in speaking[: len(PALETTE)]]


# How the report words ``Character.found_by``.
_FOUND_BY = {"name": "named in the text", "role": "a role (unnamed)", "pronoun": "pronoun only", "tag": "AO3 tag", "cast": "cast"}


def _character_rows(doc: Document, swatches: dict[str, Swatch]) -> list[dict[str, Any]]:
    ordered = sorted(doc.characters, key=lambda c: (-c.mentions, -c.quotes, c.id))
    return [
        {
            "id": c.id,
            "name": c.name,
            "aliases": ", ".join(a for a in c.aliases if a != c.name),
            "gender": "" if str(c.gender) == "unknown" else str(c.gender),
            "mentions": c.mentions,
            "quotes": c.quotes,
            "swatch": swatches[c.id],
            "found_by": _FOUND_BY.get(c.found_by, c.found_by),
            "notes": ", ".join(
                label
                for flag, label in ((c.is_narrator, "narrator"), (c.is_reader, "reader (you)"), (c.from_cast, "from cast"))
                if flag
            ),
        }
        for c in ordered
    ]


def _name(index: dict[str, Character], character_id: str | None) -> str:
    if character_id is None:
        return ""
    c = index.get(character_id)
    return c.name if c else character_id


def _narration_rows(doc: Document, index: dict[str, Character]) -> list[dict[str, Any]]:
    scenes = {s.id: s for s in doc.scenes}
    rows = []
    for n in doc.narration:
        scene = scenes.get(n.scene)
        rows.append(
            {
                "chapter": n.chapter + 1,
                "scene": (scene.index if scene else n.scene) + 1,
                "anchor": f"sc-{n.scene}",
                "person": str(n.person),
                "tense": str(n.tense),
                "past": round(100 * n.past_share),
                "present": round(100 * n.present_share),
                "pov": _name(index, n.pov_character_id),
                "confidence": f"{n.confidence:.0%}",
                "flags": [(f.kind.replace("_", " "), f"{f.detail}: {f.text}" if f.detail else f.text) for f in n.flags],
            }
        )
    return rows


# --- interaction graph ----------------------------------------------------------------


def interaction_svg(doc: Document, swatches: dict[str, Swatch], width: int = 720, height: int = 460) -> Markup:
    """The interaction graph as inline SVG: node size by mentions, edge width by weight."""
    index = doc.character_index()
    pairs: dict[tuple[str, str], list[float]] = defaultdict(lambda: [0.0, 0.0])  # [cooccurrence, conversation]
    for it in doc.interactions:
        if it.source == it.target or it.source not in index or it.target not in index:
            continue
        key = (min(it.source, it.target), max(it.source, it.target))
        pairs[key][1 if it.kind == "conversation" else 0] += it.weight
    connected = {c for pair in pairs for c in pair}
    nodes = sorted(connected, key=lambda c: (-index[c].mentions, -index[c].quotes, c))[:MAX_GRAPH_NODES]
    if not nodes:
        return Markup("")
    import networkx as nx  # here: its import costs more than a story without a graph

    keep = set(nodes)
    graph = nx.Graph()
    graph.add_nodes_from(nodes)
    for (a, b), (co, conv) in pairs.items():
        if a in keep and b in keep:
            graph.add_edge(a, b, weight=co + conv, conversation=conv)
    if len(nodes) == 1:
        pos = {nodes[0]: (0.0, 0.0)}
    else:
        # A fixed seed: the same story always gets the same picture. Weights are damped
        # (sqrt) so the main couple does not collapse onto one point.
        for _, _, d in graph.edges(data=True):
            d["pull"] = math.sqrt(d["weight"])
        pos = nx.spring_layout(graph, seed=7, weight="pull", k=2.2 / math.sqrt(len(nodes)), iterations=300)
    # Few characters get a shorter picture; one scale for x and y keeps the layout's shape.
    if len(nodes) <= 4:
        height = min(height, 280)
    margin_x, margin_y = 80, 40
    xs = [p[0] for p in pos.values()]
    ys = [p[1] for p in pos.values()]
    span_x = (max(xs) - min(xs)) or 1.0
    span_y = (max(ys) - min(ys)) or 1.0
    scale_x = (width - 2 * margin_x) / span_x
    scale_y = (height - 2 * margin_y - 20) / span_y
    if len(nodes) <= 4:  # keep a small layout's shape; a big one fills the frame
        scale_x = scale_y = min(scale_x, scale_y)
    mid_x, mid_y = (max(xs) + min(xs)) / 2, (max(ys) + min(ys)) / 2
    xy = {n: [width / 2 + (pos[n][0] - mid_x) * scale_x, height / 2 - 10 + (pos[n][1] - mid_y) * scale_y] for n in nodes}
    max_mentions = max(index[n].mentions for n in nodes) or 1
    radius = {n: 5 + 17 * math.sqrt(index[n].mentions / max_mentions) for n in nodes}
    _spread(xy, radius, width, height, margin_x, margin_y)

    def place(node: str) -> tuple[float, float]:
        return round(xy[node][0], 1), round(xy[node][1], 1)

    max_weight = max((d["weight"] for _, _, d in graph.edges(data=True)), default=1.0) or 1.0
    parts = [
        f'<svg class="graph" viewBox="0 0 {width} {height}" role="img" '
        f'aria-label="Interaction graph of {len(nodes)} characters" xmlns="http://www.w3.org/2000/svg">'
    ]
    parts.append('<g class="edges">')
    for a, b, d in sorted(graph.edges(data=True), key=lambda e: e[2]["weight"]):
        (x1, y1), (x2, y2) = place(a), place(b)
        stroke = 1 + 9 * math.sqrt(d["weight"] / max_weight)
        kind = "conv" if d["conversation"] > 0 else "co"
        title = f"{index[a].name} \u2013 {index[b].name}: weight {d['weight']:g}"
        if d["conversation"]:
            title += f" ({d['conversation']:g} in conversation)"
        parts.append(
            f'<line class="{kind}" x1="{x1}" y1="{y1}" x2="{x2}" y2="{y2}" stroke-width="{stroke:.1f}">'
            f"<title>{escape(title)}</title></line>"
        )
    parts.append('</g><g class="nodes">')
    for n in sorted(nodes, key=lambda n: index[n].mentions):
        x, y = place(n)
        c = index[n]
        r = radius[n]
        colour = swatches[n].colour if n in swatches else UNKNOWN_COLOUR
        title = f"{c.name}: {c.mentions} mentions, {c.quotes} quotes"
        parts.append(
            f'<g class="node"><circle cx="{x}" cy="{y}" r="{r:.1f}" fill="{colour}"><title>{escape(title)}</title></circle>'
            f'<text x="{x}" y="{y + r + 14:.1f}">{escape(_short(c.name, 22))}</text></g>'
        )
    parts.append("</g></svg>")
    return Markup("".join(parts))


def _spread(
    xy: dict[str, list[float]], radius: dict[str, float], width: int, height: int, margin_x: int, margin_y: int
) -> None:
    """Push apart nodes whose circles (plus room for a label) overlap; a few cheap passes."""
    names = sorted(xy)
    gap = 26.0  # the label under a circle needs about this much
    for _ in range(60):
        moved = False
        for i, a in enumerate(names):
            for b in names[i + 1 :]:
                dx, dy = xy[b][0] - xy[a][0], xy[b][1] - xy[a][1]
                # Labels are wide: count horizontal distance at half, so side-by-side needs more room.
                dist = math.hypot(dx / 2, dy)
                need = radius[a] + radius[b] + gap
                if dist >= need:
                    continue
                if dist < 1e-6:  # same point: split them sideways, deterministically
                    dx, dy, dist = 1.0, 0.0, 1.0
                push = (need - dist) / 2
                ux, uy = dx / dist, dy / dist  # the metric halves x, so real x moves twice as far
                xy[a][0] -= ux * push
                xy[a][1] -= uy * push
                xy[b][0] += ux * push
                xy[b][1] += uy * push
                moved = True
        for n in names:
            xy[n][0] = min(max(xy[n][0], margin_x), width - margin_x)
            xy[n][1] = min(max(xy[n][1], margin_y), height - margin_y - 16)
        if not moved:
            break


def _short(text: str, limit: int) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1] + "\u2026"


# --- the story text ---------------------------------------------------------------


@dataclass(frozen=True)
class _Para:
    start: int
    end: int
    chapter: int
    scene: int


def _paragraphs(doc: Document) -> list[_Para]:
    if doc.paragraphs:
        return sorted((_Para(p.start, p.end, p.chapter, p.scene) for p in doc.paragraphs), key=lambda p: p.start)
    # Before segmentation (or for an empty story): blank-line paragraphs, one chapter.
    import re

    return [_Para(m.start(), m.end(), -1, -1) for m in re.finditer(r"\S(?:.*\S)?(?:\n(?![ \t]*\n).*\S)*", doc.text)]


def _chapter_title(doc: Document, chapter_id: int, title: str) -> str:
    title = " ".join(title.split())
    return title or f"Chapter {chapter_id + 1}"


def _quote_card(q: Quote, index: dict[str, Character]) -> str:
    speaker = _name(index, q.speaker_id) or "unattributed"
    lines = [speaker]
    if q.addressee_ids:
        lines[0] += " \u2192 " + ", ".join(_name(index, a) for a in q.addressee_ids)
    detail = [str(q.evidence)] if q.evidence else []
    if q.speaker_id:
        detail.append(f"confidence {q.confidence:.0%}")
    if detail:
        lines.append(" \u00b7 ".join(detail))
    return "\n".join(lines)


def _story_html(doc: Document, swatches: dict[str, Swatch], index: dict[str, Character]) -> Iterator[Markup]:
    """Yield the marked-up story, one paragraph at a time, in one pass over sorted spans."""
    text = doc.text
    chapters = {c.id: c for c in doc.chapters}
    narration = {n.scene: n for n in doc.narration}
    scene_index = {s.id: s.index for s in doc.scenes}
    quotes = sorted((q for q in doc.quotes if q.nested_in is None), key=lambda q: (q.start, -q.end))
    k = 0  # first quote that may still overlap the current paragraph
    chapter = None
    scene = None
    for p in _paragraphs(doc):
        if p.chapter != chapter:
            if chapter is not None:
                yield Markup("</section>\n")
            chapter, scene = p.chapter, None
            yield _chapter_open(doc, chapters.get(p.chapter))
        if p.scene != scene:
            if scene is not None:
                yield Markup('<hr class="scene-break">\n')
            scene = p.scene
            yield _scene_note(p.scene, scene_index.get(p.scene), narration.get(p.scene), index)
        while k < len(quotes) and quotes[k].end <= p.start:
            k += 1
        out = [Markup("<p>")]
        pos = p.start
        j = k
        while j < len(quotes) and quotes[j].start < p.end:
            q = quotes[j]
            j += 1
            start = q.open_start if 0 <= q.open_start < q.start else q.start
            end = q.end + 1 if q.mark != "dash" and q.end < len(text) and text[q.end] in CLOSING_MARKS else q.end
            start, end = max(start, pos, p.start), min(end, p.end)
            if start >= end:
                continue  # overlaps a quote already drawn
            out.append(escape(text[pos:start]))
            swatch = swatches.get(q.speaker_id) if q.speaker_id else None
            css = f"q {swatch.css_class}" if swatch else "q unk"
            card = _quote_card(q, index)
            card = escape(card)
            out.append(Markup(f'<span class="{escape(css)}" id="{escape(q.id)}" title="{card}" data-card="{card}">'
                              f"{escape(text[start:end])}</span>"))  # fmt: skip
            pos = end
        out.append(escape(text[pos : p.end]))
        out.append(Markup("</p>\n"))
        yield Markup("").join(out)
    if chapter is not None:
        yield Markup("</section>\n")


def _chapter_open(doc: Document, chapter: Any) -> Markup:
    if chapter is None:
        return Markup('<section class="chapter">\n')
    title = _chapter_title(doc, chapter.id, chapter.title)
    return Markup(
        f'<section class="chapter" id="ch-{escape(chapter.id)}">\n<h2 class="chapter-title">{escape(title)}'
        '<a class="up" href="#contents" title="Back to contents">\u2191</a></h2>\n'
    )


def _scene_note(scene_id: int, index_in_chapter: int | None, narration: Any, index: dict[str, Character]) -> Markup:
    if narration is None:
        return Markup(f'<div class="scene-note" id="sc-{escape(scene_id)}"></div>\n') if scene_id >= 0 else Markup("")
    parts = [f"{narration.person} person", str(narration.tense)]
    pov = _name(index, narration.pov_character_id)
    if pov:
        parts.append(f"POV {pov}")
    label = f"Scene {index_in_chapter + 1}" if index_in_chapter is not None else "Scene"
    flags = Markup("").join(
        Markup(f' <span class="flag" title="{escape(f.text)}">{escape(f.kind.replace("_", " "))}</span>') for f in narration.flags
    )
    # f-strings with escape(): Markup.format runs a Python-level formatter (a third of the
    # report's time on 30,000 one-scene chapters).
    summary = escape(" \u00b7 ".join(parts))
    return Markup(
        f'<div class="scene-note" id="sc-{escape(scene_id)}"><span class="scene-label">{escape(label)}</span> '
        f'{summary} <span class="conf">{escape(format(narration.confidence, ".0%"))}</span>'
        f"{flags}</div>\n"
    )
