"""Linking two names by how the dialogue answers them (``characters/address.py``)."""

from __future__ import annotations

from dataclasses import replace

import pytest

from ficlens.model import Document
from ficlens.stages.characters import CharacterConfig, CharacterStage
from ficlens.stages.segment import SegmentConfig, SegmentStage

# Our own words (CC0): the innkeeper is addressed by his name and answers as "the innkeeper".
INNKEEPER = (
    "Wren came into the inn out of the rain.\n\n"
    '"Tobias, is there a room?" asked Wren.\n\n'
    '"One left, under the roof," said the innkeeper.\n\n'
    '"Tobias, I will take it," said Wren.\n\n'
    '"Two shillings," said the innkeeper.\n\n'
    '"You are a thief, Tobias," said Wren.\n\n'
    '"So they tell me," said the innkeeper, and he laughed.\n\n'
    "Tobias carried her bag up the stairs."
)


@pytest.fixture(scope="module")
def analyse_paragraphs(nlp, straight_quotes):
    """``analyse`` with each quote in its paragraph (the fixture's quotes all say 0)."""
    segment = SegmentStage(SegmentConfig(), nlp)

    def run(text: str) -> Document:
        doc = segment(Document(text=text))
        doc.quotes = [
            replace(q, paragraph=next(p.id for p in doc.paragraphs if p.start <= q.start < p.end))
            for q in straight_quotes(text)
        ]
        return CharacterStage(CharacterConfig())(doc)

    return run


@pytest.mark.slow
def test_a_name_answered_by_an_epithet_is_one_character(analyse_paragraphs, by_alias):
    doc = analyse_paragraphs(INNKEEPER)
    tobias = by_alias(doc, "Tobias")
    assert "the innkeeper" in tobias.aliases
    assert by_alias(doc, "Wren").id != tobias.id


@pytest.mark.slow
def test_the_epithet_that_addresses_the_name_stays_apart(analyse_paragraphs, by_alias):
    # The innkeeper calls Tobias by name: two people, however often Tobias's name is answered.
    text = INNKEEPER.replace(
        "Tobias carried", '"Tobias, take the lady\'s bag," said the innkeeper.\n\nTobias carried'
    )
    doc = analyse_paragraphs(text)
    assert by_alias(doc, "Tobias").id != by_alias(doc, "the innkeeper").id
