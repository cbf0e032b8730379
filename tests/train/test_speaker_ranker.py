"""The speaker ranker: tree export matches scikit-learn, folds never hold their own novels,
training is byte-for-byte reproducible, and PDNC evaluation picks the held-out fold."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

from ficlens.stages.speakers import (
    MODEL_FILE,
    RankerScorer,
    SpeakerConfig,
    SpeakerStage,
    TreeEnsemble,
    load_ranker,
)
from ficlens.train.speaker_ranker import FEATURES, SECOND_FEATURES, assign_folds, fit

SHIPPED = Path(__file__).resolve().parents[2] / "src" / "ficlens" / "data" / "models" / MODEL_FILE
needs_model = pytest.mark.skipif(not SHIPPED.exists(), reason=f"no shipped ranker model at {SHIPPED}")

SMALL = {"max_iter": 20, "learning_rate": 0.2, "max_leaf_nodes": 8, "min_samples_leaf": 5, "l2_regularization": 0.0}


def _toy(seed: int) -> tuple[np.ndarray, np.ndarray]:
    rng = np.random.RandomState(seed)
    x = rng.rand(400, 5)
    x[:, 3] = (x[:, 3] > 0.5).astype(float)  # a binary feature, like most of the real ones
    y = ((x[:, 0] + x[:, 3] - 0.6 * x[:, 1] + 0.1 * rng.randn(400)) > 0.7).astype(int)
    return x, y


def test_tree_export_matches_sklearn():
    from sklearn.ensemble import HistGradientBoostingClassifier

    x, y = _toy(1)
    exported = fit(x, y, seed=3, params=SMALL)
    clf = HistGradientBoostingClassifier(**SMALL, early_stopping=False, random_state=3).fit(x, y)
    probe = _toy(2)[0]
    np.testing.assert_allclose(TreeEnsemble(exported).raw(probe), clf.decision_function(probe), rtol=0, atol=1e-9)


def test_tree_ensemble_on_no_rows():
    x, y = _toy(1)
    assert TreeEnsemble(fit(x, y, seed=0, params=SMALL)).raw(np.zeros((0, 5))).shape == (0,)


def test_fit_is_deterministic():
    x, y = _toy(4)
    a = json.dumps(fit(x, y, seed=7, params=SMALL), sort_keys=True)
    b = json.dumps(fit(x, y, seed=7, params=SMALL), sort_keys=True)
    assert a == b


def test_ranker_scorer_reads_named_features():
    x, y = _toy(1)
    names = FEATURES[:5]
    scorer = RankerScorer(names, TreeEnsemble(fit(x, y, seed=0, params=SMALL)))
    a, b, _, d, _ = names
    rows = [{a: 0.9, d: 1.0}, {b: 0.9}, {}]
    batch = scorer.score_many(rows)
    assert batch == [scorer.score(r) for r in rows]
    assert batch[0] > batch[1]  # high a, d=1: the positive class; high b: the negative
    # A feature the model has no column for is an error, not ignored.
    with pytest.raises(ValueError, match="not a column"):
        scorer.score({FEATURES[6]: 1.0})


@pytest.mark.parametrize("folds", [2, 3, 5])
def test_assign_folds_partitions_novels(folds):
    novels = [f"N{i}" for i in range(11)]
    groups = assign_folds(novels, folds, seed=0)
    assert len(groups) == folds
    assert sorted(n for g in groups for n in g) == sorted(novels)
    assert max(map(len, groups)) - min(map(len, groups)) <= 1
    assert groups == assign_folds(list(reversed(novels)), folds, seed=0)  # input order does not matter


@needs_model
def test_shipped_model_has_folds_without_their_novels():
    bundle = load_ranker()
    assert bundle.meta["features"] == list(FEATURES)
    trained = set(bundle.meta["trained_on"])  # type: ignore[arg-type]
    held = [set(h) for h, _ in bundle.folds]
    assert len(trained) == 21 and set().union(*held) == trained
    assert sum(map(len, held)) == len(trained)  # each novel held out exactly once
    for novel in trained:
        assert bundle.for_heldout(novel) is not None
    assert bundle.for_heldout("a user's story") is None
    # The addressee models are folded the same way.
    assert bundle.addressee is not None
    assert [h for h, _ in bundle.addressee_folds] == [h for h, _ in bundle.folds]
    assert bundle.second is not None and bundle.second.features == tuple(SECOND_FEATURES)
    assert [h for h, _ in bundle.second_folds] == [h for h, _ in bundle.folds]


@needs_model
def test_stage_heldout_swaps_the_scorer():
    stage = SpeakerStage(SpeakerConfig(scorer="ranker"))
    bundle = stage.bundle
    assert bundle is not None and stage.scorer is bundle.full
    novel = next(iter(bundle.folds[0][0]))
    assert stage.heldout(novel).scorer is bundle.folds[0][1]
    assert stage.addressee_scorer is bundle.addressee
    assert stage.heldout(novel).addressee_scorer is bundle.addressee_folds[0][1]
    assert stage.second_scorer is bundle.second
    assert stage.heldout(novel).second_scorer is bundle.second_folds[0][1]
    assert SpeakerStage(SpeakerConfig(second_pass=False)).second_scorer is None
    assert stage.heldout("not a PDNC novel") is stage
    rules = SpeakerStage(SpeakerConfig(scorer="rules"))
    assert rules.heldout(novel) is rules


def test_unknown_scorer_is_an_error():
    with pytest.raises(ValueError, match="scorer"):
        SpeakerStage(SpeakerConfig(scorer="magic"))


@needs_model
def test_eval_uses_the_heldout_fold():
    from ficlens.pipeline import Pipeline

    pipe = Pipeline(stages=[SpeakerStage(SpeakerConfig(scorer="ranker"))])
    bundle = pipe.stages[0].bundle
    assert bundle is not None
    novel = next(iter(bundle.folds[1][0]))
    assert pipe.heldout("not a PDNC novel") is pipe
    swapped = pipe.heldout(novel)
    assert swapped is not pipe and swapped.stages[0].scorer is bundle.folds[1][1]
    assert pipe.stages[0].scorer is bundle.full  # the cached pipeline is left alone


@pytest.mark.slow
def test_training_is_reproducible(shared_data, tmp_path: Path):
    from ficlens.train.speaker_ranker import train_speaker_ranker

    data = shared_data / "pdnc"
    novels = ["DaisyMiller", "Persuasion", "TheSportOfTheGods"]
    cache = tmp_path / "cache"
    params = {**SMALL, "max_iter": 30}
    a = train_speaker_ranker(data, tmp_path / "a", seed=5, folds=3, novels=novels, cache_dir=cache, params=params)
    b = train_speaker_ranker(data, tmp_path / "b", seed=5, folds=3, novels=novels, cache_dir=cache, params=params)
    bytes_a = (tmp_path / "a" / MODEL_FILE).read_bytes()
    assert bytes_a == (tmp_path / "b" / MODEL_FILE).read_bytes()
    assert sorted(n for g in a["folds"] for n in g) == novels and all(len(g) == 1 for g in a["folds"])
    bundle = load_ranker(tmp_path / "a" / MODEL_FILE)
    assert {n for h, _ in bundle.folds for n in h} == set(novels)
    assert bundle.addressee is not None and len(bundle.addressee_folds) == 3
    assert bundle.second is not None and len(bundle.second_folds) == 3
    # Each novel is scored by the models trained without it.
    for mode in ("gold-characters", "end-to-end"):
        assert set(a["cv"][mode]) == {"fold 0", "fold 1", "fold 2", "micro"}
        assert 0.3 < a["cv"][mode]["micro"]["all"] <= 1.0
    assert b["cv"] == a["cv"]
