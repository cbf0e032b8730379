"""Who is no character (issue 22, item 3): capitalised things nothing shows to be a person,
and the name a speaker gives themself (item 2).

The stories are written for these tests and are CC0 (public domain).
"""

from __future__ import annotations

import pytest


def _names(doc):
    return sorted(c.name for c in doc.characters)


@pytest.mark.slow
def test_a_capitalised_thing_taken_by_a_determiner_is_no_character(analyse):
    text = (
        "Mira Okonkwo walked to the harbour. She did not look at the Kestrel.\n\n"
        '"Still here?" said Tomas. Mira shrugged.\n\n'
        "She was good at not thinking about the Kestrel, and Tomas knew it."
    )
    doc = analyse(text)
    assert "the Kestrel" not in {a for c in doc.characters for a in c.aliases}
    assert {"Mira Okonkwo", "Tomas"} <= set(_names(doc))


@pytest.mark.slow
def test_a_dish_of_common_words_is_no_character_but_a_person_told_something_is(analyse):
    # "pork" is a word the text also writes in lower case; "Hiashi" is named once.
    text = (
        '"Two bowls of Miso Pork!" Naruto shouted. Ayame laughed and went to fetch the pork.\n\n'
        "Later Naruto warned Hiashi about the treaty. The old man frowned.\n\n"
        '"Thank you," said Ayame.'
    )
    doc = analyse(text)
    names = _names(doc)
    assert "Miso Pork" not in names
    assert "Hiashi" in names  # named once, the object of a verb people are told with


@pytest.mark.slow
def test_a_name_a_speaker_gives_themself_is_a_character_with_the_speaker_s_gender(analyse):
    text = (
        "Nadia sat by the bed. People came and went.\n\n"
        "Someone else, the girl from the night desk, stood by the door with a box of tissues, "
        'and eventually said, "I\'m Lottie. I\'m the one who called you."\n\n'
        '"Thank you for calling," Nadia said.'
    )
    doc = analyse(text)
    lottie = next(c for c in doc.characters if c.name == "Lottie")
    assert str(lottie.gender) == "female"


@pytest.mark.slow
def test_a_common_word_the_tagger_reads_as_one_is_no_character_but_a_title_is(analyse):
    text = (
        '"Naruto," Arashi said with a cool and Calm warning tone.\n\n'
        "Naruto sighed and went to see the Headmaster. The Headmaster was asleep at his desk.\n\n"
        '"Sorry," said Naruto.'
    )
    doc = analyse(text)
    names = _names(doc)
    assert "Calm" not in names
    assert any("Headmaster" in c.name for c in doc.characters)
