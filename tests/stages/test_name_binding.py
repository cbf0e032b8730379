"""The one rule the narration and speakers stages share: a pronoun is not a name after it."""

from __future__ import annotations

import pytest

from ficlens.model import Character, Document, Mention, MentionKind, Quote
from ficlens.stages.name_binding import NamesAfter
from ficlens.stages.segment import SegmentConfig, SegmentStage

pytestmark = pytest.mark.slow

# CC0, written for this test.
TEXT = 'He kept the phone from Kay and Tom. "Stop," he said, and Lea laughed. "No," said Lea. Kay left.'


@pytest.fixture(scope="module")
def doc(nlp) -> Document:
    doc = SegmentStage(SegmentConfig(), nlp)(Document(text=TEXT))
    doc.characters = [Character(id=c, name=c) for c in ("Kay", "Tom", "Lea")]
    quote_spans = []
    for word in ('"Stop,"', '"No,"'):
        at = TEXT.index(word)
        quote_spans.append((at, at + len(word)))
        doc.quotes.append(Quote(id=f"Q{len(doc.quotes)}", start=at + 1, end=at + len(word) - 1,
                                text=word[1:-1], paragraph=0, mark="double", open_start=at))
    for t in doc.tokens:
        if t.text in ("Kay", "Tom", "Lea"):
            doc.mentions.append(Mention(t.start, t.end, t.i, t.i + 1, t.text, MentionKind.NAME, t.text,
                                        in_quote=False, sentence=t.sentence))
    return doc


def test_names_after_a_token_in_its_sentence_only(doc):
    in_quote = doc.quote_token_mask(include_open_mark=True)
    later = NamesAfter(doc, in_quote)
    tokens = doc.tokens
    he = next(t.i for t in tokens if t.text == "He")
    assert later.after(he) == {"Kay", "Tom"}
    kay = next(t.i for t in tokens if t.text == "Kay")
    assert later.after(kay) == {"Tom"}
    # The stop bound: none named before it counts after it.
    assert later.after(he, stop=kay + 1) == {"Kay"}
    said = next(t.i for t in tokens if t.text == "said")
    # "he said, and Lea laughed": Lea comes after the tag's pronoun in its sentence.
    assert "Lea" in later.after(said - 1)
    last = next(t.i for t in reversed(tokens) if t.text == "left")
    assert later.after(last) == set()
