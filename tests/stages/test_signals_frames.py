"""Frames: whether a content word is stated as a fact of the story or only supposed, threatened,
feared, denied, generalised or compared (``signals_frames``); and the death of a person as
opposed to talk of death. Sentences written for these tests (CC0)."""

from __future__ import annotations

import pytest

from ficlens.stages.signals_frames import death_of_person, frame_at
from ficlens.stages.signals_model import WorkContext, sentence_features


def frame(sentence: str, word: str, in_quote: bool = False) -> str | None:
    lowered = sentence.lower()
    return frame_at(lowered, lowered.index(word), in_quote)


@pytest.mark.parametrize(
    ("sentence", "word", "expected"),
    [
        # Hypothetical and conditional: a modal governing the word, or an "if" clause.
        ("I would drown myself before I let them take me.", "drown", "hypothetical"),
        ("She could have bled to death on that road.", "bled", "hypothetical"),
        ("What if the fever kills him?", "kills", "hypothetical"),
        ("Should the wall fall, the guards might die.", "die", "hypothetical"),
        ("He will starve if the rations stop.", "starve", "hypothetical"),
        # Negated, whatever the word: no lexicon hit is needed.
        ("Petra didn't shoot the man at the gate.", "shoot", "negated"),
        ("Nobody died in the flood.", "died", "negated"),
        # Generic: a general subject with a present-tense verb is no event of the story.
        ("Everybody dies in the end.", "dies", "generic"),
        ("People kill for far less than a ring.", "kill", "generic"),
        # Figurative: a comparison.
        ("The news hit her like a fist to the stomach.", "fist", "figurative"),
        # Threatened and feared.
        ("Mara threatened to stab the next one who spoke.", "stab", "threatened"),
        ("I'll strangle you myself.", "strangle", "threatened"),
        ("He was terrified that the boy would drown.", "drown", "feared"),
        # Attempted, not done.
        ("She tried to poison her uncle twice.", "poison", "attempted"),
    ],
)
def test_frames_of_words_that_are_not_facts(sentence: str, word: str, expected: str) -> None:
    assert frame(sentence, word, in_quote=sentence.startswith("I'll")) == expected


@pytest.mark.parametrize(
    ("sentence", "word"),
    [
        ("Petra shot the man at the gate.", "shot"),
        ("She could see the blood on his collar.", "blood"),  # perception, not supposition
        ("He would beat the dog every night.", "beat"),  # a past habit
        ("She'd drowned in the spring of that year.", "drowned"),  # "'d" as "had"
        ("Everybody died in the flood.", "died"),  # past: an event, not a generalisation
        ("Not that Oskar died for nothing.", "died"),
        ("She was afraid he would start drinking again.", "drinking"),  # "again": he has before
    ],
)
def test_facts_stay_facts(sentence: str, word: str) -> None:
    assert frame(sentence, word) is None


@pytest.mark.parametrize(
    ("sentence", "expected"),
    [
        ("Oskar bled out before the medics came.", "fact"),
        ("Her grandfather passed away in March.", "fact"),
        ("After Lena's death the house went quiet.", "fact"),
        ("They murdered Oskar in his sleep.", "fact"),
        ("If Oskar dies, the deal is off.", "hypothetical"),
        ("Oskar didn't die that night.", "negated"),
        ("Everybody dies in the end.", None),
        ("The lamp died with a fizz.", None),
    ],
)
def test_death_of_a_person_versus_death_talk(sentence: str, expected: str | None) -> None:
    assert death_of_person(sentence, sentence.lower(), False) == expected


def features(sentence: str) -> dict[str, float]:
    return sentence_features(sentence, 0, len(sentence), WorkContext.of(sentence))


def test_frame_features_reach_every_kind_and_the_time_cues() -> None:
    # "strangle" is no lexicon word of any kind; the frame is still read for the broad words.
    denied = features("He did not strangle the guard.")
    assert denied.get("frame:graphic_violence:negated") == 1.0
    assert denied.get("cue:negated") == 1.0
    assert "frame:graphic_violence:fact" not in denied
    stated = features("He strangled the guard.")
    assert stated.get("frame:graphic_violence:fact") == 1.0
    assert "cue:negated" not in stated
    # One stated word is enough for the kind's fact frame, beside a supposed one.
    mixed = features("She would have died if he had not strangled the guard first, and he strangled him.")
    assert mixed.get("frame:graphic_violence:fact") == 1.0


def test_death_feature_only_for_a_person_dying() -> None:
    assert features("Her brother died in the crash.").get("death:fact") == 1.0
    assert "death:fact" not in features("Everybody dies in the end.")
    assert "death:fact" not in features("Death is a door, the priest said.")


@pytest.mark.slow
@pytest.mark.parametrize(
    ("sentence", "kind", "expected"),
    [
        ("He didn't strangle the guard.", "graphic_violence", "negated"),
        ("She would never kill anyone.", "graphic_violence", "negated"),
        ("I could kill him for this.", "graphic_violence", "hypothetical"),
        ("He strangled the guard.", "graphic_violence", None),
        ("The guard died at dawn.", "major_character_death", None),
    ],
)
def test_the_parse_says_which_frame_holds_a_kinds_words(nlp, sentence: str, kind: str, expected: str | None) -> None:
    from ficlens.model import Document
    from ficlens.stages.segment import SegmentConfig, SegmentStage
    from ficlens.stages.signals import _Roles

    doc = SegmentStage(SegmentConfig(), nlp)(Document(text=sentence))
    assert _Roles(doc, 4).frame(kind, 0, len(sentence), sentence) == expected


@pytest.mark.slow
def test_a_death_concerns_the_one_who_dies_even_without_coref(nlp) -> None:
    from ficlens.model import Document
    from ficlens.stages.segment import SegmentConfig, SegmentStage
    from ficlens.stages.signals import _Roles

    text = "Anna watched from the door while Tomas died on the floor."
    doc = SegmentStage(SegmentConfig(), nlp)(Document(text=text))
    assert _Roles(doc, 4).concerns("major_character_death", 0, len(text)) == "Tomas"
