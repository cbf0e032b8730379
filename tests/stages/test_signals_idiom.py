"""Signals on modern prose and fan-fiction idiom (issue 24): "cut", "relapse", "clean for",
"OD'd", "bled out", "flatlined", "didn't make it", "not that", "after X's death", an age beside
sexual content; and the everyday senses of the same words, which must stay quiet.

Every sentence here was written for these tests (CC0). The shipped model and the lexicon floor
together must find the kind as a fact (present or past) at the presence confidence."""

from __future__ import annotations

import pytest

from ficlens.model import Document
from ficlens.stages.segment import SegmentConfig, SegmentStage
from ficlens.stages.signals import FACT_TIMES, SignalConfig, SignalStage
from ficlens.stages.signals_model import load_signals_model

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def analyse(nlp):
    segment = SegmentStage(SegmentConfig(), nlp)
    stage = SignalStage(SignalConfig(), model=load_signals_model())

    def run(text: str) -> Document:
        return stage(segment(Document(text=text, metadata={})))

    return run


def facts(doc: Document) -> set[str]:
    """The kinds found as facts at the presence confidence."""
    present = SignalConfig().present_confidence
    return {s.kind for s in doc.signals if s.confidence >= present and s.time in FACT_TIMES}




@pytest.mark.parametrize(
    ("text", "kind"),
    [
        # Self-harm: cutting, slashing or carving one's own skin; fresh cuts and scars; relapse.
        ("She relapsed in March and cut her arms until the sink was red.", "self_harm"),
        ("He carved lines into his own thigh with a razor.", "self_harm"),
        ("Jo sliced her forearm open with a pencil sharpener blade.", "self_harm"),
        ("There were fresh cuts on her wrists under the bandage.", "self_harm"),
        ("The scars on his arms had faded, and he had been clean for eight months.", "self_harm"),
        # Suicide: pills and not waking up.
        ("She swallowed every pill in the bottle, wanting never to wake up.", "suicide"),
        ("He took the whole packet of tablets so that he would not wake up.", "suicide"),
        # Underage: an age under 18 with sexual content, in the sentence or the one before.
        ("He was fifteen, and the older man kissed him and took him to bed.", "underage"),
        ("He was fifteen, and the older man kissed him and took him to bed.", "sexual_content"),
        ("Katie was only fourteen when her coach started sleeping with her.", "underage"),
        ("Danny was sixteen that summer. The man undressed him and had sex with him in the van.", "underage"),
        # Death, told the modern way.
        # One death word: found since the near: retrain moved death's best-F1 threshold down
        # (dev precision 0.32 at recall 0.46; was 0.40 at 0.24), not by a rule of their own.
        ("Marcus bled out on the kitchen floor before the ambulance came.", "major_character_death"),
        ("The monitor flatlined and the nurse said Rosa didn't make it.", "major_character_death"),
        ("Not that Ben died for anything, in the end.", "major_character_death"),
        ("After Priya's death the flat went quiet.", "major_character_death"),
        ("He overdosed in a motel and was dead by morning.", "major_character_death"),
    ],
)
def test_modern_idiom_is_found_as_a_fact(analyse, text, kind):
    assert kind in facts(analyse(text))


# Substance abuse's lexicon counts as a floor since session 19 (h24f): on dev, out of fold, its
# strong hits find more beside the classifier without lowering its precision (40 / 17 -> 42 /
# 18), though alone they are only 0.5 precise (3 of 6). Under the classifier's best-F1
# threshold alone the first and last scored 0.38 and 0.53.
@pytest.mark.parametrize(
    "text",
    [
        "Jamie OD'd in the back of a club last year.",
        "She overdosed on heroin two weeks after getting out of rehab.",
        "After rehab he had been clean for ninety days, then he relapsed and started using again.",
    ],
)
def test_overdose_and_relapse_are_substance_abuse(analyse, text):
    assert "substance_abuse" in facts(analyse(text))


def test_clean_and_do_it_again_reads_as_self_harm_or_substance(analyse):
    # "Clean" and "do it again" with no other word: the usual sense in modern fiction is
    # self-harm or drugs, whichever the story means.
    found = facts(analyse("Mara had been clean for two years, and everyone was afraid she would do it again."))
    assert found & {"self_harm", "substance_abuse"}


@pytest.mark.parametrize(
    ("text", "kinds"),
    [
        ("She cut the bread into thick slices.", {"self_harm", "graphic_violence"}),
        ("She cut him off before he could finish the sentence.", {"self_harm", "graphic_violence"}),
        ("He cut his finger chopping onions.", {"self_harm"}),
        ("It was a clean break, and the cast came off in six weeks.", {"self_harm", "substance_abuse"}),
        ("The kitchen had been clean for two days before the dog came back.", {"self_harm", "substance_abuse"}),
        ("Do it again, from the top, and watch the timing this time.", {"self_harm", "substance_abuse"}),
        ("The battery died halfway through the call.", {"major_character_death"}),
        ("I could kill for a coffee right now.", {"major_character_death", "graphic_violence", "suicide"}),
        ("I'm dying to see you on Friday.", {"major_character_death"}),
        ("She was fifteen minutes late for the meeting.", {"underage"}),
        ("He was sixteen when he won the chess cup.", {"underage", "sexual_content"}),
        ("She took the pills the doctor gave her and slept until noon.", {"suicide", "substance_abuse"}),
        ("They put the feverish boy to bed and sat with him all night.", {"sexual_content", "underage"}),
    ],
)
def test_everyday_senses_stay_quiet(analyse, text, kinds):
    assert not facts(analyse(text)) & kinds
