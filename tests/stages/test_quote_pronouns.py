"""Quote pronouns: "I" and "you" inside a quote take its speaker and addressee.

Quotes (with their speakers) and mentions are made by hand: the stage reads nothing else.
"""

from __future__ import annotations

import re
from dataclasses import replace

import pytest

from ficlens.model import Character, Document, Gender, Mention, MentionKind, Quote
from ficlens.pipeline import STAGES, PipelineConfig
from ficlens.stages.quote_pronouns import QuotePronounConfig, QuotePronounStage
from ficlens.stages.speakers import SpeakerStage

_PRONOUNS = {"i", "me", "my", "you", "your", "he", "she", "her", "him"}


@pytest.fixture(scope="module")
def stage():
    return QuotePronounStage(QuotePronounConfig())


def _doc(text: str, speakers: list[tuple[str | None, tuple[str, ...]]], nested: dict[int, int] | None = None) -> Document:
    """Quotes from straight double quotes, or single quotes nested in quote ``nested[k]``;
    quote k gets ``speakers[k]`` (speaker, addressees). One pronoun mention per pronoun word,
    unresolved; one name mention for "Tom" outside quotes."""
    doc = Document(text=text)
    spans = [(m.start(1), m.end(1), "double") for m in re.finditer(r'"([^"]*)"', text)]
    spans += [(m.start(1), m.end(1), "single") for m in re.finditer(r"'([^']*)'", text)]
    spans.sort()
    quotes = []
    for k, (start, end, mark) in enumerate(spans):
        speaker, addressees = speakers[k]
        parent = (nested or {}).get(k)
        quotes.append(
            Quote(
                id=f"Q{k}", start=start, end=end, text=text[start:end], paragraph=0, mark=mark,
                nested_in=f"Q{parent}" if parent is not None else None,
                speaker_id=speaker, addressee_ids=addressees,
            )
        )
    doc.quotes = quotes
    mentions = []
    for i, m in enumerate(re.finditer(r"\b\w+\b", text)):
        word = m.group()
        if word.lower() in _PRONOUNS:
            mentions.append(Mention(m.start(), m.end(), i, i + 1, word, MentionKind.PRONOUN))
        elif word == "Tom":
            mentions.append(Mention(m.start(), m.end(), i, i + 1, word, MentionKind.NAME, "C0"))
    doc.mentions = mentions
    return doc


def _resolved(doc: Document) -> dict[str, tuple[str | None, bool]]:
    return {f"{m.text}@{m.start}": (m.character_id, m.in_quote) for m in doc.mentions}


def test_empty_document(stage):
    doc = stage(Document(text=""))
    assert doc.mentions == [] and doc.quotes == []


def test_first_person_is_the_speaker_and_you_the_one_addressee(stage):
    text = '"I told you, my friend," said Tom. She looked at me. "You heard him."'
    doc = stage(_doc(text, [("C0", ("C1",)), ("C1", ("C0",))]))
    got = {m.text: (m.character_id, m.in_quote) for m in doc.mentions if m.kind == MentionKind.PRONOUN}
    assert got == {
        "I": ("C0", True),
        "you": ("C1", True),
        "my": ("C0", True),
        "She": (None, False),  # third person: coref's work
        "me": (None, False),  # narration, not inside a quote
        "You": ("C0", True),
        "him": (None, False),
    }
    # Other mentions are kept as they are, in order.
    assert [m.start for m in doc.mentions] == sorted(m.start for m in doc.mentions)
    assert next(m for m in doc.mentions if m.text == "Tom").character_id == "C0"


@pytest.mark.parametrize(
    ("addressees", "you"),
    [
        ((), None),  # nobody addressed: "you" stays unresolved
        (("C1",), "C1"),  # one addressee
        (("C1", "C2"), None),  # "you" to a room names nobody
    ],
)
def test_you_needs_exactly_one_addressee(stage, addressees, you):
    doc = stage(_doc('"Do you see?"', [("C0", addressees)]))
    [m] = doc.mentions
    assert m.character_id == you and m.in_quote == (you is not None)


def test_a_quote_without_a_speaker_resolves_nothing(stage):
    doc = _doc('"I am here," she said.', [(None, ())])
    before = list(doc.mentions)
    assert stage(doc).mentions == before


def test_pronouns_of_a_nested_quote_are_left_alone(stage):
    # "He said 'leave me' to me": the inner "me" is someone else's; the outer one the speaker's.
    text = "\"He said 'leave me' to me.\""
    doc = stage(_doc(text, [("C0", ("C1",)), (None, ())], nested={1: 0}))
    inner, outer = (m for m in doc.mentions if m.text == "me")
    assert inner.character_id is None and outer.character_id == "C0"


def test_an_earlier_resolution_is_replaced(stage):
    # Coref guessed "I" inside the quote; the speaker decides.
    doc = _doc('"I will go."', [("C1", ())])
    doc.mentions = [replace(m, character_id="C5") for m in doc.mentions]
    assert stage(doc).mentions[0].character_id == "C1"


def test_runs_right_after_the_speakers_stage():
    assert STAGES[STAGES.index(SpeakerStage) + 1] is QuotePronounStage
    assert QuotePronounStage.requires == ("quotes", "mentions") and QuotePronounStage.assigns == ("mentions",)
    assert "mentions" not in SpeakerStage.assigns
    assert PipelineConfig.from_dict({"quote_pronouns": {}}).quote_pronouns == QuotePronounConfig()


@pytest.mark.slow
@pytest.mark.parametrize("scorer", ["rules", "ranker"])
def test_after_the_speakers_stage(nlp, stage, scorer):
    # The whole route: the speakers stage decides, this stage reads its decisions.
    from ficlens.stages.segment import SegmentConfig, SegmentStage
    from ficlens.stages.speakers import SpeakerConfig

    text = 'Daisy poured the tea.\n\n"I will stay," I said. "You know me."'
    doc = SegmentStage(SegmentConfig(), nlp)(Document(text=text))
    spans = [m.span(1) for m in re.finditer(r'"([^"]*)"', text)]
    doc.quotes = [
        Quote(id=f"Q{k}", start=s, end=e, text=text[s:e], paragraph=doc.paragraphs[1].id, mark="double", open_start=s - 1)
        for k, (s, e) in enumerate(spans)
    ]
    doc.characters = [
        Character(id="C0", name="Nick", gender=Gender.MALE, is_narrator=True),
        Character(id="C1", name="Daisy", gender=Gender.FEMALE),
    ]
    pronouns = [
        Mention(t.start, t.end, t.i, t.i + 1, t.text, MentionKind.PRONOUN, None, any(s <= t.start < e for s, e in spans))
        for t in doc.tokens
        if t.text.lower() in _PRONOUNS
    ]
    doc.mentions = [Mention(0, 5, 0, 1, "Daisy", MentionKind.NAME, "C1"), *pronouns]
    doc = stage(SpeakerStage(SpeakerConfig(scorer=scorer))(doc))
    # First person inside the quote is the speaker; "you" is the one other party.
    assert {m.text: m.character_id for m in doc.mentions if m.in_quote} == {"I": "C0", "You": "C1", "me": "C0"}
    # The narrator's "I said" outside the quotes is coref's to resolve.
    assert [m.character_id for m in doc.mentions if m.text == "I" and not m.in_quote] == [None]


def test_you_is_never_the_speaker(stage):
    # An earlier stage took "you" for the speaker; with no single addressee it is left open.
    doc = _doc('"Do you see?"', [("C0", ())])
    doc.mentions = [replace(m, character_id="C0") for m in doc.mentions]
    [m] = stage(doc).mentions
    assert m.character_id is None
