"""Clustering name forms into characters (``characters/clustering.py``): full names, honorific forms, single words."""

from __future__ import annotations

import pytest

from ficlens.model import Gender


@pytest.mark.slow
def test_a_pet_form_of_a_full_name_joins_it(analyse, by_alias):
    # Written for this test (CC0).
    text = (
        "Kitty Marsh came down the lane with the milk.\n\n"
        '"You are late," said Kitty Marsh.\n\n'
        '"Not so late as you, Kit," said Owen.\n\n'
        '"Kit is never late," said Kit, and laughed.\n\n'
        "John Hale sat by the fire. Johnnie, his small son, brought him a pipe.\n\n"
        '"Thank you, Johnnie," said John Hale.'
    )
    doc = analyse(text)
    kitty = by_alias(doc, "Kitty Marsh")
    assert "Kit" in kitty.aliases
    # a pet form is not joined to the shorter name: the boy is not his father
    assert by_alias(doc, "Johnnie").id != by_alias(doc, "John Hale").id


@pytest.mark.slow
def test_mademoiselle_takes_a_first_name_the_text_uses(analyse):
    # CC0, our words: "Mlle." is one token now, and takes the first name as "Miss" does.
    text = (
        "Blanche Dufresne came down to dinner late. Everyone turned.\n\n"
        '"Good evening," said Mlle. Blanche. Mlle. Blanche sat by the General.\n\n'
        "Blanche laughed at him."
    )
    doc = analyse(text)
    blanche = [c for c in doc.characters if "Blanche" in c.name or "Blanche" in c.aliases]
    assert len(blanche) == 1 and blanche[0].mentions == 4


MARCHETTI = (
    "Lena Marchetti opened her shutters. Lena Marchetti brushed her hair and hummed.\n\n"
    '"Good morning," said Mr. Marchetti. He kissed his wife.\n\n'
    '"You are late," said Mrs. Marchetti.\n\n'
    "Mr. Marchetti laughed. Mrs. Marchetti poured the coffee for herself."
)


@pytest.mark.slow
def test_mrs_joins_the_single_full_name_of_her_gender(analyse, by_alias):
    doc = analyse(MARCHETTI)
    lena = by_alias(doc, "Lena Marchetti")
    assert "Mrs. Marchetti" in lena.aliases  # her pronouns say she is the woman of the two
    mr = by_alias(doc, "Mr. Marchetti")
    assert mr.id != lena.id


@pytest.mark.slow
def test_mr_joins_an_unknown_first_name_when_no_one_else_shares_the_surname(analyse, by_alias):
    text = (
        "Teodor Kask mended nets on the quay. Teodor Kask whistled while he worked.\n\n"
        '"Mr. Kask says the weather will turn," Anna told her brother.'
    )
    doc = analyse(text)
    assert "Mr. Kask" in by_alias(doc, "Teodor Kask").aliases


# "Mr. Halloran" beside a "Mr. Owen Halloran" written out: the father in the narration, the
# son's polite name in dialogue only.
HALLORANS = (
    "Owen Halloran carried the bags. Mr. Owen Halloran, the porter called him. "
    "Mr. Owen Halloran tipped the porter. Mr. Owen Halloran sat down.\n\n"
    "Mr. Halloran watched his son from the window. Mr. Halloran was old and slow.\n\n"
    '"Come up, Owen," said Mr. Halloran. Owen Halloran went up.'
)


@pytest.mark.slow
def test_mr_surname_in_narration_is_not_the_full_name_told_apart(analyse, by_alias):
    doc = analyse(HALLORANS)
    assert by_alias(doc, "Mr. Halloran").id != by_alias(doc, "Owen Halloran").id


@pytest.mark.slow
def test_mr_surname_heard_only_in_dialogue_is_the_full_named_man(analyse, by_alias):
    text = HALLORANS.split("Mr. Halloran watched")[0] + (
        '"Good evening, Mr. Halloran," said Nora. "Sit down, Mr. Halloran." '
        '"Thank you, Mr. Halloran," said the porter.'
    )
    doc = analyse(text)
    assert "Mr. Halloran" in by_alias(doc, "Owen Halloran").aliases


@pytest.mark.slow
def test_mrs_stays_apart_when_two_full_names_share_the_surname(analyse, by_alias):
    text = (
        "Rose Halden laughed. Miss Rose sat by the fire.\n\n"
        "Harry Halden came in. He bowed to his sister.\n\n"
        '"Dinner is late," said Mrs. Halden. Mrs. Halden rang the bell.'
    )
    doc = analyse(text)
    mrs = by_alias(doc, "Mrs. Halden")
    assert mrs.id not in {by_alias(doc, "Rose Halden").id, by_alias(doc, "Harry Halden").id}


@pytest.mark.slow
def test_hyphenated_surname_is_one_name_and_jock_is_not_john(analyse, by_alias):
    text = (
        "Jock Grant-Menzies sat at the club. John Beaver came in late.\n\n"
        '"You are late," said Jock. "I was at lunch," said John Beaver.\n\n'
        "Jock Grant-Menzies laughed."
    )
    doc = analyse(text)
    jock = by_alias(doc, "Jock Grant-Menzies")
    assert "Jock" in jock.aliases and jock.id != by_alias(doc, "John Beaver").id


@pytest.mark.slow
def test_a_titled_father_and_his_son_stay_apart(analyse, by_alias):
    text = (
        "Sir Thomas Bertram came home in the autumn. Sir Thomas was grave.\n\n"
        '"I have lost money," said Tom Bertram. Tom laughed at his father. "Never mind," said Tom.'
    )
    doc = analyse(text)
    assert by_alias(doc, "Sir Thomas").id != by_alias(doc, "Tom").id
    assert "Tom Bertram" in by_alias(doc, "Tom").aliases


