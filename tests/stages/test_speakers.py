"""Speakers: speech tags, gender, turn-taking, vocatives and first-person narrators.

Documents go through the real segment stage (spaCy parse); quotes, characters and
mentions are made by hand here so these tests do not depend on the other stages.
"""

from __future__ import annotations

import re
from bisect import bisect_left, bisect_right
from dataclasses import replace
from pathlib import Path

import pytest

from ficlens.model import Character, Document, Evidence, Gender, Mention, MentionKind, Quote
from ficlens.stages.segment import SegmentConfig, SegmentStage
from ficlens.stages.speakers import (
    RuleScorer,
    SpeakerConfig,
    SpeakerStage,
    _Turn,
    stack_features,
    style_features,
)

pytestmark = pytest.mark.slow

_PRONOUNS = {"i", "me", "my", "mine", "myself", "you", "your", "he", "him", "his", "she", "her"}


@pytest.fixture(scope="module")
def segment(nlp):
    return SegmentStage(SegmentConfig(), nlp)


@pytest.fixture(scope="module")
def speakers():
    return SpeakerStage(SpeakerConfig(scorer="rules"))  # these cases pin the hand rules


def _build(segment, text: str, characters: list[Character], continues: dict[int, int] | None = None) -> Document:
    """Segment ``text``; quotes from straight double quotes; name and pronoun mentions by alias."""
    doc = segment(Document(text=text))
    para_starts = [p.start for p in doc.paragraphs]
    quotes = []
    for k, m in enumerate(re.finditer(r'"([^"]*)"', text)):
        paragraph = doc.paragraphs[bisect_right(para_starts, m.start()) - 1].id
        parent = (continues or {}).get(k)
        quotes.append(
            Quote(
                id=f"Q{k}", start=m.start(1), end=m.end(1), text=m.group(1), paragraph=paragraph,
                mark="double", open_start=m.start(), continues=f"Q{parent}" if parent is not None else None,
            )
        )
    doc.quotes = quotes
    doc.characters = characters

    def inside(pos: int) -> bool:
        return any(q.start <= pos < q.end for q in quotes)

    starts = [t.start for t in doc.tokens]
    mentions = []
    for c in characters:
        for alias in {c.name, *c.aliases}:
            for m in re.finditer(rf"\b{re.escape(alias)}\b", text):
                lo = bisect_left(starts, m.start())
                hi = bisect_left(starts, m.end())
                mentions.append(
                    Mention(m.start(), m.end(), lo, hi, alias, MentionKind.NAME, c.id, inside(m.start()))
                )
    taken = {t for m in mentions for t in range(m.start_token, m.end_token_excl)}
    for t in doc.tokens:
        if t.text.lower() in _PRONOUNS and t.i not in taken:
            mentions.append(Mention(t.start, t.end, t.i, t.i + 1, t.text, MentionKind.PRONOUN, None, inside(t.start)))
    doc.mentions = sorted(mentions, key=lambda m: m.start)
    return doc


def _cast(*specs: tuple[str, Gender]) -> list[Character]:
    return [Character(id=f"C{i}", name=name, gender=gender) for i, (name, gender) in enumerate(specs)]


PRIDE = _cast(
    ("Elizabeth", Gender.FEMALE), ("Mrs. Bennet", Gender.FEMALE), ("Mr. Darcy", Gender.MALE)
)


def test_empty_document(speakers):
    doc = speakers(Document(text=""))
    assert doc.quotes == [] and doc.characters == [] and doc.mentions == []


def test_document_without_quotes(segment, speakers):
    doc = _build(segment, "Elizabeth walked to Meryton. Mr. Darcy did not.", PRIDE)
    before = list(doc.mentions)
    doc = speakers(doc)
    assert doc.quotes == []
    assert doc.mentions == before
    assert [c.quotes for c in doc.characters] == [0, 0, 0]


def test_quotes_without_characters_stay_unassigned(segment, speakers):
    doc = _build(segment, '"Hello," said someone.', [])
    doc = speakers(doc)
    assert doc.quotes[0].speaker_id is None and doc.quotes[0].evidence is None


