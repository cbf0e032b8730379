"""Which name forms are people (``characters/persons.py``, ``evidence.py``): grammar beats labels; places, families, groups and months are not people."""

from __future__ import annotations

import pytest

from ficlens.model import Gender


@pytest.mark.slow
def test_places_are_not_characters(analyse):
    text = (
        "Anna Grey lived at Netherfield. She walked to Meryton every day.\n\n"
        "At Netherfield the rooms were cold. In Meryton Anna bought ribbons. Anna went home to Netherfield."
    )
    doc = analyse(text)
    assert "Netherfield" not in {a for c in doc.characters for a in c.aliases}
    assert any(c.name == "Anna Grey" for c in doc.characters)


HEADLAND = (
    "The beacon on Dunmore Head had been dark for years.\n\n"
    "Tobin noticed the boat first. Tobin knew the tide was wrong, and Tobin feared it. "
    "Tobin ran down to the jetty.\n\n"
    '"Dunmore, Dunmore, this is the harbour," the radio said.\n\n'
    "It was Dunmore or nothing. Tobin waited on the quay."
)


@pytest.mark.slow
def test_subject_of_perception_verbs_is_a_person_and_a_headland_is_a_place(analyse):
    doc = analyse(HEADLAND)
    names = {a for c in doc.characters for a in c.aliases}
    assert "Tobin" in names  # whatever label spaCy gives it: it notices, knows, fears, runs
    assert not names & {"Dunmore", "Dunmore Head"}  # "X Head" names a place, and so does X alone


@pytest.mark.slow
def test_a_name_given_once_makes_a_character(analyse, by_alias):
    text = (
        "The old keeper climbed the stairs with a lamp.\n\n"
        "Everyone on the island called her Isolde, though it was not the name her mother chose.\n\n"
        "She trimmed the wick and sat by the window until dawn."
    )
    doc = analyse(text)
    isolde = by_alias(doc, "Isolde")
    assert isolde.gender == Gender.FEMALE  # "called her Isolde"


NOISE = (
    '"Hullo, are you there?" The line crackled.\n\n'
    '"Splendid," said Martin Ross. "Hullo again."\n\n'
    "The Negroes on the dock sang. The Negroes stopped. Martin Ross hung up the telephone."
)


@pytest.mark.slow
def test_interjections_and_plurals_are_not_characters(analyse):
    doc = analyse(NOISE)
    assert [c.name for c in doc.characters] == ["Martin Ross"]


@pytest.mark.slow
def test_families_and_sentence_initial_words_are_not_names(analyse, by_alias):
    text = (
        "Nora Quill laughed at the window. Whereupon Nora went out, whereupon the rain began.\n\n"
        '"Goodbye," said Nora Quill. The Quills were at dinner.\n\n'
        "The Quills ate in silence. Goodness knows why."
    )
    doc = analyse(text)
    nora = by_alias(doc, "Nora Quill")
    assert "Nora" in nora.aliases and not any("Whereupon" in a for a in nora.aliases)
    assert [c.name for c in doc.characters] == ["Nora Quill"]  # no "Quills", no "Goodness"


@pytest.mark.slow
def test_a_village_is_not_a_person(analyse):
    text = (
        "The hedgerows near the village of Raveloe were nutty. The Raveloe boys feared him. "
        "Raveloe was a village where many old echoes lingered. There were several chiefs in Raveloe "
        "who could farm badly. Silas Marner had first come to Raveloe fifteen years before."
    )
    doc = analyse(text)
    assert "Raveloe" not in {a for c in doc.characters for a in c.aliases}  # PERSON to spaCy


@pytest.mark.slow
def test_a_group_is_not_a_person(analyse):
    text = (
        "The three Brahmins knelt before the god. And the Brahmins heard, and bowed. "
        "The Brahmins watched the stone. Mary Lane watched the Brahmins."
    )
    doc = analyse(text)
    assert "Brahmins" not in {a for c in doc.characters for a in c.aliases}


@pytest.mark.slow
def test_a_speaking_name_ending_in_s_is_one_woman(analyse, by_alias):
    text = (
        '"You must come," said Mrs. Braddocks. "We dine at eight," said Mrs. Braddocks.\n\n'
        "Mrs. Braddock was there too. Braddocks poured the wine and Braddocks said nothing."
    )
    doc = analyse(text)
    wife = by_alias(doc, "Mrs. Braddocks")
    assert wife.gender == Gender.FEMALE
    assert "Braddocks" not in wife.aliases  # the bare surname is her husband's, by convention


@pytest.mark.slow
def test_a_possessive_of_a_personal_noun_makes_a_person(analyse):
    text = (
        "Nobody was surprised when Dallas's engagement was announced. Dallas's laugh rang out. "
        "They spoke of Dallas's marriage and of Dallas's wrath."
    )
    doc = analyse(text)
    assert "Dallas" in {a for c in doc.characters for a in c.aliases}  # GPE to spaCy


@pytest.mark.slow
def test_a_month_that_speaks_is_a_name(analyse, by_alias):
    # Our own text (CC0): "May" is a girl when she speaks and is called; "in June" is a month.
    text = (
        "Tom Reed came back to the farm in June.\n\n"
        '"The hay is in," said May.\n\n'
        '"Good," said Tom Reed. "May, bring the cart round."\n\n'
        '"I will," said May. In June the lane was dry.'
    )
    doc = analyse(text)
    assert by_alias(doc, "May").id != by_alias(doc, "Tom Reed").id
    assert not any("June" in a for c in doc.characters for a in c.aliases)
