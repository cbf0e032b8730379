"""The learned pronoun ranker: the model file, its scoring, its candidates, and the coref
stage with ``learned=True``. Stories here are written for the tests (CC0)."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

from ficlens.model import Document, Gender, MentionKind
from ficlens.stages.characters import CharacterConfig, CharacterStage
from ficlens.stages.coref import CorefConfig, CorefStage
from ficlens.stages.coref_model import (
    FEATURES,
    MODEL_FILE,
    MODEL_FORMAT,
    CorefModel,
    load_coref_model,
    pair_rows,
)
from ficlens.stages.segment import SegmentConfig, SegmentStage

SHIPPED = Path(__file__).resolve().parents[2] / "src" / "ficlens" / "data" / "models" / MODEL_FILE


def _model(coef: list[float], threshold: float = 0.0) -> CorefModel:
    n = len(FEATURES)
    return CorefModel(FEATURES, np.zeros(n), np.ones(n), np.asarray(coef, dtype=float), 0.0, threshold)


def test_shipped_model_loads_with_the_feature_list():
    model = load_coref_model()
    assert model.features == FEATURES
    assert model.coef.shape == model.mean.shape == model.scale.shape == (len(FEATURES),)
    assert 0.0 <= model.threshold < 1.0


def test_model_file_with_other_features_is_refused(tmp_path):
    data = json.loads(SHIPPED.read_text(encoding="utf-8"))
    data["features"] = list(FEATURES[:-1])
    path = tmp_path / "m.json"
    path.write_text(json.dumps(data), encoding="utf-8")
    with pytest.raises(ValueError, match="features"):
        load_coref_model(path)
    data["format"] = "something-else"
    path.write_text(json.dumps(data), encoding="utf-8")
    with pytest.raises(ValueError, match=MODEL_FORMAT):
        load_coref_model(path)


def test_score_is_the_logistic_of_the_standardised_rows():
    n = len(FEATURES)
    coef = np.linspace(-1, 1, n)
    model = CorefModel(FEATURES, np.full(n, 0.5), np.full(n, 2.0), coef, 0.25, 0.5)
    rows = np.arange(2 * n, dtype=float).reshape(2, n)
    expected = 1 / (1 + np.exp(-(((rows - 0.5) / 2.0) @ coef + 0.25)))
    np.testing.assert_allclose(model.score(rows), expected)
    assert model.score(np.zeros((0, n))).shape == (0,)


def test_empty_document_with_the_learned_model():
    doc = CorefStage(CorefConfig(learned=True))(Document(text=""))
    assert doc.mentions == [] and doc.characters == []


@pytest.fixture(scope="module")
def staged(nlp, straight_quotes):
    segment = SegmentStage(SegmentConfig(), nlp)

    def run(text: str) -> Document:
        doc = segment(Document(text=text))
        doc.quotes = straight_quotes(text)
        return CharacterStage(CharacterConfig())(doc)

    return run


def _he_she(doc: Document, in_quote: bool | None = None):
    return [
        m
        for m in doc.mentions
        if m.kind == MentionKind.PRONOUN
        and m.text.lower() in ("he", "she", "him", "her", "his")
        and (in_quote is None or m.in_quote == in_quote)
    ]


@pytest.mark.slow
def test_candidates_are_recent_characters_and_the_rules_pick(staged):
    doc = staged("Tom Hardy met Mary Smith at the gate. He bowed.")
    tom = next(c for c in doc.characters if c.name == "Tom Hardy")
    names = [m for m in doc.mentions if m.kind != MentionKind.PRONOUN]
    pronouns = [t for t in doc.tokens if t.text == "He"]
    in_quote = doc.quote_token_mask()
    genders = {c.id: c.gender for c in doc.characters}
    ((index, cands, rows),) = pair_rows(doc, in_quote, names, pronouns, genders, {pronouns[0].i: tom.id})
    assert index == pronouns[0].i
    assert set(cands) == {c.id for c in doc.characters if c.name in ("Tom Hardy", "Mary Smith")}
    assert rows.shape == (2, len(FEATURES))
    pick = FEATURES.index("rule_pick")
    assert [r[pick] for r in rows] == [float(c == tom.id) for c in cands]


@pytest.mark.slow
def test_a_model_that_only_follows_the_rules_changes_nothing(staged):
    doc = staged("Tom Hardy met Mary Smith at the gate. He bowed. She curtsied.\n\nTom laughed.")
    rule_pick = [1.0 if f == "rule_pick" else 0.0 for f in FEATURES]
    with_rules = CorefStage(CorefConfig(learned=False))(_clone(doc))
    with_model = CorefStage(CorefConfig(learned=False), model=_model([10 * v for v in rule_pick], 0.5))(_clone(doc))
    assert [m.character_id for m in _he_she(with_model, False)] == [
        m.character_id for m in _he_she(with_rules, False)
    ]


@pytest.mark.slow
def test_learned_model_resolves_he_inside_dialogue(staged):
    # The rules leave he/she inside quotes open; the model takes them. Mary asks about Tom:
    # the only man in the scene.
    doc = staged('Tom Hardy sat by the fire. Mary Smith came in.\n\n"Has he eaten?" Mary asked.')
    doc = CorefStage(CorefConfig(learned=True))(doc)
    tom = next(c for c in doc.characters if c.name == "Tom Hardy")
    assert [m.character_id for m in _he_she(doc, True)] == [tom.id]
    assert tom.gender == Gender.MALE


@pytest.mark.slow
def test_learned_model_keeps_gender_apart(staged):
    doc = staged("Anna Grey met John Reed in the lane. She smiled. He nodded. She walked on.")
    doc = CorefStage(CorefConfig(learned=True))(doc)
    ids = {c.name: c.id for c in doc.characters}
    got = [(m.text, m.character_id) for m in _he_she(doc)]
    assert got == [("She", ids["Anna Grey"]), ("He", ids["John Reed"]), ("She", ids["Anna Grey"])]


def _clone(doc: Document) -> Document:
    import copy

    return copy.deepcopy(doc)


# A protagonist named once, then "she" for pages, beside a woman who keeps being named: the
# rules' focaliser keeps her pronouns, and the model (scope "unresolved") leaves them so.
NAMED_ONCE = (
    "Ada Quill woke early and listened to the wind.\n\n"
    "She pulled on her boots. She went down to the yard.\n\n"
) + "".join(
    "Mrs. Penn was in the hall. Mrs. Penn folded the linen.\n\n"
    "She pulled on her boots. She crossed the yard. She counted the sheep.\n\n"
    for _ in range(5)
)


@pytest.mark.slow
def test_learned_model_keeps_a_protagonist_named_once(staged):
    doc = CorefStage(CorefConfig(learned=True))(staged(NAMED_ONCE))
    ada = next(c for c in doc.characters if c.name == "Ada Quill")
    shes = [m for m in _he_she(doc, False) if m.text == "She"]
    assert len(shes) == 17
    assert sum(m.character_id == ada.id for m in shes) >= 14, [m.character_id for m in shes]


@pytest.mark.slow
def test_scope_unresolved_never_overrides_the_rules(staged):
    # A model that always votes against the rules' pick: with scope "unresolved" the
    # narration pronouns the rules resolved keep their answers; the quoted "he" (which the
    # rules leave open) is taken.
    doc = staged('Tom Hardy met Mary Smith at the gate. He bowed. She curtsied.\n\n"Is he well?" Mary asked.')
    against = [-10.0 if f == "rule_pick" else 0.0 for f in FEATURES]
    model = CorefModel(**{**_model(against).__dict__, "scope": "unresolved"})
    with_rules = CorefStage(CorefConfig(learned=False))(_clone(doc))
    with_model = CorefStage(CorefConfig(learned=False), model=model)(_clone(doc))
    assert [m.character_id for m in _he_she(with_model, False)] == [
        m.character_id for m in _he_she(with_rules, False)
    ]
    assert [m.character_id for m in _he_she(with_rules, True)] == [None]
    assert [m.character_id is not None for m in _he_she(with_model, True)] == [True]


def test_model_file_with_an_unknown_scope_is_refused(tmp_path):
    data = json.loads(SHIPPED.read_text(encoding="utf-8"))
    data["scope"] = "some"
    path = tmp_path / "m.json"
    path.write_text(json.dumps(data), encoding="utf-8")
    with pytest.raises(ValueError, match="scope"):
        load_coref_model(path)