@pytest.mark.parametrize(
    ("text", "speaker", "mention"),
    [
        # inverted tag after the quote
        ('Mr. Darcy bowed.\n\n"I am quite well," said Elizabeth.', "C0", "Elizabeth"),
        # subject-first tag after the quote
        ('Mr. Darcy bowed.\n\n"I am quite well," Elizabeth said.', "C0", "Elizabeth"),
        # a titled name in an inverted tag
        ('Elizabeth smiled.\n\n"Oh, my nerves!" cried Mrs. Bennet.', "C1", "Mrs. Bennet"),
        # the tag before the quote
        ('Elizabeth smiled.\n\nMr. Darcy said, "You are mistaken."', "C2", "Mr. Darcy"),
    ],
)
def test_explicit_tags(segment, speakers, text, speaker, mention):
    doc = speakers(_build(segment, text, PRIDE))
    q = doc.quotes[0]
    assert q.speaker_id == speaker
    assert q.evidence == Evidence.EXPLICIT
    assert q.speaker_mention is not None and doc.text[slice(*q.speaker_mention)] == mention
    assert q.confidence >= 0.9
    assert speaker in q.candidates


def test_anaphoric_pronoun_resolved_by_gender(segment, speakers):
    text = 'Tom and Anna stood at the door.\n\n"It is late," she said.'
    doc = speakers(_build(segment, text, _cast(("Tom", Gender.MALE), ("Anna", Gender.FEMALE))))
    q = doc.quotes[0]
    assert (q.speaker_id, q.evidence) == ("C1", Evidence.ANAPHORIC)
    assert doc.text[slice(*q.speaker_mention)] == "she"
    assert set(q.candidates) == {"C0", "C1"}


def test_anaphoric_pronoun_resolved_by_coref(segment, speakers):
    # Coref already linked "she" to Anna: the stage must use it even with two women around.
    text = 'Anna and Jo stood at the door.\n\n"It is late," she said.'
    doc = _build(segment, text, _cast(("Anna", Gender.FEMALE), ("Jo", Gender.FEMALE)))
    doc.mentions = [replace_id(m, "C0") if m.text == "she" else m for m in doc.mentions]
    q = speakers(doc).quotes[0]
    assert (q.speaker_id, q.evidence) == ("C0", Evidence.ANAPHORIC)


def replace_id(m: Mention, cid: str) -> Mention:
    from dataclasses import replace

    return replace(m, character_id=cid)


def test_present_tense_tag(segment, speakers):
    text = 'Marie watches Teddy.\n\n"You should go," he says.'
    doc = speakers(_build(segment, text, _cast(("Teddy", Gender.MALE), ("Marie", Gender.FEMALE))))
    assert (doc.quotes[0].speaker_id, doc.quotes[0].evidence) == ("C0", Evidence.ANAPHORIC)


def test_quote_broken_by_action(segment, speakers):
    # No speech verb: the man who acts in the paragraph speaks both pieces.
    text = 'Marie sits by the window.\n\n"Wait..." He turns. "You came back?"'
    doc = speakers(_build(segment, text, _cast(("Teddy", Gender.MALE), ("Marie", Gender.FEMALE))))
    assert [q.speaker_id for q in doc.quotes] == ["C0", "C0"]
    assert all(q.evidence == Evidence.IMPLICIT for q in doc.quotes)


@pytest.mark.parametrize(
    "continues",
    [
        None,  # pieces only share a paragraph
        {1: 0},  # the quotes stage linked the second piece to the first
    ],
)
def test_tag_between_two_pieces(segment, speakers, continues):
    text = 'Tom looked at Anna.\n\n"Well," she said, "I never."'
    doc = speakers(_build(segment, text, _cast(("Tom", Gender.MALE), ("Anna", Gender.FEMALE)), continues))
    assert [q.speaker_id for q in doc.quotes] == ["C1", "C1"]
    assert [c.quotes for c in doc.characters] == [0, 1 if continues else 2]


