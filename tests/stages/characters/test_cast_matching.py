"""Matching a cast and AO3 tags to the text (``characters/cast.py``): seeds, aliases, misspelt names."""

from __future__ import annotations

import pytest

from ficlens.model import Gender


@pytest.mark.slow
def test_cast_seeding_merges_disambiguated_tag(analyse):
    text = "Castiel looked up at the sky.\n\nDean Winchester handed Castiel a beer. Castiel frowned."
    doc = analyse(text, metadata={"characters": ["Castiel (Supernatural)"], "relationships": ["Castiel/Dean Winchester"]})
    cas = [c for c in doc.characters if c.name == "Castiel"]
    assert len(cas) == 1 and cas[0].from_cast and cas[0].mentions == 3
    dean = [c for c in doc.characters if c.name == "Dean Winchester"]
    assert len(dean) == 1 and dean[0].from_cast


@pytest.mark.slow
def test_tagged_full_name_merges_with_the_first_name_in_the_text(analyse):
    # AO3 tags a full name; the story mostly uses the first name.
    text = "Hermione opened the book. Ron watched her read.\n\nHermione sighed and turned the page."
    doc = analyse(text, metadata={"characters": ["Hermione Granger", "Ron Weasley"]})
    hermione = [c for c in doc.characters if "Hermione" in c.aliases or c.name.startswith("Hermione")]
    assert len(hermione) == 1
    assert hermione[0].name == "Hermione Granger" and hermione[0].from_cast
    assert "Hermione" in hermione[0].aliases
    first = next(m for m in doc.mentions if m.start == 0)
    assert (first.text, first.character_id) == ("Hermione", hermione[0].id)


class _Member:
    def __init__(self, name: str, aliases: tuple[str, ...], gender: str) -> None:
        self.name, self.aliases, self.gender = name, aliases, gender


@pytest.mark.slow
def test_cast_aliases_and_gender(analyse):
    text = "Aziraphale poured the tea. The angel smiled. Crowley slouched in.\n\nAziraphale sighed."
    doc = analyse(text, cast=[_Member("Aziraphale", ("the angel",), "male"), _Member("Crowley", (), "unknown")])
    azi = next(c for c in doc.characters if c.name == "Aziraphale")
    # "Aziraphale" twice and "The angel", the alias the cast gives him
    assert azi.from_cast and azi.gender == Gender.MALE and azi.mentions == 3


@pytest.mark.slow
def test_a_cast_member_named_by_a_role_takes_every_mention_of_it(analyse):
    # Tagged once only: without the cast, one "said the croupier" makes no character.
    text = (
        '"Place your bets," said the croupier. Mara pushed her chips forward.\n\n'
        "The croupier spun the wheel and Mara held her breath."
    )
    doc = analyse(text, cast=[_Member("The Croupier", (), "unknown"), _Member("Mara", (), "female")])
    croupier = next(c for c in doc.characters if c.name == "The Croupier")
    assert croupier.from_cast and croupier.mentions == 2
    assert [c.name for c in doc.characters if not c.from_cast] == []


@pytest.mark.slow
def test_a_description_the_cast_gives_as_an_alias_joins_that_member(analyse):
    # "Magistrate Sahib" makes "Magistrate" a name of its own, apart from the cast's alias.
    text = (
        '"Good evening, Magistrate Sahib," said Ravi. The Magistrate nodded.\n\n'
        '"We must keep order," said the Magistrate.\n\n'
        '"Quite so," the Magistrate said again. Mr. Burrows was tired.'
    )
    doc = analyse(text, cast=[_Member("Mr. Burrows", ("The Magistrate",), "male"), _Member("Ravi", (), "male")])
    burrows = next(c for c in doc.characters if c.name == "Mr. Burrows")
    assert burrows.mentions == 5
    assert [c.name for c in doc.characters if not c.from_cast] == []


@pytest.mark.slow
def test_a_cast_name_spelt_a_little_differently_still_finds_its_member(analyse):
    # A user's cast (CC0, our words) misspells two names; other names are only near one.
    text = (
        '"Good morning," said Nawab Bahadur. Mrs. Braddock bowed to him.\n\n'
        '"Good morning," said Mrs. Braddock. Nawab Bahadur smiled. Jonas Mellor watched them.\n\n'
        '"Tea," said Walter to the waiter. The Millers came in.'
    )
    cast = [
        _Member("The Nawab Badahur", (), "male"),
        _Member("Mrs. Bradock", (), "female"),
        _Member("Jonah Miller", ("Miller",), "male"),
        _Member("The Waiter", ("Waiter",), "male"),
    ]
    doc = analyse(text, cast=cast)
    by_name = {c.name: c for c in doc.characters}
    assert by_name["The Nawab Badahur"].mentions == 2
    assert by_name["Mrs. Bradock"].mentions == 2
    # two words off is not a misspelling, a plural is not one, and "Walter" is no "waiter"
    assert by_name["Jonah Miller"].mentions == 0
    assert "Walter" in by_name and by_name["The Waiter"].mentions == 1


def test_a_site_character_list_with_surname_initials_seeds_no_character() -> None:
    # fanfiction.net lists "Harry P."; the story writes "Harry Potter": no empty second Harry.
    from ficlens.stages.characters.cast import cast_seeds

    seeds = cast_seeds([], {"characters": ["Harry P.", "Draco Malfoy"], "relationships": ["Ron W./Hermione G."]})
    assert [seed.name for seed in seeds] == ["Draco Malfoy"]
