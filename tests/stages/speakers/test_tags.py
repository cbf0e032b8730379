"""Speech tags: finding the tag of a quote and resolving who it names (``speakers/tags.py``),
checked through the stage's answers with both scorers."""

from __future__ import annotations

from dataclasses import replace

import pytest

from ficlens.model import Evidence, Gender

pytestmark = pytest.mark.slow

TEDDY_MARIE = (("Teddy", Gender.MALE), ("Marie", Gender.FEMALE))
HOWARDS = (("Margaret", Gender.FEMALE), ("Dolly", Gender.FEMALE), ("Charles", Gender.MALE), ("Cecil", Gender.MALE))
# Stories in our own words (CC0): a cast of descriptions, as PDNC's and many wikis' are.
DESCRIBED = (
    ("Anna", Gender.FEMALE),
    ("The Gentleman In The White Waistcoat", Gender.MALE),
    ("The Gentleman In The Grey Coat", Gender.MALE),
    ("Nanny", Gender.FEMALE),
    ("The Red-faced Porter", Gender.MALE),
    ("The Medicine Man", Gender.MALE),
    ("The Magistrate", Gender.MALE),
)


def test_anaphoric_pronoun_resolved_by_gender(build, speakers):
    text = 'Tom and Anna stood at the door.\n\n"It is late," she said.'
    doc = speakers(build(text, (("Tom", Gender.MALE), ("Anna", Gender.FEMALE))))
    q = doc.quotes[0]
    assert (q.speaker_id, q.evidence) == ("C1", Evidence.ANAPHORIC)
    assert doc.text[slice(*q.speaker_mention)] == "she"
    assert set(q.candidates) == {"C0", "C1"}


def test_anaphoric_pronoun_resolved_by_coref(build, speakers):
    # Coref already linked "she" to Anna: the stage must use it even with two women around.
    text = 'Anna and Jo stood at the door.\n\n"It is late," she said.'
    doc = build(text, (("Anna", Gender.FEMALE), ("Jo", Gender.FEMALE)))
    doc.mentions = [replace(m, character_id="C0") if m.text == "she" else m for m in doc.mentions]
    q = speakers(doc).quotes[0]
    assert (q.speaker_id, q.evidence) == ("C0", Evidence.ANAPHORIC)


def test_present_tense_tag(build, speakers):
    text = 'Marie watches Teddy.\n\n"You should go," he says.'
    doc = speakers(build(text, TEDDY_MARIE))
    assert (doc.quotes[0].speaker_id, doc.quotes[0].evidence) == ("C0", Evidence.ANAPHORIC)


# --- speech tags the parser gets wrong (issue 4: explicit quotes on PDNC) ------------


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
def test_misparsed_explicit_tags(build, speakers, text, speaker):
    doc = speakers(build(text, HOWARDS))
    assert doc.quotes[0].speaker_id == speaker
    assert doc.quotes[0].evidence == Evidence.EXPLICIT


def test_tag_name_without_mention(build, speakers):
    # The character stage missed "Dolly" (tagged as an adverb): the tag still names her.
    doc = build('Charles ate.\n\n"Why, you just said it was!" cried Dolly.', HOWARDS)
    doc.mentions = [m for m in doc.mentions if m.text != "Dolly"]
    doc = speakers(doc)
    assert (doc.quotes[0].speaker_id, doc.quotes[0].evidence) == ("C1", Evidence.EXPLICIT)


@pytest.mark.parametrize(
    ("text", "speaker"),
    [
        # "said--" is one token, read as a noun; the tag ends the paragraph before the quote.
        ('Presently, struck by a sudden thought, Charles said--\n\n"Margaret, which way are you going?"', "C2"),
        # "Margaret began again." ends its sentence right before the quote in the same paragraph.
        ('Charles ate in silence.\n\nMargaret began again. "You seemed to enjoy the drive."', "C0"),
    ],
)
def test_tags_before_the_quote(build, speakers, text, speaker):
    doc = speakers(build(text, HOWARDS))
    assert (doc.quotes[0].speaker_id, doc.quotes[0].evidence) == (speaker, Evidence.EXPLICIT)


