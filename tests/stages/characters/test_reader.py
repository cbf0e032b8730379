"""The Reader (``characters/reader.py``): Y/N placeholders, and the one function that makes the character."""

from __future__ import annotations

import pytest

from ficlens.model import Character, Gender
from ficlens.stages.characters.reader import READER_NAME, reader_character


@pytest.mark.slow
def test_reader_placeholder(analyse):
    text = "You open the door. Y/N, he says, you came.\n\nHe smiles at (y/n)."
    doc = analyse(text)
    reader = [c for c in doc.characters if c.is_reader]
    assert len(reader) == 1 and reader[0].mentions == 2


def test_reader_character_is_the_one_reader():
    # The coref stage's second-person Reader: only the id is given.
    assert reader_character("C3") == Character(id="C3", name=READER_NAME, is_reader=True)
    # The characters stage's Y/N Reader carries what its cluster found.
    reader = reader_character("C0", ("Y/N",), Gender.FEMALE, 0.5, 2)
    assert (reader.name, reader.aliases, reader.mentions) == ("Reader", ("Y/N",), 2)
    assert reader.is_reader and not reader.from_cast and not reader.is_narrator


@pytest.mark.slow
def test_the_stage_reader_is_made_by_reader_character(analyse):
    doc = analyse("Y/N opened the door. He smiled at Y/N.")
    (reader,) = [c for c in doc.characters if c.is_reader]
    expected = reader_character(reader.id, reader.aliases, reader.gender, reader.gender_confidence, reader.mentions)
    assert reader == expected
