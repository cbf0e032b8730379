"""Training the coref pronoun ranker: the fit matches scikit-learn, the file is the same bytes
for the same data, and the LitBank test split never reaches training."""

from __future__ import annotations

import numpy as np

from ficlens.eval import splits
from ficlens.eval.litbank import GoldMention, LitBankWork
from ficlens.stages.coref_model import FEATURES, MODEL_FILE, load_coref_model
from ficlens.train.coref import dev_stems, fit, gold_owner, write_model


def _toy(seed: int) -> tuple[np.ndarray, np.ndarray]:
    rng = np.random.RandomState(seed)
    x = rng.rand(300, len(FEATURES))
    x[:, 0] = (x[:, 0] > 0.5).astype(float)  # a binary feature, like most of the real ones
    y = ((x[:, 0] + x[:, 2] - 0.5 * x[:, 5] + 0.1 * rng.randn(300)) > 0.8).astype(int)
    return x, y


def test_fit_scores_like_sklearn():
    from sklearn.linear_model import LogisticRegression

    x, y = _toy(1)
    model = fit(x, y, 0.3)
    mean, scale = x.mean(axis=0), x.std(axis=0)
    clf = LogisticRegression(C=1.0, max_iter=2000).fit((x - mean) / scale, y)
    probe = _toy(2)[0]
    expected = clf.predict_proba((probe - mean) / scale)[:, 1]
    # The file keeps six decimals; the probabilities agree to about that.
    np.testing.assert_allclose(model.score(probe), expected, atol=1e-4)


def test_written_model_is_the_same_bytes_and_loads(tmp_path):
    x, y = _toy(3)
    a = write_model(fit(x, y, 0.2), tmp_path / "a", {"works": 1})
    b = write_model(fit(x, y, 0.2), tmp_path / "b", {"works": 1})
    assert a.name == MODEL_FILE and a.read_bytes() == b.read_bytes()
    loaded = load_coref_model(a)
    assert loaded.threshold == 0.2 and loaded.features == FEATURES
    np.testing.assert_allclose(loaded.score(x[:5]), fit(x, y, 0.2).score(x[:5]))
    assert not list(tmp_path.glob("*/*.tmp"))  # written whole, no temporary left


def test_gold_owner_keeps_per_chains_and_name_cores():
    text = "the old Tom Jarndyce met the dog"
    work = LitBankWork(
        stem="x",
        text=text,
        entities=[],
        mentions=[
            GoldMention("T1", 0, 19, text[0:19], "PER", "PROP", "Tom-1"),
            GoldMention("T2", 24, 31, text[24:31], "ANIMAL", "NOM", "Dog-2"),
            GoldMention("T3", 24, 31, text[24:31], "PER", "NOM", None),
        ],
        quotes=[],
    )
    owner = gold_owner(work)
    assert owner == {(0, 19): "Tom-1", (8, 19): "Tom-1"}


def test_training_reads_no_test_work(shared_data):
    stems = dev_stems(shared_data / "litbank")
    assert stems and not set(stems) & splits.test_items("litbank")
    assert stems == sorted(stems)