def test_turn_taking_over_untagged_lines(segment, speakers):
    lines = ["Anna looked at Tom across the table.", '"Did you sleep?" asked Anna.']
    lines += [f'"{s}"' for s in ("Not much.", "Why not?", "The storm.", "It was loud.", "Very loud.", "Go back to bed.")]
    doc = speakers(_build(segment, "\n\n".join(lines), _cast(("Anna", Gender.FEMALE), ("Tom", Gender.MALE))))
    assert [q.speaker_id for q in doc.quotes] == ["C0", "C1", "C0", "C1", "C0", "C1", "C0"]
    assert [q.evidence for q in doc.quotes[1:]] == [Evidence.IMPLICIT] * 6
    assert all(0.0 < q.confidence < 0.9 for q in doc.quotes[1:])


def test_vocative_addressee(segment, speakers):
    text = 'Teddy and Marie and Jo waited.\n\n"Teddy, stop," said Marie.'
    cast = _cast(("Teddy", Gender.MALE), ("Marie", Gender.FEMALE), ("Jo", Gender.FEMALE))
    doc = speakers(_build(segment, text, cast))
    q = doc.quotes[0]
    assert (q.speaker_id, q.addressee_ids) == ("C1", ("C0",))


def test_vocative_at_end_names_next_speaker(segment, speakers):
    # "Come here, Marcus!" makes Marcus the addressee and the likely next speaker.
    text = 'Lena, Marcus and Paul sat by the fire.\n\n"Come here, Marcus!" Lena called.\n\n"Why?"'
    cast = _cast(("Lena", Gender.FEMALE), ("Marcus", Gender.MALE), ("Paul", Gender.MALE))
    doc = speakers(_build(segment, text, cast))
    assert doc.quotes[0].addressee_ids == ("C1",)
    assert doc.quotes[1].speaker_id == "C1"


def test_words_of_address_say_the_listeners_gender(segment, speakers):
    # Our own words (CC0). "sir" and "my dear girl" address a man and a woman; "Sir Walter," is
    # a name and "a good fellow" no address at all.
    text = (
        'Anna, Tom and Ruth sat in the kitchen.\n\n"Will you stay, sir?" asked Ruth.\n\n"Only an hour."'
        '\n\n"Oh, my dear girl, sit down."\n\n"Sir Walter, come in."\n\n"He is a good fellow."'
    )
    cast = _cast(("Anna", Gender.FEMALE), ("Tom", Gender.MALE), ("Ruth", Gender.FEMALE))
    turns = speakers.turns(_build(segment, text, cast))
    assert [t.addressed for t in turns] == [{Gender.MALE}, set(), {Gender.FEMALE}, set(), set()]
    # The answer to "sir" comes from a man; the line "my dear girl" answers, a woman's.
    answer = turns[1].features
    assert answer["C1"]["address_prev"] == 1.0 and answer["C0"]["address_prev"] == -1.0
    assert answer["C1"]["address_next"] == -1.0 and answer["C0"]["address_next"] == 1.0


def test_two_person_exchange_addressee(segment, speakers):
    text = 'Anna met Tom.\n\n"Hello," said Anna.\n\n"Hi," said Tom.'
    doc = speakers(_build(segment, text, _cast(("Anna", Gender.FEMALE), ("Tom", Gender.MALE))))
    assert [(q.speaker_id, q.addressee_ids) for q in doc.quotes] == [("C0", ("C1",)), ("C1", ("C0",))]


def test_first_person_narrator(segment, speakers):
    cast = [
        Character(id="C0", name="Nick", gender=Gender.MALE, is_narrator=True),
        Character(id="C1", name="Daisy", gender=Gender.FEMALE),
    ]
    text = 'Daisy poured the tea.\n\n"I will stay," I said. "You know me."'
    doc = speakers(_build(segment, text, cast))
    assert [q.speaker_id for q in doc.quotes] == ["C0", "C0"]
    assert doc.quotes[0].evidence == Evidence.ANAPHORIC
    in_quote = {m.text: m.character_id for m in doc.mentions if m.in_quote}
    # First person inside the quote is the speaker; "you" is the one other party.
    assert in_quote["I"] == "C0" and in_quote["me"] == "C0" and in_quote["You"] == "C1"


