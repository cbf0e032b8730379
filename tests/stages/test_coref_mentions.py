"""Coref mentions: person noun phrases as coreference gold marks them, with whole extents."""

from __future__ import annotations

import pytest

from ficlens.model import Document, MentionKind
from ficlens.stages.characters import CharacterConfig, CharacterStage
from ficlens.stages.coref import CorefConfig, CorefStage
from ficlens.stages.segment import SegmentConfig, SegmentStage


@pytest.fixture(scope="module")
def analyse(nlp, straight_quotes):
    segment = SegmentStage(SegmentConfig(), nlp)

    def run(text: str, nominals: bool = True) -> Document:
        doc = segment(Document(text=text))
        doc.quotes = straight_quotes(text)
        doc = CharacterStage(CharacterConfig())(doc)
        return CorefStage(CorefConfig(nominals=nominals))(doc)

    return run


def _extents(doc: Document, kind: MentionKind) -> list[str]:
    return [doc.text[m.np_start : m.np_end] for m in doc.mentions if m.kind == kind and m.np_start >= 0]


@pytest.mark.slow
def test_person_nouns_become_unlinked_nominals_with_whole_extents(analyse):
    doc = analyse("The surgeons who had come from London waited. Nobody spoke to the chairs.")
    nominals = [m for m in doc.mentions if m.kind == MentionKind.NOMINAL]
    assert "The surgeons who had come from London" in _extents(doc, MentionKind.NOMINAL)
    assert "Nobody" in _extents(doc, MentionKind.NOMINAL)
    assert all(m.character_id is None and m.end_token_excl - m.start_token == 1 for m in nominals)
    assert not any("chairs" in m.text for m in nominals)  # not a person noun
    off = analyse("The surgeons who had come from London waited.", nominals=False)
    assert not [m for m in off.mentions if m.kind == MentionKind.NOMINAL and "surgeons" in m.text]


@pytest.mark.slow
def test_a_name_extent_stops_at_a_comma_and_a_conjunct(analyse):
    doc = analyse("Annie Grey, who was only five, ran off. Tom Hardy and Mary Smith stayed home.")
    names = _extents(doc, MentionKind.NAME)
    assert "Annie Grey" in names and "Tom Hardy" in names and "Mary Smith" in names
    assert not any("," in n or " and " in n for n in names)


@pytest.mark.slow
def test_plural_pronouns_chain_into_groups(analyse):
    doc = analyse(
        "The soldiers marched in. They sat down and they ate their bread.\n\n"
        "Much later the farmers came. We watched them.\n\nWe left at dawn."
    )
    plural = [m for m in doc.mentions if m.text.lower() in ("they", "their", "we")]
    groups = [m.group for m in plural]
    assert groups[0] is not None and groups[0] == groups[1] == groups[2]  # they, they, their
    soldiers = next(m for m in doc.mentions if m.text == "soldiers")
    assert soldiers.group == groups[0]  # "The soldiers marched in. They sat down"
    we = [m for m in plural if m.text == "We"]
    assert len(we) == 2 and we[0].group == we[1].group and we[0].group != groups[0]
    assert all(m.character_id is None for m in plural)
    # "them" two sentences after the last "they" is not the soldiers but the farmers.
    them = next(m for m in doc.mentions if m.text == "them")
    farmers = next(m for m in doc.mentions if m.text == "farmers")
    assert them.group is not None and them.group == farmers.group != groups[0]


@pytest.mark.slow
def test_a_paragraphs_unresolved_quoted_you_is_one_group(analyse):
    doc = analyse('"You came back," said a voice. "I thought you had gone."\n\n"Did you?"')
    you = [m for m in doc.mentions if m.text.lower() == "you" and m.character_id is None]
    assert len(you) == 3
    assert you[0].group is not None and you[0].group == you[1].group  # one paragraph
    assert you[2].group is None  # alone in its paragraph


@pytest.mark.slow
def test_the_same_definite_description_in_a_scene_is_one_group(analyse):
    doc = analyse("The old surgeon came in. Rain fell on the roof. The old surgeon sat down. A surgeon left.")
    surgeons = [m for m in doc.mentions if m.text.lower() == "surgeon"]
    assert len(surgeons) == 3
    assert surgeons[0].group is not None and surgeons[0].group == surgeons[1].group
    assert surgeons[2].group != surgeons[0].group  # "a surgeon" is someone new


@pytest.mark.slow
def test_one_characters_possessed_relative_is_one_group(analyse):
    doc = analyse(
        "Tom Hardy walked home. His father was waiting at the gate. "
        "Tom Hardy waved, and his father waved back.\n\n"
        "Mary Smith came in. Her father was ill."
    )
    fathers = [m for m in doc.mentions if m.kind == MentionKind.NOMINAL and "father" in m.text.lower()]
    assert len(fathers) == 3
    assert fathers[0].group is not None and fathers[0].group == fathers[1].group  # Tom's father twice
    assert fathers[2].group != fathers[0].group  # Mary's father is someone else


@pytest.mark.slow
def test_a_definite_description_continues_the_indefinite_one(analyse):
    doc = analyse("A young woman came in. Rain fell on the roof. The young woman sat down.")
    women = [m for m in doc.mentions if m.kind == MentionKind.NOMINAL and "woman" in m.text.lower()]
    assert len(women) == 2 and women[0].group is not None and women[0].group == women[1].group


def test_a_phrase_extent_stops_at_a_sentence_mark_on_its_left():
    from ficlens.model import Token
    from ficlens.stages.coref_mentions import children_of, phrase_extent

    # A misparse that hangs "Boh !" on the name: the extent starts after the "!".
    words = [("Boh", "INTJ", 2), ("!", "PUNCT", 2), ("Madam", "PROPN", 3), ("Mope", "PROPN", 3)]
    tokens, pos = [], 0
    for i, (w, p, h) in enumerate(words):
        tokens.append(Token(i, pos, pos + len(w), w, w, p, p, "dep", h if i != 3 else 3, 0, 0))
        pos += len(w) + 1
    assert phrase_extent(tokens, children_of(tokens), 3, [False] * 4) == (2, 4)


@pytest.mark.slow
def test_a_few_narration_i_with_no_narrator_are_one_group(analyse):
    doc = analyse(
        "Anna Grey lived by the sea. I saw her once. She walked along the beach every morning, "
        "and the fishermen knew her well. Her brother Tom kept a boat. Tom fished; Anna mended nets. "
        "They were happy there, as far as my story goes."
    )
    mine = [m for m in doc.mentions if m.text in ("I", "my")]
    assert len(mine) == 2 and all(m.character_id is None for m in mine)  # too few for a narrator
    assert mine[0].group is not None and mine[0].group == mine[1].group
