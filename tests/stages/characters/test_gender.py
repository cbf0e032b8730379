"""A name's gender from local evidence (issue 22, item 2): ``stages/characters/gender.py``.

The stories are written for these tests and are CC0 (public domain).
"""

from __future__ import annotations

import pytest

from ficlens.model import Gender
from ficlens.stages.characters.gender import noun_gender


def test_person_nouns_say_a_gender():
    assert noun_gender("guy") == Gender.MALE
    assert noun_gender("policewoman") == Gender.FEMALE
    assert noun_gender("brother") == Gender.MALE
    assert noun_gender("human") == Gender.UNKNOWN
    assert noun_gender("receptionist") == Gender.UNKNOWN


@pytest.mark.slow
def test_a_gendered_noun_beside_a_name_tells_its_gender(analyse, by_alias):
    text = (
        "The band met on Monday. Kevin, another tall guy with scary eyebrows, joined them.\n\n"
        "Teyla, the new woman on the team, waited by the door. Teyla smiled at the band."
    )
    doc = analyse(text)
    assert by_alias(doc, "Kevin").gender == Gender.MALE
    assert by_alias(doc, "Teyla").gender == Gender.FEMALE


@pytest.mark.slow
def test_the_subject_of_the_next_sentence_tells_a_lone_name_s_gender(analyse, by_alias):
    text = "The hall was cold. Teyla nodded thoughtfully. She did not speak again.\n\nTeyla watched the fire go out."
    doc = analyse(text)
    assert by_alias(doc, "Teyla").gender == Gender.FEMALE


@pytest.mark.slow
def test_a_pronoun_in_a_subordinate_clause_is_someone_else(analyse, by_alias):
    text = (
        "The shore was far behind. Perhaps Doctor Mandelet would have understood if she had seen him.\n\n"
        "The water was cold."
    )
    doc = analyse(text)
    assert by_alias(doc, "Doctor Mandelet").gender != Gender.FEMALE


@pytest.mark.slow
def test_a_possessive_inside_a_noun_describing_the_name_is_someone_else_s(analyse, by_alias):
    # "his" in "Teyla, his sister" and "Teyla was his sister" is Jack's; the noun is hers.
    doc = analyse("Jack waited at the station. Teyla, his sister, came late. They walked home.")
    assert by_alias(doc, "Teyla").gender == Gender.FEMALE
    doc = analyse("Teyla was his sister. Jack smiled and took the bags.")
    assert by_alias(doc, "Teyla").gender == Gender.FEMALE


@pytest.mark.slow
def test_the_subject_of_an_adverbial_clause_on_the_name_s_verb_is_the_name(analyse, by_alias):
    doc = analyse("The village was quiet. Rumour said that Kagami had taken Sasuke and Naruto when he left.")
    assert by_alias(doc, "Kagami").gender == Gender.MALE