def test_nested_quote_gets_no_speaker(segment, speakers):
    text = 'Anna met Tom.\n\n"He said \'go\' to me," said Anna.'
    doc = _build(segment, text, _cast(("Anna", Gender.FEMALE), ("Tom", Gender.MALE)))
    outer = doc.quotes[0]
    start = text.index("go")
    nested = Quote("Q1", start, start + 2, "go", outer.paragraph, "single", start - 1, nested_in="Q0")
    doc.quotes = [outer, nested]
    doc = speakers(doc)
    assert doc.quotes[0].speaker_id == "C0" and doc.quotes[1].speaker_id is None


def test_scorer_is_pluggable(segment):
    # A scorer that ignores speech tags leaves the decision to salience and turn-taking.
    text = 'Tom waved.\n\nAnna smiled.\n\n"Hello," said Tom.'
    cast = _cast(("Tom", Gender.MALE), ("Anna", Gender.FEMALE))
    stage = SpeakerStage(SpeakerConfig(), scorer=RuleScorer({"salience": 1.0}))
    assert stage(_build(segment, text, cast)).quotes[0].speaker_id == "C1"


@pytest.mark.skipif(
    not (Path(__file__).resolve().parents[2] / "src/ficlens/data/models/speakers-ranker.json").exists(),
    reason="no shipped ranker model",
)
def test_ranker_scorer_follows_explicit_tags(segment):
    # The shipped learned ranker: a named tag and a reply by the other person of the exchange.
    text = '"Where were you?" asked Anna.\n\n"At the docks," said Tom.\n\n"All night?" Anna asked.'
    cast = _cast(("Tom", Gender.MALE), ("Anna", Gender.FEMALE))
    stage = SpeakerStage(SpeakerConfig(scorer="ranker"))
    doc = stage(_build(segment, text, cast))
    assert [q.speaker_id for q in doc.quotes] == ["C1", "C0", "C1"]


# --- speech tags the parser gets wrong (issue 4: explicit quotes on PDNC) ------------

HOWARDS = _cast(("Margaret", Gender.FEMALE), ("Dolly", Gender.FEMALE), ("Charles", Gender.MALE), ("Cecil", Gender.MALE))


@pytest.mark.parametrize(
    ("text", "speaker"),
    [
        # a phrasal tag whose particle the parser reads as a preposition
        ('Charles ate.\n\n"It is all right," put in Dolly.', "C1"),
        # "broke out": a second particle of the same verb
        ('Charles ate.\n\n"It is not fair!" broke out Margaret.', "C0"),
        # an adverb after the name taken as the subject ("said Cecil stiffly")
        ('Dolly sat down.\n\n"I meant," said Cecil stiffly, "that she will marry me."', "C3"),
        # a relative clause: the tag's subject is "who", its antecedent speaks
        ('Dolly looked guiltily at Charles, who said, "What are your legs for?"', "C2"),
        # a verb that tags speech only when it follows the quote
        ('Charles ate.\n\n"You are wrong there," flashed Margaret.', "C0"),
        # a tag verb added to the speech vocabulary
        ('Charles ate.\n\n"Never again," echoed Dolly.', "C1"),
        # the verb nearest the quote leads into it, not the first speech verb of the clause
        ('Dolly spoke with great agitation; and Charles very feelingly replied, "No reason."', "C2"),
    ],
)
def test_misparsed_explicit_tags(segment, speakers, text, speaker):
    doc = speakers(_build(segment, text, HOWARDS))
    assert doc.quotes[0].speaker_id == speaker
    assert doc.quotes[0].evidence == Evidence.EXPLICIT


def test_tag_name_without_mention(segment, speakers):
    # The character stage missed "Dolly" (tagged as an adverb): the tag still names her.
    doc = _build(segment, 'Charles ate.\n\n"Why, you just said it was!" cried Dolly.', HOWARDS)
    doc.mentions = [m for m in doc.mentions if m.text != "Dolly"]
    doc = speakers(doc)
    assert (doc.quotes[0].speaker_id, doc.quotes[0].evidence) == ("C1", Evidence.EXPLICIT)


def test_linked_pieces_with_two_named_tags_are_two_turns(segment, speakers):
    # The quotes stage linked a reply as a continuation; its own tag names someone else.
    text = 'Charles came in.\n\n"Schlegels again!" cried Charles, and Dolly said, "Oh no, the matron wrote."'
    doc = speakers(_build(segment, text, HOWARDS, continues={1: 0}))
    assert [q.speaker_id for q in doc.quotes] == ["C2", "C1"]


