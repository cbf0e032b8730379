"""Signals, the learned classifier (the default method): findings per kind, time, the model file."""

from __future__ import annotations

import json
import re
from dataclasses import replace
from pathlib import Path

import numpy as np
import pytest

from ficlens.model import Document
from ficlens.stages.segment import SegmentConfig, SegmentStage
from ficlens.stages.signals import FACT_TIMES, KINDS, SignalConfig, SignalStage
from ficlens.stages.signals_model import (
    MODEL_FILE,
    PRESENT_AT,
    SignalsModel,
    WorkContext,
    load_signals_model,
    model_from_data,
    model_to_data,
    sentence_features,
    shift_for,
    work_found,
)
from ficlens.train.signals import (
    LEXICON_SCALE,
    WARNING_GOLD_KINDS,
    Example,
    WorkExample,
    _fit,
    _matrix,
    choose_threshold,
    choose_work_rule,
    fit_signals,
    keeps_lexicon_floor,
    lexicon_scale,
    vocabulary,
    write_model,
)


@pytest.fixture(scope="module")
def model():
    return load_signals_model()


@pytest.fixture(scope="module")
def analyse(nlp, model):
    segment = SegmentStage(SegmentConfig(), nlp)
    stage = SignalStage(SignalConfig(), model=model)

    def run(text: str, metadata: dict | None = None) -> Document:
        return stage(segment(Document(text=text, metadata=metadata or {})))

    return run


def found(doc: Document) -> set[str]:
    return {s.kind for s in doc.signals if s.confidence >= SignalConfig().present_confidence}


def test_the_shipped_model_covers_every_kind(model):
    path = Path(__file__).resolve().parents[2] / "src" / "ficlens" / "data" / "models" / MODEL_FILE
    assert set(model.kinds) == set(KINDS)
    assert path.stat().st_size < 2_000_000  # small enough to ship
    assert model.meta["data"].endswith("dev split only")


# Sentences written for these tests (CC0). Underage is missing: the classifier does not find it
# (31 dev positives; docs/signals.md).
@pytest.mark.slow
@pytest.mark.parametrize(
    ("sentence", "kind"),
    [
        ("The men beat him until his ribs cracked and blood ran from his mouth.", "graphic_violence"),
        ("Her mother died in the crash when Lena was nine.", "major_character_death"),  # backstory
        ("He held her down while she screamed no, and he raped her anyway.", "rape_noncon"),
        ("She had cut herself again, and the fresh cuts on her wrists stung.", "self_harm"),
        ("He hanged himself in the barn the winter after the war.", "suicide"),
        ("They had sex on the narrow bed, slow and quiet.", "sexual_content"),
        ("Her father hit her again and locked her in the cellar without food.", "abuse"),
        ("He had been an alcoholic for years, drunk by noon most days.", "substance_abuse"),
        # The two: a fear that states the earlier fact ("again"), a death after "Not that".
        ("Mum was scared he would start cutting again, like last winter.", "self_harm"),
        ("Not that it mattered now, with Lily dead and buried.", "major_character_death"),
        # A "no" in the clause before is no negation of the rape (the negation's own clause).
        ("She screamed no, and he raped her.", "rape_noncon"),
    ],
)
def test_plain_statements_are_found_as_facts(analyse, sentence, kind):
    doc = analyse(sentence)
    assert kind in found(doc)
    signal = next(s for s in doc.signals if s.kind == kind)
    assert signal.time in FACT_TIMES and signal.evidence == sentence


@pytest.mark.slow
@pytest.mark.parametrize(
    ("sentence", "kind"),
    [
        ("She did not die that night.", "major_character_death"),  # negated
        ("If he ever touched her again, Tom would kill him.", "graphic_violence"),  # a threat, hypothetical
    ],
)
def test_negations_and_hypotheticals_are_not_facts(analyse, sentence, kind):
    doc = analyse(sentence)
    assert kind not in found(doc)
    assert all(s.time not in FACT_TIMES for s in doc.signals if s.kind == kind)


