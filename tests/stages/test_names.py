"""Name helpers (``ficlens.stages.names``): honorifics, nicknames and pet forms, AO3 tags."""

from __future__ import annotations

import pytest

from ficlens.stages.names import (
    diminutive_of,
    pet_form,
    split_name,
    split_relationship,
    strip_disambiguator,
)


@pytest.mark.parametrize(
    ("text", "parts"),
    [
        ("Miss Elizabeth Bennet", ("miss", ("Elizabeth", "Bennet"))),  # honorific + full name
        ("Mr. Darcy", ("mr", ("Darcy",))),  # dotted honorific
        ("Castiel", (None, ("Castiel",))),  # a single name
    ],
)
def test_split_name(text, parts):
    got = split_name(text)
    assert (got.honorific, got.words) == parts


def test_nicknames_are_directional():
    assert diminutive_of("Lizzy", "Elizabeth")
    assert not diminutive_of("Louisa", "Eliza")  # the table chains Louisa -> Eliza -> Elizabeth


@pytest.mark.parametrize(
    ("a", "b", "same"),
    [
        ("kit", "kitty", True),  # not in the nickname table
        ("reg", "reggie", True),  # doubled consonant + "ie"
        ("bert", "bertie", True),
        ("kitty", "kit", True),  # either order
        ("jo", "joey", False),  # two-letter stems are left to the table
        ("ann", "anne", False),  # "e" is not a pet ending
        ("kit", "kitt", False),
        ("mara", "marabelle", False),
    ],
)
def test_pet_forms(a, b, same):
    assert pet_form(a, b) is same
    if same:  # a lone word joins a longer pet form, not a shorter one
        assert diminutive_of(a.title(), b.title()) is (len(a) < len(b))


def test_ao3_tags():
    assert strip_disambiguator("Castiel (Supernatural)") == "Castiel"
    assert split_relationship("Harry Potter/Draco Malfoy") == ["Harry Potter", "Draco Malfoy"]
    assert split_relationship("Aziraphale & Crowley (Good Omens)") == ["Aziraphale", "Crowley"]
