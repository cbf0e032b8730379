"""Signals, the lexicon method (``SignalConfig(method="lexicon")``): hits with negation,
hypotheticals, idioms and dialogue discounted. Its strong hits still count beside the
classifier (tests/stages/test_signals_classifier.py) for the kinds where they are precise."""

from __future__ import annotations

import re

import pytest

from ficlens.model import Character, Document, Mention, MentionKind, Quote
from ficlens.stages.segment import SegmentConfig, SegmentStage
from ficlens.stages.signals import SignalConfig, SignalStage, declared_kinds

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def segment(nlp):
    return SegmentStage(SegmentConfig(), nlp)


def analyse(segment, text: str, metadata: dict | None = None, names: tuple[str, ...] = (), method: str = "lexicon") -> Document:
    doc = segment(Document(text=text, metadata=metadata or {}))
    doc.quotes = [
        Quote(f"Q{i}", m.start() + 1, m.end() - 1, m.group()[1:-1], 0, "double")
        for i, m in enumerate(re.finditer(r'"[^"]*"', text))
    ]
    # Every listed name is a main character mentioned wherever it appears.
    doc.characters = [Character(f"C{i}", n, (n,), mentions=10) for i, n in enumerate(names)]
    token_at = {t.start: t.i for t in doc.tokens}
    doc.mentions = [
        Mention(m.start(), m.end(), token_at[m.start()], token_at[m.start()] + 1, n, MentionKind.NAME, f"C{i}")
        for i, n in enumerate(names)
        for m in re.finditer(re.escape(n), text)
    ]
    return SignalStage(SignalConfig(method=method))(doc)


def kinds(doc: Document, at_least: float = 0.3) -> set[str]:
    return {s.kind for s in doc.signals if s.confidence >= at_least}


@pytest.mark.parametrize(
    ("sentence", "kind"),
    [
        ("The knife went in and blood soaked the sheets.", "graphic_violence"),  # two triggers
        ("She cut herself again in the bathroom that night.", "self_harm"),
        ("They had sex on the narrow bed.", "sexual_content"),
        ("He hit her again, and the bruises on her arms darkened.", "abuse"),
    ],
)
def test_plain_statements_are_found(segment, sentence, kind):
    assert kind in kinds(analyse(segment, sentence), at_least=0.5)


@pytest.mark.parametrize(
    ("sentence", "kind"),
    [
        ("She did not cut herself, not this time.", "self_harm"),  # negated
        ("If he had fallen he could have killed himself.", "self_harm"),  # hypothetical
        ("I'm dying to know what happened.", "major_character_death"),  # idiom
        ("There was no blood on the floor.", "graphic_violence"),  # negated
    ],
)
def test_negation_hypotheticals_and_idioms_are_discounted(segment, sentence, kind):
    doc = analyse(segment, sentence, names=("Anna",))
    assert all(s.confidence < 0.5 for s in doc.signals if s.kind == kind)


def test_death_needs_a_major_character(segment):
    with_main = analyse(segment, "Anna died in the spring, and the house went quiet.", names=("Anna",))
    stranger = analyse(segment, "A stranger died in the spring, far away.", names=("Anna",))
    assert "major_character_death" in kinds(with_main, 0.5)
    assert "major_character_death" not in kinds(stranger, 0.5)


def test_dialogue_counts_less(segment):
    narrated = analyse(segment, "She stabbed him twice.")
    spoken = analyse(segment, '"I will stab you," she said.')
    best = lambda doc: max((s.confidence for s in doc.signals if s.kind == "graphic_violence"), default=0)  # noqa: E731
    assert best(spoken) < best(narrated)


def test_evidence_is_the_sentence(segment):
    doc = analyse(segment, "It was a calm day.\n\nShe cut herself with the razor.")
    signal = next(s for s in doc.signals if s.kind == "self_harm")
    assert signal.evidence == "She cut herself with the razor."
    assert doc.text[signal.start : signal.end] == signal.evidence


