"""Segment: chapters, scenes and paragraphs from text patterns and reader hints; spaCy parse."""

from __future__ import annotations

import pytest

from ficlens.model import Document, Hint, HintKind
from ficlens.stages.segment import SegmentConfig, SegmentStage

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def segment(nlp):
    return SegmentStage(SegmentConfig(), nlp)


def _texts(doc, records):
    return [doc.text[r.start : r.end] for r in records]


def test_empty_document(segment):
    doc = segment(Document(text=""))
    assert doc.chapters == [] and doc.paragraphs == [] and doc.tokens == [] and doc.sentences == []


def test_whitespace_only_document(segment):
    doc = segment(Document(text="\n\n   \n"))
    assert doc.paragraphs == [] and doc.tokens == []


@pytest.mark.parametrize(
    "heading",
    [
        "Chapter 3",  # arabic number
        "CHAPTER XII",  # roman, upper case
        "Chapter Twenty-One",  # number words
        "III.",  # bare roman numeral
        "Part Two",  # parts count as chapter starts
        "## The Long Night",  # Markdown heading
        "Prologue",  # named section
    ],
)
def test_chapter_headings(segment, heading):
    text = f"Before it all.\n\n{heading}\n\nShe walks in.\n"
    doc = segment(Document(text=text))
    assert len(doc.chapters) == 2
    assert doc.chapters[1].title == heading.lstrip("# ")
    assert _texts(doc, doc.paragraphs) == ["Before it all.", "She walks in."]


def test_sentence_starting_with_chapter_is_not_a_heading(segment):
    doc = segment(Document(text="Chapter two of her life began badly.\n\nShe knew it."))
    assert len(doc.chapters) == 1 and len(doc.paragraphs) == 2


def test_consecutive_headings_make_one_chapter(segment):
    doc = segment(Document(text="Part One\n\nChapter 1\n\nIt rains.\n"))
    assert [c.title for c in doc.chapters] == ["Part One — Chapter 1"]


@pytest.mark.parametrize(
    "marker",
    ["***", "* * *", "~~~", "#", "---", "o0o", "xXx", "❦", "§"],  # each common scene-break line
)
def test_scene_breaks(segment, marker):
    doc = segment(Document(text=f"She waits.\n\n{marker}\n\nHe comes home.\n"))
    assert [(s.index, doc.text[s.start : s.end]) for s in doc.scenes] == [
        (0, "She waits."),
        (1, "He comes home."),
    ]
    assert [p.scene for p in doc.paragraphs] == [0, 1]


def test_hints_from_a_reader(segment):
    text = "The Meeting\n\nShe waits.\n\n \n\nHe comes."
    hints = [
        Hint(HintKind.HEADING, 0, 11, "The Meeting"),
        Hint(HintKind.SCENE_BREAK, 25, 26),
    ]
    doc = segment(Document(text=text, hints=hints))
    assert [c.title for c in doc.chapters] == ["The Meeting"]
    assert len(doc.scenes) == 2


def test_line_mode_for_unwrapped_text(segment):
    line = "She walks along the river for a long time, thinking about everything that happened before. "
    text = "\n".join([line * 2] * 6)
    doc = segment(Document(text=text))
    assert len(doc.paragraphs) == 6


def test_front_matter_is_not_story(segment):
    text = "My Title\nby Someone\n\nShe walks."
    doc = segment(Document(text=text, metadata={"front_matter_end": 20}))
    assert _texts(doc, doc.paragraphs) == ["She walks."]


def test_tokens_offsets_and_heads(segment):
    text = 'She runs.\n"Wait," he said\nquietly.'
    doc = segment(Document(text=text))
    for tok in doc.tokens:
        assert text[tok.start : tok.end] == tok.text
        assert 0 <= tok.head < len(doc.tokens)
    assert [t.text for t in doc.tokens][:3] == ["She", "runs", "."]
    assert all(not t.text.isspace() for t in doc.tokens)  # line breaks are not tokens
    said = next(t for t in doc.tokens if t.text == "said")
    assert doc.tokens[said.i - 1].text == "he" and doc.tokens[said.i - 1].head == said.i
    assert [doc.text[s.start : s.end] for s in doc.sentences][0] == "She runs."
    para = doc.paragraphs[0]
    assert (para.start_token, para.end_token_excl) == (0, len(doc.tokens))


def test_long_paragraph_is_parsed_in_pieces(nlp):
    stage = SegmentStage(SegmentConfig(max_chunk_chars=200), nlp)
    text = "She walks to the door and opens it slowly. " * 40
    doc = stage(Document(text=text))
    assert len(doc.paragraphs) == 1
    assert sum(1 for t in doc.tokens if t.text == "door") == 40
    assert all(text[t.start : t.end] == t.text for t in doc.tokens)
    assert doc.paragraphs[0].end_token_excl == len(doc.tokens)


