"""Scorers: the model file and its feature layout (``speakers/ranker.py``), the hand rules
(``speakers/scoring.py``), and cases the shipped ranker must get right."""

from __future__ import annotations

import json

import numpy as np
import pytest

from ficlens.model import Character, Evidence, Gender
from ficlens.stages.speakers import (
    DEFAULT_WEIGHTS,
    FEATURES,
    MODEL_FORMAT,
    RuleScorer,
    feature_matrix,
    load_ranker,
)


def test_feature_matrix_lays_rows_out_in_the_columns():
    x = feature_matrix([{"salience": 0.5, "tag_name": 1.0}, {}], ("tag_name", "actor", "salience"))
    np.testing.assert_array_equal(x, [[1.0, 0.0, 0.5], [0.0, 0.0, 0.0]])
    assert feature_matrix([], FEATURES).shape == (0, len(FEATURES))


@pytest.mark.parametrize(
    ("rows", "names", "message"),
    [
        # a misspelt column name
        ([{}], ("tag_name", "salince"), r"unknown feature name\(s\) \['salince'\]"),
        # a misspelt feature in a row
        ([{"tag_nmae": 1.0}], ("tag_name",), r"'tag_nmae' of row 0 is an unknown feature name"),
        # a known feature the model has no column for (a second-pass feature for the first pass)
        ([{}, {"p1_gap": 0.5}], FEATURES, r"'p1_gap' of row 1 is not a column of this model"),
    ],
)
def test_an_unknown_feature_name_is_an_error(rows, names, message):
    with pytest.raises(ValueError, match=message):
        feature_matrix(rows, names)


def test_rule_scorer_sums_its_weights():
    scorer = RuleScorer()
    assert scorer.score({"tag_name": 1.0, "salience": 0.5}) == DEFAULT_WEIGHTS["tag_name"] + 0.5 * DEFAULT_WEIGHTS["salience"]
    assert scorer.score({"style": 3.0}) == 0.0  # a feature without a weight counts nothing
    assert set(DEFAULT_WEIGHTS) <= set(FEATURES)


def test_rule_scorer_weights_must_be_features():
    with pytest.raises(ValueError, match="RuleScorer weights"):
        RuleScorer({"tag_nmae": 10.0})


def test_load_ranker_rejects_another_format(tmp_path):
    path = tmp_path / "model.json"
    path.write_text(json.dumps({"format": "something-else/1"}), encoding="utf-8")
    with pytest.raises(ValueError, match=MODEL_FORMAT):
        load_ranker(path)


# --- what the shipped ranker must get right (the default stage) -----------------------

TOM_ANNA = (("Tom", Gender.MALE), ("Anna", Gender.FEMALE))


@pytest.mark.slow
@pytest.mark.parametrize(
    ("text", "cast", "speakers"),
    [
        # a named tag and a reply by the other person of the exchange
        ('"Where were you?" asked Anna.\n\n"At the docks," said Tom.\n\n"All night?" Anna asked.', TOM_ANNA, ["C1", "C0", "C1"]),
        # untagged lines after two named tags take their speakers from the turn-taking
        (
            'Anna met Tom at the gate.\n\n"You are late," said Anna.\n\n"The train was slow," said Tom.'
            '\n\n"Again?"\n\n"Again."\n\n"Then take the bus."',
            TOM_ANNA,
            ["C1", "C0", "C1", "C0", "C1"],
        ),
        # "he said" with one man in the exchange
        ('Anna met Tom at the gate.\n\n"You are late," said Anna.\n\n"I know," he said.', TOM_ANNA, ["C1", "C0"]),
        # the addressed one answers: "Come here, Marcus!" then an untagged "Why?"
        (
            'Lena, Marcus and Paul sat by the fire.\n\n"Come here, Marcus!" Lena called.\n\n"Why?"',
            (("Lena", Gender.FEMALE), ("Marcus", Gender.MALE), ("Paul", Gender.MALE)),
            ["C0", "C1"],
        ),
        # a first-person narrator's "I said", then the other person's reply
        (
            'Daisy poured the tea.\n\n"I will stay," I said.\n\n"Will you?" said Daisy.',
            (Character(id="C0", name="Nick", gender=Gender.MALE, is_narrator=True), ("Daisy", Gender.FEMALE)),
            ["C0", "C1"],
        ),
    ],
)
def test_the_shipped_ranker_gets_these_right(build, stages, text, cast, speakers):
    doc = stages["ranker"](build(text, cast))
    assert [q.speaker_id for q in doc.quotes] == speakers
    assert all(q.evidence is not None and q.confidence > 0 for q in doc.quotes)
    tagged = [q for q in doc.quotes if q.speaker_mention is not None]
    assert all(q.evidence in (Evidence.EXPLICIT, Evidence.ANAPHORIC) for q in tagged)