@pytest.mark.slow
def test_a_negated_killing_is_no_death(analyse):
    # Not found at the presence confidence. (Its weak signal's time may still read present:
    # "kill" is no lexicon word, so no negation cue reaches the time model; docs/signals.md.)
    assert "major_character_death" not in found(analyse("He didn't kill her."))


@pytest.mark.slow
@pytest.mark.parametrize(("times", "status"), [(1, "declared_not_found"), (2, "agree")])
def test_the_work_rule_decides_when_a_declared_warning_is_found(nlp, model, times, status):
    # A rule of two sentences at the presence confidence: one clear sentence is not enough, two are.
    segment = SegmentStage(SegmentConfig(), nlp)
    stage = SignalStage(SignalConfig(), model=replace(model, work_rule={"min_sentences": 2, "high": 1.01}))
    meta = {"archive_warnings": ["Rape/Non-Con"], "rating": "Explicit"}
    text = "It was late.\n\n" + " ".join(["He held her down on the bed and raped her."] * times)
    doc = stage(segment(Document(text=text, metadata=meta)))
    check = next(c for c in doc.signal_checks if c.kind == "rape_noncon")
    assert check.declared is True and check.status == status and check.chapters == (0,)


def _bare_model(work_rule: dict) -> SignalsModel:
    return SignalsModel((), {}, np.zeros((0, 0)), np.zeros(0), np.zeros(0), frozenset(), (), np.zeros((0, 0)), np.zeros(0), {}, work_rule)


def test_found_in_work_needs_several_sentences_or_one_very_sure():
    rule = _bare_model({"min_sentences": 3, "high": 0.9})
    assert not rule.found_in_work([0.65, 0.7, 0.2])  # two weak findings in a work
    assert rule.found_in_work([0.65, 0.7, 0.61])  # three
    assert rule.found_in_work([0.2, 0.93])  # one the model is sure of
    assert not rule.found_in_work([])
    assert _bare_model({}).found_in_work([0.61])  # no rule: one sentence is enough
    # A rule chosen on the archive warnings leaves the other kinds at one sentence.
    warnings = _bare_model({"min_sentences": 3, "high": 0.9, "kinds": ["graphic_violence"]})
    assert not warnings.found_in_work([0.65], "graphic_violence")
    assert warnings.found_in_work([0.65], "self_harm")


def test_the_rate_clause_counts_one_clear_sentence_in_a_short_work_only():
    rule = {"min_sentences": 3, "high": 1.01, "rate": 0.01}
    assert work_found([0.7], 50, rule)  # a drabble's one clear sentence: 1 in 50
    assert not work_found([0.7], 500, rule)  # the same sentence in a novella: 1 in 500
    assert not work_found([0.55], 10, rule)  # under the presence confidence, however short
    assert work_found([0.7, 0.65, 0.61], 10_000, rule)  # three anywhere
    assert not work_found([0.7], 50, {"min_sentences": 3, "high": 1.01})  # no rate: no clause


def test_the_lexicon_floor_is_part_of_the_confidence():
    # One kind, a classifier that says no; the floor lifts a row whose discounted lexicon score
    # reaches the presence confidence, and only for a floor kind.
    def bare(floor: frozenset[str]) -> SignalsModel:
        return SignalsModel(
            ("suicide",), {"bias:1": 0}, np.zeros((1, 1)), np.array([-5.0]), np.zeros(1), floor, (), np.zeros((0, 2)), np.zeros(0), {}
        )

    rows = [{"bias:1": 1.0, "lexd:suicide": 0.7}, {"bias:1": 1.0, "lexd:suicide": 0.5}, {"bias:1": 1.0}]
    floored = bare(frozenset({"suicide"})).confidence(rows)[:, 0]
    assert floored[0] == pytest.approx(0.7) and floored[1] < 0.01 and floored[2] < 0.01
    assert bare(frozenset()).confidence(rows)[0, 0] < 0.01


