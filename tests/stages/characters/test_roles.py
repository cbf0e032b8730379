"""Characters known by a role or title (``characters/roles.py``): "said the croupier", "the General"."""

from __future__ import annotations

import pytest

from ficlens.model import Gender

ROLES = (
    '"Your stake, sir," said the croupier.\n\n'
    '"Red again," said the General, and he frowned.\n\n'
    '"The wheel is honest," the croupier said. "Place your bets."\n\n'
    '"I do not doubt it," said the General. The General pushed his last coins forward.\n\n'
    '"Tea?" asked the waiter, once, and went away.'
)


@pytest.mark.slow
def test_recurring_title_and_role_speakers_are_characters(analyse, by_alias):
    doc = analyse(ROLES)
    general = by_alias(doc, "the General")
    assert general.mentions == 3  # two speech tags and one more "the General" in narration
    croupier = by_alias(doc, "the croupier")
    assert croupier.id != general.id
    assert not [c for c in doc.characters if "the waiter" in c.aliases]  # said once: not enough
    assert general.gender == Gender.UNKNOWN  # a General may be anyone until coref says "he"


# Our own text (CC0): the porter is named beside his role twice; the ferryman only once.
PORTER = (
    "Mr. Grimble, the porter, opened the gate at six.\n\n"
    '"Who goes there?" said the porter.\n\n'
    '"Only me," said Nell.\n\n'
    "At dusk Mr. Grimble, the porter, locked the gate again.\n\n"
    '"Goodnight, Nell," said the porter.'
)

FERRYMAN = (
    "Mr. Hobb, the ferryman, pushed off from the bank.\n\n"
    '"Mind the rope," said the ferryman.\n\n'
    '"I will," said Nell.\n\n'
    '"Sit still now," said the ferryman.'
)


@pytest.mark.slow
@pytest.mark.parametrize(("text", "name", "role", "joined"), [(PORTER, "Mr. Grimble", "the porter", True), (FERRYMAN, "Mr. Hobb", "the ferryman", False)])
def test_a_role_set_twice_beside_a_name_is_that_character(analyse, by_alias, text, name, role, joined):
    doc = analyse(text)
    assert (by_alias(doc, role).id == by_alias(doc, name).id) is joined


@pytest.mark.slow
def test_the_title_goes_to_the_holder_who_bears_it_throughout(analyse, by_alias):
    # Our own text (CC0): Colonel Ashby is the colonel of the story; Colonel Pell is named once.
    text = (
        "Colonel Ashby rode ahead. Colonel Ashby knew the road. Colonel Pell had once said it flooded.\n\n"
        "Colonel Ashby stopped at the ford. Colonel Ashby looked back, and Colonel Ashby waved.\n\n"
        '"Water is high," said the Colonel.\n\n'
        '"Then we wait," said Tam.\n\n'
        '"We cross," said the Colonel.'
    )
    doc = analyse(text)
    assert by_alias(doc, "the Colonel").id == by_alias(doc, "Colonel Ashby").id != by_alias(doc, "Colonel Pell").id


@pytest.mark.slow
def test_a_gendered_role_that_speaks_once_is_a_character(analyse):
    # One "said the wizard" makes a character known by that role, with the noun's gender;
    # "the pressure" and "the latter" that "said" nothing of a person stay no one.
    text = (
        'Amy opened the door. Two strangers stood there. "We have come for you," said the wizard.\n\n'
        '"Who are you?" Amy asked. The pressure in her head grew.\n\n'
        '"Friends," the wizard answered. Amy shut the door.'
    )
    doc = analyse(text)
    role = [c for c in doc.characters if c.found_by == "role"]
    assert [(c.name, str(c.gender)) for c in role] == [("the wizard", "male")]


@pytest.fixture(scope="module")
def described(nlp, straight_quotes):
    """The characters stage with described characters on (``CharacterConfig.described``)."""
    from ficlens.model import Document
    from ficlens.stages.characters import CharacterConfig, CharacterStage
    from ficlens.stages.segment import SegmentConfig, SegmentStage

    segment = SegmentStage(SegmentConfig(), nlp)

    def run(text: str, guard: bool = True, cast: list | None = None) -> Document:
        doc = segment(Document(text=text))
        doc.quotes = straight_quotes(text)
        return CharacterStage(CharacterConfig(described=True, described_guard=guard), cast=cast)(doc)

    return run


# Our own text (CC0): speakers known only by a description, and ones the text shows are a
# named character.
DESCRIBED = (
    "Nell reached the farm at noon. The old farmer was mending a fence.\n\n"
    '"You are late," said the old farmer.\n\n'
    '"The bus was slow," Nell said.\n\n'
    '"Come in, then," my uncle replied, and the old farmer went back to his fence.'
)

NAMED_BY_TEXT = (
    "Mrs. Bell, my mother, stood at the door. Dr. Amos Reed waited in the hall.\n\n"
    '"Supper is cold," my mother said.\n\n'
    '"Then we eat it cold," said the doctor.'
)


