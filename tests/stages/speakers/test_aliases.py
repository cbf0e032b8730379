"""Character lookup by alias text (``speakers/aliases.py``; no spaCy)."""

from __future__ import annotations

import pytest

from ficlens.model import Character, Gender
from ficlens.stages.speakers.aliases import AliasLookup, normalise


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Margaret--", "margaret"),  # a dash glued on by the tag ("said Margaret--")
        ("The Beadle.", "beadle"),  # articles and full stops
        ("Mr. Bennet", "mr bennet"),
        ("Teddy, ", "teddy"),  # punctuation at the ends of words
        ("", ""),
    ],
)
def test_normalise(text, expected):
    assert normalise(text) == expected


def test_function_words_of_a_description_name_nobody():
    names = AliasLookup([Character(id="C0", name="The Clerk At The Trial"), Character(id="C1", name="Margaret")])
    assert names.lookup("At") == ()  # "At sight of ..." names nobody
    assert names.lookup("the clerk") == ("C0",)
    assert names.lookup("Margaret--") == ("C1",)
    assert names.alias_owners("the clerk at the trial") == {"C0"} and names.alias_owners("the clerk") == set()


def test_a_title_says_the_gender():
    cast = [
        Character(id="C0", name="Mr. Bennet", gender=Gender.MALE, aliases=("Bennet",)),
        Character(id="C1", name="Mrs. Bennet", gender=Gender.FEMALE),
        Character(id="C2", name="Jane Bennet", gender=Gender.FEMALE),
    ]
    names = AliasLookup(cast)
    assert names.lookup("Bennet") == ("C0",)  # a full alias first
    assert names.lookup("Mrs Bennet") == ("C1",)  # her full name
    assert names.lookup("Miss Bennet") == ("C1", "C2")  # the women among the Bennets
    assert names.lookup("Sir Bennet") == ("C0",)
    assert names.lookup("Miss Jane") == ("C2",)
    assert names.lookup("Mr. Darcy") == ()  # a word nobody's name holds