def test_entities(segment):
    doc = segment(Document(text="Elizabeth Bennet walked to London with Jane."))
    people = [e.text for e in doc.entities if e.label == "PERSON"]
    assert "Elizabeth Bennet" in people


def test_chapter_start_hints_without_heading_lines(segment):
    # An EPUB spine document per chapter: the reader knows where chapters start, no heading line.
    text = "She waits.\n\nHe comes.\n\nMorning.\n"
    hints = [Hint(HintKind.CHAPTER_START, 0, 21), Hint(HintKind.CHAPTER_START, 23, 32)]
    doc = segment(Document(text=text, hints=hints))
    assert [(c.title, doc.text[c.start : c.end]) for c in doc.chapters] == [
        ("", "She waits.\n\nHe comes."),
        ("", "Morning."),
    ]
    assert [p.chapter for p in doc.paragraphs] == [0, 0, 1]


def test_a_heading_inside_a_reader_marked_chapter_is_a_section_not_a_chapter(segment):
    # An EPUB chapter: its title (a heading hint), the author's note, then the author's own
    # "Chapter 1" line and a "Part 2" further in. The spine says one chapter: one chapter.
    text = "Changes\n\nA/N: my first story.\n\nChapter 1: Changes.\n\nShe waits.\n\nPart 2\n\nHe comes.\n"
    hints = [Hint(HintKind.CHAPTER_START, 0, len(text)), Hint(HintKind.HEADING, 0, 7, "Changes")]
    doc = segment(Document(text=text, hints=hints))
    assert [c.title for c in doc.chapters] == ["Changes"]
    assert [doc.text[p.start : p.end] for p in doc.paragraphs] == ["A/N: my first story.", "She waits.", "He comes."]
    assert len(doc.scenes) == 3  # the two heading lines separate sections, as scene breaks do
    # Without chapter hints (plain text) the same lines start chapters.
    plain = segment(Document(text=text))
    assert [c.title for c in plain.chapters] == ["", "Chapter 1: Changes.", "Part 2"]  # "Changes" is no heading by its look


@pytest.mark.parametrize(
    ("text", "subject"),
    [
        ('"No"--said Darcy.', "Darcy"),  # Austen's double hyphen glued to a quote mark
        ('"Yes,"—he said—"I know."', "he"),  # em dashes glued to quote marks
    ],
)
def test_dashes_at_quote_marks_do_not_glue_tokens(segment, text, subject):
    doc = segment(Document(text=text))
    words = [t.text for t in doc.tokens]
    assert "said" in words and subject in words
    assert all(text[t.start : t.end] == t.text for t in doc.tokens)
    assert not any('"' in w and len(w) > 1 for w in words)


def test_word_limit_cuts_at_a_paragraph_with_a_warning(nlp):
    stage = SegmentStage(SegmentConfig(max_words=8), nlp)
    doc = stage(Document(text="One two three four.\n\nFive six seven eight.\n\nNine ten."))
    assert [doc.text[p.start : p.end] for p in doc.paragraphs] == ["One two three four.", "Five six seven eight."]
    assert doc.truncated_at == doc.text.index("Nine")
    assert doc.warnings and doc.warnings[0].startswith("partial analysis: only the first 8 words")


def test_word_limit_cuts_one_huge_paragraph_at_a_sentence_end(nlp):
    # A file with no paragraph breaks at all.
    stage = SegmentStage(SegmentConfig(max_words=20), nlp)
    text = "She opens the door and looks out. " * 10
    doc = stage(Document(text=text))
    assert len(doc.paragraphs) == 1
    kept = doc.text[: doc.truncated_at]
    assert kept.endswith("looks out.") and len(kept.split()) <= 20
    assert doc.tokens[-1].end <= doc.truncated_at


def test_long_punctuation_runs_and_words_are_not_parsed_with_a_warning(segment):
    # spaCy's tokenizer is quadratic in a run of punctuation: past 30 marks (or 200 characters
    # of one word) the rest is blanked in spaCy's copy, and the story around it is parsed.
    text = "She waited. " + '"' * 5_000 + " x" * 3 + " " + "ab" * 2_000 + " He left."
    doc = segment(Document(text=text))
    assert "not parsed" in doc.warnings[-1]
    assert max(t.end - t.start for t in doc.tokens) <= 200
    assert sum(1 for t in doc.tokens if t.text == '"') <= 30
    assert [t.text for t in doc.tokens[:3]] == ["She", "waited", "."]
    assert [t.text for t in doc.tokens[-3:]] == ["He", "left", "."]
    for t in doc.tokens:
        assert doc.text[t.start : t.end] == t.text