@pytest.mark.slow
def test_the_lexicon_floor_is_kept_where_its_hits_are_precise_or_add_without_cost():
    def f(found: int, right: int) -> dict[str, float]:
        return {"found": found, "right": right, "precision": round(right / found, 3) if found else 0.0}

    # Precise alone (0.6).
    assert keeps_lexicon_floor(f(5, 3), f(40, 30), f(40, 30))
    # 0.5 alone, but beside a 0.42 classifier they add a right finding at no precision cost.
    assert keeps_lexicon_floor(f(6, 3), f(40, 17), f(42, 18))
    # They add, but lower the precision (0.56 -> 0.54).
    assert not keeps_lexicon_floor(f(3, 1), f(34, 19), f(37, 20))
    # They add nothing the classifier misses; too few hits to judge.
    assert not keeps_lexicon_floor(f(6, 3), f(40, 17), f(40, 17))
    assert not keeps_lexicon_floor(f(2, 2), f(40, 17), f(41, 18))


def test_lexicon_features_are_scaled_in_training_and_read_unscaled_at_run_time():
    examples = _synthetic()
    examples = [replace(e, features={**e.features, "lexd:suicide": 0.7 * ("suicide" in e.positive)}) for e in examples]
    model = fit_signals(examples, log=lambda _: None, grid_c=(1.0,), grid_weight=(None,))
    rows = [e.features for e in examples]
    vocab = vocabulary(rows, [e.work for e in examples])
    scale = lexicon_scale(vocab)
    assert scale[vocab["lexd:suicide"]] == LEXICON_SCALE and scale[vocab["w:common"]] == 1.0
    y = np.array([int("suicide" in e.positive) for e in examples])
    clf = _fit(_matrix(rows, vocab, True), y, 1.0, None)
    j = model.kinds.index("suicide")
    assert np.allclose(model.margins(rows)[:, j], clf.decision_function(_matrix(rows, vocab, True)), atol=1e-3)


def test_the_work_rule_is_chosen_on_declared_and_clear_works():
    # Declaring works have three or more strong sentences; works declaring none apply have one or
    # two: only a rule of three sentences (and no single-sentence bar below 0.95) gets them all.
    works, confidences = [], []
    for i, strong in enumerate((3, 4, 5, 1, 1, 2)):
        declared = frozenset({"graphic_violence"}) if i < 3 else frozenset()
        works.append(WorkExample(f"w{i}", f"w{i}", [], declared, not declared))
        column = np.array([0.7] * strong + [0.9 if i == 4 else 0.1] + [0.1] * 20)
        confidences.append({k: column if k == "graphic_violence" else np.zeros(21) for k in WARNING_GOLD_KINDS})
    rule, summary = choose_work_rule(confidences, works)
    assert rule["min_sentences"] == 3 and rule["high"] > 0.9 and rule["kinds"] == list(WARNING_GOLD_KINDS)
    assert summary["out_of_fold"] == {"declared_found": [3, 3], "none_clear": [12, 12]}


def test_a_rule_per_warning_when_the_kinds_need_different_counts():
    # Graphic violence: declaring works have 3 strong sentences, works declaring none have 2 (a
    # count of 3 is needed); death: declaring works have 1, the others none (1 is enough). One
    # rule for both misses death or alarms on violence; a rule each, cross-validated, finds all.
    works, confidences = [], []
    for i in range(30):
        declared = frozenset({("graphic_violence", "major_character_death", None)[i % 3]}) - {None}
        works.append(WorkExample(f"w{i}", f"w{i}", [{}] * 40, declared, not declared))
        violence = 3 if "graphic_violence" in declared else 2
        death = 1 if "major_character_death" in declared else 0
        column = {
            "graphic_violence": np.array([0.7] * violence + [0.1] * (40 - violence)),
            "major_character_death": np.array([0.7] * death + [0.1] * (40 - death)),
        }
        confidences.append({k: column.get(k, np.zeros(40)) for k in WARNING_GOLD_KINDS})
    rule, summary = choose_work_rule(confidences, works)
    assert rule["per_kind"]["graphic_violence"]["min_sentences"] == 3
    assert rule["per_kind"]["major_character_death"]["min_sentences"] == 1
    assert summary["cross_validated"]["declared_found"] == [20, 20]
    assert summary["shared_rule"]["cross_validated"]["declared_found"][0] < 20
    model = _bare_model(rule)
    assert model.found_in_work([0.7, 0.1], "major_character_death")
    assert not model.found_in_work([0.7, 0.7, 0.1], "graphic_violence")