def test_names_normalise_and_function_words():
    from ficlens.stages.speakers import _Names, _normalise

    assert _normalise("Margaret--") == "margaret"
    names = _Names([Character(id="C0", name="The Clerk At The Trial"), Character(id="C1", name="Margaret")])
    assert names.lookup("At") == ()  # "At sight of ..." names nobody
    assert names.lookup("the clerk") == ("C0",)
    assert names.lookup("Margaret--") == ("C1",)


@pytest.mark.parametrize(
    ("text", "speaker"),
    [
        # "said--" is one token, read as a noun; the tag ends the paragraph before the quote.
        ('Presently, struck by a sudden thought, Charles said--\n\n"Margaret, which way are you going?"', "C2"),
        # "Margaret began again." ends its sentence right before the quote in the same paragraph.
        ('Charles ate in silence.\n\nMargaret began again. "You seemed to enjoy the drive."', "C0"),
    ],
)
def test_tags_before_the_quote(segment, speakers, text, speaker):
    doc = speakers(_build(segment, text, HOWARDS))
    assert (doc.quotes[0].speaker_id, doc.quotes[0].evidence) == (speaker, Evidence.EXPLICIT)


def test_resolved_pronoun_tag_still_says_its_gender(segment, speakers):
    # Coref chose Tom for "she" (a mistake): the candidates still learn the pronoun's gender,
    # and Anna is the only woman taking part in the conversation.
    text = '"Come in," said Anna.\n\n"Thank you," said Tom.\n\n"Sit down," she said.'
    doc = _build(segment, text, _cast(("Tom", Gender.MALE), ("Anna", Gender.FEMALE)))
    doc.mentions = [replace_id(m, "C0") if m.text == "she" else m for m in doc.mentions]
    feats = speakers.candidate_features(doc)[-1][1]
    assert feats["C0"]["tag_coref"] > 0 and feats["C0"]["tag_word_gender_mismatch"] == 1.0
    assert feats["C1"]["tag_word_gender"] == 1.0 and feats["C1"]["conv_gender_only"] == 1.0
    assert "conv_gender_only" not in feats["C0"]
    # Anna was tagged in another turn of the conversation.
    assert feats["C1"]["conv_tagged"] > 0


def test_coref_tags_are_kept_apart_in_conversation_features(segment):
    # "he said" resolved by coref to Bob: evidence of a weaker kind than "said Anna", so the
    # features of the turns around say which kind of tag named the candidate.
    text = '"Hello," said Anna.\n\n"Hi," he said.\n\n"Where to?"\n\n"Home."'
    cast = _cast(("Anna", Gender.FEMALE), ("Tom", Gender.MALE), ("Bob", Gender.MALE))
    doc = _build(segment, text, cast)
    doc.mentions = [replace(m, character_id="C2") if m.text == "he" else m for m in doc.mentions]
    turns = SpeakerStage(SpeakerConfig(scorer="rules")).turns(doc)
    assert [t.tag.ref.kind if t.tag else None for t in turns] == ["name", "coref", None, None]
    third, fourth = turns[2].features, turns[3].features
    assert third["C0"]["tag_prev2"] == 1.0 and "coref_tag_prev2" not in third["C0"]
    assert fourth["C2"]["coref_tag_prev2"] == 1.0 and "tag_prev2" not in fourth["C2"]
    assert fourth["C2"]["conv_coref_tagged"] == pytest.approx(0.1) and "conv_tagged" not in fourth["C2"]


def test_named_salience_leaves_out_coref_pronouns(segment):
    # "he" resolved to Bob after Tom was named: Bob is the most recent by any mention, Tom by name.
    text = 'Bob came in.\n\nTom waved. Then he laughed.\n\n"Hi."'
    cast = _cast(("Tom", Gender.MALE), ("Bob", Gender.MALE))
    doc = _build(segment, text, cast)
    doc.mentions = [replace(m, character_id="C1") if m.text == "he" else m for m in doc.mentions]
    [turn] = SpeakerStage(SpeakerConfig(scorer="rules")).turns(doc)
    tom, bob = turn.features["C0"], turn.features["C1"]
    assert bob["recency_rank"] == 1.0 and tom["recency_rank"] == 0.5
    assert tom["named_recency_rank"] == 1.0 and bob["named_recency_rank"] == 0.5
    assert tom["named_salience"] > bob["named_salience"]