def test_surprise_against_no_archive_warnings(segment):
    meta = {"archive_warnings": ["No Archive Warnings Apply"], "rating": "Teen And Up Audiences"}
    doc = analyse(segment, "Chapter 1\n\nA calm day.\n\nChapter 2\n\nShe cut herself again.", meta)
    check = next(c for c in doc.signal_checks if c.kind == "self_harm")
    assert check.status == "surprise"
    assert check.message == "tagged No Archive Warnings Apply; self harm mentioned in chapter 2"


def test_agreement_with_a_declared_warning(segment):
    meta = {"archive_warnings": ["Graphic Depictions Of Violence"], "rating": "Mature"}
    doc = analyse(segment, "He stabbed the guard and blood ran across the stones.", meta)
    check = next(c for c in doc.signal_checks if c.kind == "graphic_violence")
    assert check.status == "agree" and check.declared is True


@pytest.mark.parametrize(
    ("metadata", "expected"),
    [
        ({"archive_warnings": ["Major Character Death"]}, {"major_character_death"}),  # a warning
        ({"rating": "Explicit"}, {"sexual_content"}),  # the rating declares it
        ({"additional_tags": ["Self-Harm", "Hurt/Comfort"]}, {"self_harm"}),  # a freeform tag
        ({}, set()),  # nothing declared
    ],
)
def test_declared_kinds(metadata, expected):
    assert declared_kinds(metadata)[0] == expected


def test_empty_document(segment):
    doc = analyse(segment, "")
    assert doc.signals == [] and all(c.status == "none" for c in doc.signal_checks)


@pytest.mark.parametrize(
    ("sentence", "kind"),
    [
        ("She was tortured by the fear that he knew.", "graphic_violence"),  # figurative torture
        ("Whereupon Victor answered with a volley of abuse.", "abuse"),  # abuse = insults
        ("My interest was aroused.", "sexual_content"),  # other sense of "aroused"
        ("Their intercourse was friendly and brief.", "sexual_content"),  # archaic: conversation
        ("The cactuses were stabbing the purple sky.", "graphic_violence"),  # a thing does the stabbing
        ("His face grew grave and he looked away.", "major_character_death"),  # grave = serious
        ("Did he think I read the bloody paper?", "graphic_violence"),  # expletive, and a question
    ],
)
def test_other_senses_are_not_evidence(segment, sentence, kind):
    doc = analyse(segment, sentence, names=("Victor",))
    assert all(s.confidence < 0.45 for s in doc.signals if s.kind == kind)


def test_death_weighs_who_dies(segment):
    # Anna (a main character) is the one who dies; in the second, the bull is.
    anna = analyse(segment, "Anna was dead by morning.", names=("Anna",))
    bull = analyse(segment, "Anna looked at the dead bull.", names=("Anna",))
    assert max(s.confidence for s in anna.signals if s.kind == "major_character_death") >= 0.6
    assert all(s.confidence < 0.3 for s in bull.signals if s.kind == "major_character_death")


def test_a_question_asserts_less(segment):
    stated = analyse(segment, "Anna died that winter.", names=("Anna",))
    asked = analyse(segment, "Anna died that winter?", names=("Anna",))
    best = lambda doc: max((s.confidence for s in doc.signals if s.kind == "major_character_death"), default=0)  # noqa: E731
    assert best(asked) < best(stated)


def test_again_states_the_earlier_fact(segment):
    # Feared for the future, but "again" says he has cut before: not discounted, and past.
    doc = analyse(segment, "Mum was scared he would start cutting again, like last winter.")
    signal = next(s for s in doc.signals if s.kind == "self_harm")
    assert signal.confidence >= 0.6 and signal.time == "past"


def test_nearly_scopes_over_its_own_verb(segment):
    # "nearly died" is hypothetical; "nearly blinded with the blood" still depicts the blood.
    fell = analyse(segment, "She fell, nearly blinded with the blood from a deep gash.")
    almost = analyse(segment, "Anna nearly died that winter.", names=("Anna",))
    assert max(s.confidence for s in fell.signals if s.kind == "graphic_violence") >= 0.45
    assert all(s.confidence < 0.3 for s in almost.signals if s.kind == "major_character_death")