@pytest.mark.slow
def test_a_described_speaker_is_a_character_named_as_written(described, by_alias):
    doc = described(DESCRIBED)
    old = by_alias(doc, "the old farmer")
    # narration, tag, narration; a farmer may be anyone until coref says "he"
    assert (old.found_by, old.gender, old.mentions) == ("role", Gender.UNKNOWN, 3)
    uncle = by_alias(doc, "my uncle")
    assert uncle.id != old.id and uncle.gender == Gender.MALE


@pytest.mark.slow
def test_beside_a_users_cast_a_description_is_no_character_of_its_own(described):
    # The user listed who is in the story: "the old farmer" is one of them or no one.
    from ficlens.cast import CastMember

    doc = described(DESCRIBED, cast=[CastMember("Nell"), CastMember("Uncle Ted")])
    assert "the old farmer" not in {c.name for c in doc.characters}
    assert "Nell" in {c.name for c in doc.characters}


@pytest.mark.slow
def test_a_description_the_text_gives_to_a_name_is_that_character(described, by_alias):
    doc = described(NAMED_BY_TEXT)
    # the apposition, and the one holder of the title
    assert by_alias(doc, "my mother").id == by_alias(doc, "Mrs. Bell").id
    assert by_alias(doc, "the doctor").id == by_alias(doc, "Dr. Amos Reed").id


@pytest.mark.slow
def test_without_the_guard_the_descriptions_stand_apart(described):
    doc = described(NAMED_BY_TEXT, guard=False)
    assert {c.name for c in doc.characters if c.found_by == "role"} == {"my mother", "the doctor"}


@pytest.mark.slow
def test_an_epithet_or_another_characters_relative_is_no_new_character(described):
    # "the young man" and "her mother" are mostly a named character seen from outside or
    # someone's named relative: no character is made of them.
    text = (
        'Rosa sat by the window. "It is late," said the young man.\n\n'
        '"Go to bed," her mother said, and Rosa went.'
    )
    doc = described(text)
    assert not [c.name for c in doc.characters if c.found_by == "role"]


@pytest.mark.slow
def test_the_title_holder_named_nearby_is_the_speaker(described, by_alias):
    # Our own text (CC0): two doctors, so "the doctor" is whichever the scene has just named.
    text = (
        "Dr. Reed came at nine. Dr. Reed looked at the boy.\n\n"
        '"A fever," said the doctor.\n\n'
        + "The day went by.\n\n" * 8
        + "Dr. Amos came at night. Dr. Amos sat down.\n\n"
        '"Still a fever," said the doctor.'
    )
    doc = described(text)
    reed, amos = by_alias(doc, "Dr. Reed"), by_alias(doc, "Dr. Amos")
    assert reed.id != amos.id and reed.mentions == amos.mentions == 3
    assert not [c for c in doc.characters if c.found_by == "role"]


@pytest.fixture(scope="module")
def described_tagged(nlp, straight_quotes):
    """The characters stage with described characters on, on a text with AO3 tags."""
    from ficlens.model import Document
    from ficlens.stages.characters import CharacterConfig, CharacterStage
    from ficlens.stages.segment import SegmentConfig, SegmentStage

    segment = SegmentStage(SegmentConfig(), nlp)

    def run(text: str, tags: list[str]) -> Document:
        doc = segment(Document(text=text, metadata={"characters": tags}))
        doc.quotes = straight_quotes(text)
        return CharacterStage(CharacterConfig(described=True))(doc)

    return run


@pytest.mark.slow
def test_a_title_an_unnamed_tag_holds_makes_no_described_character(described_tagged):
    # Our own text (CC0). The work is tagged "Marshal Okafor"; the text calls him only "Ben"
    # and "the marshal", and nothing in it says Ben is Okafor. "said the marshal" is neither a
    # new character nor the tag (which would take Ben's lines): coref reads it as before.
    text = (
        "Ben parked the truck by the river. Wes climbed down after him.\n\n"
        '"Stay close," the marshal said.\n\n'
        '"I always do," Wes said.\n\n'
        "Ben checked the lock twice. The marshal sat back and waited."
    )
    doc = described_tagged(text, ["Marshal Okafor", "Wes Hollis"])
    names = {c.name for c in doc.characters}
    assert "the marshal" not in names and "Marshal Okafor" not in names
    assert {"Ben", "Wes Hollis"} <= names


@pytest.mark.slow
def test_the_doctor_before_the_title_holder_is_named_is_someone_else(described, by_alias):
    # Our own text (CC0): a doctor at a birth, chapters before Dr. Reed comes into the story.
    # The one holder of the title is "the doctor" only where the story has him.
    text = (
        '"A boy," said the doctor, and went home.\n\n'
        + "Years went by.\n\n" * 10
        + "Dr. Reed came at nine. Dr. Reed looked at the boy.\n\n"
        '"A fever," said the doctor.'
    )
    doc = described(text)
    reed = by_alias(doc, "Dr. Reed")
    early = [c for c in doc.characters if c.found_by == "role"]
    assert [c.name for c in early] == ["the doctor"] and early[0].mentions == 1
    assert reed.mentions == 3