def _worded(words: str, candidates: tuple[str, ...]) -> _Turn:
    turn = _Turn(quotes=[], paragraph=0, last_paragraph=0, scene=0)
    turn.words = words.split()
    turn.features = {c: {} for c in candidates}
    return turn


def test_style_features_score_habits_and_leave_the_turn_out():
    # Brett says "darling", Mippip "my dear": an untagged line with "darling" sounds like Brett.
    brett = [_worded("oh darling do come along darling " * 10, ("B", "M")) for _ in range(3)]
    mippip = [_worded("my dear sir one must drink my dear " * 10, ("B", "M")) for _ in range(3)]
    line = _worded("darling you are a fool", ("B", "M", "J"))
    turns = [*brett, *mippip, line]
    owners = ["B"] * 3 + ["M"] * 3 + [None]
    style_features(turns, owners, [t.features for t in turns], "style")
    b, m = line.features["B"], line.features["M"]
    assert b["style"] > m["style"]
    assert b["style_rank"] == 1.0 and m["style_rank"] == 0.5
    assert b["style_margin"] == pytest.approx(b["style"] - m["style"]) and m["style_margin"] < 0
    assert "style" not in line.features["J"]  # no tagged lines: no profile
    # A profile too small once the turn's own words are left out gives no score.
    alone = [_worded("darling " * 150, ("B",)), _worded("darling", ("B",))]
    style_features(alone, ["B", None], [t.features for t in alone], "style")
    assert "style" not in alone[0].features["B"] and "style" in alone[1].features["B"]


def test_second_pass_style_learns_from_the_decoded_lines():
    # No tags at all: the profiles come from whom the first pass decoded.
    turns = [_worded("darling darling how lovely " * 20, ("B", "M")) for _ in range(2)]
    turns += [_worded("my dear sir indeed " * 20, ("B", "M")) for _ in range(2)]
    line = _worded("darling", ("B", "M"))
    for t in [*turns, line]:
        t.scores = {"B": 0.0, "M": 0.0}
    stack_features([([*turns, line], ["B", "B", "M", "M", None])], SpeakerConfig())
    assert line.stacked["B"]["p1_style"] > line.stacked["M"]["p1_style"]
    assert "style" not in line.stacked["B"]  # first-pass features copied, not recomputed


class _NextDecoded:
    """A second-pass scorer for the test below: the candidate the round before decoded for
    the next turn; it records the first-pass scores each round shows it."""

    def __init__(self) -> None:
        self.p1_scores: list[float] = []

    def score(self, features):
        self.p1_scores.append(features["p1_score"])
        return features.get("p1_next1", 0.0)


def test_each_second_pass_round_reads_the_round_before_and_the_first_pass_scores():
    turns = []
    for k, strength in enumerate((1.0, 0.2)):
        turn = _Turn(quotes=[k], paragraph=k, last_paragraph=k, scene=0)
        turn.features = {"A": {"tag_name": strength}, "B": {}}
        turns.append(turn)
    first = RuleScorer({"tag_name": 1.0})
    decoded = {}
    for rounds in (1, 2):
        second = _NextDecoded()
        stage = SpeakerStage(SpeakerConfig(scorer="rules", second_pass_rounds=rounds), scorer=first, second_scorer=second)
        decoded[rounds] = stage.decode_conversations(turns)[0][1]
        # Every round (four pairs each) sees the first pass's scores, not the round before's.
        rounds_seen = [sorted(second.p1_scores[i : i + 4]) for i in range(0, len(second.p1_scores), 4)]
        assert rounds_seen == [[0.0, 0.0, 0.2, 1.0]] * rounds
    # The first pass decodes A, B; round one follows it to B, A; round two follows that to A.
    assert decoded[1] == ["B", "A"] and decoded[2][0] == "A"


