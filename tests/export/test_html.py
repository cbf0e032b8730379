"""report.html: escaping, every section, coloured quote spans, the SVG graph."""

from __future__ import annotations

import html
import importlib.util
import re
from dataclasses import replace
from html.parser import HTMLParser
from pathlib import Path

from ficlens.export.html import PALETTE, render_report, speaker_swatches, write_report_html
from ficlens.model import Character, Document

_spec = importlib.util.spec_from_file_location("export_sample_doc", Path(__file__).with_name("sample_doc.py"))
sample_doc = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(sample_doc)


class _Collector(HTMLParser):
    """Collects elements by tag and the quote spans' text, to check structure without regexes."""

    def __init__(self) -> None:
        super().__init__()
        self.tags: dict[str, list[dict[str, str | None]]] = {}
        self.quote_text: dict[str, str] = {}
        self._in_quote: str | None = None
        self._depth = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = dict(attrs)
        self.tags.setdefault(tag, []).append(a)
        if self._in_quote is not None and tag == "span":
            self._depth += 1
        if tag == "span" and (a.get("class") or "").startswith("q "):
            self._in_quote, self._depth = a["id"], 0
            self.quote_text[a["id"]] = ""

    def handle_endtag(self, tag: str) -> None:
        if self._in_quote is not None and tag == "span":
            if self._depth == 0:
                self._in_quote = None
            else:
                self._depth -= 1

    def handle_data(self, data: str) -> None:
        if self._in_quote is not None:
            self.quote_text[self._in_quote] += data


def _parse(page: str) -> _Collector:
    c = _Collector()
    c.feed(page)
    return c


def test_every_section_present(tmp_path: Path) -> None:
    doc = sample_doc.sample_document()
    page = write_report_html(doc, tmp_path / "report.html").read_text(encoding="utf-8")
    parsed = _parse(page)
    ids = {a.get("id") for attrs in parsed.tags.values() for a in attrs}
    assert {"characters", "interactions", "narration", "contents", "story", "ch-0", "ch-1", "sc-0", "sc-1", "sc-2"} <= ids
    # per-chapter navigation links to both chapters
    hrefs = {a.get("href") for a in parsed.tags["a"]}
    assert {"#ch-0", "#ch-1"} <= hrefs
    # one scene break inside chapter 1 (between its two scenes), none across chapters
    assert page.count('<hr class="scene-break">') == 1
    # character table rows: every character, aliases shown
    assert len(parsed.tags["tr"]) >= 1 + len(doc.characters)
    assert "Al, Miss &lt;A&gt;" in page
    # narration table: a row per scene with its flag
    assert page.count('href="#sc-') == len(doc.narration)
    assert "tense shift" in page
    # header: title, authors, metadata
    assert "<h1>Tea &amp; &lt;Toast&gt;</h1>" in page
    assert "A. Writer, B. Helper" in page
    assert "Original Work" in page


def test_self_contained() -> None:
    page = render_report(sample_doc.sample_document())
    assert "<script" not in page
    assert not re.search(r"""(src|href)=["']?(https?:)?//""", page)  # no external assets
    assert "<link" not in page
    assert "@import" not in page


def test_everything_escaped() -> None:
    doc = sample_doc.sample_document()
    page = render_report(doc)
    assert "<kettle>" not in page and "<Tea>" not in page and "<Toast>" not in page
    assert "&lt;kettle&gt; on &amp; hot?" in page
    assert "She was &lt;thinking&gt;" in page  # flag text in a title attribute
    # A story that tries to inject markup gets it back as text.
    evil = Document(text='<script>alert(1)</script> & "<b>bold</b>"\n', metadata={"title": "<i>x</i>"})
    page = render_report(evil)
    assert "<script>" not in page and "<b>bold" not in page and "<i>x</i>" not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt; &amp;" in page


def test_quote_spans_coloured_by_speaker() -> None:
    doc = sample_doc.sample_document()
    page = render_report(doc)
    parsed = _parse(page)
    spans = {a["id"]: a for a in parsed.tags["span"] if (a.get("class") or "").startswith("q ")}
    assert list(spans) == [q.id for q in doc.quotes]
    swatches = speaker_swatches(doc.characters)
    for q in doc.quotes:
        span = spans[q.id]
        expected = swatches[q.speaker_id].css_class if q.speaker_id else "unk"
        assert span["class"] == f"q {expected}"
        # the span holds the quote (with its marks), unescaped back to the story text
        assert q.text in html.unescape(parsed.quote_text[q.id])
        assert span["title"] == span["data-card"]
    assert spans["Q0"]["title"] == "Alice \u2192 Bob\nexplicit \u00b7 confidence 95%"
    assert spans["Q4"]["title"] == "unattributed"
    # each speaker's class gets its colour in the stylesheet
    for s in swatches.values():
        assert f".{s.css_class} {{ --c: {s.colour};" in page