def test_many_short_chapters_parse_in_one_stream(segment):
    text = "".join(f"Chapter {i}\n\nShe ran.\n\n" for i in range(1, 201))
    doc = segment(Document(text=text))
    assert len(doc.chapters) == 200
    assert len(doc.paragraphs) == 200
    # Each paragraph's tokens are its own, and they tile the token list in order.
    assert doc.paragraphs[0].start_token == 0 and doc.paragraphs[-1].end_token_excl == len(doc.tokens)
    for a, b in zip(doc.paragraphs, doc.paragraphs[1:], strict=False):
        assert a.end_token_excl == b.start_token
        assert [t.text for t in doc.tokens[a.start_token : a.end_token_excl]] == ["She", "ran", "."]


def test_token_limit_stops_the_parse_where_words_are_few_but_tokens_many(nlp):
    # "a,a,a,..." is one word to the word cap and 2 tokens a character to spaCy.
    stage = SegmentStage(SegmentConfig(max_tokens=300, max_chunk_chars=200), nlp)
    text = "She waits.\n\n" + ("a," * 90 + " ") * 20 + "\n\nHe leaves."
    doc = stage(Document(text=text))
    assert doc.truncated_at is not None and doc.truncated_at < text.index("He leaves")
    assert 300 <= len(doc.tokens) < 600
    assert all(t.end <= doc.truncated_at for t in doc.tokens)
    assert doc.paragraphs[-1].end <= doc.truncated_at and doc.paragraphs[-1].end_token_excl == len(doc.tokens)
    assert any(w.startswith("partial analysis: only the first") and "tokens" in w for w in doc.warnings)


@pytest.mark.parametrize(
    ("text", "word"),
    [
        ("“Yes…”Crowley drawls.", "Crowley"),  # a closing curly mark glued to the tag's subject
        ("He nods.“I suppose so.”", "I"),  # an opening mark glued to the sentence before
        ("She says “fine” and leaves.", "fine"),  # spaced marks: as before
    ],
)
def test_curly_quote_marks_glued_to_words_are_split(segment, text, word):
    doc = segment(Document(text=text))
    words = [t.text for t in doc.tokens]
    assert word in words
    assert not any(("“" in w or "”" in w) and len(w) > 1 for w in words)


class _Recording:
    """The real pipeline, recording the batches spaCy is handed."""

    def __init__(self, nlp):
        self.nlp = nlp
        self.batches: list[list[str]] = []

    def pipe(self, items, as_tuples=False, batch_size=64, **kwargs):
        items = list(items)
        self.batches.append([text for text, _ in items])
        return self.nlp.pipe(items, as_tuples=as_tuples, batch_size=batch_size, **kwargs)


def test_a_run_longer_than_a_piece_is_cut_once_and_blank_pieces_are_not_parsed(nlp):
    # 50,000 quote marks in pieces of 1,000 characters: one run of the paragraph, so spaCy
    # sees 30 marks and the two sentences, not 30 marks in each of 50 pieces.
    recording = _Recording(nlp)
    stage = SegmentStage(SegmentConfig(max_chunk_chars=1_000), recording)
    text = "She waited. " + '"' * 50_000 + " He left."
    doc = stage(Document(text=text))
    pieces = [p for batch in recording.batches for p in batch]
    assert all(p.strip() for p in pieces)
    assert sum(p.count('"') for p in pieces) == 30
    assert sum(1 for t in doc.tokens if t.text == '"') == 30
    assert [t.text for t in doc.tokens[-3:]] == ["He", "left", "."]
    assert doc.paragraphs[0].start_token == 0 and doc.paragraphs[0].end_token_excl == len(doc.tokens)


def test_batches_are_bounded_by_characters(nlp):
    # 40 paragraphs of ~600 characters, at most 2,000 characters a batch: no batch holds more
    # than 3 paragraphs (the limit binds before the 64 pieces of batch_size).
    recording = _Recording(nlp)
    stage = SegmentStage(SegmentConfig(batch_chars=2_000), recording)
    paragraph = "She walks to the window and watches the rain for a while. " * 10
    doc = stage(Document(text="\n\n".join([paragraph.strip()] * 40)))
    assert len(doc.paragraphs) == 40 and sum(len(b) for b in recording.batches) == 40
    assert max(sum(len(p) for p in b) for b in recording.batches) <= 2_000
    assert max(len(b) for b in recording.batches) == 3