@pytest.mark.parametrize("tag", ["said the stranger", "said the other", "cried a voice", "said the porter"])
def test_a_tag_that_names_nobody_still_marks_the_line_as_told(segment, speakers, tag):
    # "said the stranger": nobody the story names, but no untagged line either.
    text = f'Anna waited by the gate.\n\n"Who goes there?" {tag}.\n\n"A friend," said Anna.'
    doc = speakers(_build(segment, text, _cast(("Anna", Gender.FEMALE))))
    assert doc.quotes[0].evidence == Evidence.ANAPHORIC
    assert doc.quotes[0].speaker_mention is None  # the tag is not Anna's


# Stories in our own words (CC0): a cast of descriptions, as PDNC's and many wikis' are.
DESCRIBED = _cast(
    ("Anna", Gender.FEMALE),
    ("The Gentleman In The White Waistcoat", Gender.MALE),
    ("The Gentleman In The Grey Coat", Gender.MALE),
    ("Nanny", Gender.FEMALE),
    ("The Red-faced Porter", Gender.MALE),
    ("The Medicine Man", Gender.MALE),
    ("The Magistrate", Gender.MALE),
)


@pytest.mark.parametrize(
    ("tag", "speaker"),
    [
        # the prepositional phrase tells the two gentlemen apart
        ("said the gentleman in the white waistcoat", "C1"),
        ("said the gentleman in the grey coat", "C2"),
        # a lower-case alias
        ("said nanny", "C3"),
        # a hyphenated adjective before the noun, and "a" for the cast's "The"
        ("cried a red-faced porter", "C4"),
        # a compound noun, read from its head
        ("replied the medicine man", "C5"),
    ],
)
def test_a_tag_written_as_a_described_cast_member_names_them(segment, speakers, tag, speaker):
    text = f'Anna waited by the gate.\n\n"You are late again," {tag}.'
    doc = speakers(_build(segment, text, DESCRIBED))
    q = doc.quotes[0]
    assert (q.speaker_id, q.evidence) == (speaker, Evidence.EXPLICIT)


def test_one_of_a_group_is_the_group_the_cast_names(segment, speakers):
    # "one of the magistrates" for the cast's "The Magistrate": theirs, but only a description
    text = 'Anna waited by the gate.\n\n"You are late again," inquired one of the magistrates.'
    doc = speakers(_build(segment, text, DESCRIBED))
    assert (doc.quotes[0].speaker_id, doc.quotes[0].evidence) == ("C6", Evidence.ANAPHORIC)


def test_one_of_an_unnamed_group_marks_the_line_as_told(segment, speakers):
    text = 'A crowd stood by the gate.\n\n"Shall we go in?" said one of them.\n\n"Not yet," said Anna.'
    doc = speakers(_build(segment, text, DESCRIBED))
    assert doc.quotes[0].evidence == Evidence.ANAPHORIC and doc.quotes[0].speaker_mention is None


@pytest.mark.parametrize(
    ("text", "cast", "speaker"),
    [
        # a tag in the last clause of the sentence before the quote
        ('Dolly seemed to be wavering a little, but Charles interposed. "Quite out of the question."', HOWARDS, "C2"),
        # an adverb between the name and the verb, the name read as a modal ("May")
        ('Charles ate.\n\n"It is convenient," May brightly agreed, "that you came."', _cast(("Charles", Gender.MALE), ("May", Gender.FEMALE)), "C1"),
        # an abbreviated French title that the tokenizer would split from its full stop
        ('Charles bowed.\n\n"Bonjour, monsieur," replied Mlle. Blanche with a bow.', _cast(("Charles", Gender.MALE), ("Mlle. Blanche", Gender.FEMALE)), "C1"),
        # a speech verb added to the vocabulary
        ('Charles ate.\n\n"She entangled him," Aunt Celia intervened.', _cast(("Charles", Gender.MALE), ("Aunt Celia", Gender.FEMALE)), "C1"),
    ],
)
def test_more_explicit_tags(segment, speakers, text, cast, speaker):
    doc = speakers(_build(segment, text, cast))
    assert (doc.quotes[0].speaker_id, doc.quotes[0].evidence) == (speaker, Evidence.EXPLICIT)