def test_story_text_complete_in_order() -> None:
    # Stripping the markup from the story section gives back every paragraph's text.
    doc = sample_doc.sample_document()
    page = render_report(doc)
    story = page[page.index('<section class="chapter"') :]
    plain = html.unescape(re.sub(r"<[^>]+>", "", story))
    pos = 0
    for p in doc.paragraphs:
        pos = plain.index(doc.text[p.start : p.end], pos)


def test_interaction_svg() -> None:
    doc = sample_doc.sample_document()
    parsed = _parse(render_report(doc))
    assert len(parsed.tags["svg"]) == 1
    assert len(parsed.tags["circle"]) == 2  # Alice and Bob interact; Mrs. Tabby does not
    assert len(parsed.tags["line"]) == 1
    # bigger node for more mentions
    radii = sorted(float(c["r"]) for c in parsed.tags["circle"])
    assert radii[0] < radii[1]
    assert render_report(doc) == render_report(doc)  # stable layout


def test_palette_stable_and_distinct() -> None:
    chars = [Character(f"C{i}", f"N{i}", quotes=20 - i) for i in range(20)]
    a = speaker_swatches(chars)
    b = speaker_swatches(list(reversed(chars)))
    assert a == b
    assert [a[f"C{i}"].colour for i in range(len(PALETTE))] == list(PALETTE)
    assert len({s.css_class for s in a.values()}) == 20


def test_empty_document() -> None:
    page = render_report(Document(text=""))
    assert "No characters were found." in page
    assert "<svg" not in page


def test_unsegmented_document_shows_text() -> None:
    # Before segmentation there are no paragraphs: blank-line paragraphs still show the text.
    page = render_report(Document(text="First para\nline two.\n\nSecond & last.\n"))
    assert "<p>First para\nline two.</p>" in page
    assert "<p>Second &amp; last.</p>" in page


def test_long_book_is_linear() -> None:
    # 4,000 paragraphs with a quote each render in well under a second per thousand.
    import time

    base = sample_doc.sample_document()
    para = 'He said, "hello & <goodbye>" and left.'
    text = "\n\n".join([para] * 4000)
    doc = Document(text=text, characters=[replace(base.characters[0], quotes=4000)])
    from ficlens.model import Paragraph, Quote

    step = len(para) + 2
    for i in range(4000):
        s = i * step
        doc.paragraphs.append(Paragraph(i, s, s + len(para), 0, 0))
        qs = s + para.index('"') + 1
        doc.quotes.append(Quote(f"Q{i}", qs, qs + 20, text[qs : qs + 20], i, "double", qs - 1, speaker_id="C0"))
    started = time.perf_counter()
    page = render_report(doc)
    assert time.perf_counter() - started < 4.0
    assert page.count('class="q sp0"') == 4000


def test_signals_section_shows_checks_and_evidence():
    from ficlens.model import Signal, SignalCheck

    doc = sample_doc.sample_document()
    doc.signals = [Signal("self_harm", 0, 0, 10, "She cut herself <again>.", 0.8, "past", "Ann")]
    doc.signal_checks = [
        SignalCheck("self_harm", True, 0.8, False, "surprise", "tagged No Archive Warnings Apply; self harm mentioned in chapter 1", (0,)),
        SignalCheck("sexual_content", False, 0.0, False, "none", "sexual content: nothing found", ()),
    ]
    page = render_report(doc)
    section = page.split('id="signals"', 1)[1].split("</section>", 1)[0]
    assert 'class="signal-surprise"' in section
    assert "tagged No Archive Warnings Apply; self harm mentioned in chapter 1" in section
    assert "She cut herself &lt;again&gt;." in section  # evidence is escaped
    assert "past, concerns Ann" in section  # when it happens and to whom
    assert '<a href="#signals">' in page


def test_no_signals_section_without_checks():
    doc = sample_doc.sample_document()
    doc.signals, doc.signal_checks = [], []
    assert 'id="signals"' not in render_report(doc)


def test_contents_show_each_chapters_narration():
    doc = sample_doc.sample_document()
    section = render_report(doc).split('id="contents"', 1)[1].split("</nav>", 1)[0]
    assert "Toast</a> <span class=\"muted\">· third person, past, POV Alice, 1 flag</span>" in section
    assert "Chapter 2</a> <span class=\"muted\">· third person, past</span>" in section