def test_thresholds_put_precision_first_where_recall_allows():
    # Best F1 cuts lowest (all six found, precision 0.67); the precision bar cuts after the fifth
    # sentence (four of six found, precision 0.8).
    y = np.array([1, 1, 1, 0, 1, 0, 1, 0, 1, 0, 0] + [0] * 6)
    p = np.array([0.95, 0.9, 0.85, 0.8, 0.75, 0.7, 0.65, 0.6, 0.55, 0.5, 0.45] + [0.1] * 6)
    threshold, rule = choose_threshold(y, p)
    assert rule.startswith("precision") and threshold == pytest.approx(0.725)


@pytest.mark.slow
def test_empty_document(analyse):
    doc = analyse("")
    assert doc.signals == [] and all(c.status == "none" for c in doc.signal_checks)


def test_a_kinds_threshold_lands_on_the_presence_confidence():
    # Probability 0.3 (the kind's threshold) shifted by shift_for(0.3) is PRESENT_AT.
    z = np.log(0.3 / 0.7) + shift_for(0.3)
    assert 1 / (1 + np.exp(-z)) == pytest.approx(PRESENT_AT)


def test_work_density_does_not_blow_up_on_short_texts():
    # One hit in a one-line text is not a dense work (short texts count as 50,000 characters).
    assert WorkContext.of("She cut herself.").density["self_harm"] == pytest.approx(np.log1p(1 / 5))


def _synthetic() -> list[Example]:
    """A tiny made-up training set: each kind's sentences carry its own word."""
    out = []
    for w in range(10):
        for i, kind in enumerate(KINDS):
            for positive in (True, False):
                feats = {"bias:1": 1.0, f"w:{kind}": float(positive), f"w:filler{i % 3}": 1.0, "w:common": 1.0}
                times = ((kind, ("present", "past", "negated")[(w + i) % 3 if positive else 2]),)
                out.append(Example(f"work{w}", f"work{w}", feats, frozenset({kind} if positive else ()), times))
    return out


@pytest.mark.slow
def test_training_gives_the_same_bytes_twice_and_the_file_loads(tmp_path):
    fit = lambda: fit_signals(_synthetic(), log=lambda _: None, grid_c=(1.0,), grid_weight=(None,))  # noqa: E731
    first = write_model(fit(), tmp_path / "a")
    second = write_model(fit(), tmp_path / "b")
    assert first.read_bytes() == second.read_bytes()
    model = model_from_data(json.loads(first.read_text(encoding="utf-8")))
    row = {"bias:1": 1.0, "w:suicide": 1.0, "w:common": 1.0}
    confidence = dict(zip(model.kinds, model.confidence([row])[0], strict=True))
    assert confidence["suicide"] >= PRESENT_AT > confidence["abuse"]
    again = model_from_data(model_to_data(replace(model, work_rule={"min_sentences": 3, "high": 0.95})))
    assert np.allclose(again.confidence([row]), model.confidence([row]))
    assert again.work_rule == {"min_sentences": 3, "high": 0.95}


def test_the_time_of_a_finding_is_a_fact(model):
    text = "She did not die that night."
    row = sentence_features(text, 0, len(text), WorkContext.of(text))
    assert model.time_of([row], ["major_character_death"], [True])[0] in FACT_TIMES
    assert model.time_of([row], ["major_character_death"], [False])[0] in model.times


