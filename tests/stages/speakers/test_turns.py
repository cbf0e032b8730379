"""Speaking turns: pieces grouped into turns, actors, vocatives and words of address
(``speakers/turns.py``)."""

from __future__ import annotations

import pytest

from ficlens.model import Character, Evidence, Gender

pytestmark = pytest.mark.slow

TOM_ANNA = (("Tom", Gender.MALE), ("Anna", Gender.FEMALE))
HOWARDS = (("Margaret", Gender.FEMALE), ("Dolly", Gender.FEMALE), ("Charles", Gender.MALE), ("Cecil", Gender.MALE))


@pytest.mark.rules_only
def test_quote_broken_by_action(build, speakers):
    # No speech verb: the man who acts in the paragraph speaks both pieces. (The shipped ranker
    # gives both to Marie, named in the paragraph before: it trusts an unresolved "He" acting
    # less than salience.)
    text = 'Marie sits by the window.\n\n"Wait..." He turns. "You came back?"'
    doc = speakers(build(text, (("Teddy", Gender.MALE), ("Marie", Gender.FEMALE))))
    assert [q.speaker_id for q in doc.quotes] == ["C0", "C0"]
    assert all(q.evidence == Evidence.IMPLICIT for q in doc.quotes)


@pytest.mark.parametrize(
    "continues",
    [
        None,  # pieces only share a paragraph
        {1: 0},  # the quotes stage linked the second piece to the first
    ],
)
def test_tag_between_two_pieces(build, speakers, continues):
    text = 'Tom looked at Anna.\n\n"Well," she said, "I never."'
    doc = speakers(build(text, TOM_ANNA, continues))
    assert [q.speaker_id for q in doc.quotes] == ["C1", "C1"]
    assert [c.quotes for c in doc.characters] == [0, 1 if continues else 2]


def test_pieces_are_grouped_into_turns(build, rules):
    # One paragraph, one tag: one turn; a linked piece whose own tag names someone else: two.
    one = rules.turns(build('Tom looked at Anna.\n\n"Well," she said, "I never."', TOM_ANNA))
    assert [t.quotes for t in one] == [[0, 1]]
    text = 'Charles came in.\n\n"Schlegels again!" cried Charles, and Dolly said, "Oh no, the matron wrote."'
    two = rules.turns(build(text, HOWARDS, continues={1: 0}))
    assert [t.quotes for t in two] == [[0], [1]]


def test_linked_pieces_with_two_named_tags_are_two_turns(build, speakers):
    # The quotes stage linked a reply as a continuation; its own tag names someone else.
    text = 'Charles came in.\n\n"Schlegels again!" cried Charles, and Dolly said, "Oh no, the matron wrote."'
    doc = speakers(build(text, HOWARDS, continues={1: 0}))
    assert [q.speaker_id for q in doc.quotes] == ["C2", "C1"]


def test_actors_vocatives_and_names_of_a_turn(build, rules):
    text = 'Tom sat down.\n\nAnna looked up. "Tom, did you see Ruth?"'
    cast = (*TOM_ANNA, ("Ruth", Gender.FEMALE))
    [turn] = rules.turns(build(text, cast))
    assert [r.ids for r in turn.actors] == [("C1",)]  # Anna looked up
    assert [r.ids for r in turn.prev_actors] == [("C0",)]  # the narration paragraph before
    assert turn.vocatives == ["C0"] and turn.named == {"C0", "C2"}


def test_vocative_addressee(build, speakers):
    text = 'Teddy and Marie and Jo waited.\n\n"Teddy, stop," said Marie.'
    cast = (("Teddy", Gender.MALE), ("Marie", Gender.FEMALE), ("Jo", Gender.FEMALE))
    q = speakers(build(text, cast)).quotes[0]
    assert (q.speaker_id, q.addressee_ids) == ("C1", ("C0",))


def test_vocative_at_end_names_next_speaker(build, speakers):
    # "Come here, Marcus!" makes Marcus the addressee and the likely next speaker.
    text = 'Lena, Marcus and Paul sat by the fire.\n\n"Come here, Marcus!" Lena called.\n\n"Why?"'
    cast = (("Lena", Gender.FEMALE), ("Marcus", Gender.MALE), ("Paul", Gender.MALE))
    doc = speakers(build(text, cast))
    assert doc.quotes[0].addressee_ids == ("C1",)
    assert doc.quotes[1].speaker_id == "C1"


def test_words_of_address_say_the_listeners_gender(build, rules):
    # Our own words (CC0). "sir" and "my dear girl" address a man and a woman; "Sir Walter," is
    # a name and "a good fellow" no address at all.
    text = (
        'Anna, Tom and Ruth sat in the kitchen.\n\n"Will you stay, sir?" asked Ruth.\n\n"Only an hour."'
        '\n\n"Oh, my dear girl, sit down."\n\n"Sir Walter, come in."\n\n"He is a good fellow."'
    )
    cast = (("Anna", Gender.FEMALE), ("Tom", Gender.MALE), ("Ruth", Gender.FEMALE))
    turns = rules.turns(build(text, cast))
    assert [t.addressed for t in turns] == [{Gender.MALE}, set(), {Gender.FEMALE}, set(), set()]
    # The answer to "sir" comes from a man; the line "my dear girl" answers, a woman's.
    answer = turns[1].features
    assert answer["C1"]["address_prev"] == 1.0 and answer["C0"]["address_prev"] == -1.0
    assert answer["C1"]["address_next"] == -1.0 and answer["C0"]["address_next"] == 1.0


def test_two_person_exchange_addressee(build, speakers):
    text = 'Anna met Tom.\n\n"Hello," said Anna.\n\n"Hi," said Tom.'
    doc = speakers(build(text, (("Anna", Gender.FEMALE), ("Tom", Gender.MALE))))
    assert [(q.speaker_id, q.addressee_ids) for q in doc.quotes] == [("C0", ("C1",)), ("C1", ("C0",))]


def test_first_person_narrator(build, speakers):
    cast = (Character(id="C0", name="Nick", gender=Gender.MALE, is_narrator=True), ("Daisy", Gender.FEMALE))
    doc = speakers(build('Daisy poured the tea.\n\n"I will stay," I said. "You know me."', cast))
    assert [q.speaker_id for q in doc.quotes] == ["C0", "C0"]
    assert doc.quotes[0].evidence == Evidence.ANAPHORIC
