"""Features of (turn, candidate) pairs and the one list of their names
(``speakers/features.py``, with the pools of ``speakers/candidates.py``)."""

from __future__ import annotations

from dataclasses import replace

import pytest

from ficlens.model import Gender
from ficlens.stages.speakers.features import (
    ADDRESSEE_FEATURES,
    FEATURES,
    KNOWN_FEATURES,
    SECOND_FEATURES,
    STACK_FEATURES,
    check_known,
    style_features,
)
from ficlens.stages.speakers.turns import Turn

TOM_ANNA = (("Tom", Gender.MALE), ("Anna", Gender.FEMALE))


def test_one_list_of_names_without_repeats():
    assert len(set(FEATURES)) == len(FEATURES) and len(set(STACK_FEATURES)) == len(STACK_FEATURES)
    assert SECOND_FEATURES == FEATURES + STACK_FEATURES
    assert len(set(ADDRESSEE_FEATURES)) == len(ADDRESSEE_FEATURES)
    assert KNOWN_FEATURES == set(SECOND_FEATURES) | set(ADDRESSEE_FEATURES)


def test_an_unknown_name_is_an_error():
    check_known(["tag_name", "p1_gap", "replies_to_vocative"], "test")
    with pytest.raises(ValueError, match=r"test: unknown feature name\(s\) \['tag_nmae'\]"):
        check_known(["tag_name", "tag_nmae"], "test")


@pytest.mark.slow
def test_a_story_computes_only_listed_features(build, rules):
    # Tags, pronouns, vocatives, address and untagged lines: every feature set is in the list.
    text = (
        'Tom and Anna sat by the fire.\n\n"Will you stay, sir?" asked Anna.\n\n"Only an hour," he said.'
        '\n\nAnna smiled. "Tom, you always say that."\n\n"I mean it."\n\n"Oh, my dear girl."'
    )
    turns = rules.turns(build(text, TOM_ANNA))
    names = {name for t in turns for f in t.features.values() for name in f}
    assert names <= set(FEATURES)
    assert {"tag_name", "tag_gender", "vocative_next", "address_next", "salience"} <= names


@pytest.mark.slow
def test_resolved_pronoun_tag_still_says_its_gender(build, rules):
    # Coref chose Tom for "she" (a mistake): the candidates still learn the pronoun's gender,
    # and Anna is the only woman taking part in the conversation.
    text = '"Come in," said Anna.\n\n"Thank you," said Tom.\n\n"Sit down," she said.'
    doc = build(text, TOM_ANNA)
    doc.mentions = [replace(m, character_id="C0") if m.text == "she" else m for m in doc.mentions]
    feats = rules.candidate_features(doc)[-1][1]
    assert feats["C0"]["tag_coref"] > 0 and feats["C0"]["tag_word_gender_mismatch"] == 1.0
    assert feats["C1"]["tag_word_gender"] == 1.0 and feats["C1"]["conv_gender_only"] == 1.0
    assert "conv_gender_only" not in feats["C0"]
    # Anna was tagged in another turn of the conversation.
    assert feats["C1"]["conv_tagged"] > 0


@pytest.mark.slow
def test_coref_tags_are_kept_apart_in_conversation_features(build, rules):
    # "he said" resolved by coref to Bob: evidence of a weaker kind than "said Anna", so the
    # features of the turns around say which kind of tag named the candidate.
    text = '"Hello," said Anna.\n\n"Hi," he said.\n\n"Where to?"\n\n"Home."'
    cast = (("Anna", Gender.FEMALE), ("Tom", Gender.MALE), ("Bob", Gender.MALE))
    doc = build(text, cast)
    doc.mentions = [replace(m, character_id="C2") if m.text == "he" else m for m in doc.mentions]
    turns = rules.turns(doc)
    assert [t.tag.ref.kind if t.tag else None for t in turns] == ["name", "coref", None, None]
    third, fourth = turns[2].features, turns[3].features
    assert third["C0"]["tag_prev2"] == 1.0 and "coref_tag_prev2" not in third["C0"]
    assert fourth["C2"]["coref_tag_prev2"] == 1.0 and "tag_prev2" not in fourth["C2"]
    assert fourth["C2"]["conv_coref_tagged"] == pytest.approx(0.1) and "conv_tagged" not in fourth["C2"]


@pytest.mark.slow
def test_named_salience_leaves_out_coref_pronouns(build, rules):
    # "he" resolved to Bob after Tom was named: Bob is the most recent by any mention, Tom by name.
    text = 'Bob came in.\n\nTom waved. Then he laughed.\n\n"Hi."'
    doc = build(text, (("Tom", Gender.MALE), ("Bob", Gender.MALE)))
    doc.mentions = [replace(m, character_id="C1") if m.text == "he" else m for m in doc.mentions]
    [turn] = rules.turns(doc)
    tom, bob = turn.features["C0"], turn.features["C1"]
    assert bob["recency_rank"] == 1.0 and tom["recency_rank"] == 0.5
    assert tom["named_recency_rank"] == 1.0 and bob["named_recency_rank"] == 0.5
    assert tom["named_salience"] > bob["named_salience"]


@pytest.mark.slow
def test_an_unresolved_pronoun_brings_in_the_top_character_of_its_gender(build, rules):
    # Ruth is named once, long before: out of salience's reach, but the only woman of the story.
    text = "Ruth came to stay.\n\n" + "\n\n".join(["Tom worked."] * 40) + '\n\n"Enough," she said.'
    [turn] = rules.turns(build(text, (("Tom", Gender.MALE), ("Ruth", Gender.FEMALE))))
    assert set(turn.features) == {"C0", "C1"}
    assert turn.features["C1"]["salience"] < 0.05 and turn.features["C1"]["tag_gender"] == 1.0
    assert turn.features["C0"]["tag_gender_mismatch"] == 1.0


def _worded(words: str, candidates: tuple[str, ...]) -> Turn:
    turn = Turn(quotes=[], paragraph=0, last_paragraph=0, scene=0)
    turn.words = words.split()
    turn.features = {c: {} for c in candidates}
    return turn


def test_style_features_score_habits_and_leave_the_turn_out():
    # Brett says "darling", Mippip "my dear": an untagged line with "darling" sounds like Brett.
    brett = [_worded("oh darling do come along darling " * 10, ("B", "M")) for _ in range(3)]
    mippip = [_worded("my dear sir one must drink my dear " * 10, ("B", "M")) for _ in range(3)]
    line = _worded("darling you are a fool", ("B", "M", "J"))
    turns = [*brett, *mippip, line]
    owners = ["B"] * 3 + ["M"] * 3 + [None]
    style_features(turns, owners, [t.features for t in turns], "style")
    b, m = line.features["B"], line.features["M"]
    assert b["style"] > m["style"]
    assert b["style_rank"] == 1.0 and m["style_rank"] == 0.5
    assert b["style_margin"] == pytest.approx(b["style"] - m["style"]) and m["style_margin"] < 0
    assert "style" not in line.features["J"]  # no tagged lines: no profile
    # A profile too small once the turn's own words are left out gives no score.
    alone = [_worded("darling " * 150, ("B",)), _worded("darling", ("B",))]
    style_features(alone, ["B", None], [t.features for t in alone], "style")
    assert "style" not in alone[0].features["B"] and "style" in alone[1].features["B"]