def test_the_lexicon_prefilter_changes_no_feature():
    # Sentences and neighbourhoods without a candidate skip the lexicon; the features stay the same.
    text = (
        "It rained all morning.\nShe cut herself again, and the blood\nran down her wrist. They ate.\n\n"
        "Nobody spoke. He was drunk by noon; she did not die. The end."
    )
    full = WorkContext.of(text)
    plain = WorkContext(full.density, None, full.positions)  # no candidates: the lexicon runs everywhere
    spans = [(m.start(), m.end()) for m in re.finditer(r"[^.;\s][^.;]*[.;]", text)]
    assert len(spans) == 7 and full.candidates
    for start, end in spans:
        assert sentence_features(text, start, end, full) == sentence_features(text, start, end, plain)


def test_whole_works_are_cut_into_sentences_without_a_parse():
    from ficlens.eval.signals_gold import text_sentences

    text = 'He ran. "Stop!" she said.\nIt rained\nall day.\n\nMr. Hale came? Yes.'
    pieces = [text[s:e] for s, e in text_sentences(text)]
    # End punctuation before a capital ends a sentence (an abbreviation too: no parse); a line
    # break inside a paragraph does not, a blank line does.
    assert pieces == ["He ran.", '"Stop!" she said.', "It rained\nall day.", "Mr.", "Hale came?", "Yes."]


@pytest.mark.parametrize(
    ("sentence", "fact"),
    [
        ("she screamed no, and he raped her", True),  # "no" in its own clause
        ("no, he raped her in the hall", True),  # an interjection negates nothing after it
        ("he did not stop; he raped her", True),
        ("he did not rape her", False),
        ("he never raped anyone, and she knew it", False),
    ],
)
def test_a_negation_scopes_over_its_own_clause(sentence, fact):
    from ficlens.stages.signals_lexicon import lexicon_hits

    hit = {kind: (raw, discounted) for kind, raw, discounted, _ in lexicon_hits(sentence, False)}["rape_noncon"]
    assert (hit[1] == hit[0]) is fact


def test_near_features_count_a_kinds_matches_in_the_scene_around():
    filler = "They walked on. " * 20
    text = "The funeral was on Sunday. " + filler + "The coffin was carried out. " + filler * 10 + "Rain fell."
    context = WorkContext.of(text)
    coffin = text.index("The coffin")
    feats = sentence_features(text, coffin, coffin + len("The coffin was carried out."), context)
    # "funeral" is 350 characters before; the sentence's own "coffin" does not count.
    assert feats["near:major_character_death"] == pytest.approx(1 / 6)
    rain = text.index("Rain")
    assert "near:major_character_death" not in sentence_features(text, rain, len(text), context)


def test_work_found_counts_findings_at_the_rules_bar():
    rule = {"min_sentences": 2, "high": 1.01, "at": 0.8}
    assert not work_found([0.7, 0.75, 0.85], 100, rule)  # one at 0.8 or more
    assert work_found([0.81, 0.85], 100, rule)
    assert work_found([0.61, 0.62], 100, {"min_sentences": 2, "high": 1.01})  # default: 0.6


def test_the_work_rule_keeps_false_alarms_within_the_bar():
    # One sentence finds all four declared warnings but alarms in 5 of 10 clear works (5 of 40
    # clear cases, four warnings each); two sentences find 3 of 4 with no false alarm. The bar
    # (10% false alarms) chooses two, though both get the same share right on balance.
    works, confidences = [], []
    for i, strong in enumerate((2, 2, 2, 1) + (1,) * 5 + (0,) * 5):
        declared = frozenset({"graphic_violence"}) if i < 4 else frozenset()
        works.append(WorkExample(f"w{i}", f"w{i}", [{}] * 30, declared, not declared))
        column = np.array([0.7] * strong + [0.1] * (30 - strong))
        confidences.append({k: column if k == "graphic_violence" else np.zeros(30) for k in WARNING_GOLD_KINDS})
    rule, summary = choose_work_rule(confidences, works)
    assert rule["min_sentences"] == 2
    assert summary["out_of_fold"]["declared_found"] == [3, 4]
    assert summary["out_of_fold"]["none_clear"] == [40, 40]

