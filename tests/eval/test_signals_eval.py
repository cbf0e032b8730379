"""The content-signals gold format and its scoring. Sentences here are written for the test (CC0)."""

from __future__ import annotations

from pathlib import Path

import pytest

from ficlens.errors import DatasetError
from ficlens.eval.fanfic_gold import quote_hash
from ficlens.eval.signals import predicted_kinds, score_work
from ficlens.eval.signals_gold import (
    GoldSentence,
    load_sentences,
    parse_labels,
    write_sentences,
)
from ficlens.eval.splits import split_of_work
from ficlens.model import Document, Signal, SignalCheck

TEXT = "The soldier stabbed him twice. She was dead tired after the march. Nobody died that night."
REPO = Path(__file__).resolve().parents[2]


def _sentence(text: str, body: str, labels: str) -> GoldSentence:
    start = text.index(body)
    return GoldSentence("fanfic:x.html#1", start, start + len(body), quote_hash(body), len("".join(body.split())), parse_labels(labels))


def test_labels_parse_and_only_facts_are_positive() -> None:
    labels = parse_labels("graphic_violence:present; major_character_death:negated")
    assert [(lab.kind, lab.fact) for lab in labels] == [("graphic_violence", True), ("major_character_death", False)]
    with pytest.raises(DatasetError, match="unknown kind"):
        parse_labels("violence:present")
    with pytest.raises(DatasetError, match="unknown time"):
        parse_labels("suicide:maybe")


def test_sentences_file_round_trips(tmp_path: Path) -> None:
    sentences = [_sentence(TEXT, "The soldier stabbed him twice.", "graphic_violence:present")]
    write_sentences(tmp_path / "s.tsv", sentences, "test gold")
    assert load_sentences(tmp_path / "s.tsv") == sentences


def test_score_counts_hits_misses_and_false_alarms() -> None:
    golds = [
        _sentence(TEXT, "The soldier stabbed him twice.", "graphic_violence:present"),
        _sentence(TEXT, "She was dead tired after the march.", "major_character_death:figurative"),
        _sentence(TEXT, "Nobody died that night.", "major_character_death:negated"),
    ]
    doc = Document(text=TEXT)
    doc.signals = [
        Signal("graphic_violence", 0, 0, 30, "", 0.7),
        Signal("major_character_death", 0, TEXT.index("She"), TEXT.index("march.") + 6, "", 0.65),
        Signal("major_character_death", 0, TEXT.index("Nobody"), len(TEXT), "", 0.3),  # below the threshold
    ]
    doc.signal_checks = [SignalCheck("graphic_violence", True, 0.7, True, "agree", "", (0,))]
    scores = score_work(golds, doc, 0.6, declared={"graphic_violence", "major_character_death"})
    gv, mcd = scores.per_kind["graphic_violence"], scores.per_kind["major_character_death"]
    assert (gv.matched_gold, gv.n_gold, gv.n_pred) == (1, 1, 1)
    assert (mcd.matched_pred, mcd.n_pred, mcd.n_gold) == (0, 1, 0)  # a figure of speech taken as a death
    assert scores.declared["graphic_violence"].value == 1.0 and scores.declared["major_character_death"].value == 0.0
    assert predicted_kinds(doc, (TEXT.index("Nobody"), len(TEXT)), 0.2) == {"major_character_death"}
    # The work's evidence for each declared warning: its strongest finding, by offsets (no text).
    assert scores.evidence["graphic_violence"] == {"chapter": 1, "start": 0, "end": 30, "confidence": 0.7, "time": "present"}
    assert scores.to_dict()["declared_evidence"]["graphic_violence"]["start"] == 0
    assert "declared_evidence" not in (scores + scores).to_dict()  # a sum over works shows none
    # A work declaring "No Archive Warnings Apply": graphic violence was found anyway, death not.
    none = score_work(golds, doc, 0.6, declares_none=True).undeclared
    assert none["graphic_violence"].value == 1.0 and none["major_character_death"].value == 0.0


def test_works_keep_their_datasets_splits() -> None:
    assert split_of_work("pdnc:Persuasion") == "test" and split_of_work("pdnc:Emma") == "dev"
    assert split_of_work("fanfic:ao3/yer.html#1") == "test"
    assert split_of_work("fanfic:ao3/heart.html#1") == "dev"


def test_committed_signals_gold_loads_when_present() -> None:
    path = REPO / "gold" / "signals" / "sentences.tsv"
    if not path.is_file():
        pytest.skip("no signals gold committed yet")
    sentences = load_sentences(path)
    assert all(len(s.hash) == 16 for s in sentences)
