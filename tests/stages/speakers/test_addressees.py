"""Addressees (``speakers/addressees.py``): features of the exchange, the set decision, the rule fallback.

Turns are plain records here: the module only reads the attributes the speakers stage gives it.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from ficlens.stages.speakers.addressees import (
    addressee_features,
    choose_addressees,
    model_addressees,
    rule_addressees,
    vocative_addressees,
)
from ficlens.stages.speakers.features import ADDRESSEE_FEATURES


@dataclass
class FakeTurn:
    paragraph: int
    vocatives: list[str] = field(default_factory=list)
    named: set[str] = field(default_factory=set)
    addressed: set[str] = field(default_factory=set)  # genders its words of address say
    features: dict[str, dict[str, float]] = field(default_factory=dict)
    scores: dict[str, float] = field(default_factory=dict)
    tag: object | None = None
    quotes: list[int] = field(default_factory=lambda: [0])

    @property
    def last_paragraph(self) -> int:
        return self.paragraph


def _exchange() -> tuple[list[FakeTurn], list[str | None]]:
    turns = [
        FakeTurn(0, vocatives=["B"], features={"A": {"actor": 1.0}, "B": {"salience": 0.5}}, scores={"A": 3.0, "B": -1.0}),
        FakeTurn(1, features={"A": {}, "B": {}}, scores={"A": -2.0, "B": 2.0}),
        FakeTurn(2, named={"C"}, features={"A": {}, "B": {}, "C": {}}, scores={"A": 1.0, "B": -1.0, "C": -3.0}),
    ]
    return turns, ["A", "B", "A"]


def test_features_describe_the_exchange():
    turns, speakers = _exchange()
    feats = addressee_features(turns, speakers, {"A": "female", "B": "male", "C": "male"}, narrator=None)
    assert set(feats[0]) == {"B"}  # the speaker is never her own addressee
    b = feats[0]["B"]
    assert b["vocative"] == 1.0 and b["next1"] == 1.0 and "same_gender" not in b
    # B answers the one who named him.
    assert feats[1]["A"]["replies_to_vocative"] == 1.0 and feats[1]["A"]["prev1"] == 1.0
    assert feats[2]["C"]["named"] == 1.0 and feats[2]["B"]["prev1"] == 1.0
    assert all(name in ADDRESSEE_FEATURES for by in feats for f in by.values() for name in f)


def test_words_of_address_check_the_candidates_gender():
    turns, speakers = _exchange()
    turns[2].addressed = {"male"}  # "Yes, sir."
    feats = addressee_features(turns, speakers, {"A": "female", "B": "male", "C": "male"}, narrator=None)
    assert feats[2]["B"]["address_gender"] == 1.0 and feats[2]["C"]["address_gender"] == 1.0
    assert all("address_gender" not in f for by in feats[:2] for f in by.values())
    turns[1].addressed = {"male", "female"}  # "Ladies and gentlemen": no one gender
    feats = addressee_features(turns, speakers, {"A": "female", "B": "male"}, narrator=None)
    assert "address_gender" not in feats[1]["A"]
    turns[1].addressed = {"male"}
    feats = addressee_features(turns, speakers, {"A": "female", "B": "male"}, narrator=None)
    assert feats[1]["A"]["address_gender"] == -1.0


def test_turn_without_speaker_has_no_candidates():
    turns, _ = _exchange()
    assert addressee_features(turns, [None, "B", None], {}, None)[0] == {}


def test_choose_keeps_every_candidate_above_threshold():
    assert choose_addressees({"A": 1.2, "B": 0.3, "C": -2.0}, 0.0) == ("A", "B")
    assert choose_addressees({"A": -0.5, "B": -0.1}, 0.0) == ("B",)  # none above: the best one
    assert choose_addressees({}, 0.0) == ()


def test_model_addressees_uses_the_scorer():
    class Vocative:
        def score_many(self, rows):
            return [3.0 if r.get("vocative") else (1.0 if r.get("prev1") else -1.0) for r in rows]

    turns, speakers = _exchange()
    assert model_addressees([(turns, speakers)], [], Vocative(), 0.0) == [[("B",), ("A",), ("B",)]]
    assert model_addressees([(turns, speakers)], [], Vocative(), 2.0) == [[("B",), ("A",), ("B",)]]
    # Two conversations scored in one batch keep their own turns.
    both = model_addressees([(turns, speakers), (turns[:1], ["A"])], [], Vocative(), 0.0)
    assert both == [[("B",), ("A",), ("B",)], [("B",)]]


def test_rules_prefer_vocatives_then_the_other_party():
    turns, speakers = _exchange()
    assert rule_addressees(turns, speakers, 0) == ("B",)
    assert rule_addressees(turns, speakers, 1) == ("A",)
    lone = [FakeTurn(0, features={"A": {}, "B": {"actor": 1.0}})]
    assert rule_addressees(lone, ["A"], 0) == ("B",)


def test_a_vocative_among_the_chosen_narrows_them_to_it():
    turn = FakeTurn(0, vocatives=["B"])
    # "Jesus, Elias.": said to Elias, though C stands by and the scorer chose both.
    assert vocative_addressees(turn, "A", ("C", "B")) == ("B",)
    # A vocative the scorer did not choose (an echoed name, an appositive) changes nothing.
    assert vocative_addressees(turn, "A", ("C",)) == ("C",)
    # Nobody addressed by name: the choice stands.
    assert vocative_addressees(FakeTurn(0), "A", ("B", "C")) == ("B", "C")


# CC0, written for this test: three people, and the tag says whom each line is said to.
RECIPIENT_STORY = (
    "Rosa waited in the kitchen door. Marcus and Benny came in from the snow.\n\n"
    '"You said an hour," Rosa said to Marcus.\n\n'
    '"It was an hour. Ish," Marcus said.\n\n'
    '"Take off your boots," Rosa told Benny.\n\n'
    '"Why me?" Benny asked himself.'
)


def test_a_tag_says_whom_the_line_is_said_to(build):
    from ficlens.model import Gender
    from ficlens.stages.speakers import SpeakerStage

    cast = (("Rosa", Gender.FEMALE), ("Marcus", Gender.MALE), ("Benny", Gender.MALE))
    doc = SpeakerStage()(build(RECIPIENT_STORY, cast))
    speakers = [q.speaker_id for q in doc.quotes]
    assert speakers == ["C0", "C1", "C0", "C2"]
    # "said to Marcus": him, not Benny beside him; "told Benny": Benny, though Marcus spoke
    # last; "asked himself": nobody.
    assert doc.quotes[0].addressee_ids == ("C1",)
    assert doc.quotes[2].addressee_ids == ("C2",)
    assert doc.quotes[3].addressee_ids == ()


# CC0, written for this test: three people; the speaker turns to the one who has not spoken.
BEAT_STORY = (
    "Mara, Tom and Jess waited by the gate in the rain.\n\n"
    '"The bus is late again," Jess said.\n\n'
    'Mara turned to Tom. "Did you bring the tickets?"'
)


def test_a_beat_says_whom_the_speaker_turns_to(build):
    from ficlens.model import Gender
    from ficlens.stages.speakers import SpeakerStage

    cast = (("Mara", Gender.FEMALE), ("Tom", Gender.MALE), ("Jess", Gender.FEMALE))
    doc = SpeakerStage()(build(BEAT_STORY, cast))
    assert [q.speaker_id for q in doc.quotes] == ["C2", "C0"]
    # "Mara turned to Tom.": Tom, though Jess spoke just before.
    assert doc.quotes[1].addressee_ids == ("C1",)


def test_beat_target_counts_only_when_the_speaker_turns():
    from ficlens.model import Gender
    from ficlens.stages.speakers.attention import beat_addressee
    from ficlens.stages.speakers.tags import Ref

    mara, tom, jess = Ref(("A",), "name", None, (0, 4)), Ref(("B",), "name", None, (5, 8)), Ref(("C",), "name", None, (9, 13))
    she = Ref((), "pronoun", Gender.FEMALE, (0, 3))
    genders = {"A": Gender.FEMALE, "B": Gender.MALE, "C": Gender.FEMALE}
    assert beat_addressee([(mara, tom)], "A", genders) == "B"
    # Someone else turns to Tom: says nothing of Mara's line.
    assert beat_addressee([(jess, tom)], "A", genders) is None
    # "She turned to Tom": an unresolved pronoun of the speaker's gender is the speaker.
    assert beat_addressee([(she, tom)], "A", genders) == "B"
    assert beat_addressee([(she, tom)], "B", genders) is None
    # Two targets: no answer.
    assert beat_addressee([(mara, tom), (mara, jess)], "A", genders) is None
