"""The speakers stage as a whole: what it writes, empty input, evidence and confidence, the
pluggable scorer."""

from __future__ import annotations

from dataclasses import replace

import pytest

from ficlens.model import Character, Document, Evidence, Gender, Quote
from ficlens.stages.speakers import RuleScorer, SpeakerConfig, SpeakerStage

pytestmark = pytest.mark.slow

PRIDE = (("Elizabeth", Gender.FEMALE), ("Mrs. Bennet", Gender.FEMALE), ("Mr. Darcy", Gender.MALE))
TOM_ANNA = (("Tom", Gender.MALE), ("Anna", Gender.FEMALE))


def test_empty_document(speakers):
    doc = speakers(Document(text=""))
    assert doc.quotes == [] and doc.characters == [] and doc.mentions == []


def test_document_without_quotes(build, speakers):
    doc = build("Elizabeth walked to Meryton. Mr. Darcy did not.", PRIDE)
    before = list(doc.mentions)
    doc = speakers(doc)
    assert doc.quotes == []
    assert doc.mentions == before
    assert [c.quotes for c in doc.characters] == [0, 0, 0]


def test_quotes_without_characters_stay_unassigned(build, speakers):
    doc = speakers(build('"Hello," said someone.', []))
    assert doc.quotes[0].speaker_id is None and doc.quotes[0].evidence is None


def test_writes_only_the_layers_it_assigns(build, speakers):
    # "I" and "you" inside the quotes are the quote_pronouns stage's work, not this one's.
    cast = (Character(id="C0", name="Nick", gender=Gender.MALE, is_narrator=True), ("Daisy", Gender.FEMALE))
    doc = build('Daisy poured the tea.\n\n"I will stay," I said. "You know me."', cast)
    before = {"mentions": list(doc.mentions), "tokens": list(doc.tokens), "paragraphs": list(doc.paragraphs)}
    doc = speakers(doc)
    # "warnings": a lookalike of a cast member is reported by the lines it took (issue 23).
    assert SpeakerStage.assigns == ("quotes", "characters", "warnings")
    assert {"mentions": doc.mentions, "tokens": doc.tokens, "paragraphs": doc.paragraphs} == before
    assert [q.speaker_id for q in doc.quotes] == ["C0", "C0"]
    assert [c.quotes for c in doc.characters] == [2, 0]  # two pieces not linked by ``continues``


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
def test_explicit_tags_are_sure(build, speakers, text, speaker, mention):
    doc = speakers(build(text, PRIDE))
    q = doc.quotes[0]
    assert q.speaker_id == speaker
    assert q.evidence == Evidence.EXPLICIT
    assert q.speaker_mention is not None and doc.text[slice(*q.speaker_mention)] == mention
    assert q.confidence >= 0.9
    assert speaker in q.candidates


def test_untagged_lines_are_implicit_and_less_sure(build, speakers):
    lines = ["Anna looked at Tom across the table.", '"Did you sleep?" asked Anna.']
    lines += [f'"{s}"' for s in ("Not much.", "Why not?", "The storm.", "It was loud.", "Very loud.", "Go back to bed.")]
    doc = speakers(build("\n\n".join(lines), (("Anna", Gender.FEMALE), ("Tom", Gender.MALE))))
    assert [q.speaker_id for q in doc.quotes] == ["C0", "C1", "C0", "C1", "C0", "C1", "C0"]
    assert [q.evidence for q in doc.quotes[1:]] == [Evidence.IMPLICIT] * 6
    assert all(0.0 < q.confidence < 0.9 for q in doc.quotes[1:])


def test_nested_quote_gets_no_speaker(build, speakers):
    text = 'Anna met Tom.\n\n"He said \'go\' to me," said Anna.'
    doc = build(text, (("Anna", Gender.FEMALE), ("Tom", Gender.MALE)))
    outer = doc.quotes[0]
    start = text.index("go")
    nested = Quote("Q1", start, start + 2, "go", outer.paragraph, "single", start - 1, nested_in="Q0")
    doc.quotes = [outer, nested]
    doc = speakers(doc)
    assert doc.quotes[0].speaker_id == "C0" and doc.quotes[1].speaker_id is None


def test_scorer_is_pluggable(build):
    # A scorer that ignores speech tags leaves the decision to salience and turn-taking (the
    # cues, which add to a name tag's speaker, off).
    text = 'Tom waved.\n\nAnna smiled.\n\n"Hello," said Tom.'
    stage = SpeakerStage(SpeakerConfig(cues=False), scorer=RuleScorer({"salience": 1.0}))
    assert stage.bundle is None and stage.second_scorer is None
    assert stage(build(text, TOM_ANNA)).quotes[0].speaker_id == "C1"


def test_the_default_stage_runs_the_shipped_ranker(stages):
    stage = stages["ranker"]
    assert stage.bundle is not None and stage.scorer is stage.bundle.full
    assert stage.second_scorer is stage.bundle.second and stage.addressee_scorer is stage.bundle.addressee
    # The model file's transition scores replace the configured ones.
    assert stage.config.alternation_bonus == stage.bundle.decoder["alternation_bonus"]


def test_candidates_are_ranked_by_score(build, speakers):
    text = 'Tom and Anna stood at the door.\n\n"It is late," said Anna.'
    doc = build(text, TOM_ANNA)
    [turn] = speakers.decode_conversations(speakers.turns(doc))[0][0]
    q = speakers(doc).quotes[0]
    assert q.candidates == tuple(sorted(turn.scores, key=lambda c: -turn.scores[c]))
    assert q.candidates[0] == "C1"


def test_a_pronoun_tag_with_rival_women_is_less_sure(build, speakers):
    # "she said" with one woman around against two: same speaker, lower confidence.
    one = speakers(build('Tom and Anna stood at the door.\n\n"It is late," she said.', TOM_ANNA))
    cast = (*TOM_ANNA, ("Ruth", Gender.FEMALE))
    two = speakers(build('Tom, Ruth and Anna stood at the door.\n\n"It is late," she said.', cast))
    assert one.quotes[0].evidence == two.quotes[0].evidence == Evidence.ANAPHORIC
    assert one.quotes[0].speaker_id == "C1"
    assert two.quotes[0].confidence < one.quotes[0].confidence


def test_character_quote_counts_follow_the_speakers(build, speakers):
    doc = build('Anna met Tom.\n\n"Hello," said Anna.\n\n"Hi," said Tom.\n\n"Bye," said Anna.', TOM_ANNA)
    doc.characters = [replace(c, quotes=99) for c in doc.characters]  # overwritten, not added to
    doc = speakers(doc)
    assert [c.quotes for c in doc.characters] == [1, 2]
