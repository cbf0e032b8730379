"""Segment: chapters, scenes, paragraphs, then sentences, tokens and entities from spaCy.

Input ``Document.text`` (and the reader's ``hints`` and ``metadata["front_matter_end"]``);
output::

    Chapter 1            -> Chapter(title="Chapter 1", heading_start=0, ...)
    <blank>
    She runs. ...        -> Paragraph(chapter=0, scene=0), tokens, sentences
    * * *                -> scene break: Scene(chapter=0, index=1) starts after it
    He waits. ...        -> Paragraph(chapter=0, scene=1)

Headings and scene-break lines are kept out of paragraphs. The parse streams chapter
by chapter through ``nlp.pipe`` and keeps only compact Token records, so memory does
not grow with spaCy Doc objects. spaCy sees a copy of each paragraph with line breaks
turned into spaces (same length, so offsets are unchanged): hard-wrapped lines would
otherwise become whitespace tokens in the middle of sentences. Dashes glued to quote
marks are blanked in that copy too (see ``_for_spacy``).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, replace
from sys import intern
from typing import Any

from ficlens.model import (
    Chapter,
    Document,
    Entity,
    HintKind,
    Paragraph,
    Scene,
    Sentence,
    Token,
)

ProgressCallback = Callable[[int, int], None]

_BLANK_LINE = re.compile(r"\n[ \t\r\f\v]*\n")
_LINE = re.compile(r"[^\n]*\n?")

_NUMBER_WORDS = (
    r"one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|thirteen|fourteen|"
    r"fifteen|sixteen|seventeen|eighteen|nineteen|twenty|thirty|forty|fifty|first|second|"
    r"third|fourth|fifth|sixth|seventh|eighth|ninth|tenth|last|final"
)
_CHAPTER_HEADING = re.compile(
    r"^(?:chapter|chap\.|book|part|volume|vol\.|act|letter)\s+"
    rf"(?:\d+|[ivxlcdm]+|(?:{_NUMBER_WORDS})(?:[- ](?:{_NUMBER_WORDS}))?)\b[.:]?",
    re.IGNORECASE,
)
_NAMED_SECTION = re.compile(
    r"^(?:prologue|epilogue|interlude|afterword|foreword|preface|coda)\b", re.IGNORECASE
)
_BARE_NUMBER = re.compile(r"^(?:[IVXLCDM]+|\d{1,3})\.?$")
_MARKDOWN_HEADING = re.compile(r"^#{1,6}\s+\S")
# Lines made only of ornament characters: ***, * * *, ~~~, #, ---, o0o, xXx, ❦ ...
_SCENE_BREAK = re.compile(
    r"^[\s*~#\-_=+•·.oO0xX§❦❧☙⁂※◇◆○●■□♦♥❖✦✧★☆|/\\<>]{1,40}$"
)
_SENTENCE_END = re.compile(r"[.!?][\"'”’)\]]*\s")


@dataclass(frozen=True)
class SegmentConfig:
    # Pieces per nlp.pipe batch, and characters per batch: spaCy's memory grows with the text
    # of a batch, so twenty 20,000-character pieces in one batch took 1.7 GB.
    batch_size: int = 64
    batch_chars: int = 64_000
    # spaCy processes; 1 keeps the parse deterministic and light on memory.
    n_process: int = 1
    # Paragraphs longer than this are parsed in pieces cut at sentence ends, so a
    # 50 MB single-paragraph file neither exceeds spaCy's max_length nor hangs.
    max_chunk_chars: int = 20_000
    # Treat each line as a paragraph when blank lines are this rare relative to lines
    # and lines are long (unwrapped text pasted with single newlines).
    line_mode_blank_ratio: float = 0.05
    line_mode_min_line_chars: int = 100
    max_heading_chars: int = 100
    # spaCy's tokenizer splits a run of punctuation one character at a time, quadratic in its
    # length (100 KB of quote marks never finishes). Past these lengths a run of punctuation,
    # or a space-free word, is blanked in spaCy's copy (no tokens there), with a warning; no
    # story has a run of 30 punctuation marks or a 200-character word.
    max_punct_run: int = 30
    max_word_chars: int = 200
    # Past this many words the rest of the story is left unanalysed, with a warning, so a
    # huge input (a 50 MB file is ~9M words) cannot exhaust memory; 0 means no limit.
    max_words: int = 2_000_000
    # The word cap counts space-separated words; spaCy's load is its tokens, which a hostile
    # text can multiply ("a,a,a,..." is one word and hundreds of tokens). Past this many
    # tokens the parse stops there, with the same partial-analysis warning; prose has ~1.25
    # tokens a word, so the word cap binds first on a story. 0 means no limit.
    max_tokens: int = 3_000_000


@dataclass(frozen=True)
class _Block:
    """A paragraph-sized piece of text before it is classified."""

    start: int
    end: int
    kind: str  # "paragraph", "heading", "break"


@dataclass
class _Found:
    chapters: list[Chapter]
    scenes: list[Scene]
    paragraphs: list[Paragraph]


class SegmentStage:
    name = "segment"
    requires: tuple[str, ...] = ("text",)
    # A story over the word cap is cut: ``truncated_at`` and a warning say where.
    assigns: tuple[str, ...] = ("chapters", "scenes", "paragraphs", "sentences", "tokens", "entities", "truncated_at", "warnings")

    def __init__(self, config: SegmentConfig, nlp: Any) -> None:
        self.config = config
        self.nlp = nlp
        self.progress: ProgressCallback | None = None

    def __call__(self, doc: Document) -> Document:
        found = self._find(doc)
        self._apply(doc, found)
        self._parse(doc)
        return doc

    # --- structure -------------------------------------------------------------
    def _find(self, doc: Document) -> _Found:
        text = doc.text
        story_start = int(doc.metadata.get("front_matter_end") or 0)
        blocks = list(self._blocks(text, story_start, doc))
        chapters: list[Chapter] = []
        scenes: list[Scene] = []
        paragraphs: list[Paragraph] = []

        chapter_title: str | None = None
        heading_span: tuple[int, int] | None = None
        chapter_paragraphs: list[Paragraph] = []
        scene_index = 0
        scene_first = True  # no paragraph yet in the current scene

        def close_chapter(end: int) -> None:
            nonlocal chapter_paragraphs
            if not chapter_paragraphs and chapter_title is None:
                return
            first = chapter_paragraphs[0].start if chapter_paragraphs else (heading_span or (end, end))[0]
            start = heading_span[0] if heading_span else first
            last = chapter_paragraphs[-1].end if chapter_paragraphs else (heading_span or (end, end))[1]
            chapters.append(
                Chapter(
                    id=len(chapters),
                    title=chapter_title or "",
                    start=start,
                    end=last,
                    heading_start=heading_span[0] if heading_span else None,
                    heading_end=heading_span[1] if heading_span else None,
                )
            )
            chapter_paragraphs = []

        pending_heading: list[_Block] = []
        for block in blocks:
            if block.kind in ("heading", "chapter"):
                if block.kind == "chapter" and pending_heading:
                    pending_heading = []  # a reader's chapter start overrides loose heading lines
                pending_heading.append(block)
                continue
            if pending_heading:
                # Consecutive headings ("Part Two" / "Chapter 1" / a subtitle) make one chapter start.
                close_chapter(pending_heading[0].start)
                titled = [b for b in pending_heading if b.end > b.start]
                chapter_title = " — ".join(" ".join(text[b.start : b.end].lstrip("#").split()) for b in titled)
                heading_span = (titled[0].start, titled[-1].end) if titled else None
                pending_heading = []
                scene_index, scene_first = 0, True
            if block.kind == "break":
                if not scene_first:
                    scene_index += 1
                    scene_first = True
                continue
            chapter_id = len(chapters)
            if scene_first:
                scenes.append(Scene(id=len(scenes), chapter=chapter_id, index=scene_index, start=block.start, end=block.end))
                scene_first = False
            scene = scenes[-1]
            scenes[-1] = Scene(scene.id, scene.chapter, scene.index, scene.start, block.end)
            paragraph = Paragraph(
                id=len(paragraphs), start=block.start, end=block.end, chapter=chapter_id, scene=scene.id
            )
            paragraphs.append(paragraph)
            chapter_paragraphs.append(paragraph)
        if pending_heading:
            close_chapter(pending_heading[0].start)
            titled = [b for b in pending_heading if b.end > b.start]
            chapter_title = " — ".join(" ".join(text[b.start : b.end].lstrip("#").split()) for b in titled)
            heading_span = (titled[0].start, titled[-1].end) if titled else (pending_heading[0].start,) * 2
        close_chapter(len(text))
        return _Found(chapters, scenes, paragraphs)

    def _blocks(self, text: str, story_start: int, doc: Document) -> Iterator[_Block]:
        heading_spans = sorted((h.start, h.end) for h in doc.hints if h.kind == HintKind.HEADING)
        break_spans = sorted((h.start, h.end) for h in doc.hints if h.kind == HintKind.SCENE_BREAK)
        chapter_starts = sorted(h.start for h in doc.hints if h.kind == HintKind.CHAPTER_START)
        spans = self._paragraph_spans(text, story_start)
        hi = bi = ci = 0
        previous_end = story_start
        at_chapter_start = False  # no block yet since the reader's last chapter start
        for start, end in spans:
            # Hints are sorted and so are spans: advance pointers linearly.
            while hi < len(heading_spans) and heading_spans[hi][1] <= start:
                hi += 1
            while bi < len(break_spans) and break_spans[bi][1] <= start:
                # A break hint over blank text between two paragraphs (an <hr> with no line).
                if break_spans[bi][0] >= previous_end:
                    yield _Block(break_spans[bi][0], break_spans[bi][1], "break")
                bi += 1
            # A reader that knows where chapters start (EPUB spine, AO3) marks it; the
            # chapter may have no heading line at all.
            starts_chapter = False
            while ci < len(chapter_starts) and chapter_starts[ci] < end:
                starts_chapter = starts_chapter or chapter_starts[ci] >= previous_end
                ci += 1
            previous_end = end
            hinted_heading = hi < len(heading_spans) and heading_spans[hi][0] < end
            hinted_break = bi < len(break_spans) and break_spans[bi][0] < end
            chunk = text[start:end]
            if starts_chapter:
                yield _Block(start, start, "chapter")
                at_chapter_start = True
            if hinted_break or self._is_scene_break(chunk):
                kind = "break"
            elif hinted_heading or self._is_heading(chunk):
                # Where the reader marked the chapter starts (EPUB spine, AO3 chapters), only the
                # headings that open a chapter title it; a heading further in ("Chapter 1:
                # Changes." after an author's note, the author's own "Part 2") marks a section of
                # that chapter, not a chapter of its own.
                kind = "heading" if not chapter_starts or at_chapter_start else "break"
            else:
                kind = "paragraph"
            at_chapter_start = at_chapter_start and kind == "heading"
            yield _Block(start, end, kind)

    def _paragraph_spans(self, text: str, story_start: int) -> list[tuple[int, int]]:
        """Trimmed [start, end) spans of paragraphs: blank-line separated, or one per line."""
        body = text[story_start:]
        separators = len(_BLANK_LINE.findall(body))
        lines = [m for m in body.split("\n") if m.strip()]
        line_mode = (
            len(lines) > 3
            and separators < self.config.line_mode_blank_ratio * len(lines)
            and sum(len(line) for line in lines) / len(lines) >= self.config.line_mode_min_line_chars
        )
        splitter = re.compile(r"\n") if line_mode else _BLANK_LINE
        spans: list[tuple[int, int]] = []
        pos = story_start
        for match in splitter.finditer(text, story_start):
            spans.append((pos, match.start()))
            pos = match.end()
        spans.append((pos, len(text)))
        trimmed = []
        for start, end in spans:
            chunk = text[start:end]
            stripped = chunk.strip()
            if not stripped:
                continue
            lead = len(chunk) - len(chunk.lstrip())
            trimmed.append((start + lead, start + lead + len(stripped)))
        return trimmed

    def _is_scene_break(self, chunk: str) -> bool:
        if "\n" in chunk or len(chunk) > 40:
            return False
        if not _SCENE_BREAK.match(chunk):
            return False
        # "o0o"/"xXx" style breaks are letters too, but a real word is never all o/x/0.
        return any(not ch.isalnum() for ch in chunk) or chunk.lower().strip("0") in {"o0o", "oxo", "xxx", "ooo"} or set(chunk.lower()) <= {"o", "0", "x", " "}

    def _is_heading(self, chunk: str) -> bool:
        if len(chunk) > self.config.max_heading_chars or chunk.count("\n") > 1:
            return False
        first = chunk.split("\n", 1)[0].strip()
        if _MARKDOWN_HEADING.match(first):
            return True
        if _BARE_NUMBER.match(first):
            return True
        if _NAMED_SECTION.match(first) and len(first) <= 60 and not _SENTENCE_END.search(first + " "):
            return True
        if _CHAPTER_HEADING.match(first):
            # "Chapter two of her life began." is a sentence, not a heading.
            rest = first[_CHAPTER_HEADING.match(first).end() :].strip()  # type: ignore[union-attr]
            return not rest or not rest[0].islower()
        return False

    def _apply(self, doc: Document, found: _Found) -> None:
        cut = _within_word_limit(doc.text, found.paragraphs, self.config.max_words)
        if cut is not None:
            doc.truncated_at = cut
            doc.warnings.append(
                f"partial analysis: only the first {self.config.max_words:,} words were analysed "
                f"(up to character {cut:,} of {len(doc.text):,}); raise segment.max_words to analyse more"
            )
            found = _cut(found, cut)
        doc.chapters = found.chapters
        doc.scenes = found.scenes
        doc.paragraphs = found.paragraphs

    # --- parse -----------------------------------------------------------------
    def _parse(self, doc: Document) -> None:
        """Sentences, tokens and entities for every paragraph, chapter by chapter."""
        text = doc.text
        tokens: list[Token] = []
        sentences: list[Sentence] = []
        entities: list[Entity] = []
        paragraphs = doc.paragraphs
        total = len(paragraphs)
        new_paragraphs: list[Paragraph] = []
        blanked = [0]
        punct_run = re.compile(rf"[^\w\s]{{{self.config.max_punct_run + 1},}}")
        long_word = re.compile(rf"\S{{{self.config.max_word_chars + 1},}}")

        # One stream of pieces for the whole story: a call per chapter costs spaCy's set-up
        # each time (30,000 one-line chapters took minutes). Runs are cut on the whole
        # paragraph (a 5 MB run is one run, not one per piece), and pieces left blank are not
        # parsed at all.
        def pieces() -> Iterator[tuple[str, tuple[int, int, int]]]:
            chapter = None
            for paragraph in paragraphs:
                if paragraph.chapter != chapter:
                    if chapter is not None and self.progress is not None:
                        self.progress(paragraph.id, total)
                    chapter = paragraph.chapter
                copy, n = _for_spacy(text[paragraph.start : paragraph.end], punct_run, self.config.max_punct_run,
                                     long_word, self.config.max_word_chars)  # fmt: skip
                blanked[0] += n
                for _, start, end in self._pieces(text, [paragraph]):
                    piece = copy[start - paragraph.start : end - paragraph.start]
                    if piece.strip():
                        yield piece, (paragraph.id, start, end)

        first_token: dict[int, int] = {}
        max_tokens = self.config.max_tokens
        cut: int | None = None
        for sdoc, (paragraph_id, offset, end) in self._pipe(pieces()):
            first_token.setdefault(paragraph_id, len(tokens))
            _convert(sdoc, offset, paragraph_id, tokens, sentences, entities)
            if max_tokens and len(tokens) >= max_tokens and end < len(text):
                cut = end
                break
        if cut is not None:
            doc.truncated_at = cut if doc.truncated_at is None else min(cut, doc.truncated_at)
            doc.warnings.append(
                f"partial analysis: only the first {len(tokens):,} tokens (words and punctuation marks) "
                f"were analysed (up to character {cut:,} of {len(text):,}); raise segment.max_tokens "
                "to analyse more"
            )
            found = _cut(_Found(doc.chapters, doc.scenes, list(paragraphs)), cut)
            doc.chapters, doc.scenes, paragraphs = found.chapters, found.scenes, found.paragraphs
        # A paragraph's tokens run up to the next paragraph's first token; one that spaCy
        # gave no tokens (all blanked) is empty there.
        next_start = len(tokens)
        for paragraph in reversed(paragraphs):
            start_token = first_token.get(paragraph.id, next_start)
            new_paragraphs.append(
                Paragraph(
                    paragraph.id, paragraph.start, paragraph.end, paragraph.chapter, paragraph.scene,
                    start_token, next_start,
                )
            )
            next_start = start_token
        new_paragraphs.reverse()
        if self.progress is not None:
            self.progress(total, total)
        if blanked[0]:
            doc.warnings.append(
                f"{blanked[0]:,} characters were not parsed: runs of more than {self.config.max_punct_run} "
                f"punctuation marks or words of more than {self.config.max_word_chars} characters "
                "(no tokens there; raise segment.max_punct_run or segment.max_word_chars)"
            )
        doc.paragraphs = new_paragraphs
        doc.tokens = tokens
        doc.sentences = sentences
        doc.entities = entities

    def _pipe(self, pieces: Iterator[tuple[str, Any]]) -> Iterator[tuple[Any, Any]]:
        """``nlp.pipe`` over (text, context) pairs in batches bounded by pieces and characters."""
        if self.config.n_process != 1:  # one stream: a call per batch would start processes each time
            yield from self.nlp.pipe(pieces, as_tuples=True, batch_size=self.config.batch_size,
                                     n_process=self.config.n_process)  # fmt: skip
            return
        for batch in _batches(pieces, self.config.batch_size, self.config.batch_chars):
            yield from self.nlp.pipe(batch, as_tuples=True, batch_size=len(batch))

    def _pieces(self, text: str, paragraphs: list[Paragraph]) -> Iterator[tuple[Paragraph, int, int]]:
        limit = self.config.max_chunk_chars
        for paragraph in paragraphs:
            start, end = paragraph.start, paragraph.end
            while end - start > limit:
                cut = _cut_point(text, start, start + limit)
                yield paragraph, start, cut
                start = cut
                while start < end and text[start].isspace():
                    start += 1
            if start < end:
                yield paragraph, start, end


# Dashes glued to quote marks (`"No"--said Darcy`, `"Yes,"—he said`) defeat spaCy's
# tokenizer, which then makes one token of `No"--said`; blanked in spaCy's copy.
_DASH_AT_QUOTE = re.compile(r"(?<=[\"”’'])(?:--+|—+|―+)|(?:--+|—+|―+)(?=[\"“‘'])")


def _for_spacy(
    chunk: str, punct_run: re.Pattern[str], max_run: int, long_word: re.Pattern[str], max_word: int
) -> tuple[str, int]:
    """The copy of a paragraph that spaCy parses (same length, so offsets are unchanged), and
    how many characters of over-long punctuation runs and words it blanks past their limits."""
    chunk = chunk.replace("\n", " ").replace("\r", " ")
    blanked = 0

    def keep(limit: int) -> Callable[[re.Match[str]], str]:
        def cut(m: re.Match[str]) -> str:
            nonlocal blanked
            blanked += len(m.group()) - limit
            return m.group()[:limit] + " " * (len(m.group()) - limit)

        return cut

    # A paragraph whose longest space-free stretch is within both limits (nearly every one)
    # needs no regex: str.split runs at C speed, a regex tries every character.
    if max(map(len, chunk.split()), default=0) > min(max_run, max_word):
        chunk = punct_run.sub(keep(max_run), chunk)
        chunk = long_word.sub(keep(max_word), chunk)
    # After the runs are cut: blanking these dashes first would split one run into many.
    if "-" in chunk or "—" in chunk or "―" in chunk:  # the regex costs a lookbehind per character
        chunk = _DASH_AT_QUOTE.sub(lambda m: " " * len(m.group()), chunk)
    return chunk, blanked


def _within_word_limit(text: str, paragraphs: list[Paragraph], max_words: int) -> int | None:
    """The offset where analysis must stop to stay within ``max_words``, or None if all fits.

    Cuts at a paragraph end, or inside a paragraph (at a sentence end) when one paragraph
    alone is over the limit, as in a file with no paragraph breaks.
    """
    if max_words <= 0:
        return None
    words = 0
    for paragraph in paragraphs:
        count = len(text[paragraph.start : paragraph.end].split())
        if words + count > max_words:
            if words > 0:
                return paragraph.start
            budget = max_words - words
            spans = re.finditer(r"\S+", text[paragraph.start : paragraph.end])
            end = paragraph.start + next(m.end() for i, m in enumerate(spans) if i == budget - 1)
            cut = _cut_point(text, paragraph.start, end)
            while cut > paragraph.start + 1 and text[cut - 1].isspace():
                cut -= 1
            return cut
        words += count
    return None


def _cut(found: _Found, cut: int) -> _Found:
    """Chapters, scenes and paragraphs up to offset ``cut``."""
    return _Found(
        [replace(c, end=min(c.end, cut)) for c in found.chapters if c.start < cut],
        [replace(sc, end=min(sc.end, cut)) for sc in found.scenes if sc.start < cut],
        [replace(p, end=min(p.end, cut)) for p in found.paragraphs if p.start < cut],
    )


def _batches(pieces: Iterable[tuple[str, Any]], size: int, chars: int) -> Iterator[list[tuple[str, Any]]]:
    """Lists of at most ``size`` pieces and (past the first piece) ``chars`` characters."""
    batch: list[tuple[str, Any]] = []
    held = 0
    for piece in pieces:
        if batch and (len(batch) >= size or held + len(piece[0]) > chars):
            yield batch
            batch, held = [], 0
        batch.append(piece)
        held += len(piece[0])
    if batch:
        yield batch


def _cut_point(text: str, start: int, limit: int) -> int:
    """The last sentence end before ``limit`` (else the last space, else ``limit``)."""
    window = text[start:limit]
    best = -1
    for match in _SENTENCE_END.finditer(window):
        best = match.end()
    if best > len(window) // 2:
        return start + best
    space = window.rfind(" ")
    return start + space + 1 if space > 0 else limit


def _convert(
    sdoc: Any,
    offset: int,
    paragraph_id: int,
    tokens: list[Token],
    sentences: list[Sentence],
    entities: list[Entity],
) -> None:
    """Append spaCy's tokens, sentences and entities as records, skipping whitespace tokens."""
    index: list[int] = []  # spaCy token i -> document token index (-1 for dropped whitespace)
    n = len(tokens)
    for tok in sdoc:
        if tok.is_space:
            index.append(-1)
        else:
            index.append(n)
            n += 1
    sentence_of = [0] * len(sdoc)
    for sent in sdoc.sents:
        kept = [index[i] for i in range(sent.start, sent.end) if index[i] >= 0]
        if not kept:
            continue
        sentence_id = len(sentences)
        for i in range(sent.start, sent.end):
            sentence_of[i] = sentence_id
        first, last = kept[0], kept[-1]
        sentences.append(
            Sentence(
                id=sentence_id,
                start=offset + _char_start(sdoc, sent, index),
                end=offset + _char_end(sdoc, sent, index),
                start_token=first,
                end_token_excl=last + 1,
                paragraph=paragraph_id,
            )
        )
    for tok in sdoc:
        i = index[tok.i]
        if i < 0:
            continue
        head = index[tok.head.i]
        start = offset + tok.idx
        tokens.append(
            Token(
                i=i,
                start=start,
                end=start + len(tok.text),
                # Interned: a long story repeats a few thousand words and tags millions of
                # times, and spaCy hands out a new string for each.
                text=intern(tok.text),
                lemma=intern(tok.lemma_),
                pos=intern(tok.pos_),
                tag=intern(tok.tag_),
                dep=intern(tok.dep_),
                head=head if head >= 0 else i,
                sentence=sentence_of[tok.i],
                paragraph=paragraph_id,
                ent_iob=intern(tok.ent_iob_ or "O"),
                ent_type=intern(tok.ent_type_),
            )
        )
    for ent in sdoc.ents:
        kept = [index[t] for t in range(ent.start, ent.end) if index[t] >= 0]
        if not kept:
            continue
        entities.append(
            Entity(
                start=offset + ent.start_char,
                end=offset + ent.end_char,
                start_token=kept[0],
                end_token_excl=kept[-1] + 1,
                label=ent.label_,
                text=ent.text,
            )
        )


def _char_start(sdoc: Any, sent: Any, index: list[int]) -> int:
    for i in range(sent.start, sent.end):
        if index[i] >= 0:
            return sdoc[i].idx
    return sent.start_char


def _char_end(sdoc: Any, sent: Any, index: list[int]) -> int:
    for i in range(sent.end - 1, sent.start - 1, -1):
        if index[i] >= 0:
            return sdoc[i].idx + len(sdoc[i])
    return sent.end_char