@pytest.mark.parametrize("tag", ["said the stranger", "said the other", "cried a voice", "said the porter"])
def test_a_tag_that_names_nobody_still_marks_the_line_as_told(build, speakers, tag):
    # "said the stranger": nobody the story names, but no untagged line either.
    text = f'Anna waited by the gate.\n\n"Who goes there?" {tag}.\n\n"A friend," said Anna.'
    doc = speakers(build(text, (("Anna", Gender.FEMALE),)))
    assert doc.quotes[0].evidence == Evidence.ANAPHORIC
    assert doc.quotes[0].speaker_mention is None  # the tag is not Anna's


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
def test_a_tag_written_as_a_described_cast_member_names_them(build, speakers, tag, speaker):
    text = f'Anna waited by the gate.\n\n"You are late again," {tag}.'
    doc = speakers(build(text, DESCRIBED))
    q = doc.quotes[0]
    assert (q.speaker_id, q.evidence) == (speaker, Evidence.EXPLICIT)


def test_one_of_a_group_is_the_group_the_cast_names(build, speakers):
    # "one of the magistrates" for the cast's "The Magistrate": theirs, but only a description
    text = 'Anna waited by the gate.\n\n"You are late again," inquired one of the magistrates.'
    doc = speakers(build(text, DESCRIBED))
    assert (doc.quotes[0].speaker_id, doc.quotes[0].evidence) == ("C6", Evidence.ANAPHORIC)


def test_one_of_an_unnamed_group_marks_the_line_as_told(build, speakers):
    text = 'A crowd stood by the gate.\n\n"Shall we go in?" said one of them.\n\n"Not yet," said Anna.'
    doc = speakers(build(text, DESCRIBED))
    assert doc.quotes[0].evidence == Evidence.ANAPHORIC and doc.quotes[0].speaker_mention is None


@pytest.mark.parametrize(
    ("text", "cast", "speaker"),
    [
        # a tag in the last clause of the sentence before the quote
        ('Dolly seemed to be wavering a little, but Charles interposed. "Quite out of the question."', HOWARDS, "C2"),
        # an adverb between the name and the verb, the name read as a modal ("May")
        ('Charles ate.\n\n"It is convenient," May brightly agreed, "that you came."', (("Charles", Gender.MALE), ("May", Gender.FEMALE)), "C1"),
        # an abbreviated French title that the tokenizer would split from its full stop
        ('Charles bowed.\n\n"Bonjour, monsieur," replied Mlle. Blanche with a bow.', (("Charles", Gender.MALE), ("Mlle. Blanche", Gender.FEMALE)), "C1"),
        # a speech verb added to the vocabulary
        ('Charles ate.\n\n"She entangled him," Aunt Celia intervened.', (("Charles", Gender.MALE), ("Aunt Celia", Gender.FEMALE)), "C1"),
    ],
)
def test_more_explicit_tags(build, speakers, text, cast, speaker):
    doc = speakers(build(text, cast))
    assert (doc.quotes[0].speaker_id, doc.quotes[0].evidence) == (speaker, Evidence.EXPLICIT)


def test_tag_records_the_verb_and_a_weaker_manner_verb(build, rules):
    # "said" is a speech verb (strength 1); "smiled" a manner verb, weaker but still a tag.
    text = 'Tom met Anna.\n\n"Hello," said Anna.\n\n"Hi," Tom smiled.'
    said, smiled = rules.turns(build(text, (("Tom", Gender.MALE), ("Anna", Gender.FEMALE))))
    assert said.tag is not None and said.tag.ref.ids == ("C1",) and said.tag.ref.kind == "name"
    assert rules.config.manner_verbs  # the default accepts manner verbs
    assert smiled.tag is not None and smiled.tag.ref.ids == ("C0",)
    assert said.tag.strength == 1.0 and 0.0 < smiled.tag.strength < 1.0