TOLLANS = (
    '"We sail on Monday," said Mrs Tollan.\n\n'
    '"On Tuesday," said Admiral Tollan. Admiral Tollan lit his pipe. Mrs Tollan smiled.'
)

QUILLS = (
    '"Nobody leaves," said Inspector Quill. Inspector Quill locked the door.\n\n'
    "Later Inspector Quill sat down by the fire and lit his pipe.\n\n"
    '"Well?" said Mr. Quill. Mr. Quill waited.'
)

ASHDOWNS = (
    "John Ashdown and Lawrence Ashdown came down to breakfast. Mary Ashdown poured the tea.\n\n"
    '"Sugar?" asked Mrs. Ashdown. Mrs. Ashdown smiled at John.\n\n'
    '"No," said Lawrence Ashdown.'
)

WRENS = (
    "Fanny Wren and William Wren sat by the fire. Miss Wren sewed.\n\n"
    '"Tea?" asked Mrs. Wren. Mrs. Wren was their mother.\n\n'
    '"Yes," said William Wren.'
)


@pytest.mark.slow
@pytest.mark.parametrize(
    ("text", "a", "b", "same"),
    [
        (TOLLANS, "Admiral Tollan", "Mrs Tollan", False),  # a rank does not join a wife
        (QUILLS, "Inspector Quill", "Mr. Quill", True),  # "Mr." joins a man known only by a title
        (ASHDOWNS, "Mary Ashdown", "Mrs. Ashdown", True),  # the one woman among the family's full names
        (WRENS, "Fanny Wren", "Mrs. Wren", False),  # ... but the family has a "Miss": she is a daughter
    ],
)
def test_honorific_forms_join_the_right_full_name(analyse, by_alias, text, a, b, same):
    doc = analyse(text)
    assert (by_alias(doc, a).id == by_alias(doc, b).id) is same


# Our own text (CC0). "Tolver" is Tolver Marsh's first name and young Peter Tolver's surname,
# and the text writes "Tolver Marsh" more often; "Hurst" is Hurst Wyatt's first name and
# Colonel Hurst's surname, and the text writes "Colonel Hurst" more often.
TOLVERS = (
    "Tolver Marsh came home at six. Tolver Marsh hung up his coat. Young Peter Tolver waved.\n\n"
    '"Supper," said Tolver Marsh.\n\n'
    '"Tolver, sit down," said Ada. Tolver sat down. Tolver ate his soup.'
)

HURSTS = (
    "Hurst Wyatt was away. Colonel Hurst rode in.\n\n"
    '"Stand easy," said Colonel Hurst. Colonel Hurst dismounted. Colonel Hurst smiled.\n\n'
    '"Welcome back," said Ada. Hurst nodded.'
)


@pytest.mark.slow
@pytest.mark.parametrize(
    ("text", "word", "owner", "other"),
    [(TOLVERS, "Tolver", "Tolver Marsh", "Peter Tolver"), (HURSTS, "Hurst", "Colonel Hurst", "Hurst Wyatt")],
)
def test_a_word_both_first_name_and_surname_goes_where_the_text_writes_it_in_full(analyse, by_alias, text, word, owner, other):
    doc = analyse(text)
    assert by_alias(doc, word).id == by_alias(doc, owner).id != by_alias(doc, other).id


@pytest.mark.slow
def test_a_wife_called_by_her_husbands_name_does_not_take_his_first_name(analyse, by_alias):
    # Our own text (CC0): "Mrs. Walter Penhale" is Walter's wife; a bare "Walter" is him.
    text = (
        "Walter Penhale drove the trap up to the gate. Mrs. Walter Penhale sat beside him.\n\n"
        '"We are late again," said Walter.\n\n'
        '"It is your fault," said Mrs. Walter. Walter did not answer her.\n\n'
        "Later Mrs. Walter went indoors, and Walter smoked by the wall."
    )
    doc = analyse(text)
    him, her = by_alias(doc, "Walter"), by_alias(doc, "Mrs. Walter")
    assert him.id == by_alias(doc, "Walter Penhale").id and him.gender == Gender.MALE
    assert her.id == by_alias(doc, "Mrs. Walter Penhale").id != him.id and her.gender == Gender.FEMALE


@pytest.mark.slow
def test_a_bare_surname_is_the_brother_named_last_before_it(analyse, by_alias):
    # Written for this test (CC0): Frank is named more often, but "Hale" follows Maurice.
    frank = "Frank Hale rode to town. Frank bought nails. Frank came home late.\n\n"
    text = (
        frank * 3
        + "Maurice Hale sat alone in the study. Hale read his letters and frowned.\n\n"
        + '"Nothing for me," said Hale.\n\n'
        + "Maurice went to bed. Hale slept badly."
    )
    doc = analyse(text)
    assert by_alias(doc, "Hale").id == by_alias(doc, "Maurice Hale").id != by_alias(doc, "Frank Hale").id


@pytest.mark.slow
def test_an_initial_and_surname_join_the_full_name(analyse, by_alias):
    # CC0, our words: a log writes the engineer as "R. Mallory"; the story names her in full
    # once, later. One person, whichever form comes first; another first letter stays apart.
    text = (
        "The duty board showed one name. R. Mallory had signed every line of it.\n\n"
        "Rosa Mallory signed the sheet and went back to the engine room.\n\n"
        "Tom Mallory, her brother, was waiting there. T. Abbott had left a note for him."
    )
    doc = analyse(text)
    rosa = by_alias(doc, "Rosa Mallory")
    assert by_alias(doc, "R. Mallory").id == rosa.id
    assert by_alias(doc, "Tom Mallory").id != rosa.id
